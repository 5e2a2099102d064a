"""Cookie gates a plain client can pass are passed; one that needs a real browser is 'could not
be read', never broken. A small county site behind each gate, served on 127.0.0.1."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zwgk.crawler.middlewares import gate_cookie

JSL = ("<html><body><script>document.cookie=('__jsl_clearance_s=1700000000.123|0|')+('kPq9dA%3D')+"
       "(';max-age=3600;path=/');location.href=location.pathname+location.search</script></body></html>")
RUISHU = ("<html><head><meta charset=utf-8><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;"
          "$_ts.cd='qXxr…';</script><script src='/abc.js' r='m'></script></head><body></body></html>")


def test_gate_cookie_reads_literal_scripts_only():
    assert gate_cookie(JSL) == ("__jsl_clearance_s", "1700000000.123|0|kPq9dA%3D")
    assert gate_cookie("<script>document.cookie=_0x3a(12)+'x';location.reload()</script>") is None
    assert gate_cookie(RUISHU) is None


def _page(title, body):
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}"
            "<div class='footer'>网站标识码：3703230002</div></body></html>").encode("utf-8")


DOCS = {f"/xxgk/tzgg/t2023092{i}_{i}.html": f"关于做好第{i}批次重点工作的通知" for i in range(1, 6)}


def _site(gate: str):
    """gate: 'jsl' (521 + cookie script), 'self' (302 to itself with Set-Cookie), 'ruishu' (412 + $_ts)."""
    log = []

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            log.append(self.path)
            cookie = self.headers.get("Cookie") or ""
            if self.path == "/robots.txt":
                return self._send(404, b"")
            passed = {"jsl": "__jsl_clearance_s=" in cookie, "self": "gate=ok" in cookie, "ruishu": False}[gate]
            if not passed:
                if gate == "jsl":
                    return self._send(521, JSL.encode())
                if gate == "self":
                    return self._send(302, b"", {"Location": self.path, "Set-Cookie": "gate=ok; Path=/"})
                return self._send(412, RUISHU.encode())
            if self.path == "/":
                return self._send(200, _page("甲县人民政府", '<a href="/xxgk/">政府信息公开</a>'))
            if self.path == "/xxgk/":
                menu = '<ul class="menu"><li><a href="/xxgk/tzgg/">通知公告</a></li><li><a href="/xxgk/zcjd/">政策解读</a></li></ul>'
                return self._send(200, _page("政府信息公开", menu))
            if self.path in ("/xxgk/tzgg/", "/xxgk/zcjd/"):
                rows = "".join(f'<li><a href="{u}">{t}</a><span>2023-09-2{u[-6]}</span></li>' for u, t in DOCS.items()
                               if self.path == "/xxgk/tzgg/")
                return self._send(200, _page("通知公告", f'<ul class="list">{rows}</ul>'))
            if self.path in DOCS:
                t = DOCS[self.path]
                return self._send(200, _page(t, f"<h1>{t}</h1><p>发布日期：2023-09-21</p>" + "<p>正文内容。</p>" * 20))
            return self._send(404, _page("404", "页面不存在"))

        def _send(self, status, body, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, log


def _run(tmp_path, gate):
    server, log = _site(gate)
    try:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", f"http://127.0.0.1:{server.server_address[1]}/",
                            "--db", f"sqlite:///{tmp_path / 'z.db'}", "--network", "loopback", "--delay", "0"],
                           capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
    db = sqlite3.connect(tmp_path / "z.db")
    docs = {u.split("/", 3)[3] for (u,) in db.execute("SELECT url FROM document")}
    states = {u.split("/", 3)[3]: (s, e) for u, s, e in db.execute("SELECT url, state, error FROM link_target")}
    return p, docs, states, log


@pytest.mark.parametrize("gate", ["jsl", "self"])
def test_a_gate_a_plain_client_can_pass_is_passed(tmp_path, gate):
    p, docs, states, _ = _run(tmp_path, gate)
    assert p.returncode == 0, p.stderr[-2000:]
    assert docs == {u.lstrip("/") for u in DOCS}
    assert not [u for u, (s, e) in states.items() if s == "broken"], states


def test_a_gate_needing_a_browser_is_not_called_broken(tmp_path):
    p, docs, states, _ = _run(tmp_path, "ruishu")
    assert p.returncode != 0 and "无法访问" in p.stderr  # nothing could be read: no audit of nothing
    assert states[""][0] == "inconclusive", states
