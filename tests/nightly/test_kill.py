"""Killing `zwgk nightly` leaves no child running, and the site lock is held while a child runs.

Real processes: nightly runs against a site that takes a minute to answer, so its child crawl
(`zwgk run`, found through /proc by its parent pid) is caught mid-request. SIGTERM to nightly
ends the child (SIGTERM, then SIGKILL after --grace) before nightly exits; SIGKILL to nightly
takes the child with it (PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from zwgk.samplesite.server import Gauge, serve
from zwgk.store.lock import SiteBusy, site_lock

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux's")


def _stat(pid: int) -> list[str] | None:
    """State, ppid, … of a process (fields 3… of /proc/PID/stat), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie has ended; only its parent's wait is due


def _children(pid: int) -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit() and (st := _stat(int(d))) and int(st[1]) == pid
            and st[0] not in ("Z", "X")]


def _until(what, timeout: float, step: float = 0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = what()
        if got:
            return got
        time.sleep(step)
    return what()


@pytest.fixture
def crawling(db_url, tmp_path):
    """nightly started on a slow site, its child crawl waiting for the first answer:
    (nightly Popen, child pid, db url, site url, stderr path)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>首页</body></html>", encoding="utf-8")
    gauge = Gauge()
    log = tmp_path / "nightly.log"
    with serve(site, latency=60, gauge=gauge) as server, log.open("w") as err:
        nightly = subprocess.Popen([sys.executable, "-m", "zwgk.cli", "nightly", server.url, "--out", str(tmp_path / "out"),
                                    "--db", db_url, "--network", "loopback", "--delay", "0", "--grace", "2"],
                                   stdout=subprocess.DEVNULL, stderr=err)
        child = None
        try:
            kids = _until(lambda: _children(nightly.pid), 15)
            assert len(kids) == 1, (kids, log.read_text(encoding="utf-8"))
            child = kids[0]
            # between fork and exec the child still shows nightly's command line: wait for the exec
            assert _until(lambda: b"zwgk.cli\0run\0" in _cmdline(child), 15), _cmdline(child)
            assert _until(lambda: gauge.now >= 1, 15), log.read_text(encoding="utf-8")  # the crawl is under way
            yield nightly, child, db_url, server.url, log
        finally:
            for pid in (nightly.pid, child):  # only what this test started, should it have failed
                if pid is not None and _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            nightly.wait(timeout=10)


def test_sigterm_ends_the_child_before_nightly_exits(crawling):
    nightly, child, db, url, log = crawling
    nightly.send_signal(signal.SIGTERM)
    # the child is being ended (its crawl waits for the slow answer until --grace runs out), and
    # meanwhile the site is still locked: a second nightly could not start it again
    assert _alive(child)
    with pytest.raises(SiteBusy):
        with site_lock(db, url):
            pass
    assert nightly.wait(timeout=10) == 128 + signal.SIGTERM
    assert not _alive(child)
    assert "已中断：收到信号 SIGTERM" in log.read_text(encoding="utf-8")
    with site_lock(db, url):  # released with the child gone
        pass


def _lock_free(db: str, url: str) -> bool:
    try:
        with site_lock(db, url):
            return True
    except SiteBusy:
        return False


def test_sigkill_takes_the_child_along(crawling):
    nightly, child, db, url, log = crawling
    nightly.kill()
    nightly.wait(timeout=10)
    assert _until(lambda: not _alive(child), 5), "the child crawl outlived nightly"
    # the child's last thread may close the lock file a moment after its main thread became a zombie
    assert _until(lambda: _lock_free(db, url), 5)


# ---- `zwgk run` crawls in a process of its own (crawler/process.py run_crawls_apart) -----------------
@pytest.fixture
def running(tmp_path):
    """`zwgk run` on a site whose pages take 3 s, its crawl process waiting for an answer:
    (run Popen, crawl pid, db url)."""
    site = tmp_path / "site"
    site.mkdir()
    links = "".join(f'<li><a href="/p{i}.html">第{i}页</a></li>' for i in range(30))
    (site / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    for i in range(30):
        (site / f"p{i}.html").write_text(f"<html><body>第{i}页</body></html>", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'zwgk.db'}"
    gauge = Gauge()
    with serve(site, latency=3, gauge=gauge) as server:
        run = subprocess.Popen([sys.executable, "-m", "zwgk.cli", "run", server.url, "--out", str(tmp_path / "out"),
                                "--db", db, "--network", "loopback", "--delay", "0", "--as-of", "2023-11-30"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        crawl = None
        try:
            kids = _until(lambda: _children(run.pid), 15)
            assert len(kids) == 1, kids
            crawl = kids[0]
            assert _until(lambda: gauge.now >= 1, 15)  # the crawl is under way
            yield run, crawl, db
        finally:
            for pid in (run.pid, crawl):
                if pid is not None and _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            run.wait(timeout=10)


def test_ctrl_c_to_run_stops_its_crawl_gracefully_and_the_run_audits_what_it_has(running):
    """SIGINT to `zwgk run` alone (not its process group) reaches the crawl process once: the
    crawl stops after the answers in flight, is recorded as interrupted, and the run goes on."""
    from sqlalchemy import create_engine, text

    run, crawl, db = running
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 0, err.decode()[-2000:]
    assert not _alive(crawl)
    assert "抓取未完成" in err.decode()
    with create_engine(db).connect() as c:
        assert c.execute(text("select status from crawl")).scalar_one() == "interrupted"


def test_sigkill_to_run_takes_its_crawl_along(running):
    run, crawl, _ = running
    run.kill()
    run.wait(timeout=10)
    assert _until(lambda: not _alive(crawl), 5), "the crawl process outlived zwgk run"
