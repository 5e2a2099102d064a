"""What a user sees when the input is bad: a clear Chinese message, a non-zero exit, nothing faked."""
import socket
import subprocess
import sys


def zwgk(*args):
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=300)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the with-block ends


def test_unreachable_site_gives_no_report(tmp_path):
    p = zwgk("run", f"http://127.0.0.1:{closed_port()}/", "--out", str(tmp_path), "--network", "loopback",
             "--as-of", "2023-11-30", "--delay", "0")
    assert p.returncode == 1
    assert "无法访问" in p.stderr and "未生成评估报告" in p.stderr
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "results.json").exists()
    assert "Traceback" not in p.stderr


def test_not_a_url():
    p = zwgk("run", "www.example", "--network", "loopback")
    assert p.returncode != 0 and "http://" in p.stderr


def test_bad_date_and_unknown_checklist(tmp_path):
    p = zwgk("audit", "--as-of", "2023-02-30", "--db", f"sqlite:///{tmp_path / 'z.db'}", "--out", str(tmp_path))
    assert p.returncode != 0 and "YYYY-MM-DD" in p.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: x\ntree: [\n", encoding="utf-8")
    p = zwgk("audit", "--checklist", str(bad), "--db", f"sqlite:///{tmp_path / 'z.db'}", "--out", str(tmp_path))
    assert p.returncode != 0 and "检查清单有误" in p.stderr and "bad.yaml" in p.stderr


def test_report_refuses_a_file_that_is_not_results_json(tmp_path):
    f = tmp_path / "x.json"
    f.write_text('{"hello": 1}', encoding="utf-8")
    p = zwgk("report", str(f))
    assert p.returncode != 0 and "不是 zwgk 的 results.json" in p.stderr


def test_run_checks_the_checklist_before_crawling(tmp_path):
    p = zwgk("run", f"http://127.0.0.1:{closed_port()}/", "--checklist", "nosuch", "--out", str(tmp_path),
             "--network", "loopback")
    assert p.returncode != 0 and "检查清单有误" in p.stderr and "正在抓取" not in p.stderr
