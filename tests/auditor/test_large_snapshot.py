"""A crawl read the large way (entries and documents in temporary files, the columns settled in
the database: auditor/snapshot.py _settle_in_store) is the same snapshot as read the small way."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from zwgk.auditor import model as am
from zwgk.auditor.coverage import coverage
from zwgk.auditor.snapshot import load_snapshot
from zwgk.auditor.spill import Rows
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.write import start_crawl

SITE = "http://127.0.0.1:1/"
NOW = datetime(2023, 11, 20, tzinfo=timezone.utc)


def _store(Session) -> int:
    u = lambda p: SITE + p  # noqa: E731
    with Session.begin() as s:
        cid = start_crawl(s, SITE).id
        s.add_all([
            # a parent column whose page previews its sub-columns, and lists one of its own
            m.SiteColumn(crawl_id=cid, url=u("gk/"), name="政府信息公开", kind=None, has_children=True),
            m.SiteColumn(crawl_id=cid, url=u("gk/zcwj/"), name="政策文件", kind="policy", parent_url=u("gk/")),
            m.SiteColumn(crawl_id=cid, url=u("gk/zcwj/gfxwj/"), name="规范性文件", kind="normative",
                         parent_url=u("gk/zcwj/")),
            m.SiteColumn(crawl_id=cid, url=u("gk/zcjd/"), name="政策解读", kind="interpretation", parent_url=u("gk/")),
            m.SiteColumn(crawl_id=cid, url=u("tzgg/"), name="通知公告", kind=None),
            m.SiteColumn(crawl_id=cid, url=u("bm/czj/tzgg/"), name="通知公告", kind="notice", office="县财政局"),
        ])
        entries = [("gk/", "a.html", "预览甲", date(2023, 3, 1)), ("gk/", "own.html", "公开指南", None),
                   ("gk/zcwj/", "b.html", "文件乙", date(2023, 2, 1)),
                   ("gk/zcwj/gfxwj/", "a.html", "规范性文件甲", date(2023, 3, 1)),
                   ("gk/zcwj/gfxwj/", "b.html", "文件乙", None), ("gk/zcjd/", "j.html", "解读丙", None),
                   ("tzgg/", "b.html", "文件乙", date(2023, 2, 2)), ("tzgg/", "gone.html", "未抓取", None),
                   ("bm/czj/tzgg/", "cz1.html", "财政通知", date(2023, 5, 5)), ("bm/czj/tzgg/", "a.html", "甲", None)]
        s.add_all([m.ColumnEntry(crawl_id=cid, column_url=u(c), url=u(x), title=t, date=d) for c, x, t, d in entries])
        docs = [("a.html", "规范性文件甲", None, False), ("b.html", "文件乙", "通知公告", False),
                ("j.html", "解读丙", None, False), ("cz1.html", "财政通知", "通知公告", False),
                ("x.html", "未列出的文件", "政策文件", False), ("own.html", "公开指南", None, False)]
        s.add_all([m.Document(crawl_id=cid, url=u(x), title=t, column=c, is_interpretation=i, office=None,
                              publish_date=date(2023, 3, 3), interpretation_links=[{"url": u("j.html")}] if x == "a.html"
                              else [], policy_urls=[u("a.html")] if x == "j.html" else [], attachments=[],
                              reasons={}, body_chars=100) for x, t, c, i in docs])
        s.add_all([m.LinkTarget(crawl_id=cid, url=u("gone.html"), state="broken", kind="站内", status=404,
                                checked_at=NOW),
                   m.LinkTarget(crawl_id=cid, url=u("b.html"), state="ok", kind="站内", status=200, checked_at=NOW)])
    return cid


def _plain(snap: am.SiteSnapshot) -> dict:
    return {"documents": list(snap.documents),
            "columns": [(c.url, c.name, c.kind, c.office, c.has_children, list(c.entries)) for c in snap.columns],
            "links": snap.links, "link_counts": snap.link_counts, "unfetched": snap.unfetched,
            "listed_urls": snap.listed_urls, "offices": snap.offices}


def test_read_large_is_read_small(db_url):
    Session = open_db(db_url)
    cid = _store(Session)
    with Session() as s:
        small = load_snapshot(s, cid, date(2023, 11, 30), spill=10**9)
        large = load_snapshot(s, cid, date(2023, 11, 30), spill=0)
        # the temporary tables are gone: a second read in the same session starts afresh
        again = load_snapshot(s, cid, date(2023, 11, 30), spill=0)
        assert s.execute(text("SELECT count(*) FROM document")).scalar() == 6
    assert isinstance(large.documents, Rows) and isinstance(large.columns[0].entries, Rows)
    assert isinstance(small.documents, tuple)
    assert _plain(large) == _plain(small) == _plain(again)
    by_url = {d.url: d for d in small.documents}
    # what the rule decides, so that equality above is equality of something
    assert by_url[SITE + "a.html"].column == "规范性文件"        # the most specific list wins over a preview and another office
    assert by_url[SITE + "b.html"].column == "规范性文件"        # a known kind without sub-columns before 通知公告
    assert by_url[SITE + "j.html"].is_interpretation             # a 解读 column lists it
    assert by_url[SITE + "x.html"].column == "政策文件"          # listed nowhere: as the crawl filed it
    assert by_url[SITE + "cz1.html"].office == "县财政局"
    parent = next(c for c in small.columns if c.url == SITE + "gk/")
    assert [e.url for e in parent.entries] == [SITE + "own.html"]  # the preview of a sub-column's entry is dropped
    assert small.unfetched == {SITE + "gone.html"} and small.listed_urls == 6
    assert coverage(large) == coverage(small)


@pytest.mark.parametrize("spill", [0, 10**9])
def test_the_temporary_tables_are_dropped_after_a_failed_read(tmp_path, spill, monkeypatch):
    Session = open_db(f"sqlite:///{tmp_path / 'zwgk.db'}")
    cid = _store(Session)
    from zwgk.auditor import snapshot

    def fail(*a, **k):
        raise RuntimeError("断开")

    monkeypatch.setattr(snapshot, "_document", fail)  # inside the read, after the tables are made
    with Session() as s:
        with pytest.raises(RuntimeError):
            load_snapshot(s, cid, date(2023, 11, 30), spill=spill)
        left = s.execute(text("SELECT name FROM sqlite_temp_master WHERE type = 'table'")).scalars().all()
    assert left == []


def test_a_full_disk_stops_the_audit_with_a_message_and_no_results(tmp_path, monkeypatch):
    """The temporary files cannot be written: `zwgk audit` says so in Chinese, exits non-zero,
    writes no results.json and stores no audit."""
    import errno

    from click.testing import CliRunner

    from zwgk.auditor import spill
    from zwgk.cli import main

    url = f"sqlite:///{tmp_path / 'zwgk.db'}"
    cid = _store(open_db(url))

    def full(*a):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spill.os, "pwrite", full)
    monkeypatch.setenv("ZWGK_AUDIT_SPILL_ABOVE", "0")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["audit", "--db", url, "--crawl", str(cid), "--as-of", "2023-11-30", "--out", str(out)])
    assert r.exit_code != 0
    assert "审计临时文件写入失败（磁盘空间不足？）" in r.output and "未生成评估结果" in r.output
    assert not (out / "results.json").exists()
    with open_db(url)() as s:
        assert s.execute(text("SELECT count(*) FROM audit")).scalar() == 0
