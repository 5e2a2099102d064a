"""A write the database refuses is a failed run, never a finished audit of what happened to get stored.

The database really cannot grow: every SQLite connection the zwgk processes open gets
`PRAGMA max_page_count` (a sitecustomize on PYTHONPATH, so `zwgk nightly`'s child `zwgk run` has it
too) — SQLite then answers SQLITE_FULL ("database or disk is full"), as on a full disk. Other
refusals are real triggers in the database under test.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve
from zwgk.store.db import open_db

CAP = '''
import os
from sqlalchemy import event
from sqlalchemy.engine import Engine

_PAGES = int(os.environ["ZWGK_TEST_SQLITE_MAX_PAGES"])


@event.listens_for(Engine, "connect")
def _cap(dbapi_conn, _rec):
    if type(dbapi_conn).__module__.startswith("sqlite3"):
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA max_page_count = {_PAGES}")
        cur.close()
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("store-failure") / "site"
    key = generate(root)
    with serve(root) as server:
        yield server, key


def zwgk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def full_disk(tmp_path: Path, db_file: Path, room_pages: int = 40) -> dict:
    """Environment under which the database file can grow by `room_pages` pages only."""
    open_db(f"sqlite:///{db_file}")  # the schema fits; the crawl will not
    with sqlite3.connect(db_file) as c:
        pages = c.execute("PRAGMA page_count").fetchone()[0]
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(CAP, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]),
            "ZWGK_TEST_SQLITE_MAX_PAGES": str(pages + room_pages)}


def crawl_rows(db_file: Path) -> list[tuple]:
    with sqlite3.connect(db_file) as c:
        return c.execute("SELECT id, status, error FROM crawl ORDER BY id").fetchall()


def assert_one_clear_message(stderr: str) -> None:
    assert stderr.count("数据库写入失败") == 1, stderr[-3000:]
    assert "Error processing" not in stderr and "Traceback" not in stderr, stderr[-3000:]


def test_run_on_a_full_disk_fails_and_says_why(site, tmp_path):
    server, key = site
    out = tmp_path / "out"
    env = full_disk(tmp_path, out / "zwgk.db")
    p = zwgk("run", server.url, "--as-of", key["as_of"], "--out", str(out), "--network", "loopback",
             "--concurrency", "8", "--delay", "0", env=env)
    assert p.returncode != 0, p.stderr[-3000:]
    assert "磁盘已满" in p.stderr and "database or disk is full" in p.stderr, p.stderr[-3000:]
    assert "未生成评估报告" in p.stderr and "无法访问" not in p.stderr
    assert_one_clear_message(p.stderr)
    assert not (out / "report.html").exists() and not (out / "results.json").exists()
    [(_, status, _)] = crawl_rows(out / "zwgk.db")
    assert status != "finished"


@pytest.mark.parametrize("command", ["crawl", "batch", "nightly"])
def test_every_command_exits_non_zero_on_a_full_disk(site, tmp_path, command):
    server, key = site
    out = tmp_path / "out"
    db_file = out / "zwgk.db"
    env = full_disk(tmp_path, db_file)
    common = ["--network", "loopback", "--delay", "0", "--concurrency", "8"]
    if command == "crawl":
        p = zwgk("crawl", server.url, "--db", f"sqlite:///{db_file}", *common, env=env)
    elif command == "batch":
        sites = tmp_path / "sites.csv"
        sites.write_text(f"名称,网址\n示例县,{server.url}\n", encoding="utf-8")
        p = zwgk("batch", str(sites), "--out", str(out), "--as-of", key["as_of"], *common, env=env)
    else:
        p = zwgk("nightly", server.url, "--out", str(out), "--db", f"sqlite:///{db_file}", "--as-of", key["as_of"],
                 *common, env=env)
    assert p.returncode != 0, p.stderr[-3000:]
    assert "数据库写入失败" in p.stderr and "磁盘已满" in p.stderr, p.stderr[-3000:]
    assert "Error processing" not in p.stderr
    assert all(status != "finished" for _, status, _ in crawl_rows(db_file))
    if command == "batch":
        ranking = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
        [row] = ranking["sites"]
        assert row["score"] is None and "数据库写入失败" in row["error"]
        assert not list(out.glob("001-*/report.html"))


def _trigger(db_file: Path, sql: str) -> None:
    open_db(f"sqlite:///{db_file}")
    engine = create_engine(f"sqlite:///{db_file}")
    with engine.begin() as c:
        c.execute(text(sql))
    engine.dispose()


def test_a_refused_write_is_stored_as_a_failed_crawl(site, tmp_path):
    """The database refuses the document rows but can still take the crawl's end: status failed, cause kept."""
    server, key = site
    db_file = tmp_path / "zwgk.db"
    _trigger(db_file, "CREATE TRIGGER quota BEFORE INSERT ON document WHEN (SELECT count(*) FROM document) >= 20 "
                      "BEGIN SELECT RAISE(ABORT, 'document quota exceeded'); END")
    p = zwgk("run", server.url, "--as-of", key["as_of"], "--out", str(tmp_path), "--db", f"sqlite:///{db_file}",
             "--network", "loopback", "--delay", "0", "--concurrency", "8")
    assert p.returncode != 0
    assert "document quota exceeded" in p.stderr and "未生成评估报告" in p.stderr, p.stderr[-3000:]
    assert_one_clear_message(p.stderr)
    [(cid, status, error)] = crawl_rows(db_file)
    assert status == "failed" and "document quota exceeded" in error
    # the stored crawl is refused by `zwgk audit` too, with the same cause
    a = zwgk("audit", "--db", f"sqlite:///{db_file}", "--out", str(tmp_path / "a"), "--as-of", key["as_of"])
    assert a.returncode != 0 and "document quota exceeded" in a.stderr and f"编号 {cid}" in a.stderr
    assert not (tmp_path / "a" / "results.json").exists()


def test_a_crawl_whose_end_cannot_be_stored_still_fails(site, tmp_path):
    """Neither the rows nor the crawl's end can be written: the process itself knows and says so."""
    server, key = site
    db_file = tmp_path / "zwgk.db"
    _trigger(db_file, "CREATE TRIGGER quota BEFORE INSERT ON link WHEN (SELECT count(*) FROM link) >= 50 "
                      "BEGIN SELECT RAISE(ABORT, 'link quota exceeded'); END")
    _trigger(db_file, "CREATE TRIGGER frozen BEFORE UPDATE ON crawl WHEN NEW.status <> 'running' "
                      "BEGIN SELECT RAISE(ABORT, 'crawl rows are read-only'); END")
    p = zwgk("crawl", server.url, "--db", f"sqlite:///{db_file}", "--network", "loopback", "--delay", "0",
             "--concurrency", "8")
    assert p.returncode != 0
    assert "link quota exceeded" in p.stderr and "状态也未能写入" in p.stderr, p.stderr[-3000:]
    assert_one_clear_message(p.stderr)
    [(_, status, _)] = crawl_rows(db_file)
    assert status == "running"  # never "finished"; a later --resume carries on from it
