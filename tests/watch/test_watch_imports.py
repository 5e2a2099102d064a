"""The audit reads the availability fact (zwgk/watch/fact.py, record.py): those modules import
neither the crawler nor an HTTP client, so the auditor that calls them stays free of both."""
import ast
from pathlib import Path

WATCH = Path(__file__).resolve().parents[2] / "zwgk" / "watch"
FORBIDDEN = ("scrapy", "twisted", "httpx", "zwgk.crawler", "zwgk.reports", "zwgk.watch.probe", "zwgk.watch.loop")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            yield f"zwgk.watch.{mod}" if node.level == 1 else mod


def test_the_fact_modules_import_no_crawler_and_no_http_client():
    for name in ("__init__.py", "fact.py", "record.py"):
        bad = [m for m in _imports(WATCH / name) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
        assert not bad, (name, bad)
