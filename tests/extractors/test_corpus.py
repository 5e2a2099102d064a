"""Saved pages with expected JSON: one test per (page, field), so a failure names the field."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from zwgk.crawler.extractors.fields import extract_document
from zwgk.crawler.extractors.links import canonical_url

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
FIELDS = ("title", "doc_number", "written_date", "publish_date", "validity", "index_no",
          "publisher", "topic", "attachments", "interpretation_urls", "policy_urls",
          "is_interpretation")
_CACHE: dict[Path, dict] = {}


def _cases():
    for exp_path in sorted(PAGES.glob("*/*.json")):
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        case = f"{exp_path.parent.name}/{exp_path.stem}"
        for name in FIELDS:
            if name in expected:
                yield pytest.param(exp_path, name, id=f"{case}:{name}")
        if "body_contains" in expected or "body_excludes" in expected:
            yield pytest.param(exp_path, "body", id=f"{case}:body")


def _extracted(exp_path: Path):
    if exp_path not in _CACHE:
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        body = exp_path.with_suffix(".html").read_bytes()
        doc = extract_document(body, expected["url"], charset=expected.get("header_charset"))
        _CACHE[exp_path] = {"doc": doc, "dict": doc.as_json(), "expected": expected}
    return _CACHE[exp_path]


@pytest.mark.parametrize(("exp_path", "name"), list(_cases()))
def test_field(exp_path: Path, name: str):
    got = _extracted(exp_path)
    expected, out, doc = got["expected"], got["dict"], got["doc"]
    if name == "body":
        for snippet in expected.get("body_contains", []):
            assert snippet in doc.body_text
        for snippet in expected.get("body_excludes", []):
            assert snippet not in doc.body_text
        return
    assert comparable(name, out[name]) == comparable(name, expected[name]), f"reason: {doc.reasons.get(name)}"


def comparable(name: str, value):
    """Expected URLs are written as a reader sees them; compare in the project's canonical form."""
    if name == "attachments":
        return [{**a, "url": canonical_url(a["url"])} for a in value]
    if name in ("interpretation_urls", "policy_urls"):
        return [canonical_url(u) for u in value]
    return value


@pytest.mark.parametrize("exp_path", sorted(PAGES.glob("*/*.json")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_empty_fields_have_reasons(exp_path: Path):
    doc = _extracted(exp_path)["doc"]
    for name in ("title", "doc_number", "written_date", "publish_date", "validity", "index_no",
                 "publisher", "topic"):
        if getattr(doc, name) is None:
            assert doc.reasons.get(name), name


def test_corpus_is_large_enough():
    assert len(list(PAGES.glob("*/*.html"))) >= 30
