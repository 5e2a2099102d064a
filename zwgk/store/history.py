"""Queries over a site's stored audits: its runs in order, each with its findings."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .db import in_chunks

# The sites are Chinese and their administrators count days in Beijing time: a crawl that
# starts at 02:30 local time is 18:30 UTC the day before.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CORE = ("check", "url", "source", "office")


def observed_date(when: datetime | None) -> date | None:
    """The local (Beijing) date of a stored timestamp; naive values are UTC (SQLite drops the offset)."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(LOCAL_TZ).date()


def finding_dict(f: m.Finding) -> dict:
    return {"check": f.check, "url": f.url, "source": f.source, "office": f.office, **(f.details or {})}


def _iso(v):
    return v.isoformat() if v is not None else None


def site_runs(session: Session, *, site_id: int | None = None, site_url: str | None = None,
              checklist: str | None = None, before_crawl: int | None = None,
              with_findings: bool = True) -> list[dict]:
    """One entry per audited crawl of a site, oldest first.

    Each entry is a subset of results.json (`audit_id`, `as_of`, `crawl`, `summary`, `findings`,
    `site`) plus `observed` (the crawl's local start date). A crawl audited more than once is
    represented by its latest audit with `checklist`, else its latest audit.
    `before_crawl` keeps only crawls that started before that crawl (the run being audited).
    """
    q = select(m.Audit, m.Crawl, m.Site).join(m.Crawl, m.Audit.crawl_id == m.Crawl.id).join(
        m.Site, m.Crawl.site_id == m.Site.id)
    if site_id is not None:
        q = q.where(m.Site.id == site_id)
    if site_url is not None:
        q = q.where(m.Site.url == site_url)
    if before_crawl is not None:
        cur = session.get(m.Crawl, before_crawl)
        if cur is None:
            return []
        q = q.where(m.Crawl.site_id == cur.site_id, m.Crawl.id != cur.id,
                    (m.Crawl.started_at < cur.started_at)
                    | ((m.Crawl.started_at == cur.started_at) & (m.Crawl.id < cur.id)))
    chosen: dict[int, tuple] = {}
    for audit, crawl, site in session.execute(q.order_by(m.Audit.id)):
        prev = chosen.get(crawl.id)
        # later audits win, but an audit with the wanted checklist beats one without
        if prev is None or not (checklist and prev[0].checklist == checklist and audit.checklist != checklist):
            chosen[crawl.id] = (audit, crawl, site)
    rows = sorted(chosen.values(), key=lambda t: (observed_date(t[1].started_at), t[1].started_at, t[1].id))
    by_audit: dict[int, list[dict]] = {a.id: [] for a, _, _ in rows}
    if with_findings and by_audit:
        ids = list(by_audit)
        for chunk in in_chunks(ids):
            for f in session.scalars(select(m.Finding).where(m.Finding.audit_id.in_(chunk)).order_by(m.Finding.id)):
                by_audit[f.audit_id].append(finding_dict(f))
    return [{
        "audit_id": a.id, "as_of": _iso(a.as_of), "checklist": {"id": a.checklist, "version": a.checklist_version},
        "observed": observed_date(c.started_at),
        "site": {"url": s.url, "name": s.name, "homepage_url": c.homepage_url},
        "crawl": {"id": c.id, "started_at": _iso(c.started_at), "finished_at": _iso(c.finished_at),
                  "status": c.status},
        "summary": {"score": a.score, "max_score": a.max_score},
        "findings": by_audit[a.id],
    } for a, c, s in rows]


def crawl_observed(session: Session, crawl_id: int) -> date | None:
    crawl = session.get(m.Crawl, crawl_id)
    return observed_date(crawl.started_at) if crawl else None


def site_urls(session: Session) -> list[str]:
    """Every site that has at least one audit, by URL."""
    q = (select(m.Site.url).join(m.Crawl, m.Crawl.site_id == m.Site.id)
         .join(m.Audit, m.Audit.crawl_id == m.Crawl.id).distinct().order_by(m.Site.url))
    return list(session.scalars(q))
