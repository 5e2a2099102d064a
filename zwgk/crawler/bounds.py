"""What keeps every crawl finite, whatever the site does: rules on URLs (pure functions) and the
tally of limits a crawl hit, reported in results.json (crawl.limits) and at the top of the report.

Traps seen on real and hostile sites, and the rule that ends each:
- relative sub-column links answered at any depth (zcjd/ → /xxgk/zcjd/gfxwj/zcjd/…): a path that
  repeats a run of segments, or one segment three times, or is deeper than ZWGK_MAX_PATH_DEPTH;
- a calendar or sort widget whose "next" link changes the query and shows the same entries: a list
  page that shows no entry new to its column is not paged on, and every list page counts towards
  ZWGK_MAX_LIST_PAGES per column, new entries or not;
- session ids in every link (;jsessionid=…): dropped by the URL canonicaliser (extractors.links);
- anything else: ZWGK_MAX_REQUESTS per site and ZWGK_MAX_COLUMNS per site.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_URL_CHARS = 2048  # longer URLs are judged as links but never crawled into

# what a user reads when a limit is hit (results.json crawl.limits[].label, the report)
LABELS = {
    "path_depth": "路径层级过深",
    "path_repeat": "路径中目录重复（疑似无限递归的相对链接）",
    "url_length": "网址过长",
    "list_pages": "单个栏目列表页数达到上限",
    "columns": "栏目数达到上限",
    "requests": "单个网站请求数达到上限",
}


def _segments(url: str) -> list[str]:
    try:
        path = urlsplit(url).path
    except ValueError:
        return []
    return [s for s in path.split("/") if s]


def path_trap(url: str, max_depth: int) -> str | None:
    """The rule a URL breaks (a key of LABELS), or None. Numeric segments (dates: /2023/01/01/) and
    file names do not count as repeats."""
    if len(url) > MAX_URL_CHARS:
        return "url_length"
    segs = _segments(url)
    if len(segs) > max_depth:
        return "path_depth"
    dirs = [s.lower() for s in segs[:-1] if not s.isdigit()] + (
        [segs[-1].lower()] if segs and "." not in segs[-1] and not segs[-1].isdigit() else [])
    counts: dict[str, int] = {}
    for s in dirs:
        counts[s] = counts.get(s, 0) + 1
        if counts[s] >= 3:
            return "path_repeat"
    for n in range(2, len(dirs) // 2 + 1):  # a run of n segments followed by itself: a/b/a/b
        for i in range(len(dirs) - 2 * n + 1):
            if dirs[i:i + n] == dirs[i + n:i + 2 * n]:
                return "path_repeat"
    return None


@dataclass
class Limits:
    """The limits a crawl hit: how often, and a few of the URLs not followed because of each."""
    hits: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)

    def hit(self, key: str, url: str | None = None) -> None:
        self.hits[key] = self.hits.get(key, 0) + 1
        ex = self.examples.setdefault(key, [])
        if url and len(ex) < 5 and url not in ex:
            ex.append(url[:300])

    def to_json(self) -> list[dict]:
        return [{"limit": k, "label": LABELS.get(k, k), "value": self.values.get(k), "count": n,
                 "examples": self.examples.get(k, [])} for k, n in sorted(self.hits.items())]


class Budget:
    """The bounds of one crawl (ZWGK_MAX_LIST_PAGES, _REQUESTS, _COLUMNS, _PATH_DEPTH) and the tally
    of what they refused; `on_hit(limits)` is told after each refusal (the spider keeps the tally
    in crawl.facts)."""

    def __init__(self, list_pages: int = 500, requests: int = 100_000, columns: int = 3000, path_depth: int = 12,
                 on_hit=None):
        self.max_list_pages, self.max_requests = list_pages, requests
        self.max_columns, self.max_path_depth = columns, path_depth
        self.limits = Limits(values={"list_pages": list_pages, "requests": requests, "columns": columns,
                                     "path_depth": path_depth, "url_length": MAX_URL_CHARS})
        self.on_hit = on_hit

    @classmethod
    def from_settings(cls, settings, on_hit=None) -> "Budget":
        return cls(list_pages=settings.getint("ZWGK_MAX_LIST_PAGES", 500),
                   requests=settings.getint("ZWGK_MAX_REQUESTS", 100_000),
                   columns=settings.getint("ZWGK_MAX_COLUMNS", 3000),
                   path_depth=settings.getint("ZWGK_MAX_PATH_DEPTH", 12), on_hit=on_hit)

    def hit(self, key: str, url: str | None) -> None:
        self.limits.hit(key, url)
        if self.on_hit is not None:
            self.on_hit(self.limits)

    def allows(self, url: str, role: str, requested: int) -> bool:
        """Whether one more request (`requested` made so far) keeps the crawl bounded; a refusal is
        tallied. Pages that are parsed (root, column, document) must also pass the path rules."""
        if role in ("root", "column", "document"):
            trap = path_trap(url, self.max_path_depth)
            if trap is not None:
                self.hit(trap, url)
                return False
        if requested >= self.max_requests:
            self.hit("requests", url)
            return False
        return True

    def room(self, requested: int) -> int:
        """Requests still allowed."""
        return max(0, self.max_requests - requested)

    def within(self, urls: list[str], requested: int) -> tuple[list[str], list[str]]:
        """(the URLs still allowed, the rest — each tallied as a request-cap hit)."""
        room = self.room(requested)
        for url in urls[room:]:
            self.hit("requests", url)
        return urls[:room], urls[room:]
