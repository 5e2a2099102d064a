"""The link judge: what an answer, or a failure to get one, says about a link target. Pure
functions of the answer — no crawl state — so each verdict can be tested alone.

States: ok | broken | inconclusive (never counted as broken: 401/403/412/429, a WAF challenge
page, robots.txt, a time-out on a host that answers other requests) | wrong (错链: an address no
visitor can open, refused by the network policy, or a malformed URL).
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import IgnoreRequest

from zwgk.crawler.middlewares import PolicyRefused, RobotsForbidden

INCONCLUSIVE_STATUS = {401, 403, 412, 429}
HEAD_FALLBACK_STATUS = {400, 403, 404, 405, 406, 501}
# anchors every browser honours without an element (HTML: "top" scrolls to the top)
IMPLICIT_FRAGMENTS = {"", "top"}


def anchor_names(tree) -> set[str]:
    """A page's ids and <a name>s: kept for every parsed page (urlset.PageAnchors) in case a
    #fragment link to it turns up later."""
    return {str(x) for x in tree.xpath("//@id | //a/@name")}


# challenge / block pages of WAFs common on Chinese government sites (瑞数, 创宇盾/云防御, 安全狗,
# 云锁, 360网站卫士, 加速乐) and of Cloudflare; they may come with 200, 202, 403, 412, 503
WAF_MARKERS = re.compile(
    r"\$_ts\s*=|_\$[a-z]{2}\(|创宇盾|云防御|知道创宇|安全狗|safedog|云锁|yunsuo|网站卫士|wzws|__jsl_clearance|"
    r"加速乐|cf-browser-verification|cf-chl|Just a moment\.\.\.|Attention Required", re.I)


WAF_PHRASES = re.compile(r"访问(?:请求)?已?被(?:拦截|阻断)|安全(?:检测|校验|验证)中|请(?:开启|启用)\s*JavaScript|人机验证|"
                         r"滑动验证", re.I)


def is_waf_page(text: str, body: bytes = b"") -> bool:
    """A short page a firewall sends instead of the content (a challenge or a block notice):
    a product's marks anywhere in a short page, or a block phrase in a very short one."""
    if len(text) > 3000:
        return False
    if WAF_MARKERS.search(text) or (body and WAF_MARKERS.search(body[:20000].decode("utf-8", "ignore"))):
        return True
    return len(text) < 600 and bool(WAF_PHRASES.search(text))


def retry_after(value: bytes | str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    v = value.decode("latin-1") if isinstance(value, bytes) else value
    v = v.strip()
    if v.isdigit():
        return float(v)
    try:
        return max(0.0, (parsedate_to_datetime(v) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return None


def fingerprint(title: str | None, text: str, url: str) -> str:
    """What two answers have in common when they are the same error page: the visible text with
    the requested address, numbers and spaces taken out (pages often echo the URL and a time)."""
    t = " ".join(text.split())
    # longest first: the full URL before its path, whatever order a set would give (else a page
    # echoing its full URL keeps a leftover 'http://host' in some runs and not others)
    for u in sorted({url, unquote(url), urlsplit(url).path, unquote(urlsplit(url).path)}, key=lambda x: (-len(x), x)):
        if u and len(u) > 1:
            t = t.replace(u, "")
    t = re.sub(r"[\d\s]+", "", t)
    return hashlib.sha1(f"{title or ''}\x00{t}".encode("utf-8", "surrogatepass")).hexdigest()


def netloc_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def probe_dir(url: str) -> tuple[str, str] | None:
    """(scheme://netloc, first directory) under which a site answers missing pages one way."""
    try:
        p = urlsplit(url)
    except ValueError:
        return None
    segs = p.path.split("/")
    top = f"/{segs[1]}/" if len(segs) > 2 and segs[1] else "/"
    return f"{p.scheme}://{p.netloc}", top


def link_state(status: int) -> str:
    if status in INCONCLUSIVE_STATUS:
        return "inconclusive"
    return "ok" if status < 400 else "broken"



def judge_failure(exc: BaseException, redirected: bool = False) -> tuple[str, str, bool]:
    """(state, 原因, timed out) for a request that got no answer."""
    name = type(exc).__name__
    if isinstance(exc, PolicyRefused):
        error = exc.refusal.reason
        return exc.refusal.state, f"重定向到{error}" if redirected else error, False
    if isinstance(exc, RobotsForbidden):
        return "inconclusive", "robots.txt 禁止抓取，未检查" + (f"（{exc.rule}）" if exc.rule else ""), False
    if isinstance(exc, IgnoreRequest):
        msg = str(exc)
        if "robots" in msg.lower():
            return "inconclusive", "robots.txt 禁止抓取，未检查", False
        if "redirect" in msg.lower():
            return "broken", "重定向过多或循环", False
        return "inconclusive", msg or "未请求", False
    if "DNSLookup" in name or "CannotResolveHost" in name:
        return "broken", "域名解析失败", False
    if "Timeout" in name or "TimedOut" in name:
        return "inconclusive", "请求超时（该网站其他页面可以访问）", True
    if "ConnectionRefused" in name:
        return "broken", "连接被拒绝", False
    if "SSL" in name or "TLS" in name:
        return "broken", "证书或TLS错误", False
    if any(k in name for k in ("ConnectionLost", "ResponseFailed", "ConnectionDone", "DataLoss", "DownloadFailed")):
        return "broken", "连接中断", False
    return "broken", f"请求失败（{name}）", False


TINY_BODY = 64  # bytes: an HTML answer this short is no page (a WAF's "ok", an empty 200)


def too_short(body: bytes) -> bool:
    return len(body.strip()) < TINY_BODY


def _as_dir(path: str) -> str | None:
    """The directory a path stands for: itself when it ends in /, its directory for an index page."""
    if path.endswith("/"):
        return path
    head, _, leaf = path.rpartition("/")
    return head + "/" if leaf.lower().startswith(("index.", "default.")) else None


def moved_up(original: str, final: str) -> bool:
    """A redirect from a page to one of its parent directories or the site root — how a removed
    document is often answered (a 0-second meta refresh to ../). /xxgk/index.html → /xxgk/ is the
    same page, not a move."""
    try:
        a, b = urlsplit(original), urlsplit(final)
    except ValueError:
        return False
    if a.netloc.lower() != b.netloc.lower():
        return False
    target, own = _as_dir(b.path or "/"), _as_dir(a.path)
    return target is not None and a.path.startswith(target) and target != own and a.path != target
