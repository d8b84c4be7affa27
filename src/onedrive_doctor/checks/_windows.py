r"""Shared helpers of the Windows TLS check families: SCH, WHT, INE and OS.

Three things every one of those checks needs:

* the PC's effective TLS client, :func:`profile_of`, read from the bundle with the outcomes the
  spec asks for when it cannot be (``not_applicable`` on another OS, ``unknown`` with the file and
  line of an unreadable input or with the evidence that is missing);
* the front door the PC is compared with, :func:`front_door`: the AFD policy measured by the TLS
  scans of the required endpoints in ``probes.json`` (worst endpoint wins), else the current
  default TLSv1.2_2023, saying that it was assumed and what the older generations would change
  (docs/spec/checks.md, "Which AFD policy?");
* the hypothetical clients the checks judge: the suite list as if TLS 1.2 were on
  (:func:`suites_as_if_tls12_on`, SCH002 / SCH003 / SCH005) and everything the build can ever
  offer (:func:`best_case`, OS001).

Registry semantics are those of docs/knowledge/windows-tls.md §4; `reg export` writes a key with all
its subkeys, so a key under an exported ancestor that is not in the export does not exist
(:func:`exported`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..evidence import Evidence
from ..fixes import (
    ABSENT,
    UNKNOWN,
    Before,
    DeleteValue,
    Safety,
    SetValue,
    ValueType,
    manual,
    split_hive,
)
from ..knowledge.afd import AFD_POLICIES, DEFAULT_POLICY, AfdPolicy, change_removing, policy_at
from ..knowledge.endpoints import REQUIRED_ENDPOINTS, parse_host_port
from ..model import Fix, Outcome
from ..parsed import Parsed
from ..probes.results import ScanResult
from ..registry.regfile import Registry, normalize_key
from ..tls import ProtocolVersion
from ..tls.suites import by_name
from ..windows.client_model import (
    LOCAL_SSL_KEY,
    POLICY_SSL_KEY,
    PROTOCOL_NAMES,
    SCHANNEL,
    ClientProfile,
    protocols_of_mask,
)
from ..windows.offer import Verdict, judge_policy, judge_scan
from ..windows.os_version import CURRENT_VERSION_KEY
from ._common import NO_WINDOWS_EVIDENCE, not_windows

__all__ = [
    "AFD_GCM_SUITES",
    "CRYPTOGRAPHY_POLICY_KEY",
    "SCHANNEL_KEY",
    "TLS12_BIT",
    "FrontDoor",
    "Peer",
    "assumed_notes",
    "best_case",
    "cipher_source_text",
    "delete_value",
    "evidence_day",
    "exported",
    "front_door",
    "gpo_cipher_fix",
    "kex_allows",
    "lost_by_date",
    "mask_text",
    "older_policies_text",
    "policies_accepting",
    "policies_text",
    "profile_of",
    "registry_before",
    "registry_of",
    "set_dword",
    "suites_as_if_tls12_on",
    "supported_suites",
    "tls12_capable",
    "tls_settings_collected",
    "windows_spelling",
]

SCHANNEL_KEY = SCHANNEL
CRYPTOGRAPHY_POLICY_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography"
#: The DefaultSecureProtocols / SecureProtocols bit of TLS 1.2
#: (docs/knowledge/windows-tls.md §4.2, §4.3).
TLS12_BIT = 0x800
#: The two suites the article and every AFD policy generation accept
#: (docs/knowledge/windows-tls.md §2.2).
AFD_GCM_SUITES = (
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
)

# --- the profile -----------------------------------------------------------------------------


#: The parsed text files ``profile_of`` can be told a check depends on.
_TEXT_FIELDS = {
    "hotfixes.txt": "hotfixes",
    "cipher-suites.txt": "cipher_suites",
    "ecc-curves.txt": "ecc_curves",
}


def profile_of(
    ev: Evidence,
    uses: Sequence[str] = (),
    needs: Sequence[str] = (),
    reads: Sequence[str] | None = None,
) -> ClientProfile | Outcome:
    """The PC's effective TLS client, or the outcome that says why there is none.

    ``uses`` are the text files (``hotfixes.txt``, ``cipher-suites.txt``, ``ecc-curves.txt``)
    the calling check's result depends on: an unreadable one makes it ``unknown``; the others
    are left out of the profile (evidence builds it from the good files only), so a broken
    hotfix list does not blind SCH001. ``reads`` are the registry exports (``registry/<stem>.reg``
    stems of docs/spec/bundle.md) the result depends on: only their problems make it ``unknown``
    (``None``: every export counts). ``needs`` names further registry keys for the "no Windows
    evidence" message.
    """
    other_os = not_windows(ev)
    if other_os is not None:
        return other_os
    stems = ("currentversion", *reads) if reads is not None else ()
    problem = ev.registry_problem(*stems)
    if problem is None:
        for name in uses:
            parsed: Parsed[Any] = getattr(ev, _TEXT_FIELDS[name])
            if parsed.problem is not None:
                problem = parsed.problem
                break
    if problem is None:
        problem = ev.profile.problem
    if problem is not None:
        return Outcome.unknown(f"unreadable evidence: {problem}")
    if ev.profile.value is None:
        wanted = ", ".join((CURRENT_VERSION_KEY, *needs))
        return Outcome.unknown(f"{NO_WINDOWS_EVIDENCE} (needs registry/: {wanted})")
    return ev.profile.value


def registry_of(ev: Evidence) -> Registry:
    """The bundle's registry (callers have a profile, so there is one)."""
    return ev.registry if ev.registry is not None else Registry()


