"""Our rebuilt Schannel ClientHello against hellos recorded on real Windows PCs.

One test per Windows family. Where a byte recording exists (tests/fixtures/hellos/README.md names
each source), our hello is built with the recording's client random and session id and with what
the recorded application adds on top of Schannel's defaults (each case says what), and the bytes
must be equal. Where only a decode exists, every decoded field is compared. Where no recording
exists, the test says so and compares the hello with the structure Microsoft documents (the
cipher-suite page's order, the curves page, the protocols table).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.knowledge.windows_families import FAMILIES
from onedrive_doctor.tls import ExtensionType, NamedGroup, ProtocolVersion, build_client_hello
from onedrive_doctor.tls._hello_parser import ClientHello, parse_client_hello
from onedrive_doctor.tls.suites import CipherSuite, by_name
from onedrive_doctor.windows import family_by_label
from onedrive_doctor.windows.client_model import ClientProfile, default_profile
from onedrive_doctor.windows.offer import client_hello_spec
from onedrive_doctor.windows.stacks import stacks

HELLOS = Path(__file__).resolve().parents[1] / "fixtures" / "hellos"
BY_KEY = {f.key: f for f in FAMILIES}

NPN = 0x3374  # next_protocol_negotiation (draft-agl-tls-nextprotoneg), IE 11 on 8.1
TOKEN_BINDING_DRAFT = 0x5500  # IE 11's early token-binding draft extension on Windows 10
EMS = ExtensionType.extended_master_secret


def suite(name: str) -> CipherSuite:
    found = by_name(name)
    assert found is not None, name
    return found


def recorded(name: str) -> bytes:
    return bytes.fromhex("".join((HELLOS / f"{name}.hex").read_text().split()))


@dataclass(frozen=True)
class App:
    """What the recorded application adds to, or leaves out of, Schannel's default hello."""

    stack: str = "schannel"  # "wininet": IE passes its SecureProtocols mask
    drop: tuple[str, ...] = ()  # suite-name fragments the application filters out
    alpn: tuple[str, ...] = ()
    # (type, body, sent after this type): extensions only that application sends
    extra: tuple[tuple[int, bytes, int], ...] = ()
    replace: tuple[tuple[int, bytes], ...] = ()  # bodies that carry the application's state
    hotfixes: frozenset[str] | None = None  # None: every update assumed installed
    only: tuple[ProtocolVersion, ...] = ()  # protocols the application restricts itself to


IE11 = App(stack="wininet", drop=("RC4",))


def profile_of(label: str, app: App) -> ClientProfile:
    profile = default_profile(family_by_label(label), app.hotfixes)
    if app.stack == "wininet":
        profile = stacks(profile)[2].profile
    if app.only:
        protocols = tuple(
            p if p.version in app.only else dataclasses.replace(p, state="disabled")
            for p in profile.protocols
        )
        profile = dataclasses.replace(profile, protocols=protocols)
    suites = tuple(s for s in profile.cipher_suites if not any(d in s for d in app.drop))
    return dataclasses.replace(profile, cipher_suites=suites)


def our_hello(label: str, app: App, like: ClientHello) -> bytes:
    profile = profile_of(label, app)
    spec = client_hello_spec(
        profile, like.server_name, random=like.random, session_id=like.session_id
    )
    order = list(spec.extension_order or ())
    if app.alpn and ExtensionType.application_layer_protocol_negotiation not in order:
        raise AssertionError("the Schannel order has no place for ALPN")
    for ext_type, _, after in app.extra:
        order.insert(order.index(after) + 1, ext_type)
    spec = dataclasses.replace(
        spec,
        alpn=app.alpn,
        extra_extensions=(
            *((t, d) for t, d, _ in app.extra),
            *app.replace,
        ),
        extension_order=tuple(order),
    )
    return build_client_hello(spec)


