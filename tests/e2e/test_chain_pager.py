"""`zwgk run` against long lists paged by 上一页 / 下一页 / 尾页 only and by every page number
(tests/fixtures/chainsite.py: 白河县人民政府), one of whose pages answers 500.

* every document listed on a page that answers is reached: a list read page by page along its
  下一页 links loses everything after a broken page — the pager's run of numbered pages
  (index_2 … index_25) is asked whole instead;
* what the broken page lists is accounted for: the page is a broken link with its status;
* each list page is asked once, whichever pager printed it;
* titles numbered （404） are no error pages;
* the same for a mailbox's letter list (互动交流 县长信箱), one of whose pages answers 500;
* served in other response orders, the documents and findings are the same.
"""
from __future__ import annotations

from collections import Counter

import pytest

from tests.e2e.siterun import Run, order_differences, run_site
from tests.fixtures import chainsite

KEY = chainsite.answer_key()
SEEDS = [1, 2]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Run:
    return run_site(chainsite, tmp_path_factory.mktemp("chain-baseline"), max_pages=2000)


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory) -> list[Run]:
    return [run_site(chainsite, tmp_path_factory.mktemp(f"chain-seed{s}"), max_pages=2000, max_delay=0.03, seed=s)
            for s in SEEDS]


def test_every_document_of_a_page_that_answers_is_reached(baseline):
    behind_broken = [d["path"] for d in KEY["documents"] if d["list_page"] == KEY["broken_list_page"]]
    assert len(behind_broken) == chainsite.PER_PAGE
    assert sorted(baseline.missing(KEY["documents"])) == sorted(behind_broken)


def test_the_broken_list_page_is_a_broken_link(baseline):
    broken = [f for f in baseline.results["findings"] if f["check"] == "broken-link"]
    assert {baseline.key_form(f["url"]) for f in broken} == {KEY["broken_list_page"], KEY["broken_letter_page"]}
    assert {f["status"] for f in broken} == {500}
    # reported where it is linked: page 8's 下一页 and page 10's 上一页; the letters' second and fourth
    assert {baseline.key_form(f["source"]) for f in broken} == {
        "/gongkai/channel_a1/index_8.html", "/gongkai/channel_a1/index_10.html",
        "/hdjl/xzxx/index_1.html", "/hdjl/xzxx/index_3.html"}


def test_no_title_numbered_404_is_an_error_page(baseline):
    assert not [f for f in baseline.results["findings"] if "soft-404" in str(f.get("error"))]


def test_each_list_page_is_asked_once(baseline):
    asked = Counter(p for m, p in baseline.requests if m == "GET" and "doc_" not in p)
    pages = [p for p in KEY["list_pages"] if p != KEY["broken_list_page"]]
    assert {p: asked[p] for p in pages} == {p: 1 for p in pages}
    # nothing else of the lists but the first pages' other addresses (首页 → index.html, ?page=1)
    aliases = {"/gongkai/channel_a1/index.html", "/gongkai/channel_c3/index.html", "/gongkai/channel_b2/"}
    others = {p for p in asked if p.startswith("/gongkai/channel_") and p not in KEY["list_pages"]}
    assert others - aliases - {KEY["broken_list_page"]} == set()
    assert all(asked[p] == 1 for p in others - {KEY["broken_list_page"]})


def test_response_order_does_not_change_results(baseline, shuffled):
    diffs = order_differences(baseline, shuffled)
    assert not diffs, "\n".join(diffs)


def test_every_letter_of_a_list_page_that_answers_is_read(baseline):
    asked = Counter(p for m, p in baseline.requests if m == "GET")
    want = [x["path"] for x in KEY["letters"] if x["list_page"] != KEY["broken_letter_page"]]
    assert len(want) == len(KEY["letters"]) - chainsite.LETTERS_PER_PAGE
    assert {p: asked[p] for p in want} == {p: 1 for p in want}
    assert baseline.results["interaction"]["messages"] == len(want)
    pages = [p for p in KEY["letter_pages"] if p != KEY["broken_letter_page"]]
    assert {p: asked[p] for p in pages} == {p: 1 for p in pages}
    channel = {c["name"]: c for c in baseline.results["interaction"]["channels"]}["县长信箱"]
    assert channel["pages"] == len(pages) and channel["messages"] == len(want)
