import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import pytest

from zwgk.formats.doctext import Unreadable, sniff, text_of
from zwgk.formats.pii import detect, id_check_digit

from .office import values
from .office_files import docx_with, pdf_with_text, xlsx_with

OFFICE = Path(__file__).parent / "office"   # saved by LibreOffice (office/make.py)

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
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "doc", "OLE 复合文档结构损坏"),
    (b"%PDF-1.4\nnot really", "pdf", "无法解析"),
    (b"PK\x03\x04broken", "docx", "不支持读取的格式"),
    (b"plain text", "wps", "不支持读取的格式（早期 WPS 97/2000 文字格式）"),
    (b"{\\rtf1\\ansi\\ansicpg936 \\f0 \\'d5\\'c5}", "doc", "不支持读取的格式（RTF 文档）"),
    ("\ufeff<html xmlns:o='urn:schemas-microsoft-com:office:office'><table>".encode(), "xls",
     "不支持读取的格式（网页文件）"),
    ("序号,姓名\n1,张三\n".encode("gbk"), "xls", "文件内容不是 XLS 格式"),
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


# ---- Word 97-2003 / WPS / Excel 97-2003 (OLE compound files), saved by LibreOffice ----

def _office(name: str) -> bytes:
    return (OFFICE / name).read_bytes()


def test_doc_paragraphs_and_table_rows():
    text = text_of(_office("roster.doc"), "doc")
    assert text.startswith("关于2023年度农村最低生活保障对象的公示\n")
    assert f"1\t张某某\t{values.ID}\t{values.CARD}\t{values.MOBILE}\t\n" in text
    assert "监督电话：0533-6212345。\n某县民政局" in text
    assert not any(c < " " and c not in "\t\n" for c in text)     # no cell, field or anchor marks left
    assert kinds(text) == ["bank_card", "id_card", "mobile"]       # the masked ID is no hit


def test_xls_every_sheet_and_a_card_typed_as_a_number():
    text = text_of(_office("roster.xls"), "xls")
    assert f"1\t王某\t{values.ID}\t{values.CARD}\t{values.MOBILE}\t500" in text
    assert f"2\t赵某\t{values.MASKED}\t\t\t300.5" in text
    assert text.endswith("联系人：民政局社会救助股")                 # the second sheet
    assert kinds(text) == ["bank_card", "id_card", "mobile"]


def test_ole_files_are_told_apart_by_their_streams_not_their_names():
    doc, xls, wps = _office("roster.doc"), _office("roster.xls"), _office("kingsoft.wps")
    assert sniff(doc, "doc") == "doc" and sniff(doc, "xls") == "doc" and sniff(doc, "") == "doc"
    assert sniff(xls, "doc") == "xls" and values.ID in text_of(xls, "doc")
    # WPS 文字 writes the Word 97 format with its KSOProductBuildVer property: wps under any name
    assert sniff(wps, "doc") == "wps" and sniff(wps, "") == "wps"
    assert text_of(wps, "doc") == text_of(doc, "doc")
    # a .wps link to a Word-written file is read the same way
    assert sniff(doc, "wps") == "wps" and values.ID in text_of(doc, "wps")


@pytest.mark.parametrize("name", ["encrypted.doc", "encrypted.xls"])
def test_password_protected_files_say_so(name):
    with pytest.raises(Unreadable, match="已加密"):
        text_of(_office(name), name.rsplit(".", 1)[1])


def _patched(data: bytes, tmp_path, changes: dict) -> bytes:
    """`data` (an OLE file) with streams rewritten: {stream: change(bytearray) -> bytearray, same size}."""
    import olefile

    path = tmp_path / "patched.bin"
    path.write_bytes(data)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        for stream, change in changes.items():
            old = ole.openstream(stream).read()
            new = change(bytearray(old))
            assert len(new) == len(old)
            ole.write_stream(stream, bytes(new))
    return path.read_bytes()


