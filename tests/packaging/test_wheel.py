"""The package that installs: a wheel built from this checkout, installed into an empty virtualenv
with its dependencies from the package registry, works from a directory outside the repository —
`zwgk checklists validate` finds every checklist and `zwgk run` audits the bundled sample site
against yiyuan-2023.

It builds from a copy of the checkout: setuptools writes build/ and zwgk.egg-info/ into the
tree it builds, which is shared with whoever else is working (or testing) in it. The new
virtualenv gets no pip of its own (`--without-pip`, 0.1 s instead of ~12 s); this interpreter's
pip installs into it (`pip --python`), from the registry or pip's cache. Measured on 2 cores:
30-60 s in all (build ~10 s, install 15-35 s, validate ~1 s, an 80-page crawl and audit ~11 s).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _copy_checkout(dest: Path) -> None:
    """The checkout's files as a build sees them: tracked or new, not ignored (.venv, build/,
    zwgk-out/ … are in .gitignore)."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, names):
        f = REPO / name
        if f.is_file():  # a tracked file deleted in the working tree is not a build input
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest / name)


def _run(cmd, *, cwd: Path, timeout: int, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, check=False)
    assert proc.returncode == 0, (f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def test_installed_wheel_carries_the_checklists_and_runs(tmp_path):
    src, dist, venv, outside = (tmp_path / d for d in ("src", "dist", "venv", "outside"))
    _copy_checkout(src)
    outside.mkdir()

    # 1. the wheel holds every checklist of the repository's checklists/, inside the package
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, src], cwd=tmp_path, timeout=300)
    (wheel,) = dist.glob("zwgk-*.whl")
    with zipfile.ZipFile(wheel) as z:
        shipped = {Path(n).name for n in z.namelist() if n.startswith("zwgk/checklists/")}
        office = {Path(n).name for n in z.namelist() if n.startswith("zwgk/samplesite/office/")}
    expected = {p.name for p in (REPO / "checklists").glob("*.yaml")}
    assert "yiyuan-2023.yaml" in expected
    assert shipped == expected, f"the wheel's zwgk/checklists/ holds {sorted(shipped)}, not {sorted(expected)}"
    # the sample site's Word 97 / WPS / Excel 97 attachments (package data, samplesite/files.py)
    assert {"notice.doc", "notice.wps", "notice.xls"} <= office, sorted(office)

    # 2. an empty virtualenv (no system site-packages), the wheel and its declared dependencies
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path, timeout=120)
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", py, "install", "-q", wheel], cwd=tmp_path, timeout=600)

    # nothing of the checkout may leak in: run from elsewhere, without PYTHONPATH
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = _run([py, "-c", "import zwgk; print(zwgk.__file__)"], cwd=outside, timeout=60, env=env).stdout
    assert Path(where.strip()).resolve().is_relative_to(venv.resolve()), f"zwgk imported from {where.strip()}"
    zwgk = venv / "bin" / "zwgk"

    # 3. the checklists are found and valid
    p = _run([zwgk, "checklists", "list"], cwd=outside, timeout=120, env=env)
    listed = {line.split("\t")[0] for line in p.stdout.splitlines() if line.strip()}
    assert listed == {Path(n).stem for n in expected}, p.stdout + p.stderr
    p = _run([zwgk, "checklists", "validate"], cwd=outside, timeout=120, env=env)
    assert p.stdout.count("校验通过") == len(expected), p.stdout + p.stderr

    # 4. a small crawl of the bundled sample site, audited against the default checklist
    site = tmp_path / "site"
    key = generate(site)
    out = outside / "out"
    with serve(site) as server:
        _run([zwgk, "run", server.url, "--as-of", key["as_of"], "--out", out, "--network", "loopback",
              "--delay", "0", "--concurrency", "8", "--max-pages", "80"], cwd=outside, timeout=600, env=env)
        assert server.requests, "the crawl asked the sample site nothing"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["checklist"]["id"] == "yiyuan-2023"
    assert results["crawl"]["status"] == "finished"
    assert results["summary"]["documents"] > 0
    assert (out / "report.html").is_file()
