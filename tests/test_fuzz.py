"""Issue 11 "Done when": the bundle reader and every parser, fuzzed with a fixed example budget.

Each test feeds random and mutated inputs (real-shaped seeds with bytes inserted, deleted and
cut) and accepts only the documented outcomes: a value, or the error type the function
documents (``InputError`` and its subclasses, ``RegParseError``, the parser's own error). Any
other exception is a bug. The budgets are fixed and the examples derandomized, so a run is
repeatable and the whole file stays well under 30 s.
"""

from __future__ import annotations

import contextlib
import io
import struct
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.bundle._json import BundleJsonError, load_json
from onedrive_doctor.errors import InputError
from onedrive_doctor.parsers.certificate import CertificateError, certificate_summary, pem_to_der
from onedrive_doctor.parsers.dsregcmd import DsregcmdParseError, parse_dsregcmd
from onedrive_doctor.parsers.hotfixes import HotfixParseError, parse_hotfixes
from onedrive_doctor.parsers.nltest import NltestParseError, parse_nltest
from onedrive_doctor.parsers.onedrive_client import OneDriveJsonError, find_client
from onedrive_doctor.parsers.proxy_settings import proxy_problems, wininet_settings
from onedrive_doctor.parsers.reg_intake import intake_reg
from onedrive_doctor.parsers.text import decode_text, decode_text_as
from onedrive_doctor.parsers.tls_cmdlets import (
    CmdletParseError,
    parse_cipher_suites,
    parse_ecc_curves,
)
from onedrive_doctor.parsers.winhttp_settings import (
    ConnectionSettingsError,
    parse_connection_settings,
)
from onedrive_doctor.registry import Registry, RegParseError, parse_reg
from onedrive_doctor.tls import ClientHelloSpec, ProtocolVersion, build_client_hello
from onedrive_doctor.tls._errors import TlsDecodeError
from onedrive_doctor.tls._hello_parser import parse_client_hello
from regfiles import WINDOWS_MANIFEST, reg_bytes
from winbundles import WIN10_HOTFIXES, current_version, internet_settings, probes, tls_scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BUNDLES = settings(FUZZ, max_examples=25)

DSREGCMD = sorted((FIXTURES / "dsregcmd").glob("dsregcmd_*.txt"))
NLTEST = (FIXTURES / "dsregcmd" / "nltest_dsgetdc_and_netconnectionprofile.txt").read_bytes()
REG = reg_bytes(
    current_version("Windows 10 Pro", 19045),
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\n"
    '"Name"="Contoso"\n"Blob"=hex:01,02,\\\n  03,04\n'
    '"Multi"=hex(7):61,00,00,00,00,00\n"Gone"=-',
    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]",
)
CIPHERS = b"Name\r\n----\r\nTLS_AES_256_GCM_SHA384\r\nTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\r\n"
CURVES = b"Name\r\n----\r\ncurve25519\r\nNistP256\r\nNistP384\r\n"
WINHTTP = (  # WinHttpSettings: version, counter, flags, then the proxy and bypass strings
    struct.pack("<III", 0x28, 0, 3)
    + struct.pack("<I", 14)
    + b"127.0.0.1:8888"
    + struct.pack("<I", 7)
    + b"<local>"
)
PROBES = probes(tls_scan()).encode()
ONEDRIVE_JSON = (
    b'{"platform": "windows", "installs": [{"path": "C:\\\\OneDrive.exe", "scope": "per-user"}]}'
)
# A fixed self-signed P-256 certificate (openssl req -x509), so every run fuzzes the same seed.
PEM = b"""-----BEGIN CERTIFICATE-----
MIIBwzCCAWmgAwIBAgIUT9G61hdDhDNdpOdTjWJpJS8TvdUwCgYIKoZIzj0EAwIw
NzEVMBMGA1UEAwwMZnV6ei5leGFtcGxlMR4wHAYDVQQKDBVvbmVkcml2ZS1kb2N0
b3IgdGVzdHMwHhcNMjYxMjAyMDAxMzI4WhcNMzYxMTI5MDAxMzI4WjA3MRUwEwYD
VQQDDAxmdXp6LmV4YW1wbGUxHjAcBgNVBAoMFW9uZWRyaXZlLWRvY3RvciB0ZXN0
czBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNBg+yy6JHu+uixqlSPjz9+N8ML1
DsjRfywIZewoSn7dQd5MeVCck4s9IXOEgCcWujakiBSa8v3MhdqFO517GqmjUzBR
MB0GA1UdDgQWBBTEcAOc8hRhEG1xw6qxNCdDt3XBJjAfBgNVHSMEGDAWgBTEcAOc
8hRhEG1xw6qxNCdDt3XBJjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gA
MEUCIAn8i5fV0HRw/ArcCwKa1ZLFpUSGmePPdr5QVeQ6uxl8AiEA6EinA4XV+fyN
XMmyReL9kUWlIYyVv6HEK+Z/TxwpFAI=
-----END CERTIFICATE-----
"""
DER = pem_to_der(PEM.decode())[0]
HELLO = build_client_hello(
    ClientHelloSpec(ProtocolVersion.TLSv1_2, (0xC02F, 0xC030), "login.microsoftonline.com")
)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with up to four edits: bytes inserted, a run deleted, or the tail cut."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(("insert", "delete", "cut", "flip")))
        if edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=24))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "cut":
            del data[at:]
        elif data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


