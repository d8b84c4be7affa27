"""Crafted hellos against real servers on 127.0.0.1: Python's ssl and ``openssl s_server``.

The tests move bytes over plain sockets themselves (the module under test has no I/O) and stop
reading at the first event that ends what a scanner wants to know.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from onedrive_doctor.tls import (
    SSL2_CIPHER_KINDS,
    Alert,
    AlertDescription,
    Certificate,
    ChangeCipherSpec,
    ClientHelloSpec,
    EncryptedRecord,
    NamedGroup,
    ProtocolVersion,
    ServerEvent,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchange,
    ServerReader,
    SSLv2Error,
    SSLv2ServerHello,
    build_client_hello,
    build_sslv2_client_hello,
)

V = ProtocolVersion
OPENSSL = shutil.which("openssl")
ECDHE_ECDSA_AES128_GCM = 0xC02B


def exchange(port: int, hello: bytes, *, expect_sslv2: bool = False) -> list[ServerEvent]:
    """Send ``hello``, read until an event that ends the scan (or EOF), return the events."""
    reader = ServerReader(expect_sslv2=expect_sslv2)
    events: list[ServerEvent] = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(hello)
        while not any(map(_final, events)):
            data = sock.recv(65536)
            if not data:
                break
            reader.feed(data)
            while (event := reader.next_event()) is not None:
                events.append(event)
    return events


def _final(event: ServerEvent) -> bool:
    if isinstance(event, ServerHello):
        return event.is_hello_retry_request
    return isinstance(
        event, (ServerHelloDone, Alert, EncryptedRecord, SSLv2ServerHello, SSLv2Error)
    )


class PythonTlsServer:
    """A stdlib ``ssl`` server on 127.0.0.1:0 that handshakes each connection on a thread."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port: int = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._handshake, args=(conn,), daemon=True).start()

    def _handshake(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            with self.context.wrap_socket(conn, server_side=True):
                pass
        except (OSError, ssl.SSLError):
            pass  # the client never finishes the handshake: that is the point
        finally:
            conn.close()

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.listener.close()


def _context(ca: trustme.CA, minimum: ssl.TLSVersion, maximum: ssl.TLSVersion) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = minimum
    context.maximum_version = maximum
    ca.issue_cert("localhost").configure_cert(context)  # trustme issues ECDSA P-256 keys
    return context


@pytest.fixture(scope="module")
def tls12_only(ca: trustme.CA) -> Iterator[int]:
    context = _context(ca, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2)
    context.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
    server = PythonTlsServer(context)
    yield server.port
    server.close()


@pytest.fixture(scope="module")
def tls13_only(ca: trustme.CA) -> Iterator[int]:
    server = PythonTlsServer(_context(ca, ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_3))
    yield server.port
    server.close()


@pytest.fixture(scope="module")
def tls12_and_13(ca: trustme.CA) -> Iterator[int]:
    server = PythonTlsServer(_context(ca, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3))
    yield server.port
    server.close()


def test_tls12_server_answers_with_its_suite_and_full_flight(tls12_only: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_2, (0xC02C, ECDHE_ECDSA_AES128_GCM, 0x009C), "localhost")
    events = exchange(tls12_only, build_client_hello(spec))
    assert [type(e) for e in events] == [
        ServerHello,
        Certificate,
        ServerKeyExchange,
        ServerHelloDone,
    ]
    hello, certificate, key_exchange = events[0], events[1], events[2]
    assert isinstance(hello, ServerHello) and hello.cipher_suite == ECDHE_ECDSA_AES128_GCM
    assert hello.selected_version is V.TLSv1_2
    assert hello.downgrade_sentinel is None  # the server's maximum is TLS 1.2
    assert isinstance(certificate, Certificate) and len(certificate.certificates) == 1
    assert isinstance(key_exchange, ServerKeyExchange)
    assert key_exchange.curve == NamedGroup.x25519


def test_tls12_server_refuses_a_suite_it_lacks_with_handshake_failure(tls12_only: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_2, (0xC02C,), "localhost")
    events = exchange(tls12_only, build_client_hello(spec))
    assert events == [Alert(2, AlertDescription.handshake_failure)]
    assert events[0].name == "handshake_failure"  # type: ignore[union-attr]


def test_tls13_server_selects_version_suite_and_group_then_encrypts(tls13_only: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_3, (0x1302,), "localhost", grease=True)
    events = exchange(tls13_only, build_client_hello(spec))
    hello = events[0]
    assert isinstance(hello, ServerHello) and not hello.is_hello_retry_request
    assert hello.selected_version is V.TLSv1_3
    assert hello.cipher_suite == 0x1302
    assert hello.key_share_group == NamedGroup.x25519
    # Compatibility CCS (our session id is not empty), then the encrypted rest of the flight.
    assert events[1] == ChangeCipherSpec()
    assert all(isinstance(e, EncryptedRecord) and e.content_type == 23 for e in events[2:])
    assert len(events) > 2


@pytest.mark.parametrize(
    "group", [NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1, NamedGroup.x448]
)
def test_tls13_server_accepts_each_generated_key_share(tls13_only: int, group: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_3, (0x1301,), groups=(group,), key_share_groups=(group,))
    hello = exchange(tls13_only, build_client_hello(spec))[0]
    assert isinstance(hello, ServerHello) and hello.key_share_group == group


def test_tls13_server_without_a_usable_share_sends_hello_retry_request(tls13_only: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_3, (0x1301,), groups=(23, 29), key_share_groups=())
    events = exchange(tls13_only, build_client_hello(spec))
    hello = events[0]
    assert isinstance(hello, ServerHello) and hello.is_hello_retry_request
    assert hello.key_share_group in (23, 29)
    assert events[1:] in ([], [ChangeCipherSpec()])  # RFC 8446 §D.4: CCS may follow the HRR


def test_tls13_server_refuses_a_suite_it_lacks(tls13_only: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_3, (0x1304,))  # TLS_AES_128_CCM_SHA256: off by default
    assert exchange(tls13_only, build_client_hello(spec)) == [Alert(2, 40)]


def test_tls13_only_server_refuses_tls12_with_protocol_version(tls13_only: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_2, (ECDHE_ECDSA_AES128_GCM,))
    assert exchange(tls13_only, build_client_hello(spec)) == [Alert(2, 70)]


def test_tls13_capable_server_marks_a_tls12_downgrade(tls12_and_13: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_2, (ECDHE_ECDSA_AES128_GCM,), "localhost")
    hello = exchange(tls12_and_13, build_client_hello(spec))[0]
    assert isinstance(hello, ServerHello) and hello.downgrade_sentinel == "TLSv1.2"


def test_windows11_like_hello_negotiates_tls13(tls12_and_13: int) -> None:
    spec = ClientHelloSpec(
        V.TLSv1_3,
        (0x1302, 0x1301, ECDHE_ECDSA_AES128_GCM),
        "localhost",
        supported_versions=(V.TLSv1_3, V.TLSv1_2),
        key_share_groups=(NamedGroup.x25519, NamedGroup.secp256r1),
        alpn=("h2", "http/1.1"),
    )
    hello = exchange(tls12_and_13, build_client_hello(spec))[0]
    assert isinstance(hello, ServerHello) and hello.selected_version is V.TLSv1_3


@pytest.fixture(scope="module")
def openssl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``openssl s_server`` with a throwaway RSA certificate, every suite down to SECLEVEL 0."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed")
    directory: Path = tmp_path_factory.mktemp("openssl")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            *(OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        [
            *(OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert)),
            *("-key", str(key), "-cipher", "ALL:@SECLEVEL=0", "-quiet"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("openssl s_server did not start")
                time.sleep(0.05)
        yield port
    finally:
        server.kill()
        server.wait()


def test_openssl_tls10_hello_gets_a_tls10_ecdhe_flight(openssl_server: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_0, (0xC013, 0x002F), "localhost")
    events = exchange(openssl_server, build_client_hello(spec))
    assert [type(e) for e in events] == [
        ServerHello,
        Certificate,
        ServerKeyExchange,
        ServerHelloDone,
    ]
    hello, key_exchange = events[0], events[2]
    assert isinstance(hello, ServerHello)
    assert hello.selected_version is V.TLSv1_0
    assert hello.cipher_suite == 0xC013  # TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    assert hello.downgrade_sentinel == "TLSv1.1 or below"  # s_server also speaks TLS 1.3
    assert isinstance(key_exchange, ServerKeyExchange) and key_exchange.curve == 29


def test_openssl_dhe_key_exchange_reports_the_prime_size(openssl_server: int) -> None:
    spec = ClientHelloSpec(V.TLSv1_2, (0x0033,), "localhost")  # TLS_DHE_RSA_WITH_AES_128_CBC_SHA
    events = exchange(openssl_server, build_client_hello(spec))
    key_exchange = events[2]
    assert isinstance(key_exchange, ServerKeyExchange)
    assert key_exchange.curve is None and key_exchange.dh_prime_bits == 2048


def test_openssl_without_sslv3_answers_an_sslv3_hello_with_an_alert(openssl_server: int) -> None:
    spec = ClientHelloSpec(
        V.SSLv3, (0x002F, 0x000A), extensions_enabled=False, record_version=V.SSLv3
    )
    events = exchange(openssl_server, build_client_hello(spec))
    assert len(events) == 1 and isinstance(events[0], Alert) and events[0].fatal


def test_openssl_answers_an_sslv2_hello_in_tls(openssl_server: int) -> None:
    hello = build_sslv2_client_hello(list(SSL2_CIPHER_KINDS))
    events = exchange(openssl_server, hello, expect_sslv2=True)
    assert events == [Alert(2, AlertDescription.protocol_version)]
