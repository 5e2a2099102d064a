"""Facts about a site beyond its pages and links: IPv6 reachability and a working site search.

Pure helpers, and SiteFacts, which holds a crawl's facts (`spider.facts`, stored as crawl.facts)
and builds the requests that find them out; the spider sends them (so politeness, robots.txt and
the network policy apply to them like to every other request) with its own methods as callbacks.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlencode, urljoin, urlsplit

from zwgk.crawler.extractors.links import url_host
from zwgk.crawler.netpolicy import is_loopback_host
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


class SiteFacts:
    """The facts of one crawl (stored as crawl.facts): IPv6 reachability and site search from the
    homepage, the crawl bounds hit. Builds the requests that find them out; their callbacks are
    spider methods (Scrapy and scrapy-redis name a request's callback by the spider's method), passed in."""

    MAX_TITLES = 50

    def __init__(self):
        self.facts: dict = {}
        self.search_form: dict | None = None
        self.search_done = False
        self.doc_titles: list[str] = []  # titles of documents found: a working search finds them

    def note_title(self, title: str | None) -> None:
        if title and len(self.doc_titles) < self.MAX_TITLES:
            self.doc_titles.append(title)

    def note_echo(self, url: str, parent: str) -> None:
        """A column link whose page answers the list of the page that linked it (crawl.facts
        "echoes": how many, the first examples): the crawl did not follow it further."""
        echoes = self.facts.setdefault("echoes", {"count": 0, "examples": []})
        echoes["count"] += 1
        if len(echoes["examples"]) < 5:
            echoes["examples"].append({"url": url, "same_as": parent})

    def note_limits(self, limits) -> None:
        self.facts["limits"] = limits.to_json()  # crawler.bounds.Limits

    def home_requests(self, response, tree, offline: bool, callback, errback) -> list:
        """Read the homepage's search form; ask its host over IPv6 when it has AAAA records.
        `offline` (--network loopback): other hosts are not looked up."""
        import scrapy

        host = url_host(response.url) or ""
        self.search_form = find_search_form(tree, response.url)
        self.facts["search"] = {"found": self.search_form is not None,
                                "url": self.search_form["url"] if self.search_form else None,
                                "query": None, "status": None, "results": None, "hit": None, "error": None}
        if offline and not is_loopback_host(host):
            self.facts["ipv6"] = {"host": host, "aaaa": [], "connect": None, "status": None,
                                  "error": "离线模式：未查询"}
            return []
        addrs = aaaa_records(host)
        self.facts["ipv6"] = {"host": host, "aaaa": addrs, "connect": None if not addrs else False,
                              "status": None, "error": None}
        if not addrs:
            return []
        return [scrapy.Request(ipv6_url(response.url, addrs[0]), callback=callback, errback=errback,
                               headers={"Host": urlsplit(response.url).netloc}, dont_filter=True,
                               meta={"role": "fact", "dont_obey_robotstxt": True, "dont_redirect": True})]

    def ipv6_answer(self, response) -> None:
        self.facts["ipv6"].update(connect=True, status=response.status)

    def ipv6_failed(self, failure) -> None:
        self.facts["ipv6"].update(connect=False, error=type(failure.value).__name__)

    def search_request(self, callback, errback):
        """Search for a stretch of a document title the crawl found: a working search finds it.
        Asked once (None when there is nothing to ask)."""
        import scrapy

        self.search_done = True
        form = self.search_form
        if not form or form["method"] != "get":
            if form:
                self.facts["search"]["error"] = "搜索表单使用 POST，未自动检索"
            return None
        query = search_query(self.doc_titles)
        if not query:
            return None
        self.facts["search"]["query"] = query
        return scrapy.Request(search_url(form, query), callback=callback, errback=errback,
                              dont_filter=True, meta={"role": "fact", "query": query})

    def search_answer(self, response, tree) -> None:
        self.facts["search"].update(judge_search(tree.text_content() if tree is not None else "",
                                                 response.meta["query"], response.status))

    def search_failed(self, failure) -> None:
        self.facts["search"]["error"] = str(failure.value)[:200] or type(failure.value).__name__
