"""The HTML report rendered from the golden results.json (docs/results-json.md)."""
from __future__ import annotations

import html
import json
import re

from zwgk.auditor.registry import vocabulary
from zwgk.reports.render import build_view, render_html, write_report

from .conftest import earlier_run
from .synth import big_results


def _section(doc: str, id_: str) -> str:
    start = doc.index(f'<section id="{id_}"')
    return doc[start:doc.index("</section>", start)]


def _indicator(doc: str, ind: str) -> str:
    start = doc.index(f'id="ind-{ind}"')
    return doc[start:doc.index("</details>", start)]


def test_score_grade_and_header(golden, golden_html):
    s = golden["summary"]
    assert re.search(rf'id="total-score"><span class="score">{s["score"]}<span class="max"> / 97</span>', golden_html)
    assert f"等次：<strong>{s['grade']}</strong>" in golden_html
    for text in (golden["site"]["name"], golden["site"]["url"], golden["as_of"], golden["checklist"]["title"],
                 "2023-11-30 08:00:12", "评估基准日"):
        assert text in golden_html
    # veto items are listed with their text
    veto = _section(golden_html, "summary")
    assert "yy-046" in veto and "错链" in veto


def test_every_finding_id_and_check_shows(golden, golden_html):
    # the golden results.json predates `checks`: the report names findings by the live registry
    assert "checks" not in golden
    names = {k: v["failure_title"] for k, v in vocabulary().items()}
    counts = _section(golden_html, "summary")
    for check in {f["check"] for f in golden["findings"]}:
        # the id is data (data-check), not shown: a Chinese reader sees the name only
        assert f'<tr data-check="{check}"><td>{names[check]}</td>' in counts
        assert f"<code>{check}</code>" not in counts
    body = golden_html.split('id="zwgk-data"')[0]
    for f in golden["findings"]:
        assert f'<code class="c">{f["id"]}</code>' in body, f["id"]


def test_names_and_columns_come_from_results_checks(golden):
    """With a `checks` object, the report names findings and lays out evidence by it alone."""
    r = json.loads(json.dumps(golden))
    r["checks"] = {k: dict(v, failure_title=f"〔{k}问题〕", title=f"〔{k}通过〕") for k, v in vocabulary().items()}
    r["checks"]["doc-number-format"]["columns"] = [{"key": "url", "label": "〔文件地址〕", "kind": "url"},
                                                   {"key": "doc_number", "label": "〔文号〕", "kind": "code"}]
    doc = render_html(r)
    counts = _section(doc, "summary")
    for check in {f["check"] for f in r["findings"]}:
        assert f'<tr data-check="{check}"><td>〔{check}问题〕</td>' in counts
    for name in vocabulary().values():
        assert f"<td>{name['failure_title']}</td>" not in counts
    links = _section(doc, "links")
    assert "〔broken-link问题〕" in links and "〔inconclusive-link问题〕" in links
    other = _section(doc, "other")
    assert '<h3 data-check="doc-number-format">〔doc-number-format问题〕（' in other
    assert '<th class="k-url">〔文件地址〕</th>' in other and '<th class="k-code">〔文号〕</th>' in other
    assert "〔missing-field问题〕" in _section(doc, "documents")
    assert "〔blank-column问题〕" in _section(doc, "columns")


def test_unknown_check_shown_as_is(golden):
    r = json.loads(json.dumps(golden))
    r["findings"].append({"id": "F9999", "check": "future-check", "url": "http://127.0.0.1:8000/x.html",
                          "source": None, "office": None, "widget": "新字段", "indicators": []})
    r["summary"]["findings_by_check"]["future-check"] = 1
    doc = render_html(r)
    assert '<h3 data-check="future-check">future-check（1 个）</h3>' in doc   # no name known: the id
    other = _section(doc, "other")
    assert "F9999" in other and "新字段" in other


def test_hostile_text_is_escaped(golden_html):
    assert "<script>alert(1)</script>" not in golden_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in golden_html
    assert "<img src=x onerror=alert(1)>" not in golden_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in golden_html
    # a javascript: target is shown, never linked
    assert 'href="javascript:' not in golden_html
    assert '<span class="u nolink">javascript:alert(document.domain)</span>' in golden_html


def test_no_external_resources(golden_html):
    assert "Content-Security-Policy" in golden_html and "default-src 'none'" in golden_html
    for pat in (r"<link[^>]+href=\"http", r"<script[^>]+src=", r"<img[^>]+src=\"http", r"@import", r"url\(http"):
        assert not re.search(pat, golden_html), pat


