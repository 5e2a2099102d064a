"""互动交流 (interaction): a working consultation channel, messages left unanswered, replies kept up
and answered in time (国办秘函〔2019〕19号 单项否决 互动回应差 and 扣分 留言答复未更新; 沂源 yy-164).

Reads the crawl fact `facts["interaction"]` (the channels found from the homepage and from each
department's and township's own pages, see SiteSnapshot.facts) and `snap.messages` (each message's
list row and page). Each check runs per 评估对象: the portal (the county) is judged on the channels
the homepage leads to, a department or township on the channels only its own pages lead to
(`owners`); one without a channel of its own is not_applicable — its people write to the county's
mailboxes. Channels whose kind is
petition (网上信访), report (纪检举报), interview (在线访谈) or survey (调查征集) never count as a
consultation channel; the first three are not read, survey channels' 征集 are (as message rows of
kind survey: start and end dates, status, whether a result is published) for
`interaction-survey-result`. What the crawl could not read, and what a
machine cannot judge (whether a message is 有效, whether a question is 简单), is left to the
evaluator with the evidence: needs review, never a failure.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta
from statistics import median

from ..model import CheckResult, Finding, Message, SiteSnapshot
from ..registry import check
from ._select import memo
from ..workdays import working_days_between

EXCLUDED = {"petition": "网上信访", "report": "纪检举报", "interview": "在线访谈", "survey": "调查征集"}
STATE = {"read": "已读取", "unread": "无法读取", "asked": "未读取（请求未完成）", "found": "未读取",
         "external": "站外平台，未抓取"}
LATE_TEXT = "答复时间晚于3个月"
MAX_DAYS = 90           # 3 months unanswered (单项否决)
MAX_WORKING_DAYS = 3    # 简单咨询 answered within 3 working days (沂源 yy-164)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it has fewer)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def kind_label(kind: str | None) -> str:
    """A channel kind as the report names it."""
    return EXCLUDED.get(kind, "政务咨询" if kind == "consult" else "互动交流页面")


def _open_too_long(m: Message, as_of: date, max_days: int) -> bool:
    """Said to be unanswered (未回复, 办理中 …) and left more than `max_days` before `as_of`."""
    return m.replied is False and (as_of - m.asked_on).days > max_days


def _fact(snap: SiteSnapshot) -> dict | None:
    fact = snap.facts.get("interaction")
    return fact if isinstance(fact, dict) else None


def owners(fact: dict | None) -> dict[str, str | None]:
    """{channel URL: the 评估对象 whose channel it is, None: the portal's (the county's)}.

    The crawl notes with each channel the offices whose own pages link it (`from`, None: the
    homepage) and the hubs and channel lists that do (`via`). A channel the homepage links is the
    county's, even where departments' pages repeat the portal's header; else a channel one office's
    own pages link is that office's (局长信箱 on a department's page, 书记信箱 on a township's —
    also when the county's 互动交流 page lists it too); one several offices link and the homepage
    does not is shared: the county's. A channel no such page links belongs to whoever owns the hubs
    and lists leading to it (the county when they differ). Channels recorded without `from` /
    `via` (older crawls) are the county's."""
    chans = [c for c in (fact or {}).get("channels") or () if isinstance(c, dict) and c.get("url")]
    label: dict[str, set] = {}
    for c in chans:
        direct = set(c.get("from") or ())
        offices = {o for o in direct if o is not None}
        label[c["url"]] = ({None} if None in direct or len(offices) > 1 else offices) if direct else set()
    inherit = {c["url"]: [v for v in c.get("via") or () if v in label and v != c["url"]]
               for c in chans if not c.get("from")}
    changed = True
    while changed:  # owners flow down hubs and lists to channels only they link; sets only grow
        changed = False
        for url, ps in inherit.items():
            for p in ps:
                if not label[p] <= label[url]:
                    label[url] |= label[p]
                    changed = True
    return {url: next(iter(ls)) if len(ls) == 1 else None for url, ls in label.items()}


