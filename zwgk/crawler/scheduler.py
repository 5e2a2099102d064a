"""The crawl's scheduler: Scrapy's own, with the requests waiting to be sent kept on disk.

A list page can queue thousands of requests at once (a 大汉 list of 7 560 records, a TRS pager
whose every page is asked): held in memory, ~2 KiB each, they were what moved a large crawl's
memory most once its per-URL sets were bounded (docs/benchmarks.md, twelfth session). Scrapy's
disk queues (pickled requests in files, its `JOBDIR` machinery) hold them instead, in a new
temporary folder for each crawl — never a resume of an earlier one (zwgk resumes from its store:
--resume) — removed when the crawl closes, or, if its process was killed, by the next crawl to
start (the folder's name holds the process id). A request that cannot be written (a full disk)
stays in memory, as one that cannot be pickled already does: no request is lost.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from scrapy.core.scheduler import Scheduler

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
