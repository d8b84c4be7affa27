"""SCH: Schannel, the Windows TLS client (article: TLS deprecation and cipher suites).

Each check reads the PC's effective TLS client (``windows.client_model``); SCH002, SCH003 and
SCH005 compare it with the front door: the AFD policy measured by the bundle's TLS scans, else
the default TLSv1.2_2023, which the finding then says it assumed (docs/spec/checks.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ..errors import InputError
from ..evidence import Evidence
from ..fixes import ManualStep, RunCommand, Safety, Shell, manual
from ..knowledge.afd import AFD_POLICIES, DEFAULT_POLICY
from ..knowledge.windows_families import PROTOCOL_BITS, ProtocolState
from ..model import Fix, Outcome, Severity
from ..registry.regfile import Registry
from ..tls import ProtocolVersion
from ..tls.suites import by_name
from ..windows.client_model import (
    DH_KEY,
    ECDH_KEY,
    POLICY_SSL_KEY,
    ClientProfile,
    ProtocolSetting,
    client_profile,
    protocol_key,
)
from ..windows.offer import SDL_CURVES, judge_policy
from ._windows import (
    AFD_GCM_SUITES,
    SCHANNEL_KEY,
    FrontDoor,
    Peer,
    assumed_notes,
    cipher_source_text,
    delete_value,
    exported,
    front_door,
    gpo_cipher_fix,
    kex_allows,
    mask_text,
    profile_of,
    registry_of,
    set_dword,
    suites_as_if_tls12_on,
    supported_suites,
    tls12_capable,
    tls_settings_collected,
)
from .evt import logged_alerts

__all__ = [
    "afd_suites_not_preferred",
    "cipher_order_policy_override",
    "key_exchange_disabled",
    "no_afd_cipher_suite",
    "no_nist_curve",
    "tls12_client_disabled",
    "tls13_client_enabled_unsupported",
]

# Files whose content changes the suite list or the curves (client_model: KB3042058 / KB2919355
# decide the pre-Windows-10 default list; Get-TlsCipherSuite and Get-TlsEccCurve the live ones).
_SUITE_FILES = ("hotfixes.txt", "cipher-suites.txt", "ecc-curves.txt")
# The exports that decide the suite list and curves (registry/<stem>.reg, docs/spec/bundle.md).
_SUITE_EXPORTS = ("schannel", "ssl-policy", "ssl-local")
# "The list is limited to 1,023 characters" (manage-tls, docs/knowledge/windows-tls.md §4.6).
_POLICY_LIMIT = 1023
_NIST_CURVES = {"secp256r1", "secp384r1", "nistp256", "nistp384"}
_NOT_EXPORTED = "the Schannel settings were not exported"
_SUITE_WORDS = ("cipher-suites.txt", "cipher_suites", "DHE_RSA", "AES-GCM", "ecc-curves.txt")


def _values(setting: ProtocolSetting) -> str:
    parts = []
    for name, value in (
        ("Enabled", setting.enabled_value),
        ("DisabledByDefault", setting.disabled_by_default_value),
    ):
        parts.append(f"{name}={value}" if value is not None else f"no {name}")
    return ", ".join(parts)


def tls12_client_disabled(ev: Evidence) -> Outcome:
    r"""Schannel's TLS 1.2 client is switched off or off by default.

    What it checks:
        HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client:
        fails when `Enabled` = 0 (disabled on every Windows), when `DisabledByDefault` is
        non-zero, or when `DisabledByDefault` is absent on Windows 7 / Server 2008 R2, where
        TLS 1.2 must be enabled explicitly. Windows 8 / Server 2012 follow Microsoft's protocols
        table ("Windows 8/Windows Server 2012 | Enabled"); this check is about Schannel only,
        and the message says when WinHTTP's own default there still lacks TLS 1.2 (WHT001).
        Unknown when the bundle has no SCHANNEL export: absent values then prove nothing.

    Why it matters:
        With `Enabled` = 0 Schannel "will not negotiate this protocol version regardless of the
        settings the SSPI caller may specify"; disabled by default, only callers that ask for
        TLS 1.2 explicitly get it. Microsoft 365 and Azure Front Door require TLS 1.2 (or 1.3),
        so the sign-in handshake fails. KB3140245 also "requires that the Secure Channel
        (Schannel) component in Windows 7 be configured to support TLS 1.1 and 1.2".

    Evidence:
        registry/: the SCHANNEL export, and the Windows build from
        HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion to decide what absence means.

    Fix:
        Set REG_DWORD `Enabled` = 1 and `DisabledByDefault` = 0 under ...\TLS 1.2\Client
        (`reg add "<key>" /v Enabled /t REG_DWORD /d 1 /f`, the same with
        `/v DisabledByDefault ... /d 0`), then restart Windows: the values apply only to
        credential handles acquired afterwards.

    Fix safety:
        Needs confirmation: a machine-wide Schannel change that needs admin rights and a
        restart, and that may undo a hardening baseline (GPO, IIS Crypto template). The old
        values are journaled, so undo restores them.

    References:
        - TLS registry settings:
          https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings
        - Protocols in TLS/SSL (Schannel SSP):
          https://learn.microsoft.com/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-
        - KB3140245, Update to enable TLS 1.1 and TLS 1.2 as default secure protocols in WinHTTP:
          https://support.microsoft.com/topic/update-to-enable-tls-1-1-and-tls-1-2-as-default-secure-protocols-in-winhttp-in-windows-c4bd73d2-31d7-761e-0178-11268bb10392

    """
    profile = profile_of(ev, needs=(SCHANNEL_KEY,), reads=("schannel",))
    if isinstance(profile, Outcome):
        return profile
    key = protocol_key(ProtocolVersion.TLSv1_2)
    if not exported(registry_of(ev), key):
        return Outcome.unknown(f"{_NOT_EXPORTED} (needs registry/: {SCHANNEL_KEY})")
    setting = profile.protocol(ProtocolVersion.TLSv1_2)
    family = profile.family
    enabled, by_default = setting.enabled_value, setting.disabled_by_default_value
    notes = assumed_notes(profile, "TLS 1.1/1.2")
    evidence: dict[str, Any] = {
        "windows": profile.label,
        "key": key,
        "Enabled": enabled,
        "DisabledByDefault": by_default,
        "state": setting.state,
    }
    if notes:
        evidence["assumed"] = notes
    if setting.state == "not-supported":
        return Outcome.not_applicable(f"{family.name} does not implement TLS 1.2", **evidence)
    offered = ", ".join(v.label for v in profile.offered_protocols) or "nothing"
    if setting.state == "disabled":
        message = f"TLS 1.2 client is disabled: Enabled=0 at {key}"
    elif setting.state == "disabled-by-default" and by_default:
        message = f"TLS 1.2 client is off by default: DisabledByDefault={by_default} at {key}"
    elif (
        family.tls12_registry_required
        and by_default is None
        and family.protocols.state(ProtocolVersion.TLSv1_2) is ProtocolState.ENABLED
    ):
        message = (
            f"TLS 1.2 client may be off by default on {family.name}: DisabledByDefault is absent "
            f"at {key}. Microsoft's protocol table says TLS 1.2 is enabled on Windows 8 / Server "
            "2012, but its TLS 1.2 readiness script requires DisabledByDefault=0 there "
            "(docs/knowledge/windows-tls.md §9.4)"
        )
    elif setting.state == "disabled-by-default":
        also = "" if enabled is None else f"Enabled={enabled} but "
        message = (
            f"TLS 1.2 client is off by default on {family.name}: {also}DisabledByDefault is "
            f"absent at {key}, and {family.name} needs DisabledByDefault=0"
        )
    else:
        where = _values(setting) if (enabled, by_default) != (None, None) else "no values"
        default = " (the OS default)" if (enabled, by_default) == (None, None) else ""
        layer = ""
        winhttp = profile.winhttp.get("native", family.winhttp_default_protocols)
        if not winhttp & PROTOCOL_BITS[ProtocolVersion.TLSv1_2]:
            layer = (
                f" This is Schannel; WinHTTP, a separate layer, asks for {mask_text(winhttp)} "
                f"on this PC (WHT001)."
            )
        return Outcome.passed(
            f"TLS 1.2 client is enabled on {profile.label}{default}: {where} at {key}.{layer}",
            **evidence,
        )
    if setting.state != "enabled":
        message += f"; by default Schannel offers only {offered}"
    registry = registry_of(ev)
    return Outcome.failed(
        message + ".",
        fix=Fix(
            r"Set Enabled=1 and DisabledByDefault=0 under ...\SCHANNEL\Protocols\TLS 1.2\Client,"
            " then restart Windows",
            (
                set_dword(registry, key, "Enabled", 1, needs_restart=True),
                set_dword(registry, key, "DisabledByDefault", 0, needs_restart=True),
                ManualStep(
                    "Restart Windows: Schannel applies the values to connections opened "
                    "afterwards.",
                    needs_restart=True,
                ),
            ),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )


# --- the suite list against the front door ----------------------------------------------------


def _suite_profile(ev: Evidence) -> tuple[ClientProfile, ClientProfile, FrontDoor] | Outcome:
    """The profile, the same judged as if TLS 1.2 were on, and the front door; or why not."""
    profile = profile_of(ev, uses=_SUITE_FILES, needs=(SCHANNEL_KEY,), reads=_SUITE_EXPORTS)
    if isinstance(profile, Outcome):
        return profile
    if not tls_settings_collected(ev, registry_of(ev)):
        return Outcome.unknown(
            f"{_NOT_EXPORTED}, so the cipher suite list is unknown (needs registry/: "
            f"{SCHANNEL_KEY}, or cipher-suites.txt)"
        )
    return profile, suites_as_if_tls12_on(profile), front_door(ev)


def _suite_evidence(
    profile: ClientProfile, judged: ClientProfile, door: FrontDoor
) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "windows": profile.label,
        "cipher_source": profile.cipher_source,
        "cipher_suites": list(judged.cipher_suites),
        "front_door": door.evidence(),
    }
    removed = {n: why for n, why in profile.removed_suites.items() if "key exchange" in why}
    if removed:
        evidence["removed_by_key_exchange"] = removed
    notes = assumed_notes(profile, *_SUITE_WORDS)
    if notes:
        evidence["assumed"] = notes
    return evidence


def _tls12_off_note(profile: ClientProfile) -> str:
    setting = profile.protocol(ProtocolVersion.TLSv1_2)
    if setting.offered:
        return ""
    return " Judged as if TLS 1.2 were on: it is off on this PC (SCH001)."


def no_afd_cipher_suite(ev: Evidence) -> Outcome:
    r"""No enabled TLS 1.2 cipher suite on this PC is accepted by the endpoint's AFD policy.

    What it checks:
        The effective TLS 1.2 (and, on Windows 11, TLS 1.3) cipher suite list: the GPO "SSL
        Cipher Suite Order" list (`Functions` under
        HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002) if set,
        else the local list (`Functions` under
        HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002),
        else the live list (Get-TlsCipherSuite), else the default for the Windows build; a
        configured list keeps only the suites the build implements, in its order (the others
        are named, SCH008); minus DHE / ECDHE suites killed by the key-exchange switches
        (SCH005). Older AFD generations are judged as AFD applied them on the evidence's date
        (DHE_RSA AES-GCM gone from 2026-04-01). When hotfixes.txt lacks KB3042058 and having it
        would flip the verdict, unknown: a rollup may carry it. Fails when none is in
        the endpoint's AFD policy (measured by the bundle's TLS scans, worst endpoint first;
        else TLSv1.2_2023, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 plus the TLS 1.3 suites, and the finding says
        what the older generations would accept). With TLS 1.2 itself off the list is judged
        as if it were on (that is SCH001); a list that only lacks a NIST curve passes (SCH006).

    Why it matters:
        "The client must support at least one of the supported cipher suites"; the article warns
        that even with TLS 1.2 the suites must match Azure Front Door. A policy list replaces
        the default: "Cipher suites not in the priority list will not be used".

    Evidence:
        registry/ (policy and local lists, SCHANNEL\KeyExchangeAlgorithms, Windows build),
        cipher-suites.txt (`Get-TlsCipherSuite`, Windows 10 / Server 2016 and later),
        hotfixes.txt (KB3042058 / KB2919355 decide the Windows 7 / 8 / 8.1 default list) and the
        TLS scans in probes.json.

    Fix:
        `Enable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -Position 0`, then
        the same for TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384; check with `Get-TlsCipherSuite`.
        With a GPO list (SCH004) add them to "SSL Cipher Suite Order" (Computer Configuration >
        Administrative Templates > Network > SSL Configuration Settings) and restart. When the
        key-exchange switch removed them, switch it back on (SCH005). Windows 7 / 8 / 8.1 lack
        ECDHE_RSA GCM entirely (see OS001).

    Fix safety:
        Needs confirmation: a machine-wide change that needs admin rights; the GPO route needs
        a restart, and a domain GPO makes it manual (only its owner can change it).

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - Enable-TlsCipherSuite: https://learn.microsoft.com/powershell/module/tls/enable-tlsciphersuite

    """
    found = _suite_profile(ev)
    if isinstance(found, Outcome):
        return found
    profile, judged, door = found
    evidence = _suite_evidence(profile, judged, door)
    peer, verdict = door.judge(judged)
    source = cipher_source_text(profile)
    off_note = _tls12_off_note(profile) + dropped_note(profile)
    rollup = _rollup_note(ev, profile, door, verdict.accepted)
    if rollup and not verdict.accepted:
        # Without the update the list fails, with it (a rollup may carry it) it passes: the
        # hotfix list cannot tell which, so neither verdict would be honest.
        return Outcome.unknown(
            f"{peer.label} accepts no suite of {source}.{off_note} {rollup}", **evidence
        )
    if verdict.accepted:
        doubt = _spelling_doubt(profile, judged, door, verdict.cipher_suite)
        if doubt:
            return Outcome.unknown(doubt, **evidence)
        return Outcome.passed(
            f"{peer.label} accepts {verdict.cipher_suite} ({verdict.protocol}) from "
            f"{source}.{off_note}{door.note()}",
            **evidence,
        )
    curves_ok = _with_sdl_curves(judged)
    if peer.judge(curves_ok).accepted:
        return Outcome.passed(
            f"{source[0].upper()}{source[1:]} holds a suite {peer.label} accepts, but no NIST "
            f"curve is enabled for it (SCH006).{door.note()}",
            **evidence,
        )
    offered = tls12_capable(judged.cipher_suites)
    message = (
        f"None of the {len(offered)} TLS 1.2 cipher suites of {source} is accepted by "
        f"{door.name(peer)}: it accepts only {peer.accepts_text()}."
    )
    older = door.older_generations(judged)
    if older:
        message += f" {older[0].upper()}{older[1:]}."
    message += off_note
    # Corroboration (issue 13): the front door's handshake_failure / insufficient_security,
    # logged by Schannel, makes the inferred finding an observed one.
    logged = logged_alerts(ev, (40, 71))
    if logged:
        message += f" {logged}"
        evidence["logged"] = logged
    return Outcome.failed(message, fix=_suite_fix(profile, peer, registry_of(ev)), **evidence)


def _rollup_note(ev: Evidence, profile: ClientProfile, door: FrontDoor, accepted: bool) -> str:
    """When hotfixes.txt lacks the suite update and having it would flip the verdict, why."""
    update = profile.family.cipher_suites_update
    if not update or profile.hotfixes is None or update in profile.hotfixes:
        return ""
    if profile.cipher_source not in ("default", "policy", "local"):
        return ""
    try:
        with_update = client_profile(
            dataclasses.replace(ev, texts={k: v for k, v in ev.texts.items() if k in _SUITE_FILES}),
            assume_installed=(update,),
        )
    except InputError:
        return ""
    if with_update is None:
        return ""
    other = door.judge(suites_as_if_tls12_on(with_update))[1]
    if other.accepted == accepted:
        return ""
    return (
        f"{update} is not in hotfixes.txt, but a later rollup may include it (Get-HotFix lists "
        f"a rollup under its own number): with {update} the list would hold "
        f"{other.cipher_suite}, which is accepted ({other.protocol}); without it, none is."
    )


def dropped_note(profile: ClientProfile) -> str:
    """The sentence naming configured suites this build does not implement, or ``""``."""
    dropped = profile.unimplemented_suites
    if not dropped:
        return ""
    which = "policy" if profile.cipher_source == "policy" else "local list"
    names = ", ".join(dropped)
    reasons = set(dropped.values())
    why = (
        f"which {profile.family.name} does not implement"
        if reasons == {f"{profile.family.name} does not implement it"}
        else "which this PC does not have (" + "; ".join(sorted(reasons)) + ")"
    )
    return (
        f" The {which} names {len(dropped)} suite{'s' if len(dropped) > 1 else ''} {why}, and "
        f"Schannel ignores them: {names} (SCH008)."
    )


def _spelling_doubt(
    profile: ClientProfile, judged: ClientProfile, door: FrontDoor, suite: str | None
) -> str:
    """Why a pass rests on a bare ECDHE name before Windows 10, or ``""`` when it does not."""
    bare = {s.name for s in map(by_name, profile.unconfirmed_spellings) if s is not None}
    if suite not in bare:
        return ""
    without = dataclasses.replace(
        judged, cipher_suites=tuple(s for s in judged.cipher_suites if s not in bare)
    )
    if door.judge(without)[1].accepted:
        return ""
    written = ", ".join(profile.unconfirmed_spellings)
    return (
        f"the only accepted suite, {suite}, is written without the curve suffix ({written}); "
        f"Microsoft's {profile.family.name} page spells ECDHE suites with it (_P256, _P384) and "
        "no Microsoft document says whether the bare name is honoured there, so whether "
        f"{door.name(door.judge(judged)[0])} accepts this PC is unknown (add the _P256 / _P384 "
        "spelling to settle it)"
    )


def _with_sdl_curves(profile: ClientProfile) -> ClientProfile:
    curves = tuple(dict.fromkeys((*profile.curves, *SDL_CURVES)))
    return dataclasses.replace(profile, curves=curves)


def _wanted(profile: ClientProfile, peer: Peer) -> list[str]:
    """Up to two strong TLS 1.2 suites the peer accepts that this build implements."""
    supported = set(supported_suites(profile))
    return strong_suites(s for s in peer.tls12 if s in supported)[:2]


def strong_suites(names: Iterable[str]) -> list[str]:
    """The suites a fix may put forward: forward secret and not weak, AEAD first.

    A fix never weakens TLS: no RC4, 3DES, DES, export, NULL or anonymous suite, and no RSA
    key exchange (no forward secrecy), whatever the peer would accept.
    """
    ranked = []
    for index, name in enumerate(names):
        suite = by_name(name)
        if suite is None or suite.insecure or not suite.forward_secret:
            continue
        ranked.append((0 if suite.aead else 1, index, suite.name))
    return [name for _, _, name in sorted(ranked)]


def _suite_fix(profile: ClientProfile, peer: Peer, registry: Registry) -> Fix:
    wanted = _wanted(profile, peer)
    family = profile.family
    if not wanted:
        return Fix(
            f"Upgrade Windows: {family.name} implements no suite {peer.label} accepts (OS001)",
            manual(
                "No cipher suite setting can fix this: see OS001 for what will (a Windows 10 / 11 "
                "upgrade, or an AFD policy that still lists suites this Windows has).",
            ),
            safety=Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        )
    killed = [s for s in wanted if s in profile.listed_suites and not _kex_ok(profile, s)]
    if killed:
        suite = by_name(killed[0])
        key = DH_KEY if suite is not None and suite.kex == "DHE" else ECDH_KEY
        exchange = "Diffie-Hellman" if key == DH_KEY else "ECDH"
        return Fix(
            f"Switch the {exchange} key exchange back on (delete Enabled=0 at ...\\{exchange}), "
            "then restart Windows",
            (
                delete_value(registry, key, "Enabled", needs_restart=True),
                ManualStep(
                    f"Restart Windows. {', '.join(killed)} then come back (SCH005).",
                    needs_restart=True,
                ),
            ),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
            needs_restart=True,
        )
    return _top_fix(
        profile,
        wanted,
        f"Put {' and '.join(wanted)} at",
        (
            f"Check with `Get-TlsCipherSuite -Name ECDHE_RSA` that {wanted[0]} is listed first; "
            "if the order does not change, a Group Policy list overrides it (SCH004).",
            "Restart OneDrive (or Windows) so it opens new connections.",
        ),
    )


def _kex_ok(profile: ClientProfile, name: str) -> bool:
    return kex_allows(name, profile.dh_enabled, profile.ecdh_enabled)


def _strong(name: str) -> bool:
    """An AEAD suite with forward secrecy (TLS 1.3, ECDHE / DHE GCM): harmless above AFD's."""
    suite = by_name(name)
    return suite is not None and suite.mac == "AEAD" and suite.kex in ("ECDHE", "DHE", "TLS13")


