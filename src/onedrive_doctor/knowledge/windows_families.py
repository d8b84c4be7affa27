"""What each Windows release does for TLS out of the box, as data.

One :class:`WindowsFamily` per release a checker has to tell apart: Windows 7 SP1 to Windows 11
25H2 on the client side, Server 2008 R2 to Server 2025 on the server side. Each carries the
Schannel client protocol defaults, the default cipher suite list in the order Schannel offers it,
the suites supported but off, the curves and signature algorithms it offers, the WinHTTP and
WinINet default protocol masks, the updates that changed any of that, its support dates, the
documents it was taken from, and -- in ``assumed`` -- every value that no document settles.

Nothing here is derived at run time from a live PC: checks compare what a bundle shows with these
defaults ("the OS default for its build" in SCH002) and say what was assumed when they lean on an
``assumed`` value. The research behind every value is ``docs/knowledge/windows-tls.md``; the
``§`` numbers in comments and in :class:`Source` point into it. Microsoft's per-version pages were
re-read for the full tables (the knowledge file quotes positions only):
https://learn.microsoft.com/windows/win32/secauthn/cipher-suites-in-schannel lists them.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..tls import ProtocolVersion
from ..tls.suites import by_name

__all__ = [
    "FAMILIES",
    "KB_UPDATES",
    "PROTOCOL_BITS",
    "KbUpdate",
    "Lifecycle",
    "ProtocolDefaults",
    "ProtocolState",
    "Source",
    "WindowsFamily",
    "Wire",
    "family_by_label",
    "family_for",
    "protocols_in_mask",
]

_LEARN = "https://learn.microsoft.com/windows/win32/secauthn/"


# --- building blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a value comes from: its section of docs/knowledge/windows-tls.md and the page cited."""

    section: str
    title: str
    url: str


@dataclass(frozen=True)
class Wire:
    """How this release's Schannel lays out its ClientHello, and the recordings that show it.

    ``extensions``: ExtensionType names in the order Schannel sends them; one the hello does
    not carry is skipped (ALPN only when the application asks for it, the TLS 1.3 ones only
    when TLS 1.3 is offered); ``session_ticket`` is sent only when listed. ``not_sent``: suites
    the Microsoft page lists as enabled that no recording of this release sends; they stay
    implemented (a configured list can name them) but are left out of the default hello.
    ``without_update``: the default list before ``cipher_suites_update`` as recorded (``None``:
    the updated list without the suites the update adds). ``recordings``: the captures this is
    taken from; ``notes``: where a page and the wire disagree, or what no recording shows.
    ``signature_algorithms_recorded``: whether a recording of this release shows that order.
    """

    extensions: tuple[str, ...]
    recordings: tuple[Source, ...] = ()
    notes: tuple[str, ...] = ()
    not_sent: tuple[str, ...] = ()
    without_update: tuple[str, ...] | None = None
    signature_algorithms_recorded: bool = False


class ProtocolState(enum.Enum):
    """Default state of one protocol in the Schannel *client*.

    Sources: docs/knowledge/windows-tls.md §3.1, §4.1.
    """

    ENABLED = "enabled"
    """Offered unless the application excludes it."""
    DISABLED_BY_DEFAULT = "disabled-by-default"
    """Implemented but off: registry values (``Enabled``, ``DisabledByDefault``) turn it on."""
    NOT_SUPPORTED = "not-supported"
    """Not implemented, or (TLS 1.3 on Windows 10) "not a safe system configuration" to force."""


#: WinHTTP ``DefaultSecureProtocols`` / WinINet ``SecureProtocols`` bit of each protocol; the bits
#: equal schannel.h's ``SP_PROT_*_CLIENT`` values (docs/knowledge/windows-tls.md §4.2, §4.3).
PROTOCOL_BITS: Mapping[ProtocolVersion, int] = MappingProxyType(
    {
        ProtocolVersion.SSLv2: 0x0008,
        ProtocolVersion.SSLv3: 0x0020,
        ProtocolVersion.TLSv1_0: 0x0080,
        ProtocolVersion.TLSv1_1: 0x0200,
        ProtocolVersion.TLSv1_2: 0x0800,
        ProtocolVersion.TLSv1_3: 0x2000,
    }
)


def protocols_in_mask(mask: int) -> tuple[ProtocolVersion, ...]:
    """Protocols whose bit is set in a ``DefaultSecureProtocols``/``SecureProtocols`` mask."""
    return tuple(version for version, bit in PROTOCOL_BITS.items() if mask & bit)


@dataclass(frozen=True)
class ProtocolDefaults:
    """Schannel client protocol defaults of one release (no registry values present)."""

    ssl2: ProtocolState
    ssl3: ProtocolState
    tls1_0: ProtocolState
    tls1_1: ProtocolState
    tls1_2: ProtocolState
    tls1_3: ProtocolState

    def state(self, version: ProtocolVersion) -> ProtocolState:
        """Default state of ``version``."""
        return dict(self._pairs())[version]

    def _pairs(self) -> tuple[tuple[ProtocolVersion, ProtocolState], ...]:
        return (
            (ProtocolVersion.SSLv2, self.ssl2),
            (ProtocolVersion.SSLv3, self.ssl3),
            (ProtocolVersion.TLSv1_0, self.tls1_0),
            (ProtocolVersion.TLSv1_1, self.tls1_1),
            (ProtocolVersion.TLSv1_2, self.tls1_2),
            (ProtocolVersion.TLSv1_3, self.tls1_3),
        )

    @property
    def enabled(self) -> tuple[ProtocolVersion, ...]:
        """Protocols offered by default, oldest first."""
        return tuple(v for v, s in self._pairs() if s is ProtocolState.ENABLED)

    @property
    def needs_registry(self) -> tuple[ProtocolVersion, ...]:
        """Protocols implemented but off by default: registry values turn them on."""
        return tuple(v for v, s in self._pairs() if s is ProtocolState.DISABLED_BY_DEFAULT)

    @property
    def supported(self) -> tuple[ProtocolVersion, ...]:
        """Protocols implemented at all (enabled or disabled by default)."""
        return tuple(v for v, s in self._pairs() if s is not ProtocolState.NOT_SUPPORTED)


_EN = ProtocolState.ENABLED
_OFF = ProtocolState.DISABLED_BY_DEFAULT
_NS = ProtocolState.NOT_SUPPORTED

# protocols-in-tls-ssl--schannel-ssp- (§3.1): SSL 2.0 client "Disabled" on 7 ... 10 1511 and
# removed in 1607; SSL 3.0 client Enabled up to 10 1511, Disabled from 1607; TLS 1.1/1.2
# "Disabled" on Windows 7 means disabled by default (KB3140245: "not enabled by default");
# TLS 1.3 only from Windows 11 / Server 2022 ("Enabling TLS 1.3 on earlier versions of Windows
# is not a safe system configuration").
_P_WIN7 = ProtocolDefaults(_OFF, _EN, _EN, _OFF, _OFF, _NS)
_P_WIN8 = ProtocolDefaults(_OFF, _EN, _EN, _EN, _EN, _NS)  # also 8.1, 10 1507 and 1511
_P_WIN10 = ProtocolDefaults(_NS, _OFF, _EN, _EN, _EN, _NS)  # 10 1607 ... 22H2, Server 2016/2019
_P_TLS13 = ProtocolDefaults(_NS, _OFF, _EN, _EN, _EN, _EN)  # Windows 11, Server 2022/2025


@dataclass(frozen=True)
class Lifecycle:
    """Support dates (the last day of security updates; Microsoft ends them on a Patch Tuesday).

    ``end`` is the date of the Home/Pro editions on the client side and the extended end date
    for a server; ``enterprise_end`` applies to Enterprise/Education editions; ``ltsc_end`` to
    the LTSB/LTSC edition built on the release, when there is one. None means unknown.
    """

    end: _dt.date | None
    enterprise_end: _dt.date | None
    url: str
    ltsc_end: _dt.date | None = None

    def end_for(self, edition_id: str | None = None) -> _dt.date | None:
        """Last supported day for the registry ``EditionID`` (Home/Pro dates when unknown)."""
        edition = (edition_id or "").lower()
        if re.fullmatch(r"(iot)?enterprises\w*", edition):
            return self.ltsc_end
        if edition.startswith(("enterprise", "education", "iotenterprise")):
            return self.enterprise_end
        return self.end

    def supported_on(self, day: _dt.date, edition_id: str | None = None) -> bool | None:
        """Whether ``day`` is within support for that edition; None when the date is unknown."""
        end = self.end_for(edition_id)
        return None if end is None else day <= end


