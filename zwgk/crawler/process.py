"""Running crawls: settings from options, one or many sites, a progress line — in a process of
their own (run_crawls_apart), so that what the crawl's heap keeps is given back before the audit."""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from dataclasses import dataclass, field

from rich.console import Console

from zwgk import vocab


# settings an operator (or the test suite) may set in the environment; see docs/safety.md
PLAIN_PROGRESS_S = float(os.environ.get("ZWGK_PROGRESS_INTERVAL", 30))  # progress lines when not a terminal
HEAP_TRIM_S = 30.0  # how often the crawl gives the allocator's free memory back (give_back_heap)
ENV_SETTINGS = ("ZWGK_RETRY_BACKOFF", "ZWGK_MAX_REQUESTS", "ZWGK_MAX_COLUMNS", "ZWGK_MAX_PATH_DEPTH",
                "ZWGK_MAX_LIST_PAGES", "ZWGK_CHECK_BATCH")


@dataclass
class SiteJob:
    url: str
    profile: dict = field(default_factory=dict)
    name: str | None = None
    crawl_id: int | None = None      # filled by run_crawls; set beforehand with resume=True to continue it
    resume: bool = False
    failure: object | None = None    # filled by run_crawls: a store.errors.WriteFailure when a write was refused


@dataclass(frozen=True)
class CrawlOptions:
    """A run's crawl options, made into Scrapy settings only where the crawl runs: in the forked
    child of run_crawls_apart, so that the process which audits afterwards never imports Scrapy
    (`import scrapy.settings` alone keeps ~27 MiB resident, measured in docs/benchmarks.md)."""
    db: str | None
    concurrency: int | None = None
    delay: float | None = None
    network: str = "any"
    max_pages: int | None = None
    autothrottle: bool = False
    profile: dict | None = None
    incremental: bool = False
    time_budget: float | None = None
    revalidate_days: int = 0

    def settings(self):
        return build_settings(**{f: getattr(self, f) for f in self.__dataclass_fields__})

    def download_delay(self) -> float:
        """DOWNLOAD_DELAY of settings(), without Scrapy: the option, else the profile's, else the default."""
        from zwgk.crawler import settings as default_settings

        dl = self.delay if self.delay is not None else (self.profile or {}).get("delay")
        return float(dl) if dl is not None else float(default_settings.DOWNLOAD_DELAY)


def build_settings(*, db: str | None, concurrency: int | None = None, delay: float | None = None,
                   network: str = "any", max_pages: int | None = None, autothrottle: bool = False,
                   profile: dict | None = None, incremental: bool = False, time_budget: float | None = None,
                   revalidate_days: int = 0):
    """Scrapy settings for a run; per-run options override the profile, the profile the defaults."""
    from scrapy.settings import Settings

    from zwgk.crawler import settings as default_settings

    profile = profile or {}
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    conc = concurrency or profile.get("concurrency")
    dl = delay if delay is not None else profile.get("delay")
    if conc:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", int(conc))
        settings.set("CONCURRENT_REQUESTS", max(16, int(conc) * 4))
    if dl is not None:
        settings.set("DOWNLOAD_DELAY", float(dl))
        settings.set("RANDOMIZE_DOWNLOAD_DELAY", float(dl) > 0)
    if autothrottle:
        settings.set("AUTOTHROTTLE_ENABLED", True)
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", int(max_pages))
    settings.set("ZWGK_DB", db)
    settings.set("ZWGK_NETWORK", network)
    settings.set("ZWGK_INCREMENTAL", incremental or revalidate_days > 0)
    settings.set("ZWGK_REVALIDATE_DAYS", max(0, int(revalidate_days or 0)))
    if time_budget:
        # a crawl stopped by its budget stays "interrupted": the next --resume carries on from it
        settings.set("CLOSESPIDER_TIMEOUT", float(time_budget) * 60)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    for key in ENV_SETTINGS:  # limits and the retry pause can be set from the environment
        if os.environ.get(key):
            settings.set(key, os.environ[key])
    return settings


