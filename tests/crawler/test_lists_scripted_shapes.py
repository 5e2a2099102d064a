"""More shapes of a script-filled list (lists/scripted.py), and empty lists that are read."""
from __future__ import annotations

import pytest

from zwgk.crawler.extractors.encoding import parse_html
from zwgk.crawler.lists.scripted import unread_reason


def _reason(body: str):
    html = f"<html><head><title>规划计划</title></head><body>{body}</body></html>"
    return unread_reason(parse_html(html), "http://a.gov.cn/xxgk/ghjh/", html)


@pytest.mark.parametrize("script", [
    "$.ajax({type:'post', url:'/api/info/list', data:{colId:12, page:1}, success:function(d){render(d)}});",
    '$.post("/interface/getList.do", {channel: "ghjh"}, function (r) { fill(r); });',
    "fetch('/cms/api/articles?catalog=33&page=1').then(r => r.json()).then(show);",
    "axios.get(\"/gov/api/v1/list?cid=9\").then(draw)",
    "var x = new XMLHttpRequest(); x.open('GET', '/data/list_9.json', true); x.send();",
    "$.getJSON('/publicity/list.json', fill)",
])
def test_a_list_filled_from_an_interface_could_not_be_read(script):
    reason = _reason(f'<ul id="list"></ul><script>{script}</script>')
    assert reason and "未能读取" in reason


@pytest.mark.parametrize("body", [
    '<ul class="list"></ul><p>暂无信息</p>',                                              # empty: blank indeed
    "<ul></ul><script>$.ajax({url:'/count/hits.jsp?id=3'})</script>",                   # a counter
    "<ul></ul><script>$.get('/share/weixin.js')</script>",                               # a widget
    '<ul></ul><script src="/js/list.js"></script>',                                     # external script: unknown
])
def test_empty_lists_without_an_interface_are_read(body):
    assert _reason(body) is None
