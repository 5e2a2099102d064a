"""The 大汉 jpaas adapter: a unit script's querydata → build/unit JSON pages (data.html)."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing

URL = "http://a.gov.cn/col/col1501/index.html"
API = "http://a.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"


def _shell(script: str) -> str:
    return f"<html><body><div class='lm'><h2>通知公告</h2><div id='信息列表'>{script}</div></div></body></html>"


def test_single_quoted_querydata_asks_page_one():
    html = _shell("""<script type="text/javascript" src="/module/jpaas/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit" """
                  """querydata="{'webId':'3421','pageId':'1501','tplSetId':'x9KsQ','pageType':'column','tagId':'信息列表','editType':'null','parseType':'bulidstatic'}"></script>""")
    listing = read_listing(parse_tree(html), URL, html)
    (r,) = listing.requests
    assert (r.method, r.adapter, r.url.split("?")[0]) == ("GET", "jpaas", API)
    q = {k: v[0] for k, v in parse_qs(urlsplit(r.url).query).items()}
    assert q["webId"] == "3421" and q["pageId"] == "1501" and q["tagId"] == "信息列表"
    assert json.loads(q["paramJson"]) == {"pageNo": 1, "pageSize": 15}


def test_json_querydata_in_single_quotes_with_its_own_page_size():
    html = _shell("""<script queryData='{"tagId":"列表","pageId":"88","webId":"7","tplSetId":"T1","paramJson":"{\\"pageNo\\":1,\\"pageSize\\":20}"}'
                  src=/module/jpaas/unitbuild.js></script>""")
    (r,) = read_listing(parse_tree(html), URL, html).requests
    q = {k: v[0] for k, v in parse_qs(urlsplit(r.url).query).items()}
    assert r.url.startswith(API) and q["parseType"] == "bulidstatic" and json.loads(q["paramJson"])["pageSize"] == 20


def test_querydata_missing_ids_asks_nothing():
    html = _shell("""<script src="/module/jpaas/unitbuild.js" querydata="{'webId':'3421','tagId':'x'}"></script>""")
    assert read_listing(parse_tree(html), URL, html).requests == []


def _fragment(first: int, n: int, total: int | None) -> str:
    rows = "".join(f'<li><a href="/art/2023/11/{1 + i % 28}/art_1501_{9000 + i}.html" title="关于第{i}项工作的通知" target="_blank">'
                   f"关于第{i}项工作的通知</a><span class='time'>2023-11-{1 + i % 28:02d}</span></li>" for i in range(first, first + n))
    pager = f'<div class="pagination" count="{total}" pagesize="15"></div>' if total is not None else ""
    return f'<ul class="list">{rows}</ul>{pager}'


def _url(page: int, size: int = 15) -> str:
    return (f"{API}?webId=3421&pageId=1501&tplSetId=x9KsQ&tagId=%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8"
            f"&paramJson=%7B%22pageNo%22%3A{page}%2C%22pageSize%22%3A{size}%7D")


def test_page_one_answer_asks_the_rest_by_its_count():
    assert lists.answer_adapter(_url(1), "application/json") == "jpaas"
    read = lists.read_answer("jpaas", _url(1), json.dumps({"success": True, "data": {"html": _fragment(0, 15, 41)}}))
    assert len(read.entries) == 15 and read.expected == {"records": 41, "pages": 3}
    assert read.entries[0] == ("http://a.gov.cn/art/2023/11/1/art_1501_9000.html", "关于第0项工作的通知", date(2023, 11, 1))
    pages = [json.loads(parse_qs(urlsplit(r.url).query)["paramJson"][0])["pageNo"] for r in read.requests]
    assert pages == [2, 3] and all(parse_qs(urlsplit(r.url).query)["pageId"] == ["1501"] for r in read.requests)
    later = lists.read_answer("jpaas", read.requests[0].url, json.dumps({"data": {"html": _fragment(15, 15, 41)}}))
    assert len(later.entries) == 15 and later.requests == []


def test_without_a_count_it_pages_on_while_pages_are_full():
    full = lists.read_answer("jpaas", _url(2), json.dumps({"data": {"html": _fragment(15, 15, None)}}))
    assert [json.loads(parse_qs(urlsplit(r.url).query)["paramJson"][0])["pageNo"] for r in full.requests] == [3]
    short = lists.read_answer("jpaas", _url(3), json.dumps({"data": {"html": _fragment(30, 4, None)}}))
    assert short.requests == [] and len(short.entries) == 4


def test_a_cut_page_size_pages_by_what_was_given():
    read = lists.read_answer("jpaas", _url(1, 50), json.dumps({"data": {"html": _fragment(0, 20, 45)}}))
    sizes = [json.loads(parse_qs(urlsplit(r.url).query)["paramJson"][0]) for r in read.requests]
    assert sizes == [{"pageNo": 2, "pageSize": 20}, {"pageNo": 3, "pageSize": 20}]
