"""A list adapter's POST answer is stored as its own list page (URL and body): two columns asking
one search interface do not overwrite each other's row (their stated totals, their entries)."""
from __future__ import annotations

from scrapy import Request
from scrapy.http import TextResponse

from zwgk.crawler.pages import answer_id

URL = "http://a.gov.cn/fjdzapp/search"


def _answer(method: str, body: str = "") -> TextResponse:
    req = Request(URL, method=method, body=body or None)
    return TextResponse(URL, body=b"{}", encoding="utf-8", request=req)


def test_two_posts_to_one_interface_are_two_list_pages():
    a, b = _answer("POST", "classsql=chnlid%3D4910&page=1"), _answer("POST", "classsql=chnlid%3D4911&page=1")
    assert answer_id(a) != answer_id(b)
    assert answer_id(a).startswith(URL + "#") and "4910" in answer_id(a)


def test_a_get_answer_is_its_url():
    assert answer_id(_answer("GET")) == URL
