"""An empty list filled by a page script from an unknown API: evidence for "could not be read"."""
from __future__ import annotations

from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.lists.scripted import script_api, unread_reason

URL = "http://a.gov.cn/zwgk/gsgg/index.htm"


def _page(script: str) -> str:
    return f"<html><body><ul id='list'></ul><script src='/js/jquery.js'></script><script>{script}</script></body></html>"


def test_jquery_ajax_with_a_url_key():
    html = _page('$(function(){ $.ajax({\n type: "GET", url : "/api/cms/article/page", data: {columnId: 88} }); });')
    assert script_api(parse_tree(html), URL, html) == "/api/cms/article/page"
    assert "/api/cms/article/page" in unread_reason(parse_tree(html), URL, html)


def test_post_fetch_and_axios_with_the_url_first():
    for code, want in [("$.post('list.do?col=3', {p: 1}, draw)", "/zwgk/gsgg/list.do?col=3"),
                       ('fetch("/data/gsgg.json").then(r => r.json())', "/data/gsgg.json"),
                       ("axios.post(`/x`); axios.get('/open/api/notice/list', {params: {page: 1}})", "/open/api/notice/list")]:
        html = _page(code)
        assert script_api(parse_tree(html), URL, html) == want, code


def test_url_built_from_a_prefix():
    html = _page("Util.ajax({url: siteInfo.projectName + '/rest/frontaction/getlist', data: {}})")
    assert script_api(parse_tree(html), URL, html) == "/rest/frontaction/getlist"


def test_counters_other_hosts_and_script_files_are_no_evidence():
    for code in ["$.get('/visitcount/add.do?id=3')", "$.ajax({url: 'http://tongji.example.com/api/list'})",
                 "$.getScript('/js/list.js')", "var a = 1; document.write('<b>x</b>');"]:
        html = _page(code)
        assert script_api(parse_tree(html), URL, html) is None, code
        assert unread_reason(parse_tree(html), URL, html) is None