def _settled(snap: SiteSnapshot) -> tuple[Message, ...]:
    """Every message with the 评估对象 of its channel (`owners`; a message of a channel the fact
    does not record keeps the office stored with it)."""
    fact = _fact(snap)

    def build():
        own = owners(fact)
        return tuple(m if own.get(m.channel_url, m.office) == m.office else replace(m, office=own[m.channel_url])
                     for m in snap.messages)
    return memo("interaction_messages", snap.messages, build) if fact is not None else snap.messages


_VIEW = "\0view"  # the 评估对象 of the snapshot view (an office argument may be None: the portal)


def _channels(snap: SiteSnapshot, office: str | None = _VIEW) -> list[dict]:
    """The channels of one 评估对象 (the view's, unless `office` is given)."""
    office = snap.office if office == _VIEW else office
    fact = _fact(snap) or {}
    own = owners(fact)
    return [c for c in fact.get("channels") or () if isinstance(c, dict) and own.get(c.get("url")) == office]


def _counted(snap: SiteSnapshot, office: str | None = _VIEW) -> list[Message]:
    """Messages of 政务咨询 channels (a hub that lists messages itself counts as one) of one
    评估对象 (the view's, unless `office` is given)."""
    office = snap.office if office == _VIEW else office
    return [m for m in _settled(snap) if m.channel_kind not in EXCLUDED and m.office == office]


def _per_channel(snap: SiteSnapshot) -> dict[str, int]:
    """{channel URL: messages read}."""
    per: dict[str, int] = {}
    for m in snap.messages:
        per[m.channel_url] = per.get(m.channel_url, 0) + 1
    return per


NO_CHANNEL = "该评估对象的页面未链接自己的政务咨询渠道（群众可通过县级渠道留言），不单独评价"


def _not_read(snap: SiteSnapshot) -> CheckResult | None:
    """Why there is nothing to judge by: the crawl did not look for channels, or found no messages;
    a department or township without a consultation channel of its own is not judged."""
    fact = _fact(snap)
    if fact is None or not fact.get("home"):
        return CheckResult("needs_review", (), 0,
                           "抓取未读取首页的互动交流渠道（未从首页开始抓取，或为旧版本的抓取记录）")
    if snap.office is not None and not _counted(snap) and not any(
            c.get("kind") in ("consult", "hub") for c in _channels(snap)):
        return CheckResult("not_applicable", (), 0, NO_CHANNEL)
    if not _counted(snap):
        return CheckResult("needs_review", (), 0,
                           "未读取到政务咨询类栏目的留言（渠道未找到、无法读取或不公开留言），需人工核查")
    return None


