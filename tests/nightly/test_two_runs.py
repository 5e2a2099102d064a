"""Two nightly runs of the sample site, on SQLite and on PostgreSQL: the diff lists exactly the
changes planted between them, the second run's results and report carry the history, and the
nightly command notifies the new finding by webhook and e-mail.

One test per database on purpose: each crawls the site twice, and pytest-xdist would repeat a
shared fixture on every worker that ran one of its tests.
"""
from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

from zwgk.commands.nightly import site_folder
from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve

from .conftest import start_smtp, start_webhook

# planted between the runs: two broken targets appear (fixed), one working attachment disappears (new)
FIXED = ["/xxgk/qtwj/202302/P020230206451242899000.xls", "/xxgk/gzdt/202305/W02023050445128899.jpg"]


def zwgk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=600)


def _path(url):
    try:
        return urlsplit(url).path if url else None
    except ValueError:  # a planted malformed link (wrong-link) stays as written
        return url


def _key(f):
    return (f["check"], _path(f["url"]), _path(f["source"]))


def test_two_nightly_runs(db_url, tmp_path):
    """db_url (tests/conftest.py): a fresh SQLite file, and a fresh PostgreSQL database when configured."""
    base = tmp_path
    site = base / "site"
    key = generate(site)
    db = db_url
    common = ["--as-of", key["as_of"], "--network", "loopback", "--concurrency", "8", "--delay", "0", "--db", db]
    hook, smtp = start_webhook(), start_smtp()
    try:
        with serve(site) as server:
            p1 = zwgk("nightly", server.url, "--out", str(base / "run1"), *common, "--webhook", hook.url)
            assert p1.returncode == 0, p1.stderr[-3000:]
            run1 = base / "run1" / site_folder(server.url)
            first = json.loads((run1 / "results.json").read_text(encoding="utf-8"))
            broken = {(_path(f["url"]), _path(f["source"])) for f in first["findings"] if f["check"] == "broken-link"}
            for path in FIXED:
                assert any(u == path for u, _ in broken), path  # the key's planted defect was found
                (site / path.lstrip("/")).write_bytes(b"fixed")
            # an attachment that worked and is linked from one document only
            doc = next(d for d in first["documents"] if len(d["attachments"]) == 1
                       and (site / _path(d["attachments"][0]["url"]).lstrip("/")).is_file()
                       and not any(_path(d["attachments"][0]["url"]) == u for u, _ in broken)
                       and sum(a["url"] == d["attachments"][0]["url"] for x in first["documents"]
                               for a in x["attachments"]) == 1)
            removed = _path(doc["attachments"][0]["url"])
            (site / removed.lstrip("/")).unlink()
            p2 = zwgk("nightly", server.url, "--out", str(base / "run2"), *common, "--webhook", hook.url,
                      "--smtp", smtp.hostport, "--mail-from", "zwgk@example.org", "--mail-to", "admin@example.org")
            assert p2.returncode == 0, p2.stderr[-3000:]
            url = server.url
        run2 = base / "run2" / site_folder(url)
        second = json.loads((run2 / "results.json").read_text(encoding="utf-8"))
        diff = zwgk("diff", "--db", db, "--site", url, "--json")
        assert diff.returncode == 0, diff.stderr
        d = json.loads(diff.stdout)[0]
        text = zwgk("diff", "--db", db).stdout
    finally:
        for srv in (hook, smtp):
            srv.shutdown()
            srv.server_close()

    # the diff lists exactly the planted changes
    new = ("broken-link", removed, _path(doc["url"]))
    assert [_key(f) for f in d["new"]] == [new]
    assert sorted(_path(f["url"]) for f in d["fixed"]) == sorted(FIXED)
    assert all(f["check"] == "broken-link" for f in d["fixed"])
    assert len(d["persisting"]) == len(first["findings"]) - 2
    assert "新增问题 1 个，已整改 2 个" in text and removed in text

    # results.json: first_seen, days_open, changes
    assert first["changes"]["previous"] is None
    ch = second["changes"]
    assert (ch["new"], ch["fixed"], ch["persisting"]) == (1, 2, len(first["findings"]) - 2)
    assert ch["previous"]["audit_id"] == first["audit_id"]
    seen = {_key(f): f["first_seen"] for f in first["findings"]}
    for f in second["findings"]:
        assert f["days_open"] >= 0
        if _key(f) in seen:
            assert f["first_seen"] == seen[_key(f)]

    # the second (incremental) run reused the unchanged document pages and says so
    assert first["crawl"]["not_modified"] == 0 and second["crawl"]["not_modified"] >= len(first["documents"]) - 5
    assert f"{second['crawl']['not_modified']} 个页面（文件页和列表页）经服务器确认未变化" in (run2 / "report.html").read_text(
        encoding="utf-8")
    # the report shows the trend; the first one has nothing to compare with
    assert "（本次）" in (run2 / "report.html").read_text(encoding="utf-8")
    assert "（本次）" not in (run1 / "report.html").read_text(encoding="utf-8")
    out = base / "r.html"
    p = zwgk("report", str(run2 / "results.json"), "--history", str(base / "run1"), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "（本次）" in out.read_text(encoding="utf-8")

    # notifications: none for the first run (a baseline), the new finding after the second
    assert len(hook.received) == 1
    payload = hook.received[0]["json"]
    assert payload["new"] == 1 and [_key(f) for f in payload["new_findings"]] == [new]
    (mail,) = smtp.received
    assert mail["to"] == ["admin@example.org"] and "新增问题 1 个" in mail["message"]["Subject"]
    assert removed in mail["message"].get_content()