class _Brief(logging.Formatter):
    """One line per error; the traceback only with ZWGK_DEBUG=1 (a refused connection is not a bug)."""

    def format(self, record):
        if os.environ.get("ZWGK_DEBUG"):
            return super().format(record)
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text = saved


class _ToConsole(logging.Handler):
    """Log lines printed through the run's console: above the live progress line, never glued to it."""

    def __init__(self, console: Console):
        super().__init__(logging.ERROR)
        self.console = console
        self._zwgk = True

    def emit(self, record):
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # noqa: BLE001 - logging must never stop a crawl
            self.handleError(record)


def log_errors(console: Console | None = None) -> None:
    """Errors (a page a callback could not handle …) reach stderr, one line each, through the
    run's console so that the progress line stays clean."""
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_zwgk", False)]:
        root.removeHandler(h)
    h = _ToConsole(console) if console is not None else logging.StreamHandler(sys.stderr)
    h.setLevel(logging.ERROR)
    h.setFormatter(_Brief("%(levelname)s %(name)s: %(message)s"))
    h._zwgk = True
    root.addHandler(h)


def run_crawls(jobs: list[SiteJob], settings, console: Console | None = None) -> list[SiteJob]:
    """Crawl every site at once in one Scrapy process (each host keeps its own politeness
    limits); fills each job's crawl_id (None when its crawl could not start)."""
    console = console or Console(stderr=True)
    log_errors(console)
    cached = vocab.cache_norms(False)  # a crawl's texts are seen once: no cache of them
    try:
        return _run_crawls(jobs, settings, console)
    finally:
        vocab.cache_norms(cached)