def _d(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


_LIFECYCLE = "https://learn.microsoft.com/lifecycle/products/"


def _life(
    product: str, end: str | None, enterprise: str | None = None, ltsc: str | None = None
) -> Lifecycle:
    end_date = None if end is None else _d(end)
    return Lifecycle(
        end=end_date,
        enterprise_end=end_date if enterprise is None else _d(enterprise),
        url=_LIFECYCLE + product,
        ltsc_end=None if ltsc is None else _d(ltsc),
    )


@dataclass(frozen=True)
class KbUpdate:
    """An update that changed a TLS default, with what it changed.

    Sources: docs/knowledge/windows-tls.md §3.3, §4.4.
    """

    kb: str
    title: str
    url: str
    families: tuple[str, ...]
    effect: str
    adds_cipher_suites: tuple[str, ...] = ()
    released: str | None = None
    section: str = ""
    assumed: tuple[str, ...] = ()


# --- cipher suites, transcribed from the per-version Schannel pages -------------------------------
# Windows spelling, in the "enabled and in this priority order by default" order. Before Windows
# 10 the ECDHE suites carry the curve (_P256/_P384) and appear once per curve; on the wire a
# suite is sent once, so ``WindowsFamily.cipher_suites`` keeps the first occurrence (that the
# curve suffix order is also the curve preference is the cipher-suites-in-schannel note).

_SCH_WIN7 = (  # tls-cipher-suites-in-windows-7 (as updated by KB3042058); 8.1 is identical
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
)
# tls-cipher-suites-in-windows-8: the Windows 7 list without DHE_RSA_WITH_AES_*_CBC_SHA.
_SCH_WIN8 = tuple(n for n in _SCH_WIN7 if not n.startswith("TLS_DHE_RSA_WITH_AES_") or "GCM" in n)

_SCH_1507 = (  # tls-cipher-suites-in-windows-10--version-1507
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
)

_GCM_ECDHE = (
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
)
_GCM_DHE = ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")
_CBC_ECDHE = (
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
)
_CBC_DHE_RSA = ("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA")
_RSA_AES = (
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
)
_DHE_DSS = (
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
)
_3DES = "TLS_RSA_WITH_3DES_EDE_CBC_SHA"
_DSS_3DES = "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"
_RC4 = ("TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_RC4_128_MD5")
_TLS13 = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
_CHACHA = "TLS_CHACHA20_POLY1305_SHA256"

# tls-cipher-suites-in-windows-10-v1511 and -v1607 (identical lists).
_SCH_1511 = (
    *_GCM_ECDHE,
    *_GCM_DHE,
    *_CBC_ECDHE,
    *_CBC_DHE_RSA,
    *_RSA_AES,
    _3DES,
    *_DHE_DSS,
    _DSS_3DES,
    *_RC4,
)
# -v1703: DHE_RSA CBC, DHE_DSS move to "not enabled"; RC4 is still listed as enabled there.
_SCH_1703 = (*_GCM_ECDHE, *_GCM_DHE, *_CBC_ECDHE, *_RSA_AES, _3DES, *_RC4)
# -v1709, -v1803, -v1809, -v1903 (1903/1909/2004), -v20H2 (20H2/21H1): RC4 no longer enabled.
_SCH_1709 = (*_GCM_ECDHE, *_GCM_DHE, *_CBC_ECDHE, *_RSA_AES, _3DES)
# -v22H2: DHE_RSA_*_GCM and 3DES move to "not enabled" (§3.2; §9.5 notes the doubt).
_SCH_22H2 = (*_GCM_ECDHE, *_CBC_ECDHE, *_RSA_AES)
_SCH_W11 = (*_TLS13, *_SCH_1709)  # tls-cipher-suites-in-windows-11 and -server-2022
_SCH_W11_22H2 = (*_TLS13, *_SCH_22H2)  # -windows-11-v22H2 ("and later") and -server-2025

# "Supported by the Microsoft Schannel Provider, but not enabled by default".
_LEGACY_OFF = (
    "TLS_RSA_WITH_DES_CBC_SHA",
    "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
    "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
    "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
    "TLS_RSA_WITH_NULL_MD5",
    "TLS_DHE_DSS_WITH_DES_CBC_SHA",
    "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
)
_SSL2_OFF = ("SSL_CK_DES_64_CBC_WITH_MD5", "SSL_CK_RC4_128_EXPORT40_WITH_MD5")
_OFF_WIN7 = (
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521",
    *_LEGACY_OFF,
    *_SSL2_OFF,
)
_OFF_1507 = (*_LEGACY_OFF, *_SSL2_OFF)  # also 1511
_OFF_1607 = _LEGACY_OFF
_OFF_1703 = (*_CBC_DHE_RSA, *_DHE_DSS, _DSS_3DES, *_LEGACY_OFF)
_OFF_1709 = (*_CBC_DHE_RSA, *_DHE_DSS, _DSS_3DES, *_RC4, *_LEGACY_OFF)
_OFF_22H2 = (*_GCM_DHE, _3DES, *_OFF_1709)
_OFF_W11 = (_CHACHA, *_OFF_1709)
_OFF_W11_22H2 = (*_GCM_DHE, _3DES, _CHACHA, *_OFF_1709)

# "Only used when application explicitly requests" (NULL, SSL 2.0) and the PSK suites, which
# "Applications need to request ... using SCH_USE_PRESHAREDKEY_ONLY": never in a default hello.
_NULL = ("TLS_RSA_WITH_NULL_SHA256", "TLS_RSA_WITH_NULL_SHA")
_SSL2_EXPLICIT = ("SSL_CK_RC4_128_WITH_MD5", "SSL_CK_DES_192_EDE3_CBC_WITH_MD5")
_PSK = (
    "TLS_PSK_WITH_AES_256_GCM_SHA384",
    "TLS_PSK_WITH_AES_128_GCM_SHA256",
    "TLS_PSK_WITH_AES_256_CBC_SHA384",
    "TLS_PSK_WITH_AES_128_CBC_SHA256",
    "TLS_PSK_WITH_NULL_SHA384",
    "TLS_PSK_WITH_NULL_SHA256",
)
_EXPLICIT_PRE1607 = (*_NULL, *_SSL2_EXPLICIT)
_EXPLICIT_1607 = (*_NULL, *_PSK)


def _iana(names: Iterable[str]) -> tuple[str, ...]:
    """Windows names -> IANA names, first occurrence kept; names with no IANA code kept as-is."""
    out: dict[str, None] = {}
    for name in names:
        suite = by_name(name)
        out.setdefault(name if suite is None else suite.name, None)
    return tuple(out)


# --- curves and signature algorithms -------------------------------------------------------------

# Before Windows 10 the curve preference is the _P256/_P384 suffix order; P-521 suites are
# supported but off (§3.5).
_CURVES_PRE10 = ("secp256r1", "secp384r1")
_CURVES_OFF_PRE10 = ("secp521r1",)
_CURVES_1507 = ("secp256r1", "secp384r1")  # tls-elliptic-curves-in-windows-10-1507-and-1511
_CURVES_1607 = ("x25519", "secp256r1", "secp384r1")  # ...-1607-and-later
# Both pages' "supported, but not enabled" list, in NamedGroup names (NistP521 and secP521r1 are
# the same TLS group; secP256r1/secP384r1 duplicate enabled curves and are left out).
_CURVES_OFF_10 = (
    "brainpoolP256r1",
    "brainpoolP384r1",
    "brainpoolP512r1",
    "secp192r1",
    "secp224r1",
    "secp521r1",
    "secp160k1",
    "secp160r1",
    "secp160r2",
    "secp192k1",
    "secp224k1",
    "secp256k1",
)

# No Microsoft page lists Schannel's signature_algorithms; these orders are the recorded ones
# (``Wire.recordings``; byte-compared in tests/windows/test_recorded_hellos.py). Windows 7 (IE 11,
# 2017) sends the SHA-512 pairs first; Windows 8.1 (IE 11, 2016) each SHA-512 entry after its
# SHA-384 one; Windows 10 1507 to 1803 (Edge 12/13/15/17, IE 11) the SHA-512 pairs last; Windows 11
# (curl, 2026) the RSA-PSS schemes first, then the 1507 order.
_SIG_WIN7 = (
    "rsa_pkcs1_sha512",
    "ecdsa_secp521r1_sha512",
    "rsa_pkcs1_sha256",
    "rsa_pkcs1_sha384",
    "rsa_pkcs1_sha1",
    "ecdsa_secp256r1_sha256",
    "ecdsa_secp384r1_sha384",
    "ecdsa_sha1",
    "dsa_sha1",
)
_SIG_WIN81 = (
    "rsa_pkcs1_sha256",
    "rsa_pkcs1_sha384",
    "rsa_pkcs1_sha512",
    "rsa_pkcs1_sha1",
    "ecdsa_secp256r1_sha256",
    "ecdsa_secp384r1_sha384",
    "ecdsa_secp521r1_sha512",
    "ecdsa_sha1",
    "dsa_sha1",
)
_SIG_LEGACY = (
    "rsa_pkcs1_sha256",
    "rsa_pkcs1_sha384",
    "rsa_pkcs1_sha1",
    "ecdsa_secp256r1_sha256",
    "ecdsa_secp384r1_sha384",
    "ecdsa_sha1",
    "dsa_sha1",
    "rsa_pkcs1_sha512",
    "ecdsa_secp521r1_sha512",
)
_SIG_PSS = ("rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512", *_SIG_LEGACY)

# --- what goes on the wire -----------------------------------------------------------------------

# Extension order (ExtensionType names). Every Schannel recording sends server_name and
# status_request first, then supported_groups, ec_point_formats, signature_algorithms; session
# ticket (never on Windows 7), ALPN (when the application asks), extended_master_secret, and
# renegotiation_info last. Windows 11 (TLS 1.3) moves supported_versions and
# signature_algorithms up and adds key_share, post_handshake_auth and psk_key_exchange_modes.
_EXT_7 = (
    "server_name",
    "status_request",
    "supported_groups",
    "ec_point_formats",
    "signature_algorithms",
    "extended_master_secret",
    "renegotiation_info",
)
_EXT_8 = (
    "server_name",
    "status_request",
    "supported_groups",
    "ec_point_formats",
    "signature_algorithms",
    "session_ticket",
    "application_layer_protocol_negotiation",
    "extended_master_secret",
    "renegotiation_info",
)
_EXT_13 = (
    "server_name",
    "status_request",
    "supported_versions",
    "signature_algorithms",
    "session_ticket",
    "supported_groups",
    "ec_point_formats",
    "application_layer_protocol_negotiation",
    "key_share",
    "post_handshake_auth",
    "extended_master_secret",
    "renegotiation_info",
    "psk_key_exchange_modes",
)

# Windows 7 before KB3042058: the recorded hellos (IE 8 and IE 9 on Windows 7, 2013, TLS 1.0)
# send AES128-SHA, AES256-SHA, RC4-SHA, 3DES, ECDHE-RSA-AES128/256-SHA, ECDHE-ECDSA-AES128/256-SHA,
# DHE-DSS-AES128/256-SHA, DHE-DSS-3DES, RC4-MD5, which is also the first group of the "SSL Cipher
# Suite Order" policy's factory list. The TLS 1.2-only suites follow in that help text's next
# groups ("TLS 1.2 SHA256 and SHA384", then the ECDSA AES-GCM ones, in KB3042058's relative order
# where the help text's excerpt ends); no recording shows them.
_WIN7_FACTORY = (
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
)


# --- sources and shared notes --------------------------------------------------------------------


def _page(section: str, title: str, page: str) -> Source:
    return Source(section, title, _LEARN + page)


_S_PROTOCOLS = _page(
    "§3.1", "Protocols in TLS/SSL (Schannel SSP)", "protocols-in-tls-ssl--schannel-ssp-"
)
_S_CURVES_1507 = _page(
    "§3.5",
    "TLS Elliptic Curves in Windows 10 version 1507 and 1511",
    "tls-elliptic-curves-in-windows-10-1507-and-1511",
)
_S_CURVES_1607 = _page(
    "§3.5",
    "TLS Elliptic Curves in Windows 10 version 1607 and later",
    "tls-elliptic-curves-in-windows-10-1607-and-later",
)
_S_SUFFIX = _page(
    "§2.4, §3.5",
    "Cipher Suites in TLS/SSL (Schannel SSP), note on curve suffixes",
    "cipher-suites-in-schannel",
)
_S_WINHTTP = Source(
    "§3.4, §4.2",
    "WINHTTP_OPTION_SECURE_PROTOCOLS defaults (option-flags)",
    "https://learn.microsoft.com/windows/win32/winhttp/option-flags",
)
_S_KB3140245 = Source(
    "§4.4",
    "KB3140245: Update to enable TLS 1.1 and TLS 1.2 as default secure protocols in WinHTTP",
    "https://support.microsoft.com/topic/update-to-enable-tls-1-1-and-tls-1-2-as-default-secure-"
    "protocols-in-winhttp-in-windows-c4bd73d2-31d7-761e-0178-11268bb10392",
)
_S_DHE = Source(
    "§3.6",
    "Applications forcibly closed TLS connection errors (DHE leading zero, KB4557473)",
    "https://learn.microsoft.com/troubleshoot/windows-server/certificates-and-public-key-"
    "infrastructure-pki/apps-forcibly-closed-tls-connection-errors",
)
_S_CMDLETS = Source(
    "§5",
    "Get-TlsCipherSuite (TLS module, Windows 10 / Server 2016 and later)",
    "https://learn.microsoft.com/powershell/module/tls/get-tlsciphersuite",
)
_S_ADVISORY = Source(
    "§3.3",
    "Microsoft Security Advisory 3042058",
    "https://learn.microsoft.com/security-updates/SecurityAdvisories/2015/3042058",
)


# Recorded ClientHellos. SSL Labs' client captures as testssl.sh ships them (the capture date is
# the hello's gmt_unix_time); the .NET captures of rgl/tls-dump-clienthello (lists, no bytes);
# a Wireshark decode of curl.exe over Schannel on Windows 11 (order and lengths, no bytes).
_SSLLABS = "https://github.com/testssl/testssl.sh/blob/3.2/etc/client-simulation.txt"
_TLSDUMP = "https://github.com/rgl/tls-dump-clienthello/blob/main/"


def _ssllabs(client: str, captured: str) -> Source:
    return Source("wire recording", f"SSL Labs client '{client}' (captured {captured})", _SSLLABS)


_R_IE11_W7 = _ssllabs("IE 11 Win 7", "2017-06-29")
_R_IE8_W7 = _ssllabs("IE 8 Win 7", "2013-08-01")
_R_IE810_W7 = _ssllabs("IE 8-10 Win 7", "2015-09-09")
_R_IE11_W81 = _ssllabs("IE 11 Win 8.1", "2016-06-23")
_R_EDGE12 = _ssllabs("Edge 12 Win 10", "2015-06-23, a pre-release build")
_R_IE11_W10 = _ssllabs("IE 11 Win 10 / Edge 13 Win 10", "2016-06-23")
_R_EDGE15 = _ssllabs("Edge 15 Win 10", "2018-02-01")
_R_EDGE17 = _ssllabs("Edge 17 Win 10", "2019-04-23")
_R_NET_2019 = Source(
    "wire recording",
    ".NET 6.0.12 and .NET Framework 4.8 on Windows Server 2019 1809 (2022-12): versions, suites, "
    "groups",
    _TLSDUMP + "example-clients-output-windows-server-2019-1809.md",
)
_R_NET_2022 = Source(
    "wire recording",
    ".NET 6.0.12 and .NET Framework 4.8 on Windows Server 2022 21H2 (2022-12): versions, suites, "
    "groups",
    _TLSDUMP + "example-clients-output-windows-server-2022-21h2.md",
)
_R_CURL_W11 = Source(
    "wire recording",
    "curl.exe over Schannel on Windows 11, Wireshark decode (2026-09-15): extension order and "
    "lengths, suites, groups, key shares, signature algorithms (a published course capture)",
    "stored public capture, search index file 69587221491",
)

_N_DHE_CBC_7 = (
    "TLS_DHE_RSA_WITH_AES_256/128_CBC_SHA: Microsoft's Windows 7 page lists them as enabled, yet "
    "no Windows 7 recording (2013, 2015, 2017) sends them; the hello follows the wire and keeps "
    "them as implemented but not offered"
)
_N_FACTORY_7 = (
    "without KB3042058: the TLS 1.0 suites are in the recorded order (IE 8/9 on Windows 7, 2013); "
    "where the TLS 1.2-only suites sit is not recorded: the SSL Cipher Suite Order policy's help "
    "text groups them after those"
)
_N_NO_RECORDING = (
    "no recording of this release: the hello's layout is that of the nearest recorded one"
)


def _suites_page(title: str, page: str) -> Source:
    return _page("§3.2", title, page)


_A_SIGALGS = (
    "signature_algorithms: no Microsoft page lists them and no recording of this release shows "
    "them; the order is the nearest recorded release's, and where RSA-PSS first appears (10 1809 "
    "/ Server 2019 here) is a guess"
)
_A_LIFECYCLE = (
    "support dates: Microsoft lifecycle dates (learn.microsoft.com/lifecycle) as mirrored by a "
    "third-party dataset, not re-read at the source"
)
_A_WININET_IE11 = (
    "wininet_secure_protocols: Internet Explorer's default SecureProtocols is 'IE version "
    "specific' and undocumented per release; 0xA80 (TLS 1.0-1.2) assumes IE 11"
)
_A_WINHTTP_KB5017811 = (
    "winhttp_default_protocols: KB5017811 (Sept 2022) may have switched TLS 1.0/1.1 off by "
    "default for WinHTTP/WinINet on this release; its final status is not verified, so "
    "the option-flags default is kept"
)
_A_DHE_22H2 = (
    "DHE_RSA_*_GCM: the 22H2 page lists them as supported but not enabled while the 20H2/21H1 "
    "page lists them enabled; taken as documented, not verified on a device"
)


# --- the family record -----------------------------------------------------------------------


@dataclass(frozen=True)
class WindowsFamily:
    """A Windows release and its documented TLS client defaults.

    Identity: ``key`` (stable, e.g. ``win10-22h2``), ``name`` ("Windows 10 22H2"), ``label``
    ("10 22H2", what :func:`family_by_label` takes; ``aliases`` are the other accepted forms),
    ``release`` (the Windows 10/11 version, None otherwise), ``server``, the nominal ``build``
    and the ``builds`` range (inclusive; None = open) :func:`family_for` maps to it.

    Schannel: ``protocols`` (client defaults); ``cipher_suites``, the default list in the order
    Schannel offers it, as IANA names (a name with no IANA code stays in Windows spelling);
    ``schannel_cipher_suites``, the same list as the page spells it (``_P256``/``_P384``
    suffixes before Windows 10); ``cipher_suites_update``, the update whose order the page shows
    (KB3042058 for 7 / 8, KB2919355 for 8.1); ``supported_cipher_suites``, implemented but off
    by default; ``explicit_cipher_suites``, used only when an application asks (NULL, PSK,
    SSL 2.0); ``curves`` and ``supported_curves`` (``NamedGroup`` names) and
    ``signature_algorithms`` (``SignatureScheme`` names), in offer order;
    ``tls12_registry_required``, whether an absent ``DisabledByDefault`` counts as TLS 1.2 off
    (SCH001); ``tls_cmdlets``, whether ``Get-TlsCipherSuite`` exists; ``dhe_leading_zero_fix``,
    whether the DHE interop fix is in the release (else in ``dhe_fix_updates``).

    HTTP stacks: ``winhttp_default_protocols``, the mask WinHTTP uses when neither the
    application nor ``DefaultSecureProtocols`` sets one; ``winhttp_update``, the update needed
    before ``DefaultSecureProtocols`` is honoured; ``wininet_secure_protocols``, the Internet
    Options default. Masks use :data:`PROTOCOL_BITS`.

    ``updates`` are the :data:`KB_UPDATES` that matter here, ``lifecycle`` the support dates,
    ``sources`` the documents, and ``assumed`` says, in words a finding can quote, which values
    no document settles. ``wire`` is the hello's layout and the recordings it comes from: where a
    page and every recording disagree, ``cipher_suites`` follows the recordings (``Wire.notes``).
    """

    key: str
    name: str
    label: str
    release: str | None
    server: bool
    build: int
    builds: tuple[int, int | None]
    lifecycle: Lifecycle
    protocols: ProtocolDefaults
    schannel_cipher_suites: tuple[str, ...]
    cipher_suites: tuple[str, ...]
    cipher_suites_update: str | None
    supported_cipher_suites: tuple[str, ...]
    explicit_cipher_suites: tuple[str, ...]
    curves: tuple[str, ...]
    supported_curves: tuple[str, ...]
    signature_algorithms: tuple[str, ...]
    winhttp_default_protocols: int
    winhttp_update: str | None
    wininet_secure_protocols: int
    tls12_registry_required: bool
    tls_cmdlets: bool
    dhe_leading_zero_fix: bool
    dhe_fix_updates: tuple[str, ...]
    updates: tuple[str, ...]
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]
    assumed: tuple[str, ...]
    wire: Wire

    @property
    def tls13_available(self) -> bool:
        """Whether Schannel on this release implements TLS 1.3 (Windows 11, Server 2022+)."""
        return self.protocols.tls1_3 is not ProtocolState.NOT_SUPPORTED

    @property
    def pre_windows10(self) -> bool:
        """Windows 7 / 8 / 8.1 and Server 2008 R2 / 2012 / 2012 R2 (curve-suffixed suites)."""
        return self.build < 10240

    def contains_build(self, build: int) -> bool:
        """Whether ``build`` falls in this family's build range."""
        low, high = self.builds
        return low <= build and (high is None or build <= high)

    @property
    def cipher_suites_without_update(self) -> tuple[str, ...]:
        """The default list without ``cipher_suites_update``: its added suites removed.

        Microsoft documents only the updated order, so the order of the remaining suites is
        assumed unchanged unless a recording shows the older order (``Wire.without_update``).
        Equal to ``cipher_suites`` when no update is recorded.
        """
        if self.cipher_suites_update is None:
            return self.cipher_suites
        if self.wire.without_update is not None:
            return self.wire.without_update
        added = set(KB_UPDATES[self.cipher_suites_update].adds_cipher_suites)
        return tuple(s for s in self.cipher_suites if s not in added)

    def offers(self, suite: str) -> bool:
        """Whether the default list contains ``suite`` (any spelling ``by_name`` accepts)."""
        found = by_name(suite)
        return (suite if found is None else found.name) in self.cipher_suites


