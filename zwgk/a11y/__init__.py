"""Accessibility (GB/T 37668, WCAG 2 A/AA) of a stored crawl: axe-core run in headless Chromium
on a sample of its pages, and the homepage's 无障碍 / 长者模式 (适老化) entry points.

`collect(session, crawl_id)` loads the sample (`sample_pages`) in one headless Chromium tab,
injects the axe-core that scripts/setup vendored from the npm registry (never a CDN), runs the
WCAG 2 A/AA rules and stores the result as the crawl's fact `accessibility` (crawl.facts, so the
audit's SiteSnapshot.facts carries it). The fact:

    {"tool": "axe-core 4.10.3", "tags": [...], "collected_at": ISO time,
     "pages": [{"url", "kind", "title", "error": str|None, "blocked": n,
                "violations": [{"id", "impact", "help", "nodes": n,
                                "targets": [{"selector", "html"}, ...up to 3]}]}],
     "entry": {"url": homepage URL, "error": str|None,
               "links": [{"text", "href"}], "scripts": [script URLs of known toolbars]}}

Network: the browser may request URLs of the crawled site's hosts only, judged by the crawl's
network policy (--network loopback: loopback only); every other request, subresources
included, is failed by the browser before it is sent (CDP Fetch interception). Limitation:
host names are resolved by Chromium itself, so a crawled host name's address is not judged
again (the crawl judged it).
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

AXE_VERSION = "4.10.3"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEFAULT_PAGES = 12
TARGETS_KEPT = 3
SNIPPET_CHARS = 200
# link / button words of an accessibility or elderly-friendly entry point, and the script file
# names of the toolbars Chinese government sites embed (cniil 无障碍 / wza / aria.js …)
ENTRY_WORDS = ("无障碍", "长者模式", "关怀版", "适老化", "老年模式", "长辈版", "关怀模式", "适老版", "读屏")
TOOLBAR_SCRIPTS = ("cniil", "wza", "aria.js", "slh.js", "assist", "wcag")


def axe_path() -> Path | None:
    """axe.min.js as scripts/setup vendored it (ZWGK_AXE_JS overrides), or None."""
    env = os.environ.get("ZWGK_AXE_JS")
    if env:
        return Path(env) if Path(env).is_file() else None
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        p = base / ".cache" / "axe-core" / AXE_VERSION / "axe.min.js"
        if p.is_file():
            return p
    return None


def sample_pages(session, crawl_id: int, limit: int = DEFAULT_PAGES) -> list:
    """At most `limit` fetched pages of the crawl, in a fixed order: the homepage, up to 2
    disclosure roots, column list pages (up to a third of the sample), then documents, and
    columns again when documents are few. Within a kind, pages in the order they were stored."""
    from sqlalchemy import select

    from zwgk.store import models as m

    rows = session.scalars(select(m.Page).where(m.Page.crawl_id == crawl_id, m.Page.status < 400)
                           .order_by(m.Page.id)).all()
    by_kind: dict[str, list] = {}
    for r in rows:
        by_kind.setdefault(r.kind, []).append(r)
    quota = {"home": 1, "root": 2, "column": max(1, limit // 3)}
    picked = []
    for kind in ("home", "root", "column"):
        picked += by_kind.get(kind, [])[:quota[kind]]
    picked += by_kind.get("document", [])[:max(0, limit - len(picked))]
    picked += [r for r in by_kind.get("column", []) if r not in picked][:max(0, limit - len(picked))]
    return picked[:limit]


def allow_function(mode: str, hosts: set[str]):
    """allow(url): a URL of one of the crawled site's hosts that the network policy allows."""
    from zwgk.crawler.netpolicy import NetworkPolicy, origin

    policy = NetworkPolicy(mode, allowed=[f"http://{h}/" for h in hosts])

    def allow(url: str) -> bool:
        if url.startswith(("data:", "blob:", "about:")):
            return True
        o = origin(url)
        return o is not None and o[0] in hosts and policy.refusal(url) is None

    return allow


