"""Generator of the bundled sample site: a fictional county government website with planted defects.

`generate(out_dir, seed=2023, scale=1)` writes static files, `_server.json` (special responses for
`zwgk.samplesite.server`) and `answer_key.json`, and returns the answer key. Everything is
deterministic from the seed. See docs/sample-site.md.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chinese_calendar import is_workday
from markupsafe import Markup, escape

from . import content as C
from . import files as F
from .templates import JPAGE_JS, PAGE_JS, STYLE_CSS, env

AS_OF = dt.date(2023, 11, 30)
D = dt.date

PAGE_SIZE = {"trs-js": 15, "next-last": 8, "query": 8, "datastore": 10_000}
DEFAULT_PAGINATION = {"trs": "trs-js", "sdgk": "next-last", "govcn": "query", "jcms": "datastore"}
FAMILIES = ("trs", "sdgk", "govcn", "jcms")
EXTERNAL_PAGES = {
    "/gov/": "中国政府网", "/sd/": "山东省人民政府", "/city/": "示例市人民政府",
    "/conac/cert": "党政机关网站标识 证书信息", "/sdzwfw/": "山东省政务服务网",
    "/zhaocuo/": "我为政府网站找错", "/sd/zwgk/": "山东省政务公开", "/beian/": "ICP/IP地址/域名信息备案管理系统",
}


# --------------------------------------------------------------------------- working days

def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days d with a < d <= b (China's calendar, 调休 included); negative if b < a."""
    if b < a:
        return -workdays_between(b, a)
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        n += is_workday(d)
    return n


def add_workdays(a: dt.date, n: int) -> dt.date:
    d = a
    while n > 0:
        d += dt.timedelta(days=1)
        n -= is_workday(d)
    return d


def next_workday(a: dt.date) -> dt.date:
    while not is_workday(a):
        a += dt.timedelta(days=1)
    return a


# --------------------------------------------------------------------------- model

@dataclass
class Office:
    key: str
    name: str                    # as in the checklist: 县财政局
    full_name: str               # as on the pages: 示例县财政局
    family: str
    encoding: str
    pagination: str
    code: str                    # 发文字号 机关代字 prefix
    short: str
    root: str                    # the office's disclosure root (its 信息公开 index page)
    is_portal: bool = False
    extra: bool = False          # added by scale > 1 (never carries planted defects)
    address: str = ""
    phone: str = ""
    org_code: str = ""           # 18-char 统一社会信用代码
    columns: list["Column"] = field(default_factory=list)
    nav_columns: list["Column"] = field(default_factory=list)
    next_col_id: int = 0

    @property
    def key_name(self) -> str | None:
        return None if self.is_portal else self.name


@dataclass
class Attachment:
    href: str                    # as written in the page (site path or literal wrong link)
    name: str
    ext: str
    path: str | None             # file to write (None: planted missing or wrong link)
    content_title: str = ""


@dataclass
class Doc:
    uid: int
    col: "Column"
    title: str
    kind: str                    # column kind of the document's column
    publish: dt.date
    written: dt.date | None = None
    doc_number: str | None = None
    validity: str | None = None
    validity_text: str | None = None
    publisher: str = ""
    topic: str | None = None
    index_no: str | None = None
    path: str = ""
    time: str = "09:00"
    attachments: list[Attachment] = field(default_factory=list)
    interps: list["Doc"] = field(default_factory=list)
    policies: list["Doc"] = field(default_factory=list)
    is_interp: bool = False
    form: str = "文字"
    backlink: bool = True
    show: dict[str, Any] = field(default_factory=dict)   # display knobs set by plants
    body_links: list[tuple[str, str]] = field(default_factory=list)
    images: list[tuple[str, str, bool]] = field(default_factory=list)   # href, alt, exists
    sign_style: str = "arabic"   # arabic | han | none
    subject: str = ""
    seq: int = 0
    in_disclosure: bool = True


@dataclass
class Column:
    office: Office
    kind: str
    name: str
    slug: str
    path: str = ""
    docs: list[Doc] = field(default_factory=list)
    extra_entries: list[dict] = field(default_factory=list)
    extra_links: list[tuple[str, str]] = field(default_factory=list)
    list_paths: list[str] = field(default_factory=list)
    unit_id: str = ""
    col_id: int = 0
    group: str = "fdzdgk"        # guide | rules | fdzdgk | report | news
    in_disclosure: bool = True


def _credit_code(rng: random.Random) -> str:
    """A well-formed 统一社会信用代码 for a government body (category 11) in the fictional area 371399."""
    org8 = "".join(rng.choice("0123456789") for _ in range(8))
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    c9 = 11 - sum(int(ch) * wi for ch, wi in zip(org8, w)) % 11
    org9 = org8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "11371399" + org9
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(chars.index(ch) * wt for ch, wt in zip(body, weights))
    return body + chars[(31 - s % 31) % 31]


def _han_date(d: dt.date) -> str:
    """二〇二三年九月十五日"""
    num = C.SIGN_NUMERALS
    def small(n: int) -> str:
        if n < 10:
            return "〇一二三四五六七八九"[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else num[tens]) + "十" + ("" if ones == 0 else num[ones])
    return "".join(num[int(c)] for c in str(d.year)) + "年" + small(d.month) + "月" + small(d.day) + "日"


def _cn(d: dt.date, pad: bool = True) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if pad else f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- builder

