"""The report's 无障碍与适老化 section, rendered from results.json `accessibility`
(docs/results-json.md): totals by impact in Chinese, one row per page and rule with its Chinese
name and axe's English help, the homepage's entry — and 未检测 when `zwgk a11y` never ran."""
from __future__ import annotations

import copy

from zwgk.reports.render import render_html

DOC = "http://127.0.0.1:8000/zfxxgk/t1.html"
A11Y = {
    "tool": "axe-core 4.10.3", "tags": ["wcag2a", "wcag2aa"], "collected_at": "2023-11-30T02:10:41+00:00",
    "network": "loopback", "pages_tested": 2, "pages_not_testable": 1, "pages_with_violations": 1, "violations": 2,
    "by_impact": {"critical": 1, "serious": 0, "moderate": 0, "minor": 1},
    "nodes_by_impact": {"critical": 3, "serious": 0, "moderate": 0, "minor": 7},
    "impact_labels": {"critical": "严重", "serious": "较严重", "moderate": "中等", "minor": "轻微"},
    "pages": [
        {"url": "http://127.0.0.1:8000/", "kind": "home", "title": "丁县人民政府", "error": None, "blocked": 0,
         "violations": []},
        {"url": DOC, "kind": "document", "title": "关于秋季防火的通知", "error": None, "blocked": 0, "violations": [
            {"id": "image-alt", "name": "图片缺少替代文本（alt）", "help": "Images must have alternative text",
             "impact": "critical", "impact_label": "严重", "nodes": 3,
             "examples": [{"selector": "img", "html": "<img src=\"/logo.png\">"}]},
            {"id": "some-new-rule", "name": None, "help": "Some new rule help text", "impact": "minor",
             "impact_label": "轻微", "nodes": 7, "examples": []}]},
        {"url": "http://127.0.0.1:8000/zfxxgk/", "kind": "root", "title": None, "error": "TimeoutError: 页面加载超时",
         "blocked": 0, "violations": []},
    ],
    "entry": {"url": "http://127.0.0.1:8000/", "error": None, "found": True,
              "links": [{"text": "长者模式", "href": "http://127.0.0.1:8000/care/"}], "scripts": []},
}


def _section(doc: str) -> str:
    start = doc.index('<section id="accessibility"')
    return doc[start:doc.index("</section>", start)]


def _render(golden, accessibility):
    r = copy.deepcopy(golden)
    r["accessibility"] = accessibility
    return render_html(r)


def test_the_section_with_data(golden):
    doc = _render(golden, copy.deepcopy(A11Y))
    sec = _section(doc)
    assert "无障碍与适老化" in sec and '<a href="#accessibility">无障碍与适老化</a>' in doc
    assert "未检测" not in sec
    for label in ("严重", "较严重", "中等", "轻微"):
        assert f"<td>{label}</td>" in sec
    assert '<tr data-impact="critical"><td>严重</td><td class="k-count">1</td><td class="k-count">3</td></tr>' in sec
    assert "检测 <b>2</b> 个页面" in sec and "<b>1</b> 个页面未能打开" in sec and "页面加载超时" in sec
    for head in ("页面", "问题类别", "影响程度", "涉及元素数", "示例"):
        assert f">{head}</th>" in sec
    row = sec[sec.index('<tr data-rule="image-alt"'):]
    row = row[:row.index("</tr>")]
    assert DOC in row and "关于秋季防火的通知" in row and "<code class=\"c\">image-alt</code>" in row
    assert "图片缺少替代文本（alt）" in row and "Images must have alternative text" in row
    assert "<td class=\"k-text\">严重</td>" in row and '<td class="k-count">3</td>' in row
    assert "&lt;img src=&#34;/logo.png&#34;&gt;" in row  # the example element, escaped
    # a rule without a Chinese name shows axe's English help
    row = sec[sec.index('<tr data-rule="some-new-rule"'):]
    assert "Some new rule help text" in row[:row.index("</tr>")] and "轻微" in row[:row.index("</tr>")]
    assert "首页有无障碍 / 长者模式入口：“长者模式”" in sec and "http://127.0.0.1:8000/care/" in sec


def test_no_entry_and_no_violations(golden):
    a = copy.deepcopy(A11Y)
    a["entry"] = {"url": "http://127.0.0.1:8000/", "error": None, "found": False, "links": [], "scripts": []}
    for p in a["pages"]:
        p["violations"] = []
    sec = _section(_render(golden, a))
    assert "<strong>未发现</strong>无障碍 / 长者模式" in sec
    assert "检测的页面未发现无障碍问题" in sec and "data-rule=" not in sec


def test_not_collected(golden):
    doc = _render(golden, None)
    sec = _section(doc)
    assert "未检测（运行 <code>zwgk a11y</code> 或 <code>zwgk run --a11y</code> 采集）" in sec
    assert "data-rule=" not in sec and "data-impact=" not in sec


def test_a_results_json_older_than_the_key_has_no_section(golden):
    assert "accessibility" not in golden
    assert '<section id="accessibility"' not in render_html(golden)