def inputs(*seeds: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, random text in the encodings Windows writes, and mutated seeds."""
    text = st.text(max_size=200)
    return st.one_of(
        st.binary(max_size=400),
        text.map(lambda t: t.encode("utf-8")),
        text.map(lambda t: b"\xff\xfe" + t.encode("utf-16-le", "surrogatepass")),
        mutated(list(seeds)),
    )


def texts(*seeds: bytes) -> st.SearchStrategy[str]:
    """What the parsers get: bytes through the one text decoder (an unreadable one is skipped)."""

    def decoded(data: bytes) -> str:
        try:
            return decode_text(data, "fuzz.txt")
        except InputError:
            return data.decode("latin-1")

    return inputs(*seeds).map(decoded)


# --- text parsers -------------------------------------------------------------------------------


@FUZZ
@given(data=inputs(*(p.read_bytes() for p in DSREGCMD[:4]), NLTEST, CIPHERS))
def test_the_text_decoder_gives_text_or_an_input_error(data: bytes) -> None:
    try:
        text, encoding = decode_text_as(data, "fuzz.txt")
        assert isinstance(text, str) and isinstance(encoding, str)
        assert isinstance(decode_text(data, "fuzz.txt"), str)
    except InputError:
        pass


@FUZZ
@given(text=texts(*(p.read_bytes() for p in DSREGCMD)))
def test_dsregcmd_parser_gives_a_status_or_its_parse_error(text: str) -> None:
    with contextlib.suppress(DsregcmdParseError):
        parse_dsregcmd(text)


@FUZZ
@given(text=texts(WIN10_HOTFIXES, b"HotFixID\r\nKB5011048\r\n"))
def test_hotfix_parser_gives_ids_or_its_parse_error(text: str) -> None:
    with contextlib.suppress(HotfixParseError):
        assert all(kb.startswith("KB") for kb in parse_hotfixes(text))


@FUZZ
@given(text=texts(NLTEST))
def test_nltest_parser_gives_a_result_or_its_parse_error(text: str) -> None:
    with contextlib.suppress(NltestParseError):
        parse_nltest(text)


@FUZZ
@given(text=texts(CIPHERS, CURVES))
def test_tls_cmdlet_parsers_give_lists_or_their_parse_error(text: str) -> None:
    for parse in (parse_cipher_suites, parse_ecc_curves):
        with contextlib.suppress(CmdletParseError):
            parse(text)


@FUZZ
@given(data=inputs(WINHTTP))
def test_winhttp_settings_blob_gives_settings_or_its_error(data: bytes) -> None:
    with contextlib.suppress(ConnectionSettingsError):
        parse_connection_settings(data)


@FUZZ
@given(data=inputs(DER, PEM))
def test_certificates_give_a_summary_or_a_certificate_error(data: bytes) -> None:
    with contextlib.suppress(CertificateError):
        certificate_summary(data)
    with contextlib.suppress(CertificateError):
        pem_to_der(data.decode("latin-1"))


# --- registry, JSON, TLS ------------------------------------------------------------------------


@FUZZ
@given(data=inputs(REG))
def test_reg_parser_and_intake_give_operations_or_a_reg_parse_error(data: bytes) -> None:
    intake = intake_reg("registry/fuzz.reg", data)
    for candidate in (data, intake.data):
        if candidate is None:
            continue
        try:
            parse_reg(candidate, "fuzz.reg")
            registry = Registry.from_files([("fuzz.reg", candidate)])
        except RegParseError:
            continue
        # What the checks then read from it: values or problems, never an exception.
        proxy_problems(registry)
        wininet_settings(registry)
        with contextlib.suppress(OneDriveJsonError):
            find_client(registry)


@FUZZ
@given(data=inputs(PROBES, ONEDRIVE_JSON, WINDOWS_MANIFEST.encode(), b'{"a": [1, 2.5, null]}'))
def test_bundle_json_gives_a_value_or_a_bundle_json_error(data: bytes) -> None:
    try:
        value = load_json(data, "fuzz.json")
    except BundleJsonError:
        return
    with contextlib.suppress(OneDriveJsonError):
        find_client(None, value)


@FUZZ
@given(data=inputs(HELLO, HELLO[5:]))
def test_client_hello_parser_gives_a_hello_or_a_decode_error(data: bytes) -> None:
    with contextlib.suppress(TlsDecodeError):
        parse_client_hello(data)


# --- whole bundles: folder and zip --------------------------------------------------------------

SEED_FILES: dict[str, bytes] = {
    "manifest.json": WINDOWS_MANIFEST.encode(),
    "registry/currentversion.reg": REG,
    "registry/inet.reg": reg_bytes(*internet_settings()),
    "dsregcmd.txt": DSREGCMD[0].read_bytes(),
    "hotfixes.txt": WIN10_HOTFIXES,
    "cipher-suites.txt": CIPHERS,
    "ecc-curves.txt": CURVES,
    "nltest.txt": NLTEST,
    "probes.json": PROBES,
}
NAMES = [*SEED_FILES, "onedrive.json", "unavailable.txt", "registry/odd.reg", "other.bin"]


@st.composite
def bundle_files(draw: st.DrawFn) -> dict[str, bytes]:
    """Some of the seed files, each kept, mutated, or replaced; some names reused for others."""
    chosen = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    files = {}
    for name in chosen:
        seed = SEED_FILES.get(name, SEED_FILES["probes.json"])
        files[name] = draw(st.one_of(st.just(seed), mutated([seed]), st.binary(max_size=64)))
    return files


def _analyzed(path: Path) -> None:
    """A report, or the documented refusal of an unreadable bundle: nothing else."""
    try:
        report = analyze_bundle(path)
    except InputError:
        return
    assert report.findings


@BUNDLES
@given(files=bundle_files())
def test_a_folder_bundle_analyses_to_a_report_or_an_input_error(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bundle"
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        _analyzed(root)


@BUNDLES
@given(
    files=bundle_files(),
    damage=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), max_size=3),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_a_zip_bundle_even_damaged_analyses_to_a_report_or_an_input_error(
    files: dict[str, bytes], damage: list[tuple[int, bytes]], cut: int | None
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"pc42/{name}", data)
    data = bytearray(buffer.getvalue())
    for at, junk in damage:
        at %= len(data)
        data[at : at + len(junk)] = junk
    if cut is not None:
        del data[cut % len(data) :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.zip"
        path.write_bytes(bytes(data))
        with contextlib.suppress(InputError):
            open_bundle(path)
        _analyzed(path)
