"""SCH008: the cipher suite and curve lists Windows is told to use, checked for what it ignores.

Kept apart from ``sch.py`` because it judges the configured lists themselves, not the front door.
The rules: "SSL Cipher Suite Order" writes `Functions` as REG_SZ, comma-separated, "limited to
1,023 characters"; "ECC Curve Order" writes `EccCurves` as REG_MULTI_SZ (manage-tls,
docs/knowledge/windows-tls.md §4.6); Schannel skips a name it does not implement
(the model audit behind issue 10).
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..evidence import Evidence
from ..fixes import Safety, manual
from ..model import Fix, Outcome, Severity
from ..registry.regfile import RegType
from ..windows.client_model import LOCAL_SSL_KEY, POLICY_SSL_KEY, ClientProfile
from ._windows import (
    SCHANNEL_KEY,
    exported,
    profile_of,
    registry_of,
    suites_as_if_tls12_on,
    tls12_capable,
    tls_settings_collected,
)

__all__ = ["crypto_policy_malformed"]

_POLICY_LIMIT = 1023


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
        says), and a `Functions` list longer than 1,023 characters. A warning; an error when
        no suite usable in TLS 1.2 is left.

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
        Rewrite the list in gpedit.msc (Computer Configuration > Administrative Templates >
        Network > SSL Configuration Settings) with names this Windows implements, comma-separated
        without spaces, at most 1,023 characters; on Windows 7 / 8.1 the AFD-compatible suites
        are the DHE_RSA / RSA AES-GCM ones (KB3042058), or upgrade Windows (OS001).

    Fix safety:
        Manual: the list is an organisation's policy, a domain GPO re-applies it, and a change
        needs admin rights and a restart.

    References:
        - Manage TLS: https://learn.microsoft.com/windows-server/security/tls/manage-tls
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - TLS Cipher Suites in Windows 7:
          https://learn.microsoft.com/windows/win32/secauthn/tls-cipher-suites-in-windows-7

    """
    profile = profile_of(ev, uses=("hotfixes.txt",), needs=(POLICY_SSL_KEY,))
    if isinstance(profile, Outcome):
        return profile
    registry = registry_of(ev)
    policy = registry.value(POLICY_SSL_KEY, "Functions")
    local = registry.value(LOCAL_SSL_KEY, "Functions")
    curves = registry.value(POLICY_SSL_KEY, "EccCurves")
    if policy is None and local is None and curves is None:
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
    if suites_value is not None:
        items = _raw_items(suites_value.data)
        spaced = [item for item in items if item != item.strip() or " " in item.strip()]
        if spaced:
            problems.append("elements with spaces: " + ", ".join(repr(item) for item in spaced))
        text = ",".join(items)
        evidence["length"] = len(text)
        if len(text) > _POLICY_LIMIT:
            problems.append(
                f"Functions is {len(text):,} characters: Windows uses the first "
                f"{_POLICY_LIMIT:,} only"
            )
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
    bad_curves = _unknown_curves(curves.data if curves is not None else None)
    if bad_curves:
        problems.append("unknown curve names: " + ", ".join(bad_curves))
    where = POLICY_SSL_KEY if policy is not None or curves is not None else LOCAL_SSL_KEY
    evidence["key"] = where
    if not problems:
        return Outcome.passed(
            f"The configured lists at {where} hold only names {profile.family.name} implements, "
            "in the expected types.",
            **evidence,
        )
    judged = suites_as_if_tls12_on(profile)
    usable = tls12_capable(judged.cipher_suites)
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
    return Outcome.failed(
        message,
        fix=Fix(
            "Rewrite the cipher suite / curve list with names this Windows implements, then "
            "restart Windows",
            manual(
                "Run gpedit.msc and open Computer Configuration > Administrative Templates > "
                "Network > SSL Configuration Settings > SSL Cipher Suite Order (and ECC Curve "
                "Order).",
                f"List only suites {profile.family.name} implements, comma-separated without "
                f"spaces, at most {_POLICY_LIMIT:,} characters; on Windows 7 / 8 / 8.1 that "
                "means no ECDHE_RSA AES-GCM (see OS001 for what can reach the front door).",
                "Run `gpupdate /force`, then restart Windows.",
            ),
            safety=Safety.MANUAL,
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
