"""Fixtures for the report tests: the golden results.json and what renders from it."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "results.json"


@pytest.fixture(scope="session")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def golden_html(golden) -> str:
    from zwgk.reports.render import render_html

    return render_html(golden)


def earlier_run(golden: dict, *, score: float, as_of: str, drop: int = 0, extra: int = 0) -> dict:
    """An earlier run: `drop` of today's findings not yet present, `extra` since fixed."""
    r = copy.deepcopy(golden)
    r["as_of"] = as_of
    r["crawl"]["finished_at"] = f"{as_of}T09:00:00+08:00"
    r["summary"]["score"] = score
    r["summary"]["grade"] = "差"
    fs = r["findings"][drop:]
    fs += [{"id": f"X{i}", "check": "broken-link", "url": f"http://127.0.0.1:8000/old/{i}.html",
            "source": "http://127.0.0.1:8000/", "office": None, "indicators": []} for i in range(extra)]
    r["findings"] = fs
    return r


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> tuple[dict, Path]:
    """The bundled sample site crawled and audited by the real `zwgk run` (as `bash scripts/demo`
    does): its results.json and the report.html written beside it."""
    import subprocess
    import sys

    from zwgk.samplesite.generator import generate
    from zwgk.samplesite.server import serve

    base = tmp_path_factory.mktemp("sample")
    key = generate(base / "site")
    out = base / "out"
    with serve(base / "site") as server:
        proc = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", server.url, "--as-of", key["as_of"],
                               "--out", str(out), "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                              capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8")), out / "report.html"
