"""One availability probe: a GET of a homepage or disclosure-column root, timed against the
national limit and judged by the crawl's network policy (zwgk/crawler/netpolicy.py).

国办秘函〔2019〕19号 (站点无法访问): the homepage is requested at least 20 times a day for a week;
a request that takes 15 s or more counts as a failure, and so does one that gets no answer or an
error answer. A probe is

- ``ok``: a final answer below 400 within the limit (redirects followed, each hop judged);
- ``fail``: no answer (refused, reset, unresolvable, TLS error), a 4xx/5xx answer other than
  the ones below, 15 s or more for the whole request (body included), or a redirect that leads
  where no visitor can follow (an internal address the user did not name, too many hops);
- ``inconclusive``: 403 / 412 / 429, the answers firewalls (瑞数, 创宇盾 …) and rate limits give a
  robot, which a visitor's browser usually passes; or the network policy kept the probe from
  looking (``--network loopback``). Neither a success nor a failure of the site.

Requests go through httpx with redirects followed here, so that every hop is judged before it
is sent: the URL as written, then — for a host name the user did not name — the addresses it
resolves to. The connection goes to the address that was judged (the URL's host is replaced by
it; Host header and TLS server name keep the name), so a DNS answer that changes between the
check and the connection cannot lead the prober into an intranet.
"""
from __future__ import annotations

import errno
import functools
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from zwgk import __version__
from zwgk.crawler.netpolicy import NetworkPolicy, host_ip

from .record import timeout_error

# 国办秘函〔2019〕19号: "单次超过15秒视为无法访问" (≥ 15 s, the source's 超过(含))
TIMEOUT_S = 15.0
MAX_REDIRECTS = 10
# the body is read (a visitor waits for the page) but not kept; a bigger one is cut here
MAX_BODY = 8 * 1024 * 1024
# answers a firewall or a rate limit gives a robot (DOMAIN.md: 瑞数 412, WAF 403, 429)
BLOCKED = frozenset({403, 412, 429})
USER_AGENT = f"zwgk/{__version__} (government-website availability monitor; +https://pypi.org/project/zwgk/)"

OK, FAIL, INCONCLUSIVE = "ok", "fail", "inconclusive"


@dataclass(frozen=True)
class ProbeResult:
    url: str
    started_at: datetime          # UTC
    elapsed_ms: int | None
    outcome: str                  # ok | fail | inconclusive
    status: int | None            # the final answer's status; None = no answer
    error: str | None             # Chinese; None when ok
    final_url: str | None
    timeout_s: float


class _Stop(Exception):
    """Ends a probe early with an outcome and a reason."""

    def __init__(self, outcome: str, error: str, status: int | None = None):
        super().__init__(error)
        self.outcome, self.error, self.status = outcome, error, status


def describe_error(exc: BaseException, timeout: float) -> str:
    """A transport error in the words of the report."""
    if isinstance(exc, httpx.TimeoutException):
        return timeout_error(timeout)
    causes, e = [], exc
    while e is not None and len(causes) < 6:
        causes.append(e)
        e = e.__cause__ or e.__context__
    for c in causes:
        if isinstance(c, socket.gaierror):
            return "域名无法解析"
        if isinstance(c, ssl.SSLCertVerificationError):
            return f"TLS 证书无效：{c.verify_message or c}"
        if isinstance(c, ssl.SSLError):
            return f"TLS 握手失败：{c.reason or c}"
        if isinstance(c, ConnectionRefusedError) or getattr(c, "errno", None) == errno.ECONNREFUSED:
            return "连接被拒绝"
        if isinstance(c, ConnectionResetError) or getattr(c, "errno", None) == errno.ECONNRESET:
            return "连接被重置"
    text = str(exc)
    low = text.lower()
    if "connection refused" in low:
        return "连接被拒绝"
    if "reset" in low:
        return "连接被重置"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return "域名无法解析"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "连接中断（服务器未完整应答）"
    if isinstance(exc, httpx.ConnectError):
        return f"无法连接：{text or type(exc).__name__}"
    return f"请求出错：{type(exc).__name__}{'：' + text if text else ''}"


