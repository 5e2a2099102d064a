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


def test_xlsx_typed_dates_filters_and_chinese_headers(golden, tmp_path):
    """Every sheet: a frozen header row, an autofilter over its rows, Chinese headers; dates are
    date cells; column kinds, failure codes and the checklist source read as a reader expects."""
    import datetime as dt
    import re

    r = json.loads(json.dumps(golden))
    r["checklist"]["source"] = "2023年示例县政务公开工作方案 附件2（../shared/seeds/002_x.txt）"
    r["columns"][0]["kind"] = "budget"
    r["columns"][0]["has_children"] = False
    r["summary"]["weight_shares"]["manual_indicators"] = 0.5
    r["findings"][0].update(first_seen="2023-11-30", days_open=3, redirects=2, error="soft-404")
    r["findings"][1].update(error="请求失败（CannotResolveHostError）")
    r["findings"][2].update(error="ResponseDataLossError")
    r["crawl"]["started_at"] = "2026-12-02T17:22:07.279011"
    wb = openpyxl.load_workbook(write_xlsx(r, tmp_path / "results.xlsx"))
    for ws in wb:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}", ws.title
        for c in ws[1]:
            assert re.search(r"[\u4e00-\u9fff]", c.value), (ws.title, c.value)
    summary = {row[0].value: row[1] for row in wb["汇总"].iter_rows(min_row=2)}
    assert summary["采集开始"].value == dt.datetime(2026, 12, 2, 17, 22, 7)
    assert summary["评估基准日"].is_date and summary["评估基准日"].value.date() == dt.date.fromisoformat(r["as_of"])
    assert summary["指标来源"].value == "2023年示例县政务公开工作方案 附件2"
    assert "人工评估指标权重占比" in summary
    ws = wb["问题清单"]
    head = [c.value for c in ws[1]]
    first = {h: c for h, c in zip(head, ws[2])}
    assert first["首次发现日期"].is_date and first["已持续天数"].value == 3 and first["重定向次数"].value == 2
    # 指标要求: the checklist's text of the indicators a finding fails
    texts = {}

    def walk(nodes):
        for n in nodes:
            if n.get("leaf"):
                texts[n["id"]] = n.get("text", "").rstrip("。")
            walk(n.get("children") or [])

    walk(r["scores"]["tree"])
    f = next(x for x in r["findings"] if any(texts.get(i) for i in x["indicators"]))
    row = next(x for x in ws.iter_rows(min_row=2, values_only=True) if x[0] == f["id"])
    assert texts[f["indicators"][0]] in row[head.index("指标要求")]
    errors = [row[head.index("错误")] for row in ws.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert errors[0].startswith("软404") and errors[1] == "请求失败（域名无法解析）" and errors[2].startswith("响应数据不完整")
    cols = wb["栏目"]
    chead = [c.value for c in cols[1]]
    assert "有下级栏目" in chead and cols.cell(2, chead.index("栏目类别") + 1).value == "财政预决算"
    for row in wb["文件"].iter_rows(min_row=2, values_only=True):
        kind = row[[c.value for c in wb["文件"][1]].index("栏目类别")]
        assert kind is None or re.search(r"[\u4e00-\u9fff]", kind), kind


def test_xlsx_share_columns_are_percentages(golden, tmp_path):
    r = json.loads(json.dumps(golden))
    r["checks"] = json.loads(json.dumps(vocabulary()))
    r["checks"]["interpretation-forms"]["columns"] = [{"key": "url", "label": "位置", "kind": "url"},
                                                      {"key": "share", "label": "多元化解读比例", "kind": "share"}]
    f = next(x for x in r["findings"] if x["check"] == "interpretation-forms")
    f["share"] = 0.4
    ws = openpyxl.load_workbook(write_xlsx(r, tmp_path / "s.xlsx"))["问题清单"]
    head = [c.value for c in ws[1]]
    row = next(x for x in ws.iter_rows(min_row=2) if x[0].value == f["id"])
    from zwgk.reports.checks import Vocabulary

    cell = row[head.index(Vocabulary.of(r).label("share"))]
    assert cell.value == 0.4 and cell.number_format == "0%"
