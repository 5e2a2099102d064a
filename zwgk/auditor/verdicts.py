"""An evaluator's verdicts file: manual judgements merged into the score.

A reviewable YAML or CSV file, one verdict per indicator (and, optionally, per 评估对象):

    checklist: yiyuan-2023                 # optional; when given it must match the audit's checklist
    verdicts:
      - indicator: yy-002
        office: 县财政局                   # optional: empty = the indicator as a whole
        verdict: fail                      # pass | fail | not_applicable (符合 / 不符合 / 不适用); empty = not decided yet
        evidence: 省政府文件库有 12 件，本站只有 9 件
        url: http://www.example.gov.cn/zwgk/gfxwj/
        reviewer: 张三
        date: 2023-12-01

CSV: the same keys as column headers (or 指标编号, 评估对象, 结论, 依据, 网址, 核查人, 核查日期).

Every problem of a file is reported at once in a VerdictsError whose lines name the file and
the line, in Chinese: `verdicts.yaml:12: 未知的指标编号「yy-999」`.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

import yaml

from zwgk.vocab import norm_text

__all__ = ["Verdict", "VerdictsError", "VERDICTS", "load_verdicts", "parse_verdicts", "template_yaml"]

# accepted spellings → the outcome they stand for
VERDICTS = {
    "pass": "pass", "符合": "pass", "通过": "pass", "合格": "pass", "是": "pass",
    "fail": "fail", "不符合": "fail", "不通过": "fail", "不合格": "fail", "否": "fail",
    "not_applicable": "not_applicable", "n/a": "not_applicable", "na": "not_applicable", "不适用": "not_applicable",
}
# column / key aliases (CSV headers in Chinese)
ALIASES = {
    "indicator": "indicator", "id": "indicator", "指标": "indicator", "指标编号": "indicator",
    "office": "office", "评估对象": "office",
    "verdict": "verdict", "结论": "verdict", "核查结论": "verdict",
    "evidence": "evidence", "依据": "evidence", "证据": "evidence", "说明": "evidence",
    "url": "url", "网址": "url", "证据网址": "url",
    "reviewer": "reviewer", "核查人": "reviewer", "评估人": "reviewer",
    "date": "date", "日期": "date", "核查日期": "date",
}
# keys a template writes for the evaluator's orientation; ignored when read back
INFO_KEYS = {"text", "applies_to", "hint", "指标内容"}


class VerdictsError(Exception):
    """A verdicts file that cannot be used. `errors` holds one line per problem."""

    def __init__(self, errors: list[str], file: str | None = None):
        super().__init__("\n".join(errors))
        self.errors = errors
        self.file = file


@dataclass(frozen=True)
class Verdict:
    indicator: str
    office: str | None
    verdict: str                  # pass | fail | not_applicable
    evidence: str | None
    url: str | None
    reviewer: str
    date: date
    file: str
    line: int

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "evidence": self.evidence, "url": self.url, "reviewer": self.reviewer,
                "date": self.date.isoformat(), "file": self.file, "line": self.line}


# ------------------------------------------------------------------------------- reading

class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's 1-based line under '__line__'."""


def _mapping_with_line(loader, node):
    m = loader.construct_mapping(node, deep=True)
    m["__line__"] = node.start_mark.line + 1
    return m


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
# dates stay text, so that a bad one (2023-13-01) is reported on its line, not as a YAML crash
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _read_yaml(text: str, shown: str) -> tuple[str | None, list[dict]]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise VerdictsError([f"{shown}:{line}: YAML 格式错误：{getattr(exc, 'problem', None) or exc}"], shown)
    if data is None:
        return None, []
    if isinstance(data, list):
        return None, data
    if isinstance(data, dict):
        unknown = [k for k in data if k not in ("checklist", "verdicts", "__line__")]
        if unknown:
            raise VerdictsError([f"{shown}:1: 未知的顶层键「{k}」（应为 checklist、verdicts）" for k in unknown], shown)
        rows = data.get("verdicts") or []
        if not isinstance(rows, list):
            raise VerdictsError([f"{shown}:{data['__line__']}: verdicts 应为列表"], shown)
        cl = data.get("checklist")
        return (str(cl) if cl is not None else None), rows
    raise VerdictsError([f"{shown}:1: 文件内容应为结论列表或含 verdicts 的映射"], shown)


