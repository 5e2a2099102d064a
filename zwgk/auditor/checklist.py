"""Checklists: load and validate `checklists/*.yaml` into frozen dataclasses.

A checklist is a tree of level nodes (一级指标 → … → 五级指标) whose leaves are indicators.
The file format is described in docs/checklist-format.md. Everything is validated at load
time; every problem found is reported in one ChecklistError whose lines name the file and
the indicator path, e.g.

    checklists/yiyuan-2023.yaml: 主动公开/法定基础信息/行政规范性文件/发布情况[2]: unknown check 'requird-fields'

    >>> cl = load_checklist("yiyuan-2023")
    >>> for ind in cl.iter_indicators(): ...
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union

import yaml

import zwgk
from zwgk.vocab import COLUMN_KINDS, norm_text

__all__ = [
    "AppliesTo",
    "Checklist",
    "ChecklistError",
    "Indicator",
    "Node",
    "checklist_dirs",
    "list_checklists",
    "load_checklist",
]

SCORING_STRATEGIES = ("weighted", "deduction")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LEAF_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_KIND_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP_REQUIRED = ("id", "title", "version", "source", "tree")
_TOP_KEYS = set(_TOP_REQUIRED) | {"levels", "scoring", "offices", "portal_office", "description", "notes"}
_LEAF_REQUIRED = ("id", "text", "weight", "applies_to")
_LEAF_KEYS = set(_LEAF_REQUIRED) | {
    "applies_to_text", "basis", "check", "params", "manual", "hint", "veto", "deduct",
}
_NODE_KEYS = {"name", "id", "children"}
_APPLIES_KEYS = {"all", "offices", "except"}
# params every check accepts: the threshold's source, and early-warning levels
_ALWAYS_OK_PARAM = re.compile(r"^(basis|.+_warn)$")


class ChecklistError(Exception):
    """A checklist that cannot be loaded. `errors` holds one line per problem."""

    def __init__(self, message: str, errors: list[str] | None = None, file: str | None = None):
        super().__init__(message)
        self.errors = errors or [message]
        self.file = file


@dataclass(frozen=True)
class AppliesTo:
    """Which 评估对象 an indicator applies to."""

    all: bool = False
    offices: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return self.offices + self.except_


@dataclass(frozen=True)
class Indicator:
    id: str
    path: tuple[str, ...]          # names of the level nodes above it
    level: int                     # depth in the tree, 1-based (a leaf under four levels is 5)
    text: str
    applies_to_text: str | None
    applies_to: AppliesTo
    weight: float
    basis: str | None
    check: str | None
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    manual: bool = False
    hint: str | None = None
    veto: bool = False             # 单项否决: failing it fails the whole site
    deduct: float | None = None    # deduction strategy: points per finding, capped at `weight`

    @property
    def location(self) -> str:
        return "/".join(self.path)

    @property
    def call_params(self) -> dict[str, Any]:
        """params without the annotations every check accepts (`basis`, `*_warn`): what to
        pass to the check function."""
        return {k: v for k, v in self.params.items() if not _ALWAYS_OK_PARAM.match(str(k))}

    def applies(self, office_name: str | None, portal_office: str | None = None) -> bool:
        """Does this indicator apply to `office_name`? None means the portal itself,
        i.e. the checklist's `portal_office`."""
        name = office_name if office_name is not None else portal_office
        key = norm_text(name) if name is not None else None
        a = self.applies_to
        if a.all:
            return key is None or key not in {norm_text(x) for x in a.except_}
        if key is None:
            return False
        return key in {norm_text(x) for x in a.offices}


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    level: int                     # 1-based depth
    children: tuple[Union["Node", Indicator], ...]

    def iter_indicators(self) -> Iterator[Indicator]:
        for c in self.children:
            if isinstance(c, Indicator):
                yield c
            else:
                yield from c.iter_indicators()


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    version: str
    source: str
    levels: tuple[str, ...]
    scoring: dict[str, Any] = field(hash=False)
    offices: tuple[str, ...]
    portal_office: str | None
    tree: tuple[Node | Indicator, ...]
    path: Path | None = None

    def iter_indicators(self) -> Iterator[Indicator]:
        for c in self.tree:
            if isinstance(c, Indicator):
                yield c
            else:
                yield from c.iter_indicators()

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(self.iter_indicators())

    def indicator(self, id: str) -> Indicator:
        for ind in self.iter_indicators():
            if ind.id == id:
                return ind
        raise KeyError(id)

    def level_name(self, level: int) -> str | None:
        return self.levels[level - 1] if 0 < level <= len(self.levels) else None


