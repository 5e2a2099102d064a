"""Many sites over scrapy-redis workers: `zwgk batch --redis` queues three sample sites, two
`zwgk worker` processes crawl them through one Redis into one database.

Checked against a single-process `zwgk batch` of the same three servers: the same results,
every URL asked for as often (each page once), and the per-host limit held in both runs (the
three sites share the host name 127.0.0.1, so at most --concurrency requests may be in flight
to all of them together; the servers answer slowly so that requests do overlap).
"""
from __future__ import annotations

import collections
import csv
import json
import re
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import Gauge, serve

from .conftest import zwgk
from .test_postgresql import _stable

SEEDS = (2023, 7, 11)
LIMIT = 2


@pytest.fixture(scope="module")
def three_sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("dist")
    keys = [generate(base / f"s{i}", seed=seed) for i, seed in enumerate(SEEDS)]
    return base, keys


def _site_list(path, servers):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["名称", "网址", "评估对象"])
        for i, s in enumerate(servers):
            w.writerow([f"样例县{i}", s.url, "县政府办公室"])
    return path


def _results(out):
    ranking = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    return {r["url"]: json.loads((out / r["folder"] / "results.json").read_text(encoding="utf-8"))
            for r in ranking["sites"]}


def _hits(server):
    """(method, path) -> times asked; the soft-404 probe's random token made constant."""
    return collections.Counter((m, re.sub(r"zwgk-[0-9a-f]+-not-found", "zwgk-TOKEN-not-found", p))
                               for m, p in server.requests)


def _cli(*args):
    return subprocess.Popen([sys.executable, "-m", "zwgk.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_workers_crawl_three_sites_like_one_process(three_sites, redis_server, redis_prefix, tmp_path):
    import redis

    base, keys = three_sites
    as_of = keys[0]["as_of"]
    common = ["--as-of", as_of, "--network", "loopback", "--concurrency", str(LIMIT), "--delay", "0"]
    gauge = Gauge()
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(base / f"s{i}", gauge=gauge, latency=0.005)) for i in range(3)]
        sites = _site_list(tmp_path / "sites.csv", servers)

        single = zwgk("batch", str(sites), "--out", str(tmp_path / "single"), *common)
        assert single.returncode == 0, single.stderr[-2000:]
        single_hits = [_hits(s) for s in servers]
        single_peak = gauge.peak
        for s in servers:
            s.requests.clear()
        gauge.peak = 0

        env_redis = ["--redis", redis_server, "--prefix", redis_prefix]
        batch = _cli("batch", str(sites), "--out", str(tmp_path / "dist"), *common, *env_redis)
        r = redis.Redis.from_url(redis_server)
        deadline = time.monotonic() + 120
        while r.hlen(f"{redis_prefix}:jobs") < 3 and batch.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = [_cli("worker", *env_redis, "--sites", "2", "--linger", "1") for _ in range(2)]
        outs = [w.communicate(timeout=600) for w in workers]
        b_out, b_err = batch.communicate(timeout=600)
        dist_hits = [_hits(s) for s in servers]

    assert batch.returncode == 0, b_err[-2000:]
    for w, (out, err) in zip(workers, outs):
        assert w.returncode == 0, err[-2000:]
        assert "完成：" in out + err, err[-2000:]  # both workers crawled at least one site
    # the per-host limit held across the three crawls of one process, and across the two workers
    # (the gauge does see overlap: without the limit, both runs reached 20 and more)
    assert 1 < single_peak <= LIMIT
    assert 1 < gauge.peak <= LIMIT
    # every URL was asked for as often as by one process: each page once, nothing twice
    for one, many in zip(single_hits, dist_hits):
        assert many == one
        pages = [k for k in many if k[0] == "GET" and not k[1].startswith("/robots.txt")]
        assert len(pages) > 100
        assert sum(many[k] > 1 for k in pages) <= sum(one[k] > 1 for k in pages)
    # the same results as the single-process run, site by site
    a, b = _results(tmp_path / "single"), _results(tmp_path / "dist")
    assert a.keys() == b.keys() == {s.url for s in servers}
    for url in a:
        one, many = _stable(a[url], url), _stable(b[url], url)
        lost = [f for f in one["findings"] if f not in many["findings"]]
        new = [f for f in many["findings"] if f not in one["findings"]]
        assert many == one, (lost, new)
        assert b[url]["summary"]["score"] is not None
    # nothing of the batch is left in Redis but the per-host counters
    assert not [k for k in r.scan_iter(f"{redis_prefix}:*") if b":host:" not in k]


def test_a_killed_worker_s_site_is_taken_over_and_finished(three_sites, redis_server, redis_prefix, tmp_path):
    import sqlite3

    import redis

    base, keys = three_sites
    out = tmp_path / "dist"
    with serve(base / "s0", latency=0.005) as server:
        sites = _site_list(tmp_path / "sites.csv", [server])
        env_redis = ["--redis", redis_server, "--prefix", redis_prefix]
        batch = _cli("batch", str(sites), "--out", str(out), "--as-of", keys[0]["as_of"], "--network", "loopback",
                     "--concurrency", "2", "--delay", "0", *env_redis)
        r = redis.Redis.from_url(redis_server)
        deadline = time.monotonic() + 120
        while r.hlen(f"{redis_prefix}:jobs") < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        first = _cli("worker", *env_redis, "--lease", "2", "--linger", "30")
        n = 0
        while n < 60 and time.monotonic() < deadline + 180:
            time.sleep(0.3)
            try:
                with sqlite3.connect(out / "zwgk.db") as c:
                    n = c.execute("select count(*) from document").fetchone()[0]
            except sqlite3.OperationalError:
                n = 0  # tables not there yet
        first.kill()  # SIGKILL: no clean shutdown, its lease stays until it expires
        first.communicate()
        assert 0 < n < len(keys[0]["documents"])
        second = _cli("worker", *env_redis, "--lease", "2", "--linger", "1")
        s_out, s_err = second.communicate(timeout=600)
        b_out, b_err = batch.communicate(timeout=600)
    assert second.returncode == 0 and batch.returncode == 0, (s_err[-2000:], b_err[-2000:])
    assert "接手抓取" in s_out + s_err and "完成：" in s_out + s_err
    [res] = _results(out).values()
    assert res["summary"]["score"] is not None
    got = {d["url"].split("/", 3)[3] for d in res["documents"]}
    assert {d["path"].lstrip("/") for d in keys[0]["documents"]} <= got  # nothing lost
    with sqlite3.connect(out / "zwgk.db") as c:
        assert c.execute("select status from crawl").fetchall() == [("finished",)]
        for table in ("document", "page", "link_target"):
            total, distinct = c.execute(f"select count(*), count(distinct url) from {table}").fetchone()
            assert total == distinct, table  # nothing doubled
