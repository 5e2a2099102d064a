"""Many sites over many workers: scrapy-redis queues in one Redis, results in one database.

The unit a worker takes is a site's crawl. Politeness caps a site at a couple of requests in
flight whatever the number of workers, so splitting one site's pages over machines buys
nothing; spreading hundreds of sites does. Each site's requests go through scrapy-redis' own
scheduler and duplicate filter under keys of that crawl (the frontier lives in Redis, not in a
worker's memory), serialised as JSON (zwgk.crawler.redis_json), never pickled. Per-host limits
are shared by all workers through Redis (zwgk.crawler.hostlimit), so two sites on one host, or
a hundred sites linking to www.gov.cn, do not multiply them.

Redis keys (prefix `zwgk` by default):
  {prefix}:jobs                    hash crawl id -> site job (JSON); a job leaves it when its crawl ends
  {prefix}:lease:{id}              the worker crawling that site; expires unless renewed, so a killed
                                   worker's site is taken over and resumed from what the database holds
  {prefix}:crawl:{id}:requests     scrapy-redis priority queue of the site's requests
  {prefix}:crawl:{id}:dupefilter   scrapy-redis duplicate filter
  {prefix}:host:{host}:inflight / :next   per-host limits (hostlimit.py)
"""
from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field

# renew a lease only while this worker holds it
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# drop a lease only while this worker holds it
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass
class SiteJob:
    """One site's crawl as queued for workers. `options` are the run's politeness options."""
    crawl_id: int
    url: str
    name: str | None = None
    profile: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)  # concurrency, delay, network, max_pages
    batch: str | None = None
    db: str | None = None  # where the batch reads results; a worker's --db overrides it


def redis_url(value: str | None) -> str | None:
    return value or os.environ.get("ZWGK_REDIS_URL")


class Registry:
    """The site jobs of every batch in one Redis, and the leases of the workers crawling them."""

    def __init__(self, url: str, prefix: str = "zwgk", lease: float = 30.0):
        import redis

        self.url = url
        self.prefix = prefix
        self.lease_ms = int(lease * 1000)
        self.server = redis.Redis.from_url(url)
        self._renew = self.server.register_script(RENEW)
        self._release = self.server.register_script(RELEASE)

    @property
    def jobs_key(self) -> str:
        return f"{self.prefix}:jobs"

    def lease_key(self, crawl_id: int) -> str:
        return f"{self.prefix}:lease:{crawl_id}"

    def queue_keys(self, crawl_id: int) -> tuple[str, str]:
        return f"{self.prefix}:crawl:{crawl_id}:requests", f"{self.prefix}:crawl:{crawl_id}:dupefilter"

    def ping(self) -> None:
        self.server.ping()

    def add(self, job: SiteJob) -> None:
        self.server.hset(self.jobs_key, str(job.crawl_id), json.dumps(asdict(job), ensure_ascii=False))

    def pending(self, ids=None) -> set[int]:
        """Crawl ids still queued or being crawled (of `ids`, or all)."""
        have = {int(k) for k in self.server.hkeys(self.jobs_key)}
        return have if ids is None else have & set(ids)

    def claim(self, worker: str, skip=()) -> tuple[SiteJob, bool] | None:
        """Take a site nobody holds: (job, taken_over) where taken_over means a worker held it
        before and stopped (its queue is dropped: the crawl resumes from the database)."""
        for key in sorted(self.server.hkeys(self.jobs_key), key=int):
            cid = int(key)
            if cid in skip or self.server.exists(self.lease_key(cid)):
                continue
            if not self.server.set(self.lease_key(cid), worker, nx=True, px=self.lease_ms):
                continue
            raw = self.server.hget(self.jobs_key, key)
            if raw is None:  # finished meanwhile
                self._release(keys=[self.lease_key(cid)], args=[worker])
                continue
            taken_over = self.server.hget(f"{self.jobs_key}:started", key) is not None
            self.server.delete(*self.queue_keys(cid))
            self.server.hset(f"{self.jobs_key}:started", key, worker)
            return SiteJob(**json.loads(raw)), taken_over
        return None

    def renew(self, worker: str, crawl_id: int) -> bool:
        return bool(self._renew(keys=[self.lease_key(crawl_id)], args=[worker, self.lease_ms]))

    def release(self, worker: str, crawl_id: int) -> None:
        """Give a site back unfinished (a worker shutting down): another worker resumes it."""
        self._release(keys=[self.lease_key(crawl_id)], args=[worker])

    def done(self, worker: str, crawl_id: int) -> None:
        """The site's crawl ended: its job, queue and lease go."""
        pipe = self.server.pipeline()
        pipe.hdel(self.jobs_key, str(crawl_id))
        pipe.hdel(f"{self.jobs_key}:started", str(crawl_id))
        pipe.delete(*self.queue_keys(crawl_id))
        pipe.execute()
        self._release(keys=[self.lease_key(crawl_id)], args=[worker])


