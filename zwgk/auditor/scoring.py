"""Runs a checklist's checks on a snapshot and scores them (the one place points are computed).

Scoring rules (documented for evaluators in the README):
- a leaf is judged once per 评估对象 it applies to (site-scoped checks once for the site); its
  weight is split evenly among those results, so its score is weight × (share of its results
  that pass) — `points()`; under the `deduction` strategy it is its weight less the points its
  failed results cost (`result_loss`);
- a 评估对象's score adds up the same per-result shares, of its own results only (`points(…,
  of=n)`), so the 评估对象's points add up to the site's: the site's weighted score is the
  judged-weight-weighted mean of theirs and lies between the lowest and the highest — `total()`;
- `passed` follows the grade: a failed veto item, or a score below the pass mark (the checklist's
  `pass_mark`, else PASS_MARK = 60, the national line between 中 and 差), is not passed — `passed()`;
- fail outranks error, error outranks needs_review, needs_review outranks pass; all
  not_applicable → not_applicable, which leaves the indicator out of the maximum;
- needs_review and error leaves are "open": they count in the maximum but not in the
  judged weight, so the summary score is over what was judged, with the open share beside it;
- on a partial crawl (results.json `crawl.partial`) a check that fails because something was
  not found (ABSENCE_CHECKS) is needs_review, not fail: what is missing may only be unread.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import registry
from zwgk.vocab import norm_text

from dataclasses import replace

from .checks._select import doc_matches, select_columns
from .model import CheckResult, Finding, SiteSnapshot

# Checks whose failure rests on something not being found — a column, an item, a period's entry,
# a recent or an old enough entry, an annual report, a 解读 — which a partial crawl may only
# not have reached. On a partial crawl their failures are needs_review (Evaluator._absence).
ABSENCE_CHECKS = frozenset({"column-exists", "missing-column", "missing-item", "missing-period", "blank-column",
                            "stale-column", "short-retention", "late-annual-report", "missing-interpretation"})

RANK = {"fail": 4, "error": 3, "needs_review": 2, "pass": 1, "not_applicable": 0}


@dataclass
class LeafResult:
    outcome: str
    results: list[dict]              # per office: {office, outcome, note, findings, judged_by, verdict}
    finding_keys: list[tuple] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Points:
    """What an indicator's results (all of them, or one 评估对象's) are worth."""

    score: float       # weighted: weight × share passed; deduction: max_score − lost
    max_score: float   # the weight; 0 when not applicable
    judged: float      # the weight judged pass / fail
    lost: float        # points its failed results cost (the deduction strategy deducts them)


def points(ind, results: list[dict], deduction: bool = False, of: int | None = None) -> Points:
    """The points of one indicator from `results` (per-评估对象 entries: outcome, findings).

    Each result carries an even share of the weight: weight / `of`, where `of` is how many
    results the indicator has in all (default: these). A 评估对象's part passes `of` so that
    the parts of all 评估对象 add up to the indicator's points."""
    outcomes = [r["outcome"] for r in results]
    if combine(outcomes) == "not_applicable":
        return Points(0.0, 0.0, 0.0, 0.0)
    n = max(of or len(outcomes), len(outcomes))
    share = float(ind.weight) / n
    w = share * len(outcomes)
    lost = sum(result_loss(ind, r) for r in results) / n
    judged = share * sum(o in ("pass", "fail") for o in outcomes)
    score = w - lost if deduction else share * sum(o == "pass" for o in outcomes)
    return Points(score, w, judged, lost)


@dataclass(frozen=True)
class Total:
    score: float | None   # None when nothing was judged
    max_score: float      # 100 (weighted), the checklist's `total` or the weight that applies (deduction)
    achieved: float       # sum of the indicators' scores
    judged: float
    weight: float         # sum of the indicators' max_score: the weight that applies


def total(parts, scoring: dict | None) -> Total:
    """The score of a set of indicators' `points()` under the checklist's `scoring`:
    weighted → 100 × achieved / judged; deduction → max_score − the points lost."""
    parts = list(parts)
    scoring = scoring or {}
    achieved = sum(p.score for p in parts)
    judged = sum(p.judged for p in parts)
    weight = sum(p.max_score for p in parts)
    if is_deduction(scoring):
        max_score = float(scoring.get("total") or weight)
        score = round(max(0.0, max_score - sum(p.lost for p in parts)), 2) if judged else None
    else:
        max_score = 100.0
        score = round(100 * achieved / judged, 2) if judged else None
    return Total(score, max_score, achieved, judged, weight)


def is_deduction(scoring: dict | None) -> bool:
    return (scoring or {}).get("strategy", "weighted") == "deduction"


def combine(outcomes: list[str]) -> str:
    if not outcomes:
        return "not_applicable"
    return max(outcomes, key=lambda o: RANK[o])


def finding_key(f: Finding) -> tuple:
    return (f.check, f.url, f.source, f.office, json.dumps(f.details, sort_keys=True, ensure_ascii=False, default=str))


_PLACE = re.compile(r"^[\u4e00-\u9fa5]{0,8}?(?:县|区|市|旗)(?=[\u4e00-\u9fa5]{2,})")


