"""`onedrive-doctor scan` against real local OpenSSL servers, hostile servers and a proxy."""

from __future__ import annotations

import time
from typing import Any

import pytest

from servers.oracle import accepted_all_protocols
from servers.tls_profiles import PROFILES, hostile_server, tls_server

ALL_PROFILES = [
    "afd-like",
    "afd-2023",
    "afd-2022",
    "legacy",
    "tls10-only",
    "client-order",
    "server-order",
    "tls13-only",
    "reset-long-hello",
]
POLICY = {
    "afd-like": "afd-legacy-4",
    "afd-2023": "TLSv1.2_2023",
    "afd-2022": "TLSv1.2_2022",
    "reset-long-hello": "afd-legacy-4",
}


def _scan(cli: Any, port: int, *extra: str) -> Any:
    return cli("scan", f"127.0.0.1:{port}", "--format", "json", "--timeout", "3", *extra)


def _names(entry: dict[str, Any]) -> list[str]:
    return [suite["name"] for suite in entry["cipher_suites"]]


@pytest.mark.slow  # ~4 s each: s_client offers every suite alone (9 profiles, ~60% of the suite)
@pytest.mark.parametrize("profile", ALL_PROFILES)
def test_scan_finds_exactly_what_openssl_accepts_suite_by_suite(cli: Any, profile: str) -> None:
    definition = PROFILES[profile]
    with tls_server(profile) as server:
        result = _scan(cli, server.port)
        truth = accepted_all_protocols(server.backend_port, profile=profile)
    assert result.code == 0, result.err
    report = result.json()
    assert list(report["protocols"]) == [
        "SSLv2",
        "SSLv3",
        "TLSv1.0",
        "TLSv1.1",
        "TLSv1.2",
        "TLSv1.3",
    ]
    for protocol, entry in report["protocols"].items():
        assert sorted(_names(entry)) == sorted(truth[protocol]), protocol
        assert entry["accepted"] is bool(truth[protocol]), protocol
        for suite in entry["cipher_suites"]:
            assert suite["code"].startswith("0x") and len(suite["code"]) == 6
        expected = definition.expected[protocol]
        if expected and definition.server_order and len(expected) > 1:
            # Server order: the scanner lists the suites in the server's preference.
            assert entry["server_order"] is True, protocol
            assert _names(entry) == list(expected), protocol
    assert report["afd_policy"] == POLICY.get(profile)
    assert report["connections"] == server.connections


def test_client_order_is_detected(cli: Any) -> None:
    with tls_server("client-order") as server:
        report = _scan(cli, server.port).json()
    assert report["protocols"]["TLSv1.2"]["server_order"] is False


def test_afd_like_scan_uses_at_most_30_connections_and_reads_chain_and_groups(cli: Any) -> None:
    with tls_server("afd-like") as server:
        report = _scan(cli, server.port).json()
    assert report["connections"] <= 30
    assert report["groups"]["TLSv1.3"] == ["secp384r1", "secp256r1", "x25519"]
    assert report["groups"]["TLSv1.2"] == ["secp384r1", "secp256r1", "x25519"]
    chain = report["certificate_chain"]
    assert len(chain) >= 2
    assert chain[0]["issuer"] == chain[1]["subject"]
    assert chain[0]["key"] == "RSA 2048"


def test_tls13_only_server_still_gives_its_certificate(cli: Any) -> None:
    with tls_server("tls13-only") as server:
        report = _scan(cli, server.port).json()
    assert report["protocols"]["TLSv1.2"]["accepted"] is False
    assert report["certificate_chain"], "the leaf comes from one real handshake"
    assert report["afd_policy"] is None


def test_reset_long_hello_is_scanned_in_chunks(cli: Any) -> None:
    with tls_server("reset-long-hello") as server:
        report = _scan(cli, server.port).json()
        resets = server.resets
    assert resets > 0
    assert "offered" in " ".join(report["protocols"]["TLSv1.2"].get("notes", []))


def test_scan_through_a_connect_proxy(cli: Any, proxy_port: int) -> None:
    with tls_server("afd-2023") as server:
        result = cli(
            "scan",
            f"localhost:{server.port}",
            "--format",
            "json",
            "--proxy",
            f"http://127.0.0.1:{proxy_port}",
        )
    report = result.json()
    assert report["target"]["proxy"] == f"http://127.0.0.1:{proxy_port}"
    assert _names(report["protocols"]["TLSv1.2"]) == [
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    ]
    assert report["afd_policy"] == "TLSv1.2_2023"


def test_scan_with_resolve_keeps_the_name_as_sni(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        report = cli(
            "scan",
            f"login.microsoftonline.com:{server.port}",
            "--format",
            "json",
            "--resolve",
            f"login.microsoftonline.com:{server.port}:127.0.0.1",
        ).json()
    assert report["target"] == {
        "host": "login.microsoftonline.com",
        "port": server.port,
        "sni": "login.microsoftonline.com",
        "address": "127.0.0.1",
        "proxy": None,
    }


def test_text_output_is_a_table(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        result = cli("scan", f"127.0.0.1:{server.port}")
    assert result.code == 0
    assert "TLSv1.2   yes" in result.out
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xC030)" in result.out
    assert "Azure Front Door policy: TLSv1.2_2023" in result.out


def test_nothing_listening_is_exit_3_fast(cli: Any, closed_port: int) -> None:
    start = time.monotonic()
    result = _scan(cli, closed_port)
    assert time.monotonic() - start < 3
    assert result.code == 3
    assert f"nothing listens on 127.0.0.1:{closed_port}" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("http", "is not a TLS service"),
        ("garbage", "is not a TLS service|answered no TLS hello|malformed"),
        ("close", "answered no TLS hello"),
        ("reset", "answered no TLS hello"),
        ("silent", "answered no TLS hello"),
        ("huge-record", "answered no TLS hello"),
        ("drip", "answered no TLS hello"),
    ],
)
def test_hostile_servers_end_in_a_clear_message_within_the_timeout(
    cli: Any, mode: str, message: str
) -> None:
    with hostile_server(mode) as server:
        start = time.monotonic()
        result = cli(
            "scan",
            f"127.0.0.1:{server.port}",
            "--format",
            "json",
            "--timeout",
            "1",
            "--budget",
            "6",
        )
        elapsed = time.monotonic() - start
    assert result.code == 3, result.out
    assert any(m in result.err for m in message.split("|")), result.err
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1
    assert elapsed < 7


def test_dead_proxy_is_blamed_not_the_target(cli: Any, closed_port: int) -> None:
    # Given a --proxy where nothing listens (a closed loopback port) and a target that does
    with tls_server("afd-2023") as server:
        start = time.monotonic()
        result = cli(
            "scan",
            f"localhost:{server.port}",
            "--proxy",
            f"http://127.0.0.1:{closed_port}",
        )
    # Then one line blames the proxy, exit 3, fast, and the target is not called dead
    assert result.code == 3
    assert time.monotonic() - start < 3
    assert result.err == (
        f"onedrive-doctor: error: the proxy http://127.0.0.1:{closed_port} is unreachable: "
        f"nothing listens on 127.0.0.1:{closed_port} (connection refused); the target was not "
        "tried\n"
    )
    assert f"localhost:{server.port}" not in result.err