def enqueue(registry: Registry, db: str | None, sites: list[tuple[str, str | None, dict]], options: dict,
            batch: str | None = None) -> list[SiteJob]:
    """Create each site's crawl row (status "queued") and queue it for workers."""
    from zwgk.store.db import open_db
    from zwgk.store.write import get_or_create_site, start_crawl

    registry.ping()
    Session = open_db(db)
    jobs = []
    with Session.begin() as s:
        for url, name, profile in sites:
            get_or_create_site(s, url, name)
            crawl = start_crawl(s, url, {"options": options, "profile": profile, "batch": batch})
            crawl.status = "queued"
            jobs.append(SiteJob(crawl.id, url, name, profile, options, batch, db))
    for job in jobs:
        registry.add(job)
    return jobs


def worker_settings(job: SiteJob, db: str | None, registry: Registry, host_key: str = "host"):
    """Scrapy settings for one site's crawl on a worker: the run's options, the scrapy-redis
    scheduler under this crawl's keys, and the per-host limits held in Redis (hostlimit.py)."""
    from zwgk.crawler.process import build_settings

    o = job.options
    settings = build_settings(db=db, concurrency=o.get("concurrency"), delay=o.get("delay"),
                              network=o.get("network") or "any", max_pages=o.get("max_pages"),
                              profile=job.profile)
    requests, dupefilter = registry.queue_keys(job.crawl_id)
    settings.set("ZWGK_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
    settings.set("DOWNLOAD_DELAY", 0)          # the shared limiter is the delay
    settings.set("AUTOTHROTTLE_ENABLED", False)  # it adjusts one process' delay: meaningless here
    settings.set("CONCURRENT_REQUESTS", max(32, settings.getint("CONCURRENT_REQUESTS")))
    settings.set("ZWGK_REDIS_URL", registry.url)
    settings.set("ZWGK_REDIS_PREFIX", registry.prefix)
    settings.set("ZWGK_HOST_KEY", host_key)
    settings.set("REDIS_URL", registry.url)
    settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler")
    settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue")
    settings.set("SCHEDULER_QUEUE_KEY", requests)
    settings.set("SCHEDULER_DUPEFILTER_KEY", dupefilter)
    settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
    settings.set("SCHEDULER_SERIALIZER", "zwgk.crawler.redis_json")
    settings.set("SCHEDULER_PERSIST", True)  # a killed worker's queue is seen by the next one
    return settings


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(registry: Registry, db: str | None, *, sites: int = 4, linger: float = 10.0,
               host_key: str = "host", log=print) -> dict:
    """Crawl queued sites, `sites` at a time, until no job has been left for `linger` seconds.
    Returns {"finished": [...], "released": [...], "failed": [...]} crawl ids (failed: a write was refused)."""
    from scrapy.crawler import Crawler, CrawlerProcess

    from zwgk.crawler.process import build_settings, log_errors, trim_heap_periodically
    from zwgk.crawler.spiders.disclosure import DisclosureSpider

    registry.ping()
    me = worker_name()
    log_errors()
    from scrapy.settings import Settings
    from scrapy.utils.reactor import install_reactor

    # the process' own settings stay at "default" priority: Scrapy merges them into every
    # crawler's settings, where the site's own (priority "project") must win
    ours = build_settings(db=db)
    base = Settings()
    for key in ("TWISTED_REACTOR", "LOG_LEVEL", "LOG_INSTALL_ROOT_HANDLER", "TELNETCONSOLE_ENABLED"):
        base.set(key, ours[key], priority="default")
    install_reactor(base["TWISTED_REACTOR"])  # before anything imports twisted's default reactor
    process = CrawlerProcess(base)
    process._initialized_reactor = True  # each site's Crawler checks the installed one
    from twisted.internet import reactor, task
    running: dict[int, tuple[SiteJob, Crawler]] = {}
    outcome = {"finished": [], "released": [], "failed": []}
    state = {"idle_since": None, "stopping": False}

    def ended(_, job, crawler):
        running.pop(job.crawl_id, None)
        try:
            reason = crawler.stats.get_value("finish_reason") or "?"
        except RuntimeError:  # the crawl never started
            reason = "?"
        failure = getattr(crawler, "zwgk_write_failure", None)
        if failure is not None:
            # the database refused a write: taking the site over would meet the same database; the
            # crawl row says "failed" (or, if even that was refused, the batch finds it unfinished)
            registry.done(me, job.crawl_id)
            outcome["failed"].append(job.crawl_id)
            log(f"失败：{job.name or job.url}（抓取编号 {job.crawl_id}）：{failure.message()}")
        elif reason in ("finished", "closespider_pagecount") or getattr(crawler, "zwgk_failed", False):
            # a crawl that failed outright is not retried for ever: the batch reports its error
            registry.done(me, job.crawl_id)
            outcome["finished"].append(job.crawl_id)
            log(f"完成：{job.name or job.url}（抓取编号 {job.crawl_id}）")
        else:  # shut down or killed by a signal: another worker carries on from the database
            registry.release(me, job.crawl_id)
            outcome["released"].append(job.crawl_id)
            log(f"中断：{job.name or job.url}（抓取编号 {job.crawl_id}，{reason}），交由其他工作进程继续")
        return None

    def start(job: SiteJob, taken_over: bool):
        crawler = Crawler(DisclosureSpider, worker_settings(job, db or job.db, registry, host_key))
        running[job.crawl_id] = (job, crawler)
        log(("接手" if taken_over else "开始") + f"抓取：{job.name or job.url}（抓取编号 {job.crawl_id}）")
        d = process.crawl(crawler, start_url=job.url, profile=job.profile, crawl_id=job.crawl_id, resume=True)

        def failed(f):
            crawler.zwgk_failed = True
            log(f"抓取失败：{job.name or job.url}：{f.value}")
            return None

        d.addErrback(failed)
        d.addBoth(ended, job, crawler)

    def tick():
        if state["stopping"]:
            return
        if os.environ.get("ZWGK_DEBUG") and time.monotonic() - state.get("shown", 0) > 10:
            state["shown"] = time.monotonic()
            for cid, (job, crawler) in running.items():
                eng = getattr(crawler, "engine", None)
                slot = getattr(eng, "_slot", None)
                if slot is not None:
                    log(f"[调试] {cid}: 下载中 {len(eng.downloader.active)} 处理中 {len(slot.inprogress)} "
                        f"队列 {len(slot.scheduler)} 关闭中 {slot.closing is not None} 暂停 {eng.paused}")
        for cid in list(running):
            if not registry.renew(me, cid):
                log(f"租约丢失：抓取编号 {cid}")
        while len(running) < sites:
            got = registry.claim(me, skip=set(running))
            if got is None:
                break
            start(*got)
        if running or registry.pending():
            state["idle_since"] = None
        elif state["idle_since"] is None:
            state["idle_since"] = time.monotonic()
        elif time.monotonic() - state["idle_since"] >= linger:
            state["stopping"] = True
            reactor.stop()

    loop = task.LoopingCall(tick)
    loop.start(min(1.0, max(0.1, linger / 4)), now=True)
    trim_heap_periodically()  # a worker crawls site after site: what each one's pages cost is given back
    process.start(stop_after_crawl=False)
    return outcome


def wait_for(registry: Registry, ids: list[int], progress=None, poll: float = 1.0) -> None:
    """Block until every job of `ids` left the registry (its crawl ended)."""
    while True:
        left = registry.pending(ids)
        if progress:
            progress(len(ids) - len(left), len(ids))
        if not left:
            return
        time.sleep(poll)