def exported(registry: Registry, key: str) -> bool:
    """Whether ``key`` was exported: itself, or under an exported ancestor.

    ``reg export`` writes every subkey, so a key missing under an exported ancestor does not
    exist on the PC; a key with no exported ancestor is simply unknown.
    """
    target = normalize_key(key).upper()
    for name in registry.keys():  # noqa: SIM118 (Registry is not iterable)
        folded = name.upper()
        if target == folded or target.startswith(folded + "\\"):
            return True
    return False


def tls_settings_collected(ev: Evidence, registry: Registry) -> bool:
    """Whether the bundle holds the PC's TLS settings (SCHANNEL, the SSL policy or the live list).

    The SSL policy and local keys usually do not exist, so their export is missing on a healthy
    PC; the SCHANNEL export (or ``Get-TlsCipherSuite``) shows the collector looked.
    """
    return (
        "cipher-suites.txt" in ev.texts
        or exported(registry, SCHANNEL)
        or registry.has_key(CRYPTOGRAPHY_POLICY_KEY)
        or exported(registry, LOCAL_SSL_KEY)
    )


def assumed_notes(profile: ClientProfile, *words: str) -> list[str]:
    """The profile's ``assumed`` statements that mention any of ``words``."""
    return [note for note in profile.assumed if any(word in note for word in words)]


def mask_text(mask: int) -> str:
    """``0xA0 (SSL 3.0, TLS 1.0)``: a protocol mask as a person reads it."""
    names = [PROTOCOL_NAMES[v] for v in protocols_of_mask(mask)]
    return f"0x{mask:X} ({', '.join(names) or 'no protocol'})"


# --- commands --------------------------------------------------------------------------------


def registry_before(registry: Registry, key: str, name: str) -> Before:
    """A value's data as the bundle shows it: the data, absent, or unknown.

    Absent: the key was exported without it; unknown: the key was not exported, so the
    evidence does not say.
    """
    value = registry.value(key, name)
    if value is not None:
        return value.data
    return ABSENT if exported(registry, key) else UNKNOWN


def set_dword(
    registry: Registry,
    key: str,
    name: str,
    data: int,
    *,
    needs_restart: bool,
    safety: Safety = Safety.NEEDS_CONFIRMATION,
    how: str | None = None,
) -> SetValue:
    """Set a REG_DWORD under ``key`` (with its hive), its old data read from the bundle."""
    hive, path = split_hive(normalize_key(key))
    return SetValue(
        hive,
        path,
        name,
        ValueType.REG_DWORD,
        data,
        before=registry_before(registry, key, name),
        needs_restart=needs_restart,
        safety=safety,
        how=how,
    )


def delete_value(
    registry: Registry,
    key: str,
    name: str,
    *,
    needs_restart: bool,
    safety: Safety = Safety.NEEDS_CONFIRMATION,
    how: str | None = None,
) -> DeleteValue:
    """Delete one value under ``key`` (with its hive), its old data read from the bundle."""
    hive, path = split_hive(normalize_key(key))
    return DeleteValue(
        hive,
        path,
        name,
        before=registry_before(registry, key, name),
        needs_restart=needs_restart,
        safety=safety,
        how=how,
    )


# --- cipher suites ---------------------------------------------------------------------------


