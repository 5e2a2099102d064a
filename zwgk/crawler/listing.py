"""What a list page shows, read once: its entries, sub-column links, office (sub-site) links and
pagination — kept with the page (Page.listing) so that when the server answers the next night's
conditional request with 304 the spider acts on the same listing without the page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from zwgk.crawler import discovery as dsc
from zwgk.crawler.lists import ListRead, ListRequest, read_page, request_headers
from zwgk.crawler.lists.scripted import unread_reason


@dataclass
class Listing:
    entries: list = field(default_factory=list)      # [(url as linked, title, date | None)]
    subcolumns: list = field(default_factory=list)   # [(url, name, kind)]
    offices: list = field(default_factory=list)      # [(url, text)]
    pagination: list = field(default_factory=list)   # [url]
    ranges: list = field(default_factory=list)       # [(prefix, suffix, lo, hi)]: runs of numbered pages
    requests: list = field(default_factory=list)     # [lists.ListRequest]: what list adapters ask besides
    expected: dict = field(default_factory=dict)     # what the list says it holds: {records, pages}
    directory: bool = False                          # an adapter found a directory of columns (gkmlpt TREE)
    unreadable: str | None = None                    # why its list is a script's the crawl cannot read
    content: int = 0                                 # characters of text of its own (discovery.content_chars)

    def to_json(self) -> dict:
        return {"entries": [[u, t, d.isoformat() if d else None] for u, t, d in self.entries],
                "subcolumns": [list(c) for c in self.subcolumns], "offices": [list(o) for o in self.offices],
                "pagination": list(self.pagination), "ranges": [list(r) for r in self.ranges],
                "requests": [r.to_json() for r in self.requests],
                "expected": dict(self.expected), "directory": self.directory, "unreadable": self.unreadable,
                "content": self.content}

    @classmethod
    def from_json(cls, data: dict) -> "Listing":
        return cls(entries=[(u, t, date.fromisoformat(d) if d else None) for u, t, d in data.get("entries", [])],
                   subcolumns=[tuple(c) for c in data.get("subcolumns", [])],
                   offices=[tuple(o) for o in data.get("offices", [])], pagination=list(data.get("pagination", [])),
                   ranges=[tuple(r) for r in data.get("ranges", [])],
                   requests=[ListRequest.from_json(r) for r in data.get("requests", [])],
                   expected=dict(data.get("expected") or {}), directory=bool(data.get("directory")),
                   unreadable=data.get("unreadable"), content=int(data.get("content") or 0))

    def further_pages(self) -> bool:
        return bool(self.pagination or self.ranges)

    @classmethod
    def from_read(cls, read: ListRead) -> "Listing":
        """The listing of a list adapter's (non-HTML) answer."""
        return cls(entries=list(read.entries), subcolumns=list(read.subcolumns), requests=list(read.requests),
                   expected=dict(read.expected))


def read_listing(tree, url: str, html: str) -> Listing:
    """The listing of a parsed list page. Office links are looked for only on a page with fewer
    than three entries (a 部门信息公开 directory, not a list)."""
    entries = dsc.find_entries(tree, url, html)
    extra = read_page(tree, url, html, len(entries))  # list adapters: pagers, JCMS dataproxy, gkmlpt, iframes …
    return Listing(
        entries=[(e.url, e.title, e.date) for e in entries] + extra.entries,
        subcolumns=[(c.url, c.name, c.kind) for c in dsc.find_column_links(tree, url)] + extra.subcolumns,
        offices=[(o.url, o.text) for o in dsc.find_office_links(tree, url)] if len(entries) < 3 else [],
        pagination=[u for u in extra.pages if u != url], ranges=extra.ranges, requests=extra.requests,
        expected=extra.expected,
        directory=bool(extra.subcolumns),
        unreadable=None if entries or extra.entries or extra.requests or extra.subcolumns or extra.pages or extra.ranges
        else unread_reason(tree, url, html), content=dsc.content_chars(tree))


def list_requests(requests, key: str, col: dict, *, scope, requested: set, budget, callback, errback) -> list:
    """Scrapy requests for a list adapter's further requests (GET or POST) of column `key`: each
    asked once (a POST's body is part of its identity), in scope, within the list-page cap."""
    import scrapy

    from zwgk.crawler.extractors.links import canonical_url

    out = []
    for r in requests:
        ident = canonical_url(r.url) if not r.body else r.key()
        if not scope.in_scope(r.url) or ident in requested:
            continue
        if col["asked"] >= budget.max_list_pages:
            budget.hit("list_pages", r.url)
            break
        if not budget.allows(r.url, "column", len(requested)):
            continue
        requested.add(ident)
        col["asked"] += 1
        out.append(scrapy.Request(r.url, method=r.method, body=r.body or None, headers=request_headers(r), callback=callback,
                                  errback=errback, dont_filter=True,
                                  meta={"role": "column", "target": canonical_url(r.url), "column": key,
                                        "list_adapter": r.adapter, "zwgk_unconditional": r.method != "GET"}))
    return out
