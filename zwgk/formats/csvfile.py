"""CSV files a user gives zwgk (site lists, verdicts): one decoder for every CSV input.

Excel on a Chinese Windows saves "CSV" in the ANSI code page (GBK, which GB18030 extends),
"CSV UTF-8" with a byte-order mark, and "Unicode text" as UTF-16 with a BOM; editors save plain
UTF-8. Tried in that order of certainty: a BOM decides; then strict UTF-8 (GBK text is almost never
valid UTF-8); then GB18030.
"""
from __future__ import annotations

import codecs
from pathlib import Path

__all__ = ["CsvEncodingError", "decode_csv", "read_csv_text"]

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class CsvEncodingError(ValueError):
    """Bytes that are neither UTF-8 nor GB18030; the message is what a user reads."""


def decode_csv(data: bytes, shown: str = "CSV 文件") -> str:
    """The text of a CSV file's bytes, BOM removed; CsvEncodingError names `shown`."""
    bom = next((encoding for mark, encoding in _BOMS if data.startswith(mark)), None)
    for encoding in (bom,) if bom else ("utf-8", "gb18030"):
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    raise CsvEncodingError(f"{shown}：无法识别文件编码（应为 UTF-8 或 GBK/GB18030；"
                           f"在 Excel 中可另存为「CSV UTF-8（逗号分隔）」）")


def read_csv_text(path: str | Path) -> str:
    """The text of the CSV file at `path` (see decode_csv); OSError passes through."""
    return decode_csv(Path(path).read_bytes(), str(path))
