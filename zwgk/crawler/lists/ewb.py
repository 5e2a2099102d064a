"""国泰新点 (Epoint) WebBuilder lists: EWB-FRONT's getgovinfolist.

A disclosure column is a shell page, `/dynamic/zwgk/govInfoPub.html?categorynum=003006` (often
with `&deptcode=001001`), whose list a script asks from

    POST {projectName}/rest/lightfrontaction/getgovinfolist        (projectName: /EWB-FRONT …)
    {"siteGuid": "…", "categorynum": "003006", "deptcode": "", "pageIndex": 0, "pageSize": 20}

(pageIndex counts from 0). The answer is JSON: {"custom": {"data": [{title | realtitle, infourl,
infodate, categoryname}, …], "total": n}, "status": {…}}. The category number comes from the
page's address or script; siteGuid and projectName usually sit in a site script
(`var siteInfo = {"siteGuid": "…", "projectName": "/EWB-FRONT"}` in /js/webBuilderCommon.js or
/js/ajaxReq.js), sometimes in the page itself. When the page does not name them, that script is
asked first and its answer leads to the list.

An answer is read from its address alone, so the request's parameters ride in the address's
query as well as in the body (servers ignore the query of these POSTs; static scripts ignore it).
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from zwgk.crawler.lists import ListRead, ListRequest, json_object, record_entries, request_params

API = "/rest/lightfrontaction/getgovinfolist"
DEFAULT_PROJECT = "/EWB-FRONT"
SITE_INFO_SCRIPTS = ("webbuildercommon.js", "ajaxreq.js")   # where EWB sites keep siteInfo
PAGE_SIZE = 20
MAX_PAGES = 500
GUID = re.compile(r"""\bsiteGuid['"]?\s*[:=]\s*['"]([0-9a-fA-F-]{32,36})['"]""")
PROJECT = re.compile(r"""\bprojectName['"]?\s*[:=]\s*['"](/[\w.-]+)['"]""")


def _script_value(html: str, name: str) -> str | None:
    m = re.search(rf"""\b{name}['"]?\s*[:=]\s*['"]([\w-]*)['"]""", html, re.I)
    return m.group(1) if m else None


def _params(url: str, html: str) -> dict | None:
    """The column's categorynum / deptcode: from the page's address, else its script."""
    q = {k.lower(): v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    cat = q.get("categorynum") or _script_value(html, "categorynum")
    if not cat or not cat.isdigit():
        return None
    return {"categorynum": cat, "deptcode": q.get("deptcode") or _script_value(html, "deptcode") or ""}


def _looks_ewb(html: str) -> bool:
    low = html.lower()
    return "getgovinfolist" in low or "lightfrontaction" in low or any(s in low for s in SITE_INFO_SCRIPTS)


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    out = ListRead()
    if not html or not _looks_ewb(html):
        return out
    params = _params(url, html)
    if params is None:
        return out
    guid = GUID.search(html)
    if guid:
        project = PROJECT.search(html)
        out.requests.append(_api_request(url, project.group(1) if project else DEFAULT_PROJECT,
                                         dict(params, siteGuid=guid.group(1)), 0, PAGE_SIZE))
        return out
    host = urlsplit(url).netloc
    for src in _script_srcs(tree, html):
        target = urljoin(url, src)
        parts = urlsplit(target)
        if parts.netloc == host and parts.path.rsplit("/", 1)[-1].lower() in SITE_INFO_SCRIPTS:
            out.requests.append(ListRequest(urlunsplit(parts._replace(query=urlencode(params), fragment="")),
                                            adapter="ewb"))
            break
    return out


def _script_srcs(tree, html: str) -> list[str]:
    if tree is not None:
        return [s.get("src").strip() for s in tree.iter("script") if s.get("src")]
    return re.findall(r"""<script[^>]*\bsrc\s*=\s*['"]?([^'"\s>]+)""", html, re.I)


def _api_request(base: str, project: str, params: dict, index: int, size: int) -> ListRequest:
    body = {"siteGuid": params["siteGuid"], "categorynum": params["categorynum"], "deptcode": params["deptcode"],
            "pageIndex": index, "pageSize": size}
    url = urljoin(base, f"{project.rstrip('/')}{API}")
    return ListRequest(url, "POST", json.dumps(body, separators=(",", ":")), "ewb")


def answers(url: str, content_type: str) -> bool:
    return urlsplit(url).path.endswith(API) and "html" not in content_type


def read_answer(url: str, text: str, body: str = "") -> ListRead:
    parts = urlsplit(url)
    if not parts.path.endswith(API):
        return _read_site_info(url, text)
    out = ListRead()
    custom = json_object(text).get("custom")
    if isinstance(custom, str):  # some versions send custom as a JSON string
        custom = json_object(custom)
    if not isinstance(custom, dict):
        return out
    out.entries = record_entries(url, custom.get("data") or custom.get("infodata"),
                                 link=("infourl", "visiturl", "linkurl"), title=("realtitle", "title"),
                                 when=("infodate", "handsdate"))
    try:
        total = int(custom.get("total"))
    except (TypeError, ValueError):
        total = None
    if total is None:
        return out
    out.expected["records"] = total
    q = request_params(url, body)
    if q.get("pageIndex") != "0" or not q.get("siteGuid") or not q.get("categorynum"):
        return out  # later pages ask nothing more
    asked = int(q["pageSize"]) if q.get("pageSize", "").isdigit() else PAGE_SIZE
    got = len(out.entries)
    size = got if 0 < got < asked and total > got else asked  # the server cut pageSize: page by what it gives
    pages = -(-total // size) if size else 0
    out.expected["pages"] = pages
    project = parts.path[:-len(API)] or DEFAULT_PROJECT
    params = {"categorynum": q["categorynum"], "deptcode": q.get("deptcode", ""), "siteGuid": q["siteGuid"]}
    origin = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    for index in range(1, min(pages, MAX_PAGES)):
        out.requests.append(_api_request(origin, project, params, index, size))
    return out


def _read_site_info(url: str, text: str) -> ListRead:
    """A site script's siteInfo: the list request of the column named in the script's address."""
    out = ListRead()
    guid = GUID.search(text or "")
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    if guid is None or not q.get("categorynum"):
        return out
    project = PROJECT.search(text)
    params = {"categorynum": q["categorynum"], "deptcode": q.get("deptcode", ""), "siteGuid": guid.group(1)}
    out.requests.append(_api_request(url, project.group(1) if project else DEFAULT_PROJECT, params, 0, PAGE_SIZE))
    return out
