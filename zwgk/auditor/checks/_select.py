"""Small helpers shared by the checks: selecting columns and documents, dates, periods."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Iterator

from zwgk.vocab import COLUMN_KINDS, classify_column, name_matches, norm_text

from ..model import CheckResult, Column, Document, Finding, LinkTarget, SiteSnapshot


# ---------------------------------------------------------------- selection

def column_label(wanted: str | None) -> str:
    """Chinese name for a `column` param: the canonical name of a kind key, else the name."""
    if wanted is None:
        return "全部栏目"
    if wanted in COLUMN_KINDS:
        return COLUMN_KINDS[wanted][0]
    return wanted


def wanted_kind(wanted: str | None) -> str | None:
    """The column kind a `column` param denotes (a kind key or a name that classifies)."""
    if wanted is None:
        return None
    return wanted if wanted in COLUMN_KINDS else classify_column(wanted)


def column_matches(col: Column, wanted) -> bool:
    """`wanted`: None (any column), a kind key or name, or a list of them (any of)."""
    if isinstance(wanted, (list, tuple)):
        return any(column_matches(col, w) for w in wanted)
    return wanted is None or col.kind == wanted or name_matches(col.name, wanted)


def select_columns(snap: SiteSnapshot, wanted: str | None) -> list[Column]:
    return [c for c in snap.columns if column_matches(c, wanted)]


def doc_matches(doc: Document, wanted) -> bool:
    if isinstance(wanted, (list, tuple)):
        return any(doc_matches(doc, w) for w in wanted)
    return wanted is None or doc.column_kind == wanted or name_matches(doc.column, wanted)


def select_documents(snap: SiteSnapshot, wanted: str | None, *, interpretations: bool | None = None) -> list[Document]:
    """Documents listed in the columns `wanted` selects (all when None).

    interpretations: True = only 解读 pages, False = none, None = 解读 pages only when the
    `wanted` column is itself a 解读 column (so 'missing field' checks skip them by default).
    """
    if interpretations is None:
        interpretations = None if wanted_kind(wanted) == "interpretation" else False

    def test(d: Document) -> bool:
        return doc_matches(d, wanted) and (interpretations is None or d.is_interpretation == interpretations)

    return matching(snap.documents, test)


def held(docs) -> bool:
    """The documents are in memory (a tuple or list), not read back from a file (auditor/spill.py)."""
    return isinstance(docs, (tuple, list))


def matching(docs, test) -> list[Document]:
    """The documents that pass `test`: a list, or — documents kept in a file (auditor/spill.py) —
    a Selection read again each time it is iterated."""
    if held(docs):
        return [d for d in docs if test(d)]
    return Selection(docs, test)  # type: ignore[return-value]


class Selection:
    """The documents of a snapshot kept in a file (auditor/spill.py) that pass `test`, read as they
    are iterated: a check passing over most of a large site's documents holds none of them."""

    __slots__ = ("docs", "test", "count")

    def __init__(self, docs, test):
        self.docs, self.test, self.count = docs, test, None

    def __iter__(self) -> Iterator[Document]:
        test = self.test
        return (d for d in self.docs if test(d))

    def __len__(self) -> int:
        if self.count is None:
            self.count = sum(1 for _ in self)
        return self.count

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None


def office_root(snap: SiteSnapshot) -> str:
    """Where an office's disclosure area sits: the page most of its top-level columns hang from
    (ties: the first URL in order), else the site URL. Counted, not the first column's parent:
    which column a crawl stored first depends on the order pages were answered in."""
    urls = {c.url for c in snap.columns}
    tops = Counter(c.parent_url for c in snap.columns if c.parent_url and c.parent_url not in urls)
    if not tops:
        return snap.site_url
    return min(tops, key=lambda u: (-tops[u], u))


def norm_url(url: str | None) -> str:
    """The form in which link targets and document URLs are compared (no fragment, no spaces)."""
    if not url:
        return ""
    url = url.strip()  # the same string when there is nothing to strip: indexes keyed by it hold no copy
    return url.split("#", 1)[0] if "#" in url else url


