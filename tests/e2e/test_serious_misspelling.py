"""Serious misspellings end to end: a loopback county site (沂源县人民政府, 淄博市) whose news pages
write 中国共产觉 for 中国共产党, 沂原县 for the site's own 沂源县 and 临沂巿 (another prefecture's
name, with 巿 for 市) — among paragraphs full of correct phrases one character away from a
canonical term. `zwgk run` stores each document's near-misses (document.term_hits) and the
audit's serious-misspelling reports exactly the answer key: the formulation and the site's own
place name, as needs_review with the canonical wording and its source; 临沂巿 is stored but not
reported (not the site's region)."""
from __future__ import annotations

import json
import sqlite3

from tests.e2e.siterun import county_page, county_site, run_pages

# realistic text whose phrases sit one character from a canonical term and are all correct
CLEAN = ("<p>会议指出，党的二十届二中全会、二十届三中全会精神要学深悟透。全县上下认真学习近期党中央、国务院部署，"
         "培育和践行社会主义核心价值观，建设社会主义核心价值体系。在中央和省市的支持下，推进城市更新，"
         "中心城区和沂源县经济开发区各项工作稳步推进，全县城镇居民人均可支配收入接近平均水平。</p>"
         "<p>共青团中央、中国共产主义青年团沂源县委员会联合开展志愿服务活动。全市、全区、本县各乡镇要加大全区域统筹力度。</p>")
DOCS = {
    "/zfxxgk/gzdt/202309/t20230921_1.html": ("县委理论学习中心组召开专题学习会议", (
        "<p>发布日期：2023-09-21</p><div class='content'>"
        "<p>会议强调，要深入学习贯彻习近平新时代中国特色社会主义思想，增强“四个意识”、坚定“四个自信”、"
        "做到“两个维护”，坚决拥护中国共产觉的领导。</p>" + CLEAN + "</div>")),
    "/zfxxgk/gzdt/202309/t20230922_2.html": ("沂原县2023年春季植树造林工作方案", (
        "<p>发布日期：2023-09-22</p><div class='content'>"
        "<p>为做好全县春季植树造林工作，根据淄博市林业局有关要求，结合我县实际，制定本方案。</p>" + CLEAN + "</div>")),
    "/zfxxgk/gzdt/202309/t20230923_3.html": ("关于赴临沂市学习考察的情况报告", (
        "<p>发布日期：2023-09-23</p><div class='content'>"
        "<p>9月12日，县发展改革局一行赴临沂巿学习考察商贸物流园区建设经验。</p>" + CLEAN + "</div>")),
    "/zfxxgk/gzdt/202309/t20230924_4.html": ("全县秋季安全生产工作会议召开", (
        "<p>发布日期：2023-09-24</p><div class='content'>" + CLEAN * 2 + "</div>")),
}
COLUMNS = {"/zfxxgk/gzdt/": "工作动态"}

_site = county_site(COLUMNS, DOCS, lists="/zfxxgk/gzdt/")


def _answer(path, headers):
    if path == "/":   # the site's own name: the region its place names are checked for
        return 200, county_page("沂源县人民政府", '<a href="/zfxxgk/">政府信息公开</a>'
                                                  "<p>主办单位：沂源县人民政府办公室</p>")
    return _site(path, headers)


ANSWER = {("t20230921_1.html", "中国共产觉", "中国共产党"), ("t20230922_2.html", "沂原县", "沂源县")}


def test_serious_misspellings_are_needs_review(tmp_path):
    results = run_pages(_answer, tmp_path)

    # the crawl kept each document's near-misses, every region's (the extraction knows no site)
    with sqlite3.connect(tmp_path / "z.db") as db:
        rows = {u.rsplit("/", 1)[1]: json.loads(h) for u, h in db.execute("SELECT url, term_hits FROM document")}
    assert {(x["found"], x["term"]) for x in rows["t20230921_1.html"]} == {("中国共产觉", "中国共产党")}
    assert ("沂原县", "沂源县") in {(x["found"], x["term"]) for x in rows["t20230922_2.html"]}
    assert {(x["found"], x["term"], x["code"]) for x in rows["t20230923_3.html"]} == {("临沂巿", "临沂市", "371300")}
    assert rows["t20230924_4.html"] == []

    found = [f for f in results["findings"] if f["check"] == "serious-misspelling"]
    assert {(f["url"].rsplit("/", 1)[1], f["found"], f["term"]) for f in found} == ANSWER, found
    f = next(f for f in found if f["found"] == "中国共产觉")
    assert "中国共产觉" in f["context"] and "党章" in f["term_source"]
    assert f["title"] == "县委理论学习中心组召开专题学习会议"
    assert {f["code"] for f in found if f["term_kind"] == "place"} == {"370323"}
    assert results["checks"]["serious-misspelling"]["failure_title"] in (
        tmp_path / "out" / "report.html").read_text(encoding="utf-8")
