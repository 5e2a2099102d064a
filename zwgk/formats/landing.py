"""What an external link's page shows now: a small fingerprint (final address, title, the
parked-domain, gambling and porn words and the government marks found) and the signs read from it.

A government site's outbound links rot in a known way: the domain of a former department site, a
project site or a partner lapses, and whoever buys it shows a for-sale page, or a casino or porn
page that rides on the links still pointing there (DOMAIN.md row 8, YX). The crawl keeps the
fingerprint of every external page it checks (`fingerprint`, never the body); the audit reads the
signs (`signs`) and decides what to show for review (auditor/checks/links.py hijacked-link).

Words are matched in the page's text after NFKC, lower-casing and taking spaces out (百 家 乐 is
百家乐). Every list below is data: a word is on it because pages of that kind use it and pages of
other kinds rarely do; common words alone (彩票, 体育, 视频, 美女) are never enough.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

# ---- the words ------------------------------------------------------------------------------

# parked / for-sale / lapsed-domain pages, one phrase enough: nobody else writes these
PARKED = (
    "域名出售",        # 易名, 聚名 and registrars' sale pages: 本域名出售 / 该域名出售中
    "域名可出售",      # 此域名可出售
    "域名正在出售",    # 该域名正在出售
    "域名待售",
    "域名转让",        # 此域名转让，有意者请联系
    "域名停放",        # registrars' parking pages
    "域名已过期",      # registrars' lapsed-domain page (西部数码, 阿里云/万网: 该域名已过期)
    "域名已到期",
    "domainisforsale",     # "This domain is for sale" (Dan.com, Sedo)
    "domainmaybeforsale",  # "This domain may be for sale" (Sedo)
    "buythisdomain",   # Sedo, GoDaddy / Afternic "Buy this domain"
    "getthisdomain",   # GoDaddy
    "thisdomainhasexpired",
    "parkedfree",      # "This Web page is parked FREE, courtesy of GoDaddy"
    "domainparking",
)
# parking services' own addresses in a page's markup (their scripts, forms and links)
PARKING_MARKERS = ("sedoparking.com", "parkingcrew.net", "bodis.com", "dan.com/buy", "afternic.com",
                   "hugedomains.com", "above.com/", "parklogic", "domainmarket.com", "ename.com/domain",
                   "juming.com")

# gambling: what online casinos and illegal lottery sites call themselves and their sections
GAMBLING = (
    "博彩",        # the industry's own word (XX博彩公司)
    "赌场",        # 网上赌场, 线上赌场
    "娱乐城",      # the usual name of an online casino: XX娱乐城
    "百家乐",      # baccarat, the staple of every online casino
    "真人视讯",    # live-dealer section
    "电子游艺",    # slot-machine section
    "老虎机",
    "送彩金",      # sign-up bonuses (彩金 alone is also coloured gold in a jeweller's window)
    "六合彩",      # Hong Kong Mark Six, sold illegally on the mainland
    "时时彩",      # illegal high-frequency lottery
    "北京赛车",    # PK10, an illegal lottery game
    "葡京",        # Macau casino brand the sites borrow
    "威尼斯人",    # ditto
    "皇冠体育",    # "crown" sports-betting brand (hg…)
    "体育投注",    # sports betting
    "线上赌",      # 线上赌博 / 线上赌场
)
# lottery words a lawful page uses too (福利彩票, 体育彩票 are state-run; their regulators'
# news speaks of 投注 and 开奖): never a sign alone, counted only beside two words of GAMBLING
GAMBLING_WEAK = ("彩票", "投注", "下注", "开奖", "赔率", "棋牌")

# pornography: what porn sites call their content; 色情 is here for the sites' own titles, and
# a government page that writes it (扫黄打非 news) shows the government marks that outweigh it
PORN = (
    "色情", "情色",
    "成人视频", "成人影片", "成人电影", "成人影院",
    "黄色网站", "黄色视频", "黄片", "三级片",
    "无码",        # "uncensored", porn sites' category word
    "女优",        # AV actress
    "裸聊",        # paid nude video chat
    "约炮", "一夜情",
    "激情视频",
)
PORN_WEAK = ("偷拍", "自拍", "福利视频", "在线观看", "日韩", "国产精品")
# words of news reporting a crackdown (人民网: 警方破获特大网络赌场案): such a page uses the words
# above without being what they name, so it needs more of them
REPORTED = ("打击", "破获", "查处", "整治", "涉赌", "涉黄", "扫黄", "警方", "公安机关", "犯罪")

# a government body named in a link's text or a page's title (anchored names end in the body's
# kind: 县教育局, 市发展和改革委员会, 国家税务总局, 教育部)
GOV_WORDS = re.compile(r"人民政府|政府|政务|人大常委会|政协|党委|纪委|监委|委员会|管委会|办公室|办公厅|法院|检察院|公安")
GOV_BODY_END = re.compile(r"[\u4e00-\u9fff]{2,}(?:局|厅|委|办|署|部)$")
# government top-level names: gov.cn and gov (a body's own), .政务 (xn--zfr164b) and .公益 (xn--55qw42g)
GOV_SUFFIXES = (".gov.cn", ".gov", ".政务", ".xn--zfr164b")
# the marks a government or public-institution page shows: the 10-character code every government
# site must show (政府网站标识码, GB/T 网站标识), the 党政机关 badge (its link goes to conac.cn)
SITE_CODE = re.compile(r"网站标识码[:：]?[0-9a-z]{10}")
ICP = re.compile(r"icp(?:备|证)")

TITLE_MAX = 120
HITS_MAX = 8
TEXT_MAX = 200_000   # characters read (a casino's landing page says what it is at the top)
HTML_MAX = 100_000

SIGN_LABELS = {
    "parked": "域名出售/停放页面",
    "gambling": "赌博/彩票网站用语",
    "porn": "色情网站用语",
    "elsewhere": "跳转到其他网站",
    "no_gov": "页面无政府网站标识",
}


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")).lower()


def _found(words, text: str) -> list[str]:
    return [w for w in words if w in text][:HITS_MAX]


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def site_of(host: str) -> str:
    """The registrable part of a host: bingxian.gov.cn for www.bingxian.gov.cn, example.com.cn,
    example.com; an IP address is its own site."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in ("gov", "com", "net", "org", "edu", "ac", "mil") and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def gov_host(url: str) -> bool:
    """A government domain (gov.cn, .gov, .政务)."""
    h = host_of(url)
    return any(h.endswith(s) or h == s[1:] for s in GOV_SUFFIXES)


