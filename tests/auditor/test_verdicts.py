"""An evaluator's verdicts file: validation, template round trip, merge into the score."""
from __future__ import annotations

import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_yaml import build_snapshot  # noqa: E402

from zwgk.auditor.audit import evaluate  # noqa: E402
from zwgk.auditor.checklist import load_checklist, parse_checklist  # noqa: E402
from zwgk.auditor.verdicts import VerdictsError, load_verdicts, parse_verdicts, template_yaml  # noqa: E402
from zwgk.cli import main  # noqa: E402

CHECKLIST = """\
id: t
title: 测试清单
version: "1"
source: s
levels: [一级, 二级]
offices: [县政府办公室, 县财政局, 县司法局]
portal_office: 县政府办公室
tree:
  - name: 主动公开
    children:
      - {id: m-1, text: 人工一, applies_to: {all: true}, weight: 2, basis: b, manual: true, hint: 核对一}
      - {id: m-2, text: 人工二, applies_to: {offices: [县财政局]}, weight: 1, basis: b, manual: true}
      - {id: c-1, text: 栏目, applies_to: {all: true}, weight: 1, basis: b, check: column-exists,
         params: {column: normative}}
      - {id: c-2, text: 标识, applies_to: {all: true}, weight: 1, basis: b, check: site-identity}
"""


@pytest.fixture
def cl():
    return parse_checklist(CHECKLIST, "t.yaml")


def _parse(text, cl, **kw):
    return parse_verdicts(textwrap.dedent(text), cl, "v.yaml", **kw)


def _errors(text, cl, **kw) -> str:
    with pytest.raises(VerdictsError) as ei:
        _parse(text, cl, **kw)
    return str(ei.value)


def test_good_file(cl):
    vs = _parse("""\
        checklist: t
        verdicts:
          - {indicator: m-1, verdict: 符合, evidence: 已公开, reviewer: 张三, date: 2023-12-01}
          - indicator: m-2
            office: 沂源县财政局
            verdict: fail
            reviewer: 李四
            date: "2023/12/02"
          - {indicator: c-1, verdict: ""}
        """, cl)
    assert [(v.indicator, v.verdict, v.date, v.line) for v in vs] == [
        ("m-1", "pass", date(2023, 12, 1), 3), ("m-2", "fail", date(2023, 12, 2), 4)]


def test_errors_name_file_and_line(cl):
    msg = _errors("""\
        verdicts:
          - {indicator: yy-999, verdict: pass, reviewer: a, date: 2023-12-01}
          - {indicator: m-1, verdict: 好, reviewer: a, date: 2023-12-01}
          - {indicator: m-1, verdict: pass, reviewer: a, date: 2023-13-01}
          - {indicator: m-2, verdict: pass, office: 县司法局, reviewer: a, date: 2023-12-01}
          - {indicator: c-1, verdict: pass, date: 2023-12-01}
          - {indicatr: c-1}
        """, cl)
    assert "v.yaml:2: 未知的指标编号「yy-999」" in msg
    assert "v.yaml:3: 指标 m-1 的结论「好」无效" in msg
    assert "v.yaml:4: 指标 m-1 的核查日期「2023-13-01」无法识别" in msg
    assert "v.yaml:5: 指标 m-2 不适用于评估对象「县司法局」" in msg
    assert "v.yaml:6: 指标 c-1 缺少核查人" in msg
    assert "v.yaml:7: 未知的字段「indicatr」" in msg


def test_duplicate_and_wrong_checklist(cl):
    msg = _errors("""\
        checklist: other
        verdicts:
          - {indicator: m-1, verdict: pass, reviewer: a, date: 2023-12-01}
          - {indicator: m-1, verdict: fail, reviewer: a, date: 2023-12-01}
        """, cl)
    assert "v.yaml:1: 结论文件属于检查清单「other」" in msg
    assert "v.yaml:4: 指标 m-1 的结论重复（第 3 行已给出）" in msg


def test_yaml_syntax_error(cl):
    assert "v.yaml:3: YAML 格式错误" in _errors("verdicts:\n  - {indicator: m-1\n  - x: [\n", cl)


