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


def test_a_previous_crawl_is_read_a_few_thousand_rows_at_a_time(db_url):
    """A night reads the previous crawl's links to follow trusted pages up (stored_pages). A result
    buffered whole held every row at once (site-62's 726 283 links: 45 → 329 MiB while read); the
    rows are streamed instead, so reading 60 000 links of 300 pages costs what is kept, not all rows."""
    import tracemalloc

    from zwgk.store.incremental import stored_pages

    Session = open_db(db_url)
    with Session.begin() as s:
        cid = start_crawl(s, "http://127.0.0.1:1/").id
    site = "http://127.0.0.1:1/"
    rows = [dict(crawl_id=cid, source_url=f"{site}art/{i // 200}.html", target_url=f"{site}nav/{i % 200}.html",
                 text=f"栏目{i % 200}", tag="a") for i in range(60_000)]
    with Session.begin() as s:
        upsert_rows(s, m.Link, rows)
    del rows
    with Session() as s:
        tracemalloc.start()
        try:
            stored = stored_pages(s, cid)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert len(stored.links) == 300 and all(len(t) == 200 for t in stored.links.values())
    assert stored.document(f"{site}art/7.html")[1][:2] == (f"{site}nav/0.html", f"{site}nav/1.html")
    assert peak < 8 * 2**20, peak  # buffered whole: ~25 MiB
