"""大汉 信息公开 module lists: POST /module/xxgk/search.jsp.

A column of the 信息公开 module (/col/col1665241/index.html) renders its list by script from

    POST /module/xxgk/search.jsp    form: infotypeId=A02&jdid=1305&area=&divid=div1665241&vc_title=
         &vc_number=&sortfield=,createdate:0,orderid:0&currpage=N&vc_filenumber=&vc_all=&texttype=0&fbtime=-1

(infotypeId: the 信息分类 of the column, jdid: the site, divid: the box the list fills). The page
names them in its script or in a search.jsp address. The answer is an HTML fragment — rows of
links with 文号 and dates, and a pager "共N页" whose links are script. Pages count from 1
(currpage). An answer is read from its address alone, so the parameters ride in the address's
query as well as in the form (the module reads either).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from zwgk.crawler.lists import ListRead, ListRequest, request_params
from zwgk.vocab import norm_text

PATH = "/module/xxgk/search.jsp"
PARAM = re.compile(r"""\b(infotypeId|jdid|divid|area)['"]?\s*[:=]\s*['"]?([\w.-]*)""", re.I)
PAGES = re.compile(r"共\s*(\d{1,4})\s*页")
RECORDS = re.compile(r"共\s*(\d{1,6})\s*条")
MAX_PAGES = 1000


def _params(url: str, html: str) -> dict | None:
    found: dict[str, str] = {}
    for m in re.finditer(r"""search\.jsp\?([^'"\s<>]+)""", html):  # an address with the parameters
        for k, v in parse_qsl(m.group(1).replace("&amp;", "&"), keep_blank_values=True):
            if k.lower() in ("infotypeid", "jdid", "divid", "area") and v:
                found.setdefault(k.lower(), v)
    for k, v in PARAM.findall(html):  # or a script object / variables
        if v:
            found.setdefault(k.lower(), v)
    if not found.get("infotypeid") or not found.get("jdid"):
        return None
    col = re.search(r"/col/col(\d+)/", urlsplit(url).path)
    divid = found.get("divid") or (f"div{col.group(1)}" if col else "")
    return {"infotypeId": found["infotypeid"], "jdid": found["jdid"], "area": found.get("area", ""), "divid": divid}


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if not html or "xxgk/search.jsp" not in html:
        return out
    params = _params(url, html)
    if params is not None:
        out.requests.append(_request(urljoin(url, PATH), params, 1))
    return out


def _request(api: str, params: dict, page: int) -> ListRequest:
    form = {"infotypeId": params["infotypeId"], "jdid": params["jdid"], "area": params.get("area", ""),
            "divid": params.get("divid", ""), "vc_title": "", "vc_number": "", "sortfield": ",createdate:0,orderid:0",
            "currpage": page, "vc_filenumber": "", "vc_all": "", "texttype": 0, "fbtime": -1}
    return ListRequest(urlunsplit(urlsplit(api)._replace(query="", fragment="")), "POST", urlencode(form), "xxgk")


def answers(url: str, content_type: str) -> bool:
    return False  # an HTML answer: read as such unless the request named this adapter


def _rows(tree, url: str) -> list[tuple]:
    """The module's result rows: a table row with a document link (its title attribute or text) and
    a date. Read row by row: the rows alternate classes (tr_main_value_odd / _even), which a
    generic list reader may take for two lists."""
    from zwgk.formats.dates import parse_date

    out, seen = [], set()
    for tr in tree.iter("tr"):
        for a in tr.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#")):
                continue
            link = urljoin(url, href)
            title = (a.get("title") or a.text_content() or "").strip()
            if link not in seen and title:
                seen.add(link)
                out.append((link, title, parse_date(norm_text(tr.text_content()))))
            break
    return out


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    from zwgk.crawler import discovery as dsc

    out = ListRead()
    tree = dsc.parse_tree(text if "<html" in text[:500].lower() else f"<html><body>{text}</body></html>")
    if tree is None:
        return out
    out.entries = _rows(tree, url) or [(e.url, e.title, e.date) for e in dsc.find_entries(tree, url, text)]
    plain = norm_text(tree.text_content())
    records, pages = RECORDS.search(plain), PAGES.search(plain)
    if records:
        out.expected["records"] = int(records.group(1))
    if pages is None:
        return out
    total = int(pages.group(1))
    out.expected["pages"] = total
    q = request_params(url, body)
    if q.get("currpage") != "1" or not q.get("infotypeId") or not q.get("jdid"):
        return out
    api = urlunsplit(urlsplit(url)._replace(query=""))
    out.requests += [_request(api, q, n) for n in range(2, min(total, MAX_PAGES) + 1)]
    return out
