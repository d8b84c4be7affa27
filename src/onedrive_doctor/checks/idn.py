"""IDN: the device's Entra identity (article: Windows 10, restart / dsregcmd /leave and /join).

All five checks read ``dsregcmd /status`` (dsregcmd.txt); IDN001 and IDN004 also read
``nltest /dsgetdc:<domain>`` (nltest.txt), because the article's leave / join step must only
run on the organisation's network. Sources for every rule: docs/knowledge/windows-client.md
§1.3-§1.4 (Microsoft's dsregcmd, hybrid join and PRT troubleshooting docs) and §3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..evidence import Evidence
from ..fixes import Change, ManualStep, RunCommand, Safety, Shell, manual
from ..fixes.render import NOT_SAFE_TO_PASTE, is_domain_name
from ..model import Fix, Outcome, Severity
from ..parsers.dsregcmd import (
    DiagnosticResult,
    DsregcmdStatus,
)
from ..parsers.nltest import NltestResult
from ._common import NO_WINDOWS_EVIDENCE, not_windows

__all__ = [
    "device_auth_failed",
    "device_registration_unreachable",
    "hybrid_join_pending",
    "off_org_network",
    "prt_missing",
]

_DSREGCMD = "dsregcmd.txt"
_NLTEST = "nltest.txt"

# What the codes dsregcmd prints mean, in plain words. Hybrid join and WinINet codes:
# "Troubleshoot Microsoft Entra hybrid joined devices" (DSREG_* names from Microsoft's device
# registration error table); PRT Attempt Status codes: "Troubleshoot primary refresh token issues
# on Windows devices" (docs/knowledge/windows-client.md §1.4).
_CODE_MEANINGS: dict[str, str] = {
    "0x801c001d": "the device registration service connection point (SCP) could not be read "
    "from Active Directory, it is missing or unreadable: DSREG_AUTOJOIN_ADCONFIG_READ_FAILED",
    "0x80070002": "not found; for the AD Configuration Test: there is no SCP object in Active "
    "Directory",
    "0x801c0021": "discovery of the device registration service failed, no discovery metadata "
    "came back: DSREG_AUTOJOIN_DISC_FAILED",
    "0x801c000c": "discovery failed, the server could not be reached: DSREG_E_DISCOVERY_FAILED",
    "0x801c001f": "discovery timed out: DSREG_AUTOJOIN_DISC_WAIT_TIMEOUT",
    "0x801c003d": "realm discovery failed: Windows could not tell whether the domain is managed "
    "or federated",
    "0x801c003a": "the tenant was not found",
    "0x801c0025": "the device registration service answered HTTP 503, unavailable",
    "0x801c03f2": "the computer object is not in Entra ID yet: Entra Connect has not synced it, "
    "and the sync join waits for that",
    "0x80072ee2": "the connection timed out: WinINet/WinHTTP timeout",
    "0x80072efd": "no connection could be made to the server: WinINet/WinHTTP cannot connect",
    "0x80072ee7": "the server name could not be resolved: DNS",
    "0x80072efe": "the connection was closed before the answer came",
    "0x80072f8f": "the answer could not be decoded: a proxy or TLS inspection is interfering",
    "0x80072f94": "WPAD found no proxy auto-configuration script",
    "0x8007000d": "invalid data: usually a proxy answering with an HTML sign-in page instead of "
    "the service",
    "0xc000006d": "logon failure: Windows could not reach Entra ID's authentication service, or "
    "it answered HTTP 400; often a proxy the computer account cannot authenticate to",
    "0xc000006a": "logon failure: a wrong password, or the authentication service could not be "
    "reached",
    "0xc00000d0": "request not accepted: Entra ID or WS-Trust answered HTTP 400",
    "0xc000023c": "network unreachable: a required endpoint could not be reached",
    "0xc00000be": "bad network path: a required endpoint could not be reached",
    "0xc00000c4": "unexpected network error reaching a required endpoint",
    "0xc000005f": "user realm discovery failed: the user's UPN domain is not a verified domain of "
    "the tenant",
    "0xc004844c": "the user name is malformed",
    "0xc0048442": "the token has no user SID: a proxy may be changing the server's answer",
}
# STATUS_* codes of the PRT table that mean the endpoint could not be reached at all.
_NETWORK_STATUSES = frozenset(("0xc000023c", "0xc00000be", "0xc00000c4"))
# Codes that point at the directory (SCP, sync), not at the network.
_ADMIN_SIDE_CODES = frozenset(("0x801c001d", "0x80070002", "0x801c03f2", "0x801c003a"))
_REGISTRATION_URLS = (
    "https://enterpriseregistration.windows.net",
    "https://login.microsoftonline.com",
    "https://device.login.microsoftonline.com",
)


def _meaning(code: str) -> str:
    """``0x801c0021 (discovery ... failed)``, or the code alone when it is not in the table."""
    meaning = _CODE_MEANINGS.get(code.lower())
    return f"{code} ({meaning})" if meaning else code


def _is_network_code(code: str) -> bool:
    """A WinINet/WinHTTP transport error (0x80072ee0-0x80072fff) or a network STATUS_ code."""
    code = code.lower()
    return code.startswith(("0x80072e", "0x80072f")) or code in _NETWORK_STATUSES


def _http_error_code(value: str | None) -> str | None:
    """The SSO State ``HTTP Error`` as an HRESULT (``12002`` -> ``0x80072ee2``); None for 0."""
    if not value:
        return None
    text = value.split()[0].lower()
    try:
        number = int(text, 16) if text.startswith("0x") else int(text)
    except ValueError:
        return None
    number &= 0xFFFFFFFF  # a negative decimal HRESULT
    if number == 0:
        return None
    if 12000 <= number <= 12999:  # a bare WinHTTP error number
        number |= 0x80070000
    return f"0x{number:08x}"


# --- evidence loading ----------------------------------------------------------------------


def _dsregcmd(ev: Evidence) -> DsregcmdStatus | Outcome:
    """The dsregcmd.txt evidence parsed once, or the outcome saying why there is none."""
    other_os = not_windows(ev)
    if other_os is not None:
        return other_os
    if ev.dsregcmd.problem is not None:
        return Outcome.unknown(f"unreadable evidence: {ev.dsregcmd.problem}")
    if ev.dsregcmd.value is None and _DSREGCMD in ev.unavailable:
        return Outcome.not_applicable(
            f"{ev.unavailable[_DSREGCMD]} does not exist on this Windows (unavailable.txt): "
            "device join to Entra ID is a Windows 10/11 feature"
        )
    if ev.dsregcmd.value is None:
        before_10 = _windows_before_10(ev)
        if before_10 is not None:
            # Issue 9 point 9: the join steps of the article are for Windows 10/11; a Windows 7
            # or 8 has no dsregcmd /status to collect, so there is nothing missing.
            return Outcome.not_applicable(
                f"{before_10} has no device join to Microsoft Entra ID (dsregcmd /status is a "
                "Windows 10/11 command): the article's device join steps do not apply.",
                windows=before_10,
            )
        return Outcome.unknown(f"{NO_WINDOWS_EVIDENCE} (needs {_DSREGCMD})")
    return ev.dsregcmd.value


def _windows_before_10(ev: Evidence) -> str | None:
    """The label of a Windows 7 / 8 / 8.1 the registry export names, else None."""
    from ..errors import InputError
    from ..windows.os_version import os_version

    if ev.registry is None:
        return None
    try:
        found = os_version(ev.registry)
    except InputError:
        return None
    # Build 10240 is the first Windows 10 (version 1507); anything older is Windows 7 / 8 / 8.1.
    return found.label if found is not None and found.build < 10240 else None


def _nltest(ev: Evidence) -> NltestResult | str | None:
    """The parsed nltest.txt; a string saying why it is unreadable; None when absent."""
    return ev.nltest.problem if ev.nltest.problem is not None else ev.nltest.value


def _yes_no(value: bool | None) -> str:
    return "YES" if value else "NO" if value is False else "(not shown)"


def _join_values(status: DsregcmdStatus) -> dict[str, Any]:
    """The Device State values, as dsregcmd printed them, for a finding's evidence."""
    return {
        "AzureAdJoined": status.value("AzureAdJoined"),
        "EnterpriseJoined": status.value("EnterpriseJoined"),
        "DomainJoined": status.value("DomainJoined"),
        "DomainName": status.domain_name,
        "join_type": status.join_type,
    }