def test_csv_with_chinese_headers(cl, tmp_path):
    p = tmp_path / "v.csv"
    p.write_text("指标编号,评估对象,结论,依据,网址,核查人,核查日期\n"
                 "m-1,,不符合,未公开,http://x/,张三,2023-12-01\n"
                 "m-2,县财政局,不适用,,,张三,2023-12-01\n"
                 "m-9,,pass,,,张三,2023-12-01\n", encoding="utf-8")
    with pytest.raises(VerdictsError) as ei:
        load_verdicts(p, cl)
    assert ei.value.errors == [f"{p}:4: 未知的指标编号「m-9」（检查清单 t 中没有）"]
    p.write_text("\n".join(p.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    vs = load_verdicts(p, cl)
    assert [(v.verdict, v.office, v.url) for v in vs] == [("fail", None, "http://x/"),
                                                          ("not_applicable", "县财政局", None)]


def test_template_round_trip():
    cl = load_checklist("yiyuan-2023")
    text = template_yaml(cl)
    data = yaml.safe_load(text)
    manual = [i.id for i in cl.iter_indicators() if i.manual]
    assert data["checklist"] == "yiyuan-2023"
    assert [e["indicator"] for e in data["verdicts"]] == manual
    assert parse_verdicts(text, cl, "tpl.yaml") == []          # blank verdicts: nothing decided yet
    filled = text.replace("    verdict:\n", "    verdict: pass\n", 1).replace("    reviewer:\n", "    reviewer: 张三\n", 1) \
                 .replace("    date:\n", "    date: 2023-12-01\n", 1)
    (v,) = parse_verdicts(filled, cl, "tpl.yaml")
    assert (v.indicator, v.verdict) == (manual[0], "pass")


def test_cli_template_and_check(tmp_path):
    r = CliRunner().invoke(main, ["verdicts", "template", "--checklist", "national-web-2019"])
    assert r.exit_code == 0, r.output
    assert "indicator: gw-v1" in r.output
    p = tmp_path / "v.yaml"
    p.write_text("verdicts:\n  - {indicator: gw-v1, verdict: 错, reviewer: a, date: 2023-12-01}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["verdicts", "check", str(p), "--checklist", "national-web-2019"])
    assert r.exit_code != 0 and f"{p}:2: 指标 gw-v1 的结论「错」无效" in r.output
    assert "template" not in main.commands and "check" not in main.commands


# ----------------------------------------------------------------------------- merging

SNAP = {
    "offices": ["县财政局"],
    "homepage": "网站标识码：3700000001 鲁ICP备05002416号 鲁公网安备37030202000123号 党政机关",
    "columns": [{"name": "行政规范性文件", "entries": ["2023-11-01"]},
                {"name": "行政规范性文件", "office": "县财政局", "entries": ["2023-11-01"]}],
}


def _leaves(res):
    out = {}

    def walk(n):
        if n["leaf"]:
            out[n["id"]] = n
        for c in n.get("children", []):
            walk(c)

    for n in res["scores"]["tree"]:
        walk(n)
    return out


def test_no_verdicts_manual_is_open(cl):
    res = evaluate(build_snapshot(SNAP), cl)
    s = res["summary"]["weight_shares"]
    # weights: m-1 2, m-2 1 (manual, open), c-1 1 (two offices, judged), c-2 1 (judged) → 2/5 automated
    assert s == {"automated": 0.4, "manual": 0.0, "open": 0.6, "manual_indicators": 0.6}
    assert _leaves(res)["m-1"]["results"][0]["judged_by"] is None


def test_verdicts_merge(cl):
    vs = _parse("""\
        verdicts:
          - {indicator: m-1, verdict: pass, evidence: 已公开, url: "http://x/", reviewer: 张三, date: 2023-12-01}
          - {indicator: m-2, office: 县财政局, verdict: fail, evidence: 未公开, reviewer: 李四, date: 2023-12-02}
          - {indicator: c-2, verdict: fail, reviewer: 王五, date: 2023-12-03}
        """, cl)
    res = evaluate(build_snapshot(SNAP), cl, verdicts=vs)
    leaves = _leaves(res)
    m1 = leaves["m-1"]
    assert m1["outcome"] == "pass" and m1["score"] == 2
    (r,) = m1["results"]
    assert r["judged_by"] == "evaluator"
    assert r["verdict"] == {"verdict": "pass", "evidence": "已公开", "url": "http://x/", "reviewer": "张三",
                            "date": "2023-12-01", "file": "v.yaml", "line": 2}
    assert "张三" in r["note"]
    m2 = leaves["m-2"]
    assert [(x["office"], x["outcome"]) for x in m2["results"]] == [("县财政局", "fail")]
    # a judged check is not overridden by a verdict
    c2 = leaves["c-2"]
    assert c2["outcome"] == "pass" and c2["results"][0]["judged_by"] == "check"
    s = res["summary"]
    assert s["weight_shares"] == {"automated": 0.4, "manual": 0.6, "open": 0.0, "manual_indicators": 0.6}
    assert s["verdicts"]["given"] == 3 and s["verdicts"]["applied"] == 2
    assert s["verdicts"]["not_applied"] == [{"indicator": "c-2", "office": None, "file": "v.yaml", "line": 4}]
    offices = {o["name"]: o for o in res["offices"]}
    # c-1 applies to two 评估对象: each holds half its weight (pass, 0.5); m-2 is 县财政局's alone (fail, 1)
    assert offices["县财政局"]["score"] == 33.33
    # the 评估对象's parts add up to the site's points (scoring.points(…, of=n))
    assert sum(o["judged_weight"] for o in offices.values()) == pytest.approx(s["judged_weight"])
    assert sum(o["achieved_weight"] for o in offices.values()) == pytest.approx(s["achieved_weight"])


def test_verdict_settles_open_check_result(cl):
    vs = _parse("verdicts:\n  - {indicator: c-2, verdict: pass, reviewer: 王五, date: 2023-12-03}\n", cl)
    res = evaluate(build_snapshot({"columns": SNAP["columns"]}), cl, verdicts=vs)   # homepage not fetched
    c2 = _leaves(res)["c-2"]
    assert c2["outcome"] == "pass" and c2["results"][0]["judged_by"] == "evaluator"


def test_per_office_verdicts_leave_others_open(cl):
    vs = _parse("verdicts:\n  - {indicator: m-1, office: 县财政局, verdict: pass, reviewer: a, date: 2023-12-03}\n", cl)
    res = evaluate(build_snapshot(SNAP), cl, verdicts=vs)
    m1 = _leaves(res)["m-1"]
    assert [(x["office"], x["outcome"]) for x in m1["results"]] == [("本级门户（县政府办公室）", "needs_review"),
                                                                   ("县财政局", "pass")]
    assert m1["outcome"] == "needs_review" and m1["score"] == 1.0
