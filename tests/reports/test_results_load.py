"""read_results(documents=False): everything of a results.json but its documents list, which is
passed over unparsed — and the HTML report does not need it."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from zwgk.auditor.audit import write_results
from zwgk.auditor.model import Attachment, Document
from zwgk.reports.load import _without_documents, read_results


def _doc(i: int) -> Document:
    # titles with what the array's markers are made of: quotes, brackets, "documents"
    return Document(url=f"http://127.0.0.1:1/a/t{i}.html", title=f'关于 "documents": [ {i} ] 的通知\n ]',
                    doc_number=f"示政发〔2023〕{i}号", written_date=date(2023, 1, 1 + i % 28),
                    publish_date=date(2023, 2, 1 + i % 28), validity="有效", index_no=None, publisher="示例县人民政府",
                    topic=None, column="通知公告", column_kind="notice", office=None, body_chars=100 + i,
                    is_interpretation=False, attachments=(Attachment(f"http://127.0.0.1:1/a/{i}.pdf", "附件", "pdf"),))


def _results(n: int) -> dict:
    return {"schema": "zwgk-results/1", "site": {"url": "http://127.0.0.1:1/"},
            "summary": {"score": 80.5, "documents": n},
            "findings": [{"id": "F00001", "check": "missing-field", "url": "http://127.0.0.1:1/a/t1.html",
                          "title": "甲", "documents": [1, 2]}],
            "documents": tuple(_doc(i) for i in range(n)),
            "coverage": {"documents": n, "columns": [{"url": "x", "not_fetched": []}]},
            "links": {"checked": 3}}


@pytest.mark.parametrize("n", [0, 1, 40])
def test_everything_but_the_documents_is_read(tmp_path, n):
    path = write_results(_results(n), tmp_path / "results.json")
    whole = json.loads(path.read_text(encoding="utf-8"))
    assert len(whole["documents"]) == n
    light = read_results(path, documents=False)
    assert light["documents"] == []
    assert {k: v for k, v in light.items() if k != "documents"} == {k: v for k, v in whole.items() if k != "documents"}
    assert read_results(path) == whole


@pytest.mark.parametrize("block", [1, 2, 3, 5, 16, 17, 4096])
def test_any_block_size_cuts_the_same_bytes(tmp_path, block):
    """The markers may straddle two blocks."""
    path = write_results(_results(12), tmp_path / "results.json")
    raw = path.read_bytes()
    cut = _without_documents(io.BytesIO(raw), block=block)
    assert cut == _without_documents(io.BytesIO(raw), block=1 << 20)
    assert cut is not None and len(cut) < len(raw) / 3
    assert json.loads(cut)["documents"] == []


@pytest.mark.parametrize("n", [0, 1, 7])
def test_written_as_an_indent_1_dump_with_each_document_on_one_line(tmp_path, n):
    """write_results encodes each document with the C encoder on one line between "  {" and
    "  }": the file means what json.dumps(indent=1) of the same results means, is byte for byte
    that dump outside the documents, and each document is read back alone."""
    from zwgk.auditor.audit import _iso, document_dict
    from zwgk.reports.load import iter_documents

    results = _results(n)
    text = write_results(results, tmp_path / "results.json").read_text(encoding="utf-8")
    plain = json.dumps({**results, "documents": [document_dict(d) for d in results["documents"]]},
                       ensure_ascii=False, indent=1, default=_iso)
    assert json.loads(text) == json.loads(plain)
    if not n:
        assert text == plain
        return
    head, _, rest = text.partition('\n "documents": [')
    plain_head, _, plain_rest = plain.partition('\n "documents": [')
    assert head == plain_head and rest.partition("\n ]")[2] == plain_rest.partition("\n ]")[2]
    lines = rest.partition("\n ]")[0].splitlines()[1:]
    assert len(lines) == 3 * n and lines[0::3] == ["  {"] * n and [x.rstrip(",") for x in lines[2::3]] == ["  }"] * n
    assert list(iter_documents(tmp_path / "results.json")) == json.loads(plain)["documents"]


def test_another_layout_is_read_whole(tmp_path):
    data = json.loads(write_results(_results(5), tmp_path / "results.json").read_text(encoding="utf-8"))
    for text in (json.dumps(data, ensure_ascii=False), json.dumps(data, indent=4)):
        other = tmp_path / "other.json"
        other.write_text(text, encoding="utf-8")
        light = read_results(other, documents=False)
        assert light["documents"] == [] and light["findings"] == data["findings"]
        assert light["summary"] == data["summary"]


def test_a_broken_file_still_raises(tmp_path):
    path = write_results(_results(5), tmp_path / "results.json")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(json.JSONDecodeError):
        read_results(path, documents=False)


def test_the_report_of_the_sample_site_is_the_same_without_the_documents(sample_report):
    """The findings name their documents (auditor/audit.py _document_titles): the report
    rendered without the documents list is the one rendered with it."""
    from zwgk.reports.render import render_html

    results, report = sample_report
    path = report.parent / "results.json"
    light = read_results(path, documents=False)
    assert results["documents"] and light["documents"] == []
    titled = [f for f in results["findings"] if f.get("title") or f.get("source_title")]
    assert titled
    assert render_html(light) == render_html(results)


@pytest.mark.parametrize("n", [0, 1, 40])
def test_documents_are_read_one_at_a_time_as_written(tmp_path, n):
    from zwgk.reports.load import iter_documents

    path = write_results(_results(n), tmp_path / "results.json")
    whole = json.loads(path.read_text(encoding="utf-8"))
    assert list(iter_documents(path)) == whole["documents"]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(whole, ensure_ascii=False), encoding="utf-8")
    assert list(iter_documents(other)) == whole["documents"]


def test_a_documents_list_cut_short_is_an_error(tmp_path):
    from zwgk.reports.load import iter_documents

    path = write_results(_results(40), tmp_path / "results.json")
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.index(b'"documents": [') + 3000])
    with pytest.raises(ValueError):
        list(iter_documents(path))


def test_exports_from_the_file_are_the_exports_of_the_whole_results(tmp_path):
    """documents.csv and the 文件 sheet written from the documents read one at a time equal
    those written from results.json read whole."""
    from openpyxl import load_workbook

    from zwgk.reports.export import write_csv, write_xlsx
    from zwgk.reports.load import iter_documents

    path = write_results(_results(40), tmp_path / "results.json")
    whole = json.loads(path.read_text(encoding="utf-8"))
    light = read_results(path, documents=False)
    a = write_csv(whole, tmp_path / "a")
    b = write_csv(light, tmp_path / "b", documents=lambda: iter_documents(path))
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name
    with open(tmp_path / "b" / "documents.csv", encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) == 41
    wa = load_workbook(write_xlsx(whole, tmp_path / "a.xlsx"))
    wb = load_workbook(write_xlsx(light, tmp_path / "b.xlsx", documents=lambda: iter_documents(path)))
    assert wa.sheetnames == wb.sheetnames
    for name in wa.sheetnames:
        assert [list(r) for r in wa[name].values] == [list(r) for r in wb[name].values], name
        assert wa[name].auto_filter.ref == wb[name].auto_filter.ref
    assert wb["文件"].auto_filter.ref.endswith("41") and wb["文件"].max_row == 41


def test_the_report_command_says_when_the_documents_break_off(tmp_path):
    from click.testing import CliRunner

    from zwgk.cli import main

    path = write_results(_results(40), tmp_path / "results.json")
    raw = path.read_bytes()
    cut = raw.index(b'"documents": [') + 3000
    path.write_bytes(raw[:cut])
    out = tmp_path / "csv"
    out.mkdir()
    (out / "documents.csv").write_text("earlier", encoding="utf-8")
    r = CliRunner().invoke(main, ["report", str(path), "--format", "csv", "--out", str(out)])
    assert r.exit_code != 0 and "无法读取" in r.output and "Traceback" not in r.output
    # the earlier documents.csv stays whole, and no half-written file is left beside it
    assert (out / "documents.csv").read_text(encoding="utf-8") == "earlier"
    assert not list(out.glob("*.tmp"))
