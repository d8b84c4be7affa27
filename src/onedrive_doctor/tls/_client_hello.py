"""ClientHello construction: a frozen spec in, complete record bytes out.

The scanner sends hundreds of hellos, so ``build_client_hello`` is a straight run of
``struct.pack`` calls over pre-encoded pieces; the only expensive step, key generation, is
cached per process in ``_key_shares``.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ._constants import (
    ExtensionType,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
    is_grease,
)
from ._key_shares import key_share
from ._records import encode_records

__all__ = [
    "DEFAULT_GROUPS",
    "DEFAULT_SIGNATURE_ALGORITHMS",
    "SSL2_CIPHER_KINDS",
    "ClientHelloSpec",
    "build_client_hello",
    "build_sslv2_client_hello",
]

DEFAULT_GROUPS: tuple[int, ...] = (
    NamedGroup.x25519,
    NamedGroup.secp256r1,
    NamedGroup.secp384r1,
    NamedGroup.secp521r1,
    NamedGroup.x448,
    NamedGroup.ffdhe2048,
    NamedGroup.ffdhe3072,
)

# Broad on purpose, down to SHA-1 and DSA: a TLS 1.2 server whose only certificate is signed
# with SHA-1 must still find something it can use, or it answers handshake_failure and the
# scanner would wrongly conclude the *suite* is unsupported (RFC 5246 §7.4.1.4.1).
DEFAULT_SIGNATURE_ALGORITHMS: tuple[int, ...] = (
    SignatureScheme.ecdsa_secp256r1_sha256,
    SignatureScheme.ecdsa_secp384r1_sha384,
    SignatureScheme.ecdsa_secp521r1_sha512,
    SignatureScheme.ed25519,
    SignatureScheme.ed448,
    SignatureScheme.rsa_pss_rsae_sha256,
    SignatureScheme.rsa_pss_rsae_sha384,
    SignatureScheme.rsa_pss_rsae_sha512,
    SignatureScheme.rsa_pss_pss_sha256,
    SignatureScheme.rsa_pss_pss_sha384,
    SignatureScheme.rsa_pss_pss_sha512,
    SignatureScheme.rsa_pkcs1_sha256,
    SignatureScheme.rsa_pkcs1_sha384,
    SignatureScheme.rsa_pkcs1_sha512,
    SignatureScheme.ecdsa_sha224,
    SignatureScheme.rsa_pkcs1_sha224,
    SignatureScheme.dsa_sha224,
    SignatureScheme.dsa_sha256,
    SignatureScheme.dsa_sha384,
    SignatureScheme.dsa_sha512,
    SignatureScheme.ecdsa_sha1,
    SignatureScheme.rsa_pkcs1_sha1,
    SignatureScheme.dsa_sha1,
)

# SSL 2.0 cipher kinds (draft-hickman-netscape-ssl-00, appendix A), 3 bytes each.
SSL2_CIPHER_KINDS: Mapping[int, str] = MappingProxyType(
    {
        0x010080: "SSL_CK_RC4_128_WITH_MD5",
        0x020080: "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
        0x030080: "SSL_CK_RC2_128_CBC_WITH_MD5",
        0x040080: "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5",
        0x050080: "SSL_CK_IDEA_128_CBC_WITH_MD5",
        0x060040: "SSL_CK_DES_64_CBC_WITH_MD5",
        0x0700C0: "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
    }
)

_TLS13 = ProtocolVersion.TLSv1_3
_TLS12 = ProtocolVersion.TLSv1_2
# Placeholder types in the extension plan, resolved per hello.
_GREASE = -1
_PADDING = -2


@dataclass(frozen=True)
class ClientHelloSpec:
    """Everything that decides the bytes of one ClientHello.

    ``version`` is the highest version offered. For TLS 1.3 the hello's legacy_version is
    TLS 1.2 and the versions go in ``supported_versions`` (RFC 8446 §4.2.1): ``None`` derives
    ``(TLSv1_3,)`` for a TLS 1.3 hello and no extension otherwise; an explicit tuple is sent as
    given (``(TLSv1_3, TLSv1_2)`` for a Windows 11-like hello).

    TLS 1.3-only extensions (``key_share``, ``psk_key_exchange_modes`` and, when asked for,
    an empty ``post_handshake_auth``, RFC 8446 §4.2.6) are sent only when TLS 1.3 is offered;
    ``signature_algorithms`` only when TLS 1.2 or later is. ``server_name`` is left out for IP
    address literals (RFC 6066 §3). ``extra_extensions`` replace a built-in
    extension of the same type, otherwise they follow the built-in ones. ``extension_order``
    lists extension types in the order to send them (any GREASE value stands for a GREASE
    extension); types it leaves out follow in the default order.

    ``padding_to``: a handshake message of 256 up to ``padding_to`` - 1 bytes gets an RFC 7685
    padding extension that brings it to ``padding_to`` (the F5 workaround at the default 512).
    ``grease`` adds RFC 8701 values, chosen from the client random: fresh per hello, and
    reproducible when ``random`` is fixed. Key shares must name groups that are also in
    ``groups`` (RFC 8446 §4.2.8) unless a test wants the server to object.

    Construction raises ``ValueError`` for values that cannot be encoded.
    """

    version: ProtocolVersion
    cipher_suites: tuple[int, ...]
    server_name: str | None = None
    groups: tuple[int, ...] = DEFAULT_GROUPS
    signature_algorithms: tuple[int, ...] = DEFAULT_SIGNATURE_ALGORITHMS
    supported_versions: tuple[ProtocolVersion, ...] | None = None
    key_share_groups: tuple[int, ...] = (NamedGroup.x25519,)
    ec_point_formats: bool = True
    renegotiation_info: bool = True
    extended_master_secret: bool = True
    session_ticket: bool = True
    status_request: bool = False
    alpn: tuple[str, ...] = ()
    psk_key_exchange_modes: bool = True
    post_handshake_auth: bool = False
    padding_to: int | None = 512
    grease: bool = False
    record_version: ProtocolVersion = ProtocolVersion.TLSv1_0
    random: bytes | None = None
    session_id: bytes | None = None
    extensions_enabled: bool = True
    extra_extensions: tuple[tuple[int, bytes], ...] = ()
    extension_order: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "version", ProtocolVersion(self.version))
        object.__setattr__(self, "record_version", ProtocolVersion(self.record_version))
        if self.supported_versions is not None:
            versions = tuple(ProtocolVersion(v) for v in self.supported_versions)
            object.__setattr__(self, "supported_versions", versions)
        if self.version == ProtocolVersion.SSLv2:
            raise ValueError("SSL 2.0 hellos have their own format: use build_sslv2_client_hello")
        if self.server_name is not None and len(self.server_name) > 0xFF00:
            raise ValueError("server_name is too long for the server_name extension")
        if self.random is not None and len(self.random) != 32:
            raise ValueError(f"random must be 32 bytes, got {len(self.random)}")
        if self.session_id is not None and len(self.session_id) > 32:
            raise ValueError(f"session_id is at most 32 bytes, got {len(self.session_id)}")
        if len(self.cipher_suites) > 0x7FFF:
            raise ValueError(f"{len(self.cipher_suites)} cipher suites exceed the limit of 32767")
        for name in ("cipher_suites", "groups", "signature_algorithms", "key_share_groups"):
            values: tuple[int, ...] = getattr(self, name)
            if values and (min(values) < 0 or max(values) > 0xFFFF):
                raise ValueError(f"{name} holds a value outside 0..0xFFFF")
        if self.padding_to is not None and not 0 <= self.padding_to <= 0xFFFF:
            raise ValueError(f"padding_to must be within 0..65535, got {self.padding_to}")
        if any(not 0 <= t <= 0xFFFF or len(d) > 0xFFFF for t, d in self.extra_extensions):
            raise ValueError("extra_extensions need types in 0..0xFFFF and bodies under 64 KiB")
        if any(not 0 < len(p.encode()) < 256 for p in self.alpn):
            raise ValueError("ALPN protocol names must be 1..255 bytes")

    @property
    def offered_versions(self) -> tuple[ProtocolVersion, ...] | None:
        """What goes in ``supported_versions`` (``None``: the extension is not sent)."""
        if self.supported_versions is not None:
            return self.supported_versions
        return (_TLS13,) if self.version == _TLS13 else None

    @property
    def offers_tls13(self) -> bool:
        """True when TLS 1.3 is among the offered versions."""
        offered = self.offered_versions
        return offered is not None and _TLS13 in offered


def build_client_hello(spec: ClientHelloSpec) -> bytes:
    """The ClientHello for ``spec`` as complete TLS record(s), ready to send.

    A handshake message over 2^14 bytes is split across records (RFC 8446 §5.1). Fresh
    ``random`` and, for TLS 1.3, ``session_id`` come from ``os.urandom`` unless the spec fixes
    them; key shares are real public keys, cached per process.

    Raises ``ValueError`` when the extensions exceed 65535 bytes or a key share group has no
    key generator.
    """
    random = spec.random if spec.random is not None else os.urandom(32)
    tls13 = spec.offers_tls13
    session_id = spec.session_id
    if session_id is None:
        # RFC 8446 §D.4 middlebox compatibility mode: a non-empty session id with TLS 1.3.
        session_id = os.urandom(32) if tls13 else b""
    grease = _grease_values(random) if spec.grease else None
    suites = spec.cipher_suites if grease is None else (grease[0], *spec.cipher_suites)
    legacy_version = min(spec.version, _TLS12)
    body = b"".join(
        (
            _U16.pack(legacy_version),
            random,
            bytes((len(session_id),)),
            session_id,
            _u16_vector(suites),
            b"\x01\x00",  # compression_methods: null only (RFC 8446 §4.1.2)
        )
    )
    if spec.extensions_enabled:
        body += _extensions_block(spec, tls13, grease, 4 + len(body))
    message = b"\x01" + len(body).to_bytes(3, "big") + body
    return encode_records(22, spec.record_version, message)


def build_sslv2_client_hello(cipher_kinds: Sequence[int], challenge: bytes | None = None) -> bytes:
    """An SSL 2.0 CLIENT-HELLO (version 0x0002) with its 2-byte record header.

    ``challenge`` is 16 to 32 bytes (random 16 by default). See ``SSL2_CIPHER_KINDS``.

    Raises ``ValueError`` for a cipher kind over 3 bytes or a wrong challenge length.
    """
    if challenge is None:
        challenge = os.urandom(16)
    if not 16 <= len(challenge) <= 32:
        raise ValueError(f"SSL 2.0 challenge must be 16..32 bytes, got {len(challenge)}")
    if any(not 0 <= kind <= 0xFFFFFF for kind in cipher_kinds):
        raise ValueError("SSL 2.0 cipher kinds are 3-byte values")
    specs = b"".join(kind.to_bytes(3, "big") for kind in cipher_kinds)
    # MSG-CLIENT-HELLO, CLIENT-VERSION, CIPHER-SPECS-LENGTH, SESSION-ID-LENGTH, CHALLENGE-LENGTH
    body = struct.pack(">BHHHH", 1, 0x0002, len(specs), 0, len(challenge)) + specs + challenge
    if len(body) > 0x7FFF:
        raise ValueError("SSL 2.0 CLIENT-HELLO too long for a 2-byte record header")
    return struct.pack(">H", 0x8000 | len(body)) + body


_U16 = struct.Struct(">H")
_EXT_HEADER = struct.Struct(">HH")


def _u16_vector(values: tuple[int, ...]) -> bytes:
    return struct.pack(f">H{len(values)}H", 2 * len(values), *values)


def _grease_values(random: bytes) -> tuple[int, int, int, int, int]:
    """(suite, group, first extension, last extension, version) GREASE values.

    Taken from the client random like BoringSSL's ``grease_seed``: a fresh choice per
    connection (RFC 8701 §3), yet reproducible when the spec fixes ``random``.
    """
    values = [((b & 0xF0) | 0x0A) * 0x0101 for b in random[:5]]
    if values[3] == values[2]:  # RFC 8701 §3: two GREASE extensions must differ
        values[3] ^= 0x1010
    return values[0], values[1], values[2], values[3], values[4]


@functools.lru_cache(maxsize=256)
def _server_name_body(name: str) -> bytes | None:
    host = name.rstrip(".")  # RFC 6066 §3: "without a trailing dot"
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return None  # RFC 6066 §3: literal IPv4 and IPv6 addresses are not permitted
    encoded = host.encode("ascii") if host.isascii() else host.encode("idna")
    return struct.pack(">HBH", len(encoded) + 3, 0, len(encoded)) + encoded


@functools.lru_cache(maxsize=64)
def _alpn_body(protocols: tuple[str, ...]) -> bytes:
    items = b"".join(bytes((len(p.encode()),)) + p.encode() for p in protocols)
    return _U16.pack(len(items)) + items


def _key_share_body(groups: tuple[int, ...], grease_group: int | None) -> bytes:
    entries = []
    if grease_group is not None:
        entries.append(_EXT_HEADER.pack(grease_group, 1) + b"\x00")  # as BoringSSL does
    for group in groups:
        share = key_share(group)
        entries.append(_EXT_HEADER.pack(group, len(share)) + share)
    payload = b"".join(entries)
    return _U16.pack(len(payload)) + payload


def _builtin_extensions(
    spec: ClientHelloSpec, tls13: bool, grease: tuple[int, ...] | None
) -> dict[int, bytes]:
    """Built-in extensions in the default order (a dict keeps insertion order)."""
    ext: dict[int, bytes] = {}
    if grease is not None:
        ext[_GREASE] = b""
    if spec.server_name:
        sni = _server_name_body(spec.server_name)
        if sni is not None:
            ext[ExtensionType.server_name] = sni
    if spec.ec_point_formats:
        ext[ExtensionType.ec_point_formats] = b"\x01\x00"  # uncompressed only (RFC 8422 §5.1.2)
    if spec.groups:
        groups = spec.groups if grease is None else (grease[1], *spec.groups)
        ext[ExtensionType.supported_groups] = _u16_vector(groups)
    if spec.session_ticket:
        ext[ExtensionType.session_ticket] = b""  # empty: ask for a new ticket (RFC 5077 §3.2)
    if spec.alpn:
        ext[ExtensionType.application_layer_protocol_negotiation] = _alpn_body(spec.alpn)
    if spec.status_request:
        # CertificateStatusRequest: ocsp(1), no responder ids, no extensions (RFC 6066 §8).
        ext[ExtensionType.status_request] = b"\x01\x00\x00\x00\x00"
    if spec.extended_master_secret:
        ext[ExtensionType.extended_master_secret] = b""
    offered = spec.offered_versions
    highest = max(offered) if offered else spec.version
    if spec.signature_algorithms and highest >= _TLS12:
        # RFC 5246 §7.4.1.4.1: not meaningful below TLS 1.2, so not sent to such servers.
        ext[ExtensionType.signature_algorithms] = _u16_vector(spec.signature_algorithms)
    if offered is not None:
        versions: tuple[int, ...] = offered if grease is None else (grease[4], *offered)
        ext[ExtensionType.supported_versions] = struct.pack(
            f">B{len(versions)}H", 2 * len(versions), *versions
        )
    if tls13:
        if spec.psk_key_exchange_modes:
            ext[ExtensionType.psk_key_exchange_modes] = b"\x01\x01"  # psk_dhe_ke (RFC 8446 §4.2.9)
        grease_group = None if grease is None else grease[1]
        ext[ExtensionType.key_share] = _key_share_body(spec.key_share_groups, grease_group)
        if spec.post_handshake_auth:
            ext[ExtensionType.post_handshake_auth] = b""
    if spec.renegotiation_info:
        # RFC 5746 §3.4: an empty renegotiated_connection on the initial handshake.
        ext[ExtensionType.renegotiation_info] = b"\x00"
    return ext


def _extensions_block(
    spec: ClientHelloSpec, tls13: bool, grease: tuple[int, ...] | None, hello_length: int
) -> bytes:
    ext = _builtin_extensions(spec, tls13, grease)
    replaced: set[int] = set()
    appended: list[tuple[int, bytes]] = []
    for ext_type, data in spec.extra_extensions:
        if ext_type in ext and ext_type not in replaced:
            ext[ext_type] = data
            replaced.add(ext_type)
        else:
            appended.append((ext_type, data))
    plan = [*ext.items(), *appended]
    if grease is not None:
        plan.append((_GREASE, b"\x00"))  # a non-empty last extension, as BoringSSL sends
    padding_to = spec.padding_to
    if padding_to is not None and all(t != ExtensionType.padding for t, _ in plan):
        plan.append((_PADDING, b""))  # placeholder: sized once the rest is known
    if spec.extension_order is not None:
        plan = _reorder(plan, spec.extension_order)

    greases = iter(() if grease is None else (grease[2], grease[3]))
    parts = [
        _EXT_HEADER.pack(next(greases) if t == _GREASE else t, len(d)) + d
        for t, d in plan
        if t != _PADDING
    ]
    length = sum(len(p) for p in parts)
    if padding_to is not None and any(t == _PADDING for t, _ in plan):
        # RFC 7685 §4 and the F5 workaround (as OpenSSL/BoringSSL do it): a hello of 256..511
        # bytes hangs some F5 BIG-IPs, so pad it to ``padding_to``. The padding extension
        # must not be empty (WebSphere 7 rejects an empty last extension).
        total = hello_length + 2 + length
        if 256 <= total < padding_to:
            pad = padding_to - total
            pad = pad - 4 if pad >= 5 else 1
            at = [t for t, _ in plan].index(_PADDING)
            parts.insert(at, _EXT_HEADER.pack(ExtensionType.padding, pad) + bytes(pad))
            length += 4 + pad
    if length > 0xFFFF:
        raise ValueError(f"extensions total {length} bytes, more than 65535")
    return _U16.pack(length) + b"".join(parts)


def _reorder(plan: list[tuple[int, bytes]], order: tuple[int, ...]) -> list[tuple[int, bytes]]:
    """``plan`` with the types listed in ``order`` first, in that order (GREASE as a slot)."""
    pending = list(plan)
    result: list[tuple[int, bytes]] = []
    for wanted in order:
        if is_grease(wanted):
            keys = {_GREASE}
        elif wanted == ExtensionType.padding:
            keys = {ExtensionType.padding, _PADDING}
        else:
            keys = {wanted}
        for i, (ext_type, _) in enumerate(pending):
            if ext_type in keys:
                result.append(pending.pop(i))
                break
    return result + pending
