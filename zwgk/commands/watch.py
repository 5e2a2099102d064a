"""`zwgk watch`: availability sampling of a site list (国办秘函〔2019〕19号 站点无法访问), and
`zwgk watch --report`: the failure share per day and per window, with the failures."""
from __future__ import annotations

import json
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path

import click

# 48 a day (every 30 minutes): more than the national minimum of 20, so that an hour or two of
# the watcher's own downtime does not leave a day short
PER_DAY = 48
OUTCOME_WORDS = {"ok": "正常", "fail": "失败", "inconclusive": "无法判定"}
VERDICT_WORDS = {"pass": "通过", "fail": "不通过（单项否决）", "needs_review": "待人工核查"}


def read_sources(sources: tuple[str, ...], *, profiles: bool) -> list[tuple[str, dict]]:
    """(URL, site profile) of every site: a source is a URL or a site list (CSV, as zwgk batch
    reads it; a row's profile is loaded when `profiles`)."""
    from zwgk.commands.batch import read_sites, site_profiles

    sites: list[tuple[str, dict]] = []
    for src in sources:
        if src.startswith(("http://", "https://")):
            sites.append((src, {}))
            continue
        path = Path(src)
        if not path.exists():
            raise click.ClickException(f"{src}：既不是网址（http:// 或 https:// 开头），也不是存在的网站清单文件")
        rows = read_sites(path)
        sites += list(zip((r.url for r in rows), site_profiles(rows, path) if profiles else [{}] * len(rows)))
    return sites


def site_urls(sources: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(u for u, _ in read_sources(sources, profiles=False)))


def watch_targets(sources: tuple[str, ...], *, network: str, db: str | None, roots: bool) -> list:
    """The targets to probe: each site's homepage, and its disclosure column's root — the
    profile's first root when the site list names one (the user named it: reached even when
    internal), else the root the site's latest crawl found (judged like any other URL)."""
    from zwgk.crawler.netpolicy import NetworkPolicy
    from zwgk.store.db import open_db
    from zwgk.watch.loop import Target
    from zwgk.watch.record import crawled_root, site_id

    sites = read_sources(sources, profiles=True)
    targets, seen = [], set()
    with open_db(db)() as session:
        for url, profile in sites:
            if url in seen:
                continue
            seen.add(url)
            policy = NetworkPolicy.for_site(network, url, profile)
            targets.append(Target(url, "home", url, policy))
            if not roots:
                continue
            named = [r if isinstance(r, str) else r.get("url") for r in profile.get("roots") or []
                     if isinstance(r, str) or not r.get("office")]
            root = named[0] if named else crawled_root(session, url)
            if root and site_id(root) != site_id(url):  # a site whose column is its homepage: one target
                targets.append(Target(url, "root", root, policy))
    return targets


def _print_probe(target, result) -> None:
    from zwgk.orchestrate import console
    from zwgk.watch.fact import LABELS, local_text

    how = f"{result.status or '无应答'}，{(result.elapsed_ms or 0) / 1000:.2f} 秒"
    why = f"：{result.error}" if result.error else ""
    style = {"ok": "green", "fail": "red"}.get(result.outcome, "yellow")
    console.print(f"{local_text(result.started_at)} {LABELS.get(target.kind, target.kind)} {target.url} "
                  f"[{style}]{OUTCOME_WORDS.get(result.outcome, result.outcome)}[/{style}]（{how}）{why}",
                  highlight=False, soft_wrap=True)


def judge(fact: dict, *, days: int, target: str = "home"):
    """The homepage-availability check's result on a fact, as the audit would judge it."""
    from zwgk.auditor.checks.availability import homepage_availability
    from zwgk.auditor.model import SiteSnapshot

    snap = SiteSnapshot(site_url=fact["site_url"], homepage_url=None, crawl_id=0,
                        crawled_at=datetime.now(timezone.utc), as_of=datetime.fromisoformat(fact["as_of"]).date(),
                        homepage=None, pages=(), documents=(), columns=(), links=(), occurrences=(), offices=(),
                        facts={"availability": fact})
    return homepage_availability(snap, days=days, target=target)