@dataclass(frozen=True)
class _DcReach:
    """Whether a domain controller answers, and what says so (one clause for a message)."""

    reachable: bool | None
    evidence: str
    by_nltest: bool = False


def _dc_reach(ev: Evidence, status: DsregcmdStatus) -> _DcReach:
    """nltest.txt first (a check made for this); else dsregcmd's own AD Connectivity Test."""
    nltest = _nltest(ev)
    if isinstance(nltest, NltestResult):
        if nltest.dc_found:
            return _DcReach(True, nltest.summary, by_nltest=True)
        line = nltest.status_line or nltest.summary
        return _DcReach(False, f"nltest found no domain controller ({line})", by_nltest=True)
    missing = (
        f"nltest.txt is unreadable ({nltest})"
        if isinstance(nltest, str)
        else f"{ev.unavailable[_NLTEST]} does not exist on this PC (unavailable.txt)"
        if _NLTEST in ev.unavailable
        else "the bundle has no nltest.txt"
    )
    diagnostics = status.diagnostics
    test = diagnostics.test("AD Connectivity Test")
    if test is not None and (test.passed or test.failed):
        when = f" at {diagnostics.client_time}" if diagnostics.client_time else ""
        return _DcReach(
            test.passed, f"dsregcmd's AD Connectivity Test : {test.value}{when}; {missing}"
        )
    return _DcReach(None, missing)


def _nltest_command(status: DsregcmdStatus) -> str:
    """``nltest /dsgetdc:DOMAIN`` in backticks for a step; DOMAIN a placeholder unless valid.

    The DomainName comes from the bundle: only a name that passes the domain name grammar is
    pasted into the command (issue 11 point 12); anything else is refused, and the step says so.
    """
    domain = status.domain_name
    if domain is None:
        return "`nltest /dsgetdc:<DomainName>`"
    if is_domain_name(domain):
        return f"`nltest /dsgetdc:{domain}`"
    return (
        "`nltest /dsgetdc:<DomainName>` (type the domain's name: the DomainName in "
        f"dsregcmd.txt is not a valid domain name, so it was {NOT_SAFE_TO_PASTE})"
    )


# --- IDN001 ----------------------------------------------------------------------------------


