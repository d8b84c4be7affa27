"""The effective Windows TLS client: what this PC's Schannel, WinHTTP and WinINet would offer.

One pure function, :func:`client_profile`, turns a bundle's evidence into a :class:`ClientProfile`:
the protocols Schannel's client negotiates, the cipher suites in the order it offers them, the
curves and signature algorithms, WinHTTP's default protocols (both registry views on 64-bit),
WinINet's ``SecureProtocols``, and whether KB3140245 is installed. Whatever the bundle does not
show comes from the OS defaults of :mod:`windows.families`, and ``assumed`` says so in words a
finding can quote.

Sources are docs/knowledge/windows-tls.md §4 (registry semantics) and §8 (the rules derived):
- Schannel protocol switches: https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings
- WinHTTP DefaultSecureProtocols: https://learn.microsoft.com/windows-server/networking/configure-secure-protocol-options-winhttp
- Cipher suite order and the SSL Cipher Suite Order policy:
  https://learn.microsoft.com/windows-server/security/tls/manage-tls
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError
from ..knowledge.windows_families import PROTOCOL_BITS, ProtocolState, WindowsFamily
from ..tls import ProtocolVersion
from ..tls.suites import SUITES, by_name
from .os_version import OsVersion, os_version

if TYPE_CHECKING:
    from ..evidence import Evidence
    from ..registry.regfile import Registry

__all__ = [
    "DH_KEY",
    "ECDH_KEY",
    "INET_HKCU",
    "INET_HKLM",
    "INET_POLICY_HKCU",
    "INET_POLICY_HKLM",
    "LOCAL_SSL_KEY",
    "POLICY_SSL_KEY",
    "PROTOCOL_NAMES",
    "SCHANNEL_PROTOCOLS",
    "WINHTTP_KEY",
    "WINHTTP_WOW64_KEY",
    "ClientProfile",
    "ProtocolSetting",
    "build_profile",
    "client_profile",
    "default_profile",
    "implemented_suites",
    "protocol_key",
]

SCHANNEL = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
SCHANNEL_PROTOCOLS = SCHANNEL + r"\Protocols"
# Group Policy "SSL Cipher Suite Order" (REG_SZ, comma-separated) and the local list
# (REG_MULTI_SZ) that Enable-TlsCipherSuite edits (docs/knowledge/windows-tls.md §4.6).
POLICY_SSL_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
LOCAL_SSL_KEY = (
    r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
)
DH_KEY = SCHANNEL + r"\KeyExchangeAlgorithms\Diffie-Hellman"
ECDH_KEY = SCHANNEL + r"\KeyExchangeAlgorithms\ECDH"
WINHTTP_KEY = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
WINHTTP_WOW64_KEY = (
    r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
)
INET_HKCU = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
INET_HKLM = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
# Where the "Turn off encryption support" policy writes is UNCONFIRMED
# (docs/knowledge/windows-tls.md §9.11); the Policies twin of Internet Settings is the documented
# place for Internet Settings policies.
INET_POLICY_HKCU = r"HKCU\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
INET_POLICY_HKLM = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"

PROTOCOL_NAMES: Mapping[ProtocolVersion, str] = {
    ProtocolVersion.SSLv2: "SSL 2.0",
    ProtocolVersion.SSLv3: "SSL 3.0",
    ProtocolVersion.TLSv1_0: "TLS 1.0",
    ProtocolVersion.TLSv1_1: "TLS 1.1",
    ProtocolVersion.TLSv1_2: "TLS 1.2",
    ProtocolVersion.TLSv1_3: "TLS 1.3",
}

_KEY_EXCHANGE_ON = 0xFFFFFFFF


def protocol_key(version: ProtocolVersion) -> str:
    """The Schannel client key of one protocol version."""
    return rf"{SCHANNEL_PROTOCOLS}\{PROTOCOL_NAMES[version]}\Client"


@dataclass(frozen=True)
class ProtocolSetting:
    """How one protocol ends up in the Schannel client, and why.

    ``state``: ``enabled`` (offered by default), ``disabled-by-default`` (only for applications
    that ask for it), ``disabled`` (never), ``not-supported`` (this Windows lacks it);
    ``enabled_value`` / ``disabled_by_default_value`` the registry values seen (None = absent);
    ``forced`` is True when the registry switches on a protocol this Windows does not support.
    """

    version: ProtocolVersion
    state: str
    reason: str
    enabled_value: int | None = None
    disabled_by_default_value: int | None = None
    forced: bool = False

    @property
    def offered(self) -> bool:
        """Whether Schannel offers it to applications that use the defaults."""
        return self.state == "enabled"


@dataclass(frozen=True)
class ClientProfile:
    """The PC's effective TLS client (see the module docstring).

    ``cipher_suites`` are IANA names in Schannel's order, already without the suites the
    protocols or the key-exchange switches make unusable (those are in ``removed_suites``
    with the reason); ``cipher_source`` says which list they came from: ``policy``, ``local``,
    ``cipher-suites.txt`` or ``default``. ``winhttp`` maps ``native`` / ``wow64`` to the
    effective DefaultSecureProtocols mask and ``winhttp_values`` to the registry value seen.
    """

    os: OsVersion | None
    family: WindowsFamily
    protocols: tuple[ProtocolSetting, ...]
    cipher_suites: tuple[str, ...]
    cipher_source: str
    listed_suites: tuple[str, ...]
    removed_suites: Mapping[str, str]
    unknown_suites: tuple[str, ...]
    curves: tuple[str, ...]
    curve_source: str
    signature_algorithms: tuple[str, ...]
    dh_enabled: bool
    ecdh_enabled: bool
    winhttp: Mapping[str, int]
    winhttp_values: Mapping[str, int | None]
    wininet: int
    wininet_source: str
    kb3140245: bool | None
    hotfixes: frozenset[str] | None
    assumed: tuple[str, ...] = field(default_factory=tuple)
    #: Configured names (as written in the policy / local list) this build does not implement,
    #: with why; Schannel skips them, so they are not in ``listed_suites`` (SCH008).
    unimplemented_suites: Mapping[str, str] = field(default_factory=dict)
    #: Configured ECDHE names written without the curve suffix on a build whose pages spell
    #: them with it (``_P256``): kept, but whether Schannel honours them is not documented.
    unconfirmed_spellings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def offered_protocols(self) -> tuple[ProtocolVersion, ...]:
        """Protocols in the ClientHello of an application using Schannel's defaults."""
        return tuple(p.version for p in self.protocols if p.offered)

    def protocol(self, version: ProtocolVersion) -> ProtocolSetting:
        """The setting of one protocol."""
        return next(p for p in self.protocols if p.version == version)

    @property
    def suite_codes(self) -> tuple[int, ...]:
        """``cipher_suites`` as wire codes."""
        codes = []
        for name in self.cipher_suites:
            suite = by_name(name)
            if suite is not None:
                codes.append(suite.code)
        return tuple(codes)

    @property
    def label(self) -> str:
        """What Windows this is, as a person reads it."""
        return self.os.label if self.os is not None else self.family.name