def print_report(facts: list[dict], *, days: int, limit: int) -> None:
    from rich.table import Table

    from zwgk.orchestrate import console

    for fact in facts:
        w = fact["window"]
        console.print(f"\n[bold]网站：{fact['site_url']}[/bold]  监测时段 {w['start']} 至 {w['end']}（北京时间），"
                      f"首次监测 {fact['first_probe']}", highlight=False)
        for t in fact["targets"]:
            res = judge(fact, days=days, target=t["target"])
            table = Table(title=f"{t['label']}：{'、'.join(t['urls']) or '（本时段无请求）'}", title_justify="left")
            for name, justify in (("日期", "left"), ("请求次数", "right"), ("成功", "right"), ("失败", "right"),
                                  ("无法判定", "right"), ("失败占比", "right"), ("满 20 次", "center")):
                table.add_column(name, justify=justify)
            for d in t["days"]:
                table.add_row(d["date"], str(d["probes"]), str(d["ok"]), str(d["failures"]), str(d["inconclusive"]),
                              d["share_text"] or "—", "是" if d["enough"] else "[yellow]否[/yellow]")
            table.add_section()
            table.add_row("[bold]合计[/bold]", str(t["probes"]), str(t["ok"]), str(t["failures"]),
                          str(t["inconclusive"]), t["share_text"] or "—", "")
            console.print(table)
            style = {"pass": "green", "fail": "red"}.get(res.outcome, "yellow")
            console.print(f"结论：[{style}]{VERDICT_WORDS.get(res.outcome, res.outcome)}[/{style}]　{res.note}",
                          highlight=False)
            if t["failure_list"]:
                ft = Table(title=f"失败记录（共 {t['failures']} 次）", title_justify="left")
                for name in ("时间", "地址", "状态码", "耗时（秒）", "错误"):
                    ft.add_column(name, overflow="fold")
                for e in t["failure_list"][:limit or None]:
                    ft.add_row(e["time"], e["url"], str(e["status"] or "—"),
                               "—" if e["elapsed_s"] is None else f"{e['elapsed_s']:.2f}", e["error"] or "—")
                console.print(ft)
                if limit and t["failures"] > limit:
                    console.print(f"……另有 {t['failures'] - limit} 次失败未列出（--limit 0 全部列出）")


@click.command("watch")
@click.argument("sources", nargs=-1)
@click.option("--db", default=None, help="数据库 URL（默认 sqlite:///zwgk-out/zwgk.db，或环境变量 ZWGK_DB）")
@click.option("--per-day", "per_day", type=click.FloatRange(min=0, min_open=True), default=PER_DAY, show_default=True,
              help="每个地址每天请求次数（国办秘函〔2019〕19号要求不少于 20 次）")
@click.option("--interval", type=click.FloatRange(min=0, min_open=True), default=None,
              help="同一地址两次请求的间隔秒数（指定时不按 --per-day 计算）")
@click.option("--jitter", type=click.FloatRange(min=0, max=0.9), default=0.1, show_default=True,
              help="间隔的随机浮动比例（0.1 即 ±10%）")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=15.0, show_default=True,
              help="单次请求限时（秒），达到即记为失败；--report 时按此限时判定已记录的请求")
@click.option("--workers", type=click.IntRange(min=1), default=8, show_default=True, help="同时进行的请求数")
@click.option("--once", is_flag=True, help="每个地址只请求一次后退出（由 cron / systemd 定时器调度时使用）")
@click.option("--rounds", type=click.IntRange(min=1), default=None, help="每个地址请求 N 次后退出")
@click.option("--no-root", "no_root", is_flag=True, help="只监测首页，不监测政务公开专栏")
@click.option("--network", type=click.Choice(["any", "loopback"]), default="any",
              help="loopback：只访问本机地址（测试、演示）")
