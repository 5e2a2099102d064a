import datetime as dt
import io
import zipfile

import pytest

from zwgk.formats.doctext import Unreadable, sniff, text_of
from zwgk.formats.pii import detect, id_check_digit

from .office_files import docx_with, pdf_with_text, xlsx_with

ID = "37032319900101123" + id_check_digit("37032319900101123")
CARD = "6222021234567894"
TODAY = dt.date(2023, 11, 30)


def kinds(text):
    return sorted(h.kind for h in detect(text, TODAY))


def test_pdf_text():
    text = text_of(pdf_with_text(["Zhang San", f"ID {ID}", "Tel 0533-6212345"]), "pdf")
    assert ID in text and "Zhang San" in text
    assert kinds(text) == ["id_card"]


def test_docx_paragraphs_and_tables():
    data = docx_with(["关于低保对象的公示", "监督电话：0533-6212345"],
                     [["姓名", "身份证号", "银行卡号"], ["张三", ID, CARD], ["李四", "370323********5678", ""]])
    text = text_of(data, "docx")
    assert "关于低保对象的公示" in text and f"张三\t{ID}\t{CARD}" in text
    assert kinds(text) == ["bank_card", "id_card"]


def test_xlsx_cells_numbers_typed_as_numbers_read_whole():
    data = xlsx_with([["姓名", "身份证号", "银行卡号", "金额"], ["王五", ID, int(CARD), 500.0],
                      ["赵六", "370323********5678", None, 300.5]])
    text = text_of(data, "xlsx")
    assert f"王五\t{ID}\t{CARD}\t500" in text and "300.5" in text
    assert kinds(text) == ["bank_card", "id_card"]


def test_the_bytes_decide_the_format():
    data = docx_with(["正文"])
    assert sniff(data, "doc") == "docx" and "正文" in text_of(data, "doc")
    assert sniff(xlsx_with([["a"]]), "xls") == "xlsx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "doc") == "ole"


@pytest.mark.parametrize(("data", "ext", "reason"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "doc", "不支持读取的格式"),
    (b"%PDF-1.4\nnot really", "pdf", "无法解析"),
    (b"PK\x03\x04broken", "docx", "不支持读取的格式"),
    (b"plain text", "wps", "不支持读取的格式"),
])
def test_unreadable_files_say_why(data, ext, reason):
    with pytest.raises(Unreadable, match=reason):
        text_of(data, ext)


def test_a_docx_inflating_too_far_is_not_opened(monkeypatch):
    import zwgk.formats.doctext as doctext

    buf = io.BytesIO(docx_with(["x"]))
    monkeypatch.setattr(doctext, "MAX_UNZIPPED", sum(i.file_size for i in zipfile.ZipFile(buf).infolist()) - 1)
    with pytest.raises(Unreadable, match="过大"):
        text_of(buf.getvalue(), "docx")
