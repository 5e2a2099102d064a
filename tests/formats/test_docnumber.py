import pytest
from hypothesis import given, settings, strategies as st

from zwgk.formats.docnumber import DocNumber, find_doc_number, parse_doc_number, split_doc_numbers


@pytest.mark.parametrize(("raw", "code", "year", "seq"), [
    ("国办发〔2017〕47号", "国办发", 2017, 47),
    ("阳府办函〔2021〕9号", "阳府办函", 2021, 9),
    ("国办公开办函〔2021〕30号", "国办公开办函", 2021, 30),
    ("国办发 〔2017〕 47 号", "国办发", 2017, 47),
    ("琼府办函〔２０２３〕２１５号", "琼府办函", 2023, 215),
    ("国令第711号", "国令", None, 711),
    ("山东省人民政府令第350号", "山东省人民政府令", None, 350),
])
def test_valid(raw, code, year, seq):
    dn = parse_doc_number(raw)
    assert dn == DocNumber(raw, code, year, seq, True, ())


@pytest.mark.parametrize(("raw", "problem"), [
    ("国办发[2017]47号", "非标准括号「[]」"),
    ("国办发［2017］47号", "非标准括号「[]」"),
    ("国办发(2017)47号", "非标准括号「()」"),
    ("国办发（2017）47号", "非标准括号「()」"),
    ("国办发【2017】47号", "非标准括号「【】」"),
    ("国办发〈2017〉47号", "非标准括号「〈〉」"),
    ("国办发《2017》47号", "非标准括号「《》」"),
    ("国办发﹝2017﹞47号", "非标准括号「﹝﹞」"),
    ("国办发{2017}47号", "非标准括号「{}」"),
    ("国办发〔2017]47号", "非标准括号「〔]」"),
    ("国办发〔17〕47号", "年份不是四位"),
    ("国办发〔017〕47号", "年份不是四位"),
    ("国办发〔2017〕047号", "序号有虚位（前导零）"),
    ("国办发〔2017〕第47号", "序号前有「第」"),
    ("国办发〔2017〕47", "缺少「号」"),
    ("〔2017〕47号", "缺少机关代字"),
    ("国办发2017年47号", "年份未加括号"),
    ("国办发〔2017年〕47号", "年份后有「年」"),
    ("国令711号", "令号缺少「第」"),
    ("国令第0711号", "序号有虚位（前导零）"),
    ("见附件", "无法识别的文号格式"),
])
def test_problems(raw, problem):
    dn = parse_doc_number(raw)
    assert dn is not None and not dn.valid
    assert problem in dn.problems
    assert dn.raw == raw


def test_several_problems():
    dn = parse_doc_number("历下住建发[21]第07")
    assert set(dn.problems) >= {"非标准括号「[]」", "年份不是四位", "序号前有「第」", "序号有虚位（前导零）", "缺少「号」"}


@pytest.mark.parametrize("raw", [None, "", "  ", "无", "暂无", "/", "-", "——"])
def test_placeholders(raw):
    assert parse_doc_number(raw) is None


@pytest.mark.parametrize(("raw", "parts"), [
    ("鲁财预〔2023〕12号、鲁税发〔2023〕5号", ["鲁财预〔2023〕12号", "鲁税发〔2023〕5号"]),
    ("A发〔2023〕1号；B发〔2023〕2号;C发〔2023〕3号", ["A发〔2023〕1号", "B发〔2023〕2号", "C发〔2023〕3号"]),
    ("A发〔2023〕1号,B发〔2023〕2号，C发〔2023〕3号", ["A发〔2023〕1号", "B发〔2023〕2号", "C发〔2023〕3号"]),
    ("A发〔2023〕1号 B发〔2023〕2号", ["A发〔2023〕1号", "B发〔2023〕2号"]),
    ("A发〔2023〕1号B发〔2023〕2号", ["A发〔2023〕1号", "B发〔2023〕2号"]),
    ("国办发 〔2017〕 47 号", ["国办发 〔2017〕 47 号"]),
    (None, []),
])
def test_split(raw, parts):
    assert split_doc_numbers(raw) == parts


def test_joint_parses_first():
    assert parse_doc_number("鲁财预〔2023〕12号、鲁税发〔2023〕5号").code == "鲁财预"


def test_find_in_text():
    assert find_doc_number("根据《国务院关于…的通知》（国发〔2018〕43号）要求") == "国发〔2018〕43号"
    assert find_doc_number("经国务院同意，国令第 711 号公布") == "国令第711号"
    assert find_doc_number("没有文号") is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_never_raises(text):
    dn = parse_doc_number(text)
    assert dn is None or (isinstance(dn.valid, bool) and dn.raw and (dn.valid or dn.problems))
    split_doc_numbers(text)
