"""Domain vocabulary shared by every stage: column classes and their names on real sites.

One place for the words, so the crawler (which classifies what it discovers) and the
auditor (whose checklists name columns) agree. Pure data and small pure functions only.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# kind -> (canonical Chinese name, other names seen on sites). Order matters: the first
# kind whose name matches wins, so narrower kinds come before broader ones.
COLUMN_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "normative": ("行政规范性文件", ("规范性文件", "县政府规范性文件", "部门规范性文件", "行政规范性文件库")),
    "interpretation": ("政策解读", ("解读", "文件解读", "政策解读回应", "图解政策", "解读回应")),
    "policy": ("其他文件", ("政策文件", "其他政策文件", "政府文件", "其他政府文件", "部门文件", "政府令", "文件资料", "政策法规")),
    "guide": ("政府信息公开指南", ("信息公开指南", "公开指南")),
    "rules": ("政府信息公开制度", ("信息公开制度", "公开制度")),
    "annual_report": ("政府信息公开年度报告", ("政府信息公开年报", "信息公开年报", "年度报告", "公开年报", "政府信息公开工作年度报告")),
    "catalogue": ("主动公开基本目录", ("基本目录", "主动公开目录", "政务公开基本目录")),
    "plan_impl": ("政务公开工作方案", ("实施方案", "工作要点", "政务公开工作要点", "政务公开实施方案")),
    "org": ("机构职能", ("机构设置", "机构信息", "机构概况", "部门职能")),
    "leaders": ("领导信息", ("领导之窗", "领导简介", "领导分工", "单位领导")),
    "stats_bulletin": ("统计公报", ("国民经济和社会发展统计公报",)),
    "stats": ("统计信息", ("统计数据", "统计资料", "统计分析", "数据发布")),
    "planning": ("规划计划", ("发展规划", "规划信息", "专项规划", "五年规划")),
    "license": ("行政许可", ("行政许可和其他对外管理服务信息", "行政许可和其他管理服务信息", "许可服务", "行政审批")),
    "punish": ("处罚强制", ("处罚强制信息", "行政处罚", "行政强制", "行政处罚和行政强制")),
    "fees": ("行政事业性收费", ("收费目录清单", "收费项目", "涉企收费")),
    "audit": ("审计信息", ("审计公告", "审计结果", "审计报告")),
    "budget": ("财政预决算", ("预决算", "部门预决算", "预算决算", "财政预算决算", "预决算公开")),
    "finance": ("财政收支", ("财政收支情况", "财政收支信息", "财政数据")),
    "debt": ("政府债务", ("地方政府债务", "债务信息")),
    "soe": ("国资国企", ("国有企业信息", "国企信息", "国资监管")),
    "civil_service": ("公务员招考", ("公务员考录", "公务员招录", "人事考录", "招考录用", "人事信息", "人事任免", "干部任免", "任前公示")),
    "enforcement": ("行政执法公示", ("执法公示", "行政执法信息公示", "行政执法")),
    "random_inspection": ("双随机一公开", ("双随机、一公开", "“双随机、一公开”监管", "双随机")),
    "investment": ("重大建设项目", ("扩大有效投资", "重大项目", "重大建设项目批准和实施")),
    "procurement": ("政府采购", ("政府集中采购", "采购信息")),
    "trading": ("公共资源交易", ("公共资源配置", "交易信息")),
    "housing": ("住房保障", ("保障性住房", "保障性安居工程")),
    "education": ("教育信息", ("义务教育", "学前教育", "教育领域")),
    "health": ("医疗卫生", ("卫生健康", "医疗服务", "公共卫生")),
    "environment": ("生态环境", ("环境保护", "空气质量", "环境质量")),
    "social": ("社会救助", ("社会保障", "救助信息", "民政信息")),
    "decision": ("重大行政决策", ("决策公开", "决策预公开", "意见征集")),
    "proposals": ("建议提案办理", ("建议提案办理结果", "建议提案", "人大建议政协提案")),
    "news": ("工作动态", ("部门动态", "政务动态", "工作信息", "要闻动态", "新闻动态")),
    "notices": ("通知公告", ("公示公告", "通知", "公告公示")),
    "tax": ("减税降费", ("税费优惠", "惠企政策")),
}

_SPACE = re.compile(r"\s+")


def norm_text(s: str | None) -> str:
    """NFKC, no white space: the form in which names are compared."""
    if not s:
        return ""
    # titles and names repeat (cached); a list row's or a page's text does not (a crawl's row
    # texts kept 10 MiB of cache alive for nothing)
    return _norm_cached(s) if _caching and len(s) <= 160 else _norm(s)


def _norm(s: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", s))


# checks compare the same titles many times (once per 评估对象 and year): normalised once
_norm_cached = lru_cache(maxsize=1 << 16)(_norm)
_caching = True


def cache_norms(on: bool) -> bool:
    """Keep normalised short texts in norm_text's cache (the audit: the same titles compared again
    and again) or not (the crawl: link texts and list rows seen once, which filled the cache's
    65 536 entries — ≈ 17 MiB — for nothing). Returns the previous setting."""
    global _caching
    before, _caching = _caching, on
    if not on:
        _norm_cached.cache_clear()
    return before


def column_names(kind: str) -> tuple[str, ...]:
    name, others = COLUMN_KINDS[kind]
    return (name, *others)


def classify_column(name: str | None, *, exact: bool = False) -> str | None:
    """The kind of a column from its name, or None. Exact names first, then containment
    (unless `exact`)."""
    return _classify(norm_text(name).strip("“”\""), exact)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """COLUMN_KINDS normalised once: exact name -> kind, and (name, kind) for containment, in order."""
    exact: dict[str, str] = {}
    contained: list[tuple[str, str]] = []
    for kind, (canon, others) in COLUMN_KINDS.items():
        for cand in (canon, *others):
            c = norm_text(cand)
            exact.setdefault(c, kind)
            if len(c) >= 3:
                contained.append((c, kind))
    return exact, tuple(contained)


@lru_cache(maxsize=8192)  # menus repeat the same names on every page of a site
def _classify(n: str, exact: bool) -> str | None:
    if not n or len(n) > 24:
        return None
    names, contained = _vocabulary()
    if n in names:
        return names[n]
    if exact:
        return None
    return next((kind for c, kind in contained if c in n), None)


def name_matches(name: str | None, wanted: str) -> bool:
    """True when a column called `name` is the column a checklist calls `wanted`.

    `wanted` may be a kind key ('budget') or any Chinese name; names of the same kind match.
    """
    if wanted in COLUMN_KINDS:
        return classify_column(name) == wanted
    n, w = norm_text(name), norm_text(wanted)
    if not n:
        return False
    if n == w or (len(w) >= 3 and w in n):
        return True
    kw = classify_column(wanted)
    return kw is not None and classify_column(name) == kw


# Normalised 有效性 values
VALIDITY = {
    "有效": ("有效", "现行有效", "继续有效", "生效"),
    "失效": ("失效", "已失效"),
    "废止": ("废止", "已废止"),
    "已修改": ("修改", "修订", "已修改", "已修订"),
    "部分失效": ("部分失效",),
    "尚未生效": ("尚未生效", "未生效"),
}


def column_kind_name(kind: str | None) -> str | None:
    """A column kind's Chinese name (budget → 财政预决算); an unknown kind stays as it is."""
    if kind in COLUMN_KINDS:
        return COLUMN_KINDS[kind][0]
    return kind


# Chinese labels of keys shown in tables and exports that no check's evidence columns name
# (a check's own label, results.json `checks`, comes first: reports/checks.py Vocabulary.label).
FIELD_LABELS: dict[str, str] = {
    "id": "编号", "check": "问题编码", "check_name": "问题类型", "url": "问题对象地址", "source": "所在页面",
    "source_title": "所在页面标题", "office": "评估对象", "title": "标题", "indicators": "关联指标",
    "first_seen": "首次发现日期", "days_open": "已持续天数", "redirects": "重定向次数", "pages": "出现页面数",
    "hops": "跳转次数", "chain": "跳转过程", "final_url": "最终地址", "host": "主机",
    "share": "比例", "min_share": "要求比例", "rich": "多元化解读文件数", "total": "已解读文件数",
    "status": "状态码", "error": "错误", "link_text": "链接文字", "link_kind": "链接类型", "reason": "问题说明",
    "field": "要素", "period": "缺少的周期", "working_days": "间隔工作日", "limit": "时限",
    "raw": "页面所示", "evidence": "页面原文", "validity": "有效性", "query": "检索词", "days": "未更新天数",
    "has_children": "有下级栏目", "read_error": "列表读取错误", "parent_url": "上级栏目", "kind": "栏目类别",
    "name": "名称", "entries": "条目数", "list_pages": "列表页数", "last_update": "最后更新",
    "column_kind": "栏目类别", "is_interpretation": "是否解读", "attachments": "附件",
    "interpretation_urls": "解读链接", "policy_urls": "政策文件链接", "policy_title": "政策文件标题",
    "automated": "自动评估权重占比", "manual": "人工评估权重占比", "open": "尚待核查权重占比",
    "manual_indicators": "人工评估指标权重占比", "achieved_weight": "已评指标得分", "judged_weight": "已评指标分值",
    "total_weight": "适用指标分值", "lost": "扣分",
}


