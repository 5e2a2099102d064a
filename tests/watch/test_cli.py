"""`zwgk watch` as a user runs it: once from a scheduler, as a long-lived process stopped by
SIGTERM (or killed outright) and restarted, and `--report`."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from zwgk.cli import main


def count(db: str) -> int:
    engine = create_engine(db)
    try:
        with engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM probe")).scalar_one()
    except Exception:  # the table is not there yet: the watcher is still migrating
        return 0
    finally:
        engine.dispose()


def ids(db: str) -> list[int]:
    engine = create_engine(db)
    with engine.connect() as c:
        out = [r[0] for r in c.execute(text("SELECT id FROM probe ORDER BY id"))]
    engine.dispose()
    return out


def start(url: str, db: str, *more: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zwgk.cli", "watch", url, "--db", db, *more],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(pred, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_once_probes_the_homepage_and_the_named_disclosure_root(tmp_path, plan_server):
    s = plan_server({"/": ["ok"], "/xxgk/": ["503"]})
    (tmp_path / "p.yaml").write_text(f"roots: ['{s.url}xxgk/']\n", encoding="utf-8")
    (tmp_path / "sites.csv").write_text(f"名称,网址,配置\n示例县,{s.url},p.yaml\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'w.db'}"
    r = CliRunner().invoke(main, ["watch", str(tmp_path / "sites.csv"), "--db", db, "--once"])
    assert r.exit_code == 0, r.output
    assert "首页" in r.output and "正常" in r.output and "政务公开专栏" in r.output and "HTTP 503" in r.output
    assert s.hits == {"/": 1, "/xxgk/": 1} and count(db) == 2
    r = CliRunner().invoke(main, ["watch", "--report", "--db", db, "--days", "1", "--json"])
    (fact,) = json.loads(r.output)
    assert [(t["target"], t["probes"], t["failures"]) for t in fact["targets"]] == [("home", 1, 0), ("root", 1, 1)]


def test_sigterm_stops_cleanly_and_a_restart_keeps_every_probe(tmp_path, plan_server):
    s = plan_server({"/": ["ok"] * 9 + ["503"]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    p = start(s.url, db, "--interval", "0.05", "--network", "loopback")
    wait_for(lambda: count(db) >= 10)
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=20)
    assert p.returncode == 0, out
    assert "收到信号 SIGTERM" in out and "监测已停止" in out
    first = ids(db)
    n = int(out.split("本次共记录 ")[1].split(" ")[0])
    assert n == len(first) == s.hits["/"]          # every request made was stored, nothing more
    # restarted: the earlier probes are all still there, and new ones are added after them
    p = start(s.url, db, "--interval", "0.05", "--network", "loopback", "--rounds", "5", "--quiet")
    out, _ = p.communicate(timeout=30)
    assert p.returncode == 0, out
    after = ids(db)
    assert after[:len(first)] == first and len(after) == len(first) + 5


def test_sigterm_waits_for_the_probe_under_way_and_stores_it(tmp_path, plan_server):
    s = plan_server({"/": ["slow"]}, slow_s=1.5)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    p = start(s.url, db, "--interval", "600", "--network", "loopback")
    wait_for(lambda: s.hits.get("/"))
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=20)
    assert p.returncode == 0, out
    assert time.monotonic() - t0 < 10
    engine = create_engine(db)
    with engine.connect() as c:
        rows = c.execute(text("SELECT outcome, elapsed_ms FROM probe")).all()
    engine.dispose()
    assert len(rows) == 1 and rows[0][0] == "ok" and rows[0][1] >= 1500


def test_kill_9_loses_no_committed_probe(tmp_path, plan_server):
    s = plan_server({"/": ["ok"]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    p = start(s.url, db, "--interval", "0.05", "--network", "loopback", "--quiet")
    wait_for(lambda: count(db) >= 5)
    p.kill()
    p.wait(timeout=10)
    # every answered request but the one (at most) under way when the process died is stored
    assert s.hits["/"] - 1 <= count(db) <= s.hits["/"]


def test_an_internal_address_the_user_did_not_name_is_not_requested(tmp_path, plan_server):
    intranet = plan_server({"/": ["ok"]})
    s = plan_server({"/": [f"redirect:{intranet.url}"]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    r = CliRunner().invoke(main, ["watch", s.url, "--db", db, "--once"])
    assert r.exit_code == 0, r.output
    assert "失败" in r.output and "内网地址" in r.output
    assert intranet.hits == {}


def test_report_in_chinese_per_day(tmp_path, plan_server):
    s = plan_server({"/": ["ok", "ok", "ok", "503"]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    r = CliRunner().invoke(main, ["watch", s.url, "--db", db, "--interval", "0.01", "--rounds", "8", "--quiet"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["watch", "--report", "--db", db, "--days", "1"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "失败占比" in r.output and "25.0%" in r.output and "HTTP 503" in r.output
    assert "待人工核查" in r.output and "监测次数不足" in r.output
    r = CliRunner().invoke(main, ["watch", "--report", "--db", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert r.exit_code != 0 and "没有可用性监测记录" in r.output


def test_bad_source_is_named(tmp_path):
    r = CliRunner().invoke(main, ["watch", "no-such-file.csv", "--db", f"sqlite:///{tmp_path / 'w.db'}", "--once"])
    assert r.exit_code != 0 and "no-such-file.csv" in r.output


def _crawled(db: str, site: str, root: str) -> None:
    """A stored crawl of `site` that found its disclosure root at `root`."""
    from datetime import datetime, timezone

    from zwgk.store.db import open_db
    from zwgk.store.models import Crawl, Page, Site, key_of

    now = datetime.now(timezone.utc)
    with open_db(db)() as s:
        site_row = Site(url=site, url_key=key_of(site), created_at=now)
        s.add(site_row)
        s.flush()
        crawl = Crawl(site_id=site_row.id, start_url=site, started_at=now, status="finished")
        s.add(crawl)
        s.flush()
        s.add(Page(crawl_id=crawl.id, url=root, kind="root", fetched_at=now))
        s.commit()


def test_the_root_a_crawl_found_is_probed_under_the_policy(tmp_path, plan_server):
    """Without a root in the site list, the latest crawl's is probed; not named by the user, it is
    judged like any URL: an internal address elsewhere is refused unrequested."""
    s = plan_server({"/": ["ok"], "/xxgk/": ["ok"]})
    elsewhere = plan_server({"/xxgk/": ["ok"]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    _crawled(db, s.url, s.url + "xxgk/")
    r = CliRunner().invoke(main, ["watch", s.url, "--db", db, "--once"])
    assert r.exit_code == 0, r.output
    assert s.hits == {"/": 1, "/xxgk/": 1}
    other = tmp_path / "other.db"
    db2 = f"sqlite:///{other}"
    _crawled(db2, s.url, elsewhere.url + "xxgk/")
    r = CliRunner().invoke(main, ["watch", s.url, "--db", db2, "--once"])
    assert r.exit_code == 0, r.output
    assert "内网地址" in r.output and elsewhere.hits == {}
    r = CliRunner().invoke(main, ["watch", s.url, "--db", db2, "--once", "--no-root"])
    assert r.exit_code == 0 and s.hits["/"] == 3 and count(db2) == 3  # home, refused root; home
