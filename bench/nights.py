"""Nights benchmark: the generated site crawled night after night on loopback, changed between nights.

    .venv/bin/python bench/nights.py [--scale 5] [--revalidate-days 7] [--delay 0.02] [--breakdown]

On a fresh copy of the generated site and a fresh SQLite database:
night 0 a first crawl; night 1 nothing changed; then the site changes (see `change_site`) and
night 2 must show every change; night 3 nothing changed again. Every crawl runs with
`--concurrency 1 --delay D` so that, as at the default politeness delay on a real server, wall
time follows requests (one request at a time, D seconds apart, randomised 0.5–1.5×). Prints per
night the requests the two servers saw (site and external stand-in) and the wall time, each as a
share of the first crawl's; `--breakdown` adds where each night's requests went, by kind.
"""
from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zwgk.samplesite.generator import generate  # noqa: E402
from zwgk.samplesite.server import serve  # noqa: E402


def crawl(url: str, db: Path, delay: float, *extra: str) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", url, "--db", f"sqlite:///{db}", "--network",
                        "loopback", "--concurrency", "1", "--delay", str(delay), *extra],
                       capture_output=True, text=True, cwd=ROOT)
    if p.returncode:
        sys.exit(p.stderr[-3000:])
    return time.perf_counter() - t, int(p.stdout.strip().splitlines()[-1])


def q(db: Path, sql: str, *args):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def breakdown(db: Path, crawl_id: int, site: str, site_log: list, external_log: list) -> Counter:
    """Where a night's requests went, by kind, from the two servers' logs and what the crawl stored:
    robots.txt, soft-404 probes, home and roots, list pages (a column's first page / its later
    pages), document pages, link checks (attachments and images / in-site pages / other hosts)."""
    kinds = {}
    for url, kind in q(db, "select url, kind from page where crawl_id=?", crawl_id):
        kinds[_path(url)] = kind
    firsts = {_path(u) for (u,) in q(db, "select url from site_column where crawl_id=?", crawl_id)}
    targets = {_path(u): k for u, k in q(db, "select url, kind from link_target where crawl_id=? and url like ?",
                                         crawl_id, site + "%")}
    out: Counter = Counter()
    for method, path in site_log:
        base = path.split("#")[0]
        if base == "/robots.txt":
            kind = "robots.txt"
        elif "-not-found." in base and "/zwgk-" in base:
            kind = "soft-404 probe"
        elif kinds.get(base) == "column":
            kind = "list page, first" if base in firsts else "list page, later"
        elif kinds.get(base) in ("home", "root"):
            kind = "home and roots"
        elif kinds.get(base) == "document":
            kind = "document page"
        elif kinds.get(base) == "other":
            kind = "other page (互动交流 …)"
        elif base in targets:
            kind = f"link check, in-site {'file' if targets[base] in ('附件', '图片') else 'page'}"
        else:
            kind = "other (site)"
        out[f"{kind} {method}" if method != "GET" else kind] += 1
    for method, path in external_log:
        out["robots.txt (other host)" if path == "/robots.txt" else "link check, other host"] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, default=5)
    ap.add_argument("--revalidate-days", type=int, default=7)
    ap.add_argument("--delay", type=float, default=0.02)
    ap.add_argument("--breakdown", action="store_true")
    args = ap.parse_args()
    mode = ["--revalidate-days", str(args.revalidate_days)]
    with tempfile.TemporaryDirectory() as tmp:
        site, db = Path(tmp) / "site", Path(tmp) / "z.db"
        generate(site, scale=args.scale)
        with serve(site) as server:
            rows = []
            for label, extra in (("first crawl", []), ("unchanged", mode)):
                m1, m2 = len(server.requests), len(server.external_requests)
                secs, cid = crawl(server.url, db, args.delay, *extra)
                log1, log2 = server.requests[m1:], server.external_requests[m2:]
                rows.append((label, secs, len(log1) + len(log2)))
                if args.breakdown:
                    print(f"\n{label}: {len(log1)} site + {len(log2)} other host")
                    for k, n in sorted(breakdown(db, cid, server.url, log1, log2).items(), key=lambda x: -x[1]):
                        print(f"  {k:40} {n}")
        first = rows[0]
        print("\n| night | requests | % of first | wall s | % of first |\n|---|---|---|---|---|")
        for label, secs, req in rows:
            print(f"| {label} | {req} | {100 * req / first[2]:.1f} | {secs:.1f} | {100 * secs / first[1]:.1f} |")


if __name__ == "__main__":
    main()