def hybrid_join_pending(ev: Evidence) -> Outcome:
    r"""Domain joined device without Microsoft Entra (Azure AD) join: hybrid join is pending.

    What it checks:
        `dsregcmd /status`, Device State: `DomainJoined : YES` with `AzureAdJoined : NO`, i.e.
        the Microsoft Entra hybrid join has not completed. The pre-join Diagnostic Data (Error
        Phase pre-check / discover / auth / join, Client ErrorCode such as 0x801c001d for a
        missing SCP or 0x801c03f2 for a computer object not yet synced) says why. Passes when
        both are YES (hybrid joined); does not apply to a PC in no domain (workgroup, home PC,
        Entra joined only), where the article's join steps have nothing to do.

    Why it matters:
        Without the device's Entra identity there is no Primary Refresh Token, so OneDrive's
        silent sign-in of an on-premises AD account fails. The article's Windows 10 fix: restart
        while connected to the domain, then `dsregcmd /leave` and `dsregcmd /join`.

    Evidence:
        dsregcmd.txt (`dsregcmd /status`; elevated for the SYSTEM-context diagnostics), and
        nltest.txt (`nltest /dsgetdc:<DomainName>`) to know whether the leave / join may run.

    Fix:
        On the organisation's network (or a VPN that reaches a domain controller): restart;
        if still pending, from an elevated prompt run `dsregcmd /leave`, then `dsregcmd /join`,
        close the prompt, restart and sign in to OneDrive. `/join` only schedules the
        Automatic-Device-Join task (SYSTEM, retried hourly); SCP or sync errors need the admin.
        The leave / join is offered only when nltest.txt shows a domain controller answering;
        when it shows none the fix is to connect to the office network or VPN first, and
        without nltest.txt the fix says how to check before the leave.

    Fix safety:
        Needs confirmation: admin rights and a restart, and re-join only while on the
        organisation's network (IDN004): a leave off-network leaves the device unjoined until it
        next sees a domain controller. Entra-only devices never get a hybrid leave.

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Troubleshoot devices by using the dsregcmd command:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd
        - Troubleshoot Microsoft Entra hybrid joined devices:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current

    """
    status = _dsregcmd(ev)
    if isinstance(status, Outcome):
        return status
    values = _join_values(status)
    domain, aad = status.domain_joined, status.azure_ad_joined
    if domain is None:
        return Outcome.unknown(
            "dsregcmd.txt does not show DomainJoined, so the join state is unknown", **values
        )
    if not domain:
        return Outcome.not_applicable(
            f"Not domain joined (DomainJoined : NO, AzureAdJoined : {_yes_no(aad)}; "
            f"{status.join_type}): the article's join steps do not apply.",
            **values,
        )
    if status.enterprise_joined:
        return Outcome.not_applicable(
            "Joined to an on-premises Device Registration Service (EnterpriseJoined : YES), "
            "not Microsoft Entra hybrid join: the article's join steps do not apply.",
            **values,
        )
    if aad is None:
        return Outcome.unknown(
            "dsregcmd.txt shows DomainJoined : YES but not AzureAdJoined, so whether the hybrid "
            "join completed is unknown",
            **values,
        )
    if aad:
        return Outcome.passed(
            f"Microsoft Entra hybrid joined: DomainJoined : YES (domain "
            f"{status.domain_name or 'not shown'}) and AzureAdJoined : YES.",
            **values,
        )
    diagnostics = status.diagnostics
    why = ""
    if diagnostics.client_error_code:
        phase = f"Error Phase {diagnostics.error_phase}, " if diagnostics.error_phase else ""
        why = (
            f" dsregcmd's diagnostics: {phase}Client ErrorCode "
            f"{_meaning(diagnostics.client_error_code)}."
        )
    reach = _dc_reach(ev, status)
    return Outcome.failed(
        f"Hybrid join is not complete: DomainJoined : YES (domain "
        f"{status.domain_name or 'not shown'}) but AzureAdJoined : NO, so Windows has no Entra "
        f"device identity and OneDrive cannot sign in silently.{why}",
        fix=_join_fix(status, reach),
        **values,
        error_phase=diagnostics.error_phase,
        client_error_code=diagnostics.client_error_code,
        domain_controller=reach.evidence,
    )


def _join_fix(status: DsregcmdStatus, reach: _DcReach) -> Fix:
    """The article's restart, then leave / join, gated on a domain controller answering."""
    check = _nltest_command(status)
    admin_steps = _admin_side_steps(status)
    if reach.reachable is False:
        return Fix(
            "Connect to the organisation's network (office or VPN) first; do not run "
            "dsregcmd /leave now",
            (
                *manual(*admin_steps),
                *manual(
                    f"This PC cannot reach a domain controller: {reach.evidence}. It is not on the "
                    "organisation's network, and hybrid join needs one.",
                    "Connect it to the office network, or start the VPN that reaches the domain "
                    f"controllers, until {check} lists a DC and ends with 'The command completed "
                    "successfully'.",
                    "Then restart the PC while connected and sign in; Windows retries the join at "
                    "sign-in and every hour.",
                    "Do not run `dsregcmd /leave` before that: off the organisation's network it "
                    "would leave the device unjoined until it next sees a domain controller.",
                    "Run the diagnosis again on the organisation's network: the leave / join step "
                    "is offered once a domain controller answers.",
                ),
            ),
            safety=Safety.MANUAL,
            needs_restart=True,
        )
    leave_join = (
        ManualStep(
            "If dsregcmd /status still shows AzureAdJoined : NO: open Command Prompt as "
            "administrator (Start, right-click Command Prompt, Run as administrator)."
        ),
        # The article's pair: leave, then join again (only reached with a DC in sight, IDN004).
        RunCommand(
            "dsregcmd /leave",
            Shell.CMD,
            undo="dsregcmd /join",
            needs_admin=True,
            safety=Safety.MANUAL,
            how="Run `{command}`.",
        ),
        RunCommand(
            "dsregcmd /join",
            Shell.CMD,
            undo="dsregcmd /leave",
            needs_admin=True,
            needs_restart=True,
            safety=Safety.MANUAL,
            how="Then run `{command}` and close the prompt.",
        ),
        ManualStep("Restart the PC and sign in to OneDrive.", needs_restart=True),
    )
    if reach.by_nltest:
        first: tuple[str, ...] = (
            f"Restart the PC while it is on the organisation's network ({reach.evidence}), "
            "sign in, and run `dsregcmd /status`.",
        )
    else:
        earlier = ""
        if reach.reachable:
            client_time = status.diagnostics.client_time
            at = f" at {client_time}" if client_time else ""
            earlier = (
                f" (dsregcmd's AD Connectivity Test passed{at}, when dsregcmd ran; that does "
                "not show the PC is on the network now)"
            )
        first = (
            "Only on the organisation's network (office, or a VPN that reaches a domain "
            f"controller): check first with {check}{earlier}; it must list a DC and end with "
            "'The command completed successfully'. If it fails (e.g. ERROR_NO_SUCH_DOMAIN), "
            "connect to the office network or VPN first and do not run `dsregcmd /leave`.",
            "Restart the PC while connected, sign in, and run `dsregcmd /status`.",
        )
    return Fix(
        "Restart on the organisation's network; if still not joined, run dsregcmd /leave and "
        "dsregcmd /join elevated, then restart",
        (*manual(*admin_steps, *first), *leave_join),
        safety=Safety.NEEDS_CONFIRMATION,
        needs_admin=True,
        needs_restart=True,
    )


