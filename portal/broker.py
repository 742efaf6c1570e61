"""The embedded Celery broker: kombu's filesystem transport, with atomic writes.

kombu's filesystem channel writes each message straight into its final file name; a
consumer listing the folder at that moment can move and read a half-written file, fail
to parse it, and the message is gone. Here a message is written under a name no consumer
matches and renamed into place when complete (rename is atomic on one filesystem), so a
consumer sees either nothing or the whole message.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

SCHEME = "portalfs"


class Channel(filesystem.Channel):
    # kombu's filesystem.Channel._put takes (queue, payload, **kwargs); its stubs copy the
    # virtual base's (queue, message).
    def _put(self, queue, payload, **kwargs):  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Consumers take only "<stamp>_<uuid>.<queue>.msg": the ".tmp-" prefix never matches.
        partial = os.path.join(self.data_folder_out, f".tmp-{name}")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES[SCHEME] = "portal.broker:Transport"
