"""Every check against its YAML cases (tests/auditor/cases/<check-id>.yaml), sqlfluff-style.

Adding a regression case is adding data: a snapshot, params and what the check must say.
Checks run through registry.run_check, as the auditor runs them, so a check that raises
shows up as outcome `error`.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from snapshot_yaml import SITE, build_snapshot, load_cases, unmatched
from zwgk.auditor import registry
from zwgk.auditor.snapshot import spill_documents

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
ALL_CASES = [c for p in CASE_FILES for c in load_cases(p)]


def pytest_generate_tests(metafunc):
    if "check_case" in metafunc.fixturenames:
        metafunc.parametrize("check_case", ALL_CASES, ids=[f"{c[0]}:{c[1]}" for c in ALL_CASES])


def test_case(check_case):
    check_id, name, case = check_case
    spec = registry.get(check_id)
    snap = build_snapshot(case.get("snapshot"))
    if spec.scope == "office":
        snap = snap.for_office(case.get("office"))
    res = registry.run_check(spec, snap, case.get("params") or {})
    exp = case["expect"]
    assert res.outcome == exp["outcome"], f"{name}: {res.outcome} ({res.note}); findings {res.findings}"
    missing, extra = unmatched(res.findings, exp.get("findings") or [], check_id,
                               (case.get("snapshot") or {}).get("site_url", SITE))
    assert not missing and not extra, f"{name}: expected but not found {missing}; unexpected {extra}"
    assert {f.check for f in res.findings} <= set(spec.finding_ids), "a finding id the registry does not name"
    if "checked" in exp:
        assert res.checked == exp["checked"]
    if "note_contains" in exp:
        assert exp["note_contains"] in res.note, res.note
    assert res.note, "every result explains itself in a note"


# checks whose findings a machine cannot be sure of: they never fail, their findings are needs_review
REVIEW_ONLY = {"leader-name", "hijacked-link", "serious-misspelling"}


def test_every_check_has_pass_and_fail_cases():
    outcomes: dict[str, set[str]] = {}
    for check_id, _, case in ALL_CASES:
        outcomes.setdefault(check_id, set()).add(case["expect"]["outcome"])
    for check_id in registry.load_all():
        bad = "needs_review" if check_id in REVIEW_ONLY else "fail"
        assert {"pass", bad} <= outcomes.get(check_id, set()), f"{check_id}: needs a pass and a {bad} case"
        if check_id in REVIEW_ONLY:
            assert "fail" not in outcomes[check_id], f"{check_id}: never fails"


def test_case_files_name_registered_checks():
    checks = registry.load_all()
    for p in CASE_FILES:
        for check_id, name, case in load_cases(p):
            assert check_id == p.stem, f"{p.name}: check {check_id!r} in a file named for another"
            assert check_id in checks, f"{p.name}: unknown check {check_id!r}"
            assert set(case.get("params") or {}) <= set(checks[check_id].params()), f"{p.name}:{name}: unknown param"


@pytest.mark.parametrize("check_id", sorted(registry.load_all()))
def test_check_is_documented(check_id):
    spec = registry.get(check_id)
    assert spec.func.__doc__ and len(spec.func.__doc__.strip()) > 40
    assert spec.title and spec.failure_title and spec.columns
    assert spec.scope in ("office", "site")
    for name, p in spec.params().items():
        assert p.kind is p.KEYWORD_ONLY or p.kind is p.POSITIONAL_OR_KEYWORD, name


def test_every_check_and_finding_id_is_named_once_in_the_registry():
    """title (indicator-style, 无断链), failure_title (the finding type, 存在断链) and evidence
    columns for every check and for every finding id a check reports: results.json's `checks`."""
    checks = registry.load_all()
    voc = registry.vocabulary()
    ids = set(checks) | {fid for spec in checks.values() for fid in spec.finding_ids}
    assert set(voc) == ids
    for cid, entry in voc.items():
        assert entry["title"].strip() and entry["failure_title"].strip(), cid
        assert entry["title"] != entry["failure_title"], cid
        assert entry["columns"], f"{cid}: no evidence columns"
        assert entry["columns"][0]["key"] == "url", f"{cid}: evidence starts with what is at fault"
        keys = [c["key"] for c in entry["columns"]]
        assert len(keys) == len(set(keys)), f"{cid}: a column twice"
        for c in entry["columns"]:
            assert set(c) == {"key", "label", "kind"} and c["label"].strip(), (cid, c)
            assert c["kind"] in registry.COLUMN_KINDS, (cid, c)
        if "check" in entry:  # a finding id of another check
            assert entry["check"] in checks and cid in checks[entry["check"]].finding_ids
    # one finding type, one name: only a check and the finding id it reports under share theirs
    by_name: dict[str, set[str]] = {}
    for cid, entry in voc.items():
        by_name.setdefault(entry["failure_title"], set()).add(cid)
    for name, owners in by_name.items():
        assert len(owners) == 1 or any(checks[o].finding in owners for o in owners if o in checks), (name, owners)


def test_evidence_columns_are_keys_the_findings_carry():
    """Each evidence column names something the check's findings carry (in some case)."""
    seen: dict[str, set[str]] = {}
    for check_id, _, case in ALL_CASES:
        spec = registry.get(check_id)
        snap = build_snapshot(case.get("snapshot"))
        if spec.scope == "office":
            snap = snap.for_office(case.get("office"))
        for f in registry.run_check(spec, snap, case.get("params") or {}).findings:
            seen.setdefault(f.check, set()).update({"url", "office"} | ({"source"} if f.source else set())
                                                    | set(f.details))
    for fid, entry in registry.vocabulary().items():
        if fid not in seen:
            continue
        missing = [c["key"] for c in entry["columns"] if c["key"] not in seen[fid]]
        assert not missing, f"{fid}: evidence columns no finding carries: {missing}"


def test_case_with_documents_read_back_from_a_file(check_case):
    """A large crawl's documents are kept in a temporary file and read back at each pass
    (auditor/spill.py): every check says exactly the same of them — outcome, findings in order,
    count, note — as of the same documents held in memory."""
    check_id, name, case = check_case
    spec = registry.get(check_id)
    held = build_snapshot(case.get("snapshot"))
    spilled = replace(held, documents=spill_documents(held.documents))
    assert list(spilled.documents) == list(held.documents)
    if spec.scope == "office":
        held, spilled = held.for_office(case.get("office")), spilled.for_office(case.get("office"))
        assert not isinstance(spilled.documents, tuple)
    a = registry.run_check(spec, held, case.get("params") or {})
    b = registry.run_check(spec, spilled, case.get("params") or {})
    assert (b.outcome, b.findings, b.checked, b.note) == (a.outcome, a.findings, a.checked, a.note), name
