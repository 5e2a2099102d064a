"""What the crawl tracks about link targets, and the LinkTargetItems it makes of it.

Every link on every parsed page is stored with its source; each distinct target is asked once:
targets the crawl fetched anyway are not asked again, the rest are checked when the crawl runs
dry (`to_check`). #fragment links are targets of their own, judged against the anchors of their
page. A 200 page is judged against the site's answer to a URL that cannot exist (a probe, one per
host and top directory): the same page is a soft 404. Time-outs and server errors are judged at the
end (`final_items`), once it is known whether their host answered anything, or recovered.
An external page that answers 200 with HTML keeps a fingerprint of what it shows now (its final
address, title, parked-domain / gambling / porn words, government marks: formats/landing.py).

The verdicts themselves are pure (linkcheck/judge.py). The requests made here (probes, checks)
need spider methods as callbacks — Scrapy, and scrapy-redis which names a request's callback by
the spider's method, require it — so the spider passes them in (`Callbacks`).
"""
from __future__ import annotations

import secrets
from itertools import islice
from typing import Callable, NamedTuple
from urllib.parse import unquote, urljoin

import scrapy

from zwgk.crawler import discovery as dsc
from zwgk.crawler.extractors.links import canonical_url, classify_href, page_links
from zwgk.crawler.items import LinkTargetItem, PageLinksItem
from zwgk.crawler.linkcheck.judge import (HEAD_FALLBACK_STATUS, IMPLICIT_FRAGMENTS, anchor_names, fingerprint,
                                          is_waf_page, judge_failure, link_state, moved_up, netloc_of, probe_dir,
                                          retry_after, too_short)
from zwgk.crawler.netpolicy import LOOPBACK, is_loopback_host
from zwgk.crawler.urlset import LinkedTargets, PageAnchors, UrlSet
from zwgk.crawler.scope import Scope, host, is_attachment, short_norm, title_and_text
from zwgk.formats.landing import fingerprint as fingerprint_landing

# answers whose HTML is judged (a WAF page may come with any of them)
JUDGED_STATUS = (200, 202, 403, 412, 503, 521)  # 521: 加速乐's gate


class Callbacks(NamedTuple):
    """Spider methods for the requests the tracker makes."""
    parse_probe: Callable
    on_probe_error: Callable
    parse_check: Callable
    on_error: Callable


