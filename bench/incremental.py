"""Incremental re-crawl benchmark: the generated site crawled three times on loopback, in two modes.

    .venv/bin/python bench/incremental.py [--scale 5] [--changes 5] [--revalidate-days 7]

For each mode, on a fresh copy of the generated site and a fresh SQLite database:
1. a first crawl (validators stored), 2. again with nothing changed, 3. again after the body of
`--changes` document pages was edited (their list entries unchanged).
Modes: `--incremental` (every known document page asked conditionally every night) and
`--revalidate-days N` (rolling revalidation: a document still listed as before is asked on one
night in N, else copied unasked). Prints wall times, requests the server saw, 304 answers,
documents copied unasked, document pages re-parsed and how many of the edited pages were, as a
Markdown table (paste it into docs/benchmarks.md with the command and the machine).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zwgk.samplesite.generator import generate  # noqa: E402
from zwgk.samplesite.server import serve  # noqa: E402


def run(url: str, db: Path, *extra: str) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", url, "--db", f"sqlite:///{db}", "--network",
                        "loopback", "--concurrency", "8", "--delay", "0", *extra],
                       capture_output=True, text=True, cwd=ROOT)
    if p.returncode:
        sys.exit(p.stderr[-3000:])
    return time.perf_counter() - t, int(p.stdout.strip().splitlines()[-1])


def three_crawls(pristine: Path, work: Path, changed: list[str], mode: list[str]) -> list[tuple]:
    site, db = work / "site", work / "z.db"  # a fresh folder per mode: SQLite keeps -wal / -shm files
    shutil.copytree(pristine, site)
    rows = []
    with serve(site) as server:
        for n, (label, extra) in enumerate((("first crawl", ()), ("unchanged", mode),
                                            (f"{len(changed)} pages edited", mode))):
            if n == 2:
                for p in changed:
                    f = site / p.lstrip("/")
                    f.write_bytes(f.read_bytes().replace(b"</body>", "<p>（已更新）</p></body>".encode(), 1))
            mark, mark304 = len(server.requests), len(server.not_modified)
            secs, crawl_id = run(server.url, db, *extra)
            with sqlite3.connect(db) as c:
                parsed = [u for (u,) in c.execute(
                    "select url from page where crawl_id=? and kind='document' and status < 400 "
                    "and reused_from is null", (crawl_id,))]
                stats = json.loads(c.execute("select stats from crawl where id=?", (crawl_id,)).fetchone()[0])
            hit = sum(1 for u in parsed if any(u.endswith(p) for p in changed))
            rows.append((label, secs, len(server.requests) - mark, len(server.not_modified) - mark304,
                         stats.get("zwgk/incremental/trusted", 0), len(parsed),
                         f"{hit} of {len(changed)}" if n == 2 else "–"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, default=5)
    ap.add_argument("--changes", type=int, default=5)
    ap.add_argument("--revalidate-days", type=int, default=7)
    args = ap.parse_args()
    modes = (("--incremental", ["--incremental"]),
             (f"--revalidate-days {args.revalidate_days}", ["--revalidate-days", str(args.revalidate_days)]))
    with tempfile.TemporaryDirectory() as tmp:
        pristine = Path(tmp) / "pristine"
        key = generate(pristine, scale=args.scale)
        changed = [d["path"] for d in key["documents"] if d["path"].endswith(".html")][:args.changes]
        print(f"scale {args.scale}: {len(key['documents'])} documents in the answer key\n")
        print("| mode | crawl | wall s | requests | 304 answers | copied unasked | document pages parsed "
              "| edited pages re-parsed |")
        print("|---|---|---|---|---|---|---|---|")
        for i, (name, mode) in enumerate(modes):
            rows = three_crawls(pristine, Path(tmp) / f"mode{i}", changed, mode)
            for label, secs, req, nm, trusted, parsed, hit in rows:
                print(f"| {name} | {label} | {secs:.1f} | {req} | {nm} | {trusted} | {parsed} | {hit} |", flush=True)
            print(f"| {name} | **speed-up, unchanged** | **{rows[0][1] / rows[1][1]:.2f}×** | | | | | |", flush=True)


if __name__ == "__main__":
    main()
