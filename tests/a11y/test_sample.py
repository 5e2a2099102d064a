"""The pages `zwgk a11y` samples from a stored crawl, and the browser's request filter."""
from __future__ import annotations

from zwgk.a11y import allow_function, sample_pages
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.write import now, start_crawl


def _crawl(tmp_path, kinds: list[tuple[str, int]]):
    session = open_db(f"sqlite:///{tmp_path / 'z.db'}")()
    crawl = start_crawl(session, "http://www.example.gov.cn/")
    for i, (kind, status) in enumerate(kinds):
        session.add(m.Page(crawl_id=crawl.id, url=f"http://www.example.gov.cn/{kind}{i}.html", kind=kind,
                           status=status, fetched_at=now()))
    session.commit()
    return session, crawl.id


def test_home_roots_columns_then_documents_in_stored_order(tmp_path):
    kinds = ([("document", 200)] * 10 + [("column", 200)] * 6 + [("root", 200)] * 3 + [("home", 200)]
             + [("other", 200)] * 3 + [("document", 404)])
    session, cid = _crawl(tmp_path, kinds)
    got = [p.kind for p in sample_pages(session, cid, 12)]
    assert got == ["home", "root", "root", "column", "column", "column", "column"] + ["document"] * 5
    urls = [p.url for p in sample_pages(session, cid, 12)]
    assert urls[-5:] == [f"http://www.example.gov.cn/document{i}.html" for i in range(5)]  # the first stored
    assert urls == [p.url for p in sample_pages(session, cid, 12)]  # deterministic
    assert [p.kind for p in sample_pages(session, cid, 3)] == ["home", "root", "root"]


def test_few_documents_leave_room_for_more_columns(tmp_path):
    session, cid = _crawl(tmp_path, [("home", 200)] + [("column", 200)] * 10 + [("document", 200)])
    got = [p.kind for p in sample_pages(session, cid, 12)]
    assert got.count("column") == 10 and got.count("document") == 1 and len(got) == 12


def test_the_browser_may_request_the_crawled_hosts_only():
    allow = allow_function("any", {"www.example.gov.cn"})
    assert allow("http://www.example.gov.cn/css/a.css")
    assert allow("https://www.example.gov.cn/js/a.js")
    assert allow("data:image/png;base64,AAAA")
    assert not allow("http://cdn.example.com/jquery.js")
    assert not allow("file:///etc/passwd")
    loop = allow_function("loopback", {"127.0.0.1"})
    assert loop("http://127.0.0.1:8000/a.png")
    assert not loop("http://127.0.0.2/a.png") and not loop("http://www.example.gov.cn/")
