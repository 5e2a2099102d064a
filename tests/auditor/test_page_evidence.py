"""From a page to a finding: what the extractor keeps in `reasons` for malformed-date and
validity-conflict, and how the snapshot reads it (zwgk/auditor/snapshot.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from snapshot_yaml import build_snapshot

from zwgk.auditor import registry, snapshot
from zwgk.crawler.extractors import fields as ex

PAGE = """<html><head><title>关于某事项的通知_示例县人民政府</title></head><body>
<table><tr><td>索引号：</td><td>11370000-2023-00001</td><td>发文字号：</td><td>示政发〔2023〕1号</td></tr>
<tr><td>成文日期：</td><td>{written}</td><td>发布日期：</td><td>{published}</td></tr>
<tr><td>有效性：</td><td>现行有效</td><td>主题分类：</td><td>综合政务</td></tr></table>
<h1>关于某事项的通知</h1><div class="content">
<p>各乡镇人民政府，县政府各部门：</p>
<p>现将有关事项通知如下，请认真贯彻执行。本通知自印发之日起施行，《示例县某办法》同时废止。{tail}</p>
<p>示例县人民政府</p><p>{seal}</p></div></body></html>"""


def _page(written="2023年9月1日", published="2023-09-04", tail="", seal="2023年9月1日"):
    return PAGE.format(written=written, published=published, tail=tail, seal=seal)


def _document(doc: ex.DocumentFields):
    snap = build_snapshot({"documents": [{"url": "/a.html", "title": doc.title, "validity": doc.validity,
                                          "written_date": doc.written_date, "publish_date": doc.publish_date,
                                          "doc_number": doc.doc_number, "column": "行政规范性文件"}]})
    d = replace(snap.documents[0], malformed_dates=snapshot._malformed_dates(doc.reasons),
                validity_evidence=snapshot._validity_evidence(doc.reasons))
    return replace(snap, documents=(d,))


def _run(check_id, snap, **params):
    return registry.run_check(registry.get(check_id), snap, params)


def test_snapshot_reads_the_extractor_markers():
    assert snapshot.UNREADABLE_DATE == ex.UNREADABLE_DATE
    assert snapshot.VALIDITY_EVIDENCE == ex.VALIDITY_EVIDENCE


def test_labelled_dates_that_are_no_dates_keep_their_text():
    doc = ex.extract_document(_page(written="2023年13月45日", published="2023-02-30"), "http://x.gov.cn/a.html")
    assert doc.written_date is None and doc.publish_date is None
    assert doc.reasons["written_date"] == "无法识别的日期：2023年13月45日"
    assert doc.reasons["publish_date"] == "无法识别的日期：2023-02-30"
    snap = _document(doc)
    res = _run("malformed-date", snap)
    assert res.outcome == "fail"
    assert sorted((f.details["field"], f.details["raw"]) for f in res.findings) == [
        ("发布日期", "2023-02-30"), ("成文日期", "2023年13月45日")]
    assert _run("missing-field", snap, column="normative").outcome == "pass"


def test_a_seal_date_that_is_no_date_keeps_its_text():
    page = _page(seal="二〇二三年九月三十一日").replace("<td>成文日期：</td><td>2023年9月1日</td>", "")
    doc = ex.extract_document(page, "http://x.gov.cn/a.html")
    assert doc.written_date is None
    assert doc.reasons["written_date"] == "无法识别的日期：二〇二三年九月三十一日"


def test_a_value_that_is_not_written_as_a_date_keeps_the_old_reason():
    doc = ex.extract_document(_page(written="见正文"), "http://x.gov.cn/a.html")
    assert doc.reasons["written_date"] == "「成文日期」的值无法识别：见正文"
    assert _run("malformed-date", _document(doc)).outcome == "pass"


def test_validity_words_reach_the_check():
    doc = ex.extract_document(_page(tail="本通知有效期至2022年12月31日。"), "http://x.gov.cn/a.html")
    assert doc.validity == "有效"
    assert doc.reasons[ex.VALIDITY_EVIDENCE].split("\n") == [
        "本通知自印发之日起施行，《示例县某办法》同时废止。", "本通知有效期至2022年12月31日。"]
    res = _run("validity-conflict", _document(doc))
    assert res.outcome == "fail"
    assert res.findings[0].details["evidence"] == "本通知有效期至2022年12月31日。"
    assert res.findings[0].details["validity"] == "有效"


def test_another_document_repealed_is_no_conflict():
    doc = ex.extract_document(_page(), "http://x.gov.cn/a.html")
    assert doc.reasons[ex.VALIDITY_EVIDENCE] == "本通知自印发之日起施行，《示例县某办法》同时废止。"
    assert _run("validity-conflict", _document(doc)).outcome == "pass"


def test_a_page_silent_on_validity_keeps_no_evidence():
    doc = ex.extract_document(_page().replace("本通知自印发之日起施行，《示例县某办法》同时废止。", ""),
                              "http://x.gov.cn/a.html")
    assert ex.VALIDITY_EVIDENCE not in doc.reasons
    assert doc.written_date == date(2023, 9, 1)