def default_profile(family: WindowsFamily, hotfixes: frozenset[str] | None = None) -> ClientProfile:
    """The profile of an untouched PC of ``family`` (``simulate --windows``)."""
    from ..registry.regfile import Registry

    return _build(family, None, Registry(), None, None, hotfixes, [])


def client_profile(ev: Evidence, assume_installed: tuple[str, ...] = ()) -> ClientProfile | None:
    """The PC's effective TLS client; ``None`` when the bundle does not say what Windows it is.

    ``assume_installed`` adds KB numbers to the hotfix list: a rollup can carry an update under
    its own number, so checks judge both ways when the list lacks one (KB3042058).
    Raises ``InputError`` subclasses for unreadable version values or cmdlet outputs; callers
    turn them into ``unknown`` findings.
    """
    registry = ev.registry
    if registry is None:
        return None
    version = os_version(registry)
    if version is None:
        return None
    from ..parsers.hotfixes import parse_hotfixes
    from ..parsers.tls_cmdlets import parse_cipher_suites, parse_ecc_curves

    hotfixes = None
    if "hotfixes.txt" in ev.texts:
        hotfixes = parse_hotfixes(ev.texts["hotfixes.txt"]) | frozenset(assume_installed)
    suites_txt = None
    if "cipher-suites.txt" in ev.texts:
        suites_txt = parse_cipher_suites(ev.texts["cipher-suites.txt"]).suites
    curves_txt = None
    if "ecc-curves.txt" in ev.texts:
        curves_txt = parse_ecc_curves(ev.texts["ecc-curves.txt"]).curves
    return build_profile(version, registry, suites_txt, curves_txt, hotfixes)


