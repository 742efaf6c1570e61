"""`make run`: the web server, a Celery worker and beat, stopped together by Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server together with a Celery worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options):
        python = sys.executable
        celery = str(Path(python).with_name("celery"))
        commands = {
            "worker": [
                celery,
                "-A",
                "portal",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        }
        # Children get their own sessions: Ctrl-C reaches only this process, which then
        # stops each child exactly once (a second SIGINT makes Celery abort uncleanly).
        children = {
            name: subprocess.Popen(cmd, start_new_session=True)  # noqa: S603
            for name, cmd in commands.items()
        }
        # Passkeys (WebAuthn) need a host name: the browser refuses an IP address as the
        # relying party, and treats http://localhost as a secure context.
        shown = "localhost" if host in ("127.0.0.1", "::1") else host
        self.stdout.write(
            f"\n  M-Pesa Developer Portal: open http://{shown}:{port}/\n"
            "  (Ctrl-C stops the web server, the Celery worker and beat)\n"
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("  stopped.\n")
