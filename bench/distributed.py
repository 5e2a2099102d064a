"""Distributed crawl benchmark: the same generated sites crawled by one worker, then by two.

    .venv/bin/python bench/distributed.py [--sites 6] [--latency 0.02] [--redis redis://127.0.0.1:6379/0]

Generates `--sites` sample sites (different seeds), serves each on its own 127.0.0.1 port with
`--latency` seconds per answer (a real server is not instant), queues them with
`zwgk batch --redis --no-wait`, and times `zwgk worker` processes until the queue drains:

- 1 worker crawling every site at once (--sites N);
- 2 workers, each crawling up to ceil(N/2) sites at once.

Politeness: --concurrency 2 per host, no delay, host key "netloc" (every site its own host;
with the default host-name key all sites on 127.0.0.1 would share one limit of 2).
Prints pages/s (answers the servers sent ÷ wall time from the first worker's start to the last
one's exit) and requests per unique URL, as a Markdown table for docs/benchmarks.md.
A Redis server is started on a free loopback port unless --redis is given.
"""
from __future__ import annotations

import argparse
import collections
import csv
import math
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zwgk.samplesite.generator import generate  # noqa: E402
from zwgk.samplesite.server import serve  # noqa: E402


def cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zwgk.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def start_redis(tmp: Path) -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port",
                             str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0", proc


def one_run(label: str, workers: int, per_worker: int, sites_csv: Path, db: str, redis: str, prefix: str,
            servers, as_of: str) -> dict:
    for s in servers:
        s.requests.clear()
    q = cli("batch", str(sites_csv), "--as-of", as_of, "--out", str(sites_csv.parent / prefix), "--db", db,
            "--network", "loopback", "--concurrency", "2", "--delay", "0", "--redis", redis, "--prefix", prefix,
            "--no-wait")
    _, err = q.communicate()
    if q.returncode:
        sys.exit(err[-3000:])
    t = time.perf_counter()
    procs = [cli("worker", "--redis", redis, "--prefix", prefix, "--sites", str(per_worker), "--linger", "0",
                 "--host-key", "netloc") for _ in range(workers)]
    for p in procs:
        _, err = p.communicate()
        if p.returncode:
            sys.exit(err[-3000:])
    secs = time.perf_counter() - t
    hits = collections.Counter()
    for i, s in enumerate(servers):
        hits.update((i, m, re.sub(r"zwgk-[0-9a-f]+-not-found", "probe", path)) for m, path in s.requests)
    total = sum(hits.values())
    return {"label": label, "secs": secs, "requests": total, "unique": len(hits), "pps": total / secs,
            "per_url": total / len(hits)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sites", type=int, default=6)
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--redis", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_s, ExitStack() as stack:
        tmp = Path(tmp_s)
        redis = args.redis
        if not redis:
            redis, proc = start_redis(tmp)
            stack.callback(proc.terminate)
        keys = [generate(tmp / f"s{i}", seed=1000 + i) for i in range(args.sites)]
        servers = [stack.enter_context(serve(tmp / f"s{i}", latency=args.latency)) for i in range(args.sites)]
        sites_csv = tmp / "sites.csv"
        with sites_csv.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["名称", "网址"])
            w.writerows([f"站{i}", s.url] for i, s in enumerate(servers))
        rows = []
        for label, workers, per in (("1 worker", 1, args.sites), ("2 workers", 2, math.ceil(args.sites / 2))):
            prefix = f"bench{len(rows)}"
            rows.append(one_run(label, workers, per, sites_csv, f"sqlite:///{tmp / (prefix + '.db')}", redis, prefix,
                                servers, keys[0]["as_of"]))
    print(f"{args.sites} sample sites, {args.latency * 1000:.0f} ms per answer, 2 requests in flight per site\n")
    print("| run | wall s | requests | unique URLs | requests per URL | pages/s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['secs']:.1f} | {r['requests']} | {r['unique']} | {r['per_url']:.3f} | "
              f"{r['pps']:.1f} |")
    print(f"\nspeed-up: {rows[0]['secs'] / rows[1]['secs']:.2f}×")


if __name__ == "__main__":
    main()
