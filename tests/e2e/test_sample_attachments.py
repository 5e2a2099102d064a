"""The sample site's legacy Office attachments are real files: every .doc, .wps and .xls the run
downloads is read (none "无法读取"), and their plain text adds no personal information — so the
demo's findings are those of the answer key, with no unreadable-attachment noise. The planted
broken (404), intranet and drive-path .doc/.xls links stay what they are: not asked."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter

from zwgk.formats import ole
from zwgk.formats.doctext import text_of
from zwgk.formats.pii import detect
from zwgk.samplesite import files

LEGACY = ("doc", "wps", "xls")


def test_the_sample_files_are_word_wps_and_excel_97_without_personal_information():
    for ext in LEGACY:
        data = files.attachment(ext, "任意标题")
        assert data == files.attachment(ext, "另一个标题")          # the same bytes for every attachment
        # the bytes alone say which it is: a WPS-written Word 97 file carries KSOProductBuildVer
        assert ole.kind(ole.open_ole(data), "") == ext
        text = text_of(data, ext)
        assert "有关工作材料" in text or "主动公开政策文件" in text, text
        assert detect(text) == [], text


def test_every_legacy_office_attachment_the_run_downloads_is_read(sample_run):
    db = sqlite3.connect(sample_run.db.removeprefix("sqlite:///"))
    linked, marks, found = set(), {}, []
    for attachments, hits in db.execute("SELECT attachments, content_hits FROM document"):
        linked |= {a["url"] for a in json.loads(attachments or "[]") if (a.get("ext") or "").lower() in LEGACY}
        for h in json.loads(hits or "[]"):
            if h.get("attachment") in linked or (h.get("attachment") or "").rsplit(".", 1)[-1].lower() in LEGACY:
                if h["kind"] in ("read", "unread"):
                    marks.setdefault(h["attachment"], set()).add((h["kind"], h.get("error") or h.get("chars")))
                else:
                    found.append(h)
    db.close()

    unread = {u: m for u, m in marks.items() if any(k == "unread" for k, _ in m)}
    assert unread == {}, list(unread.items())[:5]
    assert all(chars > 0 for m in marks.values() for _, chars in m)
    assert found == []                                  # plain notice text: no personal information
    read = Counter(u.rsplit(".", 1)[-1].lower() for u in marks)
    assert all(read[ext] >= 3 for ext in LEGACY), read  # each format linked from several documents

    # what was not downloaded is exactly the planted defects: the 404 附件2.有关情况统计表.xls
    # (a broken link, not asked again), the intranet .doc, the drive path and the file:// link
    site = sample_run.site_url.rstrip("/")
    left = linked - set(marks)
    on_site = {u for u in left if u.startswith(site)}
    assert len(on_site) == 1 and on_site.pop().endswith("99000.xls"), on_site
    off_site = left - {u for u in left if u.startswith(site)}
    assert {u.split(":", 1)[0] for u in off_site} == {"http", "file", "D"}, off_site
    assert all(u.startswith(site) for u in marks)
