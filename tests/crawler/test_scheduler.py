"""The crawl's scheduler keeps waiting requests on disk, in a folder of its own removed at the end,
and keeps in memory a request it cannot write (a full disk): none is lost."""
from __future__ import annotations

import errno
import logging
import os
import sqlite3
import tempfile

import scrapy
from scrapy.utils.test import get_crawler

from zwgk.crawler.scheduler import DiskQueueScheduler


class _Spider(scrapy.Spider):
    name = "t"

    def parse(self, response):
        return None


def _scheduler():
    crawler = get_crawler(_Spider, {"SCHEDULER": "zwgk.crawler.scheduler.DiskQueueScheduler"})
    crawler.spider = crawler._create_spider()
    crawler.engine = crawler._create_engine()  # the scheduler's queues ask it for the downloader
    scheduler = DiskQueueScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler, crawler


def test_waiting_requests_go_to_disk_and_come_back_in_order():
    scheduler, crawler = _scheduler()
    folder = scheduler.folder
    urls = [f"http://127.0.0.1/a/{i}.html" for i in range(300)]
    for i, u in enumerate(urls):
        assert scheduler.enqueue_request(scrapy.Request(u, callback=crawler.spider.parse, priority=i % 3,
                                                        meta={"role": "document"}, cb_kwargs={"n": i}))
    assert crawler.stats.get_value("scheduler/enqueued/disk") == 300
    assert not crawler.stats.get_value("scheduler/enqueued/memory")
    assert any(os.scandir(folder))  # the queue's files
    got = [scheduler.next_request() for _ in urls]
    assert scheduler.next_request() is None
    assert sorted(r.url for r in got) == sorted(urls)
    assert [r.priority for r in got] == sorted((r.priority for r in got), reverse=True)  # higher first
    assert all(r.callback == crawler.spider.parse and r.meta["role"] == "document" for r in got)
    assert {r.cb_kwargs["n"] for r in got} == set(range(300))
    scheduler.close("finished")
    assert not os.path.exists(folder)


