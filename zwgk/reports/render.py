"""Render results.json into one self-contained Chinese HTML report (no network, no CDN)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import jinja2

from zwgk.vocab import document_name, error_text

from .checks import Col, Vocabulary
from .load import read_results

TEMPLATE_DIR = Path(__file__).parent / "templates"

# rows rendered into the HTML per table; the rest is reachable through the JS pager
PAGE_ROWS = 50
# source pages shown per page of the grouped link work list, and rows per group at first
PAGE_GROUPS = 30
GROUP_ROWS = 20

OUTCOMES: tuple[tuple[str, str], ...] = (
    ("pass", "通过"),
    ("fail", "不通过"),
    ("needs_review", "待人工核查"),
    ("not_applicable", "不适用"),
    ("error", "出错"),
)
OUTCOME_NAMES = dict(OUTCOMES)

SHARE_NAMES = (("automated", "自动评估"), ("manual", "人工评估"), ("open", "尚待核查"))

PORTAL_NAME = "门户网站（本级）"

# Finding ids with a dedicated work list; every other id is listed in 其他问题. Names and evidence
# columns of every id come from results.json's `checks` (reports/checks.py), never from here.
LINK_CHECKS = ("broken-link", "wrong-link", "inconclusive-link")
INTERPRETATION_CHECKS = ("missing-interpretation", "late-interpretation", "interpretation-without-backlink")
COLUMN_STATE_CHECKS = ("missing-column", "blank-column", "stale-column", "missing-period", "short-retention")
WORKLIST_CHECKS = set(LINK_CHECKS) | set(INTERPRETATION_CHECKS) | set(COLUMN_STATE_CHECKS) | {
    "missing-field",
    "late-publication",
}

ID_COL: Col = ("id", "编号", "code")
OFFICE_COL: Col = ("office_name", "评估对象", "text")
INDICATOR_COL: Col = ("indicator_text", "指标要求", "text")  # the text of the indicators a finding fails
URL_COL: Col = ("url", "对象", "url")  # the columns of an id `checks` does not describe
# keys holding addresses, never rewritten as text
URL_KEYS = {"id", "check", "url", "source", "policy_url", "final_url", "office"}
# keys never shown as generic columns of an unknown finding id
_INTERNAL_KEYS = {"id", "check", "indicators", "check_name", "office_name", "indicator_text"}


# ---------------------------------------------------------------------------- formatting


def fmt_num(v: Any) -> str:
    """48.80 → '48.8', 97.0 → '97', None → '—' (same text as JS String(number))."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v):
            return str(int(v))
        return f"{round(v, 2):g}"
    return str(v)


def fmt_pct(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v * 100:.0f}%"


def fmt_time(v: str | None) -> str:
    """ISO 8601 time → '2023-11-30 08:00:12（UTC+08:00）'."""
    if not v:
        return "—"
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        return v
    s = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.utcoffset() is not None:
        s += "（UTC" + t.strftime("%z")[:3] + ":" + t.strftime("%z")[3:] + "）"
    return s


def fmt_span(start: str | None, end: str | None) -> str:
    """Crawl start and end: '2023-11-30 08:00:12 至 08:41:55（UTC+08:00）' when on one day."""
    if not start and not end:
        return "—"
    a, b = fmt_time(start), fmt_time(end)
    if a[:10] == b[:10] and a[19:] == b[19:] and len(a) >= 19:
        return f"{a[:19]} 至 {b[11:19]}{b[19:]}"
    return f"{a} 至 {b}"


def is_http(v: Any) -> bool:
    """Only http(s) URLs become clickable; javascript:, file: and the like stay text."""
    return isinstance(v, str) and v[:8].lower().startswith(("http://", "https://"))


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,  # crawled text is hostile
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_num, pct=fmt_pct, time=fmt_time)
    env.tests["http"] = is_http
    # compact, UTF-8 JSON for the embedded data block; |tojson still escapes < > & '
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": False}
    return env


# ---------------------------------------------------------------------------- view model


