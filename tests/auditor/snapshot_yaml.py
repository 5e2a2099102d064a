"""Build a SiteSnapshot from a compact YAML description, and match expected findings.

The cases in tests/auditor/cases/<check-id>.yaml look like this (every key optional):

    check: late-interpretation
    cases:
      on-time-over-national-day:
        snapshot:
          as_of: 2023-11-30
          site_url: http://www.example.gov.cn/          # default
          homepage: {text: "网站标识码：3700000001 …"}    # or a string; absent = not fetched
          pages: [{url: /zwgk/zn/, kind: column, title: 指南, text: "…"}]   # other fetched pages with text
                                                       # (office: a department sub-site's page)
          facts: {ipv6: {aaaa: ["240e::1"], connect: true}}  # crawl-time facts (SiteSnapshot.facts)
          documents:
            - url: /p1.html                            # relative URLs are joined to site_url
              column: 行政规范性文件                      # column_kind defaults to its class
              publish_date: 2023-09-28
              interpretation_urls: [/j1.html]
              malformed_dates: {成文日期: 2023年13月45日}   # shown but no date (Document.malformed_dates)
              validity_evidence: [本办法自2020年1月1日起废止。]  # the page's words on its validity
              content_hits: [{kind: id_card, value: 370323********1234, context: …, sure: true,
                              attachment: /a.pdf}]     # personal information (formats/pii.py), masked
              text: 县长张三主持召开…                     # the body: its leaders' mentions (formats/mentions.py),
                                                       # or mentions: [{title: 县长, name: 张三, context: …}];
                                                       # its term hits too (formats/terms.py), or
                                                       # term_hits: [{term: …, found: …, kind: place, code: …}]
          columns:
            - name: 财政收支
              entries: [2023-07-05, {title: 2023年8月财政收支, date: null}, "2023-09-03 九月情况"]
          messages:                                    # 互动交流 messages (SiteSnapshot.messages)
            - {url: /hdjl/1.html, channel: 县长信箱, channel_url: /hdjl/xzxx/, channel_kind: consult,
               asked_on: 2023-09-28, answered_on: 2023-10-09, status: 已回复, replied: true}
                                                       # without facts.interaction: the channels of the
                                                       # messages, read from the homepage, are made up
          links:
            - {url: /gone.pdf, state: broken, kind: 附件, status: 404,
               seen_on: [{source: /p1.html, text: 附件下载, source_title: 某文件}]}
            - {url: "http://www.x.com/", kind: 站外, status: 200,   # an external page's fingerprint
               landing: {final_url: …, title: …, hits: {parked: [域名出售]}, title_hits: [], gov: []}}
        params: {max_working_days: 3}
        office: 县财政局          # office-scoped checks run on snap.for_office(office); default None
        expect:
          outcome: pass
          checked: 1              # optional
          note_contains: 工作日    # optional
          findings:               # exact: as many as listed, each matched once (details: a subset)
            - {url: /j1.html, details: {working_days: 5}}
"""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from zwgk.auditor.model import (
    Attachment, Column, ColumnEntry, ContentHit, Document, Finding, LinkOccurrence, LinkTarget, Mention, Message, Page,
    SiteSnapshot, TermHit,
)
from zwgk.formats.mentions import mentions as find_mentions
from zwgk.formats.terms import find as find_term_hits
from zwgk.vocab import classify_column

SITE = "http://www.example.gov.cn/"


