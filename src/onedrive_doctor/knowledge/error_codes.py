"""OneDrive sign-in error codes near 0x8004de40: what Microsoft says they mean and how to fix them.

Pure data for ``onedrive-doctor explain CODE`` and ``diagnose --error CODE``. Every confirmed
entry quotes a Microsoft article (its URL is ``source``). Entries marked unconfirmed have no
Microsoft description that we could find: only third-party descriptions, which conflict; they
are shown as such and never as Microsoft's word.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = [
    "CATALOGUE",
    "SIGN_IN_CODES",
    "ErrorClass",
    "ErrorCode",
    "SignInCode",
    "focus_checks",
    "known_codes",
    "lookup",
    "parse_code",
    "render_explanation",
    "sign_in_code",
]

# Check families of docs/spec/checks.md; a selector is a family or one check ID.
ALL_FAMILIES = ("NET", "TLS", "SCH", "WHT", "INE", "OS", "CRT", "EVT", "IDN", "ODC")

_DE40_URL = "https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive"
_SYNC = "https://learn.microsoft.com/troubleshoot/sharepoint/sync/"
# Microsoft's list of OneDrive error codes. Not available to us when this table was written: it
# is where an unconfirmed code has to be looked up.
ERROR_CODES_PAGE = (
    "https://support.microsoft.com/office/"
    "what-do-the-onedrive-error-codes-mean-f7a68338-e540-4ebf-ad5d-56c5633acded"
)
_RESET = "https://support.microsoft.com/office/reset-onedrive-34701e00-bf7b-42db-b960-84905399050c"
_CLEAR_IDENTITIES = (
    r"Remove the cached Office identities: delete the registry key "
    r"HKEY_CURRENT_USER\SOFTWARE\Microsoft\Office\16.0\Common\Identity (back up the registry "
    r"first; with Shared Computer Activation also HKEY_USERS\<user SID>\SOFTWARE\Microsoft"
    r"\Office\16.0\Common\Identity)."
)
_CLEAR_ONEAUTH = (
    "If it persists: sign out of OneDrive and remove the folders in "
    "%localappdata%/Microsoft/OneAuth and %localappdata%/Microsoft/IdentityCache."
)
_LICENSE = (
    "An admin checks in the Microsoft 365 admin center (Users > Active users > the user > "
    "Licenses and apps) that a OneDrive license is assigned; if many users are affected, that "
    "the subscription has not expired (Billing > Your products)."
)
_DE40_FIX = (
    "Verify that the device is connected to the internet.",
    "Review the TLS 1.0 and 1.1 deprecation: TLS 1.2 must be enabled, with the cipher suites "
    "Azure Front Door accepts (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, "
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256) at the top of the cipher suite order.",
    "Windows 10: in Internet Options (inetcpl.cpl) > Advanced, select TLS 1.0, TLS 1.1 and "
    "TLS 1.2, then Apply > OK.",
    "Windows 10: restart the device while it is connected to the organization's network; if "
    "that does not help, on the organization's network (never while travelling) run "
    "`dsregcmd /leave` then `dsregcmd /join` in an elevated Command Prompt and restart.",
    "Windows 8 / 7 SP1: install the update that makes TLS 1.1 and 1.2 WinHTTP's default "
    "secure protocols (KB3140245) and set its registry value.",
    f"All computers: finally, reset OneDrive ({_RESET}).",
)


@dataclass(frozen=True)
class ErrorCode:
    """One error code of the catalogue.

    ``title`` is the message OneDrive shows, or the short meaning; ``meaning`` the cause as the
    source states it; ``fix`` Microsoft's steps, in order; ``checks`` the check families
    (``NET``) or IDs (``ODC002``) that matter for it; ``source`` the Microsoft article (for an
    unconfirmed code, the Microsoft page to look it up in); ``third_party`` what other sites
    claim, for unconfirmed codes only.
    """

    code: int
    title: str
    meaning: str
    fix: tuple[str, ...]
    checks: tuple[str, ...]
    source: str
    confirmed: bool = True
    third_party: tuple[str, ...] = ()

    @property
    def hex(self) -> str:
        """``0x8004de40``: the form OneDrive shows."""
        return f"0x{self.code:08x}"

    @property
    def signed(self) -> int:
        """The code as a signed 32-bit HRESULT (what logs and .NET print)."""
        return self.code - (1 << 32) if self.code & 0x80000000 else self.code


def _unconfirmed(code: int, *claims: str) -> ErrorCode:
    return ErrorCode(
        code,
        "unconfirmed: no Microsoft description found",
        "Microsoft's meaning of this code could not be confirmed.",
        (),
        ALL_FAMILIES,
        ERROR_CODES_PAGE,
        confirmed=False,
        third_party=claims,
    )


_ENTRIES = (
    ErrorCode(
        0x8004DE40,
        "Login was either interrupted or unsuccessful. Please try logging in again.",
        "OneDrive is having trouble connecting to the cloud.",
        _DE40_FIX,
        ALL_FAMILIES,
        _DE40_URL,
    ),
    ErrorCode(
        0x8004DE88,
        "We can't sign into your account, please try again later.",
        "OneDrive is having trouble connecting to the cloud (the same article as 0x8004de40).",
        _DE40_FIX,
        ALL_FAMILIES,
        _DE40_URL,
    ),
    *(
        ErrorCode(
            code,
            "Can't sign in to OneDrive: a problem with the OneDrive account.",
            "A problem affects the OneDrive account, such as a missing account, or a mismatch: "
            "signing in to a personal Microsoft account with a work or school account's "
            "credentials, or the other way round.",
            (
                "Sign in to the personal Microsoft account or the Microsoft 365 account on the "
                "web to rule out authentication problems; in OneDrive, Help & Settings > "
                "Settings > Account, make sure the expected account is shown, else sign in "
                "with the right one.",
                "Reset OneDrive: quit OneDrive, run `%localappdata%\\Microsoft\\OneDrive\\"
                "onedrive.exe /reset`, restart OneDrive and sign in with the work or school "
                "account.",
                _LICENSE,
            ),
            ("ODC001", "ODC002"),
            _SYNC + "sign-into-onedrive-error-0x8004de85-or-0x8004de8a",
        )
        for code in (0x8004DE85, 0x8004DE8A)
    ),
    ErrorCode(
        0x8004DEEF,
        "You don't have access to this service. For help, contact your IT department.",
        "A problem with the OneDrive account, such as a missing license or a credential mismatch.",
        (_LICENSE, _CLEAR_IDENTITIES, _CLEAR_ONEAUTH),
        ("ODC002", "ODC003"),
        _SYNC + "sign-into-onedrive-error-0x8004deef",
    ),
    *(
        ErrorCode(
            code,
            "Can't sign in to OneDrive: an account or identity problem.",
            "A problem affects the OneDrive account or its configuration, or identity "
            "problems exist between multiple accounts.",
            (
                "Unlink and relink OneDrive with the correct account.",
                "Uninstall OneDrive (Add or remove programs > Microsoft OneDrive > Uninstall) "
                "and reinstall it from https://www.microsoft.com/microsoft-365/onedrive/download;"
                " no data is lost.",
                _CLEAR_IDENTITIES,
            ),
            ("ODC002", "ODC003"),
            _SYNC + "sign-into-onedrive-error-0x8004de80-or-0x8004de86",
        )
        for code in (0x8004DE80, 0x8004DE86)
    ),
    ErrorCode(
        0x8004DEC5,
        "Can't sign in to OneDrive: an authentication error.",
        "An authentication error, usually caused by multiple cached identities.",
        (_CLEAR_IDENTITIES, _CLEAR_ONEAUTH),
        ("ODC002", "ODC003"),
        _SYNC + "sign-into-onedrive-error-0x8004dec5",
    ),
    ErrorCode(
        0x8004DEF4,
        "Sorry, there was a problem with OneDrive. Please restart your computer. If the problem "
        "persists, please reinstall OneDrive.",
        "Different causes, such as a folder name conflict, or a OneNote notebook synced with "
        "the OneDrive sync app instead of through OneNote.",
        (
            "Run the Microsoft 365 Support and Recovery Assistant (https://aka.ms/SaRA-FirstScreen)"
            " > OneDrive for Business > I need help syncing my OneDrive files.",
            f"If that does not fix it, reset OneDrive ({_RESET}).",
            "If it persists, uninstall OneDrive and reinstall it.",
        ),
        ("ODC001", "ODC002"),
        _SYNC + "sign-into-onedrive-error-0x8004def4",
    ),
    ErrorCode(
        0x8004DEF7,
        "Can't sign in to OneDrive: storage, suspension or configuration.",
        "The OneDrive storage exceeded its limit, the account was suspended (or frozen), or "
        "the sync app has configuration issues.",
        (
            "Check the OneDrive storage; if it is at or near its limit, delete files or "
            "folders to free space.",
            "Unlink and relink OneDrive.",
            f"Reset OneDrive ({_RESET}); it runs a full sync afterwards.",
            "A personal account unused for 12 months or over its limit is frozen: see "
            "Microsoft's 'What does it mean when your OneDrive account is frozen?'.",
        ),
        ("ODC002",),
        _SYNC + "sign-into-onedrive-error-0x8004def7",
    ),
    ErrorCode(
        0x8004E4D0,
        "You don't have access to this service. For help, contact your IT department.",
        "A permission problem with the OneDrive site: most often the user was deleted and "
        "re-created with the same user name (UPN), so the site knows a different user ID; or "
        "the user was moved to another synchronized OU after signing in to SharePoint.",
        (
            "An admin deletes the newly created user and restores the original one.",
            "If a site user ID mismatch is not certain, run the Check User Access diagnostic.",
            "If the original user cannot be restored: in the Microsoft 365 admin center, "
            "search 'OneDrive Site User ID Mismatch', then Contact Support > New Service "
            "Request, with the UPN and OneDrive URL.",
        ),
        (),  # a tenant-side problem: nothing on the PC explains it
        _SYNC + "sign-into-onedrive-error-0x8004e4d0",
    ),
    ErrorCode(
        0x80070194,
        "The cloud file provider exited unexpectedly.",
        "HRESULT_FROM_WIN32(ERROR_CLOUD_FILE_PROVIDER_TERMINATED), Windows error 404: the sync "
        "provider of a OneDrive folder (OneDrive.exe) stopped while a file was being used. "
        "Microsoft has no OneDrive article for it.",
        (),
        ("ODC001", "ODC002"),
        "https://learn.microsoft.com/windows/win32/debug/system-error-codes--0-499-",
    ),
    _unconfirmed(
        0x8004DE90,
        "errorcodelab.com: the OneDrive account has not finished setting up (license or "
        "provisioning).",
        "a third-party script's error table: the organisation has disabled OneDrive for this user.",
    ),
    _unconfirmed(
        0x8004DEF0,
        "third-party script error tables: the authentication token expired or is invalid.",
        "a Japanese topic list: credentials or password.",
    ),
    _unconfirmed(0x8004DEDC),
    _unconfirmed(0x8004DE44, "a Japanese topic title only: proxy or authentication."),
    _unconfirmed(0x8004DE69, "a third-party script's error table: single sign-on (SSO) failed."),
    _unconfirmed(
        0x8004DE9A, "a third-party script's error table: the account is disabled or deleted."
    ),
)

CATALOGUE: dict[int, ErrorCode] = {entry.code: entry for entry in _ENTRIES}

_HEX_RE = re.compile(r"(?:0x)?([0-9a-f]{1,8})", re.ASCII)
_DEC_RE = re.compile(r"-?[0-9]{1,10}", re.ASCII)


def parse_code(text: str) -> tuple[int, ...]:
    """The unsigned 32-bit values ``text`` can mean, most likely first.

    ``0x8004de40`` and ``8004DE40`` are hexadecimal, ``-2147164608`` a signed and
    ``2147802688`` an unsigned decimal HRESULT. Digits only (``80070194``) can be either:
    both readings are returned, decimal first. Empty when ``text`` is no number.
    """
    text = text.strip().lower()
    values: list[int] = []
    if _DEC_RE.fullmatch(text):
        number = int(text)
        if -(1 << 31) <= number < (1 << 32):
            values.append(number & 0xFFFFFFFF)
    match = _HEX_RE.fullmatch(text)
    if match:
        values.append(int(match.group(1), 16))
    return tuple(dict.fromkeys(values))


def lookup(code: str) -> ErrorCode | None:
    """The catalogue entry for ``code`` in any form :func:`parse_code` reads; None if unknown."""
    for value in parse_code(code):
        if value in CATALOGUE:
            return CATALOGUE[value]
    return None


def known_codes() -> tuple[str, ...]:
    """Every catalogue code as OneDrive shows it (``0x8004de40``), for a usage message."""
    return tuple(entry.hex for entry in _ENTRIES)


def focus_checks(code: str) -> frozenset[str] | None:
    """The check IDs that matter for ``code``; None when the code is unknown.

    Empty for a code nothing on the PC can explain (0x8004e4d0). An unconfirmed code gives every
    check: there is no known meaning to narrow them by.
    """
    entry = lookup(code)
    if entry is None:
        return None
    from ..checks import REGISTRY  # lazily: `explain` does not need the catalogue

    return frozenset(
        check_id
        for check_id in REGISTRY
        for selector in entry.checks
        if check_id == selector or re.fullmatch(rf"{selector}\d{{3}}", check_id)
    )


def render_explanation(entry: ErrorCode) -> str:
    """Plain text for ``onedrive-doctor explain CODE``."""
    lines = [f"{entry.hex} (also {entry.signed} / {entry.code})"]
    if not entry.confirmed:
        lines += [
            "UNCONFIRMED: no Microsoft description of this code was found.",
            "",
        ]
        if entry.third_party:
            lines.append(
                "Third-party descriptions (they conflict with each other or are unverified; "
                "they are not Microsoft's word):"
            )
            lines += [f"  - {claim}" for claim in entry.third_party]
        else:
            lines.append("No usable description was found anywhere.")
        lines += [
            "",
            f"Look it up in Microsoft's list: {entry.source}",
            "onedrive-doctor runs every check for it.",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        f"Message: {entry.title}",
        f"Meaning: {entry.meaning}",
        "",
    ]
    if entry.fix:
        lines.append("Microsoft's fix:")
        lines += [f"  {number}. {step}" for number, step in enumerate(entry.fix, 1)]
    else:
        lines.append("Microsoft gives no OneDrive-specific fix for this code.")
    lines.append("")
    if entry.checks:
        lines.append("Checks that matter: " + ", ".join(entry.checks))
    else:
        lines.append("Checks that matter: none on this PC (the cause is in the tenant).")
    lines.append(f"Source: {entry.source}")
    return "\n".join(lines) + "\n"


# --- The codes the sign-in stack logs (Microsoft-Windows-AAD/Operational, WAM, WinINet) ---------
#
# EVT002 decodes the codes of the AAD Operational log; they are not OneDrive's own codes, so they
# live apart from CATALOGUE (which `explain` lists). Sources:
_TEAMS_CODES = (
    "https://support.microsoft.com/office/"
    "why-am-i-having-trouble-signing-in-to-microsoft-teams-a02f683b-61a3-4008-9447-ee60c5593b0f"
)
_HYBRID_TS = (
    "https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current"
)
_WININET_CODES = "https://learn.microsoft.com/windows/win32/wininet/wininet-errors"
_OFFICE_SIGN_IN = (
    "https://learn.microsoft.com/troubleshoot/microsoft-365-apps/authentication/"
    "connection-issue-when-sign-in-office-2016"
)


class ErrorClass(str, enum.Enum):
    """What kind of failure a sign-in code reports, and so which checks find its cause."""

    NETWORK = "network"
    TLS = "tls"
    AUTHORIZATION = "authorization"
    BROKER = "broker"
    HTTP = "http"
    IDENTITY = "identity"
    ONEDRIVE = "onedrive"
    UNKNOWN = "unknown"

    @property
    def checks(self) -> tuple[str, ...]:
        """The check families or IDs that look for causes of this class."""
        return _CLASS_CHECKS[self]

    @property
    def label(self) -> str:
        """The class as a person reads it."""
        return _CLASS_LABELS[self]


_CLASS_CHECKS: dict[ErrorClass, tuple[str, ...]] = {
    ErrorClass.NETWORK: ("NET", "TLS003"),
    ErrorClass.TLS: ("SCH", "TLS", "CRT001", "NET006"),
    ErrorClass.AUTHORIZATION: ("NET006", "IDN"),
    ErrorClass.BROKER: ("IDN", "ODC003"),
    ErrorClass.HTTP: ("NET005", "TLS002"),
    ErrorClass.IDENTITY: ("IDN",),
    ErrorClass.ONEDRIVE: ALL_FAMILIES,
    ErrorClass.UNKNOWN: (),
}
_CLASS_LABELS = {
    ErrorClass.NETWORK: "network (the endpoint could not be reached)",
    ErrorClass.TLS: "TLS / certificate (the secure connection failed)",
    ErrorClass.AUTHORIZATION: "authorization (token request refused; check the clock)",
    ErrorClass.BROKER: "sign-in broker (Web Account Manager)",
    ErrorClass.HTTP: "HTTP status from the server or a proxy",
    ErrorClass.IDENTITY: "identity provider or device registration",
    ErrorClass.ONEDRIVE: "OneDrive's own sign-in error",
    ErrorClass.UNKNOWN: "not a known sign-in code",
}


@dataclass(frozen=True)
class SignInCode:
    """One code the Windows sign-in stack logs: its symbolic name, meaning, class and source.

    ``inferred`` marks an entry decoded from the code's structure (its facility and the WinINet
    error in its low word), not from a Microsoft page that names the code itself.
    """

    code: int
    name: str
    meaning: str
    error_class: ErrorClass
    source: str
    inferred: bool = False

    @property
    def hex(self) -> str:
        """``0xcaa82ee7``."""
        return f"0x{self.code:08x}"

    def to_json(self) -> dict[str, object]:
        """The code as a finding's evidence shows it."""
        return {
            "code": self.hex,
            "name": self.name,
            "meaning": self.meaning,
            "class": self.error_class.value,
            "source": self.source,
            "inferred": self.inferred,
        }


