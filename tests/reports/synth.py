"""Synthetic large results (tens of thousands of findings) built from the golden file."""
from __future__ import annotations

import copy
import itertools


def _leaves(nodes):
    for n in nodes:
        if n.get("leaf"):
            yield n
        else:
            yield from _leaves(n.get("children") or [])


def big_results(golden: dict, n: int = 50_000, sources: int = 2_000) -> dict:
    """golden with its findings cycled up to `n`, spread over `sources` source pages."""
    r = copy.deepcopy(golden)
    base = golden["findings"]
    out = []
    for i, f in zip(range(n), itertools.cycle(base)):
        g = dict(f)
        g["id"] = f"F{i + 1:06d}"
        g["url"] = f"{f['url']}?n={i}"
        if g.get("source"):
            g["source"] = f"http://127.0.0.1:8000/zwgk/art/2023/p{i % sources}.html"
            g["source_title"] = f"示例页面{i % sources}"
        out.append(g)
    r["findings"] = out
    by_ind: dict[str, list[str]] = {}
    for f in out:
        for ind in f["indicators"]:
            by_ind.setdefault(ind, []).append(f["id"])
    for leaf in _leaves(r["scores"]["tree"]):
        if leaf.get("evidence"):
            leaf["evidence"]["finding_ids"] = by_ind.get(leaf["id"], [])
    counts: dict[str, int] = {}
    for f in out:
        counts[f["check"]] = counts.get(f["check"], 0) + 1
    r["summary"]["findings_by_check"] = counts
    return r
