"""Database access: engine from a URL, schema by Alembic, idempotent writes."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DB = "sqlite:///zwgk-out/zwgk.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def resolve_url(url: str | None) -> str:
    return url or os.environ.get("ZWGK_DB") or DEFAULT_DB


def make_engine(url: str | None = None, *, foreign_keys: bool = True) -> Engine:
    url = resolve_url(url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _rec):  # WAL: a reader (audit) never blocks the crawl's writer
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # off while migrating: SQLite rebuilds a table to alter it, which a live key forbids
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.close()
    return engine


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    from alembic import command

    url = resolve_url(url)
    make_engine(url).dispose()  # creates the sqlite parent folder
    command.upgrade(alembic_config(url), "head")


def open_db(url: str | None = None) -> sessionmaker[Session]:
    url = resolve_url(url)
    upgrade(url)
    return sessionmaker(make_engine(url), expire_on_commit=False)
