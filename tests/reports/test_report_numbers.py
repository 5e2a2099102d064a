"""The report's numbers agree with results.json and with each other (issue #16): the headline,
the tree's top-node total, the explanation, the 评估对象 and every count shown twice."""
from __future__ import annotations

import re

import lxml.html
import pytest

from zwgk.reports.render import fmt_num, render_html

from .synth import big_results

LINK_CHECKS = ("broken-link", "wrong-link", "inconclusive-link")


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _counts_table(doc) -> dict[str, int]:
    return {tr.get("data-check"): int(_text(tr.xpath("td")[-1]))
            for tr in doc.xpath('//table[@id="finding-counts"]/tbody/tr[@data-check]')}


def _check_counts(doc, results: dict) -> None:
    """Every count of findings shown twice is the same number, and results.json's."""
    from collections import Counter

    expected = dict(Counter(f["check"] for f in results["findings"]))
    assert _counts_table(doc) == expected
    card = {b.get("data-check"): int(_text(b)) for b in doc.xpath('//section[@id="summary"]//b[@class="cnt"]')}
    assert card == {c: expected.get(c, 0) for c in LINK_CHECKS}
    total = int(re.search(r"共 (\d+) 个", _text(doc.xpath('//h3[starts-with(normalize-space(.), "发现问题")]')[0]))[1])
    assert total == len(results["findings"])
    links = re.search(r"共 (\d+) 个问题链接", _text(doc.get_element_by_id("links")))
    assert int(links[1]) == sum(expected.get(c, 0) for c in LINK_CHECKS)
    for h in doc.xpath('//section[@id="other"]/h3[@data-check]'):
        assert int(re.search(r"（(\d+) 个）", _text(h))[1]) == expected[h.get("data-check")]


@pytest.fixture(scope="module")
def sample(sample_report):
    results, path = sample_report
    return results, lxml.html.fromstring(path.read_text(encoding="utf-8"))


def test_headline_tree_and_explanation_agree(sample):
    results, doc = sample
    s = results["summary"]
    assert s["strategy"] == "weighted"
    assert _text(doc.get_element_by_id("total-score")) == f"{fmt_num(s['score'])} / {fmt_num(s['max_score'])}"
    top = doc.xpath('//div[@class="tree"]/details/summary/span[contains(@class, "pts")]')
    assert len(top) == len(results["scores"]["tree"]) >= 2
    achieved = sum(float(t.get("data-score")) for t in top)
    judged = sum(float(t.get("data-judged")) for t in top)
    weight = sum(float(t.get("data-max")) for t in top)
    assert achieved == pytest.approx(s["achieved_weight"], abs=1e-3)
    assert judged == pytest.approx(s["judged_weight"], abs=1e-3)
    assert weight == pytest.approx(s["total_weight"], abs=1e-3)
    assert round(100 * achieved / judged, 2) == pytest.approx(s["score"], abs=0.01)
    # the one paragraph says it with the same numbers
    explain = _text(doc.get_element_by_id("score-explain"))
    assert (f"已评指标得分 {fmt_num(round(achieved, 2))} ÷ 已评指标分值 {fmt_num(round(judged, 2))} × 100 = "
            f"{fmt_num(s['score'])} 分") in explain
    total = _text(doc.get_element_by_id("tree-total"))
    assert f"= {fmt_num(s['score'])}" in total and fmt_num(round(judged, 2)) in total


def test_offices_and_pass_agree_with_the_site(sample):
    results, doc = sample
    s = results["summary"]
    rows = doc.xpath('//section[@id="offices"]//tr[@class="office"]')
    assert len(rows) == len(results["offices"]) >= 2
    shown = [float(r.xpath('td[@class="o-score"]')[0].get("data-score")) for r in rows]
    assert shown == [o["score"] for o in results["offices"]]
    # the 评估对象's points add up to the site's, so the site lies between them
    assert sum(o["judged_weight"] for o in results["offices"]) == pytest.approx(s["judged_weight"], abs=1e-3)
    assert sum(o["achieved_weight"] for o in results["offices"]) == pytest.approx(s["achieved_weight"], abs=1e-3)
    assert min(shown) <= s["score"] <= max(shown)
    # passed follows the grade, for the site and every 评估对象
    for x in [s, *results["offices"]]:
        assert x["passed"] is (x["grade"] not in ("差", "不合格"))
    grade = _text(doc.xpath('//div[contains(@class, "grade")]')[0])
    assert s["grade"] in grade and ("不合格" in grade) is (not s["passed"])


def test_counts_agree_sample_site(sample):
    results, doc = sample
    assert results["summary"]["findings_by_check"] == dict(_counts_table(doc))
    _check_counts(doc, results)


def test_counts_agree_synthetic(golden):
    r = big_results(golden, n=3000, sources=300)
    _check_counts(lxml.html.fromstring(render_html(r)), r)


def test_outcome_counts_agree(sample):
    """The 指标结果 table and the tree's top-node badges count the same indicators."""
    from collections import Counter

    results, doc = sample
    table = {}
    for tr in doc.xpath('//h3[normalize-space(.)="指标结果"]/following-sibling::table[1]/tbody/tr'):
        name, n = _text(tr.xpath("td")[0]), int(_text(tr.xpath("td")[1]))
        table[name] = n
    badges = Counter()
    for b in doc.xpath('//div[@class="tree"]/details/summary/span[@class="oc"]/span'):
        label, n = _text(b).rsplit(" ", 1)
        badges[label] += int(n)
    assert {k: v for k, v in table.items() if v} == dict(badges)
    assert sum(table.values()) == sum(results["summary"]["outcomes"].values())
