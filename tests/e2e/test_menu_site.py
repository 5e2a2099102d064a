"""`zwgk run` against a site whose column menus mislead (tests/fixtures/menusite.py: 青禾县人民政府):
list pages beside sidebars of their siblings, shortcuts from the root to second-level columns, an
overview page, a directory whose children show it in a tree menu.

What a page is must follow from the pages themselves, never from which was answered first:
* with the overview and directory pages held back (the shortcuts' columns and their sidebars read
  first), and with seeded random delays, the documents, the findings and the column tree are the
  same as served straight;
* every listed document is reached and filed under the column whose list shows it;
* the blank list beside a sidebar is 空白栏目; the directory and the overview are not.
"""
from __future__ import annotations

import types
from pathlib import Path

import pytest

from tests.e2e.siterun import Run, order_differences, run_site
from tests.fixtures import menusite

KEY = menusite.answer_key()
SEEDS = [1, 2, 3]
MAX_DELAY = 0.03
SLOW = 0.8  # seconds the overview and directory pages are held back


def _run(base: Path, *, slow: float = 0.0, max_delay: float = 0.0, seed: int | None = None) -> Run:
    site = types.SimpleNamespace(AS_OF=menusite.AS_OF,
                                 serve=lambda max_delay, seed: menusite.serve(max_delay=max_delay, seed=seed, slow=slow))
    return run_site(site, base, max_pages=2000, max_delay=max_delay, seed=seed)


def _tree(run: Run) -> dict:
    return {run.key_form(c["url"]): (run.key_form(c["parent_url"]), c["has_children"], c["entries"])
            for c in run.results["columns"]}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Run:
    return _run(tmp_path_factory.mktemp("menu-baseline"))


@pytest.fixture(scope="module")
def held_back(tmp_path_factory) -> Run:
    return _run(tmp_path_factory.mktemp("menu-slow"), slow=SLOW)


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory) -> list[Run]:
    return [_run(tmp_path_factory.mktemp(f"menu-seed{s}"), max_delay=MAX_DELAY, seed=s) for s in SEEDS]


@pytest.mark.parametrize("which", ["baseline", "held_back"])
def test_every_listed_document_is_reached_and_filed_under_its_list(which, request):
    run: Run = request.getfixturevalue(which)
    assert run.missing(KEY["documents"]) == []
    filed = {run.key_form(d["url"]): d["column"] for d in run.results["documents"]}
    wrong = [(d["path"], filed[d["path"]], d["column"]) for d in KEY["documents"] if filed[d["path"]] != d["column"]]
    assert wrong == []


@pytest.mark.parametrize("which", ["baseline", "held_back"])
def test_the_column_tree_is_the_sites(which, request):
    run: Run = request.getfixturevalue(which)
    tree = _tree(run)
    root = menusite.ROOT
    want = {c["path"]: (c["parent"] or root, c["has_children"]) for c in KEY["columns"]}
    got = {p: (parent, children) for p, (parent, children, _) in tree.items() if p in want}
    assert got == want
    # a column's own entries: an overview page's preview boxes are its sub-columns' entries
    entries = {p: n for p, (_, _, n) in tree.items()}
    assert {c["path"]: entries[c["path"]] for c in KEY["columns"]} == {c["path"]: c["entries"] for c in KEY["columns"]}


@pytest.mark.parametrize("which", ["baseline", "held_back"])
def test_a_blank_list_beside_a_sidebar_is_blank_and_a_directory_is_not(which, request):
    run: Run = request.getfixturevalue(which)
    blank = sorted(run.key_form(f["url"]) for f in run.results["findings"] if f["check"] == "blank-column")
    assert blank == sorted(KEY["blank"])


def test_held_back_directories_change_nothing(baseline, held_back):
    assert not order_differences(baseline, [held_back])
    assert _tree(held_back) == _tree(baseline)


def test_response_order_does_not_change_results(baseline, shuffled):
    diffs = order_differences(baseline, shuffled)
    diffs += [f"seed {r.seed}: column tree differs" for r in shuffled if _tree(r) != _tree(baseline)]
    assert not diffs, "\n".join(diffs)
