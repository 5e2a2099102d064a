"""The static pager every CMS prints: 下一页 / 尾页 links and page numbers inside a pager box; and,
where the pager is only script (javascript:goPage(2)), the page count it shows (共3页, 1/3页) with
the URL pattern its script builds ('index_'+n+'.shtml'). A TRS createPageHTML call is read by
`trs`; the script fallback is used only when neither finds a page.

Pager links that differ by one number (index_264.html, index_266.html, index_945.html — 上一页,
下一页, 尾页 on page 265) are a run: every page between the lowest and the highest is a page of the
list (`ranges`). Asking them all, not only the next one, keeps a list whose pager shows just
上一页 / 下一页 / 尾页 whole when one of its pages fails — a chain broken at page 265 lost pages
266 … 944 — and a pager printing every number (1 … 945) is kept as one run, not 945 URLs on
each of its 945 pages."""
from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urljoin

from zwgk.crawler.discovery import PAGER_TEXTS, anchors
from zwgk.crawler.lists import ListRead, trs
from zwgk.vocab import norm_text

TOTAL_PAGES = re.compile(r"共\s*(\d{1,4})\s*页|\d{1,4}\s*/\s*(\d{1,4})\s*页")
JS_PAGE_URL = re.compile(r"""['"]([\w-]+)_['"]\s*\+\s*\w+\s*\+\s*['"](\.[a-z]{3,5})['"]""", re.I)
PAGER_BOX = ("page", "pag", "fenye", "pg", "pager", "turn")
NUMBER = re.compile(r"(\d+)")


def link_pages(tree, base: str) -> list[str]:
    """Pager links: a pager word (下一页, 尾页, ») or a page number inside a pager box."""
    urls = []
    boxes: dict = {}  # element → is it a pager box, judged once a page (keyed by element: id() of lxml proxies is reused)
    for a, url in anchors(tree, base):
        text = norm_text(a.text_content())
        if text in PAGER_TEXTS or (text.isdigit() and len(text) <= 4 and _in_pager(a, boxes)):
            urls.append(url)
    return urls


def script_pages(tree, base: str, html: str) -> list[str]:
    m = TOTAL_PAGES.search(norm_text(tree.text_content()))
    pattern = JS_PAGE_URL.search(html or "")
    if not m or not pattern:
        return []
    total = min(int(m.group(1) or m.group(2)), trs.MAX_PAGES)
    prefix, ext = pattern.groups()
    return [urljoin(base, f"{prefix}_{n}{ext}") for n in range(2, total + 1)]


def _in_pager(a, boxes: dict) -> bool:
    """Is link `a` inside a pager box (within 4 ancestors)? Each box is judged once: a pager that
    prints every page number (?page=1 … ?page=945) made this quadratic in its links — seconds a
    list page."""
    for anc in islice(a.iterancestors(), 4):
        hit = boxes.get(anc)
        if hit is None:
            hit = boxes[anc] = _pager_box(anc)
        if hit:
            return True
    return False


def _pager_box(el) -> bool:
    """A box named like a pager (page, fenye …), or one of 3 to 20 links, 2 or more of them numbers."""
    ident = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if any(k in ident for k in PAGER_BOX):
        return True
    links = el.findall(".//a")
    if not 3 <= len(links) <= 20:
        return False
    return sum(norm_text(x.text_content()).isdigit() for x in links) >= 2


def number_runs(urls: list[str]) -> tuple[list[str], list[tuple[str, str, int, int]]]:
    """(the URLs in no run, the runs (prefix, suffix, lo, hi): URLs alike but for one number, which
    takes at least two values — page n is prefix + n + suffix for lo <= n <= hi)."""
    groups: dict[tuple, list[list[str]]] = {}
    for u in dict.fromkeys(urls):
        parts = NUMBER.split(u)  # odd places: the numbers
        groups.setdefault(tuple(parts[0::2]), []).append(parts)
    loose, runs = [], []
    for members in groups.values():
        numbers = list(zip(*(m[1::2] for m in members)))
        varying = [i for i, vals in enumerate(numbers) if len(set(vals)) > 1]
        values = [int(v) for v in numbers[varying[0]]] if len(varying) == 1 else []
        if not values or any(v != str(int(v)) for v in numbers[varying[0]]) or \
                max(values) - min(values) >= trs.MAX_PAGES:
            loose += ["".join(m) for m in members]  # one URL, several numbers moving, or zero-padded
            continue
        place = 2 * varying[0] + 1
        first = members[0]
        runs.append(("".join(first[:place]), "".join(first[place + 1:]), min(values), max(values)))
    return loose, runs


def run_urls(run: tuple[str, str, int, int], skip: list[tuple[int, int]] = ()) -> list[str]:
    """The pages of a run, but those in the number spans `skip`."""
    prefix, suffix, lo, hi = run
    return [f"{prefix}{n}{suffix}" for n in range(lo, hi + 1) if not any(a <= n <= b for a, b in skip)]


def new_run_urls(taken: dict, runs) -> list[str]:
    """The pages of `runs` (number_runs) not taken before by the same list; `taken` (prefix, suffix)
    -> merged number spans, kept by the caller for one list and updated here. Each page of a chain
    pager shows a run from its 上一页 to its 尾页: taking only what is new keeps a 945-page list
    linear, not 945 × 945 URLs."""
    out: list[str] = []
    for prefix, suffix, lo, hi in runs:
        spans = taken.setdefault((prefix, suffix), [])
        out += run_urls((prefix, suffix, lo, hi), spans)
        spans[:] = _merged(spans + [(lo, hi)])
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Number spans joined where they overlap or touch."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    if tree is None:
        return ListRead()
    pages = link_pages(tree, url)
    if not pages and not trs.page_urls(url, html):
        pages = script_pages(tree, url, html)
    return ListRead(pages=pages)
