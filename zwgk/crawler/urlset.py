"""A set of URLs held as their 64-bit hashes, packed: the crawl's per-URL bookkeeping (what was
requested, which link targets were judged, which entries a column showed, which rows were
stored) asks only "seen?", and keeps 8 bytes a URL for it.

The hashes live in a sorted array (array('q'): no Python object per entry) looked up by
bisection, with the latest additions in a small set merged into the array when it reaches
1/16 of the array's size (at least 64, so that a column's few hundred entries are packed too):
about 9 bytes a URL in all, where a set of hashes took ~90 and a set of URL strings ~190.
Past HOT hashes (16 384, `ZWGK_URLSET_HOT`) the array goes to a temporary file, merged with what
went there before (`_Cold`: one sorted run, the first hash of each 4 KiB block held in memory,
one read a lookup): a set then holds ~200 KiB at most whatever the site's size. At 400 000 pages
the crawl's dozen sets of that size had held ~40 MiB. If the file cannot be written (a full
disk) the hashes stay in memory: nothing is forgotten, it only costs memory.

Python's str hash (SipHash, 64 bits, salted per process) is stable within the crawl's process,
which is the set's lifetime. Two different URLs with the same hash would make the second count
as seen: for a million URLs the chance of any such pair is about 3 in 100 million."""
from __future__ import annotations

import logging
import marshal
import os
import tempfile
import zlib
from array import array
from datetime import date
from bisect import bisect_left, bisect_right
from typing import Iterable, Iterator

log = logging.getLogger(__name__)


def _hot() -> int:
    value = os.environ.get("ZWGK_URLSET_HOT", "").strip()
    return max(64, int(value)) if value.isdigit() else 16384


# hashes a set holds in memory before the older ones go to its file (environment, for tests)
HOT = _hot()
BLOCK = 512  # hashes in a block of a file's run: 4 KiB, read whole by a lookup
_warned = False  # a set could not be written to its file: said once


class _Cold:
    """A sorted run of distinct hashes in a temporary file of its own (deleted when closed or
    collected), the first hash of each BLOCK in memory: a lookup bisects those and reads one block."""

    __slots__ = ("_file", "_firsts", "_count")

    def __init__(self, runs: Iterable[array]):
        """`runs`: arrays of hashes that follow one another in order (sorted, distinct)."""
        self._file = tempfile.TemporaryFile(prefix="zwgk-urlset-")
        self._firsts, self._count = array("q"), 0
        try:
            buf = array("q")
            for run in runs:
                buf.extend(run)
                whole = len(buf) - len(buf) % BLOCK
                for i in range(0, whole, BLOCK):
                    self._write(buf[i:i + BLOCK])
                del buf[:whole]
            if buf:
                self._write(buf)
            self._file.flush()
        except BaseException:
            self._file.close()
            raise

    def _write(self, block: array) -> None:
        self._firsts.append(block[0])
        self._file.write(block.tobytes())
        self._count += len(block)

    def _block(self, i: int) -> array:
        out = array("q")
        out.frombytes(os.pread(self._file.fileno(), BLOCK * out.itemsize, i * BLOCK * out.itemsize))
        return out

    def __contains__(self, h: int) -> bool:
        i = bisect_right(self._firsts, h) - 1
        if i < 0:
            return False
        block = self._block(i)
        j = bisect_left(block, h)
        return j < len(block) and block[j] == h

    def blocks(self) -> Iterator[array]:
        for i in range(len(self._firsts)):
            yield self._block(i)

    def __iter__(self) -> Iterator[int]:
        for block in self.blocks():
            yield from block

    def merged(self, packed: array) -> Iterator[array]:
        """This run and `packed` (sorted, none of it here) as one sorted run, a block at a time:
        each block sorted with the part of `packed` that falls within it."""
        start = 0
        for block in self.blocks():
            end = bisect_right(packed, block[-1], start)
            yield array("q", sorted(block + packed[start:end])) if end > start else block
            start = end
        yield packed[start:]

    def __len__(self) -> int:
        return self._count

    def close(self) -> None:
        self._file.close()


