"""Scale benchmark: wall time, pages/s and peak RSS of each stage of zwgk on a large generated site.

    .venv/bin/python bench/scale.py --scale 15 --concurrency 16            # ≈ 10 000 pages
    .venv/bin/python bench/scale.py --scale 62 --concurrency 16            # ≈ 40 000 pages
    .venv/bin/python bench/scale.py --scale 15 --stages audit,report       # re-audit the stored crawl
    .venv/bin/python bench/scale.py --scale 15 --linkinator                # linkinator on the same server

Generates the sample county site (zwgk.samplesite.generator, `scale` multiplies its columns'
documents and adds departments; kept under --work), serves it on 127.0.0.1
(zwgk.samplesite.server) and runs each stage as its own process, one after another:
`zwgk crawl` (delay 0, --concurrency), `zwgk audit`, `zwgk report` — or, with `--stages run`,
`zwgk run` (the three in one command, into a database of its own). Per stage: wall seconds, peak
RSS of the process and the children it waited for (GNU time's %M: the largest one; see `measured`), the
peak PSS of the whole process tree sampled twice a second (`tree_pss_peak_mib`), the largest RSS sampled at
each generation of that tree (`rss_peak_by_depth_mib`: 1 = zwgk itself, 2 = its crawl child), and for the crawl the
pages stored and pages/s. With --linkinator, linkinator 7 (npm, installed on first use into
~/.cache/zwgk-bench like bench/links.py does) crawls the same server at the same concurrency.
Prints one JSON object per stage and appends them to --work/scale-runs.jsonl. A crawl (and `zwgk
run`) also writes its growth curve, a point every --sample-every seconds (pages stored so far, tree
PSS, RSS per generation), to run-N/crawl-series.jsonl (run-series.jsonl): a long run stopped by
hand keeps the curve up to that point.

    .venv/bin/python bench/scale.py --scale 630 --stages crawl --sample-every 60 --unbounded   # ≈ 400 000 pages
    .venv/bin/python bench/scale.py --scale 62 --stages crawl,night --port 44099   # a night after a first crawl

The crawl's safety bounds (ZWGK_MAX_REQUESTS = 100 000 a site, ZWGK_MAX_LIST_PAGES = 500 a column)
stop a crawl of a site this large at 100 000 requests; --unbounded lifts them (environment) for the
bench's own runs.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = Path.home() / ".cache" / "zwgk-bench"
SKIP_OFF_LOOPBACK = r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"
AS_OF = "2023-11-30"


TIME = "/usr/bin/time"


def measured(cmd: list[str], log: Path, series: Path | None = None, db: Path | None = None,
             every: float = 30.0) -> dict:
    """Run `cmd`; its wall seconds, peak RSS in MiB (the process or its largest waited-for child)
    and exit code; with `series`, a line every `every` seconds (elapsed s, the tree's PSS, the RSS
    of each generation, pages stored so far in `db`) to show growth over a long run. The peak comes from GNU time, which forks: os.wait4's ru_maxrss of a child
    that Python started by vfork + exec counts this process's own peak too (tested: a 300 MiB
    parent made `true` report 311 MiB)."""
    stat = log.with_suffix(".rss")
    use_time = os.path.exists(TIME)
    t0 = time.perf_counter()
    tree_peak, next_sample = 0, t0
    depth_peak: dict[int, int] = {}  # generation below `cmd` (0: cmd itself) -> largest RSS seen, KiB
    with open(log, "wb") as out:
        p = subprocess.Popen(([TIME, "-f", "%M", "-o", str(stat)] if use_time else []) + cmd,
                             stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        while True:  # the whole process tree's memory (zwgk run crawls in a child process), twice a second
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            pss, rss = tree_memory_kib(p.pid)
            tree_peak = max(tree_peak, pss)
            for depth, kib_ in rss.items():
                depth_peak[depth] = max(depth_peak.get(depth, 0), kib_)
            if series is not None and time.perf_counter() >= next_sample:
                next_sample += every
                sample(series, time.perf_counter() - t0, pss, rss, db, log)
            time.sleep(0.5)
    wall = time.perf_counter() - t0
    kib = int(stat.read_text().split()[-1]) if use_time else ru.ru_maxrss  # fallback: an upper bound
    return {"wall_s": round(wall, 1), "peak_rss_mib": round(kib / 1024), "tree_pss_peak_mib": round(tree_peak / 1024),
            "rc": os.waitstatus_to_exitcode(status),
            # sampled RSS peaks per generation of the tree: with GNU time, 1 is zwgk itself and 2 its
            # children (the crawl of `zwgk run` / `zwgk crawl`)
            "rss_peak_by_depth_mib": {d: round(k / 1024) for d, k in sorted(depth_peak.items())}}


def sample(series: Path, elapsed: float, pss: int, rss: dict[int, int], db: Path | None,
           log: Path | None = None) -> None:
    """One point of a growth curve: appended at once, so a run stopped by hand keeps its curve.
    `queued`: requests waiting in Scrapy's scheduler, from the crawl's last progress line in `log`."""
    pages = None
    if db is not None and db.exists():
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
                pages = c.execute("select count(*) from page where crawl_id = (select max(id) from crawl)").fetchone()[0]
        except sqlite3.Error:
            pass
    with open(series, "a", encoding="utf-8") as f:
        f.write(json.dumps({"t_s": round(elapsed), "at": time.strftime("%H:%M:%S", time.gmtime()), "pages": pages,
                            "queued": queued(log) if log is not None else None,
                            "tree_pss_mib": round(pss / 1024),
                            "rss_by_depth_mib": {d: round(k / 1024) for d, k in sorted(rss.items())}}) + "\n")


def queued(log: Path) -> int | None:
    """The 待抓取 count of the last progress line written to `log` (None before the first)."""
    import re

    try:
        with open(log, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - 8192))
            found = re.findall("待抓取 (\\d+)".encode(), f.read())
    except OSError:
        return None
    return int(found[-1]) if found else None


def tree_memory_kib(root: int) -> tuple[int, dict[int, int]]:
    """The proportional set size (shared pages split among their sharers: a forked child's pages
    still shared with its parent are not counted twice) of `root` and all its descendants, KiB;
    and the largest RSS at each depth below `root` (0: root), KiB."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", encoding="utf-8", errors="replace") as f:
                    text = f.read()
                parent[int(d)] = int(text[text.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    depth, level, grew = {root: 0}, 0, True
    while grew:
        level += 1
        more = {pid for pid, pp in parent.items() if pp in depth and pid not in depth}
        depth.update(dict.fromkeys(more, level))
        grew = bool(more)
    total, rss = 0, {}
    for pid, d in depth.items():
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
                fields = {ln.split(":")[0]: int(ln.split()[1]) for ln in f if ln.startswith(("Pss:", "Rss:"))}
        except (OSError, ValueError, IndexError):
            continue
        total += fields.get("Pss", 0)
        rss[d] = max(rss.get(d, 0), fields.get("Rss", 0))
    return total, rss


def zwgk(*args: str) -> list[str]:
    return [sys.executable, "-m", "zwgk.cli", *args]


def db_counts(db: Path) -> dict:
    with sqlite3.connect(db) as c:
        crawl = c.execute("select max(id) from crawl").fetchone()[0]
        q = lambda t: c.execute(f"select count(*) from {t} where crawl_id = ?", (crawl,)).fetchone()[0]  # noqa: E731
        return {"crawl": crawl, "pages": q("page"), "documents": q("document"), "links": q("link"),
                "link_targets": q("link_target"), "column_entries": q("column_entry")}


def linkinator_exe() -> str:
    exe = CACHE / "node" / "node_modules" / ".bin" / "linkinator"
    if not exe.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE / "node"), "linkinator@7"],
                       check=True)
    return str(exe)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=15)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--stages", default="crawl,audit,report",
                    help="comma-separated: crawl, audit, report, run (`zwgk run`: all three in one command), "
                         "night (the stored crawl, copied, crawled again unchanged with --revalidate-days)")
    ap.add_argument("--revalidate-days", type=int, default=7, help="the night's rolling revalidation period")
    ap.add_argument("--port", type=int, default=0,
                    help="the site's loopback port (0: any free one); a night run apart from its first crawl "
                         "needs the first crawl's port, for it is the same site only at the same address")
    ap.add_argument("--linkinator", action="store_true", help="also run linkinator 7 on the same server")
    ap.add_argument("--work", default="/tmp/zwgk-bench-scale")
    ap.add_argument("--label", default="", help="a note stored with the figures (e.g. the commit)")
    ap.add_argument("--unbounded", action="store_true",
                    help="lift the crawl's request and list-page bounds (sites past ~100 000 pages)")
    ap.add_argument("--sample-every", type=float, default=30.0,
                    help="seconds between points of the growth curve (run-N/crawl-series.jsonl, run-series.jsonl)")
    args = ap.parse_args()
    from zwgk.samplesite.server import serve

    if args.unbounded:  # read by the crawl from the environment (crawler/process.py ENV_SETTINGS)
        os.environ.update(ZWGK_MAX_REQUESTS="5000000", ZWGK_MAX_LIST_PAGES="100000")
    # a progress line (with its 待抓取 count, read into the growth curve) at every sample
    os.environ.setdefault("ZWGK_PROGRESS_INTERVAL", str(args.sample_every))
    work = Path(args.work)
    site = work / f"site-{args.scale}"
    run = work / f"run-{args.scale}"
    run.mkdir(parents=True, exist_ok=True)
    if not (site / "answer_key.json").exists():
        t0 = time.perf_counter()
        # in a child: this process's own peak must stay small (see `measured`)
        subprocess.run([sys.executable, "-m", "zwgk.samplesite", "generate", str(site), "--scale", str(args.scale)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"generated scale {args.scale} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    db = run / "zwgk.db"
    dburl = f"sqlite:///{db}"
    rows = []

    def record(row: dict) -> None:
        row = {"scale": args.scale, "concurrency": args.concurrency, "label": args.label,
               "at": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), **row}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    with serve(site, port=args.port, headers={"LinkChecker": "zwgk-bench"}) as srv:
        if "crawl" in stages:
            if db.exists():
                db.unlink()
            r = measured(zwgk("crawl", srv.url, "--db", dburl, "--network", "loopback", "--concurrency",
                              str(args.concurrency), "--delay", "0"), run / "crawl.log",
                         series=run / "crawl-series.jsonl", db=db, every=args.sample_every)
            counts = db_counts(db)
            record({"stage": "crawl", **r, **counts, "requests": len(srv.requests),
                    "pages_per_s": round(counts["pages"] / r["wall_s"], 1)})
        if "night" in stages:
            # a copy of the first crawl's store (SQLite's backup: whole, whatever its WAL holds), so
            # that the night can be run again, from another commit, on the same first crawl
            ndb = run / "night.db"
            for f in run.glob("night.db*"):
                f.unlink()
            with sqlite3.connect(db) as src, sqlite3.connect(ndb) as dst:
                src.backup(dst)
            asked = len(srv.requests)
            r = measured(zwgk("crawl", srv.url, "--db", f"sqlite:///{ndb}", "--network", "loopback", "--concurrency",
                              str(args.concurrency), "--delay", "0", "--revalidate-days", str(args.revalidate_days)),
                         run / "night.log", series=run / "night-series.jsonl", db=ndb, every=args.sample_every)
            counts = db_counts(ndb)
            record({"stage": "night", **r, **counts, "requests": len(srv.requests) - asked,
                    "revalidate_days": args.revalidate_days})
        if "run" in stages:
            rdb = run / "zwgk-run.db"
            for f in run.glob("zwgk-run.db*"):
                f.unlink()
            r = measured(zwgk("run", srv.url, "--db", f"sqlite:///{rdb}", "--network", "loopback", "--concurrency",
                              str(args.concurrency), "--delay", "0", "--as-of", AS_OF, "--out", str(run / "out-run")),
                         run / "run.log", series=run / "run-series.jsonl", db=rdb, every=args.sample_every)
            counts = db_counts(rdb)
            record({"stage": "run", **r, **counts, "pages_per_s": round(counts["pages"] / r["wall_s"], 1)})
        if args.linkinator:
            r = measured([linkinator_exe(), srv.url, "--recurse", "--concurrency", str(args.concurrency),
                          "--format", "json", "--skip", SKIP_OFF_LOOPBACK, "--timeout", "30000"],
                         run / "linkinator.json")
            text = (run / "linkinator.json").read_text(encoding="utf-8", errors="replace")
            try:
                data = json.loads(text[text.index("{"):])
                links = [x for x in data.get("links", []) if x.get("url", "").startswith(srv.url)]
                pages = len({x["url"] for x in links if x.get("state") == "OK"})
                record({"stage": "linkinator", **r, "urls_ok": pages, "links": len(data.get("links", [])),
                        "pages_per_s": round(pages / r["wall_s"], 1)})
            except ValueError:
                record({"stage": "linkinator", **r, "note": "no report: " + text.strip()[-200:]})
    if "audit" in stages:
        r = measured(zwgk("audit", "--db", dburl, "--as-of", AS_OF, "--out", str(run / "out")), run / "audit.log")
        res = run / "out" / "results.json"
        extra = {}
        if r["rc"] == 0 and res.exists():
            data = json.loads(res.read_text(encoding="utf-8"))
            extra = {"documents": len(data["documents"]), "findings": len(data["findings"]),
                     "results_mib": round(res.stat().st_size / 2**20, 1)}
        record({"stage": "audit", **r, **extra})
    if "report" in stages:
        r = measured(zwgk("report", str(run / "out" / "results.json")), run / "report.log")
        record({"stage": "report", **r})
    with open(work / "scale-runs.jsonl", "a", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