class SiteBuilder:
    def __init__(self, out: Path, seed: int, scale: int):
        self.out, self.seed, self.scale = out, seed, max(1, int(scale))
        self.rng = random.Random(seed)
        self.uid = 4_512_300
        self.offices: list[Office] = []
        self.portal: Office
        self.news_cols: list[Column] = []
        self.defects: list[dict] = []
        self.links: dict[str, list[dict]] = {"broken": [], "wrong": [], "inconclusive": []}
        self.non_defects: list[dict] = []
        self.seq: dict[tuple[str, int], int] = {}
        self.idx_seq: dict[tuple[str, int], int] = {}
        self.used_titles: set[str] = set()
        self.server_cfg: dict[str, Any] = {}
        self.html_pages = 0
        self.env = env()

    # ----------------------------------------------------------------- ids and names
    def next_uid(self) -> int:
        self.uid += self.rng.randint(1, 9)
        return self.uid

    def hexid(self, n: int = 24) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def unique_title(self, title: str) -> str:
        if title not in self.used_titles:
            self.used_titles.add(title)
            return title
        k = 2
        while f"{title}（{k}）" in self.used_titles:
            k += 1
        self.used_titles.add(f"{title}（{k}）")
        return f"{title}（{k}）"

    def spread_dates(self, n: int, start: dt.date, end: dt.date, *, last: dt.date | None = None) -> list[dt.date]:
        """n working days in [start, end], sorted ascending; the last one is `last` when given."""
        span = (end - start).days
        out = sorted(next_workday(start + dt.timedelta(days=self.rng.randint(0, span))) for _ in range(n))
        out = [min(d, end) if is_workday(min(d, end)) else d for d in out]
        if last is not None and out:
            out[-1] = last
            out.sort()
        return out

    # ----------------------------------------------------------------- structure
    def make_office(self, name: str, key: str, family: str, encoding: str, pagination: str, code: str,
                    short: str, *, extra: bool = False) -> Office:
        full = C.COUNTY + name[1:] if name.startswith("县") else name
        root = {"trs": f"/{key}/xxgk/", "sdgk": f"/{key}/gongkai/", "govcn": f"/{key}/xxgk/", "jcms": ""}[family]
        o = Office(key=key, name=name, full_name=full, family=family, encoding=encoding, pagination=pagination,
                   code=code, short=short, root=root, extra=extra,
                   address=f"示例县{self.rng.choice(['府前街', '文化路', '振兴路', '人民路'])}{self.rng.randint(1, 199)}号",
                   phone=f"0533-32{self.rng.randint(10000, 99999)}", org_code=_credit_code(self.rng),
                   next_col_id=3000 + 100 * len(self.offices))
        if family == "jcms":
            o.root = self.jcms_col_path(o)
        return o

    def jcms_col_path(self, o: Office) -> str:
        o.next_col_id += self.rng.randint(1, 7)
        return f"/{o.key}/col/col{o.next_col_id}/index.html"

    def add_column(self, o: Office, kind: str, name: str, slug: str, *, group: str = "fdzdgk") -> Column:
        col = Column(office=o, kind=kind, name=name, slug=slug, group=group)
        if o.family == "trs":
            col.path = ("/xxgk/" if o.is_portal else o.root) + slug + "/"
        elif o.family == "sdgk":
            col.path = f"{o.root}channel_{self.hexid()}/"
        elif o.family == "govcn":
            col.path = f"{o.root}{slug}/"
        else:
            col.path = self.jcms_col_path(o)
            col.col_id = o.next_col_id
            col.unit_id = str(5000 + o.next_col_id)
        o.columns.append(col)
        return col

    # ----------------------------------------------------------------- documents
    def new_doc(self, col: Column, title: str, publish: dt.date, **kw: Any) -> Doc:
        o = col.office
        d = Doc(uid=self.next_uid(), col=col, title=self.unique_title(title), kind=col.kind, publish=publish,
                publisher=o.full_name if not o.is_portal else C.PORTAL_PUBLISHER, **kw)
        d.time = f"{self.rng.randint(8, 17):02d}:{self.rng.randint(0, 59):02d}"
        d.in_disclosure = col.in_disclosure
        col.docs.append(d)
        return d

    def policy_docs(self, col: Column, n: int, start: dt.date, end: dt.date, *, normative: bool,
                    subjects: list[str], issuer: str, code_suffixes: list[str]) -> None:
        writtens = self.spread_dates(n, start, end)
        for i, w in enumerate(writtens):
            if normative:
                subj = subjects[i % len(subjects)]
                form = C.NORM_FORMS[(i // len(subjects) + i) % len(C.NORM_FORMS)]
                title = f"{issuer}关于印发《示例县{subj}{form}》的通知"
                subject = f"示例县{subj}{form}"
            else:
                subj = subjects[i % len(subjects)].replace("2023年", f"{w.year}年").replace("2022年", f"{w.year - 1}年")
                title = f"{issuer}关于{subj}的通知"
                subject = subj
            pub = add_workdays(w, self.rng.randint(1, 6))
            d = self.new_doc(col, title, pub, written=w)
            d.subject = subject
            d.doc_number = self.rng.choice(code_suffixes)   # the code; the number is set in finalize
            d.sign_style = self.rng.choice(["han", "arabic", "han"]) if col.office.family != "govcn" else "arabic"
            if normative:
                d.validity = "有效" if (AS_OF - pub).days < 500 or self.rng.random() < 0.7 else self.rng.choice(["失效", "已修改"])
                d.validity_text = d.validity
                if self.rng.random() < 0.6:
                    d.attachments.append(self.make_attachment(d, "pdf", f"{subject}.pdf"))
            elif self.rng.random() < 0.35:
                ext = self.rng.choice(["doc", "wps", "xls", "pdf"])
                d.attachments.append(self.make_attachment(d, ext, f"附件1.{subject}相关材料.{ext}"))

    def simple_docs(self, col: Column, titles: list[str], dates: list[dt.date], *, attach: str | None = None,
                    inline: bool = False) -> None:
        for t, p in zip(titles, dates):
            d = self.new_doc(col, t, p)
            d.show["inline"] = inline
            if attach:
                d.attachments.append(self.make_attachment(d, attach, f"{t}.{attach}"))

    def make_attachment(self, d: Doc, ext: str, name: str, *, exists: bool = True) -> Attachment:
        return Attachment(href="", name=name, ext=ext, path=None if not exists else "", content_title=name)

    # ----------------------------------------------------------------- offices
    def build_portal(self) -> None:
        o = self.make_office(C.PORTAL_OFFICE, "portal", "trs", "utf-8", "trs-js", "示政", "示例县")
        o.is_portal, o.full_name, o.root = True, C.PORTAL_PUBLISHER, "/xxgk/"
        o.address, o.phone = "示例县府前街1号", "0533-3221234"
        self.portal = o
        self.offices.append(o)
        s = self.scale
        r = self.rng

        guide = self.add_column(o, "guide", "政府信息公开指南", "xxgkzn", group="guide")
        self.simple_docs(guide, ["示例县人民政府信息公开指南"], [D(2023, 3, 1)])
        guide.docs[0].show["guide"] = True
        rules = self.add_column(o, "rules", "政府信息公开制度", "xxgkzd", group="rules")
        self.simple_docs(rules, ["示例县政府信息公开保密审查制度", "示例县政府信息公开申请办理工作制度",
                                 "示例县政府信息公开发布协调制度"], [D(2022, 3, 15), D(2022, 6, 8), D(2023, 2, 20)])

        norm = self.add_column(o, "normative", "行政规范性文件", "gfxwj")
        self.policy_docs(norm, 12 * s, D(2022, 1, 10), D(2023, 11, 3), normative=True, subjects=C.NORM_SUBJECTS,
                         issuer="示例县人民政府办公室", code_suffixes=["示政办发", "示政发"])
        other = self.add_column(o, "policy", "其他文件", "qtwj")
        self.policy_docs(other, 12 * s, D(2022, 1, 10), D(2023, 11, 10), normative=False,
                         subjects=C.PORTAL_POLICY_SUBJECTS, issuer="示例县人民政府办公室",
                         code_suffixes=["示政办字", "示政字"])
        self.add_column(o, "interpretation", "政策解读", "zcjd")

        org = self.add_column(o, "org", "机构职能", "jgzn")
        self.simple_docs(org, ["示例县人民政府办公室主要职责和内设机构", "示例县人民政府工作部门设置"],
                         [D(2022, 2, 18), D(2023, 1, 9)])
        leaders = self.add_column(o, "leaders", "领导信息", "ldxx")
        self.simple_docs(leaders, [f"{n}　{t}" for n, t, _ in C.LEADERS], [D(2022, 1, 20)] * 2 + [D(2023, 2, 10)] * 2)
        for d, (_, _, duty) in zip(leaders.docs, C.LEADERS):
            d.show["leader"] = duty
        plan = self.add_column(o, "planning", "规划计划", "ghjh")
        self.simple_docs(plan, ["示例县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
                                "示例县2022年国民经济和社会发展计划", "示例县2023年国民经济和社会发展计划",
                                "示例县“十四五”综合交通运输发展规划"],
                         [D(2022, 1, 14), D(2022, 2, 21), D(2023, 2, 17), D(2023, 6, 12)], attach="pdf")
        stats = self.add_column(o, "stats", "统计信息", "tjxx")
        months = [m for m in range(2, 11)]
        titles = ["示例县2022年国民经济和社会发展统计公报"] + [f"2023年1—{m}月全县主要经济指标" for m in months]
        dates = [D(2023, 3, 20)] + [next_workday(D(2023, m + 1, 18)) for m in months]
        self.simple_docs(stats, titles, dates)
        stats.docs[0].attachments.append(self.make_attachment(stats.docs[0], "pdf", "示例县2022年国民经济和社会发展统计公报.pdf"))

        budget = self.add_column(o, "budget", "财政预决算", "czyjs")
        self.simple_docs(budget, ["关于示例县2021年预算执行情况和2022年预算草案的报告", "示例县2022年财政预算公开",
                                  "示例县2021年财政决算公开", "示例县2023年财政预算公开",
                                  "示例县2022年财政决算公开", "示例县2023年“三公”经费预算情况说明"],
                         [D(2022, 1, 28), D(2022, 2, 14), D(2022, 9, 16), D(2023, 2, 13), D(2023, 9, 15), D(2023, 2, 13)],
                         attach="xls")
        fin = self.add_column(o, "finance", "财政收支", "czsz")
        periods = [(2022, m) for m in range(1, 13)] + [(2023, m) for m in range(1, 11) if m not in (7, 8)]
        fin_titles = [f"{y}年1—{m}月全县财政收支情况" if m > 1 else f"{y}年1月全县财政收支情况" for y, m in periods]
        fin_dates = [next_workday((D(y, m, 28) + dt.timedelta(days=18))) for y, m in periods]
        self.simple_docs(fin, fin_titles, fin_dates)
        for d, (y, m) in zip(fin.docs, periods):
            d.show["period"] = f"{y}-{m:02d}"

        civil = self.add_column(o, "civil_service", "公务员招考", "gwykl")
        self.simple_docs(civil, ["示例县2023年考试录用公务员面试公告", "示例县2023年考试录用公务员体检和考察人员名单",
                                 "示例县2023年考试录用公务员拟录用人员公示"],
                         [D(2023, 5, 29), D(2023, 6, 19), D(2023, 7, 24)], attach="xls")
        lic = self.add_column(o, "license", "行政许可", "xzxk")
        n = 10 * s
        self.simple_docs(lic, [f"示例县行政审批服务局行政许可信息公示（第{i + 1}期）" for i in range(n)],
                         self.spread_dates(n, D(2022, 1, 4), D(2023, 11, 20), last=D(2023, 11, 24)))
        pun = self.add_column(o, "punish", "处罚强制", "cfqz")
        self.simple_docs(pun, [f"示例县综合行政执法局行政处罚信息公示（第{i + 1}期）" for i in range(n)],
                         self.spread_dates(n, D(2022, 1, 4), D(2023, 11, 20), last=D(2023, 11, 17)))
        ssj = self.add_column(o, "random_inspection", "双随机一公开", "ssjygk")
        n5 = 5 * s
        self.simple_docs(ssj, [f"示例县2023年度“双随机、一公开”抽查结果公示（第{i + 1}批）" for i in range(n5)],
                         self.spread_dates(n5, D(2023, 1, 4), D(2023, 11, 10)))
        news = self.add_column(o, "news", "工作动态", "gzdt")
        n30 = 30 * s
        self.simple_docs(news, [r.choice(C.TOWNS) + r.choice(C.NEWS_ACTIVITIES) for _ in range(n30)],
                         self.spread_dates(n30, D(2023, 1, 3), D(2023, 11, 27), last=D(2023, 11, 28)), inline=True)
        report = self.add_column(o, "annual_report", "政府信息公开年报", "ndbg", group="report")
        self.simple_docs(report, ["示例县人民政府2021年政府信息公开工作年度报告",
                                  "示例县人民政府2022年政府信息公开工作年度报告"],
                         [D(2022, 1, 21), D(2023, 1, 18)], attach="pdf")
        cat = self.add_column(o, "catalogue", "主动公开基本目录", "jbml")
        self.simple_docs(cat, ["示例县人民政府2022年主动公开基本目录", "示例县人民政府2023年主动公开基本目录"],
                         [D(2022, 3, 10), D(2023, 3, 9)], attach="xls")
        impl = self.add_column(o, "plan_impl", "政务公开工作方案", "gzfa")
        self.simple_docs(impl, ["2022年示例县政务公开工作方案", "2023年示例县政务公开工作方案"],
                         [D(2022, 4, 15), D(2023, 4, 20)])
        impl.docs[1].attachments.append(self.make_attachment(impl.docs[1], "zip", "2023年示例县政务公开工作方案及附表.zip"))

    def build_department(self, spec: tuple, *, extra: bool = False) -> Office:
        name, key, family, encoding, pagination, code, short, domain = spec
        o = self.make_office(name, key, family, encoding, pagination, code, short, extra=extra)
        self.offices.append(o)
        s, r = self.scale, self.rng
        guide = self.add_column(o, "guide", "信息公开指南", "xxgkzn", group="guide")
        self.simple_docs(guide, [f"{o.full_name}政府信息公开指南"], [D(2023, 2, 1) + dt.timedelta(days=r.randint(0, 40))])
        guide.docs[0].show["guide"] = True
        rules = self.add_column(o, "rules", "信息公开制度", "xxgkzd", group="rules")
        self.simple_docs(rules, [f"{o.full_name}政府信息公开工作制度"], [D(2022, 4, 6)])
        org = self.add_column(o, "org", "机构职能", "jgzn")
        self.simple_docs(org, [f"{o.full_name}机构职能"], [D(2022, 3, 2)])
        lead = self.add_column(o, "leaders", "领导信息", "ldxx")
        self.simple_docs(lead, [f"{o.full_name}领导班子成员及分工"], [D(2023, 1, 16)])
        subjects = C.DEPT_POLICY_SUBJECTS.get(key, C.GENERIC_POLICY_SUBJECTS)
        if key in ("czj", "sfj", "wjj") or (extra and family in ("trs", "govcn")):
            norm = self.add_column(o, "normative", "行政规范性文件", "gfxwj")
            self.policy_docs(norm, 4 * s if not extra else 2 * s, D(2022, 2, 1), D(2023, 10, 27),
                             normative=True, subjects=C.NORM_SUBJECTS[len(self.offices) * 3:] + C.NORM_SUBJECTS,
                             issuer=o.full_name, code_suffixes=[code + "发"])
        pol = self.add_column(o, "policy", self.rng.choice(["其他文件", "政策文件", "部门文件"]) if extra else "其他文件", "qtwj")
        self.policy_docs(pol, (6 if not extra else 4) * s, D(2022, 1, 10), D(2023, 11, 8), normative=False,
                         subjects=subjects, issuer=o.full_name, code_suffixes=[code + "字"])
        self.add_column(o, "interpretation", "政策解读", "zcjd")
        if key != "tjj":
            bud = self.add_column(o, "budget", "财政预决算", "czyjs")
            self.simple_docs(bud, [f"{o.full_name}2022年部门预算公开", f"{o.full_name}2021年部门决算公开",
                                   f"{o.full_name}2023年部门预算公开", f"{o.full_name}2022年部门决算公开"],
                             [D(2022, 2, 16), D(2022, 8, 25), D(2023, 2, 15), D(2023, 8, 24)], attach="xls")
        news = self.add_column(o, "news", "工作动态", "gzdt")
        n = (12 if not extra else 6) * s
        if key == "tjj":
            dates = self.spread_dates(n, D(2022, 9, 1), D(2023, 5, 10), last=D(2023, 5, 16))
        else:
            dates = self.spread_dates(n, D(2023, 2, 1), D(2023, 11, 20), last=D(2023, 11, 20) + dt.timedelta(days=r.randint(0, 7)))
            dates[-1] = next_workday(dates[-1]) if dates[-1] <= D(2023, 11, 28) else D(2023, 11, 28)
        self.simple_docs(news, [o.short + r.choice(C.NEWS_ACTIVITIES) for _ in range(n)], dates, inline=True)
        dk, dname = domain
        dom = self.add_column(o, dk, dname, "zdly")
        nd = 3 * s
        self.simple_docs(dom, [f"{o.full_name}{dname}公示（2023年第{i + 1}期）" for i in range(nd)],
                         self.spread_dates(nd, D(2023, 3, 1), D(2023, 11, 15)))
        ssj = self.add_column(o, "random_inspection", "双随机一公开", "ssjygk")
        if key != "sfj":
            nr = 2 * s
            self.simple_docs(ssj, [f"{o.full_name}2023年“双随机、一公开”抽查结果公示（第{i + 1}批）" for i in range(nr)],
                             self.spread_dates(nr, D(2023, 4, 3), D(2023, 11, 3)))
        rep = self.add_column(o, "annual_report", "政府信息公开年报", "ndbg", group="report")
        late = key == "sfj"
        self.simple_docs(rep, [f"{o.full_name}2021年政府信息公开工作年度报告", f"{o.full_name}2022年政府信息公开工作年度报告"],
                         [D(2022, 1, 25), D(2023, 2, 15) if late else D(2023, 1, 19) + dt.timedelta(days=r.randint(0, 8))],
                         attach="pdf")
        cat = self.add_column(o, "catalogue", "主动公开基本目录", "jbml")
        if key == "jtj":
            self.simple_docs(cat, [f"{o.full_name}2022年主动公开基本目录"], [D(2022, 3, 18)], attach="xls")
        else:
            self.simple_docs(cat, [f"{o.full_name}2022年主动公开基本目录", f"{o.full_name}2023年主动公开基本目录"],
                             [D(2022, 3, 18), D(2023, 3, 16)], attach="xls")
        o.nav_columns = [c for c in o.columns if c.kind in ("guide", "policy", "interpretation", "news", "annual_report")]
        return o

    def build_news_center(self) -> None:
        """新闻中心 (outside the disclosure column): 要闻动态 and 通知公告, TRS family."""
        o = self.portal
        r = self.rng
        for kind, name, slug, n in (("news", "要闻动态", "ywdt", 15), ("notices", "通知公告", "tzgg", 8)):
            col = Column(office=o, kind=kind, name=name, slug=slug, path=f"/xwzx/{slug}/", group="news", in_disclosure=False)
            self.news_cols.append(col)
            nn = n * self.scale
            if kind == "news":
                titles = [C.PORTAL_NEWS[i % len(C.PORTAL_NEWS)] for i in range(nn)]
            else:
                titles = [f"关于{r.choice(['公开招聘', '征求意见', '停水', '公示'])}的公告（{i + 1}）" for i in range(nn)]
            self.simple_docs(col, titles, self.spread_dates(nn, D(2023, 6, 1), D(2023, 11, 27), last=D(2023, 11, 29)),
                             inline=True)
            for d in col.docs:
                if r.random() < 0.4:
                    d.images.append(("", f"{d.title}现场", True))

    # ----------------------------------------------------------------- interpretations
    def build_interpretations(self) -> None:
        for o in self.offices:
            icol = next(c for c in o.columns if c.kind == "interpretation")
            policies = [d for c in o.columns if c.kind in ("normative", "policy") for d in c.docs]
            for p in policies:
                if p.kind == "policy" and not (p.show.get("force_interp") or self.rng.random() < 0.25):
                    continue
                if p.show.get("no_interp"):
                    continue
                lag = p.show.get("interp_lag", self.rng.choice([0, 0, 1, 1, 2]))
                pub = add_workdays(p.publish, lag) if lag else p.publish
                if p.show.get("interp_lag_date"):
                    pub = p.show["interp_lag_date"]
                form = p.show.get("interp_form") or self.rng.choice(["文字", "文字", "文字", "图解", "问答", "视频"])
                core = f"《{p.subject}》" if p.kind == "normative" else f"《关于{p.subject}的通知》"
                title = {"文字": f"{core}政策解读", "图解": f"图解：{core}", "问答": f"{core}问答",
                         "视频": f"【视频解读】{core}"}[form]
                d = self.new_doc(icol, title, pub)
                d.is_interp, d.form = True, form
                d.policies.append(p)
                d.backlink = not p.show.get("no_backlink")
                p.interps.append(d)
                if p.show.get("interp_lag_date"):
                    self.non_defects.append({
                        "check": "late-interpretation", "_doc": d, "_policy": p,
                        "note": "holiday trap: 2023-09-29..10-06 are holidays, 10-07/08 are workdays: 3 working days"})
                if form == "图解":
                    d.images.append(("", "图解", True))
                elif form == "视频":
                    d.attachments.append(self.make_attachment(d, "mp4", f"{p.subject}解读视频.mp4"))

    # ----------------------------------------------------------------- planted defects on documents
    def plant_documents(self) -> None:
        """Date/number/field defects. Each docs index refers to the column's docs sorted by publish date."""
        def docs(office: str, kind: str) -> list[Doc]:
            o = next(x for x in self.offices if x.key == office)
            col = next(c for c in o.columns if c.kind == kind)
            col.docs.sort(key=lambda d: (d.publish, d.uid))
            return col.docs

        pn = docs("portal", "normative")
        pn[0].show["omit"] = {"有效性"}
        self.defect("missing-field", pn[0], field="有效性")
        pn[2].show["no_interp"] = True
        self.defect("missing-interpretation", pn[2], title=pn[2].title)
        # holiday trap: published Thu 2023-09-28; 解读 Mon 2023-10-09 = 3 working days (10-07/08 were workdays)
        pn[9].written, pn[9].publish = D(2023, 9, 25), D(2023, 9, 28)
        pn[9].show["interp_lag_date"] = D(2023, 10, 9)
        pn[6].show["interp_lag"] = 6
        pn[8].show["no_backlink"] = True
        pn[10].show["docno"] = ("leading-zero", lambda code, y, n: f"{code}〔{y}〕0{n}号")

        po = docs("portal", "policy")
        po[1].show["docno"] = ("brackets", lambda code, y, n: f"{code}（{y}）{n}号")
        po[3].written, po[3].publish = po[3].publish + dt.timedelta(days=5), po[3].publish
        po[3].written = next_workday(po[3].written)
        self.defect("date-order", po[3])
        po[7].written = D(2023, 3, 6)
        po[7].publish = add_workdays(po[7].written, 27)
        self.defect("late-publication", po[7])
        po[9].show["missing_attachment"] = True
        po[11].show["file_link"] = True
        po[5].show["mismatch"] = True

        cz = docs("czj", "normative")
        cz[1].show["omit"] = {"文号"}
        self.defect("missing-field", cz[1], field="文号")
        czp = docs("czj", "policy")
        czp[2].show["docno"] = ("brackets", lambda code, y, n: f"{code}【{y}】{n}号")
        czp[4].written = D(2023, 5, 8)
        czp[4].publish = add_workdays(czp[4].written, 24)
        self.defect("late-publication", czp[4])
        czp[0].show["intranet_attachment"] = True

        sf = docs("sfj", "normative")
        sf[1].show["omit"] = {"成文日期"}
        sf[1].sign_style = "none"
        self.defect("missing-field", sf[1], field="成文日期")
        sfp = docs("sfj", "policy")
        sfp[1].show["docno"] = ("year", lambda code, y, n: f"{code}〔{y % 100:02d}〕{n}号")
        sfp[3].show["soft404_link"] = True

        jt = docs("jtj", "policy")
        jt[2].show["docno"] = ("di", lambda code, y, n: f"{code}〔{y}〕第{n}号")
        jt[4].show["drive_attachment"] = True

        tj = docs("tjj", "policy")
        tj[1].show["docno"] = ("missing-hao", lambda code, y, n: f"{code}〔{y}〕{n}")
        tj[3].show["malformed_link"] = True

        wj = docs("wjj", "policy")
        wj[1].show["docno"] = ("brackets", lambda code, y, n: f"{code}[{y}]{n}号")
        wn = docs("wjj", "normative")
        wn[2].show["empty"] = {"有效性"}
        self.defect("missing-field", wn[2], field="有效性")
        wn[0].show["intranet_link"] = True

    def defect(self, check: str, d: Doc, **details: Any) -> None:
        self.defects.append({"check": check, "_doc": d, **details})

    # ----------------------------------------------------------------- finalize numbers, paths, attachments
    def finalize(self) -> None:
        all_docs = [d for o in self.offices for c in o.columns for d in c.docs] + \
                   [d for c in self.news_cols for d in c.docs]
        # document numbers: sequence per code and year in order of written date
        policy = sorted((d for d in all_docs if d.doc_number and d.written), key=lambda d: (d.written, d.uid))
        for d in policy:
            code = d.doc_number
            y = d.written.year
            self.seq[(code, y)] = self.seq.get((code, y), 0) + self.rng.randint(1, 4)
            n = self.seq[(code, y)]
            fmt = d.show.get("docno")
            d.doc_number = fmt[1](code, y, n) if fmt else f"{code}〔{y}〕{n}号"
            if fmt:
                self.defect("doc-number-format", d, doc_number=d.doc_number, reason=fmt[0])
        for d in sorted(all_docs, key=lambda d: (d.publish, d.uid)):
            o = d.col.office
            y = d.publish.year
            self.idx_seq[(o.key, y)] = self.idx_seq.get((o.key, y), 0) + 1
            n = self.idx_seq[(o.key, y)]
            if not d.in_disclosure:
                d.index_no = None
            elif o.family == "jcms":
                d.index_no = f"{o.org_code[8:17]}-{y}-{n:06d}"
            elif o.family == "govcn":
                d.index_no = f"{o.org_code[8:17]}/{y}-{n:05d}"
            else:
                d.index_no = f"{o.org_code}/{y}-{n:05d}"
            d.topic = C.TOPICS.get(d.kind, "综合政务\\其他") if d.in_disclosure else None
            self.assign_path(d)

    def assign_path(self, d: Doc) -> None:
        o, col, p = d.col.office, d.col, d.publish
        if o.family == "trs":
            d.path = f"{col.path}{p:%Y%m}/t{p:%Y%m%d}_{d.uid}.html"
        elif o.family == "sdgk":
            d.path = f"{col.path}doc_{self.hexid()}.html"
        elif o.family == "govcn":
            d.path = f"{o.root}content/{p:%Y-%m}/{p.day:02d}/content_{d.uid}.htm"
        else:
            d.path = f"/{o.key}/art/{p.year}/{p.month}/{p.day}/art_{col.col_id}_{d.uid}.html"
        for k, a in enumerate(d.attachments, 1):
            if o.family == "trs":
                a.href = f"{col.path}{p:%Y%m}/P0{p:%Y%m%d}{d.uid}{k:02d}{self.rng.randint(100, 999)}.{a.ext}"
            elif o.family == "sdgk":
                a.href = f"/{o.key}/gongkai/upload/{p:%Y/%m/%d}/{self.hexid(16)}.{a.ext}"
            elif o.family == "govcn":
                a.href = f"{o.root}content/{p:%Y-%m}/{p.day:02d}/{d.uid}/files/{self.hexid(8)}.{a.ext}"
            else:
                a.href = f"/{o.key}/attach/0/{self.hexid(32)}.{a.ext}"
            if a.path is not None:
                a.path = a.href
        d.images = [(href or self.image_path(d, k), alt, ok) for k, (href, alt, ok) in enumerate(d.images)]

    def image_path(self, d: Doc, k: int) -> str:
        o, p = d.col.office, d.publish
        if o.family == "trs":
            return f"{d.col.path}{p:%Y%m}/W0{p:%Y%m%d}{d.uid}{k}.{'png' if d.is_interp else 'jpg'}"
        return f"/{o.key}/images/{p:%Y%m}/{self.hexid(12)}.{'png' if d.is_interp else 'jpg'}"

    def link_plants(self) -> None:
        """Plants that need final paths: wrong links, broken attachments, the list-entry mismatch."""
        for o in self.offices:
            for c in o.columns:
                for d in c.docs:
                    s = d.show
                    if s.get("missing_attachment"):
                        href = f"{c.path}{d.publish:%Y%m}/P0{d.publish:%Y%m%d}{d.uid}99000.xls"
                        a = Attachment(href=href, name="附件2.有关情况统计表.xls", ext="xls", path=None)
                        d.attachments.append(a)
                        self.link("broken", a.href, d, status=404, link_text=a.name, link_kind="附件")
                    if s.get("file_link"):
                        href = f"file:///D:/公文/2023/{d.subject}.doc"
                        d.body_links.append(("原文下载", href))
                        self.link("wrong", href, d, error="file-scheme", link_text="原文下载", link_kind="附件")
                    if s.get("intranet_attachment"):
                        href = "http://192.168.10.5/oa/attach/2023/0915/" + d.subject + ".doc"
                        d.attachments.append(Attachment(href=href, name=f"{d.subject}.doc", ext="doc", path=None))
                        self.link("wrong", href, d, error="intranet", link_text=f"{d.subject}.doc", link_kind="附件")
                    if s.get("intranet_link"):
                        href = "http://10.20.1.15:8080/cms/gfxwj/detail.jsp?id=3382"
                        d.body_links.append(("点击查看原文", href))
                        self.link("wrong", href, d, error="intranet", link_text="点击查看原文", link_kind="页面")
                    if s.get("drive_attachment"):
                        href = "D:\\公文\\2023\\附件2.xls"
                        d.attachments.append(Attachment(href=href, name="附件2.xls", ext="xls", path=None))
                        self.link("wrong", href, d, error="drive-path", link_text="附件2.xls", link_kind="附件")
                    if s.get("malformed_link"):
                        href = "http://[192.168.10.5/xxgk/tjsj/index.html"
                        d.body_links.append(("统计数据查询", href))
                        self.link("wrong", href, d, error="malformed-url", link_text="统计数据查询", link_kind="页面")
                    if s.get("soft404_link"):
                        href = f"{o.root}ztzl/fzxc/index.html"
                        d.body_links.append(("法治宣传专题", href))
                        self.link("broken", href, d, status=200, error="soft-404", link_text="法治宣传专题", link_kind="页面")
                    if s.get("mismatch"):
                        other_title = "示例县人民政府办公室关于开展2023年秋冬季森林防火隐患排查的通知"
                        ln = {"url": d.path, "source": None, "error": "title-mismatch",
                              "link_text": other_title, "link_kind": "页面", "page_title": d.title}
                        c.extra_entries.append({"title": other_title, "href": d.path, "date": d.publish, "link": ln})
                        self.links["wrong"].append(ln)
        # a news item with a missing image, a deleted document still listed, a redirect to a 404
        gz = next(c for c in self.portal.columns if c.kind == "news")
        d = gz.docs[len(gz.docs) // 2]
        img = f"{gz.path}{d.publish:%Y%m}/W0{d.publish:%Y%m%d}{d.uid}9.jpg"
        d.images.append((img, "活动现场", False))
        self.link("broken", img, d, status=404, link_text="活动现场", link_kind="图片")
        dead_date = gz.docs[len(gz.docs) // 3].publish
        dead = f"{gz.path}{dead_date:%Y%m}/t{dead_date:%Y%m%d}_{self.next_uid()}.html"
        ln = {"url": dead, "source": None, "status": 404, "link_text": "示例县召开第三季度安全生产形势分析会",
              "link_kind": "页面"}
        gz.extra_entries.append({"title": ln["link_text"], "href": dead, "date": dead_date, "link": ln})
        self.links["broken"].append(ln)
        zc = next(c for c in self.portal.columns if c.kind == "interpretation")
        zc.extra_links.append(("往期解读（2021年及以前）", "/xxgk/zcjd/wqjd/"))
        self.links["broken"].append({"url": "/xxgk/zcjd/wqjd/", "source": zc.path, "status": 404,
                                     "error": "redirect-to-404", "link_text": "往期解读（2021年及以前）", "link_kind": "页面"})

    def link(self, cls: str, url: str, d: Doc, **details: Any) -> None:
        self.links[cls].append({"url": url, "source": d.path, **details})

    # ----------------------------------------------------------------- rendering helpers
    def meta_rows(self, d: Doc) -> list[list[tuple[str, str]]]:
        """Metadata rows in the office's family style, and the displayed (key) values in d.show['key']."""
        o = d.col.office
        fam = o.family
        omit = d.show.get("omit", set())
        empty = d.show.get("empty", set())
        shown: dict[str, Any] = {"index_no": d.index_no, "publisher": d.publisher, "topic": d.topic,
                                 "doc_number": None, "written_date": None, "validity": None}
        policy_like = d.kind in ("normative", "policy") and d.written is not None
        r = random.Random(d.uid)   # label spellings vary per document, independent of generation order

        def val(fieldname: str, text: str | None) -> str | None:
            if fieldname in omit:
                return None
            if fieldname in empty:
                return ""
            return text

        docno = val("文号", d.doc_number) if policy_like else None
        written = val("成文日期", d.written) if policy_like else None
        validity = val("有效性", d.validity_text) if d.kind == "normative" else None
        shown["doc_number"] = docno or None
        shown["written_date"] = written.isoformat() if isinstance(written, dt.date) else None
        shown["validity"] = validity or None
        d.show["key"] = shown
        rows: list[list[tuple[str, str]]] = []
        if fam == "trs":
            rows.append([("索引号：", d.index_no), ("发布机构：", d.publisher)])
            if policy_like:
                r1 = []
                if written is not None:
                    r1.append(("生成日期：", written.isoformat() if written else ""))
                if docno is not None:
                    r1.append(("文号：" if r.random() < 0.6 else "发文字号：", docno))
                rows.append(r1)
            r2 = [("发布日期：", d.publish.isoformat())]
            if validity is not None:
                r2.append(("有效性：", validity))
            rows.append(r2)
            rows.append([("主题分类：", d.topic), ("公开方式：", "主动公开")])
        elif fam == "sdgk":
            row = [("索 引 号：", d.index_no), ("发文机关：" if policy_like else "发布机构：", d.publisher)]
            if docno is not None:
                row.append(("发文字号：" if r.random() < 0.5 else "文　　号：", docno))
            if written is not None:
                row.append(("成文日期：" if r.random() < 0.7 else "发文日期：", _cn(written, r.random() < 0.5) if written else ""))
            row.append(("发布日期：", _cn(d.publish)))
            if validity is not None:
                row.append(("有效性：", validity))
            row.append(("主题分类：", d.topic))
            rows = [row]
        elif fam == "govcn":
            r1 = [("索　引　号：", d.index_no), ("主题分类：", d.topic)]
            r2 = [("发文机关：" if policy_like else "发布机构：", d.publisher)]
            if written is not None:
                r2.append(("成文日期：", _cn(written) if written else ""))
            rows = [r1, r2, [("标　　题：", d.title)]]
            r4 = []
            if docno is not None:
                r4.append(("发文字号：", docno))
            r4.append(("发布日期：", _cn(d.publish)))
            rows.append(r4)
            if validity is not None:
                rows.append([("有　效　性：", validity)])
        else:   # jcms
            r1 = [("索引号：", d.index_no), ("发布机构：", d.publisher)]
            if docno is not None:
                r1.append(("文件编号：", docno))
            r2 = []
            if written is not None:
                r2.append(("成文日期：", written.isoformat() if written else ""))
            r2.append(("发布时间：", f"{d.publish.isoformat()} {d.time}:{r.randint(0, 59):02d}"))
            if validity is not None:
                r2.append(("时效：", {"有效": "现行有效"}.get(validity, validity)))
            rows = [r1, r2, [("主题分类：", d.topic), ("公开方式：", "主动公开"), ("公开范围：", "全部公开")]]
        return [row for row in rows if row]

    def body(self, d: Doc) -> Markup:
        o = d.col.office
        P: list[str] = []
        e = escape
        if d.is_interp:
            p = d.policies[0]
            if d.form == "问答":
                P += [f"<p><strong>问：为什么要出台{e(p.subject)}？</strong></p>",
                      f"<p>答：为进一步规范相关工作，切实维护群众合法权益，{e(o.full_name)}研究起草了该文件。</p>",
                      "<p><strong>问：主要内容有哪些？</strong></p>",
                      "<p>答：文件共分为总则、职责分工、监督管理和附则四个部分。</p>"]
            else:
                P += ["<p>一、起草背景</p>", f"<p>为贯彻落实上级有关部署要求，结合我县实际，{e(o.full_name)}起草了{e(p.subject)}。</p>",
                      "<p>二、主要内容</p>", "<p>文件明确了工作目标、重点任务和保障措施。</p>",
                      "<p>三、解读机关及联系方式</p>", f"<p>解读机关：{e(p.publisher)}　联系电话：{e(o.phone)}</p>"]
            for href, alt, _ in d.images:
                P.insert(0, f'<p style="text-align:center"><img src="{e(href)}" alt="{e(alt)}"></p>')
            for a in d.attachments:
                if a.ext == "mp4":
                    P.insert(0, f'<p style="text-align:center"><video src="{e(a.href)}" controls width="640"></video></p>')
            return Markup("\n".join(P))
        if d.kind in ("normative", "policy") and d.written:
            P.append("<p>各镇人民政府、街道办事处，县政府各部门，各有关单位：</p>" if o.is_portal else
                     "<p>各科室、局属各单位：</p>")
            if d.kind == "normative":
                P.append(f"<p>《{e(d.subject)}》已经研究同意，现印发给你们，请认真贯彻执行。</p>")
            else:
                P += [f"<p>为{e(d.subject)}，现就有关事项通知如下：</p>", "<p>一、提高思想认识，加强组织领导。</p>",
                      "<p>二、压实工作责任，确保措施落实到位。</p>", "<p>三、强化督导检查，及时报送工作情况。</p>"]
            P.append(f'<p style="text-align:right">{e(d.publisher)}</p>')
            if d.sign_style == "han":
                P.append(f'<p style="text-align:right">{_han_date(d.written)}</p>')
            elif d.sign_style == "arabic":
                P.append(f'<p style="text-align:right">{_cn(d.written, pad=False)}</p>')
            P.append("<p>（此件公开发布）</p>")
            if d.kind == "normative":
                P += [f'<p style="text-align:center"><strong>{e(d.subject)}</strong></p>',
                      "<p>第一条　为加强管理，规范工作程序，根据有关法律法规规定，结合本县实际，制定本办法。</p>",
                      "<p>第二条　本办法适用于本县行政区域内的相关管理活动。</p>",
                      "<p>第三条　县有关部门按照职责分工做好相关工作。</p>",
                      "<p>第四条　本办法自印发之日起施行，有效期5年。</p>"]
        elif d.show.get("guide"):
            P += [f"<p>一、主动公开</p><p>（一）公开范围。{e(o.full_name)}主动公开本机关职责范围内的政府信息。</p>",
                  "<p>二、依申请公开</p><p>（一）受理机构：" + e(d.publisher) + "</p>",
                  f"<p>办公地址：{e(o.address)}　邮政编码：256100</p>",
                  "<p>办公时间：周一至周五（法定节假日除外）上午8:30—12:00，下午13:30—17:30</p>",
                  f"<p>联系电话：{e(o.phone)}　传真：{e(o.phone)}</p>",
                  f"<p>本指南更新日期：{_cn(d.publish, pad=False)}</p>"]
        elif d.show.get("leader"):
            P += [f'<p><img src="/images/leader.png" alt="{e(d.title)}"></p>', f"<p>工作分工：{e(d.show['leader'])}</p>"]
        else:
            md = f"{d.publish.month}月{d.publish.day}日"
            P += [f"<p>{md}，{e(d.title)}。</p>",
                  "<p>会议（活动）强调，要坚持以人民为中心，扎实做好各项工作，推动高质量发展。</p>",
                  "<p>下一步，将持续加大工作力度，确保各项任务落地见效。</p>"]
            for href, alt, _ in d.images:
                P.insert(1, f'<p style="text-align:center"><img src="{e(href)}" alt="{e(alt)}"></p>')
        for text, href in d.body_links:
            P.append(f'<p><a href="{e(href)}">{e(text)}</a></p>')
        return Markup("\n".join(P))

    def rel_href(self, from_path: str, to_path: str) -> str:
        """TRS writes relative links (./202309/t…html, ../../zcjd/…); other families write root paths."""
        fdir = from_path.rsplit("/", 1)[0].split("/")
        tparts = to_path.split("/")
        i = 0
        while i < min(len(fdir), len(tparts) - 1) and fdir[i] == tparts[i]:
            i += 1
        ups = len(fdir) - i
        rest = "/".join(tparts[i:])
        return ("./" if ups == 0 else "../" * ups) + rest

    def office_href(self, o: Office, from_path: str, to_path: str) -> str:
        if o.family == "trs" and to_path.startswith("/"):
            return self.rel_href(from_path, to_path)
        return to_path

    def crumbs(self, col: Column) -> list[tuple[str, str | None]]:
        o = col.office
        if not col.in_disclosure:
            return [("首页", "__SITE__/"), ("新闻中心", "/xwzx/"), (col.name, col.path)]
        if o.is_portal:
            c = [("首页", "__SITE__/"), ("政府信息公开", "/xxgk/")]
            if col.group == "fdzdgk":
                c.append(("法定主动公开内容", "/xxgk/fdzdgknr/"))
            return c + [(col.name, col.path)]
        return [("首页", "/"), ("部门信息公开", "/xxgk/"), (o.full_name, o.root), (col.name, col.path)]

    # ----------------------------------------------------------------- writing
    def write(self, rel: str, data: str | bytes, encoding: str = "utf-8") -> None:
        path = self.out / rel.lstrip("/")
        if rel.endswith("/"):
            path = path / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode(encoding, errors="xmlcharrefreplace")
            self.html_pages += 1
        path.write_bytes(data)

    def render(self, template: str, o: Office, **ctx: Any) -> str:
        charset_meta = "gb2312" if o.encoding == "gbk" else None
        return self.env.get_template(template).render(o=o, site=self.site_ctx, charset_meta=charset_meta, **ctx)

    def render_doc(self, d: Doc) -> None:
        o, col = d.col.office, d.col
        rows = self.meta_rows(d) if (d.in_disclosure and not d.show.get("inline")) else []
        if not rows:
            d.show["key"] = {"index_no": None, "publisher": d.publisher, "topic": None, "doc_number": None,
                             "written_date": None, "validity": None}
        info = f"发布时间：{d.publish.isoformat()} {d.time}　来源：{d.publisher}" if (d.show.get("inline") or o.family == "trs") else None
        if rows and o.family != "trs":
            info = None
        related = [(i.title, self.office_href(o, d.path, i.path)) for i in d.interps]
        policy_links = [(p.title, self.office_href(o, d.path, p.path)) for p in d.policies] if d.backlink else []
        view = {
            "title": d.title, "meta": rows, "info_line": info, "body": self.body(d),
            "attachments": [{"href": self.office_href(o, d.path, a.href) if a.href.startswith("/") else a.href,
                             "name": a.name, "ext": a.ext} for a in d.attachments],
            "related": related, "related_label": "相关解读" if o.family != "govcn" else "解读文章",
            "policy_links": policy_links, "policy_label": "政策原文：" if o.family in ("trs", "jcms") else "相关文件：",
        }
        meta_tags = []
        if o.family in ("trs", "jcms") or o.is_portal:
            meta_tags = [("SiteName", self.site_ctx["name"]), ("SiteIDCode", C.SITE_ID_CODE),
                         ("ColumnName", col.name), ("ColumnType", col.name), ("ArticleTitle", d.title),
                         ("PubDate", f"{d.publish.isoformat()} {d.time}"), ("ContentSource", d.publisher),
                         ("Url", f"__SITE__{d.path}")]
        html = self.render(f"doc_{o.family}.html", o, d=view, page_title=f"{d.title}_{o.full_name}",
                           meta_tags=meta_tags, crumbs=self.crumbs(col))
        self.write(d.path, html, o.encoding)
        for a in d.attachments:
            if a.path:
                self.write(a.path, F.attachment(a.ext, a.content_title))
        for href, _, ok in d.images:
            if ok:
                self.write(href, F.attachment(href.rsplit(".", 1)[1], d.title))

    def render_column(self, col: Column) -> None:
        o = col.office
        entries = [{"title": d.title, "href": d.path, "date": d.publish} for d in col.docs] + col.extra_entries
        entries.sort(key=lambda e: (e["date"], e["href"]), reverse=True)
        style = o.pagination if col.in_disclosure else "trs-js"
        size = PAGE_SIZE[style]
        pages = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
        count = len(pages)
        col.list_paths = []
        for k, chunk in enumerate(pages, 1):
            if style == "trs-js":
                path = col.path + ("index.html" if k == 1 else f"index_{k - 1}.html")
                key_path = col.path if k == 1 else path
            elif style == "next-last":
                path = col.path + ("index.html" if k == 1 else f"index_{k}.html")
                key_path = col.path if k == 1 else path
            elif style == "query":
                path = col.path + ("index.html" if k == 1 else f"index.html@page-{k}")
                key_path = col.path if k == 1 else f"{col.path}?page={k}"
            else:
                path = key_path = col.path
            col.list_paths.append(key_path)
            for e in chunk:
                if e.get("link") is not None:
                    e["link"]["source"] = key_path
            view = [{"title": e["title"], "href": self.office_href(o, path, e["href"]), "date": e["date"].isoformat(),
                     "date_cn": _cn(e["date"]), "date_dot": e["date"].strftime("%Y.%m.%d")} for e in chunk]
            pager = {"style": style, "current": k, "count": count, "total": len(entries), "size": size,
                     "offset": (k - 1) * size,
                     "href": (lambda n: "index.html" if n == 1 else f"index_{n}.html")}
            tpl = {"trs-js": "list_trs.html", "next-last": "list_sdgk.html", "query": "list_govcn.html",
                   "datastore": "list_jcms.html"}[style]
            if style == "query" and o.family == "sdgk":
                tpl = "list_sdgk.html"
            if style == "next-last" and o.family == "trs":
                tpl = "list_trs.html"
            html = self.render(tpl, o, col=col, entries=view, p=pager, page_title=f"{col.name}_{o.full_name}",
                               meta_tags=[("ColumnName", col.name)], crumbs=self.crumbs(col))
            self.write(path if not path.endswith("/") else path + "index.html", html, o.encoding)

    def render_office_index(self, o: Office) -> None:
        cols = o.columns
        by = lambda g: [c for c in cols if c.group == g]
        groups = [
            {"name": "政府信息公开指南" if o.is_portal else "信息公开指南", "href": by("guide")[0].path, "columns": []},
            {"name": "政府信息公开制度" if o.is_portal else "信息公开制度", "href": by("rules")[0].path, "columns": []},
            {"name": "法定主动公开内容", "href": "/xxgk/fdzdgknr/" if o.is_portal else None, "columns": by("fdzdgk")},
            {"name": "政府信息公开年报", "href": by("report")[0].path, "columns": []},
        ]
        blocks = []
        for c in cols:
            if c.kind in ("normative", "policy", "interpretation", "news") and c.docs:
                latest = sorted(c.docs, key=lambda d: (d.publish, d.uid), reverse=True)[:5]
                blocks.append({"name": c.name, "more": c.path, "entries": [
                    {"title": d.title, "href": d.path, "date": d.publish.isoformat()} for d in latest]})
        extra = []
        if o.is_portal:
            extra = [("依申请公开", "/ysqgk/"), ("数据开放", "/xxgk/sjkf/"), ("山东省政务公开", "__EXTERNAL__/sd/zwgk/"),
                     ("省政府信息公开工作年度报告", "__EXTERNAL__/sd/zwgk/ndbg/2022.html")]
            self.links["broken"].append({"url": "__EXTERNAL__/sd/zwgk/ndbg/2022.html", "source": "/xxgk/", "status": 404,
                                         "link_text": "省政府信息公开工作年度报告", "link_kind": "外部链接"})
        deps = [{"name": x.full_name, "root": x.root} for x in self.offices if not x.is_portal] if o.is_portal else []
        html = self.render("xxgk_index.html", o, groups=groups, blocks=blocks, extra_links=extra, departments=deps,
                           heading="政府信息公开" if o.is_portal else f"{o.full_name}信息公开",
                           page_title=f"政府信息公开_{o.full_name}", meta_tags=[],
                           crumbs=[("首页", "__SITE__/"), ("政府信息公开", None)] if o.is_portal else
                           [("首页", "/"), ("部门信息公开", "/xxgk/"), (o.full_name, None)])
        self.write(o.root if o.root.endswith("/") else o.root, html, o.encoding)

    def render_portal_pages(self) -> None:
        o = self.portal
        simple = lambda path, heading, paras, links=(), title=None: self.write(
            path, self.render("simple.html", o, heading=heading, paragraphs=paras, links=list(links),
                              page_title=f"{title or heading}_{self.site_ctx['name']}", meta_tags=[],
                              crumbs=[("首页", "__SITE__/"), (heading, None)]))
        ywdt, tzgg = self.news_cols
        latest = lambda c, n: [{"title": d.title, "href": d.path, "date": d.publish.strftime("%m-%d")}
                               for d in sorted(c.docs, key=lambda d: (d.publish, d.uid), reverse=True)[:n]]
        gk = [c for c in o.columns if c.kind in ("normative", "policy", "interpretation", "budget", "news", "annual_report")]
        pol = sorted((d for c in o.columns if c.kind in ("normative", "policy") for d in c.docs),
                     key=lambda d: (d.publish, d.uid), reverse=True)[:6]
        services = [("办事指南", "/bsfw/"), ("山东省政务服务网", "__EXTERNAL__/sdzwfw/"), ("便民服务", "/zwfw/")]
        inter = [("县长信箱", "/hdjl/xzxx/"), ("在线访谈", "/hdjl/zxft/"), ("网上调查", "/hdjl/wsdc/"),
                 ("意见征集", "/hdjl/yjzj/")]
        home = self.render("home.html", o, news=latest(ywdt, 8), notices=latest(tzgg, 6), gk_columns=gk,
                           policies=[{"title": d.title, "href": d.path, "date": d.publish.strftime("%m-%d")} for d in pol],
                           services=services, interactions=inter, page_title=self.site_ctx["name"],
                           meta_tags=[("SiteName", self.site_ctx["name"]), ("SiteIDCode", C.SITE_ID_CODE),
                                      ("ColumnName", "首页"), ("ColumnType", "首页")], crumbs=None)
        self.write("/index.html", home)
        fd = [c for c in o.columns if c.group == "fdzdgk"]
        simple("/xxgk/fdzdgknr/", "法定主动公开内容", [], [(c.name, c.path) for c in fd])
        simple("/xwzx/", "新闻中心", [], [(c.name, c.path) for c in self.news_cols])
        simple("/zwfw/", "政务服务", ["示例县政务服务中心地址：示例县振兴路88号。"],
               [("山东省政务服务网", "__EXTERNAL__/sdzwfw/"), ("办事指南", "/bsfw/")])
        simple("/zwfw/bszn/", "办事指南", ["个人办事、法人办事请登录山东省政务服务网示例县站点办理。"],
               [("山东省政务服务网", "__EXTERNAL__/sdzwfw/")])
        simple("/hdjl/", "互动交流", ["欢迎您通过以下渠道反映问题、提出建议。"], inter)
        simple("/hdjl/yjzj/", "意见征集", ["目前没有正在征集意见的事项。"])
        simple("/zjsx/", "走进示例", ["示例县位于山东省中部，辖4个镇、2个街道，总面积1636平方公里。"])
        simple("/wza/", "无障碍浏览", ["本站已完成适老化及无障碍改造。"])
        simple("/wzjc/", "我为政府网站找错", ["您可以通过国务院办公厅“我为政府网站找错”平台反映问题。"],
               [("我为政府网站找错", "__EXTERNAL__/zhaocuo/")])
        simple("/sitemap.html", "网站地图", [], [("政府信息公开", "/xxgk/"), ("新闻中心", "/xwzx/"), ("政务服务", "/zwfw/"),
                                                ("互动交流", "/hdjl/")])
        simple("/search/", "站内搜索", ["请输入关键词进行检索。"])
        self.write("/404.html", self.env.get_template("error.html").render(
            title="404 页面不存在", message="抱歉，您访问的页面不存在或已被删除。"))
        so = next(x for x in self.offices if x.key == "sfj")
        self.write(f"{so.root}notfound.html", self.env.get_template("error.html").render(
            title="页面不存在", message="您访问的页面不存在，请返回首页继续浏览。"))

    def write_static(self) -> None:
        self.write("/css/style.css", STYLE_CSS.encode())
        self.write("/js/page.js", PAGE_JS.encode())
        self.write("/module/web/jpage/jpage.js", JPAGE_JS.encode())
        self.write("/favicon.ico", F.ICO)
        self.write("/images/logo.png", F.png(8, 2))
        self.write("/images/red.png", F.png(2, 2, (204, 0, 0)))
        self.write("/images/banner.jpg", F.JPEG)
        self.write("/images/404.png", F.png(2, 2, (200, 200, 200)))
        self.write("/images/leader.png", F.png(2, 3, (120, 120, 120)))
        self.write("/robots.txt", b"User-agent: *\nDisallow: /search/\nDisallow: /admin/\n")

    # ----------------------------------------------------------------- server config and key
    def server_config(self) -> dict:
        sf = next(x for x in self.offices if x.key == "sfj")
        cz = next(x for x in self.offices if x.key == "czj")
        cfg = {
            "status": {"/ysqgk/": 403, "/hdjl/xzxx/": 412, "/xxgk/sjkf/": 429, "/hdjl/zxft/": 500},
            "retry_after": 120,
            "redirects": {
                "/bsfw/": [301, "/zwfw/bszn/"], "/zwfw/bszn/": [302, "/zwfw/bszn/index.html"],
                "/xxgk/zcjd/wqjd/": [301, "/xxgk/zcjd/wqjd/index.jsp"],
                "/xxgk/zcjd/wqjd/index.jsp": [302, "/xxgk/zcjd/old/gone.html"],
                "/hdjl/wsdc/": [302, "/hdjl/wsdc/index.jsp"], "/hdjl/wsdc/index.jsp": [302, "/hdjl/wsdc/"],
            },
            "not_found_page": "/404.html",
            "soft404": {f"/{sf.key}/": f"{sf.root}notfound.html"},
            "charsets": {f"/{cz.key}/": "gbk"},
            "query_file_separator": "@",
            "hidden": ["/_server.json", "/answer_key.json"],
            "external_pages": EXTERNAL_PAGES,
        }
        return cfg

    def answer_key(self) -> dict:
        def office_name(o: Office) -> str | None:
            return o.key_name

        def doc_entry(d: Doc) -> dict:
            k = d.show["key"]
            return {
                "path": d.path, "title": d.title, "doc_number": k["doc_number"], "written_date": k["written_date"],
                "publish_date": d.publish.isoformat(), "validity": k["validity"], "index_no": k["index_no"],
                "publisher": k["publisher"], "topic": k["topic"], "column": d.col.name, "column_kind": d.kind,
                "office": office_name(d.col.office), "is_interpretation": d.is_interp,
                "interpretation_form": d.form if d.is_interp else None,
                "interpretation_paths": [i.path for i in d.interps],
                "policy_paths": [p.path for p in d.policies] if d.backlink else [],
                "attachments": [{"path": a.href, "name": a.name, "ext": a.ext, "exists": a.path is not None}
                                for a in d.attachments],
            }

        columns = []
        for o in self.offices:
            for c in o.columns:
                dates = [d.publish for d in c.docs] + [e["date"] for e in c.extra_entries]
                columns.append({"path": c.path, "name": c.name, "kind": c.kind, "office": office_name(o),
                                "entries": len(c.docs) + len(c.extra_entries), "list_pages": len(c.list_paths),
                                "list_paths": c.list_paths, "last_update": max(dates).isoformat() if dates else None,
                                "scope": "disclosure"})
        for c in self.news_cols:
            columns.append({"path": c.path, "name": c.name, "kind": c.kind, "office": None, "entries": len(c.docs),
                            "list_pages": len(c.list_paths), "list_paths": c.list_paths,
                            "last_update": max(d.publish for d in c.docs).isoformat(), "scope": "site"})
        documents = [doc_entry(d) for o in self.offices for c in o.columns for d in c.docs]
        documents.sort(key=lambda x: x["path"])

        defects: list[dict] = []

        def add(check: str, url: str, source: str | None, office: Office | None, **details: Any) -> None:
            defects.append({"check": check, "url": url, "source": source,
                            "office": office.key_name if office else None, **details})

        for f in self.defects:
            d = f.pop("_doc")
            k = d.show["key"]
            o = d.col.office
            check = f["check"]
            extra = {key: v for key, v in f.items() if key not in ("check", "title")}
            if check == "date-order":
                extra = {"written_date": d.written.isoformat(), "publish_date": d.publish.isoformat()}
            elif check == "late-publication":
                extra = {"written_date": d.written.isoformat(), "publish_date": d.publish.isoformat(),
                         "working_days": workdays_between(d.written, d.publish), "limit": 20}
            add(check, d.path, None, o, title=d.title, **extra)
            assert check != "missing-field" or k[{"有效性": "validity", "文号": "doc_number",
                                                  "成文日期": "written_date"}[f["field"]]] is None
        for o in self.offices:
            for c in o.columns:
                for d in c.docs:
                    for i in d.interps:
                        wd = workdays_between(d.publish, i.publish)
                        if wd > 3:
                            add("late-interpretation", i.path, None, o, policy_url=d.path,
                                publish_date=d.publish.isoformat(), interpretation_date=i.publish.isoformat(),
                                working_days=wd, limit=3)
                        if not i.backlink:
                            add("interpretation-without-backlink", i.path, None, o, policy_url=d.path)
        for cls, check in (("broken", "broken-link"), ("wrong", "wrong-link"), ("inconclusive", "inconclusive-link")):
            for ln in self.links[cls]:
                office = self.office_of(ln["source"])
                add(check, ln["url"], ln["source"], office,
                    **{k: v for k, v in ln.items() if k not in ("url", "source")})
        # column- and site-level defects
        cols = {(c.office.key, c.kind): c for o in self.offices for c in o.columns}
        sf = cols[("sfj", "random_inspection")]
        add("blank-column", sf.path, None, sf.office, column=sf.name)
        st = cols[("tjj", "news")]
        last = max(d.publish for d in st.docs)
        add("stale-column", st.path, None, st.office, column=st.name, last_update=last.isoformat(),
            days=(AS_OF - last).days, limit=14)
        fin = cols[("portal", "finance")]
        for per in ("2023-07", "2023-08"):
            add("missing-period", fin.path, None, None, column=fin.name, period=per)
        tj = next(o for o in self.offices if o.key == "tjj")
        add("missing-column", tj.root, None, tj, column="财政预决算", kind="budget")
        jc = cols[("jtj", "catalogue")]
        add("missing-item", jc.path, None, jc.office, item="主动公开基本目录", year=2023)
        cv = cols[("portal", "civil_service")]
        add("short-retention", cv.path, None, None, column=cv.name, oldest=min(d.publish for d in cv.docs).isoformat(),
            years=1)
        rp = cols[("sfj", "annual_report")]
        late = next(d for d in rp.docs if "2022年" in d.title)
        add("late-annual-report", late.path, None, rp.office, year=2022, publish_date=late.publish.isoformat(),
            deadline="2023-01-31")
        add("site-identity", "/", None, None, mark="公安备案")
        for o in self.offices:
            # a department's pages show a footer of its own (主办单位 the department, templates.py
            # "footer dept") without a 网站标识码: each such sub-site lacks the mark
            if not o.is_portal:
                add("site-identity", o.root, None, o, mark="网站标识码")
        defects.sort(key=lambda f: (f["check"], str(f["url"]), str(f["source"])))

        non_defects = []
        for nd in self.non_defects:
            i, p = nd.pop("_doc"), nd.pop("_policy")
            non_defects.append({"check": nd["check"], "url": i.path, "policy_url": p.path,
                                "publish_date": p.publish.isoformat(), "interpretation_date": i.publish.isoformat(),
                                "working_days": workdays_between(p.publish, i.publish), "note": nd["note"]})
        non_defects.append({"check": "broken-link", "url": "/bsfw/", "source": "/",
                            "note": "redirect chain 301 -> 302 -> 200 is not broken"})

        links = {cls: [{"url": f["url"], "source": f["source"], **{k: v for k, v in f.items()
                                                                    if k in ("status", "error", "link_text", "link_kind")}}
                       for f in defects if f["check"] == f"{cls}-link"]
                 for cls in ("broken", "wrong", "inconclusive")}
        pages = sorted(str(p.relative_to(self.out)) for p in self.out.rglob("*") if p.is_file())
        return {
            "schema": "zwgk-sample-key/1",
            "seed": self.seed, "scale": self.scale,
            "as_of": AS_OF.isoformat(),
            "site_name": C.SITE_NAME,
            "homepage": "/",
            "disclosure_root": "/xxgk/",
            "portal_office": C.PORTAL_OFFICE,
            "identity": {"网站标识码": C.SITE_ID_CODE, "ICP备案": C.ICP, "公安备案": None,
                         "党政机关网站标识": f"__EXTERNAL__/conac/cert?sitecode={C.CONAC_CODE}"},
            "offices": [{"name": o.name, "full_name": o.full_name, "root": o.root, "encoding": o.encoding,
                         "family": o.family, "pagination": o.pagination, "is_portal": o.is_portal,
                         "extra": o.extra, "columns": [c.kind for c in o.columns]} for o in self.offices],
            "columns": columns,
            "documents": documents,
            "defects": defects,
            "non_defects": non_defects,
            "robots_disallowed": ["/search/", "/admin/"],
            "links": links,
            "special_paths": {"status": self.server_cfg["status"], "redirects": self.server_cfg["redirects"],
                              "soft404": self.server_cfg["soft404"], "charsets": self.server_cfg["charsets"]},
            "counts": {"html_pages": self.html_pages, "files": len(pages) + 1, "documents": len(documents),
                       "columns": len(columns), "defects": len(defects)},
        }

    def office_of(self, path: str) -> Office | None:
        for o in self.offices:
            if not o.is_portal and path.startswith(f"/{o.key}/"):
                return o
        return None

    # ----------------------------------------------------------------- main
    def run(self) -> dict:
        if self.out.exists():
            for child in self.out.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        self.out.mkdir(parents=True, exist_ok=True)
        self.site_ctx = {"name": C.SITE_NAME, "conac_code": C.CONAC_CODE,
                         "footer_marks": [f"网站标识码：{C.SITE_ID_CODE}",
                                          f'<a href="__EXTERNAL__/beian/" target="_blank">{C.ICP}</a>']}
        self.build_portal()
        for spec in C.BASE_DEPARTMENTS:
            self.build_department(spec)
        fam_cycle = FAMILIES
        for i, (name, key, code) in enumerate(C.EXTRA_DEPARTMENTS[: min(len(C.EXTRA_DEPARTMENTS), self.scale - 1)]):
            fam = fam_cycle[i % len(fam_cycle)]
            self.build_department((name, key, fam, "utf-8", DEFAULT_PAGINATION[fam], code, name,
                                   ("notices", "通知公告")), extra=True)
        self.build_news_center()
        self.plant_documents()
        self.build_interpretations()
        self.finalize()
        self.link_plants()
        for o in self.offices:
            for c in o.columns:
                self.render_column(c)
            for c in o.columns:
                for d in c.docs:
                    self.render_doc(d)
            self.render_office_index(o)
        for c in self.news_cols:
            self.render_column(c)
            for d in c.docs:
                self.render_doc(d)
        self.render_portal_pages()
        self.write_static()
        self.server_cfg = self.server_config()
        self.write("/_server.json", json.dumps(self.server_cfg, ensure_ascii=False, indent=1, sort_keys=True).encode())
        # the 互动交流 page (/hdjl/, read by the crawl's interaction channels) links its channels too
        hub = lambda path: ("/hdjl/",) if path.startswith("/hdjl/") else ()  # noqa: E731
        for path, code in self.server_cfg["status"].items():
            for source in ("/xxgk/",) if path.startswith(("/xxgk", "/ysqgk")) else ("/",) + hub(path):
                self.links["inconclusive" if code in (403, 412, 429) else "broken"].append(
                    {"url": path, "source": source, "status": code,
                     "link_text": {"/ysqgk/": "依申请公开", "/hdjl/xzxx/": "县长信箱", "/xxgk/sjkf/": "数据开放",
                                   "/hdjl/zxft/": "在线访谈"}[path], "link_kind": "页面"})
        for source in ("/",) + hub("/hdjl/wsdc/"):
            self.links["broken"].append({"url": "/hdjl/wsdc/", "source": source, "status": 302, "error": "redirect-loop",
                                         "link_text": "网上调查", "link_kind": "页面"})
        key = self.answer_key()
        (self.out / "answer_key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1, sort_keys=True),
                                                  encoding="utf-8")
        return key


def generate(out_dir: Path, *, seed: int = 2023, scale: int = 1) -> dict:
    """Write the sample site under out_dir (emptied first) and out_dir/answer_key.json; return the key."""
    return SiteBuilder(Path(out_dir), seed, scale).run()
