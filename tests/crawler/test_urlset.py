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


def test_a_url_set_stays_exact_across_packing():
    """Past the first 1 024 additions the hashes are packed into a sorted array: membership,
    length and `new` must not change when that happens, in any order of additions."""
    import random

    urls = [f"http://a.gov.cn/art/{i}.html" for i in range(6000)]
    order = urls[:]
    random.Random(7).shuffle(order)
    s = UrlSet()
    for i, u in enumerate(order):
        s.add(u)
        s.add(order[i // 2])  # again: no double count
        if i in (1023, 1024, 4000):
            assert len(s) == i + 1
            assert all(x in s for x in order[: i + 1])
            assert not any(x in s for x in order[i + 1:i + 200])
    assert len(s) == 6000 and len(s._recent) < 1024
    s.update(urls[:10] + ["http://a.gov.cn/new.html"])
    assert len(s) == 6001
    assert s.new(urls[-3:] + ["http://a.gov.cn/x.html"]) == {"http://a.gov.cn/x.html"}
    assert 12345 not in s and "http://a.gov.cn/art/6000.html" not in s
