"""The shared helpers of the checks: periods named in titles, period enumeration."""
from __future__ import annotations

from datetime import date

import pytest

from zwgk.auditor.checks._select import periods, title_period_labels, year_mentions


@pytest.mark.parametrize(
    "title, listed, labels",
    [
        ("2023年7月财政收支情况", None, {"2023-07", "2023Q3", "2023"}),
        ("2023年1-7月全县财政收支", None, {"2023-07", "2023Q3", "2023"}),
        ("2023年1—3月财政收支", None, {"2023-03", "2023Q1", "2023"}),
        ("2023年1-2月财政收支", None, {"2023-01", "2023-02", "2023Q1", "2023"}),
        ("2023年1至2月全县经济运行", None, {"2023-01", "2023-02", "2023Q1", "2023"}),
        ("2023年1、2月份财政收支", None, {"2023-01", "2023-02", "2023Q1", "2023"}),
        ("2023年7—9月财政收支", None, {"2023-07", "2023-08", "2023-09", "2023Q3", "2023"}),
        ("7月份财政收支", date(2023, 8, 10), {"2023-07", "2023Q3", "2023"}),
        ("12月份财政收支", date(2024, 1, 10), {"2023-12", "2023Q4", "2023"}),
        ("十二月份财政收支", None, {"2022-12", "2022Q4", "2022"}),
        ("第二季度国企运行情况", None, {"2022Q2", "2022"}),
        ("2023年前三季度经济运行", None, {"2023Q3", "2023"}),
        ("2023年上半年经济运行", None, {"2023Q2", "2023"}),
        ("二〇二二年度工作报告", None, {"2022"}),
        ("关于2023年7月5日召开会议的通知", None, {"2023"}),
        ("无周期的标题", None, set()),
    ],
)
def test_title_period_labels(title, listed, labels):
    assert title_period_labels(title, listed, 2022) == labels


def test_year_mentions():
    assert year_mentions("2022年政府信息公开工作年度报告", 2022)
    assert year_mentions("二〇二二年政府信息公开工作年报", 2022)
    assert not year_mentions("2021年政府信息公开工作年度报告", 2022)


@pytest.mark.parametrize("every, year, n, first, last", [
    ("month", 2023, 12, ("2023-01", date(2023, 1, 1), date(2023, 1, 31)), ("2023-12", date(2023, 12, 1), date(2023, 12, 31))),
    ("quarter", 2024, 4, ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)), ("2024Q4", date(2024, 10, 1), date(2024, 12, 31))),
    ("year", 2023, 1, ("2023", date(2023, 1, 1), date(2023, 12, 31)), ("2023", date(2023, 1, 1), date(2023, 12, 31))),
    ("week", 2020, 53, ("2020-W01", date(2019, 12, 30), date(2020, 1, 5)), ("2020-W53", date(2020, 12, 28), date(2021, 1, 3))),
])
def test_periods(every, year, n, first, last):
    ps = periods(every, year)
    assert len(ps) == n
    assert (ps[0].label, ps[0].start, ps[0].end) == first
    assert (ps[-1].label, ps[-1].start, ps[-1].end) == last
    assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in zip(ps, ps[1:]))