def office_key(name: str) -> str:
    """An office name without its place prefix: 沂源县财政局 and 县财政局 both give 财政局."""
    n = norm_text(name)
    return _PLACE.sub("", n, count=1) or n


def match_office(site_name: str, known: tuple[str, ...]) -> str:
    """The checklist's name for an office found on the site (the site's own name if none fits)."""
    n = norm_text(site_name)
    for k in known:
        if norm_text(k) == n:
            return k
    for k in known:
        if office_key(k) == office_key(site_name):
            return k
    return site_name


class Evaluator:
    """Evaluates indicators, caching check runs: one (check, params, office) runs once."""

    def __init__(self, snapshot: SiteSnapshot, portal_office: str | None, known_offices: tuple[str, ...] = (),
                 verdicts=(), partial: list[str] | tuple[str, ...] = ()):
        """`partial`: why the crawl is partial (results.json `crawl.partial_reasons`); empty = whole."""
        self.snap = snapshot
        self.partial = tuple(partial)
        self.known = tuple(known_offices)
        self.verdicts: dict[str, list] = {}
        for v in verdicts:
            self.verdicts.setdefault(v.indicator, []).append(v)
        self.portal_office = portal_office
        self.names = {o: match_office(o, known_offices) for o in snapshot.offices}
        self.cache: dict[tuple, CheckResult] = {}
        self.findings: dict[tuple, Finding] = {}
        self.finding_indicators: dict[tuple, list[str]] = {}
        self.views = {None: snapshot.for_office(None)}
        for o in snapshot.offices:
            self.views[o] = snapshot.for_office(o)

    def _name(self, office: str | None) -> str | None:
        """The checklist's name of an office found on the site."""
        return self.names.get(office, office) if office else None

    def _view(self, office, column, fallback: bool) -> SiteSnapshot:
        """The office's part of the site. With `fallback`, an office whose own sub-site has no
        `column` is judged on the portal's column of that name: the county's 财政收支 column on
        the portal is the 财政局's to keep up."""
        view = self.views[office]
        if office is None or not column or not fallback or select_columns(view, column):
            return view
        portal = self.views[None]
        cols = tuple(select_columns(portal, column))
        if not cols:
            return view
        docs = tuple(d for d in portal.documents if doc_matches(d, column))
        return replace(view, columns=view.columns + cols, documents=view.documents + docs)

    def _run(self, spec, clean: dict, office, site_wide: bool, fallback: bool = False) -> CheckResult:
        """Run a check with `clean` params (Indicator.call_params), once per distinct call."""
        fallback = fallback and bool(clean.get("column"))
        key = (spec.id, json.dumps(clean, sort_keys=True, ensure_ascii=False, default=str),
               None if site_wide else office, fallback)
        if key not in self.cache:
            snap = self.snap if site_wide else self._view(office, clean.get("column"), fallback)
            res = registry.run_check(spec, snap, clean)
            if not site_wide:
                res = CheckResult(res.outcome, tuple(_with_office(f, self._name(f.office or office)) for f in res.findings),
                                  res.checked, res.note)
            else:
                res = CheckResult(res.outcome, tuple(_with_office(f, self._name(f.office)) for f in res.findings),
                                  res.checked, res.note)
            self.cache[key] = res
        return self.cache[key]

    def leaf(self, ind) -> LeafResult:
        """The indicator's outcome and per-评估对象 results (scored by `points()`)."""
        verdicts = self.verdicts.get(ind.id, [])
        if ind.manual or not ind.check:
            results = self._manual_results(ind, verdicts)
            keys: list[tuple] = []
        else:
            results, keys = self._checked_results(ind)
            for r in results:
                r["judged_by"] = "check" if r["outcome"] in DECIDED else None
                r["verdict"] = None
                if r["outcome"] in ("needs_review", "error"):
                    v = _verdict_for(verdicts, r["office"], self.portal_office)
                    if v is not None:
                        _apply(r, v)
        outcome = combine([r["outcome"] for r in results])
        note = "；".join(dict.fromkeys(r["note"] for r in results if r["note"]))[:300]
        return LeafResult(outcome, results, keys, note=note)

    def _manual_results(self, ind, verdicts) -> list[dict]:
        """One result for the indicator as a whole, or — when the evaluator judged 评估对象 one by
        one — one per 评估对象 it applies to (those without a verdict stay needs_review)."""
        hint = ind.hint or "需人工核查"
        general = next((v for v in verdicts if v.office is None), None)
        per_office = [v for v in verdicts if v.office is not None]

        def row(office, v):
            r = {"office": office, "outcome": "needs_review", "note": hint, "findings": 0,
                 "judged_by": None, "verdict": None}
            if v is not None:
                _apply(r, v)
            return r

        if not per_office:
            return [row(None, general)]
        names = [self.portal_office if o is None else self.names[o] for o in self.views
                 if ind.applies(self.names[o] if o else None, self.portal_office)]
        names = [n for n in dict.fromkeys(names) if n is not None]
        for v in per_office:
            if not any(_same_office(v.office, n) for n in names):
                names.append(match_office(v.office, self.known))
        return [row(n, _verdict_for(per_office, n, self.portal_office, exact=True) or general) for n in names]

    def prepare(self, indicators) -> None:
        """Run the 评估对象-scope checks of `indicators` one 评估对象 after another, ahead of
        leaf(), which then finds them in the cache. A large crawl's documents are read back from a
        file at each pass (auditor/spill.py) and one 评估对象's part stays decoded while its checks
        run in a row; in indicator order every check would decode every part again. The results
        are the same whichever order the checks run in."""
        plans = [(ind, registry.get(ind.check)) for ind in indicators if ind.check and not ind.manual]
        for office in self.views:
            name = self.names[office] if office else None
            for ind, spec in plans:
                if spec.scope != "site" and ind.applies(name, self.portal_office):
                    self._run(spec, ind.call_params, office, False, fallback=not ind.applies_to.all)

    def _checked_results(self, ind) -> tuple[list[dict], list[tuple]]:
        spec = registry.get(ind.check)
        site_wide = spec.scope == "site"
        offices = [None] if site_wide else [o for o in self.views
                                            if ind.applies(self.names[o] if o else None, self.portal_office)]
        results, keys = [], []
        for office in offices:
            res = self._run(spec, ind.call_params, office, site_wide, fallback=not ind.applies_to.all)
            for f in res.findings:
                k = finding_key(f)
                self.findings.setdefault(k, f)
                self.finding_indicators.setdefault(k, [])
                if ind.id not in self.finding_indicators[k]:
                    self.finding_indicators[k].append(ind.id)
                keys.append(k)
            outcome, note = self._absence(spec, res.outcome, res.note)
            results.append({"office": None if site_wide else (self.names[office] if office else self.portal_office),
                            "outcome": outcome,
                            "note": note, "findings": len(res.findings)})
        return results, keys

    def _absence(self, spec, outcome: str, note: str) -> tuple[str, str]:
        """On a partial crawl, a failure that rests on absence (ABSENCE_CHECKS) is needs_review:
        the findings stay listed as evidence, the indicator is left to an evaluator (a verdict
        may settle it)."""
        if outcome != "fail" or not self.partial or not ({spec.id, getattr(spec, "finding", None)} & ABSENCE_CHECKS):
            return outcome, note
        why = "；".join(self.partial)
        if len(why) > 80:
            why = why[:78] + "…"
        lead = f"抓取不完整（{why}），缺失类问题需人工核查"
        return "needs_review", f"{lead}：{note}" if note else lead


