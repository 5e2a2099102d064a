"""The whole pipeline on PostgreSQL gives the same results as on SQLite (same site, same date)."""
import json
import re

from zwgk.samplesite.server import serve

from .conftest import zwgk


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


def test_postgresql_run_equals_sqlite_run(sample_run, pg_url, tmp_path):
    site = sample_run.out.parent / "site"
    with serve(site) as server:
        p = zwgk("run", server.url, "--as-of", sample_run.key["as_of"], "--out", str(tmp_path), "--db", pg_url,
                 "--network", "loopback", "--concurrency", "8", "--delay", "0")
        url = server.url
    assert p.returncode == 0, p.stderr[-2000:]
    pg = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert _stable(pg, url) == _stable(sample_run.results, sample_run.site_url)
