"""load_snapshot keeps only the link occurrences and targets the checks read, and the checks find the same."""
from dataclasses import replace
from datetime import date, datetime, timezone

from sqlalchemy import select

from zwgk.auditor import model as am
from zwgk.auditor.checks.homepage import homepage_stale
from zwgk.auditor.checks.links import broken_link, redirect_chain, wrong_link
from zwgk.auditor.checks.site import site_identity
from zwgk.auditor.snapshot import load_snapshot
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.write import start_crawl

SITE = "http://127.0.0.1:1/"
NOW = datetime(2023, 11, 20, tzinfo=timezone.utc)


def _target(cid, url, state="ok", status=200, redirects=(), error=None):
    return m.LinkTarget(crawl_id=cid, url=url, state=state, kind="站内", status=status, error=error,
                        redirects=list(redirects), checked_at=NOW)


def test_only_needed_occurrences_loaded_and_findings_unchanged(tmp_path):
    Session = open_db(f"sqlite:///{tmp_path / 'zwgk.db'}")
    dept = SITE + "dept/"
    doc = SITE + "a/t20231101_1.html"
    with Session.begin() as s:
        cid = start_crawl(s, SITE).id
        s.get(m.Crawl, cid).homepage_url = SITE
        s.add_all([
            m.Page(crawl_id=cid, url=SITE, kind="home", status=200, title="示例县人民政府", fetched_at=NOW,
                   text="2023-11-18 通知 主办单位：示例县人民政府 网站标识码1234567890"),
            m.Page(crawl_id=cid, url=dept, kind="root", status=200, title="示例县财政局", office="示例县财政局",
                   fetched_at=NOW, text="主办单位：示例县财政局"),
            m.Page(crawl_id=cid, url=doc, kind="document", status=200, title="关于某事的通知", fetched_at=NOW),
        ])
        s.add_all([
            _target(cid, SITE + "ok.html"),
            _target(cid, SITE + "gone.html", "broken", 404),
            _target(cid, SITE + "busy.html", "inconclusive", 429),
            _target(cid, SITE + "b.html#top", "broken", 200),
            _target(cid, "http://10.0.0.1/x", "wrong", None),
            _target(cid, SITE + "old.html", redirects=[SITE + "old.html", SITE + "mid.html", SITE + "new.html"]),
            _target(cid, "http://www.conac.cn/x", "ok"),
            _target(cid, SITE + "search/", "inconclusive", None, error="robots.txt 禁止抓取，未检查（Disallow: /search/）"),
        ])
        links = [
            (SITE, SITE + "ok.html", "好链接"), (SITE, "http://www.conac.cn/x", "党政机关"),
            (doc, SITE + "ok.html", "首页"), (doc, SITE + "gone.html", "坏链接"), (doc, SITE + "gone.html#p", "坏链接二"),
            (doc, SITE + "busy.html", "忙"), (doc, SITE + "b.html#top", "锚点"), (doc, SITE + "b.html", "无锚点"),
            (doc, "http://10.0.0.1/x", "内网"), (doc, SITE + "old.html", "旧地址"), (dept, SITE + "ok.html", "返回"),
            (doc, SITE + "other.html", "别处"), (dept, SITE + "gone.html", "坏链接"),
            (doc, SITE + "search/", "搜索"), (dept, SITE + "search/", "搜索"), (SITE, SITE + "search/", "搜索"),
        ]
        s.add_all([m.Link(crawl_id=cid, source_url=a, target_url=b, text=t) for a, b, t in links])
    with Session() as s:
        snap = load_snapshot(s, cid, date(2023, 11, 30))
        titles = dict(s.execute(select(m.Page.url, m.Page.title)).all())
        every = tuple(am.LinkOccurrence(x.source_url, titles.get(x.source_url), x.target_url, x.text)
                      for x in s.scalars(select(m.Link).order_by(m.Link.id)))
        targets = tuple(am.LinkTarget(t.url, t.state, t.kind, t.status, t.error, tuple(t.redirects or ()), t.landing)
                        for t in s.scalars(select(m.LinkTarget).order_by(m.LinkTarget.id)))
    loaded = {(o.source_url, o.target_url) for o in snap.occurrences}
    # a document page's links to targets that are ok and were not redirected are not loaded
    assert (doc, SITE + "ok.html") not in loaded and (doc, SITE + "other.html") not in loaded
    assert (doc, SITE + "b.html") not in loaded
    # nor the links to a target robots.txt disallows (never reported), but on a front page
    assert (doc, SITE + "search/") not in loaded and (dept, SITE + "search/") in loaded
    # the front pages' links, and every link to a target that is not ok or was redirected, are
    assert {(SITE, SITE + "ok.html"), (dept, SITE + "ok.html"), (doc, SITE + "gone.html#p"),
            (doc, SITE + "b.html#top"), (doc, SITE + "old.html"), (dept, SITE + "gone.html")} <= loaded
    assert [o for o in every if (o.source_url, o.target_url) in loaded] == list(snap.occurrences)
    whole = replace(snap, occurrences=every)
    for check in (broken_link, wrong_link, redirect_chain, homepage_stale, site_identity):
        assert check(snap) == check(whole), check.__name__
    assert broken_link(snap).findings and redirect_chain(snap).findings
    # working links that were not redirected are counted, not held; the checks count them all
    held = {t.url for t in snap.links}
    assert SITE + "ok.html" not in held and "http://www.conac.cn/x" not in held
    assert {SITE + "gone.html", SITE + "busy.html", "http://10.0.0.1/x", SITE + "old.html"} <= held
    every_target = replace(whole, links=targets, link_counts=None)
    assert snap.link_count() == every_target.link_count() == len(targets) == 8
    assert snap.link_count("站内", "ok") == every_target.link_count("站内", "ok") == 3
    for check in (broken_link, wrong_link, redirect_chain):
        assert check(snap) == check(every_target), check.__name__
        assert check(snap).checked == 8


