"""The whole pipeline on PostgreSQL gives the same results as on SQLite (same site, same date)."""
import json
import os
import re
import uuid

import pytest

from zwgk.samplesite.server import serve

from .conftest import zwgk

PG = os.environ.get("ZWGK_TEST_PG_URL")


@pytest.fixture
def pg_db():
    if not PG:
        pytest.skip("PostgreSQL not configured (ZWGK_TEST_PG_URL unset)")
    from sqlalchemy import create_engine, text

    name = f"zwgk_e2e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _stable(results: dict, site_url: str) -> dict:
    """What must not depend on the database: documents, findings, scores (URLs made relative)."""
    def rel(v):  # the site's and the external stand-in's ports differ between runs
        text = json.dumps(v, ensure_ascii=False).replace(site_url.rstrip("/"), "")
        return json.loads(re.sub(r"http://localhost:\d+", "EXTERNAL", text))

    findings = sorted((f["check"], f["url"], f["source"] or "", f.get("field") or "", f.get("period") or "")
                      for f in results["findings"])
    docs = sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in results["documents"])
    return rel({"findings": findings, "documents": docs, "score": results["summary"]["score"],
                "links": results["links"], "columns": sorted(c["url"] for c in results["columns"])})


def test_postgresql_run_equals_sqlite_run(sample_run, pg_db, tmp_path):
    site = sample_run.out.parent / "site"
    with serve(site) as server:
        p = zwgk("run", server.url, "--as-of", sample_run.key["as_of"], "--out", str(tmp_path), "--db", pg_db,
                 "--network", "loopback", "--concurrency", "8", "--delay", "0")
        url = server.url
    assert p.returncode == 0, p.stderr[-2000:]
    pg = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert _stable(pg, url) == _stable(sample_run.results, sample_run.site_url)
