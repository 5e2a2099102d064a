"""What a site sends cannot overflow a column: long URLs, titles, link texts and error messages are
stored and read back whole (PostgreSQL enforces VARCHAR(n) and a btree entry limit; SQLite does not),
and a value the store bounds on purpose carries a visible marker."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, inspect, select, text

from zwgk.store import models as m
from zwgk.store.db import alembic_config, open_db
from zwgk.store.incremental import reuse_many, reuse_targets, stored_document_urls
from zwgk.store.write import CLIP_MARK, LINK_TEXT_MAX, start_crawl, start_page_state, upsert_rows

SITE = "http://127.0.0.1:9/"
T0 = datetime(2024, 3, 1, 18, 30, tzinfo=timezone.utc)


def long_url(n: int = 3200, tag: str = "a") -> str:
    """A URL of n characters that does not compress (a btree entry limit cannot be dodged by luck)."""
    import hashlib

    chunks, i = [], 0
    while sum(map(len, chunks)) < n:
        chunks.append(hashlib.sha256(f"{tag}{i}".encode()).hexdigest())
        i += 1
    path = SITE + "xxgk/" + tag + "?q=" + "".join(chunks)
    return path[:n]


def _rows(cid: int, doc: str, target: str, error: str, title: str):
    page = dict(crawl_id=cid, url=doc, kind="document", status=200, title=title, text=None,
                encoding="x-" + "e" * 300, content_hash="h", office="办公室" * 100, fetched_at=T0,
                etag='"' + "e" * 500 + '"', last_modified="M" * 300, listing=None)
    document = dict(crawl_id=cid, url=doc, title=title, doc_number="示政发〔2024〕" + "1" * 300 + "号",
                    validity="有效" * 50, index_no="I" * 500, publisher="发布机构" * 100, topic="主题" * 200,
                    column="栏目" * 200, column_url=target, column_kind="k" * 100, office="科室" * 200,
                    interpretation_links=[], policy_urls=[], attachments=[], reasons={}, list_title=title)
    column = dict(crawl_id=cid, url=doc, name="栏目" * 300, kind="k" * 100, office="科室" * 200, parent_url=target,
                  list_pages=1, has_children=False)
    entry = dict(crawl_id=cid, column_url=doc, url=target, title=title, date=None, list_page=doc)
    link = dict(crawl_id=cid, source_url=doc, target_url=target, text="链接文字", tag="a")
    lt = dict(crawl_id=cid, url=target, state="broken", kind="站内", status=None, error=error, redirects=[],
              checked_at=T0)
    return page, document, column, entry, link, lt


def test_long_values_are_stored_and_read_back_whole(pg_url):
    """On PostgreSQL a 3,000+ character URL used to overflow VARCHAR(2048) and a long error VARCHAR(200):
    the flush failed and every row of the batch was lost."""
    doc, target = long_url(3100, "doc"), long_url(3300, "target")
    error = "连接失败：" + "错误说明" * 1250  # 5,005 characters
    title = "关于印发" + "某某" * 1500 + "的通知"
    assert len(doc) > 3000 and len(target) > 3000 and len(error) >= 5000
    Session = open_db(pg_url)
    with Session.begin() as s:
        cid = start_crawl(s, SITE).id
    page, document, column, entry, link, lt = _rows(cid, doc, target, error, title)
    with Session.begin() as s:
        upsert_rows(s, m.Page, [page])
        upsert_rows(s, m.Document, [document])
        upsert_rows(s, m.SiteColumn, [column])
        upsert_rows(s, m.ColumnEntry, [entry])
        upsert_rows(s, m.Link, [link])
        upsert_rows(s, m.LinkTarget, [lt])
    with Session.begin() as s:  # written again (a resumed crawl): still one row each, updated
        upsert_rows(s, m.LinkTarget, [{**lt, "status": 404}])
        upsert_rows(s, m.Link, [link, link])
        upsert_rows(s, m.ColumnEntry, [entry])
    with Session() as s:
        assert s.scalars(select(m.Page.url).where(m.Page.crawl_id == cid)).all() == [doc]
        p = s.scalars(select(m.Page)).one()
        assert (p.etag, p.last_modified, p.encoding, p.office) == (page["etag"], page["last_modified"],
                                                                   page["encoding"], page["office"])
        d = s.scalars(select(m.Document)).one()
        assert (d.url, d.title, d.column_url, d.doc_number, d.index_no, d.publisher, d.topic, d.column, d.office,
                d.validity, d.column_kind) == (doc, title, target, document["doc_number"], document["index_no"],
                                               document["publisher"], document["topic"], document["column"],
                                               document["office"], document["validity"], document["column_kind"])
        c = s.scalars(select(m.SiteColumn)).one()
        assert (c.url, c.name, c.parent_url, c.office) == (doc, column["name"], target, column["office"])
        e = s.scalars(select(m.ColumnEntry)).one()
        assert (e.column_url, e.url, e.title, e.list_page) == (doc, target, title, doc)
        ln = s.scalars(select(m.Link)).one()
        assert (ln.source_url, ln.target_url, ln.text) == (doc, target, "链接文字")
        t = s.scalars(select(m.LinkTarget)).one()
        assert (t.url, t.error, t.status) == (target, error, 404)
        assert stored_document_urls(s, cid) == {doc}
        assert start_page_state(s, cid, target) == (404, error)


def test_long_rows_are_copied_by_incremental_reuse(pg_url):
    """A 304 or a trusted page copies its rows into tonight's crawl: long keys included."""
    doc, target = long_url(3100, "doc"), long_url(3300, "target")
    Session = open_db(pg_url)
    with Session.begin() as s:
        c1 = start_crawl(s, SITE).id
        c2 = start_crawl(s, SITE).id
    rows = _rows(c1, doc, target, "超时" * 2000, "标题" * 2000)
    with Session.begin() as s:
        for model, row in zip((m.Page, m.Document, m.SiteColumn, m.ColumnEntry, m.Link, m.LinkTarget), rows):
            upsert_rows(s, model, [row])
    with Session.begin() as s:
        counts = reuse_many(s, c1, c2, [doc], asked=False)
        assert reuse_targets(s, c1, c2, [target]) == 1
        assert reuse_targets(s, c1, c2, [target]) == 0  # idempotent
    assert counts == {"page": 1, "document": 1, "site_column": 1, "column_entry": 1, "link": 1, "link_target": 0}
    with Session() as s:
        assert s.scalars(select(m.Link.target_url).where(m.Link.crawl_id == c2)).all() == [target]
        assert s.scalars(select(m.LinkTarget.error).where(m.LinkTarget.crawl_id == c2)).all() == ["超时" * 2000]
        assert s.scalars(select(m.Document.url).where(m.Document.crawl_id == c2)).all() == [doc]