def kex_allows(name: str, dh: bool, ecdh: bool) -> bool:
    """Whether the key-exchange switches leave ``name`` usable.

    Rules: docs/knowledge/windows-tls.md §4.1, §8 rule 6.
    """
    suite = by_name(name)
    if suite is None:
        return True
    if suite.kex == "DHE":
        return dh
    if suite.kex.startswith("ECDHE"):
        return ecdh
    if suite.kex == "TLS13":
        return dh or ecdh
    return True


def tls12_capable(names: Iterable[str]) -> list[str]:
    """The suites that can be negotiated in TLS 1.2, in order."""
    found = []
    for name in names:
        suite = by_name(name)
        if suite is not None and "TLSv1.2" in suite.protocols:
            found.append(name)
    return found


def suites_as_if_tls12_on(profile: ClientProfile, kex_switches: bool = True) -> ClientProfile:
    """The profile with TLS 1.2 switched on and the listed suites minus the key-exchange switches.

    SCH002 / SCH003 judge the suite list, not the protocol switch (SCH001): with TLS 1.2 off the
    model drops every TLS 1.2-only suite, which would hide what the list holds. With
    ``kex_switches`` False the DH / ECDH switches are ignored too (SCH005 compares both).
    """
    tls12 = profile.protocol(ProtocolVersion.TLSv1_2)
    protocols = profile.protocols
    if tls12.state in ("disabled", "disabled-by-default"):
        on = dataclasses.replace(tls12, state="enabled", reason="assumed on to judge the suites")
        protocols = tuple(on if p.version == ProtocolVersion.TLSv1_2 else p for p in protocols)
    dh = profile.dh_enabled or not kex_switches
    ecdh = profile.ecdh_enabled or not kex_switches
    suites = tuple(n for n in profile.listed_suites if kex_allows(n, dh, ecdh))
    return dataclasses.replace(
        profile, protocols=protocols, cipher_suites=suites, dh_enabled=dh, ecdh_enabled=ecdh
    )


def supported_suites(profile: ClientProfile) -> tuple[str, ...]:
    """Every suite this build implements: the default list, then those supported but off."""
    family = profile.family
    return tuple(dict.fromkeys((*family.cipher_suites, *family.supported_cipher_suites)))


def best_case(profile: ClientProfile) -> ClientProfile:
    """What this build could ever offer: every protocol and suite it implements switched on."""
    family = profile.family
    supported = set(family.protocols.supported)
    protocols = tuple(
        dataclasses.replace(p, state="enabled", reason="best case: switched on")
        if p.version in supported
        else p
        for p in profile.protocols
    )
    return dataclasses.replace(
        profile,
        protocols=protocols,
        cipher_suites=supported_suites(profile),
        curves=tuple(dict.fromkeys((*family.curves, *family.supported_curves))),
        dh_enabled=True,
        ecdh_enabled=True,
    )


def cipher_source_text(profile: ClientProfile) -> str:
    """Where the PC's suite list comes from, as a message names it."""
    source = profile.cipher_source
    if source == "policy":
        return rf"the Group Policy list (Functions at {POLICY_SSL_KEY})"
    if source == "local":
        return rf"the local list (Functions at {LOCAL_SSL_KEY})"
    if source == "cipher-suites.txt":
        return "Get-TlsCipherSuite (cipher-suites.txt)"
    family = profile.family
    text = f"the default list of {family.name}"
    update = family.cipher_suites_update
    if update and profile.hotfixes is not None and update not in profile.hotfixes:
        text += f" without {update} (not in hotfixes.txt)"
    if family.tls_cmdlets:
        text += " (assumed: no cipher-suites.txt)"
    return text


def windows_spelling(profile: ClientProfile, suite: str) -> list[str]:
    """How the SSL Cipher Suite Order policy of this build spells ``suite``.

    Before Windows 10 ECDHE suites carry the curve (``_P256`` / ``_P384``) and are listed once
    per curve (cipher-suites-in-schannel); later builds take the IANA name.
    """
    if not profile.family.pre_windows10:
        return [suite]
    names = []
    for name in profile.family.schannel_cipher_suites:
        found = by_name(name)
        if found is not None and found.name == suite:
            names.append(name)
    return names or [suite]


def gpo_cipher_fix(profile: ClientProfile, suites: Sequence[str], title: str) -> Fix:
    """Edit the "SSL Cipher Suite Order" Group Policy so ``suites`` come first."""
    spelled = [n for s in suites for n in windows_spelling(profile, s)]
    return Fix(
        title,
        manual(
            "Run gpedit.msc and open Computer Configuration > Administrative Templates > "
            "Network > SSL Configuration Settings > SSL Cipher Suite Order.",
            f"Enable it (or edit it) so the comma-separated list starts with {','.join(spelled)}"
            " (no spaces; the list is limited to 1,023 characters, so drop weak suites rather "
            "than append).",
            "Restart Windows: the policy applies on the next boot.",
            "If `gpupdate /force` brings the old list back, a domain GPO sets it: ask its owner "
            "to change it.",
        ),
        safety=Safety.MANUAL,
        needs_admin=True,
        needs_restart=True,
    )