# --------------------------------------------------------------------------------------
# locating files


def checklist_dirs() -> list[Path]:
    """Where bare checklist names are looked up, whichever exist: the repository's checklists/
    in a source checkout (also `pip install -e .`), then zwgk/checklists/ inside the package,
    where a built wheel carries a copy of them (setup.py adds them to the build)."""
    pkg = Path(zwgk.__file__).resolve().parent
    cands = [pkg / "checklists"]
    # beside an installed zwgk is site-packages, whose checklists/ (if any) is not ours
    if (pkg.parent / "pyproject.toml").is_file():
        cands.insert(0, pkg.parent / "checklists")
    return [d for d in cands if d.is_dir()]


def list_checklists() -> list[str]:
    """Names of the available checklists (file names without .yaml), sorted."""
    seen: dict[str, Path] = {}
    for d in checklist_dirs():
        for p in sorted(d.glob("*.yaml")):
            seen.setdefault(p.stem, p)
    return sorted(seen)


def _resolve(name_or_path: str | Path) -> Path:
    s = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in s or "\\" in s or s.endswith((".yaml", ".yml")):
        p = Path(name_or_path)
        if not p.is_file():
            raise ChecklistError(f"{s}: no such checklist file", file=s)
        return p
    for d in checklist_dirs():
        p = d / f"{s}.yaml"
        if p.is_file():
            return p
    known = ", ".join(list_checklists()) or "none"
    raise ChecklistError(f"unknown checklist {s!r} (known: {known})", file=s)


def _display(p: Path) -> str:
    rp = p.resolve()
    repo = Path(zwgk.__file__).resolve().parents[1]
    for base in (repo, Path.cwd().resolve()):
        try:
            return str(rp.relative_to(base))
        except ValueError:
            continue
    return str(p)


# --------------------------------------------------------------------------------------
# loading


def load_checklist(name_or_path: str | Path, *, resolve_checks: bool = True) -> Checklist:
    """Load and validate a checklist by bare name ('yiyuan-2023') or file path.

    resolve_checks=False skips the registry part of the validation (check ids and params).
    """
    p = _resolve(name_or_path)
    shown = _display(p)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(f"{shown}: cannot read: {exc}", file=shown) from exc
    return parse_checklist(raw, shown, stem=p.stem, path=p, resolve_checks=resolve_checks)


def parse_checklist(text: str, shown: str = "<string>", *, stem: str | None = None,
                    path: Path | None = None, resolve_checks: bool = True) -> Checklist:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(f"{shown}: YAML syntax error: {where}{problem}", file=shown) from exc
    v = _Validator(shown, stem, resolve_checks)
    cl = v.build(data, path)
    if v.errors:
        raise ChecklistError("\n".join(v.errors), v.errors, file=shown)
    assert cl is not None
    return cl


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


