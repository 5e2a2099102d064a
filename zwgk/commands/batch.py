"""`zwgk batch SITES.csv`: audit many sites in one run, one report each and a ranking across them."""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import click

# accepted header names for each column of the site list
HEADERS = {
    "name": ("name", "名称", "网站名称", "站点名称"),
    "url": ("url", "网址", "地址", "网站地址"),
    "office": ("office", "评估对象", "单位"),
    "profile": ("profile", "配置", "站点配置"),
}


@dataclass
class SiteRow:
    line: int
    name: str
    url: str
    office: str | None
    profile: str | None


def read_sites(path: Path) -> list[SiteRow]:
    """Rows of a site list (CSV in UTF-8 or GB18030, see zwgk.formats.csvfile); errors name the
    file and line."""
    from zwgk.formats.csvfile import CsvEncodingError, read_csv_text

    try:
        text = read_csv_text(path)
    except CsvEncodingError as exc:
        raise click.ClickException(str(exc))
    except OSError as exc:
        raise click.ClickException(f"{path}：无法读取（{exc.strerror or exc}）")
    reader = csv.DictReader(text.splitlines())
    fields = {(h or "").strip(): h for h in reader.fieldnames or []}
    cols = {}
    for key, names in HEADERS.items():
        cols[key] = next((fields[n] for n in names if n in fields), None)
    if cols["url"] is None:
        raise click.ClickException(f"{path}: 第1行表头缺少网址列（url 或 网址）")
    rows, seen = [], set()
    for i, r in enumerate(reader, start=2):
        url = (r.get(cols["url"]) or "").strip()
        if not url:
            continue
        if not re.match(r"https?://", url):
            raise click.ClickException(f"{path}: 第{i}行：网址应以 http:// 或 https:// 开头：{url}")
        if url in seen:
            raise click.ClickException(f"{path}: 第{i}行：网址重复：{url}")
        seen.add(url)
        get = lambda k: ((r.get(cols[k]) or "").strip() or None) if cols[k] else None  # noqa: E731
        rows.append(SiteRow(i, get("name") or url, url, get("office"), get("profile")))
    if not rows:
        raise click.ClickException(f"{path}: 没有任何网站")
    return rows


def profile_path(row: SiteRow, sites: Path) -> Path | None:
    """A row's profile file: as written (relative to the working directory, as always), else
    relative to the site list's folder (a scheduled run starts elsewhere)."""
    if not row.profile:
        return None
    path = Path(row.profile)
    if not path.is_absolute() and not path.exists() and (sites.parent / path).exists():
        return sites.parent / path
    return path


def site_profiles(rows: list[SiteRow], sites: Path) -> list[dict]:
    """Every row's profile, checked before any crawl starts; every bad one is reported at once,
    each line naming the site list's row."""
    from zwgk.profile import ProfileError, load_profile

    profiles, errors = [], []
    for r in rows:
        try:
            profiles.append(load_profile(profile_path(r, sites)))
        except ProfileError as exc:
            errors += [f"{sites}: 第{r.line}行（{r.name}）：{line}" for line in exc.message.splitlines()]
    if errors:
        raise click.ClickException("\n".join(errors))
    return profiles


def slug(i: int, name: str) -> str:
    return f"{i:03d}-" + re.sub(r"[^\w\u4e00-\u9fa5-]+", "_", name)[:40]


def ranking_facts(res: dict) -> dict:
    """What the ranking reads of one site's results: kept for every site of a batch until the
    ranking is written, so not its documents, findings or score tree (a provincial batch's sites
    together would not fit in memory)."""
    s, crawl = res.get("summary") or {}, res.get("crawl") or {}
    return {"summary": {k: s.get(k) for k in ("score", "grade", "documents")},
            "crawl": {"partial": crawl.get("partial"), "partial_reasons": list(crawl.get("partial_reasons") or [])},
            "links": {"broken": (res.get("links") or {}).get("broken")},
            "findings_count": len(res.get("findings") or [])}


