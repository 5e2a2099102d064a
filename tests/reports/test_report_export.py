"""CSV and Excel exports of results.json."""
from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from zwgk.auditor.registry import vocabulary
from zwgk.reports.export import excel_safe, write_csv, write_xlsx


def _read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def _leaf_count(nodes):
    return sum(1 + _leaf_count(n.get("children") or []) for n in nodes)


def test_csv_files(golden, tmp_path):
    paths = write_csv(golden, tmp_path)
    assert [p.name for p in paths] == ["findings.csv", "scores.csv", "documents.csv", "summary.csv"]
    findings = _read_csv(tmp_path / "findings.csv")
    assert [r["编号"] for r in findings] == [f["id"] for f in golden["findings"]]
    f3 = next(r for r in findings if r["编号"] == "F0003")
    assert f3["问题类型"] == vocabulary()["broken-link"]["failure_title"] and f3["状态码"] == "404" and f3["链接文字"] == "<img src=x onerror=alert(1)>"
    assert f3["所在页面标题"] == "<script>alert(1)</script>"
    scores = _read_csv(tmp_path / "scores.csv")
    assert len(scores) == _leaf_count(golden["scores"]["tree"])
    yy002 = next(r for r in scores if r["指标编号"] == "yy-002")
    assert yy002["结果"] == "不通过" and yy002["得分"] == "3.0" and yy002["问题数"] == "3"
    docs = _read_csv(tmp_path / "documents.csv")
    assert len(docs) == len(golden["documents"])
    assert docs[0]["文号"] == golden["documents"][0]["doc_number"]


def test_xlsx_workbook(golden, tmp_path):
    path = write_xlsx(golden, tmp_path / "results.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "得分", "问题清单", "文件", "栏目"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["总得分"] == golden["summary"]["score"] and summary["等次"] == golden["summary"]["grade"]
    assert summary["网站名称"] == "示例县人民政府"
    assert wb["问题清单"].max_row == len(golden["findings"]) + 1
    assert wb["文件"].max_row == len(golden["documents"]) + 1
    assert wb["栏目"].max_row == len(golden["columns"]) + 1
    head = [c.value for c in wb["问题清单"][1]]
    ids = [r[head.index("编号")] for r in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert ids == [f["id"] for f in golden["findings"]]


@pytest.mark.parametrize("s", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_excel_safe_escapes_formulas(s):
    assert excel_safe(s) == "'" + s
    assert excel_safe("正常文本") == "正常文本" and excel_safe(-3) == -3 and excel_safe(None) is None


def test_formula_injection_in_exports(golden, tmp_path):
    r = json.loads(json.dumps(golden))
    r["documents"][0]["title"] = '=HYPERLINK("http://evil.example/","点我")'
    r["documents"][1]["publisher"] = "@SUM(1+1)"
    write_csv(r, tmp_path)
    write_xlsx(r, tmp_path / "x.xlsx")
    docs = _read_csv(tmp_path / "documents.csv")
    assert docs[0]["标题"] == "'" + r["documents"][0]["title"]
    assert docs[1]["发布机构"] == "'@SUM(1+1)"
    findings = _read_csv(tmp_path / "findings.csv")
    assert any(v.startswith("'=HYPERLINK") for row in findings for v in row.values())
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                assert not (isinstance(c.value, str) and c.value[:1] in "=+-@"), (ws.title, c.coordinate)
    cell = wb["文件"]["B2"]
    assert cell.value == "'" + r["documents"][0]["title"]


def test_exports_name_findings_by_results_checks(golden, tmp_path):
    r = json.loads(json.dumps(golden))
    r["checks"] = {k: dict(v, failure_title=f"〔{k}〕") for k, v in vocabulary().items()}
    r["checks"]["broken-link"]["columns"].append({"key": "widget", "label": "〔部件〕", "kind": "text"})
    link = next(f for f in r["findings"] if f["check"] == "broken-link")
    link["widget"] = "x"
    write_csv(r, tmp_path)
    findings = _read_csv(tmp_path / "findings.csv")
    assert all(row["问题类型"] == f"〔{f['check']}〕" for row, f in zip(findings, r["findings"]))
    # a key no fixed header covers is labelled by its check's evidence columns
    assert next(row for row in findings if row["编号"] == link["id"])["〔部件〕"] == "x"
    wb = openpyxl.load_workbook(write_xlsx(r, tmp_path / "x.xlsx"))
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    for check, n in r["summary"]["findings_by_check"].items():
        assert summary[f"问题：〔{check}〕"] == n
