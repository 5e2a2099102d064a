"""Link-checking benchmark: zwgk, LinkChecker and linkinator on one large generated site.

    .venv/bin/python bench/links.py --scale 60 --concurrency 8 [--tools zwgk,linkchecker,linkinator]

Generates the sample site (zwgk.samplesite, scale 60 ≈ 40 000 HTML pages), serves it once on
127.0.0.1, and runs each tool one after another against that same server at equal concurrency.
Per tool: wall time, HTML pages fetched (from the server's request log) and pages/s, peak RSS of
the tool's process (wait4), requests per distinct URL, and recall / precision of the broken links
it reports against the answer key (`links.broken`; 403/412/429 are `links.inconclusive` and count
as false alarms when a tool calls them broken).

Safety: when `unshare` is available the whole benchmark re-runs itself in a fresh network
namespace that has only a loopback interface, so no tool can reach another machine; the tools
are also told to skip every URL that is not on 127.0.0.1 / localhost.

Tools: LinkChecker (PyPI `linkchecker`) and linkinator 7.x (npm) are installed on first use into
~/.cache/zwgk-bench (a venv and an npm prefix), or given with --linkchecker / --linkinator.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = Path.home() / ".cache" / "zwgk-bench"
SKIP_OFF_LOOPBACK = r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"
BINARY = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".ico",
          ".mp4", ".css", ".js", ".txt", ".xml", ".json"}


def ensure_tools(args) -> None:
    if not args.linkchecker:
        exe = CACHE / "lc" / "bin" / "linkchecker"
        if not exe.exists():
            subprocess.run([sys.executable, "-m", "venv", str(CACHE / "lc")], check=True)
            subprocess.run([str(CACHE / "lc" / "bin" / "pip"), "install", "-q", "linkchecker"], check=True)
        args.linkchecker = str(exe)
    if not args.linkinator:
        exe = CACHE / "node" / "node_modules" / ".bin" / "linkinator"
        if not exe.exists():
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE / "node"),
                            "linkinator@7"], check=True)
        args.linkinator = str(exe)


def run_measured(cmd: list[str], out_file: Path | None = None, env=None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB of the process and its waited-for children, exit code)."""
    t0 = time.perf_counter()
    with open(out_file or os.devnull, "wb") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE if out_file is None else subprocess.STDOUT,
                             env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, ru.ru_maxrss / 1024, p.returncode


def norm(url: str) -> str:
    url = unquote(url.split("#", 1)[0])
    return url


def key_broken(key: dict, site: str, ext: str) -> tuple[set[str], set[str]]:
    def absolute(u: str) -> str:
        if u.startswith("__EXTERNAL__"):
            return ext.rstrip("/") + u[len("__EXTERNAL__"):]
        return site.rstrip("/") + u if u.startswith("/") else u
    broken = {norm(absolute(x["url"])) for x in key["links"]["broken"]}
    unsure = {norm(absolute(x["url"])) for x in key["links"]["inconclusive"]}
    return broken, unsure


def html_paths(reqs) -> set[str]:
    out = set()
    for method, path in reqs:
        p = urlsplit(path).path
        if method == "GET" and Path(p).suffix.lower() not in BINARY and not p.endswith("robots.txt"):
            out.add(path)
    return out


# ---- the tools -----------------------------------------------------------------------------------

def run_zwgk(args, url, work: Path) -> dict:
    db = f"sqlite:///{work / 'zwgk.db'}"
    cmd = [sys.executable, "-m", "zwgk.cli", "crawl", url, "--db", db, "--network", "loopback",
           "--concurrency", str(args.concurrency), "--delay", "0"]
    wall, rss, rc = run_measured(cmd, work / "zwgk.log")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zwgk.cli", "audit", "--db", db, "--crawl", "1", "--as-of", "2023-11-30",
                    "--out", str(work / "out")], capture_output=True, check=False)
    audit = time.perf_counter() - t0
    res = json.loads((work / "out" / "results.json").read_text(encoding="utf-8"))
    broken = {norm(f["url"]) for f in res["findings"] if f["check"] == "broken-link"}
    return {"wall": wall, "rss": rss, "rc": rc, "broken": broken, "note": f"audit {audit:.0f} s after the crawl"}


def run_linkchecker(args, url, work: Path) -> dict:
    out = work / "linkchecker.csv"
    # LinkChecker run as root switches to user `nobody`, which fails in the loopback-only user
    # namespace (and would not change what is measured): start it without that step
    py = str(Path(args.linkchecker).with_name("python"))
    launch = ("import sys, linkcheck.command.linkchecker as m; m.drop_privileges = lambda: None; "
              "sys.argv[0] = 'linkchecker'; sys.exit(m.linkchecker())")
    # LinkChecker caps requests per host at 10/s by default (and at 0.1 s between requests unless the
    # server sends a `LinkChecker` header, which the bench server does); raised as far as it goes
    cfg = work / "linkcheckerrc"
    cfg.write_text("[checking]\nmaxrequestspersecond=1000\n", encoding="utf-8")
    cmd = [py, "-c", launch, "-f", str(cfg), "--no-status", "--threads", str(args.concurrency), "--check-extern",
           "--ignore-url", SKIP_OFF_LOOPBACK, "-o", "csv", "--timeout", "30", url]
    wall, rss, rc = run_measured(cmd, out)
    lines = [ln for ln in out.read_text(encoding="utf-8", errors="replace").splitlines() if not ln.startswith("#")]
    broken = set()
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"):
        if row.get("valid") == "False" and row.get("url"):
            broken.add(norm(row["url"]))
    return {"wall": wall, "rss": rss, "rc": rc, "broken": broken, "note": ""}


