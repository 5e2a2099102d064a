"""Finding the structure of a disclosure column on any site: pure functions of an lxml tree.

Nothing here is keyed to one site's markup. It reads what every government CMS shows a
reader: link texts (政府信息公开, column names, department names), lists of dated entries,
and JCMS datastores' inline rows. Pagination and other list mechanisms are read by `lists/`.
"""
from __future__ import annotations

import re
from itertools import islice
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit

import lxml.html

from zwgk.formats.dates import parse_date
from zwgk.vocab import classify_column, norm_text

DISCLOSURE_TEXTS = ("政府信息公开", "信息公开", "政务公开", "政府信息公开专栏", "政府信息公开平台",
                    "信息公开专栏", "政务公开专栏", "政府信息公开目录", "信息公开目录")
# where disclosure platforms are published when a homepage links them only by script or image map
WELL_KNOWN_ROOTS = ("/zfxxgk/", "/xxgk/", "/zwgk/", "/gkmlpt/index", "/public/")
DISCLOSURE_URL = re.compile(r"/(xxgk|zwgk|gongkai|xxgkml|zfxxgk|govinfo|gkml|zwgkzl|public)(/|\b)", re.I)
OFFICE_NAME = re.compile(
    r"^(?:[\u4e00-\u9fa5]{0,6}(?:县|区|市|旗))?[\u4e00-\u9fa5（）()]{1,16}?"
    r"(?:局|委员会|委|办公室|办|中心|院|所|站|队|社|会|馆|分局|分中心|街道办事处|街道|镇|乡|管委会|管理委员会|人民政府)$")
PAGER_TEXTS = {"下一页", "下页", "后页", "尾页", "末页", "最后一页", "下一頁", ">", ">>", "›", "»"}
NOISE_CONTAINER = re.compile(r"(^|[-_ ])(header|footer|foot|top|bottom|crumb|breadcrumb|location|position|"
                             r"topnav|mainnav|daohang|banner|copyright)([-_ ]|$)", re.I)
JCMS_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
ROW_TAGS = {"li", "tr", "dd", "dt", "p", "div", "td", "span", "table"}
MONTH_DAY = re.compile(r"(?<![\d.])(?:0?[1-9]|1[0-2])\s*(?:[-/.]|月)\s*(?:0?[1-9]|[12]\d|3[01])(?:日)?(?![\d.])")
# what an error page says: its words, or a 404 that stands as an error code ("404 错误", "Error 404",
# "404 Not Found") — never a bare 404 among other words: "（404）" numbers a title on a list row, and a
# list page or a document showing it is no error page
SOFT_404 = re.compile(r"页面不存在|页面未找到|找不到(?:该|此|您要的|您所)?(?:页面|网页|文章|信息)|该?页面已?被?删除|"
                      r"信息已删除|不存在或已被?删除|访问的页面不存在|not\s*found|"
                      r"(?<![\w.\-])404\s*(?:错误|error|页面|网页|提示|page|返回)|"
                      r"(?:错误代码|错误|error|http|状态码|页面|网页)\s*[-:：]?\s*404(?!\d)", re.I)
# a title that is the code itself: "404", "404 - 示例县人民政府", "示例县人民政府 | 404"
TITLE_404 = re.compile(r"^\W*404(?!\w)|[-_|–—:：]\s*404\s*$")


@dataclass(frozen=True)
class Anchor:
    url: str
    text: str


@dataclass(frozen=True)
class ColumnLink:
    url: str
    name: str
    kind: str | None


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    date: date | None
    dated: bool = False  # the row shows a date, maybe without its year (02-20): a list row all the same


