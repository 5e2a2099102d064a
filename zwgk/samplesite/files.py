"""Small, deterministic binary files for the sample site: images, attachments, a video."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache
from pathlib import Path


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (181, 26, 26)) -> bytes:
    """A valid RGB PNG filled with one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# The well-known 134-byte 1x1 JPEG (arithmetic coded); enough for a browser and a HEAD/GET check.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000ffdb004300030202020202030202020303030304060404040404"
    "080606050609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010ffc900"
    "0b080001000101011100ffcc000600101005ffda0008010100003f00d2cf20ffd9")

ICO = bytes.fromhex("0000010001000101000001002000300000001600000028000000010000000200000001002000"
                    "000000000400000000000000000000000000000000000000b51a1aff00000000")

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def pdf(title: str) -> bytes:
    """A tiny one-page PDF whose text is the (ASCII-escaped) title."""
    text = title.encode("unicode_escape").decode("ascii").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def ole(title: str) -> bytes:
    """Looks like a legacy Office / WPS compound file (magic + padding + title); not readable."""
    return OLE_MAGIC + b"\x00" * 504 + title.encode("utf-16-le")[:1024]


OFFICE = Path(__file__).resolve().parent / "office"


@cache
def office(ext: str) -> bytes:
    """A real Word 97-2003 .doc, WPS 文字 .wps or Excel 97-2003 .xls saved by LibreOffice
    (office/make.py): a plain notice / table of counts without personal information, the same
    bytes for every attachment of that extension, so reading them adds no finding."""
    return (OFFICE / f"notice.{ext}").read_bytes()


def zip_of(title: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("说明.txt", date_time=(2023, 1, 1, 0, 0, 0))
        info.flag_bits |= 0x800  # UTF-8 file name
        zf.writestr(info, title.encode("utf-8"))
    return out.getvalue()


def mp4() -> bytes:
    """An ftyp box and an empty mdat: recognised as MP4 by type sniffers."""
    ftyp = b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"mdat"


def attachment(ext: str, title: str) -> bytes:
    if ext == "pdf":
        return pdf(title)
    if ext in ("doc", "wps", "xls"):
        return office(ext)
    if ext in ("et", "ppt"):
        return ole(title)
    if ext == "zip":
        return zip_of(title)
    if ext == "png":
        return png()
    if ext in ("jpg", "jpeg"):
        return JPEG
    if ext == "mp4":
        return mp4()
    return title.encode("utf-8")