@check(
    "interaction-channel",
    title="有有效的网上咨询渠道",
    failure_title="没有有效的网上咨询渠道",
    columns=[("url", "渠道地址", "url"), ("name", "渠道名称", "text"), ("kind", "类型", "text"),
             ("state", "读取情况", "text"), ("messages", "读到留言数", "count"), ("error", "错误", "text")],
    scope="office",
)
def interaction_channel(snap: SiteSnapshot) -> CheckResult:
    """The site has an effective online consultation channel (国办秘函〔2019〕19号 单项否决
    互动回应差: 网上信访、纪检举报渠道除外): a consultation channel (县长信箱, 我要咨询, 留言办理 …)
    found from the homepage whose list was read and shows messages passes. A department or township
    is judged on the channels its own pages link (局长信箱, 书记信箱 …): not_applicable when it has none.

    Fails when the homepage was read and links no interaction channel at all, or only excluded
    kinds (网上信访, 纪检举报, 在线访谈, 调查征集): one finding at the homepage naming what was
    found. needs_review, with one finding per channel, when consultation channels were found but
    none could be read or none shows a message (an empty mailbox may still work; a channel on
    another host, such as a 12345 platform, is not crawled), or when only a 互动交流 page without
    recognisable channels was found; and when the crawl did not read the homepage.
    """
    fact = _fact(snap)
    if fact is None or not fact.get("home"):
        return _not_read(snap)
    channels = _channels(snap)
    per = _per_channel(snap)

    def finding(c: dict) -> Finding:
        return Finding("interaction-channel", c["url"], source=fact.get("home") if snap.office is None else None,
                       office=snap.office, details={
            "name": c.get("name"), "kind": kind_label(c.get("kind")),
            "state": STATE.get(c.get("state"), c.get("state")), "messages": per.get(c["url"], 0),
            "error": c.get("error")})
    working = [c for c in channels if c.get("kind") in ("consult", "hub") and per.get(c["url"])]
    if working:
        names = "、".join(dict.fromkeys(c["name"] for c in working))
        return CheckResult("pass", (), len(channels),
                           f"找到网上咨询渠道 {len(working)} 个（{names}），共读到留言 {sum(per.get(c['url'], 0) for c in working)} 条")
    consult = [c for c in channels if c.get("kind") in ("consult", "hub")]
    excluded = [c for c in channels if c.get("kind") in EXCLUDED]
    if consult:
        return CheckResult("needs_review", tuple(finding(c) for c in consult + excluded), len(channels),
                           f"找到互动交流页面或咨询渠道 {len(consult)} 个，但未读到留言（无法读取、在站外或暂无留言），"
                           "需人工核实渠道是否有效")
    home = fact.get("home")
    found = "、".join(dict.fromkeys(c["name"] for c in excluded)) or "无"
    if snap.office is not None:  # a department or township: the county's channels serve it
        return CheckResult("not_applicable", (), len(channels),
                           NO_CHANNEL + (f"（另有 {found}，不计为咨询渠道）" if excluded else ""))
    f = Finding("interaction-channel", home, details={"name": found, "kind": "、".join(
        dict.fromkeys(EXCLUDED[c["kind"]] for c in excluded)) or None, "state": "首页未链接政务咨询渠道",
        "messages": 0, "error": None})
    return CheckResult("fail", (f,), len(channels),
                       "首页未找到网上咨询渠道" + (f"（仅有 {found}，不计为咨询渠道）" if excluded else ""))


