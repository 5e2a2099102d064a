"""An evaluator's verdict shows under its indicator, with reviewer, date and (escaped) evidence."""
import copy
import json
from pathlib import Path

from zwgk.reports.render import render_html

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "results.json"


def _first_leaf(nodes):
    for n in nodes:
        if n.get("leaf"):
            return n
        found = _first_leaf(n.get("children") or [])
        if found:
            return found


def test_verdict_and_pass_mark_are_shown():
    r = copy.deepcopy(json.loads(GOLDEN.read_text(encoding="utf-8")))
    leaf = _first_leaf(r["scores"]["tree"])
    leaf["results"] = [{"office": "县财政局", "outcome": "pass", "note": "已核查", "findings": 0,
                        "judged_by": "evaluator",
                        "verdict": {"reviewer": "张评估", "date": "2023-12-01", "evidence": "<b>截图见附件</b>",
                                    "url": "http://127.0.0.1/x.html"}}]
    r["summary"]["pass_mark"] = 60
    html = render_html(r)
    assert "张评估" in html and "2023-12-01" in html and "人工评估" in html
    assert "&lt;b&gt;截图见附件&lt;/b&gt;" in html and "<b>截图见附件</b>" not in html
    assert "合格线 60" in html
