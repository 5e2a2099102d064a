"""The sample-site server: loopback only, special responses, charsets, placeholders, the CLI."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from zwgk.samplesite.server import SampleServer, serve


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=10) as c:
        yield c


def test_binds_loopback_only(server) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.external_url.startswith("http://localhost:")
    assert all(host == "127.0.0.1" for host, _ in server.bound_addresses)
    # not reachable on another local address of this machine (when it has one)
    try:
        other = socket.gethostbyname(socket.gethostname())
    except OSError:
        other = "127.0.0.1"
    if not other.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((other, server.port), timeout=2).close()


def test_refuses_other_hosts(site: Path) -> None:
    with pytest.raises(ValueError):
        SampleServer(site, host="0.0.0.0")


def test_serves_every_document(server, key: dict) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        for d in key["documents"]:
            r = c.get(d["path"])
            assert r.status_code == 200, d["path"]
            assert d["title"].split("《")[0][:8] in r.text


def test_homepage_placeholders_substituted(client, server) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert "__EXTERNAL__" not in r.text and "__SITE__" not in r.text
    assert f'href="{server.external_url}conac/cert?sitecode=' in r.text
    assert f'href="{server.url}"' in r.text
    assert "政府信息公开" in r.text


def test_gbk_subsite(client, key: dict) -> None:
    office = next(o for o in key["offices"] if o["encoding"] == "gbk")
    r = client.get(office["root"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=gbk"
    text = r.content.decode("gbk")
    assert office["full_name"] in text
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    doc = next(d for d in key["documents"] if d["office"] == office["name"] and d["doc_number"])
    assert doc["doc_number"] in client.get(doc["path"]).content.decode("gbk")


@pytest.mark.parametrize("path,status", [("/ysqgk/", 403), ("/hdjl/xzxx/", 412), ("/xxgk/sjkf/", 429),
                                         ("/hdjl/zxft/", 500)])
def test_special_statuses(client, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    if status == 429:
        assert int(r.headers["retry-after"]) > 0


def test_redirect_chain_to_200(server) -> None:
    r = httpx.get(server.url + "bsfw/", follow_redirects=True)
    assert r.status_code == 200 and [h.status_code for h in r.history] == [301, 302]


def test_redirect_chain_to_404(server) -> None:
    r = httpx.get(server.url + "xxgk/zcjd/wqjd/", follow_redirects=True)
    assert r.status_code == 404 and [h.status_code for h in r.history] == [301, 302]


def test_redirect_loop(server) -> None:
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(server.url + "hdjl/wsdc/", follow_redirects=True, timeout=10)


def test_soft_404_only_in_its_subsite(client, key: dict) -> None:
    soft = next(f for f in key["defects"] if f.get("error") == "soft-404")
    r = client.get(soft["url"])
    assert r.status_code == 200 and "页面不存在" in r.text
    r = client.get("/xxgk/no-such-page.html")
    assert r.status_code == 404 and "页面不存在" in r.text


def test_planted_broken_and_inconclusive_links_answer_as_keyed(server, client, key: dict) -> None:
    for f in key["defects"]:
        if f["check"] not in ("broken-link", "inconclusive-link") or f.get("error") == "redirect-loop":
            continue
        url = f["url"].replace("__EXTERNAL__/", server.external_url)
        r = httpx.get(url if url.startswith("http") else server.url + url.lstrip("/"), follow_redirects=True)
        assert r.status_code == f["status"], f


def test_external_server(server) -> None:
    assert httpx.get(server.external_url + "gov/").status_code == 200
    assert httpx.get(server.external_url + "conac/cert?sitecode=1").status_code == 200
    assert httpx.get(server.external_url + "no/such/page.html").status_code == 404


def test_query_string_list_pages(client, key: dict) -> None:
    col = next(c for c in key["columns"] if any("?page=" in p for p in c["list_paths"]))
    first, second = client.get(col["list_paths"][0]), client.get(col["list_paths"][1])
    assert first.status_code == second.status_code == 200
    assert first.text != second.text
    assert 'href="?page=2"' in first.text
    # unknown query strings fall back to the plain file, like a static server
    assert client.get(col["path"] + "?page=1").text == first.text


def test_trs_and_next_last_pages_exist(client, key: dict) -> None:
    for c in key["columns"]:
        for p in c["list_paths"]:
            assert client.get(p).status_code == 200, p


def test_robots_and_directory_redirect(client) -> None:
    r = client.get("/robots.txt")
    assert r.status_code == 200 and "Disallow: /search/" in r.text
    r = client.get("/xxgk")
    assert r.status_code == 301 and r.headers["location"] == "/xxgk/"


def test_key_and_config_are_not_served(client) -> None:
    assert client.get("/answer_key.json").status_code == 404
    assert client.get("/_server.json").status_code == 404
    assert client.get("/../../etc/passwd").status_code in (400, 404)


def test_head_and_binary_types(client, key: dict) -> None:
    doc = next(d for d in key["documents"] if any(a["exists"] and a["ext"] == "pdf" for a in d["attachments"]))
    pdf = next(a for a in doc["attachments"] if a["ext"] == "pdf")
    r = client.head(pdf["path"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content == b""
    assert client.get(pdf["path"]).content.startswith(b"%PDF-")


def test_stop_releases_the_port(site: Path) -> None:
    srv = serve(site)
    port = srv.port
    assert httpx.get(srv.url).status_code == 200
    srv.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_cli_generate(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "zwgk.samplesite", "generate", str(tmp_path / "s")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "s" / "answer_key.json").is_file() and (tmp_path / "s" / "index.html").is_file()
