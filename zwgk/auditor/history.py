"""Findings across runs: what is new, fixed and persisting, and since when (pure functions)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable

Key = tuple[str | None, str | None, str | None]


def finding_key(f: dict) -> Key:
    """A finding is the same problem in two runs when its check, target and source page agree."""
    return (f.get("check"), f.get("url"), f.get("source") or None)


@dataclass(frozen=True)
class Run:
    """One earlier audit of a site: the day the site was observed (its crawl) and its findings."""

    observed: date
    findings: list[dict]
    audit_id: int | None = None
    crawl_id: int | None = None
    as_of: date | None = None


@dataclass
class Diff:
    new: list[dict] = field(default_factory=list)         # in current, not in previous
    fixed: list[dict] = field(default_factory=list)       # in previous, not in current (previous' dicts)
    persisting: list[dict] = field(default_factory=list)  # in both (current's dicts)

    def counts(self) -> dict:
        return {"new": len(self.new), "fixed": len(self.fixed), "persisting": len(self.persisting)}


def compare(previous: Iterable[dict] | None, current: Iterable[dict]) -> Diff:
    """Compare two runs' findings by (check, url, source); order follows each input list."""
    current = list(current)
    if previous is None:
        return Diff(new=current)
    previous = list(previous)
    prev_keys = {finding_key(f) for f in previous}
    cur_keys = {finding_key(f) for f in current}
    return Diff(new=[f for f in current if finding_key(f) not in prev_keys],
                fixed=[f for f in previous if finding_key(f) not in cur_keys],
                persisting=[f for f in current if finding_key(f) in prev_keys])


def first_seen(runs: Iterable[Run]) -> dict[Key, date]:
    """The earliest observation date of every finding key in the given runs."""
    seen: dict[Key, date] = {}
    for r in runs:
        for f in r.findings:
            k = finding_key(f)
            if k not in seen or r.observed < seen[k]:
                seen[k] = r.observed
    return seen


def annotate(findings: list[dict], earlier: Iterable[Run], observed: date) -> Diff:
    """Set `first_seen` (ISO date) and `days_open` on each current finding, in place.

    `earlier` are the site's earlier runs (any order); `observed` is the current run's date.
    A finding first seen today is open 0 days. Returns the diff against the latest earlier run.
    """
    earlier = sorted(earlier, key=lambda r: (r.observed, r.audit_id or 0))
    seen = first_seen(earlier)
    for f in findings:
        start = min(seen.get(finding_key(f), observed), observed)
        f["first_seen"] = start.isoformat()
        f["days_open"] = (observed - start).days
    return compare(earlier[-1].findings if earlier else None, findings)


def changes_summary(diff: Diff, previous: Run | None) -> dict:
    """The `changes` object of results.json (docs/results-json.md)."""
    return {
        "previous": None if previous is None else {
            "audit_id": previous.audit_id, "crawl_id": previous.crawl_id,
            "observed": previous.observed.isoformat(),
            "as_of": previous.as_of.isoformat() if previous.as_of else None},
        **diff.counts(),
        "new_ids": [f["id"] for f in diff.new if f.get("id")] if previous is not None else [],
        "fixed_findings": [{k: f.get(k) for k in ("check", "url", "source", "office", "first_seen")}
                           for f in diff.fixed],
    }


def check_names(checks: Mapping | None = None) -> dict[str, str]:
    """Check and finding id → its finding type (`failure_title`, 存在断链): the live registry's,
    overridden by a results.json's `checks` when given."""
    from .registry import vocabulary

    names = {k: v["failure_title"] for k, v in vocabulary().items()}
    names.update({k: v["failure_title"] for k, v in (checks or {}).items()
                  if isinstance(v, Mapping) and v.get("failure_title")})
    return names


def check_name(check: str | None, checks: Mapping | None = None) -> str | None:
    """The finding type of one check or finding id (see check_names); the id itself when unknown.
    `checks` may be a results.json's `checks` or the dict check_names() returned."""
    if isinstance(checks, Mapping) and isinstance(checks.get(check), str):
        return checks[check]
    return check_names(checks).get(check, check)


def _columns(checks: Mapping | None = None) -> dict[str, list[dict]]:
    """Evidence columns by check and finding id: the registry's, overridden by `checks`' own."""
    from .registry import vocabulary

    cols = {k: list(v.get("columns") or []) for k, v in vocabulary().items()}
    cols.update({k: list(v["columns"]) for k, v in (checks or {}).items()
                 if isinstance(v, Mapping) and v.get("columns")})
    return cols