def test_a_long_start_url_is_a_site(pg_url):
    url = long_url(3500, "home")
    Session = open_db(pg_url)
    with Session.begin() as s:
        first = start_crawl(s, url).site_id
    with Session.begin() as s:
        assert start_crawl(s, url).site_id == first
    with Session() as s:
        assert s.scalars(select(m.Site.url)).all() == [url]
        assert s.scalars(select(m.Crawl.start_url)).all() == [url, url]


def test_link_text_is_clipped_with_a_visible_marker(db_url):
    """Link text is the one value the store bounds (a menu repeats on every page); a cut shows."""
    Session = open_db(db_url)
    with Session.begin() as s:
        cid = start_crawl(s, SITE).id
    long_text = "很长的链接文字" * 200
    with Session.begin() as s:
        upsert_rows(s, m.Link, [dict(crawl_id=cid, source_url=SITE, target_url=SITE + "a", text=long_text, tag="a"),
                                dict(crawl_id=cid, source_url=SITE, target_url=SITE + "b", text="短", tag="a")])
    with Session() as s:
        texts = dict(s.execute(select(m.Link.target_url, m.Link.text)).all())
    assert texts[SITE + "b"] == "短"
    assert len(texts[SITE + "a"]) == LINK_TEXT_MAX and texts[SITE + "a"].endswith(CLIP_MARK)
    assert texts[SITE + "a"].startswith(long_text[:LINK_TEXT_MAX - len(CLIP_MARK)])


