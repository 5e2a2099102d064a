"""One probe against a loopback server: each way a request fails, the time limit, and the
network policy (an internal address the user did not name is never requested)."""
from __future__ import annotations

import time

import httpx
import pytest

from zwgk.crawler.netpolicy import NetworkPolicy
from zwgk.watch.probe import pinned_request, probe

TIMEOUT = 5.0   # far above a loopback answer on a loaded machine
SHORT = 0.5     # the limit of the tests that run into it


def named(server) -> NetworkPolicy:
    """The policy of a watched site the user named (its origin is reached although internal)."""
    return NetworkPolicy.for_site("any", server.url, {})


def test_ok_answer(plan_server):
    s = plan_server({"/": ["ok"]})
    r = probe(s.url, named(s), timeout=TIMEOUT)
    assert (r.outcome, r.status, r.error, r.final_url) == ("ok", 200, None, s.url)
    assert r.started_at.tzinfo is not None and 0 <= r.elapsed_ms < TIMEOUT * 1000 and r.timeout_s == TIMEOUT


@pytest.mark.parametrize("behaviour, error", [
    ("503", "HTTP 503"),
    ("500", "HTTP 500"),
    ("404", "HTTP 404"),
    ("reset", "连接被重置"),
    ("drop", "连接中断（服务器未完整应答）"),
])
def test_failures_name_their_error(plan_server, behaviour, error):
    s = plan_server({"/": [behaviour]})
    r = probe(s.url, named(s), timeout=TIMEOUT)
    assert (r.outcome, r.error) == ("fail", error)


def test_an_answer_slower_than_the_limit_fails_at_the_limit(plan_server):
    s = plan_server({"/": ["slow"]}, slow_s=3.0)
    t0 = time.monotonic()
    r = probe(s.url, named(s), timeout=SHORT)
    took = time.monotonic() - t0
    assert r.outcome == "fail" and r.error == "超时（0.5 秒内未完成）" and r.status is None
    assert SHORT <= took < SHORT + 2.0  # the probe did not wait for the 3 s answer
    assert r.elapsed_ms >= SHORT * 1000


def test_a_body_that_drips_past_the_limit_fails_although_headers_came_at_once(plan_server):
    """The limit is on the whole request (国办秘函〔2019〕19号: 单次超过15秒), not on each read."""
    s = plan_server({"/": ["drip"]}, slow_s=3.0)  # 100 bytes, one every 30 ms: 3 s in all
    r = probe(s.url, named(s), timeout=SHORT)
    assert (r.outcome, r.status) == ("fail", 200) and r.error.startswith("超时")


def test_firewall_answers_are_inconclusive(plan_server):
    s = plan_server({"/": ["403", "412", "429"]})
    rs = [probe(s.url, named(s), timeout=TIMEOUT) for _ in range(3)]
    assert [(r.outcome, r.status) for r in rs] == [("inconclusive", 403), ("inconclusive", 412), ("inconclusive", 429)]


def test_redirects_are_followed_within_the_named_origin(plan_server):
    s = plan_server({"/": ["redirect:/index.html"], "/index.html": ["ok"]})
    r = probe(s.url, named(s), timeout=TIMEOUT)
    assert (r.outcome, r.status, r.final_url) == ("ok", 200, s.url + "index.html")


def test_a_redirect_loop_fails(plan_server):
    s = plan_server({"/": ["redirect:/"]})
    r = probe(s.url, named(s), timeout=TIMEOUT)
    assert r.outcome == "fail" and "重定向超过" in r.error


def test_a_redirect_to_an_internal_address_the_user_did_not_name_is_refused_unsent(plan_server):
    other = plan_server({"/": ["ok"]})           # an "intranet" service on another loopback port
    s = plan_server({"/": [f"redirect:{other.url}"]})
    r = probe(s.url, named(s), timeout=TIMEOUT)
    assert r.outcome == "fail" and "内网地址" in r.error and r.final_url == other.url
    assert other.hits == {}                      # never requested
    # named by the user, the same address is reached
    r = probe(s.url, NetworkPolicy("any", allowed=[s.url, other.url]), timeout=TIMEOUT)
    assert r.outcome == "ok" and other.hits == {"/": 1}


def test_an_unnamed_internal_address_is_refused_in_every_notation(plan_server):
    s = plan_server({"/": ["ok"]})
    port = s.server_address[1]
    policy = NetworkPolicy("any", allowed=["http://www.example.gov.cn/"])
    for url in (s.url, f"http://127.1:{port}/", f"http://0x7f000001:{port}/", f"http://localhost:{port}/"):
        r = probe(url, policy, timeout=TIMEOUT)
        assert r.outcome == "fail" and "内网" in r.error, url
    assert s.hits == {}


def test_a_name_that_resolves_to_an_internal_address_is_refused(plan_server):
    s = plan_server({"/": ["ok"]})
    policy = NetworkPolicy("any", allowed=["http://www.example.gov.cn/"])
    r = probe(f"http://hijacked.example.cn:{s.server_address[1]}/", policy, timeout=TIMEOUT,
              resolve=lambda host, port: ["1.2.4.8", "127.0.0.1"])
    assert r.outcome == "fail" and "解析到内网地址（127.0.0.1）" in r.error
    assert s.hits == {}


def test_a_judged_name_is_connected_to_at_the_judged_address_with_its_name_as_host(plan_server):
    """A host name judged by its lookup is requested at the address that was judged (no second
    lookup a rebinding DNS could answer differently); Host and the TLS server name keep the name."""
    assert pinned_request("https://a.example.cn:8443/x/y?z=1", "1.2.4.8") == \
        ("https://1.2.4.8:8443/x/y?z=1", {"Host": "a.example.cn:8443"}, {"sni_hostname": "a.example.cn"})
    assert pinned_request("http://a.example.cn/", "2001:db8::1") == ("http://[2001:db8::1]/", {"Host": "a.example.cn"}, {})
    s = plan_server({"/p": ["ok"]})
    url, headers, _ = pinned_request(f"http://site.example.cn:{s.server_address[1]}/p", "127.0.0.1")
    with httpx.Client(trust_env=False) as c:
        assert c.get(url, headers=headers).status_code == 200
    assert s.hosts == [f"site.example.cn:{s.server_address[1]}"]


def test_loopback_mode_reaches_no_other_address(plan_server):
    r = probe("http://93.184.216.34/", NetworkPolicy("loopback"), timeout=TIMEOUT)
    assert r.outcome == "inconclusive" and "离线" in r.error and r.status is None
