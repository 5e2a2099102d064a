"""Command line: `zwgk demo | run | crawl | audit | report | extract | checklists`."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from zwgk import messages

messages.install_click()  # before any command is declared: Click translates default help texts then

from zwgk.commands import with_options  # noqa: E402
from zwgk.orchestrate import (  # noqa: E402
    audit_crawl, check_url, console, crawl_site, load_site_profile, parse_date, print_summary, write_report,
)


class ZwgkGroup(click.Group):
    """The `zwgk` group: an input the stages refuse (a database that cannot be opened, a CSV file
    in an unknown encoding) ends the command with its one Chinese line and exit code 1, however
    deep it was raised, and so does a database failing in operation (ZWGK_DEBUG=1: the traceback);
    a missing or invalid option is named as typed (messages.usage_error)."""

    def invoke(self, ctx):
        import os

        from sqlalchemy.exc import OperationalError

        from zwgk.formats.csvfile import CsvEncodingError
        from zwgk.store.errors import DatabaseUnavailable, open_cause

        try:
            return super().invoke(ctx)
        except (DatabaseUnavailable, CsvEncodingError) as exc:
            raise click.ClickException(str(exc)) from None
        except OperationalError as exc:  # the database's operation (connection lost, locked, full), not a bug
            if os.environ.get("ZWGK_DEBUG"):
                raise
            raise click.ClickException(messages.DB_FAILED.format(cause=open_cause(exc))) from None
        except click.BadParameter as exc:  # MissingParameter is one
            raise messages.usage_error(exc) from None


def check_database(db: str | None) -> None:
    """Open the database (and bring its schema up to date) before any work that needs it."""
    from zwgk.store.db import check_database as check

    check(db)


@click.group(cls=ZwgkGroup)
@click.version_option(package_name="zwgk")
def main():
    """zwgk：政府网站政务公开专栏检查工具（抓取 → 抽取 → 存储 → 检查 → 报告）。"""
    from zwgk.store import db

    # a --db folder that does not exist is refused (see zwgk.store.db); restored when the command
    # ends, for a program that runs a command in-process (click.testing)
    before, db.create_folders = db.create_folders, False
    click.get_current_context().call_on_close(lambda: setattr(db, "create_folders", before))


politeness = [
    click.option("--concurrency", type=int, default=None, help="每个主机的并发请求数（默认 2）"),
    click.option("--delay", type=float, default=None, help="同一主机两次请求之间的间隔秒数（默认 1.0）"),
    click.option("--autothrottle", is_flag=True, help="按服务器响应速度自动调节抓取速度"),
    click.option("--max-pages", type=int, default=None, help="最多抓取的页面数"),
    click.option("--network", type=click.Choice(["any", "loopback"]), default="any",
                 help="loopback：只访问本机地址（测试、演示）"),
    click.option("--profile", type=click.Path(exists=True, dir_okay=False), default=None,
                 help="站点配置 YAML（起始网址、栏目、范围、编码、礼貌抓取参数）"),
    click.option("--db", default=None, help="数据库 URL（默认 sqlite:///zwgk-out/zwgk.db，或环境变量 ZWGK_DB）"),
    click.option("--incremental", is_flag=True, help="增量抓取：上次抓取后未变化（304）的文件页面和列表页面不再解析"),
    click.option("--revalidate-days", "revalidate_days", type=click.IntRange(min=0), default=0,
                 help="增量抓取时，列表条目未变的文件页面和上次检查正常的链接每 N 天才向服务器重新核验"
                      "一次（各自轮流）；其余夜里沿用最近一次核验的结果。新增、变化的条目和异常链接每次都核验。"
                      "默认 0：每次都核验。隐含 --incremental"),
    click.option("--resume", is_flag=True, help="继续该网站上次被中断的抓取"),
    click.option("--time-budget", "time_budget", type=float, default=None,
                 help="本次抓取最多用时（分钟）；到时停止，下次用 --resume 接着抓"),
]


@main.command()
@click.argument("url")
@click.option("--as-of", "as_of", default=None, help="评估基准日 YYYY-MM-DD（默认今天）")
@click.option("--out", type=click.Path(file_okay=False), default="zwgk-out", help="输出目录")
@click.option("--checklist", default="yiyuan-2023", help="检查清单（checklists/ 下的名称或 YAML 路径）")
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="人工核查结论文件（YAML/CSV，见 zwgk verdicts template）")
@click.option("--a11y", "a11y", is_flag=True,
              help="抓取后用 axe-core 在无头 Chromium 中做无障碍检测（同 zwgk a11y）；缺少 Chromium 或 axe-core 时跳过")
@click.option("--a11y-pages", "a11y_pages", type=click.IntRange(1, 200), default=12, show_default=True,
              help="无障碍检测最多检测的页面数")
@with_options(politeness)
def run(url, as_of, out, checklist, verdicts, a11y, a11y_pages, concurrency, delay, autothrottle, max_pages, network,
        profile, db, incremental, revalidate_days, resume, time_budget):
    """抓取并检查一个网站，生成报告（URL 为首页或政府信息公开专栏地址）。"""
    from zwgk.commands.verdicts import precheck_verdicts

    from zwgk.auditor.checklist import ChecklistError, load_checklist

    check_url(url)  # a malformed URL creates nothing, not even --out
    as_of_d = parse_date(as_of)
    site_profile = load_site_profile(profile)  # a bad profile, checklist or verdicts file fails before the crawl
    try:
        load_checklist(checklist)
    except ChecklistError as exc:
        raise click.ClickException(f"检查清单有误：{exc}")
    precheck_verdicts(checklist, verdicts)
    if db:
        check_database(db)  # a database that cannot be opened fails before --out is made
    out_p = Path(out)
    out_p.mkdir(parents=True, exist_ok=True)
    if not db:
        db = f"sqlite:///{out_p / 'zwgk.db'}"
        check_database(db)  # and before the crawl
    crawl_id = crawl_site(url, db=db, profile=site_profile, concurrency=concurrency, delay=delay,
                      network=network, max_pages=max_pages, autothrottle=autothrottle, incremental=incremental,
                      resume=resume, time_budget=time_budget, revalidate_days=revalidate_days)
    if a11y:  # the same collection as zwgk a11y, under the crawl's network policy
        from zwgk.commands.a11y import collect_accessibility

        collect_accessibility(db, crawl_id, limit=a11y_pages, optional=True)
    results = audit_crawl(db, crawl_id, checklist, as_of_d, out_p, verdicts)
    from zwgk.commands.nightly import report_history  # the site's earlier runs (trends, new/fixed)

    write_report(results, out_p, history=report_history(results, db=db))
    print_summary(results, out_p)


@main.command()
@click.argument("url")
@with_options(politeness)
def crawl(url, concurrency, delay, autothrottle, max_pages, network, profile, db, incremental, revalidate_days, resume,
          time_budget):
    """只抓取：把网站的栏目、文件和链接存入数据库，输出抓取编号。"""
    check_url(url)
    site_profile = load_site_profile(profile)
    check_database(db)  # before the crawl, not after it
    crawl_id = crawl_site(url, db=db, profile=site_profile, concurrency=concurrency, delay=delay,
                      network=network, max_pages=max_pages, autothrottle=autothrottle, incremental=incremental,
                      resume=resume, time_budget=time_budget, revalidate_days=revalidate_days)
    console.print(f"抓取完成，编号 {crawl_id}")
    click.echo(crawl_id)


@main.command()
@click.option("--crawl", "crawl_id", type=int, default=None, help="抓取编号（默认最近一次）")
@click.option("--checklist", default="yiyuan-2023")
@click.option("--as-of", "as_of", default=None, help="评估基准日 YYYY-MM-DD（默认今天）")
@click.option("--out", type=click.Path(file_okay=False), default="zwgk-out")
@click.option("--db", default=None)
@click.option("--verdicts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="人工核查结论文件（YAML/CSV，见 zwgk verdicts template）")
def audit(crawl_id, checklist, as_of, out, db, verdicts):
    """只检查：按检查清单评估已存储的抓取，写出 results.json。"""
    from zwgk.auditor.checklist import ChecklistError, load_checklist
    from zwgk.auditor.snapshot import latest_crawl_id
    from zwgk.store.db import open_db

    as_of_d = parse_date(as_of)  # the user's inputs first, the database after
    try:
        load_checklist(checklist)
    except ChecklistError as exc:
        raise click.ClickException(f"检查清单有误：{exc}")
    if crawl_id is None:
        with open_db(db)() as s:
            crawl_id = latest_crawl_id(s)
        if crawl_id is None:
            raise click.ClickException("数据库中还没有抓取记录，请先运行 zwgk crawl")
    out_p = Path(out)
    audit_crawl(db, crawl_id, checklist, as_of_d, out_p, verdicts)
    console.print(f"检查完成：{(out_p / 'results.json').resolve()}")


@main.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False), default="zwgk-out/results.json")
@click.option("--out", type=click.Path(), default=None, help="输出文件或目录（默认与 results.json 同目录）")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "xlsx"]), default="html")
@click.option("--history", "history_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="存放以往 results.json 的目录（报告显示变化趋势）")
@click.option("--db", default=None, help="从数据库读取该网站以往的评估（报告显示变化趋势）")
def report(results, out, fmt, history_dir, db):
    """只生成报告：从 results.json 生成 HTML 报告，或导出 CSV / Excel。"""
    from zwgk.reports.load import iter_documents, read_results

    try:
        # the report does not read the documents list (findings name their documents); the
        # exports read it from the file as they write it
        data = read_results(results, documents=False)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"无法读取 {results}：{exc}")
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("zwgk-results/"):
        raise click.ClickException(f"{results} 不是 zwgk 的 results.json")
    base = Path(out) if out else Path(results).parent
    if fmt == "html":
        from zwgk.reports.render import render_html

        path = base / "report.html" if base.suffix != ".html" else base
        path.parent.mkdir(parents=True, exist_ok=True)
        from zwgk.commands.nightly import report_history

        history = report_history(data, db=db, folder=history_dir) if (db or history_dir) else None
        path.write_text(render_html(data, history=history), encoding="utf-8")
        paths = [path]
    elif fmt == "csv":
        from zwgk.reports.export import write_csv

        base.mkdir(parents=True, exist_ok=True)
        paths = _exported(results, lambda: write_csv(data, base, documents=lambda: iter_documents(results)))
    else:
        from zwgk.reports.export import write_xlsx

        path = base / "results.xlsx" if base.suffix != ".xlsx" else base
        path.parent.mkdir(parents=True, exist_ok=True)
        paths = _exported(results, lambda: [write_xlsx(data, path, documents=lambda: iter_documents(results))])
    for p in paths:
        console.print(f"已写出：{Path(p).resolve()}")


def _exported(results: str, write) -> list:
    """`write()`'s paths; a results.json whose documents list breaks off midway (read as it is
    written out) is a clear error, not a traceback."""
    try:
        return write()
    except ValueError as exc:  # json.JSONDecodeError too
        raise click.ClickException(f"无法读取 {results} 中的文件列表：{exc}")


_TAG = re.compile(rb"<\s*(?:!doctype|html|head|body|meta|title|div|p|table|span|a|h[1-6])[\s>/]", re.I)


def looks_like_html(data: bytes) -> bool:
    """A saved page, not an image or other binary: no NUL byte near the start (UTF-16 pages
    aside), and an HTML tag within the first 64 KiB."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return b"\x00" not in head[:4096] and _TAG.search(head) is not None


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, help="页面原网址（用于补全相对链接）")
@click.option("--charset", default=None, help="强制使用的编码")
def extract(file, url, charset):
    """抽取一个已保存页面的要素，以 JSON 输出。"""
    from zwgk.crawler.extractors.fields import extract_document

    check_url(url)
    data = Path(file).read_bytes()
    if not looks_like_html(data):
        raise click.ClickException(f"{file} 不是网页（HTML）文件；zwgk extract 读取另存的文件页面")
    fields = extract_document(data, url, charset=charset)
    d = fields.as_json()
    d["url"] = url
    d["reasons"] = dict(fields.reasons)
    click.echo(json.dumps(d, ensure_ascii=False, indent=2, default=str))


