"""A list that a page's own script fills from an API no adapter knows.

A column page that shows no entries is not evidence of a blank column when one of its scripts
asks a data API for the list (``$.ajax({url: "/api/cms/article/page", …})``, ``fetch("/x/list")``,
``axios.post(…)``): the crawler did not read that list, so the column is "could not be read"
(needs review, with this evidence), never 空白栏目. `unread_reason` says so, or None.

Only a page whose list came out empty (no entries, no adapter request, no pager, no sub-columns)
should be asked: the spider records the reason as the column's read error.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

CALL = re.compile(r"""(?:\$|jQuery|\bUtil|\baxios|\bhttp|\brequest)\s*\.\s*(?:ajax|post|get|getJSON|request)\s*\(|"""
                  r"""\bfetch\s*\(|\bnew\s+XMLHttpRequest\b|\.open\s*\(\s*['"](?:GET|POST)['"]""", re.I)
URL_ARG = re.compile(r"""^\s*[(,]?\s*['"]([^'"\s]+)['"]""")  # f('/x') — or xhr.open('GET', '/x')
URL_KEY = re.compile(r"""\burl['"]?\s*[:=]\s*([^,}\n]+)""", re.I)
STRING = re.compile(r"""['"]([^'"\s]*/[^'"\s]*)['"]""")
STATIC = (".js", ".css", ".png", ".jpg", ".gif", ".svg", ".ico", ".woff", ".ttf")
NOT_LISTS = ("count", "visit", "tongji", "stat", "hits", "click", "login", "weather", "captcha", "share", "track",
             "favorite", "comment", "score", "pingjia")


def unread_reason(tree, url: str, html: str) -> str | None:
    """Why a column page with an empty list was not read: its script's API (Chinese), or None."""
    api = script_api(tree, url, html)
    if api is None:
        return None
    return f"栏目列表由页面脚本从接口加载（{api}），未能读取，需人工核对"


def script_api(tree, url: str, html: str) -> str | None:
    """The address of the data API an inline script of the page calls, if any (same site)."""
    host = urlsplit(url).netloc
    for code in _inline_scripts(tree, html):
        for m in CALL.finditer(code):
            window = code[m.end():m.end() + 600]
            target = _target(window)
            if target is None:
                continue
            full = urljoin(url, target)
            parts = urlsplit(full)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            path = parts.path.lower()
            if path.endswith(STATIC) or any(k in path for k in NOT_LISTS):
                continue
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def _target(window: str) -> str | None:
    m = URL_ARG.match(window)
    if m:
        return m.group(1)
    k = URL_KEY.search(window)
    if k:
        s = STRING.search(k.group(1))  # url: '/api/list' or url: base + '/rest/list'
        if s:
            return s.group(1)
    return None


def _inline_scripts(tree, html: str) -> list[str]:
    if tree is not None:
        return [s.text or "" for s in tree.iter("script") if not s.get("src") and s.text]
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html or "", re.S | re.I)
