"""Personal information on a document page, end to end: a loopback site whose one 公示 page shows an
unmasked ID number (a valid check digit) among a masked one, a 统一社会信用代码, an 索引号 and a
hotline; `zwgk run` finds exactly that one ID, and no file it writes holds the full number. Then
the same in attachments: an XLSX roster, a Word 97-2003 .doc 公示 and an Excel 97-2003 .xls
发放名单 (saved by LibreOffice, tests/crawler/office) linked from a notice are downloaded after the
crawl, and their ID, card and mobile numbers are findings at the attachment."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crawler.office import values
from crawler.office_files import docx_with, xlsx_with

from tests.e2e.siterun import county_site, run_pages
from zwgk.formats.pii import id_check_digit

ID = "37032319850612041" + id_check_digit("37032319850612041")
DOCS = {
    "/zfxxgk/tzgg/202309/t20230921_1.html": ("关于2023年第三批临时救助对象的公示", (
        "<p>索引号：11370323004012345/2023-00012</p><p>发布日期：2023-09-21</p>"
        "<div class='content'>"
        f"<p>经审核，张某（身份证号：{ID}）符合临时救助条件，拟给予救助。</p>"
        "<p>李某（身份证号：370323********5678）符合条件。</p>"
        "<p>承办单位：某县民政局，统一社会信用代码：11370323004012345X，另：91370323MA3C5XXX1K。</p>"
        "<p>公示期内如有异议，请拨打监督电话：0533-6212345。</p>"
        + "<p>公示期为5个工作日。</p>" * 5 + "</div>")),
    "/zfxxgk/tzgg/202309/t20230922_2.html": ("关于做好秋季防火工作的通知", (
        "<p>发布日期：2023-09-22</p><div class='content'>"
        + "<p>各乡镇、各部门要切实做好秋季防火工作。</p>" * 8
        + "<p>咨询电话：0533-6212345，政务服务热线12345。</p></div>")),
}
COLUMNS = {"/zfxxgk/tzgg/": "通知公告", "/zfxxgk/zfxxgkzn/": "政府信息公开指南"}
ID2 = "37032319780512001" + id_check_digit("37032319780512001")
OFFICE = Path(__file__).resolve().parents[1] / "crawler" / "office"
FILES = {"/files/mingdan.xlsx": xlsx_with([["序号", "姓名", "身份证号"], [1, "王某", ID2], [2, "赵某", "370323********5678"]]),
         "/files/tongzhi.docx": docx_with(["监督电话：0533-6212345"]),
         "/files/dibao.doc": (OFFICE / "roster.doc").read_bytes(),
         "/files/fafang.xls": (OFFICE / "roster.xls").read_bytes()}
LINKS = ('<p>附件：<a href="/files/mingdan.xlsx">救助对象名单.xlsx</a> '
         '<a href="/files/tongzhi.docx">通知.docx</a> <a href="/files/dibao.doc">低保对象公示.doc</a> '
         '<a href="/files/fafang.xls">发放名单.xls</a></p>')


def _answer(attachments: bool = False):
    """The site; with `attachments`, the second notice links an XLSX roster and a DOCX."""
    docs = {u: (t, body + LINKS if attachments and u.endswith("_2.html") else body) for u, (t, body) in DOCS.items()}
    return county_site(COLUMNS, docs, lists="/zfxxgk/tzgg/", files=FILES if attachments else None)


def _run(tmp_path, attachments: bool = False, *args: str) -> dict:
    return run_pages(_answer(attachments), tmp_path, *args)


def _note(results: dict, check: str) -> str:
    """The note of `check`'s line in the checklist's tree of scores."""
    todo = list(results["scores"]["tree"])
    while todo:
        node = todo.pop()
        if node.get("check") == check:
            return node["note"]
        todo.extend(node.get("children") or ())
    raise AssertionError(f"{check} not in the checklist")


def _written_whole(tmp_path, number: str) -> list:
    """Files the run wrote that hold `number` in full."""
    written = [tmp_path / "z.db", *[x for x in (tmp_path / "out").rglob("*") if x.is_file()]]
    assert any(x.name == "results.json" for x in written)
    return [x for x in written if number.encode() in x.read_bytes() or number.encode("utf-16-le") in x.read_bytes()]


def test_one_unmasked_id_number_is_the_one_failure_and_is_never_written_whole(tmp_path):
    results = _run(tmp_path)
    out = tmp_path / "out"
    assert len(results["documents"]) == 2

    found = [f for f in results["findings"] if f["check"] == "personal-info"]
    assert len(found) == 1, found
    (f,) = found
    assert f["url"].endswith("/t20230921_1.html")
    assert f["kind"] == "身份证号" and f["count"] == 1 and f["verdict"] == "确定泄露"
    assert f["value"] == ID[:6] + "********" + ID[-4:]
    assert "张某" in f["context"] and ID[:6] + "********" + ID[-4:] in f["context"]
    assert "personal-info" in results["checks"]

    assert results["checks"]["personal-info"]["failure_title"] in (out / "report.html").read_text(encoding="utf-8")
    assert f["value"] in (out / "report.html").read_text(encoding="utf-8")

    # the stored row holds the masked hit only
    db = sqlite3.connect(tmp_path / "z.db")
    rows = dict(db.execute("SELECT url, content_hits FROM document"))
    hits = {u.rsplit("/", 1)[1]: json.loads(h or "[]") for u, h in rows.items()}
    assert [h["kind"] for h in hits["t20230921_1.html"]] == ["id_card"]
    assert hits["t20230922_2.html"] == []

    # nowhere a full ID number: not the database, not results.json, not the report
    assert _written_whole(tmp_path, ID) == []


def test_an_id_number_in_an_attachment_is_a_finding_at_the_attachment(tmp_path):
    results = _run(tmp_path, True, "--checklist", "baseline")
    found = sorted((f for f in results["findings"] if f["check"] == "personal-info"),
                   key=lambda f: (f["url"], f["kind"]))
    assert [(f["where"], f["kind"], f["verdict"]) for f in found] == [
        ("附件：低保对象公示.doc", "手机号码", "需人工核实"), ("附件：低保对象公示.doc", "身份证号", "确定泄露"),
        ("附件：低保对象公示.doc", "银行卡号", "确定泄露"),
        ("附件：发放名单.xls", "手机号码", "需人工核实"), ("附件：发放名单.xls", "身份证号", "确定泄露"),
        ("附件：发放名单.xls", "银行卡号", "确定泄露"),
        ("附件：救助对象名单.xlsx", "身份证号", "确定泄露"), ("正文", "身份证号", "确定泄露")]
    att = next(f for f in found if f["url"].endswith("/files/mingdan.xlsx"))
    assert att["source"].endswith("/t20230922_2.html")
    assert att["value"] == ID2[:6] + "********" + ID2[-4:] and att["count"] == 1
    for f in found[:6]:
        assert f["source"].endswith("/t20230922_2.html") and f["count"] == 1
        assert f["value"] in (values.ID[:6] + "********" + values.ID[-4:], "6222********7894",
                              values.MOBILE[:3] + "****" + values.MOBILE[-4:])
    assert "附件读取 4 个，无法读取 0 个" in _note(results, "personal-info")
    for number in (ID, ID2, values.ID, values.CARD, values.MOBILE):
        assert _written_whole(tmp_path, number) == [], number
