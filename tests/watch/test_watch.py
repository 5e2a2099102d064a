"""The watcher against a loopback server that fails a chosen share of requests, on a real
database: every probe stored, the shares per day and per window, and the audit's verdict."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest

from zwgk.auditor.checks.availability import homepage_availability
from zwgk.auditor.model import SiteSnapshot
from zwgk.crawler.netpolicy import NetworkPolicy
from zwgk.store.db import open_db
from zwgk.watch.fact import CHINA, availability_fact
from zwgk.watch.loop import Target, Watcher, interval_for
from zwgk.watch.probe import ProbeResult
from zwgk.watch.record import probes, save_probe, site_id


def snapshot(fact: dict | None, as_of: date) -> SiteSnapshot:
    return SiteSnapshot(site_url="http://www.example.gov.cn/", homepage_url=None, crawl_id=1,
                        crawled_at=datetime.now(timezone.utc), as_of=as_of, homepage=None, pages=(), documents=(),
                        columns=(), links=(), occurrences=(), offices=(),
                        facts={} if fact is None else {"availability": fact})


def watcher(db_url, server, **kw) -> Watcher:
    target = Target(server.url, "home", server.url, NetworkPolicy.for_site("any", server.url, {}))
    kw.setdefault("interval", 0.01)
    kw.setdefault("jitter", 0.0)
    return Watcher(open_db(db_url), [target], **kw)


def today() -> date:
    return datetime.now(CHINA).date()


@pytest.mark.parametrize("plan, rounds, failures, outcome", [
    (["503"] + ["ok"] * 19, 40, 2, "fail"),           # 5.0 %: the veto is at 5 % inclusive
    (["reset"] + ["ok"] * 24, 50, 2, "pass"),         # 4.0 %
    (["503", "ok", "reset", "ok", "drop", "ok", "slow", "ok", "ok", "ok"], 20, 8, "fail"),  # 40 %
])
def test_failure_share_of_a_run_and_its_verdict(db_url, plan_server, plan, rounds, failures, outcome):
    s = plan_server({"/": plan}, slow_s=4.0)
    limit = 1.5 if "slow" in plan else 10.0  # a loaded machine answers within 1.5 s, the slow answer never
    w = watcher(db_url, s, timeout=limit)
    if "slow" in plan:
        if today() != (datetime.now(CHINA) + timedelta(seconds=30)).date():
            pytest.skip("too close to midnight (China time) for a one-day window")
    assert w.run(rounds=rounds) == rounds
    with open_db(db_url)() as session:
        stored = probes(session, s.url)
        fact = availability_fact(session, s.url, today(), days=1, limit_s=limit)  # the limit the watcher ran under
    assert len(stored) == rounds == s.hits["/"]
    (home,) = fact["targets"]
    assert (home["probes"], home["failures"], home["ok"]) == (rounds, failures, rounds - failures)
    assert home["share"] == pytest.approx(failures / rounds)
    assert home["days"] == [{"date": today().isoformat(), "probes": rounds, "ok": rounds - failures,
                             "failures": failures, "inconclusive": 0, "share": round(failures / rounds, 4),
                             "share_text": f"{failures / rounds * 100:.1f}%", "enough": True}]
    assert len(home["failure_list"]) == failures and all(e["error"] for e in home["failure_list"])
    res = homepage_availability(snapshot(fact, today()), days=1)
    assert res.outcome == outcome, res.note
    if outcome == "fail":
        (f,) = res.findings
        assert f.url == s.url and f.details["failures"] == failures and f.details["probes"] == rounds


def test_mixed_errors_are_named_and_timed(db_url, plan_server):
    s = plan_server({"/": ["503", "reset", "slow", "ok"]}, slow_s=4.0)
    watcher(db_url, s, timeout=1.5).run(rounds=4)
    with open_db(db_url)() as session:
        fact = availability_fact(session, s.url, today(), days=1, limit_s=1.5)
        national = availability_fact(session, s.url, today(), days=1)
    (home,) = fact["targets"]
    assert sorted(e["error"] for e in home["errors"]) == ["HTTP 503", "超时（1.5 秒内未完成）", "连接被重置"]
    times = [datetime.strptime(e["time"], "%Y-%m-%d %H:%M:%S") for e in home["failure_list"]]
    assert times == sorted(times) and abs(times[-1] - datetime.now(CHINA).replace(tzinfo=None)) < timedelta(minutes=2)
    slow = next(e for e in home["failure_list"] if e["error"].startswith("超时"))
    assert 1.5 <= slow["elapsed_s"] < 3.5
    # judged against the national 15 s, a probe that gave up after 1 s says nothing either way
    (home15,) = national["targets"]
    assert (home15["failures"], home15["inconclusive"]) == (2, 1)
    assert "短于 15 秒，不计入" in home15["inconclusive_list"][0]["error"]


def test_too_few_requests_need_review_not_pass(db_url, plan_server):
    s = plan_server({"/": ["ok"]})
    watcher(db_url, s).run(rounds=10)
    with open_db(db_url)() as session:
        fact = availability_fact(session, s.url, today(), days=1)
    res = homepage_availability(snapshot(fact, today()), days=1)
    assert res.outcome == "needs_review" and "监测次数不足" in res.note and "10 次" in res.note
    assert homepage_availability(snapshot(None, today())).outcome == "needs_review"


def _result(url: str, when: datetime, outcome: str, error: str | None = None) -> ProbeResult:
    return ProbeResult(url, when, 120, outcome, 200 if outcome == "ok" else 503, error, url, 15.0)


def test_a_week_of_stored_probes_days_in_china_time(db_url):
    """availability_fact on a real database: probes of 2023-11-24 … 11-30 (China time), 20 a
    day, one failure a day = 5 %: a veto. Probes outside the window are not counted; a site
    URL written another way is the same site."""
    site = "http://WWW.Example.gov.cn:80"
    sessions = open_db(db_url)
    with sessions() as session:
        for day in range(7):
            # 20 a day from 00:00 China time (16:00 UTC the day before), one every 70 minutes
            start = datetime(2023, 11, 23, 16, 0, tzinfo=timezone.utc) + timedelta(days=day)
            for i in range(20):
                failed = i == 19  # the last of each day: 22:10 China time
                save_probe(session, site, "home", _result("http://www.example.gov.cn/", start + timedelta(minutes=70 * i),
                                                          "fail" if failed else "ok", "HTTP 503" if failed else None))
        save_probe(session, site, "home", _result("http://www.example.gov.cn/",  # 11-23 23:59:59 China time
                                                  datetime(2023, 11, 23, 15, 59, 59, tzinfo=timezone.utc), "fail", "x"))
        save_probe(session, site, "root", _result("http://www.example.gov.cn/zwgk/",
                                                  datetime(2023, 11, 30, 1, 0, tzinfo=timezone.utc), "inconclusive",
                                                  "HTTP 412（可能被防火墙或访问频率限制拦截）"))
    with sessions() as session:
        fact = availability_fact(session, "http://www.example.gov.cn/", date(2023, 11, 30))
        assert availability_fact(session, "http://other.example.gov.cn/", date(2023, 11, 30)) is None
    assert fact["window"] == {"start": "2023-11-24", "end": "2023-11-30"}
    assert fact["first_probe"] == "2023-11-23 23:59:59"
    home, root = fact["targets"]
    assert [d["date"] for d in home["days"]] == [f"2023-11-{d}" for d in range(24, 31)]
    assert [(d["probes"], d["failures"]) for d in home["days"]] == [(20, 1)] * 7
    assert (home["probes"], home["failures"], home["share_text"]) == (140, 7, "5.0%")
    assert home["failure_list"][0]["time"] == "2023-11-24 22:10:00"
    assert (root["target"], root["probes"], root["inconclusive"], root["share"]) == ("root", 1, 1, None)
    res = homepage_availability(snapshot(fact, date(2023, 11, 30)))
    assert res.outcome == "fail" and res.checked == 140
    assert "2023-11-24 22:10:00（HTTP 503）" in res.findings[0].details["times"]
    # a day earlier the window starts on 11-23, which has one probe only: too few to judge
    with sessions() as session:
        earlier = availability_fact(session, site, date(2023, 11, 29))
    assert homepage_availability(snapshot(earlier, date(2023, 11, 29))).outcome == "needs_review"


def test_site_id_spellings():
    assert site_id("HTTP://WWW.Example.gov.cn:80") == site_id("http://www.example.gov.cn/") == "http://www.example.gov.cn/"
    assert site_id("https://a.gov.cn:8443/x/#top") == "https://a.gov.cn:8443/x/"
    assert site_id("http://a.gov.cn/") != site_id("https://a.gov.cn/")


def test_a_restarted_watcher_keeps_the_cadence_and_the_probes(db_url, plan_server):
    s = plan_server({"/": ["ok"]})
    watcher(db_url, s).run(rounds=3)
    w = watcher(db_url, s, interval=600)
    with open_db(db_url)() as session:
        (last,) = {p.started_at for p in probes(session, s.url)[-1:]}
        (due,) = w.first_slots(session).values()
    assert due == pytest.approx(last.replace(tzinfo=last.tzinfo or timezone.utc).timestamp() + 600, abs=1)
    fresh = Watcher(open_db(db_url), [Target("http://new.example.gov.cn/", "home", "http://new.example.gov.cn/",
                                             NetworkPolicy("loopback"))], interval=600)
    with open_db(db_url)() as session:
        (due_new,) = fresh.first_slots(session).values()
    assert due_new <= time.time()  # never probed: due now


def test_stop_lets_the_probe_under_way_finish_and_keeps_it(db_url, plan_server):
    s = plan_server({"/": ["slow"]}, slow_s=1.0)
    stop = threading.Event()
    w = watcher(db_url, s, interval=60, timeout=5, stop=stop)
    th = threading.Thread(target=w.run)
    th.start()
    deadline = time.monotonic() + 5
    while not s.hits and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    th.join(timeout=10)
    assert not th.is_alive()
    with open_db(db_url)() as session:
        (p,) = probes(session, s.url)
    assert p.outcome == "ok" and p.elapsed_ms >= 1000


def test_interval_for_per_day():
    assert interval_for(20) == 4320.0 and interval_for(48) == 1800.0
    with pytest.raises(ValueError):
        interval_for(0)


def test_the_rule_limit_judges_what_the_watcher_stored(db_url):
    """A watcher run with a longer --timeout stored a 16 s answer as ok: under the rule (15 s) it
    is a failure."""
    sessions = open_db(db_url)
    when = datetime(2023, 11, 30, 2, 0, tzinfo=timezone.utc)
    with sessions() as session:
        save_probe(session, "http://www.example.gov.cn/", "home",
                   ProbeResult("http://www.example.gov.cn/", when, 16000, "ok", 200, None, None, 30.0))
        save_probe(session, "http://www.example.gov.cn/", "home",
                   ProbeResult("http://www.example.gov.cn/", when + timedelta(minutes=5), 14000, "ok", 200, None, None, 30.0))
        fact = availability_fact(session, "http://www.example.gov.cn/", date(2023, 11, 30), days=1)
        # an audit started from the disclosure column's URL finds the watch of the homepage
        assert availability_fact(session, "http://www.example.gov.cn/xxgk/", date(2023, 11, 30), days=1,
                                 homepage_url="http://www.example.gov.cn/") == fact
    (home,) = fact["targets"]
    assert (home["ok"], home["failures"]) == (1, 1)
    assert home["failure_list"][0]["error"] == "耗时 16.0 秒（达到 15 秒）"
