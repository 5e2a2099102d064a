"""One run per site at a time: a PostgreSQL advisory lock, or an fcntl file lock beside SQLite."""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .db import resolve_url


class SiteBusy(RuntimeError):
    """Another process is running this site; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class HeldLock:
    """A site lock being held. `fds` hold it too: a child process given them (subprocess
    pass_fds) keeps the lock held until it exits, even when the holder dies first, because an
    flock belongs to the open file and a PostgreSQL session (with its advisory lock) lasts as
    long as its socket is open in some process."""

    fds: tuple[int, ...] = ()


def _key(site_url: str) -> int:
    # advisory locks take a signed 64-bit key; a hash of the URL names the site in every process
    return int.from_bytes(hashlib.sha256(site_url.encode("utf-8")).digest()[:8], "big", signed=True)


def lock_dir(db_url: str) -> Path:
    """Lock files live beside a SQLite database file, else in ~/.cache/zwgk/locks."""
    if db_url.startswith("sqlite:///") and db_url.removeprefix("sqlite:///") not in ("", ":memory:"):
        return Path(db_url.removeprefix("sqlite:///")).resolve().parent / ".zwgk-locks"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zwgk" / "locks"


def _busy(site_url: str, how: str) -> SiteBusy:
    return SiteBusy(f"网站 {site_url} 的检查正在进行中（{how}），本次不再重复运行；"
                    f"请等待上一次运行结束后再试")


@contextmanager
def site_lock(db_url: str | None, site_url: str) -> Iterator[HeldLock]:
    """Hold the site's lock for the block, or raise SiteBusy at once (never waits)."""
    url = resolve_url(db_url)
    if url.startswith("postgresql"):
        from sqlalchemy import text

        from .db import make_engine

        engine = make_engine(url)
        conn = engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(site_url)}).scalar()
            conn.commit()
            if not got:
                raise _busy(site_url, "PostgreSQL 咨询锁已被另一个进程持有")
            try:
                yield HeldLock(_socket_fds(conn))
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(site_url)})
                conn.commit()
        finally:
            conn.close()
            engine.dispose()
        return
    import fcntl

    d = lock_dir(url)
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{hashlib.sha256(site_url.encode('utf-8')).hexdigest()[:16]}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            try:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            except OSError:
                pass
            raise _busy(site_url, f"锁文件 {path} 被进程 {holder or '?'} 持有")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {site_url}\n".encode("utf-8"), 0)
        yield HeldLock((fd,))
    finally:
        os.close(fd)  # closing releases the flock; a killed process releases it too


def _socket_fds(conn) -> tuple[int, ...]:
    """The socket of the connection holding an advisory lock (psycopg), or () when unknown."""
    try:
        return (int(conn.connection.dbapi_connection.fileno()),)
    except Exception:  # noqa: BLE001 - another driver: the lock is still held by this process
        return ()
