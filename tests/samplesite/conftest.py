"""Fixtures: one generated sample site per test session, and a running server over it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from zwgk.samplesite.generator import generate
from zwgk.samplesite.server import serve


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("samplesite")
    generate(root, seed=2023, scale=1)
    return root


@pytest.fixture(scope="session")
def key(site: Path) -> dict:
    return json.loads((site / "answer_key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def server(site: Path):
    with serve(site) as srv:
        yield srv


@pytest.fixture(scope="session")
def read_page(site: Path, key: dict):
    """Text of the stored page for a site path, decoded with its office's encoding."""
    def read(path: str) -> str:
        f = site / path.lstrip("/")
        if path.endswith("/"):
            f = f / "index.html"
        enc = "utf-8"
        for o in key["offices"]:
            if not o["is_portal"] and path.startswith("/" + o["root"].strip("/").split("/")[0] + "/"):
                enc = o["encoding"]
        return f.read_bytes().decode(enc)
    return read
