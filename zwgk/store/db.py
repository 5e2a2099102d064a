"""Database access: engine from a URL, schema by Alembic, idempotent writes."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from zwgk.store.errors import DatabaseUnavailable

DEFAULT_DB = "sqlite:///zwgk-out/zwgk.db"
MIGRATIONS = Path(__file__).with_name("migrations")
SUPPORTED = ("sqlite", "postgresql")
# May make_engine create the missing folder of a SQLite file? A program (a test, a crawl process
# handed a checked URL) names its folder deliberately; on the command line a folder in --db that
# does not exist is more likely a typo, so zwgk.cli turns this off: there only the default data
# folder (zwgk-out/) is created, and the commands create their --out before using it.
create_folders = True


STREAM_ROWS = 5000
# keys in one `IN (…)` lookup: far below SQLite's bound on parameters, few round trips
IN_CHUNK = 500


def in_chunks(items: list) -> "Iterator[list]":
    """`items` a lookup's worth at a time (IN_CHUNK), for `column.in_(chunk)` queries."""
    for i in range(0, len(items), IN_CHUNK):
        yield items[i:i + IN_CHUNK]


def streamed(stmt):
    """`stmt` read a few thousand rows at a time (yield_per). Without it an ORM session buffers
    every row of a result before the first is handed over: the previous crawl's 726 283 link rows
    of site-62 took a night's crawl from 45 to 329 MiB while it read them, and kept 270 (arenas the
    freed rows left behind); read this way, 79 and 78."""
    return stmt.execution_options(yield_per=STREAM_ROWS)


def resolve_url(url: str | None) -> str:
    return url or os.environ.get("ZWGK_DB") or DEFAULT_DB


def _shown(url) -> str:
    return url.render_as_string(hide_password=True)


def database_url(url: str | None = None):
    """The SQLAlchemy URL of `url` (or the default), refused with DatabaseUnavailable when it is
    not a URL or names a database zwgk does not support."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from zwgk.messages import DB_BAD_URL, DB_UNSUPPORTED

    text = resolve_url(url)
    try:
        u = make_url(text)
    except (ArgumentError, ValueError):
        raise DatabaseUnavailable(DB_BAD_URL.format(url=text)) from None
    if u.get_backend_name() not in SUPPORTED:
        raise DatabaseUnavailable(DB_UNSUPPORTED.format(backend=u.get_backend_name(), url=_shown(u)))
    return u


def make_engine(url: str | None = None, *, foreign_keys: bool = True) -> Engine:
    from sqlalchemy.exc import NoSuchModuleError

    from zwgk.messages import DB_NO_DRIVER, DB_NO_FOLDER

    url = resolve_url(url)
    u = database_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" \
            and not u.database.startswith("file:"):
        folder = Path(u.database).parent
        if not folder.is_dir():
            if url != DEFAULT_DB and not create_folders:
                raise DatabaseUnavailable(DB_NO_FOLDER.format(folder=folder, url=_shown(u)))
            folder.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, future=True)
    except (NoSuchModuleError, ImportError) as exc:
        driver = getattr(exc, "name", None) or u.get_driver_name()
        raise DatabaseUnavailable(DB_NO_DRIVER.format(url=_shown(u), driver=driver)) from None
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
    """Bring the database to the newest schema (creates it when empty). A database that cannot be
    opened raises DatabaseUnavailable with the cause in Chinese."""
    from alembic import command
    from sqlalchemy.exc import SQLAlchemyError

    from zwgk.messages import DB_CANNOT_OPEN

    from .errors import open_cause

    url = resolve_url(url)
    engine = make_engine(url)  # refuses bad URLs, missing drivers and folders before Alembic starts
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(DB_CANNOT_OPEN.format(url=_shown(database_url(url)), cause=open_cause(exc))) from None
    finally:
        engine.dispose()
    command.upgrade(alembic_config(url), "head")


def check_database(url: str | None = None) -> None:
    """Open the database and bring its schema up to date, or raise DatabaseUnavailable: what a
    command calls before it starts work that needs the database (a crawl)."""
    upgrade(url)


def open_db(url: str | None = None) -> sessionmaker[Session]:
    url = resolve_url(url)
    upgrade(url)
    return sessionmaker(make_engine(url), expire_on_commit=False)
