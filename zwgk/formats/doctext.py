"""Plain text of an attachment for the content checks, with well-kept libraries: PDF (pypdf), DOCX
(python-docx), XLSX (openpyxl), and the OLE compound files Chinese sites publish most — Word
97-2003 .doc, Kingsoft WPS 文字 .wps (the same Word binary format) and Excel 97-2003 .xls
(olefile + the documented Word piece table, xlrd: formats/ole.py says why).

The bytes decide the format, not the extension: a .doc link may serve a DOCX, an RTF or a web
page, and an OLE file is told by its streams (WordDocument, Workbook/Book). What cannot be read —
encrypted, damaged, or a format not read (RTF, PPT, WPS 97/2000, Microsoft Works …) — raises
Unreadable with a Chinese reason; nothing here raises anything else.
"""
from __future__ import annotations

import io
import zipfile

READABLE = ("pdf", "docx", "xlsx", "doc", "wps", "xls")
MAX_CHARS = 2_000_000          # text kept from one file (a roster of ~20 000 lines)
MAX_PDF_PAGES = 300
MAX_UNZIPPED = 200 * 1024 * 1024  # a DOCX/XLSX that inflates beyond this is not opened (zip bomb)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# formats recognised but not read: the reason's words
NOT_READ = {"rtf": "RTF 文档", "html": "网页文件", "ppt": "PPT 演示文稿", "works": "Microsoft Works 文档",
            "ole": "未知的 OLE 复合文档", "old-wps": "早期 WPS 97/2000 文字格式"}


class Unreadable(Exception):
    """The file's text could not be read; str() is the Chinese reason."""


def sniff(data: bytes, ext: str = "") -> str | None:
    """The format by the bytes themselves (a .doc link may serve a DOCX), else by the extension."""
    kind, ole_file = _identify(data, ext)
    if ole_file is not None:
        ole_file.close()
    return kind


def _identify(data: bytes, ext: str):
    """(format, the open OLE file or None); "ole" for a compound file that cannot be opened."""
    ext = ext.lower()
    if data[:5] == b"%PDF-":
        return "pdf", None
    if data[:2] == b"PK":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None, None
        if any(n.startswith("word/") for n in names):
            return "docx", None
        if any(n.startswith("xl/") for n in names):
            return "xlsx", None
        return None, None
    if data[:8] == OLE_MAGIC:
        from zwgk.formats import ole

        try:
            f = ole.open_ole(data)
        except Unreadable:
            return "ole", None
        try:
            return ole.kind(f, ext), f
        except Exception:  # noqa: BLE001 - a damaged directory or summary stream
            f.close()
            return "ole", None
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{\\rtf"):
        return "rtf", None
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"mime-version")):   # Word's "网页" and MHT
        return "html", None
    if ext == "wps":
        return "old-wps", None
    if ext in ("doc", "xls"):
        return "mismatch", None
    return ext or None, None


def text_of(data: bytes, ext: str = "") -> str:
    """The text of a PDF, DOCX, XLSX, DOC, WPS or XLS file (lines; table cells separated by tabs)."""
    kind, ole_file = _identify(data, ext)
    try:
        if kind == "encrypted":
            raise Unreadable("文件已加密，无法读取")
        if kind == "ole":
            from zwgk.formats.ole import CORRUPT
            raise Unreadable(CORRUPT)
        if kind == "mismatch":
            raise Unreadable(f"文件内容不是 {ext.upper()} 格式，未读取")
        if kind not in READABLE:
            what = NOT_READ.get(kind or "")
            raise Unreadable(f"不支持读取的格式（{what or ext or kind or '未知'}）")
        if kind in ("docx", "xlsx"):
            size = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
            if size > MAX_UNZIPPED:
                raise Unreadable("文件解压后过大，未读取")
        from zwgk.formats import ole

        readers = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": lambda _: ole.xls_text(ole_file, len(data)),
                   "doc": lambda _: ole.word_text(ole_file, len(data)),
                   "wps": lambda _: ole.word_text(ole_file, len(data))}
        text = readers[kind](data)
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file is a reason, not a crash
        if kind in ("doc", "wps", "xls"):
            raise Unreadable(f"文件无法解析（{kind.upper()} 文件结构损坏）") from exc
        raise Unreadable(f"文件无法解析（{type(exc).__name__}）") from exc
    finally:
        if ole_file is not None:
            ole_file.close()
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
