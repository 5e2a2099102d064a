"""Scrapy settings for zwgk crawls: polite by default (robots.txt, per-host delay, a named agent)."""
from zwgk import __version__

BOT_NAME = "zwgk"
SPIDER_MODULES = ["zwgk.crawler.spiders"]
NEWSPIDER_MODULE = "zwgk.crawler.spiders"

USER_AGENT = f"zwgk/{__version__} (government-website disclosure auditor; +https://pypi.org/project/zwgk/)"
ROBOTSTXT_OBEY = True
# requests waiting to be sent kept on disk, in a temporary folder of each crawl (scheduler.py);
# scrapy-redis workers use their own (distributed.py)
SCHEDULER = "zwgk.crawler.scheduler.DiskQueueScheduler"
SCHEDULER_DISK_QUEUE = "zwgk.crawler.scheduler.WholeRecordLifoDiskQueue"  # no half-written request

# Gentle defaults for a government server; `--concurrency` / `--delay` change them.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
# the spider's `data:` requests ask nobody (rows copied from the last crawl, late verdicts): no
# politeness delay for them (spiders/endgame.py DATA_SLOT)
DOWNLOAD_SLOTS = {"zwgk-data": {"concurrency": 16, "delay": 0.0}}
AUTOTHROTTLE_ENABLED = False
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# a server that errors now and then is asked again, after a growing pause, before anything is
# judged (BackoffRetryMiddleware; ZWGK_RETRY_BACKOFF); a 429 is reported as inconclusive
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
# Scrapy's list less a host name that does not resolve: NXDOMAIN is an answer, not a hiccup
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,
]
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # a target that keeps failing is a finding, not a program error
REDIRECT_MAX_TIMES = 10
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0

# every status reaches the spider: a 404 is a finding, not an error to drop
HTTPERROR_ALLOW_ALL = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
# the default resolver knows IPv4 only; government sites and the IPv6 check need both
DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
REMOTE_CONTROL_ENABLED = False  # Scrapy ≥ 2.19 would open an HTTP control port
LOG_LEVEL = "WARNING"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# http(s) only: a link or redirect to file:, ftp: or s3: is judged, never fetched
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None}

DOWNLOADER_MIDDLEWARES = {
    "zwgk.crawler.middlewares.NetworkPolicyMiddleware": 50,
    "zwgk.crawler.middlewares.CookieGateMiddleware": 720,  # before CookiesMiddleware (700) sends the cookie
    "zwgk.crawler.middlewares.RedirectLoopMiddleware": 650,  # sees 3xx before RedirectMiddleware (600)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "zwgk.crawler.middlewares.ExplainedRobotsTxtMiddleware": 100,  # Scrapy's place for robots.txt
    "zwgk.crawler.middlewares.BackoffRetryMiddleware": 550,  # Scrapy's place for retries
    "zwgk.crawler.incremental.ConditionalRequestMiddleware": 580,  # off unless ZWGK_INCREMENTAL
    # per-host requests in flight, for all crawls of the process (or all workers, with Redis)
    "zwgk.crawler.hostlimit.HostLimitMiddleware": 950,
}
# Scrapy starts CONCURRENT_ITEMS worker tasks for every response's output (default 100); the
# store pipeline never awaits, so one worker does the same work without ~100 tasks per page
CONCURRENT_ITEMS = 1
ITEM_PIPELINES = {
    "zwgk.crawler.pipelines.store_items.StoreItemsPipeline": 800,
}

# zwgk's own settings
ZWGK_DB = None             # database URL; None = ZWGK_DB env or sqlite:///zwgk-out/zwgk.db
ZWGK_INCREMENTAL = False  # conditional requests for document and list pages the last finished crawl fetched
ZWGK_REVALIDATE_DAYS = 0  # > 0 (with ZWGK_INCREMENTAL): a document still listed as before is asked
                          # again on one night in N only (rolling revalidation), else copied unasked
ZWGK_NETWORK = "any"       # "loopback": refuse every request to a host off this machine (tests, demo)
ZWGK_MAX_LIST_PAGES = 500  # per column
ZWGK_FLUSH_ITEMS = 500     # rows buffered before a database write
ZWGK_CHECK_BATCH = 2000    # link checks handed to the scheduler at a time when the crawl runs dry
                           # (a large site leaves tens of thousands: ~0.8 KiB each as Scrapy requests)
ZWGK_RETRY_AFTER_MAX = 60.0     # a 429/503 asking to wait longer than this is not retried (stays inconclusive)
ZWGK_BLOCKED_RETRY_DELAY = 0.0  # > 0: ask a 403/412/WAF-blocked target once more after this many seconds
                                # (WAFs such as 创宇云防御 often let a client through again after a minute)
ZWGK_RETRY_BACKOFF = 1.0        # seconds before the first retry of an error answer (then 3×, 9×)
ZWGK_MAX_REQUESTS = 100_000     # per site: requests of every kind (pages, link checks)
ZWGK_MAX_COLUMNS = 3000         # per site
ZWGK_MAX_PATH_DEPTH = 12        # path segments of a page crawled into (links deeper are only checked)
ZWGK_SOFT404_PROBE = True       # request one URL that cannot exist per host and top directory
