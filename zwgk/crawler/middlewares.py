"""Downloader middleware that keeps requests on the networks a run may reach."""
from __future__ import annotations

import asyncio
import random
import re
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest

from zwgk.crawler.netpolicy import NetworkPolicy, Refusal


class PolicyRefused(IgnoreRequest):
    """A request the network policy did not send; `refusal` says why (and whether it is a 错链)."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.reason)
        self.refusal = refusal


def _resolve(host: str, port: int):
    """A Deferred firing with the addresses `host` resolves to, through the reactor's resolver —
    the one (with Scrapy's DNS cache) the download then connects with."""
    from twisted.internet import defer, reactor
    from twisted.internet.interfaces import IResolutionReceiver
    from zope.interface import implementer

    done, found = defer.Deferred(), []

    @implementer(IResolutionReceiver)
    class Receiver:
        def resolutionBegan(self, resolution):
            pass

        def addressResolved(self, address):
            found.append(address.host)

        def resolutionComplete(self):
            done.callback(found)

    reactor.nameResolver.resolveHostName(Receiver(), host, port)
    return done


class NetworkPolicyMiddleware:
    """Every request, redirect hop, robots.txt and link check passes here before a packet is sent
    (a redirect's new request re-enters the downloader from the top). The spider's NetworkPolicy
    decides (crawler/netpolicy.py); a refusal reaches the request's errback as PolicyRefused."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.addresses: dict[str, list[str]] = {}  # host -> the addresses it resolved to

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _policy(self) -> NetworkPolicy:
        policy = getattr(self.crawler.spider, "netpolicy", None)
        if policy is None:  # a spider that brings none gets the strict default for the run's mode
            policy = NetworkPolicy(self.crawler.settings.get("ZWGK_NETWORK") or "any")
        return policy

    async def process_request(self, request):
        if request.url.startswith("data:"):
            return None  # no network: the spider's internal callbacks
        policy = self._policy()
        refusal = policy.refusal(request.url)
        if refusal is None and policy.needs_lookup(request.url):
            from scrapy.utils.defer import maybe_deferred_to_future

            from zwgk.crawler.netpolicy import origin

            host, port = origin(request.url)
            if host not in self.addresses:
                self.addresses[host] = await maybe_deferred_to_future(_resolve(host, port or 80))
            refusal = policy.resolved_refusal(request.url, self.addresses[host])
        if refusal is not None:
            raise PolicyRefused(refusal)
        return None


class RedirectLoopMiddleware:
    """Stops a redirect chain at the first URL it has already visited.

    Scrapy's RedirectMiddleware only stops at REDIRECT_MAX_TIMES, requesting the loop over and
    over; this one (ordered before it) hands the 3xx to the spider with meta['redirect_loop'].
    """

    def process_response(self, request, response):
        if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
            from urllib.parse import urljoin

            target = urljoin(request.url, response.headers["Location"].decode("latin-1"))
            seen = set(request.meta.get("redirect_urls", [])) | {request.url}
            if target in seen:
                if response.headers.getlist("Set-Cookie") and not request.meta.get("zwgk_cookie_hop"):
                    # a gate (openresty and the like) sends the client back to the same URL once
                    # with a cookie: followed once, with the cookie, not called a loop
                    request.meta["zwgk_cookie_hop"] = True
                    return response
                request.meta["dont_redirect"] = True
                request.meta["redirect_loop"] = True
        return response


JSL_COOKIE = re.compile(r"document\.cookie\s*=\s*(.+?)\s*;\s*(?:location|window\.location|setTimeout|</script>)", re.S)
JS_STRING = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def gate_cookie(body: str) -> tuple[str, str] | None:
    """The cookie a script-only gate (加速乐's 521 answer) sets before reloading the page, when
    the script builds it from string literals alone (document.cookie=('__jsl_clearance_s=')+('…')):
    what a plain client can do without running the script. None for anything cleverer."""
    m = JSL_COOKIE.search(body)
    if m is None:
        return None
    expr = m.group(1)
    if re.sub(JS_STRING, "", expr).strip(" ()+\n\t"):
        return None  # arithmetic, function calls …: needs a real browser
    value = "".join(a or b for a, b in JS_STRING.findall(expr)).split(";", 1)[0]
    if "=" not in value:
        return None
    name, _, val = value.partition("=")
    return (name.strip(), val.strip()) if name.strip() else None


class CookieGateMiddleware:
    """Passes cookie gates a plain client can pass: an answer (often HTTP 521) whose script only
    sets a cookie and reloads is asked once more with that cookie. A gate that needs a real
    browser (瑞数 412 with $_ts) is left to the spider, which reports it could not be read."""

    def process_response(self, request, response):
        if request.meta.get("zwgk_gate_passed") or response.status not in (200, 202, 403, 503, 521):
            return response
        if len(response.body) > 20000 or b"document.cookie" not in response.body:
            return response
        found = gate_cookie(response.body.decode("utf-8", "replace"))
        if found is None:
            return response
        name, value = found
        again = request.replace(dont_filter=True, cookies={**(request.cookies if isinstance(request.cookies, dict) else {}),
                                                           name: value})
        again.meta["zwgk_gate_passed"] = True
        return again


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, with a pause before each retry that grows (ZWGK_RETRY_BACKOFF s,
    then 3×, 9× …, randomised 0.5–1.5×): a server that errors now and then (500, 502, a dropped
    connection) is asked again before anything is judged, without hammering it. A 429/503 that
    says when to come back (Retry-After) is left to the spider, which waits as asked."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("ZWGK_RETRY_BACKOFF", 1.0)

    def process_response(self, request, response):
        if response.status in (429, 503) and response.headers.get("Retry-After"):
            return response
        return super().process_response(request, response)

    def _retry(self, request, reason):
        new = super()._retry(request, reason)
        if new is not None and self.backoff > 0:
            n = new.meta.get("retry_times", 1)
            new.meta["zwgk_retry_at"] = time.monotonic() + self.backoff * 3 ** (n - 1) * random.uniform(0.5, 1.5)
        return new

    async def process_request(self, request):
        at = request.meta.pop("zwgk_retry_at", None)
        if at is not None:
            wait = at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        return None


class RobotsForbidden(IgnoreRequest):
    """A request robots.txt forbids; `rule` is the Disallow line that matched (evidence)."""

    def __init__(self, rule: str | None):
        super().__init__("Forbidden by robots.txt")
        self.rule = rule


def robots_rule(body: bytes, url: str, agent: str = "zwgk") -> str | None:
    """The Disallow line of robots.txt that forbids `url` (the longest match among the groups for
    `agent` or *), as written; None when no line can be named."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    agents, applies, best = [], False, None
    in_rules = False
    for raw in body.decode("utf-8", "replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        field, value = (x.strip() for x in line.split(":", 1))
        field = field.lower()
        if field == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
            applies = any(a == "*" or a in agent.lower() for a in agents)
            continue
        in_rules = True
        if field != "disallow" or not applies or not value:
            continue
        pattern = "^" + re.escape(value).replace(r"\*", ".*")
        pattern = pattern[:-2] + "$" if pattern.endswith(r"\$") else pattern
        if re.match(pattern, target) and (best is None or len(value) > len(best)):
            best = value
    return f"Disallow: {best}" if best else None


class ExplainedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, keeping each robots.txt so that a refusal names the rule:
    a column robots.txt forbids is reported as 不允许抓取 with its Disallow line."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._bodies: dict[str, bytes] = {}

    async def _parse_robots(self, response, netloc, request):
        self._bodies[netloc] = response.body if response.status == 200 else b""
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp, request):
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            from urllib.parse import urlsplit

            body = self._bodies.get(urlsplit(request.url).netloc, b"")
            raise RobotsForbidden(robots_rule(body, request.url)) from None