def run_linkinator(args, url, work: Path) -> dict:
    out = work / "linkinator.json"
    cmd = [args.linkinator, url, "--recurse", "--concurrency", str(args.concurrency), "--format", "json",
           "--skip", SKIP_OFF_LOOPBACK, "--timeout", "30000"]
    wall, rss, rc = run_measured(cmd, out)
    text = out.read_text(encoding="utf-8", errors="replace")
    if "{" not in text:  # it died before writing its report (seen at scale 62: an unhandled TimeoutError)
        last = next((ln.strip() for ln in text.splitlines() if "Error" in ln), text.strip()[-200:])
        return {"wall": wall, "rss": rss, "rc": rc, "broken": set(), "note": f"crashed, no report: {last}"}
    data = json.loads(text[text.index("{"):])
    broken = {norm(x["url"]) for x in data.get("links", []) if x.get("state") == "BROKEN"}
    return {"wall": wall, "rss": rss, "rc": rc, "broken": broken, "note": ""}


RUNNERS = {"zwgk": run_zwgk, "linkchecker": run_linkchecker, "linkinator": run_linkinator}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=60)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--tools", default="zwgk,linkchecker,linkinator")
    ap.add_argument("--work", default="/tmp/zwgk-bench-links")
    ap.add_argument("--reuse-site", action="store_true", help="keep an already generated site of that scale")
    ap.add_argument("--linkchecker")
    ap.add_argument("--linkinator")
    ap.add_argument("--no-netns", action="store_true", help="do not re-run inside a loopback-only namespace")
    args = ap.parse_args()

    if not args.no_netns and not os.environ.get("ZWGK_BENCH_NETNS") and shutil.which("unshare"):
        ensure_tools(args)  # needs the registry: before entering the namespace
        env = dict(os.environ, ZWGK_BENCH_NETNS="1")
        inner = " ".join(["ip link set lo up &&", sys.executable, *map(_q, sys.argv)])
        sys.exit(subprocess.run(["unshare", "-rn", "sh", "-c", inner], env=env).returncode)
    ensure_tools(args)

    from zwgk.samplesite.generator import generate
    from zwgk.samplesite.server import serve

    work = Path(args.work)
    site = work / f"site-{args.scale}"
    if args.reuse_site and (site / "answer_key.json").exists():
        key = json.loads((site / "answer_key.json").read_text(encoding="utf-8"))
    else:
        key = generate(site, scale=args.scale)
    print(f"site: scale {args.scale}, {key['counts']['html_pages']} HTML pages, {key['counts']['files']} files",
          flush=True)
    rows = []
    # LinkChecker waits 0.1–0.6 s between requests to a host unless the server answers with a
    # `LinkChecker` header (its documented opt-in for site owners); the bench server opts in so
    # that `maxrequestspersecond` below really lifts its rate. The other tools ignore the header.
    with serve(site, headers={"LinkChecker": "zwgk-bench"}) as srv:
        kb, ku = key_broken(key, srv.url, srv.external_url)
        for name in args.tools.split(","):
            tw = work / name
            shutil.rmtree(tw, ignore_errors=True)
            tw.mkdir(parents=True)
            n0, e0 = len(srv.requests), len(srv.external_requests)
            r = RUNNERS[name](args, srv.url, tw)
            reqs = srv.requests[n0:]
            ext = srv.external_requests[e0:]
            pages = len(html_paths(reqs))
            distinct = len({p for _, p in reqs}) + len({p for _, p in ext})
            found = r["broken"]
            tp = len(found & kb)
            row = {"tool": name, "wall_s": round(r["wall"], 1), "pages": pages,
                   "pages_per_s": round(pages / r["wall"], 1), "peak_rss_mib": round(r["rss"]),
                   "requests": len(reqs) + len(ext), "requests_per_url": round((len(reqs) + len(ext)) / max(1, distinct), 3),
                   "broken_reported": len(found), "recall": round(tp / len(kb), 3),
                   "precision": round(tp / len(found), 3) if found else None,
                   "inconclusive_called_broken": len(found & ku), "exit": r["rc"], "note": r["note"]}
            rows.append(row)
            (tw / "broken.txt").write_text("\n".join(sorted(found)), encoding="utf-8")
            print(json.dumps(row, ensure_ascii=False), flush=True)
    (work / "results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print("\n| tool | wall s | HTML pages | pages/s | peak RSS MiB | requests/URL | broken reported | recall | precision |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tool']} | {r['wall_s']} | {r['pages']} | {r['pages_per_s']} | {r['peak_rss_mib']} | "
              f"{r['requests_per_url']} | {r['broken_reported']} | {r['recall']} | {r['precision']} |")


def _q(s: str) -> str:
    import shlex
    return shlex.quote(s)


if __name__ == "__main__":
    main()
