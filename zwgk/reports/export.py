"""CSV and Excel exports of results.json (findings, scores, documents, columns)."""
from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from zwgk.vocab import column_kind_name, document_name, error_text, field_label

from .checks import Vocabulary
from .render import URL_KEYS, OUTCOME_NAMES, PORTAL_NAME

# a cell starting with one of these is read as a formula by Excel / LibreOffice (CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The findings sheet holds every check's findings in one table: these keys, in this order, have
# headers that fit all checks; other keys follow under the label the check's evidence columns give
# them (results.json `checks`), else under their own name. Check names come from `checks` too.
FINDING_KEYS: list[tuple[str, str]] = [
    ("id", "编号"), ("check", "问题编码"), ("check_name", "问题类型"), ("url", "问题对象地址"),
    ("source", "所在页面"), ("source_title", "所在页面标题"), ("office", "评估对象"),
    ("title", "标题"), ("link_text", "链接文字"), ("link_kind", "链接类别"), ("status", "状态码"),
    ("error", "错误"), ("field", "缺少要素"), ("doc_number", "文号"), ("reason", "问题说明"),
    ("written_date", "成文日期"), ("publish_date", "发布日期"), ("policy_url", "政策文件"),
    ("interpretation_date", "解读发布日期"), ("working_days", "间隔工作日"), ("limit", "时限"),
    ("column", "栏目"), ("last_update", "最后更新"), ("days", "未更新天数"), ("period", "缺少期次"),
    ("item", "缺少事项"), ("year", "年度"), ("oldest", "最早信息日期"), ("years", "保留年限"),
    ("mark", "缺少标识"), ("deadline", "截止日期"), ("forms", "解读形式"), ("indicators", "关联指标"),
    ("indicator_text", "指标要求"),
]
SCORE_KEYS: list[tuple[str, str]] = [
    ("id", "指标编号"), ("level", "层级"), ("path", "指标路径"), ("text", "指标内容"),
    ("applies_to_text", "评估对象"), ("method", "评估方式"), ("check", "检查"), ("weight", "权重"),
    ("score", "得分"), ("judged", "已评分值"), ("max_score", "满分"), ("outcome", "结果"), ("findings", "问题数"),
    ("note", "说明"), ("basis", "依据"),
]
DOCUMENT_KEYS: list[tuple[str, str]] = [
    ("url", "地址"), ("title", "标题"), ("doc_number", "文号"), ("written_date", "成文日期"),
    ("publish_date", "发布日期"), ("validity", "有效性"), ("index_no", "索引号"), ("publisher", "发布机构"),
    ("topic", "主题分类"), ("column", "栏目"), ("column_kind", "栏目类别"), ("office", "评估对象"),
    ("is_interpretation", "是否解读"), ("interpretation_urls", "解读链接"), ("policy_urls", "政策文件链接"),
    ("attachments", "附件"),
]
COLUMN_KEYS: list[tuple[str, str]] = [
    ("name", "栏目"), ("kind", "栏目类别"), ("office", "评估对象"), ("url", "地址"), ("parent_url", "上级栏目"),
    ("entries", "条目数"), ("list_pages", "列表页数"), ("last_update", "最后更新"),
]


