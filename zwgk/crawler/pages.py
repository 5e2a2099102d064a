"""Reading one fetched page into items: the page row, its link target's state, the soft-404 probe
of its directory and its links — the part of every callback that is the same for a homepage, a
disclosure root, a list page and a document. Callbacks then act on what the page shows."""
from __future__ import annotations

import hashlib

from zwgk.crawler import lists
from zwgk.crawler.items import PageItem
from zwgk.crawler.linkcheck.judge import too_short
from zwgk.crawler.linkcheck.tracker import JUDGED_STATUS, LinkTracker
from zwgk.crawler.listing import Listing
from zwgk.crawler.scope import Scope, block_text, short_norm, title_and_text

TOO_SHORT = "页面内容为空或过短，疑似防火墙拦截，未能判断"


def read_page(response, kind: str, scope: Scope, links: LinkTracker, send, keep_text: bool = False,
              office: str | None = None):
    """(items, (html, tree) or None when the page is unusable: an error, a WAF or soft-404 page,
    hopeless markup). `keep_text`: store the page's text (identity marks, 指南 items …); `send`
    schedules a retry the link tracker asks for."""
    links.answered(response)
    html, enc, tree = scope.decode(response)
    title, text = title_and_text(tree) if tree is not None else (None, "")
    verdict = None
    if tree is not None and response.status in JUDGED_STATUS:
        verdict = links.judge_page(response, title, short_norm(text))
    elif tree is None and response.status == 200 and too_short(response.body):
        verdict = "inconclusive", TOO_SHORT
    links.schedule_retry(response, verdict, send)
    if keep_text and tree is not None:
        # kept: the text in lines as shown (block_text); marks shown as images (党政机关网站标识,
        # 公安备案 badges) speak through alt / title
        text = block_text(tree) + " " + " ".join(v for img in tree.iter("img") for v in (img.get("alt"), img.get("title")) if v)
    items = [PageItem(url=response.url, kind=kind, status=response.status, title=title,
                      text=" ".join(text.split()) if keep_text else None, encoding=enc,
                      content_hash=hashlib.sha256(response.body).hexdigest(), office=office,
                      **(response.meta.get("zwgk_validators") or {})),
             links.target_item(response, *(verdict or (None, None)))]
    if response.status >= 400 or verdict or tree is None:
        return items, None
    probe = links.probe(response.url)
    if probe is not None:
        items.append(probe)
    items += links.page_links(tree, response)
    return items, (html, tree)


def answer_id(response) -> str:
    """The list page an adapter's answer is stored as: its URL, and for a POST its body too — two
    columns asking one search interface (POST /fjdzapp/search) are two list pages, not one row
    the later answer overwrites."""
    req = response.request
    if req.method == "POST" and req.body:
        return f"{response.url}#{req.body.decode('utf-8', 'replace')}"
    return response.url


def read_list_answer(response, adapter: str, scope: Scope, links: LinkTracker, office: str | None):
    """A list adapter's data answer (JCMS dataproxy XML, gkmlpt JSON …): (items — the answer's page
    row (stored as `answer_id`) with its listing, its link target —, Listing or None when it could
    not be read)."""
    links.answered(response)
    text, enc, _ = scope.decode(response)
    target = links.target_item(response)
    body = (response.request.body or b"").decode("utf-8", "replace")
    listing = Listing.from_read(lists.read_answer(adapter, response.url, text, body)) if response.status < 400 else None
    page = PageItem(url=answer_id(response), kind="column", status=response.status, title=None, text=None, encoding=enc,
                    content_hash=hashlib.sha256(response.body).hexdigest(), office=office,
                    listing=listing.to_json() if listing else None)
    return [page, target], listing
