"""A set of URLs held as their 64-bit hashes: the crawl's per-URL bookkeeping (what was requested,
which link targets were judged, which entries a column showed) asks only "seen?", and a hash
takes ~90 bytes an entry where the URL string and its slot took ~190.

Python's str hash (SipHash, 64 bits, salted per process) is stable within the crawl's process,
which is the set's lifetime. Two different URLs with the same hash would make the second count
as seen: for a million URLs the chance of any such pair is about 3 in 100 million."""
from __future__ import annotations

from typing import Iterable


class UrlSet:
    __slots__ = ("_hashes",)

    def __init__(self, urls: Iterable[str] = ()):
        self._hashes = {hash(u) for u in urls}

    def add(self, url: str) -> None:
        self._hashes.add(hash(url))

    def update(self, urls: Iterable[str]) -> None:
        self._hashes.update(hash(u) for u in urls)

    def __contains__(self, url: object) -> bool:
        return hash(url) in self._hashes

    def __len__(self) -> int:
        return len(self._hashes)

    def new(self, urls: Iterable[str]) -> set[str]:
        """Those of `urls` not in the set."""
        return {u for u in urls if hash(u) not in self._hashes}
