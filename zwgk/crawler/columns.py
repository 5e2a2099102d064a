"""The columns (栏目) a crawl finds and what their list pages show.

A column is keyed by the canonical URL of its first list page. Columns records each one's name,
kind, office and parent, the list pages asked and read, the entries seen (a list page that shows
no entry new to its column is not paged on), the list pages that could not be read (a column is
never taken for a blank one), and the documents listed beside a column menu (asked last, so a
column's own list files them). The spider makes the requests; ColumnItems are made here.
"""
from __future__ import annotations

from zwgk.crawler.extractors.links import canonical_url
from zwgk.crawler.items import ColumnItem


class Columns:
    def __init__(self):
        self.by_url: dict[str, dict] = {}        # column url -> {name, kind, office, parent, pages, …}
        self.roots: set[str] = set()             # disclosure roots (the portal's, the departments')
        self.beside_menu: dict[str, tuple] = {}  # documents listed beside a column menu, asked last

    def __contains__(self, key) -> bool:
        return key in self.by_url

    def __getitem__(self, key: str) -> dict:
        return self.by_url[key]

    def __len__(self) -> int:
        return len(self.by_url)

    def get(self, key, default=None):
        return self.by_url.get(key, default)

    def known(self, url: str) -> bool:
        """A column or a root already."""
        key = canonical_url(url)
        return key in self.by_url or key in self.roots

    def add(self, key: str, name, kind, office, parent) -> dict:
        col = self.by_url[key] = {"asked": 0, "unread": [], "name": name, "kind": kind, "office": office,
                                  "parent": parent, "pages": 0, "children": False, "entries": set()}
        return col

    def list_page(self, col: dict, entries) -> bool:
        """Count a list page read with these entries; whether it was fresh (showed an entry new to
        its column, or is the first): a list page that shows nothing new (a calendar's next month,
        ?page=1 again) is no new page and is not paged on — a widget that changes the query forever
        ends here."""
        new = {canonical_url(u) for u, _, _ in entries} - col["entries"]
        fresh = bool(new) or col["pages"] == 0
        if fresh:
            col["pages"] += 1
        col["entries"] |= new
        return fresh

    def unread(self, key: str, url: str, why: str) -> None:
        """A list page of the column that could not be read, and why."""
        self.by_url[key]["unread"].append((url, why))

    def page_unread(self, key: str, response, target) -> None:
        """A list page answered but not usable (`target`: its LinkTargetItem): unread when it erred
        or its target is not ok (a WAF or soft-404 page), with the reason."""
        if response.status >= 400 or (target is not None and target.state != "ok"):
            why = (target.error if target is not None else None) or f"HTTP {response.status}"
            if response.meta.get("retry_times") and "已重试" not in why:
                why += f"（已重试 {response.meta['retry_times']} 次）"
            self.unread(key, response.url, why)

    def beside(self, key: str, entries, wanted) -> None:
        """Documents listed beside column `key`'s menu (those `wanted(url)` accepts): asked when the
        crawl runs dry unless a column's own list asked for them first."""
        for url, title, day in entries:
            c = canonical_url(url)
            if wanted(url) and c not in self.beside_menu:
                self.beside_menu[c] = (url, (key, c, title, day), key, title)

    def take_beside(self, requested) -> list[tuple]:
        """The documents listed beside a menu that no column's own list asked for."""
        beside = [v for k, v in sorted(self.beside_menu.items()) if k not in requested]
        self.beside_menu.clear()
        return beside

    def item(self, key: str) -> ColumnItem:
        c = self.by_url[key]
        unread = c["unread"]
        read_error = None
        if unread:
            first = "部分列表页" if c["pages"] else "栏目列表"
            read_error = f"{first}无法读取：{unread[0][1]}" + (f"（共 {len(unread)} 页）" if len(unread) > 1 else "")
        return ColumnItem(url=key, name=c["name"], kind=c["kind"], office=c["office"], parent_url=c["parent"],
                          list_pages=max(1, c["pages"]), has_children=c["children"], read_error=read_error)
