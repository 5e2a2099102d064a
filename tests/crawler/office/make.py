"""Regenerates the Word 97-2003 (.doc) and Excel 97-2003 (.xls) fixtures beside this file with
LibreOffice — a real writer of those formats — so the tests read files as a word processor saves
them, not as our own reader expects. The tests never need LibreOffice; the committed files are used.

    apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui python3-uno
    /usr/bin/python3 tests/crawler/office/make.py

LibreOffice is started headless on a named pipe (no socket) and stopped at the end. The values
are those of tests/crawler/office/values.py: a valid 18-digit ID number, a bank card passing Luhn,
a mobile number, and a masked ID that must not count.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from values import CARD, ID, MASKED, MOBILE, PASSWORD  # noqa: E402

PIPE = f"zwgk_fixtures_{os.getpid()}"


def props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def connect(profile: str):
    proc = subprocess.Popen(["soffice", "--headless", "--norestore", "--nologo", "--nodefault",
                             f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={PIPE};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(100):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={PIPE};urp;StarOffice.ComponentContext")
            return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("LibreOffice did not start")


NOTICE = f"""<html><head><meta charset="utf-8"></head><body>
<p>关于2023年度农村最低生活保障对象的公示</p>
<p>根据《社会救助暂行办法》，经个人申请、村（居）委会评议、乡镇审核，现将拟纳入低保对象名单公示如下：</p>
<table border="1">
<tr><td>序号</td><td>姓名</td><td>身份证号</td><td>银行卡号</td><td>联系电话</td></tr>
<tr><td>1</td><td>张某某</td><td>{ID}</td><td>{CARD}</td><td>{MOBILE}</td></tr>
<tr><td>2</td><td>李某</td><td>{MASKED}</td><td></td><td></td></tr>
</table>
<p>公示期为5个工作日。如有异议，请拨打监督电话：0533-6212345。</p>
<p>某县民政局</p><p>2023年11月20日</p>
</body></html>"""


def writer_doc(desktop, tmp: Path, name: str, password: str | None = None, kingsoft: bool = False) -> None:
    src = tmp / "notice.html"
    src.write_text(NOTICE, encoding="utf-8")
    doc = desktop.loadComponentFromURL(src.as_uri(), "_blank", 0,
                                       props(FilterName="HTML (StarWriter)", Hidden=True))
    if kingsoft:
        # WPS 文字 saves .wps in the Word 97 format and adds this property (its build number), which
        # LibreOffice writes into DocumentSummaryInformation as WPS does
        doc.DocumentProperties.UserDefinedProperties.addProperty("KSOProductBuildVer", 0, "2052-11.1.0.11194")
    extra = {"Password": password} if password else {}
    doc.storeToURL((HERE / name).as_uri(), props(FilterName="MS Word 97", Overwrite=True, **extra))
    doc.close(True)


def calc_xls(desktop, name: str, password: str | None = None) -> None:
    doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))
    sheet = doc.Sheets.getByIndex(0)
    sheet.Name = "发放名单"
    rows = [["序号", "姓名", "身份证号", "银行卡号", "手机号码", "金额（元）"],
            [1, "王某", ID, float(CARD), MOBILE, 500.0],      # the card typed as a number, as clerks do
            [2, "赵某", MASKED, None, None, 300.5]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            cell = sheet.getCellByPosition(c, r)
            if isinstance(v, str):
                cell.setString(v)
            elif v is not None:
                cell.setValue(v)
    doc.Sheets.insertNewByName("说明", 1)
    doc.Sheets.getByIndex(1).getCellByPosition(0, 0).setString("联系人：民政局社会救助股")
    extra = {"Password": password} if password else {}
    doc.storeToURL((HERE / name).as_uri(), props(FilterName="MS Excel 97", Overwrite=True, **extra))
    doc.close(True)


def main() -> None:
    with tempfile.TemporaryDirectory() as profile:
        proc, desktop = connect(profile)
        try:
            writer_doc(desktop, Path(profile), "roster.doc")
            writer_doc(desktop, Path(profile), "encrypted.doc", PASSWORD)
            writer_doc(desktop, Path(profile), "kingsoft.wps", kingsoft=True)
            calc_xls(desktop, "roster.xls")
            calc_xls(desktop, "encrypted.xls", PASSWORD)
        finally:
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - the bridge closes as it quits
                pass
            proc.wait(timeout=30)
    for p in sorted(HERE.glob("*.*")):
        if p.suffix in (".doc", ".xls", ".wps"):
            print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
