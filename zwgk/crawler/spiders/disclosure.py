"""The disclosure spider: from a homepage or a disclosure-column URL to every document and link.

The spider holds the callbacks (the idle phases in spiders/endgame.py, a mixin); each concern is an
object it composes:
  scope    Scope (crawler/scope.py): start and scope hosts, in_scope, a target's kind, decoding
  columns  Columns (crawler/columns.py): columns and roots, list pages read or unread, ColumnItems
  links    LinkTracker (crawler/linkcheck/tracker.py): every link target's state — links seen,
           #fragments and anchors, soft-404 probes, answers, time-outs, intermittent hosts, retries
           — and its LinkTargetItems; the verdicts are pure functions (linkcheck/judge.py)
  carry    CarryOver (crawler/carryover.py): what earlier crawls stored — --resume, 304s, rolling
           revalidation (--revalidate-days): ask, copy from crawl N, or defer
  site     SiteFacts (crawler/facts.py): IPv6, site search, limits hit — crawl.facts
  budget   Budget (crawler/bounds.py): path rules, caps on requests, columns and list pages
Requests those objects build call back spider methods, which the spider passes in (Scrapy, and
scrapy-redis which names a request's callback by its spider method, need them on the spider).

Roles of a request (meta['role']): home (the start page: identity marks, the way into the
disclosure column), root (a disclosure column, the portal's or a department's: its columns and
sub-sites), column (a list page: entries, pagination, sub-columns), document (fields,
attachments, 解读 links), check (a link target only checked: GET for pages, HEAD for files and images),
probe (a URL that cannot exist, one per host and top directory: the site's answer to a missing
page, against which 200 pages are compared), fact (IPv6, site search), final and copy (data:
requests asking nobody: late verdicts; rows copied from the last crawl).

Each distinct link target is requested once: targets the crawl fetched anyway are not asked
again, the rest are checked when the crawl runs dry (spiders/endgame.py: the idle phases, in order).

Link states and how they are judged: linkcheck/judge.py; retries after Retry-After: linkcheck/tracker.py.
"""
from __future__ import annotations


from urllib.parse import urljoin

import scrapy
from scrapy import signals

from zwgk.crawler import discovery as dsc
from zwgk.crawler import interaction as talk
from zwgk.crawler.bounds import Budget
from zwgk.crawler.columns import Columns
from zwgk.crawler.carryover import DEFER, RESUMED, TRUSTED, CarryOver
from zwgk.crawler.extractors.fields import extract_document
from zwgk.crawler.extractors.links import canonical_url
from zwgk.crawler.facts import SiteFacts
from zwgk.crawler.items import DocumentItem, EntriesItem, LinkTargetItem, PageItem, ReuseItem
from zwgk.crawler.linkcheck.judge import judge_failure
from zwgk.crawler.linkcheck.tracker import Callbacks, LinkTracker
from zwgk.crawler import lists
from zwgk.crawler.listing import Listing, list_requests, read_listing
from zwgk.crawler.middlewares import RobotsForbidden
from zwgk.crawler.netpolicy import NetworkPolicy
from zwgk.crawler.pages import answer_id, read_list_answer, read_page
from zwgk.crawler.spiders.endgame import EndOfCrawl
from zwgk.crawler.scope import Scope, is_attachment
from zwgk.crawler.urlset import Later, UrlSet
from zwgk.vocab import classify_column

# columns whose pages' text the checks read (指南 items, leaders' fields, office contacts)
TEXT_KINDS = {"guide", "leaders", "org"}


