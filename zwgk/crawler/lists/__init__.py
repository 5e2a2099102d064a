"""List mechanisms as adapters: how a column's entries beyond its HTML are reached.

A list page is read by `discovery` (entries, pagination links, sub-column menus); each adapter
here recognises one further mechanism on the page and says what else to ask (ListRequest: GET or
POST, and which adapter reads the answer), and, for answers that are not HTML (XML, JSON), reads
their entries. Adding a CMS family = adding a module with `read_page` and, when its answers are
data, `answers` + `read_answer`, and listing it in ADAPTERS.

  pager    the static pager: 下一页 / page-number links, or a script pager's 共N页 and URL pattern
  trs      TRS WCM createPageHTML (classic and six-argument forms)
  jcms     大汉 JCMS: the first records inline in <datastore>, the rest from dataproxy.jsp (XML)
  gkmlpt   Guangdong 政府信息公开目录: an SPA shell (window._CONFIG SID/TREE), lists from a JSON API
  iframe   a list inside a same-host <iframe>
  fujian   Fujian 动静结合: a few static pages (pageChnlInfo {chnlid, recordCount}), the whole list
           from the platform's POST /fjdzapp/search (JSON)
  ewb      国泰新点 EWB-FRONT: POST …/rest/lightfrontaction/getgovinfolist (JSON body and answer),
           siteGuid from the page or its site script (webBuilderCommon.js / ajaxReq.js)
  jpaas    大汉 jpaas: a unit script's querydata → GET /api-gateway/jpaas-publish-server/front/page/
           build/unit?…&paramJson={"pageNo":N} (JSON data.html, total in the pager's count)
  truecms  truecms: a jpage config (proxyUrl …messageController/getMessage.do, columnId) → GET
           windows (startrecord/endrecord) answered as JSONP around datastore XML
  igs      TRS IGS search: a script naming /igs/front/search/list.html and its index parameters →
           GET pages (pageNumber from 1), JSON page.content / page.total
  xxgk     大汉 信息公开 module: infotypeId / jdid / divid on the page → POST /module/xxgk/search.jsp
           pages (currpage from 1), HTML fragments with a 共N页 pager
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin


@dataclass(frozen=True)
class ListRequest:
    """One more request for a column's list: its answer is read by `adapter` ('html': an
    ordinary list page)."""
    url: str
    method: str = "GET"
    body: str = ""        # form-encoded, for POST
    adapter: str = "html"

    def key(self) -> str:
        """Identity among requests: a POST's body is part of it."""
        return self.url if not self.body else f"{self.url}\x00{self.method}\x00{self.body}"

    def to_json(self) -> list:
        return [self.url, self.method, self.body, self.adapter]

    @classmethod
    def from_json(cls, row: list) -> "ListRequest":
        return cls(*row)


@dataclass
class ListRead:
    """What an adapter read: entries (url, title, date | None), sub-columns (url, name, kind),
    further pages of the same HTML list (url), further requests, and what the list says it holds
    (records, pages) for the coverage account."""
    entries: list = field(default_factory=list)
    subcolumns: list = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    requests: list[ListRequest] = field(default_factory=list)
    expected: dict = field(default_factory=dict)
    ranges: list[tuple] = field(default_factory=list)  # runs of numbered pages: set by read_page once merged

    def all_pages(self) -> list[str]:
        """Every further page: the URLs and those of the runs."""
        from zwgk.crawler.lists.pager import run_urls

        return self.pages + [u for r in self.ranges for u in run_urls(r)]

    def merge(self, other: "ListRead") -> "ListRead":
        self.entries += other.entries
        self.subcolumns += other.subcolumns
        # a set beside the list: a full pager (944 page links on each of 945 list pages) made the
        # list's own `in` quadratic — 4 % of the 400k bench's crawl time
        seen = set(self.pages)
        self.pages += [u for u in other.pages if not (u in seen or seen.add(u))]
        self.requests += other.requests
        for k, v in other.expected.items():
            if v is not None:
                self.expected[k] = max(v, self.expected.get(k) or 0)
        return self


_MARKUP = re.compile(r"<[^>]+>")


def json_object(text: str) -> dict:
    """A JSON answer's top object ({} when the answer is no JSON object)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def record_entries(base: str, records, *, link: tuple[str, ...], title: tuple[str, ...], when: tuple[str, ...],
                   day=None) -> list[tuple]:
    """Entries (url, title, date | None) of a data answer's records: for each, the first key of
    `link`, `title` and `when` it has; titles without markup (search answers highlight hits);
    `day` reads a date value (default: the one date parser)."""
    from zwgk.formats.dates import parse_date

    day = day or (lambda v: parse_date(str(v)))
    out = []
    for r in records if isinstance(records, list) else []:
        if not isinstance(r, dict):
            continue
        url = next((r[k] for k in link if r.get(k)), None)
        name = next((r[k] for k in title if r.get(k)), None)
        if url and name:
            stamp = next((r[k] for k in when if r.get(k)), None)
            out.append((urljoin(base, str(url)), _MARKUP.sub("", str(name)).strip(), day(stamp) if stamp else None))
    return out


def _adapters():
    from zwgk.crawler.lists import ewb, fujian, gkmlpt, iframe, igs, jcms, jpaas, pager, trs, truecms, xxgk

    return {"trs": trs, "pager": pager, "jcms": jcms, "gkmlpt": gkmlpt, "iframe": iframe, "fujian": fujian,
            "ewb": ewb, "jpaas": jpaas, "truecms": truecms, "igs": igs,
            "xxgk": xxgk}


def read_page(tree, url: str, html: str, entries: int) -> ListRead:
    """What the adapters find on an HTML list page that already showed `entries` entries."""
    from zwgk.crawler.lists.pager import number_runs

    out = ListRead()
    for mod in _adapters().values():
        out.merge(mod.read_page(tree, url, html, entries))
    out.pages, out.ranges = number_runs(out.pages)  # pages alike but for their number: one run
    return out


def answer_adapter(url: str, content_type: str, meta_adapter: str | None = None) -> str | None:
    """The adapter that reads a (non-HTML) answer: named by the request, or recognised by URL."""
    if meta_adapter and meta_adapter != "html":
        return meta_adapter
    for name, mod in _adapters().items():
        answers = getattr(mod, "answers", None)
        if answers is not None and answers(url, content_type):
            return name
    return None


def request_headers(r: ListRequest) -> dict | None:
    """A POST's content type: JSON when its body is a JSON document, else a form."""
    if r.method != "POST":
        return None
    if r.body[:1] in ("{", "["):
        return {"Content-Type": "application/json;charset=UTF-8"}
    return {"Content-Type": "application/x-www-form-urlencoded"}


def read_answer(adapter: str, url: str, text: str, body: str = "") -> ListRead:
    """What adapter `adapter` reads in its data answer `text` to the request (url, POST `body`)."""
    return _adapters()[adapter].read_answer(url, text, body)


def request_params(url: str, body: str = "") -> dict[str, str]:
    """A list request's parameters: its query, then its POST body (a form, or a JSON object —
    flat or wrapped in {"params": {…}}) over it."""
    from urllib.parse import parse_qsl, urlsplit

    out = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    body = (body or "").strip()
    if body[:1] == "{":
        data = json_object(body)
        data = data.get("params") if isinstance(data.get("params"), dict) else data
        out.update({k: str(v) for k, v in data.items() if isinstance(v, (str, int, float))})
    elif body:
        out.update(parse_qsl(body, keep_blank_values=True))
    return out
