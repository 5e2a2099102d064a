"""Rules that keep a crawl finite, as pure functions."""
from __future__ import annotations

import pytest

from zwgk.crawler.bounds import Budget, Limits, path_trap
from zwgk.crawler.extractors.links import canonical_url


@pytest.mark.parametrize("url", [
    "http://a.gov.cn/xxgk/tzgg/zcjd/gfxwj/zcjd/gfxwj/",          # relative sub-column links, two deep
    "http://a.gov.cn/xxgk/zcjd/zcjd/zcjd/",                       # one relative link, answered at any depth
    "http://a.gov.cn/a/b/c/d/e/f/g/h/i/j/k/l/m/n.html",          # deeper than 12
    "http://a.gov.cn/x/" + "y" * 2100,
])
def test_traps_are_recognised(url):
    assert path_trap(url, 12) is not None


@pytest.mark.parametrize("url", [
    "http://a.gov.cn/xxgk/bmxxgk/sfj/xxgk/index.html",            # a department's own xxgk: one repeat
    "http://a.gov.cn/art/2023/01/01/art_1229_1.html",             # dates repeat numbers
    "http://a.gov.cn/col/col1229/index.html",
    "http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15",
])
def test_real_urls_are_not_traps(url):
    assert path_trap(url, 12) is None


def test_session_ids_do_not_make_new_pages():
    a = canonical_url("http://a.gov.cn/xxgk/t1.html;jsessionid=0A1B2C3D")
    b = canonical_url("http://a.gov.cn/xxgk/t1.html;jsessionid=99FF")
    c = canonical_url("http://a.gov.cn/xxgk/t1.html?PHPSESSID=abc")
    assert a == b == c == "http://a.gov.cn/xxgk/t1.html"
    assert canonical_url("http://a.gov.cn/api?page=2&sid=5") == "http://a.gov.cn/api?page=2&sid=5"  # a site id


def test_limits_report_counts_and_examples():
    lim = Limits(values={"list_pages": 500})
    for i in range(8):
        lim.hit("list_pages", f"http://a.gov.cn/list_{i}.html")
    [row] = lim.to_json()
    assert row["count"] == 8 and row["value"] == 500 and len(row["examples"]) == 5
    assert row["label"] == "单个栏目列表页数达到上限"


def test_budget_refuses_and_tallies():
    told = []
    b = Budget(list_pages=3, requests=2, columns=5, path_depth=4, on_hit=lambda lim: told.append(lim.to_json()))
    assert b.allows("http://a.gov.cn/a/b/c.html", "document", 0)
    assert not b.allows("http://a.gov.cn/a/b/c/d/e.html", "document", 0)       # deeper than 4
    assert b.allows("http://a.gov.cn/a/b/c/d/e.html", "check", 0)              # only parsed pages obey paths
    assert not b.allows("http://a.gov.cn/x.html", "check", 2)                  # the request cap
    assert b.room(1) == 1 and b.room(5) == 0
    assert [x["limit"] for x in told[-1]] == ["path_depth", "requests"]
    assert {x["limit"]: x["value"] for x in told[-1]} == {"path_depth": 4, "requests": 2}
