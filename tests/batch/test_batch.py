"""`zwgk batch`: two sample sites served on loopback, one report each and a ranking."""
import csv
import json
import subprocess
import sys

import pytest

from zwgk.commands.batch import read_sites
from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


def test_batch_two_sites(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    key = generate(a, seed=2023)
    generate(b, seed=7)
    with serve(a) as sa, serve(b) as sb:
        sites = tmp_path / "sites.csv"
        with sites.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["名称", "网址", "评估对象"])
            w.writerow(["甲县", sa.url, "县政府办公室"])
            w.writerow(["乙县", sb.url, "县政府办公室"])
        out = tmp_path / "out"
        p = subprocess.run([sys.executable, "-m", "zwgk.cli", "batch", str(sites), "--as-of", key["as_of"],
                            "--out", str(out), "--network", "loopback", "--concurrency", "8", "--delay", "0"],
                           capture_output=True, text=True, timeout=600)
        hits_a, hits_b = len(sa.requests), len(sb.requests)
    assert p.returncode == 0, p.stderr[-2000:]
    assert hits_a > 100 and hits_b > 100  # both sites really crawled
    ranking = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in ranking["sites"]] and {r["name"] for r in ranking["sites"]} == {"甲县", "乙县"}
    scores = [r["score"] for r in ranking["sites"]]
    assert scores == sorted(scores, reverse=True) and [r["rank"] for r in ranking["sites"]] == [1, 2]
    for r in ranking["sites"]:
        res = json.loads((out / r["folder"] / "results.json").read_text(encoding="utf-8"))
        assert res["summary"]["score"] == r["score"]
        assert (out / r["folder"] / "report.html").is_file()
    html = (out / "ranking.html").read_text(encoding="utf-8")
    assert "甲县" in html and "乙县" in html and "report.html" in html


def test_site_list_errors_name_the_line(tmp_path):
    import click

    bad = tmp_path / "s.csv"
    bad.write_text("名称,网址\n甲县,http://127.0.0.1:1/\n乙县,ftp://x/\n", encoding="utf-8")
    with pytest.raises(click.ClickException, match="第3行"):
        read_sites(bad)
    nourl = tmp_path / "n.csv"
    nourl.write_text("名称,地区\n甲县,x\n", encoding="utf-8")
    with pytest.raises(click.ClickException, match="网址"):
        read_sites(nourl)
