"""The stages run in order for one site — crawl, audit, report — as the commands (`run`, `crawl`,
`audit`, `batch`, `nightly`'s child runs, `worker`) call them: one place that knows the order and
turns each stage's failure into one Chinese message (click.ClickException). The CLI only parses
options and calls these."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console

console = Console(stderr=True)


def parse_date(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD，收到「{value}」")


def load_site_profile(path: str | None) -> dict:
    """The site profile, checked key by key (zwgk.profile); a bad one stops the command here."""
    from zwgk.profile import load_profile

    return load_profile(path)


class WriteFailed(click.ClickException):
    """The database refused a write: the crawl (or audit) is incomplete and no report is made.
    A separate class so that `zwgk batch` fails the run after finishing the other sites."""


def crawl_site(url: str, *, db: str | None, profile: dict, concurrency: int | None, delay: float | None,
           network: str, max_pages: int | None = None, autothrottle: bool = False, incremental: bool = False,
           resume: bool = False, time_budget: float | None = None, revalidate_days: int = 0) -> int:
    """Run the spider in this process with a progress display; returns the crawl id."""
    from zwgk.crawler.process import CrawlOptions, CrawlProcessDied, SiteJob, run_crawls_apart

    check_url(url)

    options = CrawlOptions(db=db, concurrency=concurrency, delay=delay, network=network, max_pages=max_pages,
                           autothrottle=autothrottle, profile=profile, incremental=incremental,
                           time_budget=time_budget, revalidate_days=revalidate_days)
    job = SiteJob(url, profile)
    if resume:
        from zwgk.store.db import open_db
        from zwgk.store.incremental import unfinished_crawl

        with open_db(db)() as s:
            job.crawl_id = unfinished_crawl(s, url)
        if job.crawl_id is None:
            console.print("没有未完成的抓取，将重新开始一次抓取")
        else:
            console.print(f"继续未完成的抓取（编号 {job.crawl_id}）：已解析的文件不再重复抓取")
            job.resume = True
    try:
        [job] = run_crawls_apart([job], options, console)
    except CrawlProcessDied as exc:
        raise click.ClickException(str(exc)) from None
    if job.failure is not None:  # before the start page: rows lost in the database are not the site's fault
        raise WriteFailed(job.failure.message())
    if job.crawl_id is None:
        raise click.ClickException("抓取未能开始，请检查网址和数据库设置")
    check_start_page(db, job.crawl_id, url)
    read_attachments(db, job.crawl_id, url, profile, network, options.download_delay())
    from zwgk.store.db import open_db
    from zwgk.store.models import Crawl

    with open_db(db)() as s:
        if s.get(Crawl, job.crawl_id).status != "finished":
            console.print("[yellow]抓取未完成（时间预算用尽或被中断），以下结果只反映已抓取的部分；"
                          "可用 --resume 继续抓取。[/]")
    return job.crawl_id


def read_attachments(db: str | None, crawl_id: int, url: str, profile: dict, network: str, delay: float) -> None:
    """The text of the documents' PDF, DOCX, XLSX, DOC, WPS and XLS attachments, for personal information
    (crawler/attachment_scan.py); a failure here loses the attachments' hits, not the crawl."""
    from zwgk.crawler.process import ChildDied, run_apart

    def scan() -> dict | str:
        from zwgk.crawler.attachment_scan import scan_attachments
        from zwgk.crawler.netpolicy import NetworkPolicy
        from zwgk.store.db import open_db

        try:
            return scan_attachments(open_db(db), crawl_id, NetworkPolicy.for_site(network, url, profile), delay=delay)
        except KeyboardInterrupt:
            return "已被中断"
        except Exception as exc:  # noqa: BLE001 - the crawl is stored; the audit says what is missing
            return f"{type(exc).__name__}: {exc}"

    try:  # in a child process: the PDF/Office readers and what they allocate are gone before the audit
        counts = run_apart(scan, "zwgk-attachments")
    except ChildDied as exc:
        counts = f"进程意外结束（退出码 {exc.exitcode}）"
    if isinstance(counts, str):
        console.print(f"[yellow]附件文本读取中断：{counts}[/]")
        return
    if counts["read"] or counts["unread"]:
        console.print(f"附件文本：读取 {counts['read']} 个，无法读取 {counts['unread']} 个，发现个人信息 {counts['hits']} 处")