class _Tables:
    """Tables of the page. Rows beyond the first page go to the embedded JSON for the pager."""

    def __init__(self) -> None:
        self.specs: dict[str, dict] = {}
        self.needed_findings: set[str] = set()
        self._n = 0

    def add(self, columns: Iterable[Col], rows: list, *, per: int = PAGE_ROWS, findings: dict | None = None) -> dict:
        """rows: finding ids (str, looked up in `findings`) or row dicts."""
        self._n += 1
        tid = f"t{self._n}"
        cols = [{"key": k, "label": label, "kind": kind} for k, label, kind in columns]
        shown = [findings[r] if isinstance(r, str) else r for r in rows[:per]] if findings is not None else rows[:per]
        table = {"id": tid, "columns": cols, "rows": shown, "total": len(rows), "paged": len(rows) > per}
        if table["paged"]:
            self.specs[tid] = {"c": [[c["key"], c["label"], c["kind"]] for c in cols], "r": rows}
            self.needed_findings.update(r for r in rows if isinstance(r, str))
        return table


def _finding_view(f: dict, doc_titles: dict[str, str], vocab: Vocabulary) -> dict:
    # failure codes and exception class names (soft-404, CannotResolveHostError) read in Chinese
    v = {k: error_text(x) if isinstance(x, str) and k not in URL_KEYS else x for k, x in f.items()}
    v["check_name"] = vocab.name(f.get("check"))
    v["office_name"] = f.get("office") or PORTAL_NAME
    if not v.get("title") and f.get("url") in doc_titles:
        v["title"] = doc_titles[f["url"]]
    if not v.get("source_title") and f.get("source") in doc_titles:
        v["source_title"] = doc_titles[f["source"]]
    return v


def _compact(f: dict, keys: set[str]) -> dict:
    """A finding as the pager needs it: the keys some paged table shows, no null values. Its
    指标要求 travels as indicator ids (the pager looks the texts up in the data's `i`)."""
    out = {k: v for k, v in f.items() if k in keys and v is not None and v != "" and k != INDICATOR_COL[0]}
    if INDICATOR_COL[0] in keys and f.get(INDICATOR_COL[0]):
        out["indicators"] = f.get("indicators")
    return out


def _leaves(nodes: list[dict]) -> Iterable[dict]:
    for n in nodes:
        if n.get("leaf") or not n.get("children"):
            yield n
        else:
            yield from _leaves(n["children"])


def _with_after(cols: list[Col], extra: list[Col], after: str = "url") -> list[Col]:
    """`cols` with the `extra` columns it lacks placed after the column `after` (else first)."""
    extra = [c for c in extra if c[0] not in {k for k, _, _ in cols}]
    at = next((i + 1 for i, c in enumerate(cols) if c[0] == after), 0)
    return cols[:at] + extra + cols[at:]


def _union(*groups: list[Col]) -> list[Col]:
    out: list[Col] = []
    for cols in groups:
        out += [c for c in cols if c[0] not in {k for k, _, _ in out}]
    return out


def _tree_view(nodes: list[dict], tables: _Tables, findings: dict, vocab: Vocabulary,
               path: tuple[str, ...] = ()) -> list[dict]:
    out = []
    for n in nodes:
        leaf = bool(n.get("leaf") or not n.get("children"))
        name = n.get("name") or n.get("text") or n.get("id") or ""
        v: dict[str, Any] = {
            "id": n.get("id"),
            "name": name,
            "level": n.get("level"),
            "leaf": leaf,
            "score": n.get("score"),
            "max_score": n.get("max_score"),
            "judged": n.get("judged"),
            "weight": n.get("weight"),
            "path": " / ".join(path + (name,)) if not leaf else " / ".join(path),
        }
        if leaf:
            outcome = n.get("outcome") or "needs_review"
            ev = n.get("evidence") or {}
            ids = [i for i in ev.get("finding_ids") or [] if i in findings]
            cols = [ID_COL] + ([(c["key"], c["label"], c["kind"]) for c in ev.get("columns") or []]
                               or vocab.columns(n.get("check")))
            v.update(
                text=n.get("text") or "",
                applies_to_text=n.get("applies_to_text"),
                basis=n.get("basis"),
                check=n.get("check"),
                check_title=vocab.title(n.get("check")) if n.get("check") in vocab else None,
                check_failure=vocab.name(n.get("check")) if n.get("check") in vocab else None,
                manual=bool(n.get("manual")),
                outcome=outcome,
                outcome_name=OUTCOME_NAMES.get(outcome, outcome),
                note=error_text(n.get("note")),
                hint=n.get("hint"),
                results=[
                    {
                        "office": r.get("office") or PORTAL_NAME,
                        "outcome": r.get("outcome"),
                        "outcome_name": OUTCOME_NAMES.get(r.get("outcome"), r.get("outcome")),
                        "note": error_text(r.get("note")),
                        "findings": r.get("findings"),
                        "judged_by": {"check": "自动检查", "evaluator": "人工评估"}.get(r.get("judged_by"), "—"),
                        "verdict": r.get("verdict"),
                    }
                    for r in n.get("results") or []
                ],
                evidence=tables.add(cols, ids, findings=findings) if ids else None,
                missing_evidence=len(ev.get("finding_ids") or []) - len(ids),
            )
        else:
            v["children"] = _tree_view(n.get("children") or [], tables, findings, vocab, path + (name,))
            counts = Counter(leaf_["outcome"] for leaf_ in _leaves(n["children"]))
            v["outcome_counts"] = [(k, label, counts[k]) for k, label in OUTCOMES if counts.get(k)]
        out.append(v)
    return out


