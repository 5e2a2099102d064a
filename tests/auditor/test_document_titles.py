"""Findings name the documents they point at (results.json findings: title, source_title,
policy_title), so that the report needs no list of every document."""
from datetime import date, datetime

from zwgk.auditor.audit import _document_titles
from zwgk.auditor.model import Document, SiteSnapshot

SITE = "http://127.0.0.1:1/"


def _doc(path: str, title: str | None) -> Document:
    return Document(url=SITE + path, title=title, doc_number=None, written_date=None, publish_date=None,
                    validity=None, index_no=None, publisher=None, topic=None, column=None, column_kind=None,
                    office=None, body_chars=0, is_interpretation=False)


def test_titles_are_filled_where_the_check_left_none():
    snap = SiteSnapshot(site_url=SITE, homepage_url=SITE, crawl_id=1, crawled_at=datetime(2023, 11, 1),
                        as_of=date(2023, 11, 30), homepage=None, pages=(), columns=(), links=(), occurrences=(),
                        offices=(), documents=(_doc("p.html", "某政策"), _doc("j.html", "某解读"), _doc("u.html", None)))
    findings = [
        {"check": "late-interpretation", "url": SITE + "j.html", "source": SITE + "p.html",
         "policy_url": SITE + "p.html", "title": None, "source_title": None},
        {"check": "wrong-link", "url": SITE + "j.html", "source": SITE + "col/", "title": "列表上的标题"},
        {"check": "broken-link", "url": SITE + "gone.html", "source": SITE + "u.html", "source_title": None},
    ]
    _document_titles(snap, findings)
    assert findings[0]["title"] == "某解读" and findings[0]["source_title"] == "某政策"
    assert findings[0]["policy_title"] == "某政策"
    assert findings[1]["title"] == "列表上的标题"  # a check's own title stays
    assert "source_title" not in findings[1]      # not a document: nothing added
    assert findings[2]["source_title"] is None and "title" not in findings[2]  # no title, no document
