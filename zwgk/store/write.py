"""Idempotent writes: the same item written twice (a resumed crawl, a retried batch) is one row."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m

# table -> (model, unique key columns, update on conflict?)
UPSERT_KEYS: dict[type, tuple[tuple[str, ...], bool]] = {
    m.Page: (("crawl_id", "url"), True),
    m.SiteColumn: (("crawl_id", "url"), True),
    m.ColumnEntry: (("crawl_id", "column_url", "url", "title"), True),
    m.Document: (("crawl_id", "url"), True),
    m.Link: (("crawl_id", "source_url", "target_url", "text"), False),
    m.LinkTarget: (("crawl_id", "url"), True),
}


def now() -> datetime:
    return datetime.now(timezone.utc)


def dialect_insert(session: Session):
    """The `insert` construct with ON CONFLICT of the session's database (SQLite, PostgreSQL), or None."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        return None
    return insert


def upsert_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT for SQLite and PostgreSQL; rows with one key keep the last values."""
    if not rows:
        return
    keys, update = UPSERT_KEYS[model]
    dedup: dict[tuple, dict] = {}
    for r in rows:
        dedup[tuple(r[k] for k in keys)] = r
    rows = list(dedup.values())
    insert = dialect_insert(session)
    if insert is None:  # pragma: no cover - other databases: merge row by row
        for r in rows:
            existing = session.scalars(select(model).filter_by(**{k: r[k] for k in keys})).first()
            if existing is None:
                session.add(model(**r))
            elif update:
                for k, v in r.items():
                    setattr(existing, k, v)
        return
    cols = [c for c in rows[0] if c not in keys]
    # one compiled statement, run with executemany (Core, cached): compiling a many-row VALUES
    # clause for every batch cost more than the database's own work
    stmt = insert(model.__table__)
    if update and cols:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in cols})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    session.connection().execute(stmt, rows)


def get_or_create_site(session: Session, url: str, name: str | None = None) -> m.Site:
    site = session.scalars(select(m.Site).where(m.Site.url == url)).first()
    if site is None:
        site = m.Site(url=url, name=name, created_at=now())
        session.add(site)
        session.flush()
    elif name and not site.name:
        site.name = name
    return site


def start_crawl(session: Session, start_url: str, settings: dict | None = None) -> m.Crawl:
    site = get_or_create_site(session, start_url)
    crawl = m.Crawl(site_id=site.id, start_url=start_url, started_at=now(), status="running",
                    settings=settings or {}, stats={})
    session.add(crawl)
    session.flush()
    return crawl


def start_page_state(session: Session, crawl_id: int, url: str) -> tuple[int | None, str | None]:
    """(HTTP status, error) of the page a crawl started from (after redirects: the home page row)."""
    crawl = session.get(m.Crawl, crawl_id)
    page = session.scalars(select(m.Page).where(m.Page.crawl_id == crawl_id, m.Page.kind == "home")).first()
    if page is not None:
        return page.status, None
    target = session.scalars(select(m.LinkTarget).where(m.LinkTarget.crawl_id == crawl_id,
                                                        m.LinkTarget.url.in_((url, crawl.start_url)))).first()
    if target is not None:
        return target.status or None, target.error
    return None, None
