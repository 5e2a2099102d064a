"""Serious misspellings (严重表述错误): a canonical term written with one character wrong.

Pure functions over plain text (a document's body). Two lists of canonical terms, both data:

- zwgk/data/terms.yaml: political formulations and leaders' names and offices (中国共产党,
  习近平新时代中国特色社会主义思想, 两个维护, 国务院总理李强 …), each with the document it is
  quoted from;
- zwgk/data/divisions.txt: every province, prefecture and county of China by name and 区划代码
  (临沂市 371300, 沂源县 370323 …), as of 2025-12-31.

A hit is a string of the same length as a term that differs from it in exactly one Chinese
character (社会主义核心价植观, 中国共产觉, 临沂巿, 临泝市). No list of known typos is used.
Guards against the many correct phrases that differ from a term in one character:

- the string is no canonical term, no division's name and lies inside no phrase of the
  `legitimate` list (社会主义核心价值体系, 二十届二中全会 …);
- the character written instead is a Chinese character (字 for 字, not a digit or a space);
- it looks or sounds like the one it replaces — same Mandarin reading without tones (IME
  slips: 价植/价值), or four-corner codes (四角号码) differing in at most one digit with at most
  one stroke more or less (觉/党, 乎/平, 巿/市, 泝/沂), both from the Unicode Han Database
  (zwgk/data/hanzi.txt) — except inside a long term (LOOSE_FROM characters or more), where
  any character replacing an inner one is kept: nothing correct reads 习近平新时代中国特色社会
  主义思相. 在中央 beside 党中央, 国学院 beside 国务院, 学习近期 beside 习近平 are not hits;
- a division's name is looked for only with its own suffix (市, 县, 区 …) or a look-alike of it
  (巿 for 市): 临沂是 beside 临沂市 is a sentence, not a typo.

Place names are found for every division of China (the extraction does not know the site); the
auditor keeps those of the site's own region (formats/terms.region_codes).

Speed: every one-character substitution of a term of length L keeps an exact piece of at least
(L-1)/2 characters. The pieces of the formulations and leaders (and, for a three-character term,
the strings with its middle character replaced by an alike one) are found in one pass of an
Aho-Corasick automaton (pyahocorasick); a division's name is looked for only where the text has
a suffix character, by the exact half of the name before it. The few candidates are compared
character by character, each (term, string) verdict once per detector. Measured on 10 MB of
government text (the five work plans of shared/seeds repeated, 3.6 million characters, 4 hits
planted per copy), with all 62 terms and 3,429 divisions: 1.0-1.3 s on a shared 2-core machine
(building the detector: 0.5 s, once per process); 1 MB of text dense with near-phrases
(tests/formats/test_terms.py LEGIT repeated): 0.36 s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from zwgk.formats.text import window

DATA = Path(__file__).resolve().parent.parent / "data"
LOOSE_FROM = 6      # terms this long: any inner character replaced is a hit (no look-alike needed)
MAX_CONTEXT = 30
# the suffixes of divisions' names, and what a name may end with instead (look-alikes only)
SUFFIXES = "省市县区旗州盟"
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    source: str
    kind: str = "formulation"   # formulation | leader | place
    code: str = ""              # a division's 区划代码 (places)


@dataclass(frozen=True, slots=True)
class Hit:
    term: str       # the canonical wording
    found: str      # as the text writes it: same length, one character different
    context: str    # at most MAX_CONTEXT characters around it
    source: str     # where the canonical wording is quoted from
    kind: str = "formulation"
    code: str = ""

    def as_dict(self) -> dict:
        d = {"term": self.term, "found": self.found, "context": self.context, "source": self.source,
             "kind": self.kind}
        if self.code:
            d["code"] = self.code
        return d


# ---------------------------------------------------------------- characters alike

@lru_cache(maxsize=1)
def _hanzi() -> dict[int, str]:
    """code point -> "four-corner code\tstrokes\treadings" as in zwgk/data/hanzi.txt, parsed on use
    (_char): the crawl holds the table for every document, and one string per character takes
    3 MiB where a parsed tuple with a frozenset of readings took 10."""
    out = {}
    with open(DATA / "hanzi.txt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c, rest = line.rstrip("\n").split("\t", 1)
            out[ord(c)] = rest
    return out


def _char(c: str) -> tuple[str, int, set[str]] | None:
    """(four-corner code, total strokes, toneless readings) of a character, or None."""
    rest = _hanzi().get(ord(c)) if len(c) == 1 else None
    if rest is None:
        return None
    fc, st, py = rest.split("\t")
    return fc if fc != "-" else "", int(st) if st != "-" else 0, set(py.split(",")) if py != "-" else set()


def sound_alike(a: str, b: str) -> bool:
    """Same Mandarin reading, tones ignored (what a pinyin input method confuses)."""
    x, y = _char(a), _char(b)
    return bool(x and y and x[2] & y[2])


def look_alike(a: str, b: str) -> bool:
    """Four-corner codes differing in at most one digit, strokes by at most one."""
    x, y = _char(a), _char(b)
    if not (x and y and x[0] and y[0] and x[1] and y[1]):
        return False
    return sum(p != q for p, q in zip(x[0], y[0])) <= 1 and abs(x[1] - y[1]) <= 1


def alike(a: str, b: str) -> bool:
    return a != b and (sound_alike(a, b) or look_alike(a, b))


# ---------------------------------------------------------------- the lists

@lru_cache(maxsize=1)
def _terms_file() -> dict:
    with open(DATA / "terms.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def canonical_terms() -> tuple[Term, ...]:
    """The formulations and leaders of zwgk/data/terms.yaml."""
    return tuple(Term(t["term"], t["source"], t.get("kind") or "formulation") for t in _terms_file()["terms"])


def legitimate() -> tuple[str, ...]:
    return tuple(_terms_file().get("legitimate") or ())


@lru_cache(maxsize=1)
def divisions() -> dict[str, str]:
    """区划代码 (6 digits) -> name, every province, prefecture and county (zwgk/data/divisions.txt)."""
    out = {}
    with open(DATA / "divisions.txt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")
            if name[-1] in SUFFIXES and not name.endswith("直辖"):
                out[code] = name
    return out


def parents(code: str) -> list[str]:
    """The division's own code and its prefecture's and province's, where listed."""
    d = divisions()
    return [c for c in dict.fromkeys((code, code[:4] + "00", code[:2] + "0000")) if c in d]