class DisclosureSpider(EndOfCrawl, scrapy.Spider):
    name = "disclosure"

    def __init__(self, start_url: str, profile: dict | None = None, crawl_id: int | None = None,
                 resume: bool = False, **kw):
        super().__init__(**kw)
        self.start_url = start_url
        self.profile = profile or {}
        self.crawl_id = int(crawl_id) if crawl_id else None
        self.homepage_url: str | None = None
        self.scope = Scope(start_url, self.profile.get("scope_hosts") or (), self.profile.get("encoding"))
        self.requested = UrlSet()              # canonical URLs requested (any role)
        self.related_later = Later()           # documents reached by 解读 / 原文 links, asked last
        self.columns = Columns()               # columns, roots, the column links their pages show
        self.pages_parsed = 0
        # what earlier crawls stored: --resume, 304s, rolling revalidation (--revalidate-days)
        self.carry = CarryOver(start_url, None, lambda: self.crawl_id,
                               resume=bool(resume) and self.crawl_id is not None)
        self.site = SiteFacts()              # IPv6, site search, limits hit: crawl.facts
        self.talk = talk.Channels(self.site.facts)  # 互动交流 channels found: crawl.facts "interaction"
        self.documents = 0
        # link targets: every link seen, each target's state (linkcheck/tracker.py)
        self.links = LinkTracker(self.scope, Callbacks(self.parse_probe, self.on_probe_error, self.parse_check,
                                                       self.on_error))
        self.finalized = False

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        st = crawler.settings
        spider.budget = Budget.from_settings(st, on_hit=spider.site.note_limits)
        spider.netpolicy = NetworkPolicy.for_site(st.get("ZWGK_NETWORK"), spider.start_url, spider.profile)
        spider.carry.configure(st)
        if spider.carry.resume:
            spider.talk.load_resumed(spider.carry.open_db(), spider.crawl_id)
        spider.links.configure(st, spider.profile, spider.netpolicy, spider.logger)
        return spider

    def run_settings(self) -> dict:
        keys = ("CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY", "ROBOTSTXT_OBEY", "USER_AGENT", "ZWGK_NETWORK",
                "ZWGK_INCREMENTAL", "ZWGK_REVALIDATE_DAYS")
        return {k: self.crawler.settings.get(k) for k in keys} | {"profile": self.profile}

    @property
    def facts(self) -> dict:
        """Stored with the crawl (crawl.facts) by the pipeline."""
        return self.site.facts

    def _request(self, url: str, callback, role: str, **meta) -> scrapy.Request | None:
        key = canonical_url(url)
        if key in self.requested or not self.budget.allows(url, role, self.asked()):
            return None
        self.requested.add(key)
        if role not in ("document", "column"):
            # document and list pages are asked conditionally (a list page's 304 is followed up from
            # its stored listing); the rest must show tonight's state
            meta["zwgk_unconditional"] = True
        # dont_filter: the spider's own `requested` set (canonical URLs: session ids dropped, POST
        # bodies kept) decides what is asked once. Scrapy's duplicate filter (scrapy-redis' too)
        # would also drop a redirect hop to a page already fetched — silently, with no callback
        # and no errback — leaving the redirecting link never judged.
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              meta={"role": role, "target": key, **meta}, dont_filter=True)

    def asked(self) -> int:
        """Requests made so far (the request cap's count): the disclosure reading's and 互动交流's."""
        return len(self.requested) + len(self.talk.fetched)

    def _ask(self, url: str, callback, role: str, **meta) -> list:
        """_request, as what a callback yields (nothing when refused or asked already)."""
        req = self._request(url, callback, role, **meta)
        return [req] if req else []

    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        roots = self.profile.get("roots") or []
        for r in roots:
            self.columns.roots.add(canonical_url(r["url"] if isinstance(r, dict) else r))
        yield from self._ask(self.start_url, self.parse_home, "home")
        for r in roots:
            url, office = (r["url"], r.get("office")) if isinstance(r, dict) else (r, None)
            yield from self._ask(url, self.parse_root, "root", office=office, depth=0)
        for c in self.profile.get("columns") or []:
            yield from self._column_request(c["url"], c["name"], c.get("kind") or classify_column(c["name"]),
                                            c.get("office"), None)
        for o in self.profile.get("offices") or []:
            yield from self._ask(o["url"], self.parse_root, "root", office=o["name"], depth=0)

    # ---- common page handling -------------------------------------------------------------

    def _parse_page(self, response, kind: str, keep_text: bool = False, office=None):
        """read_page (crawler/pages.py): (items, (html, tree) or None when the page is unusable)."""
        self.pages_parsed += 1
        return read_page(response, kind, self.scope, self.links, self._send, keep_text=keep_text, office=office)

    # ---- callbacks ------------------------------------------------------------------------

    def parse_home(self, response):
        self.homepage_url = response.url
        self.scope.add_start(response.url)
        items, res = self._parse_page(response, "home", keep_text=True)
        yield from items
        if res is None:
            return
        html, tree = res
        yield from self.site.home_requests(response, tree, self.crawler.settings.get("ZWGK_NETWORK") == "loopback",
                                           self.parse_ipv6, self.on_ipv6_error)
        links = dsc.find_disclosure_links(tree, response.url)
        root_like = dsc.looks_like_root(tree, response.url)
        if root_like or not links:
            # the start URL is the disclosure column itself (or nothing better is linked)
            self.columns.roots.add(canonical_url(response.url))
            yield from self._root(response, res, office=None, depth=0)
        if not links and not root_like:
            # no way in shown as a link (a script menu, an image map): the paths disclosure
            # platforms are published under, read as a root only where one answers
            for path in dsc.WELL_KNOWN_ROOTS:
                url = urljoin(response.url, path)
                if canonical_url(url) not in self.requested and self.budget.allows(url, "root", self.asked()):
                    yield scrapy.Request(url, callback=self.parse_known_root, errback=self.on_quiet_error,
                                         meta={"role": "root", "target": canonical_url(url)}, dont_filter=True)
        best = links[0:1] + [a for a in links[1:3] if dsc.DISCLOSURE_URL.search(a.url)]
        for a in best:
            if self.scope.in_scope(a.url) or not self.columns.roots:
                self.scope.add(a.url)
                yield from self._ask(a.url, self.parse_root, "root", office=None, depth=0)
        self.talk.home(response.url)
        yield from self._channels(talk.find_channels(tree, response.url))

    def parse_known_root(self, response):
        """A well-known disclosure path no page links: a root only when it reads as one (nothing is
        recorded otherwise: a visitor never meets this URL)."""
        html, _, tree = self.scope.decode(response) if response.status == 200 else (None, None, None)
        key = canonical_url(response.url)
        if tree is not None and key not in self.requested and (
                dsc.looks_like_root(tree, response.url) or lists.read_page(tree, response.url, html, 0).subcolumns):
            self.requested.add(key)
            self.scope.add(response.url)
            yield from self.parse_root(response)

    def on_quiet_error(self, failure):
        return []

    def parse_root(self, response):
        office, depth = response.meta.get("office"), response.meta.get("depth", 0)
        self.columns.roots.add(canonical_url(response.url))
        items, res = self._parse_page(response, "root", keep_text=True, office=office)
        yield from items
        if res is not None:
            yield from self._root(response, res, office, depth)

    def _root(self, response, page, office, depth):
        html, tree = page
        # the column menu, and columns a list adapter finds (a gkmlpt shell lists its categories
        # only in script)
        cols = dsc.find_column_links(tree, response.url) + [
            dsc.ColumnLink(u, n, k) for u, n, k in lists.read_page(tree, response.url, html, 0).subcolumns]
        cols = [c for c in cols if self.scope.in_scope(c.url)]
        self.columns.root_menu(canonical_url(response.url), response.url, office, [c.url for c in cols])
        for c in cols:
            yield from self._column_request(c.url, c.name, c.kind, office, response.url)
        if office is None:
            for o in dsc.find_office_links(tree, response.url):
                self.scope.add(o.url)
                yield from self._ask(o.url, self.parse_root, "root", office=o.text, depth=depth + 1)
        if not cols and depth < 2:
            # a department's homepage: its own disclosure column is one link further
            for a in dsc.find_disclosure_links(tree, response.url)[:1]:
                yield from self._ask(a.url, self.parse_root, "root", office=office, depth=depth + 1)
        if office is not None:
            # a department's or township's own mailbox (局长信箱, 书记信箱) sits on its own pages
            yield from self._channels(talk.find_channels(tree, response.url), office=office)

    def _column_request(self, url, name, kind, office, parent):
        key = canonical_url(url)
        if self.columns.known(url) or not self.budget.allows(url, "column", self.asked()):
            return
        if len(self.columns) >= self.budget.max_columns:
            self.budget.hit("columns", url)
            return
        col = self.columns.add(key, name, kind, office, parent)
        req = self._request(url, self.parse_column, "column", column=key)
        if req:
            col["asked"] = 1
            yield req

    def parse_column(self, response):
        key = response.meta["column"]
        col = self.columns[key]
        first = response.meta.get("target") == key and col["pages"] == 0
        if response.status == 304 and response.meta.get("zwgk_not_modified") is not None:
            # unchanged since the last crawl: its rows are copied, its listing acted on as stored
            data = self.carry.stored_pages(response.meta["zwgk_not_modified"]).listing(response.url)
            if data is not None:
                if first:  # a list that has not moved: its further pages are copied unless due
                    col["unmoved"] = self.carry.unmoved(response.url, None)
                yield from self._not_modified(response, response.url, col["office"])
                yield from self._act_on_listing(key, col, Listing.from_json(data), response.url)
                return
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        adapter = lists.answer_adapter(response.url, ctype, response.meta.get("list_adapter"))
        if adapter is not None:  # a list adapter's data answer (XML, JSON): no page to parse
            yield from self._list_answer(response, key, col, adapter)
            return
        items, res = self._parse_page(response, "column", office=col["office"], keep_text=col["kind"] in TEXT_KINDS)
        if res is None:
            yield from items
            self.columns.page_unread(key, response, next((x for x in items if isinstance(x, LinkTargetItem)), None))
            yield self.columns.item(key)
            return
        html, tree = res
        listing = read_listing(tree, response.url, html)
        stored = listing.to_json()
        for x in items:
            if isinstance(x, PageItem):
                x.listing = stored  # for tomorrow's 304
        if first:  # the same entries and pager as last time: the list has not moved
            col["unmoved"] = self.carry.unmoved(response.url, stored)
        yield from items
        yield from self._act_on_listing(key, col, listing, response.url)

    def _list_answer(self, response, key: str, col: dict, adapter: str):
        """A list adapter's data answer: its entries and further requests acted on like a list page's."""
        items, listing = read_list_answer(response, adapter, self.scope, self.links, col["office"])
        yield from items
        if listing is None:
            self.columns.page_unread(key, response, items[1])
            yield self.columns.item(key)
            return
        yield from self._act_on_listing(key, col, listing, answer_id(response))

    def _list_requests(self, key: str, col: dict, requests):
        """A list adapter's further requests for column `key`, asked like list pages (listing.py)."""
        return list_requests(requests, key, col, scope=self.scope, requested=self.requested, budget=self.budget,
                             callback=self.parse_column, errback=self.on_error)

    def _not_modified(self, response, url: str, office):
        """A 304: the previous crawl's rows for the page (stored under `url`) are copied, its link
        target is ok, and what the page links to is followed up from what that crawl stored."""
        prev = response.meta["zwgk_not_modified"]
        target = self.links.not_modified_item(response)
        yield ReuseItem(urls=[url], from_crawl=prev)
        yield target
        yield from self._follow_stored(prev, url, office)

    def _act_on_listing(self, key: str, col: dict, listing: Listing, page_url: str):
        """Follow what a list page shows: office sub-sites, or its column links, entries and further
        pages. What the page is — a directory, a list beside a menu of its siblings, an overview —
        decides nothing here: its entries, pages and column links are all followed, so the same
        pages are read in any response order; where each column sits is settled when every page is
        read (Columns.settle), and which column a document belongs to by the audit (the most
        specific list that shows it)."""
        entries = listing.entries
        if col["pages"] == 0 and self.columns.echo(key, entries):
            self.site.note_echo(key, col["parent"])  # the page that led here, answered again
            return
        fresh = self.columns.list_page(col, entries)  # not paged on when it shows nothing new
        first = fresh and col["pages"] == 1
        offices = listing.offices if col["office"] is None else []
        if len(offices) >= 2 and first:
            # a 部门信息公开 page: a directory of department sub-sites, not a (blank) column
            col["children"] = True
            for url, text in offices:
                self.scope.add(url)
                yield from self._ask(url, self.parse_root, "root", office=text, depth=1)
            yield self.columns.item(key)
            return
        if first:
            subcols = [c for c in listing.subcolumns if self.scope.in_scope(c[0])]
            self.columns.menu(col, [c[0] for c in subcols], bool(entries or listing.further_pages() or listing.requests),
                              listing.content)
            col["children"] = col["children"] or listing.directory  # an adapter read a directory (gkmlpt TREE)
            for url, name, kind in subcols:
                yield from self._column_request(url, name, kind, col["office"], key)
        if listing.unreadable and not entries and not listing.further_pages():
            self.columns.unread(key, page_url, listing.unreadable)  # could not be read, not blank
        if entries:
            yield EntriesItem(column_url=key, list_page=page_url,
                              entries=[(canonical_url(u), t, d) for u, t, d in entries])
        follow = [(url, (key, canonical_url(url), title, day)) for url, title, day in entries
                  if not is_attachment(url) and self.scope.in_scope(url)]
        self.carry.prefetch(e for _, e in follow if e[1] not in self.requested)
        for url, entry in follow:
            yield from self._document(url, entry=entry, column=key, list_title=entry[2])
        # further pages of the list, then what list adapters ask; every list page counts towards
        # the column's cap. An adapter's answer that brings no entries but further requests (a
        # site script naming the list interface's parameters) is no stale page: its requests
        # are asked, each once.
        pages = [lists.ListRequest(u) for u in listing.pagination + self.columns.new_run_pages(col, listing.ranges)] \
            if fresh else []
        if pages and col.get("unmoved"):
            copies = [(p, self._trust_list_page(key, col, p.url)) for p in pages]
            yield from (c for _, c in copies if c is not None)
            pages = [p for p, c in copies if c is None]
        asks = listing.requests if fresh or not entries else []
        yield from self._list_requests(key, col, pages + asks)
        yield from self.carry.trusted_items()
        yield self.columns.item(key)

    def _trust_list_page(self, key: str, col: dict, url: str) -> bool:
        """Rolling revalidation: a further page of a list whose first page has not moved
        (CarryOver.unmoved), and which is not due tonight, is not asked: its stored rows are copied
        and its stored listing acted on, by the `data:` request returned (None: ask the page)."""
        page = canonical_url(url)
        if page in self.requested or col["asked"] >= self.budget.max_list_pages:
            return None
        trusted = self.carry.trusted_list(url)
        if trusted is None:
            return None
        prev, data = trusted
        self.requested.add(page)
        self.links.resolved.add(page)  # its link-target row is copied with it
        col["asked"] += 1
        self.crawler.stats.inc_value("zwgk/incremental/trusted_lists")
        return self._data_request(self.parse_trusted_list, key=key, url=url, prev=prev, data=data)

    def parse_trusted_list(self, response, key: str, url: str, prev: int, data: dict):
        """A further list page trusted without a request (_trust_list_page): its rows copied, its
        links and listing followed up as stored."""
        col = self.columns[key]
        yield ReuseItem(urls=[url], from_crawl=prev, asked=False)
        yield from self._follow_stored(prev, url, col["office"])
        yield from self._act_on_listing(key, col, Listing.from_json(data), url)

    def parse_document(self, response):
        key = response.meta.get("column")
        col = self.columns.get(key) if key else None
        office = col["office"] if col else response.meta.get("office")
        if response.status == 304 and response.meta.get("zwgk_not_modified") is not None:
            # unchanged since the last crawl: its rows are copied, not parsed again
            yield from self._not_modified(response, canonical_url(response.url), office)
            return
        items, res = self._parse_page(response, "document", office=office,
                                      keep_text=bool(col) and col["kind"] in TEXT_KINDS)
        yield from items
        if res is None:
            return
        doc = DocumentItem.from_fields(extract_document(res[0], response.url), response.url, col, key, office,
                                       response.meta.get("list_title"))
        if doc is None:
            return  # not a document page after all
        self.documents += 1
        self.site.note_title(doc.fields.title)
        related = doc.related()  # 解读 and the policies they interpret are documents too
        yield doc
        yield from self._related(office, related)

    def _related(self, office, urls):
        """解读 and the policies they interpret are documents too: asked when the crawl runs dry,
        unless a list asked for them first — so a document is filed under the column that lists
        it, whichever page the crawl happened to read first."""
        for url in urls:
            if self.scope.in_scope(url) and not is_attachment(url):
                self.related_later.put(canonical_url(url), (url, office), self.requested)
        return ()

    def _document(self, url: str, entry: tuple | None = None, **meta):
        """A document page: requested, or — when this resumed crawl already parsed it, or rolling
        revalidation trusts it — followed up from what was stored (its 解读 / 原文 links and the
        links on it). `entry`: the list entry that led here, (column url, url, title, date)."""
        key = canonical_url(url)
        if key not in self.requested:
            decision, prev = self.carry.decide(key, entry, meta)
            if decision == DEFER:
                return  # reached through a 解读 / 原文 link before its list entry: on_idle asks if no list shows it
            if decision in (RESUMED, TRUSTED):
                self.requested.add(key)
                self.links.resolved.add(key)  # its link-target row is copied with it
                if decision == TRUSTED:
                    self.crawler.stats.inc_value("zwgk/incremental/trusted")
                yield from self._follow_stored(prev, key, meta.get("office"))
                return
        yield from self._ask(url, self.parse_document, "document", **meta)

    def _follow_stored(self, crawl_id: int, url: str, office):
        doc, targets = self.carry.stored_pages(crawl_id).document(url)
        yield from self.links.stored_links(targets, url)
        if doc is not None:
            title, related = doc
            self.documents += 1
            self.site.note_title(title)
            yield from self._related(office, related)

    # ---- 互动交流: channels and their messages (crawler/interaction.py) ----------------------

    def _channels(self, found, office=None, via=None):
        """Interaction channels a page links to (interaction.find_channels): hubs, consultation
        and survey (征集) channels are read (one list page each to begin with); the others (信访,
        举报, 访谈) and other hosts' are only recorded. Every page that links a channel is noted with it (a
        page of `office`, None: the homepage; or the hub / channel list `via`): whose channel it is
        is settled from those when the crawl is audited, whichever page answered first."""
        for ch in found:
            key = canonical_url(ch.url)
            if self.talk.get(key) is not None:
                self.talk.link(key, office, via)
                continue
            if not self.scope.in_scope(ch.url) or ch.kind not in ("consult", "hub", "survey"):
                self.talk.add(key, ch.name, ch.kind, "found" if self.scope.in_scope(ch.url) else "external")
                self.talk.link(key, office, via)
                continue
            req = self._talk_request(ch.url, self.parse_interaction, "interaction", channel=key)
            self.talk.add(key, ch.name, ch.kind, "asked" if req else "found")
            self.talk.link(key, office, via)
            if req:
                self.talk.ask_page(key, self.budget.max_list_pages)
                yield req

    def _talk_request(self, url: str, callback, role: str, **meta) -> scrapy.Request | None:
        """A 互动交流 page (a channel's list page, a message), asked once for this reading, apart
        from the disclosure reading's `requested`: a page a disclosure list or a document link also
        reaches is read by both, whichever asked first — neither reading loses it to the other
        (an 意见征集 list that is a disclosure column too, a 征集 item a column lists). A page the
        disclosure reading has asked is read again here for its interaction fields only
        (`_talk_page`); its page row and links are the disclosure reading's."""
        key = canonical_url(url)
        if key in self.talk.fetched or not self.budget.allows(url, role, self.asked()):
            return None
        self.talk.fetched.add(key)
        meta["zwgk_unconditional"] = True
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              meta={"role": role, "target": key, **meta}, dont_filter=True)

    def _talk_page(self, response):
        """(items, (html, tree) or None) of a 互动交流 page: read in full (its page row, its
        links) unless the disclosure reading asked for it too — then only decoded, so the page is
        stored once, as what the disclosure reading made of it, whichever answer came first."""
        if response.meta["target"] not in self.requested:
            return self._parse_page(response, "other")
        if response.status >= 400:
            return [], None
        html, _, tree = self.scope.decode(response)
        return [], ((html, tree) if tree is not None else None)

    def parse_interaction(self, response):
        """A hub or a channel's list page: its channel links, its messages (each page asked), its
        further pages (up to the list-page cap). A hub that links channels is not read as a list
        (its boxes preview the channels' messages)."""
        key = response.meta["channel"]
        channel = self.talk.get(key)
        items, res = self._talk_page(response)
        yield from items
        if res is None:
            self.talk.page_failed(key, f"HTTP {response.status}")
            return
        html, tree = res
        listing = (talk.read_survey_list if channel["kind"] == "survey" else talk.read_list)(tree, response.url, html)
        found = talk.find_channels(tree, response.url, {r.url for r in listing.rows})
        yield from self._channels(found, via=key)
        rows = [] if channel["kind"] == "hub" and any(c.kind != "hub" for c in found) else listing.rows
        self.talk.page_read(key, len(rows))
        for row in rows:
            msg = talk.row_meta(row)
            if not self.scope.in_scope(row.url):
                yield talk.message_item(msg, channel, None, response.url)
                continue
            page = canonical_url(row.url)
            if page in self.talk.stored and page not in self.talk.fetched:
                self.talk.fetched.add(page)  # read before this crawl was resumed: its row is stored
                self.links.resolved.add(page)
                continue
            req = self._talk_request(row.url, self.parse_message, "message", channel=key, msg=msg,
                                     list_page=response.url)
            if req is not None:
                yield req
        for url in self.talk.further_pages(key, listing) if rows else ():
            if canonical_url(url) in self.talk.fetched:
                continue
            if not self.talk.ask_page(key, self.budget.max_list_pages):
                self.budget.hit("list_pages", url)
                break
            req = self._talk_request(url, self.parse_interaction, "interaction", channel=key)
            if req is not None:
                yield req

    def parse_message(self, response):
        items, res = self._talk_page(response)
        yield from items
        channel = self.talk.get(response.meta["channel"])
        read = talk.read_survey_page if channel["kind"] == "survey" else talk.read_message
        fields = read(res[1]) if res is not None else None
        yield talk.message_item(response.meta["msg"], channel, fields, response.meta.get("list_page"))

    def parse_check(self, response):
        self.links.answered(response)
        if self.links.head_fallback(response):
            # many servers answer HEAD badly, and a file link answered with an HTML page is often
            # an error page: ask again with GET before judging
            yield response.request.replace(method="GET", callback=self.parse_check)
            return
        items, verdict = self.links.check_items(response)
        self.links.schedule_retry(response, verdict, self._send)
        yield from items

    def parse_probe(self, response):
        return self.links.probe_answer(response)

    def on_probe_error(self, failure):
        self.links.probe_failed(failure)
        return []

    def on_error(self, failure):
        req = failure.request
        role = req.meta.get("role")
        if role in ("interaction", "message") and req.meta["target"] in self.requested:
            # asked again for 互动交流 (_talk_request): the link is judged by the disclosure reading's answer
            error = judge_failure(failure.value, redirected=bool(req.meta.get("redirect_urls")))[1]
        else:
            item, error = self.links.failure_item(failure)
            yield item
        if role == "interaction":
            self.talk.page_failed(req.meta["channel"], error)
        elif role == "message":  # the list row is what there is of it
            yield talk.message_item(req.meta["msg"], self.talk.get(req.meta["channel"]), None, req.meta.get("list_page"))
        column = req.meta.get("column") if role == "column" else None
        if column in self.columns:
            # a list page not read is said so: the column is never taken for a blank one
            exc = failure.value
            why = f"不允许抓取（robots.txt {exc.rule or '规则'}）" if isinstance(exc, RobotsForbidden) else error
            self.columns.unread(column, req.url, why)
            yield self.columns.item(column)

    def _send(self, request) -> None:
        self.crawler.engine.crawl(request)

    # ---- site facts: IPv6, search ------------------------------------------------------------

    def parse_ipv6(self, response):
        self.site.ipv6_answer(response)
        return []

    def on_ipv6_error(self, failure):
        self.site.ipv6_failed(failure)
        return []

    def parse_search(self, response):
        self.site.search_answer(response, self.scope.decode(response)[2])
        return []

    def on_search_error(self, failure):
        self.site.search_failed(failure)
        return []