def test_evidence_rows_under_their_indicator(golden, golden_html):
    findings = {f["id"]: f for f in golden["findings"]}

    def leaves(nodes):
        for n in nodes:
            yield from ([n] if n.get("leaf") else leaves(n["children"]))

    checked = 0
    for leaf in leaves(golden["scores"]["tree"]):
        block = _indicator(golden_html, leaf["id"])
        assert html.escape(leaf["text"], quote=False) in block
        for fid in (leaf.get("evidence") or {}).get("finding_ids") or []:
            assert f'<code class="c">{fid}</code>' in block, (leaf["id"], fid)
            assert html.escape(findings[fid]["url"], quote=False) in block
            checked += 1
        for col in (leaf.get("evidence") or {}).get("columns") or []:
            assert f'<th class="k-{col["kind"]}">{col["label"]}</th>' in block
    assert checked >= len(golden["findings"])
    # outcomes and per-office results
    assert '<span class="badge o-error">出错</span>' in _indicator(golden_html, "yy-048")
    assert '<span class="badge o-not_applicable">不适用</span>' in _indicator(golden_html, "yy-030")
    yy001 = _indicator(golden_html, "yy-001")
    assert "县教育和体育局" in yy001 and "未找到“行政规范性文件”栏目" in yy001
    assert "所有部门、单位" in yy001  # 评估对象 text


def test_evidence_macros_per_kind(golden_html):
    block = _indicator(golden_html, "yy-007")
    assert '<td class="k-url"><a class="u" href="http://127.0.0.1:8000/zwgk/art/2023/201.html"' in block
    assert '<td class="k-date"><time class="d" datetime="2023-03-14">2023-03-14</time></td>' in block
    assert '<td class="k-count"><span class="n">31</span></td>' in block
    assert '<td class="k-code"><code class="c">F0019</code></td>' in block
    assert '<td class="k-text"><span class="t">' in golden_html


def test_broken_links_grouped_by_source_page(golden, golden_html):
    links = _section(golden_html, "links")
    groups = links.split('<div class="grp">')[1:]
    assert len(groups) == len({f["source"] for f in golden["findings"] if f["check"].endswith("-link")})
    for f in golden["findings"]:
        if f["check"] not in ("broken-link", "wrong-link", "inconclusive-link"):
            continue
        grp = next(g for g in groups if f'<code class="c">{f["id"]}</code>' in g)
        header = grp.split("</div>")[0]
        assert html.escape(f["source"], quote=False) in header
        assert html.escape(f["source_title"], quote=False) in header


def test_work_lists(golden_html):
    docs = _section(golden_html, "documents")
    assert "成文日期、有效性" in docs                     # both fields missing on one document
    assert "2023-04-02" in docs and "2023-05-19" in docs   # late publication: both dates
    assert '<span class="n">31</span>' in docs             # … and working days
    names = {k: v["failure_title"] for k, v in vocabulary().items()}
    for check in ("missing-interpretation", "late-interpretation", "interpretation-without-backlink",
                  "missing-field", "late-publication"):
        assert names[check] in docs
    cols = _section(golden_html, "columns")
    for state in [names[c] for c in ("stale-column", "blank-column", "missing-period", "short-retention",
                                     "missing-column")] + ["正常"]:
        assert state in cols
    offices = _section(golden_html, "offices")
    assert offices.index("县教育和体育局") < offices.index("县政府办公室")


def test_no_history_note_and_trend_chart(golden):
    assert "暂无历史评估数据" in render_html(golden)
    hist = [earlier_run(golden, score=40.5, as_of="2023-05-31", drop=10, extra=4),
            earlier_run(golden, score=44.0, as_of="2023-08-31", drop=4, extra=2)]
    doc = render_html(golden, history=hist)
    trends = _section(doc, "trends")
    assert "<svg" in trends and "<polyline" in trends and trends.count("<circle") == 3
    assert "暂无历史评估数据" not in trends
    v = build_view(golden, hist)["trends"]
    assert [r["label"] for r in v["rows"]] == ["2023-05-31", "2023-08-31", "2023-11-30"]
    assert (v["last"]["new"], v["last"]["fixed"]) == (4, 2)
    assert '新增问题 <b class="new">4</b>' in trends and '已整改 <b class="fixed">2</b>' in trends


def test_print_stylesheet_and_signature(golden_html):
    assert "@media print" in golden_html and "break-before: page" in golden_html
    assert "评估人（签字）" in golden_html and "日期：" in golden_html


