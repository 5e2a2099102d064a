"""A site with a 3,000+ character link, crawled into PostgreSQL: the run finishes, the link is stored
and reported whole. (It used to overflow VARCHAR(2048): the batch of rows with the home page was
refused, and the run blamed the site — "无法访问 …".)"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import create_engine, text

from zwgk.samplesite.server import serve

from .conftest import zwgk


def _random_looking(n: int) -> str:
    s = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(n // 64 + 1))
    return s[:n]


def test_a_3000_character_link_is_stored_and_reported_whole(pg_url, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    path = "/xxgk/missing.html?token=" + _random_looking(3100)
    (site / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>示例县人民政府</title></head><body>"
        "<h1>示例县人民政府</h1><a href='/xxgk/'>政府信息公开</a>"
        f"<a href='{path}'>{'很长的链接文字' * 100}</a></body></html>", encoding="utf-8")
    (site / "xxgk").mkdir()
    (site / "xxgk" / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>政府信息公开</title></head><body>"
        "<a href='/'>首页</a></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    with serve(site) as server:
        p = zwgk("run", server.url, "--out", str(out), "--db", pg_url, "--network", "loopback", "--delay", "0",
                 "--as-of", "2023-11-30")
        long_url = server.url.rstrip("/") + path
    assert p.returncode == 0, p.stderr[-3000:]
    assert "无法访问" not in p.stderr and "数据库写入失败" not in p.stderr
    assert len(long_url) > 3000
    engine = create_engine(pg_url)
    with engine.connect() as c:
        assert c.execute(text("SELECT status FROM crawl")).scalar_one() == "finished"
        links = c.execute(text("SELECT target_url, text FROM link WHERE length(target_url) > 3000")).all()
        targets = c.execute(text("SELECT url FROM link_target WHERE length(url) > 3000")).scalars().all()
    engine.dispose()
    assert [u for u, _ in links] == [long_url]
    assert links[0][1].endswith("…[截断]") and len(links[0][1]) == 500  # 700 characters of link text, cut visibly
    assert targets == [long_url]  # checked as a link (never crawled into), and stored whole
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [f["url"] for f in results["findings"] if f["check"] == "broken-link"] == [long_url]
    engine = create_engine(pg_url)
    with engine.connect() as c:  # the finding as stored for history (new / fixed across runs)
        stored = c.execute(text("SELECT url FROM finding WHERE \"check\" = 'broken-link'")).scalars().all()
    engine.dispose()
    assert stored == [long_url]
