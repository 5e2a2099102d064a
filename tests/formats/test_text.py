from zwgk.formats.text import norm, nospace, squash, strip_label


def test_norm():
    assert norm("  索\u3000引\u3000号 \xa0 ") == "索 引 号"
    assert norm("a&nbsp;&nbsp;b") == "a b"
    assert norm("２０２３（试行）") == "2023(试行)"
    assert norm(None) == ""


def test_squash_keeps_characters():
    assert squash(" 关于《办法》（试行）\u3000的通知 ") == "关于《办法》（试行） 的通知"


def test_strip_label():
    assert strip_label("【索　引　号】：") == "索引号"
    assert strip_label("发布日期:") == "发布日期"
    assert nospace(" 标 　题 ") == "标题"