def is_robots(t: LinkTarget) -> bool:
    """A link target left unasked because robots.txt disallows it: no finding, at the site's request."""
    return bool(t.error) and "robots.txt" in t.error


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def to_date(value) -> date | None:
    """A date from a param given as a date or an ISO string."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def resolve_year(snap: SiteSnapshot, year, default: int | None) -> int | None:
    """A `year` param: a number, or current / previous (本年 / 上年) relative to the audit date."""
    if year is None or year == "":
        return default
    if year in ("current", "本年", "当年"):
        return snap.as_of.year
    if year in ("previous", "上年", "上一年"):
        return snap.as_of.year - 1
    return int(year)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def outcome(findings: Iterable[Finding], checked: int, note: str = "", *,
            empty: str = "not_applicable", empty_note: str = "") -> CheckResult:
    """The usual rule: nothing examined → `empty`; any finding → fail; else pass."""
    findings = tuple(findings)
    if findings:
        return CheckResult("fail", findings, checked, note)
    if not checked:
        return CheckResult(empty, (), 0, empty_note or note)
    return CheckResult("pass", (), checked, note)


# ---------------------------------------------------------------- column items

@dataclass(frozen=True, slots=True)
class Item:
    """Something a column lists: an entry of its list pages or a document filed under it."""

    url: str
    title: str
    date: date | None
    column_url: str | None


DocIndex = dict[tuple[str | None, str | None], list[Document]]


def documents_by_column(snap: SiteSnapshot) -> DocIndex:
    """The documents filed under a column that no list of that name shows (reached from
    elsewhere: a 解读's 原文 link, a search), keyed by (column name, office): what column_items
    adds to a column's entries. Built once per snapshot part (memo: shared between calls, not
    to be changed); a listed document is its entry, so the index stays small on any site."""
    def build() -> DocIndex:
        whole = snap.whole or snap
        unlisted = whole.unlisted
        if unlisted is None:  # a snapshot not read from the store: every URL its columns list
            unlisted = frozenset(d.url for d in snap.documents) - {e.url for c in whole.columns for e in c.entries}
        # a document a list shows is filed under that list's column (auditor/snapshot.py): one of
        # its entries. Of the others, those whose URL a column of their name lists but for a
        # #fragment or spaces are its entries too (norm_url): those columns' URLs are read
        candidates = [d for d in snap.documents if d.url in unlisted]
        keys = {(d.column, d.office) for d in candidates}
        listed: dict[tuple, set] = {}
        for c in snap.columns:
            if (c.name, c.office) in keys:
                listed.setdefault((c.name, c.office), set()).update(norm_url(e.url) for e in c.entries)
        index: DocIndex = {}
        for d in candidates:
            key = (d.column, d.office)
            if norm_url(d.url) not in listed.get(key, ()):
                index.setdefault(key, []).append(d)
        return index

    return memo("documents_by_column", snap.documents, build, snap.columns)


_MEMO: dict[tuple, tuple[tuple, object]] = {}


def memo(name: str, of, build, also=None):
    """`build()` once per `name` and snapshot part `of` (a snapshot's frozen tuples: its documents,
    its columns; `also`: a second part the value depends on), for indexes the checks ask for per
    column, per 评估对象 and per year. The parts are kept with the value so that their ids are not
    reused; a few snapshots at most are remembered. Callers must not change what they get."""
    key = (name, id(of), id(also))
    hit = _MEMO.get(key)
    if hit is not None and hit[0][0] is of and hit[0][1] is also:
        return hit[1]
    if len(_MEMO) > 256:  # a few kinds of index for each 评估对象's part of a few snapshots
        _MEMO.clear()
    value = build()
    _MEMO[key] = ((of, also), value)
    return value


def page_dates(snap: SiteSnapshot) -> dict[str, date]:
    """Document URL → publish date, for the URLs the columns list without a date (column_items
    dates those entries by their pages). Keyed by the entries' own strings: a large site's
    document URLs read back from a file are not kept."""
    def build() -> dict[str, date]:
        undated = {}
        for c in snap.columns:
            for e in c.entries:
                if e.date is None:
                    u = norm_url(e.url)
                    undated[u] = u
        if not undated:
            return {}
        out = {}
        for d in snap.documents:
            if d.publish_date:
                u = undated.get(norm_url(d.url))
                if u is not None:
                    out[u] = d.publish_date
        return out

    return memo("page_dates", snap.documents, build, snap.columns)


def column_items(snap: SiteSnapshot, cols: Iterable[Column], index: DocIndex | None = None) -> list[Item]:
    """Entries of `cols`, plus documents filed under those columns that the lists did not show.
    An entry its list shows without a date takes the publish date of its document page."""
    if index is None:
        index = documents_by_column(snap)
    items: list[Item] = []
    seen: set[str] = set()
    cols = list(cols)
    for c in cols:
        for e in c.entries:
            day = e.date
            if day is None:
                day = page_dates(snap).get(norm_url(e.url))
            items.append(Item(e.url, e.title, day, c.url))
            seen.add(norm_url(e.url))
    for c in cols:
        for d in index.get((c.name, c.office), ()):
            if norm_url(d.url) not in seen:
                items.append(Item(d.url, d.title or "", d.publish_date, c.url))
                seen.add(norm_url(d.url))
    return items


def newest(items: Iterable[Item], as_of: date | None = None) -> date | None:
    """Newest item date (dates after `as_of` are ignored as typos or scheduled items)."""
    ds = [i.date for i in items if i.date and (as_of is None or i.date <= as_of)]
    return max(ds) if ds else None


def oldest(items: Iterable[Item]) -> date | None:
    ds = [i.date for i in items if i.date]
    return min(ds) if ds else None


# ---------------------------------------------------------------- periods

EVERY = ("week", "month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    label: str     # 2023-07, 2023Q2, 2023, 2023-W05
    start: date
    end: date


def periods(every: str, year: int) -> list[Period]:
    """All periods of one kind in `year` (weeks: the ISO weeks of ISO year `year`)."""
    if every == "year":
        return [Period(str(year), date(year, 1, 1), date(year, 12, 31))]
    if every == "month":
        out = []
        for m in range(1, 13):
            end = (date(year + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
            out.append(Period(f"{year}-{m:02d}", date(year, m, 1), end))
        return out
    if every == "quarter":
        out = []
        for q in range(1, 5):
            start = date(year, 3 * q - 2, 1)
            end = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
            out.append(Period(f"{year}Q{q}", start, end))
        return out
    if every == "week":
        out = []
        monday = date.fromisocalendar(year, 1, 1)
        while monday.isocalendar()[0] == year:
            w = monday.isocalendar()[1]
            out.append(Period(f"{year}-W{w:02d}", monday, monday + timedelta(days=6)))
            monday += timedelta(days=7)
        return out
    raise ValueError(f"every 只能是 {', '.join(EVERY)}，不是 {every!r}")


def period_labels_of_date(d: date) -> set[str]:
    """Labels of every period kind that contains `d`."""
    iy, iw, _ = d.isocalendar()
    return {str(d.year), f"{d.year}-{d.month:02d}", f"{d.year}Q{(d.month - 1) // 3 + 1}", f"{iy}-W{iw:02d}"}


_HAN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"\d{1,2}|十[一二]?|[一二三四五六七八九]"
_YEAR = r"(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4}"
_RANGE = r"[-—–~～至到]"
_MONTH_RE = re.compile(
    rf"(?:(?P<y>{_YEAR})\s*年\s*(?:度\s*)?)?(?:(?P<a>{_NUM})\s*(?P<sep>{_RANGE}|、)\s*)?(?P<m>{_NUM})\s*月(?:份)?"
    rf"(?!\s*\d{{1,2}}\s*日)")
# a month range a–b that starts in January and runs past February is a year-to-date figure
# (1—7月 is July's cumulative report: the months before it had their own); any other range
# (1—2月, 7—9月) or pair (1、2月) is published together and covers every month it names
CUMULATIVE_FROM, CUMULATIVE_PAST = 1, 2


def months_named(first: int | None, sep: str | None, last: int) -> list[int]:
    """The months a title's 「first sep last 月」 covers (see CUMULATIVE_FROM)."""
    if first is None or not 1 <= first <= 12:
        return [last]
    if sep == "、":
        return sorted({first, last})
    if first == CUMULATIVE_FROM and last > CUMULATIVE_PAST or first > last:
        return [last]
    return list(range(first, last + 1))
