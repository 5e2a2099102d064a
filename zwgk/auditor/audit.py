"""One audit: a stored crawl + a checklist + an as-of date → results.json (docs/results-json.md)."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zwgk import __version__
from zwgk.store import models as m
from zwgk.store.db import in_chunks
from zwgk.store.models import key_of
from zwgk.store.history import LOCAL_TZ

from . import registry
from .checklist import load_checklist
from .checks.accessibility import summary as accessibility_summary
from .checks.interaction import summary as interaction_summary
from .coverage import NOT_REACHED, coverage
from .model import Document, SiteSnapshot
from .scoring import Evaluator, grade, is_deduction, passed, points, total
from .snapshot import load_snapshot
from .verdicts import load_verdicts

SCHEMA = "zwgk-results/1"
DETAIL_KEYS = ("status", "error", "link_text", "link_kind", "source_title", "field", "period", "working_days")


def _iso(v):
    """ISO text of a date, or of a time in China time with its offset (a stored naive time is UTC:
    SQLite drops the offset), so that the report, the exports and zwgk diff show one clock."""
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=timezone.utc)).astimezone(LOCAL_TZ).isoformat()
    return v.isoformat() if hasattr(v, "isoformat") else v


def document_dict(d: Document) -> dict:
    return {
        "url": d.url, "title": d.title, "doc_number": d.doc_number,
        "written_date": _iso(d.written_date), "publish_date": _iso(d.publish_date),
        "validity": d.validity, "index_no": d.index_no, "publisher": d.publisher, "topic": d.topic,
        "column": d.column, "column_kind": d.column_kind, "office": d.office,
        "is_interpretation": d.is_interpretation,
        "interpretation_urls": list(d.interpretation_urls), "policy_urls": list(d.policy_urls),
        "attachments": [{"url": a.url, "name": a.name, "ext": a.ext} for a in d.attachments],
    }


def _columns(snap: SiteSnapshot) -> list[dict]:
    out = []
    for c in snap.columns:
        dates = [e.date for e in c.entries if e.date]
        out.append({"url": c.url, "name": c.name, "kind": c.kind, "office": c.office, "parent_url": c.parent_url,
                    "entries": len(c.entries), "list_pages": c.list_pages, "has_children": c.has_children,
                    "read_error": c.read_error, "content_chars": c.content_chars,
                    "last_update": _iso(max(dates)) if dates else None})
    return out


BASELINE = "baseline"


def evaluate(snap: SiteSnapshot, checklist, baseline=None, verdicts=(), partial=()) -> dict:
    """The scores tree, findings and per-office scores of one checklist on one snapshot.

    `baseline` (checklists/baseline.yaml) runs too: its findings are reported, it is not scored.
    `verdicts` (auditor/verdicts.py) settle manual indicators and open results of checks.
    `partial`: why the crawl is partial (`partial_reasons`); absence failures then need review.
    """
    ev = Evaluator(snap, checklist.portal_office, tuple(checklist.offices), verdicts, partial)
    leaves: list[tuple] = []  # (indicator, LeafResult, Points): each leaf scored once, by scoring.points
    scoring = checklist.scoring or {}
    deduction = is_deduction(scoring)
    pass_mark = scoring.get("pass_mark")

    others = list(baseline.iter_indicators()) if baseline is not None and baseline.id != checklist.id else []
    ev.prepare([*checklist.iter_indicators(), *others])

    def walk(node, level):
        if getattr(node, "children", None):
            kids = [walk(ch, level + 1) for ch in node.children]
            score = sum(k["score"] for k in kids)
            max_score = sum(k["max_score"] for k in kids)
            return {"id": node.id, "name": node.name, "level": level, "leaf": False,
                    "weight": max_score, "score": round(score, 4), "max_score": round(max_score, 4),
                    "judged": round(sum(k["judged"] for k in kids), 4), "children": kids}
        res = ev.leaf(node)
        pts = points(node, res.results, deduction)
        leaves.append((node, res, pts))
        spec = registry.REGISTRY.get(node.check) if node.check else None
        return {"id": node.id, "name": node.text, "text": node.text, "level": level, "leaf": True,
                "applies_to_text": node.applies_to_text, "basis": node.basis, "check": node.check,
                "params": node.params or {}, "manual": bool(node.manual), "veto": bool(getattr(node, "veto", False)),
                "hint": getattr(node, "hint", None), "weight": float(node.weight),
                "score": round(pts.score, 4), "max_score": round(pts.max_score, 4), "judged": round(pts.judged, 4),
                "outcome": res.outcome, "note": res.note, "results": res.results,
                "deduct": getattr(node, "deduct", None),
                **({"lost": round(pts.lost, 4)} if deduction else {}),
                "evidence": {"columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in spec.columns]
                             if spec else [], "finding_keys": list(dict.fromkeys(res.finding_keys))}}

    tree = [walk(n, 1) for n in checklist.tree]
    scored_ids = {ind.id for ind, _, _ in leaves}
    if baseline is not None and baseline.id != checklist.id:
        for ind in baseline.iter_indicators():
            ev.leaf(ind)

    # findings: one object per distinct problem, with every indicator it affects
    ids: dict[tuple, str] = {}
    findings = []
    for i, (k, f) in enumerate(sorted(ev.findings.items(), key=lambda kv: (kv[1].check, kv[1].url, kv[1].source or "")), 1):
        fid = f"F{i:05d}"
        ids[k] = fid
        obj = {"id": fid, "check": f.check, "url": f.url, "source": f.source, "office": f.office}
        obj.update({key: None for key in DETAIL_KEYS})
        obj.update({key: _iso(v) for key, v in f.details.items() if key not in obj or obj[key] is None})
        obj["indicators"] = [i for i in ev.finding_indicators[k] if i in scored_ids]
        findings.append(obj)
    _document_titles(snap, findings)

    def fix_evidence(n):
        if n["leaf"]:
            n["evidence"]["finding_ids"] = [ids[k] for k in n["evidence"].pop("finding_keys")]
        for ch in n.get("children", []):
            fix_evidence(ch)

    for n in tree:
        fix_evidence(n)

    site = total((pts for _, _, pts in leaves), scoring)
    score, max_score = site.score, site.max_score
    achieved, judged = site.achieved, site.judged
    shares = weight_shares(leaves)
    veto = [ind.id for ind, r, _ in leaves if getattr(ind, "veto", False) and r.outcome == "fail"]

    offices = _office_scores(snap, checklist, leaves, findings)
    _site_names(snap, checklist, offices, findings, tree)
    return {
        "summary": {
            "score": score, "max_score": max_score, "grade": grade(score, pass_mark, bool(veto)),
            "strategy": "deduction" if deduction else "weighted", "pass_mark": pass_mark,
            "passed": passed(score, pass_mark, bool(veto)),
            "achieved_weight": round(achieved, 4), "judged_weight": round(judged, 4),
            "total_weight": round(site.weight, 4),
            "findings_by_check": dict(Counter(f["check"] for f in findings)),
            "outcomes": dict(Counter(r.outcome for _, r, _ in leaves)),
            "weight_shares": shares,
            "verdicts": _verdict_counts(leaves, verdicts),
            "veto": veto,
        },
        "offices": offices,
        "findings": findings,
        "scores": {"score": score, "max_score": max_score, "achieved_weight": round(achieved, 4),
                   "judged_weight": round(judged, 4), "tree": tree},
    }


# finding keys that may hold a document's URL → the key its title goes into, when the check left it empty
TITLED = (("url", "title"), ("source", "source_title"), ("policy_url", "policy_title"))


def _document_titles(snap: SiteSnapshot, findings: list[dict]) -> None:
    """Name the documents findings point at by their titles, so that a report or an export needs
    no list of every document to show them (one pass over the documents, a dict of the few
    URLs the findings name)."""
    wanted = {f[k] for f in findings for k, t in TITLED if f.get(k) and not f.get(t)}
    if not wanted:
        return
    titles = {d.url: d.title for d in snap.documents if d.title and d.url in wanted}
    for f in findings:
        for k, t in TITLED:
            if not f.get(t) and f.get(k) in titles:
                f[t] = titles[f[k]]


def _site_names(snap: SiteSnapshot, checklist, offices: list, findings: list, tree: list) -> None:
    """Show offices under the site's own names. Matching 区财政局 to the checklist's 县财政局
    decides which indicators apply; the report must still say 区财政局. The checklist's name
    stays beside it as `checklist_office`."""
    from .scoring import match_office

    own = {}
    if checklist.portal_office:  # the portal's own column is the 本级 government's, whatever the checklist's county calls it
        own[checklist.portal_office] = f"本级门户（{checklist.portal_office}）"
    for o in snap.offices:
        own.setdefault(match_office(o, tuple(checklist.offices)), o)

    def rename(name):
        return own.get(name, name) if name else name

    for row in offices:
        row["checklist_office"] = row["name"]
        row["name"] = rename(row["name"])
    for f in findings:
        f["office"] = rename(f["office"])

    def walk(n):
        for r in n.get("results") or []:
            r["office"] = rename(r.get("office"))
        for c in n.get("children") or []:
            walk(c)

    for n in tree:
        walk(n)


def weight_shares(leaves) -> dict:
    """Shares of the checklist's weight: judged by a check (`automated`), judged by an evaluator's
    verdict (`manual`), not judged yet (`open`: needs_review or error) — the three add up to 1 —
    and, beside them, the share carried by `manual: true` indicators (`manual_indicators`).
    An indicator judged for several 评估对象 splits its weight evenly among them."""
    whole = sum(float(ind.weight) for ind, _, _ in leaves) or 1.0
    parts = {"automated": 0.0, "manual": 0.0, "open": 0.0}
    for ind, r, _ in leaves:
        w = float(ind.weight) / max(1, len(r.results))
        for res in r.results or [{"outcome": r.outcome}]:
            by = res.get("judged_by")
            if by is None and "judged_by" not in res:
                by = "check" if res["outcome"] in ("pass", "fail", "not_applicable") else None
            parts["automated" if by == "check" else "manual" if by == "evaluator" else "open"] += w
    out = {k: round(v / whole, 4) for k, v in parts.items()}
    out["manual_indicators"] = round(sum(float(i.weight) for i, _, _ in leaves if i.manual or not i.check) / whole, 4)
    return out


def _verdict_counts(leaves, verdicts) -> dict:
    """How many verdicts were given and how many settled a result (a judged check is not overridden)."""
    used = {(res["verdict"]["file"], res["verdict"]["line"]) for _, r, _ in leaves for res in r.results
            if res.get("verdict")}
    given = list(verdicts)
    return {"given": len(given), "applied": sum((v.file, v.line) in used for v in given),
            "not_applied": [{"indicator": v.indicator, "office": v.office, "file": v.file, "line": v.line}
                            for v in given if (v.file, v.line) not in used]}


def _office_scores(snap, checklist, leaves, findings) -> list[dict]:
    portal = checklist.portal_office
    from .scoring import match_office

    names = [portal] + [match_office(o, tuple(checklist.offices)) for o in snap.offices if o != portal]
    urls = {}
    for c in snap.columns:
        urls.setdefault(match_office(c.office, tuple(checklist.offices)) if c.office else portal, c.parent_url or c.url)
    scoring = checklist.scoring or {}
    deduction = is_deduction(scoring)
    pass_mark = scoring.get("pass_mark")
    rows = []
    for name in names:
        parts, veto = [], []
        for ind, r, _ in leaves:
            mine = [res for res in r.results
                    if res["office"] == name or (res["office"] is None and name == portal and len(r.results) == 1)]
            if not mine:
                continue
            # the same per-result shares as the site's: the offices' points add up to the site's
            parts.append(points(ind, mine, deduction, of=len(r.results)))
            if getattr(ind, "veto", False) and any(res["outcome"] == "fail" for res in mine):
                veto.append(ind.id)
        t = total(parts, scoring)
        score, max_score = t.score, t.max_score
        office_key = None if name == portal else name
        rows.append({"name": name, "url": urls.get(name), "score": score, "max_score": max_score,
                     "achieved_weight": round(t.achieved, 4), "judged_weight": round(t.judged, 4),
                     "grade": grade(score, pass_mark, bool(veto)), "passed": passed(score, pass_mark, bool(veto)),
                     "veto": veto,
                     "findings": sum(1 for f in findings if f["office"] == office_key)})
    ranked = sorted(rows, key=lambda r: (r["score"] is None, -(r["score"] or 0), r["name"]))
    for i, r in enumerate(ranked, 1):
        r["rank"] = i if r["score"] is not None else None
    return ranked


def run_audit(session: Session, crawl_id: int, checklist_name: str, as_of: date, verdicts=None) -> dict:
    """Audit one stored crawl; stores the audit and its findings; returns the results dict.

    `verdicts`: path of an evaluator's verdicts file (auditor/verdicts.py), or None.
    """
    registry.load_all()
    checklist = load_checklist(checklist_name)
    given = load_verdicts(verdicts, checklist) if verdicts else []
    baseline = load_checklist(BASELINE)
    snap = load_snapshot(session, crawl_id, as_of)
    crawl = session.get(m.Crawl, crawl_id)
    site = session.get(m.Site, crawl.site_id)
    links = {state: snap.link_count(state=state) for state in ("ok", "broken", "inconclusive", "wrong")}
    stats = crawl.stats or {}
    limits = (crawl.facts or {}).get("limits") or []
    columns = _columns(snap)
    cov = coverage(snap, _expected(session, crawl_id))
    partial = partial_reasons(crawl.status, stats, limits, columns, cov)
    ev = evaluate(snap, checklist, baseline, given, partial)
    results = {
        "schema": SCHEMA,
        "tool": {"name": "zwgk", "version": __version__},
        "site": {"url": crawl.start_url, "name": site.name or _site_name(snap), "homepage_url": crawl.homepage_url},
        "crawl": {"id": crawl.id, "started_at": _iso(crawl.started_at), "finished_at": _iso(crawl.finished_at),
                  "status": crawl.status, "pages": _page_count(session, crawl_id),
                  "requests": stats.get("downloader/request_count"), "errors": stats.get("log_count/ERROR", 0),
                  # incremental re-crawls: pages copied from the previous crawl after a 304, and copied
                  # unasked under rolling revalidation (--revalidate-days)
                  "not_modified": stats.get("zwgk/incremental/not_modified", 0),
                  "trusted": stats.get("zwgk/incremental/trusted", 0),
                  # further list pages copied unasked: their list's first page had not moved
                  "trusted_lists": stats.get("zwgk/incremental/trusted_lists", 0),
                  "revalidate_days": (crawl.settings or {}).get("ZWGK_REVALIDATE_DAYS") or 0,
                  # bounds the crawl hit (crawler/bounds.py): each with its value, count and examples
                  "limits": limits,
                  # column links whose page answered the linking page's list again (not followed)
                  "echoes": (crawl.facts or {}).get("echoes") or {"count": 0, "examples": []},
                  # only part of the site was read: absence findings need review (docs/results-json.md)
                  "partial": bool(partial), "partial_reasons": partial,
                  # error answers asked again after a pause, and those still failing after the last try
                  "retries": stats.get("retry/count", 0), "retries_failed": stats.get("retry/max_reached", 0)},
        "as_of": as_of.isoformat(),
        "checklist": {"id": checklist.id, "title": checklist.title, "version": checklist.version,
                      "source": checklist.source},
        # every check's names and evidence columns: the report, exports and diff read them here
        "checks": registry.vocabulary(),
        **ev,
        "columns": columns,
        # the snapshot's own Document objects: write_results writes each as document_dict, one at a
        # time (a list of dicts would hold some 800 bytes a document; the report does not read them)
        "documents": snap.documents,
        # how much of what the site lists was read, and why the rest was not (auditor/coverage.py)
        "coverage": cov,
        "links": {"checked": snap.link_count(), "ok": links["ok"], "broken": links["broken"],
                  "inconclusive": links["inconclusive"], "wrong": links["wrong"]},
        # the homepage's availability as `zwgk watch` sampled it (watch/fact.py); null: never sampled
        "availability": snap.facts.get("availability"),
        # 互动交流: channels found from the homepage and their messages (checks/interaction.py);
        # null: the crawl did not read the homepage
        "interaction": interaction_summary(snap),
        # 无障碍与适老化: axe-core's violations per sampled page, by impact, and the homepage's
        # 无障碍 / 长者模式 entry (checks/accessibility.py); null: `zwgk a11y` never ran on this crawl
        "accessibility": accessibility_summary(snap),
    }
    results["summary"].update({"documents": len(snap.documents), "columns": len(snap.columns),
                               "links_checked": snap.link_count()})
    _store(session, crawl_id, checklist, as_of, results)
    _history(session, crawl_id, checklist.id, results)
    return results


FINISH_REASONS = {
    "closespider_timeout": "时间预算用尽（--time-budget），抓取提前结束",
    "shutdown": "抓取被手动中断（Ctrl-C 或进程被终止）",
    "closespider_pagecount": "达到页面数上限（--max-pages），抓取提前结束",
}


def partial_reasons(status: str | None, stats: dict, limits: list, columns: list[dict], cov: dict) -> list[str]:
    """Why only part of the site was read (results.json `crawl.partial_reasons`); [] = whole.

    The crawl's own stops — interrupted (time budget, Ctrl-C), the page cap, any bound of
    crawler/bounds.py — columns whose list could not be read, and list entries never reached.
    An entry not fetched for a reason of its own (a broken link, an attachment, another site)
    is a finding about the site, not a gap in the crawl."""
    out = []
    finish = (stats or {}).get("finish_reason")
    if finish in FINISH_REASONS:
        out.append(FINISH_REASONS[finish])
    elif status == "interrupted":
        out.append("抓取被中断（时间预算用尽或手动中断）")
    for x in limits or []:
        label = x.get("label") or x.get("limit") or "抓取限制"
        value = f"（上限 {x['value']}）" if x.get("value") else ""
        out.append(f"{label}{value}，{x.get('count') or 0} 个网址未抓取")
    unread = [c for c in columns if c.get("read_error")]
    if unread:
        names = "、".join(f"“{c.get('name') or c.get('url')}”" for c in unread[:3])
        out.append(f"{len(unread)} 个栏目列表无法读取（{names}{'等' if len(unread) > 3 else ''}）")
    reached = (cov.get("reasons") or {}).get(NOT_REACHED, 0)
    if reached:
        out.append(f"{reached} 个栏目条目未抓取")
    return out


def _page_count(session: Session, crawl_id: int) -> int:
    return session.scalar(select(func.count()).select_from(m.Page).where(m.Page.crawl_id == crawl_id)) or 0


def _expected(session: Session, crawl_id: int) -> dict[str, dict]:
    """Column url → what its list pages say the list holds ({records, pages}: a JCMS
    <totalrecord>, a gkmlpt post_count …), from the listings stored with the pages."""
    column_of = dict(session.execute(select(m.ColumnEntry.list_page, m.ColumnEntry.column_url)
                                     .where(m.ColumnEntry.crawl_id == crawl_id).distinct()).all())
    columns = set(session.scalars(select(m.SiteColumn.url).where(m.SiteColumn.crawl_id == crawl_id)))
    out: dict[str, dict] = {}
    # only the list pages' own rows (looked up by key: a document's page has a listing too, JSON
    # null), and only the listing's `expected`: the whole listing holds every entry
    P = m.Page.__table__.c
    rows = (row for chunk in in_chunks(sorted({key_of(u) for u in column_of} | {key_of(u) for u in columns}))
            for row in session.execute(select(P.url, m.Page.listing["expected"])
                                       .where(P.crawl_id == crawl_id, P.url_key.in_(chunk))))
    for url, stated in rows:
        stated = stated if isinstance(stated, dict) else {}
        column = column_of.get(url) or (url if url in columns else None)
        if not stated or column is None:
            continue
        mine = out.setdefault(column, {})
        for k, v in stated.items():
            if isinstance(v, int):
                mine[k] = max(v, mine.get(k) or 0)
    return out


def _history(session: Session, crawl_id: int, checklist_id: str, results: dict) -> None:
    """first_seen / days_open per finding and `changes` since the site's previous run (history.py)."""
    from zwgk.store.history import crawl_observed, site_runs

    from .history import apply_to_results

    apply_to_results(results, site_runs(session, before_crawl=crawl_id, checklist=checklist_id),
                     crawl_observed(session, crawl_id))


