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
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
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
    pages), document pages, link checks (attachments and images / in-site pages / other hosts);
    a file's GET is a broken file's check or, more often, the attachment text scan after the crawl
    (crawler/attachment_scan.py: each attachment read once, at most 200 a run)."""
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
        elif base in targets and targets[base] in ("附件", "图片") and method == "GET":
            # attachment_scan.py reads up to 200 attachments a run (each once, ever); a broken file's check
            kind = "file GET: attachment text scan, or a broken file's check"
        elif base in targets:
            kind = f"link check, in-site {'file' if targets[base] in ('附件', '图片') else 'page'}"
        else:
            kind = "other (site)"
        out[f"{kind} {method}" if method != "GET" else kind] += 1
    for method, path in external_log:
        out["robots.txt (other host)" if path == "/robots.txt" else "link check, other host"] += 1
    return out


INDEX_FILES = ("index.html", "index.htm", "index.shtml")


def site_file(site: Path, url: str) -> Path | None:
    """The file the sample server answers `url` (no query) with."""
    parts = urlsplit(url)
    if parts.query:
        return None
    f = site / parts.path.lstrip("/")
    if f.is_dir():
        f = next((f / n for n in INDEX_FILES if (f / n).is_file()), f)
    return f if f.is_file() else None


def site_html(site: Path, url: str) -> tuple[Path, str] | None:
    """The file the sample server answers `url` with and its text, if it is UTF-8 HTML."""
    f = site_file(site, url)
    try:
        return (f, f.read_text(encoding="utf-8")) if f is not None else None
    except UnicodeDecodeError:
        return None


def entry_line(html: str, href_tail: str) -> re.Match | None:
    """The `<li>…</li>` of a list page whose link ends with `href_tail` (the document's file name)."""
    return next((m for m in re.finditer(r"<li>(?:(?!</li>).)*</li>", html, re.S)
                 if re.search(r'href="[^"]*/' + re.escape(href_tail) + '"', m.group(0))), None)


def change_site(site: Path, db: Path, crawl_id: int, site_url: str) -> dict:
    """Change the site as its editors would between two nights, each change in another column of
    the stored crawl whose list has further pages (picked in URL order, first pages only, UTF-8
    list pages that show the entry once):
    - `added`: two new documents at the top of a list (page written, entry added);
    - `retitled`: an entry of another list retitled and re-dated (the page itself unchanged);
    - `removed`: a document deleted (page gone, its entry dropped) that a document page of another
      column still links to: a newly broken link;
    - `fixed`: an attachment or image that answered 404 now exists: a fixed link;
    - `later_retitled`: an entry on a *further* page of a list whose first page does not change —
      rolling revalidation sees it when that page's or that document's slot comes (within N nights).
    Returns what changed, for `check_night`."""
    paged = {u: n >= 2 for u, n in q(db, "select url, list_pages from site_column where crawl_id=? order by url",
                                     crawl_id)}
    cols = list(paged)
    listed_once = {u for u, n in q(db, "select url, count(*) from column_entry where crawl_id=? group by url",
                                   crawl_id) if n == 1}
    firsts = {}  # column -> (file, html, [(url, title, date)] shown on its first page, once, as .html)
    for col in cols:
        found = site_html(site, col)
        if found is None:
            continue
        f, html = found
        rows = q(db, "select url, title, date from column_entry where crawl_id=? and column_url=? and list_page=? "
                     "and url like '%.html' order by url", crawl_id, col, col)
        once = [(u, t, d) for u, t, d in rows if u in listed_once and html.count(t) == 2
                and entry_line(html, u.rsplit("/", 1)[1])]
        if once:
            firsts[col] = (f, html, once)
    # a listed document that a document page of another column links to
    on_first = {u: col for col, (_, _, once) in firsts.items() for u, _, _ in once}
    doc_cols = dict(q(db, "select url, column_url from document where crawl_id=?", crawl_id))
    linked = sorted((t, s) for s, t in q(db, "select source_url, target_url from link where crawl_id=?", crawl_id)
                    if t in on_first and s in doc_cols and doc_cols[s] != on_first[t])
    removed = next(((t, src, on_first[t]) for t, src in linked), None)
    if removed is None:
        sys.exit("no listed document linked from another column's page: cannot plant a removal")
    others = sorted((c for c in firsts if c != removed[2]), key=lambda c: not paged[c])  # lists with further pages first
    add_col, retitle_col = others[0], others[1]
    changes: dict = {"removed": {"url": removed[0], "source": removed[1]}}

    # removed: page deleted, entry dropped
    f, html, _ = firsts[removed[2]]
    m = entry_line(html, removed[0].rsplit("/", 1)[1])
    f.write_text(html[:m.start()] + html[m.end():], encoding="utf-8")
    site_file(site, removed[0]).unlink()

    # added: two new documents, copies of the list's first entry with new titles
    f, html, once = firsts[add_col]
    base_url, base_title, _ = once[0]
    base_file = site_file(site, base_url)
    m = entry_line(html, base_url.rsplit("/", 1)[1])
    new_lines, added = [], []
    for k in (1, 2):
        name = f"t20231201_99900{k}.html"
        title = f"示例县关于夜间增量检查第{k}号新增文件的通知"
        page = base_file.read_text(encoding="utf-8").replace(base_title, title)
        (base_file.parent / name).write_text(page, encoding="utf-8")
        new_lines.append(m.group(0).replace(base_url.rsplit("/", 1)[1], name).replace(base_title, title))
        added.append({"url": base_url.rsplit("/", 1)[0] + "/" + name, "title": title})
    top = min(entry_line(html, u.rsplit("/", 1)[1]).start() for u, _, _ in once)  # above the entries shown
    f.write_text(html[:top] + "".join(new_lines) + html[top:], encoding="utf-8")
    changes["added"] = added

    # retitled and re-dated: the list entry only
    f, html, once = firsts[retitle_col]
    url, title, day = once[-1]
    m = entry_line(html, url.rsplit("/", 1)[1])
    new_title = title + "（修订）"
    line = m.group(0).replace(title, new_title).replace(day, "2023-12-01") if day else m.group(0).replace(
        title, new_title)
    f.write_text(html[:m.start()] + line + html[m.end():], encoding="utf-8")
    changes["retitled"] = {"url": url, "title": new_title, "date": "2023-12-01" if day and day in m.group(0) else day}

    # fixed: an in-site attachment or image that answered 404
    broken = q(db, "select url from link_target where crawl_id=? and state='broken' and status=404 and "
                   "kind in ('附件', '图片') and url like ? order by url", crawl_id, site_url + "%")
    fixed = broken[0][0]
    path = site / urlsplit(fixed).path.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n% restored\n" if not fixed.endswith((".png", ".jpg", ".gif")) else
                     bytes.fromhex("89504e470d0a1a0a"))
    changes["fixed"] = {"url": fixed}

    # later_retitled: an entry on a further page of a list left alone otherwise
    for col in (c for c in cols if paged[c]):
        if col in (removed[2], add_col, retitle_col):
            continue
        for u, t, lp in q(db, "select url, title, list_page from column_entry where crawl_id=? and column_url=? and "
                              "list_page != column_url order by url", crawl_id, col):
            found = site_html(site, lp)
            if found is None:
                continue
            lf, lhtml = found
            m = entry_line(lhtml, u.rsplit("/", 1)[1])
            if m and lhtml.count(t) == 2:
                lf.write_text(lhtml[:m.start()] + m.group(0).replace(t, t + "（修订）") + lhtml[m.end():],
                              encoding="utf-8")
                changes["later_retitled"] = {"url": u, "title": t + "（修订）", "list_page": lp}
                break
        if "later_retitled" in changes:
            break
    return changes


