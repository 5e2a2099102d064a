"""What a reader sees instead of developer text: document names, failure codes, column kinds, keys."""
import pytest

from zwgk.vocab import FIELD_LABELS, column_kind_name, document_name, error_text, field_label


@pytest.mark.parametrize("source, name", [
    ("2023年沂源县政务公开工作方案 附件2（../shared/seeds/002_ff479ca82672f711.txt）", "2023年沂源县政务公开工作方案 附件2"),
    ("国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》附件1，据 ../shared/DOMAIN.md (b) 转述",
     "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》附件1"),
    ("2023年山亭区政务公开工作要点 附件（seeds/000.txt）", "2023年山亭区政务公开工作要点 附件"),
    ("方案（附件2，2023年版）", "方案（附件2，2023年版）"),            # no path: kept as written
    ("主动公开/法定基础信息 目录", "主动公开/法定基础信息 目录"),        # a heading path is not a file
    (None, None),
])
def test_document_name(source, name):
    assert document_name(source) == name


@pytest.mark.parametrize("text, shown", [
    ("soft-404", "软404（页面已不存在，服务器却返回正常）"),
    ("soft-404（与不存在页面的返回相同）", "软404（与不存在页面的返回相同）"),
    ("ResponseDataLossError", "响应数据不完整（连接中断）"),
    ("请求失败（CannotResolveHostError）", "请求失败（域名无法解析）"),
    ("SomethingNewError", "网络请求失败"),
    ("HTTP 500（已重试 2 次）", "HTTP 500（已重试 2 次）"),
    ("疑似防火墙（WAF）拦截页面", "疑似防火墙（WAF）拦截页面"),
    (404, 404),
])
def test_error_text(text, shown):
    assert error_text(text) == shown


def test_column_kinds_and_labels():
    assert column_kind_name("budget") == "财政预决算" and column_kind_name("normative") == "行政规范性文件"
    assert column_kind_name("decision") == "重大行政决策" and column_kind_name("unknown") == "unknown"
    for key in ("first_seen", "days_open", "redirects", "pages", "share", "has_children", "manual_indicators"):
        assert field_label(key) == FIELD_LABELS[key] and not field_label(key).isascii()