def region_codes(*names: str) -> list[str]:
    """The divisions a site's name, title or 主办单位 line names, with their parents: 沂源县人民政府
    → 沂源县, 淄博市, 山东省. A name found in several provinces (朝阳区) counts where its parent is
    named too (北京市朝阳区); if none is, all of them."""
    d = divisions()
    text = "".join(n for n in names if n)
    hits = [c for c, n in d.items() if n in text]
    # the most specific level each name reaches (a county beats its prefecture and province)
    specific = [c for c in hits if not any(o != c and o.startswith(c.rstrip("0")) and len(c.rstrip("0")) < len(o.rstrip("0"))
                                           for o in hits)]
    by_name: dict[str, list[str]] = {}
    for c in specific:
        by_name.setdefault(d[c], []).append(c)
    out: list[str] = []
    for cands in by_name.values():
        named = [c for c in cands if any(p != c and p in hits for p in parents(c))]
        for c in named or cands:
            out.extend(parents(c))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- the detector

def _context(text: str, start: int, end: int) -> str:
    return window(text, start, end, MAX_CONTEXT)


class Detector:
    """Near-misses of `terms` in a text. Build once (about a second with every division), use for
    every document."""

    def __init__(self, terms: tuple[Term, ...], legit: tuple[str, ...] = (), loose_from: int = LOOSE_FROM,
                 place_words: tuple[str, ...] = (), suffix_lookalikes: dict[str, str] | None = None):
        import ahocorasick

        self.terms = {t.text: t for t in terms if len(t.text) >= 3}
        self.legit = tuple(legit)
        self.known = frozenset(self.terms) | frozenset(divisions().values()) | frozenset(self.legit)
        self.loose_from = loose_from
        self._verdicts: dict[tuple[str, str], bool] = {}
        self.place_words = frozenset(place_words)
        # look-alike -> the suffix it stands for (巿 -> 市)
        self.suffix_alike = {b: a for a, bs in (suffix_lookalikes or {}).items() for b in bs}
        # terms other than places: an Aho-Corasick automaton over the exact pieces a one-character
        # substitution leaves (the longer side of it), and, for a three-character term, the
        # three-character strings with its middle character replaced by one alike
        pieces: dict[str, list[tuple[str, int]]] = {}
        for t in self.terms.values():
            if t.kind == "place":
                continue
            s, n = t.text, len(t.text)
            for k in range(n):
                off, piece = (0, s[:k]) if k >= n - k - 1 else (k + 1, s[k + 1:])
                if len(piece) >= 2:
                    pieces.setdefault(piece, []).append((s, off))
                else:   # the middle of a three-character term
                    for b in _alike_chars(s[1]):
                        pieces.setdefault(s[0] + b + s[2], []).append((s, 0))
        self.automaton = None
        if pieces:
            self.automaton = ahocorasick.Automaton()
            for piece, where in pieces.items():
                self.automaton.add_word(piece, (len(piece), tuple(dict.fromkeys(where))))
            self.automaton.make_automaton()
        # places: by suffix and length of the proper name, then by the exact half of it
        self.place_index: dict[tuple, list[str]] = {}
        self.place_len: dict[str, set[int]] = {}
        for t in self.terms.values():
            if t.kind != "place":
                continue
            s, n = t.text, len(t.text) - 1
            suf, name, h = s[-1], s[:-1], (len(s) - 1) // 2
            self.place_len.setdefault(suf, set()).add(n)
            self.place_index.setdefault((suf, n, 0, name[:h]), []).append(s)
            self.place_index.setdefault((suf, n, 1, name[h:]), []).append(s)
        chars = set(self.place_len) | {b for b, a in self.suffix_alike.items() if a in self.place_len}
        self.suffix_re = re.compile("[" + "".join(sorted(chars)) + "]") if chars else None

    def _alike_at(self, term: Term, found: str) -> bool:
        """`found` is `term` with one Chinese character replaced by one alike (see the module doc);
        depends on the two strings only (cached per detector)."""
        if found in self.known:
            return False
        diff = [i for i, (x, y) in enumerate(zip(term.text, found)) if x != y]
        if len(diff) != 1:
            return False
        k = diff[0]
        a, b = term.text[k], found[k]
        if not _CJK.match(b):
            return False
        n = len(found)
        if term.kind == "place":
            if k == n - 1:
                return self.suffix_alike.get(b) == a
            return alike(a, b) and found[-2:] not in self.place_words
        return (n >= self.loose_from and 0 < k < n - 1) or alike(a, b)

    def _ok(self, term: Term, found: str, text: str, start: int) -> bool:
        key = (term.text, found)
        v = self._verdicts.get(key)
        if v is None:
            v = self._verdicts[key] = self._alike_at(term, found)
            if len(self._verdicts) > 20_000:  # bounded: a verdict is a few lookups to redo
                self._verdicts.clear()
        if not v:
            return False
        n = len(found)
        for p in self.legit:
            # a correct phrase covering the string: 社会主义核心价值体(系)
            lo = max(0, start + n - len(p))
            i = text.find(p, lo, start + len(p))
            if i != -1 and i <= start and i + len(p) >= start + n:
                return False
        return True

    def _candidates(self, text: str):
        """(term, start) pairs worth comparing."""
        if self.automaton is not None:
            for end, (size, where) in self.automaton.iter(text):
                for s, off in where:
                    yield s, end - size + 1 - off
        if self.suffix_re is not None:
            idx, lens = self.place_index, self.place_len
            for m in self.suffix_re.finditer(text):
                p, c = m.start(), m.group()
                if c in lens:
                    for n in lens[c]:
                        if p - n < 0:
                            continue
                        name, h = text[p - n:p], n // 2
                        for s in idx.get((c, n, 0, name[:h]), ()):
                            yield s, p - n
                        for s in idx.get((c, n, 1, name[h:]), ()):
                            yield s, p - n
                real = self.suffix_alike.get(c)
                if real in lens:
                    for n in lens[real]:
                        if p - n >= 0 and text[p - n:p] + real in self.terms:
                            yield text[p - n:p] + real, p - n

    def find(self, text: str | None, limit: int | None = None) -> list[Hit]:
        """Distinct (term, found) near-misses in `text`, in order of appearance, at most `limit`."""
        text = text or ""
        n = len(text)
        found_at: dict[tuple[str, str], tuple[int, Hit]] = {}
        verdicts, terms = self._verdicts, self.terms
        for s, start in self._candidates(text):
            end = start + len(s)
            if start < 0 or end > n:
                continue
            found = text[start:end]
            if found == s or verdicts.get((s, found)) is False or (s, found) in found_at:
                continue
            t = terms[s]
            if self._ok(t, found, text, start):
                found_at[(s, found)] = (start, Hit(s, found, _context(text, start, end), t.source, t.kind, t.code))
        hits = [h for _, h in sorted(found_at.values(), key=lambda x: x[0])]
        return hits[:limit] if limit is not None else hits


def _alike_chars(c: str) -> list[str]:
    return [chr(x) for x in _hanzi() if alike(c, chr(x))]


def place_terms() -> tuple[Term, ...]:
    d = divisions()
    return tuple(Term(name, f"行政区划代码 {code}（县级以上行政区划，截至2025年12月31日）", "place", code)
                 for code, name in d.items())


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    """The national formulations and leaders of terms.yaml and every division's name."""
    f = _terms_file()
    return Detector(canonical_terms() + place_terms(), legitimate(),
                    place_words=tuple(f.get("place_words") or ()), suffix_lookalikes=f.get("suffix_lookalikes") or {})


def find(text: str | None, limit: int | None = None) -> list[Hit]:
    """Near-misses of every canonical term and division name in `text` (default_detector)."""
    return default_detector().find(text, limit)


def stored(found: list[Hit]) -> list[dict]:
    """What a document row keeps of its hits (document.term_hits)."""
    return [h.as_dict() for h in found]
