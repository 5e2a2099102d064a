"""The documents and list entries of a large crawl, kept in temporary files while the audit runs.

A snapshot of a few thousand documents holds them as tuples. Above `auditor/snapshot.py`'s
SPILL_ABOVE they are written here instead — compressed chunks of plain tuples — and read back
each time a check iterates them, so that the audit's memory hardly grows with the site
(docs/benchmarks.md). The rows are also written a second time grouped by a key — a document's
评估对象, an entry's column —: a department's part of the site is read without passing over
everyone else's.

The file is anonymous (deleted when the last `Rows` over it is gone, or the process ends).
"""
from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from typing import Callable, Hashable, Iterable, Iterator

# rows in one compressed chunk: a few hundred kilobytes decoded at a time
CHUNK = 512


# rows waiting in the per-key buffers at most (then the fullest is written): a site of hundreds of
# 评估对象 does not hold a chunk for each
BUFFERED = 8 * CHUNK


# a part of at most this many rows, once read whole, stays decoded until another part is read:
# the evaluator runs one 评估对象's checks one after another (auditor/scoring.py Evaluator.prepare),
# so its documents are decoded once, not once per check (some 25 MiB of documents at most)
KEEP_DECODED = 25000


class _Kept:
    """The one part kept decoded, shared by every Rows of a spill file."""

    __slots__ = ("chunks", "rows")

    def __init__(self):
        self.chunks, self.rows = None, ()


class SpillError(RuntimeError):
    """The temporary file could not be written (a full disk): the audit stops, nothing is judged."""


class Rows:
    """A re-iterable, sized sequence of rows read back from a spill file in the order written.
    Iterating twice gives equal (not identical) objects; `part(key)` is the rows written under
    `key`, in the same order; `rows + tuple` reads the tuple after the rows."""

    __slots__ = ("_file", "_chunks", "_count", "_decode", "_extra", "_parts", "_kept")

    def __init__(self, file, chunks: tuple, count: int, decode: Callable, extra: tuple = (),
                 parts: dict | None = None, kept: _Kept | None = None):
        self._file, self._chunks, self._count, self._decode = file, chunks, count, decode
        self._extra, self._parts, self._kept = extra, parts or {}, kept or _Kept()

    def _read(self) -> Iterator:
        decode, fd = self._decode, self._file.fileno()
        for offset, size in self._chunks:
            # pread: two iterations in step (a generator inside a loop) share no file position
            for row in marshal.loads(zlib.decompress(os.pread(fd, size, offset))):
                yield decode(row)

    def __iter__(self) -> Iterator:
        if 0 < self._count <= KEEP_DECODED:
            kept = self._kept
            if kept.chunks is not self._chunks:
                kept.chunks, kept.rows = None, ()  # the part kept before goes first
                kept.rows = tuple(self._read())
                kept.chunks = self._chunks
            yield from kept.rows  # this pass holds them, whatever another pass keeps meanwhile
        else:
            yield from self._read()
        yield from self._extra

    def __len__(self) -> int:
        return self._count + len(self._extra)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __add__(self, other: Iterable) -> "Rows":
        extra = tuple(other)
        return Rows(self._file, self._chunks, self._count, self._decode, self._extra + extra, kept=self._kept)

    def part(self, key: Hashable) -> "Rows":
        """The rows written under `key` (none: an empty Rows)."""
        got = self._parts.get(key)
        return got if got is not None else Rows(self._file, (), 0, self._decode, kept=self._kept)

    def __repr__(self) -> str:
        return f"<Rows {len(self)} in {len(self._chunks)} chunks>"


class Spill:
    """Writes rows, each under a key, and gives them back as `Rows` (`done()`)."""

    def __init__(self, encode: Callable, decode: Callable, chunk: int = CHUNK, directory: str | None = None):
        self.encode, self.decode, self.chunk = encode, decode, chunk
        try:
            self.file = tempfile.TemporaryFile(prefix="zwgk-audit-", dir=directory)
        except OSError as e:
            raise SpillError(f"无法创建审计临时文件（{tempfile.gettempdir()}）：{e.strerror or e}") from e
        self.end = 0
        self.count = 0
        self.all: list = []
        self.all_chunks: list = []
        self.buffers: dict = {}
        self.chunks: dict = {}
        self.counts: dict = {}
        self.buffered = 0

    def _write(self, rows: list) -> tuple[int, int]:
        data = zlib.compress(marshal.dumps(rows), 1)
        try:
            written = os.pwrite(self.file.fileno(), data, self.end)
        except OSError as e:
            raise SpillError(f"审计临时文件写入失败（磁盘空间不足？）：{e.strerror or e}") from e
        if written != len(data):
            raise SpillError("审计临时文件写入不完整（磁盘空间不足？）")
        at = (self.end, len(data))
        self.end += len(data)
        return at

    def add(self, key: Hashable, item) -> None:
        row = self.encode(item)
        self.count += 1
        self.all.append(row)
        if len(self.all) >= self.chunk:
            self.all_chunks.append(self._write(self.all))
            self.all = []
        buf = self.buffers.setdefault(key, [])
        buf.append(row)
        self.buffered += 1
        self.counts[key] = self.counts.get(key, 0) + 1
        if len(buf) >= self.chunk:
            self._flush(key)
        elif self.buffered > BUFFERED:
            self._flush(max(self.buffers, key=lambda k: len(self.buffers[k])))

    def _flush(self, key) -> None:
        buf = self.buffers[key]
        self.chunks.setdefault(key, []).append(self._write(buf))
        self.buffered -= len(buf)
        self.buffers[key] = []

    def done(self) -> Rows:
        if self.all:
            self.all_chunks.append(self._write(self.all))
        for key, buf in self.buffers.items():
            if buf:
                self.chunks.setdefault(key, []).append(self._write(buf))
        kept = _Kept()
        parts = {key: Rows(self.file, tuple(self.chunks.get(key, ())), n, self.decode, kept=kept)
                 for key, n in self.counts.items()}
        rows = Rows(self.file, tuple(self.all_chunks), self.count, self.decode, parts=parts, kept=kept)
        self.all, self.buffers = [], {}
        return rows