def test_no_unbounded_varchar_left_for_site_content(db_url):
    """Every text column filled from a site or an error message is TEXT: nothing left to overflow."""
    open_db(db_url)
    cols = {t: {c["name"]: c["type"] for c in inspect(create_engine(db_url)).get_columns(t)}
            for t in ("page", "document", "link", "link_target", "site_column", "column_entry", "site", "crawl",
                      "finding")}
    for table, name in [("page", "url"), ("page", "etag"), ("page", "office"), ("document", "url"),
                        ("document", "doc_number"), ("document", "publisher"), ("link", "source_url"),
                        ("link", "target_url"), ("link", "text"), ("link_target", "url"), ("link_target", "error"),
                        ("site_column", "name"), ("column_entry", "column_url"), ("site", "url"),
                        ("crawl", "start_url"), ("crawl", "error"), ("finding", "url"), ("finding", "office")]:
        assert getattr(cols[table][name], "length", None) is None, (table, name, cols[table][name])


def test_migration_keeps_rows_and_keys_them(db_url):
    """0004 → head: rows stored before the keys existed get them, and still upsert as one row."""
    from alembic import command

    cfg = alembic_config(db_url)
    command.upgrade(cfg, "0004")
    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO site (id, url, created_at) VALUES (1, :u, '2024-03-01')"), {"u": SITE})
        c.execute(text("INSERT INTO crawl (id, site_id, start_url, started_at, status, settings, stats) "
                       "VALUES (1, 1, :u, '2024-03-01', 'finished', '{}', '{}')"), {"u": SITE})
        c.execute(text("INSERT INTO page (crawl_id, url, kind, fetched_at) VALUES (1, :u, 'home', '2024-03-01')"),
                  {"u": SITE})
        c.execute(text("INSERT INTO link (crawl_id, source_url, target_url, text, tag) VALUES (1, :u, :t, 'x', 'a')"),
                  {"u": SITE, "t": SITE + "a"})
        c.execute(text("INSERT INTO link_target (crawl_id, url, state, kind, error, redirects) "
                       "VALUES (1, :t, 'broken', '站内', 'e', '[]')"), {"t": SITE + "a"})
        c.execute(text("INSERT INTO column_entry (crawl_id, column_url, url, title) VALUES (1, :u, :t, '标题')"),
                  {"u": SITE, "t": SITE + "a"})
    engine.dispose()
    Session = open_db(db_url)  # upgrades to head
    with Session.begin() as s:
        upsert_rows(s, m.Page, [dict(crawl_id=1, url=SITE, kind="home", status=200, title="首页", fetched_at=T0)])
        upsert_rows(s, m.Link, [dict(crawl_id=1, source_url=SITE, target_url=SITE + "a", text="x", tag="a")])
        upsert_rows(s, m.LinkTarget, [dict(crawl_id=1, url=SITE + "a", state="ok", kind="站内", status=200,
                                           error=None, redirects=[], checked_at=T0)])
        upsert_rows(s, m.ColumnEntry, [dict(crawl_id=1, column_url=SITE, url=SITE + "a", title="标题", date=None,
                                            list_page=SITE)])
    with Session() as s:
        assert s.execute(select(m.Page.url, m.Page.title)).all() == [(SITE, "首页")]
        assert len(s.scalars(select(m.Link)).all()) == 1
        assert s.execute(select(m.LinkTarget.state, m.LinkTarget.error)).all() == [("ok", None)]
        assert len(s.scalars(select(m.ColumnEntry)).all()) == 1
        assert s.get(m.Crawl, 1).error is None
    command.downgrade(cfg, "0004")
    assert "error" not in {c["name"] for c in inspect(create_engine(db_url)).get_columns("crawl")}


@pytest.mark.parametrize("n", [10, 5000])
def test_clip_marks_what_it_cut(n):
    from zwgk.store.write import clip

    value = "字" * n
    out = clip(value, 100)
    assert out == value if n <= 100 else (len(out) == 100 and out.endswith(CLIP_MARK))
    assert clip(None, 100) is None