def _fam(
    key: str,
    name: str,
    label: str,
    *,
    release: str | None = None,
    server: bool = False,
    build: int,
    builds: tuple[int, int | None],
    lifecycle: Lifecycle,
    protocols: ProtocolDefaults,
    schannel: tuple[str, ...],
    suites_update: str | None = None,
    off: tuple[str, ...],
    explicit: tuple[str, ...],
    curves: tuple[str, ...],
    curves_off: tuple[str, ...],
    sigalgs: tuple[str, ...],
    winhttp: int,
    winhttp_update: str | None = None,
    wininet: int,
    tls12_registry: bool = False,
    cmdlets: bool = True,
    dhe_fix: bool = True,
    dhe_fix_updates: tuple[str, ...] = (),
    updates: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    sources: tuple[Source, ...],
    assumed: tuple[str, ...] = (),
    wire: Wire,
) -> WindowsFamily:
    offered = tuple(s for s in _iana(schannel) if s not in wire.not_sent)
    return WindowsFamily(
        key=key,
        name=name,
        label=label,
        release=release,
        server=server,
        build=build,
        builds=builds,
        lifecycle=lifecycle,
        protocols=protocols,
        schannel_cipher_suites=schannel,
        cipher_suites=offered,
        cipher_suites_update=suites_update,
        supported_cipher_suites=tuple(
            dict.fromkeys(s for s in (*wire.not_sent, *_iana(off)) if s not in offered)
        ),
        explicit_cipher_suites=_iana(explicit),
        curves=curves,
        supported_curves=curves_off,
        signature_algorithms=sigalgs,
        winhttp_default_protocols=winhttp,
        winhttp_update=winhttp_update,
        wininet_secure_protocols=wininet,
        tls12_registry_required=tls12_registry,
        tls_cmdlets=cmdlets,
        dhe_leading_zero_fix=dhe_fix,
        dhe_fix_updates=dhe_fix_updates,
        updates=updates,
        aliases=(label, *aliases),
        sources=(
            *sources,
            Source("not in docs/knowledge/windows-tls.md", "Microsoft lifecycle", lifecycle.url),
        ),
        assumed=(
            *assumed,
            *(() if wire.signature_algorithms_recorded else (_A_SIGALGS,)),
            _A_LIFECYCLE,
        ),
        wire=wire,
    )