def afd_suites_not_preferred(ev: Evidence) -> Outcome:
    r"""AFD-compatible cipher suites are enabled but not at the top of the order.

    What it checks:
        In the effective TLS 1.2 order (computed as for SCH002), the first suite the endpoint's
        AFD policy accepts (measured; else TLSv1.2_2023: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256): fails when a CBC or non-forward-secret suite
        (RSA key exchange) the policy does not accept ranks above it. AEAD suites with forward
        secrecy (ECDHE_ECDSA GCM, as Windows 10 / 11 list first by default) may. Not
        applicable when no AFD-compatible suite is enabled: that is SCH002.

    Why it matters:
        The article asks to "ensure that these four suites are at the top of the list (the
        highest priority)". AFD picks in its own order from what the client offers, so order
        alone rarely breaks the handshake: hence a warning. But a GPO list "is limited to 1,023
        characters", so suites at the bottom of a long list can be cut off.

    Evidence:
        registry/ (policy and local `Functions` lists), cipher-suites.txt, hotfixes.txt and the
        TLS scans in probes.json.

    Fix:
        Move the AFD suites to the top, last one first:
        `Enable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -Position 0`, then
        `Enable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" -Position 0`;
        check with `Get-TlsCipherSuite`. With a GPO list, or before Windows 10 (no TLS
        cmdlets), reorder "SSL Cipher Suite Order".

    Fix safety:
        Needs confirmation: a machine-wide order change with admin rights. The cmdlet takes
        effect at once (CNG `BCryptAddContextFunction`); a GPO change on the next boot.

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Prioritizing Schannel cipher suites:
          https://learn.microsoft.com/windows/win32/secauthn/prioritizing-schannel-cipher-suites
        - Manage TLS: https://learn.microsoft.com/windows-server/security/tls/manage-tls

    """
    found = _suite_profile(ev)
    if isinstance(found, Outcome):
        return found
    profile, judged, door = found
    evidence = _suite_evidence(profile, judged, door)
    accepted = set(door.tls12_accepted())
    order = tls12_capable(judged.cipher_suites)
    compatible = [s for s in order if s in accepted]
    what = door.peers[0].label if len(door.peers) == 1 else "every scanned endpoint"
    if not compatible:
        return Outcome.not_applicable(
            f"no suite {what} accepts is enabled, so there is nothing to move up (SCH002)."
            + door.note(),
            **evidence,
        )
    first = compatible[0]
    position = order.index(first) + 1
    weaker = [s for s in order[: position - 1] if s not in accepted and not _strong(s)]
    evidence["first_compatible"] = {"suite": first, "position": position, "of": len(order)}
    if not weaker:
        above = (
            "nothing ranks above it."
            if position == 1
            else "only AEAD forward-secret suites rank above it."
        )
        return Outcome.passed(
            f"{first}, the first suite {what} accepts, is #{position} of {len(order)} TLS 1.2 "
            f"suites in {cipher_source_text(profile)}; {above}{door.note()}",
            **evidence,
        )
    evidence["ranked_above"] = weaker
    shown = ", ".join(weaker[:3]) + (f" and {len(weaker) - 3} more" if len(weaker) > 3 else "")
    return Outcome.failed(
        f"{first}, the first suite {what} accepts, is only #{position} of {len(order)} TLS 1.2 "
        f"suites in {cipher_source_text(profile)}: {len(weaker)} CBC or non-forward-secret "
        f"suite(s) it does not accept rank above it ({shown}). The article asks for the AFD "
        f"suites at the top.{door.note()}",
        fix=_order_fix(profile, strong_suites(compatible)[:2])
        if strong_suites(compatible)
        else Fix(
            "Enable a strong suite the front door accepts instead of reordering weak ones",
            manual(
                "The only accepted suites enabled here are weak; SCH002's fix says which strong "
                "suite to enable.",
            ),
        ),
        **evidence,
    )


