"""Probes in the store: one row per request, committed as it is made (a restart loses nothing)."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from zwgk.store.models import Probe, key_of

DEFAULT_PORTS = {"http": 80, "https": 443}
TARGETS = ("home", "root")  # the homepage; the disclosure column's root
TIMED_OUT = "超时"  # how the error of a probe that ran out of time begins


def timeout_error(limit_s: float) -> str:
    return f"{TIMED_OUT}（{limit_s:g} 秒内未完成）"


def site_id(url: str) -> str:
    """One spelling of a site's URL, so that the watcher's list and an audit's start URL meet:
    scheme and host lower-case, default port and fragment dropped, an empty path is '/'."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port and port != DEFAULT_PORTS.get(scheme) else "")
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def site_key(url: str) -> str:
    return key_of(site_id(url))


def utc(t: datetime) -> datetime:
    """A stored time as UTC (SQLite hands back naive datetimes)."""
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


def save_probe(session: Session, site_url: str, target: str, result) -> Probe:
    """Store one probe (a zwgk.watch.probe.ProbeResult) and commit it at once."""
    if target not in TARGETS:
        raise ValueError(f"probe target {target!r}")
    row = Probe(site_url=site_url, site_key=site_key(site_url), target=target, url=result.url,
                started_at=result.started_at, elapsed_ms=result.elapsed_ms, outcome=result.outcome,
                status=result.status, error=result.error, final_url=result.final_url, timeout_s=result.timeout_s)
    session.add(row)
    session.commit()
    return row


def probes(session: Session, site_url: str, since: datetime | None = None, until: datetime | None = None,
           target: str | None = None) -> list[Probe]:
    """A site's probes in time order, optionally in [since, until) and of one target."""
    q = select(Probe).where(Probe.site_key == site_key(site_url))
    if since is not None:
        q = q.where(Probe.started_at >= since)
    if until is not None:
        q = q.where(Probe.started_at < until)
    if target is not None:
        q = q.where(Probe.target == target)
    return list(session.scalars(q.order_by(Probe.started_at, Probe.id)))


def first_probe_time(session: Session, site_url: str) -> datetime | None:
    from sqlalchemy import func

    t = session.scalar(select(func.min(Probe.started_at)).where(Probe.site_key == site_key(site_url)))
    return utc(t) if t is not None else None


def probed_targets(session: Session, site_url: str) -> list[str]:
    """The targets a site has probes of, the homepage first."""
    rows = session.scalars(select(Probe.target).where(Probe.site_key == site_key(site_url)).distinct())
    return sorted(set(rows), key=lambda t: (t != "home", t))


def last_probe_times(session: Session) -> dict[tuple[str, str], datetime]:
    """(site key, target) → when it was last probed: a restarted watcher keeps its cadence."""
    from sqlalchemy import func

    rows = session.execute(select(Probe.site_key, Probe.target, func.max(Probe.started_at))
                           .group_by(Probe.site_key, Probe.target)).all()
    return {(k, t): utc(when) for k, t, when in rows if when is not None}


def watched_sites(session: Session) -> list[str]:
    """Every site with probes stored (its URL as last written), in order of first probe."""
    from sqlalchemy import func

    firsts = select(func.min(Probe.id)).group_by(Probe.site_key)
    return list(session.scalars(select(Probe.site_url).where(Probe.id.in_(firsts)).order_by(Probe.id)))


def crawled_root(session: Session, site_url: str) -> str | None:
    """The disclosure column's root the site's latest crawl found (the portal's own, first
    stored), or None: what `zwgk watch` probes beside the homepage when the user named none."""
    from zwgk.store.models import Crawl, Page, Site

    want = site_id(site_url)
    site_ids = [s.id for s in session.scalars(select(Site)) if site_id(s.url) == want]
    if not site_ids:
        return None
    for crawl_id in session.scalars(select(Crawl.id).where(Crawl.site_id.in_(site_ids)).order_by(Crawl.id.desc())):
        url = session.scalars(select(Page.url).where(Page.crawl_id == crawl_id, Page.kind == "root",
                                                     Page.office.is_(None)).order_by(Page.id).limit(1)).first()
        if url:
            return url
    return None
