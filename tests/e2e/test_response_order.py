"""Metamorphic: the sample site, served with seeded random per-response
delays, give the same documents and the same findings as served straight (timestamps aside)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from zwgk.samplesite.server import serve

SEEDS = (1, 2, 3, 4, 5)


def _key(url: str) -> str:
    # each run serves the site (and its stand-in for other sites) on new ports
    return re.sub(r"//(?:127\.0\.0\.1|localhost):\d+", "//loopback", url or "")


def _outcome(results: dict) -> tuple[set, set, dict]:
    docs = {_key(d["url"]) for d in results["documents"]}
    findings = {(f["check"], _key(f["url"])) for f in results["findings"]}
    columns = {_key(c["url"]): (c["name"], c["entries"]) for c in results["columns"]}
    return docs, findings, columns


def _run(site, key, out, jitter):
    with serve(site, jitter=jitter) as server:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", server.url, "--as-of", key["as_of"], "--out",
                            str(out), "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                           capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", SEEDS)
def test_sample_site_in_another_response_order(sample_run, tmp_path, seed):
    site = sample_run.out.parent / "site"
    results = _run(site, sample_run.key, tmp_path / "out", (seed, 0.02))
    base_docs, base_findings, base_cols = _outcome(sample_run.results)
    docs, findings, cols = _outcome(results)
    assert docs == base_docs, (sorted(docs - base_docs)[:10], sorted(base_docs - docs)[:10])
    assert findings == base_findings, (sorted(findings - base_findings)[:10], sorted(base_findings - findings)[:10])
    assert cols == base_cols
