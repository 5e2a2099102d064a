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


def test_roots_and_columns_are_known_and_beside_menu_documents_wait():
    cols = Columns()
    cols.roots.add("http://a.gov.cn/xxgk/")
    cols.add(COL, "规范性文件", "normative", None, None)
    assert cols.known("http://a.gov.cn/xxgk/") and cols.known(COL) and not cols.known(COL + "sub/")
    assert COL in cols and len(cols) == 1 and cols.get("x") is None
    entries = [(COL + "t1.html", "一", None), (COL + "f.pdf", "附件", None), (COL + "t2.html", "二", None)]
    cols.beside(COL, entries, lambda u: not u.endswith(".pdf"))
    cols.beside("http://a.gov.cn/xxgk/other/", entries[:1], lambda u: True)  # the first column listed keeps it
    assert cols.take_beside({COL + "t2.html"}) == [(COL + "t1.html", (COL, COL + "t1.html", "一", None), COL, "一")]
    assert cols.take_beside(set()) == []
