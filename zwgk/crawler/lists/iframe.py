"""A list inside a same-host <iframe>: the column page is a frame around it (a title, an iframe
of list.html); the framed page is an ordinary list page of the same column."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from zwgk.crawler.lists import ListRead, ListRequest

NOT_LISTS = ("map", "video", "player", "weather", "share", "baidu", "qq.com", "count", "tongji")


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if tree is None or entries >= 3 or "<iframe" not in html.lower():
        return out
    host = urlsplit(url).netloc.lower()
    for el in tree.iter("iframe"):
        src = (el.get("src") or "").strip()
        if not src or src.startswith(("javascript:", "about:", "data:")):
            continue
        target = urljoin(url, src)
        parts = urlsplit(target)
        if parts.scheme in ("http", "https") and parts.netloc.lower() == host and target != url \
                and not any(k in target.lower() for k in NOT_LISTS):
            out.requests.append(ListRequest(target))
    return out
