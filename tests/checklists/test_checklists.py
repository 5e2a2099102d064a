"""Checklists load and validate; the Yiyuan and Shanting files are pinned to their sources."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

import zwgk
from zwgk.auditor.checklist import (
    AppliesTo, ChecklistError, Indicator, list_checklists, load_checklist, parse_checklist,
)
from zwgk.auditor.registry import load_all

sys.path.insert(0, str(Path(__file__).resolve().parent))
import source_rows  # noqa: E402

REPO = Path(zwgk.__file__).resolve().parents[1]
CHECKLISTS = REPO / "checklists"
SEEDS = REPO / ".." / "shared" / "seeds"
FILES = sorted(CHECKLISTS.glob("*.yaml"))

REGISTRY_EMPTY = not load_all()
needs_registry = pytest.mark.skipif(
    REGISTRY_EMPTY, reason="check registry is empty (zwgk/auditor/checks/ has no checks yet): "
                           "check ids and params cannot be resolved")


def _seed(name: str) -> Path:
    p = (SEEDS / name).resolve()
    if not p.is_file():
        pytest.skip(f"seed {name} not found at {p} (the tests expect ../shared/seeds beside the repo)")
    return p


# --------------------------------------------------------------------------------------
# every file in checklists/


def test_there_are_checklists():
    assert {"yiyuan-2023", "shanting-2023-timed", "national-web-2019"} <= set(list_checklists())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_structure_validates(path):
    cl = load_checklist(path, resolve_checks=False)
    assert cl.id == path.stem
    inds = cl.indicators
    assert inds
    assert len({i.id for i in inds}) == len(inds)
    assert cl.portal_office is None or cl.portal_office in cl.offices
    for i in inds:
        assert (i.check is None) == i.manual
        assert i.weight > 0
        assert i.basis, i.id


@needs_registry
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_checks_resolve(path):
    cl = load_checklist(path)
    reg = load_all()
    for i in cl.iter_indicators():
        if i.check:
            assert i.check in reg
            # what the runner passes must bind to the function's signature
            import inspect
            inspect.signature(reg[i.check].func).bind(None, **i.call_params)


def test_bare_name_resolves_to_repo_dir():
    cl = load_checklist("yiyuan-2023")
    assert cl.path.resolve() == (CHECKLISTS / "yiyuan-2023.yaml").resolve()


def test_unknown_name():
    with pytest.raises(ChecklistError, match="没有名为「nope」的检查清单（可用：.*yiyuan-2023"):
        load_checklist("nope")
    with pytest.raises(ChecklistError, match="^没有名为「yiyuan-2032」的检查清单（是否应为「yiyuan-2023」？）"):
        load_checklist("yiyuan-2032")
    with pytest.raises(ChecklistError, match="^nope.yaml：检查清单文件不存在$"):
        load_checklist("nope.yaml")


# --------------------------------------------------------------------------------------
# Yiyuan attachment 2, pinned to the seed

YIYUAN_ROWS = 200


@pytest.fixture(scope="module")
def yiyuan_rows():
    return source_rows.load(_seed(source_rows.SEED_NAME))


@pytest.fixture(scope="module")
def yiyuan():
    return load_checklist("yiyuan-2023", resolve_checks=False)


def test_source_parser_row_count(yiyuan_rows):
    assert len(yiyuan_rows) == YIYUAN_ROWS
    assert yiyuan_rows[0].text == "在政府网站政府信息公开专栏中集中发布政府及部门行政规范性文件。"
    assert yiyuan_rows[-1].text == "人大代表建议和政协提案办理结果公开情况。"
    # wrapped cells are joined, merged cells filled
    assert yiyuan_rows[12].path[-1] == "“十四五”规划"
    assert yiyuan_rows[13].applies_to_text == "县发展改革局、县自然资源局等相关部门、单位"


def test_yiyuan_pinned_to_source(yiyuan, yiyuan_rows):
    inds = yiyuan.indicators
    assert len(inds) == len(yiyuan_rows) == YIYUAN_ROWS
    for n, (ind, row) in enumerate(zip(inds, yiyuan_rows), 1):
        where = f"row {n} (seed line {row.line})"
        assert ind.text == row.text, where
        assert ind.applies_to_text == row.applies_to_text, where
        assert ind.path == row.path, where
        assert ind.basis == "2023年沂源县政务公开工作方案 附件2 " + "/".join(row.path), where
        assert ind.id == f"yy-{n:03d}"
        assert ind.weight == 1


def test_yiyuan_applies_to_parsed(yiyuan):
    for ind in yiyuan.iter_indicators():
        t = ind.applies_to_text
        a = ind.applies_to
        if t == "所有部门、单位":
            assert a == AppliesTo(all=True)
        elif t.startswith("除"):
            assert a.all and a.except_ and all(x in t for x in a.except_)
        elif a.offices:
            # every listed office is named in the cell (one source typo is normalised)
            for o in a.offices:
                assert o in t or o == "县教育和体育局", (ind.id, o)
            if "等" in t or "相关" in t:
                assert ind.hint and "部分单位" in ind.hint, ind.id
        else:
            assert a.all and ind.hint and "未列明" in ind.hint, ind.id


def test_yiyuan_offices(yiyuan):
    named = set()
    for ind in yiyuan.iter_indicators():
        named |= set(ind.applies_to.names())
    assert named <= set(yiyuan.offices)
    assert yiyuan.portal_office == "县政府办公室"
    for o in ("县政府办公室", "县财政局", "县司法局", "市生态环境局沂源分局", "市医疗保障局沂源分局",
              "县信访局", "县供销社", "市公共资源交易中心沂源分中心", "县税务局"):
        assert o in yiyuan.offices


def test_yiyuan_examples(yiyuan):
    i = {x.id: x for x in yiyuan.iter_indicators()}
    assert (i["yy-001"].check, i["yy-001"].params) == ("column-exists", {"column": "normative"})
    assert i["yy-003"].check == "missing-field"
    assert i["yy-003"].params == {"column": "normative",
                                  "fields": ["标题", "正文", "文号", "成文日期", "发布日期", "有效性"]}
    assert i["yy-007"].params == {"column": "policy", "fields": ["标题", "正文", "文号", "成文日期", "发布日期"]}
    assert (i["yy-011"].check, i["yy-011"].params) == ("missing-item", {"title_contains": ["统计公报"], "year": 2022})
    assert (i["yy-030"].check, i["yy-030"].params) == ("missing-period", {"column": "finance", "every": "month"})
    assert i["yy-032"].params == {"column": "soe", "every": "quarter"}
    assert (i["yy-036"].check, i["yy-036"].params) == ("short-retention", {"column": "civil_service", "years": 2})
    assert i["yy-192"].check == "late-annual-report"
    assert i["yy-016"].manual and i["yy-016"].applies_to.except_ == ("县司法局", "县信访局", "县投资促进发展中心", "县供销社")
    assert i["yy-161"].manual  # 舆情回应效果: no machine can judge it
    # the 政策解读 rows have no 四级 in the source
    assert i["yy-134"].path == ("政策解读", "解读发布平台", "栏目建设") and i["yy-134"].level == 4
    assert i["yy-001"].level == 5


def test_yiyuan_manual_have_hints(yiyuan):
    for ind in yiyuan.iter_indicators():
        if ind.manual:
            assert ind.hint, ind.id


# --------------------------------------------------------------------------------------
# Shanting 定时公开, pinned to the seed


def test_shanting_pinned_to_source():
    rows = source_rows.load_shanting(_seed(source_rows.SHANTING_SEED))
    assert len(rows) == 42
    cl = load_checklist("shanting-2023-timed", resolve_checks=False)
    inds = cl.indicators
    assert len(inds) == 42
    for r, ind in zip(rows, inds):
        assert ind.id == f"st-{r.no:02d}"
        assert ind.text == f"{r.name}：{r.cadence}"
        assert ind.applies_to_text == r.office
        if r.office == "区直各部门":
            assert ind.applies_to.all
        else:
            assert ind.applies_to.offices == (r.office,)
        if r.cadence == "每月公开":
            assert (ind.check, ind.params["every"]) == ("missing-period", "month"), ind.id
        if r.cadence == "每周公开":
            assert (ind.check, ind.params["every"]) == ("missing-period", "week"), ind.id
        if "3个工作日" in r.cadence:
            assert ind.check == "late-interpretation" and ind.params["max_working_days"] == 3


def test_shanting_count_without_seed():
    assert len(load_checklist("shanting-2023-timed", resolve_checks=False).indicators) == 42


# --------------------------------------------------------------------------------------
# national 2019


def test_national_veto_items():
    cl = load_checklist("national-web-2019", resolve_checks=False)
    vetoes = [i for i in cl.iter_indicators() if i.veto]
    assert len(vetoes) >= 6
    assert cl.scoring == {"strategy": "deduction", "total": 100, "pass_mark": 60}
    checks = {i.check for i in cl.iter_indicators()}
    assert {"broken-link", "site-identity", "homepage-stale", "ipv6", "site-search"} <= checks
    i = {x.id: x for x in cl.iter_indicators()}
    assert (i["gw-v3"].check, i["gw-v3"].call_params) == ("homepage-stale", {"max_days": 14})
    assert i["gw-v4a"].call_params["min_count"] == 5 and i["gw-v4a"].call_params["limits"] == {"news": 14}
    assert i["gw-v4b"].call_params["min_count"] == 10
    assert (i["gw-v4c"].check, i["gw-v4c"].call_params) == ("blank-column", {"min_count": 5})
    assert all(i[v].veto for v in ("gw-v3", "gw-v4a", "gw-v4b", "gw-v4c"))


def test_yiyuan_guide_contents():
    i = load_checklist("yiyuan-2023", resolve_checks=False).indicator("yy-127")
    assert (i.check, i.params) == ("guide-contents", {"items": ["机构名称", "联系电话", "办公地址", "邮政编码"]})


# --------------------------------------------------------------------------------------
# Indicator.applies


def _ind(**a) -> Indicator:
    return Indicator("x-1", ("A",), 2, "t", None, AppliesTo(**a), 1, None, None, {}, True)


def test_applies():
    every = _ind(all=True)
    assert every.applies("县财政局") and every.applies(None, "县政府办公室") and every.applies(None)
    but = _ind(all=True, except_=("县信访局", "县政府办公室"))
    assert but.applies("县财政局")
    assert not but.applies("县信访局")
    assert not but.applies(None, "县政府办公室")      # the portal is the portal office
    only = _ind(offices=("县政府办公室",))
    assert only.applies(None, "县政府办公室")
    assert only.applies("县政府办公室 ")               # compared without white space
    assert not only.applies("县财政局")
    assert not only.applies(None)                      # portal office unknown


# --------------------------------------------------------------------------------------
# malformed checklists

HEAD = """\
id: {id}
title: t
version: "1"
source: s
levels: [一级, 二级, 三级]
offices: [县政府办公室, 县财政局]
portal_office: 县政府办公室
tree:
  - name: 主动公开
    children:
      - name: 法定基础信息
        children:
