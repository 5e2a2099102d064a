"""Measurement only: the spider hook the 国泰新点 (EWB) adapter needs, applied as a monkeypatch when
ZWGK_PROPOSED_HOOKS is set (bench/coverage.py --proposed-hooks puts this folder on PYTHONPATH).
It is a precise description for the spider's owner, not the way to ship it:

  An adapter's data answer that brings no entries but further requests (a 国泰新点 site script
  that names siteGuid) still has them asked — today `Columns.list_page` calls it stale and
  `_act_on_listing` drops its requests. (Each request is still asked once: `requested`.)

The second hook once stated here — an empty list filled by a page script from an unknown API is
"could not be read", never blank — is in the spider now (Listing.unreadable, lists.scripted).
"""
import os

if os.environ.get("ZWGK_PROPOSED_HOOKS"):
    from zwgk.crawler import columns

    _list_page = columns.Columns.list_page
    columns.Columns.list_page = lambda self, col, entries: _list_page(self, col, entries) or not entries
