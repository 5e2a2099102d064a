import pytest

from zwgk.crawler.extractors.links import canonical_url, page_links

PAGE = "http://www.example.gov.cn/zwgk/a/index.html"


def links(html):
    return {l.raw_href: l for l in page_links(html, PAGE)}


def test_kinds_and_absolute_urls():
    got = links('''<a href="b.html">站内</a><a href="https://www.gov.cn/x.htm">站外</a>
    <a href="/up/1.PDF">附件</a><a href="/module/download/downfile.jsp?classid=0&filename=a.docx">下载</a>
    <img src="/i/a.png" alt="图"><iframe src="//v.example.com/p"></iframe><script src="/js/a.js"></script>
    <link rel="stylesheet" href="/c.css">''')
    assert got["b.html"].url == "http://www.example.gov.cn/zwgk/a/b.html" and got["b.html"].kind == "站内"
    assert got["https://www.gov.cn/x.htm"].kind == "站外"
    assert got["/up/1.PDF"].kind == "附件"
    assert got["/module/download/downfile.jsp?classid=0&filename=a.docx"].kind == "附件"
    assert got["/i/a.png"].kind == "图片" and got["/i/a.png"].text == "图"
    assert got["//v.example.com/p"].tag == "iframe" and got["//v.example.com/p"].url == "http://v.example.com/p"
    assert got["/js/a.js"].tag == "script" and got["/c.css"].tag == "link"
    assert all(l.problem is None for l in got.values())


@pytest.mark.parametrize(("href", "problem"), [
    ("http://192.168.1.20/oa/a.doc", "内网地址"),
    ("http://10.0.0.5/x", "内网地址"),
    ("http://172.16.3.4:8080/x", "内网地址"),
    ("http://127.0.0.1/x", "内网地址"),
    ("http://localhost:8080/x", "内网地址"),
    ("http://oa/x.html", "内网地址"),
    ("file:///C:/Users/a.doc", "本地文件路径"),
    (r"D:\公文\x.doc", "本地文件路径"),
    ("C:/公文/x.doc", "本地文件路径"),
    (r"\\server\share\x.doc", "本地文件路径"),
    ("http://[::1", "URL格式错误"),
    ("htp://www.example.gov.cn/", "URL格式错误"),
    ("http://www.example.gov.cn:99999/", "URL格式错误"),
    ("http:///path", "URL格式错误"),
])
def test_problems(href, problem):
    (link,) = page_links(f'<a href="{href}">x</a>', PAGE)
    assert link.problem == problem


def test_loopback_same_host_is_fine():
    (link,) = page_links('<a href="http://127.0.0.1:8000/b.html">x</a>', "http://127.0.0.1:8000/a.html")
    assert link.problem is None and link.kind == "站内"


def test_skipped_and_fragments():
    got = page_links('<a href="javascript:void(0)">a</a><a href="mailto:a@b.cn">b</a><a href="tel:123">c</a>'
                     '<a href="#top">d</a><a href="c.html#p2">e</a><a href="">f</a>', PAGE)
    assert [(l.raw_href, l.fragment) for l in got] == [("#top", "top"), ("c.html#p2", "p2")]
    assert got[0].url == PAGE and got[1].url.endswith("/c.html")


def test_base_href():
    (link,) = page_links('<base href="http://www.example.gov.cn/other/"><a href="x.html">x</a>', PAGE)
    assert link.url == "http://www.example.gov.cn/other/x.html"


def test_canonical_url():
    assert canonical_url("HTTP://WWW.Example.gov.cn/a b/?z=1&a=2#frag") == "http://www.example.gov.cn/a%20b/?a=2&z=1"
    assert canonical_url("http://x.cn/中文.html") == "http://x.cn/%E4%B8%AD%E6%96%87.html"
    assert canonical_url("") == ""
