"""Where each column sits: its parent and office, settled once the crawl has read every column page,
from the links the pages show — never from which page happened to be answered first.

A column page's menu may be its sub-columns (a directory) or its siblings (the 相关栏目 sidebar of
a list): the same markup. What tells them apart is what the other pages show:

- a path beneath: /xxgk/zcwj/gfxwj/ is under /xxgk/zcwj/ (the deepest such linker is the parent);
- a disclosure root's menu (a portal's or a department's) holds its top-level columns;
- otherwise the linker nearest a root (fewest links from one) — and, as near, a one-way link (P
  links C, C's page does not link P: C is P's child), then mutual links between list pages
  (siblings: C has its linker's parent), then a page with no list of its own (a directory, even
  where C's tree menu links it back).

Pure: `settle(roots, columns)` reads plain data and returns {column key: (parent, office)}.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


# how a column page links column c, among linkers as near a root (tree.settle's rank)
ONE_WAY, SIBLING, MENU_ONLY = 0, 1, 2


@dataclass(frozen=True)
class Node:
    """A root (a disclosure column's front page) or a column page as the crawl read it."""
    url: str                    # as stored (a column's parent_url names a root by this)
    office: str | None
    links: frozenset | None     # keys of the columns its (first) page links; None: the page was not read
    own_list: bool = True       # its page shows entries or pages of its own (not a menu only)
    parent: str | None = None   # where the crawl first met it (kept when nothing links it)


def _dir(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    path = parts.path or "/"
    return parts.netloc, path[: path.rfind("/") + 1]


def _under(child: str, parent: str) -> bool:
    """`child`'s directory strictly beneath `parent`'s, on the same host."""
    (ch, cd), (ph, pd) = _dir(child), _dir(parent)
    return ch == ph and len(cd) > len(pd) and cd.startswith(pd)


def _common(a: str, b: str) -> int:
    (ah, ad), (bh, bd) = _dir(a), _dir(b)
    if ah != bh:
        return -1
    n = 0
    for x, y in zip(ad.split("/"), bd.split("/")):
        if x != y:
            break
        n += 1
    return n


def settle(roots: dict[str, Node], columns: dict[str, Node]) -> dict[str, tuple[str | None, str | None]]:
    """{column key: (parent url, office)} for every column in `columns`."""
    linkers: dict[str, list[str]] = {}
    for key, node in sorted(roots.items()) + sorted(columns.items()):
        for c in sorted(node.links or ()):
            if c in columns and c != key:
                linkers.setdefault(c, []).append(key)

    # how many links from a root each page is (the linker nearer a root is likelier the parent)
    depth = {r: 0 for r in roots}
    level = sorted(roots)
    while level:
        nxt = sorted({c for x in level for c in ((roots.get(x) or columns.get(x)).links or ())
                      if c in columns and c not in depth})
        depth.update((c, depth[level[0]] + 1) for c in nxt)
        level = nxt

    def rank(c: str, x: str) -> tuple:
        """Smaller is likelier the parent of column c among its linkers."""
        if _under(c, x):
            return (0, -len(_dir(x)[1]), x)
        if x in roots:
            return (1, 0, -_common(c, x), x)
        node, child = columns[x], columns[c]
        d = depth.get(x, len(columns))
        if child.links is not None and x not in child.links:
            return (1, d, ONE_WAY, x)  # a one-way link: c is x's child
        if node.own_list:
            return (1, d, SIBLING, x)  # mutual links between list pages: siblings
        return (1, d, MENU_ONLY, x)    # a menu-only page: a directory of what it links

    out: dict[str, tuple[str | None, str | None]] = {}
    resolving: set[str] = set()

    def place(c: str) -> tuple[str | None, str | None]:
        if c in out:
            return out[c]
        node = columns[c]
        found = (node.parent, node.office)
        resolving.add(c)
        for r, x in sorted((rank(c, x), x) for x in linkers.get(c, ())):
            if x in roots:
                found = (roots[x].url, roots[x].office)
                break
            if x in resolving:
                continue               # a loop of links: the next linker
            found = place(x) if r[0] == 1 and r[2] == SIBLING else (x, place(x)[1])  # a sibling: its linker's parent
            break
        resolving.discard(c)
        out[c] = found
        return found

    for c in sorted(columns):
        place(c)
    return out
