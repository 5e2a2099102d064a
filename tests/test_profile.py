"""Site profiles are checked key by key (zwgk.profile): unknown keys, wrong types and bad URLs
stop `zwgk run`, `zwgk batch` and `zwgk nightly` before any crawl, with a Chinese message naming
the file, the key and what was expected; a valid profile reaches the crawler as written."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from zwgk.profile import ProfileError, load_profile, validate_profile

README = Path(__file__).resolve().parents[1] / "README.md"


def _write(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    return exc.value.message


# ------------------------------------------------------------------------------------ the checks
def test_unknown_keys_are_refused_with_a_suggestion(tmp_path):
    msg = _error(tmp_path, "concurency: 2\nroot: [http://www.example.gov.cn/xxgk/]\n")
    lines = msg.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"站点配置文件 {tmp_path / 'site.yaml'}：未知的配置项「concurency」（可用：roots、")
    assert "concurrency、delay" in lines[0] and lines[0].endswith("是否想写「concurrency」？）")
    assert "未知的配置项「root」" in lines[1] and lines[1].endswith("是否想写「roots」？）")


def test_wrong_types_name_the_key_and_what_was_expected(tmp_path):
    assert _error(tmp_path, "delay: fast\n").endswith("：配置项「delay」应为数字，收到「fast」")
    assert "配置项「delay」应为数字，收到「2」" in _error(tmp_path, "delay: '2'\n")  # a quoted "2" is text
    assert "配置项「concurrency」应为整数，收到「1.5」" in _error(tmp_path, "concurrency: 1.5\n")
    assert "配置项「concurrency」应为不小于 1 的整数，收到「0」" in _error(tmp_path, "concurrency: 0\n")
    assert "配置项「delay」应为不小于 0 的数，收到「-1」" in _error(tmp_path, "delay: -1\n")
    assert "配置项「blocked_retry_delay」应为数字，收到「true」" in _error(tmp_path, "blocked_retry_delay: yes\n")
    assert "配置项「scope_hosts」应为列表" in _error(tmp_path, "scope_hosts: czj.example.gov.cn\n")
    assert "配置项「encoding」应为能识别的字符编码名称" in _error(tmp_path, "encoding: gbkk\n")


def test_nested_entries_are_named_by_position(tmp_path):
    msg = _error(tmp_path, "columns:\n"
                           "  - {name: 财政预算, url: http://www.example.gov.cn/a/}\n"
                           "  - {name: 财政决算, url: http://www.example.gov.cn/b/}\n"
                           "  - {name: 财政收支, url: www.example.gov.cn/c/}\n"
                           "  - {name: 政策解读, url: http://www.example.gov.cn/d/, knd: interpretation}\n"
                           "  - {url: http://www.example.gov.cn/e/, kind: polcy}\n")
    lines = msg.splitlines()
    assert lines[0].endswith("配置项「columns[2].url」（columns 的第 3 项）应为以 http:// 或 https:// 开头并包含域名的网址，"
                             "收到「www.example.gov.cn/c/」")
    assert "未知的配置项「columns[3].knd」（columns 的第 4 项；可用：url、name、kind、office；是否想写「kind」？）" in lines[1]
    assert "缺少必填的配置项「columns[4].name」" in msg
    assert "配置项「columns[4].kind」（columns 的第 5 项）应为栏目类型之一：normative、" in msg
    assert msg.endswith("收到「polcy」（是否想写「policy」？）")
    msg = _error(tmp_path, "roots: [http://www.example.gov.cn/xxgk/, 5, {url: ftp://x/}, {url: http://a/, ofice: 甲}]\n"
                           "offices: [{name: 县财政局}]\nscope_hosts: [http://czj.example.gov.cn/]\n")
    assert "配置项「roots[1]」（roots 的第 2 项）应为网址，或 {url: …, office: …} 形式的映射，收到「5」" in msg
    assert "配置项「roots[2].url」" in msg and "未知的配置项「roots[3].ofice」" in msg
    assert "缺少必填的配置项「offices[0].url」" in msg
    assert "配置项「scope_hosts[0]」（scope_hosts 的第 1 项）应为主机名" in msg and "是否想写「czj.example.gov.cn」？" in msg


def test_unreadable_files(tmp_path):
    with pytest.raises(ProfileError, match="站点配置文件 .*nope.yaml 不存在"):
        load_profile(tmp_path / "nope.yaml")
    assert "无法读取" in _error(tmp_path, "delay: [1\n")
    assert "应为键值映射（YAML mapping）" in _error(tmp_path, "- http://www.example.gov.cn/\n")
    assert load_profile(_write(tmp_path, "# nothing yet\n")) == {}
    assert load_profile(None) == {}


def test_a_valid_profile_reaches_the_crawler_as_written(tmp_path):
    text = ("roots:\n  - http://www.example.gov.cn/xxgk/\n  - {url: http://www.example.gov.cn/czj/, office: 县财政局}\n"
            "columns:\n  - {name: 财政收支, url: http://www.example.gov.cn/xxgk/czsz/, office: null}\n"
            "  - {name: 其他, url: 'https://www.example.gov.cn/qt/', kind: policy}\n"
            "offices: [{name: 县教育局, url: http://www.example.gov.cn/jyj/}]\n"
            "scope_hosts: [czj.example.gov.cn]\nencoding: gb18030\nconcurrency: 1\ndelay: 2.5\n"
            "blocked_retry_delay: 30\n")
    assert load_profile(_write(tmp_path, text)) == yaml.safe_load(text)
    # keys left empty are absent, as the crawler reads them; host names compare in lower case
    assert load_profile(_write(tmp_path, "scope_hosts:\ndelay:\nroots: [HTTP://A.gov.cn/]\n")) == \
        {"roots": ["HTTP://A.gov.cn/"]}
    assert validate_profile({"scope_hosts": ["CZJ.Example.gov.cn"]}, "x") == {"scope_hosts": ["czj.example.gov.cn"]}


def test_the_readme_profile_is_valid():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Site profile"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    assert load_profile_text(block) == yaml.safe_load(block)
    documented = set(re.findall(r"^([a-z_]+):", block, re.M))
    from zwgk.profile import Profile

    assert documented == set(Profile.model_fields)  # every key documented, none invented


def load_profile_text(text: str) -> dict:
    return validate_profile(yaml.safe_load(text), "README.md")


# ------------------------------------------------------------------------------------ the commands
class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - stdlib name
        self.server.requests.append(self.path)
        body = b"<html><head><title>t</title></head><body>home</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def site():
    """A loopback site that records what was asked of it: a crawl that starts asks for robots.txt."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    srv.requests = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/"
    yield srv
    srv.shutdown()
    srv.server_close()


