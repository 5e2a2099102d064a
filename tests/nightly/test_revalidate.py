"""Rolling revalidation (`--revalidate-days N`): a document page still listed as before is asked
again on one night in N, copied unasked on the others; a changed list entry, a new document and a
page whose last answer is N days old are always asked."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from sqlalchemy import select

from zwgk.crawler.incremental import due_for_revalidation
from zwgk.crawler.urlset import UrlDays, UrlSet
from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.incremental import known_documents, reuse_many
from zwgk.store.write import start_crawl, upsert_rows

from .test_incremental_resume import crawl, q

URLS = [f"http://127.0.0.1:9/xxgk/zcwj/202401/t2024010{i % 10}_{i}.html" for i in range(1400)]


def test_each_page_is_due_once_in_n_nights_and_the_nights_share_the_load():
    today = date(2026, 11, 21)
    nights = [today + timedelta(days=k) for k in range(7)]
    due = [{u for u in URLS if due_for_revalidation(u, today, night, 7)} for night in nights]
    for u in URLS:  # verified today, asked again on exactly one of the next seven nights
        assert sum(u in d for d in due) == 1, u
    assert all(120 <= len(d) <= 280 for d in due), [len(d) for d in due]  # ~1/7 of 1 400 = 200 a night


def test_an_old_answer_or_n_zero_is_always_due():
    today = date(2026, 11, 21)
    assert all(due_for_revalidation(u, today - timedelta(days=7), today, 7) for u in URLS[:50])
    assert all(due_for_revalidation(u, today, today, 0) for u in URLS[:50])
    assert not all(due_for_revalidation(u, today, today, 7) for u in URLS[:50])


def test_a_trusted_copy_keeps_its_answer_time_and_its_link_target_row(db_url):
    site = "http://127.0.0.1:9/"
    doc = site + "xxgk/t1.html"
    then = datetime(2024, 3, 1, 18, 30, tzinfo=timezone.utc)
    Session = open_db(db_url)
    with Session.begin() as s:
        c1 = start_crawl(s, site)
        c1.status = "finished"
        c2 = start_crawl(s, site)
        s.flush()
        c1, c2 = c1.id, c2.id
        upsert_rows(s, m.Page, [dict(crawl_id=c1, url=doc, kind="document", status=200, title="t", fetched_at=then)])
        upsert_rows(s, m.Document, [dict(crawl_id=c1, url=doc, title="t", interpretation_links=[], policy_urls=[],
                                         attachments=[], reasons={})])
        upsert_rows(s, m.LinkTarget, [dict(crawl_id=c1, url=doc, state="ok", kind="站内", status=200,
                                           redirects=[], checked_at=then)])
        upsert_rows(s, m.ColumnEntry, [dict(crawl_id=c1, column_url=site + "xxgk/", url=doc, title="t",
                                            date=date(2024, 3, 1), list_page=site + "xxgk/")])
    with Session.begin() as s:
        counts = reuse_many(s, c1, c2, [doc], asked=False)
    assert counts["page"] == 1 and counts["document"] == 1 and counts["link_target"] == 1
    with Session() as s:
        page = s.scalars(select(m.Page).where(m.Page.crawl_id == c2)).one()
        target = s.scalars(select(m.LinkTarget).where(m.LinkTarget.crawl_id == c2)).one()
        assert page.reused_from == c1 and page.fetched_at.replace(tzinfo=timezone.utc) == then
        assert target.state == "ok" and target.checked_at.replace(tzinfo=timezone.utc) == then
        assert known_documents(s, c2).verified == {doc: then.date()}  # the copy vouches as of then
        assert known_documents(s, c1).entries == {(site + "xxgk/", doc, "t", date(2024, 3, 1))}
        # as the crawl keeps them (packed): the same answers
        packed = known_documents(s, c2, keep=UrlSet, keep_days=UrlDays)
        assert packed.verified.get(doc) == then.date() and packed.verified.get(site + "x.html") is None
        assert (site + "xxgk/", doc, "t", date(2024, 3, 1)) in known_documents(s, c1, keep=UrlSet).entries
        assert doc in known_documents(s, c1, keep=UrlSet).listed and site not in packed.listed
    with Session.begin() as s:  # copied again (a resumed crawl): nothing doubled
        assert reuse_many(s, c1, c2, [doc], asked=True)["page"] == 0
    with Session() as s:
        assert len(s.scalars(select(m.Page).where(m.Page.crawl_id == c2)).all()) == 1
    with Session.begin() as s:  # a 304 copy is stamped with tonight's answer
        c3 = start_crawl(s, site).id
    with Session.begin() as s:
        reuse_many(s, c1, c3, [doc], asked=True)
    with Session() as s:
        page = s.scalars(select(m.Page).where(m.Page.crawl_id == c3)).one()
        assert page.fetched_at.replace(tzinfo=timezone.utc) > then + timedelta(days=365)
        assert not s.scalars(select(m.LinkTarget).where(m.LinkTarget.crawl_id == c3)).all()


def _docs(db, crawl_id):
    return {u: (t, n, str(p)) for u, t, n, p in q(db, "select url, title, doc_number, publish_date from document "
                                                   "where crawl_id=?", crawl_id)}


def test_rolling_revalidation_asks_only_what_is_due_or_listed_differently(tmp_path):
    site, db = tmp_path / "site", tmp_path / "z.db"
    key = generate(site)
    with serve(site) as server:
        first = crawl(server.url, db)
        # one list entry changes its title on the list page (a document renamed by its office)
        for doc_url, title, list_page in q(db, "select url, min(title), min(list_page) from column_entry "
                                               "where crawl_id=? and url like '%.html' group by url "
                                               "having count(*) = 1 order by url", first):  # listed once
            lp = site / (urlsplit(list_page).path.lstrip("/") or ".")
            lp = lp / "index.html" if lp.is_dir() else lp
            html = lp.read_bytes()
            if html.count(title.encode("utf-8")) == 1:  # a UTF-8 list page that shows the title once
                break
        lp.write_bytes(html.replace(title.encode("utf-8"), (title + "（修订）").encode("utf-8")))
        mark = len(server.requests)
        second = crawl(server.url, db, "--revalidate-days", "7")
        asked_first = {p for _, p in server.requests[:mark]}
        asked = {p for _, p in server.requests[mark:]}
        mark = len(server.requests)
        third = crawl(server.url, db, "--revalidate-days", "7")
        asked_third = {p for _, p in server.requests[mark:]}
    started = datetime.fromisoformat(q(db, "select started_at from crawl where id=?", second)[0][0]).date()
    verified = {u: datetime.fromisoformat(t).date() for u, t in q(
        db, "select p.url, p.fetched_at from page p join document d on d.crawl_id=p.crawl_id and d.url=p.url "
            "where p.crawl_id=? and p.status=200", first)}
    due = {u for u, v in verified.items() if due_for_revalidation(u, v, started, 7)}
    asked_docs = {u for u in verified if urlsplit(u).path in asked}
    assert asked_docs == due | {doc_url}, (len(asked_docs), len(due))
    assert 0 < len(due) < len(verified) / 3  # about one in seven tonight
    # the crawl's result is complete all the same: every document, same fields
    docs1, docs2 = _docs(db, first), _docs(db, second)
    assert set(docs1) == set(docs2) and len(docs1) >= len(key["documents"])
    assert {u: v for u, v in docs2.items() if u != doc_url} == {u: v for u, v in docs1.items() if u != doc_url}
    trusted = {u for (u,) in q(db, "select url from page where crawl_id=? and reused_from is not null and "
                                   "kind='document' and fetched_at < (select started_at from crawl where id=?)",
                               second, second)}
    assert trusted == set(verified) - asked_docs
    # link states: the same; a target that checked ok and is not due is copied with the time it
    # was checked, every other target (broken, doubtful, due) is asked again tonight
    states1 = dict(q(db, "select url, state from link_target where crawl_id=?", first))
    states2 = dict(q(db, "select url, state from link_target where crawl_id=?", second))
    assert states2 == states1
    checked = {u: datetime.fromisoformat(t).date() for u, t in q(
        db, "select url, checked_at from link_target where crawl_id=? and state='ok'", first)}
    crawled = {u for (u,) in q(db, "select url from page where crawl_id=?", first)}  # fetched to crawl on
    local = {u for u in states1 if u.startswith(server.url) and u not in crawled and "#" not in u}
    for u in local:
        path = urlsplit(u).path
        if states1[u] != "ok" and path in asked_first:  # (not those robots.txt keeps us from)
            assert path in asked, (u, states1[u])  # a fix shows the next night
        elif states1[u] == "ok" and not due_for_revalidation(u, checked[u], started, 7):
            assert path not in asked, u
    assert sum(states1[u] == "ok" and urlsplit(u).path not in asked for u in local) > len(local) / 2
    with sqlite3.connect(db) as c:
        import json
        stats = json.loads(c.execute("select stats from crawl where id=?", (second,)).fetchone()[0])
    assert stats["zwgk/incremental/trusted"] == len(trusted)
    assert stats["zwgk/incremental/trusted_targets"] > 0

    # a third night builds on the second: every document known, only the due ones asked
    started3 = datetime.fromisoformat(q(db, "select started_at from crawl where id=?", third)[0][0]).date()
    verified2 = {u: datetime.fromisoformat(t).date() for u, t in q(
        db, "select p.url, p.fetched_at from page p join document d on d.crawl_id=p.crawl_id and d.url=p.url "
            "where p.crawl_id=? and p.status=200", second)}
    assert set(verified2) == set(verified)
    assert {u for u in verified2 if urlsplit(u).path in asked_third} == {
        u for u, v in verified2.items() if due_for_revalidation(u, v, started3, 7)}
    assert set(_docs(db, third)) == set(docs1)