def _admin_side_steps(status: DsregcmdStatus) -> tuple[str, ...]:
    """A step for the admin when the diagnostics show a directory-side cause."""
    diagnostics = status.diagnostics
    codes = set(diagnostics.client_error_codes)
    scp_test = diagnostics.test("AD Configuration Test")
    if "0x801c001d" in codes or (scp_test is not None and scp_test.failed):
        return (
            "First the admin: dsregcmd reports the SCP missing (Client ErrorCode 0x801c001d / "
            "AD Configuration Test FAIL), which a leave / join cannot fix. The admin configures "
            "Microsoft Entra hybrid join for the forest in Microsoft Entra Connect (it writes "
            "the SCP); the steps below follow once it has replicated.",
        )
    if "0x801c03f2" in codes:
        return (
            "First the admin: dsregcmd reports Client ErrorCode 0x801c03f2, the computer object "
            "is not synced to Entra ID yet. The admin checks that Microsoft Entra Connect syncs "
            "this computer's OU; the join completes after the next sync, often with no step "
            "below needed.",
        )
    return ()


# --- IDN002 ----------------------------------------------------------------------------------


def device_auth_failed(ev: Evidence) -> Outcome:
    r"""Device authentication to Entra ID failed, or the device is disabled or deleted.

    What it checks:
        `dsregcmd /status`, Device Details: `DeviceAuthStatus : FAILED. Device is either disabled
        or deleted` (Windows 10 21H1 and later; `FAILED. ERROR` means the test could not reach
        Entra ID), the SSO State `Server Error Code` / description AADSTS50155, and the
        post-join diagnostics `AadRecoveryEnabled : YES` (device keys unusable; a warning) or a
        KeySignTest that failed. Passes on `DeviceAuthStatus : SUCCESS`; unknown when dsregcmd
        does not print the field (before Windows 10 21H1); does not apply to a device that is
        not Entra joined or hybrid joined (it has no device identity to authenticate).

    Why it matters:
        Entra ID rejects the device's certificate: users see "Your organization has deleted /
        disabled the device", no PRT is issued, and OneDrive cannot sign in silently.

    Evidence:
        dsregcmd.txt; nltest.txt for the hybrid re-register step.

    Fix:
        The tenant admin re-enables the device. If it was deleted: on a hybrid joined device,
        on the organisation's network, run `dsregcmd.exe /debug /leave` elevated, then sign out
        and in so the scheduled task registers it again; on an Entra joined device run
        `dsregcmd /forcerecovery` as admin instead. `FAILED. ERROR` is first a network problem:
        SYSTEM must reach Entra ID.

    Fix safety:
        Manual: the device object lives in the tenant and only its admin can restore it. The
        local leave needs admin rights and the organisation's network; Entra-only devices never
        get a hybrid leave.

    References:
        - Troubleshoot devices by using the dsregcmd command:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd
        - Microsoft Entra device management FAQ:
          https://learn.microsoft.com/entra/identity/devices/faq
        - Troubleshoot primary refresh token issues on Windows devices:
          https://learn.microsoft.com/azure/active-directory/devices/troubleshoot-primary-refresh-token

    """
    status = _dsregcmd(ev)
    if isinstance(status, Outcome):
        return status
    values = _join_values(status)
    auth = status.device_auth_status
    values.update(
        DeviceAuthStatus=auth,
        DeviceId=status.device_id,
        AadRecoveryEnabled=status.value("AadRecoveryEnabled"),
        KeySignTest=status.value("KeySignTest"),
    )
    if status.azure_ad_joined is None:
        return Outcome.unknown(
            "dsregcmd.txt does not show AzureAdJoined, so whether the device has an Entra "
            "identity to authenticate is unknown",
            **values,
        )
    if not status.azure_ad_joined:
        return Outcome.not_applicable(
            f"Not Entra joined or hybrid joined (AzureAdJoined : NO; {status.join_type}): "
            "there is no device identity to authenticate.",
            **values,
        )
    server = " ".join(
        part for part in (status.server_error_code, status.server_error_description) if part
    )
    rejected = "AADSTS50155" in server.upper()
    auth_upper = (auth or "").upper()
    if auth_upper.startswith("FAILED") or rejected:
        return _device_auth_failure(ev, status, auth, server, values)
    diagnostics = status.diagnostics
    key_test = diagnostics.key_sign_test or ""
    if diagnostics.aad_recovery_enabled or key_test.upper().startswith("FAIL"):
        return Outcome.failed(
            "The device's keys are marked unusable: "
            f"AadRecoveryEnabled : {_yes_no(diagnostics.aad_recovery_enabled)}"
            + (f", KeySignTest : {key_test}" if key_test else "")
            + ". Windows recovers them at the next sign-in (silently on a hybrid joined device, "
            "with a prompt on an Entra joined one).",
            fix=Fix(
                "Sign out and sign in again so Windows recovers the device keys",
                (
                    *manual(
                        "Sign out and sign in with the work account (on an Entra joined device, "
                        "follow the recovery prompt).",
                        "Run `dsregcmd /status` again: AadRecoveryEnabled should be NO and "
                        "KeySignTest PASSED (KeySignTest needs an elevated prompt).",
                    ),
                    _force_recovery(
                        "If it stays YES on an Entra joined device, a local administrator can run "
                        "`{command}`."
                    ),
                ),
            ),
            severity=Severity.WARNING,
            **values,
        )
    if auth is None:
        return Outcome.unknown(
            "dsregcmd.txt has no DeviceAuthStatus: dsregcmd tests device authentication only "
            "from Windows 10 21H1 (May 2021 update) on, so this build cannot tell",
            **values,
        )
    if auth_upper.startswith("SUCCESS"):
        return Outcome.passed(
            f"Entra ID accepts the device: DeviceAuthStatus : {auth} "
            f"(DeviceId {status.device_id or 'not shown'}).",
            **values,
        )
    return Outcome.unknown(f"DeviceAuthStatus shows an unexpected value: {auth!r}", **values)