class UrlSet:
    __slots__ = ("_packed", "_recent", "_cold")

    def __init__(self, urls: Iterable[str] = ()):
        self._packed = array("q")  # sorted, distinct
        self._recent: set[int] = set()  # not yet packed, none of them in _packed
        self._cold: _Cold | None = None  # past HOT: the older hashes, none of them in _packed or _recent
        self.update(urls)

    def _has(self, h: int) -> bool:
        if h in self._recent:
            return True
        packed = self._packed
        i = bisect_left(packed, h)
        if i < len(packed) and packed[i] == h:
            return True
        return self._cold is not None and h in self._cold

    def _add(self, h: int) -> None:
        if not self._has(h):
            self._recent.add(h)
            if len(self._recent) >= max(64, len(self._packed) >> 4):
                self._packed = _merged(self._packed, self._recent)
                self._recent = set()
                if len(self._packed) >= HOT:
                    self._chill()

    def _chill(self) -> None:
        """The packed hashes merged into the file; kept in memory if it cannot be written."""
        old = self._cold
        try:
            self._cold = _Cold(old.merged(self._packed) if old is not None else (self._packed,))
        except OSError as exc:
            # a full disk: keep what is in memory (the set stays right, it only grows); tried
            # again at the next merge
            global _warned
            if not _warned:
                _warned = True
                log.warning("网址集合无法写入临时文件（%s），改为保留在内存中，抓取继续", exc)
            return
        if old is not None:
            old.close()
        self._packed = array("q")

    def add(self, url: str) -> None:
        self._add(hash(url))

    def update(self, urls: Iterable[str]) -> None:
        for u in urls:
            self._add(hash(u))

    def __contains__(self, url: object) -> bool:
        return self._has(hash(url))

    def __len__(self) -> int:
        return len(self._packed) + len(self._recent) + (len(self._cold) if self._cold is not None else 0)

    def new(self, urls: Iterable[str]) -> set[str]:
        """Those of `urls` not in the set."""
        return {u for u in urls if not self._has(hash(u))}


def _merged(packed: array, recent: set[int]) -> array:
    """`packed` with the hashes of `recent` (none of them in it) put in their places. The packed
    runs between two new hashes are copied as arrays, in C: sorting all N hashes as Python ints
    held ~40 bytes a hash at once (a 450 000-URL set: ~18 MiB), a transient that grew with the site
    and left the allocator's arenas it spread over pinned by the objects allocated after it."""
    out = array("q")
    start = 0
    for h in sorted(recent):
        i = bisect_left(packed, h, start)
        out.extend(packed[start:i])
        out.append(h)
        start = i
    out.extend(packed[start:])
    return out


