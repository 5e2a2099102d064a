"""Incremental re-crawl benchmark: the generated site crawled three times on loopback.

    .venv/bin/python bench/incremental.py [--scale 5] [--changes 5]

1. a first crawl (validators stored), 2. again with --incremental and nothing changed,
3. again after the generator's output is edited on `--changes` document pages.
Prints wall times, requests the server saw, 304 answers and document pages re-parsed, as a
Markdown table (paste it into docs/benchmarks.md with the command and the machine).
"""
from __future__ import annotations

import argparse
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, default=5)
    ap.add_argument("--changes", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, db = Path(tmp) / "site", Path(tmp) / "z.db"
        key = generate(site, scale=args.scale)
        changed = [d["path"] for d in key["documents"] if d["path"].endswith(".html")][:args.changes]
        rows = []
        with serve(site) as server:
            for label, extra in (("first crawl", ()), ("unchanged, --incremental", ("--incremental",)),
                                 (f"{args.changes} pages changed, --incremental", ("--incremental",))):
                if label.startswith(str(args.changes)):
                    for p in changed:
                        f = site / p.lstrip("/")
                        f.write_bytes(f.read_bytes().replace(b"</body>", "<p>（已更新）</p></body>".encode(), 1))
                mark, mark304 = len(server.requests), len(server.not_modified)
                secs, crawl_id = run(server.url, db, *extra)
                with sqlite3.connect(db) as c:
                    reparsed = c.execute("select count(*) from page where crawl_id=? and kind='document' "
                                         "and status < 400 and reused_from is null", (crawl_id,)).fetchone()[0]
                rows.append((label, secs, len(server.requests) - mark, len(server.not_modified) - mark304, reparsed))
    print(f"scale {args.scale}: {len(key['documents'])} documents in the answer key\n")
    print("| crawl | wall s | requests | 304 answers | document pages parsed |")
    print("|---|---|---|---|---|")
    for label, secs, req, nm, rep in rows:
        print(f"| {label} | {secs:.1f} | {req} | {nm} | {rep} |")
    print(f"\nspeed-up of the unchanged re-crawl: {rows[0][1] / rows[1][1]:.2f}×")


if __name__ == "__main__":
    main()
