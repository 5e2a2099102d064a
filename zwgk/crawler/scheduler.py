"""The crawl's scheduler: Scrapy's own, with the requests waiting to be sent kept on disk.

A list page can queue thousands of requests at once (a 大汉 list of 7 560 records, a TRS pager
whose every page is asked): held in memory, ~2 KiB each, they were what moved a large crawl's
memory most once its per-URL sets were bounded (docs/benchmarks.md, twelfth session). Scrapy's
disk queues (pickled requests in files, its `JOBDIR` machinery) hold them instead, in a new
temporary folder for each crawl — never a resume of an earlier one (zwgk resumes from its store:
--resume) — removed when the crawl closes, or, if its process was killed, by the next crawl to
start (the folder's name holds the process id). A request that cannot be written (a full disk)
stays in memory, as one that cannot be pickled already does: no request is lost. A write that
fails partway is undone (`WholeRecordLifoDiskQueue`), so the file never holds half a request.
"""
from __future__ import annotations

import logging
import os
import shutil
import struct
import tempfile
from pathlib import Path

from queuelib.queue import LifoDiskQueue
from scrapy.core.scheduler import Scheduler
from scrapy.squeues import PickleLifoDiskQueue

log = logging.getLogger(__name__)


PREFIX = "zwgk-queue-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_stale_folders(where: str | None = None) -> int:
    """Remove the queue folders of crawls whose process is gone (killed before it could clean up);
    how many."""
    removed = 0
    for path in Path(where or tempfile.gettempdir()).glob(PREFIX + "*-*"):
        pid = path.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


class _WholeRecords(LifoDiskQueue):
    """queuelib's LIFO file queue with each record written whole or not at all.

    queuelib writes a record and then its size through a buffered file, and reads the last size
    from the file's end: a write that fails partway (the disk filling up) left part of a record
    there, or kept it in the buffer to be written later, and every pop after read garbage. Here
    the file is unbuffered and a failed write is cut off the file before the error goes up (to
    the scheduler, which keeps that request in memory)."""

    def __init__(self, path):
        super().__init__(path)
        buffered = self.f
        buffered.flush()  # the header of a new file: a failure here fails the queue's creation
        self.f = open(self.path, "rb+", buffering=0)  # noqa: SIM115 - closed by close()
        buffered.close()
        self.f.seek(0, os.SEEK_END)

    def push(self, string: bytes) -> None:
        if not isinstance(string, bytes):
            raise TypeError(f"Unsupported type: {type(string).__name__}")
        record = memoryview(string + struct.pack(self.SIZE_FORMAT, len(string)))
        end = self.f.seek(0, os.SEEK_END)
        try:
            while record:
                record = record[self.f.write(record):]  # a raw file may write fewer bytes
        except OSError:
            os.ftruncate(self.f.fileno(), end)
            self.f.seek(end)
            raise
        self.size += 1


class WholeRecordLifoDiskQueue(PickleLifoDiskQueue, _WholeRecords):
    """Scrapy's pickled LIFO disk queue (SCHEDULER_DISK_QUEUE's default) on `_WholeRecords`."""


class DiskQueueScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        # Scrapy's own factory (no JOBDIR: memory queues), then the disk queues in a folder of
        # this crawl's — set as Scrapy's __init__ sets them from a jobdir
        scheduler = super().from_crawler(crawler)
        scheduler.folder, scheduler.disk_failed = None, False
        remove_stale_folders()
        try:
            scheduler.folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
            scheduler.dqdir = scheduler._dqdir(scheduler.folder)
        except OSError as exc:  # no room for a folder: Scrapy's memory queues, as before
            log.warning("无法创建待抓取队列的临时目录（%s），待抓取请求保留在内存中", exc)
        return scheduler

    def _dqpush(self, request) -> bool:
        try:
            return super()._dqpush(request)
        except OSError as exc:
            # the request goes to the memory queue (the caller's fallback); said once a crawl
            if not self.disk_failed:
                self.disk_failed = True
                log.warning("待抓取请求无法写入临时文件（%s），改为保留在内存中，抓取继续", exc)
            self.stats.inc_value("zwgk/scheduler/kept_in_memory")
            return False

    def close(self, reason: str):
        try:
            return super().close(reason)
        except OSError as exc:
            # what it could not write is the queue's state for a resume nobody will make
            log.warning("待抓取队列关闭时无法写入临时文件（%s）", exc)
            return None
        finally:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