# WinHTTP defaults (option-flags, §3.4): "Windows 8 and Windows 7: only SSL3 and TLS1" (0xA0),
# "Windows 10, and Windows 8.1: SSL3, TLS1.0, TLS1.1, and TLS1.2" (0xAA0), "Windows 11: only
# TLS1.2 and TLS1.3" (0x2800).
_WINHTTP_78 = 0x00A0
_WINHTTP_10 = 0x0AA0
_WINHTTP_11 = 0x2800
_WININET_IE10 = 0x00A0
_WININET_IE11 = 0x0A80
_WININET_11 = 0x2A80


def _pre10(
    key: str,
    name: str,
    label: str,
    *,
    server: bool,
    build: int,
    builds: tuple[int, int | None],
    lifecycle: Lifecycle,
    win8: bool,
    suites_page: Source,
    suites_update: str,
    updates: tuple[str, ...],
    aliases: tuple[str, ...],
    assumed: tuple[str, ...],
    protocols: ProtocolDefaults,
    winhttp: int,
    winhttp_update: str | None,
    wininet: int,
    tls12_registry: bool,
    sigalgs: tuple[str, ...],
    wire: Wire,
) -> WindowsFamily:
    return _fam(
        key,
        name,
        label,
        server=server,
        build=build,
        builds=builds,
        lifecycle=lifecycle,
        protocols=protocols,
        schannel=_SCH_WIN8 if win8 else _SCH_WIN7,
        suites_update=suites_update,
        off=_OFF_WIN7,
        explicit=_EXPLICIT_PRE1607,
        curves=_CURVES_PRE10,
        curves_off=_CURVES_OFF_PRE10,
        sigalgs=sigalgs,
        winhttp=winhttp,
        winhttp_update=winhttp_update,
        wininet=wininet,
        tls12_registry=tls12_registry,
        cmdlets=False,
        dhe_fix=False,
        updates=updates,
        aliases=aliases,
        sources=(_S_PROTOCOLS, suites_page, _S_SUFFIX, _S_WINHTTP, _S_DHE, _S_CMDLETS),
        assumed=assumed,
        wire=wire,
    )


