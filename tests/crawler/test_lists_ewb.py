"""The 国泰新点 EWB adapter: a govInfoPub shell → (site script →) getgovinfolist pages."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlsplit

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing

GUID = "3373428a-5c73-4318-83c9-32cf98fea0d3"
URL = "http://a.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=003006&deptcode=001001"


def _shell(scripts: str) -> str:
    return (f"<html><head>{scripts}</head><body><div class='ewb-info-list'><ul id='infolist'></ul>"
            "<div id='pager'></div></div></body></html>")


def test_shell_without_site_guid_asks_the_site_script_first():
    html = _shell('<script src="/js/jquery.min.js"></script>\n<script type="text/javascript" src="../../js/webBuilderCommon.js?v=2"></script>'
                  "<script>var cat = Util.getUrlParams('categorynum');</script>")
    listing = read_listing(parse_tree(html), URL, html)
    assert [(r.url, r.method, r.adapter) for r in listing.requests] == [
        ("http://a.gov.cn/js/webBuilderCommon.js?categorynum=003006&deptcode=001001", "GET", "ewb")]
    js = f'var siteInfo = {{"siteGuid": "{GUID}", "projectName": "/EWB-FRONT", "siteName": "某县"}};'
    read = lists.read_answer("ewb", listing.requests[0].url, js)
    (api,) = read.requests
    assert urlsplit(api.url).path == "/EWB-FRONT/rest/lightfrontaction/getgovinfolist" and api.method == "POST"
    assert json.loads(api.body) == {"siteGuid": GUID, "categorynum": "003006", "deptcode": "001001",
                                    "pageIndex": 0, "pageSize": 20}
    assert lists.request_headers(api)["Content-Type"].startswith("application/json")


def test_shell_naming_its_site_guid_asks_the_list_at_once():
    html = _shell("<script>\nvar siteInfo={projectName:'/EWB_YK_Mid', siteGuid:'" + GUID + "'};\n"
                  "$.ajax({url: siteInfo.projectName + '/rest/lightfrontaction/getgovinfolist', type: 'post'});</script>")
    listing = read_listing(parse_tree(html), "http://a.gov.cn/dynamic/zw/openlist.html?categorynum=003004", html)
    (api,) = listing.requests
    assert urlsplit(api.url).path == "/EWB_YK_Mid/rest/lightfrontaction/getgovinfolist"
    assert json.loads(api.body)["categorynum"] == "003004" and json.loads(api.body)["deptcode"] == ""


def test_a_page_without_a_category_asks_nothing():
    html = _shell('<script src="/js/webBuilderCommon.js"></script>')
    assert read_listing(parse_tree(html), "http://a.gov.cn/dynamic/zwgk/index.html", html).requests == []


def _answer(n: int, start: int = 0) -> list[dict]:
    return [{"infoid": f"id{i}", "title": f"关于第{i}项工作的通知", "realtitle": f"关于第{i}项工作的通知",
             "infourl": f"/xxgk/003006/20230915/{i:08x}-aaaa.html", "infodate": "2023-09-15",
             "categoryname": "政策文件"} for i in range(start, start + n)]


def _api_url(index: int, size: int = 20) -> str:
    return ("http://a.gov.cn/EWB-FRONT/rest/lightfrontaction/getgovinfolist?categorynum=003006&deptcode=001001"
            f"&siteGuid={GUID}&pageIndex={index}&pageSize={size}")


def test_first_answer_asks_the_other_pages():
    url = _api_url(0)
    assert lists.answer_adapter(url, "application/json") == "ewb"
    read = lists.read_answer("ewb", url, json.dumps({"custom": {"data": _answer(20), "total": 53},
                                                      "status": {"code": 200, "text": ""}}))
    assert len(read.entries) == 20 and read.expected == {"records": 53, "pages": 3}
    assert read.entries[0] == ("http://a.gov.cn/xxgk/003006/20230915/00000000-aaaa.html", "关于第0项工作的通知",
                               date(2023, 9, 15))
    assert [json.loads(r.body)["pageIndex"] for r in read.requests] == [1, 2]
    assert {urlsplit(r.url).query for r in read.requests} == {""}  # the parameters go in the body only
    later = lists.read_answer("ewb", read.requests[0].url, json.dumps({"custom": {"data": _answer(20, 20), "total": 53}}),
                              read.requests[0].body)
    assert len(later.entries) == 20 and later.requests == []


def test_the_answer_is_read_with_the_parameters_of_its_body():
    """What a browser sends: the parameters in the JSON body (flat or under "params"), none in the address."""
    url = "http://a.gov.cn/EWB-FRONT/rest/lightfrontaction/getgovinfolist"
    answer = json.dumps({"custom": {"data": _answer(20), "total": 45}})
    for body in ({"siteGuid": GUID, "categorynum": "003006", "deptcode": "", "pageIndex": 0, "pageSize": 20},
                 {"token": "", "params": {"siteGuid": GUID, "categorynum": "003006", "pageIndex": 0, "pageSize": 20}}):
        read = lists.read_answer("ewb", url, answer, json.dumps(body))
        assert [json.loads(r.body)["pageIndex"] for r in read.requests] == [1, 2]
    assert lists.read_answer("ewb", url, answer).requests == []  # no parameters: nothing to page on


def test_a_server_that_cuts_page_size_is_paged_by_what_it_gives():
    read = lists.read_answer("ewb", _api_url(0, 50), json.dumps({"custom": {"data": _answer(10), "total": 35}}))
    assert [(json.loads(r.body)["pageIndex"], json.loads(r.body)["pageSize"]) for r in read.requests] == [
        (1, 10), (2, 10), (3, 10)]


def test_custom_as_a_string_and_an_error_answer():
    text = json.dumps({"custom": json.dumps({"data": _answer(3), "total": 3})})
    assert len(lists.read_answer("ewb", _api_url(1), text).entries) == 3
    assert lists.read_answer("ewb", _api_url(0), '{"status": {"code": 500}}').entries == []
