"""Decoding of page bytes: BOM, HTTP header, <meta>, then detection; never raises."""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# GBK and GB2312 are subsets of GB18030, and sites labelled GB2312 routinely use GBK-only
# characters (e.g. 镕, 堃), so every Simplified Chinese legacy label decodes as GB18030.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
            "gb_2312-80": "gb18030", "euc-cn": "gb18030", "csgb2312": "gb18030", "ms936": "gb18030",
            "windows-936": "gb18030", "gb18030": "gb18030", "utf8": "utf-8", "utf-8": "utf-8",
            "unicode-1-1-utf-8": "utf-8", "big5-hkscs": "big5hkscs", "x-big5": "big5",
            "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252"}
_SINGLE_BYTE = {"cp1252", "iso8859-1", "ascii", "latin-1"}
_META = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.I)
_XML = re.compile(rb"""^\s*<\?xml[^>]{0,200}encoding\s*=\s*["']([A-Za-z0-9_\-:.]{2,40})""", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
_LATIN_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0080-\u009f]")


def normalize_label(label: str | bytes | None) -> str | None:
    """A Python codec name for a charset label, with the GB family mapped to GB18030."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    key = label.strip().strip("\"'").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        name = codecs.lookup(key).name
    except (LookupError, ValueError):
        return None
    return _ALIASES.get(name, name)


def declared_charset(body: bytes) -> str | None:
    """The charset named by an XML declaration or a <meta> in the first 8 KiB."""
    head = body[:8192]
    m = _XML.search(head) or _META.search(head)
    return normalize_label(m.group(1)) if m else None


def _strict(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _plausible_cjk(text: str) -> bool:
    """Decoded text that looks like Chinese rather than mojibake."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_MOJIBAKE.findall(text))
    return cjk > 0 and cjk >= latin


def _is_ascii(body: bytes) -> bool:
    return all(b < 0x80 for b in body[:200000])


def _detect(body: bytes, declared: str | None) -> tuple[str, str]:
    if _is_ascii(body):
        enc = declared or "utf-8"
        text = _strict(body, enc)
        return (text, enc) if text is not None else (body.decode("utf-8", "replace"), "utf-8")
    # Valid multi-byte UTF-8 is almost never accidental, so it wins over any GB label.
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    if declared and declared not in ("utf-8", "utf-8-sig") and declared not in _SINGLE_BYTE:
        text = _strict(body, declared)
        if text is not None:
            return text, declared
    for enc in ("gb18030", "big5"):
        text = _strict(body, enc)
        if text is not None and _plausible_cjk(text):
            return text, enc
    if declared in _SINGLE_BYTE:
        return body.decode(declared, "replace"), declared
    return _best_lossy(body, declared)


def _best_lossy(body: bytes, declared: str | None) -> tuple[str, str]:
    """Neither clean: the candidate with the fewest replacement characters."""
    cands = []
    for enc in dict.fromkeys(c for c in (declared, "utf-8", "gb18030") if c):
        try:
            text = body.decode(enc, "replace")
        except LookupError:
            continue
        cands.append((text.count("\ufffd"), -len(_CJK.findall(text)), enc, text))
    cands.sort(key=lambda c: c[:3])
    return cands[0][3], cands[0][2]


def decode_html(body: bytes | str | None, header_charset: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Order: BOM, HTTP header, <meta>, detection. Never raises."""
    if body is None:
        return "", "utf-8"
    if isinstance(body, str):
        return body, "unicode"
    try:
        body = bytes(body)
        for bom, enc in _BOMS:
            if body.startswith(bom):
                return body[len(bom):].decode(enc.replace("-sig", ""), "replace"), enc.replace("-sig", "")
        declared = normalize_label(header_charset) or declared_charset(body)
        if declared and declared.startswith(("utf-16", "utf-32")):
            declared = None  # a <meta> can't truthfully claim UTF-16 in ASCII bytes
        return _detect(body, declared)
    except Exception:  # noqa: BLE001 - decoding must never stop a crawl
        return bytes(body or b"").decode("utf-8", "replace"), "utf-8"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


def parse_html(html: str | bytes | None, charset: str | None = None):
    """An lxml HTML tree for page text or bytes, or None when there is nothing to parse."""
    import lxml.etree
    import lxml.html

    if html is None:
        return None
    if isinstance(html, (bytes, bytearray, memoryview)):
        html, _ = decode_html(bytes(html), charset)
    text = _CONTROL.sub("", _XML_DECL.sub("", html))
    if not text.strip():
        return None
    try:
        parser = lxml.html.HTMLParser(recover=True, remove_comments=True, remove_pis=True)
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError, TypeError):
        return None
    return root