def _run_label(r: dict) -> str:
    return (r.get("as_of") or (r.get("crawl") or {}).get("finished_at") or "")[:10] or "—"


def _run_labels(runs: list[dict]) -> list[str]:
    """Each run's 评估基准日; runs that share one are told apart by their collection time."""
    base = [_run_label(r) for r in runs]
    dup = {b for b in base if base.count(b) > 1}
    out = []
    for r, b in zip(runs, base):
        t = fmt_time((r.get("crawl") or {}).get("finished_at") or (r.get("crawl") or {}).get("started_at"))
        out.append(f"{b}（采集 {t[5:16]}）" if b in dup and len(t) >= 16 else b)
    return out


def _finding_key(f: dict) -> tuple:
    return (f.get("check"), f.get("url"), f.get("source"))


def _trends(results: dict, history: list[dict] | None) -> dict | None:
    if not history:
        return None
    runs = sorted(
        list(history) + [results],
        key=lambda r: ((r.get("crawl") or {}).get("finished_at") or "", r.get("as_of") or ""),
    )
    # the chart plots score as a share of max so that runs under different checklists compare
    w, h, left, right, top, bottom = 640, 240, 48, 16, 18, 36
    # points sit inside the grid with room for their date labels (10 characters ≈ 70px)
    x0, x1 = left + 40, w - right - 40
    n = len(runs)
    labels = _run_labels(runs)
    pts, rows = [], []
    prev_keys: set | None = None
    for i, r in enumerate(runs):
        s = r.get("summary") or {}
        score, mx = s.get("score"), s.get("max_score") or 0
        pct = (score / mx * 100) if (score is not None and mx) else None
        x = x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5)
        y = top + (h - top - bottom) * (1 - (pct or 0) / 100)
        keys = {_finding_key(f) for f in r.get("findings") or []}
        new = len(keys - prev_keys) if prev_keys is not None else None
        fixed = len(prev_keys - keys) if prev_keys is not None else None
        prev_keys = keys
        pts.append({"x": round(x, 1), "y": round(y, 1), "label": labels[i], "score": score, "pct": pct,
                    "current": r is results})
        rows.append({"label": labels[i], "score": score, "max_score": mx, "grade": s.get("grade"),
                     "findings": len(r.get("findings") or []), "new": new, "fixed": fixed, "current": r is results})
    grid = [{"y": round(top + (h - top - bottom) * (1 - g / 100), 1), "label": f"{g}%"} for g in (0, 25, 50, 75, 100)]
    return {
        "width": w, "height": h, "left": left, "right": w - right, "bottom": h - bottom,
        "points": pts, "polyline": " ".join(f"{p['x']},{p['y']}" for p in pts if p["pct"] is not None),
        "grid": grid, "rows": rows, "last": rows[-1],
    }


def open_weight(tree: list[dict]) -> float:
    """The weight not judged yet: each leaf's share (weight / results) of its needs_review and
    error results (as scoring.points splits it)."""
    out = 0.0
    for n in _leaves(tree):
        res = n.get("results") or []
        if res:
            out += float(n.get("weight") or 0) * sum(r.get("outcome") in ("needs_review", "error") for r in res) / len(res)
        elif n.get("outcome") in ("needs_review", "error"):
            out += float(n.get("weight") or 0)
    return out


