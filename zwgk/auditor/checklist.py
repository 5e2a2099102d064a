"""Checklists: load and validate `checklists/*.yaml` into frozen dataclasses.

A checklist is a tree of level nodes (一级指标 → … → 五级指标) whose leaves are indicators.
The file format is described in docs/checklist-format.md. Everything is validated at load
time; every problem found is reported in one ChecklistError whose lines name the file, the
line, the indicator path and the fault in Chinese (texts in zwgk.messages.CHECKLIST), with the
name probably meant when a key, check, param or office is misspelt, e.g.

    checklists/yiyuan-2023.yaml:80: 主动公开/法定基础信息/行政规范性文件/发布情况[2]: 未知的检查「missing-feild」（是否应为「missing-field」？）

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
from zwgk.messages import checklist_text as _m
from zwgk.messages import suggest
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
            raise ChecklistError(_m("no_file", file=s), file=s)
        return p
    for d in checklist_dirs():
        p = d / f"{s}.yaml"
        if p.is_file():
            return p
    names = list_checklists()
    known = "、".join(names) or _m("none")
    raise ChecklistError(_m("unknown_name", name=s, hint=suggest(s, names), known=known), file=s)


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
    except UnicodeDecodeError as exc:
        raise ChecklistError(_m("not_utf8", file=shown), file=shown) from exc
    except OSError as exc:
        raise ChecklistError(_m("cannot_read", file=shown, cause=exc.strerror or exc), file=shown) from exc
    # a bare name is looked up by file name, so there the id must be the file name; a file given by
    # path (an author's draft, a copy) may carry any id
    stem = p.stem if p.resolve().parent in {d.resolve() for d in checklist_dirs()} else None
    return parse_checklist(raw, shown, stem=stem, path=p, resolve_checks=resolve_checks)


def parse_checklist(text: str, shown: str = "<string>", *, stem: str | None = None,
                    path: Path | None = None, resolve_checks: bool = True) -> Checklist:
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        at = f"{shown}:{mark.line + 1}" if mark is not None else shown
        msg = _m("yaml_syntax", column=mark.column + 1 if mark is not None else "?", problem=problem)
        raise ChecklistError(f"{at}: {msg}", file=shown) from exc
    finally:
        loader.dispose()
    v = _Validator(shown, stem, resolve_checks, loader.lines)
    cl = v.build(data, path)
    if v.errors:
        raise ChecklistError("\n".join(v.errors), v.errors, file=shown)
    assert cl is not None
    return cl


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers where each mapping and each of its keys starts (1-based lines),
    keyed by the mapping's id(): errors name the line without a marker key in the data."""

    def __init__(self, stream):
        super().__init__(stream)
        self.lines: dict[Any, int] = {}


def _mapping_with_lines(loader: _LineLoader, node):
    m = loader.construct_mapping(node, deep=True)  # the object the data holds (no generator)
    loader.lines[id(m)] = node.start_mark.line + 1
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            loader.lines[(id(m), key_node.value)] = key_node.start_mark.line + 1
    return m


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_lines)


def _kind(x: Any) -> str:
    return {"list": "列表", "str": "文本", "int": "整数", "float": "数", "bool": "true/false",
            "NoneType": "空值"}.get(type(x).__name__, type(x).__name__)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


