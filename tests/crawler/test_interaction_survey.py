"""调查征集 parsing (zwgk/crawler/interaction.py read_survey_list / read_survey_page / survey_item):
survey channels' lists and item pages printed the ways county sites print them — a table with
开始 / 截止 / 状态 / 结果 columns, a ul list with a status span and a 征集时间 period, a list with a
publish date only — and item pages with or without a result section."""
from __future__ import annotations

from datetime import date

from zwgk.crawler import interaction as talk
from zwgk.crawler.discovery import parse_tree

BASE = "http://www.example.gov.cn/hdjl/zjdc/"


def tree(body: str):
    return parse_tree(f'<html><head><title>t</title></head><body>{body}<div class="footer">主办：某县人民政府'
                      "</div></body></html>")


def test_table_with_a_result_column():
    t = tree('<table><tr><th>序号</th><th>征集主题</th><th>发布日期</th><th>截止日期</th><th>征集状态</th><th>反馈情况</th></tr>'
             '<tr><td>1</td><td><a href="1.html">关于某县公交线路调整的意见征集</a></td><td>2023-09-01</td><td>2023-09-30</td>'
             '<td>已截止</td><td><a href="r1.html">查看反馈</a></td></tr>'
             '<tr><td>2</td><td><a href="2.html">关于某县老旧小区改造计划的意见征集</a></td><td>2023-10-08</td>'
             '<td>2023-10-31</td><td>已截止</td><td>暂无</td></tr>'
             '<tr><td>3</td><td><a href="3.html">关于某县2024年民生实事的意见征集</a></td><td>2023-11-20</td>'
             '<td>2023-12-20</td><td>征集中</td><td></td></tr></table>')
    rows = talk.read_survey_list(t, BASE).rows
    assert [r.url.rsplit("/", 1)[1] for r in rows] == ["1.html", "2.html", "3.html"]  # 查看反馈 is no row
    assert [(r.asked_on, r.answered_on) for r in rows] == [
        (date(2023, 9, 1), date(2023, 9, 30)), (date(2023, 10, 8), date(2023, 10, 31)), (date(2023, 11, 20), date(2023, 12, 20))]
    assert [r.status for r in rows] == ["已截止", "已截止", "征集中"]
    assert [r.result for r in rows] == [True, False, False]


def test_ul_list_with_period_and_status_and_result_entries():
    t = tree('<ul class="list">'
             '<li><span class="state on">进行中</span><a href="a.html">关于征集城区绿化提升意见建议的公告</a>'
             '<em>2023年11月15日-2023年12月15日</em></li>'
             '<li><span class="state">已结束</span><a href="b.html">关于《某县物业管理办法》公开征求意见的公告</a>'
             '<em>2023年08月01日-2023年08月31日</em></li>'
             '<li><a href="c.html">《某县物业管理办法》公开征求意见采纳情况的说明</a><em>2023-09-25</em></li></ul>')
    rows = talk.read_survey_list(t, BASE).rows
    assert [(r.status, r.asked_on, r.answered_on, r.result) for r in rows] == [
        ("进行中", date(2023, 11, 15), date(2023, 12, 15), None),
        ("已结束", date(2023, 8, 1), date(2023, 8, 31), None),
        (None, date(2023, 9, 25), None, None)]


def test_item_page_with_a_result_section():
    t = tree('<h1>关于《某县物业管理办法》公开征求意见的公告</h1><table>'
             '<tr><td>征集时间</td><td>2023年8月1日至2023年8月31日</td></tr><tr><td>征集状态</td><td>已结束</td></tr>'
             '<tr><td>征集结果</td><td>共收到意见建议9条，采纳4条，未采纳意见已说明理由。</td></tr></table>')
    f = talk.read_survey_page(t)
    assert (f.asked_on, f.answered_on, f.status) == (date(2023, 8, 1), date(2023, 8, 31), "已结束")
    assert f.reply.startswith("共收到意见建议9条")


