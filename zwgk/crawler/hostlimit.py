"""Per-host politeness shared by every worker: one Redis counts the requests in flight to a host.

Scrapy keeps its per-host limits (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY) in each
process, so N scrapy-redis workers send N times as many requests to a host: the known
weakness of scrapy-redis. With this middleware, the limits are held in Redis instead:

- a sorted set of the requests in flight to a host (each with an expiry, so a killed worker's
  requests are forgotten after DOWNLOAD_TIMEOUT), at most CONCURRENT_REQUESTS_PER_DOMAIN of them;
- the earliest time the next request to the host may start (DOWNLOAD_DELAY after the last one,
  randomised like Scrapy's 0.5–1.5 × when RANDOMIZE_DOWNLOAD_DELAY).

Both are checked and taken in one Lua script on Redis' own clock, so workers on machines with
different clocks agree. A request waits here (a coroutine, not a thread) until its host has
room; it waits inside its own site's crawler, so a slow host holds up only the sites that link
to it. In worker mode each process' own DOWNLOAD_DELAY is 0: this middleware is the delay.

Without Redis the same middleware counts in this process, for every crawl it runs (a batch's
sites sharing a host, or all linking to one): Scrapy 2.19's own per-slot count lets a burst
through when DOWNLOAD_DELAY is 0 (its downloads start as tasks that only later mark themselves
transferring), so it cannot be relied on alone. The delay stays Scrapy's there.
"""
from __future__ import annotations

import asyncio
import random
import secrets
from urllib.parse import urlsplit

from zwgk.crawler.extractors.links import url_host


# KEYS: holders (zset token -> expiry ms), next start (ms). ARGV: token, limit, delay ms, hold ms.
# Returns 0 when the request may start, else how many ms to wait (-1: the host is full).
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return nxt - now end
local hold = tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], now + hold, ARGV[1])
redis.call('PEXPIRE', KEYS[1], hold)
local d = tonumber(ARGV[3])
if d > 0 then redis.call('SET', KEYS[2], now + d, 'PX', d + 1000) end
return 0
"""

FULL_POLL = 0.05  # seconds between tries while a host has its limit of requests in flight


def host_key(url: str, how: str = "host") -> str:
    """The politeness unit: the host name (as Scrapy's download slots), or host:port."""
    if how == "netloc":
        return urlsplit(url).netloc.lower()
    return url_host(url) or ""


class LocalLimits:
    """The same bookkeeping for one process: requests in flight per host (no delay: Scrapy's
    download slots keep it). One instance is shared by every crawler of the process."""

    def __init__(self) -> None:
        self.holders: dict[str, set[str]] = {}

    def acquire(self, host: str, token: str, limit: int, delay_ms: int, hold_ms: int) -> int:
        held = self.holders.setdefault(host, set())
        if len(held) >= limit:
            return -1
        held.add(token)
        return 0

    def release(self, host: str, token: str) -> None:
        held = self.holders.get(host)
        if held is not None:
            held.discard(token)
            if not held:
                del self.holders[host]


class RedisLimits:
    """Requests in flight and next start per host, in Redis, for every worker."""

    def __init__(self, server, prefix: str) -> None:
        self.server = server
        self.prefix = prefix
        self.script = server.register_script(ACQUIRE)

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:host:{host}:inflight", f"{self.prefix}:host:{host}:next"]

    def acquire(self, host: str, token: str, limit: int, delay_ms: int, hold_ms: int) -> int:
        return self.script(keys=self._keys(host), args=[token, limit, delay_ms, hold_ms])

    def release(self, host: str, token: str) -> None:
        self.server.zrem(self._keys(host)[0], token)


PROCESS_LIMITS = LocalLimits()


class HostLimitMiddleware:
    """Downloader middleware (ordered last, just before the download): Redis-backed when
    ZWGK_REDIS_URL is set (workers), else counted in this process."""

    def __init__(self, crawler, limits):
        s = crawler.settings
        self.limits = limits
        self.limit = s.getint("ZWGK_HOST_CONCURRENCY") or s.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2)
        self.delay = s.getfloat("ZWGK_HOST_DELAY", 0.0)
        self.randomize = s.getbool("RANDOMIZE_DOWNLOAD_DELAY", True)
        self.hold_ms = int((s.getfloat("DOWNLOAD_TIMEOUT", 30) + 30) * 1000)
        self.how = s.get("ZWGK_HOST_KEY", "host")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("ZWGK_REDIS_URL")
        if not url:
            return cls(crawler, PROCESS_LIMITS)
        import redis

        return cls(crawler, RedisLimits(redis.Redis.from_url(url), crawler.settings.get("ZWGK_REDIS_PREFIX", "zwgk")))

    async def process_request(self, request):
        if request.url.startswith("data:"):
            return None
        host = host_key(request.url, self.how)
        token = secrets.token_hex(8)
        delay = self.delay * random.uniform(0.5, 1.5) if self.randomize else self.delay
        waited = False
        while True:
            wait = self.limits.acquire(host, token, self.limit, int(delay * 1000), self.hold_ms)
            if wait == 0:
                break
            waited = True
            await asyncio.sleep(FULL_POLL if wait < 0 else wait / 1000)
        if waited and self.stats:
            self.stats.inc_value("zwgk/host_limit/waited")
        request.meta["zwgk_host_token"] = (host, token)
        return None

    def _release(self, request):
        held = request.meta.pop("zwgk_host_token", None)
        if held:
            self.limits.release(*held)

    def process_response(self, request, response):
        self._release(request)
        return response

    def process_exception(self, request, exception):
        self._release(request)
        return None
