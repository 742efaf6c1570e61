"""`python -m mpesa_portal_sdk listen --forward-to http://localhost:3000/callback`

Receives the callbacks of your application from the portal (no public URL needed) and
POSTs each one to a local URL with the portal's own headers and signatures, then reports
the local answer back so the portal's delivery log shows it. The protocol is in the
portal's docs/callbacks.md ("Forwarding to localhost"). Standard library only, besides
the bearer this library already makes.

Credentials come from the options or the environment: MPESA_API_KEY (the application's
API key), MPESA_PUBLIC_KEY (the gateway public key of My Profile) and MPESA_PORTAL_URL
(for example https://openapiportal.example.com).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from mpesa_portal_sdk.api import create_bearer_token

LISTEN_PATH = "/sandbox/callbacks/listen/"
FORWARD_TIMEOUT_SECONDS = 10.0
EXCERPT_CHARS = 1000
# Hop-by-hop and transport headers the local request makes for itself.
_NOT_FORWARDED = {"host", "content-length", "connection", "transfer-encoding"}


class Unauthorized(Exception):
    pass


class Listener:
    def __init__(self, portal: str, bearer: str, forward_to: str, wait: float = 25.0):
        self.portal = portal.rstrip("/")
        self.bearer = bearer
        self.forward_to = forward_to
        self.wait = wait

    def _portal_request(
        self, method: str, path: str, data: dict[str, Any] | None = None, timeout: float = 10.0
    ) -> tuple[int, bytes]:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 (the portal URL the user gave)
            self.portal + LISTEN_PATH + path,
            data=body,
            method=method,
            headers={
                "Authorization": "Bearer " + self.bearer,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                raise Unauthorized("The portal refused the API key (401).") from None
            return exc.code, exc.read()

    def next_delivery(self) -> dict[str, Any] | None:
        """One long poll: a delivery, or None when none came within the wait."""
        query = urllib.parse.urlencode({"wait": f"{self.wait:g}"})
        status, body = self._portal_request("GET", "next?" + query, timeout=self.wait + 15)
        if status == 204:
            return None
        if status != 200:
            raise OSError(f"the portal answered {status}: {body[:200]!r}")
        return json.loads(body)

    def forward(self, delivery: dict[str, Any]) -> dict[str, Any]:
        """POST the delivery to the local URL; what it answered (or the error)."""
        headers = {
            name: value
            for name, value in delivery["headers"].items()
            if name.lower() not in _NOT_FORWARDED
        }
        request = urllib.request.Request(  # noqa: S310 (the local URL the user gave)
            self.forward_to, data=delivery["body"].encode(), method="POST", headers=headers
        )
        report: dict[str, Any] = {
            "attempt": delivery["attempt"],
            "status": None,
            "body": "",
            "error": "",
            "url": self.forward_to,
        }
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=FORWARD_TIMEOUT_SECONDS
            ) as response:
                report["status"] = response.status
                report["body"] = response.read(16 * 1024).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            report["status"] = exc.code
            report["body"] = exc.read(16 * 1024).decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            report["error"] = f"Local URL unreachable: {reason}"[:500]
        report["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        report["body"] = report["body"][:EXCERPT_CHARS]
        return report

    def report(self, delivery: dict[str, Any], report: dict[str, Any]) -> None:
        status, body = self._portal_request("POST", f"{delivery['id']}/result", report)
        if status != 200:
            print(f"  the portal did not record it ({status}): {body[:200]!r}", file=sys.stderr)

    def disconnect(self) -> None:
        with contextlib.suppress(OSError, Unauthorized):
            self._portal_request("POST", "disconnect", {}, timeout=5)

    def run(self, count: int = 0) -> int:
        """Forward callbacks until interrupted (or `count` of them, when > 0)."""
        print(f"Ready: forwarding callbacks to {self.forward_to} (Ctrl-C stops)", flush=True)
        forwarded = 0
        pause = 1.0
        try:
            while not count or forwarded < count:
                try:
                    delivery = self.next_delivery()
                except Unauthorized as exc:
                    print(exc, file=sys.stderr)
                    return 2
                except (OSError, ValueError) as exc:  # portal unreachable: try again
                    print(f"Portal unreachable ({exc}); retrying in {pause:g} s", file=sys.stderr)
                    time.sleep(pause)
                    pause = min(pause * 2, 30.0)
                    continue
                pause = 1.0
                if delivery is None:
                    continue
                result = self.forward(delivery)
                shown = result["status"] or result["error"]
                test = " (test)" if delivery.get("is_test") else ""
                print(
                    f"{delivery['operation']}{test} {delivery['id']} attempt "
                    f"{delivery['attempt']} -> {shown} ({result['duration_ms']:g} ms)",
                    flush=True,
                )
                self.report(delivery, result)
                forwarded += 1
        except KeyboardInterrupt:
            pass
        finally:
            self.disconnect()
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpesa_portal_sdk")
    commands = parser.add_subparsers(dest="command", required=True)
    listen = commands.add_parser("listen", help="forward your callbacks to a local URL")
    listen.add_argument(
        "--forward-to", required=True, help="local URL, e.g. http://localhost:3000/callback"
    )
    listen.add_argument("--portal", default=os.environ.get("MPESA_PORTAL_URL", ""))
    listen.add_argument("--api-key", default=os.environ.get("MPESA_API_KEY", ""))
    listen.add_argument("--public-key", default=os.environ.get("MPESA_PUBLIC_KEY", ""))
    listen.add_argument("--wait", type=float, default=25.0, help="long-poll wait, seconds")
    listen.add_argument("--count", type=int, default=0, help="stop after N callbacks")
    args = parser.parse_args(argv)
    missing = [
        name
        for name, value in (
            ("--portal / MPESA_PORTAL_URL", args.portal),
            ("--api-key / MPESA_API_KEY", args.api_key),
            ("--public-key / MPESA_PUBLIC_KEY", args.public_key),
        )
        if not value
    ]
    if missing:
        parser.error("missing " + ", ".join(missing))
    bearer = create_bearer_token(args.api_key, args.public_key)
    return Listener(args.portal, bearer, args.forward_to, args.wait).run(args.count)


if __name__ == "__main__":
    sys.exit(main())
