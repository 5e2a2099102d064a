"""A soft 404 is judged by what the page says — an error phrase, or 404 standing as an error code —
never by a bare "404" among other words (a list row numbered "（404）" is not an error page)."""
from __future__ import annotations

import pytest

from zwgk.crawler.discovery import is_soft_404

LIST_PAGE = ("工作动态 首页 > 政府信息公开 > 工作动态 县财政局开展主题党日活动（404） 2023-08-31 "
             "县财政局召开党风廉政建设工作会议（482） 2023-08-31 共7560条 每页8条 当前第265/945页 首页 上一页 下一页 尾页")


@pytest.mark.parametrize("title,text", [
    ("404", ""),
    ("404 - 示例县人民政府", "返回首页"),
    ("示例县人民政府 | 404", "返回首页"),
    ("404 Not Found", "nginx"),
    ("Error 404", ""),
    ("提示", "对不起，您访问的页面不存在或已被删除。"),
    ("示例县人民政府", "404 错误 您访问的页面走丢了 返回首页"),
    ("示例县人民政府", "Error 404 返回首页"),
    ("示例县人民政府", "HTTP 404 - Not Found"),
    ("示例县人民政府", "404 返回首页"),
    ("错误页面", "状态码：404"),
])
def test_error_pages_are_soft_404(title, text):
    assert is_soft_404(title, text)


@pytest.mark.parametrize("title,text", [
    ("工作动态_示例县财政局", LIST_PAGE),                   # a list page showing a row numbered (404)
    ("县财政局开展主题党日活动（404）_示例县财政局", "正文内容。" * 30),  # that row's document
    ("关于G404国道改造工程的通告", "正文"),
    ("示府发〔2023〕404号", "正文"),
    ("404路公交线路调整的公告", "正文"),
    ("便民服务", "服务大厅404室 电话0533-3260404"),
    ("信息公开", "本栏目共404条信息"),
])
def test_pages_that_mention_404_are_not(title, text):
    assert not is_soft_404(title, text)
