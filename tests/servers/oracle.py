"""Ground truth for scanner tests: what OpenSSL negotiates when each suite is offered alone.

``accepted_by_openssl(port, "TLSv1.2")`` runs one ``openssl s_client -tls1_2 -cipher X`` per suite
the local OpenSSL knows (``-ciphersuites X`` for TLS 1.3), in parallel, and returns the IANA names
of the suites that were negotiated. The scanner's accepted set must equal it.

Which suites are tried, per protocol (the rest cannot be offered by this client at all):

* the suites of ``openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`` plus the five
  TLS 1.3 suites (with the legacy provider loaded when available, which adds SEED);
* TLS 1.3: the TLS 1.3 suites; TLS 1.2: every other suite; TLS 1.0/1.1: the suites OpenSSL marks
  ``SSLv3``/``TLSv1`` (1.2-only suites such as GCM cannot be sent in a 1.0 hello);
* PSK and SRP suites are skipped: ``s_client`` cannot offer them without a shared secret, and none
  of the test servers has one, so they can never be negotiated;
* SSLv2/SSLv3: OpenSSL 3 has no support compiled in, neither here nor in the servers: ``[]``.

The result is in ``openssl ciphers`` order (not a preference order): compare it as a set.
"""

from __future__ import annotations

import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from servers.tls_profiles import HOST, OPENSSL, legacy_provider_available

TLS13_SUITES = (
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
)
CLIENT_FLAG = {"TLSv1.0": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}
#: How ``s_client -brief`` spells each version in its "Protocol version:" line.
BRIEF_VERSION = {
    "TLSv1.0": "TLSv1",
    "TLSv1.1": "TLSv1.1",
    "TLSv1.2": "TLSv1.2",
    "TLSv1.3": "TLSv1.3",
}
WORKERS = 8
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Suite:
    """One line of ``openssl ciphers -V -stdname``."""

    code: str  # "0xC030"
    iana: str  # "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    openssl: str  # "ECDHE-RSA-AES256-GCM-SHA384"
    min_version: str  # "SSLv3", "TLSv1", "TLSv1.2", "TLSv1.3" as OpenSSL prints it
    kx: str
    au: str

    def offerable(self, protocol: str) -> bool:
        if "PSK" in self.kx or "SRP" in self.kx or self.au in ("PSK", "SRP"):
            return False
        if protocol == "TLSv1.3":
            return self.min_version == "TLSv1.3"
        if protocol == "TLSv1.2":
            return self.min_version != "TLSv1.3"
        if protocol in ("TLSv1.0", "TLSv1.1"):
            return self.min_version in ("SSLv3", "TLSv1")
        return False


def _provider_args() -> list[str]:
    return ["-provider", "legacy", "-provider", "default"] if legacy_provider_available() else []


@cache
def openssl_suites() -> tuple[Suite, ...]:
    """Every suite the local OpenSSL knows (all five TLS 1.3 suites, legacy provider if present)."""
    out = subprocess.run(
        [
            OPENSSL,
            "ciphers",
            *_provider_args(),
            "-V",
            "-stdname",
            "-ciphersuites",
            ":".join(TLS13_SUITES),
            "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    suites = []
    for line in out.splitlines():
        # 0xC0,0x30 - TLS_ECDHE_RSA_... - ECDHE-RSA-AES256-GCM-SHA384 TLSv1.2 Kx=ECDH Au=RSA ...
        parts = line.split()
        if len(parts) < 8 or parts[1] != "-" or parts[3] != "-":
            continue
        hi, lo = parts[0].split(",")
        fields = dict(p.split("=", 1) for p in parts[6:] if "=" in p)
        suites.append(
            Suite(
                code="0x" + (hi[2:] + lo[2:]).upper(),
                iana=parts[2],
                openssl=parts[4],
                min_version=parts[5],
                kx=fields.get("Kx", ""),
                au=fields.get("Au", ""),
            )
        )
    return tuple(suites)


def by_openssl_name() -> dict[str, Suite]:
    return {s.openssl: s for s in openssl_suites()}


def iana_names() -> dict[str, str]:
    """OpenSSL name → IANA name for every suite the local OpenSSL knows."""
    return {s.openssl: s.iana for s in openssl_suites()}


def _client_command(port: int, protocol: str, suite: Suite) -> list[str]:
    cmd = [OPENSSL, "s_client", *_provider_args(), "-connect", f"{HOST}:{port}"]
    cmd += [CLIENT_FLAG[protocol], "-brief", "-noservername"]
    if protocol == "TLSv1.3":
        cmd += ["-ciphersuites", suite.openssl]
    else:
        cmd += ["-cipher", f"{suite.openssl}:@SECLEVEL=0"]
    return cmd


def negotiated(port: int, protocol: str, suite: Suite, timeout: float = TIMEOUT_S) -> bool:
    """Whether a handshake offering only ``suite`` at ``protocol`` succeeds with that suite."""
    try:
        proc = subprocess.run(
            _client_command(port, protocol, suite),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    version = cipher = None
    for line in (proc.stderr + proc.stdout).splitlines():
        if line.startswith("Protocol version:"):
            version = line.split(":", 1)[1].strip()
        elif line.startswith("Ciphersuite:"):
            cipher = line.split(":", 1)[1].strip()
    return version == BRIEF_VERSION[protocol] and cipher == suite.openssl


_cache: dict[tuple[str, str], list[str]] = {}
_cache_lock = threading.Lock()


def accepted_by_openssl(
    port: int, protocol: str, *, profile: str | None = None, workers: int = WORKERS
) -> list[str]:
    """IANA names of the suites a server on 127.0.0.1:``port`` negotiates, each offered alone.

    ``protocol``: SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3. With ``profile`` the answer is
    cached in-process per (profile, protocol); without it nothing is cached (ports get reused).
    """
    if protocol in ("SSLv2", "SSLv3"):
        return []
    if protocol not in CLIENT_FLAG:
        raise ValueError(f"unknown protocol {protocol!r}")
    key = (profile, protocol) if profile is not None else None
    if key is not None:
        with _cache_lock:
            if key in _cache:
                return list(_cache[key])
    candidates = [s for s in openssl_suites() if s.offerable(protocol)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda s: negotiated(port, protocol, s), candidates))
    accepted = [s.iana for s, ok in zip(candidates, results, strict=True) if ok]
    if key is not None:
        with _cache_lock:
            _cache[key] = accepted
    return list(accepted)


def accepted_all_protocols(port: int, *, profile: str | None = None) -> dict[str, list[str]]:
    """``accepted_by_openssl`` for every protocol (SSLv2 … TLSv1.3)."""
    return {
        p: accepted_by_openssl(port, p, profile=profile)
        for p in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
    }