def test_entries_not_fetched_keep_their_targets_and_coverage_is_unchanged(tmp_path):
    """The coverage account says why an entry was not fetched from its link target, ok ones
    (an attachment, a page that is no document) included: those are held, other ok ones counted."""
    from zwgk.auditor.coverage import coverage

    Session = open_db(f"sqlite:///{tmp_path / 'zwgk.db'}")
    col = SITE + "col/"
    doc, pdf, page, gone, lost = (SITE + "col/a.html", SITE + "col/b.pdf", SITE + "col/c.html",
                                  SITE + "col/d.html", SITE + "col/e.html")
    with Session.begin() as s:
        cid = start_crawl(s, SITE).id
        s.add_all([m.Page(crawl_id=cid, url=SITE, kind="home", status=200, title="首页", fetched_at=NOW, text="首页"),
                   m.Page(crawl_id=cid, url=col, kind="column", status=200, title="通知公告", fetched_at=NOW),
                   m.Page(crawl_id=cid, url=doc, kind="document", status=200, title="甲", fetched_at=NOW)])
        s.add(m.SiteColumn(crawl_id=cid, url=col, name="通知公告", kind="notice"))
        s.add_all([m.ColumnEntry(crawl_id=cid, column_url=col, list_page=col, url=u, title=t)
                   for u, t in ((doc, "甲"), (pdf, "乙"), (page, "丙"), (gone, "丁"), (lost, "戊"))])
        s.add(m.Document(crawl_id=cid, url=doc, title="甲", column="通知公告"))
        s.add_all([_target(cid, doc), _target(cid, page), _target(cid, gone, "broken", 404),
                   _target(cid, SITE + "elsewhere.html")])
        s.add(m.LinkTarget(crawl_id=cid, url=pdf, state="ok", kind="附件", status=200, error=None, redirects=[],
                           checked_at=NOW))
    with Session() as s:
        snap = load_snapshot(s, cid, date(2023, 11, 30))
        targets = tuple(am.LinkTarget(t.url, t.state, t.kind, t.status, t.error, tuple(t.redirects or ()), t.landing)
                        for t in s.scalars(select(m.LinkTarget).order_by(m.LinkTarget.id)))
    assert {t.url for t in snap.links} == {pdf, page, gone}
    whole = replace(snap, links=targets, link_counts=None)
    assert coverage(snap) == coverage(whole)
    reasons = {x["url"]: x["reason"] for x in coverage(snap)["columns"][0]["not_fetched"]}
    assert reasons[pdf].startswith("附件") and reasons[page].startswith("页面可以访问")
    assert reasons[gone].startswith("无法访问") and reasons[lost].startswith("未抓取")


def test_occurrences_picked_by_the_database_are_those_of_a_whole_read(tmp_path, monkeypatch):
    """The store picks the rows that can match (snapshot.PICK_MAX); read whole and tested row by
    row, the same occurrences come out, in the same order — fragments, spaces around a target, front
    pages and targets reported or not, mixed over many pages."""
    import random

    from zwgk.auditor import snapshot

    rnd = random.Random(7)
    Session = open_db(f"sqlite:///{tmp_path / 'zwgk.db'}")
    dept = SITE + "dept/"
    with Session.begin() as s:
        cid = start_crawl(s, SITE).id
        s.get(m.Crawl, cid).homepage_url = SITE
        s.add_all([m.Page(crawl_id=cid, url=SITE, kind="home", status=200, title="首页", fetched_at=NOW, text="首页"),
                   m.Page(crawl_id=cid, url=dept, kind="root", status=200, title="部门", office="部门",
                          fetched_at=NOW, text="部门")])
        bad = [SITE + f"gone{i}.html" for i in range(5)]
        s.add_all([_target(cid, u, "broken", 404) for u in bad])
        s.add_all([_target(cid, SITE + f"ok{i}.html") for i in range(20)])
        s.add(_target(cid, SITE + "a.html#sec", "broken", 200))
        forms = bad + [SITE + f"ok{i}.html" for i in range(20)] + [
            SITE + "a.html#sec", SITE + "a.html#other", bad[0] + "#p", " " + bad[1], bad[2] + " ", SITE + "ok1.html#x"]
        rows = []
        for page in range(120):
            source = rnd.choice([SITE, dept] + [SITE + f"d/{i}.html" for i in range(40)])
            for target in rnd.sample(forms, 8):
                rows.append(m.Link(crawl_id=cid, source_url=source, target_url=target, text=f"链接{page}"))
        rnd.shuffle(rows)
        s.add_all(rows)
    with Session() as s:
        picked = load_snapshot(s, cid, date(2023, 11, 30)).occurrences
    monkeypatch.setattr(snapshot, "PICK_MAX", -1)
    with Session() as s:
        whole = load_snapshot(s, cid, date(2023, 11, 30)).occurrences
    assert picked == whole
    assert {o.target_url for o in picked} >= {" " + bad[1], bad[2] + " ", bad[0] + "#p", SITE + "a.html#sec"}
    assert any(o.source_url == dept and o.target_url.startswith(SITE + "ok") for o in picked)
    assert not any(o.source_url.startswith(SITE + "d/") and o.target_url.startswith(SITE + "ok")
                   and "#" not in o.target_url for o in picked)
