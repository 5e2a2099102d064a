"""Measurement only: the two spider hooks the list adapters need, applied as monkeypatches when
ZWGK_PROPOSED_HOOKS is set (bench/coverage.py --proposed-hooks puts this folder on PYTHONPATH).
They are a precise description for the spider's owner, not the way to ship them:

1. An adapter's data answer that brings no entries but further requests (a 国泰新点 site script
   that names siteGuid) still has them asked — today `Columns.list_page` calls it stale and
   `_act_on_listing` drops its requests. (Each request is still asked once: `requested`.)
2. A column page whose list came out empty (no entries, requests, pager, sub-columns, offices) and
   whose own script calls a data API (`lists.scripted.unread_reason`) records that reason as the
   column's read error: "could not be read", never 空白栏目.
"""
import os

if os.environ.get("ZWGK_PROPOSED_HOOKS"):
    from zwgk.crawler import columns
    from zwgk.crawler.lists.scripted import unread_reason
    from zwgk.crawler.spiders import disclosure

    _list_page = columns.Columns.list_page
    columns.Columns.list_page = lambda self, col, entries: _list_page(self, col, entries) or not entries

    _read_listing = disclosure.read_listing

    def read_listing(tree, url, html):
        out = _read_listing(tree, url, html)
        if not (out.entries or out.requests or out.subcolumns or out.pagination or out.offices):
            out._unread = unread_reason(tree, url, html)
        return out

    disclosure.read_listing = read_listing
    _act = disclosure.DisclosureSpider._act_on_listing

    def act_on_listing(self, key, col, listing, page_url):
        why = getattr(listing, "_unread", None)
        if why:
            self.columns.unread(key, page_url, why)
        yield from _act(self, key, col, listing, page_url)

    disclosure.DisclosureSpider._act_on_listing = act_on_listing
