"""Idempotent writes: the same rows written twice stay one row each, with the last values."""
from datetime import datetime

from sqlalchemy import func, select

from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.write import start_crawl, upsert_rows


def test_upsert_twice_keeps_one_row(db_url):
    Session = open_db(db_url)
    with Session.begin() as s:
        crawl = start_crawl(s, "http://127.0.0.1:1/")
        cid = crawl.id
    rows = [dict(crawl_id=cid, url="http://127.0.0.1:1/a", state="broken", kind="站内", status=404,
                 error=None, redirects=[], checked_at=None)]
    with Session.begin() as s:
        upsert_rows(s, m.LinkTarget, rows)
    with Session.begin() as s:
        upsert_rows(s, m.LinkTarget, [{**rows[0], "state": "ok", "status": 200}])
        upsert_rows(s, m.Link, [dict(crawl_id=cid, source_url="s", target_url="t", text="x", tag="a")] * 3)
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(m.LinkTarget)) == 1
        assert s.scalars(select(m.LinkTarget.status)).one() == 200
        assert s.scalar(select(func.count()).select_from(m.Link)) == 1


def test_a_batch_larger_than_a_chunk_is_written_whole(db_url):
    """Rows are executed WRITE_CHUNK at a time: every row of a larger batch is stored, a key met in
    two chunks' worth of rows is one row with the last values."""
    from zwgk.store.write import WRITE_CHUNK

    Session = open_db(db_url)
    with Session.begin() as s:
        cid = start_crawl(s, "http://127.0.0.1:1/").id
    n = 2 * WRITE_CHUNK + 7
    rows = [dict(crawl_id=cid, url=f"http://127.0.0.1:1/{i}", state="ok", kind="站内", status=200, error=None,
                 redirects=[], checked_at=None) for i in range(n)]
    rows.append({**rows[3], "state": "broken", "status": 404})  # the same target, later in the batch
    with Session.begin() as s:
        upsert_rows(s, m.LinkTarget, rows)
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(m.LinkTarget)) == n
        assert s.scalars(select(m.LinkTarget.status).where(m.LinkTarget.url == "http://127.0.0.1:1/3")).one() == 404
        assert s.scalar(select(func.count()).select_from(m.LinkTarget).where(m.LinkTarget.status == 200)) == n - 1


def test_a_stored_page_is_followed_up_from_its_own_rows(db_url):
    """A night follows trusted pages up from what the previous crawl stored (StoredPages): a
    page's document row, its links in their order, a list page's listing — each read when needed.
    Read whole, site-62's crawl kept 80 MiB in the night's process; reading 300 pages' 60 000
    links one page at a time holds one page's rows at a time."""
    import tracemalloc

    from zwgk.store.incremental import StoredPages

    Session = open_db(db_url)
    site = "http://127.0.0.1:1/"
    with Session.begin() as s:
        cid = start_crawl(s, site).id
        upsert_rows(s, m.Link, [dict(crawl_id=cid, source_url=f"{site}art/{i // 200}.html",
                                     target_url=f"{site}nav/{199 - i % 200}.html", text=f"栏目{i % 200}", tag="a")
                                for i in range(60_000)])
        upsert_rows(s, m.Page, [dict(crawl_id=cid, url=f"{site}xxgk/", kind="column", status=200,
                                     fetched_at=datetime(2026, 1, 1), listing={"entries": [[f"{site}art/7.html", "七", None]]})])
        upsert_rows(s, m.Document, [dict(crawl_id=cid, url=f"{site}art/7.html", title="第七号",
                                         policy_urls=[f"{site}art/1.html"],
                                         interpretation_links=[{"url": f"{site}jd/7.html", "text": "解读"}])])
    stored = StoredPages(Session, cid)
    doc, targets = stored.document(f"{site}art/7.html")
    assert doc == ("第七号", (f"{site}jd/7.html", f"{site}art/1.html"))
    assert targets[:2] == (f"{site}nav/199.html", f"{site}nav/198.html") and len(targets) == 200  # as stored
    assert stored.document(f"{site}art/8.html")[0] is None and len(stored.document(f"{site}art/8.html")[1]) == 200
    assert stored.document(f"{site}none.html") == (None, ())
    assert stored.listing(f"{site}xxgk/") == {"entries": [[f"{site}art/7.html", "七", None]]}
    assert stored.listing(f"{site}art/7.html") is None
    tracemalloc.start()
    try:
        assert sum(len(stored.document(f"{site}art/{p}.html")[1]) for p in range(300)) == 60_000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, peak  # read whole: ~25 MiB
