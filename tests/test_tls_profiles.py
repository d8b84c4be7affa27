"""Tests of the TLS test infrastructure itself (servers/tls_profiles.py, servers/oracle.py).

Not tests of the scanner: they check that each OpenSSL profile serves what it claims (per the
oracle), that the counting front counts and resets as documented, and that each hostile server
misbehaves as documented.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from servers.oracle import accepted_by_openssl, openssl_suites
from servers.tls_profiles import (
    HOSTILE_MODES,
    OPENSSL,
    PROFILES,
    TlsServer,
    hostile_server,
    tls_server,
)

TLS_PROTOCOLS = ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")


@pytest.fixture(scope="module", params=sorted(PROFILES))
def server(request: pytest.FixtureRequest) -> Iterator[TlsServer]:
    with tls_server(request.param) as srv:
        yield srv


@pytest.fixture(scope="module")
def afd_like() -> Iterator[TlsServer]:
    with tls_server("afd-like") as srv:
        yield srv


@pytest.fixture(scope="module")
def reset_front() -> Iterator[TlsServer]:
    with tls_server("reset-long-hello") as srv:
        yield srv


def oracle_port(srv: TlsServer) -> int:
    # The reset front would reset the oracle's longer (TLS 1.3) hellos: ask s_server directly.
    return srv.backend_port if srv.definition.reset_threshold is not None else srv.port


def s_client(port: int, *args: str) -> tuple[str | None, str | None]:
    """(protocol, cipher) that ``openssl s_client -brief`` negotiated, or (None, None)."""
    proc = subprocess.run(
        [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-brief", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    fields = dict(
        line.split(":", 1) for line in (proc.stderr + proc.stdout).splitlines() if ":" in line
    )
    version, cipher = fields.get("Protocol version"), fields.get("Ciphersuite")
    return (version.strip() if version else None), (cipher.strip() if cipher else None)


# --- profiles vs oracle -----------------------------------------------------------------------


def test_each_profile_serves_exactly_its_definition(server: TlsServer) -> None:
    accepted = {
        p: accepted_by_openssl(oracle_port(server), p, profile=server.profile)
        for p in TLS_PROTOCOLS
    }
    for protocol, expected in server.definition.expected.items():
        if expected is None or protocol not in accepted:
            continue
        assert set(accepted[protocol]) == set(expected), (server.profile, protocol)
    assert accepted_by_openssl(server.port, "SSLv3") == []  # not compiled into OpenSSL 3
    assert server.process.poll() is None


def test_afd_like_definition_is_the_microsoft_article_list() -> None:
    assert PROFILES["afd-like"].expected["TLSv1.2"] == (
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    )
    assert PROFILES["afd-like"].expected["TLSv1.3"] == (
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
    )
    assert PROFILES["afd-like"].expected["TLSv1.0"] == ()
    assert PROFILES["afd-2023"].afd_policy == "TLSv1.2_2023"
    assert PROFILES["afd-2022"].afd_policy == "TLSv1.2_2022"


def test_legacy_serves_old_protocols_and_both_certificate_types() -> None:
    with tls_server("legacy") as srv:
        tls10 = set(accepted_by_openssl(srv.port, "TLSv1.0", profile="legacy"))
        tls11 = set(accepted_by_openssl(srv.port, "TLSv1.1", profile="legacy"))
        tls12 = set(accepted_by_openssl(srv.port, "TLSv1.2", profile="legacy"))
        assert accepted_by_openssl(srv.port, "TLSv1.3", profile="legacy") == []
    assert "TLS_RSA_WITH_AES_128_CBC_SHA" in tls10
    assert "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" in tls10  # the ECDSA certificate is served
    assert "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" in tls10  # DHE works without -dhparam
    assert "TLS_DH_anon_WITH_AES_128_CBC_SHA" in tls10  # anonymous suites too
    assert tls10 == tls11
    assert tls10 < tls12
    assert "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" in tls12
    # Nothing that needs a DSA certificate or a PSK can be negotiated.
    assert not any("_DSS_" in s or "PSK" in s for s in tls12)
    known = {s.iana for s in openssl_suites()}
    assert tls12 <= known


# --- server order -----------------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "winner"), [("server-order", 0), ("client-order", 1)])
def test_server_order_follows_serverpref(profile: str, winner: int) -> None:
    # Offer the server's first two suites in reverse order: a server-order server still picks
    # its first, a client-order server picks the client's first (the server's second).
    names = ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"]
    with tls_server(profile) as srv:
        _, cipher = s_client(srv.port, "-tls1_2", "-cipher", ":".join(reversed(names)))
    assert cipher == names[0] if winner == 0 else names[1]
    assert PROFILES[profile].server_order is (winner == 0)


def test_tls10_only_negotiates_tls10_with_default_client() -> None:
    with tls_server("tls10-only") as srv:
        version, cipher = s_client(srv.port, "-cipher", "ALL:@SECLEVEL=0")
        assert (version, cipher) == ("TLSv1", "ECDHE-RSA-AES256-SHA")  # server order
        assert s_client(srv.port) == (None, None)  # a default (SECLEVEL 2) client cannot


def test_certificate_chain_verifies_for_login_name(afd_like: TlsServer) -> None:
    context = ssl.create_default_context(cafile=str(afd_like.ca_file))
    with (
        socket.create_connection(("127.0.0.1", afd_like.port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="login.microsoftonline.com") as tls,
    ):
        assert tls.version() == "TLSv1.3"
        cipher = tls.cipher()
        assert cipher is not None
        assert cipher[0] == "TLS_AES_256_GCM_SHA384"  # server order
        chain = tls.getpeercert()
    assert chain is not None
    assert ("DNS", "login.microsoftonline.com") in chain["subjectAltName"]


# --- the counting front -----------------------------------------------------------------------


def _wait_for(predicate: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)


def test_front_counts_every_tcp_connection(afd_like: TlsServer) -> None:
    afd_like.reset_connections()
    for _ in range(3):
        socket.create_connection(("127.0.0.1", afd_like.port)).close()
    assert s_client(afd_like.port, "-tls1_2")[1] == "ECDHE-RSA-AES256-GCM-SHA384"
    _wait_for(lambda: afd_like.connections == 4)
    assert afd_like.connections == 4
    assert afd_like.reset_connections() == 4
    assert afd_like.connections == 0


def test_front_passes_server_close_and_adds_little_latency(afd_like: TlsServer) -> None:
    # Plain HTTP to s_server: it answers with an alert/garbage and closes; we must see the EOF.
    with socket.create_connection(("127.0.0.1", afd_like.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    assert data == b"" or data[0] in (0x15, 0x16)  # alert (or nothing), never a hang
    start = time.perf_counter()
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", afd_like.port), timeout=5) as sock:
            sock.sendall(b"\x15\x03\x03\x00\x02\x02\x28")  # a fatal alert: s_server closes
            while sock.recv(4096):
                pass
    assert (time.perf_counter() - start) / 20 < 0.05


def _send_record(port: int, length: int) -> bytes:
    """Send a handshake record announcing ``length`` bytes (and the bytes); return the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01" + length.to_bytes(2, "big") + b"\x01" + bytes(length - 1))
        try:
            return sock.recv(4096)
        except ConnectionResetError:
            return b""


