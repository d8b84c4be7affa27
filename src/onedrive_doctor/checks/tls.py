"""TLS: the live TLS path from this PC to the sign-in endpoints (article: TLS deprecation)."""

from __future__ import annotations

from typing import Any

from ..evidence import Evidence, NetworkEvidence
from ..fixes import ManualStep, manual
from ..knowledge.endpoints import REQUIRED_ENDPOINTS, parse_host_port
from ..knowledge.interception_vendors import (
    MAY_BE_INTENDED,
    MICROSOFT_NO_INSPECTION,
    TENANT_RESTRICTIONS,
    VENDORS,
    Vendor,
    identify_vendor,
    interception_kind,
)
from ..knowledge.microsoft_pki import common_name, is_microsoft_issuer
from ..model import Fix, Outcome, Severity
from ..probes.attempt import AttemptStatus, ProbeAttempt
from ..probes.results import HttpsResult, ReplayResult, ScanResult
from ..windows.client_model import ClientProfile
from ..windows.offer import judge_scan
from ._common import NO_WINDOWS_EVIDENCE, network_evidence, not_windows
from .evt import logged_alerts

__all__ = [
    "client_offer_rejected",
    "peer_lacks_tls12",
    "peer_tls_policy",
    "tls_interception",
]


def client_offer_rejected(ev: Evidence) -> Outcome:
    r"""Endpoints reject the ClientHello this PC's Windows TLS stack would send.

    What it checks:
        Rebuilds the ClientHello Schannel would send from this PC's settings (enabled protocol
        versions under SCHANNEL\Protocols, the effective cipher suite list and order, the
        enabled ECC curves), replays it to each required endpoint (login.microsoftonline.com,
        <tenant>-my.sharepoint.com, ...) and fails when the endpoint answers with an alert, a
        reset or silence instead of a ServerHello. The offer is judged against the AFD policy
        measured on the endpoint, else against TLSv1.2_2023, and the finding says which.

    Why it matters:
        Azure Front Door "chooses a cipher suite in the listed order from the cipher suites that
        the client supports"; with no overlap there is no handshake and OneDrive reports
        0x8004de40. A Python/OpenSSL probe does not test Schannel, so only a replay of
        Schannel's own offer proves the local TLS settings, not the network, are to blame.

    Evidence:
        registry/ (HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL,
        the policy and local ...\Configuration\SSL\00010002 `Functions` lists),
        cipher-suites.txt and ecc-curves.txt when present, and the replay results in probes.json.

    Fix:
        Apply the fix of the SCH / OS finding that explains the rejection: enable the TLS 1.2
        client (SCH001), put TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 on top (SCH002), enable NistP256 / NistP384
        (SCH006). On Windows 7 / 8 / 8.1 against TLSv1.2_2023 only an OS upgrade helps (OS001).

    Fix safety:
        This check has no fix of its own. The fixes it points to change machine-wide Schannel
        settings: they need admin rights, a restart and confirmation.

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - Cipher Suites in TLS/SSL (Schannel SSP):
          https://learn.microsoft.com/windows/win32/secauthn/cipher-suites-in-schannel

    """
    other_os = not_windows(ev)
    if other_os is not None:
        return other_os
    if ev.profile.problem is not None:
        return Outcome.unknown(f"unreadable evidence: {ev.profile.problem}")
    profile = ev.profile.value
    if profile is None:
        # Rebuilding the offer needs the Windows TLS settings; a bundle without them cannot say
        # what Schannel would send, whatever the scan found.
        problem = ev.problem("registry/")
        if problem:
            return Outcome.unknown(f"unreadable evidence: {problem}")
        return Outcome.unknown(
            f"{NO_WINDOWS_EVIDENCE} (needs registry/ with Windows NT CurrentVersion)"
        )
    results = _replay_results(ev, profile)
    if not results:
        return Outcome.unknown(
            "neither a replay of this PC's ClientHello nor a TLS scan of an endpoint is in this "
            "bundle: run `onedrive-doctor diagnose` on the PC, or `analyze --live` where the "
            "endpoints can be reached"
        )
    offer = (
        f"{profile.label} offers {', '.join(v.label for v in profile.offered_protocols)} "
        f"with {len(profile.cipher_suites)} suite(s)"
    )
    rejected = [r for r in results if not r["accepted"]]
    evidence: dict[str, Any] = {
        "results": results,
        "offer": offer,
        "assumed": list(profile.assumed),
    }
    if not rejected:
        first = results[0]
        return Outcome.passed(
            f"{len(results)} endpoint(s) accept this PC's ClientHello (e.g. {first['endpoint']}: "
            f"{first['protocol']} {first['cipher_suite']}; {first['how']}).",
            **evidence,
        )
    worst = rejected[0]
    # Corroboration (issue 13): the refusal Schannel logged on the PC itself.
    logged = logged_alerts(ev, (40, 70, 71, 80))
    if logged:
        evidence["logged"] = logged
    return Outcome.failed(
        f"{worst['endpoint']} rejects the ClientHello this PC's Windows TLS stack sends "
        f"({worst['detail']}; {worst['how']}): {offer}. No ServerHello, so OneDrive cannot "
        "sign in." + (f" {logged}" if logged else ""),
        fix=Fix(
            "Make Schannel offer a protocol and cipher suite the endpoint accepts",
            manual(
                "SCH001 says whether TLS 1.2 is switched off; SCH002 whether no AFD-compatible "
                "cipher suite is enabled; OS001 whether this Windows can offer one at all.",
                "Apply their fixes, restart, and run onedrive-doctor again.",
            ),
        ),
        **evidence,
    )