_A_WIN7 = (
    "TLS 1.1/1.2 'Disabled' in the protocols table is read as disabled by default: KB3140245 "
    "says they 'are not enabled by default in Windows 7' and need registry values",
    "cipher_suites are the KB3042058 order as recorded on the wire; without that update the "
    "DHE_RSA and RSA AES-GCM suites are missing and the older order applies",
    "winhttp_default_protocols stays 0xA0 with KB3140245 installed until DefaultSecureProtocols "
    "is set: the installer does not add the value; one Microsoft page says the value is "
    "not required, the WinHTTP reference and the other articles say it is",
    _A_WININET_IE11 + " (Windows 7 ships IE 8, whose default is SSL 3.0 + TLS 1.0 = 0xA0)",
    "signature algorithms: SHA-512 pairs assume KB2973337 (2014) is installed",
)
_A_WIN8 = (
    "TLS 1.1/1.2: Schannel follows Microsoft's protocols table ('Windows 8/Windows Server 2012 | "
    "Enabled'); Microsoft's readiness script still sets DisabledByDefault=0 on NT 6.2, "
    "which is harmless. WinHTTP's own default there stays SSL 3.0 + TLS 1.0 (0xA0), a separate "
    "layer",
    "cipher_suites are the KB3042058 order the page shows; without that update the DHE_RSA and "
    "RSA AES-GCM suites are missing",
    "winhttp_update: KB3140245's own text lists Server 2012, 7 SP1 and 2008 R2 SP1, not the "
    "Windows 8 client, yet the OneDrive article says to install it on Windows 8",
    "wininet_secure_protocols: Internet Explorer 10 default assumed to be SSL 3.0 + TLS 1.0 "
    "(0xA0); IE's default is version specific and undocumented",
)
_A_WIN81 = (
    "cipher_suites are the KB2919355 order the page shows (Advisory 3042058 also lists 8.1); "
    "which suites KB2919355 added is not listed: DHE_RSA_*_GCM is inferred",
    _A_WININET_IE11,
)


def _win10(
    release: str,
    build: int,
    builds: tuple[int, int | None],
    lifecycle: Lifecycle,
    *,
    schannel: tuple[str, ...],
    off: tuple[str, ...],
    suites_page: Source,
    protocols: ProtocolDefaults = _P_WIN10,
    explicit: tuple[str, ...] = _EXPLICIT_1607,
    curves: tuple[str, ...] = _CURVES_1607,
    curves_page: Source = _S_CURVES_1607,
    sigalgs: tuple[str, ...] = _SIG_PSS,
    dhe_fix: bool = True,
    updates: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    assumed: tuple[str, ...] = (),
    wire: Wire | None = None,
) -> WindowsFamily:
    return _fam(
        f"win10-{release.lower()}",
        f"Windows 10 {release}",
        f"10 {release}",
        release=release,
        build=build,
        builds=builds,
        lifecycle=lifecycle,
        protocols=protocols,
        schannel=schannel,
        off=off,
        explicit=explicit,
        curves=curves,
        curves_off=_CURVES_OFF_10,
        sigalgs=sigalgs,
        winhttp=_WINHTTP_10,
        wininet=_WININET_IE11,
        dhe_fix=dhe_fix,
        updates=updates,
        aliases=aliases,
        sources=(_S_PROTOCOLS, suites_page, curves_page, _S_WINHTTP, _S_DHE, _S_CMDLETS),
        assumed=(*assumed, _A_WININET_IE11),
        wire=Wire(_EXT_8, notes=(_N_NO_RECORDING,)) if wire is None else wire,
    )


def _win11(
    release: str,
    build: int,
    builds: tuple[int, int | None],
    lifecycle: Lifecycle,
    *,
    schannel: tuple[str, ...],
    off: tuple[str, ...],
    suites_page: Source,
    curves_page: Source | None = None,
    curves_off: tuple[str, ...] = _CURVES_OFF_10,
    assumed: tuple[str, ...] = (),
    wire: Wire,
) -> WindowsFamily:
    groups = _S_CURVES_1607 if curves_page is None else curves_page
    return _fam(
        f"win11-{release.lower()}",
        f"Windows 11 {release}",
        f"11 {release}",
        release=release,
        build=build,
        builds=builds,
        lifecycle=lifecycle,
        protocols=_P_TLS13,
        schannel=schannel,
        off=off,
        explicit=_EXPLICIT_1607,
        curves=_CURVES_1607,
        curves_off=curves_off,
        sigalgs=_SIG_PSS,
        winhttp=_WINHTTP_11,
        wininet=_WININET_11,
        sources=(_S_PROTOCOLS, suites_page, groups, _S_WINHTTP, _S_DHE, _S_CMDLETS),
        assumed=(
            *assumed,
            "wininet_secure_protocols: Internet Options default assumed TLS 1.0-1.3 (0x2A80); "
            "undocumented per release, and Microsoft says TLS 1.0/1.1 'have already been "
            "disabled' for WinINet in newer builds",
        ),
        wire=wire,
    )


_P_7 = _suites_page("TLS Cipher Suites in Windows 7", "tls-cipher-suites-in-windows-7")
_P_8 = _suites_page("TLS Cipher Suites in Windows 8", "tls-cipher-suites-in-windows-8")
_P_81 = _suites_page("TLS Cipher Suites in Windows 8.1", "tls-cipher-suites-in-windows-8-1")
_P_1507 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1507", "tls-cipher-suites-in-windows-10--version-1507"
)
_P_1511 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1511", "tls-cipher-suites-in-windows-10-v1511"
)
_P_1607 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1607", "tls-cipher-suites-in-windows-10-v1607"
)
_P_1703 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1703", "tls-cipher-suites-in-windows-10-v1703"
)
_P_1709 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1709", "tls-cipher-suites-in-windows-10-v1709"
)
_P_1803 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1803", "tls-cipher-suites-in-windows-10-v1803"
)
_P_1809 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1809", "tls-cipher-suites-in-windows-10-v1809"
)
_P_1903 = _suites_page(
    "TLS Cipher Suites in Windows 10 v1903, v1909, and v2004",
    "tls-cipher-suites-in-windows-10-v1903",
)
_P_20H2 = _suites_page(
    "TLS Cipher Suites in Windows 10 v20H2 and v21H1", "tls-cipher-suites-in-windows-10-v20H2"
)
_P_22H2 = _suites_page(
    "TLS Cipher Suites in Windows 10 v22H2", "tls-cipher-suites-in-windows-10-v22H2"
)
_P_11 = _suites_page("TLS Cipher Suites in Windows 11", "tls-cipher-suites-in-windows-11")
_P_11_22H2 = _suites_page(
    "TLS Cipher Suites in Windows 11 v22H2 and later", "tls-cipher-suites-in-windows-11-v22H2"
)
# Windows 11 24H2 and later (and Server 2025) take their groups from this page; it adds ML-KEM
# hybrids as supported but not enabled, so the enabled groups stay x25519, P-256, P-384.
_S_GROUPS_24H2 = _page(
    "§3.5",
    "TLS supported groups in Windows 11 24H2 and later",
    "tls-supported-groups-in-windows-11-24h2-and-later",
)
_P_2022 = _suites_page(
    "TLS Cipher Suites in Windows Server 2022", "tls-cipher-suites-in-windows-server-2022"
)
_P_2025 = _suites_page(
    "TLS Cipher Suites in Windows Server 2025 and later",
    "tls-cipher-suites-in-windows-server-2025",
)

