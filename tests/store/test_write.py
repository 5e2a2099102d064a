"""Idempotent writes: the same rows written twice stay one row each, with the last values."""
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


def test_a_previous_crawl_is_read_a_list_page_at_a_time(db_url):
    """A night follows trusted pages up from the previous crawl's rows (StoredPages). Read whole, a
    crawl's links and documents stayed in the night's process (~70 MiB at 40k pages, ten times that
    at 400k); read a list page's entries at a time, what is held is those pages' rows, handed over
    once, in the order the page showed its links."""
    import tracemalloc
    from datetime import datetime, timezone

    from zwgk.store.incremental import StoredPages

    Session = open_db(db_url)
    with Session.begin() as s:
        cid = start_crawl(s, "http://127.0.0.1:1/").id
    site = "http://127.0.0.1:1/"
    arts = [f"{site}art/{i}.html" for i in range(300)]
    rows = [dict(crawl_id=cid, source_url=arts[i // 200], target_url=f"{site}nav/{199 - i % 200}.html",
                 text=f"栏目{i % 200}", tag="a") for i in range(60_000)]
    with Session.begin() as s:
        upsert_rows(s, m.Link, rows)
        upsert_rows(s, m.Document, [dict(crawl_id=cid, url=arts[7], title="关于印发办法的通知", policy_urls=[f"{site}zc.html"],
                                         interpretation_links=[{"url": f"{site}jd.html", "text": "解读"}])])
        upsert_rows(s, m.Page, [dict(crawl_id=cid, url=f"{site}list/", kind="column", status=200,
                                     listing={"entries": [[arts[7], "通知", "2026-01-01"]]},
                                     fetched_at=datetime(2026, 12, 1, tzinfo=timezone.utc))])
    del rows
    stored = StoredPages(Session, cid)
    tracemalloc.start()
    try:
        stored.prefetch(arts[:20])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(stored.ahead) == 20
    doc, targets = stored.document(arts[7])
    assert doc == ("关于印发办法的通知", (f"{site}jd.html", f"{site}zc.html"))
    assert len(targets) == 200 and targets[:2] == (f"{site}nav/199.html", f"{site}nav/198.html")  # as shown
    assert arts[7] not in stored.ahead  # handed over once
    assert stored.document(arts[250])[1][-1] == f"{site}nav/0.html"  # not read ahead: looked up alone
    assert stored.document(f"{site}none.html") == (None, ())
    assert stored.listing(f"{site}list/") == {"entries": [[arts[7], "通知", "2026-01-01"]]}
    assert stored.listing(f"{site}art/1.html") is None
    assert peak < 3 * 2**20, peak  # 20 pages' 4 000 links, not the crawl's 60 000
    stored.HELD = 50
    stored.prefetch(arts)
    assert len(stored.ahead) == 50 and arts[-1] in stored.ahead and arts[0] not in stored.ahead  # the oldest dropped
    assert stored.document(arts[0])[1][0] == f"{site}nav/199.html"  # dropped: read again when asked