def _read_csv(text: str, shown: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        row = {k: v for k, v in row.items() if k is not None}
        row["__line__"] = reader.line_num
        rows.append(row)
    return rows


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _date(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    parts = s.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            return None
    return None


def load_verdicts(path: str | Path, checklist) -> list[Verdict]:
    """Read and validate a verdicts file (YAML, or CSV by its extension) against `checklist`."""
    from zwgk.formats.csvfile import CsvEncodingError, read_csv_text

    p = Path(path)
    shown = str(path)
    csv_format = p.suffix.lower() == ".csv"
    try:  # a CSV is often saved by Excel in GBK; YAML is UTF-8 by its specification
        text = read_csv_text(p) if csv_format else p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise VerdictsError([f"{shown}: 文件不存在"], shown)
    except CsvEncodingError as exc:
        raise VerdictsError([str(exc)], shown)
    except (OSError, UnicodeDecodeError) as exc:
        raise VerdictsError([f"{shown}: 无法读取（应为 UTF-8 编码）：{exc}"], shown)
    return parse_verdicts(text, checklist, shown, csv_format=csv_format)


def parse_verdicts(text: str, checklist, shown: str = "<verdicts>", *, csv_format: bool = False) -> list[Verdict]:
    if csv_format:
        declared, rows = None, _read_csv(text, shown)
    else:
        declared, rows = _read_yaml(text, shown)
    errors: list[str] = []
    if declared is not None and declared != checklist.id:
        errors.append(f"{shown}:1: 结论文件属于检查清单「{declared}」，本次评估使用「{checklist.id}」")
    by_id = {i.id: i for i in checklist.iter_indicators()}
    out: list[Verdict] = []
    seen: dict[tuple, int] = {}
    for n, raw in enumerate(rows, 1):
        line = raw.get("__line__", 0) if isinstance(raw, dict) else 0
        where = f"{shown}:{line}"
        if not isinstance(raw, dict):
            errors.append(f"{where}: 第 {n} 条应为键值映射")
            continue
        row: dict[str, Any] = {}
        for k, v in raw.items():
            if k == "__line__" or k in INFO_KEYS:
                continue
            key = ALIASES.get(norm_text(str(k)).lower())
            if key is None:
                errors.append(f"{where}: 未知的字段「{k}」（可用：indicator、office、verdict、evidence、url、reviewer、date）")
                continue
            row[key] = v
        iid = _text(row.get("indicator"))
        if iid is None:
            errors.append(f"{where}: 缺少指标编号（indicator）")
            continue
        ind = by_id.get(iid)
        if ind is None:
            errors.append(f"{where}: 未知的指标编号「{iid}」（检查清单 {checklist.id} 中没有）")
            continue
        raw_verdict = _text(row.get("verdict"))
        if raw_verdict is None:
            continue  # not decided yet: the indicator stays open
        verdict = VERDICTS.get(raw_verdict.lower())
        if verdict is None:
            errors.append(f"{where}: 指标 {iid} 的结论「{raw_verdict}」无效，应为 pass（符合）、fail（不符合）"
                          f"或 not_applicable（不适用）")
            continue
        office = _text(row.get("office"))
        if office is not None:
            problem = office_problem(ind, office, checklist)
            if problem:
                errors.append(f"{where}: {problem}")
                continue
        reviewer = _text(row.get("reviewer"))
        if reviewer is None:
            errors.append(f"{where}: 指标 {iid} 缺少核查人（reviewer）")
        raw_date = row.get("date")
        d = _date(raw_date) if _text(raw_date) is not None else None
        if _text(raw_date) is None:
            errors.append(f"{where}: 指标 {iid} 缺少核查日期（date）")
        elif d is None:
            errors.append(f"{where}: 指标 {iid} 的核查日期「{raw_date}」无法识别，应为 YYYY-MM-DD")
        key = (iid, office_key_of(office))
        if key in seen:
            whom = f"（评估对象 {office}）" if office else ""
            errors.append(f"{where}: 指标 {iid}{whom} 的结论重复（第 {seen[key]} 行已给出）")
            continue
        seen[key] = line
        if reviewer is None or d is None:
            continue
        out.append(Verdict(iid, office, verdict, _text(row.get("evidence")), _text(row.get("url")),
                           reviewer, d, shown, line))
    if errors:
        raise VerdictsError(errors, shown)
    return out


def office_key_of(name: str | None) -> str | None:
    from .scoring import office_key

    return office_key(name) if name else None


def office_problem(ind, office: str, checklist) -> str | None:
    """Why `office` cannot carry a verdict on `ind` (None when it can)."""
    from .scoring import match_office

    name = match_office(office, tuple(checklist.offices))
    if ind.applies_to.all:
        if name in ind.applies_to.except_:
            return f"指标 {ind.id} 不适用于评估对象「{office}」（该指标写明除外）"
        return None
    if name not in ind.applies_to.offices:
        return (f"指标 {ind.id} 不适用于评估对象「{office}」（适用于：{'、'.join(ind.applies_to.offices)}）")
    return None


# ------------------------------------------------------------------------------- template

def _q(s: str) -> str:
    """A YAML scalar on one line, quoted."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def template_yaml(checklist, indicators: Iterable | None = None) -> str:
    """A verdicts file with one blank entry per manual indicator of `checklist`."""
    inds = list(indicators) if indicators is not None else [i for i in checklist.iter_indicators() if i.manual]
    lines = [
        f"# 人工核查结论：{checklist.title}（{checklist.id}）",
        "# 填写 verdict：pass（符合）、fail（不符合）、not_applicable（不适用）；留空表示尚未核查，该指标仍计为“尚待核查”。",
        "# 给出结论时须填写 reviewer（核查人）和 date（核查日期，YYYY-MM-DD）；evidence 写核查依据，url 写证据网址。",
        "# office 留空表示对整个指标下结论；如需按评估对象分别下结论，复制该条并填写 office。",
        "# text、applies_to、hint 仅供参考，读取时忽略。",
        "# 使用：zwgk audit --verdicts 本文件  或  zwgk run … --verdicts 本文件",
        f"checklist: {checklist.id}",
        "verdicts:",
    ]
    for ind in inds:
        lines += [
            f"  - indicator: {ind.id}",
            f"    text: {_q(ind.text)}",
            f"    applies_to: {_q(ind.applies_to_text or ('所有部门、单位' if ind.applies_to.all else '、'.join(ind.applies_to.offices)))}",
        ]
        if ind.hint:
            lines.append(f"    hint: {_q(ind.hint)}")
        lines += ["    office:", "    verdict:", "    evidence:", "    url:", "    reviewer:", "    date:"]
    if not inds:
        lines[-1] = "verdicts: []"
    return "\n".join(lines) + "\n"
