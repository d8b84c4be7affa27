"""TLS cipher suites: every value of the IANA registry, with OpenSSL names and properties.

The table itself lives in ``_suites_data`` (code, IANA name, OpenSSL name); everything else a
:class:`CipherSuite` carries -- key exchange, authentication, bulk cipher, MAC, the protocol
versions it can be negotiated in -- is derived here from the IANA name, so there is a single
place where facts were typed in.

Protocol rules (``CipherSuite.protocols``), deliberately simple:

* signalling values (SCSVs, RFC 5746 / RFC 7507) are never negotiated: no protocol;
* TLS 1.3 suites (no key exchange in the name, e.g. 0x1301-0x1305, and the GOST MGM suites of
  RFC 9367) only in TLSv1.3 (RFC 8446 §B.4); TLS 1.3 suites are never usable in TLS <= 1.2;
* ECCPWD (RFC 8492) in TLSv1.2 and TLSv1.3, which that RFC defines it for;
* EXPORT suites only in SSLv3 and TLSv1.0: RFC 4346 (TLS 1.1) §A.5 forbids negotiating them;
* the TLS 1.2 GOST suites (RFC 9189) only in TLSv1.2;
* AEAD suites (GCM, CCM, CHACHA20_POLY1305, ARIA/CAMELLIA-GCM: RFC 5288, 5289, 6209, 6367,
  6655, 7251, 7905, 8442) only in TLSv1.2, as AEAD records exist only from TLS 1.2 on
  (RFC 5246 §6.2.3.3);
* HMAC-SHA256/384 suites only in TLSv1.2 (RFC 5246, 5289, 5932, 6209, 6367), except the PSK
  families (PSK, DHE_PSK, RSA_PSK, ECDHE_PSK), which RFC 5487 §3.2 and RFC 5489 §3 allow in
  TLSv1.0 and later (the earlier versions then use their own PRF);
* everything else from TLSv1.0 through TLSv1.2, plus SSLv3 when the suite needs no TLS
  extension and uses a key exchange SSLv3 has (RSA, DH, DHE, KRB5, NULL) with a SHA-1/MD5
  MAC: that is SSLv3's own suites 0x0000-0x001B, and the Kerberos (RFC 2712), AES (RFC 3268),
  Camellia (RFC 4132) and SEED (RFC 4162) suites that SSLv3 stacks such as OpenSSL <= 1.0.2
  and Schannel negotiate there too. ECC (RFC 4492 needs its extensions), PSK (RFC 4279) and
  SRP (RFC 5054) suites are TLS-only.

DES and IDEA suites were dropped from the TLS 1.2 specification (RFC 5246 §1.2, RFC 5469) but
implementations still negotiate them there; they are listed up to TLSv1.2 and are
``insecure`` anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ._suites_data import OPENSSL_ALIASES, SUITE_TABLE

__all__ = ["PROTOCOLS", "SUITES", "CipherSuite", "by_name", "suites_for"]

#: Protocol names as used in ``CipherSuite.protocols``, oldest first.
PROTOCOLS: tuple[str, ...] = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")

_SSL3_TO_TLS12 = frozenset(PROTOCOLS[:4])
_TLS10_TO_TLS12 = frozenset(PROTOCOLS[1:4])
_TLS12 = frozenset({"TLSv1.2"})
_TLS13 = frozenset({"TLSv1.3"})
_EXPORT_ONLY = frozenset({"SSLv3", "TLSv1.0"})
_NONE: frozenset[str] = frozenset()

# Key-exchange part of an IANA name (between "TLS_" and "_WITH_", "_EXPORT" removed) ->
# (kex, auth). For static DH/ECDH suites auth names the algorithm that signed the server's
# (EC)DH certificate, as the suite name does.
_KEY_EXCHANGES: dict[str, tuple[str, str]] = {
    "NULL": ("NULL", "NULL"),
    "RSA": ("RSA", "RSA"),
    "DH_DSS": ("DH", "DSS"),
    "DH_RSA": ("DH", "RSA"),
    "DHE_DSS": ("DHE", "DSS"),
    "DHE_RSA": ("DHE", "RSA"),
    "DH_anon": ("DH", "anon"),
    "KRB5": ("KRB5", "KRB5"),
    "PSK": ("PSK", "PSK"),
    "DHE_PSK": ("DHE_PSK", "PSK"),
    "PSK_DHE": ("DHE_PSK", "PSK"),  # the registry's spelling for 0xC0AA/0xC0AB (RFC 6655)
    "RSA_PSK": ("RSA_PSK", "RSA"),
    "ECDHE_PSK": ("ECDHE_PSK", "PSK"),
    "ECDH_ECDSA": ("ECDH", "ECDSA"),
    "ECDHE_ECDSA": ("ECDHE", "ECDSA"),
    "ECDH_RSA": ("ECDH", "RSA"),
    "ECDHE_RSA": ("ECDHE", "RSA"),
    "ECDH_anon": ("ECDH", "anon"),
    "SRP_SHA": ("SRP", "SRP"),
    "SRP_SHA_RSA": ("SRP", "RSA"),
    "SRP_SHA_DSS": ("SRP", "DSS"),
    "ECCPWD": ("ECCPWD", "ECCPWD"),
    "GOSTR341112_256": ("GOSTR341112_256", "GOSTR341012"),
}

_SSL3_KEX = frozenset({"NULL", "RSA", "DH", "DHE", "KRB5"})
_PSK_KEX = frozenset({"PSK", "DHE_PSK", "RSA_PSK", "ECDHE_PSK"})
# Ephemeral, authenticated key agreement. Anonymous (EC)DH is ephemeral too but gives no
# security at all, so it does not count; neither does the TLS 1.2 GOST VKO exchange, whose
# server key is the certificate's.
_FORWARD_SECRET_KEX = frozenset({"DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK", "ECCPWD", "TLS13"})

_AEAD_MARKERS = ("_GCM", "_CCM", "CHACHA20_POLY1305", "_MGM_", "AEGIS_")
_WEAK_CIPHERS = ("RC4", "RC2", "DES", "3DES", "IDEA")  # "DES" also covers DES40_CBC, DES_CBC_40
_HASH_SUFFIX = re.compile(r"(?P<cipher>.+?)_(?P<hash>SHA|SHA256|SHA384|MD5|SM3)")
_GOST_MAC_SUFFIXES = ("_OMAC", "_IMIT")  # RFC 9189: KUZNYECHIK_CTR_OMAC, 28147_CNT_IMIT
_SCSV = "SCSV"


@dataclass(frozen=True)
class CipherSuite:
    """One registered cipher suite value.

    ``kex``/``auth``/``cipher``/``mac`` use the registry's spelling (``"ECDHE"``, ``"RSA"``,
    ``"AES_256_GCM"``, ``"SHA384"``); ``mac`` is ``"AEAD"`` for AEAD suites, whose trailing
    hash names the PRF, and ``"SHA"`` means HMAC-SHA1. TLS 1.3 suites have ``kex`` and
    ``auth`` ``"TLS13"`` (negotiated separately); signalling values have ``"SCSV"`` in all four.
    """

    code: int
    name: str
    openssl_name: str | None
    kex: str
    auth: str
    cipher: str
    mac: str
    protocols: frozenset[str]

    @property
    def code_hex(self) -> str:
        """The code as ``0xC030``: upper-case hex, four digits."""
        return f"0x{self.code:04X}"

    @property
    def signalling(self) -> bool:
        """A signalling value (``TLS_EMPTY_RENEGOTIATION_INFO_SCSV``, ``TLS_FALLBACK_SCSV``)."""
        return self.kex == _SCSV

    @property
    def export(self) -> bool:
        """One of the 40/56-bit EXPORT suites."""
        return "_EXPORT_" in self.name

    @property
    def aead(self) -> bool:
        """Record protection is an AEAD (GCM, CCM, ChaCha20-Poly1305, MGM, AEGIS)."""
        return self.mac == "AEAD"

    @property
    def forward_secret(self) -> bool:
        """Authenticated ephemeral key agreement: a stolen server key cannot decrypt old traffic."""
        return self.kex in _FORWARD_SECRET_KEX

    @property
    def insecure(self) -> bool:
        """Never to be offered: NULL cipher, anonymous, EXPORT, RC4/RC2/DES/3DES/IDEA or MD5 MAC."""
        if self.signalling:
            return False
        return (
            self.cipher == "NULL"
            or self.kex == "NULL"
            or self.auth == "anon"
            or self.export
            or self.cipher.startswith(_WEAK_CIPHERS)
            or self.mac == "MD5"
        )


def _split_cipher_mac(rest: str) -> tuple[str, str]:
    """Split ``AES_256_GCM_SHA384`` into (``AES_256_GCM``, ``AEAD``), ``RC4_128_SHA`` likewise."""
    for suffix in _GOST_MAC_SUFFIXES:
        if rest.endswith(suffix):
            return rest[: -len(suffix)], suffix[1:]
    match = _HASH_SUFFIX.fullmatch(rest)
    cipher, mac = (match["cipher"], match["hash"]) if match else (rest, "")
    if cipher in ("SHA256", "SHA384"):  # RFC 9150 integrity-only TLS_SHA256_SHA256
        return "NULL", cipher
    if any(marker in f"_{cipher}" for marker in _AEAD_MARKERS):
        return cipher, "AEAD"
    if not mac:  # e.g. NULL_NULL
        cipher, _, mac = rest.partition("_")
    return cipher, mac


def _derive(code: int, name: str, openssl_name: str | None) -> CipherSuite:
    body = name.removeprefix("TLS_")
    if body.endswith("_SCSV"):
        kex = auth = cipher = mac = _SCSV
        protocols = _NONE
    elif "_WITH_" not in body or "_MGM_" in body:
        # TLS 1.3 style: the suite fixes only the AEAD and hash (RFC 8446 §B.4, RFC 9367).
        kex = auth = "TLS13"
        cipher, mac = _split_cipher_mac(body.partition("_WITH_")[2] or body)
        protocols = _TLS13
    else:
        exchange, _, rest = body.partition("_WITH_")
        kex, auth = _KEY_EXCHANGES[exchange.removesuffix("_EXPORT")]
        cipher, mac = _split_cipher_mac(rest)
        protocols = _legacy_protocols(exchange, kex, mac)
    return CipherSuite(code, name, openssl_name, kex, auth, cipher, mac, protocols)


def _legacy_protocols(exchange: str, kex: str, mac: str) -> frozenset[str]:
    """Versions a TLS <= 1.2 style suite can be negotiated in (rules in the module docstring)."""
    if kex == "ECCPWD":
        return _TLS12 | _TLS13
    if exchange.endswith("_EXPORT"):
        return _EXPORT_ONLY
    if kex == "GOSTR341112_256" or mac == "AEAD":
        return _TLS12
    if mac in ("SHA256", "SHA384"):
        return _TLS10_TO_TLS12 if kex in _PSK_KEX else _TLS12
    if kex in _SSL3_KEX and mac in ("SHA", "MD5", "NULL"):
        return _SSL3_TO_TLS12
    return _TLS10_TO_TLS12


SUITES: Mapping[int, CipherSuite] = MappingProxyType(
    {code: _derive(code, name, osn) for code, name, osn in sorted(SUITE_TABLE)}
)
"""Every registered cipher suite, by code, in code order."""


def _name_index() -> dict[str, CipherSuite]:
    index: dict[str, CipherSuite] = {}
    for suite in SUITES.values():
        index[suite.name.upper()] = suite
        if suite.openssl_name is not None:
            index[suite.openssl_name.upper()] = suite
    for alias, code in OPENSSL_ALIASES.items():
        index.setdefault(alias.upper(), SUITES[code])
    return index


_BY_NAME = _name_index()
# Windows 7/8/8.1 list ECDHE suites once per curve: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256.
_WINDOWS_CURVE_SUFFIX = re.compile(r"(?P<base>.+)_P(?:256|384|521)")


def by_name(name: str) -> CipherSuite | None:
    """Look a suite up by IANA or OpenSSL name, case-insensitively.

    Also understood: the curve-suffixed names of Windows 7/8/8.1 (``..._SHA384_P256``,
    ``_P384``, ``_P521``), older OpenSSL spellings (``EDH-RSA-DES-CBC3-SHA``) and the ``SSL_``
    prefix Java and SSLv3-era documents use for the same codes (``SSL_RSA_WITH_RC4_128_SHA``).
    """
    key = name.strip().upper()
    suite = _BY_NAME.get(key)
    if suite is None and (match := _WINDOWS_CURVE_SUFFIX.fullmatch(key)):
        suite = _BY_NAME.get(match["base"])
    if suite is None and key.startswith("SSL_"):
        suite = _BY_NAME.get("TLS_" + key.removeprefix("SSL_"))
    return suite


def suites_for(protocol: str) -> list[CipherSuite]:
    """All non-signalling suites negotiable in *protocol* (see :data:`PROTOCOLS`), in code order.

    ``"TLSv1"`` (OpenSSL's spelling) is accepted for ``"TLSv1.0"``; anything else unknown
    raises ``ValueError``.
    """
    wanted = "TLSv1.0" if protocol == "TLSv1" else protocol
    if wanted not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    return [s for s in SUITES.values() if wanted in s.protocols and not s.signalling]
