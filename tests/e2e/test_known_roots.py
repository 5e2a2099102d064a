"""A homepage that shows its way into the disclosure column only by script (an onclick, an image
map without hrefs): the platforms' well-known paths are asked, the one that answers as a
disclosure column is crawled, and the ones that do not exist are no finding (no page links them)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.fixtures.loopback import serve_pages

DOCS = {f"/zfxxgk/fdzdgknr/tzgg/202309/t2023092{i}_{i}.html": f"关于做好第{i}批次重点工作的通知" for i in range(1, 6)}
COLUMNS = {"/zfxxgk/fdzdgknr/tzgg/": "通知公告", "/zfxxgk/fdzdgknr/zcjd/": "政策解读",
           "/zfxxgk/fdzdgknr/ghjh/": "规划计划", "/zfxxgk/zfxxgkzn/": "政府信息公开指南"}


def _page(title, body):
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}"
            "<div class='footer'>网站标识码：3703230002</div></body></html>").encode("utf-8")


def _site(root: str | None):
    """root: where the disclosure column lives (None: nowhere — the site has none to find)."""
    log = []

    def answer(path, headers):
        log.append(path)
        if path == "/":
            home = ('<div class="nav"><a href="javascript:void(0)" onclick="window.open(\'/zfxxgk/\')">'
                    '<img src="/img/gk.png"></a><a href="/xwzx/">新闻中心</a></div>')
            return 200, _page("乙县人民政府", home)
        if root and path == root:
            menu = "".join(f'<li><a href="{u}">{n}</a></li>' for u, n in COLUMNS.items())
            return 200, _page("政府信息公开", f'<ul class="menu">{menu}</ul>')
        if root and path in COLUMNS:
            rows = "".join(f'<li><a href="{u}">{t}</a><span>2023-09-2{u[-6]}</span></li>' for u, t in DOCS.items()
                           if path.endswith("/tzgg/"))
            script = ("<script>$.ajax({type: 'POST', url: '/gov/api/infoList', data: {catalogId: 9}, "
                      "success: function (d) { render(d); }});</script>" if path.endswith("/ghjh/") else "")
            return 200, _page(COLUMNS[path], f'<ul class="list">{rows}</ul>{script}')
        if root and path in DOCS:
            t = DOCS[path]
            return 200, _page(t, f"<h1>{t}</h1><p>发布日期：2023-09-21</p>" + "<p>正文内容。</p>" * 20)
        return 404, _page("404", "页面不存在")

    server = serve_pages(answer)
    return server, log


def _crawl(tmp_path, root):
    server, log = _site(root)
    try:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", f"http://127.0.0.1:{server.server_address[1]}/",
                            "--db", f"sqlite:///{tmp_path / 'z.db'}", "--network", "loopback", "--delay", "0"],
                           capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
    db = sqlite3.connect(tmp_path / "z.db")
    docs = {u.split("/", 3)[3] for (u,) in db.execute("SELECT url FROM document")}
    targets = {u.split("/", 3)[3]: s for u, s in db.execute("SELECT url, state FROM link_target")}
    _crawl.columns = {u.split("/", 3)[3]: e for u, e in db.execute("SELECT url, read_error FROM site_column")}
    return p, docs, targets, log


def test_a_disclosure_column_linked_only_by_script_is_found_at_its_well_known_path(tmp_path):
    p, docs, targets, log = _crawl(tmp_path, "/zfxxgk/")
    assert p.returncode == 0, p.stderr[-2000:]
    assert docs == {u.lstrip("/") for u in DOCS}
    # the paths asked that do not exist are not links of the site: no broken-link rows for them
    assert "/xxgk/" in log and "xxgk/" not in targets and "zwgk/" not in targets
    # a list its page fills by script from an interface could not be read (never blank); an
    # empty list is read (blank indeed)
    assert "/gov/api/infoList" in (_crawl.columns["zfxxgk/fdzdgknr/ghjh/"] or "")
    assert _crawl.columns["zfxxgk/fdzdgknr/zcjd/"] is None


@pytest.mark.parametrize("root", [None])
def test_nothing_answering_at_the_well_known_paths_adds_nothing(tmp_path, root):
    p, docs, targets, log = _crawl(tmp_path, root)
    assert docs == set()
    assert not [u for u, s in targets.items() if s == "broken" and u.rstrip("/") in ("xxgk", "zwgk", "zfxxgk", "public")]
