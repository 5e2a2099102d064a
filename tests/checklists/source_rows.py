"""Parse attachment 2 of the Yiyuan seed (全县政务公开常态化工作任务清单（2023年版）).

The seed is a Word table exported as text: every cell starts on a line that begins with a
tab; a line without a leading tab continues the cell above it (a wrapped line); rows are
separated by blank lines (one Word row may also contain a blank line, so a block with too
few cells is joined with the next). Blank cells are vertically merged cells: they mean
"same as the row above" as long as every cell to their left is blank too.

Most rows have six cells (一级 … 五级, 评估对象); the 政策解读 rows have five (no 四级).
Used by tests/checklists/test_checklists.py to pin checklists/yiyuan-2023.yaml to its source.

    python tests/checklists/source_rows.py [seed-file]   # prints the rows
    python tests/checklists/source_rows.py shanting      # the Shanting 定时公开 table
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

SEED_NAME = "002_ff479ca82672f711.txt"
TITLE = "全县政务公开常态化工作任务清单（2023年版）"
END_MARK = "抄送"

_CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


@dataclass(frozen=True)
class SourceRow:
    path: tuple[str, ...]   # level names 一级 … 四级 (blank levels dropped)
    text: str               # 五级指标, verbatim (wrapped lines joined, outer space stripped)
    applies_to_text: str    # 评估对象 after filling merged cells
    line: int               # line of the seed where the 五级 cell starts


def default_seed() -> Path:
    repo = Path(__file__).resolve().parents[2]
    return (repo / ".." / "shared" / "seeds" / SEED_NAME).resolve()


def _level_name(s: str) -> str:
    """A level name: wrapped lines joined; a space Word left between two CJK characters dropped."""
    return _CJK_GAP.sub("", s.strip())


def _blocks(lines: list[str], start: int) -> list[list[tuple[str, int]]]:
    """Rows of raw cells [(text, line_no)], split on blank lines."""
    blocks: list[list[list]] = []
    cur: list[list] = []
    last: list | None = None
    for i in range(start, len(lines)):
        raw = lines[i].rstrip("\n")
        if raw.startswith(END_MARK):
            break
        if raw.startswith("\t"):
            last = [raw[1:], i + 1]
            cur.append(last)
        elif raw.strip() == "":
            if cur:
                blocks.append(cur)
                cur = []
        elif last is not None:
            last[0] += raw              # wrapped line of the cell above (even past a blank line)
        # a stray non-tab line before any cell (the title) is ignored
    if cur:
        blocks.append(cur)
    rows = [[(c[0], c[1]) for c in b] for b in blocks]
    # a Word row may contain a blank line (a cell wrapped onto an empty line): join short blocks
    out: list[list[tuple[str, int]]] = []
    pending: list[tuple[str, int]] = []
    for r in rows:
        pending = pending + r
        if len(pending) >= 5:
            out.append(pending)
            pending = []
    if pending:
        raise ValueError(f"dangling cells at line {pending[0][1]}: {pending}")
    return out


def parse(text: str) -> list[SourceRow]:
    lines = text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == TITLE) + 1
    except StopIteration:
        raise ValueError(f"title {TITLE!r} not found") from None
    levels = ["", "", "", ""]
    who = ""
    out: list[SourceRow] = []
    for cells in _blocks(lines, start):
        if len(cells) == 6:
            lv = [c[0] for c in cells[:4]]
            five, obj = cells[4], cells[5][0]
        elif len(cells) == 5:          # 政策解读 rows: 一级, 二级, 三级, 五级, 评估对象
            lv = [c[0] for c in cells[:3]] + [""]
            five, obj = cells[3], cells[4][0]
        else:
            raise ValueError(f"row at line {cells[0][1]} has {len(cells)} cells")
        lv = [_level_name(x) for x in lv]
        if lv[0] == "一级指标":        # header row (repeated on each page in some exports)
            continue
        text5 = five[0].strip()
        if not text5:
            # a row with no 五级 line: a page-break remnant of a merged cell, not an indicator
            continue
        # fill merged cells: a blank level inherits only while every level to its left does
        new = list(levels)
        inherit = True
        for k in range(4):
            if lv[k]:
                inherit = False
                new[k] = lv[k]
            elif not inherit:
                new[k] = ""
        levels = new
        if obj.strip():
            who = obj.strip()
        out.append(SourceRow(tuple(x for x in levels if x), text5, who, five[1]))
    return out


def load(path: Path | None = None) -> list[SourceRow]:
    p = path or default_seed()
    return parse(p.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# Shanting: 2023年山亭区政务公开工作要点 附件 山亭区“定时公开”机制指标明细表 (42 rows of
# 序号 / 指标名称 / 单位名称 / 公开时限; blank 单位名称 and 公开时限 cells are merged cells)

SHANTING_SEED = "000_043a09b36311cc73.txt"
SHANTING_TITLE = "山亭区“定时公开”机制指标明细表"


@dataclass(frozen=True)
class TimedRow:
    no: int
    name: str        # 指标名称
    office: str      # 单位名称, merged cells filled
    cadence: str     # 公开时限, merged cells filled
    line: int


def parse_shanting(text: str) -> list[TimedRow]:
    lines = text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == SHANTING_TITLE) + 1
    except StopIteration:
        raise ValueError(f"title {SHANTING_TITLE!r} not found") from None
    cells: list[list] = []
    for i in range(start, len(lines)):
        raw = lines[i]
        if raw.startswith("\t"):
            cells.append([raw[1:], i + 1])
        elif raw.strip() and cells:
            cells[-1][0] += raw.strip()     # wrapped cell, possibly past blank lines
    if len(cells) % 4:
        raise ValueError(f"{len(cells)} cells is not a whole number of 4-cell rows")
    out: list[TimedRow] = []
    office = cadence = ""
    for k in range(0, len(cells), 4):
        no, name, who, when = (_level_name(c[0]) for c in cells[k:k + 4])
        if no == "序号":
            continue
        office = who or office
        cadence = when or cadence
        # full-width digits in the source (１月底) are kept; only the row number is read
        out.append(TimedRow(int(no), name, office, cadence, cells[k][1]))
    return out


def load_shanting(path: Path | None = None) -> list[TimedRow]:
    p = path or default_seed().with_name(SHANTING_SEED)
    return parse_shanting(p.read_text(encoding="utf-8"))


if __name__ == "__main__":
    if sys.argv[1:] == ["shanting"]:
        for r in load_shanting():
            print(r.no, r.name, r.office, r.cadence, sep=" | ")
        sys.exit()
    rows = load(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    for n, r in enumerate(rows, 1):
        print(f"{n:3d} L{r.line:<5d} {'/'.join(r.path)} | {r.text} | {r.applies_to_text}")
    print(len(rows), "rows")
