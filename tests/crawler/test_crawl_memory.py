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
    assert list(linked.waiting(judged)) == urls[0::2]
    assert len(linked._waiting) < 10_000


def test_the_process_that_audits_never_imports_scrapy(tmp_path):
    """`zwgk run` crawls in a forked child that builds the Scrapy settings itself, and reads the
    attachments' text in another: the parent, which audits afterwards, keeps no Scrapy, Twisted,
    lxml or PDF/Office reader (OLE: olefile, xlrd) (~27 MiB resident for scrapy.settings alone; the attachments phase
    left the parent at 94 MiB and the audit's peak 23 MiB higher at scale 62)."""
    import subprocess

    script = tmp_path / "run.py"
    script.write_text(f'''
import sys
from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve
from zwgk.cli import main
generate({str(tmp_path / "site")!r})
with serve({str(tmp_path / "site")!r}) as srv:
    try:
        main(["run", srv.url, "--db", "sqlite:///{tmp_path}/z.db", "--out", {str(tmp_path / "out")!r},
              "--delay", "0", "--max-pages", "120"], standalone_mode=False)
    except SystemExit:
        pass
print("LOADED", sorted({{m.split(".")[0] for m in sys.modules}} & {{"scrapy", "twisted", "lxml", "parsel", "pypdf", "openpyxl", "docx", "olefile", "xlrd"}}))
''', encoding="utf-8")
    import os
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # this checkout's zwgk
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    assert (tmp_path / "out" / "report.html").is_file()  # the run went through: crawl, audit, report
    assert "LOADED []" in p.stdout, p.stdout[-500:]
    assert "附件文本：读取" in p.stdout + p.stderr  # attachments were read (in their own process)


def test_crawl_options_give_the_delay_their_settings_give():
    from zwgk.crawler.process import CrawlOptions

    for kw in ({}, {"delay": 0}, {"delay": 2.5}, {"profile": {"delay": 3}}, {"delay": 0.5, "profile": {"delay": 3}}):
        o = CrawlOptions(db=None, **kw)
        assert o.download_delay() == o.settings().getfloat("DOWNLOAD_DELAY"), kw


HEAP_CHILD = r"""
import lxml.html
from zwgk.crawler import process

def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 // 2**20

rows = "".join(f'<li><a href="/art/2023/9/15/art_101_{i}.html">关于印发第{i}号文件的通知</a><span>2023-09-15</span></li>'
               for i in range(20_000))
html = "<html><body><ul>" + rows + "</ul></body></html>"
del rows
for _ in range(2):  # a large list page parsed and let go, as the crawl does
    tree = lxml.html.document_fromstring(html)
    hrefs = [a.get("href") for a in tree.iter("a")]
    del tree, hrefs
before = rss()
trimmed = process.give_back_heap()
print(trimmed, before, rss())
"""


def test_the_crawl_gives_back_what_a_large_page_cost(tmp_path):
    """A large list page's tree is freed after it is read, but glibc keeps the freed memory in its
    heap; give_back_heap (run every HEAP_TRIM_S seconds in a crawl's process) returns it."""
    import subprocess

    import pytest

    from zwgk.crawler import process

    if process._TRIM is None:
        pytest.skip("this C library has no malloc_trim (not glibc)")
    out = subprocess.run([sys.executable, "-c", HEAP_CHILD], capture_output=True, text=True, check=True).stdout
    trimmed, before, after = out.split()
    assert trimmed == "True"
    assert int(before) - int(after) >= 10, out  # measured: ~30 MiB of a 35 MiB tree given back


def test_links_met_once_do_not_fill_memory_through_the_href_cache():
    """classify_href memoises the navigation a site repeats on every page; a document's own link
    is met once, and 20 000 of them must not stay behind in the cache (65 536 entries held 34 MiB)."""
    import tracemalloc

    from zwgk.crawler.extractors import links

    nav = [("/xxgk/index.html", "http://a.gov.cn/xxgk/col/col1/index.html"), ("../zcwj/", "http://a.gov.cn/xxgk/tzgg/")]
    links._classify_cached.cache_clear()
    tracemalloc.start()
    try:
        for i in range(20_000):
            links.classify_href(f"/art/2023/9/15/art_101_{i}.html", f"http://a.gov.cn/col/col{i % 300}/index_{i % 50}.html")
            for href, base in nav if i % 10 == 0 else ():
                links.classify_href(href, base)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    info = links._classify_cached.cache_info()
    assert info.hits >= 2 * 2_000 - 2  # the navigation is still answered from the cache
    assert held < 5 * 2**20, held


def test_a_small_url_set_is_packed_too():
    """Each column keeps the entries it showed in a UrlSet of its own — a few hundred for most
    columns: those are packed as well (with a pack threshold of 1 024, 300 URLs took ~67 bytes each)."""
    s = UrlSet(f"http://a.gov.cn/art/2024/{i}.html" for i in range(300))
    size = sys.getsizeof(s._packed) + sys.getsizeof(s._recent) + 32 * len(s._recent)
    assert len(s) == 300 and all(f"http://a.gov.cn/art/2024/{i}.html" in s for i in range(300))
    assert size < 300 * 24, size


def test_urls_waiting_for_a_check_are_held_packed_and_in_order():
    """The link targets no page fetch answered yet wait for the end of the crawl (~58 000 on the
    400k bench): held as a str in a dict each took ~160 bytes; packed, well under 40."""
    from zwgk.crawler.urlset import UrlLog

    urls = [f"http://www.a.gov.cn/xxgk/{d}/art/2023/9/{i}/art_{d}_{i}.html" for i in range(3000) for d in ("jtj", "czj")]
    log = UrlLog()
    for u in urls:
        log.append(u)
    assert list(log.urls()) == urls and len(log) == 6000
    held = sum(sys.getsizeof(b) for b in log._blocks) + sys.getsizeof(log._tail) + sum(sys.getsizeof(u) for u in log._tail)
    assert held < 40 * 6000, held
    log.drop({u for u in urls if "czj" in u})
    assert list(log.urls()) == urls[0::2] and len(log) == 3000
    log.append("http://www.a.gov.cn/last.html")
    assert list(log.urls())[-2:] == [urls[-2], "http://www.a.gov.cn/last.html"]
