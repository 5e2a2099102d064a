"""`zwgk run --a11y`: the crawl, then the same collection as `zwgk a11y`, then the audit — the
report's 无障碍与适老化 section shows the planted image without alt text (site: test_axe.py);
without axe-core the run says so in one line and goes on, and the report says 未检测."""
from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager

import pytest

from tests.a11y.test_axe import BAD, _serve
from zwgk.a11y import axe_path
from zwgk.a11y.browser import find_chromium


def _run(tmp, site, *extra, env=None):
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", site + "/", "--db", f"sqlite:///{tmp / 'z.db'}",
                        "--out", str(tmp / "out"), "--network", "loopback", "--delay", "0",
                        "--checklist", "national-web-2019", "--as-of", "2023-11-30", *extra],
                       capture_output=True, text=True, timeout=600, check=False, env=env)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    results = json.loads((tmp / "out" / "results.json").read_text(encoding="utf-8"))
    return p, results, (tmp / "out" / "report.html").read_text(encoding="utf-8")


def needs_browser(test):
    """A test run in a real headless Chromium with the vendored axe-core (skipped without them)."""
    for mark in (pytest.mark.browser, pytest.mark.slow,
                 pytest.mark.skipif(not find_chromium(), reason="Chromium is not installed (.ci/run installs it)"),
                 pytest.mark.skipif(axe_path() is None, reason="axe-core is not vendored (run scripts/setup)")):
        test = mark(test)
    return test


@contextmanager
def _site():
    """test_axe.py's site on 127.0.0.1: its address, without a trailing slash."""
    server = _serve([])
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _section(doc: str) -> str:
    start = doc.index('<section id="accessibility"')
    return doc[start:doc.index("</section>", start)]


@needs_browser
def test_run_with_a11y_reports_the_image_without_alt(tmp_path):
    with _site() as site:
        p, results, html = _run(tmp_path, site, "--a11y", "--a11y-pages", "8")
    assert "无障碍检测完成" in p.stderr
    a = results["accessibility"]
    assert a is not None and a["pages_tested"] >= 5 and a["pages_not_testable"] == 0
    bad = next(pg for pg in a["pages"] if pg["url"] == site + BAD)
    alt = next(v for v in bad["violations"] if v["id"] == "image-alt")
    assert alt["impact_label"] == "严重" and alt["nodes"] == 1 and "logo.png" in alt["examples"][0]["html"]
    assert a["by_impact"]["critical"] >= 1 and a["entry"]["found"] is True
    sec = _section(html)
    assert "未检测" not in sec
    row = sec[sec.index('<tr data-rule="image-alt"'):]
    row = row[:row.index("</tr>")]
    assert site + BAD in row and "图片缺少替代文本（alt）" in row and ">严重</td>" in row and "logo.png" in row
    assert "首页有无障碍 / 长者模式入口：“长者模式”" in sec
    assert [f for f in results["findings"] if f["check"] == "accessibility" and f["rule"] == "image-alt"]


def test_run_with_a11y_goes_on_without_axe(tmp_path):
    import os

    env = dict(os.environ, ZWGK_AXE_JS=str(tmp_path / "no-axe.min.js"))
    with _site() as site:
        p, results, html = _run(tmp_path, site, "--a11y", env=env)
    lines = [ln for ln in p.stderr.splitlines() if "未进行无障碍检测" in ln]
    assert len(lines) == 1 and ("axe-core" in lines[0] or "Chromium" in lines[0]), p.stderr[-2000:]
    assert results["accessibility"] is None
    assert "未检测（运行 <code>zwgk a11y</code> 或 <code>zwgk run --a11y</code> 采集）" in _section(html)
    assert not [f for f in results["findings"] if f["check"] == "accessibility"]


@needs_browser
def test_batch_with_a11y(tmp_path):
    with _site() as site:
        (tmp_path / "sites.csv").write_text(f"名称,网址\n丁县,{site}/\n", encoding="utf-8")
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "batch", str(tmp_path / "sites.csv"), "--a11y",
                                "--out", str(tmp_path / "out"), "--network", "loopback", "--delay", "0",
                                "--checklist", "national-web-2019", "--as-of", "2023-11-30"],
                               capture_output=True, text=True, timeout=600, check=False)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    results = json.loads(next((tmp_path / "out").glob("*/results.json")).read_text(encoding="utf-8"))
    bad = next(pg for pg in results["accessibility"]["pages"] if pg["url"] == site + BAD)
    assert "image-alt" in {v["id"] for v in bad["violations"]}
