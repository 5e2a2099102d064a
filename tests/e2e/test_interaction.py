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
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("check", sorted(KEY["findings"]))
def test_findings_equal_the_answer_key(runs, check):
    run, yiyuan, _ = runs
    results = yiyuan if check == "interaction-reply-lag" else run.results
    outcome, want = KEY["findings"][check]
    assert _outcome(results, check) == outcome
    got = {run.key_form(f["url"]): f for f in results["findings"] if f["check"] == check}
    assert set(got) == {path for path, _ in want}
    for path, details in want:
        for k, v in details.items():
            assert got[path][k] == v, (path, k)


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
    for text in ("互动交流", "县长信箱", "部门信箱", "网上信访", "超过 90 天（3个月）未回复", "2023-11-24"):
        assert text in html, text


def test_same_findings_in_another_response_order(runs, tmp_path):
    """Answers held back by seeded random delays: the same messages and interaction findings."""
    run, _, _ = runs
    shuffled = run_site(interactsite, tmp_path, max_pages=500, max_delay=0.03, seed=2,
                        args=("--checklist", "national-web-2019", "--db", f"sqlite:///{tmp_path / 'zwgk.db'}"))

    def interaction(r: Run):
        return sorted((f["check"], r.key_form(f["url"])) for f in r.results["findings"]
                      if f["check"].startswith("interaction-"))
    assert interaction(shuffled) == interaction(run)
    assert shuffled.results["interaction"]["messages"] == run.results["interaction"]["messages"]