"""

GOOD_LEAF = """\
          - id: a-1
            text: 第一条
            applies_to: {all: true}
            weight: 1
            manual: true
"""


def _write(tmp_path: Path, leaves: str, name: str = "bad", head: str = HEAD) -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(head.format(id=name) + GOOD_LEAF + textwrap.indent(textwrap.dedent(leaves), " " * 10),
                 encoding="utf-8")
    return p


def _error(p: Path, **kw) -> str:
    with pytest.raises(ChecklistError) as ei:
        load_checklist(p, **kw)
    msg = str(ei.value)
    assert "bad.yaml" in msg, msg
    return msg


def test_good_minimal(tmp_path):
    p = _write(tmp_path, "", name="good")
    cl = load_checklist(p, resolve_checks=False)
    (ind,) = cl.indicators
    assert ind.path == ("主动公开", "法定基础信息") and ind.level == 3
    assert cl.tree[0].name == "主动公开" and cl.tree[0].level == 1


@needs_registry
def test_unknown_check(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
          check: missing-feild
          params: {column: normative}
        """)
    msg = _error(p)
    # the file, the line of the key, the indicator path, the fault and the check meant
    assert "bad.yaml:22: 主动公开/法定基础信息[2]: 未知的检查「missing-feild」（是否应为「missing-field」？）" in msg
    p.write_text(p.read_text(encoding="utf-8").replace("missing-feild", "requird-fields"), encoding="utf-8")
    assert "未知的检查「requird-fields」\n" in _error(p) + "\n"  # no far-fetched suggestion


