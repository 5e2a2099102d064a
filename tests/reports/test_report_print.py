"""The sample site's report printed to PDF in Chromium at A4 (issue #18): A4 pages, no table wider
than the page, the screen controls not printed, the summary and the work lists first; and what a
Chinese reader sees: no English header, no file path, every check's evidence in its own columns."""
from __future__ import annotations

import base64
import re

import pytest

from .cdp import CHROMIUM, Browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (/usr/bin/chromium; "
                       "apt-get install -y chromium)"),
]

A4_PT = (595.28, 841.89)                       # 210 × 297 mm in PDF points
CONTENT_PX = round((210 - 2 * 12) / 25.4 * 96)  # A4 width less the 12 mm margins of @page, in CSS px: 703
WORK_LISTS = ("links", "documents", "columns")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("chromium-print")) as b:
        yield b


@pytest.fixture(scope="module")
def report_url(sample_report):
    return sample_report[1].as_uri()


def _pdf(page) -> bytes:
    return base64.b64decode(page.b.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True},
                                        session=page.session, timeout=120)["data"])


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _pages_until(browser, url, section: str) -> int:
    """Pages the report takes when everything from `section` on is removed: the page count of
    what comes before it."""
    page = browser.open(url)
    page.eval(f"""(() => {{
        const s = document.getElementById('{section}');
        for (let n = s; n; ) {{ const next = n.nextElementSibling; n.remove(); n = next; }}
    }})()""")
    return _pages(_pdf(page))


def test_a4_pages_and_work_lists_first(browser, report_url):
    page = browser.open(report_url)
    pdf = _pdf(page)
    total = _pages(pdf)
    boxes = {(round(float(w)), round(float(h)))
             for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)}
    assert boxes == {(round(A4_PT[0]), round(A4_PT[1]))}, boxes
    before_lists = _pages_until(browser, report_url, "links")
    through_lists = _pages_until(browser, report_url, "offices")
    # the summary fits on two pages and the work lists follow it at once (no blank half pages)
    assert before_lists <= 2, before_lists
    assert _pages_until(browser, report_url, "documents") - before_lists <= through_lists
    # what follows the work lists (ranking, the tree's first two levels, trends, signatures) is short
    assert through_lists < total <= through_lists + 6, (through_lists, total)
    assert total <= 30, total


def test_no_table_wider_than_the_page(browser, report_url):
    page = browser.open(report_url)
    b = page.b
    b.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
    b.send("Emulation.setDeviceMetricsOverride", {"width": CONTENT_PX, "height": 1000, "deviceScaleFactor": 1,
                                                  "mobile": False}, session=page.session)
    try:
        page.eval("document.querySelector('input[data-action=print-tree]').click()")  # the full tree too
        wide = page.eval(f"""[...document.querySelectorAll('main table, main .tbl, main section')]
            .filter(e => e.getBoundingClientRect().right > {CONTENT_PX} + 1)
            .map(e => (e.closest('section') || e).id + ' ' + e.tagName + ' ' + Math.round(e.getBoundingClientRect().width))""")
        assert wide == []
        assert page.eval("document.documentElement.scrollWidth") <= CONTENT_PX
        # the screen controls (只看问题指标, expand / collapse, print) do not print
        shown = page.eval("""[...document.querySelectorAll('input, button')]
            .filter(e => e.offsetParent !== null).map(e => e.outerHTML)""")
        assert shown == []
    finally:
        b.send("Emulation.setEmulatedMedia", {"media": ""}, session=page.session)


def test_chinese_only_and_every_check_has_its_own_columns(browser, report_url, sample_report):
    results = sample_report[0]
    page = browser.open(report_url)
    headers = page.eval("[...document.querySelectorAll('th, h1, h2, h3, h5, dt, .label')].map(e => e.textContent.trim())")
    english = [h for h in headers if re.search(r"[A-Za-z]{3,}", h) and not re.search(r"\b(?:URL|IPv6|HTTP|ICP|WAF)\b", h)]
    assert english == []
    text = page.eval("document.body.innerText")
    assert not re.search(r"\.\./|/shared/|seeds/|\.txt\b|\.ya?ml\b", text), "a file path in the report"
    assert re.search(r"[A-Za-z]+Error\b|soft-404", text) is None
    # each check's findings sit in a table laid out by that check's evidence columns
    checks = results["checks"]
    for h in page.eval("[...document.querySelectorAll('#other h3[data-check]')].map(h => h.dataset.check)"):
        cols = page.eval(f"""(() => {{
            const h = document.querySelector('#other h3[data-check="{h}"]');
            return [...h.nextElementSibling.querySelectorAll('thead th')].map(t => t.textContent);
        }})()""")
        want = [c["label"] for c in checks[h]["columns"]]
        assert [c for c in cols if c in want] == want, (h, cols)
    for leaf in page.eval("""[...document.querySelectorAll('#tree details.leaf')]
            .filter(d => d.querySelector('.tbl')).map(d => d.id.slice(4))"""):
        node = next(n for n in _leaves(results["scores"]["tree"]) if n["id"] == leaf)
        cols = page.eval(f"""[...document.getElementById('ind-{leaf}').querySelectorAll('.tbl thead th')]
                            .map(t => t.textContent)""")
        want = [c["label"] for c in node["evidence"]["columns"]]
        assert cols[1:] == want, (leaf, cols)


def _leaves(nodes):
    for n in nodes:
        if n.get("leaf"):
            yield n
        else:
            yield from _leaves(n.get("children") or [])