def build_profile(
    version: OsVersion,
    registry: Registry,
    suites_txt: tuple[str, ...] | None = None,
    curves_txt: tuple[str, ...] | None = None,
    hotfixes: frozenset[str] | None = None,
) -> ClientProfile:
    """The effective TLS client from already parsed evidence (``None``: that file is missing).

    :func:`onedrive_doctor.evidence.build_evidence` calls this once per analysis; the checks
    read the result from ``Evidence.profile``.
    """
    return _build(version.family, version, registry, suites_txt, curves_txt, hotfixes, [])


def _build(
    family: WindowsFamily,
    version: OsVersion | None,
    registry: Registry,
    suites_txt: tuple[str, ...] | None,
    curves_txt: tuple[str, ...] | None,
    hotfixes: frozenset[str] | None,
    assumed: list[str],
) -> ClientProfile:
    assumed.extend(family.assumed)
    protocols = tuple(_protocol(registry, family, v) for v in PROTOCOL_NAMES)
    if version is not None and not registry.has_key(SCHANNEL):
        assumed.append("no SCHANNEL registry export: Schannel protocol defaults assumed")
    configured = _listed_suites(registry, family, suites_txt, hotfixes, assumed)
    listed, source, unknown = configured.names, configured.source, configured.unknown
    dh_enabled = _key_exchange_on(registry, DH_KEY)
    ecdh_enabled = _key_exchange_on(registry, ECDH_KEY)
    offered = {p.version for p in protocols if p.offered}
    usable: list[str] = []
    removed: dict[str, str] = {}
    for name in listed:
        why = _unusable(name, offered, dh_enabled, ecdh_enabled)
        if why:
            removed[name] = why
        else:
            usable.append(name)
    curves, curve_source = _curves(registry, family, curves_txt, assumed)
    kb = None if hotfixes is None else "KB3140245" in hotfixes
    if hotfixes is None and family.winhttp_update and version is not None:
        assumed.append(f"no hotfix list: {family.winhttp_update} assumed installed")
    winhttp_values = {
        "native": registry.dword(WINHTTP_KEY, "DefaultSecureProtocols"),
        "wow64": registry.dword(WINHTTP_WOW64_KEY, "DefaultSecureProtocols"),
    }
    winhttp = {}
    for view, value in winhttp_values.items():
        honoured = family.winhttp_update is None or kb is not False
        winhttp[view] = (
            value if value is not None and honoured else family.winhttp_default_protocols
        )
    wininet, wininet_source = _wininet(registry, family)
    return ClientProfile(
        os=version,
        family=family,
        protocols=protocols,
        cipher_suites=tuple(usable),
        cipher_source=source,
        listed_suites=listed,
        removed_suites=removed,
        unknown_suites=unknown,
        curves=curves,
        curve_source=curve_source,
        signature_algorithms=family.signature_algorithms,
        dh_enabled=dh_enabled,
        ecdh_enabled=ecdh_enabled,
        winhttp=winhttp,
        winhttp_values=winhttp_values,
        wininet=wininet,
        wininet_source=wininet_source,
        kb3140245=kb,
        hotfixes=hotfixes,
        assumed=tuple(dict.fromkeys(assumed)),
        unimplemented_suites=configured.unimplemented,
        unconfirmed_spellings=configured.unconfirmed,
    )


