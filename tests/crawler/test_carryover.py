"""CarryOver: what a crawl takes from an earlier crawl instead of asking (the previous crawl's
KnownDocuments are given; its stored listings are read from a real SQLite store)."""
from __future__ import annotations

import zlib
from datetime import date, timedelta

from zwgk.crawler.carryover import ASK, DEFER, RESUMED, TRUSTED, CarryOver
from zwgk.crawler.items import ReuseItem
from zwgk.store.incremental import KnownDocuments

TODAY = date(2026, 12, 2)
COL = "http://a.gov.cn/xxgk/gfxwj/"


def _not_due(url: str, days: int) -> bool:
    return (TODAY.toordinal() + zlib.crc32(url.encode("utf-8"))) % days != 0


def _urls(n: int, days: int, due: bool) -> list[str]:
    out = [f"http://a.gov.cn/xxgk/gfxwj/t{i}.html" for i in range(200)]
    return [u for u in out if _not_due(u, days) != due][:n]


def _carry(known, days=7, resume=False, crawl=9):
    c = CarryOver("http://a.gov.cn/", open_db=None, current_crawl=lambda: crawl, resume=resume,
                  revalidate_days=days, today=TODAY)
    c.known_docs = known
    return c


def _known(urls, verified=TODAY - timedelta(days=1)):
    entries = {(COL, u, f"标题{i}", date(2026, 1, 1)) for i, u in enumerate(urls)}
    return KnownDocuments(crawl_id=8, verified={u: verified for u in urls}, entries=entries,
                          targets={u: verified for u in urls}, listed=set(urls))


def test_listed_as_before_and_not_due_is_copied_in_one_item():
    a, b = _urls(2, 7, due=False)
    c = _carry(_known([a, b]))
    assert c.decide(a, (COL, a, "标题0", date(2026, 1, 1)), {}) == (TRUSTED, 8)
    assert c.decide(b, (COL, b, "标题1", date(2026, 1, 1)), {}) == (TRUSTED, 8)
    items = list(c.trusted_items())
    assert items == [ReuseItem(urls=[a, b], from_crawl=8, asked=False)] and not c.trusted_pages


def test_renamed_due_new_or_stale_pages_are_asked():
    a = _urls(1, 7, due=False)[0]
    due = _urls(1, 7, due=True)[0]
    c = _carry(_known([a, due]))
    assert c.decide(a, (COL, a, "改了标题", date(2026, 1, 1)), {}) == (ASK, None)
    assert c.decide(due, (COL, due, "标题1", date(2026, 1, 1)), {}) == (ASK, None)
    assert c.decide("http://a.gov.cn/new.html", None, {}) == (ASK, None)
    stale = _carry(_known([a], verified=TODAY - timedelta(days=7)))
    assert stale.decide(a, (COL, a, "标题0", date(2026, 1, 1)), {}) == (ASK, None)
    assert _carry(None, days=0).decide(a, None, {}) == (ASK, None)  # no rolling revalidation


def test_reached_before_its_list_entry_waits_for_it():
    a, b = _urls(2, 7, due=False)
    c = _carry(_known([a, b]))
    assert c.decide(a, None, {"office": "财政局"}) == (DEFER, None)
    assert c.decide(b, None, {}) == (DEFER, None)
    assert c.take_deferred({b}) == [(a, {"office": "财政局"})] and not c.deferred


def test_resumed_crawl_keeps_what_it_parsed():
    c = _carry(None, days=0, resume=True, crawl=9)
    c.stored_docs = {"http://a.gov.cn/t1.html"}
    assert c.decide("http://a.gov.cn/t1.html", None, {}) == (RESUMED, 9)
    assert c.decide("http://a.gov.cn/t2.html", None, {}) == (ASK, None)


def test_trusted_targets_but_never_fragment_pages_or_due_ones():
    a, b = _urls(2, 7, due=False)
    due = _urls(1, 7, due=True)[0]
    c = _carry(_known([a, b, due]))
    todo, trusted = c.split_trusted_targets([a, b, due, "http://x.cn/"], fragments={b: {"s1"}})
    assert trusted == [a] and todo == [b, due, "http://x.cn/"]
    assert _carry(_known([a]), days=0).split_trusted_targets([a], {}) == ([a], [])