def _device_auth_failure(
    ev: Evidence,
    status: DsregcmdStatus,
    auth: str | None,
    server: str,
    values: dict[str, Any],
) -> Outcome:
    hybrid = bool(status.domain_joined)
    seen = []
    if auth:
        seen.append(f"DeviceAuthStatus : {auth}")
    if "AADSTS50155" in server.upper():
        seen.append(f"the last PRT attempt got {server}")
    could_not_run = (auth or "").upper().replace(" ", "") in ("FAILED.ERROR", "FAILED,ERROR")
    device = f"device {status.device_id}" if status.device_id else "this device"
    if could_not_run and len(seen) == 1:
        message = (
            f"The device authentication test could not run: {seen[0]}. dsregcmd could not "
            "reach Microsoft Entra ID in system context, so Entra ID may also be rejecting "
            "the device."
        )
    else:
        message = (
            f"Microsoft Entra ID rejects {device}: {'; '.join(seen)}. It is disabled or "
            "deleted in the tenant (users see 'Your organization has deleted / disabled the "
            "device'), so no sign-in token is issued."
        )
    steps: list[Change] = []
    if could_not_run:
        steps.append(
            ManualStep(
                "Let the computer account (SYSTEM) reach Microsoft Entra ID: check `netsh "
                "winhttp show proxy` and that " + ", ".join(_REGISTRATION_URLS) + " pass the "
                "proxy and firewall without a credentials prompt, then run `dsregcmd /status` "
                "again."
            )
        )
    steps.append(
        ManualStep(
            f"Ask the Entra ID admin to look up {device} (Entra admin center > Devices): if it "
            "is disabled, re-enable it; nothing else is needed on the PC."
        )
    )
    if hybrid:
        reach = _dc_reach(ev, status)
        if reach.reachable is False:
            steps.append(
                ManualStep(
                    "If the device was deleted, it must register again, which needs the "
                    f"organisation's network, and this PC is not on it ({reach.evidence}): "
                    f"connect to the office network or VPN first (check: "
                    f"{_nltest_command(status)})."
                )
            )
        else:
            steps.append(
                RunCommand(
                    "dsregcmd /debug /leave",
                    Shell.CMD,
                    undo=None,
                    undo_why="the Automatic-Device-Join task registers the device again; a "
                    "deleted device's old registration cannot come back",
                    needs_admin=True,
                    safety=Safety.MANUAL,
                    how="If it was deleted: only on the organisation's network (office or VPN; "
                    f"check with {_nltest_command(status)} that a DC answers), open Command "
                    "Prompt as administrator and run `{command}`.",
                )
            )
        steps.append(
            ManualStep(
                "Sign out and sign in again (or restart): the Automatic-Device-Join task "
                "registers the device again once Entra Connect has synced it; then sign in to "
                "OneDrive."
            )
        )
        title = (
            "Have the admin re-enable the device; if it was deleted, re-register it with "
            "dsregcmd /debug /leave on the organisation's network, then sign out and in"
        )
    else:
        steps.extend(
            (
                _force_recovery(
                    "If it was deleted: sign in with a local administrator account and run "
                    "`{command}`, then sign in with the work account when Windows asks; then "
                    "sign in to OneDrive."
                ),
                ManualStep(
                    "Do not run `dsregcmd /leave` here: this device is Microsoft Entra joined, "
                    "not hybrid joined, and a leave removes its only join."
                ),
            )
        )
        title = (
            "Have the admin re-enable the device in Entra ID, or run dsregcmd /forcerecovery "
            "as administrator"
        )
    return Outcome.failed(
        message,
        fix=Fix(title, tuple(steps), safety=Safety.MANUAL, needs_admin=True, needs_restart=hybrid),
        **values,
        server_error=server or None,
    )


def _force_recovery(how: str) -> RunCommand:
    """``dsregcmd /forcerecovery``: Windows re-registers the device's keys at the next sign-in."""
    return RunCommand(
        "dsregcmd /forcerecovery",
        Shell.CMD,
        undo=None,
        undo_why="recovery replaces the device keys; the unusable ones are not kept",
        needs_admin=True,
        safety=Safety.MANUAL,
        how=how,
    )


# --- IDN003 ----------------------------------------------------------------------------------


