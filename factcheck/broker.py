"""kombu's filesystem transport, made safe for a producer and a consumer in separate processes.

kombu 5.7's filesystem channel creates a message file under its final ``*.msg`` name and only
then writes the JSON into it, while the consumer lists the folder, moves the file away and
reads it without any lock. A consumer polling every 100 ms sometimes takes a file between
``open()`` and ``write()``: it reads zero bytes, ``json.loads`` raises ``JSONDecodeError``, and
the Celery worker stops with "Unrecoverable error" (issue 13, after ~10 minutes of beat).
The same gap exists for the exchange tables in the control folder (truncate, then lock, then
write).

This transport closes both gaps:

* messages and exchange tables are written under a temporary name that no consumer looks at,
  flushed, and then renamed into place with ``os.replace`` (atomic on one file system), so a
  reader only ever sees a whole file;
* a consumer that still meets an unreadable message (for example one written by an older
  producer) does not crash: it puts the file back for a later poll while it is young, and
  moves it aside to ``<queue folder>/../corrupt/`` with a log line once it has stayed
  unreadable for ``CORRUPT_AFTER_SECONDS``.

Settings select it with ``CELERY_BROKER_TRANSPORT = "factcheck.broker:FilesystemTransport"``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import uuid
from queue import Empty
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

#: A message file that still cannot be decoded after this long is moved aside.
CORRUPT_AFTER_SECONDS = 30.0
#: Prefix of files being written: ``_get`` only takes names ending in ``.<queue>.msg``.
TMP_PREFIX = ".tmp-"


def _write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees a partial file."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f"{TMP_PREFIX}{uuid.uuid4().hex}-{name}.part")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


class FilesystemChannel(filesystem.Channel):
    """A filesystem channel whose writes are atomic and whose reads tolerate bad files."""

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        filename = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, filename)
        try:
            _write_atomically(path, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {path!r} to directory") from exc

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        entry = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        # The lock file serialises concurrent binders; readers never need it because the
        # table itself is only ever replaced whole.
        lock_path = self.control_folder / f".{file.name}.lock"
        try:
            with open(lock_path, "a+b") as lock_file:
                filesystem.lock(lock_file, filesystem.LOCK_EX)
                try:
                    queues = self.get_table(exchange)
                    if entry in queues:
                        return
                    queues.insert(0, entry)
                    _write_atomically(str(file), str_to_bytes(dumps(queues)))
                finally:
                    filesystem.unlock(lock_file)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot open {file}") from exc

    def get_table(self, exchange: str) -> list[Any]:
        file = self._exchange_file(exchange)
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot open {file}") from exc
        try:
            table = loads(bytes_to_str(data))
        except ValueError:
            # Left half-written by an older kombu: the next bind rewrites it whole.
            logger.warning("Ignoring the unreadable exchange table %s", file)
            return []
        return [filesystem.exchange_queue_t(*q) for q in table]

    def _get(self, queue: str) -> Any:
        queue_find = f"{queue}.msg"
        for filename in sorted(os.listdir(self.data_folder_in)):
            if filename.startswith(TMP_PREFIX) or filename.partition(".")[2] != queue_find:
                continue
            source = os.path.join(self.data_folder_in, filename)
            taken_dir = self.processed_folder if self.store_processed else tempfile.gettempdir()
            taken = os.path.join(taken_dir, filename)
            try:
                # Moving the file claims it: another consumer's move of the same name fails.
                shutil.move(source, taken_dir)
            except OSError:
                continue
            try:
                with open(taken, "rb") as f:
                    payload = f.read()
            except OSError as exc:
                raise filesystem.ChannelError(f"Cannot read file {taken!r} from queue.") from exc
            try:
                message = loads(bytes_to_str(payload))
            except ValueError:
                self._set_aside(taken, source, filename)
                continue
            if not self.store_processed:
                with contextlib.suppress(OSError):
                    os.remove(taken)
            return message
        raise Empty()

    def _set_aside(self, taken: str, source: str, filename: str) -> None:
        """Put an unreadable message back for a later poll, or aside once it is old."""
        try:
            age = time.time() - os.stat(taken).st_mtime
        except OSError:
            return
        if age < CORRUPT_AFTER_SECONDS:
            # Maybe still being written by a non-atomic producer: try it again later.
            with contextlib.suppress(OSError):
                shutil.move(taken, source)
            return
        corrupt_dir = os.path.join(os.path.dirname(self.data_folder_in.rstrip("/")), "corrupt")
        os.makedirs(corrupt_dir, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.move(taken, os.path.join(corrupt_dir, filename))
        logger.error(
            "Broker message %s could not be decoded for %.0f s; moved to %s",
            filename,
            age,
            corrupt_dir,
        )


class FilesystemTransport(filesystem.Transport):
    """kombu's filesystem transport with :class:`FilesystemChannel`."""

    Channel = FilesystemChannel
