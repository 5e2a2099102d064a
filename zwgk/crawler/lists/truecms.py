"""truecms lists: messageController/getMessage.do, JSONP around a JCMS-like XML datastore.

A column page holds an empty list box and a pager script configured in place:

    $('#list').jpage({proxyUrl: '/module/…/messageController/getMessage.do', columnId: '2101',
                      perpage: 15, …});

and the script asks GET {proxyUrl}?startrecord=S&endrecord=E&perpage=P&columnId=C&callback=cb.
The answer is JSONP: cb({"result": "<datastore><totalrecord>n</totalrecord><recordset><record>
<![CDATA[<li><a href=…>…</a><span>date</span></li>]]></record>…</recordset></datastore>"}).
Sites cut large windows differently (some answer nothing, some 404), so the list is asked in
windows of the page's own perpage.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from zwgk.crawler.lists import ListRead, ListRequest
from zwgk.crawler.lists.jcms import RECORD

ENDPOINT = "messageController/getMessage.do"
PROXY = re.compile(r"""\bproxyUrl['"]?\s*:\s*['"]([^'"\s]*messageController/getMessage\.do)['"]""", re.I)
COLUMN = re.compile(r"""\bcolumnId['"]?\s*:\s*['"]?([\w-]+)""", re.I)
PERPAGE = re.compile(r"""\bperpage['"]?\s*:\s*['"]?(\d+)""", re.I)
DEFAULT_PERPAGE = 15
MAX_REQUESTS = 500
JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)
TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if not html or ENDPOINT.lower() not in html.lower():
        return out
    host = urlsplit(url).netloc
    for m in PROXY.finditer(html):
        config = html[max(0, m.start() - 1500):m.end() + 1500]  # the configuration object around it
        column = COLUMN.search(config)
        if column is None:
            continue
        per = PERPAGE.search(config)
        size = int(per.group(1)) if per and 0 < int(per.group(1)) <= 500 else DEFAULT_PERPAGE
        api = urljoin(url, m.group(1))
        if urlsplit(api).netloc != host:
            continue
        req = _request(api, column.group(1), 1, size)
        if req not in out.requests:
            out.requests.append(req)
    return out


def _request(api: str, column: str, start: int, size: int) -> ListRequest:
    query = urlencode({"startrecord": start, "endrecord": start + size - 1, "perpage": size, "columnId": column,
                       "callback": "jsonpCallback"})
    return ListRequest(urlunsplit(urlsplit(api)._replace(query=query, fragment="")), adapter="truecms")


def answers(url: str, content_type: str) -> bool:
    return urlsplit(url).path.endswith("/" + ENDPOINT) and "html" not in content_type


def _payload(text: str) -> str:
    """The XML inside the JSONP (or a bare JSON / XML answer)."""
    m = JSONP.match(text or "")
    raw = m.group(1) if m else (text or "")
    try:
        data = json.loads(raw)
    except ValueError:
        return raw if "<record" in raw or "<totalrecord" in raw else ""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        return next((v for k in ("result", "data", "xml", "html") if isinstance(v := data.get(k), str)), "")
    return ""


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    from zwgk.crawler import discovery as dsc

    out = ListRead()
    xml = _payload(text)
    if not xml:
        return out
    records = RECORD.findall(xml)
    tree = dsc.parse_tree("<html><body><ul>" + "".join(records) + "</ul></body></html>") if records else None
    found = dsc.find_entries(tree, url, "") if tree is not None else []
    out.entries = [(e.url, e.title, e.date) for e in found]
    m = TOTAL.search(xml)
    if m is None:
        return out
    total = int(m.group(1))
    out.expected["records"] = total
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if q.get("startrecord") != "1" or not q.get("columnId") or not records:
        return out  # later windows ask nothing more
    asked = int(q["perpage"]) if q.get("perpage", "").isdigit() else DEFAULT_PERPAGE
    size = len(records) if len(records) < min(asked, total) else asked  # the server cut the window
    out.expected["pages"] = -(-total // size)
    api = urlunsplit(parts._replace(query=""))
    for start in range(size + 1, total + 1, size):
        if len(out.requests) >= MAX_REQUESTS:
            break
        out.requests.append(_request(api, q["columnId"], start, size))
    return out