def assert_same_bytes(ours: bytes, theirs: bytes) -> None:
    mine, recorded_hello = parse_client_hello(ours), parse_client_hello(theirs)
    # Field by field first, so that a failure says what differs.
    assert mine.cipher_suites == recorded_hello.cipher_suites
    assert mine.extension_types == recorded_hello.extension_types
    assert mine.extensions == recorded_hello.extensions
    assert ours.hex() == theirs.hex()


# --- byte recordings --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    keys: tuple[str, ...]
    label: str
    recording: str
    app: App
    why: str = ""
    differs: dict[int, str] = field(default_factory=dict)


EXACT = (
    Case(
        ("win7", "server2008r2"),
        "7 SP1",
        "ie11-win7-2017",
        IE11,
        "IE 11 asks for TLS 1.0-1.2 (SecureProtocols 0xA80) and leaves RC4 out; Server 2008 R2 "
        "is the same build (7601)",
    ),
    Case(
        ("win8.1", "server2012r2"),
        "8.1",
        "ie11-win81-2016",
        dataclasses.replace(
            IE11,
            alpn=("spdy/3", "http/1.1"),
            extra=((NPN, b"", ExtensionType.application_layer_protocol_negotiation),),
        ),
        "IE 11 adds ALPN and NPN; Server 2012 R2 is the same build (9600)",
    ),
    Case(
        ("win10-1511",),
        "10 1511",
        "ie11-win10-2016",
        dataclasses.replace(
            IE11,
            alpn=("h2", "http/1.1"),
            extra=(
                (
                    TOKEN_BINDING_DRAFT,
                    bytes.fromhex("000100020002"),
                    ExtensionType.extended_master_secret,
                ),
            ),
        ),
        "IE 11 adds ALPN and its token-binding draft extension",
    ),
    Case(
        ("win10-1703",),
        "10 1703",
        "edge15-win10-2018",
        App(
            drop=("RC4", "TLS_DHE_"),
            alpn=("h2", "http/1.1"),
            extra=((ExtensionType.token_binding, bytes.fromhex("000a03020100"), EMS),),
        ),
        "Edge leaves RC4 and DHE out (Schannel sends DHE_RSA GCM: the Server 2019 recording) "
        "and adds ALPN and token_binding",
    ),
)


@pytest.mark.parametrize("case", EXACT, ids=lambda c: c.recording)
def test_our_hello_is_byte_equal_to_the_recorded_one(case: Case) -> None:
    theirs = recorded(case.recording)
    like = parse_client_hello(theirs)
    for key in case.keys:
        label = BY_KEY[key].label
        assert_same_bytes(our_hello(label, case.app, like), theirs)


def test_windows_10_1803_hello_equals_edge_17s_but_for_its_resumption_ticket() -> None:
    theirs = recorded("edge17-win10-2019")
    like = parse_client_hello(theirs)
    # Edge 17's session_ticket carries a ticket from an earlier session (192 bytes): the
    # application's state, not Schannel's layout, so its body is taken from the recording.
    ticket = like.extension(ExtensionType.session_ticket)
    assert ticket is not None and len(ticket) == 192
    app = App(
        drop=("RC4", "TLS_DHE_"),
        alpn=("h2", "http/1.1"),
        extra=((ExtensionType.token_binding, bytes.fromhex("001003020100"), EMS),),
        replace=((ExtensionType.session_ticket, ticket),),
    )
    assert_same_bytes(our_hello("10 1803", app, like), theirs)


