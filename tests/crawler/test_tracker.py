"""LinkTracker: link targets seen on pages, #fragment verdicts, probes, final verdicts (no crawl)."""
from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html
from scrapy.http import HtmlResponse, Request

from zwgk.crawler.items import LinkTargetItem, PageLinksItem
from zwgk.crawler.linkcheck.tracker import Callbacks, LinkTracker
from zwgk.crawler.netpolicy import NetworkPolicy
from zwgk.crawler.scope import Scope

SITE = "http://www.a.gov.cn"


def _cb(*a, **k):
    return []


def _tracker(probe_missing=False):
    return LinkTracker(Scope(SITE + "/"), Callbacks(_cb, _cb, _cb, _cb),
                       netpolicy=NetworkPolicy("any", allowed=[SITE + "/"]), probe_missing=probe_missing)


def _page(url: str, html: str):
    r = HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url, meta={"target": url}))
    return r, lxml.html.fromstring(html)


def _states(items):
    return {i.url: (i.state, i.error) for i in items if isinstance(i, LinkTargetItem)}


def test_fragment_links_are_judged_against_the_anchors_of_their_page():
    t = _tracker()
    r, tree = _page(SITE + "/a.html", '<html><body><a href="/b.html#s1">一</a><a href="/b.html#gone">二</a>'
                                      '<a href="/b.html#top">顶部</a><a href="/a.html#%E7%AC%AC1">本页</a>'
                                      '<h2 id="第1">第1</h2></body></html>')
    items = t.page_links(tree, r)
    links = next(i for i in items if isinstance(i, PageLinksItem)).links
    assert {x[0] for x in links} == {SITE + "/b.html#s1", SITE + "/b.html#gone", SITE + "/b.html",
                                     SITE + "/a.html#%E7%AC%AC1"}
    # the page itself is parsed: its own #fragment is judged at once (a percent-encoded id too)
    assert _states(items) == {SITE + "/a.html#%E7%AC%AC1": ("ok", None)}
    assert t.fragments[SITE + "/b.html"] == {"s1", "gone"}
    # b.html answers later, with one of the two anchors
    r2, tree2 = _page(SITE + "/b.html", '<html><body><a name="s1">一</a></body></html>')
    assert _states(t.fragment_items(SITE + "/b.html", tree2)) == {
        SITE + "/b.html#s1": ("ok", None), SITE + "/b.html#gone": ("broken", "页面内锚点不存在")}
    assert t.fragment_items(SITE + "/b.html", tree2) == []  # each judged once
    assert list(t.final_items()) == []


def test_malformed_links_are_wrong_at_once_and_the_rest_wait_for_idle():
    t = _tracker()
    r, tree = _page(SITE + "/a.html", '<html><body><a href="http://www.b.gov.cn/">外</a>'
                                      '<a href="http://[bad/x">坏</a><a href="/c.pdf">附件</a></body></html>')
    items = t.page_links(tree, r)
    wrong = [i for i in items if isinstance(i, LinkTargetItem)]
    assert len(wrong) == 1 and wrong[0].state == "wrong"
    todo = t.to_check(requested=set())
    assert set(todo) == {"http://www.b.gov.cn/", SITE + "/c.pdf"}
    assert t.kind("http://www.b.gov.cn/") == "站外" and t.kind(SITE + "/c.pdf") == "附件"
    assert t.check_request(SITE + "/c.pdf").method == "HEAD"
    assert t.check_request("http://www.b.gov.cn/").method == "GET"  # what an external page shows is kept
    assert t.to_check(requested={"http://www.b.gov.cn/"}) == [SITE + "/c.pdf"]
    assert t.to_check(requested=set(), limit=1) == ["http://www.b.gov.cn/"]  # a batch: the first linked


def test_same_page_as_the_probe_is_a_soft_404_even_when_the_probe_answers_later():
    t = _tracker(probe_missing=True)
    probe = t.probe(SITE + "/xxgk/t1.html")
    assert probe is not None and probe.meta["role"] == "probe" and t.probe(SITE + "/xxgk/t2.html") is None
    missing = "<html><head><title>提示</title></head><body>您访问的页面正在维护 %s</body></html>"
    r, tree = _page(SITE + "/xxgk/t1.html", missing % "/xxgk/t1.html")
    assert t.judge_page(r, "提示", tree.text_content()) is None  # waits for the probe
    # the site echoes the path asked for (judge.fingerprint takes it out)
    answer = HtmlResponse(probe.url, body=(missing % urlsplit(probe.url).path).encode("utf-8"), encoding="utf-8",
                          headers={"Content-Type": "text/html"}, request=probe)
    assert _states(t.probe_answer(answer)) == {SITE + "/xxgk/t1.html": ("broken", "soft-404（与不存在页面的返回相同）")}
    r, tree = _page(SITE + "/xxgk/t9.html", missing % "/xxgk/t9.html")
    assert t.judge_page(r, "提示", tree.text_content()) == ("broken", "soft-404（与不存在页面的返回相同）")