class _Validator:
    def __init__(self, shown: str, stem: str | None, resolve_checks: bool):
        self.shown = shown
        self.stem = stem
        self.errors: list[str] = []
        self.ids: dict[str, str] = {}
        self.offices: set[str] = set()
        self.registry: dict | None = None
        if resolve_checks:
            from .registry import load_all

            self.registry = load_all()

    def err(self, where: str | None, msg: str) -> None:
        self.errors.append(f"{self.shown}: {where}: {msg}" if where else f"{self.shown}: {msg}")

    # top level ------------------------------------------------------------------------
    def build(self, data: Any, path: Path | None) -> Checklist | None:
        if not isinstance(data, dict):
            self.err(None, f"top level must be a mapping, not {type(data).__name__}")
            return None
        for k in _TOP_REQUIRED:
            if k not in data:
                self.err(None, f"missing required key {k!r}")
        for k in data:
            if k not in _TOP_KEYS:
                self.err(None, f"unknown key {k!r}")
        cid = data.get("id")
        if cid is not None:
            if not isinstance(cid, str) or not _ID_RE.match(cid):
                self.err(None, f"id {cid!r} is not kebab-case")
            elif self.stem is not None and cid != self.stem:
                self.err(None, f"id {cid!r} differs from the file name {self.stem!r}")
        for k in ("title", "version", "source"):
            if k in data and not isinstance(data[k], (str, int, float)):
                self.err(None, f"{k} must be text")

        levels = data.get("levels") or []
        if not isinstance(levels, list) or not all(isinstance(x, str) for x in levels):
            self.err(None, "levels must be a list of names")
            levels = []

        scoring = data.get("scoring") or {"strategy": "weighted"}
        if not isinstance(scoring, dict):
            self.err(None, "scoring must be a mapping")
            scoring = {"strategy": "weighted"}
        else:
            strat = scoring.get("strategy", "weighted")
            if strat not in SCORING_STRATEGIES:
                self.err("scoring", f"unknown strategy {strat!r} (use {' | '.join(SCORING_STRATEGIES)})")
            for k in ("total", "pass_mark"):
                if k in scoring and not (_is_number(scoring[k]) and scoring[k] >= 0):
                    self.err("scoring", f"{k} must be a non-negative number, not {scoring[k]!r}")
            for k in scoring:
                if k not in ("strategy", "total", "pass_mark"):
                    self.err("scoring", f"unknown key {k!r}")

        offices = data.get("offices") or []
        if not isinstance(offices, list) or not all(isinstance(x, str) and x.strip() for x in offices):
            self.err(None, "offices must be a list of names")
            offices = []
        seen: set[str] = set()
        for o in offices:
            if o in seen:
                self.err("offices", f"office {o!r} listed twice")
            seen.add(o)
        self.offices = set(offices)
        portal = data.get("portal_office")
        if portal is not None:
            if not isinstance(portal, str):
                self.err(None, "portal_office must be a name")
                portal = None
            elif portal not in self.offices:
                self.err(None, f"portal_office {portal!r} is not in offices")

        tree_raw = data.get("tree")
        tree: tuple = ()
        if tree_raw is not None:
            if not isinstance(tree_raw, list) or not tree_raw:
                self.err(None, "tree must be a non-empty list")
            else:
                tree = self.children(tree_raw, (), 1, len(levels))

        if cid is None or not isinstance(cid, str):
            return None
        return Checklist(
            id=cid,
            title=str(data.get("title", "")),
            version=str(data.get("version", "")),
            source=str(data.get("source", "")),
            levels=tuple(levels),
            scoring=dict(scoring),
            offices=tuple(offices),
            portal_office=portal,
            tree=tree,
            path=path,
        )

    # tree -----------------------------------------------------------------------------
    def children(self, items: list, path: tuple[str, ...], depth: int, nlevels: int) -> tuple:
        out = []
        for i, item in enumerate(items, 1):
            where = f"{'/'.join(path)}[{i}]" if path else f"tree[{i}]"
            if not isinstance(item, dict):
                self.err(where, f"expected a mapping, not {type(item).__name__}")
                continue
            if "children" in item or ("name" in item and "text" not in item):
                n = self.node(item, path, depth, nlevels, where)
                if n is not None:
                    out.append(n)
            else:
                ind = self.leaf(item, path, depth, nlevels, where)
                if ind is not None:
                    out.append(ind)
        return tuple(out)

    def node(self, item: dict, path, depth, nlevels, where) -> Node | None:
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            self.err(where, "a level node needs a name")
            return None
        here = path + (name,)
        loc = "/".join(here)
        for k in item:
            if k not in _NODE_KEYS:
                self.err(loc, f"unknown key {k!r} on a level node")
        if nlevels and depth > nlevels:
            self.err(loc, f"level {depth} is deeper than the {nlevels} levels declared")
        nid = item.get("id")
        if nid is not None:
            if not isinstance(nid, str) or not _LEAF_ID_RE.match(nid):
                self.err(loc, f"bad id {nid!r}")
            else:
                self._claim(nid, loc)
        kids = item.get("children")
        if not isinstance(kids, list) or not kids:
            self.err(loc, "a level node needs non-empty children")
            kids = []
        children = self.children(kids, here, depth + 1, nlevels)
        return Node(id=nid if isinstance(nid, str) else loc, name=name, level=depth, children=children)

    def _claim(self, id_: str, loc: str) -> None:
        if id_ in self.ids:
            self.err(loc, f"duplicate id {id_!r} (first used at {self.ids[id_]})")
        else:
            self.ids[id_] = loc

    def leaf(self, item: dict, path, depth, nlevels, where) -> Indicator | None:
        ok = True
        for k in _LEAF_REQUIRED:
            if k not in item:
                self.err(where, f"indicator is missing {k!r}")
                ok = False
        for k in item:
            if k not in _LEAF_KEYS:
                self.err(where, f"unknown key {k!r}")
        if nlevels and depth > nlevels:
            self.err(where, f"indicator at level {depth} is deeper than the {nlevels} levels declared")

        iid = item.get("id")
        if iid is not None:
            if not isinstance(iid, str) or not _LEAF_ID_RE.match(iid):
                self.err(where, f"bad id {iid!r}")
                ok = False
            else:
                self._claim(iid, where)

        text = item.get("text")
        if "text" in item and (not isinstance(text, str) or not text.strip()):
            self.err(where, "text must be non-empty")
            ok = False

        weight = item.get("weight")
        if "weight" in item and not (_is_number(weight) and weight > 0):
            self.err(where, f"weight must be a positive number, not {weight!r}")
            ok = False

        applies = self.applies(item.get("applies_to"), where) if "applies_to" in item else None
        if applies is None:
            ok = False

        for k in ("applies_to_text", "basis", "hint"):
            if item.get(k) is not None and not isinstance(item[k], str):
                self.err(where, f"{k} must be text")
        veto = item.get("veto", False)
        if not isinstance(veto, bool):
            self.err(where, f"veto must be true or false, not {veto!r}")
            veto = False

        deduct = item.get("deduct")
        if deduct is not None and not (_is_number(deduct) and deduct > 0):
            self.err(where, f"deduct must be a positive number (points per finding), not {deduct!r}")
            deduct = None

        manual = item.get("manual", False)
        if not isinstance(manual, bool):
            self.err(where, f"manual must be true or false, not {manual!r}")
            manual = False
        check = item.get("check")
        params = item.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            self.err(where, "params must be a mapping")
            params = {}
        if check is not None and manual:
            self.err(where, "has both check and manual: true (give exactly one)")
            ok = False
        elif check is None and not manual:
            self.err(where, "needs a check or manual: true")
            ok = False
        elif manual and params:
            self.err(where, "a manual indicator takes no params")
        if check is not None:
            if not isinstance(check, str):
                self.err(where, f"check must be a check id, not {check!r}")
                ok = False
            else:
                self.check_params(check, params, where)

        if not ok:
            return None
        return Indicator(
            id=iid,
            path=path,
            level=depth,
            text=text.strip(),
            applies_to_text=item.get("applies_to_text"),
            applies_to=applies,
            weight=float(weight) if isinstance(weight, float) else weight,
            basis=item.get("basis"),
            check=check,
            params=dict(params),
            manual=manual,
            hint=item.get("hint"),
            veto=veto,
            deduct=deduct,
        )

    def applies(self, a: Any, where: str) -> AppliesTo | None:
        if not isinstance(a, dict):
            self.err(where, "applies_to must be a mapping like {all: true} or {offices: [...]}")
            return None
        bad = False
        for k in a:
            if k not in _APPLIES_KEYS:
                self.err(where, f"applies_to: unknown key {k!r}")
                bad = True
        all_ = a.get("all", False)
        if not isinstance(all_, bool):
            self.err(where, f"applies_to.all must be true or false, not {all_!r}")
            return None
        lists = {}
        for k in ("offices", "except"):
            v = a.get(k) or []
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                self.err(where, f"applies_to.{k} must be a list of office names")
                return None
            lists[k] = tuple(v)
        if all_ and lists["offices"]:
            self.err(where, "applies_to: give either all: true or offices, not both")
            bad = True
        if not all_ and not lists["offices"]:
            self.err(where, "applies_to names no office (use all: true or offices: [...])")
            bad = True
        if lists["except"] and not all_:
            self.err(where, "applies_to.except needs all: true")
            bad = True
        for name in lists["offices"] + lists["except"]:
            if name not in self.offices:
                self.err(where, f"unknown office {name!r} (not in offices)")
                bad = True
        if bad:
            return None
        return AppliesTo(all=all_, offices=lists["offices"], except_=lists["except"])

    def check_params(self, check: str, params: dict, where: str) -> None:
        for k, v in params.items():
            if k == "column" and isinstance(v, str) and _KIND_LIKE.match(v) and v not in COLUMN_KINDS:
                self.err(where, f"params: unknown column kind {v!r} (see zwgk/vocab.py COLUMN_KINDS)")
        if self.registry is None:
            return
        spec = self.registry.get(check)
        if spec is None:
            self.err(where, f"unknown check {check!r}")
            return
        sig = spec.params()
        var_kw = any(p.kind == p.VAR_KEYWORD for p in sig.values())
        named = {n: p for n, p in sig.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        for k in params:
            if k in named or _ALWAYS_OK_PARAM.match(str(k)) or var_kw:
                continue
            accepted = ", ".join(named) or "none"
            self.err(where, f"check {check!r} takes no param {k!r} (accepted: {accepted})")
        for n, p in named.items():
            if p.default is p.empty and n not in params:
                self.err(where, f"check {check!r} needs param {n!r}")
