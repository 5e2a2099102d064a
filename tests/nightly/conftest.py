"""Loopback receivers for notifications: a webhook (HTTP POST) and an SMTP sink."""
from __future__ import annotations

import json
import socketserver
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - stdlib name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append({"path": self.path, "type": self.headers.get("Content-Type"),
                                     "json": json.loads(body.decode("utf-8"))})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


def start_webhook() -> ThreadingHTTPServer:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    srv.received = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/hook"
    return srv


@pytest.fixture
def webhook():
    srv = start_webhook()
    yield srv
    srv.shutdown()
    srv.server_close()


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        w = lambda s: self.wfile.write((s + "\r\n").encode())  # noqa: E731
        w("220 127.0.0.1 sink")
        mail = {"from": None, "to": [], "data": b""}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            up = cmd.upper()
            if up.startswith(("EHLO", "HELO")):
                w("250 127.0.0.1")
            elif up.startswith("MAIL FROM:"):
                mail["from"] = cmd[10:].strip(" <>")
                w("250 OK")
            elif up.startswith("RCPT TO:"):
                mail["to"].append(cmd[8:].strip(" <>"))
                w("250 OK")
            elif up == "DATA":
                w("354 end with .")
                data = []
                while (ln := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(ln[1:] if ln.startswith(b"..") else ln)
                mail["data"] = b"".join(data)
                mail["message"] = message_from_bytes(mail["data"], policy=policy.default)
                self.server.received.append(mail)
                mail = {"from": None, "to": [], "data": b""}
                w("250 OK")
            elif up == "QUIT":
                w("221 bye")
                return
            else:
                w("250 OK")


def start_smtp() -> socketserver.ThreadingTCPServer:
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    srv.daemon_threads = True
    srv.received = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    srv.hostport = f"127.0.0.1:{srv.server_address[1]}"
    return srv


@pytest.fixture
def smtp_sink():
    srv = start_smtp()
    yield srv
    srv.shutdown()
    srv.server_close()