@check(
    "interaction-overdue",
    title="无超过3个月未回复的留言",
    failure_title="留言超过3个月未回复",
    columns=[("url", "留言", "url"), ("title", "标题", "text"), ("channel", "渠道", "text"),
             ("asked_on", "留言时间", "date"), ("answered_on", "答复时间", "date"), ("days", "已过天数", "count"),
             ("status", "状态", "text"), ("verdict", "判断", "text")],
    scope="office",
)
def interaction_overdue(snap: SiteSnapshot, max_days: int = MAX_DAYS, window_days: int = 365) -> CheckResult:
    """No message of a 政务咨询 channel left in the `window_days` before the audit date has gone
    unanswered for more than `max_days` (国办秘函〔2019〕19号 单项否决: 检查时间前1年内政务咨询类栏目
    有效留言超过3个月未回复). Messages of 在线访谈, 调查征集, 网上信访 and 纪检举报 are not read.

    Fails, one finding per message, when the list or page says it is not answered (未回复, 办理中 …)
    and it was left more than `max_days` before the audit date. needs_review, with findings, for
    messages open that long whose state neither list nor page shows, and for messages answered
    later than `max_days` after they were left. Whether a message is 有效 (not a duplicate, not
    abuse) is the evaluator's call. Sites that publish only answered messages hide the rest: the
    note says so.
    """
    why = _not_read(snap)
    if why:
        return why
    since = snap.as_of - timedelta(days=window_days)
    msgs = [m for m in _counted(snap) if m.asked_on is not None and since <= m.asked_on <= snap.as_of]
    undated = sum(m.asked_on is None for m in _counted(snap))
    fails, reviews = [], []
    for m in msgs:
        days = (snap.as_of - m.asked_on).days
        base = {"title": m.title, "channel": m.channel, "asked_on": m.asked_on, "answered_on": m.answered_on,
                "status": m.status}
        if _open_too_long(m, snap.as_of, max_days):
            fails.append(Finding("interaction-overdue", m.url, source=m.channel_url, office=m.office,
                                 details={**base, "days": days, "verdict": "未回复"}))
        elif m.replied is None and m.answered_on is None and days > max_days:
            reviews.append(Finding("interaction-overdue", m.url, source=m.channel_url, office=m.office,
                                   details={**base, "days": days, "verdict": "未能判断是否已回复"}))
        elif m.answered_on is not None and (m.answered_on - m.asked_on).days > max_days:
            reviews.append(Finding("interaction-overdue", m.url, source=m.channel_url, office=m.office,
                                   details={**base, "days": (m.answered_on - m.asked_on).days, "verdict": LATE_TEXT}))
    scope = (f"检查 {since} 至 {snap.as_of} 的政务咨询类留言 {len(msgs)} 条"
             + (f"（另有 {undated} 条无留言时间）" if undated else ""))
    if fails:
        return CheckResult("fail", tuple(fails + reviews), len(msgs),
                           f"{scope}，{len(fails)} 条超过 {max_days} 天未回复")
    if reviews:
        return CheckResult("needs_review", tuple(reviews), len(msgs),
                           f"{scope}，{len(reviews)} 条需人工核实（答复状态不明或答复晚于 {max_days} 天）")
    if not msgs:
        return CheckResult("needs_review", (), 0, f"{scope}，需人工核查近1年留言")
    return CheckResult("pass", (), len(msgs), f"{scope}，无超过 {max_days} 天未回复的留言"
                       "（只公开已回复留言的网站，未公开的留言无法检查）")


@check(
    "interaction-reply-stale",
    title="留言答复及时更新",
    failure_title="留言答复长期未更新",
    columns=[("url", "最近答复的留言", "url"), ("title", "标题", "text"), ("last_reply", "最近答复时间", "date"),
             ("since", "应不早于", "date"), ("days", "距检查日天数", "count")],
    scope="office",
)
def interaction_reply_stale(snap: SiteSnapshot, max_months: int = 2) -> CheckResult:
    """The newest answer to a message (答复时间 on the list or the page, no later than the audit
    date) is within the `max_months` calendar months before the audit date (国办秘函〔2019〕19号
    扣分: 留言答复检查时间前2个月内未更新). Fails with one finding at the message answered last;
    needs_review when no answered message shows an answer date (or no message was read).
    """
    why = _not_read(snap)
    if why:
        return why
    msgs = _counted(snap)
    dated = [m for m in msgs if m.answered_on is not None and m.answered_on <= snap.as_of]
    since = months_before(snap.as_of, max_months)
    if not dated:
        return CheckResult("needs_review", (), len(msgs), f"读到留言 {len(msgs)} 条，均未显示答复时间，需人工核查")
    last = max(dated, key=lambda m: (m.answered_on, m.url))
    note = f"读到留言 {len(msgs)} 条，最近一次答复为 {last.answered_on}"
    if last.answered_on < since:
        f = Finding("interaction-reply-stale", last.url, source=last.channel_url, office=last.office, details={
            "title": last.title, "last_reply": last.answered_on, "since": since,
            "days": (snap.as_of - last.answered_on).days})
        return CheckResult("fail", (f,), len(msgs), f"{note}，早于 {since}（{max_months} 个月内无答复）")
    return CheckResult("pass", (), len(msgs), f"{note}，在 {max_months} 个月内")


def reply_lags(snap: SiteSnapshot) -> list[tuple[Message, int | None]]:
    """(message, working days from asked to answered; None: a year without calendar data) for every
    counted message showing both dates."""
    return [(m, working_days_between(m.asked_on, m.answered_on)) for m in _counted(snap)
            if m.asked_on is not None and m.answered_on is not None and m.answered_on >= m.asked_on]


