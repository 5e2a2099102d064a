"""The whole pipeline against the sample site: what the crawl found versus the answer key."""
from __future__ import annotations

import json
from collections import Counter
from urllib.parse import unquote, urlsplit

import pytest

from zwgk.auditor.scoring import match_office
from zwgk.vocab import classify_column, norm_text

from .conftest import zwgk

FIELDS = ["title", "doc_number", "written_date", "publish_date", "validity", "index_no", "publisher"]
# finding ids the key plants exhaustively: every such finding must be a planted defect
EXHAUSTIVE = {"broken-link", "wrong-link", "inconclusive-link", "doc-number-format", "missing-field", "date-order",
              "late-publication", "late-interpretation", "missing-interpretation", "interpretation-without-backlink",
              "stale-column", "short-retention", "site-identity", "late-annual-report", "missing-period"}


def key_form(run, url: str | None) -> str | None:
    """A URL as the answer key writes it: a path on the site, __EXTERNAL__/path, or the raw text."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return unquote(url)
    site, ext = urlsplit(run.site_url), urlsplit(run.external_url)
    path = unquote(parts.path) + (f"?{parts.query}" if parts.query else "")
    if parts.netloc == site.netloc:
        return path
    if parts.netloc == ext.netloc:
        return "__EXTERNAL__" + path
    return unquote(url)


def office(name):
    return match_office(name, ("县政府办公室",)) if name else None


def same_office(finding_office, key_office) -> bool:
    a = norm_text(finding_office or "县政府办公室").removeprefix("示例")
    b = norm_text(key_office or "县政府办公室").removeprefix("示例")
    return a == b


@pytest.fixture(scope="module")
def docs(sample_run):
    return {key_form(sample_run, d["url"]): d for d in sample_run.results["documents"]}


@pytest.fixture(scope="module")
def findings(sample_run):
    return [dict(f, url=key_form(sample_run, f["url"]), source=key_form(sample_run, f["source"]))
            for f in sample_run.results["findings"]]


def matches(defect: dict, f: dict) -> bool:
    if f["check"] != defect["check"]:
        return False
    if defect["check"] in ("missing-item", "missing-column"):
        what = "item" if defect["check"] == "missing-item" else "column"
        return same_office(f["office"], defect["office"]) and (
            norm_text(defect.get(what)) in norm_text(f.get(what) or "").replace("＋", ""))
    if unquote(f["url"]) != unquote(defect["url"]):
        return False
    if defect["check"] in ("broken-link", "wrong-link") and defect.get("source"):
        return f["source"] == defect["source"]
    if defect["check"] == "missing-field":
        return f.get("field") == defect["field"]
    if defect["check"] == "missing-period":
        return f.get("period") == defect["period"]
    return True


def test_run_printed_where_the_outputs_are(sample_run):
    assert "report.html" in sample_run.stderr and "results.json" in sample_run.stderr
    assert (sample_run.out / "report.html").stat().st_size > 10_000


def test_every_document_in_the_key_is_found(sample_run, docs):
    missing = [d["path"] for d in sample_run.key["documents"] if d["path"] not in docs]
    assert not missing, f"{len(missing)} documents not found, e.g. {missing[:5]}"


def test_no_document_outside_the_site_columns(sample_run, docs):
    known = {d["path"] for d in sample_run.key["documents"]}
    site_cols = {c["path"] for c in sample_run.key["columns"] if c.get("scope") == "site"}
    extra = [p for p, d in docs.items()
             if p not in known and key_form(sample_run, d.get("column_url") or "") not in site_cols
             and not any(p.startswith(c) for c in site_cols)]
    assert not extra, extra[:5]


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_the_key(sample_run, docs, field):
    wrong = []
    for d in sample_run.key["documents"]:
        got = docs.get(d["path"], {}).get(field)
        want = d.get(field)
        if norm_text(str(got)) != norm_text(str(want)):
            wrong.append((d["path"], got, want))
    assert not wrong, f"{len(wrong)} wrong {field}: {wrong[:3]}"


def test_links_between_policies_and_interpretations(sample_run, docs):
    for d in sample_run.key["documents"]:
        got = docs[d["path"]]
        assert {key_form(sample_run, u) for u in got["interpretation_urls"]} >= set(d["interpretation_paths"]), d["path"]
        if d["is_interpretation"]:
            assert {key_form(sample_run, u) for u in got["policy_urls"]} >= set(d["policy_paths"]), d["path"]


def test_attachments_found(sample_run, docs):
    for d in sample_run.key["documents"]:
        got = {key_form(sample_run, a["url"]) for a in docs[d["path"]]["attachments"]}
        assert got >= {a["path"] for a in d["attachments"]}, d["path"]


def test_columns_match_the_key(sample_run):
    found = {key_form(sample_run, c["url"]): c for c in sample_run.results["columns"]}
    for c in sample_run.key["columns"]:
        if c.get("scope") == "site":
            continue
        got = found.get(c["path"])
        assert got is not None, f"column {c['name']} {c['path']} not found"
        assert got["kind"] == c["kind"], c["path"]
        assert same_office(got["office"], c["office"]), c["path"]
        assert got["entries"] == c["entries"], (c["path"], got["entries"], c["entries"])
        assert got["list_pages"] == c["list_pages"], (c["path"], got["list_pages"], c["list_pages"])


def _defect_id(d):
    return f"{d['check']}:{d.get('url')}"


def pytest_generate_tests(metafunc):
    if "defect" in metafunc.fixturenames:
        from zwgk.samplesite.generator import generate
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            key = generate(Path(tmp))
        metafunc.parametrize("defect", key["defects"], ids=[_defect_id(d) for d in key["defects"]])


def test_planted_defect_is_found(defect, findings):
    assert any(matches(defect, f) for f in findings), defect


def test_findings_are_planted_defects(sample_run, findings):
    """Precision: for the finding ids the key plants exhaustively, nothing else is reported."""
    defects = sample_run.key["defects"]
    unplanted = [f for f in findings if f["check"] in EXHAUSTIVE and not any(matches(d, f) for d in defects)]
    assert not unplanted, unplanted[:5]


def test_missing_columns_are_really_missing(sample_run, findings):
    have = {(norm_text(c["office"] or "县政府办公室").removeprefix("示例"), c["kind"]) for c in sample_run.key["columns"]}
    for f in findings:
        if f["check"] == "missing-column":
            o = norm_text(f["office"] or "县政府办公室").removeprefix("示例")
            assert (o, classify_column(f["column"])) not in have, f


def test_non_defects_are_not_reported(sample_run, findings):
    for nd in sample_run.key["non_defects"]:
        assert not any(f["check"] == nd["check"] and f["url"] == nd["url"] for f in findings), nd


def test_holiday_trap_is_on_time(sample_run, findings):
    # policy 2023-09-28, 解读 2023-10-09: 29 Sep – 6 Oct were holidays, 7 and 8 Oct workdays
    assert not [f for f in findings if f["check"] == "late-interpretation" and f.get("working_days") == 3]


def test_each_url_requested_once(sample_run):
    # once per method: a HEAD answered 404/405 is asked again with GET before it is judged
    # — and a server error (500) is asked again after a pause, RETRY_TIMES (3) more times, before
    # it is judged: the site's 500 pages are asked exactly four times, every other URL once —
    # once per reading: a page that is both a 互动交流 channel and a disclosure column (the homepage's
    # 意见征集, a column kind too) is asked once by each, twice in all
    from zwgk.crawler import settings

    import json

    cfg = json.loads((sample_run.out.parent / "site" / "_server.json").read_text(encoding="utf-8"))
    errors = {p for p, status in cfg["status"].items() if status in settings.RETRY_HTTP_CODES}
    assert errors, "the sample site answers some pages with a server error"
    r = sample_run.results
    columns = {key_form(sample_run, c["url"]) for c in r["columns"]}
    both = {key_form(sample_run, c["url"]) for c in r["interaction"]["channels"]
            if c["state"] == "read"} & columns
    assert both == {"/hdjl/yjzj/"}, both
    counts = Counter(sample_run.requests)
    twice = {p: n for p, n in counts.items() if n > 1 and p[1] not in errors and not (p[1] in both and n == 2)}
    assert not twice, twice
    for method, path in counts:
        if path in errors:
            assert counts[(method, path)] == settings.RETRY_TIMES + 1, (path, counts[(method, path)])


def test_robots_txt_obeyed(sample_run):
    paths = [p for _, p in sample_run.requests]
    assert "/robots.txt" in paths
    for prefix in sample_run.key["robots_disallowed"]:
        assert not [p for p in paths if p.startswith(prefix)], prefix


def test_wrong_links_never_requested(sample_run):
    # their hosts are not this server; this checks the crawler did not turn them into site paths
    wrong = {unquote(d["url"]) for d in sample_run.key["defects"]
             if d["check"] == "wrong-link" and d.get("error") != "title-mismatch"}
    for _, p in sample_run.requests:
        assert unquote(p) not in wrong


def test_results_json_contract(sample_run):
    r = sample_run.results
    assert r["schema"] == "zwgk-results/1"
    for k in ("site", "crawl", "as_of", "checklist", "summary", "offices", "columns", "documents", "links",
              "findings", "scores"):
        assert k in r, k
    doc_keys = {"url", "title", "doc_number", "written_date", "publish_date", "validity", "index_no", "publisher",
                "column", "interpretation_urls", "policy_urls", "attachments"}
    assert all(doc_keys <= set(d) for d in r["documents"])
    assert all({"id", "check", "url", "source", "field", "status", "period", "working_days"} <= set(f)
               for f in r["findings"])
    assert r["as_of"] == sample_run.key["as_of"]
    assert r["checklist"]["id"] == "yiyuan-2023"
    assert isinstance(r["summary"]["score"], float) and 0 <= r["summary"]["score"] <= 100
    ids = {f["id"] for f in r["findings"]}

    def walk(n):
        if n.get("leaf"):
            assert set(n["evidence"]["finding_ids"]) <= ids
        for c in n.get("children", []):
            walk(c)

    for n in r["scores"]["tree"]:
        walk(n)


def test_results_json_names_every_check(sample_run):
    """`checks`: the registry's names and evidence columns for every check and finding id (docs/results-json.md)."""
    from zwgk.auditor.registry import vocabulary

    checks = sample_run.results["checks"]
    assert checks == vocabulary()
    assert {f["check"] for f in sample_run.results["findings"]} <= set(checks)

    def leaves(nodes):
        for n in nodes:
            yield from ([n] if n.get("leaf") else leaves(n.get("children") or []))

    for leaf in leaves(sample_run.results["scores"]["tree"]):
        if leaf["check"]:
            assert leaf["check"] in checks
            assert leaf["evidence"]["columns"] == checks[leaf["check"]]["columns"], leaf["id"]


