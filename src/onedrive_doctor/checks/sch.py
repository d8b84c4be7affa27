"""SCH: Schannel, the Windows TLS client (article: TLS deprecation and cipher suites)."""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence
from ._pending import pending

__all__ = [
    "afd_suites_not_preferred",
    "cipher_order_policy_override",
    "key_exchange_disabled",
    "no_afd_cipher_suite",
    "no_nist_curve",
    "tls12_client_disabled",
    "tls13_client_enabled_unsupported",
]


def tls12_client_disabled(ev: Evidence) -> Outcome:
    r"""Schannel's TLS 1.2 client is switched off or off by default.

    What it checks:
        HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client:
        fails when `Enabled` = 0 (disabled on every Windows), when `DisabledByDefault` is
        non-zero, or when `DisabledByDefault` is absent on Windows 7 / Server 2008 R2 /
        Windows 8 / Server 2012, where TLS 1.2 must be enabled explicitly (Microsoft's
        readiness script treats absence on NT 6.2 and older as "not enabled").

    Why it matters:
        With `Enabled` = 0 Schannel "will not negotiate this protocol version regardless of the
        settings the SSPI caller may specify"; disabled by default, only callers that ask for
        TLS 1.2 explicitly get it. Microsoft 365 and Azure Front Door require TLS 1.2 (or 1.3),
        so the sign-in handshake fails. KB3140245 also "requires that the Secure Channel
        (Schannel) component in Windows 7 be configured to support TLS 1.1 and 1.2".

    Evidence:
        registry/: the SCHANNEL\Protocols export, and the Windows build from
        HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion to decide what absence means.

    Fix:
        Set REG_DWORD `Enabled` = 1 and `DisabledByDefault` = 0 under ...\TLS 1.2\Client
        (`reg add "<key>" /v DisabledByDefault /t REG_DWORD /d 0 /f`), then restart Windows:
        the values apply only to credential handles acquired afterwards.

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
    return pending(ev, ("registry/",))


def no_afd_cipher_suite(ev: Evidence) -> Outcome:
    r"""No enabled TLS 1.2 cipher suite on this PC is accepted by the endpoint's AFD policy.

    What it checks:
        The effective TLS 1.2 cipher suite list: the GPO "SSL Cipher Suite Order" list
        (HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002, `Functions`)
        if set, else the live / local list (Get-TlsCipherSuite, or `Functions` under
        HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002),
        else the default for the Windows build; minus DHE / ECDHE suites killed by the
        key-exchange switches (SCH005). Fails when none is in the endpoint's AFD policy
        (measured, else TLSv1.2_2023: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, plus the TLS 1.3 suites).

    Why it matters:
        "The client must support at least one of the supported cipher suites"; the article warns
        that even with TLS 1.2 the suites must match Azure Front Door. A policy list replaces
        the default: "Cipher suites not in the priority list will not be used".

    Evidence:
        registry/ (policy and local lists, KeyExchangeAlgorithms, Windows build) and
        cipher-suites.txt (`Get-TlsCipherSuite`, Windows 10 / Server 2016 and later).

    Fix:
        `Enable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -Position 0`, then
        the same for TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384; check with `Get-TlsCipherSuite`.
        With a GPO list (SCH004) add them to "SSL Cipher Suite Order" (Computer Configuration >
        Administrative Templates > Network > SSL Configuration Settings) and restart.
        Windows 7 / 8 / 8.1 lack ECDHE_RSA GCM entirely (see OS001).

    Fix safety:
        Needs confirmation: a machine-wide change that needs admin rights; the GPO route needs
        a restart, and a domain GPO makes it manual (only its owner can change it).

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - Enable-TlsCipherSuite: https://learn.microsoft.com/powershell/module/tls/enable-tlsciphersuite

    """
    return pending(ev, ("registry/", "cipher-suites.txt"))


def afd_suites_not_preferred(ev: Evidence) -> Outcome:
    r"""AFD-compatible cipher suites are enabled but not at the top of the order.

    What it checks:
        In the effective TLS 1.2 order (computed as for SCH002), whether any suite the
        endpoint's AFD policy does not accept is ranked above the AFD-compatible ones
        (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 and,
        under older policies, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 / _128_GCM_SHA256).

    Why it matters:
        The article asks to "ensure that these four suites are at the top of the list (the
        highest priority)". AFD picks in its own order from what the client offers, so order
        alone rarely breaks the handshake: hence a warning. But a GPO list "is limited to 1,023
        characters", so suites at the bottom of a long list can be cut off.

    Evidence:
        registry/ (policy and local `Functions` lists) and cipher-suites.txt.

    Fix:
        Move the AFD suites to the top, last one first:
        `Enable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -Position 0`, then
        `Enable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" -Position 0`;
        check with `Get-TlsCipherSuite`. With a GPO list, reorder "SSL Cipher Suite Order".

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
    return pending(ev, ("registry/", "cipher-suites.txt"))