# WinINet errors (the low word of 0x8007xxxx and of ADAL's 0xCAA8xxxx codes) [WININET-CODES].
_WININET: dict[int, tuple[str, str, ErrorClass]] = {
    12002: ("ERROR_INTERNET_TIMEOUT", "the request has timed out", ErrorClass.NETWORK),
    12007: (
        "ERROR_INTERNET_NAME_NOT_RESOLVED",
        "the server name could not be resolved",
        ErrorClass.NETWORK,
    ),
    12029: (
        "ERROR_INTERNET_CANNOT_CONNECT",
        "the attempt to connect to the server failed",
        ErrorClass.NETWORK,
    ),
    12030: (
        "ERROR_INTERNET_CONNECTION_ABORTED",
        "the connection with the server has been terminated",
        ErrorClass.NETWORK,
    ),
    12031: (
        "ERROR_INTERNET_CONNECTION_RESET",
        "the connection with the server has been reset",
        ErrorClass.NETWORK,
    ),
    12037: (
        "ERROR_INTERNET_SEC_CERT_DATE_INVALID",
        "the server's certificate date is invalid (expired, or the PC's clock is wrong)",
        ErrorClass.TLS,
    ),
    12038: (
        "ERROR_INTERNET_SEC_CERT_CN_INVALID",
        "the server's certificate name does not match the host",
        ErrorClass.TLS,
    ),
    12045: (
        "ERROR_INTERNET_INVALID_CA",
        "the server's certificate was issued by an unknown certificate authority",
        ErrorClass.TLS,
    ),
    12157: (
        "ERROR_INTERNET_SECURITY_CHANNEL_ERROR",
        "the application experienced an internal error loading the SSL libraries (Schannel "
        "could not set up the secure channel)",
        ErrorClass.TLS,
    ),
    12169: (
        "ERROR_INTERNET_SEC_INVALID_CERT",
        "the server's SSL certificate is invalid",
        ErrorClass.TLS,
    ),
    12175: (
        "ERROR_INTERNET_DECODING_FAILED",
        "the TLS connection or the server's certificate could not be validated (Microsoft: "
        "check the client time skew, and that no proxy modifies the server response)",
        ErrorClass.TLS,
    ),
}