def _site_name(snap: SiteSnapshot) -> str | None:
    if snap.homepage and snap.homepage.title:
        for sep in ("_", "-", "|", "—", "－"):
            snap_title = snap.homepage.title.split(sep)
            if len(snap_title) > 1:
                return snap_title[-1].strip() or snap.homepage.title
        return snap.homepage.title
    return None


def _store(session: Session, crawl_id: int, checklist, as_of: date, results: dict) -> None:
    audit = m.Audit(crawl_id=crawl_id, checklist=checklist.id, checklist_version=checklist.version, as_of=as_of,
                    created_at=datetime.now(timezone.utc), score=results["summary"]["score"], max_score=100.0)
    session.add(audit)
    session.flush()
    core = {"id", "check", "url", "source", "office"}
    session.add_all([m.Finding(audit_id=audit.id, check=f["check"], url=f["url"],  # TEXT: stored whole
                               source=f["source"] or None, office=f["office"],
                               details={k: v for k, v in f.items() if k not in core and v is not None})
                     for f in results["findings"]])
    results["audit_id"] = audit.id


def _pieces(results: dict) -> Iterator[str]:
    """results.json's text, piece by piece, in the layout reports/load.py reads without parsing
    everything: indent 1, each top-level key on a line of its own starting with one space, and
    in `documents` each document between a line "  {" and a line "  }", its fields on one line.

    Each top-level value is encoded on its own (at indent 0, every newline then given the one
    space of its level: a JSON string holds no raw newline), and each document by the C encoder:
    the pure-Python one, which any indent forces, wrote the documents — most of the file — at
    half the speed (docs/benchmarks.md, thirteenth session)."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=1, default=_iso)
    flat = json.JSONEncoder(ensure_ascii=False, default=_iso)
    yield "{"
    for i, (key, value) in enumerate(results.items()):
        yield ("," if i else "") + "\n " + flat.encode(key) + ": "
        if key == "documents":  # Documents, or a spill file's, read back one at a time
            yield "["
            for j, d in enumerate(value):
                text = flat.encode(document_dict(d))
                yield ("," if j else "") + "\n  {\n   " + text[1:-1] + "\n  }"
            yield "\n ]" if len(value) else "]"
        else:
            for piece in encoder.iterencode(value):
                yield piece.replace("\n", "\n ")
    yield "\n}"


def write_results(results: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    # written as encoded, piece by piece (json.dumps would hold the whole text)
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(_pieces(results))
    tmp.replace(path)  # never leave a half-written results.json
    return path
