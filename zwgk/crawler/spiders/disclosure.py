"""The disclosure spider: from a homepage or a disclosure-column URL to every document and link.

Roles of a request (meta['role']):
  home      the start page: identity marks, the way into the disclosure column
  root      a disclosure column (the portal's, or a department's): its columns and sub-sites
  column    a list page of one column: entries, pagination, sub-columns
  document  a document page: fields, attachments, 解读 links
  check     a link target that is only checked (HEAD, or GET for in-site pages), never parsed

Every link on every parsed page is stored with its source; each distinct target is requested
once: targets that the crawl fetched anyway are not requested again, the rest are checked when
the crawl runs dry (spider_idle).
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest

from zwgk.crawler import discovery as dsc
from zwgk.crawler.extractors.encoding import decode_html
from zwgk.crawler.extractors.fields import extract_document
from zwgk.crawler.extractors.links import ATTACHMENT_EXTS, canonical_url, page_links
from zwgk.crawler.middlewares import is_loopback_host
from zwgk.crawler.items import (ColumnItem, DocumentItem, EntryItem, LinkItem, LinkTargetItem, PageItem)
from zwgk.vocab import classify_column, norm_text

ATTACHMENT_EXT = ATTACHMENT_EXTS
INCONCLUSIVE_STATUS = {401, 403, 412, 429}
HEAD_FALLBACK_STATUS = {400, 403, 404, 405, 406, 501}


def link_state(status: int) -> str:
    if status in INCONCLUSIVE_STATUS:
        return "inconclusive"
    return "ok" if status < 400 else "broken"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # malformed, e.g. http://[192.168.10.5/x (a 错链 in its own right)
        return ""


def _ext(url: str) -> str:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return ""
    return path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""


class DisclosureSpider(scrapy.Spider):
    name = "disclosure"

    def __init__(self, start_url: str, profile: dict | None = None, crawl_id: int | None = None, **kw):
        super().__init__(**kw)
        self.start_url = start_url
        self.profile = profile or {}
        self.crawl_id = int(crawl_id) if crawl_id else None
        self.homepage_url: str | None = None
        self.start_hosts = {urlsplit(start_url).hostname or ""}
        self.on_loopback = all(is_loopback_host(h) for h in self.start_hosts)
        self.scope_hosts = set(self.start_hosts) | set(self.profile.get("scope_hosts", []))
        self.requested: set[str] = set()       # canonical URLs requested (any role)
        self.linked: dict[str, str] = {}       # target -> link kind, for every link seen
        self.resolved: set[str] = set()        # targets whose LinkTargetItem was yielded
        self.columns: dict[str, dict] = {}     # column url -> {name, kind, office, pages}
        self.roots: set[str] = set()
        self.pages_parsed = 0
        self.documents = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        spider.max_list_pages = crawler.settings.getint("ZWGK_MAX_LIST_PAGES", 500)
        return spider

    def run_settings(self) -> dict:
        keys = ("CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY", "ROBOTSTXT_OBEY", "USER_AGENT", "ZWGK_NETWORK")
        return {k: self.crawler.settings.get(k) for k in keys} | {"profile": self.profile}

    # ---- requests -------------------------------------------------------------------------

    def _request(self, url: str, callback, role: str, **meta) -> scrapy.Request | None:
        key = canonical_url(url)
        if key in self.requested:
            return None
        self.requested.add(key)
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              meta={"role": role, "target": key, **meta}, dont_filter=True)

    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        roots = self.profile.get("roots") or []
        for r in roots:
            self.roots.add(canonical_url(r["url"] if isinstance(r, dict) else r))
        req = self._request(self.start_url, self.parse_home, "home")
        if req:
            yield req
        for r in roots:
            url, office = (r["url"], r.get("office")) if isinstance(r, dict) else (r, None)
            req = self._request(url, self.parse_root, "root", office=office, depth=0)
            if req:
                yield req
        for c in self.profile.get("columns") or []:
            yield from self._column_request(c["url"], c["name"], c.get("kind") or classify_column(c["name"]),
                                            c.get("office"), None)
        for o in self.profile.get("offices") or []:
            req = self._request(o["url"], self.parse_root, "root", office=o["name"], depth=0)
            if req:
                yield req

    def in_scope(self, url: str) -> bool:
        return _host(url) in self.scope_hosts

    # ---- common page handling -------------------------------------------------------------

    def _decode(self, response):
        header = response.headers.get("Content-Type", b"").decode("latin-1")
        charset = self.profile.get("encoding")
        if not charset and "charset=" in header.lower():
            charset = header.lower().split("charset=", 1)[1].split(";")[0].strip()
        html, enc = decode_html(response.body, charset)
        return html, enc, dsc.parse_tree(html)

    def _target_item(self, response, state_override: str | None = None, error: str | None = None):
        key = response.meta.get("target") or canonical_url(response.url)
        redirects = [u for u in response.meta.get("redirect_urls", [])] + ([response.url] if response.meta.get("redirect_urls") else [])
        kind = self.linked.get(key) or self._kind(key)
        state = state_override or link_state(response.status)
        if response.meta.get("redirect_loop"):
            state, error = "broken", "重定向循环"
        self.resolved.add(key)
        self.resolved.add(canonical_url(response.url))
        return LinkTargetItem(url=key, state=state, kind=kind, status=response.status, error=error,
                              redirects=redirects)

    def _kind(self, url: str) -> str:
        if _ext(url) in ATTACHMENT_EXT:
            return "附件"
        if _ext(url) in {"jpg", "jpeg", "png", "gif", "bmp", "webp", "svg"}:
            return "图片"
        return "站内" if self.in_scope(url) else "站外"

    def _links(self, tree, response):
        """Store every link of a parsed page; 错链 are resolved at once and never requested."""
        for link in page_links(tree, response.url):
            yield LinkItem(source_url=response.url, target_url=link.url, text=link.text or "", tag=link.tag)
            problem = link.problem
            if problem and self.on_loopback and is_loopback_host(_host(link.url)):
                # the audited site is itself on this machine (a test or a local copy): other
                # loopback hosts stand for other sites, not for an intranet
                problem = None
            if link.url not in self.linked:
                self.linked[link.url] = link.kind
            if problem and link.url not in self.resolved:
                self.resolved.add(link.url)
                yield LinkTargetItem(url=link.url, state="wrong", kind=link.kind, error=problem)

    def _parse_page(self, response, kind: str, keep_text: bool = False, office=None):
        """Decode, yield the page and its link-target state. Returns (html, tree) or None when unusable."""
        html, enc, tree = self._decode(response)
        title = None
        text = ""
        if tree is not None:
            t = tree.find(".//title")
            title = norm_text(t.text_content()) if t is not None else None
            text = tree.text_content()
        soft = response.status == 200 and tree is not None and dsc.is_soft_404(title, text)
        self.pages_parsed += 1
        yield PageItem(url=response.url, kind=kind, status=response.status, title=title,
                       text=" ".join(text.split()) if keep_text else None, encoding=enc,
                       content_hash=hashlib.sha256(response.body).hexdigest(), office=office)
        yield self._target_item(response, "broken" if soft else None, "soft-404" if soft else None)
        if response.status >= 400 or soft or tree is None:
            return
        yield from self._links(tree, response)
        yield (html, tree)

    @staticmethod
    def _split(gen):
        """Separate the items of _parse_page from its final (html, tree) result."""
        items, result = [], None
        for x in gen:
            if isinstance(x, tuple):
                result = x
            else:
                items.append(x)
        return items, result

    # ---- callbacks ------------------------------------------------------------------------

    def parse_home(self, response):
        self.homepage_url = response.url
        self.start_hosts.add(urlsplit(response.url).hostname or "")
        self.scope_hosts.add(urlsplit(response.url).hostname or "")
        items, res = self._split(self._parse_page(response, "home", keep_text=True))
        yield from items
        if res is None:
            return
        html, tree = res
        links = dsc.find_disclosure_links(tree, response.url)
        if dsc.looks_like_root(tree, response.url) or not links:
            # the start URL is the disclosure column itself (or nothing better is linked)
            self.roots.add(canonical_url(response.url))
            yield from self._root(response, tree, office=None, depth=0)
        best = links[0:1] + [a for a in links[1:3] if dsc.DISCLOSURE_URL.search(a.url)]
        for a in best:
            if self.in_scope(a.url) or not self.roots:
                self.scope_hosts.add(urlsplit(a.url).hostname or "")
                req = self._request(a.url, self.parse_root, "root", office=None, depth=0)
                if req:
                    yield req

    def parse_root(self, response):
        office, depth = response.meta.get("office"), response.meta.get("depth", 0)
        self.roots.add(canonical_url(response.url))
        items, res = self._split(self._parse_page(response, "root", keep_text=True, office=office))
        yield from items
        if res is not None:
            yield from self._root(response, res[1], office, depth)

    def _root(self, response, tree, office, depth):
        cols = dsc.find_column_links(tree, response.url)
        for c in cols:
            if self.in_scope(c.url):
                yield from self._column_request(c.url, c.name, c.kind, office, response.url)
        if office is None:
            for o in dsc.find_office_links(tree, response.url):
                self.scope_hosts.add(urlsplit(o.url).hostname or "")
                req = self._request(o.url, self.parse_root, "root", office=o.text, depth=depth + 1)
                if req:
                    yield req
        if not cols and depth < 2:
            # a department's homepage: its own disclosure column is one link further
            for a in dsc.find_disclosure_links(tree, response.url)[:1]:
                req = self._request(a.url, self.parse_root, "root", office=office, depth=depth + 1)
                if req:
                    yield req

    def _column_request(self, url, name, kind, office, parent):
        key = canonical_url(url)
        if key in self.columns or key in self.roots:
            return
        self.columns[key] = {"name": name, "kind": kind, "office": office, "parent": parent, "pages": 0,
                             "children": False, "entries": set()}
        req = self._request(url, self.parse_column, "column", column=key)
        if req:
            yield req

    def _column_item(self, key):
        c = self.columns[key]
        return ColumnItem(url=key, name=c["name"], kind=c["kind"], office=c["office"], parent_url=c["parent"],
                          list_pages=max(1, c["pages"]), has_children=c["children"])

    def parse_column(self, response):
        key = response.meta["column"]
        col = self.columns[key]
        items, res = self._split(self._parse_page(response, "column", office=col["office"]))
        yield from items
        if res is None:
            col["pages"] = max(col["pages"], 1)
            yield self._column_item(key)
            return
        html, tree = res
        entries = dsc.find_entries(tree, response.url, html)
        new = {canonical_url(e.url) for e in entries} - col["entries"]
        if new or col["pages"] == 0:
            col["pages"] += 1  # a list page that shows nothing new (?page=1 = the first page) is no new page
        col["entries"] |= new
        subcols = [c for c in dsc.find_column_links(tree, response.url)
                   if canonical_url(c.url) not in self.columns and canonical_url(c.url) not in self.roots
                   and self.in_scope(c.url)]
        if len(subcols) >= 2 and col["pages"] == 1:
            col["children"] = True
            for c in subcols:
                yield from self._column_request(c.url, c.name, c.kind, col["office"], key)
        else:
            for e in entries:
                yield EntryItem(column_url=key, url=canonical_url(e.url), title=e.title, date=e.date,
                                list_page=response.url)
                if _ext(e.url) not in ATTACHMENT_EXT and self.in_scope(e.url):
                    req = self._request(e.url, self.parse_document, "document", column=key, list_title=e.title)
                    if req:
                        yield req
            if col["pages"] < self.max_list_pages:
                for url in dsc.find_pagination(tree, response.url, html):
                    if self.in_scope(url):
                        req = self._request(url, self.parse_column, "column", column=key)
                        if req:
                            yield req
        yield self._column_item(key)

    def parse_document(self, response):
        key = response.meta.get("column")
        col = self.columns.get(key) if key else None
        office = col["office"] if col else response.meta.get("office")
        items, res = self._split(self._parse_page(response, "document", office=office))
        yield from items
        if res is None:
            return
        html, tree = res
        fields = extract_document(html, response.url)
        d = fields.to_dict()
        if not (d.get("title") or d.get("publish_date") or d.get("body_chars")):
            return  # not a document page after all
        self.documents += 1
        forms = [{"url": canonical_url(u), "text": t, "form": f} for u, t, f in fields.interpretation_links]
        kind = col["kind"] if col else ("interpretation" if d.get("is_interpretation") else None)
        if kind == "interpretation":
            d["is_interpretation"] = True
        yield DocumentItem(url=canonical_url(response.url), fields=d, column=col["name"] if col else None,
                           column_url=key, column_kind=kind, office=office, interpretation_links=forms,
                           reasons=dict(fields.reasons), list_title=response.meta.get("list_title"))
        # 解读 and the policies they interpret are documents too, wherever they are listed
        for url in [x["url"] for x in forms] + list(d.get("policy_urls") or []):
            if self.in_scope(url) and _ext(url) not in ATTACHMENT_EXT:
                req = self._request(url, self.parse_document, "document", office=office)
                if req:
                    yield req

    def parse_check(self, response):
        key = response.meta["target"]
        if response.request.method == "HEAD" and response.status in HEAD_FALLBACK_STATUS and not response.meta.get("redirect_loop"):
            # many servers answer HEAD badly: ask again with GET before judging
            yield response.request.replace(method="GET", callback=self.parse_check)
            return
        soft = False
        if response.status == 200 and self._kind(key) == "站内" and response.request.method == "GET":
            ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
            if "html" in ctype:
                html, _, tree = self._decode(response)
                if tree is not None:
                    t = tree.find(".//title")
                    soft = dsc.is_soft_404(norm_text(t.text_content()) if t is not None else None, tree.text_content())
        yield self._target_item(response, "broken" if soft else None, "soft-404" if soft else None)

    def on_error(self, failure):
        req = failure.request
        key = req.meta.get("target") or canonical_url(req.url)
        exc = failure.value
        name = type(exc).__name__
        state, error = "broken", name
        if isinstance(exc, IgnoreRequest):
            msg = str(exc)
            if "robots" in msg.lower() or name == "IgnoreRequest" and "Forbidden by robots.txt" in msg:
                state, error = "inconclusive", "robots.txt 禁止抓取，未检查"
            elif "redirect" in msg.lower():
                state, error = "broken", "重定向过多或循环"
            else:
                state, error = "inconclusive", msg or "未请求"
        elif "DNSLookup" in name:
            error = "域名解析失败"
        elif "Timeout" in name or "TimedOut" in name:
            state, error = "inconclusive", "请求超时"
        elif "ConnectionRefused" in name:
            error = "连接被拒绝"
        elif "SSL" in name or "TLS" in name:
            error = "证书或TLS错误"
        self.resolved.add(key)
        kind = self.linked.get(key) or self._kind(key)
        yield LinkTargetItem(url=key, state=state, kind=kind, status=None, error=error,
                             redirects=list(req.meta.get("redirect_urls", [])))

    # ---- link checks when the crawl runs dry -----------------------------------------------

    def on_idle(self):
        todo = [u for u in self.linked if u not in self.resolved and u not in self.requested]
        if not todo:
            return
        for url in todo:
            kind = self.linked[url]
            method = "GET" if kind == "站内" else "HEAD"
            self.requested.add(url)
            req = scrapy.Request(url, method=method, callback=self.parse_check, errback=self.on_error,
                                 meta={"role": "check", "target": url}, dont_filter=True)
            self.crawler.engine.crawl(req)
        raise DontCloseSpider
