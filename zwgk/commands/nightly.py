"""Nightly operation: `zwgk diff` (what changed since the previous run), history for reports."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from zwgk.commands import with_options


# ------------------------------------------------------------------------------------ history
def _with_grade(entry: dict) -> dict:
    from zwgk.auditor.scoring import grade

    s = entry.setdefault("summary", {})
    s.setdefault("grade", grade(s.get("score")))
    return entry


def _same_run(a: dict, b: dict) -> bool:
    if a.get("audit_id") is not None and a.get("audit_id") == b.get("audit_id"):
        return True
    ca, cb = a.get("crawl") or {}, b.get("crawl") or {}
    return (ca.get("id") is not None and ca.get("id") == cb.get("id") and ca.get("started_at") == cb.get("started_at")
            and a.get("as_of") == b.get("as_of") and a.get("checklist") == b.get("checklist"))


def _started(r: dict) -> str:
    c = r.get("crawl") or {}
    return c.get("started_at") or c.get("finished_at") or r.get("as_of") or ""


def history_from_db(results: dict, db: str | None) -> list[dict]:
    """The site's earlier runs stored in the database, oldest first, as results-like dicts."""
    from zwgk.store.db import open_db
    from zwgk.store.history import site_runs

    crawl_id = (results.get("crawl") or {}).get("id")
    if crawl_id is None:
        return []
    with open_db(db)() as s:
        runs = site_runs(s, before_crawl=crawl_id, checklist=(results.get("checklist") or {}).get("id"))
    return [_with_grade(r) for r in runs]


def history_from_folder(results: dict, folder: Path) -> list[dict]:
    """Earlier results.json files of the same site under `folder` (searched recursively), oldest first."""
    from zwgk.reports.load import read_results

    site = (results.get("site") or {}).get("url")
    out = []
    for path in sorted(Path(folder).rglob("*.json")):
        try:
            data = read_results(path, documents=False)  # a trend needs no list of documents
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("zwgk-results/"):
            continue
        if (data.get("site") or {}).get("url") != site or _same_run(data, results):
            continue
        if _started(data) and _started(results) and _started(data) >= _started(results):
            continue  # a later run is not history of this one
        out.append(data)
    return sorted(out, key=_started)


def report_history(results: dict, *, db: str | None = None, folder: str | Path | None = None) -> list[dict]:
    """History for render_html: from a folder of results.json files, else from the database."""
    if folder:
        return history_from_folder(results, Path(folder))
    if db is not None or results.get("audit_id") is not None:
        try:
            return history_from_db(results, db)
        except Exception as exc:  # a report must still render when the database is gone
            click.echo(f"注意：无法从数据库读取历史记录（{exc}），报告不含变化趋势", err=True)
    return []


# ------------------------------------------------------------------------------------ diff
def site_diff(session, site_url: str, checklist: str | None = None) -> dict | None:
    """The latest run of a site against its previous one: new, fixed, persisting (with days open)."""
    from zwgk.auditor.history import annotate, run_from_stored
    from zwgk.store.history import site_runs

    runs = site_runs(session, site_url=site_url, checklist=checklist)
    if not runs:
        return None
    current = runs[-1]
    earlier = [run_from_stored(r) for r in runs[:-1]]
    d = annotate(current["findings"], earlier, current["observed"])
    return {"site": site_url, "current": _run_ref(current), "previous": _run_ref(runs[-2]) if len(runs) > 1 else None,
            "diff": d}


def _run_ref(r: dict) -> dict:
    return {"audit_id": r["audit_id"], "crawl_id": r["crawl"]["id"], "observed": r["observed"].isoformat(),
            "as_of": r["as_of"], "score": r["summary"]["score"]}


def _finding_out(f: dict) -> dict:
    keys = ("check", "url", "source", "office", "first_seen", "days_open")
    return {k: f.get(k) for k in keys if k in f}