def ranking_rows(results: list[tuple[SiteRow, dict | None, str]], errors: dict[str, str] | None = None) -> list[dict]:
    """Ranking rows; a site without results shows its entry of `errors` (by URL), else a general failure.

    Only complete crawls are ranked. A partial one (results.json crawl.partial: a page cap, a time
    budget, an interruption, unread lists) was judged on part of the site — and its absence
    findings were set aside for review — so its score is not comparable: it is listed after
    every ranked site, `partial` with its reasons and no rank, then the sites without a score."""
    rows = []
    for site, res, folder in results:
        s = (res or {}).get("summary", {})
        crawl = (res or {}).get("crawl") or {}
        rows.append({"name": site.name, "url": site.url, "office": site.office, "folder": folder,
                     "score": s.get("score"), "grade": s.get("grade"),
                     "findings": (res or {}).get("findings_count", len((res or {}).get("findings", []))),
                     "broken_links": (res or {}).get("links", {}).get("broken"),
                     "documents": s.get("documents"),
                     "partial": bool(crawl.get("partial")),
                     "partial_reasons": list(crawl.get("partial_reasons") or []),
                     "error": None if res else ((errors or {}).get(site.url) or "抓取或检查失败")})
    ranked = sorted(rows, key=lambda r: (r["score"] is None, r["partial"], -(r["score"] or 0), r["name"]))
    i = 0
    for r in ranked:
        if r["score"] is not None and not r["partial"]:
            i += 1
            r["rank"] = i
        else:
            r["rank"] = None
    return ranked