@main.command()
@click.argument("action", type=click.Choice(["list", "validate"]), default="list")
@click.argument("files", nargs=-1)
def checklists(action, files):
    """列出或校验检查清单：zwgk checklists validate [名称或 YAML 文件…]（不给则校验 checklists/ 下全部）。"""
    from zwgk.auditor.checklist import ChecklistError, list_checklists, load_checklist

    if action == "list" and files:
        raise click.UsageError("list 不接受文件参数；校验文件请用 zwgk checklists validate 文件")
    if action == "list":
        for name in list_checklists():
            try:
                cl = load_checklist(name)
                n = sum(1 for _ in cl.iter_indicators())
                click.echo(f"{name}\t{cl.title}\t{n} 项指标")
            except ChecklistError as exc:
                click.echo(f"{name}\t错误：{exc}", err=True)
        return
    failed = False
    given: dict[str, str] = {}  # id → the first file given with it
    for name in files or list_checklists():
        try:
            cl = load_checklist(name)
        except ChecklistError as exc:
            failed = True
            click.echo(messages.checklist_text("invalid", file=exc.file or name, count=len(exc.errors)), err=True)
            for line in exc.errors:
                click.echo(f"  {line}", err=True)
            continue
        shown = name if files else f"checklists/{name}.yaml"
        inds = list(cl.iter_indicators())
        manual = sum(1 for i in inds if i.manual)
        click.echo(messages.checklist_text("valid", file=shown, title=cl.title, count=len(inds),
                                           automated=len(inds) - manual, manual=manual))
        if files:
            _note_shared_id(cl, shown, given)
            given.setdefault(cl.id, shown)
    if failed:
        sys.exit(1)