def cipher_order_policy_override(ev: Evidence) -> Outcome:
    r"""Group Policy's cipher suite list overrides local changes to the cipher suite order.

    What it checks:
        Whether the GPO "SSL Cipher Suite Order" is set: REG_SZ `Functions` (comma-separated
        suite names) under HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002.
        Also reports a value longer than the 1,023 characters the policy allows.

    Why it matters:
        When the policy list exists it alone defines the enabled suites; `Enable-TlsCipherSuite`
        edits the local list, which then has no effect. The article: "If the order doesn't
        reflect the change, check if the SSL Cipher Suite Order Group Policy setting configures
        the default TLS cipher suite order." SCH002 / SCH003 fixes must then go into the policy.

    Evidence:
        registry/: the export of the policy key.

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
    return pending(ev, ("registry/",))


def key_exchange_disabled(ev: Evidence) -> Outcome:
    r"""Schannel's Diffie-Hellman or ECDH key exchange is switched off.

    What it checks:
        The value `Enabled` under
        HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\KeyExchangeAlgorithms\Diffie-Hellman
        and under ...\KeyExchangeAlgorithms\ECDH: absent or 0xFFFFFFFF means allowed; any other
        value removes every DHE resp. ECDHE suite. A warning, an error when it leaves no suite
        the endpoint's AFD policy accepts.

    Why it matters:
        TLSv1.2_2023 accepts only ECDHE_RSA AES GCM (and TLS 1.3), so ECDH off removes every
        AFD path. On Windows 7 / 8 / 8.1 DHE_RSA GCM is the only legacy AFD family, so disabling
        DH (advised for the DHE "leading zero" bug, KB4557473, and by the article for Server
        2012) cuts them off.

    Evidence:
        registry/: the SCHANNEL\KeyExchangeAlgorithms export and the Windows build.

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
    return pending(ev, ("registry/",))


def no_nist_curve(ev: Evidence) -> Outcome:
    r"""Neither NIST P-256 nor P-384 is an enabled ECC curve: ECDHE and TLS 1.3 to AFD fail.

    What it checks:
        The enabled curve list: `Get-TlsEccCurve` output, or the GPO "ECC Curve Order"
        (REG_MULTI_SZ `EccCurves` under
        HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002). Fails on
        Windows 10 and later when neither NistP256 nor NistP384 is in it. Before Windows 10 the
        curve is part of the suite name (_P256, _P384), so SCH002 covers those builds.

    Why it matters:
        Azure Front Door's TLS 1.3 clients "must support one of the Microsoft SDL compliant
        elliptic (EC) curves, including secp384r1, secp256r1, and secp521r1", and the
        ECDHE_RSA suites need a shared curve too: a list with only curve25519 has none.
        The Windows 10 1607+ default is curve25519, NistP256, NistP384.

    Evidence:
        registry/ (the policy key) and ecc-curves.txt.

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
    return pending(ev, ("registry/", "ecc-curves.txt"))


def tls13_client_enabled_unsupported(ev: Evidence) -> Outcome:
    r"""TLS 1.3 is forced on in Schannel on a Windows that does not support it.

    What it checks:
        `Enabled` non-zero (with `DisabledByDefault` = 0) under
        HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.3\Client
        on a Windows older than Windows 11 / Server 2022, i.e. any Windows 10 release (client
        build below 22000), where Microsoft lists TLS 1.3 as "Not supported".

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
    return pending(ev, ("registry/",))
