"""Facts about a site beyond its pages and links: IPv6 reachability and a working site search.

Pure helpers; the spider makes the requests (so politeness, robots.txt and the network policy
apply to them like to every other request) and keeps the answers in `spider.facts`.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlencode, urljoin, urlsplit

from zwgk.vocab import norm_text

# names search boxes of Chinese CMSs give their query field, most specific first
QUERY_NAMES = ("searchword", "searchWord", "keyword", "keywords", "keyWord", "q", "query", "wd", "kw", "word",
               "searchKey", "sw", "key", "qt", "text")


def find_search_form(tree, base: str) -> dict | None:
    """The homepage's search box: {"url", "param", "method", "extra"} or None."""
    for form in tree.iter("form"):
        inputs = [i for i in form.iter("input") if (i.get("type") or "text").lower() in ("text", "search")]
        names = [i.get("name") for i in inputs if i.get("name")]
        if not names:
            continue
        label = norm_text(form.text_content() + " ".join(i.get("placeholder") or "" for i in inputs))
        action = (form.get("action") or "").strip()
        looks = any(n in QUERY_NAMES for n in names) or "搜索" in label or "检索" in label or "search" in action.lower()
        if not looks or action.lower().startswith(("javascript:", "mailto:")):
            continue
        param = next((n for n in QUERY_NAMES if n in names), names[0])
        extra = {i.get("name"): i.get("value") or "" for i in form.iter("input")
                 if (i.get("type") or "").lower() == "hidden" and i.get("name")}
        return {"url": urljoin(base, action or base), "param": param,
                "method": (form.get("method") or "get").lower(), "extra": extra}
    return None


def search_url(form: dict, query: str) -> str:
    params = {**form.get("extra", {}), form["param"]: query}
    sep = "&" if urlsplit(form["url"]).query else "?"
    return form["url"] + sep + urlencode(params)


def search_query(titles: list[str]) -> str | None:
    """A query a working search must answer: a distinctive stretch of a document title."""
    for t in titles:
        t = norm_text(t)
        core = t.split("关于", 1)[-1] if "关于" in t else t
        core = core.strip("《》“”")[:8]
        if len(core) >= 4:
            return core
    return None


def judge_search(html_text: str, query: str, status: int) -> dict:
    """Did the result page answer the query? Counts the query's occurrences in the page text."""
    text = norm_text(html_text)
    hits = text.count(norm_text(query))
    return {"status": status, "results": hits, "hit": status < 400 and hits > 0}


def aaaa_records(host: str) -> list[str]:
    """The host's IPv6 addresses (an IPv4 literal has none; an IPv6 literal is its own)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
        return [str(ip)] if ip.version == 6 else []
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_INET6, socket.SOCK_STREAM)
    except (socket.gaierror, OSError):
        return []
    return sorted({i[4][0] for i in infos})


def ipv6_url(url: str, address: str) -> str:
    """The same URL sent to one IPv6 address (the Host header keeps the name)."""
    p = urlsplit(url)
    netloc = f"[{address}]" + (f":{p.port}" if p.port else "")
    return p._replace(netloc=netloc).geturl()
