"""TRS WCM pagers: the classic createPageHTML(total, current, prefix, ext) and the newer six-argument
form that names its pager element first and numbers pages from 1."""
from __future__ import annotations

import pytest

from zwgk.crawler.lists import read_page
from zwgk.crawler.extractors.encoding import parse_html


def _pages(script: str, url: str) -> list[str]:
    html = f'<html><body><ul><li><a href="t1.html">x</a></li></ul><div id="page_div"></div><script>{script}</script></body></html>'
    return read_page(parse_html(html), url, html, 1).pages


def test_newer_trs_pager_is_numbered_from_one():
    pages = _pages("createPageHTML('page_div', 11, 1, 'list', 'shtml', 154);", "http://a.gov.cn/col/col154/list.shtml")
    assert pages == [f"http://a.gov.cn/col/col154/list_{i}.shtml" for i in range(2, 12)]
    assert not [p for p in pages if "page_div" in p]  # the element id is not a page name


@pytest.mark.parametrize("script", ['createPageHTML(3, 0, "index", "html");',
                                    'var countPage = 3; createPageHTML(countPage, 0, "index", "html");'])
def test_classic_trs_pager_counts_from_zero(script):
    assert _pages(script, "http://a.gov.cn/xxgk/tzgg/") == ["http://a.gov.cn/xxgk/tzgg/index_1.html",
                                                           "http://a.gov.cn/xxgk/tzgg/index_2.html"]
