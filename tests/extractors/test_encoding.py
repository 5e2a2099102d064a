import codecs

import pytest

from zwgk.crawler.extractors.encoding import decode_html

TEXT = "<html><head>{meta}</head><body>关于印发镕基金管理办法的通知</body></html>"


def page(label):
    return TEXT.format(meta=f'<meta http-equiv="Content-Type" content="text/html; charset={label}">' if label else "")


@pytest.mark.parametrize(("label", "encode_as", "header", "expected"), [
    ("gb2312", "gbk", None, "gb18030"),
    ("GBK", "gbk", None, "gb18030"),
    ("utf-8", "utf-8", None, "utf-8"),
    ("utf-8", "gbk", None, "gb18030"),          # mislabelled: says utf-8, is GBK
    ("gbk", "utf-8", None, "utf-8"),            # mislabelled: says GBK, is utf-8
    (None, "gbk", None, "gb18030"),
    (None, "utf-8", None, "utf-8"),
    (None, "gbk", "utf-8", "gb18030"),           # header wrong
    ("utf-8", "gbk", "GB2312", "gb18030"),
    ("iso-8859-1", "gbk", None, "gb18030"),
])
def test_decoding(label, encode_as, header, expected):
    text, enc = decode_html(page(label).encode(encode_as), header)
    assert enc == expected
    assert "关于印发镕基金管理办法的通知" in text


def test_bom_wins():
    text, enc = decode_html(codecs.BOM_UTF8 + page("gbk").encode("utf-8"))
    assert enc == "utf-8" and "镕" in text
    text, enc = decode_html(codecs.BOM_UTF16_LE + page(None).encode("utf-16-le"))
    assert enc == "utf-16-le" and "镕" in text


def test_big5():
    text, enc = decode_html("<html><body>政府資訊公開</body></html>".encode("big5"), "big5")
    assert enc == "big5" and "政府資訊公開" in text


@pytest.mark.parametrize("body", [b"", b"\xff" * 10, bytes(range(256)), b"<meta charset=\"x-unknown\">\xc4\xe3"])
def test_never_raises(body):
    text, enc = decode_html(body, "no-such-charset")
    assert isinstance(text, str) and enc
