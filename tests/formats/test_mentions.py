"""Leaders named in text (zwgk/formats/mentions.py): title + name, conservative."""
from __future__ import annotations

import pytest

from zwgk.formats.mentions import MAX_CONTEXT, mentions, stored


def pairs(text: str) -> list[tuple[str, str]]:
    return [(m.title, m.name) for m in mentions(text)]


@pytest.mark.parametrize("text, expected", [
    ("3月5日，县委副书记、县长张三主持召开县政府第12次常务会议。", [("县委副书记", "张三"), ("县长", "张三")]),
    ("副县长李四出席会议并讲话。", [("副县长", "李四")]),
    ("张三同志任县长。", [("县长", "张三")]),
    ("会议由张建国县长主持。", [("县长", "张建国")]),
    ("常务副县长王小明在会上强调，", [("常务副县长", "王小明")]),
    ("县委书记王五、县长赵六出席。", [("县委书记", "王五"), ("县长", "赵六")]),
    ("县财政局局长赵六、副局长孙七汇报了预算执行情况。", [("局长", "赵六"), ("副局长", "孙七")]),
    ("镇党委书记陈一鸣带队调研，镇长刘洋陪同。", [("镇党委书记", "陈一鸣"), ("镇长", "刘洋")]),
    ("县长张三和副县长李四", [("县长", "张三"), ("副县长", "李四")]),
    # leaders' pages
    ("王五 县长 主持县政府全面工作 赵六 副县长 负责教育工作", [("县长", "王五"), ("副县长", "赵六")]),
    ("张建国 县委副书记、县长 主持县政府全面工作", [("县委副书记", "张建国"), ("县长", "张建国")]),
    ("县长：张建国", [("县长", "张建国")]),
    ("姓名：李四 职务：副局长 分工：分管财务、人事工作。", [("副局长", "李四")]),
    ("姓名：张建国 性别：男 出生年月：1970年1月 职务：县委副书记、县长 分工：主持县政府全面工作",
     [("县委副书记", "张建国"), ("县长", "张建国")]),
    ("张三同志指出，", [("", "张三")]),
])
def test_mentions(text, expected):
    assert pairs(text) == expected


@pytest.mark.parametrize("text", [
    "欢迎通过县长信箱反映问题。",
    "局长热线：0533-1234567",
    "县长主持召开常务会议",           # no name
    "召开县长办公会议",
    "局长 负责局全面工作。",
    "同志们，",
    "县长张三丰年",                    # a 2- and a 3-character reading both fail: nothing
])
def test_false_friends(text):
    assert pairs(text) == []


def test_ambiguous_length_is_dropped():
    # 张三 followed by 在 (a word after names) and 张三在 followed by the end: both readings fit
    assert pairs("县长张三在") == []


def test_context_is_short_and_around_the_mention():
    text = "为深入贯彻落实党中央、国务院决策部署，3月5日上午，县委副书记、县长张建图主持召开县政府第十二次常务会议，研究部署当前重点工作。"
    (m1, m2) = mentions(text)
    assert len(m2.context) <= MAX_CONTEXT and "县长张建图" in m2.context
    assert stored([m2]) == [{"title": "县长", "name": "张建图", "context": m2.context}]


def test_limit_and_distinct():
    text = "。".join(f"副县长{s}明出席" for s in "王李张刘陈杨黄赵") + "。副县长王明出席"
    assert len(mentions(text)) == 8
    assert len(mentions(text, limit=3)) == 3