def _addresses(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(i[4][0]) for i in infos))


def pinned_request(url: str, address: str) -> tuple[str, dict, dict]:
    """The URL to connect to `address` instead of the URL's host name, the Host header and the
    TLS server name that keep the name."""
    parts = urlsplit(url)
    netloc_host = f"[{address}]" if ":" in address else address
    port = f":{parts.port}" if parts.port else ""
    host_header = parts.hostname + port
    extensions = {"sni_hostname": parts.hostname} if parts.scheme.lower() == "https" else {}
    return (urlunsplit((parts.scheme, netloc_host + port, parts.path or "/", parts.query, "")),
            {"Host": host_header}, extensions)


@functools.lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    # made once: loading the CA bundle takes ~0.1 s, which a probe should not spend (or time)
    return httpx.create_ssl_context()


def probe(url: str, policy: NetworkPolicy, *, timeout: float = TIMEOUT_S,
          resolve: Callable[[str, int], list[str]] = _addresses, verify: ssl.SSLContext | None = None) -> ProbeResult:
    """Request `url` once as a visitor would (GET, redirects followed, body read, a new
    connection and no cookies from earlier probes) and judge it."""
    started = datetime.now(timezone.utc)
    t0 = time.monotonic()
    deadline = t0 + timeout
    current, status, hops = url, None, 0

    def elapsed() -> int:
        return int(round((time.monotonic() - t0) * 1000))

    def result(outcome: str, error: str | None, status_: int | None) -> ProbeResult:
        return ProbeResult(url, started, elapsed(), outcome, status_, error, current, timeout)

    try:
        with httpx.Client(trust_env=False, follow_redirects=False, verify=verify or _tls(),
                          headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"}) as client:
            while True:
                target, headers, extensions = _judged(current, policy, resolve)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Stop(FAIL, timeout_error(timeout))
                try:
                    with client.stream("GET", target, headers=headers, extensions=extensions,
                                       timeout=httpx.Timeout(remaining)) as resp:
                        status = resp.status_code
                        location = resp.headers.get("location")
                        if resp.is_redirect and location:
                            hops += 1
                            if hops > MAX_REDIRECTS:
                                raise _Stop(FAIL, f"重定向超过 {MAX_REDIRECTS} 次", status)
                            current = urljoin(current, location.strip())
                            continue
                        read = 0
                        for chunk in resp.iter_raw():
                            read += len(chunk)
                            if time.monotonic() >= deadline:
                                raise _Stop(FAIL, timeout_error(timeout), status)
                            if read >= MAX_BODY:
                                break
                except httpx.HTTPError as exc:
                    raise _Stop(FAIL, describe_error(exc, timeout), None) from exc
                break
    except _Stop as stop:
        return result(stop.outcome, stop.error, stop.status)
    if time.monotonic() - t0 >= timeout:
        return result(FAIL, timeout_error(timeout), status)
    if status in BLOCKED:
        return result(INCONCLUSIVE, f"HTTP {status}（可能被防火墙或访问频率限制拦截）", status)
    if status is not None and status >= 400:
        return result(FAIL, f"HTTP {status}", status)
    return result(OK, None, status)


def _judged(url: str, policy: NetworkPolicy, resolve) -> tuple[str, dict, dict]:
    """What to send for `url`, after the network policy allowed it (raises _Stop otherwise)."""
    refusal = policy.refusal(url)
    if refusal is not None:
        outcome = FAIL if refusal.state == "wrong" else INCONCLUSIVE
        raise _Stop(outcome, refusal.reason)
    if not policy.needs_lookup(url):
        return url, {}, {}
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except OSError:
        raise _Stop(FAIL, "域名无法解析")
    if not addresses:
        raise _Stop(FAIL, "域名无法解析")
    refusal = policy.resolved_refusal(url, addresses)
    if refusal is not None:
        raise _Stop(FAIL if refusal.state == "wrong" else INCONCLUSIVE, refusal.reason)
    address = str(host_ip(addresses[0]) or addresses[0])
    return pinned_request(url, address)
