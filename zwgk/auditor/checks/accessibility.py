"""Accessibility (GB/T 37668-2019 信息技术 互联网内容无障碍可访问性技术要求与测试方法, which
follows WCAG 2) and the elderly-friendly entry (适老化, 工信部《互联网网站适老化通用设计规范》).

Read the fact `facts["accessibility"]` that `zwgk a11y` stores (its shape: zwgk/a11y/__init__.py):
axe-core's WCAG 2 A/AA violations on a sample of pages, and the homepage's entry points.
"""
from __future__ import annotations

from zwgk.vocab import norm_text

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check

IMPACT_WORDS = {"critical": "严重", "serious": "较严重", "moderate": "中等", "minor": "轻微"}
# Chinese names of the axe rules government pages break most often; others show axe's own help text
RULE_NAMES = {
    "image-alt": "图片缺少替代文本（alt）",
    "input-image-alt": "图片按钮缺少替代文本",
    "area-alt": "图像热区缺少替代文本",
    "role-img-alt": "图形元素缺少替代文本",
    "svg-img-alt": "SVG 图形缺少替代文本",
    "object-alt": "嵌入对象缺少替代文本",
    "label": "表单输入框缺少标签",
    "select-name": "下拉框缺少可访问名称",
    "button-name": "按钮缺少可访问名称",
    "input-button-name": "输入按钮缺少可访问名称",
    "link-name": "链接缺少可识别的文字",
    "color-contrast": "文字与背景颜色对比度不足",
    "html-has-lang": "页面未声明语言（html lang）",
    "html-lang-valid": "页面语言声明无效",
    "valid-lang": "语言属性值无效",
    "document-title": "页面缺少标题（title）",
    "frame-title": "框架（iframe）缺少标题",
    "duplicate-id-aria": "ARIA 引用的 id 重复",
    "list": "列表结构不正确",
    "listitem": "列表项不在列表中",
    "definition-list": "定义列表结构不正确",
    "dlitem": "定义列表项不在定义列表中",
    "td-headers-attr": "表格单元格的表头引用无效",
    "th-has-data-cells": "表头没有对应的数据单元格",
    "meta-viewport": "页面禁止缩放",
    "meta-refresh": "页面定时自动刷新或跳转",
    "bypass": "缺少跳过重复内容的方式",
    "nested-interactive": "可交互元素相互嵌套",
    "scrollable-region-focusable": "可滚动区域无法用键盘访问",
    "aria-allowed-attr": "使用了不允许的 ARIA 属性",
    "aria-required-attr": "缺少必需的 ARIA 属性",
    "aria-valid-attr-value": "ARIA 属性值无效",
    "aria-valid-attr": "ARIA 属性名无效",
    "aria-hidden-focus": "隐藏元素仍可获得焦点",
    "aria-required-children": "ARIA 角色缺少必需的子元素",
    "aria-required-parent": "ARIA 角色缺少必需的父元素",
    "aria-roles": "ARIA 角色无效",
    "aria-command-name": "ARIA 命令缺少可访问名称",
    "aria-input-field-name": "ARIA 输入框缺少可访问名称",
    "aria-toggle-field-name": "ARIA 开关缺少可访问名称",
    "autocomplete-valid": "autocomplete 属性值无效",
    "blink": "使用了闪烁元素",
    "marquee": "使用了滚动字幕（marquee）",
    "video-caption": "视频缺少字幕",
    "server-side-image-map": "使用了服务器端图像映射",
    "link-in-text-block": "正文中的链接仅靠颜色区分",
    # best-practice rules (not in the WCAG tags `zwgk a11y` runs; named for facts from other runs)
    "duplicate-id": "元素 id 重复",
    "duplicate-id-active": "可获得焦点的元素 id 重复",
    "heading-order": "标题层级跳跃",
    "empty-heading": "标题为空",
    "page-has-heading-one": "页面缺少一级标题",
    "landmark-one-main": "页面缺少主体内容区域（main）",
    "region": "内容不在任何页面区域（landmark）中",
    "target-size": "可点击目标过小",
}
LOOKED_FOR = "无障碍、长者模式、关怀版、适老化等入口"
ENTRY_WORDS = ("无障碍", "长者模式", "关怀版", "适老化", "老年模式", "长辈版", "关怀模式", "适老版")


