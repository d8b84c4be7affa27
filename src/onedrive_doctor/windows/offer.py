"""What a Windows client offers, on the wire and against Azure Front Door's policies.

:func:`client_hello_spec` rebuilds the ClientHello the PC's Schannel would send (protocol range,
suites in its order, curves, signature algorithms); :func:`judge_policy` and :func:`judge_scan`
say, without a connection, whether a documented AFD policy or a scanned endpoint would accept it.
AFD "chooses a cipher suite in the listed order from the cipher suites that the client supports"
and tries TLS 1.3 first (learn.microsoft.com/azure/frontdoor/tls-policy); TLS 1.3 and ECDHE need
one of the SDL curves secp256r1, secp384r1, secp521r1 (same page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..knowledge.afd import AfdPolicy
from ..tls import ClientHelloSpec, ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme
from ..tls.suites import by_name
from .client_model import ClientProfile

if TYPE_CHECKING:
    from ..probes.results import ScanResult

__all__ = ["SDL_CURVES", "Verdict", "client_hello_spec", "judge_policy", "judge_scan"]

SDL_CURVES = ("secp256r1", "secp384r1", "secp521r1")


@dataclass(frozen=True)
class Verdict:
    """Would the peer accept this client? With which protocol and suite, or why not."""

    accepted: bool
    protocol: str | None = None
    cipher_suite: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The verdict as simulate's JSON shows it (docs/spec/cli.md)."""
        if self.accepted:
            return {"accepted": True, "protocol": self.protocol, "cipher_suite": self.cipher_suite}
        return {"accepted": False, "reason": self.reason}


def client_hello_spec(
    profile: ClientProfile,
    server_name: str | None,
    *,
    random: bytes | None = None,
    session_id: bytes | None = None,
) -> ClientHelloSpec:
    """The ClientHello this PC's Schannel would send to ``server_name``.

    Laid out as the recordings of this release show it (``WindowsFamily.wire``): Schannel's
    extension order, ``status_request`` always, ``session_ticket`` from Windows 8 on, no padding;
    for TLS 1.3 every enabled version in ``supported_versions`` (highest first), a key share per
    enabled group and ``post_handshake_auth``. No ALPN: that is the application's choice.
    ``random`` and ``session_id`` fix those fields (fresh ones otherwise), so that one hello can
    be shown and sent. Raises ``ValueError`` when Schannel offers no protocol at all.
    """
    offered = sorted(profile.offered_protocols, reverse=True)
    if not offered:
        raise ValueError("Schannel on this PC offers no protocol at all")
    highest = offered[0]
    tls13 = highest == ProtocolVersion.TLSv1_3
    wire = profile.family.wire
    groups = tuple(
        int(NamedGroup[c])
        for c in profile.curves
        # The ML-KEM hybrids are TLS 1.3 groups only (TLS supported groups in Windows 11 24H2).
        if c in NamedGroup.__members__ and (tls13 or "MLKEM" not in c)
    )
    sigalgs = tuple(
        int(SignatureScheme[s])
        for s in profile.signature_algorithms
        if s in SignatureScheme.__members__
    )
    # Recorded on Server 2022 (.NET): TLS 1.3, 1.2, 1.1, 1.0, i.e. every enabled version.
    supported = tuple(v for v in offered if v >= ProtocolVersion.TLSv1_0) if tls13 else None
    # Recorded on Windows 11 (curl): a key share for each of x25519, P-256 and P-384.
    key_share = tuple(g for g in groups if g in _SHAREABLE) if tls13 else ()
    order = tuple(int(ExtensionType[name]) for name in wire.extensions)
    extra: dict[str, Any] = {}
    if sigalgs:
        extra["signature_algorithms"] = sigalgs
    return ClientHelloSpec(
        version=highest,
        cipher_suites=profile.suite_codes,
        server_name=server_name,
        groups=groups or (int(NamedGroup.secp256r1), int(NamedGroup.secp384r1)),
        supported_versions=supported,
        key_share_groups=key_share,
        session_ticket="session_ticket" in wire.extensions,
        status_request="status_request" in wire.extensions,
        psk_key_exchange_modes="psk_key_exchange_modes" in wire.extensions,
        post_handshake_auth="post_handshake_auth" in wire.extensions,
        record_version=ProtocolVersion.TLSv1_0
        if highest < ProtocolVersion.TLSv1_2
        else ProtocolVersion.TLSv1_2,
        extensions_enabled=highest >= ProtocolVersion.TLSv1_0,
        # No Schannel recording carries a padding extension.
        padding_to=None,
        random=random,
        session_id=session_id,
        extension_order=order,
        **extra,
    )