@needs_registry
def test_bad_param_name(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
          check: column-exists
          params: {colum: normative}
        """)
    msg = _error(p)
    assert "bad.yaml:23: 主动公开/法定基础信息[2]: 检查「column-exists」没有参数「colum」（是否应为「column」？）" in msg
    assert "检查「column-exists」缺少参数「column」" in msg


@needs_registry
def test_basis_and_warn_params_allowed(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
          check: stale-column
          params: {column: news, max_days: 14, max_days_warn: 10, basis: 国办秘函〔2019〕19号}
        """, name="ok")
    ind = load_checklist(p).indicator("a-2")
    assert ind.call_params == {"column": "news", "max_days": 14}


def test_duplicate_id(tmp_path):
    p = _write(tmp_path, """\
        - id: a-1
          text: 第二条
          applies_to: {all: true}
          weight: 1
          manual: true
        """)
    msg = _error(p, resolve_checks=False)
    assert "bad.yaml:18: 主动公开/法定基础信息[2]: id「a-1」重复（第一次出现在 主动公开/法定基础信息[1]，第 13 行）" in msg


@pytest.mark.parametrize("weight", ["0", "-1", '"1"', "true", ".nan", "null"])
def test_bad_weight(tmp_path, weight):
    p = _write(tmp_path, f"""\
        - id: a-2
          text: 第二条
          applies_to: {{all: true}}
          weight: {weight}
          manual: true
        """)
    msg = _error(p, resolve_checks=False)
    assert "主动公开/法定基础信息[2]: weight（分值）应为正数" in msg


