"""The external-page fingerprint and its signs (zwgk/formats/landing.py) on realistic pages:
parked / for-sale domains, a casino, a county government's homepage, a company, a government
notice on 福利彩票 and a news report of a crackdown (tests/data/landing/)."""
from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from zwgk.crawler.scope import title_and_text
from zwgk.formats import landing

PAGES = Path(__file__).resolve().parents[1] / "data" / "landing"


def fp_of(name: str, linked: str, final: str | None = None) -> dict:
    html = (PAGES / name).read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    _, text = title_and_text(tree)
    # as the crawl does (linkcheck/tracker.py): the title as written, the whole text
    return landing.fingerprint(linked, final or linked, tree.findtext(".//title"), text, html)


def test_a_chinese_for_sale_page_is_parked():
    fp = fp_of("parked-cn.html", "http://www.bxzwfw.com/")
    assert fp["title"] == "bxzwfw.com 此域名可出售"
    s = landing.signs(fp, "http://www.bxzwfw.com/")
    assert "域名可出售" in s["parked"] and "域名正在出售" in s["parked"]
    assert "gambling" not in s and "porn" not in s and "elsewhere" not in s and "no_gov" in s


def test_a_sedo_parking_page_is_parked_by_its_words_and_its_markup():
    fp = fp_of("parked-en.html", "http://bxtour.net/")
    s = landing.signs(fp, "http://bxtour.net/")
    assert {"domainmaybeforsale", "buythisdomain", "sedoparking.com"} <= set(s["parked"])


def test_a_casino_reached_by_redirect():
    fp = fp_of("gambling.html", "http://www.bxly.cn/", "https://www.hg8868.com/index.html")
    s = landing.signs(fp, "http://www.bxly.cn/")
    assert {"娱乐城", "百家乐", "真人视讯", "葡京"} <= set(s["gambling"])
    assert s["elsewhere"] == ["www.bxly.cn", "www.hg8868.com"]
    assert "no_gov" in s and fp["gov"] == []  # "菲律宾政府授权" in its footer is no government mark
    assert fp["final_url"] == "https://www.hg8868.com/index.html"
    assert fp["title"] == "澳门新葡京娱乐城_百家乐_真人视讯官网"


def test_a_county_government_homepage_shows_its_marks_and_no_sign():
    fp = fp_of("county.html", "http://www.bingxian.gov.cn/")
    assert {"政府域名", "政府网站标识码", "党政机关标识", "人民政府", "标题为政府机构"} <= set(fp["gov"])
    assert fp["icp"] is True
    assert landing.signs(fp, "http://www.bingxian.gov.cn/") == {}


def test_a_county_site_moved_to_a_new_gov_domain_is_elsewhere_but_governmental():
    fp = fp_of("county.html", "http://www.bingxian.com/", "http://www.bingxian.gov.cn/")
    assert set(landing.signs(fp, "http://www.bingxian.com/")) == {"elsewhere"}


def test_an_ordinary_company_page_shows_no_sign_of_harm():
    fp = fp_of("company.html", "http://www.bxzls.com/")
    s = landing.signs(fp, "http://www.bxzls.com/")
    assert set(s) == {"no_gov"}  # not governmental, and nothing else: not for review by itself
    assert fp["icp"] is True and fp["gov"] == []  # an ICP number is no government mark


def test_a_government_notice_on_welfare_lottery_is_not_gambling():
    fp = fp_of("gov-lottery.html", "http://mzj.bingxian.gov.cn/art/2023/10/16/art_2_1.html")
    assert "彩票" in fp["hits"]["gambling_weak"] and "六合彩" in fp["hits"]["gambling"]  # the words are seen
    assert landing.signs(fp, "http://mzj.bingxian.gov.cn/art/2023/10/16/art_2_1.html") == {}
    # even on a host that is not gov.cn: its 网站标识码 and its title (丙县民政局) are government marks
    fp = fp_of("gov-lottery.html", "http://www.bxmzj.com/a.html")
    assert landing.signs(fp, "http://www.bxmzj.com/a.html") == {}


def test_lottery_words_alone_never_make_a_gambling_page():
    fp = landing.fingerprint("http://www.x.com/", "http://www.x.com/", "体育彩票开奖公告",
                             "本期体育彩票开奖结果如下，投注截止时间为20:00，赔率以官方公布为准。")
    assert "gambling" not in landing.signs(fp, "http://www.x.com/")


def test_a_news_report_of_a_crackdown_is_not_a_casino():
    fp = fp_of("news-crackdown.html", "http://society.example.com/n/2023/1101/c1008-1.html")
    assert {"赌场", "博彩", "百家乐"} <= set(fp["hits"]["gambling"]) and fp["hits"]["reported"]
    s = landing.signs(fp, "http://society.example.com/n/2023/1101/c1008-1.html")
    assert "gambling" not in s


def test_the_fingerprint_is_small_whatever_the_page():
    html = "<html><head><title>" + "标题" * 500 + "</title></head><body>" + "百家乐真人视讯娱乐城" * 100000 + "</body></html>"
    title, text = title_and_text(lxml.html.fromstring(html))
    fp = landing.fingerprint("http://a.com/", "http://a.com/" + "x" * 5000, title, text, html)
    assert len(json.dumps(fp, ensure_ascii=False)) < 2048
    assert len(fp["title"]) <= landing.TITLE_MAX and "gambling" in landing.signs(fp, "http://a.com/")


@pytest.mark.parametrize("text,expected", [
    ("丙县人民政府", True), ("中国政府网", True), ("县旅游局", True), ("教育部", True),
    ("市发展和改革委员会", True), ("丙县政务服务网", True), ("国家税务总局山东省税务局", True),
    ("丙县自来水有限公司", False), ("百度", False), ("", False), ("更多>>", False),
])
def test_link_texts_naming_a_government_body(text, expected):
    assert landing.names_government(text) is expected


@pytest.mark.parametrize("a,b,same", [
    ("www.bingxian.gov.cn", "bingxian.gov.cn", True), ("www.bingxian.gov.cn", "www.linxian.gov.cn", False),
    ("m.example.com.cn", "www.example.com.cn", True), ("www.bxly.cn", "www.hg8868.com", False),
    ("127.0.0.2", "127.0.0.3", False),
])
def test_sites_of_hosts(a, b, same):
    assert (landing.site_of(a) == landing.site_of(b)) is same


def test_government_hosts():
    assert landing.gov_host("http://www.bingxian.gov.cn/x") and landing.gov_host("https://www.usa.gov/")
    assert not landing.gov_host("http://www.gov.cn.example.com/") and not landing.gov_host("http://bxly.cn/")