def load_cases(path: Path) -> list[tuple[str, str, dict]]:
    """(check id, case name, case) for every case of one YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    check_id = data.get("check", path.stem)
    return [(check_id, name, case) for name, case in (data.get("cases") or {}).items()]


def _date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def _entry(raw, col_url: str, n: int, site: str) -> ColumnEntry:
    if isinstance(raw, dict):
        return ColumnEntry(urljoin(site, raw.get("url") or f"{col_url}e{n}.html"),
                           raw.get("title") or f"条目{n}", _date(raw.get("date")))
    if isinstance(raw, date):
        return ColumnEntry(urljoin(col_url, f"e{n}.html"), f"条目{n}", raw)
    text = str(raw).strip()
    head, _, rest = text.partition(" ")
    try:
        d = date.fromisoformat(head)
        title = rest.strip() or f"条目{n}"
    except ValueError:
        d, title = None, text
    return ColumnEntry(urljoin(col_url, f"e{n}.html"), title, d)


def build_snapshot(spec: dict | None) -> SiteSnapshot:
    spec = spec or {}
    site = spec.get("site_url", SITE)
    u = lambda x: urljoin(site, x) if x else x  # noqa: E731
    as_of = _date(spec.get("as_of")) or date(2023, 11, 30)

    docs = []
    for i, d in enumerate(spec.get("documents") or []):
        column = d.get("column")
        kind = d.get("column_kind", classify_column(column))
        docs.append(Document(
            url=u(d.get("url") or f"/doc{i}.html"),
            title=d.get("title", f"文件{i}"),
            doc_number=d.get("doc_number"),
            written_date=_date(d.get("written_date")),
            publish_date=_date(d.get("publish_date")),
            validity=d.get("validity"),
            index_no=d.get("index_no"),
            publisher=d.get("publisher"),
            topic=d.get("topic"),
            column=column,
            column_kind=kind,
            office=d.get("office"),
            body_chars=d.get("body_chars", 1000),
            is_interpretation=d.get("is_interpretation", kind == "interpretation"),
            interpretation_urls=tuple(u(x) for x in d.get("interpretation_urls") or ()),
            interpretation_forms=tuple(d.get("interpretation_forms") or ()),
            policy_urls=tuple(u(x) for x in d.get("policy_urls") or ()),
            attachments=tuple(Attachment(u(a["url"]), a.get("name", ""), a.get("ext", ""))
                              for a in d.get("attachments") or ()),
            malformed_dates=tuple((k, str(v)) for k, v in (d.get("malformed_dates") or {}).items()),
            validity_evidence=tuple(d.get("validity_evidence") or ()),
            content_hits=tuple(ContentHit.of({**h, "attachment": u(h.get("attachment"))})
                               for h in d.get("content_hits") or ()),
            mentions=tuple(Mention.of(h) for h in d.get("mentions") or ())
            or tuple(Mention.of(x.as_dict()) for x in find_mentions(d.get("text"))),
            term_hits=tuple(TermHit.of(h) for h in d.get("term_hits") or ())
            or tuple(TermHit.of(x.as_dict()) for x in find_term_hits(f"{d.get('title') or ''}\n{d.get('text') or ''}")),
        ))

    cols = []
    for i, c in enumerate(spec.get("columns") or []):
        name = c.get("name", f"栏目{i}")
        url = u(c.get("url") or f"/col{i}/")
        cols.append(Column(
            url=url, name=name, kind=c.get("kind", classify_column(name)), office=c.get("office"),
            parent_url=u(c["parent_url"]) if c.get("parent_url") else u("/zwgk/"),
            entries=tuple(_entry(e, url, n, site) for n, e in enumerate(c.get("entries") or [])),
            list_pages=c.get("list_pages", 1), has_children=c.get("has_children", False),
            read_error=c.get("read_error"), content_chars=c.get("content_chars", 0),
        ))

    links, occs = [], []
    for t in spec.get("links") or []:
        target = u(t["url"])
        links.append(LinkTarget(target, t.get("state", "ok"), t.get("kind", "站内"), t.get("status"),
                                t.get("error"), tuple(u(r) for r in t.get("redirects") or ()), t.get("landing")))
        for o in t.get("seen_on") or []:
            occs.append(LinkOccurrence(u(o["source"]), o.get("source_title"), target, o.get("text", "")))

    home = spec.get("homepage")
    if isinstance(home, str):
        home = {"text": home}
    homepage = None
    if home is not None:
        homepage = Page(u(home.get("url") or "/"), "home", home.get("status", 200), home.get("title"),
                        home.get("text", ""))

    pages = tuple(Page(u(pg.get("url") or f"/page{i}.html"), pg.get("kind", "document"), pg.get("status", 200),
                       pg.get("title"), pg.get("text", ""), pg.get("office"))
                  for i, pg in enumerate(spec.get("pages") or []))
    if homepage is not None:
        pages = (homepage,) + pages

    messages = tuple(Message(
        url=u(x.get("url") or f"/hdjl/m{i}.html"), title=x.get("title", f"留言{i}"), channel=x.get("channel", "县长信箱"),
        channel_url=u(x.get("channel_url") or "/hdjl/xzxx/"), channel_kind=x.get("channel_kind", "consult"),
        asked_on=_date(x.get("asked_on")), answered_on=_date(x.get("answered_on")), status=x.get("status"),
        replied=x.get("replied"), answered_by=x.get("answered_by"), office=x.get("office"),
        page_read=x.get("page_read", True)) for i, x in enumerate(spec.get("messages") or []))
    facts = dict(spec.get("facts") or {})
    if messages and "interaction" not in facts:
        facts["interaction"] = {"home": site, "channels": [
            {"url": m.channel_url, "name": m.channel, "kind": m.channel_kind, "state": "read", "pages": 1, "rows": 1,
             "error": None} for m in {m.channel_url: m for m in messages}.values()]}
    elif isinstance(facts.get("interaction"), dict):
        fact = facts["interaction"]
        facts["interaction"] = {**fact, "home": u(fact["home"]) if fact.get("home") else None, "channels": [
            {"state": "read", "pages": 1, "rows": 0, "error": None, **c, "url": u(c["url"]),
             **({"via": [u(v) for v in c["via"]]} if c.get("via") else {})}
            for c in fact.get("channels") or ()]}

    return SiteSnapshot(
        site_url=site, homepage_url=homepage.url if homepage else None, crawl_id=1,
        crawled_at=datetime.combine(as_of, time(9)), as_of=as_of, homepage=homepage, pages=pages,
        facts=facts, messages=messages,
        documents=tuple(docs), columns=tuple(cols), links=tuple(links), occurrences=tuple(occs),
        offices=tuple(spec.get("offices") or sorted({d.office for d in docs if d.office})),
    )


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def finding_matches(actual: Finding, expected: dict, check_id: str, site: str = SITE) -> bool:
    """True when `actual` has the expected check, url, source, office and details (a subset)."""
    j = lambda x: urljoin(site, x) if isinstance(x, str) and x.startswith("/") else x  # noqa: E731
    if actual.check != expected.get("check", check_id):
        return False
    for key in ("url", "source", "office"):
        if key in expected and getattr(actual, key) != j(expected[key]):
            return False
    for key, want in (expected.get("details") or {}).items():
        if key not in actual.details:
            return False
        got = actual.details[key]
        want = j(want) if key.endswith("_url") else want
        if _plain(got) != _plain(want):
            return False
    return True


def unmatched(findings: tuple[Finding, ...], expected: list[dict], check_id: str,
              site: str = SITE) -> tuple[list[dict], list[Finding]]:
    """Expected findings with no actual match, and actual findings left over (greedy, each once)."""
    left = list(findings)
    missing = []
    for e in expected:
        for i, f in enumerate(left):
            if finding_matches(f, e, check_id, site):
                del left[i]
                break
        else:
            missing.append(e)
    return missing, left
