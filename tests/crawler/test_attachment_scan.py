"""Attachments read after a crawl: downloaded once through the network policy from a loopback
server, their personal information stored masked with the attachment's URL, what could not be
read recorded with its reason, nothing asked twice."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zwgk.crawler.attachment_scan import scan_attachments
from zwgk.crawler.netpolicy import NetworkPolicy
from zwgk.formats.pii import id_check_digit
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.write import start_crawl

from .office import values
from .office_files import docx_with, pdf_with_text, xlsx_with

OFFICE = Path(__file__).parent / "office"   # .doc / .wps / .xls saved by LibreOffice (office/make.py)

ID = "37032319900101123" + id_check_digit("37032319900101123")
ID2 = "37032319780512001" + id_check_digit("37032319780512001")
CARD = "6222021234567894"


@pytest.fixture
def site():
    files = {
        "/f/list.xlsx": xlsx_with([["姓名", "身份证号", "银行卡号"], ["王五", ID, CARD], ["赵六", "370323********5678", ""]]),
        "/f/notice.docx": docx_with(["关于某事项的通知", "联系电话：0533-6212345"]),
        "/f/roster.pdf": pdf_with_text(["Zhang San", f"ID {ID2}"]),
        "/f/big.pdf": b"%PDF-1.4\n" + b"0" * 300_000,
        "/f/old.doc": (OFFICE / "roster.doc").read_bytes(),
        "/f/notice.wps": (OFFICE / "kingsoft.wps").read_bytes(),
        "/f/table.xls": (OFFICE / "roster.xls").read_bytes(),
        "/f/locked.xls": (OFFICE / "encrypted.xls").read_bytes(),
        "/f/page.doc": "<html><body><p>Word 另存为的网页</p></body></html>".encode(),
    }
    log = []

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            log.append(self.path)
            if self.path == "/f/moved.pdf":
                self.send_response(302)
                self.send_header("Location", "http://www.example.gov.cn/f/roster.pdf")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            body = body or b"not here"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", log
    server.shutdown()


def _crawl(db_url: str, base: str) -> int:
    att = lambda name, ext: {"url": f"{base}/f/{name}", "name": name, "ext": ext}  # noqa: E731
    with open_db(db_url).begin() as s:
        crawl = start_crawl(s, base + "/")
        crawl.status = "finished"
        s.add_all([
            m.Document(crawl_id=crawl.id, url=f"{base}/d1.html", title="补贴名单",
                       attachments=[att("list.xlsx", "xlsx"), att("notice.docx", "docx"), att("table.xls", "xls")],
                       content_hits=[{"kind": "mobile", "value": "138****5678", "offset": 3, "context": "x",
                                      "sure": False}]),
            m.Document(crawl_id=crawl.id, url=f"{base}/d2.html", title="公示",
                       attachments=[att("roster.pdf", "pdf"), att("list.xlsx", "xlsx"), att("old.doc", "doc"),
                                    att("gone.pdf", "pdf"), att("big.pdf", "pdf"), att("moved.pdf", "pdf"),
                                    att("broken.pdf", "pdf"), att("notice.wps", "wps"), att("locked.xls", "xls"),
                                    att("page.doc", "doc"), att("slides.ppt", "ppt")]),
            m.LinkTarget(crawl_id=crawl.id, url=f"{base}/f/broken.pdf", state="broken", kind="附件", status=404),
        ])
        return crawl.id


def _hits(db_path) -> dict:
    db = sqlite3.connect(db_path)
    return {u.rsplit("/", 1)[1]: json.loads(h) for u, h in db.execute("SELECT url, content_hits FROM document")}


def test_attachments_are_read_once_and_their_hits_stored_masked(tmp_path, site):
    base, log = site
    db_url = f"sqlite:///{tmp_path / 'z.db'}"
    crawl_id = _crawl(db_url, base)
    counts = scan_attachments(open_db(db_url), crawl_id, NetworkPolicy("loopback"), delay=0, max_bytes=200_000)

    # list.xlsx is shared by both documents: asked once; the .ppt (a format not read) and the
    # broken link not at all
    assert sorted(log) == ["/f/big.pdf", "/f/gone.pdf", "/f/list.xlsx", "/f/locked.xls", "/f/moved.pdf",
                           "/f/notice.docx", "/f/notice.wps", "/f/old.doc", "/f/page.doc", "/f/roster.pdf",
                           "/f/table.xls"]
    assert counts == {"read": 6, "unread": 5, "hits": 12, "skipped": 0}

    hits = _hits(tmp_path / "z.db")
    d1 = hits["d1.html"]
    assert d1[0]["kind"] == "mobile" and "attachment" not in d1[0]        # the page's own hit kept
    found = {(h["attachment"].rsplit("/", 1)[1], h["kind"], h["value"]) for h in d1 if h["kind"] not in ("read", "unread")
             and "attachment" in h}
    masked_id = values.ID[:6] + "********" + values.ID[-4:]
    assert found == {("list.xlsx", "id_card", ID[:6] + "********" + ID[-4:]),
                     ("list.xlsx", "bank_card", CARD[:4] + "********" + CARD[-4:]),
                     ("table.xls", "id_card", masked_id), ("table.xls", "bank_card", CARD[:4] + "********" + CARD[-4:]),
                     ("table.xls", "mobile", values.MOBILE[:3] + "****" + values.MOBILE[-4:])}
    assert {h["attachment"].rsplit("/", 1)[1] for h in d1 if h["kind"] == "read"} == {"list.xlsx", "notice.docx",
                                                                                        "table.xls"}

    d2 = hits["d2.html"]
    d2_hits = {(h["attachment"].rsplit("/", 1)[1], h["kind"], h.get("value")) for h in d2 if "attachment" in h}
    assert ("roster.pdf", "id_card", ID2[:6] + "********" + ID2[-4:]) in d2_hits
    for name in ("old.doc", "notice.wps"):     # Word 97-2003 and WPS 文字: the table's row read
        assert {(name, "id_card", masked_id), (name, "bank_card", CARD[:4] + "********" + CARD[-4:]),
                (name, "mobile", values.MOBILE[:3] + "****" + values.MOBILE[-4:])} <= d2_hits
    unread = {h["attachment"].rsplit("/", 1)[1]: h["error"] for h in d2 if h["kind"] == "unread"}
    assert unread["gone.pdf"] == "HTTP 404"
    assert "MB" in unread["big.pdf"]
    assert unread["moved.pdf"]                       # a redirect off this machine: refused, not followed
    assert unread["locked.xls"] == "XLS 文件已加密，无法读取"
    assert unread["page.doc"] == "不支持读取的格式（网页文件）"
    assert set(unread) == {"gone.pdf", "big.pdf", "moved.pdf", "locked.xls", "page.doc"}

    dump = (tmp_path / "z.db").read_bytes()
    assert ID.encode() not in dump and ID2.encode() not in dump and CARD.encode() not in dump
    assert values.ID.encode() not in dump and values.MOBILE.encode() not in dump

    # again (a resumed run, an incremental copy): nothing is asked twice, nothing added twice
    log.clear()
    assert scan_attachments(open_db(db_url), crawl_id, NetworkPolicy("loopback"), delay=0)["read"] == 0
    assert log == [] and _hits(tmp_path / "z.db") == hits


def test_max_files_bounds_the_downloads(tmp_path, site):
    base, log = site
    db_url = f"sqlite:///{tmp_path / 'z.db'}"
    crawl_id = _crawl(db_url, base)
    counts = scan_attachments(open_db(db_url), crawl_id, NetworkPolicy("loopback"), delay=0, max_files=1)
    assert len(log) == 1 and counts["read"] + counts["unread"] == 1 and counts["skipped"] >= 1


def test_a_crawl_that_did_not_finish_is_left_alone(tmp_path, site):
    base, log = site
    db_url = f"sqlite:///{tmp_path / 'z.db'}"
    crawl_id = _crawl(db_url, base)
    with open_db(db_url).begin() as s:
        s.get(m.Crawl, crawl_id).status = "interrupted"
    assert scan_attachments(open_db(db_url), crawl_id, NetworkPolicy("loopback"), delay=0)["read"] == 0
    assert log == []