class LinkTracker:
    def __init__(self, scope: Scope, callbacks: Callbacks, netpolicy=None, probe_missing: bool = True,
                 retry_after_max: float = 60.0, blocked_retry_delay: float = 0.0, logger=None):
        self.scope = scope
        self.callbacks = callbacks
        self.netpolicy = netpolicy              # refusals of unfollowed redirects; loopback mode
        self.probe_missing = probe_missing      # ZWGK_SOFT404_PROBE
        self.retry_after_max = retry_after_max  # ZWGK_RETRY_AFTER_MAX
        self.blocked_retry_delay = blocked_retry_delay  # ZWGK_BLOCKED_RETRY_DELAY (or the profile's)
        self.logger = logger
        self.linked = LinkedTargets()          # every link target seen, with its link kind
        self.resolved = UrlSet()               # targets whose LinkTargetItem was yielded
        self.answers: dict[str, int] = {}      # netloc -> HTTP responses received
        self.timeouts: dict[str, str] = {}     # target -> netloc, for targets that timed out
        self.token = secrets.token_hex(6)      # makes probe URLs that cannot exist
        self.probes: dict[tuple, object] = {}  # (origin, dir) -> None pending | False (404) | (fp, redirected)
        self.probe_wait: dict[tuple, list] = {}  # pages judged before their directory's probe answered
        self.fragments: dict[str, set] = {}    # target page -> fragments linked to it
        self.anchors = PageAnchors()           # parsed pages' ids and <a name>s (judge.anchor_names)
        self.probed: set[str] = set()          # quick keys of directories already considered
        self.recovered: set[str] = set()       # netlocs that answered after erroring (retried)
        self.server_errors: dict[str, LinkTargetItem] = {}  # targets still failing after retries
        self.later = 0                         # retries waiting for their delay

    def configure(self, settings, profile: dict, netpolicy, logger=None) -> None:
        """A run's settings: ZWGK_SOFT404_PROBE, ZWGK_RETRY_AFTER_MAX, ZWGK_BLOCKED_RETRY_DELAY (the
        profile's blocked_retry_delay first), and its network policy."""
        self.netpolicy, self.logger = netpolicy, logger
        self.retry_after_max = settings.getfloat("ZWGK_RETRY_AFTER_MAX", 60.0)
        self.blocked_retry_delay = float(profile.get("blocked_retry_delay")
                                         or settings.getfloat("ZWGK_BLOCKED_RETRY_DELAY", 0.0))
        self.probe_missing = settings.getbool("ZWGK_SOFT404_PROBE", True)

    def kind(self, key: str) -> str:
        """The kind of a target: as linked, else by its URL."""
        return self.linked.get(key) or self.scope.kind(key)

    def answered(self, response) -> None:
        n = netloc_of(response.url)
        self.answers[n] = self.answers.get(n, 0) + 1
        if response.meta.get("retry_times") and response.status < 500:
            self.recovered.add(n)  # errored, then answered when asked again: an intermittent server

    # ---- pages and their links ----------------------------------------------------------------

    def probe(self, url: str) -> scrapy.Request | None:
        """The site's answer to a URL that cannot exist, once per host and top directory."""
        if not self.probe_missing:
            return None
        parts = url.split("/", 4)  # scheme:, "", netloc, first segment, rest
        quick = "/".join(parts[:4]) if len(parts) == 5 else "/".join(parts[:3])
        if quick in self.probed:
            return None
        self.probed.add(quick)
        d = probe_dir(url)
        if d is None or d in self.probes or not self.scope.in_scope(url):
            return None
        self.probes[d] = None
        probe = f"{d[0]}{d[1]}zwgk-{self.token}-not-found.html"
        return scrapy.Request(probe, callback=self.callbacks.parse_probe, errback=self.callbacks.on_probe_error,
                              priority=100, meta={"role": "probe", "probe": d}, dont_filter=True)

    def page_links(self, tree, response) -> list:
        """Store every link of a parsed page; 错链 are resolved at once and never requested.
        Items (and probe requests) to yield."""
        out = []
        seen = set()
        rows = []
        page = response.meta.get("target") or canonical_url(response.url)
        for link in page_links(tree, response.url):
            problem = link.problem
            target = link.url
            frag = link.fragment
            if frag is not None and frag not in IMPLICIT_FRAGMENTS and problem is None \
                    and self.scope.in_scope(target) and not is_attachment(target):
                # a #fragment link is its own target: the page may work while the anchor is gone
                self.fragments.setdefault(target, set()).add(frag)
                target = f"{target}#{frag}"
            pair = (target, link.text)
            if pair in seen:
                continue  # the same link twice on a page (menus repeated in header and footer)
            seen.add(pair)
            rows.append((target, link.text or "", link.tag))
            if problem and self.netpolicy.mode == LOOPBACK and is_loopback_host(host(link.url)):
                # --network loopback (tests, the demo): other loopback hosts stand for other
                # sites, not for an intranet
                problem = None
            if link.url not in self.linked:
                self.linked[link.url] = link.kind
                self.linked.sweep(self.resolved)
                if problem is None and link.kind != "站外":
                    probe = self.probe(link.url)
                    if probe is not None:
                        out.append(probe)
            if problem and link.url not in self.resolved:
                self.resolved.add(link.url)
                out.append(LinkTargetItem(url=link.url, state="wrong", kind=link.kind, error=problem))
        if rows:
            out.append(PageLinksItem(source_url=response.url, links=rows))
        # keep the page's anchors: #fragment links to it may still turn up on later pages
        self.anchors.keep(page, anchor_names(tree))
        if page in self.fragments:
            out.extend(self.fragment_items(page, None))
        return out

    def stored_links(self, targets, source_url: str) -> list:
        """The link targets a page had when an earlier crawl stored it (the page is not parsed
        again): linked like a parsed page's, 错链 resolved at once."""
        out = []
        for target in targets:
            if target not in self.linked:
                absolute, problem, _ = classify_href(target, source_url)
                self.linked[target] = self.scope.kind(target)
                self.linked.sweep(self.resolved)
                if problem and target not in self.resolved:
                    self.resolved.add(target)
                    out.append(LinkTargetItem(url=target, state="wrong", kind=self.scope.kind(target), error=problem))
        return out

    def fragment_items(self, page: str, tree) -> list:
        """Judge the #fragment links to a page whose tree is at hand (or whose anchors were kept)."""
        if tree is not None:
            self.anchors.keep(page, anchor_names(tree))
        if page not in self.anchors:
            return []
        out = []
        for frag in sorted(self.fragments.get(page, ())):
            key = f"{page}#{frag}"
            if key in self.resolved:
                continue
            self.resolved.add(key)
            ok = self.anchors.has(page, frag) or self.anchors.has(page, unquote(frag))
            out.append(LinkTargetItem(url=key, state="ok" if ok else "broken", kind="站内", status=None,
                                      error=None if ok else "页面内锚点不存在"))
        return out

    # ---- answers ------------------------------------------------------------------------------

    def judge_page(self, response, title: str | None, text: str) -> tuple[str, str] | None:
        """State of an HTML answer: a WAF page, a soft 404 (by its words, or by being the same page
        the site sends for a URL that cannot exist), or ok (None)."""
        if is_waf_page(text, response.body if len(text) < 200 else b""):
            return "inconclusive", "疑似防火墙（WAF）拦截页面，未能判断"
        if response.status != 200:
            return None
        if response.request.method == "GET" and too_short(response.body):
            return "inconclusive", f"页面内容过短（{len(response.body.strip())} 字节），疑似防火墙拦截，未能判断"
        if dsc.is_soft_404(title, text):
            return "broken", "soft-404"
        chain = response.meta.get("redirect_urls") or []
        if chain and "meta refresh" in (response.meta.get("redirect_reasons") or []) and moved_up(chain[0], response.url):
            return "broken", "soft-404（页面自动跳转到上级页面或首页，疑似已删除）"
        d = probe_dir(response.url)
        if d is None or not self.scope.in_scope(response.url):
            return None
        probe = self.probes.get(d)
        fp = fingerprint(title, text, response.url)
        redirected = bool(response.meta.get("redirect_urls"))
        if probe is None and d in self.probes:
            # the directory's probe has not answered yet: judge this page when it does
            self.probe_wait.setdefault(d, []).append(
                (response.meta.get("target") or canonical_url(response.url), fp, redirected, response.status,
                 self.linked.get(response.meta.get("target")) or self.scope.kind(response.url),
                 list(response.meta.get("redirect_urls", [])) + ([response.url] if redirected else [])))
            return None
        if probe and probe[0] == fp and (redirected or not probe[1]):
            return "broken", "soft-404（与不存在页面的返回相同）"
        return None

    def target_item(self, response, state_override: str | None = None, error: str | None = None) -> LinkTargetItem:
        """The link-target state of an answered request (the page's own, whatever its role)."""
        key = response.meta.get("target") or canonical_url(response.url)
        chain = list(response.meta.get("redirect_urls", []))
        redirects = chain + [response.url] if chain else []
        kind = self.kind(key)
        state = state_override or link_state(response.status)
        if response.status == 503 and response.headers.get("Retry-After"):
            state, error = "inconclusive", error or "服务器暂时不可用（503，Retry-After）"
        if response.meta.get("redirect_loop"):
            state, error = "broken", "重定向循环"
        elif 300 <= response.status < 400 and response.status != 304 and response.headers.get("Location"):
            # a redirect handed over unfollowed: Scrapy follows http(s) only (file:, ftp: … stay here)
            target = urljoin(response.url, response.headers["Location"].decode("latin-1"))
            refusal = self.netpolicy.refusal(target)
            if refusal is not None:
                state, error = refusal.state, f"重定向到{refusal.reason}"
        self.resolved.add(key)
        self.resolved.add(canonical_url(response.url))
        item = LinkTargetItem(url=key, state=state, kind=kind, status=response.status, error=error,
                              redirects=redirects)
        if state == "broken" and response.status >= 500 and response.meta.get("retry_times"):
            item.error = f"{error or f'HTTP {response.status}'}（已重试 {response.meta['retry_times']} 次）"
            self.server_errors[key] = item
        return item

    def not_modified_item(self, response) -> LinkTargetItem:
        """A 304: the page's target is ok (its rows are copied from the crawl that stored it)."""
        page = canonical_url(response.url)
        self.answered(response)
        self.resolved.add(page)
        return LinkTargetItem(url=response.meta.get("target") or page, state="ok", kind=self.scope.kind(page),
                              status=304)

    def head_fallback(self, response) -> bool:
        """Must a checked target answered to HEAD be asked again with GET? Many servers answer HEAD
        badly, and a file link answered with an HTML page is often an error page."""
        key = response.meta["target"]
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        return response.request.method == "HEAD" and not response.meta.get("redirect_loop") and (
            response.status in HEAD_FALLBACK_STATUS or response.status == 200 and "html" in ctype
            and self.linked.get(key, self.scope.kind(key)) in ("附件", "图片"))

    def check_items(self, response) -> tuple[list, tuple[str, str] | None]:
        """(items, verdict) of a checked target's answer: its #fragment links when its page is at
        hand, then its own state. The verdict (a WAF or soft-404 page) decides a retry."""
        key = response.meta["target"]
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        out = []
        verdict = None
        landing = None
        if response.status in JUDGED_STATUS and response.request.method == "GET" and "html" in ctype:
            html, _, tree = self.scope.decode(response)
            if tree is not None:
                title, text = title_and_text(tree)
                verdict = self.judge_page(response, title, short_norm(text))
                if verdict is None and key in self.fragments:
                    out.extend(self.fragment_items(key, tree))
                if verdict is None and response.status == 200 and self.kind(key) == "站外":
                    # what the external page shows now (a lapsed domain bought by a casino), never its body
                    # the title as the page writes it (`title` is normalised: spaces taken out)
                    landing = fingerprint_landing(key, response.url, tree.findtext(".//title"), text, html)
        item = self.target_item(response, *(verdict or (None, None)))
        item.landing = landing
        out.append(item)
        return out, verdict

    def retry_delay(self, response, verdict) -> float | None:
        """Seconds after which to ask once more, or None: after Retry-After for a 429/503 that sends
        one (up to the cap), after ZWGK_BLOCKED_RETRY_DELAY for a 403/412/WAF page when that is set."""
        req = response.request
        if req.meta.get("zwgk_retried") or req.meta.get("role") in ("probe", "final"):
            return None
        wait = retry_after(response.headers.get("Retry-After"))
        if response.status in (429, 503) and wait is not None:
            if wait <= self.retry_after_max:
                return wait
            if self.logger is not None:
                self.logger.info("%s asks to wait %.0f s (more than %.0f s): not retried", req.url, wait,
                                 self.retry_after_max)
        elif self.blocked_retry_delay > 0 and (response.status in (403, 412)
                                               or verdict and verdict[0] == "inconclusive"):
            return self.blocked_retry_delay
        return None

    def retry_request(self, response, verdict) -> tuple[float, scrapy.Request] | None:
        """(delay, the request to send again then) or None (see retry_delay). The first answer is
        stored now (inconclusive); the retry's answer replaces it."""
        delay = self.retry_delay(response, verdict)
        if delay is None:
            return None
        req = response.request
        again = req.replace(dont_filter=True, meta={**req.meta, "zwgk_retried": True})
        for k in ("redirect_urls", "redirect_reasons", "redirect_times", "redirect_ttl", "download_slot"):
            again.meta.pop(k, None)
        return max(0.0, delay), again

    def schedule_retry(self, response, verdict, send) -> None:
        """Ask once more later when retry_request says so: `send(request)` queues it then. `later`
        counts the retries waiting (the crawl does not end before they are sent)."""
        retry = self.retry_request(response, verdict)
        if retry is None:
            return
        from twisted.internet import reactor

        delay, again = retry
        self.later += 1

        def fire():
            self.later -= 1
            send(again)

        reactor.callLater(delay, fire)

    def probe_answer(self, response) -> list:
        """A probe answered: pages of its directory judged meanwhile that look the same are soft 404s."""
        d = response.meta["probe"]
        self.answered(response)
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        probe = False
        if response.status == 200 and "html" in ctype:
            _, _, tree = self.scope.decode(response)
            if tree is not None:
                title, text = title_and_text(tree)
                probe = (fingerprint(title, short_norm(text), response.url),
                         bool(response.meta.get("redirect_urls")))
        self.probes[d] = probe
        out = []
        for key, fp, redirected, status, kind, redirects in self.probe_wait.pop(d, []):
            if probe and probe[0] == fp and (redirected or not probe[1]):
                out.append(LinkTargetItem(url=key, state="broken", kind=kind, status=status,
                                          error="soft-404（与不存在页面的返回相同）", redirects=redirects))
        return out

    def probe_failed(self, failure) -> None:
        d = failure.request.meta["probe"]
        self.probes[d] = False
        self.probe_wait.pop(d, None)

    def failure_item(self, failure) -> tuple[LinkTargetItem, str]:
        """(item, 原因) for a request that got no answer."""
        req = failure.request
        key = req.meta.get("target") or canonical_url(req.url)
        state, error, timed_out = judge_failure(failure.value, redirected=bool(req.meta.get("redirect_urls")))
        if timed_out:
            # a host that answers other requests is up: this one may be slow or throttled.
            # A host that answered nothing is judged at the end of the crawl (final_items).
            self.timeouts[key] = netloc_of(req.url)
        if req.meta.get("retry_times") and state == "broken":
            error += f"（已重试 {req.meta['retry_times']} 次）"
        self.resolved.add(key)
        item = LinkTargetItem(url=key, state=state, kind=self.kind(key), status=None, error=error,
                              redirects=list(req.meta.get("redirect_urls", [])))
        if state == "broken" and req.meta.get("retry_times"):
            self.server_errors[key] = item
        return item, error

    # ---- when the crawl runs dry ---------------------------------------------------------------

    def to_check(self, requested, limit: int | None = None) -> list[str]:
        """Targets linked but neither answered nor requested, in the order linked: the first
        `limit` of them (a batch of checks: the rest stay packed in `linked` meanwhile)."""
        return list(islice((u for u in self.linked.waiting(self.resolved) if u not in requested), limit))

    def check_request(self, url: str) -> scrapy.Request:
        """Check a target: GET for pages, in-site (their anchors) and external (what they show),
        HEAD for attachments and images."""
        # external pages by GET too: what they show now is kept (formats/landing.py)
        method = "GET" if self.linked[url] in ("站内", "站外") or url in self.fragments else "HEAD"
        return scrapy.Request(url, method=method, callback=self.callbacks.parse_check, errback=self.callbacks.on_error,
                              meta={"role": "check", "target": url}, dont_filter=True)

    def unchecked_items(self, urls: list[str]) -> list:
        """Targets left unchecked by the request cap."""
        return [LinkTargetItem(url=url, state="inconclusive", kind=self.kind(url), error="达到单站请求数上限，未检查")
                for url in urls]

    def final_items(self):
        """Verdicts that need the whole crawl: time-outs on hosts that never answered, #fragment
        links to pages whose anchors were kept, and server errors on a host that errs now and then
        (another of its requests answered when asked again): not judged broken."""
        for key, item in self.server_errors.items():
            if netloc_of(key) in self.recovered:
                yield LinkTargetItem(url=key, state="inconclusive", kind=item.kind, status=item.status,
                                     error=f"服务器时好时坏，{item.error or '出错'}，未能判断", redirects=item.redirects)
        for key, netloc in self.timeouts.items():
            if not self.answers.get(netloc):
                yield LinkTargetItem(url=key, state="broken", kind=self.kind(key),
                                     status=None, error="请求超时，网站无响应")
        for page in list(self.fragments):
            if page in self.anchors:
                yield from self.fragment_items(page, None)
