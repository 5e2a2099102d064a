"""The spider's link states against a small site served on 127.0.0.1 (a real crawl, no mocks).

One crawl (a subprocess running the real DisclosureSpider with short time-outs) is shared by
every test here; the tests read what it stored and what the servers were asked.
"""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

DOC = "<html><head><title>{t}</title></head><body>{b}</body></html>"
PAGE = DOC.format(t="正常页面", b='<h1 id="sec">关于开展检查的通知</h1><p>' + "正文内容。" * 80 + "</p>")
MISSING_UNDER_XX = DOC.format(t="示例网站", b="<p>欢迎访问示例网站，请从首页进入。</p>")


def home(dead: str, refused: str) -> str:
    links = [("/ok.html", "正常"), ("/gone.html", "已删除"), ("/waf403.html", "被拦截"), ("/limit.html", "限流"),
             ("/challenge.html", "安全检测"), ("/soft.html", "软404"), ("/xx/old.html", "旧栏目"),
             ("/xx/real.html", "真实页面"), ("/chain1", "跳转"), ("/loop1", "循环"), ("/slow.html", "很慢"),
             ("/ok.html#sec", "锚点"), ("/ok.html#nosuch", "坏锚点"), ("#here", "本页锚点"),
             ("http://192.168.1.5/oa/a.doc", "内网"), ("file:///C:/公文/a.doc", "本地文件"),
             (f"{dead}/", "无响应网站"), (f"{refused}/x.html", "拒绝连接"), ("/a.pdf", "附件"),
             ("/long0", "长跳转"), ("/row404.html", "开展主题党日活动（404）")]
    body = "".join(f'<a href="{h}">{t}</a>' for h, t in links) + '<img src="/missing.png" alt="缺图">'
    return DOC.format(t="首页", b='<p id="here">首页</p>' + body + "<p>" + "内容" * 200 + "</p>")


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log: list
    seen: Counter
    extra: dict

    def log_message(self, *a):  # quiet
        pass

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def send(self, code, body="", headers=None, head=False, ctype="text/html; charset=utf-8"):
        data = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def answer(self, head):
        p = self.path
        self.log.append((self.command, p))
        self.seen[p] += 1
        if p == "/robots.txt":
            return self.send(200, "User-agent: *\nDisallow: /admin/\n", ctype="text/plain", head=head)
        if p == "/":
            return self.send(200, home(self.extra["dead"], self.extra["refused"]), head=head)
        if p in ("/ok.html", "/xx/real.html"):
            return self.send(200, PAGE.replace("正常页面", p), head=head)
        if p == "/waf403.html":
            return self.send(403, DOC.format(t="403", b="您的访问请求已被拦截"), head=head)
        if p == "/limit.html":
            if self.seen[p] == 1:
                return self.send(429, DOC.format(t="429", b="访问过于频繁"), {"Retry-After": "1"}, head=head)
            return self.send(200, PAGE, head=head)
        if p == "/challenge.html":
            return self.send(200, DOC.format(t="安全检测", b="<script>var a=1</script>创宇盾 正在检测您的浏览器"),
                             head=head)
        if p == "/row404.html":  # a title numbered (404) on a short page: no error page
            return self.send(200, DOC.format(t="县财政局开展主题党日活动（404）", b="<p>活动简讯（404）。</p>"), head=head)
        if p == "/soft.html":
            return self.send(200, DOC.format(t="提示", b="对不起，您访问的页面不存在或已被删除。"), head=head)
        if p.startswith("/xx/"):
            return self.send(200, MISSING_UNDER_XX, head=head)  # missing pages answer 200 with a generic page
        if p == "/chain1":
            return self.send(301, "", {"Location": "/chain2"}, head=head)
        if p == "/chain2":
            return self.send(302, "", {"Location": "/ok.html"}, head=head)
        if p in ("/loop1", "/loop2"):
            return self.send(302, "", {"Location": "/loop2" if p == "/loop1" else "/loop1"}, head=head)
        if p.startswith("/long") and p[5:].isdigit():
            n = int(p[5:])
            return self.send(302, "", {"Location": f"/long{n + 1}"}, head=head)
        if p == "/slow.html":
            time.sleep(8)
            return self.send(200, PAGE, head=head)
        if p == "/a.pdf":
            if head:
                return self.send(405, "", head=True)
            return self.send(200, "%PDF-1.4 test", ctype="application/pdf")
        return self.send(404, DOC.format(t="404", b="Not Found"), head=head)