def prt_missing(ev: Evidence) -> Outcome:
    r"""Primary Refresh Token missing: the device is joined but the user has no PRT.

    What it checks:
        `dsregcmd /status` run as the signed-in user: `AzureAdJoined : YES` with SSO State
        `AzureAdPrt : NO`. The PRT diagnostics (Windows 10 21H1 and later: `Attempt Status`,
        `Server Error Code`, `HTTP Error`) give the cause. Does not apply to a device that is not
        Entra joined or hybrid joined (an Entra registered account's PRT is not shown here);
        unknown when the output has no SSO State (dsregcmd run as SYSTEM, or elevated).

    Why it matters:
        The PRT is what Windows' single sign-on hands to OneDrive; without it sign-in fails.
        Attempt Status 0xc000006d or 0xc000023c often means the computer account cannot reach
        or authenticate to the proxy; AADSTS50126 a wrong or not yet synced password.

    Evidence:
        dsregcmd.txt from an un-elevated prompt in the user's session (SSO State "must run in a
        user context").

    Fix:
        Lock and unlock the PC (or sign out and in) to force a PRT refresh, or run
        `dsregcmd /refreshprt` where the build has it; then fix the cause the Attempt Status
        names (proxy authentication for the computer account, password, UPN domain), checking
        that login.microsoftonline.com is reachable through the proxy.

    Fix safety:
        Manual: the refresh is a user action in the user's own session, and the causes lie in
        the network or the directory.

    References:
        - Troubleshoot primary refresh token issues on Windows devices:
          https://learn.microsoft.com/azure/active-directory/devices/troubleshoot-primary-refresh-token
        - Troubleshoot devices by using the dsregcmd command:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd

    """
    status = _dsregcmd(ev)
    if isinstance(status, Outcome):
        return status
    values = _join_values(status)
    values.update(
        AzureAdPrt=status.value("AzureAdPrt"),
        AzureAdPrtUpdateTime=status.azure_ad_prt_update_time,
        AttemptStatus=status.attempt_status,
        ServerErrorCode=status.server_error_code,
        ServerErrorDescription=status.server_error_description,
        HttpError=status.http_error,
        UserContext=status.user_context,
    )
    if status.azure_ad_joined is None:
        return Outcome.unknown(
            "dsregcmd.txt does not show AzureAdJoined, so whether the user should have a PRT "
            "is unknown",
            **values,
        )
    if not status.azure_ad_joined:
        registered = " (Entra registered accounts' PRTs are not shown here)"
        return Outcome.not_applicable(
            f"Not Entra joined or hybrid joined (AzureAdJoined : NO; {status.join_type}): "
            f"dsregcmd's PRT state applies only to joined devices"
            f"{registered if status.workplace_joined else ''}.",
            **values,
        )
    elevated = ""
    if status.ran_elevated:
        elevated = (
            f"dsregcmd ran elevated or as SYSTEM (User Context : {status.user_context}), which "
            "hides the signed-in user's PRT"
        )
    prt = status.azure_ad_prt
    if not status.has_sso_state or prt is None:
        why = elevated or ("dsregcmd shows it only when run un-elevated in the user's own session")
        return Outcome.unknown(
            "dsregcmd.txt has no SSO State (AzureAdPrt), so the user's PRT is unknown: "
            f"{why}. Run `dsregcmd /status` from a normal (not elevated) prompt as the user.",
            **values,
        )
    if prt:
        updated = status.azure_ad_prt_update_time
        return Outcome.passed(
            "The user has a Primary Refresh Token: AzureAdPrt : YES"
            + (f" (updated {updated})." if updated else "."),
            **values,
        )
    details = _prt_attempt_details(status)
    message = (
        "The user has no Primary Refresh Token: AzureAdJoined : YES but AzureAdPrt : NO, so "
        "Windows cannot sign OneDrive in silently."
    )
    if details:
        message += " Last attempt: " + "; ".join(details) + "."
    if elevated:
        message += f" Note: {elevated}; confirm with an un-elevated run in the user's session."
    return Outcome.failed(message, fix=_prt_fix(status), **values)


def _prt_attempt_details(status: DsregcmdStatus) -> list[str]:
    details = []
    if status.attempt_status:
        details.append(f"Attempt Status {_meaning(status.attempt_status)}")
    if status.server_error_code:
        description = status.server_error_description
        details.append(
            f"Server Error Code {status.server_error_code}"
            + (f" ({description})" if description else "")
        )
    if status.http_error:
        code = _http_error_code(status.http_error)
        shown = _meaning(code) if code else status.http_error
        details.append(f"HTTP Error {shown}")
    return details


def _prt_fix(status: DsregcmdStatus) -> Fix:
    first = ManualStep(
        "Lock the PC and unlock it with the password, or sign out and sign in again: Windows "
        "asks for a new PRT at sign-in and unlock."
    )
    refresh = RunCommand(
        "dsregcmd /refreshprt",
        Shell.CMD,
        undo=None,
        undo_why="a new token replaces one that no longer works; there is nothing to restore",
        safety=Safety.SAFE,
        how="Or run `{command}` in a normal (not elevated) Command Prompt as the user, then "
        "`dsregcmd /status`: SSO State must show AzureAdPrt : YES.",
    )
    steps: list[str] = []
    codes = {(status.attempt_status or "").lower()}
    server = " ".join(
        part for part in (status.server_error_code, status.server_error_description) if part
    ).upper()
    if "AADSTS50126" in server:
        steps.append(
            "Entra ID rejected the password (AADSTS50126): sign in with the current password; "
            "after a password change, password hash sync may not have caught up yet."
        )
    if "0xc000005f" in codes:
        steps.append(
            "The user's UPN domain is not a verified domain of the tenant (0xc000005f): the "
            "admin adds and verifies it, or changes the UPN suffix."
        )
    steps.append(
        "Check that this PC reaches https://login.microsoftonline.com through its proxy "
        "(`netsh winhttp show proxy` for the computer account, Internet Options for the user): "
        "a proxy that asks the computer account for credentials or inspects TLS breaks the PRT "
        "request."
    )
    steps.append("Then sign in to OneDrive again.")
    return Fix(
        "Get the user a new Primary Refresh Token: lock and unlock or sign out and in, or run "
        "dsregcmd /refreshprt",
        (first, refresh, *manual(*steps)),
    )


