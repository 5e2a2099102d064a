import datetime as dt
import re

import pytest

from zwgk.formats.pii import detect, id_check_digit, luhn, mask, stored, valid_card, valid_id15, valid_id18

TODAY = dt.date(2023, 11, 30)
ID = "370323199001011234"          # check digit computed by GB 11643 (see test_check_digit)
ID_X = "11010519491231002X"
CARD = "6222021234567894"          # Luhn-valid, UnionPay-like
CARD19 = "6217001234123412346"


def kinds(text):
    return [(h.kind, h.sure) for h in detect(text, TODAY)]


def test_check_digit():
    assert id_check_digit(ID[:17]) == "4"
    assert id_check_digit(ID_X[:17]) == "X"
    assert valid_id18(ID, TODAY) and valid_id18(ID_X.lower(), TODAY)
    assert not valid_id18(ID[:17] + "5", TODAY)             # wrong check digit


@pytest.mark.parametrize("v", [
    "370323203001011233",   # born in 2030: in the future (check digit right)
    "370323189901011230",   # born 1899 (check digit right)
    "440304200102291233",   # 29 February 2001 does not exist
    "990323199001011236",   # no province 99
])
def test_not_an_id(v):
    assert id_check_digit(v[:17]) == v[17] or v.startswith("99")
    assert not valid_id18(v, TODAY)


def test_old_ids_need_a_real_date():
    assert valid_id15("370323900101123", TODAY)
    assert not valid_id15("370323901301123", TODAY)       # month 13
    assert not valid_id15("990323900101123", TODAY)


def test_luhn():
    assert luhn("79927398713") and not luhn("79927398710")
    assert valid_card(CARD) and valid_card(CARD19)
    assert not valid_card("6222021234567895")
    assert not valid_card("2023101812345670")             # an order number shape (starts with 2)


def test_masks_keep_the_ends_only():
    assert mask("id_card", ID) == "370323********1234"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("bank_card", CARD) == "6222********7894"
    assert mask("mobile", "138-1234-5678") == "138-****-5678"


@pytest.mark.parametrize(("text", "expected"), [
    (f"身份证号：{ID}。", [("id_card", True)]),
    (f"公民身份号码{ID_X}，", [("id_card", True)]),
    (f"张三 {ID} 李四", [("id_card", True)]),
    ("身份证号：３７０３２３１９９００１０１１２３４", [("id_card", True)]),   # full-width digits
    ("身份证号：370323900101123", [("id_card", True)]),                  # old 15-digit, labelled
    ("370323900101123", [("id_card", False)]),                          # old 15-digit, unlabelled
    (f"银行卡号：{CARD}", [("bank_card", True)]),
    (f"收款账号 {CARD19}", [("bank_card", True)]),
    ("卡号：6222 0212 3456 7894", [("bank_card", True)]),
    ("联系电话：13812345678", [("mobile", False)]),
    ("联系人：王五 138-1234-5678", [("mobile", False)]),
    ("手机 138 1234 5678。", [("mobile", False)]),
    ("电话：13812345678/13987654321", []),                     # joined like a code: left alone
    ("张三，男，汉族，住址：某县某镇某村3组12号。", [("address", False)]),
    ("当事人：李四，住所：某县城关街道幸福小区5号楼2单元301室。", [("address", False)]),
    ("申请人：王小明，女，家庭住址：某县某镇某村五组", [("address", False)]),
])
def test_hits(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "身份证号：370323********1234",                          # masked
    "身份证号：370323199001××××34",
    "370323＊＊＊＊＊＊＊＊1234",
    f"身份证号：{ID[:17]}5",                                  # wrong check digit
    "统一社会信用代码：91370323MA3C5XXX1K",                   # letters: a unit's code
    "统一社会信用代码：113703230040123456",                   # all digits, labelled
    "索引号：11370323004012345/2023-00012",
    "索引号：113703230040123/2023-00012",
    "鲁政办发〔2023〕12号",
    "日期：2023-10-18 20231018",
    "订单号：2023101812345678901",
    "订单编号 6222021234567894",                               # a Luhn-valid number labelled as an order
    "服务热线：0533-12345678，12345政务服务热线",
    "传真：0533-6212345",
    "电话：05336212345",
    "http://www.example.gov.cn/art/2023/370323199001011234.html",
    "详见 www.example.gov.cn/doc?id=13812345678",
    "户名：某县财政局 开户行：某银行某支行 账号：6222021234567894",   # a unit's account
    "金额 1234567.89 元，编号 13812345678",
    "营业执照注册号：370323200001234",
    "文件编号：370323199001011234",
    "ABC13812345678",                                          # inside a product code
    "913812345678",                                            # twelve digits: not a mobile
    "某公司，住所：某县某路88号",                              # a company's seat, no person
    "当事人：某某建材有限公司，住所：某县某路88号",            # a company as the party
    "当事人：某某店，住所：某县某路88号",                      # a shop as the party
    "会议地址：某县政府3号楼",                                  # a place, not a home
])
def test_not_hits(text):
    assert kinds(text) == []


def test_a_hit_reports_masked_value_offset_and_masked_context():
    text = f"经审核，申请人张三（身份证号 {ID}，电话 13812345678）符合条件，予以公示。"
    hits = detect(text, TODAY)
    assert [h.kind for h in hits] == ["id_card", "mobile"]
    h = hits[0]
    assert h.value == "370323********1234"
    assert text[h.offset:h.offset + 18] == ID
    assert "370323********1234" in h.context and "张三" in h.context
    assert len(h.context) <= 18 + 30 + 2
    assert "138****5678" in h.context          # the neighbour is masked in the context too
    for h in hits:
        assert not re.search(r"\d{9,}", h.value + h.context)


def test_nothing_full_is_returned_from_a_roster():
    ids = [f"37032319900101{n:03d}" for n in range(100, 140)]
    ids = [i + id_check_digit(i) for i in ids]
    text = "\n".join(f"{n}号 王某{n} 男 {i} 13{n:09d}" for n, i in enumerate(ids))
    hits = detect(text, TODAY)
    assert sum(h.kind == "id_card" for h in hits) == len(ids)
    dump = repr([h.as_json() for h in hits])
    assert not any(i in dump for i in ids)
    assert not re.search(r"\d{12,}", dump)


def test_a_number_that_is_not_an_id_is_still_masked_in_the_context():
    # a 17-digit run next to an ID: no hit itself, yet shown masked
    text = f"身份证号 {ID} 备注 12345678901234567"
    (h,) = detect(text, TODAY)
    assert "12345678901234567" not in h.context


def test_a_roster_is_stored_capped_per_kind_with_the_rest_counted():
    ids = [f"37032319900101{n:03d}" for n in range(100, 160)]
    text = "\n".join(f"王某 {i + id_check_digit(i)} 13{n:09d}" for n, i in enumerate(ids))
    rows = stored(detect(text, TODAY), per_kind=20)
    assert [r["kind"] for r in rows].count("id_card") == 20
    assert [r["kind"] for r in rows].count("mobile") == 20
    last_id = [r for r in rows if r["kind"] == "id_card"][-1]
    assert last_id["more"] == 40 and all("more" not in r for r in rows[:2])


def test_an_address_is_masked_beyond_its_first_third():
    (h,) = detect("张三，男，住址：某县某镇某村3组12号。", TODAY)
    assert h.kind == "address" and h.value.startswith("某县某") and "12号" not in h.value
    assert "12号" not in h.context and "村3组" not in h.context