class UrlDays:
    """url -> date, packed as UrlSet is: the URLs' hashes in a sorted array, each one's day (an
    ordinal) in a parallel array, the latest additions in a small dict until packed. ~16 bytes an
    entry, where a dict of URL strings and dates took ~180 (a night's previous crawl: every document
    page and link target it verified; site-62: 82 000 of them, 15 MiB as dicts)."""

    __slots__ = ("_keys", "_days", "_recent")

    def __init__(self, pairs: Iterable[tuple[str, date]] = ()):
        self._keys = array("q")      # sorted, distinct
        self._days = array("l")      # date ordinals, parallel to _keys
        self._recent: dict[int, int] = {}
        for url, day in pairs:
            self[url] = day

    def _index(self, h: int) -> int | None:
        i = bisect_left(self._keys, h)
        return i if i < len(self._keys) and self._keys[i] == h else None

    def __setitem__(self, url: str, day: date) -> None:
        h, d = hash(url), day.toordinal()
        i = self._index(h)
        if i is not None:
            self._days[i] = d
            return
        self._recent[h] = d
        if len(self._recent) >= max(64, len(self._keys) >> 4):
            keys, days, start = array("q"), array("l"), 0
            for k in sorted(self._recent):
                i = bisect_left(self._keys, k, start)
                keys.extend(self._keys[start:i])
                days.extend(self._days[start:i])
                keys.append(k)
                days.append(self._recent[k])
                start = i
            keys.extend(self._keys[start:])
            days.extend(self._days[start:])
            self._keys, self._days, self._recent = keys, days, {}

    def get(self, url: object, default: date | None = None) -> date | None:
        h = hash(url)
        d = self._recent.get(h)
        if d is None:
            i = self._index(h)
            if i is None:
                return default
            d = self._days[i]
        return date.fromordinal(d)

    def __getitem__(self, url: str) -> date:
        day = self.get(url)
        if day is None:
            raise KeyError(url)
        return day

    def __contains__(self, url: object) -> bool:
        return self.get(url) is not None

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)


class _Packed:
    """Items in the order they were added, packed: every 1 024 of them one zlib block (`_dump` /
    `_load` say how a block's items are written). Read back in order, and rewritten keeping those
    `keep` says, a block at a time: what it holds at once is one block's items, never all of them."""

    __slots__ = ("_blocks", "_tail", "_count")
    BLOCK = 1024

    def __init__(self):
        self._blocks: list[bytes] = []
        self._tail: list = []
        self._count = 0

    @staticmethod
    def _dump(items: list) -> bytes:
        raise NotImplementedError

    @staticmethod
    def _load(data: bytes) -> list:
        raise NotImplementedError

    def append(self, item) -> None:
        self._tail.append(item)
        self._count += 1
        if len(self._tail) >= self.BLOCK:
            self._blocks.append(zlib.compress(self._dump(self._tail), 1))
            self._tail = []

    def _read(self, blocks: list[bytes], tail: list) -> Iterator:
        for block in blocks:
            yield from self._load(zlib.decompress(block))
        yield from tail

    def __iter__(self) -> Iterator:
        return self._read(self._blocks, list(self._tail))  # as they are now, whatever is added meanwhile

    def keep(self, test) -> None:
        """Keep only the items `test` passes, in their order."""
        items = self._read(self._blocks, self._tail)
        self._blocks, self._tail, self._count = [], [], 0
        for item in items:
            if test(item):
                self.append(item)

    def __len__(self) -> int:
        return self._count


class UrlLog(_Packed):
    """URLs in the order they were added, a block of them their newline-joined text (~12 bytes a
    URL, measured on site-62's link targets, where a str in a dict took ~160)."""

    __slots__ = ()

    @staticmethod
    def _dump(items: list) -> bytes:
        return "\n".join(items).encode()

    @staticmethod
    def _load(data: bytes) -> list:
        return data.decode().split("\n")

    def urls(self) -> Iterator[str]:
        return iter(self)

    def drop(self, gone) -> None:
        """Keep only the URLs not in `gone`, in their order."""
        self.keep(lambda u: u not in gone)


class _Pairs(_Packed):
    """(url, value) pairs, a block of them marshal'd."""

    __slots__ = ()
    _dump = staticmethod(marshal.dumps)
    _load = staticmethod(marshal.loads)


