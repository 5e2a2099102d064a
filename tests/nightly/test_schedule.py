"""Nightly runs: one at a time per site (lock), notifications of new findings, cron / systemd output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zwgk.auditor.registry import vocabulary
from zwgk.commands.nightly import notify
from zwgk.store.lock import SiteBusy, site_lock

SITE = "http://127.0.0.1:9/"  # never requested: the runs below stop at the lock


def zwgk(*args, env=None):
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_second_lock_on_a_site_is_refused_in_chinese(db_url):
    with site_lock(db_url, SITE):
        with pytest.raises(SiteBusy, match="正在进行中"):
            with site_lock(db_url, SITE):
                pass
        with site_lock(db_url, "http://127.0.0.1:10/"):  # another site is not blocked
            pass
    with site_lock(db_url, SITE):  # released
        pass


def test_nightly_skips_a_site_that_is_already_running(db_url, tmp_path):
    with site_lock(db_url, SITE):
        p = zwgk("nightly", SITE, "--db", db_url, "--out", str(tmp_path), "--network", "loopback")
    assert p.returncode == 1
    assert "跳过" in p.stderr and "正在进行中" in p.stderr
    assert not (tmp_path / "127.0.0.1_9" / "results.json").exists()


def _results(previous=True):
    return {"site": {"url": SITE, "name": "示例县人民政府"}, "audit_id": 5, "as_of": "2024-03-02",
            "summary": {"score": 70.0},
            "changes": {"previous": {"audit_id": 4} if previous else None, "new": 1, "fixed": 0, "persisting": 1,
                        "new_ids": ["F00001"]},
            "findings": [{"id": "F00001", "check": "broken-link", "url": SITE + "a.pdf", "source": SITE, "office": None,
                          "status": 404, "days_open": 0, "first_seen": "2024-03-02"},
                         {"id": "F00002", "check": "blank-column", "url": SITE + "c/", "source": None, "office": None,
                          "days_open": 3, "first_seen": "2024-02-28"}]}


def test_notify_posts_json_and_sends_mail(webhook, smtp_sink):
    sent = notify(_results(), webhook=webhook.url, smtp=smtp_sink.hostport, mail_from="zwgk@example.org",
                  mail_to=("admin@example.org",))
    assert sent == ["webhook", "email"]
    (hook,) = webhook.received
    assert hook["type"].startswith("application/json")
    assert hook["json"]["new"] == 1
    assert [f["url"] for f in hook["json"]["new_findings"]] == [SITE + "a.pdf"]
    (mail,) = smtp_sink.received
    assert mail["to"] == ["admin@example.org"]
    assert mail["message"]["Subject"] == "【zwgk】示例县人民政府 新增问题 1 个"
    body = mail["message"].get_content()
    # the finding is named by its check's failure_title in the registry (存在断链)
    assert "\n- " + vocabulary()["broken-link"]["failure_title"] + "：" + SITE + "a.pdf" in body
    assert "blank-column" not in body


def test_no_notification_without_news(webhook):
    assert notify(_results(previous=False), webhook=webhook.url) == []  # a first run is a baseline
    r = _results()
    r["changes"]["new"] = 0
    assert notify(r, webhook=webhook.url) == []
    assert webhook.received == []


def test_schedule_prints_a_cron_line(tmp_path):
    p = zwgk("schedule", SITE, "--at", "03:05", "--out", str(tmp_path), "--webhook", "http://127.0.0.1:1/h",
             "--revalidate-days", "7")
    assert p.returncode == 0, p.stderr
    line = p.stdout.strip()
    assert line.startswith("5 3 * * * ") and line.endswith("# zwgk-nightly")
    assert f"-m zwgk.cli nightly {SITE} --out {tmp_path}" in line and "--webhook http://127.0.0.1:1/h" in line
    assert "--revalidate-days 7" in line


def test_schedule_rejects_a_bad_time():
    p = zwgk("schedule", SITE, "--at", "25:00")
    assert p.returncode != 0 and "HH:MM" in p.stderr


def _fake(bin_dir: Path, name: str, script: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    f = bin_dir / name
    f.write_text("#!/bin/sh\n" + script)
    f.chmod(0o755)


def test_schedule_install_cron_replaces_its_own_line_only(tmp_path):
    tab = tmp_path / "crontab.txt"
    tab.write_text("0 1 * * * backup.sh\n")
    _fake(tmp_path / "bin", "crontab",
          f'if [ "$1" = "-l" ]; then cat {tab}; else cat > {tab}; fi\n')
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    for at in ("02:30", "04:00"):
        p = zwgk("schedule", SITE, "--cron", "--install", "--at", at, "--out", str(tmp_path / "out"), env=env)
        assert p.returncode == 0, p.stderr
    lines = tab.read_text().splitlines()
    assert lines[0] == "0 1 * * * backup.sh"
    assert len(lines) == 2 and lines[1].startswith("0 4 * * * ")


def test_schedule_install_systemd_writes_user_units(tmp_path):
    calls = tmp_path / "calls.txt"
    _fake(tmp_path / "bin", "systemctl", f'echo "$@" >> {calls}\n')
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    sites = tmp_path / "sites.csv"
    sites.write_text("name,url\n示例县,http://127.0.0.1:9/\n", encoding="utf-8")
    p = zwgk("schedule", str(sites), "--systemd", "--install", "--at", "01:15", env=env)
    assert p.returncode == 0, p.stderr
    unit_dir = tmp_path / "cfg" / "systemd" / "user"
    timer = (unit_dir / "zwgk-nightly.timer").read_text()
    service = (unit_dir / "zwgk-nightly.service").read_text()
    assert "OnCalendar=*-*-* 01:15:00" in timer and "Persistent=true" in timer
    assert f"nightly {sites}" in service and "Type=oneshot" in service
    assert calls.read_text().splitlines() == ["--user daemon-reload", "--user enable --now zwgk-nightly.timer"]


def test_schedule_rejects_a_missing_site_list(tmp_path):
    p = zwgk("schedule", str(tmp_path / "nope.csv"))
    assert p.returncode != 0 and "网站列表" in p.stderr
