"""互动交流 parsing (zwgk/crawler/interaction.py): channel links, message lists, message pages —
pure functions on pages written the ways county sites print them."""
from __future__ import annotations

from datetime import date

import pytest

from zwgk.crawler import interaction as talk
from zwgk.crawler.discovery import parse_tree

BASE = "http://www.example.gov.cn/hdjl/"


def tree(body: str):
    return parse_tree(f'<html><head><title>t</title></head><body>{body}<div class="footer">主办：某县人民政府'
                      "</div></body></html>")


@pytest.mark.parametrize("name, kind", [
    ("县长信箱", "consult"), ("书记信箱", "consult"), ("部门信箱", "consult"), ("咨询投诉", "consult"),
    ("我要咨询", "consult"), ("留言办理", "consult"), ("互动交流", "hub"), ("政民互动", "hub"), ("公众参与", "hub"),
    ("网上信访", "petition"), ("纪检举报", "report"), ("违纪违法举报", "report"), ("在线访谈", "interview"),
    ("意见征集", "survey"), ("网上调查", "survey"), ("政务公开", None),
])
def test_channel_kind(name, kind):
    assert talk.channel_kind(name) == kind


def test_find_channels_skips_message_titles_and_long_texts():
    t = tree('<ul class="nav"><li><a href="/hdjl/xzxx/">县长信箱</a></li><li><a href="/hdjl/wsxf/">网上信访</a></li>'
             '<li><a href="http://12345.example.cn/">12345咨询投诉</a></li></ul>'
             '<ul class="list"><li><a href="/hdjl/1.html">关于社保缴费的咨询</a><span>2023-11-02</span></li></ul>'
             '<p><a href="/x.html">关于进一步做好政务咨询答复工作的通知全文</a></p>')
    found = talk.find_channels(t, BASE)
    assert [(c.url, c.name, c.kind) for c in found] == [
        ("http://www.example.gov.cn/hdjl/xzxx/", "县长信箱", "consult"),
        ("http://www.example.gov.cn/hdjl/wsxf/", "网上信访", "petition"),
        ("http://12345.example.cn/", "12345咨询投诉", "consult")]


def test_table_list_read_by_its_header():
    t = tree('<table><tr><th>序号</th><th>标题</th><th>留言时间</th><th>状态</th><th>答复时间</th></tr>'
             '<tr><td>1</td><td><a href="m/1.html">关于道路积水的咨询</a></td><td>2023年11月2日</td><td>已回复</td>'
             '<td>2023/11/03 10:23:11</td></tr>'
             '<tr><td>2</td><td><a href="m/2.html">关于学区划分的咨询</a></td><td>2023-11-20</td><td>办理中</td><td></td></tr>'
             '</table><div class="page"><a href="index_1.html">下一页</a></div>')
    got = talk.read_list(t, BASE)
    assert [(r.url.rsplit("/", 1)[1], r.asked_on, r.status, r.answered_on) for r in got.rows] == [
        ("1.html", date(2023, 11, 2), "已回复", date(2023, 11, 3)), ("2.html", date(2023, 11, 20), "办理中", None)]
    assert got.pages == [BASE + "index_1.html"]


def test_li_list_dates_in_order_and_status_word():
    t = tree('<ul><li><span>[已办结]</span><a href="/m/1.html" title="关于公交线路调整的建议">关于公交线路…</a>'
             '<span>2023-10-08</span><span>2023-10-12</span></li>'
             '<li><a href="/m/2.html">关于噪声扰民的投诉</a><em>未回复</em><span>2023-11-25</span></li>'
             '<li><a href="/m/3.html">没有日期的一行</a></li></ul>'
             '<div class="pagination"><a href="?page=2">下一页</a></div>')
    got = talk.read_list(t, "http://www.example.gov.cn/list.jsp?page=1")
    assert [(r.title, r.asked_on, r.answered_on, r.status) for r in got.rows] == [
        ("关于公交线路调整的建议", date(2023, 10, 8), date(2023, 10, 12), "已办结"),
        ("关于噪声扰民的投诉", date(2023, 11, 25), None, "未回复")]
    assert got.pages == ["http://www.example.gov.cn/list.jsp?page=2"]


