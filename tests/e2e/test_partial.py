"""Partial crawls never look complete (results.json crawl.partial, docs/results-json.md).

A `zwgk run --max-pages 40` of the sample site is partial, with its reasons; no absence
finding (a missing column, item, period, a blank or stale column …) fails an indicator — each
needs review instead — and the report opens with a banner. The full run of the shared
`sample_run` is not partial. A batch with one capped site lists it apart, unranked.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from zwgk.auditor.audit import evaluate, partial_reasons
from zwgk.auditor.checklist import parse_checklist
from zwgk.auditor.coverage import NOT_REACHED
from zwgk.auditor.registry import load_all
from zwgk.auditor.scoring import ABSENCE_CHECKS
from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve

from .conftest import zwgk

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "auditor"))
from snapshot_yaml import build_snapshot


def _leaves(nodes):
    for n in nodes:
        if n.get("leaf"):
            yield n
        yield from _leaves(n.get("children") or [])


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    base = tmp_path_factory.mktemp("partial")
    key = generate(base / "site")
    out = base / "out"
    with serve(base / "site") as server:
        proc = zwgk("run", server.url, "--as-of", key["as_of"], "--out", str(out), "--network", "loopback",
                    "--concurrency", "8", "--delay", "0", "--max-pages", "40")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_capped_run_is_partial_with_reasons(capped):
    _, res = capped
    crawl = res["crawl"]
    assert crawl["partial"] is True
    assert any("--max-pages" in r for r in crawl["partial_reasons"])
    assert any("未抓取" in r for r in crawl["partial_reasons"])


def test_capped_run_fails_no_absence_indicator(capped):
    _, res = capped
    load_all()
    absence = [n for n in _leaves(res["scores"]["tree"]) if n["check"] in ABSENCE_CHECKS]
    assert absence and not [n["id"] for n in absence if n["outcome"] == "fail"]
    for n in absence:
        for r in n["results"]:
            assert r["outcome"] != "fail"
    held = [n for n in absence if n["note"].startswith("抓取不完整（")]
    assert held, "some absence failure was turned into needs_review"
    assert all("缺失类问题需人工核查" in n["note"] and n["outcome"] == "needs_review" for n in held)
    # the evidence stays listed: the missing columns are still findings an evaluator can check
    assert res["summary"]["findings_by_check"].get("missing-column")
    # a failure that does not rest on absence still fails (the sample site's planted findings)
    assert any(n["outcome"] == "fail" for n in _leaves(res["scores"]["tree"]) if n["check"] not in ABSENCE_CHECKS)


def test_capped_report_has_banner(capped):
    out, res = capped
    html = (out / "report.html").read_text(encoding="utf-8")
    top = html[html.index("<main>"):html.index('<header class="head">')]
    assert "本次抓取不完整" in top and "以下结果只反映已抓取部分" in top
    assert res["crawl"]["partial_reasons"][0] in top


def test_full_run_is_not_partial(sample_run):
    crawl = sample_run.results["crawl"]
    assert crawl["partial"] is False and crawl["partial_reasons"] == []
    # the planted broken link leaves an entry unfetched: a finding, not a gap in the crawl
    assert sample_run.results["coverage"]["complete"] is False
    assert NOT_REACHED not in sample_run.results["coverage"]["reasons"]
    html = (sample_run.out / "report.html").read_text(encoding="utf-8")
    assert 'class="partial-banner"' not in html and "本次抓取不完整" not in html


def test_partial_reasons():
    cov = {"complete": False, "reasons": {"无法访问": 1}}
    assert partial_reasons("finished", {"finish_reason": "finished"}, [], [], cov) == []
    assert partial_reasons("interrupted", {"finish_reason": "closespider_timeout"}, [], [], {})[0].startswith("时间预算用尽")
    assert partial_reasons("interrupted", {"finish_reason": "shutdown"}, [], [], {})[0].startswith("抓取被手动中断")
    assert partial_reasons("interrupted", {}, [], [], {}) == ["抓取被中断（时间预算用尽或手动中断）"]
    limits = [{"limit": "list_pages", "label": "单个栏目列表页数达到上限", "value": 500, "count": 3}]
    assert partial_reasons("finished", {}, limits, [], {}) == ["单个栏目列表页数达到上限（上限 500），3 个网址未抓取"]
    cols = [{"name": "通知公告", "url": "/a/", "read_error": "robots.txt 禁止"}, {"name": "x", "read_error": None}]
    assert partial_reasons("finished", {}, [], cols, {}) == ["1 个栏目列表无法读取（“通知公告”）"]
    assert partial_reasons("finished", {}, [], [], {"reasons": {NOT_REACHED: 5}}) == ["5 个栏目条目未抓取"]


CHECKLIST = """\
id: t
title: 测试清单
version: "1"
source: s
levels: [一级, 二级]
scoring: {strategy: deduction, total: 100}
offices: [门户]
portal_office: 门户
tree:
  - name: 指标
    children:
      - {id: v-1, text: 空白栏目, applies_to: {all: true}, weight: 1, basis: b, veto: true, check: blank-column}
      - {id: c-1, text: 栏目, applies_to: {all: true}, weight: 2, basis: b, check: column-exists, params: {column: 财政预决算}}
      - {id: d-1, text: 断链, applies_to: {all: true}, weight: 4, basis: b, check: broken-link}
