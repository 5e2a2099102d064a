"""A real `zwgk run` of a fixture site served on 127.0.0.1 (tests/fixtures: a module with
`serve(max_delay=, seed=)` and `AS_OF`), and what the response-order tests compare: documents and
findings keyed by path, so runs on other ports compare equal."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Run:
    seed: int | None
    results: dict
    site_url: str
    requests: list
    seconds: float = 0.0

    def key_form(self, url: str | None) -> str | None:
        """A site URL as a path (+ query): runs on other ports compare equal."""
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.netloc != urlsplit(self.site_url).netloc:
            return url
        return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")

    def documents(self) -> set[str]:
        return {self.key_form(d["url"]) for d in self.results["documents"]}

    def findings(self) -> set[tuple[str, str | None]]:
        return {(f["check"], self.key_form(f.get("url"))) for f in self.results["findings"]}

    def missing(self, docs: list[dict]) -> list[str]:
        got = self.documents()
        return [d["path"] for d in docs if d["path"] not in got]


def run_site(site, base: Path, *, max_pages: int, max_delay: float = 0.0, seed: int | None = None,
             args: tuple[str, ...] = ()) -> Run:
    """`zwgk run` of fixture module `site` (served with these delays) into `base`/out; `args`: more
    options (--checklist, --db)."""
    out = base / "out"
    with site.serve(max_delay=max_delay, seed=seed) as srv:
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", srv.url, "--as-of", site.AS_OF,
                               "--out", str(out), "--network", "loopback", "--concurrency", "8", "--delay", "0",
                               "--max-pages", str(max_pages), *args], capture_output=True, text=True, timeout=300)
        seconds = time.monotonic() - t0
        requests, url = list(srv.requests), srv.url
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Run(seed, json.loads((out / "results.json").read_text(encoding="utf-8")), url, requests, seconds)


def order_differences(baseline: Run, shuffled: list[Run]) -> list[str]:
    """How runs served in other response orders differ from the baseline: documents and findings."""
    want_docs, want_findings = baseline.documents(), baseline.findings()
    diffs = []
    for run in shuffled:
        docs, findings = run.documents(), run.findings()
        if docs != want_docs:
            diffs.append(f"seed {run.seed}: documents only here {sorted(docs - want_docs)[:5]}, "
                         f"only without delays {sorted(want_docs - docs)[:5]}")
        if findings != want_findings:
            diffs.append(f"seed {run.seed}: findings only here {sorted(findings - want_findings, key=str)[:5]}, "
                         f"only without delays {sorted(want_findings - findings, key=str)[:5]}")
    return diffs


def run_pages(answer, tmp_path: Path, *args: str) -> dict:
    """`zwgk run` (loopback, delay 0, audit date 2023-11-30, a database in `tmp_path`) of a small
    site served by tests/fixtures/loopback.serve_pages(`answer`): results.json as a dict."""
    from tests.fixtures.loopback import serve_pages

    server = serve_pages(answer)
    out = tmp_path / "out"
    try:
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "run", f"http://127.0.0.1:{server.server_address[1]}/",
                            "--as-of", "2023-11-30", "--out", str(out), "--db", f"sqlite:///{tmp_path / 'z.db'}",
                            "--network", "loopback", "--delay", "0", *args],
                           capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def county_page(title: str, body: str) -> bytes:
    """A page of the small county site `county_site` serves (its footer shows a 网站标识码)."""
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}"
            "<div class='footer'>网站标识码：3703230002</div></body></html>").encode("utf-8")


def county_site(columns: dict, docs: dict, *, lists: str, pages: dict | None = None, files: dict | None = None):
    """An answer(path, headers) for loopback.serve_pages: a homepage linking /zfxxgk/, whose menu
    names `columns` ({path: name}); the column `lists` lists every document of `docs` ({path: (title,
    body)}, dated 2023-09-2N by its serial), the others list nothing; `pages` ({path: (title, html)})
    are served as they are, `files` ({path: bytes}) as attachments; anything else is a 404."""
    pages, files = pages or {}, files or {}

    def answer(path, headers):
        if path == "/":
            return 200, county_page("丙县人民政府", '<a href="/zfxxgk/">政府信息公开</a>')
        if path == "/zfxxgk/":
            menu = "".join(f'<li><a href="{u}">{n}</a></li>' for u, n in columns.items())
            return 200, county_page("政府信息公开", f'<ul class="menu">{menu}</ul>')
        if path in pages:
            return 200, county_page(*pages[path])
        if path in columns:
            rows = "".join(f'<li><a href="{u}">{t}</a><span>2023-09-2{u[-6]}</span></li>'
                           for u, (t, _) in docs.items() if path == lists)
            return 200, county_page(columns[path], f'<ul class="list">{rows}</ul>')
        if path in docs:
            t, body = docs[path]
            return 200, county_page(t, f"<h1>{t}</h1>{body}")
        if path in files:
            return 200, files[path], "application/octet-stream"
        return 404, county_page("404", "页面不存在")

    return answer
