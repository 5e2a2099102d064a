"""What the report stage calls each check and finding: results.json's `checks` object.

The registry (zwgk/auditor/registry.py) names every check once — `title` (无断链),
`failure_title` (存在断链) and the evidence columns of its findings — and run_audit writes them
into results.json as `checks` (docs/results-json.md). The HTML report and the CSV / Excel
exports read names and columns from there and from nowhere else.
"""
from __future__ import annotations

from typing import Any

from zwgk.vocab import field_label

Col = tuple[str, str, str]  # key, Chinese label, kind (url/text/date/count/code)


def check_vocabulary(results: dict) -> dict[str, dict]:
    """results.json's `checks`; for a results.json written before it had one, the live
    registry's (the same dictionary run_audit would write today)."""
    checks = results.get("checks")
    if isinstance(checks, dict) and checks:
        return checks
    return _registry_vocabulary()


def _registry_vocabulary() -> dict[str, dict]:
    # The one import of the auditor in the report stage, for results.json files older than
    # `checks` (tests/architecture/test_layers.py allows exactly this).
    try:
        from zwgk.auditor.registry import vocabulary
    except ImportError:  # the report stage installed alone: ids stand for names
        return {}
    return vocabulary()


class Vocabulary:
    """Names and evidence columns by check / finding id, with the id itself for unknown ids."""

    def __init__(self, checks: dict[str, Any]):
        self.checks = {k: v for k, v in (checks or {}).items() if isinstance(v, dict)}

    @classmethod
    def of(cls, results: dict) -> Vocabulary:
        return cls(check_vocabulary(results))

    def __contains__(self, check: object) -> bool:
        return check in self.checks

    def __iter__(self):
        return iter(self.checks)

    def name(self, check: str | None) -> str | None:
        """The finding type (`failure_title`), e.g. 存在断链."""
        entry = self.checks.get(check) or {}
        return entry.get("failure_title") or check

    def title(self, check: str | None) -> str | None:
        """The indicator-style name (`title`), e.g. 无断链."""
        entry = self.checks.get(check) or {}
        return entry.get("title") or check

    def scope(self, check: str | None) -> str | None:
        return (self.checks.get(check) or {}).get("scope")

    def columns(self, check: str | None, *, drop: tuple[str, ...] = ()) -> list[Col]:
        """The evidence columns the registry declares for the findings of `check`."""
        cols = (self.checks.get(check) or {}).get("columns") or []
        return [(c["key"], c["label"], c["kind"]) for c in cols if c.get("key") not in drop]

    def label(self, key: str) -> str:
        """The Chinese label of a finding key: the first check's evidence column of that key,
        else zwgk.vocab.FIELD_LABELS, else the key itself."""
        if not hasattr(self, "_labels"):
            seen: dict[str, list[str]] = {}
            for entry in self.checks.values():
                for c in entry.get("columns") or []:
                    if isinstance(c, dict) and c.get("key") and c.get("label"):
                        seen.setdefault(c["key"], []).append(c["label"])
            # checks that label one key differently (share: 失败占比 / 多元化解读比例) share a
            # table only under the neutral label
            self._labels = {k: (field_label(k) if len(set(v)) > 1 and field_label(k) != k else v[0])
                            for k, v in seen.items()}
        return self._labels.get(key) or field_label(key)

    def names(self) -> dict[str, str]:
        return {k: self.name(k) for k in self.checks}