def _replay_results(ev: Evidence, profile: ClientProfile) -> list[dict[str, Any]]:
    """Per endpoint: accepted or not, from the live replay, else judged from the TLS scan."""
    results: list[dict[str, Any]] = []
    for attempt in ev.replays or ():
        if attempt.probe != "replay" or attempt.status is not AttemptStatus.OK:
            continue
        result = attempt.read(ReplayResult)
        accepted = bool(result.accepted)
        if accepted:
            detail = f"{result.protocol} {result.cipher_suite}"
        elif result.alert:
            detail = f"alert {result.alert}"
        else:
            detail = f"the connection ended: {result.closed or 'no answer'}"
        results.append(
            {
                "endpoint": attempt.target,
                "accepted": accepted,
                "detail": detail,
                "protocol": result.protocol,
                "cipher_suite": result.cipher_suite,
                "how": "replayed live"
                + (
                    f" from this machine's own network (the PC's route, {result.bundle_route}, "
                    "was not followed)"
                    if result.bundle_route
                    else ""
                ),
            }
        )
    if results or ev.network is None:
        return results
    for scan in ev.network.of("tls_scan"):
        if not scan.ok:
            continue
        verdict = judge_scan(profile, scan.read(ScanResult))
        results.append(
            {
                "endpoint": scan.target,
                "accepted": verdict.accepted,
                "detail": (
                    f"{verdict.protocol} {verdict.cipher_suite}"
                    if verdict.accepted
                    else verdict.reason or "no common protocol or suite"
                ),
                "protocol": verdict.protocol,
                "cipher_suite": verdict.cipher_suite,
                "how": "judged from the endpoint's TLS scan, not replayed",
            }
        )
    return results


