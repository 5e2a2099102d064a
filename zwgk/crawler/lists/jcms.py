"""大汉 JCMS lists.

A column page (/col/colN/index.html) holds its first records inline:

    <div id="4483"><script type="text/xml"><datastore><column>101</column><totalrecord>52</totalrecord>
    <totalpage>4</totalpage><rpp>15</rpp><webid>1</webid><website><![CDATA[…]]></website>
    <recordset><record><![CDATA[<li><a href="/art/2023/9/15/art_101_5001.html">…</a>…</li>]]></record>…
    </recordset></datastore></script><script src="/module/web/jpage/jpage.js"></script></div>

and jpage.js asks the rest, three pages at a time, from
POST /module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P with the form
col=1&appid=1&webid=W&path=/&columnid=C&sourceContentType=1&unitid=U&webname=…&permissiontype=0;
the answer is XML: <datastore><totalrecord>…</totalrecord><recordset><record><![CDATA[…]]></record>….
The inline records themselves are read by discovery.find_entries.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit

from zwgk.crawler.lists import ListRead, ListRequest

DATASTORE = re.compile(r"<div[^>]*\bid\s*=\s*['\"]?(\d+)['\"]?[^>]*>\s*<script[^>]*>\s*<datastore>(.*?)</datastore>",
                       re.S | re.I)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
MAX_PER_REQUEST = 300  # dataproxy cuts larger groups


def _tag(block: str, name: str) -> str | None:
    m = re.search(rf"<{name}>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</{name}>", block, re.S)
    return m.group(1).strip() if m else None


def _int(v: str | None) -> int | None:
    return int(v) if v and v.isdigit() else None


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if "<datastore>" not in html:
        return out
    for unitid, block in DATASTORE.findall(html):
        total, rpp = _int(_tag(block, "totalrecord")), _int(_tag(block, "rpp")) or 15
        column = _tag(block, "column") or _column_from_url(url)
        inline = len(RECORD.findall(block))
        if total is None:
            continue
        out.expected["records"] = max(total, out.expected.get("records") or 0)
        out.expected["pages"] = max(-(-total // rpp), out.expected.get("pages") or 0)
        if not column or inline >= total:
            continue
        form = urlencode({"col": 1, "appid": 1, "webid": _tag(block, "webid") or 1, "path": "/", "columnid": column,
                          "sourceContentType": 1, "unitid": unitid, "webname": _tag(block, "website") or "",
                          "permissiontype": 0})
        step = min(rpp * 3, MAX_PER_REQUEST)
        for start in range(inline + 1, total + 1, step):
            end = min(start + step - 1, total)
            proxy = urljoin(url, f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={rpp}")
            out.requests.append(ListRequest(proxy, "POST", form, "jcms"))
    return out


def _column_from_url(url: str) -> str | None:
    m = re.search(r"/col/col(\d+)/", urlsplit(url).path)
    return m.group(1) if m else None


def answers(url: str, content_type: str) -> bool:
    # some sites serve dataproxy.jsp pages as plain HTML lists (a GET pager): only XML is ours
    return "/jpage/dataproxy.jsp" in url and "xml" in content_type


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    from zwgk.crawler import discovery as dsc

    records = RECORD.findall(text)
    tree = dsc.parse_tree("<html><body><ul>" + "".join(records) + "</ul></body></html>")
    entries = dsc.find_entries(tree, url, "") if tree is not None and records else []
    out = ListRead(entries=[(e.url, e.title, e.date) for e in entries])
    total = _int(_tag(text, "totalrecord"))
    if total is not None:
        out.expected["records"] = total
    return out