# --- IDN004 ----------------------------------------------------------------------------------


def off_org_network(ev: Evidence) -> Outcome:
    r"""No domain controller of the device's domain answers: a leave / join now would strand it.

    What it checks:
        For a domain joined device (DomainName from dsregcmd), whether
        `nltest /dsgetdc:<domain>` finds a domain controller; failure looks like "Getting DC
        name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN". Without nltest.txt, dsregcmd's
        own pre-join `AD Connectivity Test` (PASS / FAIL) decides when it is shown; with
        neither the result is unknown. Does not apply to a PC in no domain.

    Why it matters:
        The article: "You must be connected to your organization's network when you do these
        steps. Don't do these steps if you aren't connected to your organization's
        infrastructure (for example, while traveling)." Hybrid join fails its pre-check without
        a line of sight to a domain controller, so `dsregcmd /leave` off-network leaves the
        device unjoined. Cloud sign-in itself does not need one, hence a warning.

    Evidence:
        dsregcmd.txt and nltest.txt.

    Fix:
        Connect to the office network, or to a VPN that reaches a domain controller, and run
        the diagnosis again before any leave / join (IDN001, IDN002).

    Fix safety:
        Manual: only the user can connect to the organisation's network. This check gates the
        leave / join fixes: they are never offered while it fails.

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Troubleshoot Microsoft Entra hybrid joined devices:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current
        - Domain-joined machines can't detect the domain profile (Microsoft support article,
          nltest /dsgetdc output):
          https://learn.microsoft.com/troubleshoot/windows-server/networking/domain-joined-machines-cannot-detect-domain-profile

    """
    status = _dsregcmd(ev)
    if isinstance(status, Outcome):
        return status
    values = _join_values(status)
    if status.domain_joined is None:
        return Outcome.unknown(
            "dsregcmd.txt does not show DomainJoined, so whether a domain controller is "
            "needed is unknown",
            **values,
        )
    if not status.domain_joined:
        return Outcome.not_applicable(
            f"Not domain joined (DomainJoined : NO; {status.join_type}): there is no domain "
            "controller to reach.",
            **values,
        )
    domain = status.domain_name or "the device's domain"
    check = _nltest_command(status)
    reach = _dc_reach(ev, status)
    values["domain_controller"] = reach.evidence
    if reach.reachable is None:
        return Outcome.unknown(
            f"Whether a domain controller of {domain} answers is unknown: {reach.evidence}. "
            f"Run {check} on the PC and add its output to the bundle as nltest.txt.",
            **values,
        )
    if reach.reachable:
        return Outcome.passed(
            f"A domain controller of {domain} answered: {reach.evidence}.",
            **values,
        )
    return Outcome.failed(
        f"No domain controller of {domain} answers: {reach.evidence}. This PC is not on the "
        "organisation's network (office or VPN): a dsregcmd /leave now would leave the device "
        "unjoined until it next sees a domain controller.",
        fix=Fix(
            "Connect to the organisation's network (office or VPN) before any leave / join",
            manual(
                "Connect the PC to the office network, or start the VPN that reaches the "
                "domain controllers.",
                f"Check with {check}: it must list a DC and end with 'The command completed "
                "successfully'.",
                "Then collect and analyse again; do not run `dsregcmd /leave` before that.",
            ),
        ),
        **values,
    )


# --- IDN005 ----------------------------------------------------------------------------------


