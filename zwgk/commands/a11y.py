"""`zwgk a11y`: accessibility (GB/T 37668, WCAG 2 A/AA) of a stored crawl — axe-core in headless
Chromium on a sample of its pages; the result is the crawl's fact `accessibility` (zwgk/a11y).
`zwgk run --a11y` runs the same collection (`collect_accessibility`) between crawl and audit."""
from __future__ import annotations

import click


NO_CHROMIUM = "未找到 Chromium（请安装 chromium）"


def unavailable() -> str | None:
    """Why the browser check cannot run here (no Chromium, no vendored axe-core), or None."""
    from zwgk.a11y import axe_path
    from zwgk.a11y.browser import find_chromium

    if not find_chromium():
        return NO_CHROMIUM
    if axe_path() is None:
        return "未找到 axe-core（请运行 scripts/setup）"
    return None


def say_skipped(why: str) -> None:
    """The one line `zwgk run --a11y` / `zwgk batch --a11y` print when the check cannot run."""
    from zwgk.orchestrate import console

    console.print(f"[yellow]未进行无障碍检测：{why}；报告将显示“未检测”[/yellow]", highlight=False)


def collect_accessibility(db: str | None, crawl_id: int | None, *, limit: int = 12, network: str | None = None,
                          optional: bool = False) -> dict | None:
    """Run axe on the crawl's sample and store the fact (zwgk.a11y.collect), printing each page.

    `optional` (zwgk run --a11y): a missing Chromium or axe-core, or a browser that fails, is
    said in one line and None returned — the audit then says 未采集; otherwise it is an error."""
    from zwgk.a11y import collect
    from zwgk.auditor.snapshot import latest_crawl_id
    from zwgk.orchestrate import console
    from zwgk.store.db import open_db

    def skip(why: str) -> None:
        if not optional:
            raise click.ClickException(why)
        say_skipped(why)

    # without Chromium nothing runs; a missing axe-core is said by collect() itself unless optional
    why = unavailable()
    if why and (optional or why == NO_CHROMIUM):
        return skip(why)
    with open_db(db)() as session:
        if crawl_id is None:
            crawl_id = latest_crawl_id(session)
            if crawl_id is None:
                raise click.ClickException("数据库中还没有抓取记录，请先运行 zwgk crawl")

        def progress(page, res):
            if res["error"]:
                console.print(f"{page.url} [yellow]未能检测[/yellow]：{res['error']}", highlight=False, soft_wrap=True)
            else:
                n = len(res["violations"])
                console.print(f"{page.url} {'[green]无问题[/green]' if not n else f'[red]{n} 类问题[/red]'}",
                              highlight=False, soft_wrap=True)

        try:
            fact = collect(session, crawl_id, limit=limit, network=network, progress=progress)
        except (LookupError, FileNotFoundError) as exc:
            return skip(str(exc))
        except Exception as exc:  # noqa: BLE001 - the browser failed: zwgk run goes on without it
            if not optional:
                raise
            session.rollback()
            return skip(f"浏览器运行失败（{type(exc).__name__}: {str(exc)[:200]}）")
    entry = fact.get("entry") or {}
    found = bool(entry.get("links") or entry.get("scripts"))
    console.print(f"无障碍检测完成：抓取 {crawl_id}，{len(fact['pages'])} 个页面；"
                  f"首页{'有' if found else '未发现'}无障碍 / 长者模式入口", highlight=False)
    return fact


@click.command("a11y")
@click.option("--db", default=None, help="数据库 URL（默认 sqlite:///zwgk-out/zwgk.db，或环境变量 ZWGK_DB）")
@click.option("--crawl", "crawl_id", type=int, default=None, help="抓取编号（默认最近一次）")
@click.option("--pages", "limit", type=click.IntRange(1, 200), default=12, show_default=True,
              help="最多检测的页面数（首页、专栏首页、栏目页、文件页）")
@click.option("--network", type=click.Choice(["any", "loopback"]), default=None,
              help="浏览器可访问的网络（默认与该次抓取相同）")
def a11y(db, crawl_id, limit, network):
    """无障碍检测：用 axe-core 在无头 Chromium 中检测抽样页面，并查找首页的无障碍 / 长者模式入口；结果存入该次抓取，供 zwgk audit 使用。"""
    collect_accessibility(db, crawl_id, limit=limit, network=network)