def grade_rule(pass_mark: Any) -> str:
    if pass_mark is not None:
        return f"达到 {fmt_num(pass_mark)} 分为合格，低于为不合格"
    return "90 分及以上为优，80 分及以上为良，60 分及以上为中，60 分以下为差（不合格）"


def score_explanation(summary: dict, tree: list[dict], offices: list[dict]) -> str:
    """One short Chinese paragraph: how the headline score is computed, with this run's numbers
    (the same numbers the tree and the offices show)."""
    score = summary.get("score")
    if score is None:
        return "尚无已评指标（全部待人工核查或不适用），暂不计总得分。"
    achieved = summary.get("achieved_weight")
    judged = summary.get("judged_weight")
    weight = summary.get("total_weight")
    if achieved is None or judged is None:  # a results.json from before these fields
        if not tree or any(n.get("judged") is None for n in tree):
            return (f"总得分 {fmt_num(score)} 分（满分 {fmt_num(summary.get('max_score'))} 分）；"
                    f"等次：{grade_rule(summary.get('pass_mark'))}。")
        achieved = sum(float(n.get("score") or 0) for n in tree)
        judged = sum(float(n.get("judged") or 0) for n in tree)
    if weight is None:
        weight = sum(float(n.get("max_score") or 0) for n in tree)
    pending = open_weight(tree)
    veto = "单项否决指标未通过的，不论得分均为不合格。"
    if summary.get("strategy") == "deduction":
        lost = round(float(summary.get("max_score") or 0) - float(score), 2)
        text = (f"计分方法：满分 {fmt_num(summary.get('max_score'))} 分，未通过的指标按规定扣分（每项最多扣至该指标分值），"
                f"待人工核查的指标暂不扣分。总得分 = {fmt_num(summary.get('max_score'))} − 扣分合计 {fmt_num(lost)}"
                f" = {fmt_num(score)} 分。")
    else:
        text = ("计分方法：每项指标的分值平均分给它适用的各评估对象（全站性检查只判一次），通过得分、不通过不得分，"
                "待人工核查、出错和不适用的不计入。"
                f"总得分 = 已评指标得分 {fmt_num(round(achieved, 2))} ÷ 已评指标分值 {fmt_num(round(judged, 2))}"
                f" × 100 = {fmt_num(score)} 分（即下方“指标得分”各一级指标得分与已评分值之和）。")
    if pending and summary.get("strategy") == "deduction":
        text += (f"适用指标的分值共 {fmt_num(round(float(weight), 2))} 分，其中 {fmt_num(round(pending, 2))} 分的指标"
                 "尚待人工核查，核查后可能扣分。")
    elif pending:
        text += (f"指标体系中适用的分值共 {fmt_num(round(float(weight), 2))} 分，其中 {fmt_num(round(pending, 2))} 分"
                 "尚待人工核查，核查后总得分会变化。")
    if len(offices) > 1 and summary.get("strategy") != "deduction":
        text += "各评估对象得分按同一方法只计本对象的结果，全站得分即各评估对象得分按已评分值加权的平均。"
    text += f"等次：{grade_rule(summary.get('pass_mark'))}；{veto}"
    return text



