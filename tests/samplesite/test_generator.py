"""The sample-site generator: determinism, answer key consistency, planted defects, link safety."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from markupsafe import escape

from zwgk.samplesite.generator import add_workdays, generate, workdays_between
from zwgk.vocab import COLUMN_KINDS, VALIDITY

ROOT = Path(__file__).resolve().parents[2]
STRICT_DOC_NO = re.compile(r"^[\u4e00-\u9fa5A-Za-z]{1,24}?〔(?:19|20)\d{2}〕[1-9]\d{0,5}号$")


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def finding_ids() -> set[str]:
    """Finding ids from the results.json contract (docs/results-json.md)."""
    text = (ROOT / "docs" / "results-json.md").read_text(encoding="utf-8")
    section = text.split("## Finding ids", 1)[1]
    return set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))


# ------------------------------------------------------------------------------------- determinism

def test_same_seed_gives_identical_bytes(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, seed=2023, scale=1)
    assert tree_digest(again) == tree_digest(site)


def test_other_seed_gives_other_site(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    key = generate(other, seed=7, scale=1)
    assert tree_digest(other) != tree_digest(site)
    # the planted defect classes do not depend on the seed
    base = json.loads((site / "answer_key.json").read_text(encoding="utf-8"))
    assert sorted(d["check"] for d in key["defects"]) == sorted(d["check"] for d in base["defects"])


def test_generate_empties_the_target(tmp_path: Path) -> None:
    (tmp_path / "stale.html").write_text("old")
    generate(tmp_path, seed=2023)
    assert not (tmp_path / "stale.html").exists()


def test_return_value_is_the_written_key(site: Path, key: dict, tmp_path: Path) -> None:
    returned = generate(tmp_path / "s", seed=2023)
    assert returned == key


# ------------------------------------------------------------------------------------- size and shape

def test_demo_size(key: dict) -> None:
    assert 300 <= key["counts"]["html_pages"] <= 600
    assert key["as_of"] == "2023-11-30"
    assert key["homepage"] == "/" and key["disclosure_root"] == "/xxgk/"
    assert key["portal_office"] == "县政府办公室"


def test_scale_adds_documents_and_departments_but_no_defects(key: dict, tmp_path: Path) -> None:
    big = generate(tmp_path / "big", seed=2023, scale=3)
    assert len(big["offices"]) > len(key["offices"])
    assert len(big["documents"]) > 2.5 * len(key["documents"])

    def planted(k):  # each department brings its own footer without 网站标识码: one site-identity each
        return sorted(d["check"] for d in k["defects"] if not (d["check"] == "site-identity" and d["office"]))

    assert planted(big) == planted(key)
    assert sum(d["check"] == "site-identity" and d["office"] is not None
               for d in big["defects"]) == len(big["offices"]) - 1


def test_offices_and_families(key: dict) -> None:
    deps = [o for o in key["offices"] if not o["is_portal"]]
    assert len(deps) >= 4
    assert {o["family"] for o in key["offices"]} >= {"trs", "sdgk", "govcn", "jcms"}
    assert any(o["encoding"] == "gbk" for o in deps)
    assert {o["pagination"] for o in key["offices"]} >= {"trs-js", "next-last", "query", "datastore"}


def test_column_kinds_are_vocab_keys(key: dict) -> None:
    for c in key["columns"]:
        assert c["kind"] in COLUMN_KINDS, c
        assert c["list_pages"] == len(c["list_paths"]) >= 1


def test_each_pagination_style_has_a_multi_page_column(key: dict) -> None:
    style = {o["name"]: o["pagination"] for o in key["offices"] if not o["is_portal"]}
    style[None] = "trs-js"
    multi = {style[c["office"]] for c in key["columns"] if c["list_pages"] > 1}
    assert {"trs-js", "next-last", "query"} <= multi


def test_portal_has_the_statutory_columns(key: dict) -> None:
    kinds = {c["kind"] for c in key["columns"] if c["office"] is None}
    assert {"guide", "rules", "normative", "policy", "interpretation", "org", "leaders", "planning", "stats",
            "budget", "finance", "civil_service", "license", "punish", "random_inspection", "news",
            "annual_report"} <= kinds


def test_document_values_are_normalised(key: dict) -> None:
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for d in key["documents"]:
        assert iso.match(d["publish_date"]), d
        assert d["written_date"] is None or iso.match(d["written_date"]), d
        assert d["validity"] is None or d["validity"] in VALIDITY, d
        for v in d.values():
            assert v != "", d


# ------------------------------------------------------------------------------------- pages vs key

def test_every_document_page_exists_and_shows_its_title(key: dict, read_page) -> None:
    assert len(key["documents"]) > 200
    for d in key["documents"]:
        text = read_page(d["path"])
        assert str(escape(d["title"])) in text, d["path"]


def test_shown_fields_are_on_the_page(key: dict, read_page) -> None:
    for d in key["documents"]:
        text = read_page(d["path"])
        if d["doc_number"]:
            assert d["doc_number"] in text, d["path"]
        if d["index_no"]:
            assert d["index_no"] in text, d["path"]
        if d["written_date"]:
            y, m, dd = (int(x) for x in d["written_date"].split("-"))
            forms = (d["written_date"], f"{y}年{m:02d}月{dd:02d}日", f"{y}年{m}月{dd}日")
            assert any(f in text for f in forms), d["path"]


def test_missing_fields_are_really_missing(key: dict, read_page) -> None:
    labels = {"有效性": ("有效性：", "有　效　性：", "时效："), "文号": ("文号：", "发文字号：", "文件编号：", "文　　号："),
              "成文日期": ("成文日期：", "生成日期：", "发文日期：")}
    missing = [f for f in key["defects"] if f["check"] == "missing-field"]
    assert {f["field"] for f in missing} == {"有效性", "文号", "成文日期"}
    docs = {d["path"]: d for d in key["documents"]}
    for f in missing:
        text = re.sub(r"<[^>]+>", " ", read_page(f["url"]))
        field = {"有效性": "validity", "文号": "doc_number", "成文日期": "written_date"}[f["field"]]
        assert docs[f["url"]][field] is None
        for label in labels[f["field"]]:
            # either the label is absent, or it is followed by an empty value cell
            for m in re.finditer(re.escape(label), text):
                after = re.sub(r"<[^>]+>", "", text[m.end(): m.end() + 80]).strip()
                assert not after or after.startswith(("主题分类", "发布", "索")), (f, after)
        if f["field"] == "成文日期":
            assert not re.search(r'text-align:right">[^<]*日</p>', read_page(f["url"]))


def test_interpretations_are_linked_both_ways(key: dict, read_page) -> None:
    docs = {d["path"]: d for d in key["documents"]}
    no_backlink = {f["url"] for f in key["defects"] if f["check"] == "interpretation-without-backlink"}
    interps = [d for d in key["documents"] if d["is_interpretation"]]
    assert len(interps) >= 15
    assert {d["interpretation_form"] for d in interps} >= {"文字", "图解", "问答", "视频"}
    for i in interps:
        policies = [p for p in docs.values() if i["path"] in p["interpretation_paths"]]
        assert len(policies) == 1, i["path"]
        assert i["policy_paths"] == ([] if i["path"] in no_backlink else [policies[0]["path"]])
        assert "相关解读" in read_page(policies[0]["path"]) or "解读文章" in read_page(policies[0]["path"])


def test_list_pages_hold_the_column_entries(key: dict, read_page) -> None:
    for c in key["columns"]:
        if c["kind"] == "interpretation" or not c["list_paths"][0].endswith("/"):
            continue
        text = read_page(c["path"])
        if c["entries"] == 0:
            assert "暂无" in text
        else:
            assert text.count("<li>") + text.count("<tr><td>") >= min(c["entries"], 8) or "<record>" in text


# ------------------------------------------------------------------------------------- planted defects

EXPECTED_CHECKS = {
    "broken-link", "wrong-link", "inconclusive-link", "missing-field", "doc-number-format", "date-order",
    "late-publication", "missing-interpretation", "late-interpretation", "interpretation-without-backlink",
    "blank-column", "stale-column", "missing-period", "missing-column", "missing-item", "short-retention",
    "late-annual-report", "site-identity",
}


def test_every_defect_class_is_planted_with_a_contract_id(key: dict) -> None:
    checks = {f["check"] for f in key["defects"]}
    assert checks == EXPECTED_CHECKS
    assert checks <= finding_ids()


def test_defects_are_a_minority(key: dict) -> None:
    doc_defects = {f["url"] for f in key["defects"] if f["url"] in {d["path"] for d in key["documents"]}}
    assert len(doc_defects) < 0.1 * len(key["documents"])


def test_doc_number_forms(key: dict) -> None:
    bad = {f["doc_number"]: f["reason"] for f in key["defects"] if f["check"] == "doc-number-format"}
    assert len(bad) == 7
    assert any("[" in n for n in bad) and any("（" in n for n in bad) and any("【" in n for n in bad)
    assert any(re.search(r"〔\d{2}〕", n) for n in bad) and any("〕0" in n for n in bad)
    assert any("第" in n for n in bad) and any(not n.endswith("号") for n in bad)
    for d in key["documents"]:
        if d["doc_number"] and d["doc_number"] not in bad:
            assert STRICT_DOC_NO.match(d["doc_number"]), d["doc_number"]
    for n in bad:
        assert not STRICT_DOC_NO.match(n)


def test_working_day_defects_match_the_calendar(key: dict) -> None:
    docs = {d["path"]: d for d in key["documents"]}
    flagged = {f["url"] for f in key["defects"] if f["check"] == "late-publication"}
    order = {f["url"] for f in key["defects"] if f["check"] == "date-order"}
    assert len(flagged) == 2 and len(order) == 1
    for d in docs.values():
        if d["written_date"]:
            w, p = (dt_(d["written_date"]), dt_(d["publish_date"]))
            assert (workdays_between(w, p) > 20) == (d["path"] in flagged), d["path"]
            assert (w > p) == (d["path"] in order), d["path"]
    late = {f["url"] for f in key["defects"] if f["check"] == "late-interpretation"}
    assert len(late) == 1
    for i in (d for d in docs.values() if d["is_interpretation"]):
        pol = next(p for p in docs.values() if i["path"] in p["interpretation_paths"])
        wd = workdays_between(dt_(pol["publish_date"]), dt_(i["publish_date"]))
        assert (wd > 3) == (i["path"] in late), i["path"]


def test_holiday_trap_is_on_time(key: dict) -> None:
    trap = next(n for n in key["non_defects"] if n["check"] == "late-interpretation")
    assert (trap["publish_date"], trap["interpretation_date"]) == ("2023-09-28", "2023-10-09")
    assert workdays_between(dt_("2023-09-28"), dt_("2023-10-09")) == 3
    assert add_workdays(dt_("2023-09-28"), 1) == dt_("2023-10-07")   # a Saturday workday (调休)
    # 9 calendar days but on time: not listed as a defect
    assert trap["url"] not in {f["url"] for f in key["defects"]}


def test_missing_periods_are_missing(key: dict, read_page) -> None:
    fin = next(c for c in key["columns"] if c["kind"] == "finance" and c["office"] is None)
    periods = {f["period"] for f in key["defects"] if f["check"] == "missing-period"}
    assert periods == {"2023-07", "2023-08"}
    titles = [d["title"] for d in key["documents"] if d["column"] == fin["name"] and d["office"] is None]
    assert "2023年1—6月全县财政收支情况" in titles and "2023年1—9月全县财政收支情况" in titles
    assert not any(t.startswith(("2023年1—7月", "2023年1—8月")) for t in titles)


def test_column_level_defects(key: dict) -> None:
    cols = {c["path"]: c for c in key["columns"]}
    blank = next(f for f in key["defects"] if f["check"] == "blank-column")
    assert cols[blank["url"]]["entries"] == 0
    stale = next(f for f in key["defects"] if f["check"] == "stale-column")
    assert cols[stale["url"]]["last_update"] == stale["last_update"] and stale["days"] > 150
    for c in cols.values():   # every other 工作动态 column is fresh
        if c["kind"] == "news" and c["path"] != stale["url"]:
            assert (dt_(key["as_of"]) - dt_(c["last_update"])).days <= 14, c
    missing = next(f for f in key["defects"] if f["check"] == "missing-column")
    office = next(o for o in key["offices"] if o["name"] == missing["office"])
    assert "budget" not in office["columns"]
    assert all("budget" in o["columns"] for o in key["offices"] if o is not office)
    item = next(f for f in key["defects"] if f["check"] == "missing-item")
    titles = [d["title"] for d in key["documents"] if d["office"] == item["office"] and d["column_kind"] == "catalogue"]
    assert titles and not any("2023年" in t for t in titles)
    short = next(f for f in key["defects"] if f["check"] == "short-retention")
    assert {d["publish_date"][:4] for d in key["documents"] if d["column"] == "公务员招考"} == {"2023"}
    report = next(f for f in key["defects"] if f["check"] == "late-annual-report")
    assert report["publish_date"] > report["deadline"]
    assert short["years"] == 1


def test_site_identity_mark_missing(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "网站标识码：3713990012" in home and "鲁ICP备" in home and "党政机关网站标识" in home
    assert "公网安备" not in home


# ------------------------------------------------------------------------------------- link safety

def all_links(site: Path, key: dict) -> list[tuple[str, str]]:
    gbk_roots = [o["root"].split("/")[1] for o in key["offices"] if o["encoding"] == "gbk"]
    out = []
    for f in site.rglob("*"):
        if f.suffix not in (".html", ".htm") and "@page-" not in f.name:
            continue
        rel = "/" + str(f.relative_to(site))
        enc = "gbk" if rel.split("/")[1] in gbk_roots else "utf-8"
        tree = lxml_html.fromstring(f.read_bytes().decode(enc))
        for el in tree.iter():
            for attr in ("href", "src", "action"):
                v = el.get(attr)
                if v is not None:
                    out.append((rel, v))
        for script in tree.iter("script"):   # JCMS list records hide links in CDATA
            out += [(rel, v) for v in re.findall(r'href="([^"]+)"', script.text or "")]
    return out


def test_no_link_leaves_the_machine(site: Path, key: dict) -> None:
    wrong = {f["url"] for f in key["defects"] if f["check"] == "wrong-link"}
    links = all_links(site, key)
    assert len(links) > 3000
    seen_wrong = set()
    for source, href in links:
        if href.startswith(("__SITE__/", "__EXTERNAL__/", "/", "./", "../", "?", "#", "javascript:")):
            continue
        try:
            relative = not urlsplit(href).scheme and ":" not in href and "\\" not in href
        except ValueError:   # malformed
            relative = False
        if relative:
            continue
        assert href in wrong, (source, href)
        seen_wrong.add(href)
    assert seen_wrong == wrong - {f["url"] for f in key["defects"] if f.get("error") == "title-mismatch"}


def test_no_real_host_in_any_text_file(site: Path, key: dict) -> None:
    wrong = {f["url"] for f in key["defects"] if f["check"] == "wrong-link"}
    for f in site.rglob("*"):
        if not f.is_file() or f.suffix not in (".html", ".htm", ".js", ".css", ".txt", ".json") and "@" not in f.name:
            continue
        if f.name == "answer_key.json":
            continue
        for m in re.finditer(rb"(?:https?|ftp)://[^\s\"'<>)\x80-\xff]+", f.read_bytes()):
            found = m.group(0).decode("ascii")
            assert any(w.startswith(found) for w in wrong), (f, found)


def test_planted_broken_targets_are_absent(site: Path, key: dict) -> None:
    for f in key["defects"]:
        if f["check"] == "broken-link" and f.get("status") == 404 and f["url"].startswith("/"):
            assert not (site / f["url"].lstrip("/")).exists(), f
        if f["check"] == "broken-link" and f.get("error") == "soft-404":
            assert not (site / f["url"].lstrip("/")).exists(), f


def test_robots_disallows_a_linked_path(site: Path, key: dict) -> None:
    robots = (site / "robots.txt").read_text()
    for p in key["robots_disallowed"]:
        assert f"Disallow: {p}" in robots
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="/search/index.html"' in home and "/search/" in key["robots_disallowed"]


def test_gbk_subsite_is_gbk(site: Path, key: dict) -> None:
    office = next(o for o in key["offices"] if o["encoding"] == "gbk")
    pages = list((site / office["root"].strip("/").split("/")[0]).rglob("*.html"))
    assert len(pages) > 20
    for p in pages:
        raw = p.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert "信息公开" in raw.decode("gbk") or "页面不存在" in raw.decode("gbk")


def dt_(s: str):
    import datetime
    return datetime.date.fromisoformat(s)
