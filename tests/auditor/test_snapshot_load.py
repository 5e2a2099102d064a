"""load_snapshot keeps only the link occurrences the checks read, and the checks find the same."""
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


def _target(cid, url, state="ok", status=200, redirects=()):
    return m.LinkTarget(crawl_id=cid, url=url, state=state, kind="站内", status=status, error=None,
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
        ])
        links = [
            (SITE, SITE + "ok.html", "好链接"), (SITE, "http://www.conac.cn/x", "党政机关"),
            (doc, SITE + "ok.html", "首页"), (doc, SITE + "gone.html", "坏链接"), (doc, SITE + "gone.html#p", "坏链接二"),
            (doc, SITE + "busy.html", "忙"), (doc, SITE + "b.html#top", "锚点"), (doc, SITE + "b.html", "无锚点"),
            (doc, "http://10.0.0.1/x", "内网"), (doc, SITE + "old.html", "旧地址"), (dept, SITE + "ok.html", "返回"),
            (doc, SITE + "other.html", "别处"), (dept, SITE + "gone.html", "坏链接"),
        ]
        s.add_all([m.Link(crawl_id=cid, source_url=a, target_url=b, text=t) for a, b, t in links])
    with Session() as s:
        snap = load_snapshot(s, cid, date(2023, 11, 30))
        titles = dict(s.execute(select(m.Page.url, m.Page.title)).all())
        every = tuple(am.LinkOccurrence(x.source_url, titles.get(x.source_url), x.target_url, x.text)
                      for x in s.scalars(select(m.Link).order_by(m.Link.id)))
    loaded = {(o.source_url, o.target_url) for o in snap.occurrences}
    # a document page's links to targets that are ok and were not redirected are not loaded
    assert (doc, SITE + "ok.html") not in loaded and (doc, SITE + "other.html") not in loaded
    assert (doc, SITE + "b.html") not in loaded
    # the front pages' links, and every link to a target that is not ok or was redirected, are
    assert {(SITE, SITE + "ok.html"), (dept, SITE + "ok.html"), (doc, SITE + "gone.html#p"),
            (doc, SITE + "b.html#top"), (doc, SITE + "old.html"), (dept, SITE + "gone.html")} <= loaded
    assert [o for o in every if (o.source_url, o.target_url) in loaded] == list(snap.occurrences)
    whole = replace(snap, occurrences=every)
    for check in (broken_link, wrong_link, redirect_chain, homepage_stale, site_identity):
        assert check(snap) == check(whole), check.__name__
    assert broken_link(snap).findings and redirect_chain(snap).findings
