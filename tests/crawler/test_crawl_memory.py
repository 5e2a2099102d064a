"""What the crawl keeps per URL stays small: texts seen once are not cached, and the per-URL
sets are packed hashes."""
from __future__ import annotations

import sys

from zwgk import vocab
from zwgk.crawler.urlset import UrlSet


def test_norm_text_caches_only_while_caching_is_on():
    before = vocab.cache_norms(False)
    try:
        assert vocab._norm_cached.cache_info().currsize == 0
        assert vocab.norm_text("关于 印发 ＡＢＣ 的通知") == "关于印发ABC的通知"
        assert vocab._norm_cached.cache_info().currsize == 0
        vocab.cache_norms(True)
        vocab.norm_text("关于 印发 ＡＢＣ 的通知")
        assert vocab._norm_cached.cache_info().currsize == 1
    finally:
        vocab.cache_norms(before)


def test_a_packed_url_set_takes_about_eight_bytes_a_url():
    s = UrlSet(f"http://a.gov.cn/art/2024/{i}.html" for i in range(50_000))
    size = sys.getsizeof(s._packed) + sys.getsizeof(s._recent) + 32 * len(s._recent)
    assert len(s) == 50_000
    assert size < 50_000 * 16, size  # a set of the hashes took ~90 bytes a URL, of the strings ~190


def test_linked_targets_keep_kind_and_order_and_forget_judged_urls():
    from zwgk.crawler.urlset import LinkedTargets

    linked, judged = LinkedTargets(), UrlSet()
    urls = [f"http://a.gov.cn/{i}.{'pdf' if i % 3 == 0 else 'html'}" for i in range(10_000)]
    for i, u in enumerate(urls):
        if u not in linked:
            linked[u] = "附件" if u.endswith(".pdf") else "站内"
            linked[u] = "站外"  # a target keeps the kind it was first linked as
            linked.sweep(judged)
        if i % 2:
            judged.add(u)
    assert len(linked) == 10_000
    assert linked["http://a.gov.cn/3.pdf"] == "附件" and linked.get("http://a.gov.cn/4.html") == "站内"
    assert linked.get("http://a.gov.cn/x.html") is None and "http://a.gov.cn/x.html" not in linked
    # the unjudged ones, in the order they were linked; judged URLs are no longer held
    assert linked.waiting(judged) == urls[0::2]
    assert len(linked._waiting) < 10_000
