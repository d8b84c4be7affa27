"""IDN: the device's Entra identity (article: Windows 10, restart / dsregcmd /leave and /join)."""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence
from ._pending import pending

__all__ = [
    "device_auth_failed",
    "device_registration_unreachable",
    "hybrid_join_pending",
    "off_org_network",
    "prt_missing",
]


def hybrid_join_pending(ev: Evidence) -> Outcome:
    r"""Domain joined device without Microsoft Entra (Azure AD) join: hybrid join is pending.

    What it checks:
        `dsregcmd /status`, Device State: `DomainJoined : YES` with `AzureAdJoined : NO`, i.e.
        the Microsoft Entra hybrid join has not completed. The pre-join Diagnostic Data (Error
        Phase pre-check / discover / auth / join, Client ErrorCode such as 0x801c001d for a
        missing SCP or 0x801c03f2 for a computer object not yet synced) says why.

    Why it matters:
        Without the device's Entra identity there is no Primary Refresh Token, so OneDrive's
        silent sign-in of an on-premises AD account fails. The article's Windows 10 fix: restart
        while connected to the domain, then `dsregcmd /leave` and `dsregcmd /join`.

    Evidence:
        dsregcmd.txt (`dsregcmd /status`; elevated for the SYSTEM-context diagnostics).

    Fix:
        On the organisation's network (or a VPN that reaches a domain controller): restart;
        if still pending, from an elevated prompt run `dsregcmd /leave`, then `dsregcmd /join`,
        close the prompt, restart and sign in to OneDrive. `/join` only schedules the
        Automatic-Device-Join task (SYSTEM, retried hourly); SCP or sync errors need the admin.

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
    return pending(ev, ("dsregcmd.txt",))


def device_auth_failed(ev: Evidence) -> Outcome:
    r"""Device authentication to Entra ID failed, or the device is disabled or deleted.

    What it checks:
        `dsregcmd /status`, Device Details: `DeviceAuthStatus : FAILED. Device is either disabled
        or deleted` (Windows 10 21H1 and later; `FAILED. ERROR` means the test could not run),
        the SSO State `Server Error Code` AADSTS50155, and the post-join diagnostics
        `AadRecoveryEnabled : YES` or a KeySignTest that did not pass.

    Why it matters:
        Entra ID rejects the device's certificate: users see "Your organization has deleted /
        disabled the device", no PRT is issued, and OneDrive cannot sign in silently.

    Evidence:
        dsregcmd.txt.

    Fix:
        The tenant admin re-enables the device. If it was deleted: on a hybrid joined device,
        on the organisation's network, run `dsregcmd.exe /debug /leave` elevated, then sign out
        and in so the scheduled task registers it again; on an Entra joined device run
        `dsregcmd /forcerecovery` as admin instead.

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
    return pending(ev, ("dsregcmd.txt",))


def prt_missing(ev: Evidence) -> Outcome:
    r"""Primary Refresh Token missing: the device is joined but the user has no PRT.

    What it checks:
        `dsregcmd /status` run as the signed-in user: `AzureAdJoined : YES` with SSO State
        `AzureAdPrt : NO`. The PRT diagnostics (Windows 10 21H1 and later: `Attempt Status`,
        `Server Error Code`, `HTTP Error`) give the cause; an `AzureAdPrtUpdateTime` older than
        four hours means the PRT is not refreshing.

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
        names (proxy authentication for the computer account, password, UPN domain).

    Fix safety:
        Manual: the refresh is a user action in the user's own session, and the causes lie in
        the network or the directory.

    References:
        - Troubleshoot primary refresh token issues on Windows devices:
          https://learn.microsoft.com/azure/active-directory/devices/troubleshoot-primary-refresh-token
        - Troubleshoot devices by using the dsregcmd command:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd

    """
    return pending(ev, ("dsregcmd.txt",))


def off_org_network(ev: Evidence) -> Outcome:
    r"""No domain controller of the device's domain answers: a leave / join now would strand it.

    What it checks:
        For a domain joined device (DomainName from dsregcmd), whether
        `nltest /dsgetdc:<domain>` finds a domain controller; failure looks like "Getting DC
        name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN". The dsregcmd pre-join
        `AD Connectivity Test` is a second signal.

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
          nltest /dsgetdc output).

    """
    return pending(ev, ("dsregcmd.txt", "nltest.txt"))


def device_registration_unreachable(ev: Evidence) -> Outcome:
    r"""Device registration or its discovery fails in dsregcmd's diagnostics.

    What it checks:
        dsregcmd's Diagnostic Data: `DRS Discovery Test` or `DRS Connectivity Test` :
        FAIL [...], Error Phase `discover`, or Client ErrorCode 0x801c0021, 0x801c001f
        (discovery timeout), 0x801c003d (realm discovery), 0x80072efd / 0x80072ee2 (cannot
        connect / timeout) or 0x80072f8f (a proxy interfering with the response).

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
        inspection.

    Fix safety:
        Manual: proxy and firewall configuration belongs to the network team.

    References:
        - Troubleshoot Microsoft Entra hybrid joined devices:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current
        - Configure Microsoft Entra hybrid join, network requirements:
          https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join
        - Troubleshoot devices by using the dsregcmd command:
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd

    """
    return pending(ev, ("dsregcmd.txt",))
