"""RSS after each step of an audit of a stored crawl, in one process: the steps of
zwgk/auditor/audit.py run_audit one by one (the audit row and findings it stores are rolled back).

    .venv/bin/python bench/audit_steps.py /tmp/zwgk-bench-scale/run-630/zwgk.db
    .venv/bin/python bench/audit_steps.py /tmp/zwgk-bench-scale/run-630/zwgk.db /tmp/wt-old   # another checkout

Prints, after each step, the seconds since the start, the process' RSS and its high-water mark
(VmHWM): the snapshot, the coverage account, the checks (evaluate), storing the audit and its
findings, the history, writing results.json (to a temporary folder). The first crawl of the
database is audited with yiyuan-2023 as of 2023-11-30, as bench/scale.py's audit stage does.
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from zwgk.auditor import audit as A  # noqa: E402
from zwgk.auditor import registry  # noqa: E402
from zwgk.auditor.checklist import load_checklist  # noqa: E402
from zwgk.auditor.snapshot import load_snapshot  # noqa: E402
from zwgk.store import models as m  # noqa: E402
from zwgk.store.db import open_db  # noqa: E402

T0 = time.perf_counter()


def mark(what: str) -> None:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    mib = {k: int(status[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM")}
    print(f"{time.perf_counter() - T0:7.1f}s {what:12s} rss {mib['VmRSS']} MiB  hwm {mib['VmHWM']} MiB", flush=True)


def main() -> None:
    Session = open_db(f"sqlite:///{sys.argv[1]}")
    as_of = date(2023, 11, 30)
    mark("start")
    with Session.begin() as s:
        cid = s.execute(text("select min(id) from crawl")).scalar()
        registry.load_all()
        checklist, baseline = load_checklist("yiyuan-2023"), load_checklist(A.BASELINE)
        snap = load_snapshot(s, cid, as_of)
        mark("snapshot")
        crawl = s.get(m.Crawl, cid)
        columns = A._columns(snap)
        cov = A.coverage(snap, A._expected(s, cid))
        mark("coverage")
        partial = A.partial_reasons(crawl.status, crawl.stats or {}, [], columns, cov)
        ev = A.evaluate(snap, checklist, baseline, [], partial)
        mark("evaluate")
        print("findings", len(ev["findings"]), Counter(f["check"] for f in ev["findings"]).most_common(6))
        results = {**ev, "columns": columns, "documents": snap.documents, "coverage": cov}
        A._store(s, cid, checklist, as_of, results)
        s.flush()
        mark("store")
        A._history(s, cid, checklist.id, results)
        mark("history")
        s.rollback()
    with tempfile.TemporaryDirectory() as tmp:
        A.write_results(results, Path(tmp) / "results.json")
        mark("write")


if __name__ == "__main__":
    main()
