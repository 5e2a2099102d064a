"""Extraction benchmark: per-field exact-match accuracy of zwgk over the labeled corpus, with
GNE (GeneralNewsExtractor) and trafilatura on the same pages for title and publish date.

    .venv/bin/python bench/extraction.py [--out docs/benchmarks/extraction.md]

The corpus is tests/data/pages/<family>/<case>.html + .json (expected values written by a
reader). A field counts on a page when the expected JSON has it (null = "the page shows
none", so an invented value is a miss). URLs compare in the project's canonical form.
GNE and trafilatura get the page text as zwgk decodes it, so encoding detection is not
part of their score; their dates are read with zwgk's date parser (format is not judged).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zwgk.crawler.extractors.encoding import decode_html  # noqa: E402
from zwgk.crawler.extractors.fields import extract_document  # noqa: E402
from zwgk.crawler.extractors.links import canonical_url  # noqa: E402
from zwgk.formats.dates import parse_date  # noqa: E402
from zwgk.formats.text import squash  # noqa: E402

PAGES = ROOT / "tests" / "data" / "pages"
FIELDS = ("title", "doc_number", "written_date", "publish_date", "validity", "index_no",
          "publisher", "topic", "attachments", "interpretation_urls", "policy_urls",
          "is_interpretation", "body")
COMMAND = ".venv/bin/python bench/extraction.py --out docs/benchmarks/extraction.md"


def comparable(name: str, value):
    if name == "attachments":
        return [{**a, "url": canonical_url(a["url"])} for a in value or []]
    if name in ("interpretation_urls", "policy_urls"):
        return [canonical_url(u) for u in value or []]
    if name == "title":
        return squash(value) or None
    return value


def load_corpus():
    for exp_path in sorted(PAGES.glob("*/*.json")):
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        yield exp_path, expected, exp_path.with_suffix(".html").read_bytes()


def zwgk_scores(expected: dict, body: bytes) -> dict[str, bool]:
    doc = extract_document(body, expected["url"], charset=expected.get("header_charset"))
    got = doc.as_json()
    out = {}
    for name in FIELDS:
        if name == "body":
            if "body_contains" in expected or "body_excludes" in expected:
                out[name] = (all(s in doc.body_text for s in expected.get("body_contains", []))
                             and not any(s in doc.body_text for s in expected.get("body_excludes", [])))
        elif name in expected:
            out[name] = comparable(name, got[name]) == comparable(name, expected[name])
    return out


def _iso(text) -> str | None:
    d = parse_date(str(text)) if text else None
    return d.isoformat() if d else None


def gne_fields(text: str, url: str) -> dict:
    from gne import GeneralNewsExtractor

    r = GeneralNewsExtractor().extract(text)
    return {"title": r.get("title"), "publish_date": _iso(r.get("publish_time"))}


def trafilatura_fields(text: str, url: str) -> dict:
    import trafilatura

    m = trafilatura.extract_metadata(text, default_url=url)
    if m is None:
        return {"title": None, "publish_date": None}
    return {"title": m.title, "publish_date": _iso(m.date)}


OTHERS = {"gne": gne_fields, "trafilatura": trafilatura_fields}


def other_scores(fn, expected: dict, body: bytes) -> dict[str, bool]:
    text, _ = decode_html(body, expected.get("header_charset"))
    try:
        got = fn(text, expected["url"])
    except Exception:  # noqa: BLE001 - a tool that raises scores a miss, as zwgk would
        got = {"title": None, "publish_date": None}
    return {name: comparable(name, got[name]) == comparable(name, expected[name])
            for name in ("title", "publish_date") if name in expected}


def pct(hits: int, n: int) -> str:
    return f"{100 * hits / n:.1f} % ({hits}/{n})" if n else "–"


def run() -> tuple[str, bool]:
    totals = {tool: defaultdict(lambda: [0, 0]) for tool in ("zwgk", *OTHERS)}
    indep = defaultdict(lambda: [0, 0])
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # pages, fields, hits
    misses: list[str] = []
    pages, seconds = 0, 0.0
    for exp_path, expected, body in load_corpus():
        pages += 1
        t0 = time.perf_counter()
        scores = zwgk_scores(expected, body)
        seconds += time.perf_counter() - t0
        fam = families[exp_path.parent.name]
        fam[0] += 1
        for name, ok in scores.items():
            totals["zwgk"][name][0] += ok
            totals["zwgk"][name][1] += 1
            fam[1] += 1
            fam[2] += ok
            if expected.get("written_by") == "independent":
                indep[name][0] += ok
                indep[name][1] += 1
            if not ok:
                misses.append(f"{exp_path.parent.name}/{exp_path.stem}: {name}")
        for tool, fn in OTHERS.items():
            for name, ok in other_scores(fn, expected, body).items():
                totals[tool][name][0] += ok
                totals[tool][name][1] += 1

    lines = [
        f"Corpus: {pages} pages in tests/data/pages ({sum(1 for _ in PAGES.glob('*/*.json') if _is_indep(_))} written "
        "independently of the extractor's rules). Exact match per field; `–` = not measured.",
        "",
        "| field | zwgk | zwgk, independent pages only | GNE | trafilatura |",
        "|---|---|---|---|---|",
    ]
    ok_all = True
    for name in FIELDS:
        h, n = totals["zwgk"][name]
        ok_all &= (n == 0 or h / n >= 0.99)
        ih, in_ = indep[name]
        cells = [pct(h, n), pct(ih, in_)]
        for tool in OTHERS:
            th, tn = totals[tool][name] if name in ("title", "publish_date") else (0, 0)
            cells.append(pct(th, tn))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "| family | pages | fields checked | zwgk exact |", "|---|---|---|---|"]
    for fam, (p, n, h) in sorted(families.items()):
        lines.append(f"| {fam} | {p} | {n} | {pct(h, n)} |")
    lines += ["", f"zwgk: {1000 * seconds / max(pages, 1):.1f} ms per page (decode + parse + all fields)."]
    if misses:
        lines += ["", "Misses:", *[f"- {m}" for m in misses]]
    return "\n".join(lines), ok_all


def _is_indep(p: Path) -> bool:
    return json.loads(p.read_text(encoding="utf-8")).get("written_by") == "independent"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="also write the table to this Markdown file")
    args = ap.parse_args(argv)
    table, ok = run()
    print(table)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        versions = _versions()
        out.write_text(
            "# Extraction benchmark\n\n"
            f"Made on {dt.date.today().isoformat()} with:\n\n```bash\n{COMMAND}\n```\n\n"
            f"Tools: {versions}.\n\n{table}\n", encoding="utf-8")
    return 0 if ok else 1


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for pkg in ("gne", "trafilatura", "lxml"):
        try:
            out.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            out.append(f"{pkg} (not installed)")
    return ", ".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