_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """A section number as Chinese writes it: 一 … 十, 十一 … 十九, 二十 … 九十九."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return _DIGITS[n]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")

def build_view(results: dict, history: list[dict] | None = None) -> dict:
    """Everything the template shows, computed here so that the template only presents."""
    site = results.get("site") or {}
    summary = results.get("summary") or {}
    scores = results.get("scores") or {}
    docs = results.get("documents") or []
    # findings carry their documents' titles (auditor/audit.py _document_titles); a results.json
    # written before they did is named from its documents list (in `zwgk run` that list holds the
    # auditor's Document objects, written out by write_results, and is not read here)
    doc_titles = {d["url"]: d.get("title") for d in docs if isinstance(d, dict) and d.get("url") and d.get("title")
                  } if isinstance(docs, list) else {}
    raw_findings = results.get("findings") or []
    vocab = Vocabulary.of(results)
    findings = {f["id"]: _finding_view(f, doc_titles, vocab) for f in raw_findings if f.get("id")}
    # what the checklist requires, in its own words, beside each finding of 其他问题 (a missing
    # item is named by the indicator's text, not only by the words searched for)
    texts = {n.get("id"): (n.get("text") or "").rstrip("。") for n in _leaves(scores.get("tree") or [])}
    for f in findings.values():
        named = [texts[i] for i in f.get("indicators") or [] if texts.get(i)]
        if named:
            f["indicator_text"] = "；".join(dict.fromkeys(named))
    by_check: dict[str, list[dict]] = defaultdict(list)
    for f in findings.values():
        by_check[f.get("check")].append(f)
    tables = _Tables()

    # --- summary
    # every count of findings on the page comes from here (summary card, findings table, work lists)
    counts = dict(Counter(f.get("check") for f in findings.values()))
    finding_counts = [{"check": c, "name": vocab.name(c), "count": counts[c]}
                      for c in sorted(counts, key=lambda c: (-counts[c], str(c)))]
    outcomes = summary.get("outcomes") or {}
    tree = scores.get("tree") or []
    leaves = {n.get("id"): n for n in _leaves(tree)}
    veto = [{"id": i, "text": (leaves.get(i) or {}).get("text") or ""} for i in summary.get("veto") or []]
    score, max_score = summary.get("score", scores.get("score")), summary.get("max_score", scores.get("max_score"))
    shares = summary.get("weight_shares") or {}

    # --- work lists
    # grouped by the page the links sit on: that page is the group's header, not a column
    link_cols: list[Col] = [ID_COL, ("check_name", "类型", "text")] + _union(
        *(vocab.columns(c, drop=("source", "source_title", "pages")) for c in LINK_CHECKS), [URL_COL])
    groups: dict[str, list[str]] = defaultdict(list)
    for c in LINK_CHECKS:
        for f in by_check.get(c, []):
            groups[f.get("source") or ""].append(f["id"])
    link_groups = []
    for src, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = findings[ids[0]]
        g = {"source": src or None, "source_title": first.get("source_title"),
             "office": first.get("office_name"), "count": len(ids),
             "table": tables.add(link_cols, ids, per=GROUP_ROWS, findings=findings)}
        link_groups.append(g)
    link_groups_json = None
    if len(link_groups) > PAGE_GROUPS:
        link_groups_json = {
            "c": [[k, label, kind] for k, label, kind in link_cols],
            "per": PAGE_GROUPS, "rows": GROUP_ROWS,
            "g": [{"s": g["source"], "t": g["source_title"], "o": g["office"], "r": groups[g["source"] or ""]}
                  for g in link_groups],
        }
        for ids in groups.values():
            tables.needed_findings.update(ids)

    by_doc: dict[str, list[dict]] = defaultdict(list)
    for f in by_check.get("missing-field", []):
        by_doc[f.get("url")].append(f)
    missing_rows = [
        {"url": url, "title": fs[0].get("title"), "office_name": fs[0].get("office_name"),
         "fields": "、".join(str(f.get("field")) for f in fs if f.get("field")), "ids": " ".join(f["id"] for f in fs)}
        for url, fs in sorted(by_doc.items(), key=lambda kv: kv[0] or "")
    ]
    # one row per document, its missing fields together (the `field` column of missing-field)
    mf_cols = [("fields" if k == "field" else k, label, kind)
               for k, label, kind in vocab.columns("missing-field") or [URL_COL, ("field", "缺少要素", "text")]]
    missing_fields = tables.add(
        [("ids", "编号", "code")] + _with_after(mf_cols, [("title", "标题", "text"), OFFICE_COL], "title"),
        missing_rows)

    late_pub = tables.add(
        [ID_COL] + _with_after(vocab.columns("late-publication") or [URL_COL], [OFFICE_COL], "title"),
        [f["id"] for f in by_check.get("late-publication", [])], findings=findings)
    interp_ids = [f["id"] for c in INTERPRETATION_CHECKS for f in by_check.get(c, [])]
    for i in interp_ids:  # the policy's title and date for 解读 findings that point at it
        f = findings[i]
        if f.get("policy_url") and not f.get("policy_title"):
            f["policy_title"] = doc_titles.get(f["policy_url"])
    # the three checks' columns in one table; its `url` is a policy or a 解读 page, by row
    interp_cols = [("url", "政策文件或解读页面", "url") if k == "url" else (k, label, kind)
                   for k, label, kind in _union([URL_COL], *(vocab.columns(c) for c in INTERPRETATION_CHECKS))]
    interpretations = tables.add([ID_COL, ("check_name", "问题", "text")] + interp_cols, interp_ids,
                                 findings=findings)

    col_states: dict[str, list[str]] = defaultdict(list)
    for c in COLUMN_STATE_CHECKS:
        label = vocab.name(c)
        for f in by_check.get(c, []):
            if label not in col_states[f.get("url")]:
                col_states[f.get("url")].append(label)
    col_rows = []
    seen = set()
    for c in results.get("columns") or []:
        seen.add(c.get("url"))
        states = col_states.get(c.get("url")) or (["空白"] if c.get("entries") == 0 else [])
        col_rows.append({"url": c.get("url"), "name": c.get("name"), "office_name": c.get("office") or PORTAL_NAME,
                         "entries": c.get("entries"), "list_pages": c.get("list_pages"),
                         "last_update": c.get("last_update"), "state": "、".join(states) or "正常",
                         "ok": not states})
    for f in by_check.get("missing-column", []):
        col_rows.append({"url": f.get("url"), "name": f.get("column"), "office_name": f.get("office_name"),
                         "entries": None, "list_pages": None, "last_update": None,
                         "state": vocab.name("missing-column"), "ok": False})
    col_rows.sort(key=lambda r: (r["ok"], r["office_name"] or "", r["name"] or ""))
    columns = tables.add(
        [("name", "栏目", "text"), ("office_name", "评估对象", "text"), ("url", "地址", "url"),
         ("last_update", "最后更新", "date"), ("entries", "条目数", "count"), ("list_pages", "列表页数", "count"),
         ("state", "状态", "text")], col_rows)

    other = []
    for c in sorted((c for c in by_check if c not in WORKLIST_CHECKS), key=lambda c: (c not in vocab, str(c))):
        fs = by_check[c]
        cols = vocab.columns(c)
        if cols and vocab.scope(c) != "site":
            cols = _with_after(cols, [OFFICE_COL], "title" if any(k == "title" for k, _, _ in cols) else "url")
        if not cols:  # an id this renderer does not know: show what it carries
            keys: list[str] = []
            for f in fs:
                keys += [k for k in f if k not in keys and k not in _INTERNAL_KEYS and k not in ("url", "source", "office")]
            cols = [URL_COL, ("source", "所在页面", "url"), OFFICE_COL] + [
                (k, vocab.label(k), "text") for k in keys]
        if any(f.get("indicator_text") for f in fs):
            cols = list(cols) + [INDICATOR_COL]
        other.append({"check": c, "name": vocab.name(c), "count": len(fs),
                      "table": tables.add([ID_COL] + list(cols), [f["id"] for f in fs], findings=findings)})

    tree_view = _tree_view(tree, tables, findings, vocab)

    offices = sorted(results.get("offices") or [],
                     key=lambda o: (o.get("rank") is None, o.get("rank") or 0, -(o.get("score") or 0)))
    office_rows = [{"grade": None, "achieved_weight": None, "judged_weight": None, **o,
                    "pct": (o["score"] / o["max_score"] * 100) if o.get("score") is not None and o.get("max_score") else 0}
                   for o in offices]

    crawl = results.get("crawl") or {}
    checklist = results.get("checklist") or {}
    # the pager needs only the keys some paged table shows
    used = {c[0] for spec in tables.specs.values() for c in spec["c"]}
    if link_groups_json:
        used.update(c[0] for c in link_groups_json["c"])
    data = {
        "per": PAGE_ROWS,
        "f": {i: _compact(findings[i], used) for i in sorted(tables.needed_findings)},
        "i": ({k: t for k, t in texts.items() if t} if INDICATOR_COL[0] in used else {}),
        "t": tables.specs,
        "g": link_groups_json,
    }
    # sections in page order: the summary, the work lists, then the ranking and the full tree
    # 网站可用性 (zwgk/watch/fact.py; the section is _availability.html.j2) when results.json has it
    availability = results.get("availability") or (results.get("facts") or {}).get("availability")
    # 互动交流 (auditor/checks/interaction.py summary; the section is _interaction.html.j2)
    interaction = results.get("interaction")
    # 无障碍与适老化 (auditor/checks/accessibility.py summary; the section is _accessibility.html.j2):
    # shown whenever results.json has the key — null says 未检测; a results.json older than the key has none
    has_accessibility = "accessibility" in results
    order = (["summary", "links", "documents", "columns"] + (["other"] if other else [])
             + (["availability"] if availability else []) + (["interaction"] if interaction else [])
             + (["accessibility"] if has_accessibility else [])
             + ["offices", "tree", "trends"])
    return {
        "nums": {k: chinese_numeral(i + 1) for i, k in enumerate(order)},
        "availability": availability,
        "interaction": interaction,
        "has_accessibility": has_accessibility,
        "accessibility": results.get("accessibility"),
        "title": f"{site.get('name') or site.get('url') or '网站'}政务公开评估报告",
        "site": site,
        "crawl": crawl,
        # a partial crawl (results.json crawl.partial): the banner at the top says why
        "partial": bool(crawl.get("partial")),
        "partial_reasons": list(crawl.get("partial_reasons") or []) or (["原因未记录"] if crawl.get("partial") else []),
        "coverage": results.get("coverage") or {},
        "crawl_span": fmt_span(crawl.get("started_at"), crawl.get("finished_at")),
        "as_of": results.get("as_of"),
        # the source document by name, never a file path
        "checklist": dict(checklist, source=document_name(checklist.get("source"))),
        "tool": results.get("tool") or {},
        "schema": results.get("schema"),
        "score": score,
        "max_score": max_score,
        "score_pct": (score / max_score * 100) if score is not None and max_score else None,
        "grade": summary.get("grade"),
        "passed": summary.get("passed"),
        "pass_mark": summary.get("pass_mark"),
        "deduction": summary.get("strategy") == "deduction",
        "explanation": score_explanation(summary, tree, offices),
        "tree_total": {"score": sum(float(n.get("score") or 0) for n in tree),
                       "judged": (None if any(n.get("judged") is None for n in tree)
                                  else sum(float(n.get("judged") or 0) for n in tree)),
                       "max_score": sum(float(n.get("max_score") or 0) for n in tree)},
        "veto": veto,
        "finding_counts": finding_counts,
        # finding type by id, for headings: every id of the registry, of a work list and of this run
        "names": {c: vocab.name(c) for c in [*vocab, *sorted(WORKLIST_CHECKS), *sorted(counts, key=str)]},
        "finding_total": sum(counts.values()),
        "outcomes": [{"key": k, "name": label, "count": outcomes.get(k, 0)} for k, label in OUTCOMES],
        "shares": [{"key": k, "name": label, "value": shares.get(k)} for k, label in SHARE_NAMES],
        "stats": {"documents": summary.get("documents", len(docs)),
                  "columns": summary.get("columns", len(results.get("columns") or [])),
                  "links_checked": summary.get("links_checked", (results.get("links") or {}).get("checked")),
                  "pages": crawl.get("pages"),
                  # the link findings by type: the same numbers as the findings table and the work list
                  "link_findings": [{"check": c, "name": vocab.name(c), "count": counts.get(c, 0)} for c in LINK_CHECKS]},
        "tree": tree_view,
        "link_groups": link_groups[:PAGE_GROUPS],
        "link_group_total": len(link_groups),
        "link_finding_total": sum(len(v) for v in groups.values()),
        "missing_fields": missing_fields,
        "late_publications": late_pub,
        "interpretations": interpretations,
        "columns": columns,
        "other": other,
        "offices": office_rows,
        "trends": _trends(results, history),
        "data": data,
        "page_rows": PAGE_ROWS,
    }


def render_html(results: dict, *, history: list[dict] | None = None) -> str:
    """The report as one HTML string: inline CSS, JS and SVG; nothing is fetched."""
    view = build_view(results, history)
    return _env().get_template("report.html.j2").render(v=view)


def write_report(results_path: Path, out_html: Path, history: list[dict] | None = None) -> Path:
    results = read_results(results_path, documents=False)
    out_html = Path(out_html)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(render_html(results, history=history), encoding="utf-8")
    return out_html


def render_ranking(meta: dict) -> str:
    """The cross-site ranking page of a batch run (meta: as_of, checklist, sites ranked)."""
    return _env().get_template("ranking.html.j2").render(v=meta)
