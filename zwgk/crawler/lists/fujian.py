"""Fujian "动静结合" lists (TRS sites of the Fujian province platform).

A column's first few list pages are static HTML (index.htm, index_1.htm, index_2.htm, read by the
pager); every page also describes its channel in a script object:

    var pageChnlInfo = {chnlid: '4910', recordCount: '187', pageSize: '15', ...};

and the later pages exist only as answers of the province's search service,
POST /fjdzapp/search with the form

    channelid=229105&sortfield=-docorderpri,-docreltime&classsql=chnlid=4910&classcol=publishyear
    &classnum=100&classsort=0&cache=true&page=N&prepage=P

(`channelid` is the search index, 229105 on every site of the platform unless the page names
another). The answer is JSON: the records in `data` — {doctitle, docpuburl | chnldocurl,
docreltime} — next to `pageChnlInfo.recordCount` (also `pageCount`). The whole list is asked from
the service in pages of PREPAGE records, so the static pages need not be numbered the same way.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit

from zwgk.crawler.lists import ListRead, ListRequest, json_object, record_entries

INFO = re.compile(r"\bpageChnlInfo\s*=\s*\{(.*?)\}", re.S)
SEARCH_PATH = "/fjdzapp/search"
SEARCH_CHANNEL = "229105"   # the platform's search index of published documents
PREPAGE = 75                # records per search answer (what the platform's own pages ask)
MAX_REQUESTS = 400


def _field(block: str, name: str) -> str | None:
    m = re.search(rf"""['"]?\b{name}\b['"]?\s*[:=]\s*['"]?([\w./-]+)""", block, re.I)
    return m.group(1) if m else None


def _int(v) -> int | None:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return None


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    m = INFO.search(html or "")
    if m is None:
        return out
    block = m.group(1)
    chnlid, total = _field(block, "chnlid"), _int(_field(block, "recordCount"))
    if not chnlid or not chnlid.isdigit() or total is None:
        return out
    size = _int(_field(block, "pageSize")) or entries or PREPAGE
    out.expected = {"records": total, "pages": -(-total // size) if size else None}
    if total <= 0:
        return out
    search = _search_url(url, html)
    channel = _field(block, "channelid") or _page_channel(html) or SEARCH_CHANNEL
    for page in range(1, min(-(-total // PREPAGE), MAX_REQUESTS) + 1):
        form = urlencode({"channelid": channel, "sortfield": "-docorderpri,-docreltime", "classsql": f"chnlid={chnlid}",
                          "classcol": "publishyear", "classnum": 100, "classsort": 0, "cache": "true",
                          "page": page, "prepage": PREPAGE})
        out.requests.append(ListRequest(search, "POST", form, "fujian"))
    return out


def _search_url(url: str, html: str) -> str:
    """The search service the page's scripts call (a site may serve it under a prefix)."""
    m = re.search(r"""['"]((?:https?://[^'"\s]+)?/[\w/.-]*fjdzapp/search)['"]""", html)
    if m and urlsplit(urljoin(url, m.group(1))).netloc == urlsplit(url).netloc:
        return urljoin(url, m.group(1))
    return urljoin(url, SEARCH_PATH)


def _page_channel(html: str) -> str | None:
    m = re.search(r"""\bchannelid['"]?\s*[:=]\s*['"]?(\d+)""", html, re.I)
    return m.group(1) if m else None


def answers(url: str, content_type: str) -> bool:
    return urlsplit(url).path.endswith(SEARCH_PATH) and "html" not in content_type


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    data = json_object(text)
    out = ListRead(entries=record_entries(url, data.get("data") or data.get("docs"),
                                          link=("docpuburl", "chnldocurl", "url"), title=("doctitle", "title"),
                                          when=("docreltime", "pubdate")))
    info = data.get("pageChnlInfo") if isinstance(data.get("pageChnlInfo"), dict) else {}
    total = _int(info.get("recordCount")) if info else None
    if total is None:
        total = _int(data.get("recordCount"))
    if total is not None:
        out.expected["records"] = total
    return out
