"""Reading a ClientHello back: to test the builder, and to show (and replay) a captured one."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from ._client_hello import ClientHelloSpec, build_client_hello
from ._constants import ExtensionType, ProtocolVersion, is_grease
from ._cursor import Cursor
from ._errors import NeedMoreData, TlsDecodeError
from ._messages import Extensions, split_handshake

__all__ = ["ClientHello", "cipher_suites_of", "parse_client_hello"]

# Extensions whose bodies ClientHello.to_spec regenerates (fresh keys, a new server name, a
# padding length that fits); every other extension is replayed byte for byte.
_REGENERATED = frozenset(
    (
        ExtensionType.server_name,
        ExtensionType.supported_groups,
        ExtensionType.signature_algorithms,
        ExtensionType.supported_versions,
        ExtensionType.key_share,
        ExtensionType.padding,
        ExtensionType.session_ticket,
        ExtensionType.application_layer_protocol_negotiation,
    )
)
# A resumption offer cannot be replayed: its binder is keyed by a secret we do not have.
_DROPPED = frozenset((ExtensionType.pre_shared_key, ExtensionType.early_data))


@dataclass(frozen=True, slots=True)
class ClientHello:
    """A decoded ClientHello (RFC 8446 §4.1.2), with the common extensions decoded too.

    GREASE values are kept where they were sent; filter them with ``is_grease``.
    ``supported_versions`` is ``None`` when the extension is absent, ``extensions_present``
    False when the hello has no extensions block at all (SSLv3 style).
    """

    record_version: int | None
    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suites: tuple[int, ...]
    compression_methods: bytes
    extensions: Extensions
    extensions_present: bool
    server_name: str | None
    groups: tuple[int, ...]
    signature_algorithms: tuple[int, ...]
    supported_versions: tuple[int, ...] | None
    key_share_groups: tuple[int, ...]
    alpn: tuple[str, ...]

    @property
    def version(self) -> ProtocolVersion | int:
        """The highest version offered (from ``supported_versions`` when sent)."""
        offered = [v for v in self.supported_versions or () if not is_grease(v)]
        version = max(offered) if offered else self.legacy_version
        try:
            return ProtocolVersion(version)
        except ValueError:
            return version

    @property
    def extension_types(self) -> tuple[int, ...]:
        """Extension types in the order sent."""
        return tuple(t for t, _ in self.extensions)

    def extension(self, ext_type: int) -> bytes | None:
        """The body of the first extension of ``ext_type``, or ``None``."""
        for candidate, data in self.extensions:
            if candidate == ext_type:
                return data
        return None

    def to_spec(self, server_name: str | None = None) -> ClientHelloSpec:
        """A spec that rebuilds this hello: same lists and order, fresh random and keys.

        The server name, groups, signature algorithms, versions, key shares, ALPN and padding
        are regenerated from their decoded values (so ``server_name`` can retarget the hello);
        every other extension is replayed byte for byte; a PSK offer is dropped.

        Raises ``ValueError`` when the offered version is not one ``ProtocolVersion`` knows.
        """
        types = set(self.extension_types)
        supported = self.supported_versions
        versions = None
        if supported is not None:
            versions = tuple(ProtocolVersion(v) for v in supported if not is_grease(v))
        grease = any(map(is_grease, (*self.cipher_suites, *types, *self.groups)))
        spec = ClientHelloSpec(
            version=ProtocolVersion(self.version),
            cipher_suites=tuple(s for s in self.cipher_suites if not is_grease(s)),
            server_name=server_name if server_name is not None else self.server_name,
            groups=tuple(g for g in self.groups if not is_grease(g)),
            signature_algorithms=self.signature_algorithms,
            supported_versions=versions,
            key_share_groups=tuple(g for g in self.key_share_groups if not is_grease(g)),
            ec_point_formats=False,
            renegotiation_info=False,
            extended_master_secret=False,
            session_ticket=ExtensionType.session_ticket in types,
            status_request=False,
            alpn=self.alpn,
            psk_key_exchange_modes=False,
            padding_to=self._padded_length() if ExtensionType.padding in types else None,
            grease=grease,
            record_version=ProtocolVersion(self.record_version or ProtocolVersion.TLSv1_0),
            extensions_enabled=self.extensions_present,
            extra_extensions=tuple(
                (t, d)
                for t, d in self.extensions
                if t not in _REGENERATED and t not in _DROPPED and not is_grease(t)
            ),
            extension_order=tuple(t for t in self.extension_types if t not in _DROPPED),
        )
        # Keep the session id's length; its value must be fresh like the random's.
        if len(self.session_id) != (32 if spec.offers_tls13 else 0):
            spec = replace(spec, session_id=os.urandom(len(self.session_id)))
        # Whatever the builder would leave out (signature_algorithms in a TLS 1.0 hello, say)
        # is replayed as captured, so that every extension of the capture is sent again.
        built = set(parse_client_hello(build_client_hello(spec)).extension_types)
        missing = tuple(
            (t, d)
            for t, d in self.extensions
            if t not in built
            and t not in _DROPPED
            and t != ExtensionType.padding
            and not is_grease(t)
        )
        return replace(spec, extra_extensions=spec.extra_extensions + missing) if missing else spec

    def _padded_length(self) -> int:
        length = 4 + 2 + 32 + 1 + len(self.session_id) + 2 + 2 * len(self.cipher_suites)
        length += 1 + len(self.compression_methods) + 2
        return length + sum(4 + len(d) for _, d in self.extensions)


def parse_client_hello(data: bytes | bytearray | memoryview) -> ClientHello:
    """Decode a ClientHello given as TLS record(s) or as a bare handshake message.

    Raises ``TlsDecodeError`` for anything malformed, truncated or followed by extra bytes.
    """
    data = bytes(data)
    record_version: int | None = None
    if data[:1] != b"\x01":  # not a bare ClientHello message, so it must be records
        record_version, data = _join_records(data)
    try:
        body, consumed = split_handshake(data, 1)
    except NeedMoreData as exc:  # a captured hello cut short is malformed, not "wait for more"
        raise TlsDecodeError(f"ClientHello truncated: {exc}") from exc
    if consumed != len(data):
        raise TlsDecodeError(f"ClientHello: {len(data) - consumed} bytes after the message")
    return _parse_body(body, record_version)


def cipher_suites_of(data: bytes | bytearray | memoryview) -> list[int]:
    """The cipher suites a ClientHello offers, in order (GREASE included)."""
    return list(parse_client_hello(data).cipher_suites)


def _join_records(data: bytes) -> tuple[int, bytes]:
    c = Cursor(data, "ClientHello record")
    fragments = []
    version = -1
    while c.remaining:
        if c.u8("content type") != 22:
            raise TlsDecodeError("ClientHello record: not a handshake record")
        record_version = c.u16("version")
        version = record_version if version < 0 else version
        fragments.append(c.vector(2, "fragment"))
    return version, b"".join(fragments)


def _parse_body(body: bytes, record_version: int | None) -> ClientHello:
    c = Cursor(body, "ClientHello")
    legacy_version = c.u16("legacy_version")
    random = c.take(32, "random")
    session_id = c.vector(1, "legacy_session_id", maximum=32)
    suites = c.sub(2, "cipher_suites").u16_list("cipher_suites")
    compression = c.vector(1, "legacy_compression_methods", minimum=1)
    extensions: Extensions = ()
    present = c.remaining > 0
    if present:
        extensions = c.sub(2, "extensions").extensions()
    c.expect_end()
    found = dict(reversed(extensions))  # the first of duplicate types wins, as in extension()

    def ext(ext_type: int) -> Cursor | None:
        data = found.get(ext_type)
        return None if data is None else Cursor(data, f"ClientHello extension {ext_type}")

    server_name = None
    if (sni := ext(ExtensionType.server_name)) is not None:
        names = sni.sub(2, "server_name_list")
        while names.remaining:
            name_type = names.u8("name_type")
            name = names.vector(2, "HostName")
            if name_type == 0 and server_name is None:  # host_name (RFC 6066 §3)
                server_name = name.decode("ascii", "replace")
    groups: tuple[int, ...] = ()
    signature_algorithms: tuple[int, ...] = ()
    key_share_groups: tuple[int, ...] = ()
    if (cur := ext(ExtensionType.supported_groups)) is not None:
        groups = cur.sub(2, "named_group_list").u16_list("named_group_list")
    if (cur := ext(ExtensionType.signature_algorithms)) is not None:
        signature_algorithms = cur.sub(2, "supported_signature_algorithms").u16_list("schemes")
    supported_versions = None
    if (cur := ext(ExtensionType.supported_versions)) is not None:
        supported_versions = cur.sub(1, "versions").u16_list("versions")
    if (cur := ext(ExtensionType.key_share)) is not None:
        shares = cur.sub(2, "client_shares")
        entries = []
        while shares.remaining:
            entries.append(shares.u16("group"))
            shares.vector(2, "key_exchange", minimum=1)
        key_share_groups = tuple(entries)
    alpn: tuple[str, ...] = ()
    if (cur := ext(ExtensionType.application_layer_protocol_negotiation)) is not None:
        protocols = cur.sub(2, "protocol_name_list")
        names_found = []
        while protocols.remaining:
            names_found.append(protocols.vector(1, "ProtocolName", 1).decode("utf-8", "replace"))
        alpn = tuple(names_found)
    return ClientHello(
        record_version=record_version,
        legacy_version=legacy_version,
        random=random,
        session_id=session_id,
        cipher_suites=suites,
        compression_methods=compression,
        extensions=extensions,
        extensions_present=present,
        server_name=server_name,
        groups=groups,
        signature_algorithms=signature_algorithms,
        supported_versions=supported_versions,
        key_share_groups=key_share_groups,
        alpn=alpn,
    )