@click.command()
@click.argument("sites", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", "as_of", default=None, help="评估基准日 YYYY-MM-DD（默认今天）")
@click.option("--out", type=click.Path(file_okay=False), default="zwgk-out/batch", help="输出目录")
@click.option("--checklist", default="yiyuan-2023")
@click.option("--db", default=None, help="数据库 URL（默认 OUT/zwgk.db）")
@click.option("--concurrency", type=int, default=None, help="每个主机的并发请求数")
@click.option("--delay", type=float, default=None, help="同一主机两次请求之间的间隔秒数")
@click.option("--network", type=click.Choice(["any", "loopback"]), default="any")
@click.option("--max-pages", type=int, default=None, help="每个网站最多抓取的页面数")
@click.option("--redis", default=None,
              help="分布式抓取：把网站放入该 Redis 的队列，由 zwgk worker 抓取（也可设环境变量 ZWGK_REDIS_URL）")
@click.option("--no-wait", "no_wait", is_flag=True, help="分布式抓取时只入队，不等待抓取完成")
@click.option("--prefix", default="zwgk", help="Redis 键前缀（与 zwgk worker 的 --prefix 相同）")
@click.option("--a11y", "a11y", is_flag=True,
              help="抓取后对每个网站做无障碍检测（同 zwgk a11y）；缺少 Chromium 或 axe-core 时跳过")
def batch(sites, as_of, out, checklist, db, concurrency, delay, network, max_pages, redis, no_wait, prefix, a11y):
    """批量评估：按网站清单（CSV：名称、网址、评估对象、配置）逐一抓取检查，生成各站报告和排名。"""
    from zwgk.orchestrate import WriteFailed, audit_crawl, console, parse_date, write_report
    from zwgk.crawler.process import CrawlOptions, CrawlProcessDied, SiteJob, run_crawls_apart
    from zwgk.reports.render import render_ranking

    rows = read_sites(Path(sites))
    profiles = site_profiles(rows, Path(sites))  # a bad profile stops the batch before any crawl
    as_of_d = parse_date(as_of)
    from zwgk.store.db import check_database

    if db:
        check_database(db)  # a database that cannot be opened stops the batch before --out or any crawl
    out_p = Path(out)
    out_p.mkdir(parents=True, exist_ok=True)
    if not db:
        db = f"sqlite:///{out_p.resolve() / 'zwgk.db'}"
        check_database(db)
    jobs = [SiteJob(r.url, p, r.name) for r, p in zip(rows, profiles)]
    from zwgk.crawler.distributed import redis_url

    if redis_url(redis):
        crawl_ids = _distributed(jobs, db, redis, prefix, no_wait, console,
                                 {"concurrency": concurrency, "delay": delay, "network": network,
                                  "max_pages": max_pages, "checklist": checklist, "out": str(out_p)})
        if crawl_ids is None:
            return
        for job, cid in zip(jobs, crawl_ids):
            job.crawl_id = cid
        _unrecorded_ends(db, jobs)
    else:
        options = CrawlOptions(db=db, concurrency=concurrency, delay=delay, network=network, max_pages=max_pages)
        try:
            run_crawls_apart(jobs, options, console)
        except CrawlProcessDied as exc:
            raise click.ClickException(str(exc)) from None
    if a11y:  # said once for the whole batch: every site's audit then says 未采集
        from zwgk.commands.a11y import collect_accessibility, say_skipped, unavailable

        if why := unavailable():
            say_skipped(why)
            a11y = False
    done, errors = [], {}
    for i, (row, job) in enumerate(zip(rows, jobs), 1):
        folder = slug(i, row.name)
        res = None
        if job.failure is not None:  # the database refused some of its rows: no audit of the rest
            errors[row.url] = job.failure.message()
        elif job.crawl_id is not None:
            try:
                if a11y:
                    collect_accessibility(db, job.crawl_id, optional=True)
                full = audit_crawl(db, job.crawl_id, checklist, as_of_d, out_p / folder)
                write_report(full, out_p / folder)
                res = ranking_facts(full)
                del full
            except WriteFailed as exc:
                errors[row.url] = exc.message
            except click.ClickException as exc:
                console.print(f"[red]{row.name}：{exc.message}[/]")
        if row.url in errors:
            console.print(f"[red]{row.name}：{errors[row.url]}[/]")
        done.append((row, res, folder))
    ranking = ranking_rows(done, errors)
    meta = {"as_of": as_of_d.isoformat(), "checklist": checklist, "sites": ranking}
    (out_p / "ranking.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_p / "ranking.html").write_text(render_ranking(meta), encoding="utf-8")
    for r in ranking:
        score = "—" if r["score"] is None else f"{r['score']:.1f}"
        flag = "  [yellow]抓取不完整，未参与排名[/]" if r["partial"] else ""
        console.print(f"{r['rank'] or '—':>3}  {score:>6}  {r['name']}  {r['url']}{flag}")
    console.print(f"排名：{(out_p / 'ranking.html').resolve()}")
    if errors:  # lost writes fail the batch (exit 1), after every other site got its report
        names = "、".join(r.name for r in rows if r.url in errors)
        raise click.ClickException(f"{len(errors)} 个网站的结果不完整，未生成报告（原因见上）：{names}")


def _unrecorded_ends(db, jobs) -> None:
    """A crawl whose worker ended it without recording the end (the database refused even that;
    the worker's output says why) is a failed crawl, not one to audit."""
    from zwgk.store.db import open_db
    from zwgk.store.errors import WriteFailure
    from zwgk.store.models import Crawl

    with open_db(db)() as s:
        for job in jobs:
            crawl = s.get(Crawl, job.crawl_id)
            if crawl is not None and crawl.status in ("queued", "running"):
                job.failure = WriteFailure("工作进程未能写入该次抓取的结束状态，原因见工作进程的输出")


def _distributed(jobs, db, redis, prefix, no_wait, console, options) -> list[int] | None:
    """Queue the sites for `zwgk worker`s; wait for their crawls unless no_wait (then None)."""
    from zwgk.commands.worker import open_registry
    from zwgk.crawler.distributed import enqueue, wait_for

    registry = open_registry(redis, prefix)
    if db is None or db.startswith("sqlite"):
        console.print("[yellow]提示：数据库为 SQLite，只有本机的工作进程能写入；多台机器请用 --db postgresql://…[/]")
    queued = enqueue(registry, db, [(j.url, j.name, j.profile) for j in jobs],
                     {k: v for k, v in options.items() if k in ("concurrency", "delay", "network", "max_pages")},
                     batch=options["out"])
    ids = [q.crawl_id for q in queued]
    console.print(f"已将 {len(ids)} 个网站放入队列（抓取编号 {ids[0]}–{ids[-1]}）。"
                  f"请在一台或多台机器上运行：zwgk worker --redis {registry.url} --db {db}")
    if no_wait:
        return None
    last = [-1]

    def progress(done, total):
        if done != last[0]:
            console.print(f"抓取进度：{done}/{total} 个网站已完成")
            last[0] = done

    wait_for(registry, ids, progress)
    return ids
