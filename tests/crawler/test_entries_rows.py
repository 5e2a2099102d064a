"""A list's rows are one list whatever classes mark their place: striped rows (odd / even, li1 /
li2), the first and last row, the current one."""
from __future__ import annotations

import pytest

from zwgk.crawler.discovery import find_entries, parse_tree

URL = "http://a.gov.cn/xxgk/tzgg/"


def _rows(classes):
    rows = "".join(f'<tr class="{c}"><td><a href="/xxgk/tzgg/t2023091{i}_{i}.html">关于做好第{i}批次重点工作的通知</a></td>'
                   f'<td>2023-09-1{i}</td></tr>' for i, c in enumerate(classes))
    html = f'<html><body><div class="nav"><a href="/">首页</a></div><table class="list">{rows}</table></body></html>'
    return find_entries(parse_tree(html), URL, html)


@pytest.mark.parametrize("classes", [
    ["tr_main_value_odd", "tr_main_value_even"] * 4,
    ["li1", "li2", "li3", "li4", "li5", "li6", "li7", "li8"],
    ["first"] + [""] * 6 + ["last"],
    ["row odd", "row even", "row odd cur", "row even", "row odd", "row even", "row odd", "row even last"],
])
def test_striped_and_marked_rows_are_one_list(classes):
    assert len(_rows(classes)) == len(classes)
