"""TRS WCM pagers: the classic createPageHTML(total, current, prefix, ext) and the newer six-argument
form that names its pager element first and numbers pages from 1."""
from __future__ import annotations

import pytest

from zwgk.crawler.lists import read_page
from zwgk.crawler.extractors.encoding import parse_html


def _pages(script: str, url: str) -> list[str]:
    html = f'<html><body><ul><li><a href="t1.html">x</a></li></ul><div id="page_div"></div><script>{script}</script></body></html>'
    return read_page(parse_html(html), url, html, 1).all_pages()


def test_newer_trs_pager_is_numbered_from_one():
    pages = _pages("createPageHTML('page_div', 11, 1, 'list', 'shtml', 154);", "http://a.gov.cn/col/col154/list.shtml")
    assert pages == [f"http://a.gov.cn/col/col154/list_{i}.shtml" for i in range(2, 12)]
    assert not [p for p in pages if "page_div" in p]  # the element id is not a page name


@pytest.mark.parametrize("script", ['createPageHTML(3, 0, "index", "html");',
                                    'var countPage = 3; createPageHTML(countPage, 0, "index", "html");'])
def test_classic_trs_pager_counts_from_zero(script):
    assert _pages(script, "http://a.gov.cn/xxgk/tzgg/") == ["http://a.gov.cn/xxgk/tzgg/index_1.html",
                                                           "http://a.gov.cn/xxgk/tzgg/index_2.html"]


# --- runs of numbered pages -------------------------------------------------------------------

from zwgk.crawler.columns import Columns  # noqa: E402
from zwgk.crawler.lists.pager import number_runs, run_urls  # noqa: E402

B = "http://a.gov.cn/gongkai/channel_a1/"


def test_chain_pager_links_are_one_run():
    loose, runs = number_runs([B + "index.html", B + "index_264.html", B + "index_266.html", B + "index_945.html"])
    assert loose == [B + "index.html"]
    assert runs == [(B + "index_", ".html", 264, 945)]
    assert run_urls(runs[0])[:2] == [B + "index_264.html", B + "index_265.html"] and len(run_urls(runs[0])) == 682


def test_the_number_that_moves_is_the_page():
    urls = [f"http://a.gov.cn/col/col2023/list.jsp?cid=17&page={n}&size=20" for n in (1, 2, 3, 40)]
    assert number_runs(urls) == ([], [("http://a.gov.cn/col/col2023/list.jsp?cid=17&page=", "&size=20", 1, 40)])


@pytest.mark.parametrize("urls", [
    [B + "index_2.html"],                                         # one page: no run
    [B + "list_2_1.html", B + "list_3_2.html"],                   # two numbers move
    [B + "index_002.html", B + "index_009.html"],                 # zero-padded: the width is unknown
    [B + "index_2.html", B + "index_99999.html"],                 # wider than any list
])
def test_no_run_where_the_page_number_is_not_plain(urls):
    loose, runs = number_runs(urls)
    assert runs == [] and sorted(loose) == sorted(urls)


def test_a_column_takes_each_page_of_its_runs_once():
    col = {}
    run = (B + "index_", ".html", 2, 945)
    first = Columns.new_run_pages(col, [run])                     # page 1: 下一页 index_2, 尾页 index_945
    assert len(first) == 944
    assert Columns.new_run_pages(col, [(B + "index_", ".html", 264, 945)]) == []   # page 265
    assert Columns.new_run_pages(col, [(B + "index_", ".html", 944, 946)]) == [B + "index_946.html"]  # it grew
    assert Columns.new_run_pages(col, [(B + "page_", ".html", 2, 3)]) == [B + "page_2.html", B + "page_3.html"]