class LinkedTargets:
    """Every link target seen and the kind it was linked as (附件 | 图片 | 站内 | 站外 …): "seen?"
    and the kind as one packed UrlSet per kind, and the URL itself, packed (UrlLog), only while
    the target may still need a check of its own (`waiting`): once judged it is dropped from
    there. A target costs ~9 bytes for good, and ~12 more until it is judged."""

    __slots__ = ("_by_kind", "_waiting", "_kept")

    def __init__(self):
        self._by_kind: dict[str, UrlSet] = {}
        self._waiting = UrlLog()  # in the order linked: checks are asked in that order
        self._kept = 0            # size of _waiting after its last sweep

    def __contains__(self, url: object) -> bool:
        return any(url in s for s in self._by_kind.values())

    def get(self, url: str | None, default: str | None = None) -> str | None:
        """The kind `url` was linked as, or `default` when it was never linked."""
        for kind, urls in self._by_kind.items():
            if url in urls:
                return kind
        return default

    def __getitem__(self, url: str) -> str:
        kind = self.get(url)
        if kind is None:
            raise KeyError(url)
        return kind

    def __setitem__(self, url: str, kind: str) -> None:
        """Link `url` as `kind` (a target is linked once: its first kind stays)."""
        if url in self:
            return
        self._by_kind.setdefault(kind, UrlSet()).add(url)
        self._waiting.append(url)

    def waiting(self, judged) -> Iterator[str]:
        """The targets linked and not in `judged` (a set of URLs), in the order first linked."""
        return (u for u in self._waiting.urls() if u not in judged)

    def sweep(self, judged) -> None:
        """Forget the URLs of targets in `judged` once the waiting ones have doubled since the last sweep."""
        if len(self._waiting) >= max(4096, 2 * self._kept):
            self._waiting.drop(judged)
            self._kept = len(self._waiting)

    def __len__(self) -> int:
        return sum(len(s) for s in self._by_kind.values())


class Later:
    """URLs put aside to be asked at the end of the crawl unless asked before, each with a value
    (the first one given; what marshal writes: the spider's (url, office)). A URL already in `done`
    (a UrlSet of what was asked) is not kept, and the ones asked since are forgotten whenever the
    kept ones have doubled since the last sweep: what is held is what may still be asked, not every
    URL ever put aside (解读 links of 400 000 documents, most of them reached through their lists
    anyway). Held packed: the (url, value) pairs in zlib blocks, the URLs put since the last take
    as hashes (~30 bytes a pair in all, where a dict took ~200)."""

    __slots__ = ("_put", "_pairs", "_kept")

    def __init__(self):
        self._put = UrlSet()      # URLs put since the last take
        self._pairs = _Pairs()    # (url, value), in the order put
        self._kept = 0            # size after the last sweep

    def put(self, url: str, value, done) -> None:
        if url in done or url in self._put:
            return
        self._put.add(url)
        self._pairs.append((url, value))
        if len(self._pairs) >= max(4096, 2 * self._kept):
            self._pairs.keep(lambda p: p[0] not in done)
            self._kept = len(self._pairs)

    def take(self, done) -> list:
        """The values of the URLs not in `done`, in the order of their URLs; the set is emptied."""
        out = [v for _, v in sorted((p for p in self._pairs if p[0] not in done), key=lambda p: p[0])]
        self._put, self._pairs, self._kept = UrlSet(), _Pairs(), 0
        return out

    def __len__(self) -> int:
        return len(self._pairs)


class PageAnchors:
    """The ids and <a name>s of every parsed page, kept in case a #fragment link to it turns up
    on a later page: one packed hash for each page and each (page, name) pair, ~9 bytes each
    (tracemalloc, 3 000 pages of the generated site, 0.8 anchors a page: 49 bytes a page, where a
    string of its names in a dict keyed by the page's hash took 96)."""

    __slots__ = ("_pages", "_names")

    def __init__(self):
        self._pages = UrlSet()  # pages whose anchors are kept
        self._names = UrlSet()  # f"{page}#{name}"

    def keep(self, page: str, names: Iterable[str]) -> None:
        self._pages.add(page)
        self._names.update(f"{page}#{n}" for n in names)

    def __contains__(self, page: object) -> bool:
        return page in self._pages

    def has(self, page: str, name: str) -> bool:
        """Does the kept page have an element with this id or <a name>? (A whole name, not a part.)"""
        return bool(name) and f"{page}#{name}" in self._names