def silent_server():
    """A host that accepts connections and never answers (a dead web server)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(50)
    return s


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


RUNNER = textwrap.dedent("""
    import sys
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from zwgk.crawler import settings as defaults
    from zwgk.crawler.spiders.disclosure import DisclosureSpider
    s = Settings(); s.setmodule(defaults, priority="project")
    s.setdict({"ZWGK_DB": sys.argv[2], "ZWGK_NETWORK": "loopback", "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": 4,
               "RETRY_TIMES": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "REDIRECT_MAX_TIMES": 10,
               "LOG_LEVEL": "ERROR"}, priority="cmdline")
    p = CrawlerProcess(s); p.crawl(DisclosureSpider, start_url=sys.argv[1]); p.start()
""")


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("links")
    dead = silent_server()
    extra = {"dead": f"http://localhost:{dead.getsockname()[1]}", "refused": f"http://127.0.0.1:{free_port()}"}
    handler = type("H", (Site,), {"log": [], "seen": Counter(), "extra": extra})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/"
    db = tmp / "z.db"
    try:
        p = subprocess.run([sys.executable, "-c", RUNNER, url, f"sqlite:///{db}"], capture_output=True, text=True,
                           timeout=120)
    finally:
        srv.shutdown()
        dead.close()
    assert p.returncode == 0, p.stderr[-2000:]
    con = sqlite3.connect(db)
    rows = con.execute("select url, state, kind, status, error, redirects from link_target").fetchall()
    links = con.execute("select source_url, target_url, text from link").fetchall()
    targets = {u.removeprefix(url[:-1]): dict(state=s, kind=k, status=st, error=e, redirects=r)
               for u, s, k, st, e, r in rows}
    return {"t": targets, "links": links, "log": handler.log, "url": url, "extra": extra}


@pytest.mark.parametrize("path,state", [
    ("/ok.html", "ok"),
    ("/gone.html", "broken"),
    ("/missing.png", "broken"),
    ("/waf403.html", "inconclusive"),
    ("/challenge.html", "inconclusive"),
    ("/soft.html", "broken"),
    ("/row404.html", "ok"),
    ("/xx/old.html", "broken"),
    ("/xx/real.html", "ok"),       # a real page in a directory that answers 200 for missing pages
    ("/chain1", "ok"),
    ("/loop1", "broken"),
    ("/long0", "broken"),
    ("/slow.html", "inconclusive"),
    ("/ok.html#sec", "ok"),
    ("/ok.html#nosuch", "broken"),
    ("/a.pdf", "ok"),
])
def test_state(crawl, path, state):
    t = crawl["t"].get(path)
    assert t is not None, sorted(crawl["t"])
    assert t["state"] == state, t


def test_soft_404_by_content_and_by_probe(crawl):
    assert crawl["t"]["/soft.html"]["error"] == "soft-404"
    assert "不存在页面" in crawl["t"]["/xx/old.html"]["error"]
    probes = [p for _, p in crawl["log"] if "not-found" in p]
    assert any(p.startswith("/xx/zwgk-") for p in probes) and len(probes) == len(set(probes))


def test_retry_after_honoured(crawl):
    times = [p for _, p in crawl["log"] if p == "/limit.html"]
    assert len(times) == 2
    assert crawl["t"]["/limit.html"]["state"] == "ok"


def test_redirect_chain_recorded(crawl):
    assert '"/chain2"' not in (crawl["t"]["/chain1"]["redirects"] or "")  # absolute URLs
    assert "chain2" in crawl["t"]["/chain1"]["redirects"] and crawl["t"]["/chain1"]["redirects"].count("http") == 3


def test_refused_and_dead_hosts(crawl):
    refused = crawl["extra"]["refused"] + "/x.html"
    dead = crawl["extra"]["dead"] + "/"
    rows = {k: v for k, v in crawl["t"].items() if k.startswith("http")}
    assert rows[refused]["state"] == "broken" and rows[refused]["error"] == "连接被拒绝"
    assert rows[dead]["state"] == "broken" and "无响应" in rows[dead]["error"]


def test_wrong_links_never_requested(crawl):
    t = crawl["t"]
    assert t["http://192.168.1.5/oa/a.doc"]["state"] == "wrong"
    assert t["file:///C:/公文/a.doc"]["state"] == "wrong"


def test_same_page_fragment(crawl):
    assert crawl["t"]["/#here"]["state"] == "ok"


def test_each_url_requested_once_per_method(crawl):
    # exceptions: the Retry-After retry, and /ok.html, which is both linked and the end of the
    # /chain1 redirect chain checked at the same time (known limit: both are in flight at once)
    counts = Counter(crawl["log"])
    twice = {k: n for k, n in counts.items() if n > 1 and k[1] not in ("/limit.html", "/ok.html")}
    assert not twice, twice


def test_every_link_kept_with_its_source_and_text(crawl):
    texts = {(t, x) for s, t, x in crawl["links"] if s == crawl["url"]}
    assert (crawl["url"] + "gone.html", "已删除") in texts
    assert (crawl["url"] + "ok.html#nosuch", "坏锚点") in texts