def _order_fix(profile: ClientProfile, wanted: list[str]) -> Fix:
    return _top_fix(
        profile,
        wanted,
        f"Move {' and '.join(wanted)} to",
        ("Check the order with `Get-TlsCipherSuite`.",),
    )


def _top_fix(profile: ClientProfile, wanted: list[str], lead: str, checks: tuple[str, ...]) -> Fix:
    """A fix that brings ``wanted`` to the top of the cipher suite order.

    The GPO list where one rules (or before Windows 10, which has no TLS cmdlets), else
    Enable-TlsCipherSuite; ``lead`` is "Put X at" / "Move X to".
    """
    if profile.cipher_source == "policy" or not profile.family.tls_cmdlets:
        return gpo_cipher_fix(
            profile, wanted, f"{lead} the top of the 'SSL Cipher Suite Order' policy"
        )
    commands = tuple(_to_top(profile, suite) for suite in reversed(wanted))
    return Fix(
        f"{lead} the top with Enable-TlsCipherSuite -Position 0",
        (
            ManualStep(
                "In an elevated PowerShell run, in this order (the last one ends up first):"
            ),
            *commands,
            *manual(*checks),
        ),
        safety=Safety.NEEDS_CONFIRMATION,
        needs_admin=True,
    )


def _to_top(profile: ClientProfile, suite: str) -> RunCommand:
    """``Enable-TlsCipherSuite -Name X -Position 0``, undone by putting X back where it was.

    A suite already in the list goes back to its old position (undone in reverse order, the
    positions are those of the list before the fix); one that was not listed is disabled again.
    Enable-TlsCipherSuite: https://learn.microsoft.com/powershell/module/tls/enable-tlsciphersuite
    """
    listed = list(profile.listed_suites)
    if suite in listed:
        undo = f"Enable-TlsCipherSuite -Name {suite} -Position {listed.index(suite)}"
    else:
        undo = f"Disable-TlsCipherSuite -Name {suite}"
    return RunCommand(
        f"Enable-TlsCipherSuite -Name {suite} -Position 0",
        Shell.POWERSHELL,
        undo=undo,
        needs_admin=True,
    )