def audit(db: Path, crawl_id: int, out: Path) -> dict:
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "audit", "--crawl", str(crawl_id), "--db",
                        f"sqlite:///{db}", "--as-of", "2023-11-30", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    if p.returncode:
        sys.exit(p.stderr[-3000:])
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def check_night(db: Path, crawl_id: int, changes: dict, results: dict) -> list[tuple[str, bool, str]]:
    """(change, seen in the night's stored results, how), from the crawl's rows and results.json."""
    docs = {u for (u,) in q(db, "select url from document where crawl_id=?", crawl_id)}
    entries = {(u, nfkc(t), d) for u, t, d in q(db, "select url, title, date from column_entry where crawl_id=?",
                                                 crawl_id)}
    broken_urls = {f["url"] for f in results["findings"] if f["check"] == "broken-link"}
    out = []
    for a in changes["added"]:
        out.append((f"new document {a['url'].rsplit('/', 1)[1]}", a["url"] in docs and any(
            u == a["url"] and t == nfkc(a["title"]) for u, t, _ in entries), "document row and list entry"))
    r = changes["retitled"]
    seen = (r["url"], nfkc(r["title"]), r["date"]) in entries and r["url"] in docs
    out.append(("entry retitled and re-dated", seen, "list entry (new title and date), document row" if seen else
                f"{r} vs {[e for e in entries if e[0] == r['url']]}"))
    r = changes["removed"]
    out.append(("document removed, still linked: newly broken link", r["url"] in broken_urls and r["url"] not in docs
                and bool(q(db, "select 1 from link where crawl_id=? and source_url=? and target_url=?", crawl_id,
                           r["source"], r["url"])), "broken-link finding, the link still stored on the linking page; "
                                                    "no document row"))
    r = changes["fixed"]
    out.append(("broken file link fixed", r["url"] not in broken_urls
                and q(db, "select state from link_target where crawl_id=? and url=?", crawl_id, r["url"])
                == [("ok",)], "no broken-link finding; target ok"))
    r = changes.get("later_retitled")
    if r:
        out.append(("entry retitled on a further list page (first page unchanged)",
                    any(u == r["url"] and t == nfkc(r["title"]) for u, t, _ in entries), "list entry (known miss: "
                    "seen when that list page's or the document's slot comes)"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, default=5)
    ap.add_argument("--revalidate-days", type=int, default=7)
    ap.add_argument("--incremental", action="store_true", help="every page asked conditionally every night instead")
    ap.add_argument("--delay", type=float, default=0.02)
    ap.add_argument("--breakdown", action="store_true")
    args = ap.parse_args()
    mode = ["--incremental"] if args.incremental else ["--revalidate-days", str(args.revalidate_days)]
    with tempfile.TemporaryDirectory() as tmp:
        site, db = Path(tmp) / "site", Path(tmp) / "z.db"
        generate(site, scale=args.scale)
        rows, checks, cid = [], [], 0
        with serve(site) as server:
            nights = ("first crawl", "unchanged", "site changed", "unchanged again")
            for n, label in enumerate(nights):
                if n == 2:
                    changes = change_site(site, db, cid, server.url)
                m1, m2 = len(server.requests), len(server.external_requests)
                secs, cid = crawl(server.url, db, args.delay, *mode)
                log1, log2 = server.requests[m1:], server.external_requests[m2:]
                rows.append((label, secs, len(log1) + len(log2)))
                if args.breakdown:
                    print(f"\n{label}: {len(log1)} site + {len(log2)} other host", flush=True)
                    for k, c in sorted(breakdown(db, cid, server.url, log1, log2).items(), key=lambda x: -x[1]):
                        print(f"  {k:40} {c}")
                if n == 2:
                    checks = check_night(db, cid, changes, audit(db, cid, Path(tmp) / "audit"))
        first = rows[0]
        print(f"\nscale {args.scale}, {' '.join(mode)}, --concurrency 1 --delay {args.delay}")
        print("\n| night | requests | % of first | wall s | % of first |\n|---|---|---|---|---|")
        for label, secs, req in rows:
            print(f"| {label} | {req} | {100 * req / first[2]:.1f} | {secs:.1f} | {100 * secs / first[1]:.1f} |")
        print("\n| change (night 2) | in the night's results | where |\n|---|---|---|")
        for what, seen, how in checks:
            print(f"| {what} | {'yes' if seen else '**no**'} | {how} |")


if __name__ == "__main__":
    main()