def names_government(text: str | None) -> bool:
    """A link text or title naming a government body (县人民政府, 市教育局, 中国政府网 …)."""
    t = _squash(text or "")
    if not t:
        return False
    if GOV_WORDS.search(t):
        return True
    return any(GOV_BODY_END.search(part) for part in re.split(r"[-_|—·:：,，()（）\[\]【】]+", t) if part)


def fingerprint(linked_url: str, final_url: str, title: str | None, text: str, html: str = "") -> dict:
    """What an external page showed, bounded (about 1 KiB): its final address, its title, the
    words of each kind found in its title and text, and the government marks it shows. Never the
    body."""
    t = _squash(title or "")
    body = _squash(text[:TEXT_MAX])
    markup = (html or "")[:HTML_MAX].lower()
    hits = {
        "parked": _found(PARKED, body) + _found(PARKING_MARKERS, markup),
        "gambling": _found(GAMBLING, body),
        "gambling_weak": _found(GAMBLING_WEAK, body),
        "porn": _found(PORN, body),
        "porn_weak": _found(PORN_WEAK, body),
        "reported": _found(REPORTED, t + body[:20_000]),
    }
    title_hits = _found(GAMBLING + PORN + PARKED, t)
    gov = []
    if gov_host(final_url):
        gov.append("政府域名")
    if SITE_CODE.search(body):
        gov.append("政府网站标识码")
    if "党政机关" in body or "conac.cn" in markup:
        gov.append("党政机关标识")
    if "人民政府" in body or "人民政府" in t:
        gov.append("人民政府")
    if names_government(title):
        gov.append("标题为政府机构")
    return {
        "final_url": final_url[:500],
        "title": " ".join((title or "").split())[:TITLE_MAX] or None,
        "hits": {k: v for k, v in hits.items() if v},
        "title_hits": title_hits,
        "gov": gov,
        "icp": bool(ICP.search(body)),
    }


def _content_sign(fp: dict, kind: str) -> list[str]:
    """The words showing a page is of `kind` (gambling, porn), or []: one of its words in the
    title of a page without government marks, two in any title (a hijacked page stacks them:
    澳门葡京娱乐城-百家乐), or in the text of a page without government marks two words of the
    kind and a third, weak or not. A government page reporting a crackdown (扫黄打非, 打击跨境赌博)
    shows its marks and is left alone unless its very title is the casino's; a news page reporting
    one (打击, 破获 …) needs two words in its title or four in its text."""
    words = GAMBLING if kind == "gambling" else PORN
    hits = fp.get("hits") or {}
    strong = hits.get(kind) or []
    weak = hits.get(f"{kind}_weak") or []
    in_title = [w for w in fp.get("title_hits") or [] if w in words]
    gov = bool(fp.get("gov"))
    news = bool(hits.get("reported"))
    if len(in_title) >= 2 or (in_title and not gov and not news):
        return list(dict.fromkeys(in_title + strong))[:HITS_MAX]
    if not gov and (len(strong) >= 4 if news else len(strong) >= 2 and len(strong) + len(weak) >= 3):
        return (strong + weak)[:HITS_MAX]
    return []


def signs(fp: dict, linked_url: str) -> dict[str, list[str]]:
    """What a fingerprint shows, by sign: parked (its words), gambling, porn (their words),
    elsewhere ([linked host, final host] when it ended on another site), no_gov ([] marks: present
    when the page shows no government mark). Only the signs present are keys."""
    out: dict[str, list[str]] = {}
    hits = fp.get("hits") or {}
    parked = list(dict.fromkeys((hits.get("parked") or []) + [w for w in fp.get("title_hits") or [] if w in PARKED]))
    if parked:
        out["parked"] = parked
    for kind in ("gambling", "porn"):
        words = _content_sign(fp, kind)
        if words:
            out[kind] = words
    a, b = host_of(linked_url), host_of(fp.get("final_url") or linked_url)
    if a and b and site_of(a) != site_of(b):
        out["elsewhere"] = [a, b]
    if not fp.get("gov"):
        out["no_gov"] = []
    return out


def describe(found: dict[str, list[str]]) -> str:
    """The signs in Chinese for the report: 赌博/彩票网站用语（百家乐、真人视讯）；跳转到其他网站（a → b）."""
    parts = []
    for key in ("parked", "gambling", "porn", "elsewhere", "no_gov"):
        if key not in found:
            continue
        v = found[key]
        if key == "elsewhere":
            parts.append(f"{SIGN_LABELS[key]}（{v[0]} → {v[1]}）")
        elif v:
            parts.append(f"{SIGN_LABELS[key]}（{'、'.join(v)}）")
        else:
            parts.append(SIGN_LABELS[key])
    return "；".join(parts)
