"""Accessibility end to end: a loopback site whose one notice page has known WCAG violations
(an image without alt text, an input without a label, grey-on-white text below 4.5:1) and whose
other pages are clean; `zwgk crawl --network loopback`, `zwgk a11y`, `zwgk audit`: the violations
are found on that page only, the homepage's 长者模式 link is found, and no request left the site."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from tests.fixtures.loopback import serve_pages
from zwgk.a11y import axe_path
from zwgk.a11y.browser import find_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not find_chromium(), reason="Chromium is not installed (.ci/run installs it)"),
    pytest.mark.skipif(axe_path() is None, reason="axe-core is not vendored (run scripts/setup)"),
]

HEAD = "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{t}</title></head><body>"
FOOT = "<div class='footer'>网站标识码：3703230003</div></body></html>"
BAD = "/zfxxgk/tzgg/202309/t20230921_1.html"
GOOD = "/zfxxgk/tzgg/202309/t20230922_2.html"
PAGES = {
    "/": ("丁县人民政府", ("<main><h1>丁县人民政府</h1><nav><a href='/zfxxgk/'>政府信息公开</a> "
                        "<a href='/care/'>长者模式</a></nav></main>")),
    "/zfxxgk/": ("政府信息公开", "<main><h1>政府信息公开</h1><ul><li><a href='/zfxxgk/tzgg/'>通知公告</a></li></ul></main>"),
    "/zfxxgk/tzgg/": ("通知公告", ("<main><h1>通知公告</h1><ul>"
                               f"<li><a href='{BAD}'>关于秋季防火的通知</a><span>2023-09-21</span></li>"
                               f"<li><a href='{GOOD}'>关于冬季供暖的通知</a><span>2023-09-22</span></li></ul></main>")),
    BAD: ("关于秋季防火的通知", ("<main><h1>关于秋季防火的通知</h1><p>发布日期：2023-09-21</p>"
                          "<img src='/logo.png'>"
                          "<form><input type='text' name='q'></form>"
                          "<p style='color:#bbbbbb;background:#ffffff'>各乡镇要切实做好秋季防火工作，落实责任。</p>"
                          # a subresource of another host: the browser must not request it
                          "<img src='http://127.0.0.2:9/tracker.png' alt='统计'></main>")),
    GOOD: ("关于冬季供暖的通知", ("<main><h1>关于冬季供暖的通知</h1><p>发布日期：2023-09-22</p>"
                           "<p>各单位要切实做好冬季供暖工作，保障群众温暖过冬。</p></main>")),
    "/care/": ("长者模式", "<main><h1>长者模式</h1></main>"),
}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _serve(seen: list):
    def answer(path, headers):
        seen.append(path)
        if path == "/logo.png":
            return 200, PNG, "image/png"
        if path in PAGES:
            t, body = PAGES[path]
            return 200, (HEAD.format(t=t) + body + FOOT).encode("utf-8")
        return 404, (HEAD.format(t="404") + "页面不存在" + FOOT).encode("utf-8")

    return serve_pages(answer)


def zwgk(*args: str) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=600,
                       check=False)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    return p


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("a11y")
    seen: list = []
    server = _serve(seen)
    site = f"http://127.0.0.1:{server.server_address[1]}"
    db = f"sqlite:///{tmp / 'z.db'}"
    try:
        crawl_id = zwgk("crawl", site + "/", "--db", db, "--network", "loopback", "--delay", "0").stdout.split()[-1]
        out = zwgk("a11y", "--db", db, "--crawl", crawl_id, "--pages", "12")
        zwgk("audit", "--crawl", crawl_id, "--db", db, "--checklist", "national-web-2019", "--as-of", "2023-11-30",
             "--out", str(tmp / "out"))
    finally:
        server.shutdown()
    facts = json.loads(sqlite3.connect(tmp / "z.db").execute("SELECT facts FROM crawl WHERE id = ?",
                                                              (int(crawl_id),)).fetchone()[0])
    results = json.loads((tmp / "out" / "results.json").read_text(encoding="utf-8"))
    return {"site": site, "fact": facts["accessibility"], "results": results, "out": out.stdout, "seen": seen}


def test_the_violations_of_the_bad_page_and_none_elsewhere(run):
    pages = {p["url"].removeprefix(run["site"]): p for p in run["fact"]["pages"]}
    assert set(pages) >= {"/", "/zfxxgk/", "/zfxxgk/tzgg/", BAD, GOOD}
    assert all(p["error"] is None for p in pages.values()), pages
    rules = {v["id"]: v for v in pages[BAD]["violations"]}
    assert {"image-alt", "label", "color-contrast"} <= set(rules), rules
    assert rules["image-alt"]["nodes"] == 1 and "logo.png" in rules["image-alt"]["targets"][0]["html"]
    assert rules["color-contrast"]["impact"] == "serious"
    for url, p in pages.items():
        if url != BAD:
            assert p["violations"] == [], (url, p["violations"])
    # the other host's image was blocked by the browser, never requested
    assert pages[BAD]["blocked"] == 1


def test_the_homepage_entry_point(run):
    entry = run["fact"]["entry"]
    assert [x["text"] for x in entry["links"]] == ["长者模式"]
    assert entry["links"][0]["href"].endswith("/care/")


def test_the_audit_reports_them(run):
    findings = [f for f in run["results"]["findings"] if f["check"] == "accessibility"]
    assert {(f["url"].removeprefix(run["site"]), f["rule"]) for f in findings} >= {
        (BAD, "image-alt"), (BAD, "label"), (BAD, "color-contrast")}
    assert {f["url"].removeprefix(run["site"]) for f in findings} == {BAD}
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["image-alt"]["description"] == "图片缺少替代文本（alt）"
    assert by_rule["color-contrast"]["impact"] == "较严重" and by_rule["image-alt"]["nodes"] == 1
    # the homepage's 长者模式 link: no elderly-mode finding
    assert not [f for f in run["results"]["findings"] if f["check"] == "elderly-mode"]
    assert "accessibility" in run["results"]["checks"] and "elderly-mode" in run["results"]["checks"]
    # results.json `accessibility`: the stored fact, per page and by impact
    a = run["results"]["accessibility"]
    assert [p["url"] for p in a["pages"]] == [p["url"] for p in run["fact"]["pages"]]
    assert a["pages_with_violations"] == 1 and a["entry"]["found"] is True
    assert sum(a["by_impact"].values()) == a["violations"] == len(findings)
