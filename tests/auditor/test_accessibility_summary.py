"""results.json `accessibility` from a real audit of a stored crawl: the fact `zwgk a11y` stores
(shape: zwgk/a11y/__init__.py) summarised per page and by impact, and null when it never ran."""
from __future__ import annotations

import copy
from datetime import date

from zwgk.auditor.audit import run_audit
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.write import now, start_crawl

HOME = "http://www.example.gov.cn/"
DOC = "http://www.example.gov.cn/zfxxgk/t1.html"
FACT = {
    "tool": "axe-core 4.10.3", "tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "collected_at": "2023-11-30T02:10:41+00:00", "network": "any",
    "pages": [
        {"url": HOME, "kind": "home", "title": "丁县人民政府", "error": None, "blocked": 0, "violations": []},
        {"url": DOC, "kind": "document", "title": "关于秋季防火的通知", "error": None, "blocked": 1, "violations": [
            {"id": "color-contrast", "impact": "serious", "help": "Elements must meet minimum color contrast ratio thresholds",
             "nodes": 4, "targets": [{"selector": "p", "html": "<p style=\"color:#bbb\">"}]},
            {"id": "some-new-rule", "impact": "moderate", "help": "Some new rule help text", "nodes": 1, "targets": []},
            {"id": "image-alt", "impact": "critical", "help": "Images must have alternative text", "nodes": 3,
             "targets": [{"selector": f"img:nth-child({i})", "html": f"<img src=\"/{i}.png\">"} for i in (1, 2, 3)]}]},
        {"url": HOME + "zfxxgk/", "kind": "root", "title": None, "error": "CDPError: net::ERR_CONNECTION_REFUSED",
         "blocked": 0, "violations": []},
    ],
    "entry": {"url": HOME, "error": None, "links": [{"text": "长者模式", "href": HOME + "care/"}], "scripts": []},
}


def _audit(tmp_path, fact):
    session = open_db(f"sqlite:///{tmp_path / 'z.db'}")()
    crawl = start_crawl(session, HOME)
    session.add(m.Page(crawl_id=crawl.id, url=HOME, kind="home", status=200, fetched_at=now(), title="丁县人民政府"))
    crawl.homepage_url, crawl.status = HOME, "finished"
    if fact is not None:
        crawl.facts = {"accessibility": copy.deepcopy(fact)}
    session.commit()
    return run_audit(session, crawl.id, "national-web-2019", date(2023, 11, 30))


def test_the_summary_of_the_stored_fact(tmp_path):
    results = _audit(tmp_path, FACT)
    a = results["accessibility"]
    assert (a["tool"], a["collected_at"], a["network"]) == ("axe-core 4.10.3", "2023-11-30T02:10:41+00:00", "any")
    assert (a["pages_tested"], a["pages_not_testable"], a["pages_with_violations"], a["violations"]) == (2, 1, 1, 3)
    assert a["by_impact"] == {"critical": 1, "serious": 1, "moderate": 1, "minor": 0}
    assert a["nodes_by_impact"] == {"critical": 3, "serious": 4, "moderate": 1, "minor": 0}
    pages = {p["url"]: p for p in a["pages"]}
    assert list(pages) == [HOME, DOC, HOME + "zfxxgk/"]  # in the order tested
    assert pages[HOME + "zfxxgk/"]["error"].startswith("CDPError") and pages[DOC]["blocked"] == 1
    rows = pages[DOC]["violations"]
    assert [v["id"] for v in rows] == ["image-alt", "color-contrast", "some-new-rule"]  # most severe first
    alt = rows[0]
    assert (alt["impact"], alt["impact_label"], alt["name"], alt["nodes"]) == ("critical", "严重", "图片缺少替代文本（alt）", 3)
    assert alt["help"] == "Images must have alternative text"
    assert alt["examples"] == [{"selector": "img:nth-child(1)", "html": "<img src=\"/1.png\">"},
                               {"selector": "img:nth-child(2)", "html": "<img src=\"/2.png\">"}]  # two of three
    assert rows[1]["impact_label"] == "较严重"
    assert rows[2]["name"] is None and rows[2]["help"] == "Some new rule help text" and rows[2]["examples"] == []
    assert a["entry"] == {"url": HOME, "error": None, "found": True,
                          "links": [{"text": "长者模式", "href": HOME + "care/"}], "scripts": []}
    # the checks judge the same fact
    assert {f["check"] for f in results["findings"]} >= {"accessibility"}
    assert not [f for f in results["findings"] if f["check"] == "elderly-mode"]


def test_no_entry_found_and_untested_homepage(tmp_path):
    fact = dict(FACT, entry={"url": HOME, "error": None, "links": [], "scripts": []})
    assert _audit(tmp_path, fact)["accessibility"]["entry"]["found"] is False
    (tmp_path / "b").mkdir()
    assert _audit(tmp_path / "b", dict(FACT, entry=None))["accessibility"]["entry"] is None


def test_null_when_never_collected(tmp_path):
    results = _audit(tmp_path, None)
    assert "accessibility" in results and results["accessibility"] is None