RUN_AXE = """
axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, %d).map(n => ({selector: n.target.join(' '), html: n.html.slice(0, %d)}))})))
"""

ENTRY_JS = """
(() => {
  const words = %s, scripts = %s;
  const links = [];
  for (const el of document.querySelectorAll('a, button, [role=button], [onclick], img, input[type=button]')) {
    const text = [el.innerText, el.getAttribute('title'), el.getAttribute('aria-label'), el.getAttribute('alt'),
                  el.getAttribute('value')].filter(Boolean).join(' ').replace(/\\s+/g, ' ').trim();
    if (words.some(w => text.includes(w)) && links.length < 10)
      links.push({text: text.slice(0, 60), href: el.href || el.getAttribute('onclick') || ''});
  }
  const srcs = [...document.scripts].map(s => s.src).filter(s => s && scripts.some(n => s.toLowerCase().includes(n)));
  return {links, scripts: srcs.slice(0, 10)};
})()
"""


def audit_page(browser, url: str, axe_js: str) -> dict:
    """axe's WCAG 2 A/AA violations of one page: {"error"} or {"violations": [...]}."""
    before = len(browser.blocked)
    try:
        browser.load(url)
        href = browser.eval("location.href")
        if not browser.allow(href) or href.startswith("chrome-error:"):
            raise RuntimeError(f"页面转到了抓取范围以外的地址：{href}")
        browser.eval(axe_js)
        violations = browser.eval(RUN_AXE % (json.dumps(TAGS), TARGETS_KEPT, SNIPPET_CHARS))
    except Exception as exc:  # noqa: BLE001 - one page's failure is recorded, the rest go on
        return {"error": f"{type(exc).__name__}: {exc}"[:300], "violations": [], "blocked": len(browser.blocked) - before}
    return {"error": None, "violations": violations or [], "blocked": len(browser.blocked) - before}


def entry_points(browser, url: str) -> dict:
    """The homepage's 无障碍 / 长者模式 links and buttons and known toolbar scripts (already loaded)."""
    try:
        found = browser.eval(ENTRY_JS % (json.dumps(ENTRY_WORDS, ensure_ascii=False), json.dumps(TOOLBAR_SCRIPTS)))
        return {"url": url, "error": None, **found}
    except Exception as exc:  # noqa: BLE001
        return {"url": url, "error": f"{type(exc).__name__}: {exc}"[:300], "links": [], "scripts": []}


def collect(session, crawl_id: int, *, limit: int = DEFAULT_PAGES, network: str | None = None,
            progress=None) -> dict:
    """Run axe on the crawl's sample and store the fact `accessibility` on the crawl row."""
    from zwgk.store import models as m

    from .browser import Browser

    crawl = session.get(m.Crawl, crawl_id)
    if crawl is None:
        raise LookupError(f"没有编号为 {crawl_id} 的抓取")
    axe = axe_path()
    if axe is None:
        raise FileNotFoundError("未找到 axe-core（请运行 scripts/setup）")
    mode = network or (crawl.settings or {}).get("ZWGK_NETWORK") or "any"
    pages = sample_pages(session, crawl_id, limit)
    hosts = {h for h in (urlsplit(u).hostname for u in [crawl.start_url, crawl.homepage_url, *(p.url for p in pages)]
                         if u) if h}
    axe_js = axe.read_text(encoding="utf-8")
    fact: dict = {"tool": f"axe-core {AXE_VERSION}", "tags": TAGS,
                  "collected_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "network": mode, "pages": [], "entry": None}
    with Browser(allow_function(mode, hosts)) as browser:
        for p in pages:
            res = audit_page(browser, p.url, axe_js)
            fact["pages"].append({"url": p.url, "kind": p.kind, "title": p.title, **res})
            if p.kind == "home" and not res["error"]:
                fact["entry"] = entry_points(browser, p.url)
            if progress:
                progress(p, res)
    facts = dict(crawl.facts or {})
    facts["accessibility"] = fact
    crawl.facts = facts
    session.commit()
    return fact

__all__ = ["axe_path", "collect", "sample_pages"]
