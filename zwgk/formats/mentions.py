"""Leaders named in published text: an office title next to a person's name (县长张三, 张三副县长).

Pure functions over plain text (a document's body, a 领导信息 page's text). Conservative on
purpose — a mention is only kept when the name can be told apart without a dictionary:

- the title is one of TITLE (县长, 副县长, 常务副县长, 县委书记, 局长, 主任, 镇长, 党委书记 …);
- the name is 2 or 3 Han characters, starts with a common surname (SURNAMES), is not a word of
  STOP (同志, 主持, 信箱, 热线 …);
- title before name (县长张三主持, 县长：张三, 县长 张三): the name ends at punctuation, a blank,
  the end of the text or a word that follows a name in such sentences (主持, 出席, 指出, 在 …);
  when both a 2- and a 3-character reading would fit, the mention is dropped (ambiguous);
- name before title (张三县长, 张三 副县长, 张三同志任县长): the name starts after punctuation, a
  blank, the start of the text or 由/和/与/及/、; `张三同志` alone is kept with an empty title;
- titles chained with 、 share the name: 县委副书记、县长张三 → (县委副书记, 张三), (县长, 张三);
- a leader's card: 姓名：张三 … 职务：县委副书记、县长.

No full names of institutions are read: 县人大常委会主任张三 is (主任, 张三).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zwgk.formats.text import window

# the office titles recognised, longest first at each position (regex alternation order)
TITLE = (r"(?:常务副(?:县|区|市|州|旗)长"
         r"|(?:县委|区委|市委|州委|旗委|镇党委|乡党委|党委|党组|党工委|纪委|工委)副?书记"
         r"|(?:县委|区委|市委)常委"
         r"|副?(?:县|区|市|州|旗|镇|乡|局|处|科|所|站|院|馆|行|社)长"
         r"|副?(?:主任|主席|书记|部长|秘书长|检察长|庭长))")
_TITLE = re.compile(TITLE)

# common Chinese surnames (single-character; the ones a county's leaders overwhelmingly carry)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁"
    "胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰"
    "支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜"
    "印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由")

# words that sit where a name would but are not one (县长信箱, 局长热线, 县长主持 …)
STOP = frozenset(
    "同志 主持 指出 强调 表示 要求 出席 参加 讲话 信箱 热线 接待 办公 助理 一行 带队 调研 "
    "分工 简历 职责 负责 分管 协助 联系 主管 工作 会议 热线电话 信箱热线 之窗 简介 信息 "
    "任免 名单 公开 介绍 会见 看望 慰问 检查 督导 走访 听取 召开 宣布 率队 致辞 批示 "
    "全面 等人 以上 以下 办公室 领导 班子 成员 及其 和副 人选 候选 提名 职务 姓名 "
    "高度 充分 同时 主要 为组 任职 免去 兼任 担任 不再".split())

# what may follow a name written after its title (the name ends there)
_AFTER = re.compile(
    r"(?:同志|主持|出席|指出|强调|表示|要求|参加|讲话|一行|带队|率队|率领|调研|深入|前往|听取|看望|慰问|"
    r"检查|督导|走访|召开|会见|宣布|介绍|致辞|批示|汇报|通报|传达|部署|发言|作了|讲|陪同|参会|签发|对|就|在|等|和|与|及|、|作|到|赴|为|任|兼|代表|"
    r"分管|负责|主管|协助|联系|主要|简历|职务|出生|性别|男|女|"
    r"[\s，,。．.;；：:！!？?（）()《》“”\"'、]|$)")
# what may precede a name written before its title
_BEFORE = set("由和与及、请对向")
_PUNCT = set(" \t\r\n\u3000，,。．.;；：:！!？?（）()《》“”\"'、·|/\\-—[]【】")
_HAN = re.compile(r"[\u4e00-\u9fa5]")
_TO_TITLE = re.compile(r"(?:同志)?(?:任|为|担任|兼任)(" + TITLE + ")")
_SEP = re.compile(r"[:：]?[ \u3000]?")
# a leader's card: 姓名：张三 (性别：男 …) 职务：县委副书记、县长
_CARD = re.compile(r"姓\s*名\s*[:：]\s*([\u4e00-\u9fa5]{2,3})[\s，,;；]+(?:[^:：]{0,12}[:：][^:：]{0,20}?\s+){0,4}?"
                   r"职\s*务\s*[:：]\s*((?:[^\s，,;；]{0,12}?" + TITLE + r"、?)+)")
MAX_CONTEXT = 30


@dataclass(frozen=True, slots=True)
class Mention:
    title: str     # 县长, 副县长, 县委书记 …; "" for 张三同志 with no title next to it
    name: str      # 2 or 3 Han characters
    context: str   # at most MAX_CONTEXT characters of the text around it

    def as_dict(self) -> dict:
        return {"title": self.title, "name": self.name, "context": self.context}


def _is_name(s: str) -> bool:
    return (2 <= len(s) <= 3 and all(_HAN.match(c) for c in s) and s[0] in SURNAMES
            and s not in STOP and s[:2] not in STOP and s[1:] not in STOP and not _TITLE.search(s))


def _context(text: str, start: int, end: int) -> str:
    return window(text, start, end, MAX_CONTEXT)


def _name_after(text: str, pos: int) -> tuple[str, int] | None:
    """The name right after a title ending at `pos` (after an optional ：or one blank)."""
    p = _SEP.match(text, pos).end()
    fits = [n for n in (2, 3) if p + n <= len(text) and _is_name(text[p:p + n]) and _AFTER.match(text, p + n)]
    if len(fits) != 1:
        return None
    return text[p:p + fits[0]], p + fits[0]


def _name_before(text: str, pos: int) -> tuple[str, int] | None:
    """The name right before a title starting at `pos` (before an optional blank): the run of Han
    characters back to punctuation, a blank, the start or one of _BEFORE."""
    e = pos
    if e > 0 and text[e - 1] in " \u3000":
        e -= 1
    s = e
    while s > 0 and s > e - 4 and _HAN.match(text[s - 1]) and not (s < e and text[s - 1] in _BEFORE):
        s -= 1
    if s > 0 and text[s - 1] not in _PUNCT and text[s - 1] not in _BEFORE:
        return None
    name = text[s:e]
    return (name, s) if _is_name(name) else None


def mentions(text: str | None, limit: int | None = None) -> list[Mention]:
    """The distinct (title, name) mentions of `text`, in order of appearance, at most `limit`."""
    text = text or ""
    out: dict[tuple[str, str], Mention] = {}

    def add(title: str, name: str, a: int, b: int) -> None:
        if (title, name) not in out:
            out[(title, name)] = Mention(title, name, _context(text, a, b))

    titles = list(_TITLE.finditer(text))
    for i, m in enumerate(titles):
        # the titles chained before this one with 、 (县委副书记、县长张三)
        chain = [m]
        j = i
        while j > 0 and text[titles[j - 1].end():titles[j].start()] == "、":
            j -= 1
            chain.insert(0, titles[j])
        after = _name_after(text, m.end())
        if after:
            for t in chain:
                add(t.group(0), after[0], t.start(), after[1])
        # the chain after the name (张建国 县委副书记、县长): only from its first title
        if j == i and not (i > 0 and text[titles[i - 1].end():m.start()] == "、"):
            before = _name_before(text, m.start())
            if before and not (i > 0 and titles[i - 1].end() > before[1]):
                k = i
                add(m.group(0), before[0], before[1], m.end())
                while k + 1 < len(titles) and text[titles[k].end():titles[k + 1].start()] == "、":
                    k += 1
                    add(titles[k].group(0), before[0], before[1], titles[k].end())
    # 张三同志 (任县长): a name followed by 同志, with the title it is given, if any
    for m in re.finditer(r"同志", text):
        before = _name_before(text, m.start())
        if not before:
            continue
        to = _TO_TITLE.match(text, m.start())
        if to:
            add(to.group(1), before[0], before[1], to.end())
        elif not any(k[1] == before[0] for k in out):
            add("", before[0], before[1], m.end())
    for m in _CARD.finditer(text):
        if _is_name(m.group(1)):
            for t in _TITLE.finditer(m.group(2)):
                add(t.group(0), m.group(1), m.start(), m.end())
    found = sorted(out.values(), key=lambda x: text.find(x.context))
    return found[:limit] if limit is not None else found


def stored(found: list[Mention]) -> list[dict]:
    """What a document row keeps of its mentions (document.mentions)."""
    return [x.as_dict() for x in found]
