"""Guangdong's 政府信息公开目录 (gkmlpt).

/gkmlpt/index (also under a department's path) is a single-page app: its HTML lists nothing, only
`window._CONFIG = {SID: '757001', TREE: [{id: 2, name: '通知公告', children: […]}, …]}`. Each
category's list comes from GET /gkmlpt/api/all/{id}?page=N&sid=SID as JSON:
{"articles": [{"title", "url", "first_publish_time" | "display_publish_time" | "publish_time"
(epoch seconds or a date), "identifier", "document_number"}, …], "post_count" | "total": n}.
Each leaf category becomes a column whose URL is its API page 1; pages 2… are asked from page 1.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from zwgk.crawler.lists import ListRead, ListRequest, json_object, record_entries

CONFIG = re.compile(r"_CONFIG\s*=\s*\{", re.S)
SID = re.compile(r"""['"]?SID['"]?\s*:\s*['"]?(\w+)""")
NODE = re.compile(r"""['"]?id['"]?\s*:\s*['"]?(\d+)['"]?\s*,\s*['"]?name['"]?\s*:\s*['"]([^'"]+)['"]""")
CHINA = timezone(timedelta(hours=8))


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    m = CONFIG.search(html)
    if m is None or "TREE" not in html[m.end():m.end() + 20000]:
        return out
    cfg = html[m.end():m.end() + 200000]
    sid = SID.search(cfg)
    if sid is None:
        return out
    from zwgk.vocab import classify_column

    for cat, name in _leaves(cfg[cfg.find("TREE"):]):
        api = urljoin(url, f"api/all/{cat}?{urlencode({'page': 1, 'sid': sid.group(1)})}")
        out.subcolumns.append((api, name, classify_column(name)))
    return out


def _array(text: str) -> str | None:
    """The bracketed array that starts at the first '[' of `text` (strings respected)."""
    start = text.find("[")
    if start < 0:
        return None
    depth, quote, i = 0, None, start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return None


def _leaves(tree_text: str) -> list[tuple[str, str]]:
    """(id, name) of the TREE's leaf categories (a parent's API list is the union of its children:
    reading both would file a document under whichever came first)."""
    raw = _array(tree_text)
    if raw is None:
        return []
    js = re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', raw)  # a JS literal as JSON
    js = re.sub(r"'([^'\\]*)'", lambda m: json.dumps(m.group(1), ensure_ascii=False), js)
    try:
        nodes = json.loads(js)
    except ValueError:
        return [(m.group(1), m.group(2)) for m in NODE.finditer(raw)]
    out: list[tuple[str, str]] = []

    def walk(items):
        for n in items if isinstance(items, list) else []:
            if not isinstance(n, dict) or n.get("id") is None or not n.get("name"):
                continue
            kids = n.get("children") or []
            if kids:
                walk(kids)
            elif not n.get("jump_url"):  # a category that only links elsewhere lists nothing here
                out.append((str(n["id"]), str(n["name"])))
    walk(nodes)
    return out


def answers(url: str, content_type: str) -> bool:
    return "/gkmlpt/api/" in urlsplit(url).path and "html" not in content_type


def _day(v) -> date | None:
    if isinstance(v, (int, float)) and v > 0:
        return datetime.fromtimestamp(v / 1000 if v > 1e11 else v, CHINA).date()
    if isinstance(v, str):
        from zwgk.formats.dates import parse_date

        return parse_date(v)
    return None


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    data = json_object(text)
    articles = data.get("articles") or data.get("data") or []
    out = ListRead(entries=record_entries(url, articles, link=("url",), title=("title",),
                                          when=("display_publish_time", "first_publish_time", "publish_time", "date"),
                                          day=_day))
    classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    total = next((v for v in (classify.get("post_count"), data.get("post_count"), data.get("total"), data.get("count"))
                  if isinstance(v, int)), None)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    page = int((query.get("page") or ["1"])[0] or 1)
    if total is None and articles:
        # no count given: page on while pages come full (an empty page, or nothing new, ends it)
        q = {k: v[0] for k, v in query.items()} | {"page": page + 1}
        out.requests.append(ListRequest(urlunsplit(parts._replace(query=urlencode(q))), adapter="gkmlpt"))
    if total is not None:
        out.expected["records"] = total
        per = len(articles) if page == 1 and articles else 0
        if per:
            pages = -(-total // per)
            out.expected["pages"] = pages
            for n in range(2, min(pages, 2000) + 1):
                q = {k: v[0] for k, v in query.items()} | {"page": n}
                out.requests.append(ListRequest(urlunsplit(parts._replace(query=urlencode(q))), adapter="gkmlpt"))
    return out
