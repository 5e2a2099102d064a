"""formats/terms.py: near-misses of canonical terms and place names, on text written the way
county and city government sites write (会议纪要, 工作动态, 政策解读, 考察报告)."""
from __future__ import annotations

import time

import pytest

from zwgk.formats import terms as T

# a 工作动态 / 政策解读 mix whose phrases sit one character from a canonical term and are correct
LEGIT = """
县委理论学习中心组召开2023年第九次集体学习会议
9月18日，县委理论学习中心组召开集体学习会议，传达学习党的二十届二中全会精神和二十届三中全会精神，
认真学习近期党中央、国务院关于经济工作的重要部署。会议指出，要培育和践行社会主义核心价值观，
建设社会主义核心价值体系，增强“四个意识”、坚定“四个自信”、做到“两个维护”，深刻领悟“两个确立”的决定性意义。
共青团中央、中国共产主义青年团沂源县委员会联合开展“青春建功”志愿服务活动。国务委员来我市调研指导工作。
在中央和省市的大力支持下，县政府研究推进城市更新和老旧小区改造，中心城区、沂源县经济开发区各项工作稳步推进。
全县城镇居民人均可支配收入接近平均水平，全市、全区、本县各乡镇要加大全区域统筹力度，推进全域城市化。
国务院总理李强主持召开国务院常务会议，研究进一步全面深化改革有关举措。习近平总书记强调，坚持和完善人民代表大会制度、
民族区域自治制度，发展全过程人民民主。全国人民代表大会常务委员会、中国人民政治协商会议沂源县委员会、
县人民法院、县人民检察院、县监察委员会有关负责同志出席会议。学习近平时期的先进经验。
淄博市、山东省、临沂市、沂水县、沂南县、博山区、张店区有关单位参加。索引号：11370323004/2023-00012，联系电话：0533-3221234。
"""

# the same kinds of text, each with one serious misspelling planted (found, canonical)
PLANTED = [
    ("坚决拥护中国共产觉的领导。", "中国共产觉", "中国共产党"),             # 觉/党: the same four-corner code
    ("践行社会主义核心价植观，", "社会主义核心价植观", "社会主义核心价值观"),  # 植/值: the same reading
    ("深入学习贯彻习近平新时代中国特色社会主义思相。", "习近平新时代中国特色社会主义思相",
     "习近平新时代中国特色社会主义思想"),                               # a long term: any inner character
    ("自觉做到“两个维户”。", "两个维户", "两个维护"),
    ("国务元召开常务会议。", "国务元", "国务院"),
    ("习近乎总书记指出，", "习近乎", "习近平"),                           # 乎/平: look-alikes
    ("临泝市人民政府办公室关于", "临泝市", "临沂市"),                     # 泝/沂: look-alikes
    ("临沂巿发展和改革委员会", "临沂巿", "临沂市"),                       # 巿 (fú) for 市
    ("沂原县2023年春季植树造林工作方案", "沂原县", "沂源县"),             # 原/源: the same reading
]


def test_legitimate_government_text_has_no_hit():
    assert T.find(LEGIT) == []


@pytest.mark.parametrize("sentence, found, term", PLANTED, ids=[p[1] for p in PLANTED])
def test_planted_misspelling_is_found_in_context(sentence, found, term):
    half = len(LEGIT) // 2
    text = LEGIT[:half] + sentence + LEGIT[half:]
    hits = [h for h in T.find(text) if h.term == term]
    assert [h.found for h in hits] == [found]
    h = hits[0]
    assert found in h.context and len(h.context) <= T.MAX_CONTEXT
    assert h.source, "every hit names where the canonical wording is quoted from"


def test_every_hit_is_one_cjk_character_off():
    text = LEGIT + "".join(p[0] for p in PLANTED)
    hits = T.find(text)
    assert {(h.found, h.term) for h in hits} >= {(p[1], p[2]) for p in PLANTED}
    for h in hits:
        assert len(h.found) == len(h.term)
        assert sum(a != b for a, b in zip(h.found, h.term)) == 1


def test_what_is_not_a_substitution():
    # another canonical term, a longer or shorter word, a digit or a blank, a character neither alike
    # in sound nor in shape inside a short term, a phrase of the legitimate list
    for text in ("二十届二中全会", "国务委员", "中国共产 党", "中国共产1", "国学院", "在中央", "每当中央召开",
                 "社会主义核心价值体系", "推进城市治理", "加大全区投入", "临沂是沂蒙革命老区", "汤原县"):
        assert T.find(text) == [], text


def test_place_hits_carry_the_division_code():
    (h,) = T.find("临沂巿人民政府")
    assert (h.term, h.kind, h.code) == ("临沂市", "place", "371300")
    assert h.as_dict()["code"] == "371300"


def test_alike_characters():
    assert T.look_alike("觉", "党") and T.look_alike("乎", "平") and T.look_alike("泝", "沂")
    assert T.sound_alike("植", "值") and T.sound_alike("原", "源")
    assert not T.alike("在", "党") and not T.alike("学", "务") and not T.alike("期", "平")
    assert not T.alike("党", "党")


def test_region_codes_from_the_site_name():
    assert T.region_codes("沂源县人民政府") == ["370323", "370300", "370000"]
    assert T.region_codes("主办单位：淄博市沂源县人民政府办公室") == ["370323", "370300", "370000"]
    # 朝阳区 is in Beijing and in Changchun: the one whose city is named
    assert T.region_codes("北京市朝阳区人民政府") == ["110105", "110100", "110000"]
    assert set(T.region_codes("朝阳区人民政府")) >= {"110105", "220104"}
    assert T.region_codes("示例县人民政府") == []


def test_data_files_name_their_sources():
    d = T.divisions()
    assert d["370323"] == "沂源县" and d["371300"] == "临沂市" and d["370000"] == "山东省"
    assert len(d) > 3000
    terms = T.canonical_terms()
    assert 40 <= len(terms) <= 100
    assert all(t.source and len(t.text) >= 3 for t in terms)
    assert len({t.text for t in terms}) == len(terms), "a term listed twice"
    # nothing in the legitimate list is itself flagged as a misspelling
    assert T.find("，".join(T.legitimate())) == []


def test_limit_and_order():
    text = "中国共产觉。两个维户。社会主义核心价植观。"
    assert [h.found for h in T.find(text)] == ["中国共产觉", "两个维户", "社会主义核心价植观"]
    assert len(T.find(text, limit=2)) == 2


def test_a_megabyte_of_text_is_quick():
    text = (LEGIT * (1_000_000 // len(LEGIT.encode("utf-8")) + 1))
    T.default_detector()
    t0 = time.perf_counter()
    assert T.find(text) == []
    # about 0.1 s on the CI machine (1 s per 10 MB, module docstring); generous for a busy machine
    assert time.perf_counter() - t0 < 3.0
