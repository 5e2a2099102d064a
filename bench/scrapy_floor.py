"""The floor under any Scrapy-based crawler: a bare Scrapy spider on the link benchmark's site.

    .venv/bin/python bench/scrapy_floor.py --scale 10 --concurrency 8

Serves the generated sample site (the same one bench/links.py uses, kept under --work) on
127.0.0.1 and crawls it with the least a Scrapy crawler can do: GET every same-host page, find
its links with Scrapy's own LinkExtractor, follow them — no field extraction, no database, no
link verdicts. Prints wall time, HTML pages, pages/s and peak RSS, to set zwgk's figures (and
the other tools') against what Scrapy itself costs on this machine.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPIDER = r"""
import sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

start, conc = sys.argv[1], int(sys.argv[2])
host = start.split("/")[2]
extract = LinkExtractor(deny_extensions=[])

class Floor(scrapy.Spider):
    name = "floor"
    start_urls = [start]
    pages = 0

    def parse(self, response):
        if not isinstance(response, scrapy.http.HtmlResponse):
            return
        Floor.pages += 1
        for link in extract.extract_links(response):
            if link.url.split("/")[2] == host:
                yield scrapy.Request(link.url, callback=self.parse)

p = CrawlerProcess({"CONCURRENT_REQUESTS": conc, "CONCURRENT_REQUESTS_PER_DOMAIN": conc, "DOWNLOAD_DELAY": 0,
                    "LOG_LEVEL": "ERROR", "HTTPERROR_ALLOW_ALL": True, "TELNETCONSOLE_ENABLED": False,
                    "ROBOTSTXT_OBEY": False, "DEPTH_PRIORITY": 1,
                    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
p.crawl(Floor)
p.start()
print(Floor.pages)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--work", default="/tmp/zwgk-bench-links")
    args = ap.parse_args()
    from zwgk.samplesite.generator import generate
    from zwgk.samplesite.server import serve

    site = Path(args.work) / f"site-{args.scale}"
    if not (site / "answer_key.json").exists():
        generate(site, scale=args.scale)
    with serve(site) as srv:
        script = Path(args.work) / "floor_spider.py"  # a file: Scrapy reads its callbacks' source
        script.write_text(SPIDER, encoding="utf-8")
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, str(script), srv.url, str(args.concurrency)],
                             stdout=subprocess.PIPE, text=True)
        out, _ = p.communicate()
        _, status, usage = os.wait4(p.pid, 0) if p.returncode is None else (0, 0, None)
        wall = time.perf_counter() - t0
    import resource
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pages = int(out.strip().splitlines()[-1])
    print(json.dumps({"tool": "bare Scrapy", "wall_s": round(wall, 1), "pages": pages,
                      "pages_per_s": round(pages / wall, 1), "peak_rss_mib": round(rss)}))


if __name__ == "__main__":
    main()
