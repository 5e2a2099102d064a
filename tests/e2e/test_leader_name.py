"""Leaders' names end to end: a loopback site whose 领导信息 page lists 县长 张建国 and 副县长 李明华,
and two news pages — one writes 县长张建图 (one character wrong), the other the names right.
`zwgk run` stores each document's mentions (document.mentions) and the audit's leader-name
reports exactly the typo, as needs_review with the leaders page as evidence."""
from __future__ import annotations

import json
import sqlite3

from tests.e2e.siterun import county_site, run_pages

DOCS = {
    "/zfxxgk/gzdt/202309/t20230921_1.html": ("县政府召开第十二次常务会议", (
        "<p>发布日期：2023-09-21</p><div class='content'>"
        "<p>9月20日，县委副书记、县长张建图主持召开县政府第十二次常务会议，研究部署秋季防火等工作。</p>"
        + "<p>会议要求，各乡镇、各部门要切实做好秋季防火工作。</p>" * 5 + "</div>")),
    "/zfxxgk/gzdt/202309/t20230922_2.html": ("全县教育工作会议召开", (
        "<p>发布日期：2023-09-22</p><div class='content'>"
        "<p>9月22日，全县教育工作会议召开。县长张建国出席会议并讲话，副县长李明华主持会议。</p>"
        + "<p>会议总结了上一学年全县教育工作。</p>" * 5 + "</div>")),
}
COLUMNS = {"/zfxxgk/gzdt/": "工作动态", "/zfxxgk/ldxx/": "领导信息"}
# laid out as sites write it, one element a line (the stored page text is the elements' text as it is)
LEADERS = ("<div class='leaders'>\n<ul>\n"
           "<li>\n<h3>张建国</h3>\n<p>县委副书记、县长</p>\n<p>主持县政府全面工作。</p>\n</li>\n"
           "<li>\n<h3>李明华</h3>\n<p>副县长</p>\n<p>负责教育、卫生健康方面工作。</p>\n</li>\n</ul>\n</div>")


_answer = county_site(COLUMNS, DOCS, lists="/zfxxgk/gzdt/", pages={"/zfxxgk/ldxx/": ("领导信息", LEADERS)})


def test_leader_name_typo_is_needs_review(tmp_path):
    results = run_pages(_answer, tmp_path)

    # the crawl kept each document's mentions, not its text
    with sqlite3.connect(tmp_path / "z.db") as db:
        rows = {u.rsplit("/", 1)[1]: json.loads(m) for u, m in db.execute("SELECT url, mentions FROM document")}
    assert {(x["title"], x["name"]) for x in rows["t20230921_1.html"]} == {("县委副书记", "张建图"), ("县长", "张建图")}
    assert {(x["title"], x["name"]) for x in rows["t20230922_2.html"]} == {("县长", "张建国"), ("副县长", "李明华")}

    found = [f for f in results["findings"] if f["check"] == "leader-name"]
    assert len(found) == 1, found
    f = found[0]
    assert f["url"].endswith("/t20230921_1.html")
    assert f["name"] == "张建图" and f["leader_name"] == "张建国"
    assert "张建图" in f["context"] and f["title"] == "县政府召开第十二次常务会议"
    assert f["leader_page"].endswith("/zfxxgk/ldxx/") and f["source"] == f["leader_page"]
    assert "leader-name" in results["checks"]
    assert results["checks"]["leader-name"]["failure_title"] in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
