"""Text normalisation shared by the parsers and extractors."""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff]+")
_NBSP_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|#160|#12288|#xa0);?", re.I)
# Characters decorating a label: colons, brackets, bullets, white space.
_LABEL_JUNK = re.compile(r"[\s\u3000\u00a0:：【】\[\]［］〔〕<>《》·•|｜]+")


def norm(s: str | None) -> str:
    """NFKC, white space (incl. U+3000 and &nbsp;) collapsed to one space, trimmed."""
    if not s:
        return ""
    s = _NBSP_ENTITY.sub(" ", s)
    s = unicodedata.normalize("NFKC", s)
    return _WS.sub(" ", s).strip()


def squash(s: str | None) -> str:
    """White space collapsed to one space and trimmed; characters otherwise as written."""
    if not s:
        return ""
    return _WS.sub(" ", _NBSP_ENTITY.sub(" ", s)).strip()


def nospace(s: str | None) -> str:
    """norm() without any white space: the form in which labels are compared."""
    return norm(s).replace(" ", "")


def strip_label(s: str | None) -> str:
    """A label without spaces, colons and decorative brackets: '【索　引　号】：' -> '索引号'."""
    if not s:
        return ""
    return _LABEL_JUNK.sub("", norm(s))


def window(text: str, start: int, end: int, width: int = 30) -> str:
    """At most `width` characters of `text` around text[start:end], centred on it, whitespace
    squashed: the context a hit is shown with."""
    room = max(0, width - (end - start))
    a = max(0, start - room // 2)
    b = min(len(text), end + (room - (start - a)))
    a = max(0, min(a, b - width))
    return " ".join(text[a:b].split())[:width]
