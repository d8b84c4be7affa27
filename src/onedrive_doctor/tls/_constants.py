"""Wire constants: IANA "TLS Parameters" registries as ``IntEnum``s.

Member names are the registry names (``handshake_failure``, ``x25519``) so ``.name`` can go
straight into a finding's message. Values a server sends may be outside these enums; parsed
messages therefore keep plain ``int`` fields and only *name* them through ``name_of``.
"""

from __future__ import annotations

import enum

__all__ = [
    "GREASE_VALUES",
    "AlertDescription",
    "AlertLevel",
    "ContentType",
    "ExtensionType",
    "HandshakeType",
    "NamedGroup",
    "ProtocolVersion",
    "SignatureScheme",
    "is_grease",
    "name_of",
]


class ProtocolVersion(enum.IntEnum):
    """A protocol version as it appears on the wire (``ProtocolVersion`` in RFC 8446 §4.1.2)."""

    SSLv2 = 0x0002
    SSLv3 = 0x0300
    TLSv1_0 = 0x0301
    TLSv1_1 = 0x0302
    TLSv1_2 = 0x0303
    TLSv1_3 = 0x0304

    @property
    def label(self) -> str:
        """The usual spelling: ``"SSLv3"``, ``"TLSv1.2"`` (what SCHANNEL docs and openssl use)."""
        return _LABELS[self]

    @classmethod
    def from_label(cls, label: str) -> ProtocolVersion:
        """Look a version up by label: ``"TLSv1.2"``, also ``"TLS 1.2"``, ``"tls1_2"``, ``"TLSv1"``.

        Raises ``ValueError`` for anything else (the message lists the valid labels).
        """
        version = _BY_KEY.get(_label_key(label))
        if version is None:
            valid = ", ".join(_LABELS.values())
            raise ValueError(f"unknown protocol version label {label!r} (expected one of {valid})")
        return version


def _label_key(label: str) -> str:
    key = label.strip().lower().replace(" ", "").replace("_", ".").replace("v", "")
    return "tls1.0" if key == "tls1" else key  # openssl spells TLS 1.0 "TLSv1"


_LABELS = {
    ProtocolVersion.SSLv2: "SSLv2",
    ProtocolVersion.SSLv3: "SSLv3",
    ProtocolVersion.TLSv1_0: "TLSv1.0",
    ProtocolVersion.TLSv1_1: "TLSv1.1",
    ProtocolVersion.TLSv1_2: "TLSv1.2",
    ProtocolVersion.TLSv1_3: "TLSv1.3",
}
_BY_KEY = {_label_key(text): version for version, text in _LABELS.items()}


class ContentType(enum.IntEnum):
    """Record content types (RFC 8446 §5.1; heartbeat from RFC 6520)."""

    change_cipher_spec = 20
    alert = 21
    handshake = 22
    application_data = 23
    heartbeat = 24


class HandshakeType(enum.IntEnum):
    """Handshake message types (RFC 8446 §4 and the TLS 1.2-only ones from RFC 5246 §7.4)."""

    hello_request = 0
    client_hello = 1
    server_hello = 2
    hello_verify_request = 3
    new_session_ticket = 4
    end_of_early_data = 5
    encrypted_extensions = 8
    certificate = 11
    server_key_exchange = 12
    certificate_request = 13
    server_hello_done = 14
    certificate_verify = 15
    client_key_exchange = 16
    finished = 20
    certificate_url = 21
    certificate_status = 22
    supplemental_data = 23
    key_update = 24
    compressed_certificate = 25
    message_hash = 254


class AlertLevel(enum.IntEnum):
    """Alert levels (RFC 5246 §7.2; TLS 1.3 treats every alert but close_notify as fatal)."""

    warning = 1
    fatal = 2


class AlertDescription(enum.IntEnum):
    """Every alert of RFC 8446 §6 and RFC 5246 §7.2, without the ``_RESERVED`` suffixes.

    Old servers still send the TLS 1.0-era ones (``decryption_failed``, ``no_renegotiation``),
    so they keep their readable names here.
    """

    close_notify = 0
    unexpected_message = 10
    bad_record_mac = 20
    decryption_failed = 21
    record_overflow = 22
    decompression_failure = 30
    handshake_failure = 40
    no_certificate = 41
    bad_certificate = 42
    unsupported_certificate = 43
    certificate_revoked = 44
    certificate_expired = 45
    certificate_unknown = 46
    illegal_parameter = 47
    unknown_ca = 48
    access_denied = 49
    decode_error = 50
    decrypt_error = 51
    too_many_cids_requested = 52
    export_restriction = 60
    protocol_version = 70
    insufficient_security = 71
    internal_error = 80
    inappropriate_fallback = 86
    user_canceled = 90
    no_renegotiation = 100
    missing_extension = 109
    unsupported_extension = 110
    certificate_unobtainable = 111
    unrecognized_name = 112
    bad_certificate_status_response = 113
    bad_certificate_hash_value = 114
    unknown_psk_identity = 115
    certificate_required = 116
    no_application_protocol = 120
    ech_required = 121


