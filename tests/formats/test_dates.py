import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from zwgk.formats.dates import find_dates, parse_date, parse_datetime

D = dt.date(2023, 9, 15)


@pytest.mark.parametrize("text", [
    "2023-09-15", "2023-9-15", "2023/9/15", "2023/09/15", "2023.09.15", "2023年9月15日",
    "2023年09月15日", "2023 年 9 月 15 日", "二〇二三年九月十五日", "二零二三年九月十五日",
    "２０２３年９月１５日", "２０２３－０９－１５", "发布时间：2023-09-15 10:32  来源：县财政局",
    "2023-09-15T10:32:00+08:00", "2023-09-15-17:00:32", "　2023年9月15日　", "二〇二三年 九月 十五日",
])
def test_parse_date_forms(text):
    assert parse_date(text) == D


@pytest.mark.parametrize(("text", "expected"), [
    ("二〇二三年十二月三十一日", dt.date(2023, 12, 31)),
    ("二〇二三年十月一日", dt.date(2023, 10, 1)),
    ("二〇二三年十一月二十日", dt.date(2023, 11, 20)),
    ("二〇二〇年二月二十九日", dt.date(2020, 2, 29)),
    ("一九九九年十月一日", dt.date(1999, 10, 1)),
    ("2023-02-30 then 2023-03-01", dt.date(2023, 3, 1)),
])
def test_chinese_numerals_and_skipping(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "", "abc", "2023-02-30", "2023-13-01", "2023-00-10", "2023年2月29日", "二〇二三年二月三十日",
    "二〇二三年十三月一日", "11441700007280420Y/2021-00050", "共2023页", "2023年9月", "1023-09-15",
    "20230915", "http://x.gov.cn/2023/09/15/a.html",
])
def test_rejects(text):
    assert parse_date(text) is None


def test_find_dates_in_order():
    assert find_dates("成文日期：2023年9月12日 发布日期：2023-09-18") == [dt.date(2023, 9, 12), dt.date(2023, 9, 18)]


def test_parse_datetime():
    assert parse_datetime("发布时间：2023-09-15 10:32") == dt.datetime(2023, 9, 15, 10, 32)
    assert parse_datetime("2023-09-15 10:32:05") == dt.datetime(2023, 9, 15, 10, 32, 5)
    assert parse_datetime("2023年09月15日 10时32分") == dt.datetime(2023, 9, 15, 10, 32)
    assert parse_datetime("2023-09-15") is None
    assert parse_datetime(None) is None


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_round_trip(d):
    for text in (d.isoformat(), f"{d.year}年{d.month}月{d.day}日", f"{d.year}/{d.month}/{d.day}"):
        assert parse_date(text) == d


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises(text):
    d = parse_date(text)
    assert d is None or isinstance(d, dt.date)
    assert all(isinstance(x, dt.date) for x in find_dates(text))
    parse_datetime(text)
