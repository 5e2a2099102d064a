"""Property tests: no input makes the extractors raise or hang; fields stay well formed."""
import datetime as dt
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from zwgk.crawler.extractors.encoding import decode_html
from zwgk.crawler.extractors.fields import FIELDS, DocumentFields, extract_document
from zwgk.crawler.extractors.links import page_links

PAGES = sorted((Path(__file__).resolve().parents[1] / "data" / "pages").glob("*/*.html"))
URL = "http://www.example.gov.cn/a/b.html"
FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def well_formed(doc: DocumentFields) -> None:
    assert isinstance(doc, DocumentFields)
    for name in ("written_date", "publish_date"):
        v = getattr(doc, name)
        assert v is None or isinstance(v, dt.date)
    for name in ("title", "doc_number", "index_no", "publisher", "topic", "validity"):
        v = getattr(doc, name)
        assert v is None or (isinstance(v, str) and v.strip())
    assert doc.validity in (None, "有效", "失效", "废止", "已修改", "部分失效", "尚未生效")
    for name in FIELDS:
        if getattr(doc, name) is None:
            assert doc.reasons.get(name)
    d = doc.as_json()
    assert isinstance(d["body_chars"], int)


@FAST
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(body):
    well_formed(extract_document(body, URL))
    text, enc = decode_html(body)
    assert isinstance(text, str) and enc


@FAST
@given(st.sampled_from(PAGES), st.floats(0, 1))
def test_truncated_pages(path, frac):
    data = path.read_bytes()
    well_formed(extract_document(data[: int(len(data) * frac)], URL))


@FAST
@given(st.sampled_from(PAGES), st.text(alphabet="abcdefgiklmnoprstuxz0123456789-_ ", max_size=20))
def test_random_encoding_labels(path, label):
    text, enc = decode_html(path.read_bytes(), label)
    assert isinstance(text, str)
    well_formed(extract_document(path.read_bytes(), URL, charset=label))


@FAST
@given(st.text(max_size=3000))
def test_arbitrary_text(text):
    well_formed(extract_document(text, URL))
    for link in page_links(text, URL):
        assert link.kind in ("站内", "站外", "附件", "图片")


@FAST
@given(st.lists(st.sampled_from(["<div>", "</div>", "<td>", "<tr>", "<table>", "</p>", "<p>", "发布日期：",
                                 "2023-09-15", "文号：", "国发〔2023〕5号", "<a href='x.pdf'>", "</a>", "索引号",
                                 "<b>", "\u3000", "&nbsp;", "<script>", "相关解读", "<h1>标题</h1>"]), max_size=300))
def test_random_tag_soup(parts):
    well_formed(extract_document("".join(parts), URL))


def test_deeply_nested_markup():
    for n in (5000, 20000):
        html = "<html><body>" + "<div>" * n + "发布日期：2023-09-15<p>正文内容。</p>" + "</div>" * n + "</body></html>"
        start = time.monotonic()
        doc = extract_document(html, URL)
        assert time.monotonic() - start < 5
        well_formed(doc)


def test_many_siblings_fast():
    html = "<html><body>" + "<p>正文段落，内容。</p>" * 20000 + "</body></html>"
    start = time.monotonic()
    well_formed(extract_document(html, URL))
    assert time.monotonic() - start < 10


def test_none_and_empty():
    for body in (b"", "", b"\x00\x00", "   ", b"\xff\xfe", None):
        doc = extract_document(body, URL)
        well_formed(doc)
        assert doc.reasons["title"]


def test_many_interpretation_like_links_fast():
    links = "".join(f"<li><a href='/jd/{i}.html'>《某某县第{i}号政策措施的实施细则》政策解读</a></li>" for i in range(5000))
    html = f"<html><body><h1>《某某县政策措施的实施细则》政策解读</h1><ul>{links}</ul></body></html>"
    start = time.monotonic()
    well_formed(extract_document(html, URL))
    assert time.monotonic() - start < 10
