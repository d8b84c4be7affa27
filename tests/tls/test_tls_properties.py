"""Property-based tests: the reader survives any bytes, and any spec builds a parseable hello."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tls_vectors import (
    OPENSSL_TLS12_CERTIFICATE_RECORD,
    OPENSSL_TLS12_FLIGHT,
    RFC8448_HELLO_RETRY_REQUEST,
    RFC8448_SERVER_HELLO,
    handshake,
    record,
)

from onedrive_doctor.tls import (
    ClientHelloSpec,
    ExtensionType,
    NamedGroup,
    ProtocolVersion,
    ServerEvent,
    ServerReader,
    SignatureScheme,
    TlsDecodeError,
    build_client_hello,
    is_grease,
    parse_client_hello,
)

V = ProtocolVersion
SSL2_REPLY = b"\x80\x21" + b"\x04\x00\x01\x00\x02\x00\x03\x00\x03\x00\x10\x30\x01\x00\x01\x00\x80"
SSL2_REPLY += bytes(16) + b"\x80\x03\x00\x00\x01"

# Valid server replies to mutate: (bytes, expect_sslv2).
FLIGHTS: list[tuple[bytes, bool]] = [
    (OPENSSL_TLS12_FLIGHT, False),
    (record(22, RFC8448_SERVER_HELLO) + record(20, b"\x01") + record(23, bytes(30)), False),
    (record(22, RFC8448_HELLO_RETRY_REQUEST) + record(21, b"\x02\x28"), False),
    (b"".join(record(22, OPENSSL_TLS12_FLIGHT[i : i + 9]) for i in range(0, 300, 9)), False),
    (record(22, handshake(13, b"\x01\x01\x00\x00") + handshake(14, b"")), False),
    (record(21, b"\x01\x70\x02\x28"), False),
    (SSL2_REPLY, True),
]


@dataclass
class Outcome:
    events: list[ServerEvent]
    error: TlsDecodeError | None


def run(chunks: list[bytes], expect_sslv2: bool) -> Outcome:
    """Feed ``chunks`` one by one; anything but TlsDecodeError escapes and fails the test."""
    reader = ServerReader(expect_sslv2=expect_sslv2)
    events: list[ServerEvent] = []
    try:
        for chunk in chunks:
            reader.feed(chunk)
            while (event := reader.next_event()) is not None:
                events.append(event)
    except TlsDecodeError as exc:
        assert not exc.message.startswith("internal error"), exc.message  # the safety net
        return Outcome(events, exc)
    return Outcome(events, None)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def check_chunking_does_not_matter(data: bytes, cuts: list[int], expect_sslv2: bool) -> None:
    whole = run([data], expect_sslv2)
    chunked = run(split(data, cuts), expect_sslv2)
    assert chunked.events == whole.events
    assert (chunked.error is None) == (whole.error is None)
    # Feeding more never loses (or changes) an event already returned.
    prefix = run([data[: max(cuts, default=0)]], expect_sslv2)
    assert whole.events[: len(prefix.events)] == prefix.events
    if prefix.error is not None:
        assert whole.error is not None and whole.events == prefix.events


CUTS = st.lists(st.integers(min_value=0, max_value=3000), max_size=12)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), cuts=CUTS, expect_sslv2=st.booleans())
def test_random_bytes_only_ever_raise_decode_errors(
    data: bytes, cuts: list[int], expect_sslv2: bool
) -> None:
    check_chunking_does_not_matter(data, cuts, expect_sslv2)


@st.composite
def mutated_flights(draw: st.DrawFn) -> tuple[bytes, bool]:
    flight, expect_sslv2 = draw(st.sampled_from(FLIGHTS))
    data = bytearray(flight)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        action = draw(st.sampled_from(["set", "flip", "insert", "delete", "truncate"]))
        if action == "set":
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif action == "flip":
            data[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=8))]
        else:
            del data[at:]
    return bytes(data), expect_sslv2


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flight=mutated_flights(), cuts=CUTS)
def test_mutated_and_truncated_flights_only_ever_raise_decode_errors(
    flight: tuple[bytes, bool], cuts: list[int]
) -> None:
    check_chunking_does_not_matter(flight[0], cuts, flight[1])


@st.composite
def plausible_records(draw: st.DrawFn) -> bytes:
    """Well-framed records of every content type around random or half-valid messages."""
    out = b""
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        content_type = draw(st.sampled_from([20, 21, 22, 22, 22, 23, 24]))
        if content_type == 22:
            msg_type = draw(st.sampled_from([0, 2, 2, 4, 11, 12, 13, 14, 22]))
            body = draw(
                st.one_of(
                    st.binary(max_size=120),
                    st.just(RFC8448_SERVER_HELLO[4:]),
                    st.just(RFC8448_HELLO_RETRY_REQUEST[4:]),
                    st.just(OPENSSL_TLS12_CERTIFICATE_RECORD[9:]),  # the Certificate body
                )
            )
            payload = handshake(msg_type, body)
            if draw(st.booleans()):  # lie about the length or cut the message short
                payload = payload[: draw(st.integers(min_value=0, max_value=len(payload)))]
        elif content_type in (20, 21):
            payload = draw(st.sampled_from([b"\x01", b"\x02\x28", b"\x01\x00\x02\x46", b""]))
        else:
            payload = draw(st.binary(max_size=40))
        out += record(content_type, payload, draw(st.sampled_from([0x0300, 0x0301, 0x0303])))
    return out


@settings(max_examples=500, deadline=None)
@given(data=plausible_records(), cuts=CUTS)
def test_plausible_but_wrong_records_only_ever_raise_decode_errors(
    data: bytes, cuts: list[int]
) -> None:
    check_chunking_does_not_matter(data, cuts, False)


@settings(max_examples=50, deadline=None)
@given(cuts=CUTS, index=st.integers(min_value=0, max_value=len(FLIGHTS) - 1))
def test_valid_flights_decode_the_same_in_any_chunking(cuts: list[int], index: int) -> None:
    flight, expect_sslv2 = FLIGHTS[index]
    assert run([flight], expect_sslv2).error is None
    check_chunking_does_not_matter(flight, cuts, expect_sslv2)


def _values(enum: type[NamedGroup] | type[SignatureScheme]) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(sorted(enum)), st.integers(min_value=0, max_value=0xFFFF))


def _no_grease(values: st.SearchStrategy[int]) -> st.SearchStrategy[int]:
    return values.filter(lambda v: not is_grease(v))


TLS_VERSIONS = [V.SSLv3, V.TLSv1_0, V.TLSv1_1, V.TLSv1_2, V.TLSv1_3]
HOSTNAMES = st.one_of(
    st.none(),
    st.sampled_from(["example.com", "login.live.com.", "10.1.2.3", "::1", "bücher.example"]),
    st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9-]{1,12}){0,3}", fullmatch=True),
)
EXTRA_TYPES = _no_grease(st.integers(min_value=0x1000, max_value=0x1FFF))
ORDERABLE = [0, 5, 10, 11, 13, 16, 21, 23, 35, 43, 45, 51, 0xFF01, 0x0A0A, 0x1000]


@st.composite
def specs(draw: st.DrawFn) -> ClientHelloSpec:
    version = draw(st.sampled_from(TLS_VERSIONS))
    supported = draw(
        st.one_of(st.none(), st.lists(st.sampled_from(TLS_VERSIONS[1:]), min_size=1, unique=True))
    )
    return ClientHelloSpec(
        version=version,
        cipher_suites=tuple(
            draw(st.lists(_no_grease(st.integers(0, 0xFFFF)), min_size=1, max_size=300))
        ),
        server_name=draw(HOSTNAMES),
        groups=tuple(draw(st.lists(_no_grease(_values(NamedGroup)), max_size=12))),
        signature_algorithms=tuple(
            draw(st.lists(_no_grease(_values(SignatureScheme)), max_size=30))
        ),
        supported_versions=None if supported is None else tuple(supported),
        key_share_groups=tuple(
            draw(st.lists(st.sampled_from([29, 23, 24, 30]), max_size=3, unique=True))
        ),
        ec_point_formats=draw(st.booleans()),
        renegotiation_info=draw(st.booleans()),
        extended_master_secret=draw(st.booleans()),
        session_ticket=draw(st.booleans()),
        status_request=draw(st.booleans()),
        alpn=tuple(draw(st.lists(st.sampled_from(["h2", "http/1.1", "acme-tls/1"]), max_size=3))),
        psk_key_exchange_modes=draw(st.booleans()),
        padding_to=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=1500))),
        grease=draw(st.booleans()),
        record_version=draw(st.sampled_from([V.SSLv3, V.TLSv1_0, V.TLSv1_2])),
        random=draw(st.one_of(st.none(), st.binary(min_size=32, max_size=32))),
        session_id=draw(st.one_of(st.none(), st.binary(max_size=32))),
        extensions_enabled=draw(st.booleans()),
        extra_extensions=tuple(
            draw(st.lists(st.tuples(EXTRA_TYPES, st.binary(max_size=40)), max_size=3))
        ),
        extension_order=draw(st.one_of(st.none(), st.permutations(ORDERABLE).map(tuple))),
    )


def _without_grease(values: tuple[int, ...] | None) -> tuple[int, ...] | None:
    return None if values is None else tuple(v for v in values if not is_grease(v))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs())
def test_any_spec_builds_a_hello_that_parses_back(spec: ClientHelloSpec) -> None:
    data = build_client_hello(spec)
    fragments, offset = [], 0
    while offset < len(data):  # RFC 8446 §5.1: fragments of at most 2^14 bytes
        assert data[offset] == 22
        assert int.from_bytes(data[offset + 1 : offset + 3], "big") == spec.record_version
        size = int.from_bytes(data[offset + 3 : offset + 5], "big")
        assert 0 < size <= 16384
        fragments.append(data[offset + 5 : offset + 5 + size])
        offset += 5 + size
    assert offset == len(data)
    length = len(b"".join(fragments))  # the handshake message, header included
    hello = parse_client_hello(data)

    assert _without_grease(hello.cipher_suites) == spec.cipher_suites
    assert is_grease(hello.cipher_suites[0]) == spec.grease
    assert hello.legacy_version == min(spec.version, V.TLSv1_2)
    assert hello.compression_methods == b"\x00"
    if spec.random is not None:
        assert hello.random == spec.random
    if spec.session_id is not None:
        assert hello.session_id == spec.session_id
    else:
        assert len(hello.session_id) == (32 if spec.offers_tls13 else 0)
    assert hello.extensions_present == spec.extensions_enabled
    if not spec.extensions_enabled:
        return

    assert _without_grease(hello.groups) == spec.groups
    assert _without_grease(hello.supported_versions) == spec.offered_versions
    expected_shares = spec.key_share_groups if spec.offers_tls13 else ()
    assert _without_grease(hello.key_share_groups) == expected_shares
    highest = max(spec.offered_versions or (spec.version,))
    sends_signatures = bool(spec.signature_algorithms) and highest >= V.TLSv1_2
    assert hello.signature_algorithms == (spec.signature_algorithms if sends_signatures else ())
    assert hello.alpn == spec.alpn
    non_grease_types = [t for t in hello.extension_types if not is_grease(t)]
    assert len(non_grease_types) == len(set(non_grease_types)) + _duplicated_extras(spec)
    assert len(hello.extension_types) - len(non_grease_types) == (2 if spec.grease else 0)

    padding = hello.extension(ExtensionType.padding)
    if padding is not None:
        assert spec.padding_to is not None and padding == bytes(len(padding)) and padding
        unpadded = length - 4 - len(padding)
        assert 256 <= unpadded < spec.padding_to <= length
    elif spec.padding_to is not None:
        assert not 256 <= length < spec.padding_to
    if spec.extension_order is not None:
        _assert_order(hello.extension_types, spec.extension_order)


def _duplicated_extras(spec: ClientHelloSpec) -> int:
    types = [t for t, _ in spec.extra_extensions]
    return len(types) - len(set(types))


def _assert_order(sent: tuple[int, ...], order: tuple[int, ...]) -> None:
    """Listed types come first, in the listed order (any GREASE value is a GREASE slot)."""

    def key(t: int) -> int:
        return 0x0A0A if is_grease(t) else t

    listed = [key(t) for t in order]
    seen: set[int] = set()
    positions, flags = [], []
    for t in sent:
        is_listed = key(t) in listed and key(t) not in seen  # first occurrence fills the slot
        seen.add(key(t))
        flags.append(is_listed)
        if is_listed:
            positions.append(listed.index(key(t)))
    # Every listed type that is present precedes every unlisted one, in the listed order.
    assert flags == sorted(flags, reverse=True)
    assert positions == sorted(positions)
