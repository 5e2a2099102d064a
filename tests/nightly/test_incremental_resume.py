"""Incremental re-crawls (ETag → 304 → rows reused) and resuming a crawl killed with SIGKILL."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


def crawl(url: str, db: Path, *extra: str, wait: bool = True, delay: str = "0"):
    args = [sys.executable, "-m", "zwgk.cli", "crawl", url, "--db", f"sqlite:///{db}", "--network", "loopback",
            "--concurrency", "4", "--delay", delay, *extra]
    if not wait:
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    return int(p.stdout.strip().splitlines()[-1])


def q(db: Path, sql: str, *args):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def documents(db: Path, crawl_id: int) -> dict[str, str]:
    return {u.split("/", 3)[3]: t for u, t in q(db, "select url, title from document where crawl_id=?", crawl_id)}


def test_incremental_recrawl_reuses_unchanged_pages_and_reparses_changed_ones(tmp_path):
    site, db = tmp_path / "site", tmp_path / "z.db"
    key = generate(site)
    with serve(site) as server:
        first = crawl(server.url, db)
        second = crawl(server.url, db, "--incremental")
        unchanged_304 = set(server.not_modified)
        # three document pages change on the server between the second and the third crawl
        changed = [d["path"] for d in key["documents"] if d["path"].endswith(".html")][:3]
        for p in changed:
            f = site / p.lstrip("/")
            f.write_bytes(f.read_bytes().replace(b"</body>", "<p>（本文已更新）</p></body>".encode("utf-8"), 1)
                          if b"</body>" in f.read_bytes() else f.read_bytes() + b" ")
        server.not_modified.clear()
        third = crawl(server.url, db, "--incremental")
        third_304 = set(server.not_modified)
    docs1, docs2, docs3 = documents(db, first), documents(db, second), documents(db, third)
    assert docs1 == docs2 == docs3 and len(docs1) >= len(key["documents"])
    # the second crawl asked conditionally and reused (not parsed) almost every document page
    reused2 = {u for (u,) in q(db, "select url from page where crawl_id=? and reused_from is not null", second)}
    assert len(unchanged_304) >= 0.9 * len(key["documents"])
    assert len(reused2) == len(unchanged_304)
    # list pages too were answered 304 and followed up from their stored listing: the same columns,
    # entries and pagination as a crawl that parsed them
    lists1 = {u for (u,) in q(db, "select url from page where crawl_id=? and kind='column' and status=200", first)}
    lists2 = {u for (u,) in q(db, "select url from page where crawl_id=? and kind='column' and reused_from is not null",
                               second)}
    assert lists2 == lists1 and len(lists1) > 50
    cols = "select url, name, kind, office, parent_url, list_pages, has_children from site_column where crawl_id=?"
    assert set(q(db, cols, second)) == set(q(db, cols, first))
    entries = "select column_url, url, title, date, list_page from column_entry where crawl_id=?"
    assert set(q(db, entries, second)) == set(q(db, entries, first))
    # the third re-parsed exactly the changed pages
    reparsed3 = {u.split("/", 3)[3] for (u,) in q(
        db, "select url from page where crawl_id=? and kind='document' and status < 400 and reused_from is null", third)}
    assert reparsed3 == {p.lstrip("/") for p in changed}
    assert not third_304 & set(changed)
    # the copied rows are complete: same links on reused pages
    n1 = q(db, "select count(*) from link where crawl_id=?", first)[0][0]
    n3 = q(db, "select count(*) from link where crawl_id=?", third)[0][0]
    assert n3 == n1


def test_kill_9_then_resume_loses_nothing_and_doubles_nothing(tmp_path):
    site, db = tmp_path / "site", tmp_path / "z.db"
    key = generate(site)
    with serve(site) as server:
        proc = crawl(server.url, db, wait=False, delay="0.03")
        deadline = time.time() + 300
        while time.time() < deadline:
            time.sleep(0.5)
            try:
                n = q(db, "select count(*) from document")[0][0]
            except sqlite3.OperationalError:
                n = 0  # not created yet
            if n >= 60:
                break
        proc.kill()  # SIGKILL: no clean shutdown, no flush
        proc.wait()
        (status,) = q(db, "select status from crawl")[0]
        assert status == "running"
        # parsed before the kill: the document rows (a page row may have been written a batch earlier
        # than its document row; such a page is fetched again)
        before = {u for (u,) in q(db, "select url from document")}
        assert 0 < len(before) < len(key["documents"])
        mark = len(server.requests)
        resumed = crawl(server.url, db, "--resume")
        after_requests = [p for _, p in server.requests[mark:]]
    assert q(db, "select count(*) from crawl") == [(1,)] and resumed == 1
    assert q(db, "select status from crawl") == [("finished",)]
    docs = documents(db, 1)
    assert {d["path"].lstrip("/") for d in key["documents"]} <= set(docs)  # nothing lost
    for table, key_cols in (("document", "url"), ("page", "url"), ("link_target", "url"),
                            ("column_entry", "column_url, url, title")):
        total = q(db, f"select count(*) from {table}")[0][0]
        distinct = q(db, f"select count(*) from (select distinct {key_cols} from {table})")[0][0]
        assert total == distinct, table  # nothing doubled
    # documents parsed before the kill were not fetched again
    refetched = {u for u in before if u.split("/", 3)[3] in {p.lstrip("/") for p in after_requests}}
    assert not refetched, sorted(refetched)[:5]


def test_time_budget_stops_the_crawl_and_resume_finishes_it(tmp_path):
    site, db = tmp_path / "site", tmp_path / "z.db"
    key = generate(site)
    with serve(site) as server:
        args = [sys.executable, "-m", "zwgk.cli", "crawl", server.url, "--db", f"sqlite:///{db}", "--network",
                "loopback", "--concurrency", "2", "--delay", "0.05", "--time-budget", "0.05"]
        p = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr[-2000:]
        assert "抓取未完成" in p.stderr
        assert q(db, "select status from crawl") == [("interrupted",)]
        partial = q(db, "select count(*) from document")[0][0]
        assert partial < len(key["documents"])
        crawl(server.url, db, "--resume")
    assert q(db, "select id, status from crawl") == [(1, "finished")]
    assert {d["path"].lstrip("/") for d in key["documents"]} <= set(documents(db, 1))