_NAMED: tuple[SignInCode, ...] = (
    SignInCode(
        0xCAA20003,
        "authorization problem",
        "You ran into an authorization problem; Microsoft: make sure the date and time are set "
        "correctly, else secure (https) sites cannot be reached",
        ErrorClass.AUTHORIZATION,
        _TEAMS_CODES,
    ),
    SignInCode(
        0xCAA20004,
        "authorization pending approval",
        "The request needs to be approved by a resource owner or authorization server "
        "(Entra ID configuration policies)",
        ErrorClass.AUTHORIZATION,
        _TEAMS_CODES,
    ),
    SignInCode(
        0xCAA2000C,
        "interaction required",
        "The token request needs the user to sign in interactively (e.g. multifactor "
        "authentication or a Conditional Access prompt); the broker could not get a token "
        "silently",
        ErrorClass.AUTHORIZATION,
        _OFFICE_SIGN_IN,
        inferred=True,
    ),
    SignInCode(
        0xCAA5001C,
        "token broker operation failed",
        "The Web Account Manager broker (Microsoft.AAD.BrokerPlugin) could not complete the "
        "sign-in",
        ErrorClass.BROKER,
        _OFFICE_SIGN_IN,
        inferred=True,
    ),
    SignInCode(
        0xCAA70004,
        "server or proxy not found",
        "The server or proxy was not found: usually a misconfigured proxy, or a network "
        "sniffing program (Fiddler) that does not decrypt HTTPS",
        ErrorClass.NETWORK,
        _TEAMS_CODES,
    ),
    SignInCode(
        0xCAA70007,
        "connection interrupted",
        "The download failed because the connection was interrupted",
        ErrorClass.NETWORK,
        _TEAMS_CODES,
    ),
    SignInCode(
        0xCAA82EE2,
        "ERROR_INTERNET_TIMEOUT",
        "The request has timed out",
        ErrorClass.NETWORK,
        _TEAMS_CODES,
    ),
    SignInCode(
        0xCAA82EE7,
        "ERROR_INTERNET_NAME_NOT_RESOLVED",
        "The server name could not be resolved",
        ErrorClass.NETWORK,
        _TEAMS_CODES,
    ),
    SignInCode(
        0xCAA82EFD,
        "ERROR_INTERNET_CANNOT_CONNECT",
        "The connection to the sign-in server failed",
        ErrorClass.NETWORK,
        _HYBRID_TS,
    ),
    SignInCode(
        0xCAA82F8F,
        "ERROR_INTERNET_DECODING_FAILED",
        "The TLS certificate could not be validated; Microsoft: check the client time skew",
        ErrorClass.TLS,
        _HYBRID_TS,
    ),
    SignInCode(
        0x80072EE2,
        "WININET_E_TIMEOUT",
        "The request has timed out",
        ErrorClass.NETWORK,
        _HYBRID_TS,
    ),
    SignInCode(
        0x80072EE7,
        "WININET_E_NAME_NOT_RESOLVED",
        "The server name could not be resolved",
        ErrorClass.NETWORK,
        _WININET_CODES,
    ),
    SignInCode(
        0x80072EFD,
        "WININET_E_CANNOT_CONNECT",
        "The connection to the server failed",
        ErrorClass.NETWORK,
        _HYBRID_TS,
    ),
    SignInCode(
        0x80072F8F,
        "WININET_E_DECODING_FAILED",
        "The secure connection could not be validated; Microsoft: ensure that the network "
        "proxy is not interfering and modifying the server response (also a wrong clock)",
        ErrorClass.TLS,
        _HYBRID_TS,
    ),
    SignInCode(
        0x80072F7D,
        "WININET_E_SECURITY_CHANNEL_ERROR",
        "Schannel could not set up the secure channel (no common protocol or cipher suite)",
        ErrorClass.TLS,
        _WININET_CODES,
    ),
    SignInCode(
        0x8004DE40,
        "OneDrive: trouble connecting to the cloud",
        "OneDrive's own sign-in error: it could not connect to the cloud",
        ErrorClass.ONEDRIVE,
        _DE40_URL,
    ),
)

