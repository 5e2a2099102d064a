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