@check(
    "interaction-reply-lag",
    title="留言在规定工作日内答复",
    failure_title="留言答复超过规定工作日",
    columns=[("url", "留言", "url"), ("title", "标题", "text"), ("channel", "渠道", "text"),
             ("asked_on", "留言时间", "date"), ("answered_on", "答复时间", "date"),
             ("working_days", "用时（工作日）", "count"), ("limit", "时限（工作日）", "count")],
    scope="office",
)
def interaction_reply_lag(snap: SiteSnapshot, max_working_days: int = MAX_WORKING_DAYS, max_late_share: float = 0.5) -> CheckResult:
    """Messages are answered within `max_working_days` China working days (沂源 yy-164: 简单常见问题
    咨询的答复不超过3个工作日; 工作日 from chinese_calendar, 调休 counted): one finding per message
    answered later, with both dates and the working days.

    Whether a late message was a 简单 question a machine cannot tell: fails when more than
    `max_late_share` of the answered messages are late (the time limit is plainly not kept);
    needs_review when some are; needs_review when no message shows both dates or a year has no
    calendar data.
    """
    why = _not_read(snap)
    if why:
        return why
    lags = reply_lags(snap)
    known = [(m, n) for m, n in lags if n is not None]
    late = [Finding("interaction-reply-lag", m.url, source=m.channel_url, office=m.office, details={
        "title": m.title, "channel": m.channel, "asked_on": m.asked_on, "answered_on": m.answered_on,
        "working_days": n, "limit": max_working_days}) for m, n in known if n > max_working_days]
    if not known:
        return CheckResult("needs_review", (), 0,
                           f"读到留言 {len(_counted(snap))} 条，没有同时显示留言和答复时间的留言，需人工核查")
    mid = median(n for _, n in known)
    note = (f"同时显示留言和答复时间的留言 {len(known)} 条，答复用时中位数 {mid:g} 个工作日，"
            f"超过 {max_working_days} 个工作日的 {len(late)} 条")
    if len(known) < len(lags):
        note += f"（{len(lags) - len(known)} 条所在年份无节假日数据，未计）"
    if late and len(late) > max_late_share * len(known):
        return CheckResult("fail", tuple(late), len(known), note)
    if late:
        return CheckResult("needs_review", tuple(late), len(known), note + "，是否属于简单咨询需人工判断")
    return CheckResult("pass", (), len(known), note)


def _figures(snap: SiteSnapshot, office: str | None) -> dict:
    """What was read of one 评估对象's channels: messages, answered, open, overdue, reply lags."""
    msgs = _counted(snap, office)
    since = snap.as_of - timedelta(days=365)
    lags = [working_days_between(m.asked_on, m.answered_on) for m in msgs
            if m.asked_on is not None and m.answered_on is not None and m.answered_on >= m.asked_on]
    lags = [n for n in lags if n is not None]
    answered = [m.answered_on for m in msgs if m.answered_on is not None and m.answered_on <= snap.as_of]
    return {
        "messages": len(msgs),
        "pages_read": sum(m.page_read for m in msgs),
        "replied": sum(m.replied is True for m in msgs),
        "open": sum(m.replied is False for m in msgs),
        "overdue": sum(m.asked_on is not None and since <= m.asked_on and _open_too_long(m, snap.as_of, MAX_DAYS)
                       for m in msgs),
        "max_days": MAX_DAYS, "max_working_days": MAX_WORKING_DAYS,
        "median_working_days": median(lags) if lags else None,
        "late": sum(n > MAX_WORKING_DAYS for n in lags),
        "timed": len(lags),
        "latest_reply": max(answered).isoformat() if answered else None,
    }