@click.option("--quiet", is_flag=True, help="不逐条打印请求结果")
@click.option("--report", is_flag=True, help="不请求，只汇总已记录的监测数据（按天和按时段的失败占比、失败记录）")
@click.option("--as-of", "as_of", default=None, help="汇总截止日 YYYY-MM-DD（默认今天，北京时间）")
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True, help="汇总的天数（时段）")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="每个地址最多列出的失败记录数（0 为不限）")
@click.option("--json", "as_json", is_flag=True, help="汇总以 JSON 输出")
def watch(sources, db, per_day, interval, jitter, timeout, workers, once, rounds, no_root, network, quiet, report,
          as_of, days, limit, as_json):
    """可用性监测：按计划反复请求网站首页和政务公开专栏，记录每次结果（SOURCES 为网址或网站清单 CSV）。

    国办秘函〔2019〕19号：监测 1 周，每天不少于 20 次，单次超过 15 秒视为无法访问，占比达到（含）5% 单项否决。

    长期运行时收到 SIGTERM / Ctrl-C 即停止（进行中的请求完成并记录后退出）；每次请求完成即写入数据库，重启不丢数据。

    --once 每次调用只请求一轮（由 cron / systemd 定时器调度）；--report 汇总已记录的数据。
    """
    from zwgk.store.db import open_db

    if report:
        from zwgk.orchestrate import parse_date
        from zwgk.watch.fact import CHINA, availability_fact
        from zwgk.watch.record import watched_sites

        as_of_d = parse_date(as_of) if as_of else datetime.now(CHINA).date()
        urls = site_urls(sources)
        with open_db(db)() as session:
            facts = [f for f in (availability_fact(session, u, as_of_d, days=days, limit_s=timeout)
                                 for u in urls or watched_sites(session)) if f]
        if not facts:
            raise click.ClickException("数据库中没有可用性监测记录，请先运行 zwgk watch 网址")
        if as_json:
            click.echo(json.dumps(facts, ensure_ascii=False, indent=1))
        else:
            print_report(facts, days=days, limit=limit)
        return

    if not sources:
        raise click.ClickException("请给出要监测的网址或网站清单（CSV）")
    from zwgk.orchestrate import console
    from zwgk.watch.loop import Watcher, interval_for

    targets = watch_targets(sources, network=network, db=db, roots=not no_root)
    every = interval or interval_for(per_day)
    stop = threading.Event()
    watcher = Watcher(open_db(db), targets, interval=every, jitter=jitter, timeout=timeout, workers=workers,
                      stop=stop, on_probe=None if quiet else _print_probe)
    from sqlalchemy.exc import SQLAlchemyError

    if once:
        try:
            n = watcher.run_once()
        except SQLAlchemyError as exc:
            raise click.ClickException(f"无法写入数据库：{exc}")
        console.print(f"已请求 {n} 个地址，结果已记录")
        return

    def _stop(signum, _frame):
        if stop.is_set():  # asked twice: leave without storing the probes under way (the rest are committed)
            raise SystemExit(128 + signum)
        console.print(f"收到信号 {signal.Signals(signum).name}，等待进行中的请求完成后停止……")
        stop.set()

    old = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        console.print(f"开始监测 {len(targets)} 个地址，每个地址约每 {every:g} 秒请求一次（±{jitter:.0%}），"
                      f"单次限时 {timeout:g} 秒", highlight=False)
        n = watcher.run(rounds=rounds)
    except SQLAlchemyError as exc:  # every probe stored so far is committed; a restart carries on
        raise click.ClickException(f"无法写入数据库，监测停止（已记录 {watcher.stored} 次请求）：{exc}")
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    console.print(f"监测已停止，本次共记录 {n} 次请求")