@lru_cache(maxsize=8)
def indicator_texts(checklist: str | None = None) -> dict[str, str]:
    """Indicator id → its text as the checklist states it (`checklist`, else every bundled one)."""
    from .checklist import ChecklistError, list_checklists, load_checklist

    out: dict[str, str] = {}
    for name in [checklist] if checklist else list_checklists():
        try:
            cl = load_checklist(name, resolve_checks=False)
        except (ChecklistError, OSError):
            continue
        for ind in cl.iter_indicators():
            out.setdefault(ind.id, ind.text)
    return out


def finding_details(f: dict, columns: list[dict], texts: Mapping[str, str] | None = None, limit: int = 3) -> list[str]:
    """What a finding is about besides its address, as `label：value` in its check's column order:
    its 评估对象, then the values of its first `limit` non-address evidence columns (the column a
    missing-column finding names, the field a document lacks …). A missing item (an absence finding's `item`) is
    named as the checklist states it — its indicator's text — not by the words searched for."""
    from .scoring import ABSENCE_CHECKS

    from zwgk.vocab import error_text

    out = [f"评估对象：{f['office']}"] if f.get("office") else []
    shown = 0
    for c in columns:
        key = c.get("key")
        if c.get("kind") == "url" or key in ("url", "source", "source_title", "office") or shown >= limit:
            continue
        v = f.get(key)
        if key == "item" and f.get("check") in ABSENCE_CHECKS and texts:
            named = [texts[i].rstrip("。") for i in f.get("indicators") or [] if i in texts]
            v = "、".join(dict.fromkeys(named)) or v
        if v is None or v == "":
            continue
        shown += 1
        out.append(f"{c.get('label') or key}：{error_text(str(v))}")
    return out


def diff_lines(diff: Diff, *, limit: int | None = None, checks: Mapping | None = None,
               checklist: str | None = None) -> list[str]:
    """Human-readable Chinese lines: new, fixed, persisting with days open. Findings are named by
    their check's `failure_title` and described by their evidence columns (`checks`: a
    results.json's `checks`; default the registry's); a missing item by its indicator's text in
    `checklist` (default: any bundled checklist)."""
    names = check_names(checks)
    columns = _columns(checks)
    texts = indicator_texts(checklist)

    def one(f: dict) -> str:
        where = f" （位于 {f['source']}）" if f.get("source") else ""
        details = finding_details(f, columns.get(f.get("check")) or [], texts)
        what = f"（{'；'.join(details)}）" if details else ""
        return f"{names.get(f.get('check'), f.get('check'))}：{f.get('url')}{where}{what}"

    out = [f"新增问题 {len(diff.new)} 个，已整改 {len(diff.fixed)} 个，仍存在 {len(diff.persisting)} 个"]
    for title, items, fmt in (
        ("新增", diff.new, lambda f: f"  + {one(f)}"),
        ("已整改", diff.fixed, lambda f: f"  - {one(f)}"),
        ("仍存在", sorted(diff.persisting, key=lambda f: -(f.get("days_open") or 0)),
         lambda f: f"  = {one(f)}  {persist_phrase(f, names)}"),
    ):
        if not items:
            continue
        out.append(f"{title}：")
        shown = items if limit is None else items[:limit]
        out.extend(fmt(f) for f in shown)
        if len(shown) < len(items):
            out.append(f"  …… 另有 {len(items) - len(shown)} 个")
    return out


def persist_phrase(f: dict, checks: Mapping | None = None) -> str:
    """「存在断链已持续 12 天」: how long a finding has been open, named by its check's failure_title."""
    days = f.get("days_open")
    name = check_name(f.get("check"), checks) or "问题"
    if days is None:
        return f"{name}持续天数未知"
    if days == 0:
        return f"{name}已持续不足 1 天（自 {f.get('first_seen') or '今天'} 起）"
    return f"{name}已持续 {days} 天（自 {f.get('first_seen')} 起）"


def run_from_stored(entry: dict) -> Run:
    """A Run from one entry of zwgk.store.history.site_runs (or a results.json with `observed`)."""
    observed = entry.get("observed")
    if isinstance(observed, str):
        observed = date.fromisoformat(observed)
    as_of = entry.get("as_of")
    return Run(observed=observed, findings=list(entry.get("findings") or []), audit_id=entry.get("audit_id"),
               crawl_id=(entry.get("crawl") or {}).get("id"),
               as_of=date.fromisoformat(as_of) if isinstance(as_of, str) else as_of)


def apply_to_results(results: dict, earlier: Iterable[dict], observed: date | None) -> dict:
    """Add `first_seen` / `days_open` to every finding and the `changes` object to results.json."""
    runs = sorted((run_from_stored(e) for e in earlier if e.get("observed")),
                  key=lambda r: (r.observed, r.audit_id or 0))
    observed = observed or date.today()
    diff = annotate(results["findings"], runs, observed)
    results["changes"] = changes_summary(diff, runs[-1] if runs else None)
    return results
