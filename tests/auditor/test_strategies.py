"""Scoring strategies: weighted vs deduction, veto items, pass marks, per-office grades."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_yaml import build_snapshot  # noqa: E402

from zwgk.auditor.audit import evaluate  # noqa: E402
from zwgk.auditor.checklist import ChecklistError, parse_checklist  # noqa: E402
from zwgk.auditor.scoring import grade  # noqa: E402

HEAD = """\
id: t
title: 测试清单
version: "1"
source: s
levels: [一级, 二级]
{scoring}
offices: [门户, 县财政局]
portal_office: 门户
tree:
  - name: 指标
    children:
      - {{id: v-1, text: 空白栏目, applies_to: {{all: true}}, weight: 1, basis: b, veto: true,
         check: blank-column, params: {{min_count: {min_count}}}}}
      - {{id: d-1, text: 断链, applies_to: {{all: true}}, weight: 4, basis: b, check: broken-link, deduct: 0.5}}
      - {{id: d-2, text: 标识, applies_to: {{all: true}}, weight: 5, basis: b, check: site-identity}}
      - {{id: d-3, text: 人工, applies_to: {{all: true}}, weight: 3, basis: b, manual: true}}
"""

DEDUCTION = "scoring: {strategy: deduction, total: 100, pass_mark: 60}"


def _cl(scoring=DEDUCTION, min_count=5):
    return parse_checklist(HEAD.format(scoring=scoring, min_count=min_count), "t.yaml")


def _snap(broken=3, blank=2, identity=False):
    links = [{"url": f"/gone{i}.html", "state": "broken", "status": 404,
              "seen_on": [{"source": "/", "text": f"链接{i}"}]} for i in range(broken)]
    cols = [{"name": "工作动态", "entries": ["2023-11-01"]}] + [{"name": f"栏目{i}", "url": f"/c{i}/"} for i in range(blank)]
    home = "网站标识码：3700000001 鲁ICP备05002416号 鲁公网安备37030202000123号 党政机关" if identity else "首页"
    return build_snapshot({"homepage": home, "links": links, "columns": cols})


def _leaf(res, id_):
    return next(n for n in res["scores"]["tree"][0]["children"] if n["id"] == id_)


def test_deduction_per_finding_capped_at_weight():
    res = evaluate(_snap(broken=3), _cl())
    s = res["summary"]
    # d-1: 3 broken × 0.5 = 1.5; d-2: missing marks → whole weight 5; v-1 passes (2 blank < 5); d-3 open
    assert s["strategy"] == "deduction" and s["max_score"] == 100.0
    assert s["score"] == 100 - 1.5 - 5
    assert s["grade"] == "合格" and s["passed"] is True and s["veto"] == []
    assert _leaf(res, "d-1")["lost"] == 1.5 and _leaf(res, "d-1")["score"] == 2.5
    res = evaluate(_snap(broken=20), _cl())
    assert _leaf(res, "d-1")["lost"] == 4          # capped at the weight
    assert res["summary"]["score"] == 100 - 4 - 5


def test_veto_fails_whatever_the_score():
    res = evaluate(_snap(broken=0, blank=5, identity=True), _cl())
    s = res["summary"]
    assert s["veto"] == ["v-1"]
    assert s["grade"] == "不合格" and s["passed"] is False
    assert s["score"] == 99.0                      # the veto item's own weight is deducted, the grade fails anyway
    (portal,) = res["offices"]
    assert portal["grade"] == "不合格" and portal["veto"] == ["v-1"]


def test_min_count_below_threshold_passes():
    res = evaluate(_snap(broken=0, blank=4, identity=True), _cl())
    assert _leaf(res, "v-1")["outcome"] == "pass"
    assert res["summary"]["score"] == 100.0 and res["summary"]["grade"] == "合格"


def test_pass_mark_with_weighted():
    res = evaluate(_snap(broken=0, blank=0), _cl("scoring: {strategy: weighted, pass_mark: 60}"))
    s = res["summary"]
    # judged: v-1 (1) pass, d-2 (5) fail; d-1 has no link to judge (not_applicable) → 1/6
    assert s["score"] == 16.67 and s["max_score"] == 100.0
    assert s["grade"] == "不合格" and s["passed"] is False


def test_weighted_without_pass_mark_keeps_letter_grades():
    res = evaluate(_snap(broken=0, blank=0, identity=True), _cl("scoring: {strategy: weighted}"))
    assert res["summary"]["grade"] == "优" and res["summary"]["passed"] is True
    res = evaluate(_snap(broken=0, blank=6, identity=True), _cl("scoring: {strategy: weighted}"))
    assert res["summary"]["grade"] == "不合格"


def test_grade():
    assert grade(None) == "未评分" and grade(None, vetoed=True) == "不合格"
    assert grade(59.9, 60) == "不合格" and grade(60, 60) == "合格" and grade(95, 60, vetoed=True) == "不合格"
    assert [grade(x) for x in (90, 80, 60, 59)] == ["优", "良", "中", "差"]


def test_bad_deduct():
    text = HEAD.format(scoring=DEDUCTION, min_count=1).replace("deduct: 0.5", "deduct: -1")
    with pytest.raises(ChecklistError, match=r"指标\[2\]: deduct（每项问题扣分）应为正数"):
        parse_checklist(text, "t.yaml")
