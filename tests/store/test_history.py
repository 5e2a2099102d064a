"""A site's stored runs: one per audited crawl, in order, with findings; audits pick up history."""
from datetime import date, datetime, timedelta, timezone

from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.history import observed_date, site_runs, site_urls
from zwgk.store.write import start_crawl

SITE = "http://127.0.0.1:1/"


def _run(s, day: datetime, findings, checklist="yiyuan-2023", site=SITE):
    crawl = start_crawl(s, site)
    crawl.started_at = day
    audit = m.Audit(crawl_id=crawl.id, checklist=checklist, checklist_version="1", as_of=day.date(),
                    created_at=day, score=50.0, max_score=100.0)
    s.add(audit)
    s.flush()
    s.add_all([m.Finding(audit_id=audit.id, check=c, url=u, source=src, office=None, details={"status": 404})
               for c, u, src in findings])
    s.flush()
    return crawl.id, audit.id


def test_site_runs_in_order_with_findings_and_before(db_url):
    Session = open_db(db_url)
    t0 = datetime(2024, 3, 1, 18, 30, tzinfo=timezone.utc)  # 02:30 on 2 March in Beijing
    with Session.begin() as s:
        c2, _ = _run(s, t0 + timedelta(days=1), [("broken-link", "http://x/a", "http://x/p")])
        c1, a1 = _run(s, t0, [("broken-link", "http://x/a", "http://x/p"), ("blank-column", "http://x/c/", None)])
        c3, _ = _run(s, t0 + timedelta(days=2), [])
        _run(s, t0, [("site-identity", "http://y/", None)], site="http://127.0.0.1:2/")
        # a second audit of the first crawl with another checklist: the wanted checklist wins
        s.add(m.Audit(crawl_id=c1, checklist="baseline", as_of=date(2024, 3, 2), created_at=t0, score=1.0,
                      max_score=100.0))
    with Session() as s:
        runs = site_runs(s, site_url=SITE, checklist="yiyuan-2023")
        assert [r["crawl"]["id"] for r in runs] == [c1, c2, c3]
        assert runs[0]["audit_id"] == a1
        assert runs[0]["observed"] == date(2024, 3, 2)
        assert {f["check"] for f in runs[0]["findings"]} == {"broken-link", "blank-column"}
        assert runs[0]["findings"][0]["status"] == 404
        assert [r["crawl"]["id"] for r in site_runs(s, before_crawl=c3)] == [c1, c2]
        assert site_runs(s, before_crawl=c1) == []
        assert site_urls(s) == ["http://127.0.0.1:1/", "http://127.0.0.1:2/"]


def test_observed_date_is_beijing_time():
    assert observed_date(datetime(2024, 3, 1, 18, 30)) == date(2024, 3, 2)  # naive = UTC
    assert observed_date(datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc)) == date(2024, 3, 1)


def test_diff_names_the_column_and_the_item_as_the_checklist_states_it():
    """`zwgk diff` describes a finding by its check's evidence columns, not by its URL alone: two
    missing columns at one place are told apart, a missing item is the indicator's text (not the
    words searched for), and every id reads as its registry name."""
    from zwgk.auditor.history import compare, diff_lines, indicator_texts
    from zwgk.auditor.registry import vocabulary

    texts = indicator_texts("yiyuan-2023")
    where = "http://127.0.0.1:1/czj/gongkai/"
    found = [
        {"check": "missing-column", "url": where, "office": "示例县财政局", "column": "行政执法公示"},
        {"check": "missing-column", "url": where, "office": "示例县财政局", "column": "减税降费"},
        {"check": "missing-item", "url": where, "office": "示例县财政局", "item": "建议＋提案＋总体", "year": 2022,
         "indicators": ["yy-157"]},
        {"check": "interpretation-forms", "url": where, "share": 0.4, "min_share": 0.6},
        {"check": "broken-link", "url": "http://127.0.0.1:1/a.html", "source": where, "error": "soft-404"},
    ]
    lines = diff_lines(compare([], found), checklist="yiyuan-2023")
    voc = vocabulary()
    names = {f["check"]: voc[f["check"]]["failure_title"] for f in found}
    col = next(c["label"] for c in voc["missing-column"]["columns"] if c["key"] == "column")
    assert f"  + {names['missing-column']}：{where}（评估对象：示例县财政局；{col}：行政执法公示）" in lines
    assert f"  + {names['missing-column']}：{where}（评估对象：示例县财政局；{col}：减税降费）" in lines
    item = next(x for x in lines if x.startswith(f"  + {names['missing-item']}"))
    assert texts["yy-157"].rstrip("。") in item and "＋" not in item
    assert not any(x for x in lines if "interpretation-forms" in x or "missing-" in x)
    assert any(x.startswith(f"  + {names['interpretation-forms']}：") for x in lines)
    link = next(x for x in lines if x.startswith(f"  + {names['broken-link']}"))
    assert "soft-404" not in link and "软404" in link