def device_registration_unreachable(ev: Evidence) -> Outcome:
    r"""Device registration or its discovery fails in dsregcmd's diagnostics.

    What it checks:
        dsregcmd's Diagnostic Data (and the same lines in the old format): a failing
        `AD Configuration Test` (the SCP that points to the tenant), `DRS Discovery Test`,
        `DRS Connectivity Test`, `Token acquisition Test` or any other pre-join test, and
        Client ErrorCodes of the discover phase or of the network: 0x801c001d (SCP missing),
        0x801c0021 / 0x801c000c (discovery failed), 0x801c001f (discovery timeout), 0x801c003d
        (realm discovery), 0x80072efd / 0x80072ee2 (cannot connect / timeout), 0x80072f8f (a
        proxy interfering with the response). A PRT attempt that failed with a network code
        (Attempt Status or HTTP Error 0x80072ee2, ...) counts too. Passes when the tests ran
        and passed; unknown when dsregcmd printed no pre-join diagnostics (it does only for a
        domain joined device that is not hybrid joined yet), or when they were skipped because
        no domain controller answered (IDN004).

    Why it matters:
        Registration runs as SYSTEM and must reach https://enterpriseregistration.windows.net,
        https://login.microsoftonline.com and https://device.login.microsoftonline.com; if the
        computer account cannot discover or authenticate to the proxy, hybrid join and the PRT
        never complete, and OneDrive cannot sign in.

    Evidence:
        dsregcmd.txt, best from an elevated prompt (SYSTEM-context diagnostics).

    Fix:
        Let the computer account reach those URLs: WinHTTP proxy by Group Policy (Windows 10
        1709 and later) or WPAD, a proxy that accepts machine-context authentication, and
        device.login.microsoftonline.com / enterpriseregistration.windows.net excluded from TLS
        inspection. A missing SCP is the admin's: configure hybrid join in Entra Connect.

    Fix safety:
        Manual: proxy and firewall configuration belongs to the network team, the SCP to the
        directory admin.

    References:
        - Troubleshoot Microsoft Entra hybrid joined devices:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current
        - Configure Microsoft Entra hybrid join, network requirements:
          https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join
        - Troubleshoot devices by using the dsregcmd command:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd

    """
    status = _dsregcmd(ev)
    if isinstance(status, Outcome):
        return status
    diagnostics = status.diagnostics
    values = _join_values(status)
    values.update(
        tests={test.name: test.value for test in diagnostics.tests},
        error_phase=diagnostics.error_phase,
        client_error_codes=list(diagnostics.client_error_codes),
        user_context=diagnostics.user_context,
        AttemptStatus=status.attempt_status,
        HttpError=status.http_error,
    )
    problems: list[str] = []
    codes_seen: set[str] = set()
    failed = [t for t in diagnostics.failed_tests if t.name.lower() != "ad connectivity test"]
    for test in failed:
        known = [f"{code}: {_CODE_MEANINGS[code]}" for code in test.codes if code in _CODE_MEANINGS]
        problems.append(f"{test.name} : {test.value}" + (f" ({'; '.join(known)})" if known else ""))
        codes_seen.update(test.codes)
    for phase, raw_code in diagnostics.client_errors:
        code = raw_code.lower()
        # discover: finding the service; auth: the federated token for it (the hybrid join
        # doc's phases). The join phase is the service's answer, not reachability.
        registration = (phase or "").lower() in ("discover", "auth") or _is_network_code(code)
        if registration and code not in codes_seen:
            where = f" in Error Phase {phase}" if phase else ""
            problems.append(f"Client ErrorCode {_meaning(raw_code)}{where}")
            codes_seen.add(code)
    network_prt = [
        (label, code)
        for label, code in (
            ("Attempt Status", (status.attempt_status or "").lower()),
            ("HTTP Error", _http_error_code(status.http_error) or ""),
        )
        if code and _is_network_code(code)
    ]
    for label, code in network_prt:
        problems.append(
            f"the last PRT attempt could not reach Microsoft Entra ID: {label} {_meaning(code)}"
        )
        codes_seen.add(code)
    if problems:
        return Outcome.failed(
            "Device registration cannot complete: " + "; ".join(problems) + ".",
            fix=_registration_fix(codes_seen, failed),
            **values,
        )
    connectivity = diagnostics.test("AD Connectivity Test")
    if connectivity is not None and connectivity.failed:
        return Outcome.unknown(
            f"dsregcmd's AD Connectivity Test : {connectivity.value}: no domain controller "
            "answered, so the registration tests did not run (see IDN004).",
            **values,
        )
    ran = [t for t in diagnostics.tests if t.passed]
    if any(t.name.lower().startswith("drs") for t in ran):
        waiting = ""
        if "0x801c03f2" in {c.lower() for c in diagnostics.client_error_codes}:
            waiting = (
                " The join itself waits for Entra Connect to sync the computer object "
                "(Client ErrorCode 0x801c03f2; see IDN001)."
            )
        return Outcome.passed(
            "dsregcmd's registration tests passed: "
            + ", ".join(f"{t.name} : {t.value}" for t in ran)
            + "."
            + waiting,
            **values,
        )
    if diagnostics.tests:
        return Outcome.unknown(
            "dsregcmd's registration tests did not run ("
            + ", ".join(f"{t.name} : {t.value}" for t in diagnostics.tests)
            + ")",
            **values,
        )
    if status.domain_joined is False and status.azure_ad_joined is False:
        return Outcome.not_applicable(
            f"Neither domain joined nor Microsoft Entra joined ({status.join_type}): the "
            "article's device registration steps do not apply.",
            **values,
        )
    if status.azure_ad_joined is True:
        # A joined device has nothing left to register, and dsregcmd prints no registration
        # diagnostics for it: that is no missing evidence (issue 9 point 9).
        return Outcome.not_applicable(
            f"This device is already {status.join_type}: dsregcmd runs its registration tests "
            "only for a device still waiting to join, so there is no registration to check.",
            **values,
        )
    return Outcome.unknown(
        "dsregcmd.txt has no device registration diagnostics: dsregcmd prints its pre-join "
        "tests (DRS Discovery Test, ...) only when the device is domain joined but not yet "
        f"hybrid joined, best from an elevated prompt; this device is {status.join_type}.",
        **values,
    )


def _registration_fix(codes: set[str], failed_tests: list[DiagnosticResult]) -> Fix:
    steps: list[str] = []
    scp = bool(codes & {"0x801c001d", "0x80070002"}) or any(
        t.name.lower() == "ad configuration test" for t in failed_tests
    )
    network = (
        any(_is_network_code(c) for c in codes)
        or bool(codes - _ADMIN_SIDE_CODES)
        or any(t.name.lower() != "ad configuration test" for t in failed_tests)
    )
    if scp:
        steps.append(
            "The device registration service connection point (SCP) is missing or unreadable "
            "in Active Directory: the admin configures Microsoft Entra hybrid join for the "
            "forest in Microsoft Entra Connect (Configure device options), which writes it; "
            "then restart the PC on the organisation's network."
        )
    if network:
        steps.extend(
            (
                "Registration runs as SYSTEM: the computer account must reach "
                + ", ".join(_REGISTRATION_URLS)
                + ". Check the proxy SYSTEM uses with `netsh winhttp show proxy`.",
                "Give it a proxy it can use: the WinHTTP proxy by Group Policy (Windows 10 1709 "
                "and later) or WPAD, and a proxy that accepts the computer account's "
                "authentication without a prompt.",
                "Exclude enterpriseregistration.windows.net and device.login.microsoftonline.com "
                "from TLS inspection, then run `dsregcmd /status` elevated again.",
            )
        )
    title = (
        "Have the admin create the device registration SCP (Microsoft Entra Connect, "
        "Configure device options)"
        if scp and not network
        else "Let the computer account reach the device registration service ("
        + ", ".join(_REGISTRATION_URLS)
        + ")"
    )
    return Fix(title, manual(*steps))