def test_windows_10_1507_hello_equals_edge_12s_but_for_the_pre_release_suites() -> None:
    theirs = recorded("edge12-win10-2015")
    like = parse_client_hello(theirs)
    # Recorded on a pre-release build (2015-06): it lacks the two DHE_RSA AES-CBC suites the
    # released 1507's page lists (Edge 12 leaves RC4 out itself). Everything else is equal.
    page = BY_KEY["win10-1507"].cipher_suites
    assert "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" in page
    app = App(
        drop=("RC4", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
        alpn=("h2", "http/1.1"),
    )
    assert_same_bytes(our_hello("10 1507", app, like), theirs)


def test_windows_7_tls10_hello_matches_ie_8_to_10_in_2015_except_ems_and_p521() -> None:
    # Windows 7's Schannel default (no registry change) is a TLS 1.0 hello, which IE 8-10 sent.
    theirs = parse_client_hello(recorded("ie8-10-win7-2015"))
    ours = parse_client_hello(
        our_hello("7 SP1", App(), theirs)  # no filter: IE 8-10 still sent RC4
    )
    assert ours.record_version == theirs.record_version == 0x0301
    assert ours.legacy_version == theirs.legacy_version == 0x0301
    assert ours.cipher_suites == theirs.cipher_suites
    # Documented differences: extended_master_secret came with KB3081320 (2015-11), after this
    # capture; this capture also lists P-521 (0x0019), which the 2017 IE 11 one no longer does.
    assert theirs.groups == (23, 24, 25) and ours.groups == (23, 24)
    mine = [t for t in ours.extension_types if t != ExtensionType.extended_master_secret]
    assert mine == list(theirs.extension_types)
    for ext_type, body in theirs.extensions:
        if ext_type != ExtensionType.supported_groups:
            assert ours.extension(ext_type) == body


def test_windows_7_without_kb3042058_sends_the_2013_suite_order() -> None:
    theirs = parse_client_hello(recorded("ie8-win7-2013"))
    # hotfixes.txt without KB3042058: the factory order of the 2013 recordings.
    ours = parse_client_hello(our_hello("7 SP1", App(hotfixes=frozenset()), theirs))
    assert ours.cipher_suites == theirs.cipher_suites == (
        0x002F, 0x0035, 0x0005, 0x000A, 0xC013, 0xC014, 0xC009, 0xC00A,
        0x0032, 0x0038, 0x0013, 0x0004,
    )  # fmt: skip
    # The 2013 hello sent renegotiation_info first and no extended_master_secret (2015).
    assert ours.groups == theirs.groups


# --- decoded recordings (lists, no bytes) -------------------------------------------------------


def decoded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HELLOS / f"{name}.json").read_text())
    return data


def codes(values: list[str]) -> tuple[int, ...]:
    return tuple(int(v, 16) for v in values)


def versions_of(hello: ClientHello) -> list[str]:
    """Versions as the dump lists them: supported_versions, else legacy_version down to 1.0."""
    if hello.supported_versions is not None:
        return [ProtocolVersion(v).label for v in hello.supported_versions]
    return [ProtocolVersion(v).label for v in range(hello.legacy_version, 0x0300, -1)]


def built(label: str, server_name: str, app: App = App()) -> ClientHello:
    spec = client_hello_spec(profile_of(label, app), server_name)
    spec = dataclasses.replace(spec, alpn=app.alpn)
    return parse_client_hello(build_client_hello(spec))


@pytest.mark.parametrize(
    ("keys", "name"),
    [
        (("win10-1809", "server2019"), "dotnet-schannel-server2019-2022"),
        (("server2022",), "dotnet-schannel-server2022-2022"),
    ],
)
def test_our_lists_equal_the_dotnet_recordings(keys: tuple[str, ...], name: str) -> None:
    # .NET asks Schannel for its defaults; the dump prints versions, suites and groups only.
    want = decoded(name)
    for key in keys:
        hello = built(BY_KEY[key].label, want["server_name"])
        assert versions_of(hello) == want["versions"]
        assert hello.cipher_suites == codes(want["cipher_suites"])
        assert list(hello.groups) == want["groups"]
        if "ec_point_formats" in want:
            assert hello.extension(ExtensionType.ec_point_formats) == b"\x01\x00"


