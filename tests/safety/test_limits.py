"""A crawl stopped by a limit says so: results.json crawl.limits and the report's header."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


def test_request_cap_is_reported_not_silent(tmp_path):
    key = generate(tmp_path / "site")
    out = tmp_path / "out"
    env = {**os.environ, "ZWGK_MAX_REQUESTS": "80"}
    with serve(tmp_path / "site") as server:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", server.url, "--as-of", key["as_of"], "--out",
                            str(out), "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                           capture_output=True, text=True, timeout=600, env=env)
        asked = len(server.requests)
    assert p.returncode == 0, p.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    limits = {x["limit"]: x for x in results["crawl"]["limits"]}
    assert limits["requests"]["value"] == 80 and limits["requests"]["count"] > 0
    # the cap counts the crawl's own requests; robots.txt, soft-404 probes and retries come on top
    assert asked < 80 * 1.5, asked
    assert len(results["documents"]) < len(key["documents"])  # the cap stopped the crawl short
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "抓取限制" in html and "单个网站请求数达到上限" in html
