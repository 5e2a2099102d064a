"""What the crawl holds, part by part, as it goes: a generated site crawled in this process (no fork),
with a Scrapy extension that every `--every` seconds (and when the crawl runs dry, and at its end)
sizes each part of the spider, pymalloc's arenas and the classify_href cache.

    .venv/bin/pip install pympler        # only this bench needs it
    .venv/bin/python bench/crawl_parts.py --scale 62 --every 150            # ≈ 40 000 pages
    .venv/bin/python bench/crawl_parts.py --site /tmp/zwgk-bench-scale/site-630 --every 480

Writes one JSON line per sample to `<work>/parts-<scale>.jsonl` and prints a summary of each:
pages, RSS, requests waiting, pymalloc arenas (MiB) and the bytes in use in them, the cache's
hits and size, and every part of the spider (and of its links, columns, carry-over, 互动交流 and
budget objects) of 64 KiB or more. Sizing takes a second or two at 50 000 pages (the crawl waits
meanwhile); the figures are deep sizes with shared objects counted once within a part.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/ itself off the path: bench/incremental.py would hide the `incremental` package Twisted imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

SKIP = {"crawler", "settings", "logger", "callbacks", "scope", "netpolicy"}  # shared with Scrapy, not the crawl's state
PARTS = ("links", "columns", "carry", "talk", "site", "budget")
PYMALLOC = ("# arenas allocated current", "bytes in allocated blocks", "Total")


def rss_mib() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def pymalloc() -> dict:
    """pymalloc's arenas and the bytes in use in them (KiB), from sys._debugmallocstats (stderr)."""
    fd, path = tempfile.mkstemp()
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
    text = Path(path).read_text()
    os.unlink(path)
    out = {}
    for key in PYMALLOC:
        m = re.search(re.escape(key) + r"\s*=\s*([\d,]+)", text)
        if m:
            out[key] = int(m.group(1).replace(",", "")) // (1 if key.startswith("#") else 1024)
    return out


def sizes(obj, prefix: str) -> dict:
    from pympler import asizeof

    out = {}
    for k, v in vars(obj).items():
        if k in SKIP:
            continue
        try:
            out[prefix + k] = asizeof.asizeof(v) // 1024
        except Exception as exc:  # an object pympler cannot walk: named, not sized
            out[prefix + k] = type(exc).__name__
    return out


def column_fields(by_url: dict) -> dict:
    """The columns' records summed field by field (their entries, the column links their pages
    show, …): which of them grows with the site."""
    from pympler import asizeof

    out: dict = {}
    for col in by_url.values():
        for k, v in col.items():
            out[f"columns.by_url[{k}]"] = out.get(f"columns.by_url[{k}]", 0) + asizeof.asizeof(v)
    return {k: v // 1024 for k, v in out.items()}


class Sampler:
    """The Scrapy extension: samples on a timer, at the first idle signals and at the close."""
    out: Path
    every: float

    def __init__(self, crawler):
        from scrapy import signals

        self.crawler, self.idles = crawler, 0
        crawler.signals.connect(self.opened, signals.spider_opened)
        crawler.signals.connect(self.idle, signals.spider_idle)
        crawler.signals.connect(self.closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider):
        from twisted.internet import task

        self.spider = spider
        task.LoopingCall(self.sample, "tick").start(self.every, now=False)

    def idle(self, spider):
        self.idles += 1
        if self.idles in (1, 2, 5):
            self.sample(f"idle{self.idles}")

    def closed(self, spider):
        self.sample("closed")

    def sample(self, why: str) -> None:
        from zwgk.crawler.extractors import links

        t = time.perf_counter()
        sp, st = self.spider, self.crawler.stats.get_stats()
        parts = sizes(sp, "")
        for name in PARTS:
            parts.update(sizes(getattr(sp, name), name + "."))
        parts.update(column_fields(sp.columns.by_url))
        gc.collect()
        row = {"why": why, "pages": st.get("zwgk/rows/pages", 0), "rss_mib": rss_mib(),
               "queued": st.get("scheduler/enqueued", 0) - st.get("scheduler/dequeued", 0),
               "pymalloc_kib": pymalloc(), "classify_cache": links._classify_cached.cache_info()._asdict(),
               "parts_kib": {k: v for k, v in sorted(parts.items(), key=lambda kv: -kv[1] if isinstance(kv[1], int) else 0)
                             if not isinstance(v, int) or v >= 64},
               "gc_types": Counter(type(o).__name__ for o in gc.get_objects()).most_common(10)}
        row["sample_s"] = round(time.perf_counter() - t, 1)
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        pm = row["pymalloc_kib"]
        print(f"[{why}] 页面 {row['pages']}  RSS {row['rss_mib']} MiB  待抓取 {row['queued']}  "
              f"pymalloc {pm.get('Total', 0) // 1024} MiB（占用 {pm.get('bytes in allocated blocks', 0) // 1024}）  "
              f"classify 缓存 {row['classify_cache']['currsize']}  部件 KiB {row['parts_kib']}", flush=True)


def crawl_here(url: str, db: str, out: Path, every: float) -> None:
    """The child: the crawl of `zwgk crawl`, in this process, with the sampler."""
    from zwgk.crawler.process import CrawlOptions, SiteJob, run_crawls

    Sampler.out, Sampler.every = out, every
    settings = CrawlOptions(db=db, concurrency=16, delay=0, network="loopback").settings()
    settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"), f"{__name__}.Sampler": 900})
    jobs = run_crawls([SiteJob(url)], settings)
    print("crawl", jobs[0].crawl_id, "failure", jobs[0].failure)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=15)
    ap.add_argument("--site", help="a generated site's folder (default: <work>/site-<scale>, generated if absent)")
    ap.add_argument("--every", type=float, default=120.0, help="seconds between samples")
    ap.add_argument("--work", default="/tmp/zwgk-bench-scale")
    ap.add_argument("--child", nargs=3, metavar=("URL", "DB", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        crawl_here(args.child[0], args.child[1], Path(args.child[2]), args.every)
        return
    try:
        import pympler  # noqa: F401
    except ImportError:
        sys.exit("需要 pympler：.venv/bin/pip install pympler")
    from zwgk.samplesite.server import serve

    work = Path(args.work)
    site = Path(args.site) if args.site else work / f"site-{args.scale}"
    if not (site / "answer_key.json").exists():
        subprocess.run([sys.executable, "-m", "zwgk.samplesite", "generate", str(site), "--scale", str(args.scale)],
                       check=True, cwd=ROOT)
    run = work / f"parts-{site.name}"
    run.mkdir(parents=True, exist_ok=True)
    for f in run.glob("zwgk.db*"):
        f.unlink()
    out = run / "parts.jsonl"
    out.unlink(missing_ok=True)
    with serve(site, headers={"LinkChecker": "zwgk-bench"}) as srv:
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(Path(__file__).resolve()), "--every", str(args.every),
                              "--child", srv.url, f"sqlite:///{run / 'zwgk.db'}", str(out)], cwd=ROOT)
    print(f"rc {rc}, {time.perf_counter() - t0:.0f} s; samples in {out}")


if __name__ == "__main__":
    main()