#: The codes with a name of their own (others are decoded by their structure).
SIGN_IN_CODES: dict[int, SignInCode] = {entry.code: entry for entry in _NAMED}


def sign_in_code(code: int) -> SignInCode:
    """Decode a code from the AAD Operational log: by name, else by its structure.

    ``0x8007xxxx`` and ADAL's ``0x?AA8xxxx`` carry a WinINet error in their low word;
    ``0x?AA7xxxx`` are transport errors and ``0x?AA3xxxx`` HTTP statuses (Microsoft's Office
    sign-in article groups the codes so); ``0x?AA5xxxx`` come from the token broker and
    ``0x?AA2xxxx`` / ``0x?AA9xxxx`` from the protocol with the identity provider (inference).
    """
    code &= 0xFFFFFFFF
    named = SIGN_IN_CODES.get(code)
    if named is not None:
        return named
    low = code & 0xFFFF
    facility = code & 0x0FFF0000
    if (code & 0xFFFF0000) == 0x80070000 or facility == 0x0AA80000:
        if low in _WININET:
            name, meaning, error_class = _WININET[low]
            return SignInCode(
                code,
                name,
                meaning[:1].upper() + meaning[1:],
                error_class,
                _WININET_CODES,
                inferred=True,
            )
        if (code & 0xFFFF0000) == 0x80070000:
            return SignInCode(
                code,
                f"HRESULT_FROM_WIN32({low})",
                f"Windows error {low}",
                ErrorClass.UNKNOWN,
                "https://learn.microsoft.com/windows/win32/debug/system-error-codes",
                inferred=True,
            )
    structural = {
        0x0AA70000: (
            "ADAL transport error",
            "A network transport error of the sign-in library",
            ErrorClass.NETWORK,
        ),
        0x0AA80000: (
            "ADAL WinINet error",
            f"WinINet error {low} of the sign-in library",
            ErrorClass.NETWORK,
        ),
        0x0AA30000: (
            "ADAL HTTP status",
            f"The server or a proxy answered HTTP {low}",
            ErrorClass.HTTP,
        ),
        0x0AA50000: (
            "token broker error",
            "An error of the Web Account Manager broker",
            ErrorClass.BROKER,
        ),
        0x0AA20000: (
            "ADAL protocol error",
            "The token request was refused (authorization)",
            ErrorClass.AUTHORIZATION,
        ),
        0x0AA90000: (
            "ADAL identity provider error",
            "An error talking to the identity provider (realm discovery, federation)",
            ErrorClass.IDENTITY,
        ),
    }
    if facility in structural and (code >> 28) in (0x8, 0xC):
        name, meaning, error_class = structural[facility]
        return SignInCode(code, name, meaning, error_class, _OFFICE_SIGN_IN, inferred=True)
    if (code >> 16) in (0xC004, 0x8004) and (code & 0xFF00) == 0x8400:
        return SignInCode(
            code,
            "AAD_CLOUDAP_E_*",
            "An error of the Entra (AAD) CloudAP plug-in (Primary Refresh Token)",
            ErrorClass.IDENTITY,
            "https://learn.microsoft.com/entra/identity/devices/troubleshoot-primary-refresh-token",
            inferred=True,
        )
    return SignInCode(
        code,
        "unknown",
        "Not a code this tool knows",
        ErrorClass.UNKNOWN,
        _OFFICE_SIGN_IN,
        inferred=True,
    )