_WIRE_7 = Wire(
    _EXT_7,
    recordings=(_R_IE11_W7, _R_IE810_W7, _R_IE8_W7),
    notes=(_N_DHE_CBC_7, _N_FACTORY_7),
    not_sent=_CBC_DHE_RSA,
    without_update=_WIN7_FACTORY,
    signature_algorithms_recorded=True,
)
_WIRE_2008R2 = dataclasses.replace(
    _WIRE_7,
    notes=(
        *_WIRE_7.notes,
        "the recordings are of Windows 7 clients; Server 2008 R2 SP1 is the same build (7601)",
    ),
)
_WIRE_8 = Wire(
    _EXT_8,
    notes=(
        _N_NO_RECORDING + " (8.1 for the extensions, Windows 7 for the signature algorithms: "
        "KB2973337 added SHA-512 to 7, 8 and their servers alike)",
    ),
)
_WIRE_81 = Wire(_EXT_8, recordings=(_R_IE11_W81,), signature_algorithms_recorded=True)
_WIRE_2012R2 = dataclasses.replace(
    _WIRE_81,
    notes=("the recording is of a Windows 8.1 client; Server 2012 R2 is the same build (9600)",),
)

_N_EDGE = (
    "the recording sends no DHE or RC4 suite: Edge leaves those out itself (Schannel sends "
    "DHE_RSA AES-GCM by default: the .NET recordings on Server 2019), so the page's list is kept"
)
_N_LISTS_ONLY = (
    "the recording lists versions, suites and groups, not the extension order or the signature "
    "algorithms: those come from the nearest recorded release"
)
_WIRE_1507 = Wire(
    _EXT_8,
    recordings=(_R_EDGE12,),
    notes=(
        "the recording is of a pre-release build (2015-06): it lacks the DHE_RSA AES-CBC and RC4 "
        "suites the 1507 page lists, so the page is followed for the suites",
    ),
    signature_algorithms_recorded=True,
)
_WIRE_1511 = Wire(_EXT_8, recordings=(_R_IE11_W10,), signature_algorithms_recorded=True)
_WIRE_1703 = Wire(
    _EXT_8, recordings=(_R_EDGE15,), notes=(_N_EDGE,), signature_algorithms_recorded=True
)
_WIRE_1803 = Wire(
    _EXT_8, recordings=(_R_EDGE17,), notes=(_N_EDGE,), signature_algorithms_recorded=True
)
_WIRE_1809 = Wire(_EXT_8, recordings=(_R_NET_2019,), notes=(_N_LISTS_ONLY,))
_N_VERSIONS = (
    "supported_versions lists every enabled version from TLS 1.3 down (the .NET recordings on "
    "Server 2022: TLS 1.3, 1.2, 1.1, 1.0); TLS 1.3 key shares: one per enabled group, as recorded"
)
_WIRE_11_21H2 = Wire(
    _EXT_13,
    notes=(
        _N_NO_RECORDING + " (Windows 11 22H2 and later); whether it sends 3DES is not recorded "
        "(Server 2022's recordings do not), so the page is followed",
        _N_VERSIONS,
    ),
)
_WIRE_11 = Wire(
    _EXT_13,
    recordings=(_R_CURL_W11,),
    notes=(
        "the recording does not name its Windows 11 build; its suites are the 22H2-and-later "
        "page's; curl itself asks for TLS 1.2 and 1.3 only",
        _N_VERSIONS,
    ),
    signature_algorithms_recorded=True,
)
_WIRE_2022 = Wire(
    _EXT_13,
    recordings=(_R_NET_2022,),
    notes=(
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA: the Server 2022 page lists it as enabled, yet neither "
        ".NET recording on Server 2022 21H2 sends it while the same .NET on Server 2019 does; the "
        "hello follows the wire and keeps 3DES as implemented but not offered",
        _N_LISTS_ONLY,
        _N_VERSIONS,
    ),
    not_sent=(_3DES,),
)
_WIRE_13_UNRECORDED = Wire(_EXT_13, notes=(_N_NO_RECORDING + " (Windows 11)", _N_VERSIONS))
# "TLS Supported Groups in Windows 11 versions 24H2 and later" (ms.date 2026-05-20): enabled
# curve25519, nistP256, nistP384; supported but not enabled, first the ML-KEM hybrids
# x25519_mlkem768 (0x11EC), secp256r1_mlkem768 (0x11EB), secp384r1_mlkem1024 (0x11ED), available
# from builds 26100.8514 (24H2/25H2) and, for Server 2025, Insider build 29550.
_CURVES_OFF_24H2 = ("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", *_CURVES_OFF_10)

_W10 = "windows-10-home-and-pro"
_W11 = "windows-11-home-and-pro"

_CLIENTS_PRE10 = (
    _pre10(
        "win7",
        "Windows 7 SP1",
        "7 SP1",
        server=False,
        build=7601,
        builds=(7600, 9199),
        lifecycle=_life("windows-7", "2020-01-14"),
        win8=False,
        suites_page=_P_7,
        suites_update="KB3042058",
        updates=("KB3042058", "KB3140245"),
        aliases=("7",),
        assumed=_A_WIN7,
        protocols=_P_WIN7,
        winhttp=_WINHTTP_78,
        winhttp_update="KB3140245",
        wininet=_WININET_IE11,
        tls12_registry=True,
        sigalgs=_SIG_WIN7,
        wire=_WIRE_7,
    ),
    _pre10(
        "win8",
        "Windows 8",
        "8",
        server=False,
        build=9200,
        builds=(9200, 9599),
        lifecycle=_life("windows-8", "2016-01-12"),
        win8=True,
        suites_page=_P_8,
        suites_update="KB3042058",
        updates=("KB3042058", "KB3140245"),
        aliases=(),
        assumed=_A_WIN8,
        protocols=_P_WIN8,
        winhttp=_WINHTTP_78,
        winhttp_update="KB3140245",
        wininet=_WININET_IE10,
        tls12_registry=False,
        sigalgs=_SIG_WIN7,
        wire=_WIRE_8,
    ),
    _pre10(
        "win8.1",
        "Windows 8.1",
        "8.1",
        server=False,
        build=9600,
        builds=(9600, 10239),
        lifecycle=_life("windows-81", "2023-01-10"),
        win8=False,
        suites_page=_P_81,
        suites_update="KB2919355",
        updates=("KB2919355", "KB3042058"),
        aliases=(),
        assumed=_A_WIN81,
        protocols=_P_WIN8,
        winhttp=_WINHTTP_10,
        winhttp_update=None,
        wininet=_WININET_IE11,
        tls12_registry=False,
        sigalgs=_SIG_WIN81,
        wire=_WIRE_81,
    ),
)

_SERVERS_PRE10 = (
    _pre10(
        "server2008r2",
        "Windows Server 2008 R2 SP1",
        "Server 2008 R2",
        server=True,
        build=7601,
        builds=(7600, 9199),
        lifecycle=_life("windows-server-2008-r2", "2020-01-14"),
        win8=False,
        suites_page=_P_7,
        suites_update="KB3042058",
        updates=("KB3042058", "KB3140245"),
        aliases=("Server 2008 R2 SP1",),
        assumed=_A_WIN7,
        protocols=_P_WIN7,
        winhttp=_WINHTTP_78,
        winhttp_update="KB3140245",
        wininet=_WININET_IE11,
        tls12_registry=True,
        sigalgs=_SIG_WIN7,
        wire=_WIRE_2008R2,
    ),
    _pre10(
        "server2012",
        "Windows Server 2012",
        "Server 2012",
        server=True,
        build=9200,
        builds=(9200, 9599),
        lifecycle=_life("windows-server-2012", "2023-10-10"),
        win8=True,
        suites_page=_P_8,
        suites_update="KB3042058",
        updates=("KB3042058", "KB3140245"),
        aliases=(),
        assumed=tuple(a for a in _A_WIN8 if not a.startswith("winhttp_update")),
        protocols=_P_WIN8,
        winhttp=_WINHTTP_78,
        winhttp_update="KB3140245",
        wininet=_WININET_IE10,
        tls12_registry=False,
        sigalgs=_SIG_WIN7,
        wire=_WIRE_8,
    ),
    _pre10(
        "server2012r2",
        "Windows Server 2012 R2",
        "Server 2012 R2",
        server=True,
        build=9600,
        builds=(9600, 14392),
        lifecycle=_life("windows-server-2012-r2", "2023-10-10"),
        win8=False,
        suites_page=_P_81,
        suites_update="KB2919355",
        updates=("KB2919355", "KB3042058"),
        aliases=(),
        assumed=_A_WIN81,
        protocols=_P_WIN8,
        winhttp=_WINHTTP_10,
        winhttp_update=None,
        wininet=_WININET_IE11,
        tls12_registry=False,
        sigalgs=_SIG_WIN81,
        wire=_WIRE_2012R2,
    ),
)

# 20H2, 21H1 and 21H2 share one Microsoft page (the audit of issue 10 re-read it): no longer an
# assumption.
_A_21H2: tuple[str, ...] = ()