def _zwgk(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_run_with_a_bad_profile_stops_before_the_crawl(tmp_path, site):
    bad = _write(tmp_path, "concurency: 2\ndelay: fast\n", "bad.yaml")
    out = tmp_path / "out"
    p = _zwgk("run", site.url, "--profile", str(bad), "--out", str(out), "--network", "loopback")
    assert p.returncode == 1, p.stderr
    assert f"站点配置文件 {bad}：未知的配置项「concurency」" in p.stderr
    assert "是否想写「concurrency」？" in p.stderr and "配置项「delay」应为数字，收到「fast」" in p.stderr
    assert "Traceback" not in p.stderr
    assert site.requests == [] and not out.exists()  # no crawl, nothing written


def _sites(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["名称", "网址", "配置"])
        w.writerows(rows)
    return path


def test_batch_reports_a_bad_profile_by_row_before_any_crawl(tmp_path, site):
    (tmp_path / "lists").mkdir()
    _write(tmp_path / "lists", "delay: 0\nconcurrency: 2\n", "good.yaml")
    _write(tmp_path / "lists", "columns:\n  - {name: 财政收支, url: czsz/}\n", "bad.yaml")
    sites = _sites(tmp_path / "lists" / "sites.csv", [("甲县", site.url, "good.yaml"),  # beside the CSV
                                                      ("乙县", site.url + "b/", ""),
                                                      ("丙县", site.url + "c/", "bad.yaml")])
    out = tmp_path / "out"
    p = _zwgk("batch", str(sites), "--out", str(out), "--network", "loopback", cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert re.search(r"sites\.csv: 第4行（丙县）：站点配置文件 .*bad\.yaml：配置项「columns\[0\]\.url」", p.stderr)
    assert "甲县" not in p.stderr and "Traceback" not in p.stderr
    assert site.requests == [] and not out.exists()


def test_nightly_checks_profiles_first_and_passes_them_on(tmp_path, site):
    bad = _write(tmp_path, "root: [http://127.0.0.1:1/]\n", "bad.yaml")
    sites = _sites(tmp_path / "sites.csv", [("甲县", site.url, str(bad))])
    p = _zwgk("nightly", str(sites), "--out", str(tmp_path / "n1"), "--network", "loopback")
    assert p.returncode == 1 and "第2行（甲县）" in p.stderr and "未知的配置项「root」" in p.stderr, p.stderr
    assert site.requests == []
    p = _zwgk("schedule", str(sites), "--out", str(tmp_path / "n1"))
    assert p.returncode == 1 and "未知的配置项「root」" in p.stderr  # refused when scheduled, not at 02:30
    # a valid profile is used by the site's run: its root is asked for
    good = _write(tmp_path, f"roots: [{site.url}only-in-profile/]\n", "good.yaml")
    sites = _sites(tmp_path / "sites.csv", [("甲县", site.url, str(good))])
    _zwgk("nightly", str(sites), "--out", str(tmp_path / "n2"), "--network", "loopback", "--delay", "0")
    assert "/only-in-profile/" in site.requests
