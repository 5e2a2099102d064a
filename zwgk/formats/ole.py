"""Text of OLE compound files (the d0cf11e0 magic): Word 97-2003 .doc, Kingsoft WPS 文字 .wps, and
Excel 97-2003 .xls — the attachments Chinese government sites publish most, rosters (名单, 公示)
among them.

Libraries, and why:
- olefile (BSD, maintained by decalage, the OLE reader under oletools) opens the compound file and
  its streams. No maintained pure-Python library extracts a .doc's text (antiword and catdoc are C
  programs a fresh machine lacks; textract shells out to them), so `word_text` reads the documented
  piece table itself ([MS-DOC] 2.4.1 "Retrieving Text"): the FIB at the start of the WordDocument
  stream gives fcClx/lcbClx (FibRgFcLcb97, pair 33) and which table stream holds it (0Table or
  1Table); the CLX's Pcdt holds a PlcPcd — n+1 character positions and n 8-byte piece
  descriptors, each piece either 8-bit ("compressed", cp1252, at fc/2) or UTF-16LE at fc, which is
  how Chinese text is always stored. Word 6/95 files (a different FIB) are refused with a reason.
- Kingsoft WPS 文字 (WPS Office 2000 and later) saves .wps as this same Word 97 binary format in
  an OLE file with a WordDocument stream (LibreOffice opens .wps with its Word 97 filter for that
  reason, and its Works filter for Microsoft Works .wps, an OLE file with a CONTENTS stream). WPS
  writes a KSOProductBuildVer property into DocumentSummaryInformation, which tells a WPS-written
  file from a Word one whatever its extension. WPS 97 / WPS 2000 files are not OLE: not read.
- xlrd (BSD, maintained; since 2.0 it reads only .xls, which is what is needed) reads BIFF5/BIFF8
  workbooks (the Workbook or Book stream, taken out by olefile: xlrd's own compound-file reader
  can loop forever on a damaged file), and says when a workbook is encrypted (FILEPASS).

Guards: the header must have a sane sector size and no more FAT sectors than the file could hold,
no stream may claim to be larger than the file, text stops at MAX_CHARS, and a piece table that
points outside its stream is a corrupt file. Every failure is Unreadable with a Chinese reason.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import struct

from zwgk.formats import doctext
from zwgk.formats.doctext import Unreadable

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WPS_MARKS = (b"KSOProductBuildVer", "KSOProductBuildVer".encode("utf-16-le"))
CORRUPT = "文件无法解析（OLE 复合文档结构损坏）"


def open_ole(data: bytes):
    """An olefile.OleFileIO over `data`, or Unreadable if its header is not sane."""
    import olefile

    if len(data) < 512 or data[:8] != MAGIC:
        raise Unreadable(CORRUPT)
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    (fat_sectors,) = struct.unpack_from("<I", data, 0x2C)
    if data[0x1C:0x1E] != b"\xfe\xff" or shift not in (9, 12) or mini_shift != 6 \
            or fat_sectors > len(data) // (1 << shift) + 1:
        raise Unreadable(CORRUPT)
    try:
        # a BytesIO, never bytes: olefile takes a short bytes value for a file name
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - olefile raises OSError and others on damaged files
        raise Unreadable(CORRUPT) from exc


def _names(ole) -> dict[str, str]:
    """Top-level stream names, case-folded (CFB names are case-insensitive) -> as stored."""
    return {e[0].casefold(): e[0] for e in ole.listdir(streams=True, storages=True) if len(e) == 1}


def kind(ole, ext: str = "") -> str:
    """doc, wps or xls by the streams the file holds; else encrypted (an Office 2007+ file with a
    password), ppt, works (a Microsoft Works .wps), or ole (some other compound file)."""
    names = _names(ole)
    if "encryptedpackage" in names:
        return "encrypted"
    if "worddocument" in names:
        if ext.lower() == "wps":
            return "wps"
        info = names.get("\x05documentsummaryinformation")
        if info and ole.get_size(info) <= 1 << 20:
            raw = ole.openstream(info).read()
            if any(mark in raw for mark in WPS_MARKS):
                return "wps"
        return "doc"
    if "workbook" in names or "book" in names:
        return "xls"
    if "powerpoint document" in names:
        return "ppt"
    if "contents" in names or "mn0" in names:
        return "works"
    return "ole"


def _stream(ole, name: str, file_size: int) -> bytes:
    """A stream's bytes; Unreadable if it is missing or claims to be larger than the file."""
    stored = _names(ole).get(name.casefold())
    if stored is None:
        raise Unreadable(CORRUPT)
    if ole.get_size(stored) > file_size:
        raise Unreadable(CORRUPT)
    try:
        return ole.openstream(stored).read()
    except Exception as exc:  # noqa: BLE001 - a broken sector chain
        raise Unreadable(CORRUPT) from exc


# Word's special characters ([MS-DOC] 2.8.25 and following): paragraph, line and page ends become
# line breaks, a table cell's end a tab (a row's end, a second cell mark, a line break); anchors of
# pictures, footnotes and comments, and soft hyphens, nothing.
_WORD_CHARS = {0x0D: "\n", 0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x07: "\t", 0x1E: "-", 0x1F: None, 0xA0: " "}
_WORD_CHARS.update({c: None for c in range(0x20) if c not in _WORD_CHARS and c not in (0x09, 0x0A)})
_FIELD = re.compile(r"([\x13\x14\x15])")


