"""The coverage account: how much of what the site lists the crawl read, and why the rest was not.

For each column: the entries its list pages showed, how many of them were fetched as documents,
what the list itself says it holds (a JCMS <totalrecord>, a gkmlpt post_count, a pager's page
count) and, for every entry not fetched, the reason — from what checking its link found
(robots.txt, an error, an address no visitor can open), or its kind (an attachment, another
site), or else the crawl's own stop (a limit, a time budget). A pure function of the snapshot and
the expectations the list pages stated; results.json `coverage`, shown at the top of the report.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from zwgk.auditor.model import SiteSnapshot

NOT_REACHED = "未抓取（达到抓取上限、时间预算或抓取被中断）"


def _reason(url: str, target) -> str:
    if target is None:
        return NOT_REACHED
    if target.kind == "附件":
        return "附件（不是文件页面）"
    if target.state == "ok":
        return "页面可以访问，但不是可识别的文件页面"
    what = target.error or (f"HTTP {target.status}" if target.status else target.state)
    return {"broken": f"无法访问：{what}", "wrong": f"错链：{what}", "inconclusive": f"未能访问：{what}"}.get(
        target.state, what)


def coverage(snap: SiteSnapshot, expected: dict[str, dict] | None = None, max_listed: int = 50) -> dict:
    """results.json `coverage`: per column and in total. `expected`: column url → {records, pages}
    as its list pages stated them."""
    expected = expected or {}
    if snap.unfetched is not None and snap.listed_urls is not None:  # as the snapshot read from the store counted them
        unfetched, listed_all = snap.unfetched, snap.listed_urls
    else:
        listed = {e.url for c in snap.columns for e in c.entries}
        unfetched, listed_all = listed - {d.url for d in snap.documents}, len(listed)
        del listed

    def is_fetched(url: str) -> bool:  # of a listed URL
        return url not in unfetched

    # a snapshot read from the store holds the targets of the entries not fetched among the few it
    # keeps one by one (auditor/snapshot.py _held), not every working link
    targets = {t.url: t for t in snap.links}
    site_host = urlsplit(snap.site_url).hostname
    columns, missing_all = [], []
    for c in snap.columns:
        urls = list(dict.fromkeys(e.url for e in c.entries))
        if not urls and not c.read_error and c.url not in expected:
            continue
        got = [u for u in urls if is_fetched(u)]
        missing, counted = [], set()
        for e in c.entries:
            if is_fetched(e.url) or e.url in counted:
                continue
            counted.add(e.url)
            t = targets.get(e.url)
            reason = "其他网站的页面" if t is None and urlsplit(e.url).hostname != site_host else _reason(e.url, t)
            missing.append({"url": e.url, "title": e.title, "reason": reason})
        exp = expected.get(c.url) or {}
        records = exp.get("records")
        columns.append({"url": c.url, "name": c.name, "office": c.office, "entries": len(urls),
                        "documents": len(got), "records_expected": records, "pages_expected": exp.get("pages"),
                        "list_pages": c.list_pages, "read_error": c.read_error,
                        "complete": not missing and not c.read_error and (records is None or len(urls) >= records),
                        "not_fetched": missing[:max_listed], "not_fetched_count": len(missing)})
        missing_all += missing
    fetched_all = listed_all - len(unfetched)
    reasons: dict[str, int] = {}
    for m in {m["url"]: m for m in missing_all}.values():
        key = m["reason"].split("：", 1)[0]
        reasons[key] = reasons.get(key, 0) + 1
    short = [c for c in columns if c["records_expected"] is not None and c["entries"] < c["records_expected"]]
    return {
        "entries": listed_all, "documents": fetched_all,
        "share": round(fetched_all / listed_all, 4) if listed_all else None,
        "not_fetched": listed_all - fetched_all, "reasons": reasons,
        "columns_unread": sum(1 for c in columns if c["read_error"]),
        "columns_short": [{"url": c["url"], "name": c["name"], "entries": c["entries"],
                           "records_expected": c["records_expected"]} for c in short],
        "complete": all(c["complete"] for c in columns),
        "columns": columns,
    }
