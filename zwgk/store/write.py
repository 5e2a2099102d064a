"""Idempotent writes: the same item written twice (a resumed crawl, a retried batch) is one row."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .models import key_of

# table -> (unique key columns, update on conflict?); the keys are digests (models.key_of) of the
# values in the model's KEYS, filled in by upsert_rows
UPSERT_KEYS: dict[type, tuple[tuple[str, ...], bool]] = {
    m.Page: (("crawl_id", "url_key"), True),
    m.SiteColumn: (("crawl_id", "url_key"), True),
    m.ColumnEntry: (("crawl_id", "entry_key"), True),
    m.Document: (("crawl_id", "url_key"), True),
    m.Link: (("crawl_id", "source_key", "link_key"), False),
    m.LinkTarget: (("crawl_id", "url_key"), True),
    m.Message: (("crawl_id", "url_key"), True),
}

# The one place the store shortens a value, always with a visible marker (never silently): every
# other column takes what it is given whole. Link text is bounded because a page's menu repeats
# on every page of a site, and a link wrapping a whole article would be stored once per page.
CLIP_MARK = "…[截断]"
# rows a statement is executed with at a time: the driver's parameter lists of one batch are built
# at once, so a 大汉 list page with 20 000 entries would otherwise cost its whole batch in memory
WRITE_CHUNK = 1000
LINK_TEXT_MAX = 500


def clip(value: str | None, limit: int) -> str | None:
    """`value` if it has at most `limit` characters, else its start and CLIP_MARK (`limit` in all)."""
    if value is None or len(value) <= limit:
        return value
    return value[:limit - len(CLIP_MARK)] + CLIP_MARK


def with_keys(model: type, row: dict[str, Any]) -> dict[str, Any]:
    """`row` with its key digests (and Link text clipped to LINK_TEXT_MAX first: the key is of what is stored)."""
    if model is m.Link and row.get("text") and len(row["text"]) > LINK_TEXT_MAX:
        row = {**row, "text": clip(row["text"], LINK_TEXT_MAX)}
    for key, columns in model.KEYS.items():
        row[key] = key_of(*(row.get(c) for c in columns))
    return row


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
        r = with_keys(model, r)
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
    conn = session.connection()
    for i in range(0, len(rows), WRITE_CHUNK):  # a page of 20 000 links: bounded parameter lists
        conn.execute(stmt, rows[i:i + WRITE_CHUNK])


def get_or_create_site(session: Session, url: str, name: str | None = None) -> m.Site:
    site = session.scalars(select(m.Site).where(m.Site.url_key == key_of(url))).first()
    if site is None:
        site = m.Site(url=url, url_key=key_of(url), name=name, created_at=now())
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
    target = session.scalars(select(m.LinkTarget).where(
        m.LinkTarget.crawl_id == crawl_id, m.LinkTarget.url_key.in_((key_of(url), key_of(crawl.start_url))))).first()
    if target is not None:
        return target.status or None, target.error
    return None, None
