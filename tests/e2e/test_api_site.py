"""`zwgk run` against a fourth fixture site whose lists come from search / list APIs.

The site (tests/fixtures/apisite.py: 青岚县人民政府) has Fujian 动静结合 columns (three static
pages, the whole list from ``POST /fjdzapp/search``), a department on 国泰新点 WebBuilder (column
shells, siteGuid in a site script, ``POST /EWB-FRONT/rest/lightfrontaction/getgovinfolist``), a
department on 大汉 jpaas (unit scripts with querydata, ``GET …/jpaas-publish-server/front/page/
build/unit``), one on truecms (``GET …/messageController/getMessage.do`` windows, JSONP around XML),
one whose columns are TRS IGS searches (``GET /igs/front/search/list.html``), one on the 大汉 信息公开
module (``POST /module/xxgk/search.jsp``, HTML fragments) and an API-only column no adapter knows.

* the fixture tests check that the server answers each mechanism as specified (no crawl);
* the run tests: every listed document is reached; the unknown column is could-not-read, never
  blank; five seeded random per-response delays give the same documents and findings.

The 国泰新点 columns need the spider to ask the requests of an adapter's answer that brings no
entries (the site script naming siteGuid): it does.
"""
from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.e2e.siterun import Run, order_differences, run_site


def _load_fixture_site():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "fixtures" / "apisite.py"
    spec = importlib.util.spec_from_file_location("zwgk_test_fixtures_apisite", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


api = _load_fixture_site()
KEY = api.answer_key()
SEEDS = [1, 2, 3, 4, 5]
MAX_DELAY = 0.03
MAX_PAGES = 3000
FORM = dict(channelid="229105", sortfield="-docorderpri,-docreltime", classsql="chnlid=4910", classcol="publishyear",
            classnum="100", classsort="0", cache="true", page="1", prepage="75")


@pytest.fixture(scope="module")
def site():
    with api.serve() as srv:
        yield srv


def fetch(srv, path: str, data: bytes | None = None, ctype: str | None = None) -> tuple[int, str, str]:
    req = urllib.request.Request(srv.url.rstrip("/") + path, data=data, headers={"Content-Type": ctype} if ctype else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def key_paths(column: str, office: str = api.PORTAL_OFFICE) -> list[str]:
    return [d["path"] for d in KEY["documents"] if (d["column"], d["office"]) == (column, office)]


def doc_links(html: str) -> list[str]:
    """Document links of a page, resolved against the page's folder (Fujian lists link ./YYYYMM/…)."""
    out = []
    for h in re.findall(r"""href=['"]([^'"]+)['"]""", html):
        if re.search(r"/t\d{8}_\d+\.htm$|/jyj/xxgk/|/scjgj/art/|/wjj/art/|/zrzyj/\w+/\d{6}/|/czj/art/", h):
            out.append(h)
    return out


# ------------------------------------------------------------------------------------------------
# the fixture itself
def test_key_is_consistent():
    paths = [d["path"] for d in KEY["documents"]]
    assert len(paths) == len(set(paths)) == KEY["counts"]["documents"] == 448
    assert KEY["counts"]["by_mechanism"] == {"ewb": 78, "fujian-search": 176, "igs": 42, "jpaas": 58, "truecms": 50,
                                             "xxgk": 44}
    assert len(KEY["unreadable"]["documents"]) == 19
    assert not set(paths) & {d["path"] for d in KEY["unreadable"]["documents"]}
    for d in KEY["documents"]:
        assert d["written_date"] <= d["publish_date"] <= KEY["as_of"], d


def test_every_document_answers(site):
    for d in KEY["documents"] + KEY["unreadable"]["documents"]:
        status, ctype, html = fetch(site, d["path"])
        assert status == 200 and ctype.startswith("text/html"), d["path"]
        assert f"<title>{api.esc(d['title'])}_" in html and d["publish_date"] in html, d["path"]


@pytest.mark.parametrize("slug,name,per", [("tzgg", "通知公告", 15), ("zcwj", "政策文件", 20)])
def test_fujian_columns_have_three_static_pages_and_channel_info(site, slug, name, per):
    base = f"/zwgk/zfxxgkml/{slug}/"
    got = []
    for k, page in enumerate(["index.htm", "index_1.htm", "index_2.htm"]):
        status, _, html = fetch(site, base + page)
        assert status == 200
        info = re.search(r"pageChnlInfo\s*=\s*\{(.*?)\}", html, re.S).group(1)
        assert re.search(r"""recordCount['"]?\s*:\s*['"]%d['"]""" % len(key_paths(name)), info)
        got += [h if h.startswith("/") else base + h[2:] for h in doc_links(html)]
        if k == 2:
            assert re.search(r'href="javascript:void\(0\);" onclick="fjSearch.goPage\(4\)">下一页', html)
    assert got == key_paths(name)[:3 * per]
    assert fetch(site, base + "index_3.htm")[0] == 404


def test_fujian_search_answers_the_whole_list(site):
    want, got, page = key_paths("通知公告"), [], 1
    while True:
        status, ctype, text = fetch(site, "/fjdzapp/search", urlencode(dict(FORM, page=page)).encode())
        assert status == 200 and ctype.startswith("application/json")
        data = json.loads(text)
        assert data["pageChnlInfo"]["recordCount"] == 112 and data["pageCount"] == 2
        if not data["data"]:
            break
        got += [urlsplit(r["docpuburl"]).path for r in data["data"]]
        assert {"doctitle", "docpuburl", "chnldocurl", "docreltime"} <= set(data["data"][0])
        page += 1
    assert got == want and page == 3
    big = json.loads(fetch(site, "/fjdzapp/search", urlencode(dict(FORM, prepage=500)).encode())[2])
    assert len(big["data"]) == 100                                            # prepage is cut at 100
    assert json.loads(fetch(site, "/fjdzapp/search", urlencode(dict(FORM, channelid="1")).encode())[2])["data"] == []
    assert json.loads(fetch(site, "/fjdzapp/search", urlencode(dict(FORM, classsql="chnlid=1")).encode())[2])["data"] == []
    assert fetch(site, "/fjdzapp/search?" + urlencode(FORM))[0] == 405


def test_ewb_shells_hold_no_entries_and_name_the_site_script(site):
    _, _, root = fetch(site, "/jyj/zwgk/index.html")
    for col in ("003001", "003002"):
        assert f"/jyj/dynamic/zwgk/govInfoPub.html?categorynum={col}&amp;deptcode=001005" in root \
            or f"/jyj/dynamic/zwgk/govInfoPub.html?categorynum={col}&deptcode=001005" in root
    assert "/jyj/dynamic/zwgk/zcjd.html" in root
    for path in ("/jyj/dynamic/zwgk/govInfoPub.html?categorynum=003001&deptcode=001005", "/jyj/dynamic/zwgk/zcjd.html"):
        _, _, html = fetch(site, path)
        assert not doc_links(html) and "webBuilderCommon.js" in html and api.EWB_SITE_GUID not in html
    _, ctype, js = fetch(site, "/jyj/js/webBuilderCommon.js")
    assert "javascript" in ctype and f'"siteGuid": "{api.EWB_SITE_GUID}"' in js and '"projectName": "/EWB-FRONT"' in js


@pytest.mark.parametrize("cat,name,count", [("003001", "通知公告", 47), ("003002", "规范性文件", 23), ("003003", "政策解读", 8)])
def test_ewb_api_pages_from_zero(site, cat, name, count):
    got, index = [], 0
    while True:
        body = {"siteGuid": api.EWB_SITE_GUID, "categorynum": cat, "deptcode": "001005", "pageIndex": index, "pageSize": 50}
        if index % 2:
            body = {"token": "", "params": body}                          # the wrapped form answers the same
        status, ctype, text = fetch(site, api.EWB_API, json.dumps(body).encode(), "application/json")
        assert status == 200 and ctype.startswith("application/json")
        custom = json.loads(text)["custom"]
        assert custom["total"] == count and len(custom["data"]) <= 20          # pageSize is cut at 20
        if not custom["data"]:
            break
        got += [d["infourl"] for d in custom["data"]]
        index += 1
    assert got == key_paths(name, api.DEPT_OFFICE) and index == -(-count // 20)


def test_ewb_api_refuses_forms_and_wrong_sites(site):
    body = {"siteGuid": api.EWB_SITE_GUID, "categorynum": "003001", "deptcode": "", "pageIndex": 0, "pageSize": 20}
    assert fetch(site, api.EWB_API, urlencode(body).encode())[0] == 400
    wrong = json.loads(fetch(site, api.EWB_API, json.dumps(dict(body, siteGuid="x")).encode(), "application/json")[2])
    assert wrong["custom"] == {"data": [], "total": 0}
    assert fetch(site, api.EWB_API)[0] == 405


def test_jpaas_column_pages_hold_only_a_unit_script(site):
    _, _, root = fetch(site, "/scjgj/zwgk/index.html")
    assert "/scjgj/col/col1501/index.html" in root and "/scjgj/col/col1502/index.html" in root
    for page_id in ("1501", "1502"):
        _, _, html = fetch(site, f"/scjgj/col/col{page_id}/index.html")
        assert not doc_links(html) and re.search(r"querydata=", html, re.I) and api.JPAAS_TPL_SET in html


def _unit(page_id: str, page: int, size: int = 15, **over) -> dict:
    q = dict(webId=api.JPAAS_WEB_ID, pageId=page_id, tplSetId=api.JPAAS_TPL_SET, pageType="column", tagId=api.JPAAS_TAG,
             editType="null", parseType="bulidstatic", paramJson=json.dumps({"pageNo": page, "pageSize": size}))
    q.update(over)
    status, ctype, text = fetch_unit(q)
    assert status == 200 and ctype.startswith("application/json")
    return json.loads(text)


def fetch_unit(q: dict) -> tuple[int, str, str]:
    with api.serve() as srv:
        return fetch(srv, api.JPAAS_API + "?" + urlencode(q))


@pytest.mark.parametrize("page_id,name,count", [("1501", "通知公告", 41), ("1502", "政策法规", 17)])
def test_jpaas_unit_pages_by_param_json(page_id, name, count):
    got, page = [], 1
    while True:
        fragment = _unit(page_id, page, 50)["data"]["html"]
        links = re.findall(r'href="([^"]+)"', fragment)
        if not links:
            break
        assert len(links) <= 20 and re.search(rf"count='{count}'", fragment)      # pageSize is cut at 20
        got += links
        page += 1
    assert got == key_paths(name, api.SCJGJ_OFFICE)
    first = _unit(page_id, 1)["data"]["html"]
    assert _unit(page_id, 1, pageNo="2")["data"]["html"] == first                  # a bare pageNo is ignored
    assert _unit(page_id, 1, tplSetId="x")["data"]["html"] == ""


def test_truecms_column_pages_hold_only_a_pager_config(site):
    _, _, root = fetch(site, "/wjj/zwgk/index.html")
    assert "/wjj/tzgg/index.html" in root and "/wjj/zcfg/index.html" in root
    for slug, cid in (("tzgg", "2101"), ("zcfg", "2102")):
        _, _, html = fetch(site, f"/wjj/{slug}/index.html")
        assert not doc_links(html) and api.TRUECMS_API in html and re.search(rf"""columnId['"]?:\s*['"]{cid}""", html)


def _window(srv, cid: str, start: int, end: int, callback: str = "jQuery1830_1") -> tuple[str, list[str], int]:
    q = urlencode(dict(startrecord=start, endrecord=end, perpage=end - start + 1, columnId=cid, callback=callback))
    status, ctype, text = fetch(srv, f"{api.TRUECMS_API}?{q}")
    assert status == 200 and "javascript" in ctype
    m = re.fullmatch(rf"{re.escape(callback)}\((.*)\);", text, re.S)
    xml = json.loads(m.group(1))["result"]
    return xml, re.findall(r'href="([^"]+)"', xml), int(re.search(r"<totalrecord>(\d+)</totalrecord>", xml).group(1))


@pytest.mark.parametrize("cid,name,count", [("2101", "通知公告", 38), ("2102", "政策法规", 12)])
def test_truecms_windows_answer_jsonp_around_xml(site, cid, name, count):
    got, start = [], 1
    while start <= count:
        xml, links, total = _window(site, cid, start, start + 14)
        assert total == count and xml.startswith('<?xml version="1.0" encoding="UTF-8"?><datastore>')
        got += links
        start += 15
    assert got == key_paths(name, api.WJJ_OFFICE)
    assert _window(site, cid, 1, 50)[1] == []                                        # a window over 20 is empty
    assert _window(site, "9999", 1, 15)[2] == 0


def test_igs_column_pages_name_the_search_index(site):
    _, _, root = fetch(site, "/zrzyj/zwgk/index.html")
    assert "/zrzyj/gsgg/index.shtml" in root and "/zrzyj/zcwj/index.shtml" in root
    for slug in ("gsgg", "zcwj"):
        _, _, html = fetch(site, f"/zrzyj/{slug}/index.shtml")
        assert not doc_links(html) and api.IGS_API in html and api.IGS_INDEX in html


def _igs(srv, channel: str, page: int, size: int = 15, **over) -> tuple[int, dict]:
    q = {"index": api.IGS_INDEX, "type": "governmentdocuments", "siteId": "21", "filter[CHANNELID]": channel,
         "filter[AVAILABLE]": "true", "orderProperty": "PUBDATE", "orderDirection": "desc", "pageNumber": page,
         "pageSize": size} | over
    status, ctype, text = fetch(srv, f"{api.IGS_API}?{urlencode(q)}")
    assert ctype.startswith("application/json")
    return status, json.loads(text)


@pytest.mark.parametrize("channel,name,count", [("62577", "公示公告", 33), ("62580", "政策文件", 9)])
def test_igs_search_pages_from_one(site, channel, name, count):
    got, page = [], 1
    while True:
        status, data = _igs(site, channel, page, 50)
        assert status == 200 and data["page"]["total"] == count and len(data["page"]["content"]) <= 20   # cut at 20
        if not data["page"]["content"]:
            break
        got += [urlsplit(r["DOCPUBURL"]).path for r in data["page"]["content"]]
        page += 1
    assert got == key_paths(name, api.ZRZYJ_OFFICE) and page == -(-count // 20) + 1
    assert _igs(site, channel, 1, index="other-index")[0] == 500


def test_xxgk_column_pages_name_the_info_type(site):
    _, _, root = fetch(site, "/czj/col/col3300/index.html")
    assert "/czj/col/col3301/index.html" in root and "/czj/col/col3302/index.html" in root
    for colid, infotype in (("3301", "A07"), ("3302", "A02")):
        _, _, html = fetch(site, f"/czj/col/col{colid}/index.html")
        assert not doc_links(html) and api.XXGK_API in html and infotype in html and f'<div id="div{colid}"></div>' in html


@pytest.mark.parametrize("infotype,name,count", [("A07", "财政预决算", 28), ("A02", "政策文件", 16)])
def test_xxgk_search_answers_html_pages(site, infotype, name, count):
    got, first = [], ""
    for n in range(1, 4):
        form = urlencode({"infotypeId": infotype, "jdid": api.XXGK_JDID, "area": "", "divid": "div1", "vc_title": "",
                          "currpage": n, "texttype": 0, "fbtime": -1})
        status, ctype, html = fetch(site, api.XXGK_API, form.encode())
        assert status == 200 and ctype.startswith("text/html")
        assert f"共{count}条" in html and f"共{-(-count // 15)}页" in html
        got += re.findall(r'class="bt_link" href="([^"]+)"', html)
        first = first or html
    assert got == key_paths(name, api.CZJ_OFFICE)
    assert "tr_main_value_odd" in first and "tr_main_value_even" in first                # rows alternate classes
    assert fetch(site, api.XXGK_API + "?infotypeId=A07&jdid=1305&currpage=1")[0] == 405


def test_unknown_api_column(site):
    _, _, html = fetch(site, "/zwgk/zfxxgkml/gsgg/index.htm")
    assert not doc_links(html) and api.UNKNOWN_API in html
    data = json.loads(fetch(site, api.UNKNOWN_API + "?columnId=88&pageNo=2&pageSize=15")[2])["data"]
    assert data["total"] == 19 and [r["link"] for r in data["records"]] == [
        d["path"] for d in KEY["unreadable"]["documents"]][15:]


def test_delays_are_seeded_and_bounded():
    with api.serve(max_delay=0.02, seed=7) as srv:
        t0 = time.monotonic()
        for _ in range(10):
            assert fetch(srv, "/robots.txt")[0] == 200
        took = time.monotonic() - t0
    assert 0.02 < took < 2.0


# ------------------------------------------------------------------------------------------------
# real runs of `zwgk run`
def _run(base: Path, *, max_delay: float = 0.0, seed: int | None = None) -> Run:
    return run_site(api, base, max_pages=MAX_PAGES, max_delay=max_delay, seed=seed)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Run:
    return _run(tmp_path_factory.mktemp("api-baseline"))


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory) -> list[Run]:
    return [_run(tmp_path_factory.mktemp(f"api-seed{s}"), max_delay=MAX_DELAY, seed=s) for s in SEEDS]


def test_fujian_columns_are_read_whole(baseline):
    docs = [d for d in KEY["documents"] if d["mechanism"] == "fujian-search"]
    assert baseline.missing(docs) == []
    cov = {c["name"]: c for c in baseline.results["coverage"]["columns"] if c["office"] is None}
    assert (cov["通知公告"]["records_expected"], cov["通知公告"]["entries"], cov["通知公告"]["complete"]) == (112, 112, True)
    assert (cov["政策文件"]["records_expected"], cov["政策文件"]["entries"]) == (64, 64)
    # the whole list from the service, in pages of 75: 2 + 1 POSTs; nothing asked twice
    posts = [p for m, p in baseline.requests if m == "POST" and p.startswith("/fjdzapp/search")]
    assert len(posts) == 3
    assert not [p for m, p in baseline.requests if p.startswith("/zwgk/zfxxgkml/tzgg/index_3")]


def test_jpaas_columns_are_read_whole(baseline):
    assert baseline.missing([d for d in KEY["documents"] if d["mechanism"] == "jpaas"]) == []
    units = [p for m, p in baseline.requests if m == "GET" and p.startswith(api.JPAAS_API)]
    assert len(units) == 3 + 2                                                     # 41 and 17 records, 15 a page
    cov = {c["name"]: c for c in baseline.results["coverage"]["columns"] if c["office"] == api.SCJGJ_OFFICE}
    assert (cov["通知公告"]["records_expected"], cov["通知公告"]["entries"], cov["通知公告"]["complete"]) == (41, 41, True)


def test_truecms_columns_are_read_whole(baseline):
    assert baseline.missing([d for d in KEY["documents"] if d["mechanism"] == "truecms"]) == []
    windows = [p for m, p in baseline.requests if m == "GET" and p.startswith(api.TRUECMS_API)]
    assert len(windows) == 3 + 2                                                   # 38 by 15, 12 by 10
    cov = {c["name"]: c for c in baseline.results["coverage"]["columns"] if c["office"] == api.WJJ_OFFICE}
    assert (cov["政策法规"]["records_expected"], cov["政策法规"]["entries"], cov["政策法规"]["complete"]) == (12, 12, True)


def test_igs_columns_are_read_whole(baseline):
    assert baseline.missing([d for d in KEY["documents"] if d["mechanism"] == "igs"]) == []
    searches = [p for m, p in baseline.requests if m == "GET" and p.startswith(api.IGS_API)]
    assert len(searches) == 3 + 1                                                  # 33 by 15, 9 by 10
    cov = {c["name"]: c for c in baseline.results["coverage"]["columns"] if c["office"] == api.ZRZYJ_OFFICE}
    assert (cov["公示公告"]["records_expected"], cov["公示公告"]["entries"], cov["公示公告"]["complete"]) == (33, 33, True)


def test_xxgk_columns_are_read_whole(baseline):
    assert baseline.missing([d for d in KEY["documents"] if d["mechanism"] == "xxgk"]) == []
    posts = [p for m, p in baseline.requests if m == "POST" and p.startswith(api.XXGK_API)]
    assert len(posts) == 2 + 2                                                     # 28 and 16 records, 15 a page
    cov = {c["name"]: c for c in baseline.results["coverage"]["columns"] if c["office"] == api.CZJ_OFFICE}
    assert (cov["财政预决算"]["records_expected"], cov["财政预决算"]["entries"], cov["财政预决算"]["complete"]) == (28, 28, True)


def test_ewb_columns_are_read_whole(baseline):
    docs = [d for d in KEY["documents"] if d["mechanism"] == "ewb"]
    assert baseline.missing(docs) == []
    bodies = [p for m, p in baseline.requests if m == "POST" and p.startswith(api.EWB_API)]
    assert len(bodies) == 3 + 2 + 1


def test_listed_documents_are_found(baseline):
    missing = baseline.missing(KEY["documents"])
    assert 1 - len(missing) / len(KEY["documents"]) >= 0.995, missing[:20]


def test_api_only_column_is_could_not_read_not_blank(baseline):
    url = KEY["unreadable"]["column"]["path"]
    col = next(c for c in baseline.results["coverage"]["columns"] if baseline.key_form(c["url"]) == url)
    assert col["read_error"] and api.UNKNOWN_API in col["read_error"]
    assert ("blank-column", url) not in baseline.findings()


def test_an_api_only_column_is_never_counted_as_read(baseline):
    """Whatever the spider records for it, the unknown column's documents are not reached and the
    account does not claim the column complete with entries it never saw."""
    assert baseline.missing(KEY["unreadable"]["documents"]) == [d["path"] for d in KEY["unreadable"]["documents"]]
    url = KEY["unreadable"]["column"]["path"]
    cols = [c for c in baseline.results["coverage"]["columns"] if baseline.key_form(c["url"]) == url]
    assert all(c["entries"] == 0 for c in cols)


def test_response_order_does_not_change_results(baseline, shuffled):
    diffs = order_differences(baseline, shuffled)
    assert not diffs, "\n".join(diffs)

