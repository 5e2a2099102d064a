"""The one network policy of a crawl: which addresses a request, a redirect hop or a link check
may reach.

An audited site is public. A link, a redirect or a DNS answer that leads to a loopback, private,
link-local, shared, reserved or multicast address leads where no visitor can follow — a 错链 — and
where zwgk must not go: a hijacked county site must not make an evaluator's machine read its
intranet. So every request is judged, before any packet is sent, on

- its URL as written: the scheme (http and https only) and a host that is an IP address in any
  notation browsers and libc accept (``127.1``, ``0x7f.0.0.1``, ``0x7f000001``, ``2130706433``,
  ``0177.0.0.1``, ``[::1]``, ``[::ffff:127.0.0.1]``) or a name that is internal by itself
  (``localhost``, ``*.localhost``, single-label names, ``.local`` …);
- the addresses its host name resolves to (``resolved_refusal``), looked up through the
  reactor's resolver, whose cache the download then uses, so the address judged is the one
  connected to.

Exceptions are the origins the user named (the start URL, a profile's roots, offices, columns,
scope hosts): pointing zwgk at an intranet site is the user's choice. ``--network loopback``
(tests, the demo) reaches loopback addresses only, resolves no host name, and refuses the rest.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

ANY, LOOPBACK = "any", "loopback"
WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# the numeric IPv4 forms inet_aton accepts: 1 to 4 parts, each decimal, octal (0…) or hex (0x…)
_NUMERIC_V4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)
INTRANET_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".corp", ".home", ".localdomain", ".localhost",
                     ".home.arpa")


@dataclass(frozen=True)
class Refusal:
    """Why a request is not sent. state: 'wrong' (错链: no visitor can open it) or 'inconclusive'
    (this run chose not to look: offline mode)."""
    state: str
    reason: str


OFFLINE = Refusal("inconclusive", "离线模式：未访问本机以外的地址")


def host_ip(host: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host stands for when it is a literal, in any notation; None for a name.
    An IPv4-mapped IPv6 address is read as the IPv4 address it maps."""
    if not host:
        return None
    h = host.strip().strip("[]").lower()
    h = h.split("%", 1)[0]  # an IPv6 zone id (fe80::1%eth0)
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        if not _NUMERIC_V4.match(h):
            return None
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(h.rstrip(".")))
        except (OSError, ValueError):
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_internal_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, shared (100.64/10), reserved, unspecified, multicast …:
    every address that is not a public unicast one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def is_internal_name(host: str) -> bool:
    """A host name that is internal by itself, before any lookup."""
    h = host.lower().rstrip(".")
    return h == "localhost" or h.endswith(INTRANET_SUFFIXES) or "." not in h


def is_internal_host(host: str | None) -> bool:
    """Internal by its literal form: an internal address in any notation, or an internal name."""
    if not host:
        return False
    ip = host_ip(host)
    return is_internal_ip(ip) if ip is not None else is_internal_name(host)


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    ip = host_ip(host)
    if ip is not None:
        return ip.is_loopback
    h = host.lower().rstrip(".")
    return h == "localhost" or h.endswith(".localhost")


def origin(url: str) -> tuple[str, int | None] | None:
    """(host in one spelling, port) of a URL: 127.1 and 0x7f.0.0.1 are both 127.0.0.1."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if not host:
        return None
    ip = host_ip(host)
    return (str(ip) if ip is not None else host.lower().rstrip(".")), port or DEFAULT_PORTS.get(parts.scheme.lower())


class NetworkPolicy:
    """Judges requests of one crawl. `allowed`: origins the user named (URLs), reached even when
    internal; `allowed_hosts`: host names reached on any port (a profile's scope_hosts)."""

    def __init__(self, mode: str = ANY, allowed: list[str] | tuple = (), allowed_hosts: list[str] | tuple = ()):
        if mode not in (ANY, LOOPBACK):
            raise ValueError(f"network mode {mode!r}")
        self.mode = mode
        self.allowed: set[tuple] = set()
        self.allowed_hosts: set[str] = set()
        for u in allowed:
            self.allow(u)
        for h in allowed_hosts:
            o = origin(f"http://{h}/")
            if o:
                self.allowed_hosts.add(o[0])

    @classmethod
    def for_site(cls, mode: str | None, start_url: str, profile: dict) -> "NetworkPolicy":
        """The policy of one site's crawl: the start URL and the URLs the user named in the site
        profile are reached even when they are internal, and so are its scope hosts."""
        named = [x["url"] if isinstance(x, dict) else x for key in ("roots", "columns", "offices")
                 for x in (profile.get(key) or []) if x]
        return cls(mode or ANY, allowed=[start_url, *named], allowed_hosts=profile.get("scope_hosts") or [])

    def allow(self, url: str) -> None:
        o = origin(url)
        if o is not None:
            self.allowed.add(o)

    def _named(self, o: tuple) -> bool:
        return o in self.allowed or o[0] in self.allowed_hosts

    def refusal(self, url: str) -> Refusal | None:
        """The verdict on a URL as written (no lookup). None: allowed so far; a host name may still
        have to be resolved (`needs_lookup`)."""
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return Refusal("wrong", "URL格式错误")
        if scheme == "ftp":
            return Refusal("inconclusive", "FTP 链接，未检查")
        if scheme not in WEB_SCHEMES:
            return Refusal("wrong", f"非网页地址（{scheme or '无协议'}:），未访问")
        o = origin(url)
        if o is None:
            return Refusal("wrong", "URL格式错误")
        host = o[0]
        ip = host_ip(host)
        if self.mode == LOOPBACK:
            if is_loopback_host(host):
                return None
            if (ip is not None and is_internal_ip(ip)) or (ip is None and is_internal_name(host)):
                return Refusal("wrong", f"内网地址（{host}），未访问")
            return OFFLINE
        if self._named(o):
            return None
        if ip is not None:
            return Refusal("wrong", f"内网地址（{ip}），未访问") if is_internal_ip(ip) else None
        if is_internal_name(host):
            return Refusal("wrong", f"内网主机名（{host}），未访问")
        return None

    def needs_lookup(self, url: str) -> bool:
        """Whether the addresses a URL's host resolves to must be judged before it is requested."""
        if self.mode == LOOPBACK:
            return False
        o = origin(url)
        return o is not None and host_ip(o[0]) is None and not self._named(o)

    def resolved_refusal(self, url: str, addresses: list[str]) -> Refusal | None:
        """The verdict on a host name by the addresses it resolved to: one internal address is
        enough to refuse (a name answering both ways would let the connection pick)."""
        o = origin(url)
        if o is None or self._named(o):
            return None
        for a in addresses:
            ip = host_ip(a)
            if ip is not None and is_internal_ip(ip):
                return Refusal("wrong", f"域名 {o[0]} 解析到内网地址（{ip}），未访问")
        return None
