"""The client's address behind our own proxies (core.http.client_ip)."""

import pytest
from django.core import checks
from django.test import RequestFactory

from knooppunt.core.http import client_ip


def _request(remote="10.0.0.2", forwarded_for=None):
    extra = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy of ours: the header is the client's claim
        (1, None, "10.0.0.2"),  # no header
        (1, "203.0.113.5", "203.0.113.5"),
        (1, " 198.51.100.1 , 203.0.113.5 ", "203.0.113.5"),  # the left one was sent by the client
        (1, "198.51.100.1, 198.51.100.2,203.0.113.5", "203.0.113.5"),  # two headers joined
        (1, "203.0.113.5, ", "10.0.0.2"),  # an empty last entry
        (1, "not-an-address", "10.0.0.2"),
        (1, "203.0.113.5:4711", "203.0.113.5"),  # with the client's port
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:DB8::1", "2001:db8::1"),
        (1, "::ffff:203.0.113.5", "203.0.113.5"),  # IPv4-mapped
        (1, "fe80::1%eth0", "fe80::1"),  # no zone: the database's inet type refuses it
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),  # written by the outer proxy
        (2, "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies
    ],
)
def test_the_address_the_outermost_proxy_saw(settings, proxies, forwarded_for, expected):
    settings.KNOOPPUNT_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded_for=forwarded_for)) == expected


def test_no_request_no_address():
    assert client_ip(None) is None


def test_no_remote_address_is_none(settings):
    settings.KNOOPPUNT_PROXY_COUNT = 0
    assert client_ip(_request(remote="")) is None


@pytest.mark.parametrize(
    ("behind_proxy", "proxies", "warned"), [(1, 0, True), (1, 1, False), (0, 0, False)]
)
def test_a_proxy_without_a_proxy_count_is_warned_about(settings, behind_proxy, proxies, warned):
    settings.KNOOPPUNT_BEHIND_PROXY = bool(behind_proxy)
    settings.KNOOPPUNT_PROXY_COUNT = proxies
    ids = [message.id for message in checks.run_checks()]
    assert ("core.W001" in ids) is warned
