"""After a crawl: read its documents' attachments (PDF, DOCX, XLSX, DOC, WPS, XLS — doctext.READABLE)
and store the personal information they show.

Each attachment is downloaded once (politely: one at a time, `delay` seconds apart, at most
`max_bytes`), through the crawl's network policy — every redirect hop judged before it is sent,
a host name's addresses judged and then connected to (as zwgk watch does, watch/probe.py). Its
text is read (formats/doctext.py: the bytes decide the format, so a .doc link serving a DOCX or
an RTF is read or refused as what it is), the personal information detected (formats/pii.py), and the
masked hits added to the document's `content_hits`, each with its `attachment` URL; a marker
`{"kind": "read" | "unread", "attachment": url, …}` records that the file was looked at, so that a
resumed run or an incremental crawl that copied the row does not download it again. The file
itself and its text are never stored.
"""
from __future__ import annotations

import socket
import time
from datetime import date
from typing import Callable
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy import select, update

from zwgk.crawler.netpolicy import NetworkPolicy, host_ip
from zwgk.crawler.settings import USER_AGENT
from zwgk.formats.doctext import READABLE, Unreadable, text_of
from zwgk.formats.pii import detect, stored
from zwgk.store import models as m
from zwgk.store.db import streamed

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_S = 60.0
MAX_FILES = 200
MAX_REDIRECTS = 5
MARKERS = ("read", "unread")


class Unread(Exception):
    """The attachment could not be downloaded; str() is the Chinese reason."""


def _addresses(host: str, port: int) -> list[str]:
    return list(dict.fromkeys(str(i[4][0]) for i in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def _judged(url: str, policy: NetworkPolicy, resolve) -> tuple[str, dict, dict]:
    from zwgk.watch.probe import pinned_request

    refusal = policy.refusal(url)
    if refusal is not None:
        raise Unread(refusal.reason)
    if not policy.needs_lookup(url):
        return url, {}, {}
    parts = urlsplit(url)
    try:
        addresses = resolve(parts.hostname, parts.port or (443 if parts.scheme.lower() == "https" else 80))
    except OSError:
        addresses = []
    if not addresses:
        raise Unread("域名无法解析")
    refusal = policy.resolved_refusal(url, addresses)
    if refusal is not None:
        raise Unread(refusal.reason)
    return pinned_request(url, str(host_ip(addresses[0]) or addresses[0]))


def download(url: str, policy: NetworkPolicy, client: httpx.Client, *, max_bytes: int = MAX_BYTES,
             timeout: float = TIMEOUT_S, resolve: Callable[[str, int], list[str]] = _addresses) -> bytes:
    """The body of `url` (redirects followed, each hop judged by `policy`); Unread if refused,
    failed, an error answer or bigger than `max_bytes`."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target, headers, extensions = _judged(current, policy, resolve)
        try:
            with client.stream("GET", target, headers=headers, extensions=extensions,
                               timeout=httpx.Timeout(timeout)) as resp:
                location = resp.headers.get("location")
                if resp.is_redirect and location:
                    current = urljoin(current, location.strip())
                    continue
                if resp.status_code >= 400:
                    raise Unread(f"HTTP {resp.status_code}")
                size = resp.headers.get("content-length", "")
                if size.isdigit() and int(size) > max_bytes:
                    raise Unread(f"文件超过 {max_bytes // (1024 * 1024)} MB，未读取")
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise Unread(f"文件超过 {max_bytes // (1024 * 1024)} MB，未读取")
                return bytes(body)
        except httpx.HTTPError as exc:
            raise Unread(f"下载失败（{type(exc).__name__}）") from exc
    raise Unread(f"重定向超过 {MAX_REDIRECTS} 次")


def _hits_of(data: bytes, ext: str, url: str, today: date | None) -> list[dict]:
    text = text_of(data, ext)
    hits = [{**h, "attachment": url} for h in stored(detect(text, today))]
    return hits + [{"kind": "read", "attachment": url, "chars": len(text)}]


def scan_attachments(Session, crawl_id: int, policy: NetworkPolicy, *, delay: float = 1.0,
                     max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_S,
                     today: date | None = None, resolve: Callable[[str, int], list[str]] = _addresses,
                     progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Read the attachments of crawl `crawl_id`'s documents (those not read yet) and add what they
    show to the documents' content_hits. Returns counts: read, unread, hits, skipped (over
    `max_files`). A link the crawl found broken, refused or inconclusive is not asked again; a
    crawl that did not finish is left alone (its time budget holds; the resumed crawl reads them)."""
    counts = {"read": 0, "unread": 0, "hits": 0, "skipped": 0}
    with Session() as s:
        crawl = s.get(m.Crawl, crawl_id)
        if crawl is None or crawl.status != "finished":
            # stopped early (--time-budget, Ctrl-C): the budget holds; `--resume` reads them
            return counts
        bad = set(s.scalars(streamed(select(m.LinkTarget.url).where(m.LinkTarget.crawl_id == crawl_id,
                                                                     m.LinkTarget.state != "ok"))))
        todo = []
        for doc_id, attachments, hits in s.execute(streamed(
                select(m.Document.id, m.Document.attachments, m.Document.content_hits)
                .where(m.Document.crawl_id == crawl_id).order_by(m.Document.id))):
            seen = {h.get("attachment") for h in hits or () if h.get("kind") in MARKERS}
            wanted = [a for a in attachments or () if (a.get("ext") or "").lower() in READABLE
                      and a.get("url") not in seen and a.get("url") not in bad]
            if wanted:
                todo.append((doc_id, list(hits or ()), wanted))
    done: dict[str, list[dict]] = {}   # an attachment shared by several documents is read once
    files = len({a["url"] for _, _, w in todo for a in w})
    last = 0.0
    with httpx.Client(trust_env=False, follow_redirects=False,
                      headers={"User-Agent": USER_AGENT, "Accept": "*/*"}) as client:
        for doc_id, hits, wanted in todo:
            for a in wanted:
                url = a["url"]
                if url not in done:
                    if len(done) >= max_files:
                        counts["skipped"] += 1
                        continue
                    time.sleep(max(0.0, last + delay - time.monotonic()))
                    last = time.monotonic()
                    try:
                        done[url] = _hits_of(download(url, policy, client, max_bytes=max_bytes, timeout=timeout,
                                                      resolve=resolve), a.get("ext") or "", url, today)
                        counts["read"] += 1
                        counts["hits"] += sum(h["kind"] not in MARKERS for h in done[url])
                    except (Unread, Unreadable) as exc:
                        done[url] = [{"kind": "unread", "attachment": url, "error": str(exc)}]
                        counts["unread"] += 1
                    if progress:
                        progress(len(done), files)
                hits.extend(done[url])
            with Session.begin() as s:   # each document as it is done: an interrupted scan keeps its work
                s.execute(update(m.Document).where(m.Document.id == doc_id).values(content_hits=hits))
    return counts
