"""The network policy judges URLs as written and host names by what they resolve to."""
from __future__ import annotations

import pytest

from zwgk.crawler.netpolicy import ANY, LOOPBACK, NetworkPolicy, host_ip, is_internal_host

LOOPBACK_SPELLINGS = ["127.0.0.1", "127.1", "0x7f.0.0.1", "0x7f.1", "0x7f000001", "2130706433", "0177.0.0.1",
                      "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]", "127.0.0.1."]
PRIVATE = ["10.0.0.5", "012.0.0.5", "0xa000005", "172.16.3.4", "192.168.1.20", "169.254.169.254", "100.64.0.1",
           "0.0.0.0", "[fd00::1]", "[fe80::1]", "[::ffff:10.1.2.3]", "224.0.0.1"]
NAMES = ["localhost", "admin.localhost", "oa", "intranet.corp", "nas.local"]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_read_as_an_address(host):
    ip = host_ip(host)
    assert ip is not None and ip.is_loopback, host


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + PRIVATE + NAMES)
def test_internal_targets_are_refused_as_wrong_links(host):
    policy = NetworkPolicy(ANY, allowed=["http://www.example.gov.cn/"])
    r = policy.refusal(f"http://{host}:8080/admin/")
    assert r is not None and r.state == "wrong", host
    assert is_internal_host(host)


@pytest.mark.parametrize("host", ["www.gov.cn", "8.8.8.8", "[2400:3200::1]", "example.gov.cn."])
def test_public_targets_pass_as_written(host):
    assert NetworkPolicy(ANY).refusal(f"https://{host}/a.html") is None


def test_named_origin_is_reached_even_when_internal_but_not_its_neighbours():
    policy = NetworkPolicy(ANY, allowed=["http://127.0.0.1:8000/"])
    assert policy.refusal("http://127.0.0.1:8000/xxgk/") is None
    assert policy.refusal("http://127.1:8000/xxgk/") is None          # the same origin, spelt otherwise
    assert policy.refusal("http://127.0.0.1:8001/").state == "wrong"  # another service on the machine
    assert policy.refusal("http://localhost:8000/").state == "wrong"  # a name is not the address


def test_scope_hosts_are_reached_on_any_port():
    policy = NetworkPolicy(ANY, allowed_hosts=["10.1.1.1"])
    assert policy.refusal("http://10.1.1.1:8080/") is None
    assert policy.refusal("http://10.1.1.2/").state == "wrong"


def test_names_are_judged_by_their_addresses():
    policy = NetworkPolicy(ANY, allowed=["http://www.example.gov.cn/"])
    url = "http://files.example.gov.cn/a.pdf"
    assert policy.refusal(url) is None and policy.needs_lookup(url)
    assert policy.resolved_refusal(url, ["202.96.1.1"]) is None
    r = policy.resolved_refusal(url, ["202.96.1.1", "192.168.0.7"])  # one internal answer is enough
    assert r.state == "wrong" and "192.168.0.7" in r.reason
    assert not policy.needs_lookup("http://www.example.gov.cn/x")  # the user's own start host
    assert not policy.needs_lookup("http://8.8.8.8/")                 # a literal needs no lookup


@pytest.mark.parametrize("url,state", [("file:///etc/passwd", "wrong"), ("gopher://x/", "wrong"),
                                       ("ftp://ftp.example.gov.cn/a.pdf", "inconclusive")])
def test_only_web_schemes_are_fetched(url, state):
    assert NetworkPolicy(ANY).refusal(url).state == state


def test_loopback_mode_reaches_this_machine_only_and_resolves_nothing():
    policy = NetworkPolicy(LOOPBACK, allowed=["http://127.0.0.1:8000/"])
    assert policy.refusal("http://127.0.0.1:9999/") is None
    assert policy.refusal("http://localhost:9999/") is None
    assert policy.refusal("http://www.gov.cn/").state == "inconclusive"  # offline, not a site defect
    assert policy.refusal("http://192.168.1.1/").state == "wrong"
    assert not policy.needs_lookup("http://www.gov.cn/")


def test_policy_for_a_site_allows_what_its_profile_names():
    profile = {"roots": ["http://10.3.3.3/"], "columns": [{"url": "http://10.2.2.2/xxgk/", "name": "栏目"}],
               "scope_hosts": ["10.1.1.1"]}
    policy = NetworkPolicy.for_site(None, "http://www.example.gov.cn/", profile)
    assert policy.mode == ANY
    for url in ("http://10.3.3.3/a.html", "http://10.2.2.2/xxgk/", "http://10.1.1.1/b.html"):
        assert policy.refusal(url) is None, url
    assert policy.refusal("http://10.9.9.9/") is not None
    assert NetworkPolicy.for_site("loopback", "http://127.0.0.1:8000/", {}).mode == LOOPBACK