@click.command("diff")
@click.option("--site", "site_url", default=None, help="网站地址（默认数据库中的所有网站）")
@click.option("--db", default=None, help="数据库 URL（默认 sqlite:///zwgk-out/zwgk.db，或环境变量 ZWGK_DB）")
@click.option("--checklist", default=None, help="只比较使用该检查清单的评估")
@click.option("--limit", type=int, default=50, help="每类最多列出的问题数（0 为不限）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def diff(site_url, db, checklist, limit, as_json):
    """与上一次评估相比：新增、已整改和仍存在的问题（含已持续天数）。"""
    from zwgk.auditor.history import diff_lines
    from zwgk.store.db import open_db
    from zwgk.store.history import site_urls

    with open_db(db)() as s:
        sites = [site_url] if site_url else site_urls(s)
        if not sites:
            raise click.ClickException("数据库中还没有评估记录，请先运行 zwgk run")
        reports = [r for r in (site_diff(s, u, checklist) for u in sites) if r is not None]
    if site_url and not reports:
        raise click.ClickException(f"数据库中没有网站 {site_url} 的评估记录")
    if as_json:
        click.echo(json.dumps([{**{k: v for k, v in r.items() if k != "diff"},
                                "new": [_finding_out(f) for f in r["diff"].new],
                                "fixed": [_finding_out(f) for f in r["diff"].fixed],
                                "persisting": [_finding_out(f) for f in r["diff"].persisting]}
                               for r in reports], ensure_ascii=False, indent=1))
        return
    for r in reports:
        cur, prev = r["current"], r["previous"]
        click.echo(f"网站：{r['site']}")
        if prev is None:
            click.echo(f"  只有一次评估（{cur['observed']}），没有可比较的上一次评估")
        else:
            click.echo(f"  本次 {cur['observed']}（评估 {cur['audit_id']}）对比上次 {prev['observed']}（评估 {prev['audit_id']}）")
        for line in diff_lines(r["diff"], limit=limit or None):
            click.echo("  " + line)


# ------------------------------------------------------------------------------------ notifications
def notification(results: dict) -> dict:
    """The payload sent when a run has new findings (webhook JSON; the e-mail says the same).
    Each finding carries its check's name as results.json `checks` states it."""
    from zwgk.auditor.history import check_name

    ch = results.get("changes") or {}
    ids = set(ch.get("new_ids") or ())
    new = [f for f in results.get("findings") or [] if f.get("id") in ids]
    site = results.get("site") or {}
    return {"event": "zwgk.new_findings", "site": site.get("url"), "site_name": site.get("name"),
            "audit_id": results.get("audit_id"), "as_of": results.get("as_of"),
            "score": (results.get("summary") or {}).get("score"),
            "new": ch.get("new", 0), "fixed": ch.get("fixed", 0), "persisting": ch.get("persisting", 0),
            "new_findings": [{**{k: f.get(k) for k in ("check", "url", "source", "office", "status")},
                              "check_name": check_name(f.get("check"), results.get("checks"))} for f in new]}


def mail_text(payload: dict) -> tuple[str, str]:
    name = payload.get("site_name") or payload.get("site")
    subject = f"【zwgk】{name} 新增问题 {payload['new']} 个"
    lines = [f"网站：{payload.get('site')}", f"评估基准日：{payload.get('as_of')}",
             f"新增问题 {payload['new']} 个，已整改 {payload['fixed']} 个，仍存在 {payload['persisting']} 个", ""]
    for f in payload["new_findings"]:
        where = f"（位于 {f['source']}）" if f.get("source") else ""
        lines.append(f"- {f.get('check_name') or f['check']}：{f['url']}{where}")
    return subject, "\n".join(lines) + "\n"


def send_webhook(url: str, payload: dict, timeout: float = 20) -> None:
    import urllib.request

    req = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "zwgk-nightly"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - an administrator's URL
        resp.read()


def send_mail(smtp: str, sender: str, recipients: list[str], payload: dict, *, user: str | None = None,
              password: str | None = None, starttls: bool = False, timeout: float = 30) -> None:
    import smtplib
    from email.message import EmailMessage

    host, _, port = smtp.partition(":")
    subject, body = mail_text(payload)
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, sender, ", ".join(recipients)
    msg.set_content(body)
    with smtplib.SMTP(host, int(port or 25), timeout=timeout) as s:
        if starttls:
            s.starttls()
        if user:
            s.login(user, password or "")
        s.send_message(msg)


def notify(results: dict, *, webhook: str | None = None, smtp: str | None = None, mail_from: str | None = None,
           mail_to: tuple[str, ...] = (), smtp_user: str | None = None, starttls: bool = False) -> list[str]:
    """Send the configured notifications when the run has new findings; returns what was sent."""
    payload = notification(results)
    if not payload["new"] or (results.get("changes") or {}).get("previous") is None:
        return []  # nothing new (a first run is a baseline, not news)
    sent = []
    if webhook:
        send_webhook(webhook, payload)
        sent.append("webhook")
    if smtp and mail_to:
        send_mail(smtp, mail_from or "zwgk@localhost", list(mail_to), payload, user=smtp_user,
                  password=os.environ.get("ZWGK_SMTP_PASSWORD"), starttls=starttls)
        sent.append("email")
    return sent


# ------------------------------------------------------------------------------------ nightly run
def read_targets(target: str) -> list[tuple[str, Path | None]]:
    """(site URL, its profile file or None) for a site URL, or for each row of a site list (CSV
    with a url / 网址 column, optionally 配置 / profile). Every profile is checked now, so a bad
    one stops the run before any crawl (and `zwgk schedule` refuses it at once)."""
    if re.match(r"https?://", target):
        return [(target, None)]
    path = Path(target)
    if not path.is_file():
        raise click.ClickException(f"{target} 既不是网址（http:// 或 https://），也不是网站列表文件")
    from zwgk.commands.batch import profile_path, read_sites, site_profiles

    rows = read_sites(path)
    site_profiles(rows, path)
    # absolute: the site's run is a child process, and a scheduled run starts in another folder
    return [(r.url, p.resolve() if (p := profile_path(r, path)) else None) for r in rows]


def site_folder(url: str) -> str:
    parts = urlsplit(url)
    name = (parts.netloc + parts.path).strip("/")
    return re.sub(r"[^\w.-]+", "_", name)[:80] or "site"


notify_options = [
    click.option("--webhook", default=None, help="有新增问题时以 POST JSON 通知的地址"),
    click.option("--smtp", default=None, help="发送通知邮件的 SMTP 服务器 HOST[:PORT]（密码取环境变量 ZWGK_SMTP_PASSWORD）"),
    click.option("--smtp-user", default=None, help="SMTP 登录用户名"),
    click.option("--starttls", is_flag=True, help="SMTP 使用 STARTTLS"),
    click.option("--mail-from", default=None, help="发件人地址"),
    click.option("--mail-to", multiple=True, help="收件人地址（可多次给出）"),
]


@click.command("nightly")
@click.argument("target")
@click.option("--out", type=click.Path(file_okay=False), default="zwgk-out/nightly", help="输出目录（每个网站一个子目录）")
@click.option("--db", default=None, help="数据库 URL（默认 OUT/zwgk.db）")
@click.option("--checklist", default="yiyuan-2023")
@click.option("--as-of", "as_of", default=None, help="评估基准日 YYYY-MM-DD（默认今天）")
@click.option("--concurrency", type=int, default=None)
@click.option("--delay", type=float, default=None)
@click.option("--network", type=click.Choice(["any", "loopback"]), default="any")
@click.option("--time-budget", "time_budget", type=float, default=None,
              help="每个网站每晚最多抓取的分钟数；未抓完的部分下一晚接着抓")
@click.option("--revalidate-days", "revalidate_days", type=click.IntRange(min=0), default=0,
              help="列表条目未变的文件页面和上次正常的链接每 N 天才重新核验一次（各自轮流）；默认 0：每晚都核验")
@click.option("--grace", type=click.FloatRange(min=0), default=20.0, show_default=True,
              help="本命令被终止（SIGTERM、SIGINT、SIGHUP）时，等待正在进行的网站检查自行结束的秒数，超时则强制结束")
@with_options(notify_options)
def nightly(target, out, db, checklist, as_of, concurrency, delay, network, time_budget, revalidate_days, grace, webhook,
            smtp, smtp_user, starttls, mail_from, mail_to):
    """夜间运行：逐个网站抓取、检查、生成报告，同一网站不会同时运行两次；有新增问题时发送通知。"""
    from zwgk.commands.care import ChildCare, Stopped

    targets = read_targets(target)  # a bad site list or profile stops the run before any crawl
    out_p = Path(out)
    out_p.mkdir(parents=True, exist_ok=True)
    db = db or os.environ.get("ZWGK_DB") or f"sqlite:///{(out_p / 'zwgk.db').resolve()}"
    # each site runs as a child process in this one's care: killing nightly ends the child first,
    # and the site lock is held as long as the child runs (zwgk/commands/care.py)
    with ChildCare(grace) as care:
        try:
            failed = _nightly_sites(care, targets, out_p, db, checklist, as_of, concurrency, delay, network,
                                    time_budget, revalidate_days, dict(webhook=webhook, smtp=smtp, mail_from=mail_from,
                                                                       mail_to=mail_to, smtp_user=smtp_user,
                                                                       starttls=starttls))
        except Stopped as stop:
            click.echo(f"已中断：收到信号 {stop.name}，正在进行的检查已结束，未完成的抓取下次运行时继续", err=True)
            sys.exit(stop.exit_code)
    if failed:
        sys.exit(1)


def _nightly_sites(care, targets, out_p, db, checklist, as_of, concurrency, delay, network, time_budget,
                   revalidate_days, notify_to: dict) -> int:
    """Each site in turn, under its lock; the number of sites that failed or were skipped."""
    from zwgk.store.lock import SiteBusy, site_lock

    failed = 0
    for url, profile in targets:
        folder = out_p / site_folder(url)
        # nightly runs ask only for what changed, and finish a crawl a crash left unfinished
        args = [sys.executable, "-m", "zwgk.cli", "run", url, "--out", str(folder), "--db", db,
                "--checklist", checklist, "--network", network, "--incremental", "--resume"]
        args += ["--as-of", as_of] if as_of else []
        args += ["--concurrency", str(concurrency)] if concurrency else []
        args += ["--delay", str(delay)] if delay is not None else []
        args += ["--time-budget", str(time_budget)] if time_budget else []
        args += ["--revalidate-days", str(revalidate_days)] if revalidate_days else []
        args += ["--profile", str(profile)] if profile else []
        try:
            with site_lock(db, url) as lock:
                click.echo(f"开始检查 {url}", err=True)
                # the child shares the lock's descriptors: were this process killed, the lock
                # would still be held until the child is gone too
                returncode = care.run(args, pass_fds=lock.fds)
        except SiteBusy as exc:
            click.echo(f"跳过：{exc}", err=True)
            failed += 1
            continue
        if returncode != 0:
            click.echo(f"失败：{url} 的检查未能完成（退出码 {returncode}）", err=True)
            failed += 1
            continue
        from zwgk.reports.load import read_results

        results = read_results(folder / "results.json", documents=False)
        try:
            sent = notify(results, **notify_to)
        except Exception as exc:  # a failed notification must not hide the finished run
            click.echo(f"通知发送失败：{exc}", err=True)
            failed += 1
            continue
        ch = results.get("changes") or {}
        click.echo(f"{url}：新增 {ch.get('new', 0)}，已整改 {ch.get('fixed', 0)}，仍存在 {ch.get('persisting', 0)}"
                   + (f"；已通知（{'、'.join(sent)}）" if sent else ""))
    return failed


# ------------------------------------------------------------------------------------ schedule
UNIT = "zwgk-nightly"
CRON_TAG = "# zwgk-nightly"


def nightly_command(target: str, out: str, db: str | None, extra: list[str]) -> list[str]:
    t = target if re.match(r"https?://", target) else str(Path(target).resolve())
    cmd = [sys.executable, "-m", "zwgk.cli", "nightly", t, "--out", str(Path(out).resolve())]
    return cmd + (["--db", db] if db else []) + extra


def cron_line(at: tuple[int, int], cmd: list[str], log: Path) -> str:
    """One crontab line; it creates the log's folder itself (`mkdir -p`), since the line may be
    installed long before the first night and the folder removed in between."""
    import shlex

    return (f"{at[1]} {at[0]} * * * mkdir -p {shlex.quote(str(log.parent))} && "
            f"{' '.join(shlex.quote(c) for c in cmd)} >> {shlex.quote(str(log))} 2>&1 {CRON_TAG}")


def systemd_units(at: tuple[int, int], cmd: list[str], workdir: Path) -> dict[str, str]:
    import shlex

    service = (f"[Unit]\nDescription=zwgk 政务公开夜间检查\n\n[Service]\nType=oneshot\n"
               f"WorkingDirectory={workdir}\nExecStart={shlex.join(cmd)}\n")
    timer = (f"[Unit]\nDescription=zwgk 政务公开夜间检查（每天 {at[0]:02d}:{at[1]:02d}）\n\n[Timer]\n"
             f"OnCalendar=*-*-* {at[0]:02d}:{at[1]:02d}:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n")
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def _at(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise click.BadParameter(f"时间格式应为 HH:MM（如 02:30），收到「{value}」")
    return int(m[1]), int(m[2])


def install_cron(line: str) -> None:
    cur = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    lines = [ln for ln in (cur.stdout.splitlines() if cur.returncode == 0 else []) if not ln.endswith(CRON_TAG)]
    new = "\n".join(lines + [line]) + "\n"
    p = subprocess.run(["crontab", "-"], input=new, capture_output=True, text=True)
    if p.returncode != 0:
        raise click.ClickException(f"写入 crontab 失败：{p.stderr.strip()}")


def install_systemd(units: dict[str, str]) -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "systemd" / "user"
    base.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (base / name).write_text(text, encoding="utf-8")
    return base


@click.command("schedule")
@click.argument("target")
@click.option("--at", "at", default="02:30", help="每天运行的时间 HH:MM（默认 02:30）")
@click.option("--cron", "kind", flag_value="cron", default=True, help="生成 crontab 行（默认）")
@click.option("--systemd", "kind", flag_value="systemd", help="生成 systemd 用户服务和定时器")
@click.option("--install", is_flag=True, help="直接安装到当前用户的 crontab 或 ~/.config/systemd/user")
@click.option("--out", type=click.Path(file_okay=False), default="zwgk-out/nightly", help="输出目录")
@click.option("--db", default=None, help="数据库 URL（默认 OUT/zwgk.db）")
@click.option("--checklist", default=None)
@click.option("--revalidate-days", "revalidate_days", type=click.IntRange(min=0), default=0,
              help="传给 zwgk nightly：列表条目未变的文件页面和上次正常的链接每 N 天才重新核验一次")
@with_options(notify_options)
def schedule(target, at, kind, install, out, db, checklist, revalidate_days, webhook, smtp, smtp_user, starttls,
             mail_from, mail_to):
    """生成（或安装）每晚运行 zwgk nightly 的 cron 行或 systemd 定时器。TARGET 为网址或网站列表 CSV。"""
    read_targets(target)  # a bad site list fails now, not at 02:30
    hm = _at(at)
    extra = ["--checklist", checklist] if checklist else []
    extra += ["--revalidate-days", str(revalidate_days)] if revalidate_days else []
    for opt, val in (("--webhook", webhook), ("--smtp", smtp), ("--smtp-user", smtp_user), ("--mail-from", mail_from)):
        extra += [opt, val] if val else []
    extra += ["--starttls"] if starttls else []
    for m_ in mail_to:
        extra += ["--mail-to", m_]
    cmd = nightly_command(target, out, db, extra)
    if kind == "cron":
        line = cron_line(hm, cmd, Path(out).resolve() / "nightly.log")
        if install:
            Path(out).mkdir(parents=True, exist_ok=True)
            install_cron(line)
            click.echo(f"已安装到当前用户的 crontab：每天 {hm[0]:02d}:{hm[1]:02d} 运行", err=True)
        click.echo(line)
        return
    units = systemd_units(hm, cmd, Path.cwd())
    if install:
        base = install_systemd(units)
        click.echo(f"已写入 {base}/{UNIT}.service 和 {UNIT}.timer", err=True)
        p = subprocess.run(["systemctl", "--user", "daemon-reload"], capture_output=True, text=True) \
            if shutil.which("systemctl") else None
        if p is not None and p.returncode == 0:
            p = subprocess.run(["systemctl", "--user", "enable", "--now", f"{UNIT}.timer"], capture_output=True,
                               text=True)
        if p is None or p.returncode != 0:
            click.echo(f"请手动启用：systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer",
                       err=True)
        else:
            click.echo(f"已启用 {UNIT}.timer", err=True)
    for name, text in units.items():
        click.echo(f"# ~/.config/systemd/user/{name}\n{text}")
