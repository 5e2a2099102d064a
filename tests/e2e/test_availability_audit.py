"""`zwgk watch` probes feed the audit: the probes stored for a site are counted in results.json's
`availability` and judge the national checklist's availability indicator (gw-v2) — with three
probes, far below 20 a day for a week, it needs review, never passes."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


def _zwgk(*args):
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=600)


def _indicator(node, ident):
    if node.get("id") == ident:
        return node
    for child in node.get("children") or ():
        found = _indicator(child, ident)
        if found:
            return found
    return None


def test_watch_probes_are_counted_by_the_audit(tmp_path):
    generate(tmp_path / "site")
    db = f"sqlite:///{tmp_path / 'z.db'}"
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    with serve(tmp_path / "site") as server:
        w = _zwgk("watch", server.url, "--rounds", "3", "--interval", "0.05", "--no-root", "--network", "loopback",
                  "--db", db)
        assert w.returncode == 0, w.stderr[-2000:]
        r = _zwgk("run", server.url, "--db", db, "--out", str(tmp_path / "out"), "--checklist", "national-web-2019",
                  "--network", "loopback", "--delay", "0", "--as-of", today)
    assert r.returncode == 0, r.stderr[-2000:]
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "十一、" in report  # availability, 互动交流 and 无障碍 too: eleven numbered sections
    home = results["availability"]["targets"][0]
    assert home["target"] == "home" and home["probes"] == 3 and home["failures"] == 0
    node = next(n for root in results["scores"]["tree"] if (n := _indicator(root, "gw-v2")))
    assert node["outcome"] == "needs_review", node
