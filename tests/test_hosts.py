"""One answer to "does this host leave the machine?" for every rule, fact and the LLM client."""

import pytest

from secreview.analysis.hosts import is_loopback, netloc_host, reaches_this_machine


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "api.localhost", "127.0.0.1", "127.8.9.10", "::1",
                                  "[::1]", "localhost."])
def test_loopback_names_and_addresses(host):
    assert is_loopback(host) and reaches_this_machine(host)


@pytest.mark.parametrize("host", ["example.com", "localhost.example.com", "10.0.0.1", "128.0.0.1", "", "::2",
                                  "127.0.0.1.nip.io"])
def test_other_hosts_leave_the_machine(host):
    assert not is_loopback(host) and not reaches_this_machine(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "[::]"])
def test_the_unspecified_address_is_local_to_a_client_but_every_interface_to_a_listener(host):
    assert reaches_this_machine(host) and not is_loopback(host)


@pytest.mark.parametrize("netloc, host", [("user:pw@db.internal:5432", "db.internal"), ("[::1]:8080", "::1"),
                                          ("127.0.0.1", "127.0.0.1"), ("Example.COM:80", "example.com")])
def test_the_host_of_a_netloc(netloc, host):
    assert netloc_host(netloc) == host
