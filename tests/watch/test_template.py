"""The report's 网站可用性 section (zwgk/reports/templates/_availability.html.j2) rendered from a
fact built on a real database, as report.html.j2 includes it."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from zwgk.reports.render import _env
from zwgk.store.db import open_db
from zwgk.watch.fact import availability_fact
from zwgk.watch.probe import ProbeResult
from zwgk.watch.record import save_probe

SITE = "http://www.example.gov.cn/"


def render(**context) -> str:
    return _env().from_string('{% include "_availability.html.j2" %}').render(**context)


def fact(tmp_path) -> dict:
    sessions = open_db(f"sqlite:///{tmp_path / 'w.db'}")
    start = datetime(2023, 11, 29, 16, 0, tzinfo=timezone.utc)  # 2023-11-30 00:00 China time
    with sessions() as s:
        for i in range(24):
            bad = i in (3, 4)
            save_probe(s, SITE, "home", ProbeResult(SITE, start + timedelta(hours=i), 80, "fail" if bad else "ok",
                                                    503 if i == 3 else None,
                                                    "HTTP 503" if i == 3 else ("<script>alert(1)</script>" if bad else None),
                                                    SITE, 15.0))
        save_probe(s, SITE, "root", ProbeResult(SITE + "zwgk/", start, 90, "inconclusive", 412,
                                                "HTTP 412（可能被防火墙或访问频率限制拦截）", SITE + "zwgk/", 15.0))
    with sessions() as s:
        return availability_fact(s, SITE, date(2023, 11, 30), days=2)


def test_section_shows_days_shares_and_each_failure(tmp_path):
    html = render(availability=fact(tmp_path), availability_number="六")
    assert "六、网站可用性" in html and 'id="availability"' in html
    assert "2023-11-29 至 2023-11-30" in html
    # 11-29 had no probe (a short day), 11-30 had 24 with 2 failures
    assert '<tr class="short"><td><time class="d" datetime="2023-11-29">' in html
    assert "8.3%" in html and "失败记录（2 次）" in html
    assert "2023-11-30 03:00:00" in html and "HTTP 503" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html   # site text is escaped
    assert "政务公开专栏" in html and "无法判定记录（1 次）" in html and "HTTP 412" in html


def test_section_without_monitoring_says_how_to_get_it():
    for html in (render(), render(availability=None)):
        assert "网站可用性" in html and 'id="no-availability"' in html and "zwgk watch" in html
