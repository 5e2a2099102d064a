"""Unit cases for the generic rules of fields.py that the corpus exercises only a few times."""
import lxml.html

from zwgk.crawler.extractors.fields import (_clean_doc_number, _clean_publisher, extract_document,
                                            label_pairs, linearize, same_policy, spread_label_rows)

URL = "http://www.example.gov.cn/art/2023/9/15/art_1_1.html"


def _pairs(html: str) -> dict:
    root = lxml.html.fromstring(html)
    spread_label_rows(root)
    return {p.field: p.value for p in label_pairs(linearize(root))}


def test_label_row_over_value_row():
    got = _pairs("<table><tr><td>索引号</td><td>发布机构</td><td>文号</td></tr>"
                 "<tr><td>000014349/2023-00001</td><td>县政府</td><td>沂政发〔2023〕1号</td></tr></table>")
    assert got == {"index_no": "000014349/2023-00001", "publisher": "县政府", "doc_number": "沂政发〔2023〕1号"}


def test_list_table_with_header_row_is_not_metadata():
    got = _pairs("<table><tr><th>标题</th><th>发布日期</th></tr>"
                 "<tr><td>甲</td><td>2021-01-10</td></tr><tr><td>乙</td><td>2021-02-10</td></tr></table>")
    assert got.get("publish_date") != "2021-01-10"


def test_doc_number_rejects_neighbouring_values():
    assert _clean_doc_number("11371328004341187B/2023-00072") is None
    assert _clean_doc_number("2023-07-28") is None
    assert _clean_doc_number("临政字[2023]05号") == "临政字[2023]05号"  # kept raw; the parser flags it
    assert _clean_doc_number("国令第711号") == "国令第711号"


def test_publisher_is_not_the_site_itself():
    assert _clean_publisher("本网") is None
    assert _clean_publisher("县财政局") == "县财政局"


def test_same_policy():
    title = "日照市人民政府关于印发日照市促进海洋经济高质量发展若干政策的通知"
    assert same_policy("图解：日照市促进海洋经济高质量发展若干政策", title)
    assert same_policy("市海洋发展局负责同志解读《日照市促进海洋经济高质量发展若干政策》", title)
    assert not same_policy("《日照市城市更新实施办法》政策解读", title)
    assert not same_policy("一图读懂《日照市优化营商环境十条措施》", title)
    assert not same_policy("任何解读", None)


def test_weak_time_label_in_running_text_is_not_the_publish_date():
    html = ("<html><body><h1>关于召开全县安全生产工作会议的通知</h1><div class='c'>"
            "<p>各镇人民政府，县直各部门：经研究，定于近期召开全县安全生产工作会议，现将有关事项通知如下。</p>"
            "<p>时间：2023年10月20日上午9:00</p><p>地点：县政府三楼会议室，请各单位准时参会，不得缺席。</p>"
            "</div></body></html>")
    doc = extract_document(html, URL)
    assert doc.publish_date is None and doc.reasons["publish_date"]
