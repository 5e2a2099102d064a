"""`zwgk run` against a third, independent fixture site whose lists are not plain HTML pagers.

The site (tests/fixtures/thirdsite.py: 丰水县人民政府) is entered through an image link, lists its
JCMS columns from an inline ``<datastore>`` plus ``/module/web/jpage/dataproxy.jsp``, has a
department on a gkmlpt single-page app (JSON API), a column whose list is in a same-host iframe
and one whose list sits next to a sidebar of sibling columns.

* the fixture tests check that the server answers each mechanism as specified (no crawl);
* ``test_listed_documents_are_found``: one real run from the homepage finds ≥ 99.5 % of the listed
  documents;
* ``test_response_order_does_not_change_results``: the same site with five seeded random
  per-response delays (responses arrive in other orders) gives the same documents and the same
  (check, url) findings as the undelayed run.
"""
from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.siterun import Run, order_differences, run_site


def _load_fixture_site():
    """tests/fixtures/thirdsite.py by path: `tests` is not a package, whatever pytest's import mode."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "fixtures" / "thirdsite.py"
    spec = importlib.util.spec_from_file_location("zwgk_test_fixtures_thirdsite", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


third = _load_fixture_site()
KEY = third.answer_key()
SEEDS = [1, 2, 3, 4, 5]
MAX_DELAY = 0.03  # seconds, per response
MAX_PAGES = 3000  # a bound the crawl never reaches on this site (~300 pages): a runaway crawl ends
ADAPTERS_PENDING = "list adapters being added (JCMS dataproxy, gkmlpt, iframe lists)"
FORM = ("col=1&appid=1&webid=1&path=%2F&columnid={col}&sourceContentType=1&unitid={unit}"
        "&webname=%E4%B8%B0%E6%B0%B4%E5%8E%BF&permissiontype=0")


# ------------------------------------------------------------------------------------------------
# the fixture itself: each mechanism answers as specified
@pytest.fixture(scope="module")
def site():
    with third.serve() as srv:
        yield srv


def fetch(srv, path: str, data: bytes | None = None) -> tuple[int, str, str]:
    req = urllib.request.Request(srv.url.rstrip("/") + path, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def key_paths(column: str, office: str = third.PORTAL_OFFICE) -> list[str]:
    """The key's documents of a column, in list order (newest first)."""
    return [d["path"] for d in KEY["documents"] if (d["column"], d["office"]) == (column, office)]


def records_of(xml_text: str) -> list[str]:
    """The /art/ links of a <datastore>'s CDATA records, parsed as XML."""
    root = ET.fromstring(xml_text)
    return [re.search(r'href="([^"]+)"', r.text).group(1) for r in root.iter("record")]


def test_key_is_consistent():
    paths = [d["path"] for d in KEY["documents"]]
    assert len(paths) == len(set(paths)) == KEY["counts"]["documents"] == 284
    assert {c["name"]: c["entries"] for c in KEY["columns"] if c["office"] == third.PORTAL_OFFICE} == {
        "通知公告": 52, "规范性文件": 120, "政策解读": 7, "财政预决算": 23, "工作动态": 22}
    assert KEY["counts"]["by_mechanism"] == {"jcms-datastore": 179, "gkmlpt": 60, "iframe": 23, "html-sidebar": 22}
    for d in KEY["documents"]:
        assert d["written_date"] <= d["publish_date"] <= KEY["as_of"], d


def test_every_listed_document_answers(site):
    for d in KEY["documents"]:
        status, ctype, html = fetch(site, d["path"])
        assert status == 200 and ctype.startswith("text/html"), d["path"]
        assert f"<title>{third.esc(d['title'])}" in html and d["publish_date"] in html, d["path"]
    assert fetch(site, "/art/2023/1/1/art_101_1.html")[0] == 404


def test_homepage_enters_the_disclosure_area_by_an_image_only(site):
    status, _, html = fetch(site, "/")
    assert status == 200
    assert '<a href="/col/col100/index.html"><img src="/images/xxgk.png" alt="政府信息公开"></a>' in html
    assert hrefs(html).count("/col/col100/index.html") == 1
    assert fetch(site, "/images/xxgk.png")[1] == "image/png"
    _, _, root = fetch(site, "/col/col100/index.html")
    links = hrefs(root)
    for col in (101, 102, 103, 104, 105):
        assert f"/col/col{col}/index.html" in links
    assert "/jyj/gkmlpt/index" in links and "部门信息公开" in root


