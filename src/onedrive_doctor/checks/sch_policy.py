"""SCH008: the cipher suite and curve lists Windows is told to use, checked for what it ignores.

Kept apart from ``sch.py`` because it judges the configured lists themselves, not the front door.
The rules: "SSL Cipher Suite Order" writes `Functions` as REG_SZ, comma-separated, "limited to
1,023 characters"; "ECC Curve Order" writes `EccCurves` as REG_MULTI_SZ (manage-tls,
docs/knowledge/windows-tls.md §4.6); Schannel skips a name it does not implement
(the model audit behind issue 10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..evidence import Evidence
from ..fixes import Change, DeleteValue, ManualStep, Safety, SetValue, ValueType, split_hive
from ..model import Fix, Outcome, Severity
from ..registry.regfile import RegType
from ..tls import ProtocolVersion
from ..tls.suites import by_name
from ..windows.client_model import (
    LOCAL_SSL_KEY,
    POLICY_SSL_KEY,
    ClientProfile,
    implemented_suites,
)
from ._windows import (
    SCHANNEL_KEY,
    exported,
    profile_of,
    registry_of,
    suites_as_if_tls12_on,
    tls12_capable,
    tls_settings_collected,
)

if TYPE_CHECKING:
    from ..registry.regfile import Registry, RegValue

__all__ = ["crypto_policy_malformed"]

_POLICY_LIMIT = 1023
_CURVE_SUFFIX = ("_P256", "_P384", "_P521")
# Windows 11 / Server 2022 enable these two, in this order (tls-cipher-suites-in-windows-11).
_TLS13_SUITES = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
_DEFAULT_CURVES = ("NistP384", "NistP256")
_GPO_FOLDER = (
    "Computer Configuration > Administrative Templates > Network > SSL Configuration Settings"
)


def crypto_policy_malformed(ev: Evidence) -> Outcome:
    r"""The cipher suite or curve policy holds values Windows cannot use as written.

    What it checks:
        The GPO "SSL Cipher Suite Order" (`Functions` under
        HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002), the local
        list (`Functions` under ...\Control\Cryptography\Configuration\Local\SSL\00010002) and
        "ECC Curve Order" (`EccCurves`, same policy key): a value of the wrong type (`Functions`
        must be REG_SZ in the policy, `EccCurves` REG_MULTI_SZ), an element with spaces or an
        unknown name, a suite this Windows does not implement (ECDHE_RSA AES-GCM on Windows 7 /
        8 / 8.1, the AES-GCM suites KB3042058 adds when hotfixes.txt lacks it), an ECDHE name
        without the curve suffix before Windows 10 (honoured or not: no Microsoft document
        says), and a `Functions` list longer than 1,023 characters (naming the suite Windows
        cuts and the ones it drops). Issue 13 adds: the local `Functions` (and a local
        `EccCurves`) of the wrong type (REG_MULTI_SZ expected); an `EccCurves` element with
        blanks ("NistP384 NistP256" as one element, which leaves no curve, so no ECDHE and no
        TLS 1.3); `_P256`-style names on Windows 10 and later, which ignore the suffix; TLS 1.3
        on while the list holds no TLS 1.3 suite. A warning; an error when no suite usable in
        TLS 1.2 is left.

    Why it matters:
        Schannel ignores names it does not implement: the OS "simply does not support given
        cipher suites ... even when you configure them explicitly" (microsoft/azure-devops-tls12
        issue 7), and "Windows 8.1, 8, and 7 aren't compatible with these ECDHE_GCM cipher
        suites" (AFD TLS policy). An admin who pushed the article's suites to Windows 7 sees them
        in the policy while the PC never offers them.

    Evidence:
        registry/ (the policy and local keys, SCHANNEL to tell "no policy" from "not
        collected", the Windows build) and hotfixes.txt (KB3042058 / KB2919355).

    Fix:
        A policy value: the value to put in gpedit.msc (Computer Configuration > Administrative
        Templates > Network > SSL Configuration Settings): the list with only names this
        Windows implements, in its form, comma-separated without spaces, at most 1,023
        characters, TLS 1.3 suites first where TLS 1.3 is on; the ECC Curve Order set to Not
        Configured or one curve per line. On Windows 7 / 8.1 the AFD-compatible suites are the
        DHE_RSA / RSA AES-GCM ones (KB3042058), or upgrade Windows (OS001). A local value:
        rewritten as REG_MULTI_SZ without the broken names (a curve list with nothing left is
        deleted). Then restart Windows.

    Fix safety:
        Manual for a policy value: the list is an organisation's policy, a domain GPO
        re-applies it. Needs confirmation for a local value: journaled (the old data is
        re-read first) and undone exactly; both need admin rights and a restart.

    References:
        - Manage TLS: https://learn.microsoft.com/windows-server/security/tls/manage-tls
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - TLS Cipher Suites in Windows 7:
          https://learn.microsoft.com/windows/win32/secauthn/tls-cipher-suites-in-windows-7
        - Cipher Suites in TLS/SSL (Schannel SSP), on the curve suffix:
          https://learn.microsoft.com/windows/win32/secauthn/cipher-suites-in-schannel
        - ansible-lockdown/Windows-10-STIG issue 21 (EccCurves "NistP384 NistP256")

    """
    profile = profile_of(ev, uses=("hotfixes.txt",), needs=(POLICY_SSL_KEY,))
    if isinstance(profile, Outcome):
        return profile
    registry = registry_of(ev)
    policy = registry.value(POLICY_SSL_KEY, "Functions")
    local = registry.value(LOCAL_SSL_KEY, "Functions")
    curves = registry.value(POLICY_SSL_KEY, "EccCurves")
    local_curves = registry.value(LOCAL_SSL_KEY, "EccCurves")
    if policy is None and local is None and curves is None and local_curves is None:
        if exported(registry, POLICY_SSL_KEY) or tls_settings_collected(ev, registry):
            return Outcome.passed(
                "No cipher suite or curve list is configured: Windows uses its defaults."
            )
        return Outcome.unknown(
            f"neither the SSL policy key nor SCHANNEL was exported (needs registry/: "
            f"{POLICY_SSL_KEY} or {SCHANNEL_KEY})"
        )
    problems: list[str] = []
    evidence: dict[str, Any] = {"windows": profile.label}
    suites_value = policy if policy is not None else local
    if policy is not None and policy.type != RegType.SZ:
        problems.append(f"the policy's Functions is {policy.type_name}, not REG_SZ")
    if curves is not None and curves.type != RegType.MULTI_SZ:
        problems.append(f"EccCurves is {curves.type_name}, not REG_MULTI_SZ")
    if local is not None and local.type != RegType.MULTI_SZ:
        # The local list is what BCryptAddContextFunction / Enable-TlsCipherSuite keep: a
        # multi-string (docs/knowledge/windows-tls.md §4.6); a REG_SZ there was written by hand.
        problems.append(f"the local Functions is {local.type_name}, not REG_MULTI_SZ")
    if local_curves is not None and local_curves.type != RegType.MULTI_SZ:
        problems.append(f"the local EccCurves is {local_curves.type_name}, not REG_MULTI_SZ")
    cut: list[str] = []
    if suites_value is not None:
        items = _raw_items(suites_value.data)
        spaced = [item for item in items if item != item.strip() or " " in item.strip()]
        if spaced:
            problems.append("elements with spaces: " + ", ".join(repr(item) for item in spaced))
        text = ",".join(items)
        evidence["length"] = len(text)
        if policy is not None and len(text) > _POLICY_LIMIT:
            _kept, broken, lost = _truncated(policy.data)
            cut = [*([broken[0]] if broken else []), *lost]
            problems.append(
                f"Functions is {len(text):,} characters: Windows uses the first "
                f"{_POLICY_LIMIT:,} only" + _cut_text(broken, lost)
            )
            evidence["cut_suites"] = cut
    spaced_curves = _spaced_curves(curves, local_curves)
    if spaced_curves:
        problems.append(
            "EccCurves elements with spaces: "
            + ", ".join(repr(item) for item in spaced_curves)
            + " (one element is one curve name: Windows knows no curve of that name; a "
            "hardening role writes the list so, and deleting the value fixed Office sign-in)"
        )
        evidence["spaced_curves"] = spaced_curves
    if profile.unknown_suites:
        problems.append("unknown suite names: " + ", ".join(profile.unknown_suites))
        evidence["unknown_suites"] = list(profile.unknown_suites)
    if profile.unimplemented_suites:
        problems.append(_unimplemented_text(profile))
        evidence["unimplemented_suites"] = dict(profile.unimplemented_suites)
    if profile.unconfirmed_spellings:
        problems.append(
            "ECDHE names without the curve suffix Microsoft's "
            f"{profile.family.name} page uses (_P256 / _P384), which no Microsoft document says "
            "are honoured there: " + ", ".join(profile.unconfirmed_spellings)
        )
        evidence["unconfirmed_spellings"] = list(profile.unconfirmed_spellings)
    suffixed = _suffixed_names(profile, suites_value)
    if suffixed:
        # "Prior to Windows 10, cipher suite strings were appended with the elliptic curve ...
        # Windows 10 ... the elliptic curve suffix is not required and is overridden by the
        # new elliptic curve priority order" (cipher-suites-in-schannel): the name still
        # counts, its curve does not.
        problems.append(
            f"names in the Windows 7 / 8.1 form with a curve suffix, which "
            f"{profile.family.name} ignores (the ECC Curve Order picks the curve): "
            + ", ".join(suffixed)
        )
        evidence["suffixed_suites"] = suffixed
    bad_curves = [
        c
        for c in _unknown_curves(curves.data if curves is not None else None)
        if c not in spaced_curves
    ]
    if local_curves is not None:
        bad_curves += [
            c
            for c in _unknown_curves(local_curves.data)
            if c not in spaced_curves and c not in bad_curves
        ]
    if bad_curves:
        problems.append("unknown curve names: " + ", ".join(bad_curves))
    no_curve = curves is not None and not _known_curves(curves.data)
    if no_curve:
        problems.append(
            "no curve Windows knows is left in the ECC Curve Order, so no ECDHE suite and no "
            "TLS 1.3 can work"
        )
    missing13 = _tls13_without_suite(profile, suites_value)
    if missing13:
        problems.append(
            "TLS 1.3 is on but the list holds no TLS 1.3 suite ("
            + ", ".join(_TLS13_SUITES)
            + "): Windows cannot offer TLS 1.3, which the front door prefers"
        )
    where = POLICY_SSL_KEY if policy is not None or curves is not None else LOCAL_SSL_KEY
    evidence["key"] = where
    if not problems:
        return Outcome.passed(
            f"The configured lists at {where} hold only names {profile.family.name} implements, "
            "in the expected types.",
            **evidence,
        )
    judged = suites_as_if_tls12_on(profile)
    usable = [name for name in tls12_capable(judged.cipher_suites) if name not in _bases(cut)]
    if no_curve:
        usable = [name for name in usable if not name.startswith("TLS_ECDHE_")]
    evidence["usable_suites"] = usable
    message = f"The configured lists at {where} hold what Windows cannot use: " + "; ".join(
        problems
    )
    if usable:
        message += f". {len(usable)} TLS 1.2 suites remain usable."
        severity = Severity.WARNING
    else:
        message += f". No TLS 1.2 suite is left: {profile.label} offers none to any TLS 1.2 server."
        severity = Severity.ERROR
    changes = _changes(profile, registry, policy, local, curves, local_curves, missing13)
    local_write = any(not isinstance(change, ManualStep) for change in changes)
    return Outcome.failed(
        message,
        fix=Fix(
            "Rewrite the cipher suite / curve list with names this Windows implements, then "
            "restart Windows",
            changes,
            safety=Safety.NEEDS_CONFIRMATION if local_write else Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        ),
        severity=severity,
        **evidence,
    )


def _unimplemented_text(profile: ClientProfile) -> str:
    parts = [f"{name} ({why})" for name, why in profile.unimplemented_suites.items()]
    return "suites Schannel ignores: " + ", ".join(parts)


def _raw_items(data: object) -> list[str]:
    if isinstance(data, tuple):
        return [str(item) for item in data if str(item).strip()]
    if isinstance(data, str):
        return [item for item in data.split(",") if item.strip()]
    return []


def _unknown_curves(data: object) -> list[str]:
    from ..parsers.tls_cmdlets import parse_ecc_curves

    bad: list[str] = []
    for item in _raw_items(data):
        try:
            bad.extend(parse_ecc_curves(item.strip(), "EccCurves policy").unknown)
        except InputError:
            bad.append(item.strip())
    return bad


# --- issue 13: what the linter adds (spaces in curves, suffixes, truncation, TLS 1.3) ---------


def _truncated(data: object) -> tuple[list[str], tuple[str, str] | None, list[str]]:
    """A policy list cut at 1,023 characters: the names kept, the one cut, the names lost.

    The cut one is its name and what is left of it.
    """
    text = ",".join(str(i) for i in data) if isinstance(data, tuple) else str(data)
    kept: list[str] = []
    lost: list[str] = []
    broken: tuple[str, str] | None = None
    position = 0
    for item in text.split(","):
        end = position + len(item)
        if end <= _POLICY_LIMIT:
            kept.append(item)
        elif position < _POLICY_LIMIT:
            broken = (item.strip(), text[position:_POLICY_LIMIT].strip())
        elif item.strip():
            lost.append(item.strip())
        position = end + 1
    return kept, broken, lost


def _cut_text(broken: tuple[str, str] | None, lost: list[str]) -> str:
    text = ""
    if broken is not None:
        text = f", so it cuts {broken[0]} to {broken[1]!r}"
    if lost:
        lead = " and drops" if broken is not None else ", so it drops"
        text += f"{lead} the {len(lost)} names after it: {', '.join(lost)}"
    return text


def _bases(names: list[str]) -> set[str]:
    """IANA names of ``names`` (a cut fragment names no suite)."""
    found = {by_name(name) for name in names}
    return {suite.name for suite in found if suite is not None}


def _spaced_curves(*values: RegValue | None) -> list[str]:
    """Curve elements with blanks in them: Windows reads each element as one curve name."""
    spaced: list[str] = []
    for value in values:
        if value is None:
            continue
        spaced += [i for i in _raw_items(value.data) if i != i.strip() or " " in i.strip()]
    return spaced


def _known_curves(data: object) -> list[str]:
    """The elements that name a curve Windows knows, as written."""
    from ..parsers.tls_cmdlets import parse_ecc_curves

    known: list[str] = []
    for item in _raw_items(data):
        if item != item.strip() or " " in item:
            continue
        try:
            if not parse_ecc_curves(item, "EccCurves policy").unknown:
                known.append(item)
        except InputError:
            continue
    return known


def _suffixed_names(profile: ClientProfile, value: RegValue | None) -> list[str]:
    """Suite names with a curve suffix on Windows 10 and later, which ignore the suffix."""
    if value is None or profile.family.pre_windows10:
        return []
    return [
        item.strip()
        for item in _raw_items(value.data)
        if item.strip().upper().endswith(_CURVE_SUFFIX) and by_name(item.strip()) is not None
    ]


def _tls13_without_suite(profile: ClientProfile, value: RegValue | None) -> bool:
    """TLS 1.3 is offered, yet the configured list in force has no TLS 1.3 suite."""
    if value is None or not profile.protocol(ProtocolVersion.TLSv1_3).offered:
        return False
    for item in _raw_items(value.data):
        suite = by_name(item.strip())
        if suite is not None and suite.kex == "TLS13":
            return False
    return True


def _corrected_suites(profile: ClientProfile, data: object, add_tls13: bool) -> tuple[str, ...]:
    """The list with only names this build implements, in the form it expects, in order."""
    implemented = implemented_suites(profile.family, profile.hotfixes)
    names: list[str] = list(_TLS13_SUITES) if add_tls13 else []
    for item in _raw_items(data):
        for piece in item.split():
            suite = by_name(piece)
            if suite is None or suite.name not in implemented:
                continue
            # Windows 7 / 8.1 keep the name as written (the suffix picks the curve there).
            name = piece if profile.family.pre_windows10 else suite.name
            if name not in names:
                names.append(name)
    return tuple(names)


def _corrected_curves(data: object) -> tuple[str, ...]:
    from ..parsers.tls_cmdlets import parse_ecc_curves

    names: list[str] = []
    for item in _raw_items(data):
        for piece in item.replace(",", " ").split():
            try:
                known = not parse_ecc_curves(piece, "EccCurves policy").unknown
            except InputError:
                known = False
            if known and piece not in names:
                names.append(piece)
    return tuple(names)


def _current(data: object) -> tuple[str, ...]:
    return tuple(_raw_items(data))


def _changes(
    profile: ClientProfile,
    registry: Registry,
    policy: RegValue | None,
    local: RegValue | None,
    curves: RegValue | None,
    local_curves: RegValue | None,
    add_tls13: bool,
) -> tuple[Change, ...]:
    """Policy-owned values: the value to put in the GPO (a ManualStep); local ones: typed writes.

    A Group Policy re-applies its values at the next refresh, so they are never written here
    (fixes/changes.py); the local lists are journaled writes that undo restores.
    """
    changes: list[Change] = []
    if policy is not None:
        fixed = _corrected_suites(profile, policy.data, add_tls13)
        text = ",".join(fixed)
        if (
            policy.type != RegType.SZ
            or fixed != _current(policy.data)
            or len(",".join(_raw_items(policy.data))) > _POLICY_LIMIT
        ):
            if not tls12_capable(name for name in fixed if by_name(name) is not None):
                target = (
                    f"set it to Not Configured (Windows' default list): no suite of the list is "
                    f"one {profile.family.name} implements for TLS 1.2 (see OS001 for what can "
                    "reach the front door)"
                )
            else:
                target = f"set it to {text}"
                if len(text) > _POLICY_LIMIT:
                    target += (
                        f" and shorten it to {_POLICY_LIMIT:,} characters by removing weak "
                        "suites from the end"
                    )
            changes.append(
                ManualStep(
                    f"Run gpedit.msc, open {_GPO_FOLDER} > SSL Cipher Suite Order and {target} "
                    "(one comma-separated line, no spaces).",
                    needs_admin=True,
                    needs_restart=True,
                )
            )
    if curves is not None:
        fixed_curves = _corrected_curves(curves.data)
        if curves.type != RegType.MULTI_SZ or fixed_curves != _current(curves.data):
            listed = ", ".join(fixed_curves or _DEFAULT_CURVES)
            changes.append(
                ManualStep(
                    f"In {_GPO_FOLDER} open ECC Curve Order and set it to Not Configured "
                    "(Windows' default curves: deleting this value is what fixed Office sign-in "
                    f"after a hardening role wrote it), or enter one curve per line: {listed}.",
                    needs_admin=True,
                    needs_restart=True,
                )
            )
    if local is not None and policy is None:
        fixed = _corrected_suites(profile, local.data, add_tls13)
        if local.type != RegType.MULTI_SZ or fixed != _current(local.data):
            changes.append(_local_write(registry, local, "Functions", fixed))
    if local_curves is not None:
        fixed_curves = _corrected_curves(local_curves.data)
        if local_curves.type != RegType.MULTI_SZ or fixed_curves != _current(local_curves.data):
            changes.append(_local_write(registry, local_curves, "EccCurves", fixed_curves))
    changes.append(
        ManualStep(
            "Restart Windows: Schannel reads these lists when it starts. If `gpupdate /force` "
            "brings an old policy list back, a domain GPO sets it: ask its owner to change it.",
            needs_restart=True,
        )
    )
    return tuple(changes)


def _local_write(
    registry: Registry, value: RegValue, name: str, fixed: tuple[str, ...]
) -> SetValue | DeleteValue:
    """Rewrite a local list as REG_MULTI_SZ with ``fixed``, or delete it when nothing is left."""
    hive, path = split_hive(LOCAL_SSL_KEY)
    how = "In an elevated Command Prompt, run {command}"
    if not fixed:
        return DeleteValue(hive, path, name, before=value.data, needs_restart=True, how=how)
    return SetValue(
        hive,
        path,
        name,
        ValueType.REG_MULTI_SZ,
        fixed,
        before=value.data,
        needs_restart=True,
        how=how,
    )