def test_both_check_and_manual(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
          check: column-exists
          params: {column: normative}
          manual: true
        """)
    msg = _error(p, resolve_checks=False)
    assert "主动公开/法定基础信息[2]: 同时给出了 check 和 manual: true" in msg


def test_neither_check_nor_manual(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
        """)
    assert "[2]: 需要 check（自动检查）或 manual: true（人工核查）" in _error(p, resolve_checks=False)


def test_unknown_office(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {offices: [县财政局, 县统计局]}
          weight: 1
          manual: true
        - id: a-3
          text: 第三条
          applies_to: {all: true, except: [县信访局]}
          weight: 1
          manual: true
        """)
    msg = _error(p, resolve_checks=False)
    assert "主动公开/法定基础信息[2]: 未知的评估对象「县统计局」（不在 offices 中）" in msg
    assert "主动公开/法定基础信息[3]: 未知的评估对象「县信访局」" in msg
    assert "县财政局」" not in msg


def test_yaml_syntax_error(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: [第二条
          weight: 1
        """)
    msg = _error(p, resolve_checks=False)
    assert "bad.yaml:20: YAML 格式错误（第 " in msg


def test_missing_keys_and_unknown_key(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          weight: 1
          manaul: true
        """)
    msg = _error(p, resolve_checks=False)
    assert "bad.yaml:18: 主动公开/法定基础信息[2]: 指标缺少「applies_to」" in msg
    assert "bad.yaml:21: 主动公开/法定基础信息[2]: 未知的键「manaul」（是否应为「manual」？）" in msg


def test_missing_top_level_key_and_id_mismatch(tmp_path):
    head = HEAD.replace('version: "1"\n', "").replace("id: {id}", "id: other")
    p = _write(tmp_path, "", head=head)
    msg = _error(p, resolve_checks=False)
    assert "bad.yaml: 缺少必填键「version」" in msg
    assert "与文件名" not in msg  # a file given by path may carry any id (a copy, a draft)
    # a file looked up by name in checklists/ must carry its file name as id
    with pytest.raises(ChecklistError) as ei:
        parse_checklist(p.read_text(encoding="utf-8"), "checklists/bad.yaml", stem="bad", resolve_checks=False)
    assert "checklists/bad.yaml:1: id「other」与文件名「bad」不一致" in str(ei.value)


def test_node_without_children(tmp_path):
    p = _write(tmp_path, """\
        - name: 空节点
          children: []
        """)
    assert "主动公开/法定基础信息/空节点: 层级节点的 children 应为非空列表" in _error(p, resolve_checks=False)


def test_unknown_column_kind(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
          check: column-exists
          params: {column: normativ}
        """)
    assert "[2]: params：未知的栏目类别「normativ」（是否应为「normative」？）" in _error(p, resolve_checks=False)


def test_bad_veto(tmp_path):
    p = _write(tmp_path, """\
        - id: a-2
          text: 第二条
          applies_to: {all: true}
          weight: 1
          manual: true
          veto: 是
        """)
    assert "[2]: veto 应为 true 或 false" in _error(p, resolve_checks=False)


def test_all_errors_reported_at_once(tmp_path):
    p = _write(tmp_path, """\
        - id: a-1
          text: 第二条
          applies_to: {offices: [县统计局]}
          weight: 0
          manual: true
        """)
    with pytest.raises(ChecklistError) as ei:
        load_checklist(p, resolve_checks=False)
    assert len(ei.value.errors) == 3
    assert all(e.startswith(str(ei.value.file) + ":") for e in ei.value.errors)