def summary(snap: SiteSnapshot) -> dict | None:
    """results.json `interaction` (docs/results-json.md): what the crawl found of 互动交流 — every
    channel with the 评估对象 it belongs to (`office`, None: the county), the county's figures, and
    `offices`: the same figures for each department or township with channels of its own; None when
    the crawl did not look (no homepage read)."""
    fact = _fact(snap)
    if fact is None or not fact.get("home"):
        return None
    per = _per_channel(snap)
    own = owners(fact)
    # the county's channels first, then each office's, by address: the crawl records them in the
    # order pages answered
    channels = sorted((c for c in fact.get("channels") or () if isinstance(c, dict) and c.get("url")),
                      key=lambda c: (own.get(c["url"]) is not None, own.get(c["url"]) or "", c["url"]))
    offices = sorted({own[c["url"]] for c in channels if own.get(c["url"]) is not None})
    return {
        "channels": [{"url": c["url"], "name": c.get("name"), "kind": c.get("kind"),
                      "kind_label": kind_label(c.get("kind")), "office": own.get(c["url"]),
                      "state": c.get("state"), "state_label": STATE.get(c.get("state"), c.get("state")),
                      "pages": c.get("pages", 0), "messages": per.get(c["url"], 0)}
                     for c in channels],
        **_figures(snap, None),
        "offices": [{"office": o, "channels": [c["name"] for c in channels if own.get(c["url"]) == o],
                     **_figures(snap, o)} for o in offices],
        "surveys": survey_summary(snap),
    }


# ---- 调查征集: each closed 征集 has its result published ---------------------------------------

SURVEY_WAIT = 20  # working days after a 征集 closes before its result is expected
_CLOSED = ("已结束", "已截止", "已完结", "已关闭", "已过期", "征集结束", "已完成")
_OPEN = ("进行中", "征集中", "正在征集", "正在进行", "未截止", "未开始", "即将开始")
_RESULT = ("结果", "反馈", "采纳")
_NOISE = ("关于", "公开征求", "征求", "公开征集", "征集", "意见建议", "意见", "建议", "的公告", "的通知", "公告",
          "通知", "结果", "反馈", "采纳情况", "采纳", "情况", "说明", "的", "（征求意见稿）", "征求意见稿", "草案")


def _is_result_entry(m: Message) -> bool:
    """A survey channel's entry that publishes a result (征集结果 / 意见采纳情况 / 反馈 …), by its title."""
    return any(w in (m.title or "") for w in _RESULT)


def _core(title: str) -> str:
    """What a consultation is about: the name in 《》 when its title has one, else the title
    without the words every consultation's and result's title shares."""
    named = re.findall(r"《([^》]+)》", title)
    if named:
        t = named[0]
    else:
        t = title
        for w in _NOISE:
            t = t.replace(w, "")
    return re.sub(r"[\s（）()〔〕【】\[\]“”\"'、，,。：:]", "", t.replace("征求意见稿", ""))


# what many consultations' names share: the place (柳川县, 某市某区) and the kind of document
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:自治县|县|市|区|旗|镇|乡|街道)")
_DOC_KIND = re.compile(r"(?:实施细则|实施方案|实施意见|管理办法|暂行办法|管理规定|工作方案|行动方案|行动计划|"
                       r"办法|规定|条例|细则|方案|规划|计划|措施|标准|意见|通知|暂行|试行)")


def _distinct(core: str) -> str:
    return _DOC_KIND.sub("", _PLACE.sub("", core))


def _same_consultation(item: str, result: str) -> bool:
    """Whether a result entry's title names the same consultation: the two cores without the
    place and the kind of document (城区停车 of 《柳川县城区停车管理办法》), character pairs: most of
    the shorter one's in the other."""
    a, b = _core(item), _core(result)
    if not a or not b:
        return False
    da, db = _distinct(a), _distinct(b)
    if da and db:
        a, b = da, db
    if a in b or b in a:
        return True
    pa, pb = {a[i:i + 2] for i in range(len(a) - 1)}, {b[i:i + 2] for i in range(len(b) - 1)}
    return bool(pa and pb) and len(pa & pb) / min(len(pa), len(pb)) >= 0.6