def test_write_report(tmp_path):
    from .conftest import GOLDEN

    out = write_report(GOLDEN, tmp_path / "out" / "report.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_50k_findings_stay_reasonable(golden):
    big = big_results(golden, 50_000)
    doc = render_html(big)
    size = len(doc.encode())
    src = len(json.dumps(big, ensure_ascii=False).encode())
    # every finding is embedded once for the pager; tables render only their first page
    assert size < 1.3 * src, (size, src)
    assert size < 25_000_000
    rows = doc.count("<tr")
    assert rows < 3_000, rows
    # a finding beyond every first page appears once (in the data block), not once per table
    late = big["findings"][-1]
    assert doc.count(late["url"]) == 1
    data = json.loads(re.search(r'id="zwgk-data">(.*?)</script>', doc, re.S).group(1))
    assert len(data["f"]) == 50_000
    assert all(len(spec["r"]) > 0 for spec in data["t"].values())


def test_no_file_path_no_failure_codes_no_raw_keys(golden):
    """指标来源 names the document; failure codes and exception names read in Chinese; a key no
    check names gets its Chinese label where one is known."""
    r = json.loads(json.dumps(golden))
    r["checklist"]["source"] = "2023年示例县政务公开工作方案 附件2（../shared/seeds/002_ff479ca82672f711.txt）"
    links = [f for f in r["findings"] if f["check"] == "broken-link"]
    links[0]["error"] = "soft-404"
    links[1]["error"] = "CannotResolveHostError"
    r["findings"].append({"id": "F9998", "check": "future-check", "url": "http://127.0.0.1:8000/y.html",
                          "source": None, "office": None, "days_open": 4, "indicators": []})
    doc = render_html(r)
    assert "<dd>2023年示例县政务公开工作方案 附件2</dd>" in doc
    assert "../shared" not in doc and ".txt" not in doc
    assert "soft-404" not in doc and "CannotResolveHostError" not in doc
    assert "软404" in doc and "域名无法解析" in doc
    assert "<th class=\"k-text\">已持续天数</th>" in _section(doc, "other")


def test_every_column_kind_has_a_renderer(golden):
    """One macro per evidence column kind — the registry's and `share` (a proportion as a %)."""
    from zwgk.auditor.registry import COLUMN_KINDS

    r = json.loads(json.dumps(golden))
    kinds = [*COLUMN_KINDS, "share"]
    r["checks"] = dict(vocabulary())
    r["checks"]["future-check"] = {"title": "示例通过", "failure_title": "示例问题", "scope": "site",
                                   "columns": [{"key": f"k_{k}", "label": f"列{k}", "kind": k} for k in kinds]}
    r["findings"].append({"id": "F9997", "check": "future-check", "url": "http://127.0.0.1:8000/z.html",
                          "source": None, "office": None, "indicators": [], "k_url": "http://127.0.0.1:8000/u",
                          "k_text": "文字", "k_date": "2023-11-30", "k_count": 3, "k_code": "X1", "k_share": 0.4})
    other = _section(render_html(r), "other")
    for k in kinds:
        assert f'<th class="k-{k}">列{k}</th>' in other
    assert '<td class="k-share"><span class="n">40%</span></td>' in other
    assert '<td class="k-date"><time class="d" datetime="2023-11-30">2023-11-30</time></td>' in other


def test_trend_rows_tell_apart_runs_with_one_as_of_date(golden):
    from .conftest import earlier_run

    a = earlier_run(golden, score=40.0, as_of=golden["as_of"])
    a["crawl"]["finished_at"] = f"{golden['as_of']}T08:00:00+08:00"
    doc = render_html(golden, history=[a])
    rows = re.findall(r"<tr(?: class=\"cur\")?><td>(.*?)</td>", _section(doc, "trends"))
    assert len(rows) == 2 and len(set(rows)) == 2 and all("采集" in r for r in rows), rows


def test_explanation_without_the_fields_of_one_score(golden):
    """A results.json from before achieved/judged weights: the score is stated, no formula over 0."""
    doc = render_html(golden)
    explain = re.search(r'id="score-explain">(.*?)</p>', doc).group(1)
    assert f"总得分 {golden['summary']['score']} 分" in explain and "÷" not in explain
    r = json.loads(json.dumps(golden))
    r["summary"].update(strategy="deduction", max_score=100.0, score=96.5, pass_mark=60)
    r["scores"]["tree"] = [dict(n, judged=n["max_score"]) for n in r["scores"]["tree"]]
    explain = re.search(r'id="score-explain">(.*?)</p>', render_html(r)).group(1)
    assert "总得分 = 100 − 扣分合计 3.5 = 96.5 分" in explain and "达到 60 分为合格" in explain



def test_section_numbers_go_past_ten():
    """Availability, 互动交流 and 无障碍 together make eleven sections (tests/e2e/test_availability_audit.py
    renders such a report): numbered 一 … 十一, not past the end of a ten-character string."""
    from zwgk.reports.render import chinese_numeral

    assert [chinese_numeral(n) for n in (1, 10, 11, 19, 20, 23)] == ["一", "十", "十一", "十九", "二十", "二十三"]