_WINDOWS10 = (
    _win10(
        "1507",
        10240,
        (10240, 10585),
        _life(_W10, "2017-05-09", ltsc="2025-10-14"),
        schannel=_SCH_1507,
        off=_OFF_1507,
        suites_page=_P_1507,
        protocols=_P_WIN8,
        explicit=_EXPLICIT_PRE1607,
        curves=_CURVES_1507,
        curves_page=_S_CURVES_1507,
        sigalgs=_SIG_LEGACY,
        dhe_fix=False,
        aliases=("10 RTM",),
        wire=_WIRE_1507,
    ),
    _win10(
        "1511",
        10586,
        (10586, 14392),
        _life(_W10, "2017-10-10"),
        schannel=_SCH_1511,
        off=_OFF_1507,
        suites_page=_P_1511,
        protocols=_P_WIN8,
        explicit=_EXPLICIT_PRE1607,
        curves=_CURVES_1507,
        curves_page=_S_CURVES_1507,
        sigalgs=_SIG_LEGACY,
        wire=_WIRE_1511,
    ),
    _win10(
        "1607",
        14393,
        (14393, 15062),
        _life(_W10, "2018-04-10", "2019-04-09", ltsc="2026-10-13"),
        schannel=_SCH_1511,
        off=_OFF_1607,
        suites_page=_P_1607,
        sigalgs=_SIG_LEGACY,
        assumed=(
            "dhe_leading_zero_fix: Microsoft's DHE article says Windows 10 1511 and later "
            "contain the fix but Server 2016 (the same 1607 build) needs KB4537806/KB4540670; "
            "the client is taken as fixed",
        ),
    ),
    _win10(
        "1703",
        15063,
        (15063, 16298),
        _life(_W10, "2018-10-09", "2019-10-08"),
        schannel=_SCH_1703,
        off=_OFF_1703,
        suites_page=_P_1703,
        sigalgs=_SIG_LEGACY,
        wire=_WIRE_1703,
    ),
    _win10(
        "1709",
        16299,
        (16299, 17133),
        _life(_W10, "2019-04-09", "2020-10-13"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1709,
        sigalgs=_SIG_LEGACY,
    ),
    _win10(
        "1803",
        17134,
        (17134, 17762),
        _life(_W10, "2019-11-12", "2021-05-11"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1803,
        sigalgs=_SIG_LEGACY,
        wire=_WIRE_1803,
    ),
    _win10(
        "1809",
        17763,
        (17763, 18361),
        _life(_W10, "2020-11-10", "2021-05-11", ltsc="2029-01-09"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1809,
        wire=_WIRE_1809,
    ),
    _win10(
        "1903",
        18362,
        (18362, 18362),
        _life(_W10, "2020-12-08"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1903,
    ),
    _win10(
        "1909",
        18363,
        (18363, 19040),
        _life(_W10, "2021-05-11", "2022-05-10"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1903,
    ),
    _win10(
        "2004",
        19041,
        (19041, 19041),
        _life(_W10, "2021-12-14"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1903,
    ),
    _win10(
        "20H2",
        19042,
        (19042, 19042),
        _life(_W10, "2022-05-10", "2023-05-09"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_20H2,
        updates=("KB5017811",),
        aliases=("10 2009",),  # ReleaseId stays "2009" from 20H2 on
        assumed=(_A_WINHTTP_KB5017811,),
    ),
    _win10(
        "21H1",
        19043,
        (19043, 19043),
        _life(_W10, "2022-12-13"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_20H2,
        updates=("KB5017811",),
        assumed=(_A_WINHTTP_KB5017811,),
    ),
    _win10(
        "21H2",
        19044,
        (19044, 19044),
        _life(_W10, "2023-06-13", "2024-06-11", ltsc="2027-01-12"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_20H2,
        updates=("KB5017811",),
        assumed=(*_A_21H2, _A_WINHTTP_KB5017811),
    ),
    _win10(
        "22H2",
        19045,
        (19045, 21999),
        _life(_W10, "2025-10-14"),
        schannel=_SCH_22H2,
        off=_OFF_22H2,
        suites_page=_P_22H2,
        assumed=(_A_DHE_22H2,),
    ),
)

_WINDOWS11 = (
    _win11(
        "21H2",
        22000,
        (22000, 22620),
        _life(_W11, "2023-10-10", "2024-10-08"),
        schannel=_SCH_W11,
        off=_OFF_W11,
        suites_page=_P_11,
        wire=_WIRE_11_21H2,
    ),
    _win11(
        "22H2",
        22621,
        (22621, 22630),
        _life(_W11, "2024-10-08", "2025-10-14"),
        schannel=_SCH_W11_22H2,
        off=_OFF_W11_22H2,
        suites_page=_P_11_22H2,
        wire=_WIRE_11,
    ),
    _win11(
        "23H2",
        22631,
        (22631, 26099),
        _life(_W11, "2025-11-11", "2026-11-10"),
        schannel=_SCH_W11_22H2,
        off=_OFF_W11_22H2,
        suites_page=_P_11_22H2,
        wire=_WIRE_11,
    ),
    _win11(
        "24H2",
        26100,
        (26100, 26199),
        _life(_W11, "2026-10-13", "2027-10-12"),
        schannel=_SCH_W11_22H2,
        off=_OFF_W11_22H2,
        suites_page=_P_11_22H2,
        curves_page=_S_GROUPS_24H2,
        assumed=(
            "ltsc_end: Windows 11 LTSC 2024 is built on 24H2 but its end date is not sourced",
        ),
        curves_off=_CURVES_OFF_24H2,
        wire=_WIRE_11,
    ),
    _win11(
        "25H2",
        26200,
        (26200, None),
        _life(_W11, None),
        schannel=_SCH_W11_22H2,
        off=_OFF_W11_22H2,
        suites_page=_P_11_22H2,
        curves_page=_S_GROUPS_24H2,
        assumed=(
            "25H2 is not in the protocols table or named on the cipher-suite pages: the "
            "'Windows 11 v22H2 and later' page is taken to cover it and every other value is "
            "24H2's; Microsoft "
            "said TLS 1.0/1.1 would be disabled by default in 2024+ Insider builds, which "
            "may apply here",
            "end of support: not sourced (unknown)",
            "builds past 26200 (later releases, Insider builds) resolve to this family",
        ),
        curves_off=_CURVES_OFF_24H2,
        wire=_WIRE_11,
    ),
)


def _server10(
    key: str,
    name: str,
    label: str,
    build: int,
    builds: tuple[int, int | None],
    lifecycle: Lifecycle,
    *,
    schannel: tuple[str, ...],
    off: tuple[str, ...],
    suites_page: Source,
    protocols: ProtocolDefaults,
    sigalgs: tuple[str, ...],
    winhttp: int,
    wininet: int,
    dhe_fix: bool = True,
    dhe_fix_updates: tuple[str, ...] = (),
    updates: tuple[str, ...] = (),
    assumed: tuple[str, ...] = (),
    wire: Wire,
) -> WindowsFamily:
    return _fam(
        key,
        name,
        label,
        server=True,
        build=build,
        builds=builds,
        lifecycle=lifecycle,
        protocols=protocols,
        schannel=schannel,
        off=off,
        explicit=_EXPLICIT_1607,
        curves=_CURVES_1607,
        curves_off=_CURVES_OFF_10,
        sigalgs=sigalgs,
        winhttp=winhttp,
        wininet=wininet,
        dhe_fix=dhe_fix,
        dhe_fix_updates=dhe_fix_updates,
        updates=updates,
        sources=(_S_PROTOCOLS, suites_page, _S_CURVES_1607, _S_WINHTTP, _S_DHE, _S_CMDLETS),
        assumed=assumed,
        wire=wire,
    )


_SERVERS10 = (
    _server10(
        "server2016",
        "Windows Server 2016",
        "Server 2016",
        14393,
        (14393, 17762),
        _life("windows-server-2016", "2027-01-12"),
        schannel=_SCH_1511,
        off=_OFF_1607,
        suites_page=_P_1607,
        protocols=_P_WIN10,
        sigalgs=_SIG_LEGACY,
        winhttp=_WINHTTP_10,
        wininet=_WININET_IE11,
        dhe_fix=False,
        dhe_fix_updates=("KB4537806", "KB4540670"),
        updates=("KB4537806", "KB4540670"),
        assumed=(_A_WININET_IE11,),
        wire=Wire(_EXT_8, notes=(_N_NO_RECORDING,)),
    ),
    _server10(
        "server2019",
        "Windows Server 2019",
        "Server 2019",
        17763,
        (17763, 20347),
        _life("windows-server-2019", "2029-01-09"),
        schannel=_SCH_1709,
        off=_OFF_1709,
        suites_page=_P_1809,
        protocols=_P_WIN10,
        sigalgs=_SIG_PSS,
        winhttp=_WINHTTP_10,
        wininet=_WININET_IE11,
        updates=("KB5017811",),
        assumed=(
            # Server 2019 is build 17763, Windows 10 1809 (Microsoft's pages say so): not assumed.
            "later semi-annual server builds (1903-20H2) resolve to Server 2019",
            _A_WINHTTP_KB5017811,
            _A_WININET_IE11,
        ),
        wire=_WIRE_1809,
    ),
    _server10(
        "server2022",
        "Windows Server 2022",
        "Server 2022",
        20348,
        (20348, 25397),
        _life("windows-server-2022", "2031-10-14"),
        schannel=_SCH_W11,
        off=_OFF_W11,
        suites_page=_P_2022,
        protocols=_P_TLS13,
        sigalgs=_SIG_PSS,
        winhttp=_WINHTTP_10,
        wininet=_WININET_IE11,
        assumed=(
            "winhttp_default_protocols: option-flags names only 'Windows 11' (TLS 1.2+1.3) and "
            "'Windows 10, and Windows 8.1'; Server 2022 is taken as the latter (0xAA0)",
            _A_WININET_IE11,
        ),
        wire=_WIRE_2022,
    ),
    # Server 2022 23H2 (Annual Channel, build 25398): the Server 2022 page's note says 3DES and
    # the DHE_RSA AES-GCM suites are not enabled by default from 23H2 on.
    _server10(
        "server2022-23h2",
        "Windows Server 2022 23H2",
        "Server 2022 23H2",
        25398,
        (25398, 26099),
        _life("windows-server-annual-channel", None),
        schannel=_SCH_W11_22H2,
        off=_OFF_W11_22H2,
        suites_page=_P_2022,
        protocols=_P_TLS13,
        sigalgs=_SIG_PSS,
        winhttp=_WINHTTP_10,
        wininet=_WININET_IE11,
        assumed=(
            "winhttp_default_protocols: taken as Server 2022's (0xAA0); option-flags does not "
            "name the Annual Channel",
            "end of support: not sourced (unknown)",
            _A_WININET_IE11,
        ),
        wire=_WIRE_13_UNRECORDED,
    ),
    _server10(
        "server2025",
        "Windows Server 2025",
        "Server 2025",
        26100,
        (26100, None),
        _life("windows-server-2025", "2034-11-14"),
        schannel=_SCH_W11_22H2,
        off=_OFF_W11_22H2,
        suites_page=_P_2025,
        protocols=_P_TLS13,
        sigalgs=_SIG_PSS,
        winhttp=_WINHTTP_11,
        wininet=_WININET_11,
        assumed=(
            "winhttp_default_protocols: Server 2025 is taken as 'Windows 11' (TLS 1.2+1.3) in "
            "option-flags, which does not name it",
            "wininet_secure_protocols: assumed TLS 1.0-1.3 (0x2A80), undocumented",
        ),
        wire=_WIRE_13_UNRECORDED,
    ),
)

#: Every family, clients then servers, oldest first.
FAMILIES: tuple[WindowsFamily, ...] = (
    *_CLIENTS_PRE10,
    *_WINDOWS10,
    *_WINDOWS11,
    *_SERVERS_PRE10,
    *_SERVERS10,
)

_PRE10_78 = ("win7", "win8", "server2008r2", "server2012")

#: Updates that change a TLS default, by KB number.
KB_UPDATES: Mapping[str, KbUpdate] = MappingProxyType(
    {
        "KB3042058": KbUpdate(
            kb="KB3042058",
            title="Update to the default cipher suite priority order (Security Advisory 3042058)",
            url=_S_ADVISORY.url,
            families=(*_PRE10_78, "win8.1", "server2012r2"),
            effect="adds the DHE_RSA and RSA AES-GCM suites to the default list and changes the "
            "priority order; the only AFD-compatible suites these releases can offer come from it",
            adds_cipher_suites=(*_GCM_DHE, *_RSA_AES[:2]),
            released="2015-05-12",
            section="§3.3",
        ),
        "KB2919355": KbUpdate(
            kb="KB2919355",
            title="Windows 8.1 and Windows Server 2012 R2 update (April 2014)",
            url="https://support.microsoft.com/kb/2919355",
            families=("win8.1", "server2012r2"),
            effect="'adds the new cipher suites and changes the priority order' of Schannel",
            adds_cipher_suites=_GCM_DHE,
            released="2014-04-08",
            section="§3.3",
            assumed=(
                "the page does not list which suites it adds: DHE_RSA_*_GCM is inferred (the "
                "8.1 list is Windows 7's, whose update KB3042058 adds the AES-GCM suites)",
            ),
        ),
        "KB3140245": KbUpdate(
            kb="KB3140245",
            title="Update to enable TLS 1.1 and TLS 1.2 as default secure protocols in WinHTTP",
            url=_S_KB3140245.url,
            families=_PRE10_78,
            effect="makes WinHTTP honour the DefaultSecureProtocols registry value (the installer "
            "does not create it); Schannel's TLS 1.1/1.2 must also be enabled on Windows 7",
            section="§4.4",
            assumed=(
                "Windows 8: the KB lists Server 2012, 7 SP1 and 2008 R2 SP1; the OneDrive article "
                "says to install it on Windows 8 too",
                "later rollups may include it, so Get-HotFix not listing it is strong evidence, "
                "not proof",
            ),
        ),
        "KB5017811": KbUpdate(
            kb="KB5017811",
            title="TLS 1.0 and 1.1 disabled by default for WinHTTP and WinINet (Sept 2022)",
            url="https://support.microsoft.com/kb/5017811",
            families=("win10-20h2", "win10-21h1", "win10-21h2", "server2019"),
            effect="announced: disables TLS 1.0 and 1.1 by default for applications based on "
            "WinHTTP and WinINet",
            released="2022-09-20",
            section="§3.4",
            assumed=("final status of the change is not verified",),
        ),
        "KB4537806": KbUpdate(
            kb="KB4537806",
            title="Server 2016 / Windows 10 1607 update (Feb 2020): DHE leading-zero fix",
            url=_S_DHE.url,
            families=("win10-1607", "server2016"),
            effect="fixes intermittent TLS_DHE handshake failures (leading zero in the DH key)",
            released="2020-02-11",
            section="§3.6",
        ),
        "KB4540670": KbUpdate(
            kb="KB4540670",
            title="Server 2016 / Windows 10 1607 update (Mar 2020): DHE leading-zero fix",
            url=_S_DHE.url,
            families=("win10-1607", "server2016"),
            effect="fixes intermittent TLS_DHE handshake failures (leading zero in the DH key)",
            released="2020-03-10",
            section="§3.6",
        ),
    }
)


# --- lookups -------------------------------------------------------------------------------------


def family_for(build: int, server: bool) -> WindowsFamily:
    """The family of a build number (``CurrentBuild``) on a client or a server.

    Builds between two releases (Insider builds) take the earlier release; builds past the
    newest known release take the newest. Raises ``ValueError`` below Windows 7 (build 7600).
    """
    for family in FAMILIES:
        if family.server == server and family.contains_build(build):
            return family
    raise ValueError(f"build {build} is older than Windows 7 / Server 2008 R2 (7600)")


_NOISE = re.compile(r"\b(?:microsoft|windows|version|edition)\b")


def _normalize_label(label: str) -> str:
    text = label.lower().replace("service pack 1", "sp1")
    text = re.sub(r"[\s,_\-]+", " ", _NOISE.sub(" ", text))
    text = re.sub(r"\bv(?=\d)", "", text)  # "10 v1809" -> "10 1809"
    return " ".join(text.split())


def _label_index() -> dict[str, WindowsFamily]:
    index: dict[str, WindowsFamily] = {}
    for family in FAMILIES:
        for alias in family.aliases:
            forms = {_normalize_label(alias)}
            if family.server:
                forms.add(_normalize_label(alias).removeprefix("server "))
            forms |= {f"{form} sp1" for form in forms if form.endswith("2008 r2")}
            for form in forms:
                index.setdefault(form, family)
    return index


_BY_LABEL = _label_index()


def family_by_label(label: str) -> WindowsFamily:
    """Look a family up by a human label: ``"7 SP1"``, ``"10 22H2"``, ``"Server 2019"``, ...

    Case-insensitive; "Windows", "version", "v" before a number and "Server" before a server
    year are optional (``"Windows 10, version 1809"``, ``"2012 R2"``). Raises ``ValueError``
    listing the accepted labels.
    """
    found = _BY_LABEL.get(_normalize_label(label))
    if found is None:
        accepted = ", ".join(f.label for f in FAMILIES)
        raise ValueError(f"unknown Windows label {label!r}; accepted: {accepted}")
    return found