def cipher_order_policy_override(ev: Evidence) -> Outcome:
    r"""Group Policy's cipher suite list overrides local changes to the cipher suite order.

    What it checks:
        Whether the GPO "SSL Cipher Suite Order" is set: REG_SZ `Functions` (comma-separated
        suite names) under HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002.
        Also reports a value longer than the 1,023 characters the policy allows. Passes only
        when the bundle shows the policy key (or, since an unset policy has no key to export,
        the SCHANNEL key the same collection exports); otherwise unknown.

    Why it matters:
        When the policy list exists it alone defines the enabled suites; `Enable-TlsCipherSuite`
        edits the local list, which then has no effect. The article: "If the order doesn't
        reflect the change, check if the SSL Cipher Suite Order Group Policy setting configures
        the default TLS cipher suite order." SCH002 / SCH003 fixes must then go into the policy.

    Evidence:
        registry/: the export of the policy key (or of SCHANNEL, to tell "no policy" from "not
        collected").

    Fix:
        Local policy: in gpedit.msc set "SSL Cipher Suite Order" to Not configured, or add the
        AFD suites to its list; restart. If the value comes back after `gpupdate /force`, a
        domain GPO enforces it: ask its owner. Deleting the `Functions` value by hand lasts only
        until the next policy refresh.

    Fix safety:
        Manual: the list is an organisation's policy decision, a domain GPO re-applies it, and
        any change needs admin rights and a restart.

    References:
        - Manage TLS: https://learn.microsoft.com/windows-server/security/tls/manage-tls
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Microsoft's TLS 1.2 readiness script (microsoft/azure-devops-tls12):
          https://github.com/microsoft/azure-devops-tls12

    """
    profile = profile_of(ev, needs=(POLICY_SSL_KEY,), reads=_SUITE_EXPORTS)
    if isinstance(profile, Outcome):
        return profile
    registry = registry_of(ev)
    value = registry.value(POLICY_SSL_KEY, "Functions")
    if value is None:
        # reg.exe saying the policy key does not exist is evidence too (no policy is set).
        if (
            exported(registry, POLICY_SSL_KEY)
            or ev.key_absent(POLICY_SSL_KEY)
            or tls_settings_collected(ev, registry)
        ):
            return Outcome.passed(
                f"No Group Policy cipher suite order is set: no Functions value at "
                f"{POLICY_SSL_KEY}.",
                key=POLICY_SSL_KEY,
            )
        return Outcome.unknown(
            f"neither the SSL policy key nor SCHANNEL was exported (needs registry/: "
            f"{POLICY_SSL_KEY} or {SCHANNEL_KEY})"
        )
    data = value.data
    text = ",".join(data) if isinstance(data, tuple) else str(data)
    suites = [s.strip() for s in text.split(",") if s.strip()]
    evidence: dict[str, Any] = {
        "key": POLICY_SSL_KEY,
        "type": value.type_name,
        "length": len(text),
        "suites": suites,
        "where": f"{value.source}:{value.line}",
    }
    message = (
        f"A Group Policy cipher suite list is set (Functions, {value.type_name}, {len(suites)} "
        f"suites, {len(text)} characters, at {POLICY_SSL_KEY}): it alone decides the enabled "
        "suites, and local changes with Enable-TlsCipherSuite have no effect."
    )
    if len(text) > _POLICY_LIMIT:
        message += (
            f" It is longer than the {_POLICY_LIMIT:,} characters the policy allows: suites past "
            "the limit may be cut off."
        )
    return Outcome.failed(
        message,
        fix=Fix(
            "Change the 'SSL Cipher Suite Order' Group Policy (Not configured, or with the AFD "
            "suites first), then restart Windows",
            manual(
                "Run gpedit.msc and open Computer Configuration > Administrative Templates > "
                "Network > SSL Configuration Settings > SSL Cipher Suite Order.",
                f"Set it to Not configured, or keep it and put {','.join(AFD_GCM_SUITES)} first "
                f"(at most {_POLICY_LIMIT:,} characters).",
                "Run `gpupdate /force`; if the Functions value comes back, a domain GPO sets it: "
                "ask its owner.",
                "Restart Windows: the policy applies on the next boot.",
            ),
            safety=Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )


def key_exchange_disabled(ev: Evidence) -> Outcome:
    r"""Schannel's Diffie-Hellman or ECDH key exchange is switched off.

    What it checks:
        The value `Enabled` under
        HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\KeyExchangeAlgorithms\Diffie-Hellman
        and under ...\KeyExchangeAlgorithms\ECDH: absent or non-zero (0xFFFFFFFF as documented)
        means allowed, 0 removes every DHE resp. ECDHE suite. A warning, an error when the
        switch leaves no suite the endpoint's AFD policy accepts that the PC would otherwise
        offer (suite list judged as for SCH002).

    Why it matters:
        TLSv1.2_2023 accepts only ECDHE_RSA AES GCM (and TLS 1.3), so ECDH off removes every
        AFD path. On Windows 7 / 8 / 8.1 DHE_RSA GCM is the only legacy AFD family, so disabling
        DH (advised for the DHE "leading zero" bug, KB4557473, and by the article for Server
        2012) cuts them off.

    Evidence:
        registry/: the SCHANNEL\KeyExchangeAlgorithms export and the Windows build; the suite
        list and the TLS scans as for SCH002.

    Fix:
        Delete the `Enabled` value (or set it to 0xFFFFFFFF) under the disabled key, then
        restart. Do not re-enable DHE where it was disabled for the leading-zero bug unless it
        is the only AFD path: Windows 10 1511 and later carry the fix.

    Fix safety:
        Needs confirmation: machine-wide, admin rights and a restart, and the value often comes
        from a security baseline.

    References:
        - TLS registry settings:
          https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings
        - KB4557473, apps forcibly closed TLS connection errors (DHE leading zero):
          https://learn.microsoft.com/troubleshoot/windows-server/certificates-and-public-key-infrastructure-pki/apps-forcibly-closed-tls-connection-errors
        - Microsoft's TLS 1.2 readiness script: https://github.com/microsoft/azure-devops-tls12

    """
    found = _suite_profile(ev)
    if isinstance(found, Outcome):
        return found
    profile, judged, door = found
    registry = registry_of(ev)
    if not exported(registry, DH_KEY):
        return Outcome.unknown(f"{_NOT_EXPORTED} (needs registry/: {SCHANNEL_KEY})")
    off = [
        (name, key, registry.dword(key, "Enabled"))
        for name, key, on in (
            ("Diffie-Hellman", DH_KEY, profile.dh_enabled),
            ("ECDH", ECDH_KEY, profile.ecdh_enabled),
        )
        if not on
    ]
    evidence = _suite_evidence(profile, judged, door)
    evidence["Diffie-Hellman"] = registry.dword(DH_KEY, "Enabled")
    evidence["ECDH"] = registry.dword(ECDH_KEY, "Enabled")
    if not off:
        return Outcome.passed(
            "The Diffie-Hellman and ECDH key exchanges are on: no Enabled=0 under "
            rf"{SCHANNEL_KEY}\KeyExchangeAlgorithms.",
            **evidence,
        )
    names = " and ".join(name for name, _, _ in off)
    where = "; ".join(f"Enabled={value} at {key}" for _, key, value in off)
    lost = [n for n in profile.listed_suites if not _kex_ok(profile, n)]
    unswitched = suites_as_if_tls12_on(profile, kex_switches=False)
    peer, with_switch = door.judge(judged)
    restored = peer.judge(unswitched)
    message = (
        f"The {names} key exchange is switched off ({where}): it removes {len(lost)} suite(s) "
        f"from {cipher_source_text(profile)}"
    )
    severity = None
    if not with_switch.accepted and restored.accepted:
        severity = Severity.ERROR
        message += (
            f", and with them every suite {door.name(peer)} accepts: with the switch on this PC "
            f"would connect with {restored.cipher_suite}."
        )
    else:
        message += "." if with_switch.accepted else f"; {peer.label} accepts none of them anyway."
        if not door.measured:
            lost_paths = _paths_lost(judged, unswitched)
            if lost_paths:
                message += f" Under {lost_paths} it would remove the only compatible suites."
    dh_off = any(name == "Diffie-Hellman" for name, _, _ in off)
    if dh_off and not profile.family.dhe_leading_zero_fix:
        message += (
            f" {profile.family.name} lacks the DHE leading-zero fix (KB4557473): keep DH off "
            "unless DHE is the only path to the front door."
        )
    evidence["removed_suites"] = lost
    registry = registry_of(ev)
    steps = [delete_value(registry, key, "Enabled", needs_restart=True) for _, key, _ in off]
    return Outcome.failed(
        message,
        severity=severity,
        fix=Fix(
            f"Switch the {names} key exchange back on (delete Enabled=0), then restart Windows",
            (*steps, ManualStep("Restart Windows.", needs_restart=True)),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )


def _paths_lost(judged: ClientProfile, unswitched: ClientProfile) -> str:
    """Older AFD generations that accept the PC only with the key exchange switched on."""
    lost = [
        policy.name
        for policy in reversed(list(AFD_POLICIES.values()))
        if policy is not DEFAULT_POLICY
        and judge_policy(unswitched, policy).accepted
        and not judge_policy(judged, policy).accepted
    ]
    return " / ".join(lost)


def no_nist_curve(ev: Evidence) -> Outcome:
    r"""Neither NIST P-256 nor P-384 is an enabled ECC curve: ECDHE and TLS 1.3 to AFD fail.

    What it checks:
        The enabled curve list: the GPO "ECC Curve Order" (REG_MULTI_SZ `EccCurves` under
        HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002), else
        `Get-TlsEccCurve` output, else the build's default. Fails on Windows 10 and later when
        neither NistP256 nor NistP384 is in it. Before Windows 10 the curve is part of the suite
        name (_P256, _P384), so the check does not apply there and SCH002 covers those builds.

    Why it matters:
        Azure Front Door's TLS 1.3 clients "must support one of the Microsoft SDL compliant
        elliptic (EC) curves, including secp384r1, secp256r1, and secp521r1", and the
        ECDHE_RSA suites need a shared curve too: a list with only curve25519 has none.
        The Windows 10 1607+ default is curve25519, NistP256, NistP384.

    Evidence:
        registry/ (the policy key, or SCHANNEL to show the collector looked) and ecc-curves.txt.

    Fix:
        `Enable-TlsEccCurve -Name NistP256` and `Enable-TlsEccCurve -Name NistP384`, or add them
        to the "ECC Curve Order" policy; "new curve priority lists become active on the next
        reboot".

    Fix safety:
        Needs confirmation: machine-wide, admin rights and a restart; a domain GPO makes it
        manual.

    References:
        - TLS elliptic curves in Windows 10 1607 and later:
          https://learn.microsoft.com/windows/win32/secauthn/tls-elliptic-curves-in-windows-10-1607-and-later
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - Manage TLS: https://learn.microsoft.com/windows-server/security/tls/manage-tls

    """
    profile = profile_of(ev, uses=("ecc-curves.txt",), needs=(SCHANNEL_KEY,), reads=_SUITE_EXPORTS)
    if isinstance(profile, Outcome):
        return profile
    family = profile.family
    if family.pre_windows10:
        return Outcome.not_applicable(
            f"{family.name} has no curve list: before Windows 10 the curve is part of the suite "
            "name (_P256 / _P384), which SCH002 judges"
        )
    registry = registry_of(ev)
    if profile.curve_source == "default" and not tls_settings_collected(ev, registry):
        return Outcome.unknown(
            f"{_NOT_EXPORTED} and there is no ecc-curves.txt (needs registry/: {SCHANNEL_KEY}, "
            "or ecc-curves.txt)"
        )
    source = {
        "policy": rf"the ECC Curve Order policy (EccCurves at {POLICY_SSL_KEY})",
        "ecc-curves.txt": "Get-TlsEccCurve (ecc-curves.txt)",
    }.get(profile.curve_source, f"the default of {family.name}")
    curves = list(profile.curves)
    evidence: dict[str, Any] = {"curves": curves, "curve_source": profile.curve_source}
    notes = assumed_notes(profile, "ecc-curves.txt")
    if profile.curve_source == "default" and notes:
        evidence["assumed"] = notes
        source += " (assumed: no ecc-curves.txt)"
    nist = [c for c in curves if c.lower() in _NIST_CURVES]
    if nist:
        return Outcome.passed(
            f"NIST curve(s) {', '.join(nist)} are enabled in {source}.", **evidence
        )
    message = (
        f"The enabled ECC curves in {source} ({', '.join(curves) or 'none'}) lack NIST P-256 "
        "(secp256r1) and P-384 (secp384r1): no ECDHE suite and no TLS 1.3 handshake with Azure "
        "Front Door can agree on a curve."
    )
    if profile.curve_source == "policy":
        fix = Fix(
            "Add NistP256 and NistP384 to the 'ECC Curve Order' Group Policy, then restart Windows",
            manual(
                "Run gpedit.msc and open Computer Configuration > Administrative Templates > "
                "Network > SSL Configuration Settings > ECC Curve Order.",
                "Put NistP256 and NistP384 in the list (or set the policy to Not configured).",
                "Restart Windows: new curve priority lists become active on the next reboot.",
                "If `gpupdate /force` brings the old list back, a domain GPO sets it: ask its "
                "owner.",
            ),
            safety=Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        )
    else:
        fix = Fix(
            "Enable NistP256 and NistP384 with Enable-TlsEccCurve, then restart Windows",
            (
                ManualStep("In an elevated PowerShell run:"),
                # Neither NIST curve is in the list (that is the failure), so disabling undoes it.
                *(
                    RunCommand(
                        f"Enable-TlsEccCurve -Name {curve}",
                        Shell.POWERSHELL,
                        undo=f"Disable-TlsEccCurve -Name {curve}",
                        needs_admin=True,
                        needs_restart=True,
                    )
                    for curve in ("NistP256", "NistP384")
                ),
                ManualStep(
                    "Restart Windows: new curve priority lists become active on the next reboot.",
                    needs_restart=True,
                ),
            ),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
            needs_restart=True,
        )
    return Outcome.failed(message, fix=fix, **evidence)


def tls13_client_enabled_unsupported(ev: Evidence) -> Outcome:
    r"""TLS 1.3 is forced on in Schannel on a Windows that does not support it.

    What it checks:
        `Enabled` non-zero (with `DisabledByDefault` absent or 0) under
        HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.3\Client
        on a Windows older than Windows 11 / Server 2022, i.e. any Windows 10 release (client
        build below 22000) and older, where Microsoft lists TLS 1.3 as "Not supported". Not
        applicable on Windows 11 / Server 2022 and later.

    Why it matters:
        "TLS 1.3 is supported starting in Windows 11 and Windows Server 2022. Enabling TLS 1.3 on
        earlier versions of Windows is not a safe system configuration." Azure Front Door "first
        attempts to establish TLS 1.3", so a half-working offer can break or slow the handshake.

    Evidence:
        registry/: the SCHANNEL\Protocols export and the Windows build from
        HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion.

    Fix:
        Delete `Enabled` and `DisabledByDefault` under ...\TLS 1.3\Client to return to the OS
        default, then restart Windows.

    Fix safety:
        Needs confirmation: a machine-wide Schannel change that needs admin rights and a
        restart, although it only restores Microsoft's default.

    References:
        - Protocols in TLS/SSL (Schannel SSP):
          https://learn.microsoft.com/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-
        - TLS registry settings:
          https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings

    """
    profile = profile_of(ev, needs=(SCHANNEL_KEY,), reads=("schannel",))
    if isinstance(profile, Outcome):
        return profile
    family = profile.family
    if family.tls13_available:
        return Outcome.not_applicable(
            f"{family.name} supports TLS 1.3, so switching it on there is a supported setting"
        )
    key = protocol_key(ProtocolVersion.TLSv1_3)
    if not exported(registry_of(ev), key):
        return Outcome.unknown(f"{_NOT_EXPORTED} (needs registry/: {SCHANNEL_KEY})")
    setting = profile.protocol(ProtocolVersion.TLSv1_3)
    evidence: dict[str, Any] = {
        "windows": profile.label,
        "key": key,
        "Enabled": setting.enabled_value,
        "DisabledByDefault": setting.disabled_by_default_value,
    }
    if not setting.forced:
        return Outcome.passed(
            f"TLS 1.3 is not forced on for {profile.label}: {_values(setting)} at {key}.",
            **evidence,
        )
    present = [
        name
        for name, value in (
            ("Enabled", setting.enabled_value),
            ("DisabledByDefault", setting.disabled_by_default_value),
        )
        if value is not None
    ]
    registry = registry_of(ev)
    return Outcome.failed(
        f"TLS 1.3 client is forced on ({_values(setting)} at {key}) on {profile.label}, which "
        'does not support TLS 1.3: Microsoft calls that "not a safe system configuration".',
        fix=Fix(
            r"Delete Enabled and DisabledByDefault under ...\SCHANNEL\Protocols\TLS 1.3\Client, "
            "then restart Windows",
            (
                *(delete_value(registry, key, name, needs_restart=True) for name in present),
                ManualStep("Restart Windows.", needs_restart=True),
            ),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )
