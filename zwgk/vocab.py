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
    "civil_service": ("公务员招考", ("公务员考录", "公务员招录", "人事考录", "招考录用")),
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
    return _SPACE.sub("", unicodedata.normalize("NFKC", s))


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
