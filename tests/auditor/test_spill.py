"""auditor/spill.py: rows written to a temporary file come back whole, in order, by key."""
from __future__ import annotations

import pytest

from zwgk.auditor import spill
from zwgk.auditor.spill import Spill, SpillError


def _rows(n: int, keys: int):
    return [(i, f"k{i % keys}", "标题" * (i % 7)) for i in range(n)]


@pytest.mark.parametrize("keep", [0, 10**6])  # read from the file each pass / the last part kept decoded
@pytest.mark.parametrize("n,keys,chunk", [(0, 1, 4), (1, 1, 4), (37, 3, 4), (1000, 250, 8), (600, 1, 512)])
def test_rows_come_back_in_order_and_by_key(n, keys, chunk, keep, monkeypatch):
    monkeypatch.setattr(spill, "KEEP_DECODED", keep)
    s = Spill(list, tuple, chunk=chunk)
    rows = _rows(n, keys)
    for r in rows:
        s.add(r[1], r)
    got = s.done()
    assert len(got) == n and bool(got) == (n > 0)
    assert list(got) == rows
    assert list(got) == rows  # iterated again: read again
    for k in {r[1] for r in rows}:
        part = got.part(k)
        assert list(part) == [r for r in rows if r[1] == k] and len(part) == len(list(part))
    assert list(got.part("nobody")) == [] and not got.part("nobody")
    assert list(got + ((-1, "x", ""),)) == rows + [(-1, "x", "")]


@pytest.mark.parametrize("keep", [0, 10**6])
def test_two_passes_in_step_do_not_disturb_each_other(keep, monkeypatch):
    monkeypatch.setattr(spill, "KEEP_DECODED", keep)
    s = Spill(list, tuple, chunk=3)
    for r in _rows(20, 2):
        s.add(r[1], r)
    got = s.done()
    pairs = list(zip(got, got.part("k0")))
    assert [a[0] for a, _ in pairs] == list(range(10)) and [b[0] for _, b in pairs] == list(range(0, 20, 2))


def test_many_keys_buffer_a_bounded_number_of_rows(monkeypatch):
    monkeypatch.setattr(spill, "BUFFERED", 50)
    s = Spill(list, tuple, chunk=40)
    for r in _rows(3000, 300):
        s.add(r[1], r)
        assert s.buffered <= 51
    got = s.done()
    assert list(got.part("k7")) == [r for r in _rows(3000, 300) if r[1] == "k7"]


def test_a_full_disk_is_a_chinese_error():
    s = Spill(list, tuple, chunk=2)
    s.file = open("/dev/full", "r+b")  # every write: ENOSPC
    s.add("a", (1,))
    with pytest.raises(SpillError, match="磁盘空间不足"):
        s.add("a", (2,))


def test_a_document_with_every_field_comes_back_equal():
    """snapshot._pack/_unpack name every field of Document: a field added to it and not to them fails here."""
    from dataclasses import fields
    from datetime import date, datetime

    from zwgk.auditor import model as am
    from zwgk.auditor.snapshot import _pack, _unpack, spill_documents

    d = am.Document(
        "http://127.0.0.1/a.html", "标题", "沂政发〔2023〕1号", date(2023, 1, 2), date(2023, 1, 5), "有效", "000-01",
        "县政府", "综合", "通知公告", "notice", "县财政局", 1200, False, ("http://127.0.0.1/j.html",), ("图解",),
        ("http://127.0.0.1/p.html",), (am.Attachment("http://127.0.0.1/a.pdf", "附件1", "pdf"),),
        datetime(2023, 1, 6, 8, 30), (("成文日期", "2023年13月1日"),), ("本办法自公布之日起废止",),
        (am.ContentHit("mobile", "138****0000", "电话138****0000", False, None, 2),),
        (am.Mention("县长", "张三", "县长张三"),), (am.TermHit("中国共产党", "中国共产觉", "…", "党章", "formulation", ""),))
    assert len(_pack(d)) == len(fields(am.Document))
    assert all(getattr(d, f.name) not in (None, (), 0, "") for f in fields(am.Document) if f.name != "is_interpretation")
    assert _unpack(_pack(d)) == d
    assert list(spill_documents([d, d]).part("县财政局")) == [d, d]


def test_one_part_is_kept_decoded_at_a_time(monkeypatch):
    monkeypatch.setattr(spill, "KEEP_DECODED", 100)
    decoded = []
    s = Spill(list, lambda r: decoded.append(r) or tuple(r), chunk=8)
    for r in _rows(300, 3):
        s.add(r[1], r)
    got = s.done()
    a, b = got.part("k0"), got.part("k1")
    list(a), list(a), list(a + ((0, "x", ""),))
    assert len(decoded) == 100  # read once while it is the part kept
    list(b), list(a)
    assert len(decoded) == 300  # another part read in between: read again
    list(got), list(got)
    assert len(decoded) == 900  # 300 rows: more than are kept, read at each pass


def test_values_documents_repeat_are_read_back_as_one_object():
    """Documents read back from one chunk share their 发布机构 / 栏目 / 评估对象 strings (each written
    once, as marshal's reference to it), so a part kept decoded holds each value once."""
    from zwgk.auditor import model as am
    from zwgk.auditor.snapshot import spill_documents

    def doc(i: int) -> am.Document:
        # new string objects for each document, as rows read from the database are
        return am.Document(f"http://127.0.0.1/{i}.html", f"标题{i}", None, None, None, "有效"[:], None,
                           "".join(["县", "财政局"]), "".join(["综", "合"]), "".join(["通知", "公告"]), "notice",
                           "".join(["县", "财政局"]), 10, False)

    a, b = list(spill_documents([doc(1), doc(2)]))
    assert (a.url, b.url) == ("http://127.0.0.1/1.html", "http://127.0.0.1/2.html")
    assert a.publisher == "县财政局" and a.publisher is b.publisher and a.office is b.office is a.publisher
    assert a.column is b.column and a.topic is b.topic
    assert a.title is not b.title
