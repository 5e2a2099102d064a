"""TRS IGS search lists: a column page whose script asks the site's search index.

    GET /igs/front/search/list.html?index=…&type=…&siteId=…&filter[CHANNELID]=…&filter[AVAILABLE]=true
        &orderProperty=PUBDATE&orderDirection=desc&pageNumber=N&pageSize=S

The page names the parameters either as an address with its query, or as a script object
({index: 'file2-index-alias', type: 'governmentdocuments', 'filter[SITEID]': '3', …}) next to the
address. The answer is JSON: {"page": {"content": [{DOCTITLE, DOCPUBURL, PUBDATE, …}],
"total": n, "totalPages": p, "number": …}}. Pages count from 1.
"""
from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from zwgk.crawler.lists import ListRead, ListRequest, json_object, record_entries

PATH = "/igs/front/search/list.html"
ADDRESS = re.compile(r"""['"]((?:https?://[^'"\s/]+)?/[\w/.-]*igs/front/search/list\.html)(\?[^'"\s]*)?['"]""")
PAIR = re.compile(r"""['"]?([A-Za-z][\w]*(?:\[[^\]'"]*\])?)['"]?\s*:\s*['"]([^'"]*)['"]""")
KEEP = re.compile(r"^(?:index|type|siteId|orderProperty|orderDirection|pageSize|filter\[[^\]]*\])$")
PAGE_SIZE = 20
MAX_PAGES = 1000


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if not html or "igs/front/search" not in html:
        return out
    host = urlsplit(url).netloc
    for m in ADDRESS.finditer(html):
        api = urljoin(url, m.group(1))
        if urlsplit(api).netloc != host:
            continue
        # templates often write the address HTML-escaped (&amp;) even inside a script
        params = dict(parse_qsl(htmllib.unescape(m.group(2)[1:]), keep_blank_values=True)) if m.group(2) else {}
        if "index" not in params:  # the parameters in a script object next to the address
            window = html[max(0, m.start() - 1500):m.end() + 1500]
            params = {k: v for k, v in PAIR.findall(window) if KEEP.match(k)} | params
        params = {k: v for k, v in params.items() if KEEP.match(k)}
        if not params.get("index"):
            continue
        req = _request(api, params, 1)
        if req not in out.requests:
            out.requests.append(req)
    return out


def _request(api: str, params: dict, page: int) -> ListRequest:
    q = dict(params)
    q["pageSize"] = q.get("pageSize") if str(q.get("pageSize", "")).isdigit() else str(PAGE_SIZE)
    q["pageNumber"] = str(page)
    return ListRequest(urlunsplit(urlsplit(api)._replace(query=urlencode(q), fragment="")), adapter="igs")


def answers(url: str, content_type: str) -> bool:
    return urlsplit(url).path.endswith(PATH) and "html" not in content_type


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    out = ListRead()
    page = json_object(text).get("page")
    if not isinstance(page, dict):
        return out
    out.entries = record_entries(url, page.get("content"), link=("DOCPUBURL", "docpuburl", "url"),
                                 title=("DOCTITLE", "doctitle", "title", "FileName"),
                                 when=("PUBDATE", "pubdate", "DOCRELTIME"))
    try:
        total = int(page.get("total"))
    except (TypeError, ValueError):
        return out
    out.expected["records"] = total
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query, keep_blank_values=True))
    if q.get("pageNumber") != "1" or not out.entries:
        return out
    asked = int(q["pageSize"]) if q.get("pageSize", "").isdigit() else PAGE_SIZE
    got = len(out.entries)
    size = got if got < min(asked, total) else asked
    pages = -(-total // size)
    out.expected["pages"] = pages
    params = {k: v for k, v in q.items() if k != "pageNumber"} | {"pageSize": str(size)}
    api = urlunsplit(parts._replace(query=""))
    out.requests += [_request(api, params, n) for n in range(2, min(pages, MAX_PAGES) + 1)]
    return out