def _survey_closed(m: Message, as_of: date) -> tuple[date | None, str]:
    """(the day the 征集 closed, how it is known) or (None, why not judged)."""
    status = m.status or ""
    if any(w in status for w in _OPEN) and not (m.answered_on and m.answered_on < as_of):
        return None, "进行中"
    if m.answered_on is not None:
        return (m.answered_on, "截止日期") if m.answered_on < as_of else (None, "未到截止日期")
    if any(w in status for w in _CLOSED) and m.asked_on is not None:
        return m.asked_on, "发布日期（未显示截止日期）"
    return None, "未显示截止日期和状态"


def survey_items(snap: SiteSnapshot, office: str | None = _VIEW) -> list[dict]:
    """Every 征集 of one 评估对象's survey channels (result entries aside) with what was found of
    its result: {message, result: the result entry's URL, "页面" (a result section on its page),
    "列表" (the list's result column) or None; result_in_list: its channel's own list shows results
    (a result column or result entries)}."""
    office = snap.office if office == _VIEW else office
    rows = sorted((m for m in _settled(snap) if m.channel_kind == "survey" and m.office == office),
                  key=lambda m: m.url)
    results = [m for m in rows if _is_result_entry(m)]
    out = []
    for m in rows:
        if _is_result_entry(m):
            continue
        found = None
        if m.replied is True:
            found = "页面" if m.answered_by else "列表"
        else:
            hit = next((r for r in results if _same_consultation(m.title or "", r.title or "")), None)
            found = hit.url if hit else None
        shows = m.replied is False or any(r.channel_url == m.channel_url for r in results)
        out.append({"message": m, "result": found, "result_in_list": shows})
    return out