"""


def test_partial_turns_only_absence_failures_into_needs_review():
    links = [{"url": "/gone.html", "state": "broken", "status": 404, "seen_on": [{"source": "/", "text": "链接"}]}]
    snap = build_snapshot({"homepage": "首页", "links": links,
                           "columns": [{"name": "工作动态", "entries": ["2023-11-01"]}, {"name": "空栏目", "url": "/c/"}]})
    cl = parse_checklist(CHECKLIST, "t.yaml")
    whole = {n["id"]: n for n in _leaves(evaluate(snap, cl)["scores"]["tree"])}
    assert [whole[i]["outcome"] for i in ("v-1", "c-1", "d-1")] == ["fail", "fail", "fail"]
    res = evaluate(snap, cl, partial=["达到页面数上限"])
    part = {n["id"]: n for n in _leaves(res["scores"]["tree"])}
    assert [part[i]["outcome"] for i in ("v-1", "c-1", "d-1")] == ["needs_review", "needs_review", "fail"]
    assert part["c-1"]["note"].startswith("抓取不完整（达到页面数上限），缺失类问题需人工核查")
    assert part["v-1"]["results"][0]["judged_by"] is None
    assert res["summary"]["veto"] == []                      # a blank column unseen is no veto
    assert {f["check"] for f in res["findings"]} >= {"blank-column", "missing-column", "broken-link"}


SMALL = ("<html><head><title>小站_小县人民政府</title></head><body><h1>小县人民政府</h1>"
         "<p>网站标识码：3700000009 鲁ICP备05002416号</p><a href=\"/about.html\">关于本站</a></body></html>")


def test_batch_marks_the_capped_site(tmp_path):
    """--max-pages caps every site of a batch: the sample site is cut short, a three-page site
    is not. The capped one is listed apart, unranked, whatever its score."""
    a, b = tmp_path / "a", tmp_path / "b"
    key = generate(a, seed=2023)
    b.mkdir()
    (b / "index.html").write_text(SMALL, encoding="utf-8")
    (b / "about.html").write_text("<html><head><title>关于本站</title></head><body>小县</body></html>",
                                  encoding="utf-8")
    with serve(a) as sa, serve(b) as sb:
        sites = tmp_path / "sites.csv"
        with sites.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["名称", "网址"])
            w.writerow(["甲县", sa.url])
            w.writerow(["小县", sb.url])
        out = tmp_path / "out"
        p = zwgk("batch", str(sites), "--as-of", key["as_of"], "--out", str(out), "--network", "loopback",
                 "--concurrency", "8", "--delay", "0", "--max-pages", "12")
    assert p.returncode == 0, p.stderr[-2000:]
    ranking = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in ranking["sites"]}
    capped, whole = rows["甲县"], rows["小县"]
    assert capped["partial"] is True and capped["rank"] is None and capped["partial_reasons"]
    assert capped["score"] is not None  # audited and reported, only not ranked
    assert whole["partial"] is False and whole["partial_reasons"] == []
    if whole["score"] is not None:
        assert whole["rank"] == 1 and ranking["sites"][0]["name"] == "小县"
    html = (out / "ranking.html").read_text(encoding="utf-8")
    tail = html[html.index("抓取不完整的网站（未参与排名）"):]
    assert "甲县" in tail and "不完整" in tail and "小县" not in tail
    assert "抓取不完整，未参与排名" in p.stdout + p.stderr
    res = json.loads((out / capped["folder"] / "results.json").read_text(encoding="utf-8"))
    assert res["crawl"]["partial"] is True
    assert "本次抓取不完整" in (out / capped["folder"] / "report.html").read_text(encoding="utf-8")