class ExtensionType(enum.IntEnum):
    """Hello extension types (IANA "TLS ExtensionType Values")."""

    server_name = 0
    max_fragment_length = 1
    client_certificate_url = 2
    trusted_ca_keys = 3
    truncated_hmac = 4
    status_request = 5
    user_mapping = 6
    client_authz = 7
    server_authz = 8
    cert_type = 9
    supported_groups = 10
    ec_point_formats = 11
    srp = 12
    signature_algorithms = 13
    use_srtp = 14
    heartbeat = 15
    application_layer_protocol_negotiation = 16
    status_request_v2 = 17
    signed_certificate_timestamp = 18
    client_certificate_type = 19
    server_certificate_type = 20
    padding = 21
    encrypt_then_mac = 22
    extended_master_secret = 23
    token_binding = 24
    cached_info = 25
    compress_certificate = 27
    record_size_limit = 28
    delegated_credential = 34
    session_ticket = 35
    pre_shared_key = 41
    early_data = 42
    supported_versions = 43
    cookie = 44
    psk_key_exchange_modes = 45
    certificate_authorities = 47
    oid_filters = 48
    post_handshake_auth = 49
    signature_algorithms_cert = 50
    key_share = 51
    next_protocol_negotiation = 0x3374
    application_settings = 0x4469
    encrypted_client_hello = 0xFE0D
    renegotiation_info = 0xFF01


class NamedGroup(enum.IntEnum):
    """Supported groups (RFC 8422 §5.1.1, RFC 7919, RFC 8446 §4.2.7, hybrid ML-KEM drafts)."""

    sect163k1 = 1
    sect163r1 = 2
    sect163r2 = 3
    sect193r1 = 4
    sect193r2 = 5
    sect233k1 = 6
    sect233r1 = 7
    sect239k1 = 8
    sect283k1 = 9
    sect283r1 = 10
    sect409k1 = 11
    sect409r1 = 12
    sect571k1 = 13
    sect571r1 = 14
    secp160k1 = 15
    secp160r1 = 16
    secp160r2 = 17
    secp192k1 = 18
    secp192r1 = 19
    secp224k1 = 20
    secp224r1 = 21
    secp256k1 = 22
    secp256r1 = 23
    secp384r1 = 24
    secp521r1 = 25
    brainpoolP256r1 = 26
    brainpoolP384r1 = 27
    brainpoolP512r1 = 28
    x25519 = 29
    x448 = 30
    brainpoolP256r1tls13 = 31
    brainpoolP384r1tls13 = 32
    brainpoolP512r1tls13 = 33
    ffdhe2048 = 256
    ffdhe3072 = 257
    ffdhe4096 = 258
    ffdhe6144 = 259
    ffdhe8192 = 260
    SecP256r1MLKEM768 = 0x11EB
    X25519MLKEM768 = 0x11EC
    SecP384r1MLKEM1024 = 0x11ED
    X25519Kyber768Draft00 = 0x6399
    arbitrary_explicit_prime_curves = 0xFF01
    arbitrary_explicit_char2_curves = 0xFF02


class SignatureScheme(enum.IntEnum):
    """Signature schemes (RFC 8446 §4.2.3) and the TLS 1.2 (hash, signature) pairs.

    A TLS 1.2 ``SignatureAndHashAlgorithm`` (RFC 5246 §7.4.1.4.1) is ``hash << 8 | signature``
    with hash md5=1 … sha512=6 and signature rsa=1, dsa=2, ecdsa=3, so the legacy pairs share
    this code space.
    """

    rsa_pkcs1_md5 = 0x0101
    dsa_md5 = 0x0102
    ecdsa_md5 = 0x0103
    rsa_pkcs1_sha1 = 0x0201
    dsa_sha1 = 0x0202
    ecdsa_sha1 = 0x0203
    rsa_pkcs1_sha224 = 0x0301
    dsa_sha224 = 0x0302
    ecdsa_sha224 = 0x0303
    rsa_pkcs1_sha256 = 0x0401
    dsa_sha256 = 0x0402
    ecdsa_secp256r1_sha256 = 0x0403
    rsa_pkcs1_sha384 = 0x0501
    dsa_sha384 = 0x0502
    ecdsa_secp384r1_sha384 = 0x0503
    rsa_pkcs1_sha512 = 0x0601
    dsa_sha512 = 0x0602
    ecdsa_secp521r1_sha512 = 0x0603
    rsa_pss_rsae_sha256 = 0x0804
    rsa_pss_rsae_sha384 = 0x0805
    rsa_pss_rsae_sha512 = 0x0806
    ed25519 = 0x0807
    ed448 = 0x0808
    rsa_pss_pss_sha256 = 0x0809
    rsa_pss_pss_sha384 = 0x080A
    rsa_pss_pss_sha512 = 0x080B
    ecdsa_brainpoolP256r1tls13_sha256 = 0x081A
    ecdsa_brainpoolP384r1tls13_sha384 = 0x081B
    ecdsa_brainpoolP512r1tls13_sha512 = 0x081C


# RFC 8701 §2: the sixteen values 0x0A0A, 0x1A1A, ... 0xFAFA, reserved so that clients can
# exercise servers' tolerance of unknown values.
GREASE_VALUES: tuple[int, ...] = tuple(0x0A0A + 0x1010 * i for i in range(16))
_GREASE_SET = frozenset(GREASE_VALUES)


def is_grease(value: int) -> bool:
    """True for an RFC 8701 GREASE value (cipher suite, group, extension or version)."""
    return value in _GREASE_SET


def name_of(enum_type: type[enum.IntEnum], value: int) -> str:
    """The registry name of ``value`` in ``enum_type``, else ``"0x...."`` (or ``"GREASE"``)."""
    try:
        return enum_type(value).name
    except ValueError:
        return "GREASE" if value in _GREASE_SET else f"0x{value:04x}"