def test_item_page_whose_feedback_box_is_empty_has_no_result():
    t = tree('<p>开始时间：2023-09-01</p><p>截止时间：2023-09-30</p><p>正文：为听取意见……</p>'
             '<form><p>反馈意见：</p><textarea name="yj"></textarea><button>提交</button></form>'
             '<div>征集结果：暂无</div>')
    f = talk.read_survey_page(t)
    assert (f.asked_on, f.answered_on) == (date(2023, 9, 1), date(2023, 9, 30))
    assert f.reply is None


def test_survey_item_result_from_page_or_row():
    ch = {"name": "意见征集", "url": BASE, "kind": "survey"}
    row = {"url": BASE + "2.html", "title": "关于某县老旧小区改造计划的意见征集", "status": "已截止",
           "asked_on": "2023-10-08", "answered_on": "2023-10-31", "result": False}
    item = talk.message_item(row, ch, None, BASE)
    assert (item.channel_kind, item.replied, item.answered_on, item.page_read) == ("survey", False, date(2023, 10, 31), False)
    page = talk.MessageFields(reply="共收到意见建议12条，采纳5条。")
    item = talk.message_item({**row, "result": None}, ch, page, BASE)
    assert (item.replied, item.answered_by, item.page_read) == (True, "页面结果", True)
    item = talk.message_item({**row, "result": None}, ch, talk.MessageFields(), BASE)
    assert item.replied is None


def test_result_lists_are_survey_channels():
    assert talk.channel_kind("结果反馈") == "survey" and talk.channel_kind("征集结果") == "survey"
    assert talk.channel_kind("意见采纳情况") == "survey"


def test_every_row_of_a_long_list_is_read():
    """Rows are told apart by their elements, not by id(): lxml makes a new proxy object for an
    element each time one is asked for, and a freed proxy's id is soon another row's — the list then
    lost rows at random (1 580 of 8 000 here before the fix; on the e2e site one 征集 in ~10 runs)."""
    n = 300
    body = "<ul>" + "".join(f'<li><a href="t{i}.html">关于公开征求第{i}号办法意见的公告</a><span>已结束</span>'
                            f'<span>征集时间：2023-05-{1 + i % 27:02d} 至 2023-06-{1 + i % 27:02d}</span></li>'
                            for i in range(n)) + "</ul>"
    for _ in range(5):
        rows = talk.read_survey_list(tree(body), BASE).rows
        assert [r.url.rsplit("/", 1)[1] for r in rows] == [f"t{i}.html" for i in range(n)]


def test_each_table_keeps_its_own_header_in_a_long_page():
    """Two tables with their columns in different orders, many rows each: every row read by its own
    table's header (headers are kept per table element, not per id() of a proxy)."""
    first = "".join(f'<tr><td><a href="a{i}.html">第{i}项民意调查问卷</a></td><td>2023-03-01</td><td>2023-03-20</td>'
                    f'<td>已结束</td></tr>' for i in range(150))
    second = "".join(f'<tr><td>2023-09-30</td><td>2023-09-01</td><td><a href="b{i}.html">第{i}项意见征集公告</a></td>'
                     f'<td>已截止</td></tr>' for i in range(150))
    body = ('<table><tr><th>调查主题</th><th>开始时间</th><th>结束时间</th><th>状态</th></tr>' + first + '</table>'
            '<table><tr><th>截止时间</th><th>开始时间</th><th>征集主题</th><th>状态</th></tr>' + second + '</table>')
    rows = talk.read_survey_list(tree(body), BASE).rows
    assert len(rows) == 300
    assert {(r.asked_on, r.answered_on) for r in rows[:150]} == {(date(2023, 3, 1), date(2023, 3, 20))}
    assert {(r.asked_on, r.answered_on) for r in rows[150:]} == {(date(2023, 9, 1), date(2023, 9, 30))}
