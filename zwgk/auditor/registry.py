"""The check registry: check id → pure function + the metadata the report needs.

Checks are named here and nowhere else: each check's `title` (the indicator-style name, 无断链)
and `failure_title` (the finding type, 存在断链) and the evidence columns of its findings. Every
stage that shows a check or a finding reads them from `vocabulary()`, which run_audit writes into
results.json as its `checks` object (docs/results-json.md).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from .model import CheckResult, SiteSnapshot

# kinds of evidence columns; the renderer has one macro per kind
COLUMN_KINDS = ("url", "text", "date", "count", "code", "share")


@dataclass(frozen=True)
class EvidenceColumn:
    key: str      # key in Finding.details, or 'url' / 'source' / 'office'
    label: str    # Chinese column header
    kind: str     # one of COLUMN_KINDS


@dataclass(frozen=True)
class FindingType:
    """A finding id a check reports besides its own id, with its own names and evidence columns."""

    id: str
    title: str            # Chinese, what it means when there is none
    failure_title: str    # Chinese, the finding type
    columns: tuple[EvidenceColumn, ...]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    func: Callable[..., CheckResult]
    title: str            # Chinese, the indicator-style name: shown when it passes (无断链)
    failure_title: str    # Chinese, the finding type: shown when it fails and beside its findings (存在断链)
    columns: tuple[EvidenceColumn, ...]
    scope: str            # 'office': run once per 评估对象; 'site': once for the whole site
    finding: str = ""     # the id its findings carry ("" = the check's own id)
    also: tuple[FindingType, ...] = ()  # other finding ids it reports

    def params(self) -> dict[str, inspect.Parameter]:
        sig = inspect.signature(self.func)
        return {n: p for n, p in list(sig.parameters.items())[1:]}

    @property
    def finding_ids(self) -> tuple[str, ...]:
        """Every `Finding.check` value this check may report."""
        return (self.finding or self.id,) + tuple(t.id for t in self.also)


REGISTRY: dict[str, CheckSpec] = {}


def _columns(owner: str, columns) -> tuple[EvidenceColumn, ...]:
    cols = tuple(c if isinstance(c, EvidenceColumn) else EvidenceColumn(*c) for c in columns)
    for c in cols:
        if c.kind not in COLUMN_KINDS:
            raise ValueError(f"check {owner!r}: unknown column kind {c.kind!r}")
    return cols


def check(id: str, *, title: str, failure_title: str, columns=(), scope: str = "office",
          finding: str | None = None, also=()):
    """Register `func(snapshot, **params) -> CheckResult` under `id`.

    title: the indicator-style name (无断链); failure_title: the finding type (存在断链).
    columns: sequence of (key, label, kind) describing the evidence table of its findings.
    finding: the id its findings carry when it is not `id` (column-exists reports missing-column).
    also: other finding ids it reports, each a dict of id, title, failure_title, columns.
    """

    def deco(func):
        if id in REGISTRY:
            raise ValueError(f"check {id!r} registered twice")
        for k, v in (("title", title), ("failure_title", failure_title)):
            if not (isinstance(v, str) and v.strip()):
                raise ValueError(f"check {id!r}: {k} must be Chinese text")
        extra = tuple(FindingType(a["id"], a["title"], a["failure_title"], _columns(id, a["columns"])) for a in also)
        REGISTRY[id] = CheckSpec(id, func, title, failure_title, _columns(id, columns), scope,
                                 finding if finding and finding != id else "", extra)
        return func

    return deco


def get(id: str) -> CheckSpec:
    load_all()
    return REGISTRY[id]


def load_all() -> dict[str, CheckSpec]:
    """Import every module of auditor/checks so that their checks register."""
    import importlib
    import pkgutil

    from . import checks

    for m in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{m.name}")
    return REGISTRY


def _entry(title: str, failure_title: str, columns: tuple[EvidenceColumn, ...], **more) -> dict:
    return {"title": title, "failure_title": failure_title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in columns], **more}


def vocabulary() -> dict[str, dict]:
    """The `checks` object of results.json: every check id of the registry, and every finding id
    its checks report under another id, → {title, failure_title, columns} (docs/results-json.md).
    An id that is only a finding id carries `check`, the check that reports it; a check whose
    findings carry another id names it in `finding`."""
    out: dict[str, dict] = {}
    for spec in sorted(load_all().values(), key=lambda s: s.id):
        out[spec.id] = _entry(spec.title, spec.failure_title, spec.columns, scope=spec.scope,
                              **({"finding": spec.finding} if spec.finding else {}))
    for spec in sorted(REGISTRY.values(), key=lambda s: s.id):
        kinds = ([FindingType(spec.finding, spec.title, spec.failure_title, spec.columns)] if spec.finding else [])
        for t in kinds + list(spec.also):
            if t.id in out:
                raise ValueError(f"finding id {t.id!r} of check {spec.id!r} is named twice")
            out[t.id] = _entry(t.title, t.failure_title, t.columns, scope=spec.scope, check=spec.id)
    return out


def run_check(spec: CheckSpec, snap: SiteSnapshot, params: dict) -> CheckResult:
    """Run one check; an exception becomes outcome 'error' and the run goes on."""
    try:
        res = spec.func(snap, **params)
        if not isinstance(res, CheckResult):
            raise TypeError(f"check {spec.id} returned {type(res).__name__}, not CheckResult")
        return res
    except Exception as exc:  # noqa: BLE001 - a broken check must not stop an audit
        return CheckResult("error", note=f"检查出错：{type(exc).__name__}: {exc}")
