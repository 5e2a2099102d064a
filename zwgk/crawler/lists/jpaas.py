"""大汉 jpaas lists: the publish server's unit builder.

A column page holds no list, only a unit script whose attributes say what to build:

    <script src="/module/jpaas/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
            querydata="{'webId':'3421','pageId':'1501','tplSetId':'…','pageType':'column',
                        'tagId':'信息列表','editType':'null','parseType':'bulidstatic'}"></script>

The list is GET {url}?{querydata as parameters}&paramJson={"pageNo":N,"pageSize":P} (paging only
through paramJson); the answer is JSON whose `data.html` is the rendered list fragment — entries
as links, the total in its pager's `count` attribute (or 共N条).
"""
from __future__ import annotations

import ast
import json
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from zwgk.crawler.lists import ListRead, ListRequest

API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = 15
MAX_PAGES = 1000
NEEDED = ("webId", "pageId", "tplSetId")
TOTAL = re.compile(r"""\bcount\s*=\s*['"]?(\d+)|共\s*(\d+)\s*条""", re.I)


def _query_data(raw: str) -> dict | None:
    """A querydata attribute: a JS object literal, single- or double-quoted."""
    raw = (raw or "").strip()
    for parse in (json.loads, ast.literal_eval):
        try:
            data = parse(raw)
        except (ValueError, SyntaxError):
            continue
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    pairs = re.findall(r"""['"]?(\w+)['"]?\s*:\s*['"]([^'"]*)['"]""", raw)
    return dict(pairs) or None


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if tree is None or "jpaas-publish-server" not in (html or "") and "querydata" not in (html or "").lower():
        return out
    host = urlsplit(url).netloc
    for el in tree.iter():
        attrs = {k.lower(): v for k, v in el.attrib.items()} if isinstance(el.tag, str) else {}
        if "querydata" not in attrs:
            continue
        q = _query_data(attrs["querydata"])
        if not q or not all(q.get(k) for k in NEEDED):
            continue
        api = urljoin(url, attrs.get("url") or API)
        if urlsplit(api).netloc != host:
            continue
        size = PAGE_SIZE
        if q.get("paramJson"):
            try:
                size = int(json.loads(q["paramJson"]).get("pageSize") or size)
            except (ValueError, TypeError, AttributeError):
                pass
        params = {k: v for k, v in q.items() if k != "paramJson"}
        params.setdefault("parseType", "bulidstatic")
        params.setdefault("pageType", "column")
        out.requests.append(_request(api, params, 1, size))
    return out


def _request(api: str, params: dict, page: int, size: int) -> ListRequest:
    query = dict(params, paramJson=json.dumps({"pageNo": page, "pageSize": size}, separators=(",", ":")))
    return ListRequest(urlunsplit(urlsplit(api)._replace(query=urlencode(query), fragment="")), adapter="jpaas")


def answers(url: str, content_type: str) -> bool:
    return urlsplit(url).path.endswith("/jpaas-publish-server/front/page/build/unit") and "html" not in content_type


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    from zwgk.crawler import discovery as dsc

    out = ListRead()
    try:
        data = json.loads(text)
    except ValueError:
        return out
    body = data.get("data") if isinstance(data, dict) else None
    fragment = body.get("html") if isinstance(body, dict) else body if isinstance(body, str) else None
    if not fragment:
        return out
    tree = dsc.parse_tree(f"<html><body>{fragment}</body></html>")
    found = dsc.find_entries(tree, url, "") if tree is not None else []
    out.entries = [(e.url, e.title, e.date) for e in found]
    m = TOTAL.search(fragment)
    total = int(m.group(1) or m.group(2)) if m else None
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    try:
        paging = json.loads(query.get("paramJson") or "{}")
        page, size = int(paging.get("pageNo") or 1), int(paging.get("pageSize") or PAGE_SIZE)
    except (ValueError, TypeError, AttributeError):
        page, size = 1, PAGE_SIZE
    params = {k: v for k, v in query.items() if k != "paramJson"}
    api = urlunsplit(parts._replace(query=""))
    if total is not None:
        out.expected["records"] = total
        if page == 1 and out.entries:
            per = len(out.entries) if len(out.entries) < min(size, total) else size  # the server cut pageSize
            pages = -(-total // per)
            out.expected["pages"] = pages
            out.requests += [_request(api, params, n, per) for n in range(2, min(pages, MAX_PAGES) + 1)]
    elif len(out.entries) >= size:
        # no total given: page on while pages come full (a page with nothing new ends it)
        out.requests.append(_request(api, params, page + 1, size))
    return out
