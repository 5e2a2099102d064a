"""A write the database refused, said once in Chinese: what the user reads when a crawl lost rows."""
from __future__ import annotations

from dataclasses import dataclass

# (words in the database's message, what a user reads); the first match names the cause
_CAUSES = (
    (("database or disk is full", "no space left on device", "could not extend file", "disk full",
      "diskfull", "disk quota exceeded"), "磁盘已满"),
    (("value too long", "string data right truncation", "stringdatarighttruncation"), "字段超长"),
    (("index row size", "index row requires", "exceeds btree", "exceeds maximum"), "索引条目超长"),
    (("database is locked", "lock timeout", "deadlock"), "数据库被锁定"),
    (("readonly database", "read-only", "read only"), "数据库只读"),
    (("permission denied", "unable to open database", "access denied"), "没有数据库写入权限"),
    (("disk i/o error", "input/output error"), "磁盘读写错误"),
    (("server closed the connection", "connection refused", "could not connect", "terminating connection",
      "connection is closed", "connection timed out", "consuming input failed", "broken pipe"), "数据库连接中断"),
)


def write_cause(exc: BaseException) -> str:
    """"磁盘已满：database or disk is full" — a Chinese name for why `exc` refused a write, with the
    database's own first line (the cause a database administrator searches for)."""
    orig = getattr(exc, "orig", None) or exc
    words = str(orig).strip().splitlines()
    detail = " ".join(words[0].split()) if words else type(orig).__name__
    if len(detail) > 300:
        detail = detail[:300] + "…"
    probe = f"{type(orig).__name__} {orig}".lower()
    label = next((label for needles, label in _CAUSES if any(n in probe for n in needles)), None)
    if label is None:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            label = "数据库拒绝写入"
        else:  # not the database's refusal: a bug, named by its type (ZWGK_DEBUG=1 shows the traceback)
            label, detail = "写入时出错", f"{type(orig).__name__}: {detail}"
    return f"{label}：{detail}"


@dataclass
class WriteFailure:
    """Rows of a crawl the database refused. The crawl stopped at the first refusal; `recorded`
    says whether its row could still be marked failed (status "failed", error = cause)."""
    cause: str
    recorded: bool = False
    started: bool = True  # False: refused when the crawl was to start (no crawl row was written)

    def message(self) -> str:
        if not self.started:
            return f"数据库写入失败（{self.cause}），抓取未能开始；未生成评估报告"
        text = f"数据库写入失败（{self.cause}），抓取已停止，结果不完整"
        if not self.recorded:
            text += "；该次抓取的状态也未能写入数据库（仍显示为未完成）"
        return text + "；未生成评估报告"


class DatabaseUnavailable(Exception):
    """A database zwgk cannot open (bad URL, unsupported kind, missing driver or folder, server
    refusing, a file that is not a database). str() is the one Chinese line a user reads."""


def open_cause(exc: BaseException) -> str:
    """"数据库服务器拒绝连接（…）：connection refused" — why opening a database failed, in Chinese,
    with the driver's own first line."""
    from zwgk.messages import DB_OPEN_CAUSES, DB_OTHER_CAUSE

    orig = getattr(exc, "orig", None) or exc
    words = str(orig).strip().splitlines()
    detail = " ".join(words[0].split()) if words else type(orig).__name__
    if len(detail) > 200:
        detail = detail[:200] + "…"
    probe = f"{type(orig).__name__} {orig}".lower()
    label = next((label for needles, label in DB_OPEN_CAUSES if any(n in probe for n in needles)), DB_OTHER_CAUSE)
    return f"{label}：{detail}"
