"""The static pager every CMS prints: 下一页 / 尾页 links and page numbers inside a pager box; and,
where the pager is only script (javascript:goPage(2)), the page count it shows (共3页, 1/3页) with
the URL pattern its script builds ('index_'+n+'.shtml'). A TRS createPageHTML call is read by
`trs`; the script fallback is used only when neither finds a page."""
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


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    if tree is None:
        return ListRead()
    pages = link_pages(tree, url)
    if not pages and not trs.page_urls(url, html):
        pages = script_pages(tree, url, html)
    return ListRead(pages=pages)
