"""Two nightly runs of the sample site: the diff lists exactly the changes planted between them."""
from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve



def zwgk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=600)

# planted between the runs: two broken targets appear (fixed), one working attachment disappears (new)
FIXED = ["/xxgk/qtwj/202302/P020230206451242899000.xls", "/xxgk/gzdt/202305/W02023050445128899.jpg"]


def _path(url):
    return urlsplit(url).path


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("nightly")
    site = base / "site"
    key = generate(site)
    db = f"sqlite:///{base / 'zwgk.db'}"
    common = ["--as-of", key["as_of"], "--network", "loopback", "--concurrency", "8", "--delay", "0", "--db", db]
    with serve(site) as server:
        p1 = zwgk("run", server.url, "--out", str(base / "run1"), *common)
        assert p1.returncode == 0, p1.stderr[-3000:]
        first = json.loads((base / "run1" / "results.json").read_text(encoding="utf-8"))
        broken = {(_path(f["url"]), _path(f["source"])) for f in first["findings"] if f["check"] == "broken-link"}
        for path in FIXED:
            assert any(u == path for u, _ in broken), path  # the key's planted defect was found
            (site / path.lstrip("/")).write_bytes(b"fixed")
        # an attachment that worked and is linked from one document only
        doc = next(d for d in first["documents"] if len(d["attachments"]) == 1
                   and (site / _path(d["attachments"][0]["url"]).lstrip("/")).is_file()
                   and not any(_path(d["attachments"][0]["url"]) == u for u, _ in broken)
                   and sum(a["url"] == d["attachments"][0]["url"] for x in first["documents"]
                           for a in x["attachments"]) == 1)
        removed = _path(doc["attachments"][0]["url"])
        (site / removed.lstrip("/")).unlink()
        p2 = zwgk("run", server.url, "--out", str(base / "run2"), *common)
        assert p2.returncode == 0, p2.stderr[-3000:]
    second = json.loads((base / "run2" / "results.json").read_text(encoding="utf-8"))
    diff = zwgk("diff", "--db", db, "--site", server.url, "--json")
    assert diff.returncode == 0, diff.stderr
    text = zwgk("diff", "--db", db)
    return dict(first=first, second=second, diff=json.loads(diff.stdout)[0], text=text.stdout, removed=removed,
                doc=_path(doc["url"]), base=base, db=db)


def test_diff_lists_exactly_the_planted_changes(two_runs):
    d = two_runs["diff"]
    assert [(f["check"], _path(f["url"]), _path(f["source"])) for f in d["new"]] == \
        [("broken-link", two_runs["removed"], two_runs["doc"])]
    assert sorted(_path(f["url"]) for f in d["fixed"]) == sorted(FIXED)
    assert all(f["check"] == "broken-link" for f in d["fixed"])
    assert len(d["persisting"]) == len(two_runs["first"]["findings"]) - 2


def test_results_carry_first_seen_days_open_and_changes(two_runs):
    first, second = two_runs["first"], two_runs["second"]
    assert first["changes"]["previous"] is None
    ch = second["changes"]
    assert (ch["new"], ch["fixed"], ch["persisting"]) == (1, 2, len(first["findings"]) - 2)
    assert ch["previous"]["audit_id"] == first["audit_id"]
    seen = {(f["check"], f["url"], f["source"]): f["first_seen"] for f in first["findings"]}
    for f in second["findings"]:
        assert f["days_open"] >= 0
        if (f["check"], f["url"], f["source"]) in seen:  # persisting: first seen on the first run
            assert f["first_seen"] == seen[(f["check"], f["url"], f["source"])]


def test_diff_text_and_report_show_the_change(two_runs):
    assert "新增问题 1 个，已整改 2 个" in two_runs["text"]
    assert two_runs["removed"] in two_runs["text"]
    html = (two_runs["base"] / "run2" / "report.html").read_text(encoding="utf-8")
    assert "（本次）" in html  # the trends table has the earlier run and this one
    first_html = (two_runs["base"] / "run1" / "report.html").read_text(encoding="utf-8")
    assert "（本次）" not in first_html


def test_report_command_takes_history_from_a_folder(two_runs, tmp_path):
    base = two_runs["base"]
    out = tmp_path / "r.html"
    p = zwgk("report", str(base / "run2" / "results.json"), "--history", str(base / "run1"), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "（本次）" in out.read_text(encoding="utf-8")
