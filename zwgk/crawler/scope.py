"""What a crawl counts as the site: its start and scope hosts, the kind of a link target, and the
decoding of its pages (the profile's encoding, else the Content-Type charset, else the sniffers).

The spider owns one Scope; hosts join it as the crawl finds the homepage's (after a redirect), the
disclosure column's and the departments' sub-sites.
"""
from __future__ import annotations

from zwgk.crawler import discovery as dsc
from zwgk.crawler.extractors.encoding import decode_html
from zwgk.crawler.extractors.links import ATTACHMENT_EXTS, url_ext, url_host
from zwgk.vocab import norm_text

IMAGE_EXTS = {"jpg", "jpeg", "png", "gif", "bmp", "webp", "svg"}


def host(url: str) -> str:
    return url_host(url) or ""  # "" for a malformed URL, itself a 错链


def ext(url: str) -> str:
    return url_ext(url) or ""  # the extractors' reading, download scripts (downfile.jsp?f=a.pdf) included


def is_attachment(url: str) -> bool:
    return ext(url) in ATTACHMENT_EXTS


def title_and_text(tree) -> tuple[str | None, str]:
    """A parsed page's <title> (normalised) and its whole text (as it is)."""
    t = tree.find(".//title")
    return (norm_text(t.text_content()) if t is not None else None), tree.text_content()


# elements that start a new line when a browser shows them
BLOCKS = frozenset("address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 "
                   "h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split())


def block_text(tree) -> str:
    """A page's text as a reader sees its lines: text_content(), with a line break where a block
    element (p, li, td, div …) begins or ends — minified markup otherwise runs a 领导信息 card's
    name and title, or two table cells, together (张建国县委副书记)."""
    parts: list[str] = []

    def walk(el) -> None:
        block = isinstance(el.tag, str) and el.tag in BLOCKS
        if block:
            parts.append("\n")
        if isinstance(el.tag, str) and el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(tree)
    return "".join(parts)


def short_norm(text: str) -> str:
    """The text the page judges read: normalised when short (long pages are never error pages)."""
    return norm_text(text) if len(text) < 5000 else text


class Scope:
    def __init__(self, start_url: str, scope_hosts=(), encoding: str | None = None):
        self.start_hosts = {host(start_url)}
        self.scope_hosts = set(self.start_hosts) | set(scope_hosts or ())
        self.encoding = encoding  # the profile's, overriding what the server says

    def add(self, url: str) -> None:
        """A host the crawl follows into (a disclosure column or a department on its own host)."""
        self.scope_hosts.add(host(url))

    def add_start(self, url: str) -> None:
        """The homepage's host (a start URL may redirect to another)."""
        self.start_hosts.add(host(url))
        self.scope_hosts.add(host(url))

    def in_scope(self, url: str) -> bool:
        return host(url) in self.scope_hosts

    def kind(self, url: str) -> str:
        """附件 | 图片 | 站内 | 站外."""
        e = ext(url)
        if e in ATTACHMENT_EXTS:
            return "附件"
        if e in IMAGE_EXTS:
            return "图片"
        return "站内" if self.in_scope(url) else "站外"

    def decode(self, response):
        """(html, encoding, tree) of a response; tree is None for hopeless markup."""
        header = response.headers.get("Content-Type", b"").decode("latin-1")
        charset = self.encoding
        if not charset and "charset=" in header.lower():
            charset = header.lower().split("charset=", 1)[1].split(";")[0].strip()
        html, enc = decode_html(response.body, charset)
        return html, enc, dsc.parse_tree(html)
