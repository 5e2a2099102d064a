"""Link checks handed out in batches when the crawl runs dry (ZWGK_CHECK_BATCH): the scheduler
holds one batch, not every target of a large site — and the verdicts are those of one batch."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys

import pytest

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


def _crawl(site, db, batch: str | None) -> list[tuple[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "ZWGK_CHECK_BATCH"}
    if batch is not None:
        env["ZWGK_CHECK_BATCH"] = batch
    with serve(site) as server:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", server.url, "--db", f"sqlite:///{db}",
                            "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                           capture_output=True, text=True, timeout=600, env=env)
        heads = sum(1 for m, _ in server.requests if m == "HEAD")
    assert p.returncode == 0, p.stderr[-3000:]
    with sqlite3.connect(db) as c:
        rows = c.execute("select url, state, coalesce(status, ''), coalesce(error, '') from link_target").fetchall()
        finished = c.execute("select finished_at is not null from crawl").fetchone()[0]
    assert finished
    # ports change from run to run (the sample serves its 站外 sites on localhost ports of their own)
    return sorted((re.sub(r":\d{4,5}\b", ":PORT", u), s, str(st), e) for u, s, st, e in rows), heads


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("batches") / "site"
    generate(path)
    return path


def test_small_batches_judge_every_target_as_one_batch(site, tmp_path):
    whole, heads = _crawl(site, tmp_path / "whole.db", None)
    batched, heads_batched = _crawl(site, tmp_path / "batched.db", "7")
    assert heads > 3 * 7  # the sample's attachments are checked when the crawl runs dry: several batches of 7
    assert heads_batched == heads
    assert batched == whole
