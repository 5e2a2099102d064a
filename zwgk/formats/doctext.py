"""Plain text of an attachment (PDF, DOCX, XLSX) for the content checks, with well-kept libraries.

DOC (Word 97-2003) and WPS files are not read: no maintained pure-Python library extracts
their text. What cannot be read raises Unreadable with a Chinese reason.
"""
from __future__ import annotations

import io
import zipfile

READABLE = ("pdf", "docx", "xlsx")
MAX_CHARS = 2_000_000          # text kept from one file (a roster of ~20 000 lines)
MAX_PDF_PAGES = 300
MAX_UNZIPPED = 200 * 1024 * 1024  # a DOCX/XLSX that inflates beyond this is not opened (zip bomb)


class Unreadable(Exception):
    """The file's text could not be read; str() is the Chinese reason."""


def sniff(data: bytes, ext: str = "") -> str | None:
    """The format by the bytes themselves (a .doc link may serve a DOCX), else by the extension."""
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:2] == b"PK":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"   # DOC / XLS / WPS: not read
    return ext.lower() or None


def text_of(data: bytes, ext: str = "") -> str:
    """The text of a PDF, DOCX or XLSX file (lines; table cells separated by tabs)."""
    kind = sniff(data, ext)
    if kind not in READABLE:
        raise Unreadable(f"不支持读取的格式（{ext or kind or '未知'}）")
    if kind in ("docx", "xlsx"):
        size = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
        if size > MAX_UNZIPPED:
            raise Unreadable("文件解压后过大，未读取")
    try:
        text = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx}[kind](data)
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file is a reason, not a crash
        raise Unreadable(f"文件无法解析（{type(exc).__name__}）") from exc
    return text[:MAX_CHARS]


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise Unreadable("PDF 已加密，无法读取")
    out, size = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        t = page.extract_text() or ""
        out.append(t)
        size += len(t)
        if size > MAX_CHARS:
            break
    return "\n".join(out)


def _docx(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out.append("\t".join(c.text for c in row.cells))
    return "\n".join(out)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))   # an ID or card number typed as a number: 6.222021234567894E15
    return str(v)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out, size = [], 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                line = "\t".join(_cell(v) for v in row).rstrip("\t")
                if line:
                    out.append(line)
                    size += len(line)
                if size > MAX_CHARS:
                    return "\n".join(out)
    finally:
        wb.close()
    return "\n".join(out)