def _drop_field_codes(text: str) -> str:
    """A field is \\x13 code \\x14 result \\x15 (nested fields allowed): keep the result, which is
    what the reader sees (a hyperlink's text), not the code (HYPERLINK "…", PAGE, MERGEFIELD)."""
    if "\x13" not in text:
        return text
    out, stack = [], []          # per open field: True while in its code part
    for part in _FIELD.split(text):
        if part == "\x13":
            stack.append(True)
        elif part == "\x14":
            if stack:
                stack[-1] = False
        elif part == "\x15":
            if stack:
                stack.pop()
        elif not any(stack):
            out.append(part)
    return "".join(out)


def word_text(ole, file_size: int) -> str:
    """The text of a Word 97-2003 (or WPS) document of `file_size` bytes: every piece of the piece
    table — the main text, then footnotes, headers, comments and text boxes."""
    wd = _stream(ole, "WordDocument", file_size)
    if len(wd) < 0x22 or wd[:2] != b"\xec\xa5":
        raise Unreadable(CORRUPT)
    nfib, = struct.unpack_from("<H", wd, 2)
    flags, = struct.unpack_from("<H", wd, 0x0A)
    if flags & 0x0100:                           # fEncrypted (fObfuscated: XOR, also a password)
        raise Unreadable("DOC/WPS 文件已加密，无法读取")
    if nfib < 0xC0:                              # Word 6.0 / 95 (nFib 101-105): another FIB
        raise Unreadable("不支持读取的格式（Word 95 及更早版本的文档）")
    pos = 0x20
    csw, = struct.unpack_from("<H", wd, pos)
    pos += 2 + 2 * csw
    cslw, = struct.unpack_from("<H", wd, pos)
    pos += 2 + 4 * cslw
    cb_fclcb, = struct.unpack_from("<H", wd, pos)
    pos += 2
    if cb_fclcb < 34 or pos + 8 * 34 > len(wd):
        raise Unreadable(CORRUPT)
    fc_clx, lcb_clx = struct.unpack_from("<II", wd, pos + 8 * 33)
    table = _stream(ole, "1Table" if flags & 0x0200 else "0Table", file_size)
    clx = table[fc_clx:fc_clx + lcb_clx]
    if lcb_clx == 0 or len(clx) != lcb_clx:
        raise Unreadable(CORRUPT)
    i = 0
    while i < len(clx) and clx[i] == 0x01:       # Prc: formatting of pieces, skipped
        if i + 3 > len(clx):
            raise Unreadable(CORRUPT)
        i += 3 + struct.unpack_from("<h", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise Unreadable(CORRUPT)
    lcb, = struct.unpack_from("<I", clx, i + 1)
    plc = clx[i + 5:i + 5 + lcb]
    if len(plc) != lcb or lcb < 16 or (lcb - 4) % 12:
        raise Unreadable(CORRUPT)
    n = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out, size, most = [], 0, doctext.MAX_CHARS
    for k in range(n):
        length = cps[k + 1] - cps[k]
        if length < 0:
            raise Unreadable(CORRUPT)
        length = min(length, most - size)
        fc, = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)
        if fc & 0x40000000:                      # fCompressed: 8-bit text at fc / 2
            start = (fc & 0x3FFFFFFF) // 2
            raw = wd[start:start + length]
            if len(raw) != length:
                raise Unreadable(CORRUPT)
            out.append(raw.decode("cp1252", errors="replace"))
        else:
            start = fc & 0x3FFFFFFF
            raw = wd[start:start + 2 * length]
            if len(raw) != 2 * length:
                raise Unreadable(CORRUPT)
            out.append(raw.decode("utf-16-le", errors="replace"))
        size += length
        if size >= most:
            break
    text = _drop_field_codes("".join(out)).replace("\x07\x07", "\x07\r")  # a row's end: cell mark, row mark
    return text.translate(_WORD_CHARS)


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    t, v = cell.ctype, cell.value
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if t == xlrd.XL_CELL_NUMBER:
        return str(int(v)) if float(v).is_integer() else str(v)   # an ID or card typed as a number
    if t == xlrd.XL_CELL_DATE:
        try:
            d = xlrd.xldate_as_datetime(v, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(v)
        return d.date().isoformat() if d.time() == dt.time() else d.isoformat(sep=" ")
    if t == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if v else "FALSE"
    return str(v)


def xls_text(ole, file_size: int) -> str:
    """The cells of an Excel 97-2003 workbook, sheet by sheet, row by row (cells joined by tabs).
    olefile takes the Workbook (BIFF8) or Book (BIFF5) stream out and xlrd reads only that: xlrd's
    own compound-file reader loops forever on a cyclic mini-stream chain."""
    import xlrd

    names = _names(ole)
    biff = _stream(ole, "Workbook" if "workbook" in names else "Book", file_size)
    try:
        book = xlrd.open_workbook(file_contents=biff, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise Unreadable("XLS 文件已加密，无法读取") from exc
        raise Unreadable("文件无法解析（XLS 工作簿结构损坏）") from exc
    out, size = [], 0
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            for r in range(sheet.nrows):
                line = "\t".join(_xls_cell(c, book.datemode) for c in sheet.row(r)).rstrip("\t")
                if line:
                    out.append(line)
                    size += len(line)
                if size > doctext.MAX_CHARS:
                    return "\n".join(out)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return "\n".join(out)
