"""diagnose against real local servers: each scenario gives the right NET findings."""

from __future__ import annotations

import ssl
from typing import Any

from servers.dns import dns_server
from servers.web import web_server

HOST = "login.microsoftonline.com"


def _net(result: Any) -> dict[str, tuple[str, str | None]]:
    return {
        f["id"]: (f["status"], f["severity"])
        for f in result.json()["findings"]
        if f["id"].startswith("NET")
    }


def _diagnose(cli: Any, *args: str) -> Any:
    return cli("diagnose", "--format", "json", "--timeout", "2", "--budget", "6", *args)


def _endpoint_args(port: int, ca_file: str, host: str = HOST) -> list[str]:
    return [
        "--endpoint",
        f"{host}:{port}",
        "--resolve",
        f"{host}:{port}:127.0.0.1",
        "--ca-file",
        ca_file,
    ]


def test_healthy_network_passes_every_connectivity_check(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    # Given an NCSI server and a sign-in endpoint with a correct clock
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        # When diagnosing against them
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/connecttest.txt",
            *_endpoint_args(endpoint.port, ca_file),
        )
    # Then every NET check passes, NET005 does not apply (no proxy) and NET007 is Windows-only
    net = _net(result)
    assert net["NET001"] == ("pass", None)
    assert net["NET002"] == ("pass", None)
    assert net["NET003"] == ("pass", None)
    assert net["NET004"] == ("pass", None)
    assert net["NET005"] == ("not_applicable", None)
    assert net["NET006"] == ("pass", None)
    assert net["NET007"][0] in ("not_applicable", "unknown")
    assert result.code == 0
    assert probe.requests == ["/connecttest.txt"]


def test_no_route_fails_net001_and_net004(cli: Any, ca_file: str, closed_port: int) -> None:
    result = _diagnose(
        cli,
        "--probe-url",
        f"http://127.0.0.1:{closed_port}/connecttest.txt",
        *_endpoint_args(closed_port, ca_file),
    )
    net = _net(result)
    assert net["NET001"] == ("fail", "error")
    assert net["NET004"] == ("fail", "error")
    assert net["NET002"] == ("unknown", None)
    assert net["NET006"] == ("unknown", None)
    assert result.code == 1
    message = result.finding("NET001")["message"]
    assert "connectivity probe got no answer" in message
    assert "refused" in message.lower()


def test_dns_failure_names_the_name_and_the_resolver(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with (
        web_server("ncsi") as probe,
        web_server("endpoint", server_context) as endpoint,
        dns_server({"login.live.com": "127.0.0.1"}) as dns_port,
    ):
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/connecttest.txt",
            "--dns-server",
            f"127.0.0.1:{dns_port}",
            "--ca-file",
            ca_file,
            "--endpoint",
            f"{HOST}:{endpoint.port}",
            "--endpoint",
            f"login.live.com:{endpoint.port}",
        )
    net = _net(result)
    assert net["NET003"] == ("fail", "error")
    finding = result.finding("NET003")
    assert f"{HOST} (NXDOMAIN from DNS server 127.0.0.1:{dns_port})" in finding["message"]
    assert [f["name"] for f in finding["evidence"]["failures"]] == [HOST]
    # the name that did resolve was reached through the DNS server's answer
    assert net["NET004"] == ("pass", None)
    assert net["NET001"] == ("pass", None)


def test_dns_servfail_is_reported_as_servfail(cli: Any, ca_file: str) -> None:
    with web_server("ncsi") as probe, dns_server({}, servfail={HOST}) as dns_port:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            "--dns-server",
            f"127.0.0.1:{dns_port}",
            "--endpoint",
            f"{HOST}:443",
        )
    finding = result.finding("NET003")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert finding["evidence"]["failures"][0]["rcode"] == "SERVFAIL"
    assert _net(result)["NET004"] == ("unknown", None)


