"""Reading a results.json, with or without its `documents` list.

The HTML report, the trend history and the nightly notices never read `documents` (findings
carry their documents' titles: docs/results-json.md): at 400 000 documents that list is most of a
230 MB file and, as Python objects, a gigabyte. `read_results(path, documents=False)` leaves it
out without parsing it — for a file laid out as write_results writes it (auditor/audit.py:
indent 1, so every top-level key starts a line with one space and nothing nested does); any other
layout is read whole and the list dropped.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

# where write_results' layout opens and closes the top-level `documents` array
_OPEN = b'\n "documents": ['
_CLOSE = b"\n ]"


def _without_documents(f, block: int = 1 << 20) -> bytes | None:
    """The file's bytes with the top-level `documents` array emptied, read a block at a time
    (the array itself is passed over, never held); None when the layout is not write_results'
    or the list is empty."""
    head, buf = [], b""
    while (i := buf.find(_OPEN)) < 0:  # up to and with the array's "["
        chunk = f.read(block)
        if not chunk:
            return None
        keep = buf[-(len(_OPEN) - 1):]
        head.append(buf[:len(buf) - len(keep)])
        buf = keep + chunk
    head.append(buf[:i + len(_OPEN)])
    buf = buf[i + len(_OPEN):]
    while not buf:  # the first byte inside the array
        buf = f.read(block)
        if not buf:
            return None
    if buf[:1] == b"]":
        return None  # "[]": an empty list, nothing to leave out
    while (j := buf.find(_CLOSE)) < 0:  # passed over up to the line that closes it
        chunk = f.read(block)
        if not chunk:
            return None
        buf = buf[-(len(_CLOSE) - 1):] + chunk
    return b"".join(head) + buf[j:] + f.read()


def read_results(path: str | Path, documents: bool = True) -> dict:
    """results.json as a dict; without `documents`, its `documents` is an empty list."""
    path = Path(path)
    if not documents:
        with open(path, "rb") as f:
            data = _without_documents(f)
        if data is not None:
            out = json.loads(data.decode("utf-8"))
            if isinstance(out, dict) and out.get("documents") == []:
                return out
    out = json.loads(path.read_text(encoding="utf-8"))
    if not documents and isinstance(out, dict):
        out["documents"] = []
    return out


def iter_documents(path: str | Path) -> Iterator[dict]:
    """The documents of a results.json one at a time (the exports' 文件 sheet and documents.csv):
    in write_results' layout each document opens on a line "  {" and closes on a line "  }" at
    indent 2 (nothing inside it is indented so little); any other layout is read whole."""
    with open(path, "rb") as f:
        found = any(line.rstrip(b"\r\n") == _OPEN[1:] for line in f)  # stops at the array's first line
        if found:
            lines: list[bytes] = []
            for line in f:
                bare = line.rstrip(b"\r\n")
                if not lines:
                    if bare in (b" ]", b" ],"):
                        return
                    if bare != b"  {":
                        raise ValueError(f"{path}：文件列表格式不符（{bare[:40]!r}）")
                lines.append(line)
                if bare in (b"  }", b"  },"):
                    yield json.loads(b"".join(lines).rstrip().rstrip(b",").decode("utf-8"))
                    lines = []
            raise ValueError(f"{path}：文件列表不完整（文件被截断）")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    yield from (data.get("documents") or []) if isinstance(data, dict) else ()