def _with_lists(tmp_path, known, listings: dict, lists: dict | None = None):
    """A CarryOver whose previous crawl stored these list pages (url -> listing json), in a real
    SQLite store."""
    from datetime import datetime, timezone

    from zwgk.store import models as m
    from zwgk.store.db import open_db
    from zwgk.store.write import start_crawl, upsert_rows

    tmp_path.mkdir(exist_ok=True)
    Session = open_db(f"sqlite:///{tmp_path / 'prev.db'}")
    with Session.begin() as s:
        known.crawl_id = start_crawl(s, "http://a.gov.cn/").id
    with Session.begin() as s:
        upsert_rows(s, m.Page, [dict(crawl_id=known.crawl_id, url=u, kind="column", status=200, listing=x,
                                     fetched_at=datetime(2026, 12, 1, tzinfo=timezone.utc)) for u, x in listings.items()])
    c = _carry(known)
    c.open_db = lambda: Session
    c.known_docs.lists.update(lists if lists is not None else dict.fromkeys(listings, TODAY - timedelta(days=1)))
    return c


def test_a_list_has_not_moved_when_its_first_page_shows_what_was_stored(tmp_path):
    a, b = _urls(2, 7, due=False)
    stored = {"entries": [[a, "标题0", "2026-01-01"]], "pagination": [COL + "index_1.html"], "subcolumns": []}
    c = _with_lists(tmp_path, _known([a, b]), {COL: stored})
    assert c.unmoved(COL, None)  # a 304
    assert c.unmoved(COL, dict(stored, content=99))  # parsed again (a visitor counter), same entries and pager
    assert not c.unmoved(COL, dict(stored, entries=[[b, "新文件", "2026-12-01"]] + stored["entries"]))
    assert not c.unmoved(COL, dict(stored, pagination=stored["pagination"] + [COL + "index_2.html"]))
    assert not c.unmoved(COL + "other/", dict(stored))  # no listing stored for it
    no_revalidation = _carry(_known([a]), days=0)
    assert not no_revalidation.unmoved(COL, None)  # --incremental alone: every list page asked


def test_a_further_list_page_is_trusted_unless_due_or_unknown(tmp_path):
    pages = [f"{COL}index_{i}.html" for i in range(1, 60)]
    quiet = [p for p in pages if _not_due(p, 7)][:2]
    due = next(p for p in pages if not _not_due(p, 7))
    listing = {"entries": [], "pagination": []}
    c = _with_lists(tmp_path / "a", _known([]), {p: listing for p in quiet + [due]})
    assert c.trusted_list(quiet[0]) == (c.known_docs.crawl_id, listing)
    assert c.trusted_list(due) is None  # its own night
    assert c.trusted_list(COL + "index_99.html") is None  # not stored last time
    stale = _with_lists(tmp_path / "b", _known([]), {quiet[1]: listing}, {quiet[1]: TODAY - timedelta(days=7)})
    assert stale.trusted_list(quiet[1]) is None  # last answered N days ago


def test_a_document_no_list_shows_tonight_is_checked_not_trusted():
    a, b = _urls(2, 7, due=False)
    c = _carry(_known([a, b]))
    todo, trusted = c.split_trusted_targets([a, b], fragments={}, listed=lambda u: u == a)
    assert trusted == [a] and todo == [b]  # b: listed last time, on no list tonight


def test_a_file_that_failed_last_night_is_asked_with_get_at_once():
    known = _known([])
    known.failed.update({"http://a.gov.cn/f.pdf": 404, "http://a.gov.cn/g.pdf": 500, "http://a.gov.cn/h.pdf": None,
                         "http://a.gov.cn/i.doc": 200})
    c = _carry(known)
    assert c.get_at_once("http://a.gov.cn/f.pdf") and c.get_at_once("http://a.gov.cn/i.doc")
    assert not c.get_at_once("http://a.gov.cn/g.pdf") and not c.get_at_once("http://a.gov.cn/h.pdf")
    assert not c.get_at_once("http://a.gov.cn/ok.pdf")
    assert not _carry(known, days=0).get_at_once("http://a.gov.cn/f.pdf")