def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def give_back_heap() -> bool:
    """Return the C heap's free pages to the system (glibc malloc_trim); whether it could.

    What a large page costs while it is parsed (a 2 MB 大汉 list of 7 560 records: its lxml tree,
    its entries) is freed afterwards, but glibc keeps the freed memory in its heap for reuse, so the
    crawl's RSS keeps every such high-water mark for good (measured on the 400k bench: a heap of
    81 MB holding 52 in use). Trimming now and then takes ~2 ms and gives those pages back."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


def trim_heap_periodically() -> None:
    """give_back_heap every HEAP_TRIM_S seconds while the reactor runs (a crawl's process, a worker)."""
    if _TRIM is not None:
        from twisted.internet import task

        task.LoopingCall(give_back_heap).start(HEAP_TRIM_S, now=False)


def _run_crawls(jobs: list[SiteJob], settings, console: Console) -> list[SiteJob]:
    from rich.live import Live
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import task

    from zwgk.crawler.spiders.disclosure import DisclosureSpider

    process = CrawlerProcess(settings)
    crawlers = []

    def refused(failure, crawler):
        if getattr(crawler, "zwgk_write_failure", None) is not None:
            return None  # the database refused the crawl's start: the caller says why, once
        return failure

    for job in jobs:
        crawler = process.create_crawler(DisclosureSpider)
        d = process.crawl(crawler, start_url=job.url, profile=job.profile,
                          crawl_id=job.crawl_id if job.resume else None, resume=job.resume)
        d.addErrback(refused, crawler)
        crawlers.append(crawler)

    def line(job, crawler):
        sp = getattr(crawler, "spider", None)
        st = crawler.stats.get_stats() if crawler.stats else {}
        if sp is None:
            return f"正在启动抓取 {job.url}"
        # named as the report names them: pages read, documents, columns, link targets judged
        # (every request answered, link checks and probes included, is 请求)
        return (f"[bold]正在抓取[/] {job.name or job.url}  页面 {st.get('zwgk/rows/pages', 0)}  文件 {sp.documents}  "
                f"栏目 {len(sp.columns)}  已判定链接 {st.get('zwgk/rows/link_targets', 0)}  "
                f"请求 {st.get('response_received_count', 0)}  "
                # requests in Scrapy's scheduler, not yet sent (how much of the known crawl is left)
                f"待抓取 {st.get('scheduler/enqueued', 0) - st.get('scheduler/dequeued', 0)}")

    def status():
        return "\n".join(line(j, c) for j, c in zip(jobs, crawlers))

    trim_heap_periodically()
    if console.is_terminal:
        with Live(status(), console=console, refresh_per_second=4, transient=False) as live:
            loop = task.LoopingCall(lambda: live.update(status()))
            loop.start(0.5, now=False)
            process.start()
            live.update(status())
    else:
        # a log file or a pipe (cron, CI): one plain line now and then, not one at the very end
        loop = task.LoopingCall(lambda: console.print(status(), highlight=False, soft_wrap=True))
        loop.start(PLAIN_PROGRESS_S, now=True)
        process.start()
        console.print(status(), highlight=False, soft_wrap=True)
    for job, crawler in zip(jobs, crawlers):
        sp = getattr(crawler, "spider", None)
        job.crawl_id = sp.crawl_id if sp is not None else None
        # a refused write (store_items.StoreItemsPipeline): the crawl's rows are incomplete, and
        # its row may not even say so when the database took nothing more
        job.failure = getattr(crawler, "zwgk_write_failure", None)
    return jobs


class CrawlProcessDied(RuntimeError):
    """The crawl's process ended without reporting back (killed, out of memory): what it stored
    stays in the database, its crawl row unfinished (`--resume` carries on from it)."""


def run_crawls_apart(jobs: list[SiteJob], options: CrawlOptions, console: Console | None = None) -> list[SiteJob]:
    """run_crawls in a child process (run_apart): options, jobs and console are inherited, only each
    job's crawl id and write failure come back; Scrapy is imported and its settings built there. The
    crawl's per-URL state and the heap Python keeps after it are returned to the system when the
    child ends, before `zwgk run` audits."""
    log_errors(console)  # here too: what runs after the crawl (attachments, audit) logs as the crawl does

    def crawl():
        return [(j.crawl_id, j.failure) for j in run_crawls(jobs, options.settings(), console)]

    try:
        outcome = run_apart(crawl, "zwgk-crawl")
    except ChildDied as exc:
        raise CrawlProcessDied(f"抓取进程意外结束（退出码 {exc.exitcode}）；已抓取的数据保留在数据库中，可用 --resume 继续") from None
    for job, (crawl_id, failure) in zip(jobs, outcome):
        job.crawl_id, job.failure = crawl_id, failure
    return jobs


class ChildDied(RuntimeError):
    """A run_apart child ended without answering (killed, out of memory, Ctrl-C before its work
    took over)."""

    def __init__(self, exitcode: int | None):
        super().__init__(f"child process ended without an answer (exit code {exitcode})")
        self.exitcode = exitcode


def run_apart(work, name: str):
    """work() in a forked child process; what it returns (picklable) comes back; ChildDied when the
    child ended without answering. What the work imports and what its heap keeps are given back to
    the system when the child ends.

    The child has a process group of its own; each Ctrl-C (SIGINT) and SIGTERM this process
    receives is passed on to it, once — Scrapy stops gracefully at the first, at once at the second
    — and this process waits for it. A killed parent (SIGKILL) takes the child along (lifeline)."""
    import multiprocessing
    import signal

    from zwgk.lifeline import dies_with_parent

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    lifeline = dies_with_parent(os.getpid())

    def child() -> None:
        if lifeline is not None:
            lifeline()
        os.setpgid(0, 0)  # a terminal's Ctrl-C reaches the parent only, which passes it on once
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            result = work()
        except KeyboardInterrupt:  # before the work took over Ctrl-C: nothing to report
            return
        send.send((result,))
        send.close()

    proc = ctx.Process(target=child, name=name)

    def pass_on(signum, frame) -> None:
        if proc.pid is not None and proc.exitcode is None:
            try:
                os.kill(proc.pid, signum)
            except ProcessLookupError:
                pass

    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    old_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        proc.start()
        signal.signal(signal.SIGINT, pass_on)
        signal.signal(signal.SIGTERM, pass_on)
        send.close()
        try:
            outcome = receive.recv()
        except EOFError:  # the child ended without sending: killed, or out of memory
            outcome = None
        proc.join()
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
    if outcome is None:
        raise ChildDied(proc.exitcode)
    return outcome[0]