@pytest.mark.parametrize("col,unit,total", [(101, "4483", 52), (102, "4485", 120), (103, "4483", 7)])
def test_jcms_column_page_holds_the_first_45_records_inline(site, col, unit, total):
    _, _, html = fetch(site, f"/col/col{col}/index.html")
    m = re.search(rf'<div id="{unit}"><script type="text/xml">(<datastore>.*?</datastore>)</script>'
                  r'<script language="javascript" src="/module/web/jpage/jpage.js"></script></div>', html, re.DOTALL)
    assert m, html[:2000]
    store = ET.fromstring(m.group(1))
    assert (store.findtext("column"), store.findtext("totalrecord"), store.findtext("rpp"), store.findtext("webid")) == (
        str(col), str(total), "15", "1")
    assert store.findtext("totalpage") == str((total + 14) // 15) and store.findtext("website") == "丰水县人民政府"
    inline = records_of(m.group(1))
    name = {101: "通知公告", 102: "规范性文件", 103: "政策解读"}[col]
    assert inline == key_paths(name)[:45]
    # no document link outside the datastore: without reading it (and dataproxy.jsp) the list is empty
    assert not [h for h in hrefs(html.replace(m.group(1), "")) if h.startswith("/art/")]


def test_dataproxy_answers_the_rest_by_post_and_get(site):
    want = key_paths("规范性文件")
    query = "/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    status, ctype, xml = fetch(site, query, FORM.format(col=102, unit=4485).encode())
    assert status == 200 and "xml" in ctype
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[')
    assert ET.fromstring(xml).findtext("totalrecord") == "120"
    assert records_of(xml) == want[45:90]
    # GET with the form in the query answers the same
    assert fetch(site, query + "&" + FORM.format(col=102, unit=4485))[2] == xml
    # the last group is short; past the end is empty
    assert records_of(fetch(site, "/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=135&perpage=15",
                            FORM.format(col=102, unit=4485).encode())[2]) == want[90:]
    assert records_of(fetch(site, "/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15",
                            FORM.format(col=101, unit=4483).encode())[2]) == key_paths("通知公告")[45:]
    assert records_of(fetch(site, "/module/web/jpage/dataproxy.jsp?startrecord=121&endrecord=165&perpage=15",
                            FORM.format(col=102, unit=4485).encode())[2]) == []
    # one answer is cut at 100 records, whatever the range and perpage asked
    big = fetch(site, "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=1000&perpage=1000",
                FORM.format(col=102, unit=4485).encode())[2]
    assert records_of(big) == want[:100]


@pytest.mark.parametrize("form", [
    "col=1&appid=1&webid=1&path=%2F&sourceContentType=1&unitid=4485&permissiontype=0",    # no columnid
    "col=1&appid=1&webid=1&path=%2F&columnid=102&sourceContentType=1&permissiontype=0",   # no unitid
    "col=1&appid=1&webid=1&path=%2F&columnid=999&unitid=4485&permissiontype=0",            # unknown column
])
def test_dataproxy_requires_columnid_and_unitid(site, form):
    status, _, xml = fetch(site, "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15", form.encode())
    assert status == 200 and records_of(xml) == [] and ET.fromstring(xml).findtext("totalrecord") == "0"


def test_gkmlpt_index_is_an_empty_shell_with_config(site):
    status, _, html = fetch(site, "/jyj/gkmlpt/index")
    assert status == 200
    assert "/content/" not in html and "/art/" not in html
    assert re.search(r"SID:\s*'757001'", html)
    tree = json.loads(re.search(r"TREE:\s*(\[.*?\])\s*,\s*SERVICE_AREA_ID", html, re.DOTALL).group(1))
    assert [(n["id"], n["name"]) for n in tree] == [(2, "通知公告"), (4, "政策文件"), (8, "依申请公开")]
    assert [(n["id"], n["name"], n["post_count"]) for n in tree[1]["children"]] == [(5, "规范性文件", 14), (6, "其他文件", 9)]
    assert tree[2]["jump_url"].endswith("/jyj/ysqgk/index.html")


@pytest.mark.parametrize("cid,name,count", [(2, "通知公告", 37), (5, "规范性文件", 14), (6, "其他文件", 9)])
def test_gkmlpt_api_pages_ten_articles(site, cid, name, count):
    got, page = [], 1
    while True:
        status, ctype, text = fetch(site, f"/jyj/gkmlpt/api/all/{cid}?page={page}&sid=757001")
        assert status == 200 and ctype.startswith("application/json")
        data = json.loads(text)
        assert data["classify"]["post_count"] == data["total"] == count
        if not data["articles"]:
            break
        assert len(data["articles"]) <= 10
        got += data["articles"]
        page += 1
    assert page == (count + 9) // 10 + 1
    assert [urlsplit(a["url"]).path for a in got] == key_paths(name, third.DEPT_OFFICE)
    a = got[0]
    assert urlsplit(a["url"]).netloc == urlsplit(site.url).netloc
    assert re.fullmatch(r"/jyj/gkmlpt/content/(\d+)/(\d+)/post_(\d+)\.html", urlsplit(a["url"]).path)
    assert {"id", "title", "url", "first_publish_time", "display_publish_time", "identifier", "document_number",
            "publisher"} <= set(a)
    assert fetch(site, urlsplit(a["url"]).path)[0] == 200


def test_gkmlpt_parent_category_and_wrong_sid(site):
    data = json.loads(fetch(site, "/jyj/gkmlpt/api/all/4?page=3&sid=757001")[2])
    assert data["classify"]["post_count"] == 23 and len(data["articles"]) == 3
    assert fetch(site, "/jyj/gkmlpt/api/all/2?page=1")[0] == 404
    assert fetch(site, "/jyj/gkmlpt/api/all/2?page=1&sid=755001")[0] == 404


def test_iframe_column(site):
    _, _, html = fetch(site, "/col/col104/index.html")
    assert '<iframe src="/col/col104/list.html"' in html
    assert not [h for h in hrefs(html) if h.startswith("/art/")]
    _, _, first = fetch(site, "/col/col104/list.html")
    assert '<a href="list_2.html">下一页</a>' in first
    _, _, second = fetch(site, "/col/col104/list_2.html")
    assert "下一页" not in second and '<a href="list.html">上一页</a>' in second
    got = [h for h in hrefs(first) + hrefs(second) if h.startswith("/art/")]
    assert got == key_paths("财政预决算")
    assert fetch(site, "/col/col104/list_3.html")[0] == 404


def test_sidebar_column(site):
    _, _, first = fetch(site, "/col/col105/index.html")
    _, _, second = fetch(site, "/col/col105/index.html?uid=4490&pageNum=2")
    side = re.search(r'<ul class="side-list">(.*?)</ul>', first).group(1)
    assert hrefs(side) == [f"/col/col{c}/index.html" for c in (101, 102, 103, 104)]
    assert "/col/col105/index.html?uid=4490&amp;pageNum=2" in first
    got = [h for h in hrefs(first) + hrefs(second) if h.startswith("/art/")]
    assert got == key_paths("工作动态")


def test_delays_are_seeded_and_bounded():
    with third.serve(max_delay=0.02, seed=7) as srv:
        t0 = time.monotonic()
        for _ in range(10):
            assert fetch(srv, "/robots.txt")[0] == 200
        took = time.monotonic() - t0
    assert 0.02 < took < 2.0


# ------------------------------------------------------------------------------------------------
# real runs of `zwgk run`
def _run(base: Path, *, max_delay: float = 0.0, seed: int | None = None) -> Run:
    return run_site(third, base, max_pages=MAX_PAGES, max_delay=max_delay, seed=seed)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Run:
    return _run(tmp_path_factory.mktemp("third-baseline"))


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory) -> list[Run]:
    return [_run(tmp_path_factory.mktemp(f"third-seed{s}"), max_delay=MAX_DELAY, seed=s) for s in SEEDS]


def test_listed_documents_are_found(baseline):
    docs = baseline.documents()
    missing = [d for d in KEY["documents"] if d["path"] not in docs]
    share = 1 - len(missing) / len(KEY["documents"])
    by_column: dict[str, int] = {}
    for d in missing:
        k = f"{d['office']}/{d['column']} ({d['mechanism']})"
        by_column[k] = by_column.get(k, 0) + 1
    assert share >= 0.995, (f"{len(missing)}/{len(KEY['documents'])} listed documents not found "
                            f"({share:.1%} found); by column: {by_column}; missing: {[d['path'] for d in missing]}")


def test_response_order_does_not_change_results(baseline, shuffled):
    diffs = order_differences(baseline, shuffled)
    assert not diffs, "\n".join(diffs)
