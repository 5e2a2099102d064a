"""The crawl's compact bookkeeping: URLs as hashes, a page's anchors as one string."""
from __future__ import annotations

import lxml.html

from zwgk.crawler.linkcheck.judge import anchor_names, has_anchor
from zwgk.crawler.urlset import UrlSet


def test_a_url_set_answers_seen_and_new():
    s = UrlSet(["http://a.gov.cn/1.html"])
    s.add("http://a.gov.cn/2.html")
    s.update(["http://a.gov.cn/3.html", "http://a.gov.cn/2.html"])
    assert len(s) == 3 and "http://a.gov.cn/2.html" in s and "http://a.gov.cn/4.html" not in s
    assert s.new(["http://a.gov.cn/1.html", "http://a.gov.cn/4.html"]) == {"http://a.gov.cn/4.html"}


def test_anchors_are_whole_names_not_parts_of_them():
    names = anchor_names(lxml.html.fromstring('<div id="content"><a name="sec2">x</a><p id="fj">y</p></div>'))
    assert names == "content\0fj\0sec2"
    assert has_anchor(names, "sec2") and has_anchor(names, "content")
    assert not has_anchor(names, "sec") and not has_anchor(names, "ent") and not has_anchor(names, "")
    assert not has_anchor(anchor_names(lxml.html.fromstring("<p>无锚点</p>")), "top")
