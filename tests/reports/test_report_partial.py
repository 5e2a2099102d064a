"""A partial crawl (results.json crawl.partial) never looks complete: the report's banner, the
exports' summary and the batch ranking say so."""
from __future__ import annotations

import copy
import csv

import openpyxl

from zwgk.commands.batch import SiteRow, ranking_rows
from zwgk.reports.export import write_csv, write_xlsx
from zwgk.reports.render import render_html, render_ranking

REASONS = ["达到页面数上限（--max-pages），抓取提前结束", "77 个栏目条目未抓取"]


def _partial(golden: dict) -> dict:
    r = copy.deepcopy(golden)
    r["crawl"].update(partial=True, partial_reasons=list(REASONS))
    return r


def test_banner_only_when_partial(golden, golden_html):
    assert "class=\"partial-banner\"" not in golden_html and "本次抓取不完整" not in golden_html
    html = render_html(_partial(golden))
    top = html[html.index("<main>"):html.index('<header class="head">')]
    assert "本次抓取不完整" in top and "以下结果只反映已抓取部分" in top
    assert all(r in top for r in REASONS)


def test_exports_summary_says_partial(golden, tmp_path):
    write_xlsx(_partial(golden), tmp_path / "p.xlsx")
    first = list(openpyxl.load_workbook(tmp_path / "p.xlsx")["汇总"].iter_rows(values_only=True))[1]
    assert first[0] == "抓取完整性" and first[1].startswith("本次抓取不完整") and REASONS[0] in first[1]
    write_xlsx(golden, tmp_path / "w.xlsx")
    first = list(openpyxl.load_workbook(tmp_path / "w.xlsx")["汇总"].iter_rows(values_only=True))[1]
    assert first == ("抓取完整性", "完整")
    write_csv(_partial(golden), tmp_path)
    rows = list(csv.reader((tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["项目", "内容"] and rows[1][0] == "抓取完整性" and "本次抓取不完整" in rows[1][1]


def test_ranking_lists_partial_sites_after_ranked_ones(golden):
    whole = copy.deepcopy(golden)
    whole["summary"]["score"] = 40.0
    part = _partial(golden)
    part["summary"]["score"] = 90.0  # higher, but on part of the site
    row = lambda i, n: SiteRow(i, n, f"http://{n}.example/", None, None)
    ranked = ranking_rows([(row(2, "甲县"), part, "001"), (row(3, "乙县"), whole, "002"),
                           (row(4, "丙县"), None, "003")])
    assert [(r["name"], r["rank"], r["partial"]) for r in ranked] == [
        ("乙县", 1, False), ("甲县", None, True), ("丙县", None, False)]
    assert ranked[1]["partial_reasons"] == REASONS
    html = render_ranking({"as_of": "2023-11-30", "checklist": "yiyuan-2023", "sites": ranked})
    tail = html[html.index("抓取不完整的网站（未参与排名）"):]
    assert "甲县" in tail and "不完整" in tail and REASONS[0] in tail and "乙县" not in tail


def test_a_batch_keeps_only_what_the_ranking_reads(golden):
    """zwgk batch keeps each site's ranking facts until the ranking is written, not its results:
    the ranking is the same, and no documents, findings or score tree are held."""
    from zwgk.commands.batch import ranking_facts

    whole = copy.deepcopy(golden)
    part = _partial(golden)
    part["summary"]["score"] = 90.0
    row = lambda i, n: SiteRow(i, n, f"http://{n}.example/", None, None)
    sites = [(row(2, "甲县"), part, "001"), (row(3, "乙县"), whole, "002"), (row(4, "丙县"), None, "003")]
    light = [(site, ranking_facts(res) if res else None, folder) for site, res, folder in sites]
    assert ranking_rows(light) == ranking_rows(sites)
    assert ranking_rows(light)[0]["findings"] == len(whole["findings"]) > 0
    assert not {"documents", "findings", "scores", "coverage"} & set(ranking_facts(whole))
