"""TRS WCM pagers: the page count and naming are in a script call, not in links.

  createPageHTML(3, 0, "index", "html")              the classic form: index.html (the page we
                                                     are on), then index_1.html … index_2.html
  var countPage = 3; createPageHTML(countPage, …)    the same with the count in a variable
  createPageHTML('page_div', 11, 1, 'list', 'shtml', 154)
                                                     the newer form names its pager element first
                                                     and numbers from 1: list.shtml, list_2.shtml
                                                     … list_11.shtml
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from zwgk.crawler.lists import ListRead

TRS_PAGER = re.compile(r"createPageHTML\s*\(([^)]*)\)")
MAX_PAGES = 2000
EXTENSIONS = ("html", "htm", "shtml", "jhtml")


def page_urls(base: str, html: str) -> list[str]:
    """The other pages of the list whose page `base` calls createPageHTML."""
    urls: list[str] = []
    for m in TRS_PAGER.finditer(html or ""):
        raw_args = [x.strip() for x in m.group(1).split(",")]
        args = [_js_value(x.strip("'\""), html) for x in raw_args]
        ints = [int(x) for x in args if x.isdigit()]
        ext = next((s for s in args if s.lower() in EXTENSIONS), None)
        if not ext or not ints:
            continue
        total = min(ints[0], MAX_PAGES)  # the page count is the first number in both forms
        before = args[args.index(ext) - 1] if args.index(ext) > 0 else ""
        prefix = before if re.fullmatch(r"[\w-]+", before) and not before.isdigit() else "index"
        # the address up to the number joined once: a list of 1 260 pages names 1 259 on each page
        head = urljoin(base, f"{prefix}_")
        if raw_args and raw_args[0][:1] in "'\"" and not args[0].isdigit():
            urls += [f"{head}{i}.{ext}" for i in range(2, total + 1)]
        else:
            urls += [f"{head}{i}.{ext}" for i in range(1, total)]
    return urls


def _js_value(arg: str, html: str) -> str:
    """A script variable's number (var countPage = 3), or the argument itself."""
    if re.fullmatch(r"[A-Za-z_$][\w$]*", arg) and arg not in ("index",) + EXTENSIONS:
        m = re.search(r"\b(?:var|let|const)?\s*" + re.escape(arg) + r"\s*=\s*(\d+)", html)
        if m:
            return m.group(1)
    return arg


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    pages = page_urls(url, html)
    return ListRead(pages=pages, expected={"pages": len(pages) + 1} if pages else {})