def test_reset_front_resets_long_hellos_and_passes_short_ones(reset_front: TlsServer) -> None:
    reset_front.reset_connections()
    resets = reset_front.resets
    with socket.create_connection(("127.0.0.1", reset_front.port), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01\x01\x90" + bytes(400))  # record of 400 bytes
        with pytest.raises(ConnectionResetError):
            sock.recv(4096)
    assert reset_front.resets == resets + 1
    # A short (garbage) hello reaches s_server, which answers with an alert.
    assert _send_record(reset_front.port, 100)[:1] == b"\x15"
    # Real clients: a 4-suite TLS 1.2 hello (~137 bytes) passes, OpenSSL's default
    # TLS 1.3 + 1.2 hello with every suite (~410 bytes) is reset.
    afd4 = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"
    assert (
        s_client(reset_front.port, "-tls1_2", "-cipher", afd4)[1] == "ECDHE-RSA-AES256-GCM-SHA384"
    )
    assert s_client(reset_front.port, "-cipher", "ALL:@SECLEVEL=0") == (None, None)
    assert reset_front.resets == resets + 2
    assert reset_front.connections == 4


def test_reset_threshold_is_a_parameter() -> None:
    with tls_server("afd-like", reset_threshold=120) as srv:
        afd4 = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"
        assert s_client(srv.port, "-tls1_2", "-cipher", afd4) == (None, None)
        assert srv.resets == 1


# --- hostile servers --------------------------------------------------------------------------

HELLO = b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"


def _talk(port: int, timeout: float = 2.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(HELLO)
    return sock


def test_hostile_garbage() -> None:
    with hostile_server("garbage") as srv:
        with _talk(srv.port) as sock:
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
        assert len(data) == 64
        assert data[0] not in range(20, 25)
        assert srv.received == [HELLO]


def test_hostile_huge_record_announces_then_stalls() -> None:
    with hostile_server("huge-record") as srv, _talk(srv.port, timeout=0.3) as sock:
        data = b""
        with pytest.raises(TimeoutError):
            while chunk := sock.recv(4096):
                data += chunk
        assert data[:5] == b"\x16\x03\x03\xff\xff"  # record length 65535 > 2^14 + 2048
        assert data[5:9] == b"\x02\xff\xff\xff"  # ServerHello of 2^24 - 1 bytes


def test_hostile_silent() -> None:
    with hostile_server("silent") as srv, _talk(srv.port, timeout=0.3) as sock:
        with pytest.raises(TimeoutError):
            sock.recv(1)
        assert srv.connections == 1


def test_hostile_drip_sends_a_server_hello_byte_by_byte() -> None:
    with hostile_server("drip", drip_interval=0.02) as srv, _talk(srv.port) as sock:
        start = time.monotonic()
        data = b""
        while len(data) < 9:
            chunk = sock.recv(4096)
            assert chunk
            assert len(chunk) <= 2  # one byte at a time (two may coalesce)
            data += chunk
        assert time.monotonic() - start >= 6 * 0.02
        assert data[:3] == b"\x16\x03\x03"
        assert data[5] == 0x02  # ServerHello


def test_hostile_drip_default_interval_is_half_a_second() -> None:
    with hostile_server("drip") as srv, _talk(srv.port) as sock:
        assert sock.recv(10) == b"\x16"
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(10)


def test_hostile_http() -> None:
    with hostile_server("http") as srv, _talk(srv.port) as sock:
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_hostile_close_ends_the_connection_without_an_answer() -> None:
    with hostile_server("close") as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=2)
        try:
            sock.sendall(HELLO)
            data = sock.recv(4096)
        except (ConnectionResetError, BrokenPipeError):
            data = None  # the hello can reach the closed socket first, which answers with an RST
        finally:
            sock.close()
    assert data in (b"", None)


def test_hostile_reset_resets_the_connection_after_reading_the_hello() -> None:
    # The server resets only once it has read the client's first bytes, so the connect always
    # succeeds and the reset always comes as the answer to the hello.
    with hostile_server("reset") as srv:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=2) as sock:
            sock.sendall(HELLO)
            with pytest.raises(ConnectionResetError):
                sock.recv(4096)
        assert srv.received == [HELLO]
        assert srv.connections == 1


def test_hostile_modes_are_all_known() -> None:
    assert set(HOSTILE_MODES) == {
        "garbage",
        "huge-record",
        "silent",
        "drip",
        "http",
        "close",
        "reset",
    }
    with pytest.raises(ValueError, match="unknown hostile mode"):
        hostile_server("nope").__enter__()
