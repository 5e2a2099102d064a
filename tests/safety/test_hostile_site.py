"""A hostile county site, crawled inside a loopback-only network namespace (tests/fixtures/hostile.py):
nothing reaches the canary intranet service, every trap ends, what could not be read says so."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.hostile import EXPECTED_DOCUMENTS, SECRET
from tests.safety.namespace import needs_namespace, run_in_namespace

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_namespace


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    run = run_in_namespace("hostile", out)
    results = json.loads((out / "report" / "results.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(out / "report" / "zwgk.db")
    states = {url: (state, error) for url, state, error in db.execute("SELECT url, state, error FROM link_target")}
    return run, results, states, (out / "report" / "report.html").read_text(encoding="utf-8")


def _path(url: str) -> str:
    return urlsplit(url).path


def test_no_request_reaches_the_intranet(hostile):
    run, results, _, report = hostile
    assert run["canary"] == []
    assert SECRET not in json.dumps(results, ensure_ascii=False) and "内网管理后台" not in report


def test_intranet_links_and_redirects_are_wrong_links(hostile):
    run, _, states, _ = hostile
    base = run["site_url"].rstrip("/")
    for text, href in run["hazards"].items():
        url = href if href.startswith("http") else base + href
        found = [v for k, v in states.items() if k.rstrip("/") == url.rstrip("/").lower().replace("[::1]", "[::1]")
                 or k == url]
        assert found, (text, url, sorted(states)[:50])
        state, error = found[0]
        assert state == "wrong", (text, url, state, error)
    assert "file:" in states[base + "/go/file"][1]
    assert "解析到内网地址" in states[run["hazards"]["办公系统"]][1]


def test_a_document_redirecting_to_the_intranet_is_not_a_document(hostile):
    run, results, states, _ = hostile
    docs = {_path(d["url"]) for d in results["documents"]}
    assert "/xxgk/gzdt/gzdt_9.html" not in docs
    assert states[run["site_url"] + "xxgk/gzdt/gzdt_9.html"][0] == "wrong"


def test_every_listed_document_once_whatever_the_session_id(hostile):
    _, results, _, _ = hostile
    docs = [_path(d["url"]) for d in results["documents"]]
    assert sorted(docs) == sorted(EXPECTED_DOCUMENTS)  # 6 规范性文件 read through a flaky server, once each


def test_traps_end_and_say_so(hostile):
    run, results, _, report = hostile
    paths = Counter(urlsplit(p).path for p in run["requests"])
    assert sum(paths.values()) < 200, paths.most_common(10)
    assert paths["/xxgk/gzdt/"] <= 3  # the calendar: one page of the next month, no new entries, stop
    assert sum(n for p, n in paths.items() if p.startswith("/xxgk/tzgg/")) < 60
    # the relative menu answered at any depth: its first level answers 通知公告's list again, is
    # recognised as that page (no column of its own) and not followed further — no bound needed
    echoes = results["crawl"]["echoes"]
    assert echoes["count"] == 2 and {_path(e["same_as"]) for e in echoes["examples"]} == {"/xxgk/tzgg/"}
    assert not [c for c in results["columns"] if _path(c["url"]).startswith("/xxgk/tzgg/") and _path(c["url"]) != "/xxgk/tzgg/"]


def test_columns_not_read_are_never_blank(hostile):
    _, results, _, _ = hostile
    cols = {_path(c["url"]): c for c in results["columns"]}
    assert "Disallow: /xxgk/zcjd/" in cols["/xxgk/zcjd/"]["read_error"]  # robots.txt: named, not dropped
    assert "500" in cols["/xxgk/qtwj/"]["read_error"] and "重试" in cols["/xxgk/qtwj/"]["read_error"]
    assert cols["/xxgk/gfxwj/"]["read_error"] is None and cols["/xxgk/gfxwj/"]["entries"] == 6
    blank = [f for f in results.get("findings", []) if f.get("check") == "blank-column"]
    assert not [f for f in blank if _path(f["url"]) in ("/xxgk/zcjd/", "/xxgk/qtwj/")]


def test_an_intermittent_server_gives_no_broken_links(hostile):
    run, _, states, _ = hostile
    flaky = {k: v for k, v in states.items() if "/xxgk/gfxwj/" in k}
    assert flaky and all(state == "ok" for state, _ in flaky.values()), flaky
    # the column that always fails, on a host that errs now and then: not judged broken
    assert states[run["site_url"] + "xxgk/qtwj/"][0] == "inconclusive"


def test_a_robots_disallowed_interpretation_column_is_not_not_applicable(hostile):
    """The 政策解读 column robots.txt forbids is kept: its indicator needs review and says why."""
    _, results, _, _ = hostile

    def leaves(nodes):
        for n in nodes:
            yield from leaves(n.get("children") or []) if n.get("children") else [n]

    [node] = [n for n in leaves(results["scores"]["tree"])
              if n.get("check") == "stale-column" and (n.get("params") or {}).get("column") == "interpretation"]
    assert node["outcome"] == "needs_review"
    assert "不允许抓取" in node["note"] and "Disallow: /xxgk/zcjd/" in node["note"]


def test_resume_does_not_walk_back_into_a_trap(tmp_path):
    """A crawl cut by its time budget, then resumed: the resumed crawl meets the same bounds."""
    subprocess.run(["unshare", "-n", "-m", sys.executable, str(ROOT / "tests/fixtures/hostile_run.py"), str(tmp_path),
                    "--time-budget 0.01", "--resume"], check=True, timeout=900, cwd=ROOT)
    run = json.loads((tmp_path / "hostile.json").read_text(encoding="utf-8"))
    first, second = run["runs"]
    assert second["returncode"] == 0, second["stderr"][-3000:]
    assert run["canary"] == []
    assert second["requests"] < 400  # both runs together: the bounds hold across --resume
    paths = Counter(urlsplit(p).path for p in run["requests"])
    assert paths["/xxgk/gzdt/"] <= 6 and sum(n for p, n in paths.items() if p.startswith("/xxgk/tzgg/")) < 120