def _piece_table(data: bytes) -> tuple[str, int, int]:
    """(the table stream's name, offset of the PlcPcd in it, n pieces) of a .doc, read by hand."""
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(data))
    wd = ole.openstream("WordDocument").read()
    name = "1Table" if struct.unpack_from("<H", wd, 0x0A)[0] & 0x0200 else "0Table"
    table = ole.openstream(name).read()
    pos = 0x20
    pos += 2 + 2 * struct.unpack_from("<H", wd, pos)[0]
    pos += 2 + 4 * struct.unpack_from("<H", wd, pos)[0]
    i = struct.unpack_from("<I", wd, pos + 2 + 8 * 33)[0]
    while table[i] == 1:
        i += 3 + struct.unpack_from("<h", table, i + 1)[0]
    return name, i + 5, (struct.unpack_from("<I", table, i + 1)[0] - 4) // 12


def test_an_8_bit_piece_and_field_codes(tmp_path):
    """Word stores a run of Western text as a "compressed" 8-bit piece (cp1252 at fc / 2); a
    field's code (HYPERLINK "…") is not text, its result (nested fields too) is."""
    data = _office("roster.doc")
    table, plc, n = _piece_table(data)
    assert n == 1
    line = (b'Tel \x93' + values.MOBILE.encode() + b'\x94\r\x13 HYPERLINK "http://x.gov.cn/'
            + values.ID.encode() + b'" \x14see \x13 PAGE \x142\x15 list\x15 end\r')
    fc = []

    def one_8_bit_piece(t):
        cp0, = struct.unpack_from("<I", t, plc)
        fc.append(struct.unpack_from("<I", t, plc + 8 + 2)[0])
        struct.pack_into("<I", t, plc + 4, cp0 + len(line))
        struct.pack_into("<I", t, plc + 8 + 2, (fc[0] * 2) | 0x40000000)
        return t

    def its_bytes(w):
        w[fc[0]:fc[0] + len(line)] = line
        return w

    text = text_of(_patched(data, tmp_path, {table: one_8_bit_piece, "WordDocument": its_bytes}), "doc")
    assert text == "Tel \u201c" + values.MOBILE + "\u201d\nsee 2 list end\n"
    assert values.ID not in text and kinds(text) == ["mobile"]


def test_damaged_or_old_word_files_give_a_reason(tmp_path):
    data = _office("roster.doc")
    table, plc, _ = _piece_table(data)

    def beyond_the_stream(t):
        struct.pack_into("<I", t, plc + 4, 10_000_000)          # the piece's end CP far past the text
        return t

    def word_95(w):
        w[2:4] = struct.pack("<H", 0x68)
        return w

    with pytest.raises(Unreadable, match="OLE 复合文档结构损坏"):
        text_of(_patched(data, tmp_path, {table: beyond_the_stream}), "doc")
    with pytest.raises(Unreadable, match="Word 95 及更早版本"):
        text_of(_patched(data, tmp_path, {"WordDocument": word_95}), "doc")
    with pytest.raises(Unreadable, match="OLE 复合文档结构损坏"):
        text_of(data[:3000], "doc")                               # a download cut short
    absurd = bytearray(data)
    absurd[0x2C:0x30] = struct.pack("<I", 0x7FFFFFFF)              # FAT sectors no file could hold
    with pytest.raises(Unreadable, match="OLE 复合文档结构损坏"):
        text_of(bytes(absurd), "doc")
    with pytest.raises(Unreadable, match="无法解析"):
        text_of(_office("roster.xls")[:4000], "xls")


def test_text_stops_at_max_chars(monkeypatch):
    import zwgk.formats.doctext as doctext

    monkeypatch.setattr(doctext, "MAX_CHARS", 12)
    assert text_of(_office("roster.doc"), "doc") == "关于2023年度农村最低"
    assert len(text_of(_office("roster.xls"), "xls")) <= 12 + 60       # stops after the row that passed it


@pytest.mark.parametrize("name", ["roster.doc", "roster.xls", "kingsoft.wps"])
def test_damaged_ole_files_never_raise_anything_but_unreadable(name):
    import random

    data, rng = _office(name), random.Random(name)
    for _ in range(150):
        damaged = bytearray(data)
        for _ in range(rng.choice((1, 5, 40))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            text_of(bytes(damaged), name.rsplit(".", 1)[1])
        except Unreadable as exc:
            assert str(exc)