def tls_interception(ev: Evidence) -> Outcome:
    r"""Something on the path re-signs the TLS connection to a required endpoint.

    What it checks:
        The certificate chain each required endpoint (login.microsoftonline.com,
        enterpriseregistration.windows.net, <tenant>-my.sharepoint.com, ...) presents to the TLS
        scan, direct and through the proxy. Fails when it does not lead to the expected
        Microsoft issuers but, e.g., to a corporate inspection CA or an antivirus root. Says
        what kind of interception it is: on the sign-in hosts (login.microsoftonline.com,
        login.microsoft.com, login.windows.net, login.live.com) it can be intended, as Tenant
        Restrictions v1 requires it; on device.login.microsoftonline.com,
        enterpriseregistration.windows.net and the OneDrive / SharePoint hosts it must be
        bypassed. Names the product from the issuer (Zscaler, Netskope, Palo Alto Networks,
        Fortinet, Cisco Umbrella, Blue Coat / Symantec, Sophos, Check Point, Forcepoint,
        mitmproxy, ...).

    Why it matters:
        Microsoft asks that device.login.microsoftonline.com and
        enterpriseregistration.windows.net be excluded from TLS break-and-inspect: "Failure to
        exclude these URLs might cause interference with client certificate authentication,
        cause issues with device registration, and device-based Conditional Access". Optimize
        and Allow Microsoft 365 endpoints should bypass TLS decryption altogether. Typical
        symptoms: 0xcaa82f8f (certificate could not be validated), 0x80072f8f.

    Evidence:
        probes.json: the TLS scans' certificate chains (subject, issuer) per endpoint and
        whether a proxy was used. Runs on any OS.

    Fix:
        Have the network / security team exclude the Microsoft 365 Optimize and Allow
        endpoints (login.microsoftonline.com, device.login.microsoftonline.com,
        enterpriseregistration.windows.net, *.sharepoint.com) from TLS inspection on the proxy,
        firewall or endpoint-security product, or send them direct with a PAC file. When the
        issuer names the product, the finding gives that vendor's "do not decrypt" setting and
        its documentation. Where Tenant Restrictions v1 is in use, keep intercepting only the
        sign-in hosts it needs.

    Fix safety:
        Manual only: the change is on a device or product this tool does not control. Never
        "fix" it locally by trusting or removing root certificates.

    References:
        - Configure Microsoft Entra hybrid join, network requirements:
          https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join
        - Microsoft 365 network connectivity principles:
          https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles
        - Troubleshoot Microsoft Entra hybrid joined devices:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current
        - Tenant Restrictions v1 (the proxy intercepts the sign-in hosts):
          https://learn.microsoft.com/entra/identity/enterprise-apps/tenant-restrictions
        - The vendors' inspection exemption pages: onedrive_doctor/knowledge/interception_vendors.py

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    trusted = [str(x) for x in net.config.get("trusted_issuers") or []]
    seen: list[dict[str, Any]] = []
    for attempt in net.of("https"):
        if not attempt.ok:
            continue
        issuers = _issuers(attempt, net)
        if not issuers:
            continue
        # The leaf's issuer decides: a re-signing proxy may well send Microsoft's roots too.
        legit = is_microsoft_issuer(issuers[0]) or any(dn in trusted for dn in issuers)
        item: dict[str, Any] = {
            "endpoint": attempt.target,
            "via": attempt.via,
            "issuer": issuers[0],
            "microsoft": legit,
        }
        if not legit:
            vendor = identify_vendor(issuers)
            item["kind"] = interception_kind(_endpoint_host(attempt.target))
            item["vendor"] = vendor.name if vendor else None
        seen.append(item)
    if not seen:
        return Outcome.unknown("no endpoint's certificate was seen (no HTTPS connection succeeded)")
    bad = [item for item in seen if not item["microsoft"]]
    if not bad:
        return Outcome.passed(
            f"All {len(seen)} endpoints present certificates from Microsoft's PKI "
            f"(e.g. {common_name(seen[0]['issuer']) or seen[0]['issuer']}).",
            endpoints=seen,
        )
    return _intercepted(bad)


def _endpoint_host(target: str) -> str:
    try:
        return parse_host_port(target)[0]
    except ValueError:
        return target


def _intercepted(bad: list[dict[str, Any]]) -> Outcome:
    """The TLS002 failure: who re-signs, where it may be intended, and how to exempt."""
    first = bad[0]
    issuer = common_name(first["issuer"]) or first["issuer"]
    hosts = list(dict.fromkeys(_endpoint_host(item["endpoint"]) for item in bad))
    never = [e.host for e in REQUIRED_ENDPOINTS if e.never_inspect]
    vendor = next((v for v in (_vendor(item) for item in bad) if v is not None), None)
    intended = [h for h in hosts if interception_kind(h) == MAY_BE_INTENDED]
    bypass = [h for h in hosts if h not in intended]
    by = f"{issuer!r}" + (f" ({vendor.name})" if vendor else "")
    message = (
        f"TLS to {', '.join(hosts[:3])}{' and others' if len(hosts) > 3 else ''} is re-signed "
        f"by {by}, not by Microsoft's certificate authorities: a proxy, firewall or "
        "security product inspects the connection."
    )
    if bypass:
        message += (
            f" Inspection of {', '.join(bypass[:3])}{' and others' if len(bypass) > 3 else ''} "
            "must be bypassed: it breaks device authentication, device registration and "
            "OneDrive sign-in."
        )
    if intended:
        message += (
            f" On {', '.join(intended[:3])} it can be intended (Tenant Restrictions v1 "
            "intercepts the sign-in hosts to add its header); the device and OneDrive hosts "
            "must still bypass it."
        )
    message += f" Microsoft says {' and '.join(never)} must never be inspected."
    steps: list[ManualStep] = []
    exempt = ", ".join([*never, *(h for h in bypass if h not in never)])
    if vendor is not None:
        steps.append(
            ManualStep(
                f"{vendor.name}: {vendor.guidance}: {exempt}, and the tenant's *.sharepoint.com "
                "hosts.",
                link=vendor.link,
            )
        )
    else:
        steps.append(
            ManualStep(
                f"Ask the team that runs the device issuing {issuer!r} to bypass TLS inspection "
                f"for {exempt}, login.microsoftonline.com and the tenant's *.sharepoint.com hosts "
                "(Microsoft 365 'Optimize' and 'Allow' endpoints)."
            )
        )
    steps.append(
        ManualStep(
            "Microsoft 365's network connectivity principles ask to bypass TLS inspection for "
            "the Optimize and Allow endpoints.",
            link=MICROSOFT_NO_INSPECTION,
        )
    )
    if intended:
        steps.append(
            ManualStep(
                "If Tenant Restrictions v1 is in use, keep intercepting only the sign-in hosts "
                f"it needs ({', '.join(intended)}).",
                link=TENANT_RESTRICTIONS,
            )
        )
    steps.extend(
        manual("Do not work around it on the PC by trusting or removing root certificates.")
    )
    return Outcome.failed(
        message,
        fix=Fix("Exclude the Microsoft 365 sign-in endpoints from TLS inspection", tuple(steps)),
        reissued=bad,
        issuer=first["issuer"],
        vendor=vendor.name if vendor else None,
        vendor_guidance=vendor.link if vendor else None,
        may_be_intended=intended,
        must_bypass=bypass,
    )


def _vendor(item: dict[str, Any]) -> Vendor | None:
    name = item.get("vendor")
    if not name:
        return None
    return next((v for v in VENDORS if v.name == name), None)


def _issuers(attempt: ProbeAttempt, net: NetworkEvidence) -> list[str]:
    """Issuers along the chain an endpoint presented: the scan's chain, else the leaf's issuer."""
    for scan in net.of("tls_scan"):
        if scan.ok and scan.target == attempt.target and scan.via == attempt.via:
            chain = [c.issuer for c in scan.read(ScanResult).certificate_chain if c.issuer]
            if chain:
                return chain
    certificate = attempt.read(HttpsResult).certificate
    if certificate is not None and certificate.issuer:
        return [certificate.issuer]
    return []


def _network(ev: Evidence) -> NetworkEvidence | Outcome:
    return network_evidence(ev, "no network probes in this bundle, so no TLS scan")


def _scans(ev: Evidence) -> list[ProbeAttempt] | Outcome:
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    scans = [a for a in net.of("tls_scan") if a.ok]
    if scans:
        return scans
    failed = [a for a in net.of("tls_scan") if not a.ok]
    if failed:
        return Outcome.unknown(
            f"the TLS scan did not complete: {failed[0].target}: {failed[0].error}"
        )
    return Outcome.unknown("no TLS scan in this bundle (no endpoint answered HTTPS)")


def _accepted(scan: ProbeAttempt) -> list[str]:
    return scan.read(ScanResult).accepted_protocols


def peer_lacks_tls12(ev: Evidence) -> Outcome:
    r"""Neither TLS 1.2 nor TLS 1.3 is accepted by the TLS peer on the path to an endpoint.

    What it checks:
        The TLS scan's per-version handshakes to each required endpoint, direct and through the
        proxy. Fails when TCP connects (TCP failures are NET004) but the peer that answers,
        the endpoint or a middlebox in front of it, completes no TLS 1.2 and no TLS 1.3
        handshake.

    Why it matters:
        Microsoft 365 disabled TLS 1.0 / 1.1 (Worldwide and GCC from 15 October 2020), and
        Azure Front Door serves TLS 1.2 and 1.3 only ("As of March 1, 2025, TLS 1.0 and 1.1 are
        not allowed on new Azure Front Door profiles"). A real Microsoft endpoint always speaks
        TLS 1.2, so a peer that does not is something else: an old inspection proxy, a
        filtering appliance, or a DNS / hosts-file redirection.

    Evidence:
        probes.json: handshake result per protocol version, the peer's alert or reset, its
        certificate, and whether a proxy was used. Runs on any OS.

    Fix:
        Find the device that terminates TLS (its certificate issuer, see TLS002) and have it
        upgraded to TLS 1.2 or bypassed for Microsoft 365 endpoints; check the hosts file and
        DNS for a redirected name.

    Fix safety:
        Manual only: the peer is outside this PC.

    References:
        - Disabling TLS 1.0 and 1.1 for Microsoft 365:
          https://learn.microsoft.com/microsoft-365/compliance/tls-1.0-and-1.1-deprecation-for-office-365
        - End-to-end TLS with Azure Front Door:
          https://learn.microsoft.com/azure/frontdoor/end-to-end-tls

    """
    scans = _scans(ev)
    if isinstance(scans, Outcome):
        return scans
    bad = [(a, _accepted(a)) for a in scans if not {"TLSv1.2", "TLSv1.3"} & set(_accepted(a))]
    if not bad:
        return Outcome.passed(f"All {len(scans)} scanned endpoints accept TLS 1.2 or TLS 1.3.")
    attempt, accepted = bad[0]
    what = ", ".join(accepted) if accepted else "no protocol version at all"
    via = f" through proxy {attempt.via}" if attempt.via else ""
    return Outcome.failed(
        f"The peer answering for {attempt.target}{via} accepts {what}, but neither TLS 1.2 nor "
        "TLS 1.3: that is not Microsoft's front door but a device on the path.",
        fix=Fix(
            "Find the device that answers instead of Microsoft and have it bypassed or upgraded",
            manual(
                "See TLS002 for the certificate issuer of the device that answers.",
                "Check the hosts file and DNS for a redirected name.",
                "Have the proxy or filtering appliance upgraded to TLS 1.2, or bypassed for "
                "Microsoft 365 endpoints.",
            ),
        ),
        endpoints=[{"endpoint": a.target, "via": a.via, "accepted": acc} for a, acc in bad],
    )


def peer_tls_policy(ev: Evidence) -> Outcome:
    r"""Informational: the TLS versions and suites the peer accepts, and the AFD policy they match.

    What it checks:
        From the TLS scan: the protocol versions and TLS 1.2 cipher suites each required
        endpoint accepts, matched against Azure Front Door's predefined policies:
        TLSv1.2_2023 (TLS 1.3 plus ECDHE_RSA AES GCM only, the current default), TLSv1.2_2022
        (adds ECDHE_RSA AES CBC SHA384 / SHA256; older tables also RSA and DHE_RSA GCM) and
        TLSv1.1/1.0_2019 (adds the SHA-1 CBC suites and TLS 1.0 / 1.1). Reported at info level.

    Why it matters:
        Which policy the OneDrive and sign-in endpoints use is not documented and has changed
        over time. SCH002, SCH003, SCH005, OS001 and TLS001 judge the PC against this measured
        policy instead of the assumed TLSv1.2_2023; it also explains why Windows 7 / 8 / 8.1
        (DHE_RSA GCM and ECDHE_RSA CBC only) reach one endpoint and not another.

    Evidence:
        probes.json: the TLS scans (accepted versions, accepted suites, server preference).
        Runs on any OS.

    Fix:
        None: this finding is informational.

    Fix safety:
        Nothing to apply.

    References:
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - Azure Front Door predefined TLS policies:
          https://learn.microsoft.com/azure/frontdoor/standard-premium/tls-policy
        - End-to-end TLS with Azure Front Door:
          https://learn.microsoft.com/azure/frontdoor/end-to-end-tls

    """
    scans = _scans(ev)
    if isinstance(scans, Outcome):
        return scans
    summaries: list[dict[str, Any]] = []
    for attempt in scans:
        result = attempt.read(ScanResult)
        tls12 = result.protocol("TLSv1.2").cipher_suites
        summaries.append(
            {
                "endpoint": attempt.target,
                "via": attempt.via,
                "protocols": _accepted(attempt),
                "tls12_suites": [s.name for s in tls12],
                "afd_policy": result.afd_policy,
            }
        )
    policies = sorted({str(s["afd_policy"]) for s in summaries if s["afd_policy"]})
    first = summaries[0]
    message = (
        f"{first['endpoint']} accepts {', '.join(first['protocols']) or 'nothing'}"
        f" with {len(first['tls12_suites'])} TLS 1.2 suite(s); "
        + (
            f"matching AFD policy: {', '.join(policies)}."
            if policies
            else "no documented AFD policy matches exactly."
        )
    )
    return Outcome.failed(message, severity=Severity.INFO, endpoints=summaries, policies=policies)
