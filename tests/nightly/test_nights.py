"""Nights under rolling revalidation (`--revalidate-days N`) on a site that changes between them.

One pair of crawls of the generated site (module fixture): before the first, a document page of
one column gets a plain link (not a 解读 / 原文 link) to a document T listed on the first page of
another, paginated list; between the two, T is deleted and its entry dropped from that page. The
second crawl must report the link to T as broken — although T checked ok last night and its slot
is not tonight — ask that list's further pages (its first page changed), and copy the further
pages of the lists whose first page did not change, unless due by their own slot.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from zwgk.crawler.incremental import due_for_revalidation
from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve

from .test_incremental_resume import crawl, q

DAYS = 7


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _entry_line(html: str, name: str):
    return next((m for m in re.finditer(r"<li>(?:(?!</li>).)*</li>", html, re.S)
                 if re.search(r'href="[^"]*/' + re.escape(name) + '"', m.group(0))), None)


def _pick(key: dict, site, base: str, today: date):
    """(T, its list's first-page file, S): T a document listed on the first page of a paginated
    UTF-8 list whose slot is not today; S a document page of another column."""
    for col in ("/xxgk/gzdt/", "/xxgk/gfxwj/", "/xxgk/qtwj/"):
        lp = site / col.lstrip("/") / "index.html"
        if not lp.is_file() or not (lp.parent / "index_1.html").is_file():
            continue
        html = lp.read_text(encoding="utf-8")
        for d in key["documents"]:
            name = d["path"].rsplit("/", 1)[1]
            if d["path"].startswith(col) and _entry_line(html, name) and \
                    not due_for_revalidation(base + d["path"].lstrip("/"), today, today, DAYS):
                s = next(x for x in key["documents"] if x["path"].endswith(".html") and x["path"].startswith("/xxgk/")
                         and not x["path"].startswith(col) and not x["is_interpretation"])
                return d, col, lp, s
    raise AssertionError("no paginated UTF-8 list with a document not due today")


def _chain(db, crawl_id: int, today: date, days: int) -> tuple[str, str] | None:
    """(A, B): two further pages of a list where B is named by no list page but A (a 下一页 chain)
    and B is not due tonight under `--revalidate-days days`."""
    firsts = {u for (u,) in q(db, "select url from site_column where crawl_id=?", crawl_id)}
    parents: dict[str, set] = {}
    for url, listing in q(db, "select url, listing from page where crawl_id=? and kind='column'", crawl_id):
        for page in (json.loads(listing) or {}).get("pagination", []) if listing else ():
            parents.setdefault(page, set()).add(url)
    for b, named_by in sorted(parents.items()):
        a = next(iter(named_by))
        if len(named_by) == 1 and a not in firsts and b not in firsts and a != b \
                and not due_for_revalidation(b, today, today, days):
            return a, b
    return None


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nights")
    site, db = tmp / "site", tmp / "z.db"
    key = generate(site)
    with serve(site) as server:
        today = datetime.now(timezone.utc).date()  # the crawl's "tonight" (CarryOver.today)
        t, col, list_file, s = _pick(key, site, server.url, today)
        t_url, s_url = server.url + t["path"].lstrip("/"), server.url + s["path"].lstrip("/")
        s_file = site / s["path"].lstrip("/")
        s_file.write_bytes(s_file.read_bytes().replace(
            b"</body>", f'<p>相关：<a href="{t["path"]}">{t["title"]}</a></p></body>'.encode("utf-8"), 1))
        first = crawl(server.url, db, "--revalidate-days", str(DAYS))
        # a page of a 下一页 chain last answered N days ago (due tonight whatever its slot), the page
        # after it not due: asking the first must not make the crawl ask the second. Which pages are
        # due is slot luck (the loopback port is in the URL's hash), so the second night's N is the
        # first from DAYS up under which T and some chain's second page are both not due.
        days, (a, b) = next((d, c) for d in range(DAYS, DAYS + 30)
                            if not due_for_revalidation(t_url, today, today, d)
                            and (c := _chain(db, first, today, d)))
        q(db, "update page set fetched_at=? where crawl_id=? and url=?",
          (datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=days)).isoformat(sep=" "), first, a)
        assert q(db, "select count(*) from column_entry where crawl_id=? and url=?", first, t_url) == [(1,)]
        # T deleted: its page gone, its entry dropped from the list's first page
        html = list_file.read_text(encoding="utf-8")
        m = _entry_line(html, t["path"].rsplit("/", 1)[1])
        list_file.write_text(html[:m.start()] + html[m.end():], encoding="utf-8")
        (site / t["path"].lstrip("/")).unlink()
        mark = len(server.requests)
        second = crawl(server.url, db, "--revalidate-days", str(days))
        asked = list(server.requests[mark:])
    started = datetime.fromisoformat(q(db, "select started_at from crawl where id=?", second)[0][0]).date()
    return dict(db=db, url=server.url, first=first, second=second, asked=asked, t=t_url, s=s_url,
                changed_list=server.url + col.lstrip("/"), started=started, chain=(a, b), days=days)


def test_a_document_dropped_from_its_list_and_still_linked_is_a_broken_link_the_next_night(nights):
    db, first, second, t, s = nights["db"], nights["first"], nights["second"], nights["t"], nights["s"]
    assert q(db, "select state from link_target where crawl_id=? and url=?", first, t) == [("ok",)]
    assert not due_for_revalidation(t, nights["started"], nights["started"], nights["days"])  # not its night
    # asked tonight although it checked ok and its slot is not tonight: no list shows it any more
    assert ("GET", _path(t)) in nights["asked"]
    assert q(db, "select state, status from link_target where crawl_id=? and url=?", second, t) == [("broken", 404)]
    assert q(db, "select count(*) from link where crawl_id=? and source_url=? and target_url=?", second, s, t) == [(1,)]
    assert not q(db, "select 1 from document where crawl_id=? and url=?", second, t)
    # the other documents of the first crawl are all still there
    docs1 = {u for (u,) in q(db, "select url from document where crawl_id=?", first)}
    docs2 = {u for (u,) in q(db, "select url from document where crawl_id=?", second)}
    assert docs2 == docs1 - {t}


def test_further_list_pages_are_copied_when_the_first_page_did_not_change_and_asked_when_it_did(nights):
    db, first, second, changed = nights["db"], nights["first"], nights["second"], nights["changed_list"]
    asked = {p for _, p in nights["asked"]}
    firsts = {u for (u,) in q(db, "select url from site_column where crawl_id=?", first)}
    later = {}  # further list page -> its column (from the entries it showed)
    for lp, col in q(db, "select distinct list_page, column_url from column_entry where crawl_id=?", first):
        if lp not in firsts and lp.startswith(nights["url"]) and "#" not in lp:
            later[lp] = col
    verified = {u: datetime.fromisoformat(t).date() for u, t in q(
        db, "select url, fetched_at from page where crawl_id=? and kind='column'", first)}
    changed_pages = {lp for lp, col in later.items() if col == changed}
    kept_pages = {lp for lp, col in later.items() if col != changed and lp in verified}
    assert len(changed_pages) >= 2 and len(kept_pages) >= 5
    # the list whose first page changed: every further page asked
    assert {lp for lp in changed_pages if _path(lp) in asked} == changed_pages
    # the lists whose first page answered 304: a further page is asked only on its own night
    due = {lp for lp in kept_pages if due_for_revalidation(lp, verified[lp], nights["started"], nights["days"])}
    assert {lp for lp in kept_pages if _path(lp) in asked} == due
    # both kinds present (which pages are due is slot luck: the URL's port is in its hash)
    assert 0 < len(due) < len(kept_pages)
    a, b = nights["chain"]
    assert a in due and b not in due and _path(a) in asked and _path(b) not in asked
    # … and what the copied pages showed is all there: the same columns and entries as last night
    # (but the entry dropped), the copied pages stored as copies of the first crawl's rows
    entries = "select column_url, url, title, date, list_page from column_entry where crawl_id=?"
    assert set(q(db, entries, second)) == {e for e in q(db, entries, first) if e[1] != nights["t"]}
    cols = "select url, name, kind, office, parent_url, list_pages, has_children from site_column where crawl_id=?"
    assert set(q(db, cols, second)) == set(q(db, cols, first))
    copied = {u for (u,) in q(db, "select url from page where crawl_id=? and kind='column' and reused_from is not null "
                                  "and fetched_at < (select started_at from crawl where id=?)", second, second)}
    assert copied == kept_pages - due
    stats = json.loads(q(db, "select stats from crawl where id=?", second)[0][0])
    assert stats["zwgk/incremental/trusted_lists"] == len(copied)


def test_a_broken_file_is_asked_again_every_night_with_one_request(nights):
    db, first, second = nights["db"], nights["first"], nights["second"]
    broken = [u for (u,) in q(db, "select url from link_target where crawl_id=? and state='broken' and status=404 "
                                  "and kind in ('附件', '图片') and url like ? and url in (select target_url from "
                                  "link where crawl_id=?)", first, nights["url"] + "%", second)]  # still linked
    assert broken
    for u in broken:
        assert [m for m, p in nights["asked"] if p == _path(u)] == ["GET"], u  # not HEAD, then GET
        assert q(db, "select state from link_target where crawl_id=? and url=?", second, u) == [("broken",)]


def test_the_next_report_shows_the_broken_link_and_what_was_carried_over(nights, tmp_path):
    db, second = nights["db"], nights["second"]
    for args in (["audit", "--crawl", str(second), "--db", f"sqlite:///{db}", "--as-of", "2023-11-30",
                  "--out", str(tmp_path)], ["report", str(tmp_path / "results.json")]):
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert any(f["check"] == "broken-link" and f["url"] == nights["t"] for f in results["findings"])
    copied = q(db, "select count(*) from page where crawl_id=? and kind='column' and reused_from is not null and "
                   "fetched_at < (select started_at from crawl where id=?)", second, second)[0][0]
    assert results["crawl"]["trusted_lists"] == copied > 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"{copied} 个后续列表页因所在栏目首页未变化" in html
