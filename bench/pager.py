"""List pages with many links: milliseconds to read one (zwgk.crawler.listing.read_listing:
entries, pager, sub-columns) when its pager prints every page number (?page=1 … ?page=N, as some
CMSs do: shape "pager"), or when it is N paragraphs each with a link (a 附件 list, a 目录 page printed
as <p> lines: shape "paragraphs"), for N = 10, 100, 1 000, 3 000.

    .venv/bin/python bench/pager.py [--checkout DIR]

--checkout: another checkout of zwgk (a git worktree of an older commit) to measure beside this
one, in the same run. Results: docs/benchmarks.md "List pages with a full pager"."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys, time
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing
n, shape = int(sys.argv[1]), sys.argv[2]
rows = "".join(f'<li><a href="/xxgk/gzdt/202311/t20231101_{i}.html">示例县第{i}项工作动态信息标题</a><span>2023-11-01</span></li>'
               for i in range(20))
pager = "".join(f'<li><a href="?page={p}">{p}</a></li>' for p in range(1, n + 1)) if shape == "pager" else ""
if shape == "paragraphs":
    rows += "</ul><div class='content'>" + "".join(f'<p>第{i}项 <a href="/xxgk/fj/{i}.pdf">附件{i}：示例县工作材料.pdf</a></p>'
                                                  for i in range(n)) + "</div><ul>"
html = (f'<html><head><title>工作动态</title></head><body><div class="list"><ul>{rows}</ul></div>'
        f'<div class="pagination"><ul><li><a href="?page=1">首页</a></li>{pager}<li><a href="?page=2">下一页</a></li></ul></div>'
        '</body></html>')
url = "http://127.0.0.1/xxgk/gzdt/?page=1"
t0, k = time.perf_counter(), 0
while time.perf_counter() - t0 < 3 or k < 3:
    listing = read_listing(parse_tree(html), url, html); k += 1
print(f"{(time.perf_counter() - t0) / k * 1000:.1f} {len(listing.pagination) + len(listing.entries)}")
"""


def measure(checkout: Path, n: int, shape: str) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), shape], capture_output=True, text=True, check=True,
                         cwd=checkout, env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"}).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkout", type=Path, help="another zwgk checkout to measure beside this one")
    args = ap.parse_args()
    trees = [("this", ROOT)] + ([("other", args.checkout.resolve())] if args.checkout else [])
    for shape in ("pager", "paragraphs"):
        print(f"{shape}: N | " + " | ".join(f"{name} ms/list page" for name, _ in trees) + " | entries + pager links")
        for n in (10, 100, 1000, 3000):
            got = [measure(path, n, shape) for _, path in trees]
            print(f"{n} | " + " | ".join(f"{ms:.1f}" for ms, _ in got) + f" | {', '.join(str(c) for _, c in got)}",
                  flush=True)


if __name__ == "__main__":
    main()
