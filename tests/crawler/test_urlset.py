"""The crawl's compact bookkeeping: URLs and pages' anchors as packed hashes."""
from __future__ import annotations

from array import array
from itertools import chain

import lxml.html

from zwgk.crawler import urlset
from zwgk.crawler.linkcheck.judge import anchor_names
from zwgk.crawler.urlset import Later, PageAnchors, UrlSet


def test_a_url_set_answers_seen_and_new():
    s = UrlSet(["http://a.gov.cn/1.html"])
    s.add("http://a.gov.cn/2.html")
    s.update(["http://a.gov.cn/3.html", "http://a.gov.cn/2.html"])
    assert len(s) == 3 and "http://a.gov.cn/2.html" in s and "http://a.gov.cn/4.html" not in s
    assert s.new(["http://a.gov.cn/1.html", "http://a.gov.cn/4.html"]) == {"http://a.gov.cn/4.html"}


def test_anchors_are_whole_names_not_parts_of_them():
    kept = PageAnchors()
    page = "http://a.gov.cn/art/1.html"
    kept.keep(page, anchor_names(lxml.html.fromstring('<div id="content"><a name="sec2">x</a><p id="fj">y</p></div>')))
    kept.keep("http://a.gov.cn/art/2.html", anchor_names(lxml.html.fromstring("<p>无锚点</p>")))
    assert page in kept and "http://a.gov.cn/art/2.html" in kept and "http://a.gov.cn/art/3.html" not in kept
    assert kept.has(page, "sec2") and kept.has(page, "content") and kept.has(page, "fj")
    assert not kept.has(page, "sec") and not kept.has(page, "ent") and not kept.has(page, "")
    assert not kept.has("http://a.gov.cn/art/2.html", "top") and not kept.has("http://a.gov.cn/art/2.html", "content")
    for i in range(5000):  # exact across packing, and one page's names are not another's
        kept.keep(f"http://a.gov.cn/art/p{i}.html", [f"n{i}", "main"])
    assert all(kept.has(f"http://a.gov.cn/art/p{i}.html", f"n{i}") for i in range(5000))
    assert not any(kept.has(f"http://a.gov.cn/art/p{i}.html", f"n{i + 1}") for i in range(5000))
    assert kept.has(page, "sec2")


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


def test_packed_hashes_stay_sorted_and_distinct(monkeypatch):
    import random

    monkeypatch.setattr(urlset, "HOT", 10**9)  # all in memory

    s, added = UrlSet(), set()
    rnd = random.Random(3)
    for _ in range(40_000):
        u = f"http://a.gov.cn/{rnd.randrange(60_000)}.html"
        s.add(u)
        added.add(u)
    packed = list(s._packed)
    assert packed == sorted(set(packed)) and len(packed) > 20_000
    assert len(s) == len(added)
    assert all(f"http://a.gov.cn/{i}.html" in s for i in range(60_000) if f"http://a.gov.cn/{i}.html" in added)
    assert not any(f"http://a.gov.cn/{i}.html" in s for i in range(60_000) if f"http://a.gov.cn/{i}.html" not in added)


def test_packing_a_large_set_holds_no_python_int_per_hash(monkeypatch):
    """Merging the recent hashes into a packed array of N costs about two arrays of N (16 bytes a
    hash), not a sorted list of N Python ints (~40 bytes a hash)."""
    import tracemalloc

    monkeypatch.setattr(urlset, "HOT", 10**9)  # all in memory

    n = 200_000
    s = UrlSet(f"http://a.gov.cn/art/{i}.html" for i in range(n))
    s._packed, s._recent = array("q", sorted(chain(s._packed, s._recent))), set()  # all packed
    extra = [f"http://a.gov.cn/new/{i}.html" for i in range(n >> 4)]
    tracemalloc.start()
    try:
        for u in extra[:-1]:
            s.add(u)
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        s.add(extra[-1])  # the one that makes the recent set big enough to be packed
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not s._recent and len(s) == n + len(extra)
    assert peak - base < 24 * n, (peak - base) / n


def test_later_keeps_the_first_value_and_gives_back_what_was_not_asked_since():
    asked = UrlSet(["http://a.gov.cn/0.html"])
    later = Later()
    later.put("http://a.gov.cn/0.html", "asked already", asked)
    later.put("http://a.gov.cn/2.html", "first", asked)
    later.put("http://a.gov.cn/2.html", "second", asked)
    later.put("http://a.gov.cn/1.html", "one", asked)
    later.put("http://a.gov.cn/3.html", "three", asked)
    asked.add("http://a.gov.cn/3.html")
    assert later.take(asked) == ["one", "first"]  # in URL order, whatever order they came in
    assert len(later) == 0 and later.take(asked) == []


def test_later_forgets_what_was_asked_meanwhile():
    """A crawl puts aside the 解读 links of every document; most are asked through their lists
    soon after. What is held stays near what may still be asked, not every URL ever put aside."""
    asked, later, most = UrlSet(), Later(), 0
    for i in range(100_000):
        later.put(f"http://a.gov.cn/jd/{i}.html", i, asked)
        if i % 10:
            asked.add(f"http://a.gov.cn/jd/{i}.html")  # nine in ten are listed and asked anyway
        most = max(most, len(later))
    assert most <= 2 * max(4096, 10_000)  # the old dict held all 100 000
    assert later.take(asked) == sorted(range(0, 100_000, 10), key=lambda i: f"http://a.gov.cn/jd/{i}.html")