# --- the front door --------------------------------------------------------------------------

_REQUIRED_HOSTS = frozenset(e.host for e in REQUIRED_ENDPOINTS)


@dataclass(frozen=True)
class Peer:
    """One thing the PC is judged against: a scanned endpoint, or a documented AFD policy."""

    label: str
    tls12: tuple[str, ...]
    tls13: tuple[str, ...]
    policy: AfdPolicy | None = None
    scan: ScanResult | None = None

    def judge(self, profile: ClientProfile) -> Verdict:
        """Whether this peer would accept ``profile``'s offer."""
        if self.scan is not None:
            return judge_scan(profile, self.scan)
        assert self.policy is not None
        return judge_policy(profile, self.policy)

    def accepts_text(self) -> str:
        """``TLS 1.3 and TLS_ECDHE_..., TLS_ECDHE_...``: what the peer accepts."""
        suites = ", ".join(self.tls12) or "no TLS 1.2 suite"
        return f"TLS 1.3 and {suites}" if self.tls13 else suites


@dataclass(frozen=True)
class FrontDoor:
    """The peers a check compares the PC with, and whether they were measured or assumed."""

    peers: tuple[Peer, ...]
    measured: bool
    assumed_because: str | None = None
    #: The evidence's day: documented policies are judged as AFD applied them then.
    day: datetime.date | None = None

    def judge(self, profile: ClientProfile) -> tuple[Peer, Verdict]:
        """The worst case: the first peer that rejects ``profile``, else the first peer."""
        verdicts = [(peer, peer.judge(profile)) for peer in self.peers]
        for peer, verdict in verdicts:
            if not verdict.accepted:
                return peer, verdict
        return verdicts[0]

    def name(self, peer: Peer) -> str:
        """How a message names ``peer``, with the assumption when there is one."""
        if self.measured:
            return peer.label
        return f"{peer.label} (assumed, the current default: {self.assumed_because})"

    def note(self) -> str:
        """A closing sentence saying the policy was assumed, or nothing when it was measured."""
        if self.measured:
            return ""
        return f" {self.peers[0].label} was assumed, the current default: {self.assumed_because}."

    def tls12_accepted(self) -> tuple[str, ...]:
        """TLS 1.2 suites every peer accepts (those any peer accepts, if none is common)."""
        common = [s for s in self.peers[0].tls12 if all(s in p.tls12 for p in self.peers)]
        if common:
            return tuple(common)
        return tuple(dict.fromkeys(s for p in self.peers for s in p.tls12))

    def older_generations(self, profile: ClientProfile) -> str:
        """What changes under the older AFD generations, when the default was assumed."""
        if self.measured:
            return ""
        verdict = judge_policy(profile, DEFAULT_POLICY)
        if verdict.accepted:
            return "older AFD policy generations accept more, so they accept it too"
        return older_policies_text(profile, self.day)

    def evidence(self) -> dict[str, Any]:
        """The front door as the finding's evidence shows it."""
        data: dict[str, Any] = {"measured": self.measured, "peers": [p.label for p in self.peers]}
        if self.assumed_because:
            data["assumed_because"] = self.assumed_because
        return data


def evidence_day(ev: Evidence) -> datetime.date | None:
    """The day the evidence describes, or ``None`` when nothing says.

    ``Evidence.as_of`` when it exists, else the manifest's collection time (``created``).
    """
    as_of = getattr(ev, "as_of", None)  # Evidence.as_of is being added in parallel: switch here
    if isinstance(as_of, datetime.datetime):
        return as_of.date()
    if isinstance(as_of, datetime.date):
        return as_of
    created = (ev.manifest or {}).get("created")
    if not isinstance(created, str):
        return None
    try:
        return datetime.datetime.fromisoformat(created).date()
    except ValueError:
        return None


