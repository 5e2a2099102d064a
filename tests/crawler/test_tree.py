"""Where a column sits (crawler/tree.py): settled from the links the pages show."""
from __future__ import annotations

from zwgk.crawler.tree import Node, settle

H = "http://a.gov.cn"


def _col(links, own=True, parent=None, office=None):
    return Node("", office, frozenset(links) if links is not None else None, own, parent)


def test_sidebar_siblings_take_their_linkers_parent():
    root = f"{H}/xxgk/"
    a, b, blank = f"{H}/col/col1/index.html", f"{H}/col/col2/index.html", f"{H}/col/col3/index.html"
    menu = {a, b, blank}
    cols = {a: _col(menu), b: _col(menu), blank: _col(menu, own=False)}
    placed = settle({root: Node(root, None, frozenset({a}))}, cols)
    # the root links a only; b and the blank list are a's siblings (mutual sidebar links)
    assert placed == {a: (root, None), b: (root, None), blank: (root, None)}


def test_a_directory_is_the_parent_even_where_its_children_link_it_back():
    root = f"{H}/xxgk/"
    d, c1, c2 = f"{H}/col/col300/index.html", f"{H}/col/col301/index.html", f"{H}/col/col302/index.html"
    tree_menu = {d, c1, c2}  # a tree sidebar on every page
    cols = {d: _col({c1, c2}, own=False), c1: _col(tree_menu), c2: _col(tree_menu)}
    placed = settle({root: Node(root, "县人社局", frozenset({d}))}, cols)
    assert placed == {d: (root, "县人社局"), c1: (d, "县人社局"), c2: (d, "县人社局")}


def test_a_path_beneath_and_a_one_way_link_make_a_child():
    root = f"{H}/xxgk/index.html"
    zwdt, bmdt, other = f"{H}/xxgk/zwdt/", f"{H}/xxgk/zwdt/bmdt/", f"{H}/list.jsp?cat=9"
    cols = {zwdt: _col({bmdt, other}), bmdt: _col({zwdt}), other: _col(set())}
    placed = settle({root: Node(root, None, frozenset({zwdt, bmdt}))}, cols)
    # bmdt: the root's menu links it too, but its path lies beneath zwdt; other: linked one way
    assert placed[bmdt] == (zwdt, None) and placed[other] == (zwdt, None) and placed[zwdt] == (root, None)


def test_unlinked_and_looping_columns_keep_where_they_were_met():
    x, y, z = f"{H}/a/", f"{H}/b/", f"{H}/c/"
    cols = {x: _col({y}, parent="p"), y: _col({x}, parent="q"), z: _col(None, parent="r", office="甲")}
    placed = settle({}, cols)
    assert placed[z] == ("r", "甲") and {placed[x][0], placed[y][0]} <= {x, y, "p", "q"}