def test_message_page_table_cells():
    t = tree('<table><tr><td>来信人</td><td>张**</td><td>来信时间</td><td>2023-09-28 10:23:11</td></tr>'
             '<tr><td>来信内容</td><td colspan="3">请问……</td></tr>'
             '<tr><td>回复单位</td><td>县医保局</td><td>回复时间</td><td>2023年10月9日</td></tr>'
             '<tr><td>回复内容</td><td colspan="3"><p>您好！</p><p>已办理。</p></td></tr></table>')
    f = talk.read_message(t)
    assert (f.asked_on, f.answered_on, f.office, f.replied) == (date(2023, 9, 28), date(2023, 10, 9), "县医保局", True)
    assert f.reply == "您好！已办理。"


def test_message_page_dl_and_div_forms():
    dl = tree('<dl><dt>留言时间：</dt><dd>2023/11/02</dd><dt>答复部门：</dt><dd>县人社局</dd>'
              '<dt>答复时间：</dt><dd>2023/11/08</dd><dt>答复内容：</dt><dd>您好，请携带身份证办理。</dd></dl>')
    f = talk.read_message(dl)
    assert (f.asked_on, f.answered_on, f.office, f.replied) == (date(2023, 11, 2), date(2023, 11, 8), "县人社局", True)
    div = tree('<div class="info"><p><span>提问时间：</span>2023年11月2日</p><p>处理状态：办理中</p>'
               '<div class="reply"><h4>答复内容：</h4></div></div>')
    f = talk.read_message(div)
    assert (f.asked_on, f.answered_on, f.status, f.replied) == (date(2023, 11, 2), None, "办理中", False)
    # an empty reply field before the footer: not answered, the footer is no reply
    empty = tree('<table><tr><td>来信时间</td><td>2023-11-02</td></tr><tr><td>回复内容</td><td></td></tr></table>')
    f = talk.read_message(empty)
    assert f.reply == "" and f.replied is False


def test_message_page_saying_nothing_of_a_reply():
    f = talk.read_message(tree("<h1>关于某事的咨询</h1><p>正文</p>"))
    assert f.asked_on is None and f.replied is None


def test_message_item_takes_the_page_first_then_the_row():
    row = talk.row_meta(talk.MessageRow("http://x/m/1.html", "关于某事", date(2023, 11, 2), None, "已回复"))
    channel = {"url": "http://x/xzxx/", "name": "县长信箱", "kind": "consult"}
    listed = talk.message_item(row, channel, None, "http://x/xzxx/")
    assert (listed.asked_on, listed.replied, listed.page_read) == (date(2023, 11, 2), True, False)
    page = talk.MessageFields(asked_on=None, answered_on=date(2023, 11, 6), office="县民政局", reply="您好")
    item = talk.message_item(row, channel, page, "http://x/xzxx/")
    assert (item.asked_on, item.answered_on, item.answered_by, item.replied, item.page_read) == (
        date(2023, 11, 2), date(2023, 11, 6), "县民政局", True, True)


def test_each_table_keeps_its_own_header_in_a_long_page():
    """Two message tables, columns in different orders, many rows each: every row read by its own
    table's header (kept per table element: a freed lxml proxy's id() is soon another element's)."""
    first = "".join(f'<tr><td><a href="m/a{i}.html">第{i}个关于道路的咨询</a></td><td>2023-10-02</td><td>已回复</td>'
                    f'<td>2023-10-09</td></tr>' for i in range(150))
    second = "".join(f'<tr><td>2023-11-08</td><td>已回复</td><td><a href="m/b{i}.html">第{i}个关于学校的咨询</a></td>'
                     f'<td>2023-11-01</td></tr>' for i in range(150))
    t = tree('<table><tr><th>标题</th><th>留言时间</th><th>状态</th><th>答复时间</th></tr>' + first + '</table>'
             '<table><tr><th>答复时间</th><th>状态</th><th>标题</th><th>留言时间</th></tr>' + second + '</table>')
    rows = talk.read_list(t, BASE).rows
    assert len(rows) == 300
    assert {(r.asked_on, r.answered_on) for r in rows[:150]} == {(date(2023, 10, 2), date(2023, 10, 9))}
    assert {(r.asked_on, r.answered_on) for r in rows[150:]} == {(date(2023, 11, 1), date(2023, 11, 8))}