def _protocol(
    registry: Registry, family: WindowsFamily, version: ProtocolVersion
) -> ProtocolSetting:
    """Schannel's Enabled / DisabledByDefault semantics (tls-registry-settings, §4.1, §8.1)."""
    key = protocol_key(version)
    enabled = registry.dword(key, "Enabled")
    by_default = registry.dword(key, "DisabledByDefault")
    default = family.protocols.state(version)
    where = rf"...\{PROTOCOL_NAMES[version]}\Client"

    def setting(state: str, reason: str, forced: bool = False) -> ProtocolSetting:
        return ProtocolSetting(version, state, reason, enabled, by_default, forced)

    if default is ProtocolState.NOT_SUPPORTED:
        forced = bool(enabled) and not by_default
        return setting(
            "not-supported",
            f"{family.name} does not implement {PROTOCOL_NAMES[version]}",
            forced=forced,
        )
    if enabled == 0:
        return setting("disabled", f"Enabled=0 at {where}")
    if by_default is not None and by_default != 0:
        return setting("disabled-by-default", f"DisabledByDefault={by_default} at {where}")
    if by_default == 0:
        return setting("enabled", f"DisabledByDefault=0 at {where}")
    if enabled is not None and default is ProtocolState.DISABLED_BY_DEFAULT:
        # Windows 7 / 8 / 2008 R2 / 2012: without DisabledByDefault=0 the protocol stays off
        # for applications using the defaults (Microsoft's TLS 1.2 readiness script; §4.1).
        return setting(
            "disabled-by-default",
            f"Enabled={enabled} but no DisabledByDefault at {where}, and "
            f"{family.name} keeps it off by default",
        )
    if (
        family.tls12_registry_required
        and version in (ProtocolVersion.TLSv1_1, ProtocolVersion.TLSv1_2)
        and default is ProtocolState.ENABLED
    ):
        # Windows 8 / Server 2012: documented as enabled, yet Microsoft's TLS 1.2 readiness
        # script treats NT 6.2 like Windows 7 and requires DisabledByDefault=0 (§4.1, §9.4).
        return setting(
            "disabled-by-default",
            f"no DisabledByDefault=0 at {where}: {family.name} needs it for "
            f"{PROTOCOL_NAMES[version]} (Microsoft's readiness script; documents disagree)",
        )
    if enabled is not None:
        return setting("enabled", f"Enabled={enabled} at {where}")
    state = "enabled" if default is ProtocolState.ENABLED else "disabled-by-default"
    return setting(state, f"default of {family.name} (no registry values)")


@dataclass(frozen=True)
class _Configured:
    names: tuple[str, ...]
    source: str
    unknown: tuple[str, ...] = ()
    unimplemented: Mapping[str, str] = field(default_factory=dict)
    unconfirmed: tuple[str, ...] = ()


# Before Windows 10 Microsoft's per-version pages spell every ECDHE suite with its curve
# ("Prior to Windows 10, cipher suite strings were appended with the elliptic curve to determine
# the curve priority": tls-elliptic-curves-in-windows-10-1607-and-later). Whether those builds
# also honour the bare IANA name is documented nowhere we found (Microsoft's cipher-suite and
# curve pages, Manage TLS), so such names are kept and flagged, never silently trusted.
_CURVE_SUFFIX = ("_P256", "_P384", "_P521")


def implemented_suites(family: WindowsFamily, hotfixes: frozenset[str] | None) -> frozenset[str]:
    """IANA names of every suite ``family`` implements (enabled, supported but off, explicit).

    With a hotfix list that lacks ``family.cipher_suites_update`` the suites that update adds
    are left out (KB3042058: Advisory 3042058; a rollup may still carry it, see callers).
    """
    names = {*family.cipher_suites, *family.supported_cipher_suites, *family.explicit_cipher_suites}
    update = family.cipher_suites_update
    if update and hotfixes is not None and update not in hotfixes:
        names -= set(family.cipher_suites) - set(family.cipher_suites_without_update)
    return frozenset(names)


def _listed_suites(
    registry: Registry,
    family: WindowsFamily,
    suites_txt: tuple[str, ...] | None,
    hotfixes: frozenset[str] | None,
    assumed: list[str],
) -> _Configured:
    """The cipher suite list in force: policy > local > Get-TlsCipherSuite > OS default.

    A configured list is intersected with what the build implements, in the configured order:
    Schannel ignores names it does not implement (microsoft/azure-devops-tls12 issue 7: the OS
    "simply does not support given cipher suites ... even when you configure them explicitly").
    """
    raw: list[str] | None = None
    source = "default"
    policy = registry.value(POLICY_SSL_KEY, "Functions")
    local = registry.value(LOCAL_SSL_KEY, "Functions")
    if policy is not None:
        raw, source = _names(policy.data), "policy"
    elif local is not None:
        raw, source = _names(local.data), "local"
    elif suites_txt is not None:
        return _Configured(suites_txt, "cipher-suites.txt")
    if raw is None:
        update = family.cipher_suites_update
        if update and hotfixes is not None and update not in hotfixes:
            return _Configured(family.cipher_suites_without_update, "default")
        if update and hotfixes is None and registry:
            assumed.append(
                f"no hotfix list: {update} (which adds the AES-GCM suites) assumed installed"
            )
        if registry and family.tls_cmdlets:
            assumed.append(
                f"no cipher-suites.txt: the default suite order of {family.name} assumed"
            )
        return _Configured(family.cipher_suites, "default")
    implemented = implemented_suites(family, hotfixes)
    update = family.cipher_suites_update
    added = set(family.cipher_suites) - set(family.cipher_suites_without_update)
    names: list[str] = []
    unknown: list[str] = []
    dropped: dict[str, str] = {}
    unconfirmed: list[str] = []
    for item in raw:
        suite = by_name(item)
        if suite is None:
            unknown.append(item)
            continue
        if suite.name not in implemented:
            if suite.name in added:
                dropped[item] = f"added by {update}, which hotfixes.txt does not list"
            else:
                dropped[item] = f"{family.name} does not implement it"
            continue
        if (
            family.pre_windows10
            and suite.kex.startswith("ECDHE")
            and not item.upper().endswith(_CURVE_SUFFIX)
        ):
            unconfirmed.append(item)
        if suite.name not in names:
            names.append(suite.name)
    return _Configured(tuple(names), source, tuple(unknown), dropped, tuple(unconfirmed))


