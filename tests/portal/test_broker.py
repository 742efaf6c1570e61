"""The embedded broker (portalfs://) never shows a consumer a half-written message."""

import json
import os

import pytest
from kombu import Connection

from portal import broker


@pytest.fixture
def folder(tmp_path):
    return tmp_path


def taken_by_consumer(name: str, queue: str) -> bool:
    # kombu's filesystem consumer takes exactly the names whose part after the first dot
    # is "<queue>.msg".
    return name.partition(".")[2] == f"{queue}.msg"


def _connection(folder):
    return Connection(
        f"{broker.SCHEME}://",
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
        },
    )


def test_message_appears_under_its_queue_name_only_when_complete(folder, monkeypatch):
    seen_at_rename = {}
    real_replace = os.replace

    def replace(src, dst):
        # At the moment of the rename the whole message is in the hidden file, and no
        # file a consumer would take exists yet.
        seen_at_rename["visible"] = [n for n in os.listdir(folder) if taken_by_consumer(n, "q1")]
        with open(src, "rb") as f:
            seen_at_rename["hidden"] = json.loads(f.read())
        real_replace(src, dst)

    monkeypatch.setattr(broker.os, "replace", replace)
    with _connection(folder) as conn:
        queue = conn.SimpleQueue("q1")
        queue.put({"amount": "10.00"})

        assert seen_at_rename["visible"] == []
        assert seen_at_rename["hidden"]["body"]
        assert [n for n in os.listdir(folder) if n.startswith(".tmp-")] == []
        message = queue.get(timeout=2)
        assert message.payload == {"amount": "10.00"}
        message.ack()
        queue.close()


def test_consumer_ignores_a_partial_file(folder):
    with _connection(folder) as conn:
        queue = conn.SimpleQueue("q2")
        (folder / ".tmp-1_x.q2.msg").write_bytes(b'{"half": ')

        with pytest.raises(queue.Empty):
            queue.get(timeout=0.5)
        queue.put({"whole": True})
        assert queue.get(timeout=2).payload == {"whole": True}
        queue.close()