def test_later_holds_what_it_keeps_packed():
    """50 000 (url, office) pairs waiting to be asked: ~40 bytes a pair at most (zlib blocks and a
    hash of each URL), where a dict of them took ~200; given back whole and in URL order."""
    import tracemalloc

    urls = [f"http://a.gov.cn/zcjd/2023/{i:06d}.html" for i in range(50_000)]
    asked, later = UrlSet(), Later()
    tracemalloc.start()
    try:
        for i, u in enumerate(urls):
            later.put(u, (u, "县财政局" if i % 2 else None), asked)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 40 * len(urls), held / len(urls)
    assert later.take(asked) == [(u, "县财政局" if i % 2 else None) for i, u in enumerate(urls)]


def test_url_days_answer_as_a_dict_does_and_stay_packed():
    from datetime import date, timedelta

    from zwgk.crawler.urlset import UrlDays

    first = date(2026, 1, 1)
    plain: dict[str, date] = {}
    days = UrlDays()
    for i in range(20_000):
        url, day = f"http://a.gov.cn/art/{i % 15_000}.html", first + timedelta(days=i % 400)
        plain[url] = days[url] = day  # the later day wins, as in a dict
    assert len(days) == len(plain) == 15_000
    assert all(days.get(u) == d and days[u] == d and u in days for u, d in plain.items())
    assert days.get("http://a.gov.cn/art/x.html") is None and "http://a.gov.cn/art/x.html" not in days
    assert list(days._keys) == sorted(set(days._keys))
    held = days._keys.itemsize * len(days._keys) + days._days.itemsize * len(days._days) + 100 * len(days._recent)
    assert held < 24 * 15_000, held  # a dict of the URLs and dates: ~180 bytes an entry
    assert UrlDays([("http://a.gov.cn/1.html", first)]).get("http://a.gov.cn/1.html") == first


def test_a_url_set_past_its_hot_size_stays_exact(monkeypatch):
    """Past HOT hashes the older ones go to a file, merged with what went there before: membership,
    length and `new` are those of a plain set, in any order of additions."""
    import random

    monkeypatch.setattr(urlset, "HOT", 300)
    rnd = random.Random(11)
    added: set[str] = set()
    s = UrlSet()
    for step in range(12_000):
        u = f"http://a.gov.cn/art/{rnd.randrange(9_000)}.html"
        s.add(u)
        added.add(u)
        if step in (299, 300, 301, 5_000):
            assert len(s) == len(added)
    assert s._cold is not None and len(s._cold) > 5_000 and len(s._packed) < 300
    assert len(s) == len(added)
    every = [f"http://a.gov.cn/art/{i}.html" for i in range(9_000)]
    assert [u in s for u in every] == [u in added for u in every]
    assert s.new(every) == set(every) - added
    assert list(s._cold) == sorted(set(s._cold)) and not set(s._cold) & set(s._packed)


def test_a_large_url_set_holds_a_bounded_amount_of_memory(monkeypatch):
    """What a set of N URLs holds in memory stops growing past HOT: 60 000 URLs with HOT = 4 096
    hold what 4 096 do, where all in memory they hold 8 bytes and more each."""
    import tracemalloc

    def held(n: int, hot: int) -> int:
        monkeypatch.setattr(urlset, "HOT", hot)
        tracemalloc.start()
        try:
            s = UrlSet(f"http://a.gov.cn/art/{i}.html" for i in range(n))
            current, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(s) == n and "http://a.gov.cn/art/7.html" in s and "http://a.gov.cn/art/x.html" not in s
        return current

    bounded, whole = held(60_000, 4096), held(60_000, 10**9)
    assert whole > 8 * 60_000
    assert bounded < 100_000, bounded  # ≤ 4 096 hashes packed, a few recent, a first hash per 512 in the file


def test_a_full_disk_keeps_the_url_set_in_memory(monkeypatch, caplog):
    """The file cannot be written (here /dev/full: every write fails with ENOSPC): the hashes stay
    in memory, the set stays exact, and the crawl is told once, in Chinese."""
    import logging

    monkeypatch.setattr(urlset, "HOT", 256)
    monkeypatch.setattr(urlset, "_warned", False)
    monkeypatch.setattr(urlset.tempfile, "TemporaryFile", lambda **kw: open("/dev/full", "w+b"))
    urls = [f"http://a.gov.cn/art/{i}.html" for i in range(5_000)]
    with caplog.at_level(logging.WARNING, logger=urlset.__name__):
        s = UrlSet(urls)
    assert s._cold is None and len(s._packed) + len(s._recent) == 5_000
    assert len(s) == 5_000 and all(u in s for u in urls) and "http://a.gov.cn/x.html" not in s
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "临时文件" in warnings[0]