def rule_name(rule_id: str, help_text: str | None) -> str:
    return RULE_NAMES.get(rule_id) or help_text or rule_id


def _example(v: dict) -> str | None:
    targets = v.get("targets") or []
    return "；".join(t.get("html") or t.get("selector") or "" for t in targets) or None


@check(
    "accessibility",
    title="页面符合无障碍要求（WCAG 2 A/AA）",
    failure_title="页面存在无障碍问题",
    columns=[("url", "页面", "url"), ("rule", "规则", "code"), ("impact", "严重程度", "text"),
             ("description", "问题", "text"), ("nodes", "涉及元素数", "count"), ("example", "示例元素", "code")],
    scope="site",
)
def accessibility(snap: SiteSnapshot, fail_impacts: tuple = ("critical", "serious")) -> CheckResult:
    """The sampled pages (homepage, disclosure roots, column pages, documents) have no WCAG 2 A/AA
    violation axe-core finds (GB/T 37668-2019 follows WCAG 2), as `zwgk a11y` stored them in the
    fact `accessibility`. One finding per page and rule: the rule, its impact, a Chinese name of
    the rule (axe's help text for rules without one), how many elements, up to 3 examples.
    Fails when a violation's impact is in `fail_impacts` (serious, critical); needs_review when
    there are only moderate or minor ones (the evaluator judges them), when no page could be
    checked, or when nothing was collected (未采集: run `zwgk a11y`)."""
    fact = snap.facts.get("accessibility")
    if not isinstance(fact, dict):
        return CheckResult("needs_review", (), 0, "未采集无障碍检测数据（需运行 zwgk a11y 用 axe-core 检测抽样页面）")
    pages = fact.get("pages") or []
    done = [p for p in pages if not p.get("error")]
    failed = len(pages) - len(done)
    if not done:
        return CheckResult("needs_review", (), 0,
                           f"无障碍检测未能打开任何页面（抽样 {len(pages)} 个）" if pages else "无障碍检测没有可检测的页面")
    findings, serious_pages = [], set()
    for p in done:
        for v in p.get("violations") or []:
            impact = v.get("impact") or "minor"
            if impact in fail_impacts:
                serious_pages.add(p["url"])
            findings.append(Finding("accessibility", p["url"], details={
                "rule": v.get("id"), "impact": IMPACT_WORDS.get(impact, impact), "impact_level": impact,
                "description": rule_name(v.get("id") or "", v.get("help")), "help": v.get("help"),
                "nodes": v.get("nodes"), "example": _example(v), "page_kind": p.get("kind")}))
    order = {k: i for i, k in enumerate(("critical", "serious", "moderate", "minor"))}
    findings.sort(key=lambda f: (order.get(f.details["impact_level"], 9), f.url, f.details["rule"] or ""))
    tool = fact.get("tool") or "axe-core"
    note = f"用 {tool} 检测 {len(done)} 个页面（WCAG 2 A/AA）"
    if failed:
        note += f"，另有 {failed} 个页面未能打开"
    if not findings:
        return CheckResult("pass", (), len(done), note + "，未发现问题")
    bad_pages = len({f.url for f in findings})
    if serious_pages:
        return CheckResult("fail", tuple(findings), len(done),
                           note + f"：{len(serious_pages)} 个页面有严重或较严重问题，共 {len(findings)} 项问题涉及 {bad_pages} 个页面")
    return CheckResult("needs_review", tuple(findings), len(done),
                       note + f"：{bad_pages} 个页面有问题（共 {len(findings)} 项，均未达到不通过的严重程度），需人工判断")