def test_a_full_disk_keeps_requests_in_memory(monkeypatch, caplog):
    scheduler, crawler = _scheduler()

    def full(request):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(scheduler.dqs, "push", full)
    with caplog.at_level(logging.WARNING, logger="zwgk.crawler.scheduler"):
        for i in range(5):
            assert scheduler.enqueue_request(scrapy.Request(f"http://127.0.0.1/b/{i}.html"))
    assert crawler.stats.get_value("scheduler/enqueued/memory") == 5
    assert crawler.stats.get_value("zwgk/scheduler/kept_in_memory") == 5
    assert sorted(scheduler.next_request().url for _ in range(5)) == [f"http://127.0.0.1/b/{i}.html" for i in range(5)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "内存" in warnings[0]
    folder = scheduler.folder
    scheduler.close("finished")
    assert not os.path.exists(folder)


class _KeepStats:
    """An extension that keeps the crawl's Scrapy stats when the spider closes."""
    stats: dict = {}

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        ext = cls(crawler)
        crawler.signals.connect(ext.closed, signals.spider_closed)
        return ext

    def closed(self, spider):
        _KeepStats.stats = dict(self.crawler.stats.get_stats())


def test_a_crawl_queues_on_disk_and_leaves_no_folder(tmp_path, monkeypatch):
    """A real crawl of the sample site: every request it queued went through the disk queue (none
    kept in memory for want of pickling), it stored what the site has, and left no folder behind."""
    from zwgk.crawler.process import CrawlOptions, SiteJob, run_crawls
    from zwgk.samplesite.generator import generate
    from zwgk.samplesite.server import serve

    _KeepStats.stats = {}
    site, db, tmp = tmp_path / "site", tmp_path / "z.db", tmp_path / "tmp"
    tmp.mkdir()
    key = generate(site)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    with serve(site) as srv:
        settings = CrawlOptions(db=f"sqlite:///{db}", concurrency=8, delay=0, network="loopback").settings()
        settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"), f"{__name__}._KeepStats": 900})
        jobs = run_crawls([SiteJob(srv.url)], settings)
    assert jobs[0].failure is None
    stats = _KeepStats.stats
    assert stats["scheduler/enqueued/disk"] == stats["scheduler/enqueued"] > 300
    assert "scheduler/unserializable" not in stats and "zwgk/scheduler/kept_in_memory" not in stats
    documents = sqlite3.connect(db).execute("select count(*) from document").fetchone()[0]
    assert documents == len(key["documents"])
    assert not [p.name for p in tmp.iterdir() if p.name.startswith("zwgk-queue-")]


def test_a_killed_crawls_folder_is_removed_by_the_next(tmp_path, monkeypatch):
    """A crawl killed before it could close leaves its queue folder; the next crawl to start
    removes it (its process is gone), and leaves a live process's folder alone."""
    import subprocess
    import sys

    from zwgk.crawler import scheduler as sch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"zwgk-queue-{gone.pid}-abc"
    (dead / "requests.queue").mkdir(parents=True)
    (dead / "requests.queue" / "p0").write_bytes(b"x" * 100)
    live = tmp_path / f"zwgk-queue-{os.getpid()}-def"
    live.mkdir()
    other = tmp_path / "zwgk-queue-notapid"
    other.mkdir()
    scheduler, _ = _scheduler()
    assert not dead.exists() and live.exists() and other.exists()
    assert scheduler.folder.startswith(str(tmp_path / f"zwgk-queue-{os.getpid()}-"))
    scheduler.close("finished")
    assert sch.remove_stale_folders() == 0


def test_no_room_for_a_folder_queues_in_memory(monkeypatch):
    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    scheduler, crawler = _scheduler()
    assert scheduler.folder is None and scheduler.dqs is None
    assert scheduler.enqueue_request(scrapy.Request("http://127.0.0.1/c.html"))
    assert crawler.stats.get_value("scheduler/enqueued/memory") == 1
    assert scheduler.next_request().url == "http://127.0.0.1/c.html"
    scheduler.close("finished")



_FILLING_DISK = r"""
import resource, signal, sys
import scrapy
from scrapy.utils.test import get_crawler
from zwgk.crawler.scheduler import DiskQueueScheduler

class S(scrapy.Spider):
    name = "t"

crawler = get_crawler(S, {"SCHEDULER": "zwgk.crawler.scheduler.DiskQueueScheduler",
                          "SCHEDULER_DISK_QUEUE": sys.argv[1]})
crawler.spider = crawler._create_spider()
crawler.engine = crawler._create_engine()
scheduler = DiskQueueScheduler.from_crawler(crawler)
scheduler.open(crawler.spider)
# the disk fills up: no file of this process may grow past 64 KiB (a write crossing the limit is
# cut short, the next one fails with EFBIG)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
sent, got = [], []
for round_ in range(3):
    for i in range(150):
        url = f"http://127.0.0.1/{round_}/{i}.html"
        sent.append(url)
        assert scheduler.enqueue_request(scrapy.Request(url, meta={"pad": "x" * (300 + 37 * (i % 11))}))
    for _ in range(60):
        got.append(scheduler.next_request().url)
while (request := scheduler.next_request()) is not None:
    got.append(request.url)
stats = crawler.stats
print(stats.get_value("scheduler/enqueued/disk"), stats.get_value("scheduler/enqueued/memory"),
      stats.get_value("zwgk/scheduler/kept_in_memory"))
assert sorted(got) == sorted(sent), (len(got), len(sent))
scheduler.close("finished")
"""


def test_a_write_cut_short_leaves_no_half_request(tmp_path):
    """The disk fills up in the middle of a request's record: that request stays in memory, and
    every request written before and after comes back whole (queuelib's own queue left half a
    record at the file's end, and the pops after it read garbage)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _FILLING_DISK, "zwgk.crawler.scheduler.WholeRecordLifoDiskQueue"],
                          capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    disk, memory, kept = map(int, done.stdout.split())
    assert disk > 30 and memory > 30 and kept == memory  # both queues were used
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("zwgk-queue-")]