@pytest.mark.parametrize("key", ["win11-22h2", "win11-23h2", "win11-24h2", "win11-25h2"])
def test_windows_11_hello_matches_the_decoded_curl_recording(key: str) -> None:
    want = decoded("curl-schannel-win11-2026")
    # curl asks for TLS 1.2 and 1.3 only and for ALPN http/1.1; the recording does not name its
    # Windows 11 build, and its suites are those of the 22H2-and-later page.
    app = App(alpn=("http/1.1",), only=(ProtocolVersion.TLSv1_2, ProtocolVersion.TLSv1_3))
    raw = build_client_hello(
        dataclasses.replace(
            client_hello_spec(profile_of(BY_KEY[key].label, app), want["server_name"]),
            alpn=app.alpn,
        )
    )
    hello = parse_client_hello(raw)
    assert int.from_bytes(raw[6:9], "big") == want["handshake_length"]
    assert hello.legacy_version == int(want["legacy_version"], 16)
    assert len(hello.session_id) == want["session_id_length"]
    assert hello.cipher_suites == codes(want["cipher_suites"])
    assert [[ExtensionType(t).name, len(d)] for t, d in hello.extensions] == want["extensions"]
    assert hello.supported_versions == codes(want["supported_versions"])
    assert hello.signature_algorithms == codes(want["signature_algorithms"])
    assert list(hello.groups) == want["groups"]
    assert list(hello.key_share_groups) == want["key_share_groups"]
    assert list(hello.alpn) == want["alpn"]


def test_windows_11_offers_every_enabled_version_in_supported_versions() -> None:
    # Server 2022's .NET recording: TLS 1.3, 1.2, 1.1, 1.0 when those are enabled.
    hello = built("11 24H2", "login.microsoftonline.com")
    assert hello.supported_versions == (0x0304, 0x0303, 0x0302, 0x0301)
    assert hello.legacy_version == 0x0303


# --- families without a recording: the documented structure ------------------------------------

RECORDED = {
    "win7", "server2008r2", "win8.1", "server2012r2", "win10-1507", "win10-1511", "win10-1703",
    "win10-1803", "win10-1809", "server2019", "server2022", "win11-22h2", "win11-23h2",
    "win11-24h2", "win11-25h2",
}  # fmt: skip
UNRECORDED = [f for f in FAMILIES if f.key not in RECORDED]


def test_every_family_is_either_recorded_or_said_to_be_unrecorded() -> None:
    for family in FAMILIES:
        if family.key in RECORDED:
            assert family.wire.recordings, family.key
        else:
            assert not family.wire.recordings, family.key
            assert any("no recording" in note for note in family.wire.notes), family.key


@pytest.mark.parametrize("family", UNRECORDED, ids=lambda f: f.key)
def test_unrecorded_family_hello_follows_microsofts_pages(family: Any) -> None:
    # No recording of this release exists here: its hello must carry the page's suites in the
    # page's order (those its default protocols can use), the curves page's groups, and the
    # versions of the protocols table, in the layout of the nearest recorded release.
    profile = default_profile(family)
    hello = built(family.label, "login.microsoftonline.com")
    offered = set(family.protocols.enabled)
    page = list(dict.fromkeys(suite(n).name for n in family.schannel_cipher_suites))
    assert list(family.cipher_suites) == page
    usable = [
        n for n in page if any(ProtocolVersion.from_label(p) in offered for p in suite(n).protocols)
    ]
    assert hello.cipher_suites == tuple(suite(n).code for n in usable)
    assert list(hello.groups) == [int(NamedGroup[c]) for c in profile.curves]
    highest = max(offered)
    if highest == ProtocolVersion.TLSv1_3:
        versions = sorted((v for v in offered if v >= ProtocolVersion.TLSv1_0), reverse=True)
        assert hello.supported_versions == tuple(versions)
    else:
        assert hello.supported_versions is None and hello.legacy_version == highest
    wanted = [int(ExtensionType[n]) for n in family.wire.extensions]
    assert [t for t in wanted if t in hello.extension_types] == list(hello.extension_types)
