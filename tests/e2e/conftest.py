"""One real run of `zwgk run` against the bundled sample site served on 127.0.0.1.

The crawl runs as a subprocess through the real console entry point; the server runs here, so
the tests can read its request log. The run is shared by every test in this folder.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


@dataclass
class Run:
    key: dict
    results: dict
    out: Path
    db: str
    site_url: str
    external_url: str
    requests: list
    external_requests: list
    stderr: str


def zwgk(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("e2e")
    site = base / "site"
    key = generate(site)
    out = base / "out"
    with serve(site) as server:
        proc = zwgk("run", server.url, "--as-of", key["as_of"], "--out", str(out), "--network", "loopback",
                    "--concurrency", "8", "--delay", "0")
        requests, external = list(server.requests), list(server.external_requests)
        url, ext = server.url, server.external_url
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return Run(key, results, out, f"sqlite:///{out / 'zwgk.db'}", url, ext, requests, external, proc.stderr)
