"""Real OpenSSL TLS servers on 127.0.0.1, each behind a counting TCP front, plus hostile servers.

``tls_server(profile)`` starts ``openssl s_server`` (the system ``/usr/bin/openssl``) with a
throwaway certificate chain and one of the profiles in :data:`PROFILES`, then puts a small
threaded TCP forwarder (the *front*) on ``127.0.0.1:0`` in front of it. Tests and the benchmark
connect to the front (``TlsServer.port``), which counts every TCP connection it accepts, so
connection counts are exact and identical for every tool. The ``reset-long-hello`` profile's front
also resets (RST) any connection whose first TLS record is longer than a threshold, like a broken
middlebox.

``hostile_server(mode)`` is a plain socket server that misbehaves on purpose (garbage, a huge
record, silence, a byte-at-a-time ServerHello, an HTTP answer, an immediate close, a reset of
the first bytes sent), for timeout and robustness tests.

OpenSSL facts these servers rely on (OpenSSL 3.0.x, checked on Debian's build):

* SSLv2 and SSLv3 are not compiled in (``s_client``/``s_server`` have no ``-ssl3``), so no profile
  can serve them; TLS 1.0/1.1 need ``@SECLEVEL=0`` in the cipher string.
* DHE works without ``-dhparam``: 3.0's ``s_server`` uses built-in DH parameters sized to the
  certificate ("Using default temp DH parameters", 2048-bit ffdhe for an RSA-2048 key).
* Debian's build has no RC4, DES, 3DES or IDEA; SEED is only in the *legacy* provider, which the
  ``legacy`` profile loads when it is available.
* ``s_server`` serves one connection at a time (the kernel queues the others), so a client that
  completes a handshake and then idles holds up everyone else. With ``-www`` it never reads stdin;
  it answers a GET with a status page and closes, or closes when the client does.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import trustme

OPENSSL = os.environ.get("ONEDRIVE_DOCTOR_TEST_OPENSSL") or shutil.which("openssl") or "openssl"
HOST = "127.0.0.1"
CERT_NAMES = ("localhost", "login.microsoftonline.com")
PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")

#: A ClientHello record longer than this (the 2-byte length in the record header, i.e. without the
#: 5-byte header) is reset by the ``reset-long-hello`` front. With OpenSSL 3.0's extensions a
#: TLS-1.3-capable hello is ~214 bytes + 2 per suite, so this resets hellos offering more than
#: ~40 suites; a TLS-1.2-only hello (~111 + 2 per suite) passes up to ~95 suites.
DEFAULT_RESET_THRESHOLD = 300

_TLS13_ALL = (
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"
)
_AFD_TLS13 = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
_AFD_GROUPS = "secp384r1:secp256r1:x25519"
_ORDER_SUITES = (
    ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    ("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    ("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    ("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"),
)
_TLS10_SUITES = (
    ("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    ("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    ("DHE-RSA-AES256-SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    ("DHE-RSA-AES128-SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    ("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"),
    ("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
)


@dataclass(frozen=True)
class Profile:
    """One server configuration.

    ``expected`` maps each protocol the profile defines to its accepted suites (IANA names, in the
    server's preference order when ``server_order`` is true); ``None`` means "whatever the local
    OpenSSL serves" (the ``legacy`` profile) and must be taken from the oracle.
    """

    name: str
    args: tuple[str, ...]
    expected: dict[str, tuple[str, ...] | None]
    server_order: bool | None
    ecdsa: bool = False
    legacy_provider: bool = False
    reset_threshold: int | None = None
    afd_policy: str | None = None
    description: str = ""


def _tls_expect(
    tls12: tuple[str, ...] = (),
    tls13: tuple[str, ...] = (),
    tls10: tuple[str, ...] = (),
    tls11: tuple[str, ...] = (),
) -> dict[str, tuple[str, ...] | None]:
    return {
        "SSLv2": (),
        "SSLv3": (),
        "TLSv1.0": tls10,
        "TLSv1.1": tls11,
        "TLSv1.2": tls12,
        "TLSv1.3": tls13,
    }


def _afd(name: str, suites: tuple[tuple[str, str], ...], policy: str | None, desc: str) -> Profile:
    return Profile(
        name=name,
        args=(
            *("-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3", "-serverpref"),
            *("-cipher", ":".join(o for o, _ in suites)),
            *("-ciphersuites", ":".join(_AFD_TLS13)),
            *("-groups", _AFD_GROUPS),
        ),
        expected=_tls_expect(tls12=tuple(i for _, i in suites), tls13=_AFD_TLS13),
        server_order=True,
        afd_policy=policy,
        description=desc,
    )


_AFD_LIKE = (
    ("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    ("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    ("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
)
_AFD_2022 = (
    *_AFD_LIKE[:2],
    ("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    ("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
)
_ORDER_ARGS = ("-tls1_2", "-cipher", ":".join(o for o, _ in _ORDER_SUITES))

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        _afd(
            "afd-like",
            _AFD_LIKE,
            None,
            "The four suites of Microsoft's 0x8004de40 article (ECDHE/DHE RSA AES-GCM) + TLS 1.3",
        ),
        _afd(
            "afd-2023", _AFD_LIKE[:2], "TLSv1.2_2023", "AFD TLSv1.2_2023: ECDHE-RSA GCM + TLS 1.3"
        ),
        _afd(
            "afd-2022",
            _AFD_2022,
            "TLSv1.2_2022",
            "AFD TLSv1.2_2022 (newest table): ECDHE-RSA GCM + CBC-SHA384/256 + TLS 1.3",
        ),
        Profile(
            name="legacy",
            args=(
                *("-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2"),
                *("-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"),
            ),
            expected={
                "SSLv2": (),
                "SSLv3": (),
                "TLSv1.0": None,
                "TLSv1.1": None,
                "TLSv1.2": None,
                "TLSv1.3": (),
            },
            server_order=False,
            ecdsa=True,
            legacy_provider=True,
            description="TLS 1.0-1.2, every suite OpenSSL serves (RSA + ECDSA certs), client order",
        ),
        Profile(
            name="tls10-only",
            args=(
                *("-tls1", "-serverpref"),
                *("-cipher", ":".join(o for o, _ in _TLS10_SUITES) + ":@SECLEVEL=0"),
            ),
            expected=_tls_expect(tls10=tuple(i for _, i in _TLS10_SUITES)),
            server_order=True,
            description="Only TLS 1.0 (six CBC-SHA suites), server order",
        ),
        Profile(
            name="client-order",
            args=_ORDER_ARGS,
            expected=_tls_expect(tls12=tuple(i for _, i in _ORDER_SUITES)),
            server_order=False,
            description="TLS 1.2 only, five suites, follows the client's order",
        ),
        Profile(
            name="server-order",
            args=(*_ORDER_ARGS, "-serverpref"),
            expected=_tls_expect(tls12=tuple(i for _, i in _ORDER_SUITES)),
            server_order=True,
            description="TLS 1.2 only, the same five suites, server's order",
        ),
        Profile(
            name="tls13-only",
            args=("-tls1_3", "-ciphersuites", _TLS13_ALL, "-serverpref"),
            expected=_tls_expect(tls13=tuple(_TLS13_ALL.split(":"))),
            server_order=True,
            description="Only TLS 1.3, all five suites OpenSSL has",
        ),
        Profile(
            name="reset-long-hello",
            args=_afd("x", _AFD_LIKE, None, "").args,
            expected=_tls_expect(tls12=tuple(i for _, i in _AFD_LIKE), tls13=_AFD_TLS13),
            server_order=True,
            reset_threshold=DEFAULT_RESET_THRESHOLD,
            description=(
                f"afd-like behind a front that resets a first TLS record > "
                f"{DEFAULT_RESET_THRESHOLD} bytes"
            ),
        ),
    )
}


# --------------------------------------------------------------------------------------------
# Certificates


@dataclass(frozen=True)
class CertFiles:
    """PEM files of a throwaway PKI: root CA → intermediate → RSA-2048 and ECDSA P-256 leaves."""

    ca: Path
    rsa_cert: Path
    rsa_key: Path
    ecdsa_cert: Path
    ecdsa_key: Path
    chain: Path  # the intermediate, sent after either leaf


_cert_lock = threading.Lock()
_default_cert_dir: Path | None = None


def make_certs(directory: Path) -> CertFiles:
    """Write (or reuse, when all files exist) the certificate files in ``directory``."""
    files = CertFiles(
        ca=directory / "ca.pem",
        rsa_cert=directory / "rsa-leaf.pem",
        rsa_key=directory / "rsa-leaf.key",
        ecdsa_cert=directory / "ecdsa-leaf.pem",
        ecdsa_key=directory / "ecdsa-leaf.key",
        chain=directory / "intermediate.pem",
    )
    if all(p.exists() for p in vars(files).values()):
        return files
    directory.mkdir(parents=True, exist_ok=True)
    root = trustme.CA(key_type=trustme.KeyType.RSA, organization_name="onedrive-doctor test root")
    intermediate = root.create_child_ca(key_type=trustme.KeyType.RSA)
    rsa = intermediate.issue_cert(*CERT_NAMES, key_type=trustme.KeyType.RSA)
    ecdsa = intermediate.issue_cert(*CERT_NAMES, key_type=trustme.KeyType.ECDSA)
    root.cert_pem.write_to_path(str(files.ca))
    intermediate.cert_pem.write_to_path(str(files.chain))
    rsa.cert_chain_pems[0].write_to_path(str(files.rsa_cert))
    rsa.private_key_pem.write_to_path(str(files.rsa_key))
    ecdsa.cert_chain_pems[0].write_to_path(str(files.ecdsa_cert))
    ecdsa.private_key_pem.write_to_path(str(files.ecdsa_key))
    return files


def default_cert_dir() -> Path:
    """One temp directory of certificates per process (made on first use, removed at exit)."""
    global _default_cert_dir
    with _cert_lock:
        if _default_cert_dir is None:
            _default_cert_dir = Path(tempfile.mkdtemp(prefix="od-tls-certs-"))
            atexit.register(shutil.rmtree, _default_cert_dir, ignore_errors=True)
        make_certs(_default_cert_dir)
        return _default_cert_dir


_legacy_provider: bool | None = None


def legacy_provider_available() -> bool:
    """Whether ``openssl`` can load the legacy provider (SEED suites live there in 3.x)."""
    global _legacy_provider
    if _legacy_provider is None:
        probe = subprocess.run(
            [OPENSSL, "list", "-providers", "-provider", "legacy", "-provider", "default"],
            capture_output=True,
            check=False,
        )
        _legacy_provider = probe.returncode == 0
    return _legacy_provider


# --------------------------------------------------------------------------------------------
# The counting front


def _rst_close(sock: socket.socket) -> None:
    """Close ``sock`` with an RST (SO_LINGER on, timeout 0) instead of a FIN."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class _Pipe:
    """Both sockets of one forwarded connection; closes them when both directions are done."""

    def __init__(self, a: socket.socket, b: socket.socket) -> None:
        self.socks = (a, b)
        self._lock = threading.Lock()
        self._pending = 2
        self.aborted = False

    def abort(self) -> None:
        """Turn the connection into RSTs on both sides and wake both pumps."""
        with self._lock:
            if self.aborted:
                return
            self.aborted = True
        for s in self.socks:
            with suppress(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with suppress(OSError):
                s.shutdown(socket.SHUT_RD)  # wakes a recv() blocked in the other thread

    def finished(self) -> None:
        with self._lock:
            self._pending -= 1
            last = self._pending == 0
        if last:
            for s in self.socks:
                with suppress(OSError):
                    s.close()

    def pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    if not self.aborted:
                        dst.shutdown(socket.SHUT_WR)  # forward the FIN
                    break
                dst.sendall(data)
        except OSError:  # reset, broken pipe: pass it on as an RST
            self.abort()
        finally:
            self.finished()


def _nodelay(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


class CountingFront:
    """A TCP forwarder on 127.0.0.1:0 that counts accepted connections.

    With ``reset_threshold`` set, it reads the first 5 bytes of each connection: a TLS handshake
    record (content type 22) whose length field is greater than the threshold is answered with an
    RST and never reaches the upstream server; anything else is forwarded unchanged.
    """

    def __init__(self, upstream_port: int, reset_threshold: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.reset_threshold = reset_threshold
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((HOST, 0))
        self._sock.listen(1024)
        self.port: int = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._count = 0
        self.resets = 0
        self._live: set[socket.socket] = set()
        self._pipes: set[_Pipe] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._accept_loop, name="tls-front", daemon=True)
        self._thread.start()

    @property
    def connections(self) -> int:
        with self._lock:
            return self._count

    def reset_connections(self) -> int:
        """Set the counter to 0; returns the value it had."""
        with self._lock:
            old, self._count = self._count, 0
            return old

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    client.close()
                    return
                self._count += 1
                self._live.add(client)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        _nodelay(client)
        first = b""
        upstream: socket.socket | None = None
        try:
            if self.reset_threshold is not None:
                first = _recv_exactly(client, 5)
                if (
                    len(first) == 5
                    and first[0] == 0x16
                    and int.from_bytes(first[3:5], "big") > self.reset_threshold
                ):
                    with self._lock:
                        self.resets += 1
                    _rst_close(client)
                    return
            upstream = socket.create_connection((HOST, self.upstream_port))
            _nodelay(upstream)
            if first:
                upstream.sendall(first)
        except OSError:
            _rst_close(client)
            if upstream is not None:
                upstream.close()
            return
        finally:
            with self._lock:
                self._live.discard(client)
        pipe = _Pipe(client, upstream)
        with self._lock:
            if self._closed:
                pipe.abort()
            self._pipes.add(pipe)
        back = threading.Thread(target=pipe.pump, args=(upstream, client), daemon=True)
        back.start()
        pipe.pump(client, upstream)
        back.join()
        with self._lock:
            self._pipes.discard(pipe)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            live, pipes = list(self._live), list(self._pipes)
        with suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux; close() alone doesn't
        self._sock.close()
        for s in live:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        for p in pipes:
            p.abort()
        self._thread.join(timeout=2)


# --------------------------------------------------------------------------------------------
# s_server behind the front


@dataclass
class TlsServer:
    """A running profile. Connect to ``host:port`` (the front)."""

    profile: str
    definition: Profile
    front: CountingFront
    process: subprocess.Popen[bytes]
    backend_port: int
    certs: CertFiles
    log_path: Path
    host: str = HOST
    command: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.front.port

    @property
    def connections(self) -> int:
        """TCP connections the front accepted since start or the last ``reset_connections()``."""
        return self.front.connections

    def reset_connections(self) -> int:
        return self.front.reset_connections()

    @property
    def resets(self) -> int:
        """Connections the front reset because their first record was too long."""
        return self.front.resets

    @property
    def ca_file(self) -> Path:
        return self.certs.ca

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _server_command(profile: Profile, certs: CertFiles) -> list[str]:
    cmd = [OPENSSL, "s_server", "-accept", f"{HOST}:0", "-www"]
    if profile.legacy_provider and legacy_provider_available():
        cmd += ["-provider", "legacy", "-provider", "default"]
    cmd += ["-cert", str(certs.rsa_cert), "-key", str(certs.rsa_key)]
    cmd += ["-cert_chain", str(certs.chain)]
    if profile.ecdsa:
        cmd += ["-dcert", str(certs.ecdsa_cert), "-dkey", str(certs.ecdsa_key)]
        cmd += ["-dcert_chain", str(certs.chain)]
    return cmd + list(profile.args)


def _wait_for_accept(proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        for line in text.splitlines():
            if line.startswith("ACCEPT ") and ":" in line:
                return int(line.rsplit(":", 1)[1])
        if proc.poll() is not None:
            raise RuntimeError(f"openssl s_server exited ({proc.returncode}):\n{text}")
        time.sleep(0.01)
    raise RuntimeError(f"openssl s_server did not start in {timeout}s:\n{log_path.read_text()}")


@contextmanager
def tls_server(
    profile: str,
    cert_dir: Path | None = None,
    *,
    reset_threshold: int | None = None,
    start_timeout: float = 10.0,
) -> Iterator[TlsServer]:
    """Run ``openssl s_server`` with ``profile`` behind a counting front; stop both on exit.

    ``cert_dir``: where the certificates are written (reused when present); default a per-process
    temp dir. ``reset_threshold`` overrides the profile's (only ``reset-long-hello`` has one).
    """
    definition = PROFILES[profile]
    certs = make_certs(cert_dir) if cert_dir is not None else make_certs(default_cert_dir())
    threshold = reset_threshold if reset_threshold is not None else definition.reset_threshold
    cmd = _server_command(definition, certs)
    with tempfile.TemporaryDirectory(prefix=f"od-tls-{profile}-") as tmp:
        log_path = Path(tmp) / "s_server.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        front: CountingFront | None = None
        try:
            backend = _wait_for_accept(proc, log_path, start_timeout)
            front = CountingFront(backend, threshold)
            yield TlsServer(
                profile=profile,
                definition=definition,
                front=front,
                process=proc,
                backend_port=backend,
                certs=certs,
                log_path=log_path,
                command=cmd,
            )
        finally:
            if front is not None:
                front.close()
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# --------------------------------------------------------------------------------------------
# Hostile servers

HOSTILE_MODES = ("garbage", "huge-record", "silent", "drip", "http", "close", "reset")

HTTP_400 = (
    b"HTTP/1.1 400 Bad Request\r\n"
    b"Server: nginx\r\n"
    b"Content-Type: text/html\r\n"
    b"Content-Length: 150\r\n"
    b"Connection: close\r\n\r\n"
    + b"<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
    + b"<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n"
    + b"</body>\r\n</html>\r\n"
)

#: huge-record: a handshake record announcing 0xFFFF bytes (more than TLS's 2^14 + 2048 maximum)
#: whose handshake header announces a ServerHello of 2^24 - 1 bytes; then nothing more.
HUGE_RECORD = b"\x16\x03\x03\xff\xff" + b"\x02\xff\xff\xff" + b"\x03\x03" + bytes(32)


def server_hello(cipher: int = 0xC030) -> bytes:
    """A well-formed TLS 1.2 ServerHello record (empty session id, renegotiation_info)."""
    extensions = b"\xff\x01\x00\x01\x00"
    body = (
        b"\x03\x03"
        + os.urandom(32)
        + b"\x00"
        + cipher.to_bytes(2, "big")
        + b"\x00"
        + len(extensions).to_bytes(2, "big")
        + extensions
    )
    handshake = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(handshake).to_bytes(2, "big") + handshake


def _drip_bytes() -> Iterator[int]:
    """A ServerHello, then a Certificate message of 2^24 - 1 bytes in 16 KiB records, forever."""
    yield from server_hello()
    first = True
    while True:
        record = b"\x16\x03\x03\x40\x00"
        payload = (b"\x0b\xff\xff\xff" if first else b"") + bytes(16384 - (4 if first else 0))
        first = False
        yield from record + payload


def _garbage() -> bytes:
    """64 random bytes that cannot be mistaken for a TLS or SSLv2 record header."""
    while True:
        data = os.urandom(64)
        if data[0] not in range(20, 25) and data[0] < 0x80:
            return data


class HostileServer:
    """A plain socket server on 127.0.0.1:0 that misbehaves in one ``mode``."""

    def __init__(self, mode: str, drip_interval: float = 0.5) -> None:
        if mode not in HOSTILE_MODES:
            raise ValueError(f"unknown hostile mode {mode!r}; choose from {HOSTILE_MODES}")
        self.mode = mode
        self.drip_interval = drip_interval
        self.host = HOST
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((HOST, 0))
        self._sock.listen(128)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._clients: set[socket.socket] = set()
        self.connections = 0
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._accept_loop, name="hostile", daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._clients.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _read_some(self, client: socket.socket) -> bytes:
        client.settimeout(10)
        try:
            data = client.recv(65536)
        except (TimeoutError, OSError):
            return b""
        finally:
            client.settimeout(None)
        with self._lock:
            self.received.append(data)
        return data

    def _serve(self, client: socket.socket) -> None:
        _nodelay(client)
        try:
            if self.mode == "close":
                client.close()
            elif self.mode == "reset":
                # Reset on the client's first bytes, never on accept: an RST sent on accept can
                # reach the client while its connect() is still returning, so the client would
                # see a refused connect one run and a reset the next (a flaky test).
                self._read_some(client)
                _rst_close(client)
            elif self.mode == "garbage":
                if self._read_some(client):
                    client.sendall(_garbage())
                client.close()
            elif self.mode == "http":
                if self._read_some(client):
                    client.sendall(HTTP_400)
                client.close()
            elif self.mode == "huge-record":
                self._read_some(client)
                client.sendall(HUGE_RECORD)
                while client.recv(65536):  # stall until the client gives up (or close())
                    pass
            elif self.mode == "silent":
                while client.recv(65536):
                    pass
            elif self.mode == "drip":
                self._read_some(client)
                for byte in _drip_bytes():
                    client.sendall(bytes([byte]))
                    if self._stop.wait(self.drip_interval):
                        break
        except OSError:
            pass
        finally:
            with self._lock:
                self._clients.discard(client)
            with suppress(OSError):
                client.close()

    def close(self) -> None:
        self._stop.set()
        with suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        with self._lock:
            clients = list(self._clients)
        for c in clients:
            with suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=2)


@contextmanager
def hostile_server(mode: str, drip_interval: float = 0.5) -> Iterator[HostileServer]:
    """``mode``: garbage, huge-record, silent, drip, http, close, reset (see module docstring)."""
    server = HostileServer(mode, drip_interval)
    try:
        yield server
    finally:
        server.close()
