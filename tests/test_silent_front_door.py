"""A front door that accepts TCP and never answers TLS or HTTP is a failure, never a pass.

Issue 9 point 2: a firewall dropping TLS, or a dead middlebox, used to give exit 0 and NET001
pass, because TCP connected. Real loopback servers: one mute after accept, one mute after the
TLS handshake; NET004 names the port actually probed.
"""

from __future__ import annotations

import ssl
from typing import Any

from servers.silent import mute_server
from servers.web import web_server

HOST = "login.microsoftonline.com"


def _diagnose(cli: Any, probe_port: int, port: int, ca_file: str) -> Any:
    return cli(
        "diagnose",
        "--format",
        "json",
        "--timeout",
        "1",
        "--budget",
        "6",
        "--probe-url",
        f"http://127.0.0.1:{probe_port}/connecttest.txt",
        "--endpoint",
        f"{HOST}:{port}",
        "--resolve",
        f"{HOST}:{port}:127.0.0.1",
        "--ca-file",
        ca_file,
    )


def _status(finding: dict[str, Any]) -> tuple[str, str, str | None]:
    return finding["id"], finding["status"], finding["severity"]


def test_endpoint_silent_after_tcp_fails_net004_with_its_port(cli: Any, ca_file: str) -> None:
    # Given a working internet connection and a sign-in endpoint that accepts TCP, then is mute
    with web_server("ncsi") as probe, mute_server() as port:
        result = _diagnose(cli, probe.port, port, ca_file)
    # Then NET004 fails (error), naming the port probed and what happened; exit code 1
    net004 = result.finding("NET004")
    assert _status(net004) == ("NET004", "fail", "error")
    assert net004["message"].startswith(
        f"1 of 1 required endpoint(s) cannot be reached: {HOST}:{port}: accepted TCP, but sent "
        "no TLS answer within 1 s. A connection that opens and then never answers TLS is "
        "dropped on the path"
    )
    assert net004["fix"]["title"] == (
        f"Allow outbound HTTPS (TCP {port}) to the Microsoft 365 and OneDrive endpoints"
    )
    test = f"Test from this PC: `Test-NetConnection {HOST} -Port {port}`."
    assert net004["fix"]["steps"][0] == test
    assert net004["evidence"]["silent"] == [
        {
            "endpoint": f"{HOST}:{port}",
            "via": None,
            "error": "accepted TCP, but sent no TLS answer within 1 s",
        }
    ]
    assert net004["evidence"]["unreachable"] == []
    # NCSI answered: the PC is online, so NET001 passes without counting the mute endpoint
    net001 = result.finding("NET001")
    assert _status(net001) == ("NET001", "pass", None)
    assert net001["message"] == (
        f"The connectivity probe http://127.0.0.1:{probe.port}/connecttest.txt answered."
    )
    assert result.code == 1


def test_endpoint_silent_after_the_tls_handshake_fails_net004(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    # Given an endpoint that completes TLS, then never answers the HTTP request
    with web_server("ncsi") as probe, mute_server(server_context) as port:
        result = _diagnose(cli, probe.port, port, ca_file)
    net004 = result.finding("NET004")
    assert _status(net004) == ("NET004", "fail", "error")
    assert (
        f"{HOST}:{port}: the TLS handshake completed (TLSv1.3), but no HTTP answer came "
        "within 1 s." in net004["message"]
    )
    assert result.code == 1


def test_nothing_answering_at_all_fails_net001(cli: Any, ca_file: str) -> None:
    # Given a connectivity probe and an endpoint that both accept TCP and stay silent
    with mute_server() as port:
        result = _diagnose(cli, port, port, ca_file)
    net001 = result.finding("NET001")
    assert _status(net001) == ("NET001", "fail", "error")
    assert net001["message"] == (
        "No internet connection: the connectivity probe got no answer "
        f"(http://127.0.0.1:{port}/connecttest.txt: no answer within the timeout) and none of "
        f"the required endpoints could be reached (e.g. {HOST}:{port}: accepted TCP, but sent "
        "no TLS answer within 1 s)."
    )
    assert _status(result.finding("NET004")) == ("NET004", "fail", "error")
    assert result.code == 1


def test_net004_pass_names_the_port_probed(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    # Given a healthy endpoint on a port that is not 443
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        result = _diagnose(cli, probe.port, endpoint.port, ca_file)
    net004 = result.finding("NET004")
    assert _status(net004) == ("NET004", "pass", None)
    assert net004["message"] == (
        f"All 1 probed endpoints accept TCP connections on port {endpoint.port}."
    )
    assert result.code == 0
