"""The columns (栏目) a crawl finds and what their list pages show.

A column is keyed by the canonical URL of its first list page. Columns records each one's name,
kind, office and parent, the list pages asked and read, the entries seen (a list page that shows
no entry new to its column is not paged on), the list pages that could not be read (a column is
never taken for a blank one), and the column links each root and column page shows — from which,
once every page is read, each column's parent, office and sub-columns are settled (tree.py). The
spider makes the requests; ColumnItems are made here.
"""
from __future__ import annotations

from zwgk.crawler import tree
from zwgk.crawler.extractors.links import canonical_url
from zwgk.crawler.items import ColumnItem
from zwgk.crawler.urlset import UrlSet


class Columns:
    def __init__(self):
        self.by_url: dict[str, dict] = {}        # column url -> {name, kind, office, parent, pages, …}
        self.roots: set[str] = set()             # disclosure roots (the portal's, the departments')
        self.root_menus: dict[str, tree.Node] = {}  # a root page read: its url, office, column links
        self.echoes: set[str] = set()            # column URLs that answered their parent's list again
        self.shown = UrlSet()                    # every entry of every column (canonical URLs)

    def __contains__(self, key) -> bool:
        return key in self.by_url

    def __getitem__(self, key: str) -> dict:
        return self.by_url[key]

    def __len__(self) -> int:
        return len(self.by_url)

    def get(self, key, default=None):
        return self.by_url.get(key, default)

    def known(self, url: str) -> bool:
        """A column or a root already (or a page found to echo one)."""
        key = canonical_url(url)
        return key in self.by_url or key in self.roots or key in self.echoes

    def echo(self, key: str, entries) -> bool:
        """Whether column `key`'s first page shows just what the column page that led to it shows:
        that page answered again under another URL (relative menu links a server answers at any
        depth: /tzgg/zcjd/ → /tzgg/zcjd/zcjd/ …), not a sub-column. Such a column is dropped."""
        col = self.by_url[key]
        shown = frozenset(canonical_url(u) for u, _, _ in entries)
        # what the first page shows, as its size and hash: kept for every column till the end, the
        # URLs themselves took ~21 KiB a column at 400 000 pages (a 大汉 page lists thousands)
        col["first"] = (len(shown), hash(shown)) if shown else None
        parent = self.by_url.get(col["parent"])
        if shown and parent is not None and parent.get("first") == col["first"]:
            del self.by_url[key]
            self.echoes.add(key)
            return True
        return False

    def add(self, key: str, name, kind, office, parent) -> dict:
        col = self.by_url[key] = {"asked": 0, "unread": [], "name": name, "kind": kind, "office": office,
                                  "parent": parent, "pages": 0, "children": False, "entries": UrlSet(),
                                  "links": None, "own_list": False, "content": 0}
        return col

    def root_menu(self, key: str, url: str, office, links) -> None:
        """A root page read, with the column links its menu shows."""
        self.root_menus.setdefault(key, tree.Node(url, office, frozenset(canonical_url(u) for u in links)))

    def menu(self, col: dict, links, own_list: bool, content: int = 0) -> None:
        """What a column's first page shows: the column links (its sub-columns or its siblings —
        settled at the end), whether it has a list of its own, how much text of its own."""
        if col["links"] is None:
            col["links"] = frozenset(canonical_url(u) for u in links)
            col["own_list"], col["content"] = own_list, content

    def list_page(self, col: dict, entries) -> bool:
        """Count a list page read with these entries; whether it was fresh (showed an entry new to
        its column, or is the first): a list page that shows nothing new (a calendar's next month,
        ?page=1 again) is no new page and is not paged on — a widget that changes the query forever
        ends here."""
        new = col["entries"].new(canonical_url(u) for u, _, _ in entries)
        fresh = bool(new) or col["pages"] == 0
        if fresh:
            col["pages"] += 1
        col["entries"].update(new)
        self.shown.update(new)
        return fresh

    @staticmethod
    def new_run_pages(col: dict, runs) -> list[str]:
        """The pages of a list page's runs of numbered pages not yet taken from an earlier page of
        the column (pager.new_run_urls)."""
        from zwgk.crawler.lists.pager import new_run_urls

        return new_run_urls(col.setdefault("runs", {}), runs)

    def shows(self, url: str) -> bool:
        """Whether some list page read (or copied) tonight showed an entry for `url` (canonical)."""
        return url in self.shown

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

    def settle(self) -> list[ColumnItem]:
        """Every column with its parent, office and sub-columns settled from the links all pages
        showed (tree.settle): the same whichever page was answered first."""
        nodes = {k: tree.Node(k, c["office"], c["links"], c["own_list"], c["parent"]) for k, c in self.by_url.items()}
        placed = tree.settle(self.root_menus, nodes)
        parents = {p for p, _ in placed.values()}
        for k, (parent, office) in placed.items():
            c = self.by_url[k]
            c["parent"], c["office"] = parent, office
            c["children"] = c["children"] or k in parents
        return [self.item(k) for k in self.by_url]

    def item(self, key: str) -> ColumnItem:
        c = self.by_url[key]
        unread = c["unread"]
        read_error = None
        if unread:
            first = "部分列表页" if c["pages"] else "栏目列表"
            read_error = f"{first}无法读取：{unread[0][1]}" + (f"（共 {len(unread)} 页）" if len(unread) > 1 else "")
        return ColumnItem(url=key, name=c["name"], kind=c["kind"], office=c["office"], parent_url=c["parent"],
                          list_pages=max(1, c["pages"]), has_children=c["children"], read_error=read_error,
                          content_chars=c["content"])
