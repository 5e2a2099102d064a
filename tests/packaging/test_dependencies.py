"""[project].dependencies is exactly what zwgk/ imports: every third-party module some file under
zwgk/ imports (at the top or inside a function) comes from a declared distribution, and every
declared distribution provides a module zwgk/ imports.

Besides import statements, a string that is a dotted path into a third-party module counts as an
import: Scrapy imports the classes its settings name ("scrapy_redis.scheduler.Scheduler").
A driver chosen by a URL the user gives (psycopg for postgresql+psycopg://) is no such import; it
belongs in an extra.

Distribution names are mapped to module names by the installed distributions' own records
(importlib.metadata.packages_distributions: pyyaml -> yaml, chinesecalendar -> chinese_calendar,
zope.interface -> zope …), so every declared dependency must be installed to be checked.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from importlib.util import find_spec
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

REPO = Path(__file__).resolve().parents[2]
PKG = REPO / "zwgk"
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {_canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req).group(0))
            for req in data["project"]["dependencies"]}


def _names_module(value: str, known: dict) -> bool:
    """'scrapy_redis.scheduler.Scheduler' names a module to import; 'results.json' and
    'yaml.txt' do not (the first two parts must be a module installed here)."""
    if not DOTTED.fullmatch(value) or value.split(".")[0] not in known:
        return False
    try:
        return find_spec(".".join(value.split(".")[:2])) is not None
    except (ImportError, ValueError):
        return False


def _imports(files, known: dict, root: Path = REPO) -> dict[str, set[str]]:
    """Third-party top-level module -> the files that import it (or name it for import)."""
    found: dict[str, set[str]] = {}
    for path in sorted(files):
        rel = str(path.relative_to(root))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _names_module(node.value, known):
                names = [node.value]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(rel)
    return {top: f for top, f in found.items() if top != "zwgk" and top not in sys.stdlib_module_names}


def test_dependencies_are_exactly_the_imported_distributions():
    known = packages_distributions()  # module -> distributions installed here that provide it
    declared = _declared()
    provides: dict[str, set[str]] = {}  # declared distribution -> the modules it provides
    for module, dists in known.items():
        for d in dists:
            if _canonical(d) in declared:
                provides.setdefault(_canonical(d), set()).add(module)
    missing_install = declared - set(provides)
    assert not missing_install, f"declared but not installed here, so not checkable: {sorted(missing_install)}"

    imported = _imports(PKG.rglob("*.py"), known)
    undeclared = {top: (sorted(known.get(top, ["(not installed)"])), sorted(files)[:3])
                  for top, files in imported.items() if not any(top in mods for mods in provides.values())}
    assert not undeclared, ("imported under zwgk/ but no [project].dependencies entry provides it "
                            f"(module: (installed distribution, files)): {undeclared}")

    unused = {d: sorted(mods) for d, mods in provides.items() if not mods & set(imported)}
    assert not unused, f"declared in [project].dependencies but nothing under zwgk/ imports it: {unused}"


def test_the_scan_counts_imports_in_functions_and_module_paths_in_strings(tmp_path):
    src = tmp_path / "mod.py"
    src.write_text(
        "import json\n"
        "from zwgk.vocab import norm_text\n"
        "from . import sibling\n"
        "def crawl(settings):\n"
        "    import yaml\n"
        "    from scrapy.crawler import CrawlerProcess\n"
        "    settings.set('SCHEDULER', 'scrapy_redis.scheduler.Scheduler')\n"
        "    return 'results.json', 'lxml.txt'\n", encoding="utf-8")
    known = {"yaml": ["PyYAML"], "scrapy": ["Scrapy"], "scrapy_redis": ["scrapy-redis"], "lxml": ["lxml"]}
    assert _imports([src], known, tmp_path) == {"yaml": {"mod.py"}, "scrapy": {"mod.py"},
                                                "scrapy_redis": {"mod.py"}}
