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


# ------------------------------------------------------------------ databases that cannot be opened

def _refused(p, *words):
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr and "sqlalchemy" not in p.stderr.lower()
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), p.stderr  # one Chinese line
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_database_urls_that_cannot_be_opened(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库，只是一段文字。\n" * 20, encoding="utf-8")
    cases = [
        ("notaurl", ("数据库地址无法识别", "notaurl", "sqlite:///")),
        ("mysql://u@127.0.0.1/x", ("不支持的数据库类型「mysql」", "PostgreSQL")),
        (f"sqlite:///{text}", ("不是 SQLite 数据库文件", str(text))),
        (f"postgresql+psycopg://zwgk:secret@127.0.0.1:{closed_port()}/zwgk", ("数据库服务器拒绝连接", "127.0.0.1")),
    ]
    for url, words in cases:
        p = zwgk("audit", "--db", url, "--out", str(tmp_path / "out"))
        _refused(p, *words)
        assert "secret" not in p.stderr  # a password is never printed
    assert text.read_text(encoding="utf-8").startswith("这不是数据库")  # left as it was
    assert not (tmp_path / "out").exists()


def test_sqlite_in_a_folder_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "no" / "such"
    p = zwgk("audit", "--db", f"sqlite:///{missing / 'x.db'}", "--out", str(tmp_path / "out"))
    _refused(p, "目录不存在", str(missing))
    assert not (tmp_path / "no").exists()


def test_run_with_a_refused_database_stops_before_crawling(tmp_path):
    out = tmp_path / "out"
    p = zwgk("run", f"http://127.0.0.1:{closed_port()}/", "--out", str(out), "--network", "loopback", "--delay", "0",
             "--db", f"postgresql+psycopg://zwgk@127.0.0.1:{closed_port()}/zwgk", "--as-of", "2023-11-30")
    _refused(p, "数据库服务器拒绝连接")
    assert "抓取" not in p.stderr  # no crawl started
    assert not out.exists()


def test_crawl_with_a_database_in_a_missing_folder_stops_before_crawling(tmp_path):
    p = zwgk("crawl", f"http://127.0.0.1:{closed_port()}/", "--network", "loopback",
             "--db", f"sqlite:///{tmp_path / 'gone' / 'z.db'}")
    _refused(p, "目录不存在")
    assert not (tmp_path / "gone").exists()


# ------------------------------------------------------------------ malformed input creates nothing

def test_malformed_url_creates_no_output_folder(tmp_path):
    out = tmp_path / "out"
    for url in ("notaurl", "http://", "ftp://example.gov.cn/"):
        p = zwgk("run", url, "--out", str(out))
        assert p.returncode != 0 and "网址应以 http:// 或 https:// 开头" in p.stderr, p.stderr
        assert not out.exists()


def test_extract_refuses_what_is_not_a_page(tmp_path):
    icon = tmp_path / "favicon.ico"
    icon.write_bytes(b"\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00\x01\x00\x20\x00" + bytes(range(256)) * 4)
    p = zwgk("extract", str(icon), "--url", "http://www.example.gov.cn/favicon.ico")
    assert p.returncode == 1 and "不是网页" in p.stderr and "favicon.ico" in p.stderr and p.stdout == ""
    page = tmp_path / "t.html"
    page.write_text("<html><head><title>关于印发方案的通知</title></head><body><p>正文</p></body></html>",
                    encoding="utf-8")
    p = zwgk("extract", str(page), "--url", "notaurl")
    assert p.returncode == 1 and "网址应以 http:// 或 https:// 开头" in p.stderr and p.stdout == ""
    p = zwgk("extract", str(page), "--url", "http://www.example.gov.cn/t.html")
    assert p.returncode == 0 and "关于印发方案的通知" in p.stdout


# ------------------------------------------------------------------ Click's own messages in Chinese

def test_click_messages_are_chinese(tmp_path):
    p = zwgk("extract", str(tmp_path / "x.html"))
    assert p.returncode == 2
    assert "用法: zwgk extract [选项] FILE" in p.stderr and "不存在" in p.stderr
    page = tmp_path / "t.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    p = zwgk("extract", str(page))
    assert p.returncode == 2 and "错误：缺少选项 --url：页面原网址" in p.stderr
    p = zwgk("run", "http://www.example.gov.cn/", "--concurency", "2")
    assert p.returncode == 2 and "没有「--concurency」这个选项" in p.stderr and "--concurrency" in p.stderr
    p = zwgk("run", "http://www.example.gov.cn/", "--concurrency", "abc")
    assert p.returncode == 2 and "错误：选项 --concurrency 的值无效：「abc」不是有效的整数" in p.stderr
    p = zwgk("run", "--help")
    assert p.returncode == 0 and "选项:" in p.stdout and "显示本帮助并退出" in p.stdout
    for english in ("Usage", "Options", "Error", "Missing", "No such", "Invalid value", "Show this"):
        assert english not in p.stdout


def test_batch_and_nightly_with_a_refused_database(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text(f"名称,网址\n甲,http://127.0.0.1:{closed_port()}/\n", encoding="utf-8")
    db = f"postgresql+psycopg://zwgk@127.0.0.1:{closed_port()}/zwgk"
    p = zwgk("batch", str(sites), "--out", str(tmp_path / "b"), "--db", db, "--network", "loopback", "--delay", "0")
    _refused(p, "数据库服务器拒绝连接")
    assert not (tmp_path / "b").exists()  # no crawl, no folder
    p = zwgk("nightly", f"http://127.0.0.1:{closed_port()}/", "--out", str(tmp_path / "n"), "--db", db)
    _refused(p, "数据库服务器拒绝连接")


def test_verdicts_template_into_a_missing_folder(tmp_path):
    p = zwgk("verdicts", "template", "--out", str(tmp_path / "no" / "v.yaml"))
    assert p.returncode == 1 and "无法写入" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "no").exists()


def test_the_default_data_folder_is_the_one_folder_made(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "ZWGK_DB"}
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "audit"], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path, env=env)
    assert p.returncode == 1 and "还没有抓取记录" in p.stderr
    assert (tmp_path / "zwgk-out" / "zwgk.db").is_file()  # sqlite:///zwgk-out/zwgk.db, made on first use
    env["ZWGK_DB"] = f"sqlite:///{tmp_path / 'elsewhere' / 'zwgk.db'}"
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "audit"], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path, env=env)
    assert p.returncode == 1 and "目录不存在" in p.stderr and not (tmp_path / "elsewhere").exists()
