"""`zwgk schedule`'s cron line creates the folder its log is appended to (cron's sh does not)."""
import shlex
import subprocess
import sys


def test_cron_line_creates_the_log_folder(tmp_path):
    out = tmp_path / "not" / "yet"
    p = subprocess.run([sys.executable, "-m", "zwgk.cli", "schedule", "http://www.example.gov.cn/", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert not out.exists()  # printing a line creates nothing
    line = p.stdout.strip()
    command = line.split(" ", 5)[5]  # what cron hands to /bin/sh
    first, _, rest = command.partition(" && ")
    assert shlex.split(first)[:2] == ["mkdir", "-p"]
    log = shlex.split(rest.split(" >> ", 1)[1])[0]
    assert log == str(out / "nightly.log")
    subprocess.run(["sh", "-c", first], check=True)  # the part of the line that runs before zwgk
    assert out.is_dir()
