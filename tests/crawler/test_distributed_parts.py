"""The parts of distributed crawling, each against a real Redis: JSON requests, the shared
per-host limit, the site registry's leases."""
from __future__ import annotations

import time

import pytest
import scrapy
from scrapy.utils.request import request_from_dict

from zwgk.crawler import redis_json
from zwgk.crawler.distributed import Registry, SiteJob
from zwgk.crawler.hostlimit import ACQUIRE, host_key


class _Spider(scrapy.Spider):
    name = "t"

    def parse_page(self, response):
        pass

    def on_error(self, failure):
        pass


def test_request_survives_json_exactly():
    sp = _Spider()
    req = scrapy.Request("http://127.0.0.1:8000/xxgk/a.html?x=1#f", callback=sp.parse_page, errback=sp.on_error,
                         method="POST", body="名称=值".encode("gbk"), headers={"Host": "a", "X-B": [b"\xff", b"2"]},
                         meta={"role": "probe", "probe": ("http://127.0.0.1:8000", "/xxgk/"), "depth": 2,
                               "zwgk_validators": {"etag": '"abc"'}, "$odd": {b"k": None}},
                         priority=100, dont_filter=True)
    data = redis_json.dumps(req.to_dict(spider=sp))
    assert b"pickle" not in data and data.startswith(b"{")
    back = request_from_dict(redis_json.loads(data), spider=sp)
    assert back.to_dict(spider=sp) == req.to_dict(spider=sp)
    assert back.meta["probe"] == ("http://127.0.0.1:8000", "/xxgk/") and back.callback == sp.parse_page


def test_request_with_an_object_in_meta_fails_when_queued():
    sp = _Spider()
    req = scrapy.Request("http://127.0.0.1/", callback=sp.parse_page, meta={"x": object()})
    with pytest.raises(TypeError, match="cannot queue"):
        redis_json.dumps(req.to_dict(spider=sp))


def test_host_key():
    assert host_key("http://127.0.0.1:8080/a") == "127.0.0.1"
    assert host_key("http://127.0.0.1:8080/a", "netloc") == "127.0.0.1:8080"


def test_host_limit_counts_and_spaces_requests(redis_server, redis_prefix):
    import redis

    r = redis.Redis.from_url(redis_server)
    acquire = r.register_script(ACQUIRE)
    keys = [f"{redis_prefix}:host:h:inflight", f"{redis_prefix}:host:h:next"]
    # two in flight at most; the third waits (-1) until one is released
    assert acquire(keys=keys, args=["a", 2, 0, 60000]) == 0
    assert acquire(keys=keys, args=["b", 2, 0, 60000]) == 0
    assert acquire(keys=keys, args=["c", 2, 0, 60000]) == -1
    r.zrem(keys[0], "a")
    assert acquire(keys=keys, args=["c", 2, 0, 60000]) == 0
    # a holder that never released (its worker was killed) expires
    r.delete(*keys)
    assert acquire(keys=keys, args=["dead", 1, 0, 200]) == 0
    assert acquire(keys=keys, args=["live", 1, 0, 200]) == -1
    time.sleep(0.3)
    assert acquire(keys=keys, args=["live", 1, 0, 200]) == 0
    # with a delay, the next start waits that long after the last one
    r.delete(*keys)
    assert acquire(keys=keys, args=["a", 5, 500, 60000]) == 0
    wait = acquire(keys=keys, args=["b", 5, 500, 60000])
    assert 0 < wait <= 500


def test_registry_leases_and_takeover(redis_server, redis_prefix):
    reg = Registry(redis_server, prefix=redis_prefix, lease=0.3)
    for i in (1, 2):
        reg.add(SiteJob(i, f"http://127.0.0.1:{8000 + i}/", name=f"站{i}", options={"delay": 0}))
    assert reg.pending() == {1, 2}
    job, taken_over = reg.claim("w1")
    assert (job.crawl_id, taken_over, job.options) == (1, False, {"delay": 0})
    job2, _ = reg.claim("w2")
    assert job2.crawl_id == 2 and reg.claim("w3") is None  # both held
    reg.server.rpush(reg.queue_keys(2)[0], b"stale")  # w2's frontier, then w2 dies
    for _ in range(6):  # w1 keeps renewing its lease; w2's expires
        assert reg.renew("w1", 1) is True
        time.sleep(0.1)
    job, taken_over = reg.claim("w3")
    assert job.crawl_id == 2 and taken_over is True
    assert not reg.server.exists(reg.queue_keys(2)[0])  # the dead worker's queue is dropped
    assert reg.renew("w3", 2) is True and reg.renew("w2", 2) is False
    reg.done("w3", 2)
    reg.done("w1", 1)
    assert reg.pending() == set() and reg.claim("w4") is None