def parse_tree(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - empty or hopeless markup
        return None


def anchor_text(a) -> str:
    text = norm_text(a.text_content())
    title = norm_text(a.get("title"))
    # list entries are often cut short ("关于印发…的通知") with the full title in @title
    if title and (not text or text.endswith(("…", "...", "..")) or (len(title) > len(text) and text[:4] in title)):
        return title
    if not text:  # an image link (a homepage's 政府信息公开 banner): its alt text names it
        text = norm_text(" ".join(img.get("alt") or img.get("title") or "" for img in a.iter("img")))
    return text


def _href(a, base: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return url.split("#", 1)[0] if urlsplit(url).scheme in ("http", "https") else None


def anchors(tree, base: str):
    """Links of a page: <a href>, and <option value> of the jump menus (部门/乡镇 dropdowns)
    many county sites use instead of link lists."""
    for a in tree.iter("a", "option"):
        if a.tag == "option":
            value = (a.get("value") or "").strip()
            if not value.startswith(("/", "http://", "https://", "./", "../")):
                continue
            a = _OptionLink(a, value)
        url = _href(a, base)
        if url:
            yield a, url


class _OptionLink:
    """An <option> seen as a link: its value is the href, its text the link text."""

    def __init__(self, el, href: str):
        self.el, self.href = el, href
        self.tag = "option"

    def get(self, name, default=None):
        return self.href if name == "href" else self.el.get(name, default)

    def text_content(self):
        return self.el.text_content()

    def getparent(self):
        return self.el.getparent()

    def iterancestors(self):
        return self.el.iterancestors()


def _in_noise(el) -> bool:
    for anc in el.iterancestors():
        if anc.tag in ("header", "footer", "nav"):
            return True
        ident = f"{anc.get('class') or ''} {anc.get('id') or ''}"
        if NOISE_CONTAINER.search(ident):
            return True
    return False


def find_disclosure_links(tree, base: str) -> list[Anchor]:
    """Links to the disclosure column, best first (link text, then URL habits)."""
    scored: dict[str, tuple[int, str]] = {}
    for a, url in anchors(tree, base):
        text = anchor_text(a)
        score = 0
        if text in DISCLOSURE_TEXTS:
            score += 4
        elif ("信息公开" in text or "政务公开" in text) and len(text) <= 12:
            score += 2
        if score and DISCLOSURE_URL.search(urlsplit(url).path):
            score += 1
        if score and url != base and score > scored.get(url, (0, ""))[0]:
            scored[url] = (score, text)
    best = sorted(scored.items(), key=lambda kv: -kv[1][0])
    return [Anchor(u, t) for u, (s, t) in best]


def looks_like_root(tree, base: str) -> bool:
    """A page that is itself a disclosure column: it links to several known columns."""
    kinds = {c.kind for c in find_column_links(tree, base) if c.kind}
    return len(kinds) >= 3


_COUNT_SUFFIX = re.compile(r"[（(\[]\d+[)）\]]$")
# what a document title has and a column name has not
_TITLE_LIKE = re.compile(r"\d|《|》|关于|(?:通知|办法|意见|报告|公告|决定|细则|方案|规定|批复|函|公示|情况)$")


def _column_name(text: str) -> str:
    return _COUNT_SUFFIX.sub("", text).strip("·•>》 ")


def link_column_kind(name: str) -> str | None:
    """The column kind a link text names: an exact column name, or a short text that contains
    one and reads like a menu item, not like a document title or an office."""
    kind = classify_column(name, exact=True)
    if kind:
        return kind
    if len(name) > 12 or _TITLE_LIKE.search(name) or OFFICE_NAME.match(name):
        return None
    return classify_column(name)


def find_column_links(tree, base: str) -> list[ColumnLink]:
    """Links whose text names a column, plus unknown siblings in the same menu."""
    found: dict[str, ColumnLink] = {}
    containers: dict = {}  # keyed by element: id() of lxml proxies is reused
    for a, url in anchors(tree, base):
        name = _column_name(anchor_text(a))
        kind = link_column_kind(name)
        parent = a.getparent()
        if kind and parent is not None and _row_date(a) is not None:
            continue  # a dated row is a list entry, whatever its title says
        if _in_noise(a):
            continue  # the site-wide header, footer or breadcrumb: not this page's column menu
        box = parent.getparent() if parent is not None and parent.tag in ("li", "dd", "span", "p") else parent
        if box is not None:
            containers.setdefault(box, []).append((a, url, name, kind))
        if kind and url not in found and url != base:
            found[url] = ColumnLink(url, name, kind)
    for items in containers.values():
        if sum(1 for *_, k in items if k) < 2:
            continue
        if any(n in ("首页", "网站首页", "返回首页") for _, _, n, _ in items):
            continue  # the site's top navigation, not a column menu
        for a, url, name, kind in items:
            if (not kind and url not in found and url != base and 2 <= len(name) <= 16
                    and not OFFICE_NAME.match(name) and not _TITLE_LIKE.search(name)):
                found[url] = ColumnLink(url, name, None)
    return list(found.values())


def same_site(url: str, base: str) -> bool:
    """Same host, or sibling hosts of one domain (czj.example.gov.cn beside www.example.gov.cn)."""
    a, b = urlsplit(url).hostname or "", urlsplit(base).hostname or ""
    if a == b:
        return True
    pa, pb = a.split("."), b.split(".")
    return len(pa) >= 3 and len(pb) >= 3 and not a.replace(".", "").isdigit() and pa[1:] == pb[1:]


# section names that end like an office name but are parts of every portal
GENERIC_SECTIONS = {"新闻中心", "信息中心", "下载中心", "帮助中心", "服务中心", "办事中心", "互动中心", "用户中心",
                    "个人中心", "政务服务中心", "数据开放中心", "政务服务", "办事大厅", "网上办事大厅", "政民互动"}


def find_office_links(tree, base: str) -> list[Anchor]:
    """Department / township sub-sites of this site: blocks of two or more links named like offices."""
    groups: dict = {}  # keyed by element: id() of lxml proxies is reused
    tops: set = set()  # blocks that are the site's top navigation
    for a, url in anchors(tree, base):
        name = anchor_text(a)
        if name in ("首页", "网站首页", "返回首页"):
            box = a.getparent()
            while box is not None and box.tag in ("li", "span", "dd", "dt", "td", "p"):
                box = box.getparent()
            if box is not None:
                tops.add(box)
        if OFFICE_NAME.match(name) and name not in GENERIC_SECTIONS and not classify_column(name, exact=True) and url != base and same_site(url, base):
            box = a.getparent()
            while box is not None and box.tag in ("li", "span", "dd", "dt", "td", "p"):
                box = box.getparent()
            if box is not None:
                groups.setdefault(box, []).append(Anchor(url, name))
    out: dict[str, Anchor] = {}
    for box, items in groups.items():
        if box not in tops and (len(items) >= 2 or _headed_as_offices(box)):
            for it in items:
                out.setdefault(it.url, it)
    return list(out.values())


OFFICES_HEADING = re.compile(r"(?:部门|乡镇|街道|镇街|单位|区县|县区)(?:信息)?公开|部门(?:网站|链接|导航)")


def _headed_as_offices(box) -> bool:
    """A block of one office link under a heading that says what it is (部门信息公开 …)."""
    prev = box.getprevious()
    heading = norm_text(prev.text_content()) if prev is not None else ""
    if not heading and box.getparent() is not None:
        first = next(iter(box.getparent()), None)
        heading = norm_text(first.text_content()) if first is not None and first is not box else ""
    return bool(heading) and len(heading) <= 12 and bool(OFFICES_HEADING.search(heading))


def _many_links(el) -> bool:
    """More than 3 links inside `el` — counted up to the 4th only: counting all of a box's links for
    each of them made a page of N linked paragraphs quadratic (2 000: 5 s)."""
    return next(islice(el.iterdescendants("a"), 3, None), None) is not None


def _row(a):
    """The list row holding an anchor: the nearest block ancestor with few links."""
    el = a.getparent()
    while el is not None and el.tag in ROW_TAGS:
        if _many_links(el):
            return a.getparent()
        if el.tag in ("li", "tr", "dd", "dt"):
            return el
        el_parent = el.getparent()
        if el_parent is None or _many_links(el_parent):
            return el
        el = el_parent
    return a.getparent()


def _row_rest(a):
    """(row, the row's text without the link's own text): where a list shows an entry's date."""
    row = _row(a)
    rest = norm_text(row.text_content()).replace(norm_text(a.text_content()), " ") if row is not None else ""
    return row, rest


def _row_date(a):
    return parse_date(_row_rest(a)[1])


# row classes that mark a row's place, not its kind: striped rows (tr_main_value_odd / _even,
# li1 / li2, bg), the first / last / current row
_ROW_PLACE = re.compile(r"(?:[-_]|^)(?:odd|even|alt|alternate|zebra|single|double|first|last|on|cur|current|active|"
                        r"hover|bg)$|\d+$", re.I)


def _row_class(value: str | None) -> str:
    """A row's class without the marks of its place in the list."""
    out = []
    for token in (value or "").split():
        while token and _ROW_PLACE.search(token):
            token = _ROW_PLACE.sub("", token)
        if token:
            out.append(token.lower())
    return " ".join(sorted(set(out)))


def _signature(row) -> tuple:
    parent = row.getparent()
    return (row.tag, _row_class(row.get("class")),
            parent.tag if parent is not None else "", (parent.get("class") or "") if parent is not None else "")


def _entries_from(tree, base: str, skip_noise: bool = True) -> dict[tuple, list[Entry]]:
    groups: dict[tuple, list[Entry]] = {}
    seen: set[tuple[str, str]] = set()
    for a, url in anchors(tree, base):
        title = anchor_text(a)
        if len(title) < 5 or title in PAGER_TEXTS or (url, title) in seen or url == base:
            continue
        if skip_noise and _in_noise(a):
            continue
        row, rest = _row_rest(a)
        d = parse_date(rest) or None
        dated = d is not None or bool(MONTH_DAY.search(rest))
        if not dated and link_column_kind(title):
            continue  # a menu item naming a column
        seen.add((url, title))
        groups.setdefault(_signature(row) if row is not None else ("",), []).append(Entry(url, title, d, dated))
    return groups


def find_entries(tree, base: str, raw_html: str = "") -> list[Entry]:
    """The entries of a list page: the largest group of dated rows (or, failing that, of long links)."""
    groups = _entries_from(tree, base)
    for rec in JCMS_RECORD.findall(raw_html or ""):  # 大汉 JCMS keeps list rows in an XML datastore
        frag = parse_tree(f"<ul>{rec}</ul>")
        if frag is not None:
            for sig, items in _entries_from(frag, base, skip_noise=False).items():
                groups.setdefault(("jcms",) + sig, []).extend(items)
    if not groups:
        return []
    dated = {sig: items for sig, items in groups.items() if sum(1 for e in items if e.dated) >= max(1, len(items) // 2)}
    if dated:
        best = max(dated, key=lambda s: sum(1 for e in dated[s] if e.dated))
        keep = [s for s in dated if s[:2] == best[:2] or s == best]
        return [e for s in keep for e in dated[s]]
    best = max(groups, key=lambda s: len(groups[s]))
    items = groups[best]
    return items if len(items) >= 3 and sum(len(e.title) >= 8 for e in items) >= 3 else []


_NOT_CONTENT = {"a", "option", "select", "button", "script", "style", "noscript", "template", "iframe", "form"}


def content_chars(tree) -> int:
    """How much text a page shows of its own: characters outside links, forms, scripts and the
    site's header, footer, navigation and breadcrumb — a single-page column (a 指南, 机构职能 text)
    has hundreds, a list page without entries next to none."""
    total = 0

    def walk(el) -> None:
        nonlocal total
        if not isinstance(el.tag, str) or el.tag in _NOT_CONTENT or el.tag in ("header", "footer", "nav"):
            return
        if NOISE_CONTAINER.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return
        total += len(norm_text(el.text))
        for child in el:
            walk(child)
            total += len(norm_text(child.tail))

    body = tree.find(".//body")
    walk(body if body is not None else tree)
    return total


def is_soft_404(title: str | None, text: str) -> bool:
    """A 200 page that says the page does not exist."""
    if title and (SOFT_404.search(title) or TITLE_404.search(title.strip())):
        return True
    short = norm_text(text)
    return len(short) < 600 and bool(SOFT_404.search(short))