def excel_safe(v: Any) -> Any:
    """Neutralise formula injection: prefix an apostrophe to text Excel would evaluate."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _flat(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (list, tuple)):
        return "\n".join(str(_flat(x)) if not isinstance(x, dict) else (x.get("url") or json.dumps(x, ensure_ascii=False))
                         for x in v) or None
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def _keys(rows: Iterable[dict], known: list[tuple[str, str]], labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """`known` first, then every other key of `rows` under its Chinese label (`labels`, else
    zwgk.vocab.FIELD_LABELS)."""
    keys = list(known)
    have = {k for k, _ in keys}
    for r in rows:
        for k in r:
            if k not in have:
                have.add(k)
                keys.append((k, (labels or {}).get(k) or field_label(k)))
    return keys


def _indicator_texts(results: dict) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(nodes):
        for n in nodes or []:
            if n.get("leaf") or not n.get("children"):
                out[n.get("id")] = (n.get("text") or "").rstrip("。")
            walk(n.get("children"))

    walk((results.get("scores") or {}).get("tree"))
    return out


def finding_rows(results: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    vocab = Vocabulary.of(results)
    texts = _indicator_texts(results)
    rows, labels = [], {}
    for f in results.get("findings") or []:
        r = {k: error_text(v) if isinstance(v, str) and k not in URL_KEYS else v for k, v in f.items()}
        r["check_name"] = vocab.name(f.get("check"))
        r["indicator_text"] = "；".join(dict.fromkeys(texts[i] for i in f.get("indicators") or [] if texts.get(i))) or None
        r["office"] = f.get("office") or PORTAL_NAME
        rows.append(r)
    for r in rows:
        for k in r:
            labels.setdefault(k, vocab.label(k))
    return _keys(rows, FINDING_KEYS, labels), rows


def score_rows(results: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    rows: list[dict] = []

    def walk(nodes: Iterable[dict], path: tuple[str, ...]):
        for n in nodes:
            leaf = bool(n.get("leaf") or not n.get("children"))
            name = n.get("name") or n.get("id") or ""
            r = {
                "id": n.get("id"), "level": n.get("level"), "path": " / ".join(path + (() if leaf else (name,))),
                "text": n.get("text") if leaf else name, "weight": n.get("weight"),
                "score": n.get("score"), "judged": n.get("judged"), "max_score": n.get("max_score"),
            }
            if leaf:
                r.update(
                    applies_to_text=n.get("applies_to_text"), check=n.get("check"),
                    method="人工评估" if n.get("manual") else "自动检查",
                    outcome=OUTCOME_NAMES.get(n.get("outcome"), n.get("outcome")),
                    findings=len((n.get("evidence") or {}).get("finding_ids") or []),
                    note=n.get("note"), basis=n.get("basis"),
                )
            rows.append(r)
            if not leaf:
                walk(n.get("children") or [], path + (name,))

    walk((results.get("scores") or {}).get("tree") or [], ())
    return SCORE_KEYS, rows


class Reread:
    """Rows made afresh each time they are iterated: the documents of a large results.json are read
    from the file twice (their keys, then the sheet), never held (reports/load.py iter_documents)."""

    def __init__(self, make: Callable[[], Iterable[dict]]):
        self.make = make

    def __iter__(self) -> Iterator[dict]:
        return iter(self.make())


def document_rows(results: dict, documents: Callable[[], Iterable[dict]] | None = None
                  ) -> tuple[list[tuple[str, str]], Iterable[dict]]:
    """The 文件 rows: of results' own `documents`, or of what `documents()` yields each time it is called."""
    source = documents or (lambda: results.get("documents") or [])
    rows = Reread(lambda: (dict(d, office=d.get("office") or PORTAL_NAME, column_kind=column_kind_name(d.get("column_kind")))
                           for d in source()))
    return _keys(rows, DOCUMENT_KEYS), rows


def column_rows(results: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    rows = [dict(c, office=c.get("office") or PORTAL_NAME, kind=column_kind_name(c.get("kind")))
            for c in results.get("columns") or []]
    return _keys(rows, COLUMN_KEYS), rows


def partial_text(crawl: dict) -> str:
    """What the summary says of a crawl's completeness (results.json crawl.partial)."""
    if not crawl.get("partial"):
        return "完整"
    why = "；".join(crawl.get("partial_reasons") or []) or "原因未记录"
    return f"本次抓取不完整：{why}。以下结果只反映已抓取部分，缺失类问题需人工核查"


def summary_rows(results: dict) -> list[tuple[str, Any]]:
    site, s = results.get("site") or {}, results.get("summary") or {}
    crawl, cl = results.get("crawl") or {}, results.get("checklist") or {}
    out: list[tuple[str, Any]] = [
        ("抓取完整性", partial_text(crawl)),
        ("网站名称", site.get("name")), ("网站地址", site.get("url")),
        ("采集开始", crawl.get("started_at")), ("采集结束", crawl.get("finished_at")),
        ("未变化沿用的页面（304）", crawl.get("not_modified") or 0), ("轮换核验未请求", crawl.get("trusted") or 0),
        ("评估基准日", results.get("as_of")), ("评估指标", cl.get("title")), ("指标版本", cl.get("version")),
        ("指标来源", document_name(cl.get("source"))),
        ("总得分", s.get("score")), ("满分", s.get("max_score")), ("等次", s.get("grade")),
        ("是否合格", None if s.get("passed") is None else "合格" if s["passed"] else "不合格"),
        ("已评指标得分", s.get("achieved_weight")), ("已评指标分值", s.get("judged_weight")),
        ("一票否决项", "、".join(s.get("veto") or []) or "无"),
        ("文件数", s.get("documents")), ("栏目数", s.get("columns")), ("检查链接数", s.get("links_checked")),
    ]
    for k, v in (s.get("weight_shares") or {}).items():
        out.append((field_label(k), v))
    for k, v in (s.get("outcomes") or {}).items():
        out.append((f"指标结果：{OUTCOME_NAMES.get(k, k)}", v))
    vocab = Vocabulary.of(results)
    for k, v in (s.get("findings_by_check") or {}).items():
        out.append((f"问题：{vocab.name(k)}", v))
    return out


def _cells(keys: list[tuple[str, str]], r: dict) -> list[Any]:
    return [excel_safe(_flat(r.get(k))) for k, _ in keys]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?")


def typed(v: Any) -> Any:
    """An Excel cell's value: an ISO date or time (2023-11-30, 2026-12-02T17:22:07.279011) becomes
    a real date / datetime (a time zone is dropped: the wall-clock time is kept, as the report shows
    it); anything else stays."""
    if isinstance(v, str):
        try:
            if _DATE.fullmatch(v):
                return date.fromisoformat(v)
            if _DATETIME.fullmatch(v):
                return datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None, microsecond=0)
        except ValueError:  # 2023-02-30: shown as written
            return v
    return v


