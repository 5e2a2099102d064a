"""`zwgk run` against a site with a 互动交流 section (tests/fixtures/interactsite.py: 柳川县人民政府):
two mailboxes in two layouts (a table list with a status column and letters as label/value cells;
a ul list of answered letters with dl/dd pages), paginated; a 网上信访 channel that must not count.

The interaction checks' findings equal the answer key — the letter unanswered for 135 days, the
replies later than 3 working days across 国庆 and not the one exactly 3 working days later —
under national-web-2019 (gw-v5a, gw-v5b, gw-d7) and yiyuan-2023 (yy-164); results.json's
`interaction` summary and the report's 互动交流 section show what was read.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.siterun import Run, run_site
from tests.fixtures import interactsite

KEY = interactsite.answer_key()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Run, dict, Path]:
    base = tmp_path_factory.mktemp("interact")
    db = f"sqlite:///{base / 'zwgk.db'}"
    run = run_site(interactsite, base, max_pages=500, args=("--checklist", "national-web-2019", "--db", db))
    out = base / "yiyuan"
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "audit", "--db", db, "--checklist", "yiyuan-2023",
                        "--as-of", interactsite.AS_OF, "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return run, json.loads((out / "results.json").read_text(encoding="utf-8")), base


def _outcome(results: dict, check: str) -> str:
    outcomes = {i["check"]: i["outcome"] for i in _leaves(results["scores"]["tree"]) if i.get("check")}
    return outcomes[check]


def _leaves(nodes):
    for n in nodes:
        if n.get("children"):
            yield from _leaves(n["children"])
        else:
            yield n


def _office_result(results: dict, check: str, office: str) -> dict:
    leaf = next(i for i in _leaves(results["scores"]["tree"]) if i.get("check") == check)
    return next(r for r in leaf["results"] if r["office"] == office)


@pytest.mark.parametrize("check", sorted(KEY["findings"]))
def test_findings_equal_the_answer_key(runs, check):
    """The county's own channels (the homepage's): findings with no office, as before 评估对象 had
    channels of their own."""
    run, yiyuan, _ = runs
    results = yiyuan if check == "interaction-reply-lag" else run.results
    outcome, want = KEY["findings"][check]
    assert _outcome(results, check) == outcome
    got = {run.key_form(f["url"]): f for f in results["findings"] if f["check"] == check and f["office"] is None}
    assert set(got) == {path for path, _ in want}
    for path, details in want:
        for k, v in details.items():
            assert got[path][k] == v, (path, k)


@pytest.mark.parametrize("office", sorted(KEY["offices"]))
def test_each_office_judged_on_its_own_mailbox(runs, office):
    """A department's 局长信箱 and a township's 书记信箱, linked only from their own pages, are
    judged for them: the findings name the office; an office without a mailbox is not_applicable."""
    run, yiyuan, _ = runs
    want = KEY["offices"][office]
    for check, (outcome, findings) in want["findings"].items():
        results = yiyuan if check == "interaction-reply-lag" else run.results
        assert _office_result(results, check, office)["outcome"] == outcome, check
        got = {run.key_form(f["url"]): f for f in results["findings"] if f["check"] == check and f["office"] == office}
        assert set(got) == {path for path, _ in findings}, check
        for path, details in findings:
            for k, v in details.items():
                assert got[path][k] == v, (path, k)
    s = run.results["interaction"]
    assert {c["name"]: c["kind"] for c in s["channels"] if c["office"] == office} == want["channels"]
    mine = next((o for o in s["offices"] if o["office"] == office), None)
    assert (mine or {"messages": 0})["messages"] == want["messages"]


def test_office_scores_carry_their_own_interaction_results(runs):
    """results.json `offices` (each 评估对象's score and vetoes): the department whose mailbox left a
    letter open 163 days has the 互动回应差 veto (gw-v5b), the township answering on time has not,
    and the county keeps its own."""
    run, _, _ = runs
    rows = {r["name"]: r for r in run.results["offices"]}
    portal = next(r for r in run.results["offices"] if r["name"] not in KEY["offices"])
    assert "gw-v5b" in rows["县教育和体育局"]["veto"] and "gw-v5b" in portal["veto"]
    assert "gw-v5b" not in rows["城关镇"]["veto"] and "gw-v5b" not in rows["县财政局"]["veto"]
    assert rows["县教育和体育局"]["findings"] > rows["城关镇"]["findings"]


def test_veto_lines_are_automated(runs):
    run, yiyuan, _ = runs
    by_id = {i["id"]: i for i in _leaves(run.results["scores"]["tree"])}
    assert by_id["gw-v5a"]["outcome"] == "pass" and by_id["gw-v5b"]["outcome"] == "fail"
    assert by_id["gw-d7"]["outcome"] == "pass"
    assert run.results["summary"]["passed"] is False  # a failed veto item
    assert {i["id"]: i for i in _leaves(yiyuan["scores"]["tree"])}["yy-164"]["outcome"] == "needs_review"


def test_channels_and_summary(runs):
    run, _, _ = runs
    s = run.results["interaction"]
    kinds = {c["name"]: c["kind"] for c in s["channels"]}
    for name, kind in KEY["channels"].items():
        assert kinds.get(name) == kind, name
    read = {c["name"]: c for c in s["channels"]}
    assert read["县长信箱"]["pages"] == 3 and read["部门信箱"]["pages"] == 4
    assert read["网上信访"]["state"] == "found" and read["网上信访"]["messages"] == 0
    assert s["messages"] == KEY["messages"]
    assert s["pages_read"] == KEY["messages"] - len(KEY["unread_pages"])
    assert s["overdue"] == 1 and s["late"] == 2
    assert s["latest_reply"] == KEY["latest_reply"]
    assert s["median_working_days"] == 1


def test_excluded_channels_letters_never_requested(runs):
    run, _, _ = runs
    asked = {path for _, path in run.requests}
    assert not asked & set(KEY["never_requested"])
    letters = [p for p in asked if "/hdjl/xzxx/2023" in p or "detail.jsp" in p]
    assert len(letters) == len(set(letters)) == KEY["messages"]  # each letter's page asked once



def test_report_shows_the_interaction_section(runs):
    _, _, base = runs
    html = (base / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="interaction"' in html
    for text in ("互动交流", "县长信箱", "部门信箱", "网上信访", "超过 90 天（3个月）未回复", "2023-11-24",
                 "县教育和体育局", "局长信箱", "城关镇", "书记信箱", "按评估对象分别检查"):
        assert text in html, text


def test_same_findings_in_another_response_order(runs, tmp_path):
    """Answers held back by seeded random delays: the same messages and interaction findings."""
    run, _, _ = runs
    shuffled = run_site(interactsite, tmp_path, max_pages=500, max_delay=0.03, seed=2,
                        args=("--checklist", "national-web-2019", "--db", f"sqlite:///{tmp_path / 'zwgk.db'}"))

    def interaction(r: Run):
        return sorted((f["check"], r.key_form(f["url"]), f["office"] or "") for f in r.results["findings"]
                      if f["check"].startswith("interaction-"))
    assert interaction(shuffled) == interaction(run)
    assert shuffled.results["interaction"]["messages"] == run.results["interaction"]["messages"]
    assert shuffled.documents() == run.documents()
    assert sorted(shuffled.key_form(x["url"]) for x in shuffled.results["interaction"]["surveys"]) == sorted(
        run.key_form(x["url"]) for x in run.results["interaction"]["surveys"])
    assert [(c["name"], c["office"]) for c in shuffled.results["interaction"]["channels"]] == [
        (c["name"], c["office"]) for c in run.results["interaction"]["channels"]]


# ---- across --resume: a crawl stopped part-way and resumed ends as an uninterrupted one ----------

def _crawl(url: str, db: Path, *extra: str, wait: bool = True):
    args = [sys.executable, "-m", "zwgk.cli", "crawl", url, "--db", f"sqlite:///{db}", "--network", "loopback",
            "--concurrency", "2", *extra]
    if not wait:
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return p


def _q(db: Path, sql: str, *args):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def _messages(db: Path) -> set[tuple]:
    return set(_q(db, "select url, channel, channel_url, channel_kind, title, asked_on, answered_on, status, replied,"
                      " answered_by, office, page_read, list_page from message"))


def _interaction_fact(db: Path) -> dict:
    (facts,) = _q(db, "select facts from crawl")[0]
    fact = json.loads(facts)["interaction"]
    return {**fact, "channels": sorted(fact["channels"], key=lambda c: c["url"])}


def _interaction_findings(db: Path, out: Path) -> list[tuple]:
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "audit", "--db", f"sqlite:///{db}", "--crawl", "1",
                        "--checklist", "national-web-2019", "--as-of", interactsite.AS_OF, "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return (sorted((f["check"], f["url"], f.get("office"), json.dumps(f.get("details"), sort_keys=True,
                                                                       ensure_ascii=False))
                   for f in results["findings"] if f["check"].startswith("interaction-")), results["interaction"])


def _paths(db, sql: str) -> set[str]:
    return {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "") for (u,) in _q(db, sql)}


@pytest.mark.parametrize("stop", ["kill", "time-budget"])
def test_resumed_crawl_ends_with_the_same_interaction_facts_and_messages(tmp_path, stop):
    """A crawl stopped after some messages were stored — killed with SIGKILL (nothing of the crawl's
    facts written) or stopped by --time-budget (the facts of the part crawled written) — and resumed
    with --resume ends with the channels, messages and findings of an uninterrupted crawl: none lost,
    none doubled."""
    clean_db, db = tmp_path / "clean.db", tmp_path / "resumed.db"
    total = KEY["messages"] + sum(o["messages"] for o in KEY["offices"].values()) + KEY["surveys"]["rows"]
    with interactsite.serve(max_delay=0.05, seed=3) as srv:
        _crawl(srv.url, clean_db, "--delay", "0")
        if stop == "kill":
            proc = _crawl(srv.url, db, "--delay", "0.1", wait=False)
            deadline = time.time() + 120
            n = 0
            while time.time() < deadline and proc.poll() is None:
                time.sleep(0.2)
                try:
                    n = _q(db, "select count(*) from message")[0][0]
                except sqlite3.OperationalError:
                    n = 0  # not created yet
                if n >= 5:
                    break
            proc.kill()
            proc.wait()
            assert _q(db, "select status, facts from crawl") == [("running", None)]
        else:
            # how far a budget gets depends on the machine's load: the first budget that stops the
            # crawl after some messages and before all of them (a fresh database each time)
            for budget in ("0.08", "0.15", "0.3", "0.6", "1.2"):
                for f in tmp_path.glob("resumed.db*"):
                    f.unlink()
                _crawl(srv.url, db, "--delay", "0.15", "--time-budget", budget)
                if 0 < _q(db, "select count(*) from message")[0][0] < total:
                    break
            assert _q(db, "select status from crawl") == [("interrupted",)]
            assert json.loads(_q(db, "select facts from crawl")[0][0])["interaction"]["channels"]
        before = _q(db, "select count(*) from message")[0][0]
        assert 0 < before < total
        read = _paths(db, "select url from message where page_read")
        docs_before = _paths(db, "select url from document")
        mark = len(srv.requests)
        _crawl(srv.url, db, "--delay", "0", "--resume")
        asked = Counter(p for _, p in srv.requests[mark:])
    # letters read before the stop are not asked again (their rows are kept, as documents' are); a
    # 征集 item the 意见征集 column lists too is asked again, once, only when its document was not stored
    docs_new = _paths(db, "select url from document") - docs_before
    assert read and read & set(asked) <= docs_new, sorted(read & set(asked) - docs_new)
    assert all(asked[p] == 1 for p in read & set(asked))
    assert _q(db, "select id, status from crawl") == [(1, "finished")]
    assert _q(db, "select count(*) from message") == [(total,)]  # nothing doubled
    assert _messages(db) == _messages(clean_db)
    assert _interaction_fact(db) == _interaction_fact(clean_db)
    got, summary = _interaction_findings(db, tmp_path / "resumed")
    want, clean_summary = _interaction_findings(clean_db, tmp_path / "clean")
    assert got == want and summary == clean_summary
    assert any(f[0] == "interaction-overdue" and f[2] == "县教育和体育局" for f in got)


def test_survey_channels_read_and_results_found(runs):
    """调查征集: both survey channels (a ul list over two pages with result entries, a table with a
    result column) are read; each 征集 closed more than 20 working days before the audit date
    within the year has its result found (an entry of the list, a section of its page, the result
    column) or is a finding — fail only where the list shows results and this one has none; the
    open one, the one closed 14 working days before and the one of 2022 are not judged."""
    run, _, _ = runs
    key = KEY["surveys"]
    outcome, want = key["findings"]
    got = {run.key_form(f["url"]): f for f in run.results["findings"]
           if f["check"] == "interaction-survey-result" and f["office"] is None}
    assert set(got) == {path for path, _ in want}
    for path, details in want:
        for k, v in details.items():
            assert got[path][k] == v, (path, k)
    s = run.results["interaction"]
    chans = {c["name"]: c for c in s["channels"]}
    for name, kind in key["channels"].items():
        assert chans[name]["kind"] == kind and chans[name]["state"] == "read", name
    assert chans["意见征集"]["pages"] == 2
    surveys = {run.key_form(x["url"]): x for x in s["surveys"]}
    assert set(surveys) == set(key["items"])
    for path, how in key["items"].items():
        found = surveys[path]["result"]
        if how is None:
            assert found is None, path
        elif how == "entry":
            assert found and found.endswith("_502.html"), path
        else:
            assert found == {"page": "页面", "cell": "列表"}[how], path
    # the 意见征集 list is a disclosure column too (政府信息公开 → 意见征集): each reading has all of it
    yjzj = {x.path for x in interactsite.SURVEYS if x.channel == "yjzj"}
    assert yjzj <= run.documents()
    by_title = {x["title"]: x for x in s["surveys"]}
    assert by_title["关于征集2024年县政府民生实事项目建议的公告"]["status"] == "进行中"
    assert by_title["2023年县城公交线路优化网上调查"]["end"] == "2023-10-15"


def test_report_shows_the_surveys(runs):
    _, _, base = runs
    html = (base / "out" / "report.html").read_text(encoding="utf-8")
    for text in ("调查征集", "意见征集", "网上调查", "柳川县农村人居环境整治方案",
                 "未找到征集结果"):
        assert text in html, text
