"""Crawls of hostile fixture sites run inside a loopback-only network namespace (`unshare -n -m`):
nothing they link to can leave the machine."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def can_unshare() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return subprocess.run(["unshare", "-n", "-m", "true"], capture_output=True).returncode == 0


needs_namespace = pytest.mark.skipif(not can_unshare(),
                                     reason="needs root, unshare and ip (a loopback-only namespace)")


def run_in_namespace(name: str, out: Path) -> dict:
    """Run tests/fixtures/<name>_run.py with `out` in a namespace of its own; the log it wrote
    (out/<name>.json), after checking that zwgk exited cleanly."""
    subprocess.run(["unshare", "-n", "-m", sys.executable, str(ROOT / f"tests/fixtures/{name}_run.py"), str(out)],
                   check=True, timeout=900, cwd=ROOT)
    log = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    assert log["returncode"] == 0, log["stderr"][-3000:]
    return log