def field_label(key: str) -> str:
    """The Chinese label of a key no check names; the key itself when none is known."""
    return FIELD_LABELS.get(key, key)


# What a request failure's code or exception class means, for a reader (link and site checks
# carry them as `error` texts: crawler/linkcheck, crawler/facts).
ERROR_NAMES: dict[str, str] = {
    "soft-404": "软404（页面已不存在，服务器却返回正常）",
    "ResponseDataLossError": "响应数据不完整（连接中断）",
    "CannotResolveHostError": "域名无法解析",
    "DNSLookupError": "域名解析失败",
    "ConnectionRefusedError": "连接被拒绝",
    "ConnectError": "无法建立连接",
    "ConnectionLost": "连接中断",
    "ConnectionDone": "连接被关闭",
    "ResponseFailed": "响应失败",
    "ResponseNeverReceived": "未收到响应",
    "TimeoutError": "请求超时",
    "TCPTimedOutError": "连接超时",
    "UserTimeoutError": "请求超时",
    "NoRouteError": "网络不可达",
    "SSLError": "证书或TLS错误",
    "DownloadFailed": "下载失败",
    "IgnoreRequest": "未请求",
}
_ERROR_CODE = re.compile(r"soft-404|\b[A-Z][A-Za-z]*(?:Error|Exception|Failure|Failed|Lost|Done|Received)\b")


def error_text(text):
    """A failure text for a reader: known codes and exception class names in Chinese
    (soft-404, CannotResolveHostError …); an unknown class name becomes 网络请求失败."""
    if not isinstance(text, str) or not _ERROR_CODE.search(text):
        return text
    out = _ERROR_CODE.sub(lambda m: ERROR_NAMES.get(m[0], "网络请求失败"), text)
    # soft-404（…）: the code's own explanation is already in the parentheses that follow
    return re.sub(r"^软404（[^）]*）（", "软404（", out)


# a file path or file name (ASCII: 主动公开/法定基础信息 is a heading path, not a file)
_PATH = re.compile(r"(?:\.{1,2}/|/)?(?:[\w.-]+/)+[\w.-]+|\b[\w-]+\.(?:txt|md|ya?ml|json|html?|csv|xlsx?)\b", re.ASCII)


def document_name(source: str | None) -> str | None:
    """A checklist's `source` as a reader should see it: the document, never a file path
    ('2023年…工作方案 附件2（../shared/seeds/002_….txt）' → '2023年…工作方案 附件2'). Parenthesised
    parts and clauses that hold a path are dropped."""
    if not source:
        return source
    s = re.sub(r"\s*[（(][^（）()]*[）)]", lambda m: "" if _PATH.search(m[0]) else m[0], source)
    parts = [p for p in re.split(r"[，,；;]", s) if p.strip() and not _PATH.search(p)]
    return "，".join(p.strip() for p in parts) or None