# Groups the hello builder can make a key share for (the others are offered, never shared).
_SHAREABLE = frozenset(
    int(g)
    for g in (
        NamedGroup.x25519,
        NamedGroup.x448,
        NamedGroup.secp256r1,
        NamedGroup.secp384r1,
        NamedGroup.secp521r1,
        NamedGroup.X25519MLKEM768,
        NamedGroup.SecP256r1MLKEM768,
        NamedGroup.SecP384r1MLKEM1024,
    )
)


def judge_policy(profile: ClientProfile, policy: AfdPolicy) -> Verdict:
    """Judge whether a front door with ``policy`` would accept this PC's offer."""
    return _judge(
        profile,
        list(policy.tls13),
        list(policy.tls12),
        list(SDL_CURVES),
        legacy=policy.legacy_protocols,
        peer=f"AFD policy {policy.name}",
    )


def judge_scan(profile: ClientProfile, scan: ScanResult) -> Verdict:
    """Judge whether the scanned endpoint (its accepted suites and groups) would accept it."""

    def names(label: str) -> list[str]:
        return [s.name for s in scan.protocol(label).cipher_suites]

    groups = scan.all_groups or list(SDL_CURVES)
    legacy = scan.protocol("TLSv1.0").accepted or scan.protocol("TLSv1.1").accepted
    return _judge(
        profile,
        names("TLSv1.3"),
        names("TLSv1.2"),
        groups,
        legacy=legacy,
        peer=f"{scan.target.host}:{scan.target.port}",
        legacy_suites={"TLSv1.0": names("TLSv1.0"), "TLSv1.1": names("TLSv1.1")},
    )


def _judge(
    profile: ClientProfile,
    tls13: Sequence[str],
    tls12: Sequence[str],
    peer_groups: Sequence[str],
    legacy: bool,
    peer: str,
    legacy_suites: dict[str, list[str]] | None = None,
) -> Verdict:
    offered = set(profile.offered_protocols)
    mine = profile.cipher_suites
    curves = [c for c in profile.curves if c in peer_groups]
    if ProtocolVersion.TLSv1_3 in offered and curves:
        for name in tls13:
            if name in mine:
                return Verdict(True, "TLSv1.3", name)
    if ProtocolVersion.TLSv1_2 in offered:
        for name in tls12:
            suite = by_name(name)
            if name not in mine or suite is None:
                continue
            if suite.kex.startswith("ECDHE") and not curves:
                continue
            return Verdict(True, "TLSv1.2", name)
    if legacy and legacy_suites:
        for label, version in (
            ("TLSv1.1", ProtocolVersion.TLSv1_1),
            ("TLSv1.0", ProtocolVersion.TLSv1_0),
        ):
            if version in offered:
                for name in legacy_suites.get(label, []):
                    if name in mine:
                        return Verdict(True, label, name)
    return Verdict(False, reason=_why_not(profile, tls13, tls12, curves, peer))


def _why_not(
    profile: ClientProfile,
    tls13: Sequence[str],
    tls12: Sequence[str],
    curves: list[str],
    peer: str,
) -> str:
    offered = profile.offered_protocols
    labels = ", ".join(v.label for v in offered) or "nothing"
    if ProtocolVersion.TLSv1_2 not in offered and ProtocolVersion.TLSv1_3 not in offered:
        return f"this PC offers {labels}; {peer} needs TLS 1.2 or TLS 1.3"
    common = [s for s in tls12 if s in profile.cipher_suites]
    if common and not curves:
        return (
            f"the common suites ({', '.join(common)}) need an ECDHE curve, and this PC "
            f"offers none of {', '.join(SDL_CURVES)}"
        )
    return (
        f"no cipher suite in common: {peer} accepts {', '.join(tls12) or 'no TLS 1.2 suite'}"
        f"{' (and TLS 1.3)' if tls13 else ''}; this PC offers "
        f"{len(profile.cipher_suites)} suites, none of them"
    )