DECIDED = ("pass", "fail", "not_applicable")


def _same_office(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return norm_text(a) == norm_text(b) or office_key(a) == office_key(b)


def _verdict_for(verdicts, office: str | None, portal_office: str | None, exact: bool = False):
    """The verdict for one result: the one naming its 评估对象 (None = the portal, or the site as a
    whole), else — unless `exact` — the verdict on the indicator as a whole."""
    for v in verdicts:
        if v.office is not None and (_same_office(v.office, office)
                                     or (office is None and _same_office(v.office, portal_office))):
            return v
    if exact:
        return None
    return next((v for v in verdicts if v.office is None), None)


def _apply(result: dict, v) -> None:
    result["outcome"] = v.verdict
    result["judged_by"] = "evaluator"
    result["verdict"] = v.as_dict()
    who = f"{v.reviewer} {v.date.isoformat()}"
    result["note"] = f"人工核查（{who}）：{v.evidence}" if v.evidence else f"人工核查（{who}）"


def _with_office(f: Finding, office) -> Finding:
    return f if f.office == office else replace(f, office=office)


def result_loss(ind, res: dict) -> float:
    """Points one failed result costs under the `deduction` strategy: the indicator's `deduct`
    points per finding, capped at its weight; its whole weight without `deduct` (or without
    findings to count, e.g. a failed manual verdict)."""
    if res.get("outcome") != "fail":
        return 0.0
    w = float(ind.weight)
    per = getattr(ind, "deduct", None)
    if per and res.get("findings"):
        return min(w, float(per) * res["findings"])
    return w


# Without a checklist pass mark, 60 is the line (national scheme: under 60 不合格; grade 差 below it)
PASS_MARK = 60.0


def passed(score: float | None, pass_mark: float | None = None, vetoed: bool = False) -> bool | None:
    """Whether a score passes, in agreement with grade(): False on a failed veto item; None when
    nothing was judged; else score ≥ the checklist's pass mark (PASS_MARK without one, so that
    差 is never passed)."""
    if vetoed:
        return False
    if score is None:
        return None
    return score >= (PASS_MARK if pass_mark is None else float(pass_mark))


def grade(score: float | None, pass_mark: float | None = None, vetoed: bool = False) -> str:
    """优 / 良 / 中 / 差 by the score, or 合格 / 不合格 against a checklist's `pass_mark`; a failed
    veto item (单项否决) makes it 不合格 whatever the score."""
    if vetoed:
        return "不合格"
    if score is None:
        return "未评分"
    if pass_mark is not None:
        return "合格" if score >= pass_mark else "不合格"
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= PASS_MARK else "差"