def _names(data: object) -> list[str]:
    if isinstance(data, tuple):
        return [str(item).strip() for item in data if str(item).strip()]
    if isinstance(data, str):
        return [item.strip() for item in data.split(",") if item.strip()]
    return []


def _unusable(name: str, offered: set[ProtocolVersion], dh: bool, ecdh: bool) -> str | None:
    suite = by_name(name)
    if suite is None:
        return None
    if not any(ProtocolVersion.from_label(p) in offered for p in suite.protocols):
        return f"none of its protocols ({', '.join(sorted(suite.protocols))}) is enabled"
    if suite.kex == "DHE" and not dh:
        return "the Diffie-Hellman key exchange is switched off"
    if suite.kex.startswith("ECDHE") and not ecdh:
        return "the ECDH key exchange is switched off"
    if suite.kex == "TLS13" and not ecdh and not dh:
        return "both key exchanges are switched off"
    return None


def _key_exchange_on(registry: Registry, key: str) -> bool:
    """``Enabled`` absent or non-zero: on; 0: off (tls-registry-settings, §4.1)."""
    value = registry.dword(key, "Enabled")
    return value is None or value != 0


def _curves(
    registry: Registry,
    family: WindowsFamily,
    curves_txt: tuple[str, ...] | None,
    assumed: list[str],
) -> tuple[tuple[str, ...], str]:
    """Curves in force: the ECC Curve Order policy > Get-TlsEccCurve > OS default (§4.6)."""
    policy = registry.value(POLICY_SSL_KEY, "EccCurves")
    if policy is not None:
        from ..parsers.tls_cmdlets import parse_ecc_curves

        try:
            curves = parse_ecc_curves("\n".join(_names(policy.data)), "EccCurves policy").curves
        except InputError:
            curves = ()
        return curves, "policy"
    if curves_txt is not None:
        return curves_txt, "ecc-curves.txt"
    if registry and family.tls_cmdlets:
        assumed.append(f"no ecc-curves.txt: the default curves of {family.name} assumed")
    return family.curves, "default"


def _wininet(registry: Registry, family: WindowsFamily) -> tuple[int, str]:
    """WinINet ``SecureProtocols``: policy, then HKCU, then HKLM, then the default (§4.3)."""
    for key, label in (
        (INET_POLICY_HKCU, "user policy"),
        (INET_POLICY_HKLM, "machine policy"),
        (INET_HKCU, "HKCU Internet Settings"),
        (INET_HKLM, "HKLM Internet Settings"),
    ):
        value = registry.dword(key, "SecureProtocols")
        if value is not None:
            return value, f"SecureProtocols=0x{value:X} ({label})"
    return family.wininet_secure_protocols, f"default of {family.name}"


def protocols_of_mask(mask: int) -> tuple[ProtocolVersion, ...]:
    """The protocols a DefaultSecureProtocols / SecureProtocols mask switches on."""
    return tuple(v for v, bit in PROTOCOL_BITS.items() if mask & bit)


def suite_names(codes: tuple[int, ...]) -> tuple[str, ...]:
    """IANA names of wire codes (unknown codes as hex)."""
    return tuple(SUITES[c].name if c in SUITES else f"0x{c:04X}" for c in codes)