def older_policies_text(profile: ClientProfile, day: datetime.date | None = None) -> str:
    """``under TLSv1.2_2022 this PC would connect with X; under afd-legacy-4 with Y``.

    The documented generations other than the default, newest first, as AFD applied them on
    ``day`` (docs: frontdoor/diffie-hellman-ciphers.md); a generation that accepted the PC only
    through a suite AFD has since dropped is named with the date. When none accepts, says so.
    """
    pairs = [(p, v) for p, v in policies_accepting(profile, day) if p.name != DEFAULT_POLICY.name]
    lost = lost_by_date(profile, day, {p.name for p, _ in pairs})
    if not pairs:
        others = [p.name for p in reversed(list(AFD_POLICIES.values())) if p is not DEFAULT_POLICY]
        text = f"no older AFD policy generation ({', '.join(others)}) accepts it either"
        return f"{text}; {lost}" if lost else text
    text = policies_text(pairs)
    return f"{text}; {lost}" if lost else text


def lost_by_date(profile: ClientProfile, day: datetime.date | None, still: set[str]) -> str:
    """The generations that accepted ``profile`` only before a dated AFD change, as a clause."""
    by_change: dict[tuple[datetime.date, str], list[str]] = {}
    suites: dict[tuple[datetime.date, str], str] = {}
    for policy in reversed(list(AFD_POLICIES.values())):
        if policy is DEFAULT_POLICY or policy.name in still:
            continue
        verdict = judge_policy(profile, policy)
        change = change_removing(verdict.cipher_suite or "", day) if verdict.accepted else None
        if change is None:
            continue
        key = (change.day, change.summary)
        by_change.setdefault(key, []).append(policy.name)
        suites.setdefault(key, verdict.cipher_suite or "?")
    parts = []
    for (when, summary), names in by_change.items():
        parts.append(
            f"under {' / '.join(names)} this PC connected with {suites[(when, summary)]} before "
            f"{when.isoformat()}, and does not now: {summary} on {when.isoformat()}"
        )
    return "; ".join(parts)


def policies_text(
    pairs: Sequence[tuple[AfdPolicy, Verdict]], verb: str = "this PC would connect"
) -> str:
    """Policies and the suite each leads to, those leading to the same suite named together."""
    by_suite: dict[str, list[str]] = {}
    for policy, verdict in pairs:
        by_suite.setdefault(verdict.cipher_suite or "?", []).append(policy.name)
    parts = []
    for index, (suite, names) in enumerate(by_suite.items()):
        lead = f"{verb} with" if index == 0 else "with"
        parts.append(f"under {' / '.join(names)} {lead} {suite}")
    return "; ".join(parts)


def policies_accepting(
    profile: ClientProfile, day: datetime.date | None = None
) -> list[tuple[AfdPolicy, Verdict]]:
    """The documented AFD policies that accept ``profile`` (as applied on ``day``), newest first."""
    found = []
    for documented in reversed(list(AFD_POLICIES.values())):
        policy = policy_at(documented, day)
        verdict = judge_policy(profile, policy)
        if verdict.accepted:
            found.append((policy, verdict))
    return found


def front_door(ev: Evidence) -> FrontDoor:
    """The measured front door when the bundle scanned required endpoints, else the default."""
    scans = []
    why = "the bundle has no TLS scan of the sign-in endpoints"
    if ev.network is not None:
        attempts = [a for a in ev.network.of("tls_scan") if _required(a.target)]
        scans = [a for a in attempts if a.ok]
        if attempts and not scans:
            why = f"the TLS scan of {attempts[0].target} did not complete ({attempts[0].error})"
    elif ev.problem("probes.json"):
        why = f"probes.json is unreadable ({ev.problem('probes.json')})"
    peers = []
    for attempt in scans:
        result = attempt.read(ScanResult)
        via = f" through proxy {attempt.via}" if attempt.via else ""
        policy = result.afd_policy
        measured = f"AFD policy {policy}" if policy else "no documented AFD policy matches"
        peers.append(
            Peer(
                label=f"{attempt.target}{via} (measured: {measured})",
                tls12=result.protocol("TLSv1.2").suite_names,
                tls13=result.protocol("TLSv1.3").suite_names,
                scan=result,
            )
        )
    if peers:
        return FrontDoor(tuple(peers), measured=True)
    default = Peer(
        label=f"AFD policy {DEFAULT_POLICY.name}",
        tls12=DEFAULT_POLICY.tls12,
        tls13=DEFAULT_POLICY.tls13,
        policy=DEFAULT_POLICY,
    )
    return FrontDoor((default,), measured=False, assumed_because=why, day=evidence_day(ev))


def _required(target: str) -> bool:
    try:
        host, _ = parse_host_port(target)
    except ValueError:
        return False
    host = host.lower()
    return host in _REQUIRED_HOSTS or host.endswith(".sharepoint.com")
