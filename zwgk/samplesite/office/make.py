"""Regenerates the sample site's legacy Office attachments beside this file — notice.doc (Word
97-2003), notice.wps (WPS 文字: the same Word 97 binary in an OLE file, with the
KSOProductBuildVer property WPS writes) and notice.xls (Excel 97-2003) — with LibreOffice, a real
writer of those formats, so that the offline demo serves files a reader opens as a word processor
saved them (files.attachment returns them for every .doc / .wps / .xls of the site). The site
and the tests never need LibreOffice; the committed files are used.

    apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui
    python3 zwgk/samplesite/office/make.py

Their text is a plain notice and a table of counts: no names, ID, card or phone numbers, no
address, so reading them adds no finding to the sample site's answer key. Only the standard
library and the `soffice` command are used (`--convert-to`, headless, a throwaway profile):
nothing here is a dependency of zwgk. LibreOffice's HTML import keeps an unknown <meta name>
as a user-defined document property, which its Word 97 export writes into
DocumentSummaryInformation, where WPS keeps KSOProductBuildVer.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

BODY = """<p>附件</p>
<p>有关工作材料</p>
<p>为做好有关工作，现将材料印发给你们，请结合实际认真贯彻执行。</p>
<p>一、提高思想认识，加强组织领导。各单位要明确分管负责同志，落实专门工作人员。</p>
<p>二、明确工作责任，抓好任务落实。各单位要对照任务分工，按时完成各项工作。</p>
<p>三、加强宣传引导，营造良好氛围。通过政府网站、政务新媒体等渠道做好政策解读。</p>
<p>执行中遇到的问题，请及时向县人民政府办公室反映。</p>
<p>示例县人民政府办公室</p>"""

TABLE = """序号,项目,单位,数量,备注
1,主动公开政策文件,件,12,
2,发布政策解读,篇,8,含图文解读
3,召开新闻发布会,场,3,
4,办理依申请公开,件,25,均按期答复
合计,,,48,
"""


def page(*, kingsoft: bool) -> str:
    # WPS 文字 saves .wps in the Word 97 format and adds its build number as this property
    mark = '<meta name="KSOProductBuildVer" content="2052-11.1.0.11194">' if kingsoft else ""
    return (f'<html><head><meta charset="utf-8">{mark}<title>有关工作材料</title></head>'
            f"<body>\n{BODY}\n</body></html>\n")


def convert(src: Path, to: str, profile: Path, outdir: Path, infilter: str | None = None) -> Path:
    cmd = ["soffice", "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", to, "--outdir", str(outdir), str(src)]
    if infilter:
        cmd[1:1] = [f"--infilter={infilter}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    out = outdir / f"{src.stem}.{to.split(':')[0]}"
    if not out.is_file():
        raise SystemExit(f"LibreOffice wrote no {out.name}")
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        profile, out = t / "profile", t / "out"
        (t / "doc.html").write_text(page(kingsoft=False), encoding="utf-8")
        (t / "wps.html").write_text(page(kingsoft=True), encoding="utf-8")
        (t / "xls.csv").write_text(TABLE, encoding="utf-8")
        # CSV filter options: comma, double quote, UTF-8 (76), from line 1
        made = {"notice.doc": convert(t / "doc.html", "doc:MS Word 97", profile, out),
                "notice.wps": convert(t / "wps.html", "doc:MS Word 97", profile, out),
                "notice.xls": convert(t / "xls.csv", "xls:MS Excel 97", profile, out, "CSV:44,34,76,1")}
        for name, path in made.items():
            shutil.copyfile(path, HERE / name)
            print(name, (HERE / name).stat().st_size)


if __name__ == "__main__":
    main()
