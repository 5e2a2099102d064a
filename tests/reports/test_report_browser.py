"""The rendered report in a real headless Chromium: what is shown, no console errors, no requests."""
from __future__ import annotations

import base64
import re
import struct
import subprocess
import time
from pathlib import Path

import pytest

from zwgk.reports.render import render_html

from .cdp import CHROMIUM, FLAGS, Browser
from .conftest import earlier_run
from .synth import big_results

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (/usr/bin/chromium; "
                       "apt-get install -y chromium)"),
]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def report_file(golden, tmp_path_factory) -> Path:
    hist = [earlier_run(golden, score=40.5, as_of="2023-05-31", drop=10, extra=4),
            earlier_run(golden, score=44.0, as_of="2023-08-31", drop=4, extra=2)]
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(golden, history=hist), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(report_file, tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as b:
        yield b.open(report_file.as_uri())


def test_no_console_errors_and_no_requests(page, report_file):
    assert page.problems() == []
    assert page.requests() == [report_file.as_uri()]
    assert page.eval("document.documentElement.classList.contains('js')"), "the report's script ran"


def test_shows_score_grade_and_escaped_hostile_text(page, golden):
    assert page.eval("document.getElementById('total-score').innerText") == f"{golden['summary']['score']} / 97"
    assert "等次：" + golden["summary"]["grade"] in page.eval("document.querySelector('.grade').innerText")
    titles = page.eval("[...document.querySelectorAll('.grp-h .gt')].map(e => e.textContent)")
    assert "<script>alert(1)</script>" in titles
    texts = page.eval("[...document.querySelectorAll('#links td.k-text')].map(e => e.textContent)")
    assert "<img src=x onerror=alert(1)>" in texts
    # nothing hostile became markup
    assert page.eval("document.scripts.length") == 2
    assert page.eval("document.querySelectorAll('img').length") == 0
    assert page.eval("[...document.querySelectorAll('a[href]')].every(a => /^(https?:|#)/.test(a.getAttribute('href')))")


def test_broken_link_sits_under_its_source_page(page, golden):
    f = next(x for x in golden["findings"] if x["id"] == "F0003")
    got = page.eval(f"""(() => {{
        const cell = [...document.querySelectorAll('#links code.c')].find(c => c.textContent === '{f["id"]}');
        const grp = cell.closest('.grp');
        return [grp.querySelector('.grp-h a').href, grp.querySelector('.grp-h .gt').textContent,
                cell.closest('tr').querySelector('td.k-url a').href];
    }})()""")
    assert got == [f["source"], f["source_title"], f["url"]]


def test_tree_expands_and_filters(page):
    closed = page.eval("document.querySelectorAll('#tree details:not([open])').length")
    assert closed > 0
    page.eval("document.querySelector('[data-action=expand]').click()")
    assert page.eval("document.querySelectorAll('#tree details:not([open])').length") == 0
    assert page.eval("getComputedStyle(document.getElementById('ind-yy-011')).display") != "none"
    page.eval("const c = document.querySelector('input[data-action=problems]'); c.click();")
    assert page.eval("getComputedStyle(document.getElementById('ind-yy-011')).display") == "none"
    assert page.eval("getComputedStyle(document.getElementById('ind-yy-002')).display") != "none"
    page.eval("document.querySelector('input[data-action=problems]').click()")
    page.eval("document.querySelector('[data-action=collapse]').click()")


def test_trend_chart_drawn(page):
    assert page.eval("document.querySelectorAll('#trends svg circle').length") == 3
    assert page.eval("document.querySelector('#trends svg polyline').getTotalLength()") > 100


def test_print_media_hides_controls(page):
    b = page.b
    b.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
    try:
        assert page.eval("getComputedStyle(document.querySelector('nav.top')).display") == "none"
        # the 只看问题指标 control and the other screen controls do not print
        assert page.eval("document.querySelector('input[data-action=problems]').closest('.controls').offsetParent") is None
        assert page.eval("getComputedStyle(document.getElementById('tree')).breakBefore") == "page"
        assert page.eval("getComputedStyle(document.getElementById('links')).breakBefore") == "auto"
    finally:
        b.send("Emulation.setEmulatedMedia", {"media": ""}, session=page.session)

    def pdf_pages():
        pdf = base64.b64decode(b.send("Page.printToPDF", {"printBackground": True}, session=page.session)["data"])
        return len(re.findall(rb"/Type\s*/Page[^s]", pdf))

    # printing does not depend on what is open on screen; the full tree prints only when asked for
    page.eval("document.querySelector('[data-action=collapse]').click()")
    collapsed = pdf_pages()
    page.eval("document.querySelector('[data-action=expand]').click()")
    assert pdf_pages() == collapsed > 2
    page.eval("document.querySelector('input[data-action=print-tree]').click()")
    assert page.eval("document.documentElement.classList.contains('print-tree')")
    assert pdf_pages() > collapsed
    page.eval("document.querySelector('input[data-action=print-tree]').click()")
    page.eval("document.querySelector('[data-action=collapse]').click()")
    assert page.problems() == []


def test_screenshot(page, tmp_path):
    height = page.eval("document.documentElement.scrollHeight")
    shot = page.screenshot(tmp_path / "report.png", full_height=min(height, 3000))
    w, h = _png_size(shot)
    assert (w, h) == (1280, min(height, 3000))
    assert shot.stat().st_size > 50_000, "a report screenshot is not a blank page"


def test_dump_dom_cli(report_file, tmp_path, golden):
    """The plain command line also works (what the CI script can run by hand)."""
    cmd = [str(CHROMIUM), *[f for f in FLAGS if f != "--remote-debugging-pipe"],
           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report_file.as_uri()]
    out = subprocess.run(cmd, capture_output=True, timeout=120, check=True).stdout.decode("utf-8")
    assert f"{golden['summary']['score']}<span class=\"max\"> / 97</span>" in out
    assert '<html lang="zh-CN" class="js">' in out  # the script ran before the dump
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>alert(1)</script>" not in out


def test_large_report_opens_and_pages(golden, tmp_path):
    big = big_results(golden, 50_000)
    path = tmp_path / "big.html"
    path.write_text(render_html(big), encoding="utf-8")
    t0 = time.monotonic()
    with Browser(tmp_path / "profile") as b:
        p = b.open(path.as_uri())
        assert time.monotonic() - t0 < 30
        assert p.eval("document.querySelectorAll('tr').length") < 3_000
        first = p.eval("document.querySelector('.tbl[data-table] tbody td').textContent")
        label, cell, rows = p.eval("""(() => {
            const box = document.querySelector('.tbl[data-table]');
            box.querySelectorAll('.pager button')[1].click();
            return [box.querySelector('.pager .pl').textContent, box.querySelector('tbody td').textContent,
                    box.querySelectorAll('tbody tr').length];
        })()""")
        assert label.startswith("第 2 / ") and cell != first and rows == 50
        label, groups = p.eval("""(() => {
            const bar = document.querySelector('#links > .pager');
            bar.querySelectorAll('button')[1].click();
            return [bar.querySelector('.pl').textContent, document.querySelectorAll('#links .grp').length];
        })()""")
        assert label.startswith("第 2 / ") and groups == 30
        # a later page of a 其他问题 table shows 指标要求 too (the pager looks the texts up)
        head, cells = p.eval("""(() => {
            const box = document.querySelector('#other h3[data-check="missing-item"]').nextElementSibling;
            box.querySelectorAll('.pager button')[1].click();
            return [[...box.querySelectorAll('thead th')].map(t => t.textContent),
                    [...box.querySelectorAll('tbody tr')].map(r => r.lastElementChild.textContent)];
        })()""")
        assert head[-1] == "指标要求" and cells and all(c and c != "—" for c in cells), cells[:3]
        assert p.problems() == []
        assert p.requests() == [path.as_uri()]
