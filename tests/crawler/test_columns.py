"""Columns: list pages counted by what they show new, unread pages said so, documents beside a menu."""
from __future__ import annotations

from zwgk.crawler.columns import Columns

COL = "http://a.gov.cn/xxgk/gfxwj/"


def test_a_list_page_that_shows_nothing_new_is_no_new_page():
    cols = Columns()
    col = cols.add(COL, "规范性文件", "normative", None, None)
    page1 = [(COL + "t1.html", "一", None), (COL + "t2.html", "二", None)]
    assert cols.list_page(col, page1) and col["pages"] == 1
    assert not cols.list_page(col, page1) and col["pages"] == 1          # ?page=1 again
    assert cols.list_page(col, [(COL + "t3.html", "三", None)]) and col["pages"] == 2
    assert cols.item(COL).list_pages == 2 and cols.item(COL).read_error is None


def test_empty_first_page_counts_and_unread_pages_are_said_so():
    cols = Columns()
    col = cols.add(COL, "规范性文件", "normative", "财政局", "http://a.gov.cn/xxgk/")
    assert cols.item(COL).read_error is None and cols.item(COL).list_pages == 1
    cols.unread(COL, COL, "HTTP 500（已重试 2 次）")
    assert cols.item(COL).read_error == "栏目列表无法读取：HTTP 500（已重试 2 次）"
    cols.list_page(col, [])
    cols.unread(COL, COL + "index_1.html", "HTTP 404")
    item = cols.item(COL)
    assert item.read_error == "部分列表页无法读取：HTTP 500（已重试 2 次）（共 2 页）"
    assert (item.office, item.parent_url, item.name) == ("财政局", "http://a.gov.cn/xxgk/", "规范性文件")


def test_roots_and_columns_are_known():
    cols = Columns()
    cols.roots.add("http://a.gov.cn/xxgk/")
    cols.add(COL, "规范性文件", "normative", None, None)
    assert cols.known("http://a.gov.cn/xxgk/") and cols.known(COL) and not cols.known(COL + "sub/")
    assert COL in cols and len(cols) == 1 and cols.get("x") is None


def test_settled_columns_do_not_depend_on_which_page_was_read_first():
    """A list page's sidebar names its siblings: read before the directory that holds them, it must
    not become their parent (nor a directory itself)."""
    root, zcwj, gfxwj, qtwj = (f"http://a.gov.cn/xxgk/{p}" for p in ("", "zcwj/", "zcwj/gfxwj/", "zcwj/qtwj/"))
    pages = {zcwj: ({gfxwj, qtwj}, False), gfxwj: ({gfxwj, qtwj}, True), qtwj: ({gfxwj, qtwj}, True)}
    outcomes = set()
    for order in ([gfxwj, qtwj, zcwj], [zcwj, gfxwj, qtwj], [qtwj, zcwj, gfxwj]):
        cols = Columns()
        cols.root_menu(root, root, None, [zcwj, gfxwj])     # the root's menu, and a 热点 shortcut to gfxwj
        for key in order:  # each column first met where this order's first reader found it
            first = root if key in (zcwj, gfxwj) or not cols.by_url else order[0]
            col = cols.add(key, key, "policy", None, first)
            links, own = pages[key]
            cols.menu(col, links, own)
        outcomes.add(tuple((i.url, i.parent_url, i.has_children) for i in sorted(cols.settle(), key=lambda i: i.url)))
    assert outcomes == {((zcwj, root, True), (gfxwj, zcwj, False), (qtwj, zcwj, False))}
