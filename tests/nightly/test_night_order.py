"""A night under rolling revalidation takes the same rows whatever order the server answers in:
the trusted pages of a list page are read ahead together (StoredPages.prefetch) while other
responses arrive, and nothing must depend on which came first."""
from __future__ import annotations

import re
import shutil
import socket

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve

from .test_incremental_resume import crawl, q


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rows(db, crawl_id: int) -> dict:
    """Each table's rows of the crawl; the sample server's external stand-in (another port at each
    start) named by one placeholder."""
    ext = lambda row: tuple(re.sub(r"localhost:\d+", "localhost:EXT", v) if isinstance(v, str) else v  # noqa: E731
                            for v in row)
    return {t: sorted(map(ext, q(db, f"select {cols} from {t} where crawl_id=?", crawl_id))) for t, cols in (
        ("page", "url, kind, status"), ("document", "url, title"), ("link", "source_url, target_url, text"),
        ("link_target", "url, state"), ("column_entry", "column_url, url, title"))}


def test_a_night_in_another_response_order_takes_the_same_rows(tmp_path):
    site, first_db = tmp_path / "site", tmp_path / "first.db"
    generate(site)
    port = _free_port()  # one address for all three crawls: a night continues the crawl of the same site
    with serve(site, port=port) as server:
        first = crawl(server.url, first_db, "--revalidate-days", "7")
    nights = {}
    for name, jitter in (("plain", None), ("jittered", (7, 0.05))):
        db = tmp_path / f"{name}.db"
        shutil.copy(first_db, db)
        with serve(site, port=port, jitter=jitter) as server:
            night = crawl(server.url, db, "--revalidate-days", "7")
        assert night != first
        assert q(db, "select count(*) from page where crawl_id=? and reused_from is not null", night)[0][0] > 0
        nights[name] = _rows(db, night)
    assert nights["plain"] == nights["jittered"]
    assert nights["plain"]["document"] and nights["plain"]["link"]