@check(
    "elderly-mode",
    title="首页提供无障碍 / 长者模式入口",
    failure_title="首页未发现无障碍 / 长者模式入口",
    columns=[("url", "首页", "url"), ("looked_for", "查找内容", "text")],
    scope="site",
)
def elderly_mode(snap: SiteSnapshot) -> CheckResult:
    """The homepage offers an accessibility or elderly-friendly entry (无障碍浏览 / 长者模式 /
    关怀版 / 适老化 …; 工信部《互联网网站适老化通用设计规范》): a link or button with such a name
    (text, title, aria-label, an image's alt) or a known toolbar script (cniil, wza, aria.js …),
    as `zwgk a11y` found them in the rendered homepage (fact `accessibility`, key `entry`).
    Fails, with a finding at the homepage, when the rendered homepage has none. Without that fact
    the stored homepage text is read: the words pass; their absence needs review (an image or a
    script may carry the entry), and no homepage at all is 未采集."""
    fact = snap.facts.get("accessibility")
    entry = fact.get("entry") if isinstance(fact, dict) else None
    home = snap.homepage_url or snap.site_url
    if isinstance(entry, dict) and not entry.get("error"):
        links, scripts = entry.get("links") or [], entry.get("scripts") or []
        if links or scripts:
            what = "、".join([f"“{x.get('text')}”" for x in links[:3]] + [s.rsplit("/", 1)[-1] for s in scripts[:2]])
            return CheckResult("pass", (), 1, f"首页有无障碍 / 长者模式入口：{what}")
        return CheckResult("fail", (Finding("elderly-mode", entry.get("url") or home,
                                            details={"looked_for": LOOKED_FOR}),), 1,
                           f"浏览器打开首页后未找到{LOOKED_FOR}（链接、按钮、图片说明或无障碍工具条脚本）")
    if snap.homepage is None:
        return CheckResult("needs_review", (), 0, "未采集首页，无法判断是否有无障碍 / 长者模式入口")
    text = norm_text(snap.homepage.text or "")
    words = [w for w in ENTRY_WORDS if w in text]
    if words:
        return CheckResult("pass", (), 1, f"首页文字中有入口：{'、'.join(words)}")
    return CheckResult("needs_review", (Finding("elderly-mode", snap.homepage.url, details={"looked_for": LOOKED_FOR}),),
                       1, f"首页文字中未见{LOOKED_FOR}；入口可能是图片或脚本，需运行 zwgk a11y 或人工核查")


IMPACTS = ("critical", "serious", "moderate", "minor")
EXAMPLES_KEPT = 2


def summary(snap: SiteSnapshot) -> dict | None:
    """results.json `accessibility` (docs/results-json.md): what `zwgk a11y` stored in the fact
    `accessibility`, per page and by impact; None when it never ran on this crawl."""
    fact = snap.facts.get("accessibility")
    if not isinstance(fact, dict):
        return None
    order = {k: i for i, k in enumerate(IMPACTS)}
    totals = {k: 0 for k in IMPACTS}
    nodes = {k: 0 for k in IMPACTS}
    pages = []
    for p in fact.get("pages") or []:
        rows = []
        for v in p.get("violations") or []:
            impact = v.get("impact") or "minor"
            if impact in totals:
                totals[impact] += 1
                nodes[impact] += v.get("nodes") or 0
            rows.append({"id": v.get("id"), "name": RULE_NAMES.get(v.get("id") or ""), "help": v.get("help"),
                         "impact": impact, "impact_label": IMPACT_WORDS.get(impact, impact), "nodes": v.get("nodes"),
                         "examples": [{"selector": t.get("selector"), "html": t.get("html")}
                                      for t in (v.get("targets") or [])[:EXAMPLES_KEPT]]})
        rows.sort(key=lambda r: (order.get(r["impact"], 9), r["id"] or ""))
        pages.append({"url": p.get("url"), "kind": p.get("kind"), "title": p.get("title"), "error": p.get("error"),
                      "blocked": p.get("blocked") or 0, "violations": rows})
    entry = fact.get("entry")
    if isinstance(entry, dict):
        entry = {"url": entry.get("url"), "error": entry.get("error"),
                 "found": bool(not entry.get("error") and (entry.get("links") or entry.get("scripts"))),
                 "links": list(entry.get("links") or []), "scripts": list(entry.get("scripts") or [])}
    else:
        entry = None
    tested = [p for p in pages if not p["error"]]
    return {
        "tool": fact.get("tool"), "tags": list(fact.get("tags") or []), "collected_at": fact.get("collected_at"),
        "network": fact.get("network"),
        "pages_tested": len(tested), "pages_not_testable": len(pages) - len(tested),
        "pages_with_violations": sum(bool(p["violations"]) for p in tested),
        "violations": sum(totals.values()),
        "by_impact": totals, "nodes_by_impact": nodes,
        "impact_labels": {k: IMPACT_WORDS[k] for k in IMPACTS},
        "pages": pages,
        "entry": entry,
    }
