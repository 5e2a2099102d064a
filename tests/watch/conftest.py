"""A loopback HTTP server (127.0.0.1) that answers each path by a plan of behaviours, taken in
turn and repeated: ok, 5xx, slow (past the probe's time limit), drip (a body too slow to finish),
reset (TCP RST), drop (closed without an answer), 403, redirect:URL."""
from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class PlanServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, plans: dict[str, list[str]], slow_s: float = 1.0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.plans, self.slow_s = plans, slow_s
        self.hits: dict[str, int] = {}
        self.hosts: list[str] = []  # the Host header of every request
        self.lock = threading.Lock()

    def handle_error(self, request, client_address):  # a client that gave up (timed out) is expected
        pass

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def next_behaviour(self, path: str) -> str:
        with self.lock:
            n = self.hits.get(path, 0)
            self.hits[path] = n + 1
        plan = self.plans.get(path) or self.plans.get("*") or ["ok"]
        return plan[n % len(plan)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes = b"<html><body>\xe9\xa6\x96\xe9\xa1\xb5</body></html>", **headers):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        srv: PlanServer = self.server
        srv.hosts.append(self.headers.get("Host", ""))
        b = srv.next_behaviour(self.path)
        if b == "ok":
            self._send(200)
        elif b.isdigit():
            self._send(int(b), b"error")
        elif b == "slow":
            time.sleep(srv.slow_s)
            self._send(200)
        elif b == "drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(srv.slow_s / 10)
        elif b == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif b == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif b.startswith("redirect:"):
            self._send(302, b"", Location=b.split(":", 1)[1])
        else:
            raise ValueError(b)


@pytest.fixture
def plan_server():
    """plan_server(plans, slow_s=…) → a started PlanServer; all are shut down after the test."""
    servers = []

    def start(plans: dict[str, list[str]], slow_s: float = 1.0) -> PlanServer:
        s = PlanServer(plans, slow_s)
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()