def test_report_names_findings_by_their_failure_title(sample_run):
    """The report's finding types, and the type column of its link work list, are the checks' failure titles."""
    import html as html_mod
    import re

    doc = (sample_run.out / "report.html").read_text(encoding="utf-8")
    checks, findings = sample_run.results["checks"], sample_run.results["findings"]
    start = doc.index('id="finding-counts"')
    table = doc[start:doc.index("</table>", start)]
    rows = {code: html_mod.unescape(name)
            for code, name in re.findall(r'<tr data-check="(.*?)"><td>(.*?)</td>', table)}
    assert rows == {f["check"]: checks[f["check"]]["failure_title"] for f in findings}
    links = doc[doc.index('<section id="links"'):doc.index("</section>", doc.index('<section id="links"'))]
    shown = [f for f in findings if f["check"].endswith("-link") and f'<code class="c">{f["id"]}</code>' in links]
    assert shown
    for f in shown:
        row = links[links.index(f'<code class="c">{f["id"]}</code>'):]
        row = row[:row.index("</tr>")]
        assert f'<span class="t">{checks[f["check"]]["failure_title"]}</span>' in row, f["id"]


def test_offices_ranked(sample_run):
    names = {norm_text(o.get("checklist_office") or o["name"]).removeprefix("示例")
             for o in sample_run.results["offices"]}
    for o in sample_run.key["offices"]:
        assert norm_text(o["name"]).removeprefix("示例") in names
    ranks = [o["rank"] for o in sample_run.results["offices"] if o["rank"] is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_stages_run_alone(sample_run, tmp_path):
    """audit a stored crawl with another date, report from its results.json, export, extract a page."""
    out = tmp_path / "again"
    p = zwgk("audit", "--db", sample_run.db, "--checklist", "yiyuan-2023", "--as-of", "2024-03-31",
             "--out", str(out))
    assert p.returncode == 0, p.stderr
    again = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert again["as_of"] == "2024-03-31"
    assert len(again["documents"]) == len(sample_run.results["documents"])
    p = zwgk("report", str(out / "results.json"))
    assert p.returncode == 0, p.stderr
    assert "<html" in (out / "report.html").read_text(encoding="utf-8")
    for fmt, name in (("csv", "findings.csv"), ("xlsx", "results.xlsx")):
        p = zwgk("report", str(out / "results.json"), "--format", fmt)
        assert p.returncode == 0, p.stderr
        assert (out / name).stat().st_size > 0


def test_extract_one_saved_page(sample_run, tmp_path):
    d = next(d for d in sample_run.key["documents"] if d["doc_number"] and d["written_date"])
    site = sample_run.out.parent / "site"
    rel = d["path"].lstrip("/")
    page = site / rel if not rel.endswith("/") else site / rel / "index.html"
    p = zwgk("extract", str(page), "--url", sample_run.site_url.rstrip("/") + d["path"])
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got["doc_number"] == d["doc_number"] and got["written_date"] == d["written_date"]


def test_every_listed_entry_is_fetched_or_has_a_reason(sample_run):
    """The coverage account adds up, and on a whole crawl no entry is simply 'not reached'."""
    from zwgk.auditor.coverage import NOT_REACHED

    cov = sample_run.results["coverage"]
    assert cov["entries"] > 300 and cov["share"] >= 0.995
    for c in cov["columns"]:
        assert c["documents"] + c["not_fetched_count"] == c["entries"], c["name"]
        assert all(m["reason"] and m["reason"] != NOT_REACHED for m in c["not_fetched"]), c["not_fetched"]
    html = (sample_run.out / "report.html").read_text(encoding="utf-8")
    assert "抓取覆盖" in html and f"已抓取文件页面 {cov['documents']} 个" in html


def test_times_are_china_time_everywhere(sample_run):
    """The collection time is one clock in results.json and the report: China time with its offset
    (a stored time is UTC; SQLite keeps no offset)."""
    crawl = sample_run.results["crawl"]
    assert crawl["started_at"].endswith("+08:00") and crawl["finished_at"].endswith("+08:00")
    html = (sample_run.out / "report.html").read_text(encoding="utf-8")
    assert "UTC+08:00" in html


def test_the_progress_line_ends_on_the_reports_numbers(sample_run):
    """The last progress line (output not a terminal: plain lines) counts pages and judged links
    as results.json and the report do, and nothing is left to fetch."""
    import re

    last = [ln for ln in sample_run.stderr.splitlines() if ln.startswith("正在抓取")][-1]
    pages, judged = re.search(r"页面 (\d+)", last).group(1), re.search(r"已判定链接 (\d+)", last).group(1)
    assert int(pages) == sample_run.results["crawl"]["pages"], last
    assert int(judged) == sample_run.results["links"]["checked"], last
    assert re.search(r"待抓取 0$", last), last  # the crawl ended with nothing left in the scheduler


def test_the_terminal_shows_only_zwgk_lines(sample_run):
    """Libraries' warnings (pypdf on the sample's PDFs: "Unexpected escaped string") stay out of
    the terminal, in the crawl's process and in the one that reads attachments and audits."""
    lines = [ln for ln in sample_run.stderr.splitlines() if ln.strip()]
    assert lines and all(any("\u4e00" <= ch <= "\u9fff" for ch in ln) for ln in lines), lines[:20]