def _note_shared_id(cl, shown: str, given: dict[str, str]) -> None:
    """A file given by path whose id is another checklist's (shipped, or given before it): valid
    alone, but runs audited with either are one checklist to the site's history."""
    from zwgk.auditor.checklist import ChecklistError, list_checklists, load_checklist

    if cl.id in given:
        click.echo(messages.checklist_text("id_shared", file=shown, id=cl.id, other=given[cl.id]), err=True)

    for other in list_checklists():
        try:
            known = load_checklist(other, resolve_checks=False)
        except ChecklistError:
            continue
        if known.id == cl.id and known.path is not None and cl.path is not None \
                and known.path.resolve() != cl.path.resolve():
            click.echo(messages.checklist_text("id_shared", file=shown, id=cl.id, other=f"checklists/{other}.yaml"),
                       err=True)


@main.command()
@click.option("--out", type=click.Path(file_okay=False), default="zwgk-out")
@click.option("--checklist", default="yiyuan-2023")
@click.option("--scale", type=int, default=1, help="示例网站规模倍数")
def demo(out, checklist, scale):
    """离线演示：在 127.0.0.1 上启动内置示例县政府网站，抓取、检查并生成报告。"""
    from zwgk.samplesite.generator import generate
    from zwgk.samplesite.server import serve

    out_p = Path(out)
    site_dir = out_p / "sample-site"
    console.print(f"生成示例网站：{site_dir}")
    key = generate(site_dir, scale=scale)
    db_path = out_p / "zwgk.db"
    if db_path.exists():
        db_path.unlink()  # a demo starts from a clean database
    db = f"sqlite:///{db_path}"
    with serve(site_dir) as server:
        console.print(f"示例网站已在 {server.url} 启动（仅本机）")
        crawl_id = crawl_site(server.url, db=db, profile={}, concurrency=8, delay=0.0, network="loopback")
    results = audit_crawl(db, crawl_id, checklist, parse_date(key["as_of"]), out_p)
    write_report(results, out_p)
    print_summary(results, out_p)


def _register_commands() -> None:
    import importlib
    import pkgutil

    from zwgk import commands

    for mod in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{mod.name}")
        for obj in vars(module).values():
            if isinstance(obj, click.Command) and obj.name not in main.commands and getattr(obj, "zwgk_command", True):
                main.add_command(obj)


_register_commands()
messages.localise(main)

if __name__ == "__main__":
    main(prog_name="zwgk")  # `python -m zwgk.cli` (cron lines, tests) names itself as the script does
