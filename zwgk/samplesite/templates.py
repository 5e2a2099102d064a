"""Jinja2 templates of the sample site: one page layout, four CMS families of list and document pages.

The families imitate markup seen on real Chinese government sites:
  trs   - TRS WCM: meta tags, 索引号/生成日期 table, createPageHTML() pagination, t20230915_123.html
  sdgk  - Shandong 政府信息公开平台: label/value <div><span> pairs, channel_/doc_ URLs
  govcn - gov.cn: one table with 索　引　号 (full-width spaces), 发文字号, 成文日期 in 年月日
  jcms  - 大汉 JCMS: /col/colN/index.html, /art/Y/M/D/art_C_N.html, list in <datastore>
Pages hold placeholders __SITE__ / __EXTERNAL__ which the sample server replaces.
"""
from __future__ import annotations

from jinja2 import DictLoader, Environment, select_autoescape

BASE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
{% if charset_meta %}<meta http-equiv="Content-Type" content="text/html; charset={{ charset_meta }}">
{% else %}<meta charset="utf-8">
{% endif %}<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{{ page_title }}</title>
{% for name, content in meta_tags %}<meta name="{{ name }}" content="{{ content }}">
{% endfor %}<link rel="stylesheet" type="text/css" href="/css/style.css">
<link rel="shortcut icon" href="/favicon.ico">
</head>
<body>
{% if o.is_portal %}
<div class="topbar"><div class="w1200"><span>欢迎访问{{ site.name }}门户网站</span>
<span class="fr"><a href="/wza/">无障碍浏览</a> | <a href="/search/index.html">高级检索</a> | <a href="/sitemap.html">网站地图</a></span></div></div>
<div class="header"><div class="w1200"><a href="__SITE__/" class="logo"><img src="/images/logo.png" alt="{{ site.name }}"></a>
<form class="search" action="/search/index.html" method="get"><input type="text" name="q" placeholder="请输入关键词"><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul class="w1200">
<li><a href="/">首页</a></li>
<li><a href="/xxgk/">政府信息公开</a></li>
<li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li>
<li><a href="/zjsx/">走进示例</a></li>
</ul></div>
{% else %}
<div class="dept-top"><div class="w1200"><a href="/">{{ site.name }}</a> | <a href="/xxgk/">县政府信息公开</a></div></div>
<div class="dept-header {{ o.family }}"><div class="w1200"><h1 class="dept-name">{{ o.full_name }}</h1><p class="dept-sub">政府信息公开</p></div></div>
<div class="dept-nav"><ul class="w1200"><li><a href="{{ o.root }}">信息公开首页</a></li>{% for c in o.nav_columns %}<li><a href="{{ c.path }}">{{ c.name }}</a></li>{% endfor %}</ul></div>
{% endif %}
<div class="w1200 main">
{% if crumbs %}<div class="position">当前位置：{% for text, href in crumbs %}{% if href %}<a href="{{ href }}">{{ text }}</a>{% else %}<span>{{ text }}</span>{% endif %}{% if not loop.last %} &gt; {% endif %}{% endfor %}</div>{% endif %}
{% block content %}{% endblock %}
</div>
{% if o.is_portal %}
<div class="footer"><div class="w1200">
<div class="links">相关链接：<a href="__EXTERNAL__/gov/" target="_blank">中国政府网</a> <a href="__EXTERNAL__/sd/" target="_blank">山东省人民政府</a> <a href="__EXTERNAL__/city/" target="_blank">示例市人民政府</a></div>
<div class="conac"><a href="__EXTERNAL__/conac/cert?sitecode={{ site.conac_code }}" target="_blank"><img src="/images/red.png" alt="党政机关网站标识" title="党政机关网站标识"></a></div>
<p>主办单位：{{ site.name }}办公室　承办单位：示例县大数据中心　联系电话：0533-3221234</p>
<p>{% for mark in site.footer_marks %}<span>{{ mark | safe }}</span>　{% endfor %}</p>
<p>地址：山东省示例市示例县府前街1号　邮编：256100　<a href="/wzjc/">我为政府网站找错</a></p>
</div></div>
{% else %}
<div class="footer dept"><div class="w1200">
<p>主办单位：{{ o.full_name }}　地址：{{ o.address }}　联系电话：{{ o.phone }}</p>
<p>技术支持：示例县大数据中心　<a href="/">返回县政府门户网站</a></p>
</div></div>
{% endif %}
</body>
</html>
"""

# Metadata blocks in each family's markup. `d.meta` is a list of (label, value) pairs.
DOC_TRS = """{% extends "base.html" %}{% block content %}
<div class="xxgk-detail">
{% if d.meta %}<table class="xxgk_table" cellspacing="0" cellpadding="0" border="1">
{% for row in d.meta %}<tr>{% for label, value in row %}<td class="t1">{{ label }}</td><td class="t2">{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endif %}
<h1 class="article-title">{{ d.title }}</h1>
{% if d.info_line %}<div class="article-info">{{ d.info_line }}　<span>【字体：<a href="javascript:void(0)">大</a> <a href="javascript:void(0)">中</a> <a href="javascript:void(0)">小</a>】</span></div>{% endif %}
<div class="TRS_Editor" id="zoom">
{{ d.body | safe }}
</div>
{% include "doc_tail.html" %}
</div>
{% endblock %}"""

DOC_SDGK = """{% extends "base.html" %}{% block content %}
<div class="gk-content">
{% if d.meta %}<div class="gk-info">
{% for row in d.meta %}{% for label, value in row %}<div class="gk-item"><span class="gk-label">{{ label }}</span><span class="gk-value">{{ value }}</span></div>
{% endfor %}{% endfor %}</div>{% endif %}
<div class="gk-title"><h2>{{ d.title }}</h2></div>
{% if d.info_line %}<div class="gk-source">{{ d.info_line }}</div>{% endif %}
<div class="gk-article">
{{ d.body | safe }}
</div>
{% include "doc_tail.html" %}
</div>
{% endblock %}"""

DOC_GOVCN = """{% extends "base.html" %}{% block content %}
<div class="policy-box">
{% if d.meta %}<table class="bd1" width="100%" border="0" cellspacing="1" cellpadding="0" bgcolor="#eaeaea">
<tbody>
{% for row in d.meta %}<tr>{% for label, value in row %}<td width="12%" class="label"><b>{{ label }}</b></td><td width="38%"{% if row | length == 1 %} colspan="3"{% endif %}>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}
<div class="pages_content">
<h1>{{ d.title }}</h1>
{% if d.info_line %}<div class="pages-date">{{ d.info_line }}</div>{% endif %}
<div id="UCAP-CONTENT">
{{ d.body | safe }}
</div>
</div>
{% include "doc_tail.html" %}
</div>
{% endblock %}"""

DOC_JCMS = """{% extends "base.html" %}{% block content %}
<div class="zw-box">
{% if d.meta %}<table class="xxgk_top" width="100%">
{% for row in d.meta %}<tr>{% for label, value in row %}<td class="tit">{{ label }}</td><td class="con">{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endif %}
<div class="zw-title" id="ivs_title">{{ d.title }}</div>
{% if d.info_line %}<div class="zw-info">{{ d.info_line }}</div>{% endif %}
<div class="zw-con" id="zoom">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{{ d.body | safe }}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</div>
{% include "doc_tail.html" %}
</div>
{% endblock %}"""

DOC_TAIL = """{% if d.attachments %}<div class="fujian"><span class="fj-label">附件：</span><ul>
{% for a in d.attachments %}<li><a href="{{ a.href }}"{% if a.ext in ('pdf','doc','docx','xls','xlsx','wps','zip') %} target="_blank"{% endif %}>{{ a.name }}</a></li>
{% endfor %}</ul></div>{% endif %}
{% if d.related %}<div class="xgjd"><h4>{{ d.related_label }}</h4><ul>
{% for title, href in d.related %}<li><a href="{{ href }}" target="_blank">{{ title }}</a></li>
{% endfor %}</ul></div>{% endif %}
{% if d.policy_links %}<div class="zcyw"><span>{{ d.policy_label }}</span>{% for title, href in d.policy_links %}<a href="{{ href }}">{{ title }}</a>{% endfor %}</div>{% endif %}
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
"""

# Lists. `entries` are dicts: title, href, date. `pager` is rendered by the macro below.
PAGER = """{% macro pager(p) -%}
{% if p.style == 'trs-js' -%}
<div class="page"><script type="text/javascript" src="/js/page.js"></script>
<script type="text/javascript">
var currentPage = {{ p.current - 1 }};//所在页从0开始
var countPage = {{ p.count }}//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script></div>
{%- elif p.style == 'next-last' -%}
<div class="fenye">共{{ p.total }}条　每页{{ p.size }}条　当前第{{ p.current }}/{{ p.count }}页　
{% if p.current > 1 %}<a href="{{ p.href(1) }}">首页</a> <a href="{{ p.href(p.current - 1) }}">上一页</a>{% else %}<span>首页</span> <span>上一页</span>{% endif %}
{% if p.current < p.count %}<a href="{{ p.href(p.current + 1) }}">下一页</a> <a href="{{ p.href(p.count) }}">尾页</a>{% else %}<span>下一页</span> <span>尾页</span>{% endif %}
</div>
{%- elif p.style == 'query' -%}
{% if p.count > 1 %}<div class="pagination"><ul>
{% if p.current > 1 %}<li><a href="?page={{ p.current - 1 }}">&lt; 上一页</a></li>{% endif %}
{% for n in range(1, p.count + 1) %}{% if n == p.current %}<li class="active"><span>{{ n }}</span></li>{% else %}<li><a href="?page={{ n }}">{{ n }}</a></li>{% endif %}
{% endfor %}{% if p.current < p.count %}<li><a href="?page={{ p.current + 1 }}">下一页 &gt;</a></li>{% endif %}
</ul></div>{% endif %}
{%- endif %}
{%- endmacro %}"""

LIST_TRS = """{% extends "base.html" %}{% from "pager.html" import pager %}{% block content %}
<div class="list-box">
<div class="list-title"><h3>{{ col.name }}</h3></div>
{% if entries %}<ul class="list">
{% for e in entries %}<li><a href="{{ e.href }}" target="_blank" title="{{ e.title }}">{{ e.title }}</a><span class="date">{{ e.date }}</span></li>
{% endfor %}</ul>
{{ pager(p) }}{% else %}<div class="no-data">暂无信息</div>{% endif %}
{% for text, href in col.extra_links %}<p class="more"><a href="{{ href }}">{{ text }}</a></p>{% endfor %}
</div>
{% endblock %}"""

LIST_SDGK = """{% extends "base.html" %}{% from "pager.html" import pager %}{% block content %}
<div class="gk-list">
<div class="gk-list-head"><span class="name">{{ col.name }}</span></div>
{% if entries %}<table class="gk-table" width="100%">
<tr class="thead"><th>序号</th><th>标题</th><th>发布日期</th></tr>
{% for e in entries %}<tr><td>{{ p.offset + loop.index }}</td><td class="title"><a href="{{ e.href }}" target="_blank">{{ e.title }}</a></td><td class="date">{{ e.date_cn }}</td></tr>
{% endfor %}</table>
{{ pager(p) }}{% else %}<div class="gk-empty">该栏目暂无信息</div>{% endif %}
{% for text, href in col.extra_links %}<p class="more"><a href="{{ href }}">{{ text }}</a></p>{% endfor %}
</div>
{% endblock %}"""

LIST_GOVCN = """{% extends "base.html" %}{% from "pager.html" import pager %}{% block content %}
<div class="news_box">
<div class="list-title">{{ col.name }}</div>
{% if entries %}<div class="list list_1 list_2"><ul>
{% for e in entries %}<li><h4><a href="{{ e.href }}" target="_blank">{{ e.title }}</a><span class="date">{{ e.date_dot }}</span></h4></li>
{% endfor %}</ul></div>
{{ pager(p) }}{% else %}<div class="list-empty">暂无内容</div>{% endif %}
{% for text, href in col.extra_links %}<p class="more"><a href="{{ href }}">{{ text }}</a></p>{% endfor %}
</div>
{% endblock %}"""

# 大汉 JCMS: records sit inside <script type="text/xml">; jpage.js paginates them client side.
LIST_JCMS = """{% extends "base.html" %}{% block content %}
<div class="lm-box">
<div class="lm-title">{{ col.name }}</div>
<div id="{{ col.unit_id }}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[]]></nextgroup>
<recordset>
{% for e in entries %}<record><![CDATA[
<li><a href="{{ e.href }}" target="_blank" title="{{ e.title }}">{{ e.title }}</a><span class="bt-data-time">[{{ e.date }}]</span></li>
]]></record>
{% endfor %}</recordset>
</datastore></script><script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script language="javascript">var pageSize = 15; var totalRecord = {{ entries | length }};
jpage_show('{{ col.unit_id }}', pageSize, totalRecord);</script></div>
{% for text, href in col.extra_links %}<p class="more"><a href="{{ href }}">{{ text }}</a></p>{% endfor %}
</div>
{% endblock %}"""

# Disclosure root of an office: groups of columns.
XXGK_INDEX = """{% extends "base.html" %}{% block content %}
<div class="xxgk-index {{ o.family }}">
<div class="xxgk-left"><h3>{{ heading }}</h3>
<ul class="xxgk-nav">
{% for group in groups %}<li class="group"><span class="group-name">{% if group.href %}<a href="{{ group.href }}">{{ group.name }}</a>{% else %}{{ group.name }}{% endif %}</span>
{% if group.columns %}<ul>{% for c in group.columns %}<li><a href="{{ c.path }}">{{ c.name }}</a></li>{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul>
{% if extra_links %}<ul class="xxgk-other">{% for text, href in extra_links %}<li><a href="{{ href }}">{{ text }}</a></li>{% endfor %}</ul>{% endif %}
</div>
<div class="xxgk-right">
{% for block in blocks %}<div class="xxgk-block"><div class="block-head"><span>{{ block.name }}</span>{% if block.more %}<a class="more" href="{{ block.more }}">更多&gt;&gt;</a>{% endif %}</div>
<ul>{% for e in block.entries %}<li><a href="{{ e.href }}" target="_blank">{{ e.title }}</a><span>{{ e.date }}</span></li>{% endfor %}</ul></div>
{% endfor %}
{% if departments %}<div class="bmxxgk"><div class="block-head"><span>部门信息公开</span></div><ul class="bm-list">
{% for dep in departments %}<li><a href="{{ dep.root }}" target="_blank">{{ dep.name }}</a></li>{% endfor %}
</ul></div>{% endif %}
</div>
</div>
{% endblock %}"""

HOME = """{% extends "base.html" %}{% block content %}
<div class="home">
<div class="banner"><img src="/images/banner.jpg" alt="示例县风光"></div>
<div class="home-news">
<div class="tab"><span class="on">要闻动态</span><a class="more" href="/xwzx/ywdt/">更多</a></div>
<ul>{% for e in news %}<li><a href="{{ e.href }}" target="_blank">{{ e.title }}</a><span>{{ e.date }}</span></li>{% endfor %}</ul>
<div class="tab"><span class="on">通知公告</span><a class="more" href="/xwzx/tzgg/">更多</a></div>
<ul>{% for e in notices %}<li><a href="{{ e.href }}" target="_blank">{{ e.title }}</a><span>{{ e.date }}</span></li>{% endfor %}</ul>
</div>
<div class="home-gk"><div class="tab"><span class="on">政务公开</span><a class="more" href="/xxgk/">更多</a></div>
<ul class="gk-links">{% for c in gk_columns %}<li><a href="{{ c.path }}">{{ c.name }}</a></li>{% endfor %}</ul>
<ul>{% for e in policies %}<li><a href="{{ e.href }}" target="_blank">{{ e.title }}</a><span>{{ e.date }}</span></li>{% endfor %}</ul>
</div>
<div class="home-service"><div class="tab"><span class="on">政务服务</span></div>
<ul>{% for text, href in services %}<li><a href="{{ href }}">{{ text }}</a></li>{% endfor %}</ul></div>
<div class="home-hd"><div class="tab"><span class="on">互动交流</span></div>
<ul>{% for text, href in interactions %}<li><a href="{{ href }}">{{ text }}</a></li>{% endfor %}</ul></div>
</div>
{% endblock %}"""

SIMPLE = """{% extends "base.html" %}{% block content %}
<div class="simple-page"><h2>{{ heading }}</h2>
{% for para in paragraphs %}<p>{{ para }}</p>
{% endfor %}{% if links %}<ul class="links">{% for text, href in links %}<li><a href="{{ href }}">{{ text }}</a></li>{% endfor %}</ul>{% endif %}
</div>
{% endblock %}"""

ERROR_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/css/style.css"></head>
<body><div class="error-page"><img src="/images/404.png" alt=""><h2>{{ title }}</h2><p>{{ message }}</p>
<p><a href="/">返回首页</a></p></div></body></html>
"""

TEMPLATES = {
    "base.html": BASE,
    "pager.html": PAGER,
    "doc_tail.html": DOC_TAIL,
    "doc_trs.html": DOC_TRS,
    "doc_sdgk.html": DOC_SDGK,
    "doc_govcn.html": DOC_GOVCN,
    "doc_jcms.html": DOC_JCMS,
    "list_trs.html": LIST_TRS,
    "list_sdgk.html": LIST_SDGK,
    "list_govcn.html": LIST_GOVCN,
    "list_jcms.html": LIST_JCMS,
    "xxgk_index.html": XXGK_INDEX,
    "home.html": HOME,
    "simple.html": SIMPLE,
    "error.html": ERROR_PAGE,
}

# Shared static files (placeholder-free, ASCII only).
PAGE_JS = """/* TRS WCM pagination: index.html, index_1.html, index_2.html ... */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  function name(i){ return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; }
  if(nCurrIndex == 0){ document.write("<span>\\u9996\\u9875</span> "); }
  else { document.write("<a href=\\"" + name(0) + "\\">\\u9996\\u9875</a> ");
         document.write("<a href=\\"" + name(nCurrIndex - 1) + "\\">\\u4e0a\\u4e00\\u9875</a> "); }
  if(nCurrIndex < _nPageCount - 1){
    document.write("<a href=\\"" + name(nCurrIndex + 1) + "\\">\\u4e0b\\u4e00\\u9875</a> ");
    document.write("<a href=\\"" + name(_nPageCount - 1) + "\\">\\u5c3e\\u9875</a>");
  }
}
"""

JPAGE_JS = """/* JCMS-like client side pager over <datastore> records */
function jpage_show(id, perPage, total){
  var box = document.getElementById(id); if(!box){ return; }
  var xml = box.getElementsByTagName('script')[0].text;
  var recs = xml.split('<record><![CDATA[');
  var html = '<ul>';
  for(var i = 1; i < recs.length && i <= perPage; i++){ html += recs[i].split(']]></record>')[0]; }
  box.insertAdjacentHTML('beforeend', html + '</ul>');
}
"""

STYLE_CSS = """body{font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;margin:0;color:#333}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.w1200{width:1200px;margin:0 auto}.fr{float:right}
.nav{background:#b51a1a}.nav li{display:inline-block;padding:0 24px}.nav a{color:#fff}
.xxgk_table,.bd1,.xxgk_top{border-collapse:collapse;width:100%;margin:10px 0}
.xxgk_table td,.bd1 td,.xxgk_top td{border:1px solid #ddd;padding:4px 8px}
.list li,.list_1 li{list-style:none;border-bottom:1px dashed #ddd}.date{float:right;color:#999}
.footer{background:#f2f2f2;text-align:center;padding:20px 0;margin-top:30px}
.gk-item{display:inline-block;width:48%}.gk-label{color:#666}
"""

_ENV: Environment | None = None


def env() -> Environment:
    """The shared Jinja2 environment (autoescaping on; bodies are passed as markup)."""
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                           trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    return _ENV
