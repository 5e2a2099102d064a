"""Data flows one way: crawl (and watch) → store → audit → report. Imports must not point backwards."""
import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "zwgk"

# stage -> packages it must never import
FORBIDDEN = {
    "auditor/checks": ("scrapy", "sqlalchemy", "zwgk.crawler", "zwgk.store", "zwgk.reports"),
    "auditor": ("scrapy", "zwgk.crawler", "zwgk.reports"),
    "reports": ("scrapy", "sqlalchemy", "zwgk.crawler", "zwgk.store", "zwgk.auditor"),
    "formats": ("scrapy", "sqlalchemy", "zwgk.crawler", "zwgk.store", "zwgk.auditor", "zwgk.reports"),
    "crawler": ("zwgk.auditor", "zwgk.reports"),
    "store": ("scrapy", "zwgk.crawler", "zwgk.auditor", "zwgk.reports"),
    # availability sampling collects, like the crawl: the audit reads its probes (watch/fact.py)
    "watch": ("scrapy", "zwgk.auditor", "zwgk.reports"),
}

# The only exceptions, each to exactly one module: (file under zwgk/, imported module).
ALLOWED = {
    # a results.json written before it carried `checks` is named by the live check registry
    ("reports/checks.py", "zwgk.auditor.registry"),
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_stage_does_not_import_later_or_earlier_stages(stage):
    files = list((PKG / stage).rglob("*.py"))
    assert files, f"no modules in {stage}"
    bad = [(f.relative_to(PKG), name) for f in files for name in _imports(f)
           if any(name == p or name.startswith(p + ".") for p in FORBIDDEN[stage])
           and (f.relative_to(PKG).as_posix(), name) not in ALLOWED]
    assert not bad, f"imports against the data flow: {bad}"


def test_no_module_imports_the_cli_or_another_modules_private_names():
    """The CLI parses options and calls zwgk.orchestrate; nothing calls back into it, and no module
    reaches for another module's private (_underscored) names."""
    bad = []
    for f in PKG.rglob("*.py"):
        rel = f.relative_to(PKG).as_posix()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "zwgk.cli" and rel != "__main__.py":
                    bad.append((rel, "zwgk.cli"))
                bad += [(rel, f"{node.module}.{a.name}") for a in node.names
                        if a.name.startswith("_") and not a.name.startswith("__") and node.module.startswith("zwgk")]
            elif isinstance(node, ast.Import):
                bad += [(rel, a.name) for a in node.names if a.name == "zwgk.cli"]
    assert not bad, bad
