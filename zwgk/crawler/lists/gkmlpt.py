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

from zwgk.crawler.lists import ListRead, ListRequest

CONFIG = re.compile(r"_CONFIG\s*=\s*\{", re.S)
SID = re.compile(r"""['"]?SID['"]?\s*:\s*['"]?(\w+)""")
NODE = re.compile(r"""['"]?id['"]?\s*:\s*['"]?(\d+)['"]?\s*,\s*['"]?name['"]?\s*:\s*['"]([^'"]+)['"]""")
HAS_CHILDREN = re.compile(r"""\s*,\s*['"]?children['"]?\s*:\s*\[\s*\{""")
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

    tree_at = cfg.find("TREE")
    nodes = list(NODE.finditer(cfg, tree_at))
    leaves = [n for n in nodes if not HAS_CHILDREN.match(cfg, n.end())]
    for n in leaves or nodes:
        cat, name = n.group(1), n.group(2)
        api = urljoin(url, f"api/all/{cat}?{urlencode({'page': 1, 'sid': sid.group(1)})}")
        out.subcolumns.append((api, name, classify_column(name)))
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


def read_answer(url: str, text: str) -> ListRead:
    out = ListRead()
    try:
        data = json.loads(text)
    except ValueError:
        return out
    if not isinstance(data, dict):
        return out
    articles = data.get("articles") or data.get("data") or []
    for a in articles if isinstance(articles, list) else []:
        if isinstance(a, dict) and a.get("url") and a.get("title"):
            when = next((a.get(k) for k in ("display_publish_time", "first_publish_time", "publish_time", "date")
                         if a.get(k)), None)
            out.entries.append((urljoin(url, str(a["url"])), str(a["title"]).strip(), _day(when)))
    total = next((data.get(k) for k in ("post_count", "total", "count") if isinstance(data.get(k), int)), None)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    page = int((query.get("page") or ["1"])[0] or 1)
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