_QUARTER_RE = re.compile(rf"(?:(?P<y>{_YEAR})\s*年\s*(?:度\s*)?)?[第前]?\s*(?P<q>[一二三四1-4])\s*季度")
_HALF_RE = re.compile(rf"(?:(?P<y>{_YEAR})\s*年\s*(?:度\s*)?)?上半年")
_YEAR_RE = re.compile(rf"(?P<y>{_YEAR})\s*年")


def _small_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s.startswith("十"):
        return 10 + (_HAN_DIGIT[s[1]] if len(s) > 1 else 0)
    return _HAN_DIGIT[s]


def _year_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    return int("".join(str(_HAN_DIGIT[ch]) for ch in s))


def year_mentions(title: str, year: int) -> bool:
    """The title names `year` (2023, 2023年, 二〇二三年)."""
    t = norm_text(title)
    return str(year) in t or any(_year_number(m.group("y")) == year for m in _YEAR_RE.finditer(t))


def title_period_labels(title: str | None, listed: date | None, default_year: int) -> set[str]:
    """Periods a title names: 2023年7月, 1-7月 (→ July: year to date), 1—2月 / 1至2月 / 1、2月 (→ January
    and February: published together), 7月份, 第二季度, 前三季度, 上半年 (→ Q2), 2023年.

    A month without a year belongs to the year the entry was listed in (or the year before,
    when the month is later than the listing month: a 12月 report listed in January); with
    neither, to `default_year`. A named month also names its quarter.
    """
    t = norm_text(title)
    if not t:
        return set()
    out: set[str] = set()

    def year_for(y: str | None, month: int) -> int:
        if y:
            return _year_number(y)
        if listed:
            return listed.year - 1 if month > listed.month else listed.year
        return default_year

    for m in _MONTH_RE.finditer(t):
        last = _small_number(m.group("m"))
        if 1 <= last <= 12:
            y = year_for(m.group("y"), last)
            first = _small_number(m.group("a")) if m.group("a") else None
            for month in months_named(first, m.group("sep"), last):
                out |= {f"{y}-{month:02d}", f"{y}Q{(month - 1) // 3 + 1}", str(y)}
    for m in _QUARTER_RE.finditer(t):
        q = _small_number(m.group("q"))
        y = year_for(m.group("y"), 3 * q)
        out |= {f"{y}Q{q}", str(y)}
    for m in _HALF_RE.finditer(t):
        y = year_for(m.group("y"), 6)
        out |= {f"{y}Q2", str(y)}
    for m in _YEAR_RE.finditer(t):
        out.add(str(_year_number(m.group("y"))))
    return out