class _Validator:
    def __init__(self, shown: str, stem: str | None, resolve_checks: bool, lines: dict | None = None):
        self.shown = shown
        self.lines = lines or {}
        self.stem = stem
        self.errors: list[str] = []
        self.ids: dict[str, tuple[str, dict]] = {}  # id → (where it was first used, its mapping)
        self.offices: set[str] = set()
        self.registry: dict | None = None
        if resolve_checks:
            from .registry import load_all

            self.registry = load_all()

    def err(self, where: str | None, msg: str, at: Any = None, key: Any = None) -> None:
        """One problem: `where` is the indicator path, `at` the mapping (and `key` its key) whose
        line the message names."""
        line = None
        if at is not None:
            line = self.lines.get((id(at), key)) if key is not None else None
            line = line or self.lines.get(id(at))
        head = f"{self.shown}:{line}" if line else self.shown
        self.errors.append(f"{head}: {where}: {msg}" if where else f"{head}: {msg}")

    # top level ------------------------------------------------------------------------
    def build(self, data: Any, path: Path | None) -> Checklist | None:
        if not isinstance(data, dict):
            self.err(None, _m("top_not_mapping", kind=_kind(data)))
            return None
        for k in _TOP_REQUIRED:
            if k not in data:
                self.err(None, _m("missing_key", key=k))
        for k in data:
            if k not in _TOP_KEYS:
                self.err(None, _m("unknown_key", key=k, hint=suggest(k, _TOP_KEYS)), data, k)
        cid = data.get("id")
        if cid is not None:
            if not isinstance(cid, str) or not _ID_RE.match(cid):
                self.err(None, _m("id_not_kebab", id=cid), data, "id")
            elif self.stem is not None and cid != self.stem:
                self.err(None, _m("id_not_file_name", id=cid, stem=self.stem), data, "id")
        for k in ("title", "version", "source"):
            if k in data and not isinstance(data[k], (str, int, float)):
                self.err(None, _m("not_text", key=k), data, k)

        levels = data.get("levels") or []
        if not isinstance(levels, list) or not all(isinstance(x, str) for x in levels):
            self.err(None, _m("levels_not_list"), data, "levels")
            levels = []

        scoring = data.get("scoring") or {"strategy": "weighted"}
        if not isinstance(scoring, dict):
            self.err(None, _m("scoring_not_mapping"), data, "scoring")
            scoring = {"strategy": "weighted"}
        else:
            strat = scoring.get("strategy", "weighted")
            if strat not in SCORING_STRATEGIES:
                self.err("scoring", _m("unknown_strategy", strategy=strat, known=" | ".join(SCORING_STRATEGIES)),
                         scoring, "strategy")
            for k in ("total", "pass_mark"):
                if k in scoring and not (_is_number(scoring[k]) and scoring[k] >= 0):
                    self.err("scoring", _m("not_non_negative", key=k, value=scoring[k]), scoring, k)
            for k in scoring:
                if k not in ("strategy", "total", "pass_mark"):
                    self.err("scoring", _m("unknown_key", key=k, hint=suggest(k, ("strategy", "total", "pass_mark"))),
                             scoring, k)

        offices = data.get("offices") or []
        if not isinstance(offices, list) or not all(isinstance(x, str) and x.strip() for x in offices):
            self.err(None, _m("offices_not_list"), data, "offices")
            offices = []
        seen: set[str] = set()
        for o in offices:
            if o in seen:
                self.err("offices", _m("office_twice", office=o), data, "offices")
            seen.add(o)
        self.offices = set(offices)
        portal = data.get("portal_office")
        if portal is not None:
            if not isinstance(portal, str):
                self.err(None, _m("portal_not_name"), data, "portal_office")
                portal = None
            elif portal not in self.offices:
                self.err(None, _m("portal_not_office", office=portal), data, "portal_office")

        tree_raw = data.get("tree")
        tree: tuple = ()
        if tree_raw is not None:
            if not isinstance(tree_raw, list) or not tree_raw:
                self.err(None, _m("tree_empty"), data, "tree")
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
                self.err(where, _m("not_mapping", kind=_kind(item)))
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
            self.err(where, _m("node_no_name"), item)
            return None
        here = path + (name,)
        loc = "/".join(here)
        for k in item:
            if k not in _NODE_KEYS:
                self.err(loc, _m("node_unknown_key", key=k, hint=suggest(k, _NODE_KEYS | _LEAF_KEYS)), item, k)
        if nlevels and depth > nlevels:
            self.err(loc, _m("node_too_deep", depth=depth, levels=nlevels), item)
        nid = item.get("id")
        if nid is not None:
            if not isinstance(nid, str) or not _LEAF_ID_RE.match(nid):
                self.err(loc, _m("bad_id", id=nid), item, "id")
            else:
                self._claim(nid, loc, item)
        kids = item.get("children")
        if not isinstance(kids, list) or not kids:
            self.err(loc, _m("node_no_children"), item, "children")
            kids = []
        children = self.children(kids, here, depth + 1, nlevels)
        return Node(id=nid if isinstance(nid, str) else loc, name=name, level=depth, children=children)

    def _claim(self, id_: str, loc: str, at: dict) -> None:
        if id_ in self.ids:
            first, first_at = self.ids[id_]
            line = self.lines.get((id(first_at), "id")) or self.lines.get(id(first_at))
            self.err(loc, _m("duplicate_id", id=id_, first=f"{first}，第 {line} 行" if line else first), at, "id")
        else:
            self.ids[id_] = (loc, at)

    def leaf(self, item: dict, path, depth, nlevels, where) -> Indicator | None:
        ok = True
        for k in _LEAF_REQUIRED:
            if k not in item:
                self.err(where, _m("leaf_missing", key=k), item)
                ok = False
        for k in item:
            if k not in _LEAF_KEYS:
                self.err(where, _m("unknown_key", key=k, hint=suggest(k, _LEAF_KEYS)), item, k)
        if nlevels and depth > nlevels:
            self.err(where, _m("leaf_too_deep", depth=depth, levels=nlevels), item)

        iid = item.get("id")
        if iid is not None:
            if not isinstance(iid, str) or not _LEAF_ID_RE.match(iid):
                self.err(where, _m("bad_id", id=iid), item, "id")
                ok = False
            else:
                self._claim(iid, where, item)

        text = item.get("text")
        if "text" in item and (not isinstance(text, str) or not text.strip()):
            self.err(where, _m("text_empty"), item, "text")
            ok = False

        weight = item.get("weight")
        if "weight" in item and not (_is_number(weight) and weight > 0):
            self.err(where, _m("weight_not_positive", value=weight), item, "weight")
            ok = False

        applies = self.applies(item.get("applies_to"), where, item) if "applies_to" in item else None
        if applies is None:
            ok = False

        for k in ("applies_to_text", "basis", "hint"):
            if item.get(k) is not None and not isinstance(item[k], str):
                self.err(where, _m("not_text", key=k), item, k)
        veto = item.get("veto", False)
        if not isinstance(veto, bool):
            self.err(where, _m("not_bool", key="veto", value=veto), item, "veto")
            veto = False

        deduct = item.get("deduct")
        if deduct is not None and not (_is_number(deduct) and deduct > 0):
            self.err(where, _m("deduct_not_positive", value=deduct), item, "deduct")
            deduct = None

        manual = item.get("manual", False)
        if not isinstance(manual, bool):
            self.err(where, _m("not_bool", key="manual", value=manual), item, "manual")
            manual = False
        check = item.get("check")
        params = item.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            self.err(where, _m("params_not_mapping"), item, "params")
            params = {}
        if check is not None and manual:
            self.err(where, _m("check_and_manual"), item, "check")
            ok = False
        elif check is None and not manual:
            self.err(where, _m("no_check_or_manual"), item)
            ok = False
        elif manual and params:
            self.err(where, _m("manual_params"), item, "params")
        if check is not None:
            if not isinstance(check, str):
                self.err(where, _m("check_not_id", value=check), item, "check")
                ok = False
            else:
                self.check_params(check, params, where, item)

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

    def applies(self, a: Any, where: str, item: dict) -> AppliesTo | None:
        if not isinstance(a, dict):
            self.err(where, _m("applies_not_mapping"), item, "applies_to")
            return None
        bad = False
        for k in a:
            if k not in _APPLIES_KEYS:
                self.err(where, _m("applies_unknown_key", key=k, hint=suggest(k, _APPLIES_KEYS)), a, k)
                bad = True
        all_ = a.get("all", False)
        if not isinstance(all_, bool):
            self.err(where, _m("applies_all_not_bool", value=all_), a, "all")
            return None
        lists = {}
        for k in ("offices", "except"):
            v = a.get(k) or []
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                self.err(where, _m("applies_not_list", key=k), a, k)
                return None
            lists[k] = tuple(v)
        if all_ and lists["offices"]:
            self.err(where, _m("applies_both"), a)
            bad = True
        if not all_ and not lists["offices"]:
            self.err(where, _m("applies_none"), a)
            bad = True
        if lists["except"] and not all_:
            self.err(where, _m("applies_except_needs_all"), a, "except")
            bad = True
        for name in lists["offices"] + lists["except"]:
            if name not in self.offices:
                self.err(where, _m("unknown_office", office=name, hint=suggest(name, self.offices)), a)
                bad = True
        if bad:
            return None
        return AppliesTo(all=all_, offices=lists["offices"], except_=lists["except"])

    def check_params(self, check: str, params: dict, where: str, item: dict) -> None:
        for k, v in params.items():
            if k == "column" and isinstance(v, str) and _KIND_LIKE.match(v) and v not in COLUMN_KINDS:
                self.err(where, _m("unknown_column_kind", kind=v, hint=suggest(v, COLUMN_KINDS)), params, k)
        if self.registry is None:
            return
        spec = self.registry.get(check)
        if spec is None:
            self.err(where, _m("unknown_check", check=check, hint=suggest(check, self.registry)), item, "check")
            return
        sig = spec.params()
        var_kw = any(p.kind == p.VAR_KEYWORD for p in sig.values())
        named = {n: p for n, p in sig.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        for k in params:
            if k in named or _ALWAYS_OK_PARAM.match(str(k)) or var_kw:
                continue
            accepted = "、".join(named) or _m("none")
            self.err(where, _m("unknown_param", check=check, param=k, hint=suggest(k, named), accepted=accepted),
                     params, k)
        for n, p in named.items():
            if p.default is p.empty and n not in params:
                self.err(where, _m("missing_param", check=check, param=n), item, "params")
