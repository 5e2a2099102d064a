"""Downloader middleware that keeps requests on the networks a run may reach."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

OFFLINE = "离线模式：未访问本机以外的地址"
PRIVATE = "内网地址：未访问"


def _ip(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback_host(host: str) -> bool:
    ip = _ip(host)
    return host == "localhost" or (ip is not None and ip.is_loopback)


class NetworkPolicyMiddleware:
    """Refuses, before any packet is sent, requests a run must not make.

    - In loopback mode (tests, the demo) only 127.0.0.0/8, ::1 and localhost are reached;
      a host name is not even resolved.
    - In every mode, private, link-local and loopback addresses are reached only when the
      run started on such a host: a link to http://192.168.x.x/ on a public site is a 错链,
      reported without touching the intranet.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.mode = crawler.settings.get("ZWGK_NETWORK", "any")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if request.url.startswith("data:"):
            return None  # no network: the spider's end-of-crawl marker
        host = urlsplit(request.url).hostname or ""
        if self.mode == "loopback" and not is_loopback_host(host):
            raise IgnoreRequest(OFFLINE)
        ip = _ip(host)
        if ip is not None and (ip.is_private or ip.is_loopback or ip.is_link_local):
            allowed = getattr(self.crawler.spider, "start_hosts", None) or set()
            if host not in allowed and not (self.mode == "loopback" and ip.is_loopback):
                raise IgnoreRequest(PRIVATE)
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
                request.meta["dont_redirect"] = True
                request.meta["redirect_loop"] = True
        return response