@check(
    "interaction-survey-result",
    title="调查征集栏目使用正常，征集结束后公布结果",
    failure_title="征集结束后未公布征集结果",
    columns=[("url", "征集", "url"), ("title", "标题", "text"), ("channel", "栏目", "text"),
             ("start", "开始/发布日期", "date"), ("end", "结束日期", "date"), ("status", "状态", "text"),
             ("working_days", "结束后工作日", "count"), ("looked_for", "查找了", "text"), ("verdict", "判断", "text")],
    scope="office",
)
def interaction_survey_result(snap: SiteSnapshot, wait_working_days: int = SURVEY_WAIT,
                              window_days: int = 365) -> CheckResult:
    """Each 征集 of a survey channel (意见征集, 调查征集, 民意调查) closed in the `window_days`
    before the audit date, more than `wait_working_days` China working days before it
    (chinese_calendar; 30 calendar days for a year without data), has its result published
    (国办秘函〔2019〕19号 互动交流 调查征集: 征集结果 / 意见采纳情况 / 反馈): a result section on the
    item's page, a result in the list's result column, or an entry of a survey channel of the same
    评估对象 whose title names the same consultation with 结果 / 反馈 / 采纳.

    Fails, one finding per 征集, only when the channel's own list shows results (a result column,
    or result entries) and this one has none while its page, when read, has no result section
    either. needs_review with the evidence (what was looked for) when no result was found but it may
    be published elsewhere; needs_review, one finding per channel, when a survey channel was read
    and shows no 征集 in the year (the column unused?) or could not be read; needs_review when no
    survey channel was found from the portal's homepage; not_applicable for a department or
    township without a survey channel of its own.
    """
    fact = _fact(snap)
    if fact is None or not fact.get("home"):
        return _not_read(snap)
    channels = [c for c in _channels(snap) if c.get("kind") == "survey"]
    items = survey_items(snap)
    if not channels and not items:
        if snap.office is not None:
            return CheckResult("not_applicable", (), 0, "该评估对象的页面未链接自己的调查征集栏目，不单独评价")
        return CheckResult("needs_review", (), 0, "首页未找到调查征集栏目（意见征集、民意调查），需人工核查")
    since = snap.as_of - timedelta(days=window_days)
    fails, reviews, checked = [], [], 0
    in_year: dict[str, int] = {}
    for it in items:
        m = it["message"]
        day = m.answered_on or m.asked_on
        if day is not None and since <= day <= snap.as_of:
            in_year[m.channel_url] = in_year.get(m.channel_url, 0) + 1
        closed, how = _survey_closed(m, snap.as_of)
        if closed is None or not since <= closed <= snap.as_of:
            continue
        n = working_days_between(closed, snap.as_of)
        if (n if n is not None else (snap.as_of - closed).days * 20 // 30) <= wait_working_days:
            continue
        checked += 1
        if it["result"] is not None:
            continue
        looked = "征集页面的征集结果/意见采纳情况" if m.page_read else ""
        looked = "、".join(x for x in (looked, "列表的结果栏/结果条目" if it["result_in_list"] else "",
                                      "同一评估对象各征集栏目中标题含“结果/反馈/采纳”的同名条目") if x)
        definite = it["result_in_list"] and (m.page_read or m.replied is False)
        f = Finding("interaction-survey-result", m.url, source=m.channel_url, office=m.office, details={
            "title": m.title, "channel": m.channel, "start": m.asked_on, "end": m.answered_on,
            "status": m.status, "working_days": n, "looked_for": f"{looked}（结束日期依据：{how}）",
            "verdict": "栏目公布结果，此项未公布" if definite else "未找到结果，可能在其他栏目公布"})
        (fails if definite else reviews).append(f)
    result_lists = {m.channel_url for m in _settled(snap) if m.channel_kind == "survey" and _is_result_entry(m)}
    for c in channels:
        if in_year.get(c["url"]) or c["url"] in result_lists:
            continue  # used in the year, or a list of results (征集结果反馈) beside the channel
        why = ("近1年无征集" if c.get("state") == "read" else STATE.get(c.get("state"), c.get("state")))
        reviews.append(Finding("interaction-survey-result", c["url"], office=snap.office, details={
            "title": c.get("name"), "channel": c.get("name"), "looked_for": f"{since} 至 {snap.as_of} 的征集",
            "verdict": f"{why}，需人工核查栏目是否使用"}))
    note = (f"调查征集栏目 {len(channels)} 个，征集 {len(items)} 项，其中近1年内结束超过 {wait_working_days} "
            f"个工作日的 {checked} 项")
    if fails:
        return CheckResult("fail", tuple(fails + reviews), checked, f"{note}，{len(fails)} 项未公布结果"
                           + (f"，{len(reviews)} 项需人工核查" if reviews else ""))
    if reviews:
        return CheckResult("needs_review", tuple(reviews), checked, f"{note}，{len(reviews)} 项需人工核查")
    if not checked:
        return CheckResult("needs_review", (), 0, f"{note}，需人工核查")
    return CheckResult("pass", (), checked, f"{note}，均找到征集结果")


def survey_summary(snap: SiteSnapshot) -> list[dict]:
    """results.json interaction `surveys`: every 征集 read, with its 评估对象 and its result."""
    fact = _fact(snap) or {}
    offices = [None, *sorted({o for o in owners(fact).values() if o is not None})]
    out = []
    for o in offices:  # by channel, newest first: the same whichever page answered first
        for it in sorted(survey_items(snap, o), key=lambda it: (
                it["message"].channel_url, -(it["message"].answered_on or it["message"].asked_on or date.min).toordinal(),
                it["message"].url)):
            m = it["message"]
            out.append({"url": m.url, "title": m.title, "channel": m.channel, "office": o,
                        "start": m.asked_on.isoformat() if m.asked_on else None,
                        "end": m.answered_on.isoformat() if m.answered_on else None, "status": m.status,
                        "result": it["result"]})
    return out