def _write_csv(path: Path, keys: list[tuple[str, str]], rows: Iterable[dict]) -> Path:
    # written beside and moved into place: rows read as they are written (documents.csv) may break
    # off, a full disk may stop it — an earlier file stays whole rather than half replaced
    tmp = path.with_name(path.name + ".tmp")
    try:
        # utf-8-sig: the BOM makes Excel read the Chinese correctly
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([label for _, label in keys])
            for r in rows:
                w.writerow(["" if c is None else c for c in _cells(keys, r)])
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_csv(results: dict, out_dir: Path, documents: Callable[[], Iterable[dict]] | None = None) -> list[Path]:
    """findings.csv, scores.csv, documents.csv and summary.csv (the 汇总 sheet: completeness first) in out_dir.
    `documents`: where the documents come from when not from results (see document_rows)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        _write_csv(out_dir / "findings.csv", *finding_rows(results)),
        _write_csv(out_dir / "scores.csv", *score_rows(results)),
        _write_csv(out_dir / "documents.csv", *document_rows(results, documents)),
        _write_csv(out_dir / "summary.csv", [("k", "项目"), ("v", "内容")],
                   [{"k": k, "v": v} for k, v in summary_rows(results)]),
    ]


def write_xlsx(results: dict, path: Path, documents: Callable[[], Iterable[dict]] | None = None) -> Path:
    """One workbook: 汇总, 得分, 问题清单, 文件, 栏目. `documents`: as write_csv's."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    formats = {date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm:ss"}

    # keys some check declares a proportion (evidence column kind `share`): shown as 40%
    vocab = Vocabulary.of(results)
    shares = {c[0] for chk in vocab for c in vocab.columns(chk) if c[2] == "share"}

    def cell(ws, v: Any, share: bool = False):
        v = typed(v)
        fmt = "0%" if share and isinstance(v, (int, float)) and not isinstance(v, bool) else formats.get(type(v))
        if fmt is None:
            return v
        c = WriteOnlyCell(ws, value=v)
        c.number_format = fmt
        return c

    def sheet(title: str, header: list[str], rows: Iterable[list[Any]], widths: dict[int, int] | None = None,
              keys: list[str] | None = None):
        """A sheet with a bold, frozen header row and an autofilter over all its rows."""
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, w in (widths or {}).items():
            ws.column_dimensions[get_column_letter(i)].width = w
        head = []
        for h in header:
            c = WriteOnlyCell(ws, value=excel_safe(h))
            c.font = bold
            head.append(c)
        pct = [k in shares for k in keys] if keys else [False] * len(header)
        ws.append(head)
        n = 0
        for r in rows:  # written as they come: a write-only sheet keeps no rows
            ws.append([cell(ws, v, p) for v, p in zip(r, pct)])
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{n + 1}"

    sheet("汇总", ["项目", "内容"], ([excel_safe(k), excel_safe(_flat(v))] for k, v in summary_rows(results)),
          {1: 22, 2: 60})
    for title, (keys, rows) in (("得分", score_rows(results)), ("问题清单", finding_rows(results)),
                                ("文件", document_rows(results, documents)), ("栏目", column_rows(results))):
        sheet(title, [label for _, label in keys], (_cells(keys, r) for r in rows),
              {i + 1: (48 if k in ("url", "source", "text", "title", "path") else 14) for i, (k, _) in enumerate(keys)},
              [k for k, _ in keys] if title == "问题清单" else None)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
