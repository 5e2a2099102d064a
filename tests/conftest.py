"""Shared fixtures: databases (SQLite always; PostgreSQL when ZWGK_TEST_PG_URL is set)."""
from __future__ import annotations

import os
import uuid

import pytest


def _pg_url():
    return os.environ.get("ZWGK_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL of each kind the suite supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zwgk.db'}"
        return
    base = _pg_url()
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
