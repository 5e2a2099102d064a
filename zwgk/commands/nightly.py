"""Nightly operation: `zwgk diff` (what changed since the previous run), history for reports."""
from __future__ import annotations

import json
from pathlib import Path

import click


# ------------------------------------------------------------------------------------ history
def _with_grade(entry: dict) -> dict:
    from zwgk.auditor.scoring import grade

    s = entry.setdefault("summary", {})
    s.setdefault("grade", grade(s.get("score")))
    return entry


def _same_run(a: dict, b: dict) -> bool:
    if a.get("audit_id") is not None and a.get("audit_id") == b.get("audit_id"):
        return True
    ca, cb = a.get("crawl") or {}, b.get("crawl") or {}
    return (ca.get("id") is not None and ca.get("id") == cb.get("id") and ca.get("started_at") == cb.get("started_at")
            and a.get("as_of") == b.get("as_of") and a.get("checklist") == b.get("checklist"))


def _started(r: dict) -> str:
    c = r.get("crawl") or {}
    return c.get("started_at") or c.get("finished_at") or r.get("as_of") or ""


def history_from_db(results: dict, db: str | None) -> list[dict]:
    """The site's earlier runs stored in the database, oldest first, as results-like dicts."""
    from zwgk.store.db import open_db
    from zwgk.store.history import site_runs

    crawl_id = (results.get("crawl") or {}).get("id")
    if crawl_id is None:
        return []
    with open_db(db)() as s:
        runs = site_runs(s, before_crawl=crawl_id, checklist=(results.get("checklist") or {}).get("id"))
    return [_with_grade(r) for r in runs]


def history_from_folder(results: dict, folder: Path) -> list[dict]:
    """Earlier results.json files of the same site under `folder` (searched recursively), oldest first."""
    site = (results.get("site") or {}).get("url")
    out = []
    for path in sorted(Path(folder).rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("zwgk-results/"):
            continue
        if (data.get("site") or {}).get("url") != site or _same_run(data, results):
            continue
        if _started(data) and _started(results) and _started(data) >= _started(results):
            continue  # a later run is not history of this one
        out.append(data)
    return sorted(out, key=_started)


def report_history(results: dict, *, db: str | None = None, folder: str | Path | None = None) -> list[dict]:
    """History for render_html: from a folder of results.json files, else from the database."""
    if folder:
        return history_from_folder(results, Path(folder))
    if db is not None or results.get("audit_id") is not None:
        try:
            return history_from_db(results, db)
        except Exception as exc:  # a report must still render when the database is gone
            click.echo(f"注意：无法从数据库读取历史记录（{exc}），报告不含变化趋势", err=True)
    return []


# ------------------------------------------------------------------------------------ diff
def site_diff(session, site_url: str, checklist: str | None = None) -> dict | None:
    """The latest run of a site against its previous one: new, fixed, persisting (with days open)."""
    from zwgk.auditor.history import annotate, run_from_stored
    from zwgk.store.history import site_runs

    runs = site_runs(session, site_url=site_url, checklist=checklist)
    if not runs:
        return None
    current = runs[-1]
    earlier = [run_from_stored(r) for r in runs[:-1]]
    d = annotate(current["findings"], earlier, current["observed"])
    return {"site": site_url, "current": _run_ref(current), "previous": _run_ref(runs[-2]) if len(runs) > 1 else None,
            "diff": d}


def _run_ref(r: dict) -> dict:
    return {"audit_id": r["audit_id"], "crawl_id": r["crawl"]["id"], "observed": r["observed"].isoformat(),
            "as_of": r["as_of"], "score": r["summary"]["score"]}


def _finding_out(f: dict) -> dict:
    keys = ("check", "url", "source", "office", "first_seen", "days_open")
    return {k: f.get(k) for k in keys if k in f}


@click.command("diff")
@click.option("--site", "site_url", default=None, help="网站地址（默认数据库中的所有网站）")
@click.option("--db", default=None, help="数据库 URL（默认 sqlite:///zwgk-out/zwgk.db，或环境变量 ZWGK_DB）")
@click.option("--checklist", default=None, help="只比较使用该检查清单的评估")
@click.option("--limit", type=int, default=50, help="每类最多列出的问题数（0 为不限）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def diff(site_url, db, checklist, limit, as_json):
    """与上一次评估相比：新增、已整改和仍存在的问题（含已持续天数）。"""
    from zwgk.auditor.history import diff_lines
    from zwgk.store.db import open_db
    from zwgk.store.history import site_urls

    with open_db(db)() as s:
        sites = [site_url] if site_url else site_urls(s)
        if not sites:
            raise click.ClickException("数据库中还没有评估记录，请先运行 zwgk run")
        reports = [r for r in (site_diff(s, u, checklist) for u in sites) if r is not None]
    if site_url and not reports:
        raise click.ClickException(f"数据库中没有网站 {site_url} 的评估记录")
    if as_json:
        click.echo(json.dumps([{**{k: v for k, v in r.items() if k != "diff"},
                                "new": [_finding_out(f) for f in r["diff"].new],
                                "fixed": [_finding_out(f) for f in r["diff"].fixed],
                                "persisting": [_finding_out(f) for f in r["diff"].persisting]}
                               for r in reports], ensure_ascii=False, indent=1))
        return
    for r in reports:
        cur, prev = r["current"], r["previous"]
        click.echo(f"网站：{r['site']}")
        if prev is None:
            click.echo(f"  只有一次评估（{cur['observed']}），没有可比较的上一次评估")
        else:
            click.echo(f"  本次 {cur['observed']}（评估 {cur['audit_id']}）对比上次 {prev['observed']}（评估 {prev['audit_id']}）")
        for line in diff_lines(r["diff"], limit=limit or None):
            click.echo("  " + line)
