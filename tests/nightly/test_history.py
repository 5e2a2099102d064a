"""Pure history logic: new / fixed / persisting by (check, url, source), first-seen dates, days open."""
from datetime import date

from zwgk.auditor import history
from zwgk.auditor.history import (
    Run,
    annotate,
    apply_to_results,
    compare,
    diff_lines,
    persist_phrase,
)
from zwgk.auditor.registry import load_all, vocabulary


def f(check, url, source=None, **kw):
    return {"check": check, "url": url, "source": source, **kw}


A = f("broken-link", "http://x/a.pdf", "http://x/doc1.html")
B = f("missing-field", "http://x/doc2.html", field="文号")
C = f("broken-link", "http://x/a.pdf", "http://x/doc3.html")  # same target, another page: another finding


def test_compare_keys_on_check_url_and_source():
    d = compare([A, B], [dict(A, status=500), C])
    assert [x["source"] for x in d.new] == ["http://x/doc3.html"]
    assert d.fixed == [B]
    assert d.persisting == [dict(A, status=500)]  # current's details win


def test_no_previous_run_means_everything_is_new():
    d = compare(None, [A, B])
    assert (len(d.new), d.fixed, d.persisting) == (2, [], [])


def test_empty_source_and_missing_source_are_the_same_key():
    assert compare([f("blank-column", "http://x/c/", "")], [f("blank-column", "http://x/c/")]).counts() == \
        {"new": 0, "fixed": 0, "persisting": 1}


def test_first_seen_is_the_earliest_run_that_had_the_finding():
    runs = [Run(date(2024, 3, 1), [B]), Run(date(2024, 2, 20), [dict(A)]), Run(date(2024, 3, 2), [dict(A)])]
    cur = [dict(A), dict(C)]
    d = annotate(cur, runs, date(2024, 3, 4))
    assert cur[0]["first_seen"] == "2024-02-20" and cur[0]["days_open"] == 13
    assert cur[1]["first_seen"] == "2024-03-04" and cur[1]["days_open"] == 0
    # the diff is against the latest earlier run (2024-03-02), not the oldest
    assert d.counts() == {"new": 1, "fixed": 0, "persisting": 1}


def test_persist_phrase_says_how_long_in_the_checks_words():
    assert persist_phrase({"check": "broken-link", "days_open": 12, "first_seen": "2024-03-01"}) == \
        "存在断链已持续 12 天（自 2024-03-01 起）"
    assert persist_phrase({"check": "broken-link", "days_open": 0, "first_seen": "2024-03-01"}) == \
        "存在断链已持续不足 1 天（自 2024-03-01 起）"


def test_apply_to_results_adds_fields_and_changes():
    results = {"findings": [dict(A, id="F00001"), dict(C, id="F00002")]}
    earlier = [{"observed": "2024-03-01", "audit_id": 7, "crawl": {"id": 3}, "as_of": "2024-03-01",
                "findings": [dict(A), dict(B)]}]
    apply_to_results(results, earlier, date(2024, 3, 11))
    assert [x["days_open"] for x in results["findings"]] == [10, 0]
    ch = results["changes"]
    assert (ch["new"], ch["fixed"], ch["persisting"]) == (1, 1, 1)
    assert ch["new_ids"] == ["F00002"]
    assert ch["previous"] == {"audit_id": 7, "crawl_id": 3, "observed": "2024-03-01", "as_of": "2024-03-01"}
    assert ch["fixed_findings"][0]["url"] == "http://x/doc2.html"


def test_first_run_has_no_previous():
    results = {"findings": [dict(A)]}
    apply_to_results(results, [], date(2024, 3, 11))
    assert results["changes"]["previous"] is None and results["changes"]["new"] == 1
    assert results["findings"][0]["first_seen"] == "2024-03-11"


def test_diff_lines_list_each_group():
    d = annotate([dict(A, days_open=None)], [Run(date(2024, 3, 1), [A, B])], date(2024, 3, 13))
    text = "\n".join(diff_lines(d))
    assert "新增问题 0 个，已整改 1 个，仍存在 1 个" in text
    assert "存在断链已持续 12 天" in text and "文件缺少公开要素：http://x/doc2.html" in text


def test_diff_and_history_names_are_the_registrys():
    """`zwgk diff` and notifications name every finding id by its check's failure_title."""
    voc = vocabulary()
    for spec in load_all().values():
        for fid in spec.finding_ids:
            name = voc[fid]["failure_title"]
            assert history.check_name(fid) == name
            d = annotate([f(fid, "http://x/p.html", days_open=None)], [Run(date(2024, 3, 1), [f(fid, "http://x/p.html")])],
                         date(2024, 3, 3))
            lines = diff_lines(d)
            assert f"  = {name}：http://x/p.html  {name}已持续 2 天（自 2024-03-01 起）" in lines, lines
    assert set(history.check_names()) == set(voc)
    # the e-mail of new findings names them the same way
    from zwgk.commands.nightly import mail_text, notification

    payload = notification({"changes": {"new_ids": ["F1"], "new": 1}, "site": {"url": "http://x/"},
                            "findings": [{"id": "F1", "check": "broken-link", "url": "http://x/a.html"}]})
    assert payload["new_findings"][0]["check_name"] == voc["broken-link"]["failure_title"]
    assert f"- {voc['broken-link']['failure_title']}：http://x/a.html" in mail_text(payload)[1]
    # a results.json's own `checks` wins; an unknown id stands for itself
    checks = {"broken-link": dict(voc["broken-link"], failure_title="旧名称")}
    assert history.check_name("broken-link", checks) == "旧名称"
    assert "  + 旧名称：http://x/a.pdf （位于 http://x/doc1.html）" in diff_lines(compare([], [A]), checks=checks)
    assert history.check_name("future-check") == "future-check"