def test_timeouts_on_a_host_that_never_answered_are_broken_at_the_end():
    from twisted.internet.error import TimeoutError
    from twisted.python.failure import Failure

    t = _tracker()
    for url in ("http://slow.cn/a", "http://up.cn/b"):
        t.linked[url] = "站外"
        f = Failure(TimeoutError())
        f.request = Request(url, meta={"target": url})
        item, _ = t.failure_item(f)
        assert item.state == "inconclusive"
    t.answered(HtmlResponse("http://up.cn/c", body=b"", request=Request("http://up.cn/c")))
    assert _states(t.final_items()) == {"http://slow.cn/a": ("broken", "请求超时，网站无响应")}


def test_fingerprint_of_a_page_echoing_its_full_url_does_not_depend_on_set_order():
    """Two missing pages that echo their full URL are the same error page, in every run."""
    from zwgk.crawler.linkcheck.judge import fingerprint

    a = fingerprint("404", "您访问的 http://a.gov.cn/x/t1.html 不存在", "http://a.gov.cn/x/t1.html")
    b = fingerprint("404", "您访问的 http://a.gov.cn/y/zz.html 不存在", "http://a.gov.cn/y/zz.html")
    assert a == b


def test_a_removed_document_refreshing_to_its_column_is_a_soft_404():
    from zwgk.crawler.linkcheck.judge import moved_up

    assert moved_up(SITE + "/xxgk/tzgg/t20230901_1.html", SITE + "/xxgk/tzgg/")
    assert moved_up(SITE + "/xxgk/tzgg/t20230901_1.html", SITE + "/")
    assert not moved_up(SITE + "/xxgk/index.html", SITE + "/xxgk/")        # the same page
    assert not moved_up(SITE + "/xxgk/tzgg/", SITE + "/xxgk/tzgg/index.html")
    assert not moved_up(SITE + "/bsfw/", SITE + "/zwfw/bszn/")             # moved elsewhere, not up
    t = _tracker()
    url = SITE + "/xxgk/tzgg/t20230901_1.html"
    html = "<html><head><title>通知公告</title></head><body>" + "<li>条目</li>" * 50 + "</body></html>"
    r = HtmlResponse(SITE + "/xxgk/tzgg/", body=html.encode(), encoding="utf-8",
                     request=Request(SITE + "/xxgk/tzgg/", meta={"target": url, "redirect_urls": [url],
                                                                 "redirect_reasons": ["meta refresh"]}))
    assert t.judge_page(r, "通知公告", "条目" * 50)[0] == "broken"


def test_a_two_byte_answer_is_not_a_page():
    t = _tracker()
    r = HtmlResponse(SITE + "/a.html", body=b"ok", encoding="utf-8", request=Request(SITE + "/a.html"))
    assert t.judge_page(r, None, "ok")[0] == "inconclusive"


def _checked(t, url: str, html: str, final: str | None = None, status: int = 200):
    final = final or url
    req = Request(url, meta={"role": "check", "target": url})
    r = HtmlResponse(final, status=status, body=html.encode("utf-8"), encoding="utf-8", request=req,
                     headers={"Content-Type": "text/html; charset=utf-8"})
    if final != url:
        r.meta["redirect_urls"] = [url]
    items, _ = t.check_items(r)
    return items[-1]


CASINO = ("<html><head><title>澳门新葡京娱乐城 _百家乐</title></head><body><ul><li>真人视讯</li><li>电子游艺</li>"
          "<li>体育投注</li></ul><p>首存送彩金</p></body></html>")


def test_an_external_page_keeps_its_fingerprint_and_nothing_else_does():
    t = _tracker()
    r, tree = _page(SITE + "/a.html", '<html><body><a href="http://www.bxly.cn/">丙县旅游局</a>'
                                      '<a href="/b.html">内页</a></body></html>')
    t.page_links(tree, r)
    item = _checked(t, "http://www.bxly.cn/", CASINO, final="https://www.hg8868.com/")
    assert item.state == "ok" and item.redirects == ["http://www.bxly.cn/", "https://www.hg8868.com/"]
    assert item.landing["final_url"] == "https://www.hg8868.com/"
    assert item.landing["title"] == "澳门新葡京娱乐城 _百家乐" and "真人视讯" in item.landing["hits"]["gambling"]
    assert CASINO not in repr(item.landing)  # never the body
    assert _checked(t, SITE + "/b.html", "<html><head><title>内页</title></head><body>" + "正文" * 40
                    + "</body></html>").landing is None
    # an external page that is not 200 keeps nothing (broken-link's business)
    assert _checked(t, "http://www.bxly.cn/", CASINO, status=503).landing is None
