"""Every CSV a user gives zwgk is read by one decoder (zwgk.formats.csvfile): UTF-8 with or
without BOM, GBK/GB18030 as Excel saves it on a Chinese Windows, UTF-16 "Unicode text"."""
import subprocess
import sys

import pytest

from zwgk.formats.csvfile import CsvEncodingError, decode_csv

TEXT = "指标编号,结论,依据,核查人,核查日期\nyy-002,不符合,省文件库有 12 件，本站只有 9 件,张三,2023-12-01\n"


def zwgk(*args):
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_decode_csv_reads_what_excel_and_editors_save(encoding):
    assert decode_csv(TEXT.encode(encoding)) == TEXT


def test_decode_csv_names_the_file_it_cannot_read():
    with pytest.raises(CsvEncodingError, match="^v.csv：无法识别文件编码"):
        decode_csv(b"\xff\xfeA\x00B", "v.csv")  # a UTF-16 BOM, then an odd byte count
    with pytest.raises(CsvEncodingError, match="GB18030"):
        decode_csv(b"a,b\n\x80\xff\n", "v.csv")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_verdicts_csv_saved_by_excel_is_accepted(tmp_path, encoding):
    f = tmp_path / "verdicts.csv"
    f.write_bytes(TEXT.encode(encoding))
    p = zwgk("verdicts", "check", str(f))
    assert p.returncode == 0, p.stderr
    assert "有效结论 1 条" in p.stdout


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8"])
def test_site_list_in_any_excel_encoding(tmp_path, encoding):
    f = tmp_path / "sites.csv"
    f.write_bytes("名称,网址\n县财政局,http://czj.example.gov.cn/\n".encode(encoding))
    p = zwgk("schedule", str(f), "--out", str(tmp_path / "out"))  # reads the list, crawls nothing
    assert p.returncode == 0, p.stderr
    assert "zwgk.cli nightly" in p.stdout


def test_site_list_that_is_not_text_is_refused(tmp_path):
    f = tmp_path / "sites.csv"
    f.write_bytes(b"\x00\x00\x01\x00\x80\xff\xfe")
    p = zwgk("schedule", str(f))
    assert p.returncode != 0 and "无法识别文件编码" in p.stderr and "Traceback" not in p.stderr
