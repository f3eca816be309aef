"""The embedded filesystem broker never hands a worker a half-written message (issue 13 item 1).

kombu's stock channel creates ``<n>_<uuid>.<queue>.msg`` and then writes into it; a worker
polling at that moment read an empty file and died with JSONDecodeError. These tests drive
the transport the settings configure, with no server and no worker, in a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

import pytest
from django.conf import settings
from kombu import Connection

from factcheck import broker

QUEUE = "partial-test"
TRANSPORT = "factcheck.broker:FilesystemTransport"


@pytest.fixture
def channel(tmp_path: Path):
    queue_dir = tmp_path / "queue"
    queue_dir.mkdir()
    options = {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(tmp_path / "processed"),
        "control_folder": str(tmp_path / "control"),
        "store_processed": False,
    }
    conn = Connection("filesystem://", transport=TRANSPORT, transport_options=options)
    chan = conn.channel()
    chan.queue_folder = queue_dir
    yield chan
    conn.release()


def test_embedded_default_selects_the_atomic_transport(tmp_path):
    # CI runs the suite on Redis, so the embedded default is checked in a fresh process.
    drop = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_BROKER_DIR")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DEBUG="1", FACTCHECK_VAR_DIR=str(tmp_path))
    code = (
        "from factcheck.celery import app; "
        "print(app.conf.broker_url, app.conf.broker_transport); "
        "print(type(app.connection_for_write().transport).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "filesystem://localhost/",
        TRANSPORT,
        "FilesystemTransport",
    ]


def test_an_empty_message_file_is_skipped_then_read_once_written(channel):
    # What a consumer saw between the producer's open() and write(): an empty .msg file.
    path = channel.queue_folder / f"1_abc.{QUEUE}.msg"
    path.write_bytes(b"")
    with pytest.raises(Empty):
        channel._get(QUEUE)
    assert path.exists(), "the young half-written message must be put back, not dropped"

    path.write_bytes(b'{"body": "hello"}')
    assert channel._get(QUEUE) == {"body": "hello"}
    assert not path.exists()


def test_a_truncated_message_file_does_not_raise(channel):
    path = channel.queue_folder / f"1_abc.{QUEUE}.msg"
    path.write_bytes(b'{"body": "hel')
    with pytest.raises(Empty):
        channel._get(QUEUE)
    assert path.read_bytes() == b'{"body": "hel'


def test_a_message_that_stays_unreadable_is_moved_aside(channel, caplog):
    path = channel.queue_folder / f"1_abc.{QUEUE}.msg"
    path.write_bytes(b"not json")
    old = time.time() - broker.CORRUPT_AFTER_SECONDS - 5
    os.utime(path, (old, old))
    with pytest.raises(Empty):
        channel._get(QUEUE)
    assert not path.exists()
    corrupt = channel.queue_folder.parent / "corrupt" / path.name
    assert corrupt.read_bytes() == b"not json"
    assert "could not be decoded" in caplog.text


def test_put_never_shows_a_partial_message_under_its_final_name(channel, monkeypatch):
    seen_while_writing: list[list[str]] = []
    real_replace = os.replace

    def spying_replace(src, dst):
        # At the moment of the rename the data is complete; before it, no *.msg is visible.
        seen_while_writing.append(
            [n for n in os.listdir(channel.queue_folder) if n.endswith(".msg")]
        )
        return real_replace(src, dst)

    monkeypatch.setattr(broker.os, "replace", spying_replace)
    channel._put(QUEUE, {"body": "x" * 100_000})
    assert seen_while_writing == [[]]
    assert channel._get(QUEUE) == {"body": "x" * 100_000}


def test_messages_round_trip_in_order_and_temp_files_are_ignored(channel):
    (channel.queue_folder / f"{broker.TMP_PREFIX}zzz-0_a.{QUEUE}.msg.part").write_bytes(b"")
    for i in range(3):
        channel._put(QUEUE, {"n": i})
        time.sleep(0.002)
    assert [channel._get(QUEUE)["n"] for _ in range(3)] == [0, 1, 2]
    with pytest.raises(Empty):
        channel._get(QUEUE)


def test_exchange_tables_are_replaced_whole(channel):
    channel._queue_bind("fan", "", "", "q1")
    channel._queue_bind("fan", "", "", "q2")
    channel._queue_bind("fan", "", "", "q1")
    assert sorted(q.queue for q in channel.get_table("fan")) == ["q1", "q2"]
    # A table left empty by a non-atomic writer reads as "no bindings", not as a crash.
    (Path(channel.control_folder) / "other.exchange").write_bytes(b"")
    assert channel.get_table("other") == []