def covered_labels(items: Iterable[Item], default_year: int) -> set[str]:
    """Every period label that some item names in its title or, when its title names none, is
    dated in. The title wins: 「2023年1—6月财政收支情况」 published in July is June's report, and
    counting it for July would hide a missing July report."""
    out: set[str] = set()
    for i in items:
        named = title_period_labels(i.title, i.date, default_year)
        if named:
            out |= named
        elif i.date:
            out |= period_labels_of_date(i.date)
    return out


def named_documents(docs, urls: set[str]) -> dict[str, Document]:
    """The documents whose URL (norm_url) is among `urls`, by it: an index of the few documents
    others link to, not of the site (a later document of the same URL wins, as in a dict of all)."""
    return {u: d for d in docs if (u := norm_url(d.url)) in urls}


def iter_pairs(snap: SiteSnapshot) -> Iterator[tuple[Document, Document]]:
    """(policy, 解读) pairs linked either way, each once, among the snapshot's documents."""
    named: set[str] = set()
    for d in snap.documents:
        named.update(norm_url(u) for u in (d.policy_urls if d.is_interpretation else d.interpretation_urls))
    by_url = named_documents(snap.documents, named)
    del named
    seen: set[tuple[str, str]] = set()
    for d in snap.documents:
        if d.is_interpretation:
            continue
        for u in d.interpretation_urls:
            j = by_url.get(norm_url(u))
            if j is not None and j.url != d.url:  # one document: read back from a file, not one object
                key = (norm_url(d.url), norm_url(j.url))
                if key not in seen:
                    seen.add(key)
                    yield d, j
    for j in snap.documents:
        if not j.is_interpretation:
            continue
        for u in j.policy_urls:
            p = by_url.get(norm_url(u))
            if p is not None and p.url != j.url and not p.is_interpretation:
                key = (norm_url(p.url), norm_url(j.url))
                if key not in seen:
                    seen.add(key)
                    yield p, j