def test_proxy_down_fails_net005(cli: Any, ca_file: str, closed_port: int) -> None:
    with web_server("ncsi") as probe:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            "--proxy",
            f"http://127.0.0.1:{closed_port}",
            *_endpoint_args(443, ca_file),
        )
    net = _net(result)
    assert net["NET005"] == ("fail", "error")
    assert (
        f"proxy http://127.0.0.1:{closed_port} is unreachable: 127.0.0.1:{closed_port} "
        "refused the connection"
    ) in result.finding("NET005")["message"]
    assert net["NET004"] == ("fail", "error")
    assert net["NET001"] == ("fail", "error")


def test_proxy_demanding_authentication_fails_net005(
    cli: Any, ca_file: str, auth_proxy_port: int
) -> None:
    with web_server("ncsi") as probe:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            "--proxy",
            f"http://127.0.0.1:{auth_proxy_port}",
            *_endpoint_args(443, ca_file),
        )
    finding = result.finding("NET005")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "demands authentication (HTTP 407" in finding["message"]
    assert finding["fix"]["title"].startswith("Let the Microsoft 365 sign-in endpoints through")


def test_working_proxy_passes_net005_and_reaches_the_endpoint(
    cli: Any, ca_file: str, proxy_port: int, server_context: ssl.SSLContext
) -> None:
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            "--proxy",
            f"http://127.0.0.1:{proxy_port}",
            "--ca-file",
            ca_file,
            "--endpoint",
            f"localhost:{endpoint.port}",
        )
    net = _net(result)
    assert net["NET005"] == ("pass", None)
    assert net["NET004"] == ("pass", None)
    assert net["NET006"] == ("pass", None)
    assert net["NET001"] == ("pass", None)


def test_credentials_in_the_proxy_url_are_sent(
    cli: Any, ca_file: str, auth_proxy_port: int, server_context: ssl.SSLContext
) -> None:
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            "--proxy",
            f"http://helpdesk:s3cret@127.0.0.1:{auth_proxy_port}",
            "--ca-file",
            ca_file,
            "--endpoint",
            f"localhost:{endpoint.port}",
        )
    assert _net(result)["NET005"] == ("pass", None)


def test_captive_portal_redirect_fails_net002(cli: Any, ca_file: str, closed_port: int) -> None:
    with web_server("portal-redirect") as probe:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/connecttest.txt",
            *_endpoint_args(closed_port, ca_file),
        )
    finding = result.finding("NET002")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "redirect (HTTP 302) to http://portal.example.net/login" in finding["message"]
    # the probe did answer: the PC is on a network, just not past the portal
    assert _net(result)["NET001"] == ("pass", None)


def test_captive_portal_page_fails_net002(cli: Any, ca_file: str, closed_port: int) -> None:
    with web_server("portal-page") as probe:
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/connecttest.txt",
            *_endpoint_args(closed_port, ca_file),
        )
    finding = result.finding("NET002")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "Hotel Wi-Fi" in finding["message"]


def test_clock_skew_of_an_hour_fails_net006(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with (
        web_server("ncsi") as probe,
        web_server("endpoint", server_context, clock_offset=3600) as endpoint,
    ):
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            *_endpoint_args(endpoint.port, ca_file),
        )
    finding = result.finding("NET006")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "1 h 00 min behind" in finding["message"]
    assert 3590 <= finding["evidence"]["skew_s"] <= 3610


def test_clock_skew_under_five_minutes_passes(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with (
        web_server("ncsi") as probe,
        web_server("endpoint", server_context, clock_offset=-120) as endpoint,
    ):
        result = _diagnose(
            cli,
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/",
            *_endpoint_args(endpoint.port, ca_file),
        )
    assert _net(result)["NET006"] == ("pass", None)


def test_no_network_option_leaves_every_net_check_unknown(cli: Any) -> None:
    result = cli("diagnose", "--no-network", "--format", "json")
    net = _net(result)
    for check_id in ("NET001", "NET002", "NET003", "NET004", "NET005", "NET006"):
        assert net[check_id] == ("unknown", None), check_id
    assert result.code == 0
