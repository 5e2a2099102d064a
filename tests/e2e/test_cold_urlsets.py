"""The sample site crawled with the crawl's URL sets past 64 hashes kept in temporary files (a
large site's way, crawler/urlset.py HOT) gives the same documents, findings and columns, and makes
the same requests, as with them in memory."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

from tests.e2e.test_response_order import _key, _outcome
from zwgk.samplesite.server import serve


def test_url_sets_in_files_give_the_same_crawl(sample_run, tmp_path):
    site, out = sample_run.out.parent / "site", tmp_path / "out"
    env = dict(os.environ, ZWGK_URLSET_HOT="64")
    with serve(site) as server:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", server.url, "--as-of", sample_run.key["as_of"],
                            "--out", str(out), "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                           capture_output=True, text=True, timeout=600, env=env)
        requests = list(server.requests)
    assert p.returncode == 0, p.stderr[-3000:]
    got = json.loads((out / "results.json").read_text(encoding="utf-8"))
    want = sample_run.results
    assert len(want["documents"]) > 300  # the crawl's sets pass 64 hashes many times over
    assert _outcome(got) == _outcome(want)  # documents, findings, columns with their entries
    assert got["summary"]["score"] == want["summary"]["score"]

    def asked(reqs) -> Counter:
        # the soft-404 probes ask a random name each run
        return Counter(re.sub(r"zwgk-[0-9a-f]+-not-found", "zwgk-probe", _key(str(r))) for r in reqs)

    assert asked(requests) == asked(sample_run.requests)
