"""Coverage benchmark: each fixture site crawled and audited (`zwgk run`, loopback, concurrency 8,
delay 0); the share of its answer key's listed documents reached, wall time and requests.

    .venv/bin/python bench/coverage.py [--scale 1] [--sites sample,other,third,api]

Sites: the bundled sample county (zwgk/samplesite, at --scale), the second fixture county
(tests/fixtures/othersite.py, no profile), the third (tests/fixtures/thirdsite.py: JCMS
dataproxy, gkmlpt, iframe) and the fourth (tests/fixtures/apisite.py: Fujian 动静结合 search API,
国泰新点 EWB, 大汉 jpaas, truecms, TRS IGS, an API-only column) and the fifth
(tests/fixtures/menusite.py: sidebars of siblings, shortcuts to deep columns, an overview page, a
tree menu), also served with its overview and directory pages held back 0.8 s (menu-slow). The
last column counts the columns the account calls could-not-read. Prints a Markdown table for docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def run(url: str, as_of: str, out: Path) -> tuple[float, dict, str]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", url, "--as-of", as_of, "--out", str(out),
                        "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                       capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - t
    if p.returncode:
        return took, {}, p.stderr[-500:]
    return took, json.loads((out / "results.json").read_text(encoding="utf-8")), ""


@contextmanager
def sample(scale: int, tmp: Path):
    from zwgk.samplesite.generator import generate
    from zwgk.samplesite.server import serve

    key = generate(tmp / "sample", scale=scale)
    with serve(tmp / "sample") as srv:
        yield f"sample county (scale {scale})", srv.url, key["as_of"], [d["path"] for d in key["documents"]], srv.requests


@contextmanager
def other(tmp: Path):
    from tests.fixtures import othersite

    key = othersite.build(tmp / "other")
    with othersite.serve(tmp / "other") as srv:
        yield "second county (othersite)", srv.url, key["as_of"], [d["path"] for d in key["documents"]], srv.requests


@contextmanager
def third(tmp: Path):
    from tests.fixtures import thirdsite

    key = thirdsite.answer_key()
    with thirdsite.serve() as srv:
        yield "third county (thirdsite)", srv.url, key["as_of"], [d["path"] for d in key["documents"]], srv.requests


@contextmanager
def api(tmp: Path):
    from tests.fixtures import apisite

    key = apisite.answer_key()
    with apisite.serve() as srv:
        yield "fourth county (apisite)", srv.url, key["as_of"], [d["path"] for d in key["documents"]], srv.requests


@contextmanager
def menu(tmp: Path, slow: float = 0.0):
    from tests.fixtures import menusite

    key = menusite.answer_key()
    with menusite.serve(slow=slow) as srv:
        label = "fifth county (menusite)" + (f", directories held back {slow} s" if slow else "")
        yield label, srv.url, key["as_of"], [d["path"] for d in key["documents"]], srv.requests


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--sites", default="sample,other,third,api,menu,menu-slow")
    a = ap.parse_args()
    print("| site | listed documents | reached | share | coverage account (entries / fetched) | wall s | requests "
          "| columns could-not-read |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    makers = {"sample": lambda tmp: sample(a.scale, tmp), "other": other, "third": third, "api": api, "menu": menu,
              "menu-slow": lambda tmp: menu(tmp, slow=0.8)}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for which in a.sites.split(","):
            with makers[which](tmp) as (name, url, as_of, listed, requests):
                took, results, err = run(url, as_of, tmp / f"out-{which}")
                asked = len(requests)
            if err:
                print(f"| {name} | {len(listed)} | — | — | failed: {err!r} | {took:.1f} | {asked} | — |")
                continue
            docs = {_path(x["url"]) for x in results["documents"]}
            reached = sum(1 for p in listed if p in docs)
            cov = results.get("coverage") or {}
            print(f"| {name} | {len(listed)} | {reached} | {reached / len(listed):.4f} | "
                  f"{cov.get('entries')} / {cov.get('documents')} | {took:.1f} | {asked} | {cov.get('columns_unread')} |")


if __name__ == "__main__":
    main()
