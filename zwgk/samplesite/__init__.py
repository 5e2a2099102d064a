"""The bundled sample site: a generated county government website with planted defects and an answer key."""
from __future__ import annotations

__all__ = ["generate", "serve"]


def generate(*args, **kwargs):  # noqa: ANN002, ANN003 - thin re-export without importing jinja2 eagerly
    from .generator import generate as _generate
    return _generate(*args, **kwargs)


def serve(*args, **kwargs):  # noqa: ANN002, ANN003
    from .server import serve as _serve
    return _serve(*args, **kwargs)
