"""Site facts gathered at crawl time: a search form is tried, IPv6 is tried (real servers on ::1 / 127.0.0.1)."""
from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from zwgk.crawler.facts import find_search_form, judge_search, search_query, search_url

HOME = """<html><head><title>测试县人民政府</title></head><body>
<form action="/was5/web/search" method="get"><input type="hidden" name="channelid" value="2">
<input type="text" name="searchword" placeholder="请输入关键字"><button>搜索</button></form>
<a href="/xxgk/">政府信息公开</a></body></html>"""
ROOT = """<html><head><title>政府信息公开</title></head><body><ul class="menu">
<li><a href="/xxgk/gfxwj/">行政规范性文件</a></li><li><a href="/xxgk/qtwj/">其他文件</a></li>
<li><a href="/xxgk/zcjd/">政策解读</a></li></ul></body></html>"""
LIST = """<html><head><title>行政规范性文件</title></head><body><ul class="list">
<li><a href="/xxgk/gfxwj/t1.html">测试县人民政府关于印发河道采砂管理办法的通知</a><span>2023-05-06</span></li>
</ul></body></html>"""
DOC = """<html><head><title>测试县人民政府关于印发河道采砂管理办法的通知</title></head><body>
<h1>测试县人民政府关于印发河道采砂管理办法的通知</h1><p>发布日期：2023-05-06</p><p>""" + "正文。" * 50 + "</p></body></html>"


class Handler(BaseHTTPRequestHandler):
    queries: list

    def log_message(self, *a):
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/was5/web/search":
            q = parse_qs(urlsplit(self.path).query).get("searchword", [""])[0]
            self.queries.append(q)
            hit = q and q in "测试县人民政府关于印发河道采砂管理办法的通知"
            body = f"<html><body>共 {1 if hit else 0} 条：{'<a href=/xxgk/gfxwj/t1.html>测试县人民政府关于印发河道采砂管理办法的通知</a>' if hit else ''}</body></html>"
        else:
            body = {"/": HOME, "/xxgk/": ROOT, "/xxgk/gfxwj/": LIST, "/xxgk/gfxwj/t1.html": DOC}.get(path)
        if path == "/robots.txt":
            body = "User-agent: *\nDisallow:\n"
        data = (body or "<html><body>404</body></html>").encode("utf-8")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _crawl(url: str, tmp_path) -> dict:
    db = tmp_path / "z.db"
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", url, "--db", f"sqlite:///{db}", "--network",
                        "loopback", "--concurrency", "4", "--delay", "0"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    (facts,) = sqlite3.connect(db).execute("select facts from crawl").fetchone()
    return json.loads(facts)


def test_search_and_ipv6_facts_on_an_ipv4_site(tmp_path):
    handler = type("H", (Handler,), {"queries": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        facts = _crawl(f"http://127.0.0.1:{server.server_address[1]}/", tmp_path)
    finally:
        server.shutdown()
    assert facts["search"]["found"] and facts["search"]["query"] in handler.queries
    assert facts["search"]["hit"] is True and facts["search"]["results"] >= 1
    assert facts["ipv6"]["aaaa"] == [] and facts["ipv6"]["connect"] is None  # an IPv4 literal has no AAAA


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_ipv6_fact_on_an_ipv6_site(tmp_path):
    handler = type("H", (Handler,), {"queries": []})
    server = V6Server(("::1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        facts = _crawl(f"http://[::1]:{server.server_address[1]}/", tmp_path)
    finally:
        server.shutdown()
    assert facts["ipv6"]["aaaa"] == ["::1"]
    assert facts["ipv6"]["connect"] is True and facts["ipv6"]["status"] == 200


def test_search_form_helpers():
    tree = lxml.html.fromstring(HOME)
    form = find_search_form(tree, "http://127.0.0.1/")
    assert form == {"url": "http://127.0.0.1/was5/web/search", "param": "searchword", "method": "get",
                    "extra": {"channelid": "2"}}
    q = search_query(["测试县人民政府关于印发河道采砂管理办法的通知"])
    assert q and q in "印发河道采砂管理办法的通知"
    assert "searchword=" in search_url(form, q) and "channelid=2" in search_url(form, q)
    assert judge_search("共 0 条", q, 200)["hit"] is False
    assert find_search_form(lxml.html.fromstring("<form><input type=password name=p></form>"), "http://x/") is None


def test_site_facts_search_and_offline_ipv6():
    from scrapy.http import HtmlResponse

    from zwgk.crawler.facts import SiteFacts

    site = SiteFacts()
    home = HtmlResponse("http://www.a.gov.cn/", body=HOME.encode("utf-8"), encoding="utf-8")
    assert site.home_requests(home, lxml.html.fromstring(HOME), True, None, None) == []
    assert site.facts["ipv6"]["error"] == "离线模式：未查询" and site.facts["search"]["found"]
    for i in range(60):
        site.note_title(f"测试县人民政府关于印发河道采砂管理办法的通知{i}")
    assert len(site.doc_titles) == 50
    req = site.search_request(None, None)
    assert site.search_done and req.meta["query"] == site.facts["search"]["query"] == "印发河道采砂管理"
    assert parse_qs(urlsplit(req.url).query)["searchword"] == ["印发河道采砂管理"]
