"""JSON for requests in Redis (scrapy-redis' SCHEDULER_SERIALIZER: a module with loads / dumps).

scrapy-redis pickles requests by default: a queue written by one Python or Scrapy version may
not load in another, and a pickle from Redis runs code when loaded. A request's dict
(`Request.to_dict`) holds bytes (body, headers), tuples and dicts keyed by bytes, which JSON
lacks; they are tagged here so that `loads(dumps(d)) == d` exactly. Anything else that is not
JSON (an object someone put in meta) fails loudly when the request is queued, not later.
"""
from __future__ import annotations

import base64
import json


def _enc(v):
    if isinstance(v, bytes):
        return {"$b": base64.b64encode(v).decode("ascii")}
    if isinstance(v, tuple):
        return {"$t": [_enc(x) for x in v]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v) and not any(k.startswith("$") for k in v):
            return {k: _enc(x) for k, x in v.items()}
        return {"$d": [[_enc(k), _enc(x)] for k, x in v.items()]}
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    raise TypeError(f"cannot queue a request holding {type(v).__name__}: {v!r:.80}")


def _dec(v):
    if isinstance(v, list):
        return [_dec(x) for x in v]
    if isinstance(v, dict):
        if len(v) == 1:
            (tag, x), = v.items()
            if tag == "$b":
                return base64.b64decode(x)
            if tag == "$t":
                return tuple(_dec(y) for y in x)
            if tag == "$d":
                return {_dec(k): _dec(y) for k, y in x}
        return {k: _dec(x) for k, x in v.items()}
    return v


def dumps(obj) -> bytes:
    return json.dumps(_enc(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str):
    return _dec(json.loads(data))
