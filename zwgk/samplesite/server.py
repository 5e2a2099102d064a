"""Loopback HTTP server for the generated sample site, plus a second one standing in for external sites.

`serve(root)` starts both in daemon threads. The site server reads `root/_server.json` (written by
the generator) for special responses: fixed statuses (403/412/429/500), redirect chains and a loop,
a soft-404 sub-site, per-prefix charsets and query-string list pages (`/col/?page=2` is the stored
file `col/index.html@page-2`). Text responses have `__SITE__` / `__EXTERNAL__` replaced by the two
servers' base URLs. Both servers bind 127.0.0.1 only; the external one is addressed as `localhost`
so that it is a different host name.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import posixpath
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"
TEXT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".jsp": "text/html",
    ".css": "text/css", ".js": "application/javascript", ".txt": "text/plain", ".xml": "text/xml",
    ".json": "application/json",
}
BINARY_TYPES = {
    ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".wps": "application/kswps", ".zip": "application/zip", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".ico": "image/x-icon", ".mp4": "video/mp4",
}
INDEX_FILES = ("index.html", "index.htm", "index.shtml")
STATUS_PAGES = {
    403: ("403 Forbidden", "您的访问请求已被拦截（安全防护），请稍后再试。"),
    412: ("访问被拒绝", "请求未通过安全校验（412）。"),
    429: ("访问过于频繁", "您的访问过于频繁，请稍后再试。"),
    500: ("500 服务器内部错误", "服务器发生错误，请联系网站管理员。"),
}


def _page(title: str, message: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><h2>{title}</h2><p>{message}</p></body></html>').encode("utf-8")


class _Quiet:
    verbose = False
    # headers and body go out in two writes; without TCP_NODELAY keep-alive clients wait ~40 ms
    # per response for the delayed ACK
    disable_nagle_algorithm = True

    extra_headers: tuple[tuple[str, str], ...] = ()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.verbose:
            super().log_message(format, *args)  # type: ignore[misc]

    def end_headers(self) -> None:
        for name, value in self.extra_headers:
            self.send_header(name, value)  # type: ignore[attr-defined]
        super().end_headers()  # type: ignore[misc]


class Gauge:
    """Requests in flight, shared by any number of servers: the most ever seen at once (tests of
    per-host politeness across workers read `peak`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> "Gauge":
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        return self

    def __exit__(self, *exc: Any) -> None:
        with self._lock:
            self.now -= 1


class SiteHandler(_Quiet, BaseHTTPRequestHandler):
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    root: Path
    cfg: dict
    urls: dict[str, str]

    gauge: Gauge | None = None
    latency = 0.0
    jitter = None  # random.Random: a delay of 0 … max_jitter s per answer, so answers come back in another order
    max_jitter = 0.0

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        if self.gauge is None and not self.latency and self.jitter is None:
            return self.handle_request(head)
        # in flight: from the request's arrival until its answer starts. The gauge is left before
        # the answer is written: a client that has read an answer may send its next request at
        # once, before this thread would get the interpreter back to count the first one done
        with self.gauge or Gauge():
            delay = self.latency
            if self.jitter is not None:
                with self.gauge_lock:
                    delay += self.jitter.uniform(0, self.max_jitter)
            time.sleep(delay)  # a server that takes its time: requests overlap
        self.handle_request(head)

    # --------------------------------------------------------------------------------------------
    def handle_request(self, head: bool) -> None:
        self.log.append((self.command, self.path))
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        query = parts.query
        cfg = self.cfg
        if path in cfg.get("hidden", ()):
            return self.not_found(path, head)
        status = cfg.get("status", {}).get(path)
        if status:
            headers = {"Retry-After": str(cfg.get("retry_after", 120))} if status == 429 else {}
            return self.send(status, _page(*STATUS_PAGES.get(status, (str(status), ""))), "text/html; charset=utf-8",
                             head, headers)
        redirect = cfg.get("redirects", {}).get(path)
        if redirect:
            code, target = redirect
            return self.send(code, b"", "text/html; charset=utf-8", head, {"Location": target})
        file = self.resolve(path)
        if file is not None and file.is_dir():
            if not path.endswith("/"):
                loc = path + "/" + (f"?{query}" if query else "")
                return self.send(301, b"", "text/html; charset=utf-8", head, {"Location": loc})
            file = next((file / n for n in INDEX_FILES if (file / n).is_file()), None)
        if file is not None and query:
            variant = file.with_name(file.name + cfg.get("query_file_separator", "@") +
                                     query.replace("=", "-").replace("&", "_"))
            if variant.is_file():
                return self.send_file(file, variant, path, head)
        if file is None or not file.is_file():
            return self.not_found(path, head)
        self.send_file(file, file, path, head)

    def resolve(self, path: str) -> Path | None:
        norm = posixpath.normpath(path)
        if ".." in norm.split("/"):
            return None
        file = self.root / norm.lstrip("/")
        try:
            file.resolve().relative_to(self.root.resolve())
        except ValueError:
            return None
        return file if file.exists() else None

    def charset(self, path: str) -> str:
        best, cs = "", "utf-8"
        for prefix, value in self.cfg.get("charsets", {}).items():
            if path.startswith(prefix) and len(prefix) > len(best):
                best, cs = prefix, value
        return cs

    def send_file(self, name_file: Path, data_file: Path, path: str, head: bool) -> None:
        ext = name_file.suffix.lower()
        data = data_file.read_bytes()
        if ext in TEXT_TYPES:
            cs = self.charset(path)
            data = self.substitute(data, cs)
            ctype = f"{TEXT_TYPES[ext]}; charset={cs}"
        else:
            ctype = BINARY_TYPES.get(ext) or mimetypes.guess_type(name_file.name)[0] or "application/octet-stream"
        # validators like nginx's: an unchanged file answers a conditional request with 304
        etag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            self.not_modified.append(self.path)  # as requested, query included
            return self.send(304, b"", ctype, True, {"ETag": etag})
        self.send(200, data, ctype, head, {"ETag": etag})

    def substitute(self, data: bytes, charset: str) -> bytes:
        if b"__SITE__" not in data and b"__EXTERNAL__" not in data:
            return data
        text = data.decode(charset, errors="surrogateescape")
        text = text.replace("__SITE__", self.urls["site"].rstrip("/")).replace(
            "__EXTERNAL__", self.urls["external"].rstrip("/"))
        return text.encode(charset, errors="surrogateescape")

    def not_found(self, path: str, head: bool) -> None:
        for prefix, page in self.cfg.get("soft404", {}).items():
            if path.startswith(prefix):
                f = self.resolve(page)
                if f is not None and f.is_file():
                    # many CMSs answer missing pages with 200 and a "页面不存在" page
                    return self.send(200, f.read_bytes(), f"text/html; charset={self.charset(page)}", head)
        page = self.cfg.get("not_found_page")
        f = self.resolve(page) if page else None
        body = f.read_bytes() if f is not None and f.is_file() else _page("404 页面不存在", "您访问的页面不存在。")
        self.send(404, body, "text/html; charset=utf-8", head)

    def send(self, code: int, body: bytes, ctype: str, head: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)


class ExternalHandler(_Quiet, BaseHTTPRequestHandler):
    """Stands in for 中国政府网, 山东省政府, the 党政机关网站标识 certificate page, …: known paths 200, others 404."""
    server_version = "Apache"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    pages: dict[str, str]

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        self.log.append((self.command, self.path))
        path = unquote(urlsplit(self.path).path)
        if path == "/robots.txt":
            code, body, ctype = 200, b"User-agent: *\nDisallow:\n", "text/plain; charset=utf-8"
        elif path in self.pages:
            code, body, ctype = 200, _page(self.pages[path], "（外部网站模拟页面）"), "text/html; charset=utf-8"
        else:
            code, body, ctype = 404, _page("404 Not Found", "页面不存在"), "text/html; charset=utf-8"
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's default listen backlog of 5 drops connections of busy clients


class SampleServer:
    """The running pair of servers. `url` is the site, `external_url` the stand-in for other hosts."""

    def __init__(self, root: Path, host: str = LOOPBACK, port: int = 0, *, verbose: bool = False,
                 gauge: Gauge | None = None, latency: float = 0.0, headers: dict[str, str] | None = None,
                 jitter: tuple[int, float] | None = None):
        if host not in (LOOPBACK, "localhost"):
            raise ValueError("the sample site binds 127.0.0.1 only")
        self.root = Path(root)
        cfg_file = self.root / "_server.json"
        cfg = json.loads(cfg_file.read_text(encoding="utf-8")) if cfg_file.is_file() else {}
        urls: dict[str, str] = {}
        # every request as (method, path), for tests that count what a crawler asked for
        self.requests: list[tuple[str, str]] = []
        self.not_modified: list[str] = []  # request paths (with their query) answered 304
        self.external_requests: list[tuple[str, str]] = []
        extra = tuple((headers or {}).items())
        ext_handler = type("BoundExternalHandler", (ExternalHandler,),
                           {"pages": cfg.get("external_pages", {}), "verbose": verbose,
                            "log": self.external_requests, "extra_headers": extra})
        site_handler = type("BoundSiteHandler", (SiteHandler,),
                            {"root": self.root, "cfg": cfg, "urls": urls, "verbose": verbose,
                             "log": self.requests, "not_modified": self.not_modified, "gauge": gauge,
                             "latency": latency, "extra_headers": extra,
                             "jitter": random.Random(jitter[0]) if jitter else None,
                             "max_jitter": jitter[1] if jitter else 0.0, "gauge_lock": threading.Lock()})
        self._external = _Server((LOOPBACK, 0), ext_handler)
        try:
            self._site = _Server((LOOPBACK, port), site_handler)
        except OSError:
            self._external.server_close()
            raise
        self.host = LOOPBACK
        self.port = self._site.server_address[1]
        self.external_port = self._external.server_address[1]
        self.url = f"http://{LOOPBACK}:{self.port}/"
        self.external_url = f"http://localhost:{self.external_port}/"
        urls.update(site=self.url, external=self.external_url)
        self._threads = [threading.Thread(target=s.serve_forever, name=f"samplesite-{n}", daemon=True)
                         for n, s in (("site", self._site), ("external", self._external))]
        for t in self._threads:
            t.start()

    @property
    def bound_addresses(self) -> list[tuple[str, int]]:
        return [self._site.server_address[:2], self._external.server_address[:2]]

    def stop(self) -> None:
        for s in (self._site, self._external):
            s.shutdown()
            s.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> "SampleServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve(root: Path, host: str = LOOPBACK, port: int = 0, *, verbose: bool = False, gauge: Gauge | None = None,
          latency: float = 0.0, headers: dict[str, str] | None = None,
          jitter: tuple[int, float] | None = None) -> SampleServer:
    """Start the sample site under `root` on 127.0.0.1 (port 0 = any free port) and its external stand-in.
    `gauge` counts the site's requests in flight; `latency` delays every answer by that many seconds;
    `headers` are added to every answer of both servers; `jitter` = (seed, max seconds) delays each
    answer by a seeded random amount, so the same site answers in another order."""
    return SampleServer(root, host, port, verbose=verbose, gauge=gauge, latency=latency, headers=headers,
                        jitter=jitter)
