"""Shared fixtures: databases (SQLite always; PostgreSQL when ZWGK_TEST_PG_URL is set) and Redis."""
from __future__ import annotations

import os
import uuid

import pytest

# crawls started by tests (in-process or as `zwgk` subprocesses) pause 50 ms, not 1 s, before
# retrying an error answer: the same retries, less waiting
os.environ.setdefault("ZWGK_RETRY_BACKOFF", "0.05")


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database (dropped afterwards); skipped without ZWGK_TEST_PG_URL."""
    base = os.environ.get("ZWGK_TEST_PG_URL")
    if not base:
        pytest.skip("PostgreSQL not configured (ZWGK_TEST_PG_URL unset)")
    from sqlalchemy import create_engine, text

    name = f"zwgk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL of each kind the suite supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zwgk.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis URL: ZWGK_TEST_REDIS_URL (CI starts one), else a redis-server started here on
    127.0.0.1, else the test is skipped."""
    url = os.environ.get("ZWGK_TEST_REDIS_URL")
    if url:
        yield url
        return
    import shutil
    import socket
    import subprocess
    import time

    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("Redis not available (ZWGK_TEST_REDIS_URL unset, no redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(d)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_prefix():
    """Keys of one test apart from every other's in a shared Redis."""
    return f"zwgk-test-{uuid.uuid4().hex[:10]}"
