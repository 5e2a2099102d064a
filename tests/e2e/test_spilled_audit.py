"""The sample site audited with its documents kept in a temporary file (a large crawl's way,
auditor/spill.py) gives the same results.json as with them in memory."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys


def _audit(run, tmp_path, name: str, spill_above: int) -> dict:
    db = tmp_path / f"{name}.db"
    shutil.copy(run.db.removeprefix("sqlite:///"), db)  # the shared run's database stays as it was
    out = tmp_path / name
    env = dict(os.environ, ZWGK_AUDIT_SPILL_ABOVE=str(spill_above))
    proc = subprocess.run([sys.executable, "-m", "zwgk.cli", "audit", "--db", f"sqlite:///{db}", "--as-of",
                           run.key["as_of"], "--out", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_spilled_documents_give_the_same_results(sample_run, tmp_path):
    held = _audit(sample_run, tmp_path, "held", 10**9)
    spilled = _audit(sample_run, tmp_path, "spilled", 0)
    assert len(held["documents"]) == held["summary"]["documents"] > 100
    assert len(held["offices"]) > 1  # the departments' parts are read from the file by 评估对象
    assert held["findings"] and held["scores"]["tree"]
    for key in held:
        assert spilled[key] == held[key], key
    assert spilled.keys() == held.keys()