def check_url(url: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.ClickException(f"网址应以 http:// 或 https:// 开头并包含域名，收到「{url}」")


def check_start_page(db: str | None, crawl_id: int, url: str) -> None:
    """A site whose start page could not be fetched is not audited: a report of zeros would
    read as a verdict on the site. The crawl stays in the database with what it saw."""
    from zwgk.store.db import open_db
    from zwgk.store.write import start_page_state

    with open_db(db)() as s:
        status, error = start_page_state(s, crawl_id, url)
    if status is None or status >= 400:
        why = error or (f"HTTP {status}" if status else "没有响应")
        raise click.ClickException(f"无法访问 {url}（{why}），未生成评估报告。请检查网址、网络或站点的访问限制。")


def audit_crawl(db: str | None, crawl_id: int, checklist: str, as_of: date, out: Path, verdicts: str | None = None) -> dict:
    from zwgk.auditor.audit import run_audit, write_results
    from zwgk.auditor.checklist import ChecklistError
    from zwgk.auditor.spill import SpillError
    from zwgk.auditor.verdicts import VerdictsError
    from zwgk.store.db import open_db

    from sqlalchemy.exc import SQLAlchemyError

    from zwgk.store.errors import write_cause
    from zwgk.store.models import Crawl

    Session = open_db(db)
    with Session() as s:
        crawl = s.get(Crawl, crawl_id)
        if crawl is not None and crawl.status == "failed":  # what it stored is not the site
            raise WriteFailed(f"抓取编号 {crawl_id} 因数据库写入失败而中止（{crawl.error or '原因未记录'}），结果不完整，"
                              "未生成评估结果；排除故障后可用 zwgk run --resume 继续该次抓取")
    try:
        with Session.begin() as s:
            results = run_audit(s, crawl_id, checklist, as_of, verdicts=verdicts)
    except SQLAlchemyError as exc:
        raise WriteFailed(f"数据库读写失败（{write_cause(exc)}），评估结果未能保存；未生成评估报告")
    except ChecklistError as exc:
        raise click.ClickException(f"检查清单有误：{exc}")
    except SpillError as exc:
        raise WriteFailed(f"{exc}，未生成评估结果")
    except VerdictsError as exc:
        raise click.ClickException(f"人工核查结论文件有误：\n{exc}")
    except LookupError as exc:
        raise click.ClickException(str(exc))
    write_results(results, out / "results.json")
    return results


def write_report(results: dict, out: Path, history: list[dict] | None = None) -> Path:
    from zwgk.reports.render import render_html

    path = out / "report.html"
    path.write_text(render_html(results, history=history), encoding="utf-8")
    return path


def print_summary(results: dict, out: Path) -> None:
    s = results["summary"]
    score = "未评分" if s["score"] is None else f"{s['score']:.1f}"
    console.print(f"[bold green]完成[/]  得分 {score}（{s['grade']}）  问题 {len(results['findings'])} 项  "
                  f"文件 {s.get('documents', 0)} 篇  栏目 {s.get('columns', 0)} 个")
    c = results.get("crawl") or {}
    if c.get("revalidate_days") or c.get("not_modified") or c.get("trusted"):
        console.print(f"增量抓取：{c.get('not_modified', 0)} 个页面未变化（304），"
                      f"{c.get('trusted', 0)} 个页面沿用上次结果未请求"
                      + (f"（每 {c['revalidate_days']} 天轮换复核）" if c.get("revalidate_days") else ""))
    console.print(f"报告：{(out / 'report.html').resolve()}")
    console.print(f"结果：{(out / 'results.json').resolve()}")
