"""The check registry: check id → pure function + the metadata the report needs."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from .model import CheckResult, SiteSnapshot

# kinds of evidence columns; the renderer has one macro per kind
COLUMN_KINDS = ("url", "text", "date", "count", "code")


@dataclass(frozen=True)
class EvidenceColumn:
    key: str      # key in Finding.details, or 'url' / 'source' / 'office'
    label: str    # Chinese column header
    kind: str     # one of COLUMN_KINDS


@dataclass(frozen=True)
class CheckSpec:
    id: str
    func: Callable[..., CheckResult]
    title: str            # Chinese, shown when it passes
    failure_title: str    # Chinese, shown when it fails
    columns: tuple[EvidenceColumn, ...]
    scope: str            # 'office': run once per 评估对象; 'site': once for the whole site

    def params(self) -> dict[str, inspect.Parameter]:
        sig = inspect.signature(self.func)
        return {n: p for n, p in list(sig.parameters.items())[1:]}


REGISTRY: dict[str, CheckSpec] = {}


def check(id: str, *, title: str, failure_title: str, columns=(), scope: str = "office"):
    """Register `func(snapshot, **params) -> CheckResult` under `id`.

    columns: sequence of (key, label, kind) describing the evidence table of its findings.
    """

    def deco(func):
        if id in REGISTRY:
            raise ValueError(f"check {id!r} registered twice")
        cols = tuple(EvidenceColumn(*c) for c in columns)
        for c in cols:
            if c.kind not in COLUMN_KINDS:
                raise ValueError(f"check {id!r}: unknown column kind {c.kind!r}")
        REGISTRY[id] = CheckSpec(id, func, title, failure_title, cols, scope)
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


def run_check(spec: CheckSpec, snap: SiteSnapshot, params: dict) -> CheckResult:
    """Run one check; an exception becomes outcome 'error' and the run goes on."""
    try:
        res = spec.func(snap, **params)
        if not isinstance(res, CheckResult):
            raise TypeError(f"check {spec.id} returned {type(res).__name__}, not CheckResult")
        return res
    except Exception as exc:  # noqa: BLE001 - a broken check must not stop an audit
        return CheckResult("error", note=f"检查出错：{type(exc).__name__}: {exc}")
