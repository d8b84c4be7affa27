r"""``dsregcmd /status`` output -> sections of ordered (key, value) pairs, with typed accessors.

The grammar, from every saved sample (docs/knowledge/windows-client.md §1.2):

- A section header is ``| <Name>   |`` between two ``+----+`` borders. Microsoft's own samples
  also close sections with a lone border, and a paste may indent everything or drop the pipes.
- Body lines are ``<key right-aligned> : <value>``. The old format (``dsregcmd /status_old``)
  writes ``Key: Value`` with no space before the colon, and only the Device State and User
  State headers, with tenant, device and PRT fields merged into them. Forum pastes lose the
  alignment and add blank lines and trailing spaces.
- Values hold colons (times, URLs), brackets and parentheses (``FAIL [0x801c0021/0x80072ee2]``,
  ``{B16898C6-...} (AzureAd)``); the key ends at the first colon that is followed by a blank.
- A narrow console wraps a long value onto the next line at column 0 (``...(PAC) script u`` /
  ``sing WPAD. code: 0x80072f94``).
- The same key appears in several sections (``NgcSet`` in User State and each Work Account), and
  a section can appear more than once (Microsoft's doc shows three Diagnostic Data blocks), so
  the model keeps sections in order and pairs in order, duplicates included.
- Around the output: PowerShell banners and prompts, "Waiting for Diagnostics Task to
  complete...", and the footer "For more information, please visit
  https://www.microsoft.com/aadjerrors".

Labels are English on every Windows language seen so far; values can carry mojibake when the
console code page differs from the one the text was decoded with (``RÚpertoire par dÚfaut``).
Values are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import InputError

__all__ = [
    "DiagnosticResult",
    "Diagnostics",
    "DsregcmdParseError",
    "DsregcmdStatus",
    "Section",
    "normalize_key",
    "parse_dsregcmd",
]

# The sections of dsregcmd /status documented by Microsoft ("Troubleshoot devices by using the
# dsregcmd command") plus those real output shows (docs/knowledge/windows-client.md §1.3).
KNOWN_SECTIONS = (
    "Device State",
    "Device Details",
    "Tenant Details",
    "User State",
    "SSO State",
    "Diagnostic Data",
    "IE Proxy Config for Current User",
    "IE Proxy Config for System Account",
    "URL Specific Proxy Config",
    "WinHttp Default Proxy Config",
    "Ngc Prerequisite Check",
)
_WORK_ACCOUNT_RE = re.compile(r"^Work Account \d+$", re.IGNORECASE)
_SECTION_BY_LOWER = {name.lower(): name for name in KNOWN_SECTIONS}

# Every label seen in the documentation and the samples, normalised (see normalize_key).
_KNOWN_KEYS = frozenset(
    (
        "azureadjoined",
        "enterprisejoined",
        "domainjoined",
        "domainname",
        "deviceid",
        "thumbprint",
        "devicecertificatevalidity",
        "keycontainerid",
        "keyprovider",
        "tpmprotected",
        "deviceauthstatus",
        "tenantname",
        "tenantid",
        "idp",
        "authcodeurl",
        "accesstokenurl",
        "mdmurl",
        "mdmtouurl",
        "mdmcomplianceurl",
        "dmcomplianceurl",
        "settingsurl",
        "joinsrvversion",
        "joinsrvurl",
        "joinsrvid",
        "keysrvversion",
        "keysrvurl",
        "keysrvid",
        "webauthnsrvversion",
        "webauthnsrvurl",
        "webauthnsrvid",
        "devicemanagementsrvver",
        "devicemanagementsrvurl",
        "devicemanagementsrvid",
        "ngcset",
        "ngckeyid",
        "canreset",
        "workplacejoined",
        "workaccountcount",
        "wamdefaultset",
        "wamdefaultauthority",
        "wamdefaultid",
        "wamdefaultguid",
        "azureadprt",
        "azureadprtupdatetime",
        "azureadprtexpirytime",
        "azureadprtauthority",
        "enterpriseprt",
        "enterpriseprtupdatetime",
        "enterpriseprtexpirytime",
        "enterpriseprtauthority",
        "acquireprtdiagnostics",
        "refreshprtdiagnostics",
        "onpremtgt",
        "cloudtgt",
        "kerbtoplevelnames",
        "aadrecoveryenabled",
        "keysigntest",
        "displaynameupdated",
        "osversionupdated",
        "hostnameupdated",
        "workplacedeviceid",
        "workplacethumbprint",
        "workplacetenantid",
        "workplacetenantname",
        "workplacemdmurl",
        "workplacesettingsurl",
        "ngcprereq",
        "isdevicejoined",
        "isuserazuread",
        "policyenabled",
        "postlogonenabled",
        "deviceeligible",
        "sessionisnotremote",
        "certenrollment",
        "adfsrefreshtoken",
        "adfsraisready",
        "logoncerttemplateready",
        "prereqresult",
        "virtual desktop",
        "device name",
        "previous prt attempt",
        "attempt status",
        "user identity",
        "credential type",
        "correlation id",
        "endpoint uri",
        "http method",
        "http error",
        "http status",
        "server error code",
        "server error description",
        "diagnostics reference",
        "user context",
        "client time",
        "ad connectivity test",
        "ad configuration test",
        "drs discovery test",
        "drs connectivity test",
        "token acquisition test",
        "kerberos ticket test",
        "fallback to sync-join",
        "fallback to fed-join",
        "previous registration",
        "registration type",
        "error phase",
        "client errorcode",
        "server errorcode",
        "server message",
        "https status",
        "request id",
        "executing account name",
        "last hostname update",
        "auto detect settings",
        "auto-configuration url",
        "proxy server list",
        "proxy bypass list",
        "auto detect pac status",
        "access type",
    )
)
# Labels only dsregcmd prints: one of them (or a Device State header) makes a text dsregcmd
# output; anything else is rejected.
_MARKER_KEYS = frozenset(
    (
        "azureadjoined",
        "enterprisejoined",
        "domainjoined",
        "workplacejoined",
        "azureadprt",
        "deviceauthstatus",
        "wamdefaultset",
        "enterpriseprt",
    )
)

_BORDER_RE = re.compile(r"^\s*\+-{8,}\+?\s*$")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*(?: [A-Za-z0-9_\-]+){0,5}$")
_PROMPT_RE = re.compile(r"^\s*(?:PS )?[A-Za-z]:\\[^>]*>")
_FOOTER_RE = re.compile(r"For more information, please visit", re.IGNORECASE)
# A console wraps a line only when it fills the window: 80 columns at least (a little less when
# a copy dropped trailing blanks).
_MIN_WRAPPED_WIDTH = 72
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+")


class DsregcmdParseError(InputError):
    """The text is not ``dsregcmd /status`` output."""


def normalize_key(key: str) -> str:
    """The form labels are compared in: lower case, single spaces.

    ``HTTP status`` and ``HTTP Status`` are the same label.
    """
    return " ".join(key.lower().split())


@dataclass(frozen=True)
class Section:
    """One ``| Name |`` block: its (key, value) pairs in output order, duplicates kept.

    ``name`` is the header as printed (known names in their documented spelling); ``""`` is
    the block of dsregcmd labels found before any header (a paste that lost it). ``line`` is
    the 1-based line of the header.
    """

    name: str
    entries: tuple[tuple[str, str], ...]
    line: int = 0

    def get(self, key: str) -> str | None:
        """The first value of ``key`` (compared case- and spacing-insensitively), or None."""
        wanted = normalize_key(key)
        for name, value in self.entries:
            if normalize_key(name) == wanted:
                return value
        return None

    def get_all(self, key: str) -> tuple[str, ...]:
        """Every value of ``key`` in this section, in order."""
        wanted = normalize_key(key)
        return tuple(value for name, value in self.entries if normalize_key(name) == wanted)

    @property
    def is_work_account(self) -> bool:
        """A ``Work Account N`` section: an Entra registered account, not the device's join."""
        return bool(_WORK_ACCOUNT_RE.match(self.name))


@dataclass(frozen=True)
class DiagnosticResult:
    """One ``... Test`` line of dsregcmd's diagnostics, e.g. ``FAIL [0x801c0021/0x80072ee2]``.

    ``status`` is the first word upper-cased (PASS, PASSED, FAIL, SKIPPED, ...); ``codes`` are
    the hexadecimal error codes the value carries, lower-cased, in order.
    """

    name: str
    value: str
    section: str

    @property
    def status(self) -> str:
        """The verdict word: PASS, FAIL, SKIPPED, ... (empty for an empty value)."""
        words = self.value.replace("[", " ").split()
        return words[0].rstrip(".,:").upper() if words else ""

    @property
    def codes(self) -> tuple[str, ...]:
        """The error codes in the value (``0x801c0021``, ``0x80072ee2``), lower-cased."""
        return tuple(code.lower() for code in _HEX_RE.findall(self.value))

    @property
    def passed(self) -> bool:
        """The test ran and passed."""
        return self.status in ("PASS", "PASSED", "SUCCESS", "SUCCEEDED", "OK")

    @property
    def failed(self) -> bool:
        """The test ran and failed."""
        return self.status in ("FAIL", "FAILED", "ERROR")

    @property
    def skipped(self) -> bool:
        """The test did not run (an earlier one failed, or it does not apply)."""
        return self.status in ("SKIPPED", "SKIP", "NOT", "N/A")


@dataclass(frozen=True)
class Diagnostics:
    """dsregcmd's Diagnostic Data, merged over every Diagnostic Data block.

    Pre-join data (printed only when the device is domain joined but not hybrid joined) has the
    tests, ``Error Phase`` and ``Client ErrorCode``; post-join data has ``AadRecoveryEnabled``
    and ``KeySignTest``. Scalar fields are the first value found; ``client_error_codes`` keeps
    every ``Client ErrorCode`` (Microsoft's doc shows several blocks), and ``client_errors``
    pairs each with the ``Error Phase`` of its own block (None when that block has none).
    """

    tests: tuple[DiagnosticResult, ...] = ()
    user_context: str | None = None
    client_time: str | None = None
    error_phase: str | None = None
    client_error_code: str | None = None
    client_error_codes: tuple[str, ...] = ()
    client_errors: tuple[tuple[str | None, str], ...] = ()
    server_error_code: str | None = None
    server_message: str | None = None
    https_status: str | None = None
    registration_type: str | None = None
    previous_registration: str | None = None
    fallback_to_sync_join: str | None = None
    aad_recovery_enabled: bool | None = None
    key_sign_test: str | None = None
    executing_account: str | None = None

    @property
    def present(self) -> bool:
        """Whether dsregcmd printed any pre-join diagnostic (a test or an error code)."""
        return bool(self.tests or self.client_error_codes or self.error_phase)

    @property
    def failed_tests(self) -> tuple[DiagnosticResult, ...]:
        """The tests whose value starts with FAIL."""
        return tuple(test for test in self.tests if test.failed)

    def test(self, name: str) -> DiagnosticResult | None:
        """The first test called ``name`` (e.g. ``AD Connectivity Test``), or None."""
        wanted = normalize_key(name)
        return next((t for t in self.tests if normalize_key(t.name) == wanted), None)


def _yes_no(value: str | None) -> bool | None:
    """``YES`` / ``YES ( StateReady )`` -> True, ``NO`` -> False, anything else -> None."""
    if value is None:
        return None
    words = value.split()
    word = words[0].upper() if words else ""
    return True if word == "YES" else False if word == "NO" else None


@dataclass(frozen=True)
class DsregcmdStatus:
    """A parsed ``dsregcmd /status`` (or ``/status_old``) output.

    ``sections`` are in output order; ``other_lines`` are the lines that are not part of the
    output (banners, prompts, progress messages, the footer), kept for reports. Typed
    accessors search every section except ``Work Account N`` ones (those describe Entra
    registered accounts, not the device), so they work on the old format too, where tenant,
    device and PRT fields sit under Device State and User State.
    """

    sections: tuple[Section, ...]
    source: str = "dsregcmd.txt"
    old_format: bool = False
    other_lines: tuple[str, ...] = field(default=(), repr=False)

    # --- generic access ------------------------------------------------------------------

    def section(self, name: str) -> Section | None:
        """The first section called ``name`` (case-insensitive), or None."""
        wanted = normalize_key(name)
        return next((s for s in self.sections if normalize_key(s.name) == wanted), None)

    def sections_named(self, name: str) -> tuple[Section, ...]:
        """Every section called ``name``, in order (Diagnostic Data can repeat)."""
        wanted = normalize_key(name)
        return tuple(s for s in self.sections if normalize_key(s.name) == wanted)

    @property
    def work_accounts(self) -> tuple[Section, ...]:
        """The ``Work Account N`` sections (Entra registered work or school accounts)."""
        return tuple(s for s in self.sections if s.is_work_account)

    def pairs(self) -> Iterator[tuple[Section, str, str]]:
        """Every (section, key, value) outside the Work Account sections, in output order."""
        for section in self.sections:
            if section.is_work_account:
                continue
            for key, value in section.entries:
                yield section, key, value

    def value(self, key: str) -> str | None:
        """The first value of ``key`` in any section but the Work Account ones, or None."""
        wanted = normalize_key(key)
        for _, name, value in self.pairs():
            if normalize_key(name) == wanted:
                return value
        return None

    def has(self, key: str) -> bool:
        """Whether the output prints ``key`` at all (outside the Work Account sections)."""
        return self.value(key) is not None

    # --- Device State ----------------------------------------------------------------------

    @property
    def azure_ad_joined(self) -> bool | None:
        """``AzureAdJoined``: Microsoft Entra joined or hybrid joined."""
        return _yes_no(self.value("AzureAdJoined"))

    @property
    def enterprise_joined(self) -> bool | None:
        """``EnterpriseJoined``: joined to an on-premises Device Registration Service (AD FS)."""
        return _yes_no(self.value("EnterpriseJoined"))

    @property
    def domain_joined(self) -> bool | None:
        """``DomainJoined``: joined to an Active Directory domain."""
        return _yes_no(self.value("DomainJoined"))

    @property
    def domain_name(self) -> str | None:
        """``DomainName``: the NetBIOS name of the AD domain (``RCMLAB``)."""
        return self.value("DomainName") or None

    @property
    def device_name(self) -> str | None:
        """``Device Name``: FQDN on a domain joined PC, else the host name (newer builds)."""
        return self.value("Device Name") or None

    @property
    def join_type(self) -> str:
        """The join state in Microsoft's words (the dsregcmd doc's truth table)."""
        aad, ent, dom = self.azure_ad_joined, self.enterprise_joined, self.domain_joined
        if aad and dom:
            return "Microsoft Entra hybrid joined"
        if aad:
            return "Microsoft Entra joined"
        if ent and dom:
            return "on-premises DRS joined"
        if dom:
            return "domain joined (not Entra hybrid joined)"
        if self.workplace_joined:
            return "Microsoft Entra registered (workgroup)"
        if aad is False and dom is False:
            return "not joined (workgroup)"
        return "unknown"

    # --- Device Details / Tenant Details ---------------------------------------------------

    @property
    def device_id(self) -> str | None:
        """``DeviceId``: the device object's ID in Entra ID."""
        return self.value("DeviceId") or None

    @property
    def device_auth_status(self) -> str | None:
        """``DeviceAuthStatus``: SUCCESS, ``FAILED. Device is either disabled or deleted``, ...

        Printed from Windows 10 21H1 on, and only for Entra joined or hybrid joined devices.
        """
        return self.value("DeviceAuthStatus")

    @property
    def tenant_name(self) -> str | None:
        """``TenantName`` (may carry mojibake from the console code page)."""
        return self.value("TenantName") or None

    @property
    def tenant_id(self) -> str | None:
        """``TenantId``."""
        return self.value("TenantId") or None

    # --- User State / SSO State ------------------------------------------------------------

    @property
    def workplace_joined(self) -> bool | None:
        """``WorkplaceJoined``: Entra registered accounts exist in this user's profile."""
        return _yes_no(self.value("WorkplaceJoined"))

    @property
    def wam_default_set(self) -> str | None:
        """``WamDefaultSet``: YES / NO / ``ERROR`` (often an artefact of an elevated run)."""
        return self.value("WamDefaultSet")

    @property
    def has_sso_state(self) -> bool:
        """Whether the output shows the user's SSO state (an SSO State section or AzureAdPrt)."""
        return self.section("SSO State") is not None or self.has("AzureAdPrt")

    @property
    def azure_ad_prt(self) -> bool | None:
        """``AzureAdPrt``: the signed-in user has a Primary Refresh Token."""
        return _yes_no(self.value("AzureAdPrt"))

    @property
    def azure_ad_prt_update_time(self) -> str | None:
        """``AzureAdPrtUpdateTime`` (UTC, as printed)."""
        return self.value("AzureAdPrtUpdateTime") or None

    @property
    def enterprise_prt(self) -> bool | None:
        """``EnterprisePrt``: an AD FS PRT."""
        return _yes_no(self.value("EnterprisePrt"))

    @property
    def attempt_status(self) -> str | None:
        """``Attempt Status`` of the last failed PRT attempt (Windows 10 21H1 and later)."""
        return self.value("Attempt Status") or None

    @property
    def server_error_code(self) -> str | None:
        """``Server Error Code`` of the last failed PRT attempt (``invalid_grant``)."""
        return self.value("Server Error Code") or None

    @property
    def server_error_description(self) -> str | None:
        """``Server Error Description`` (``AADSTS50126: ...``)."""
        return self.value("Server Error Description") or None

    @property
    def http_error(self) -> str | None:
        """``HTTP Error``: the WinHTTP transport error of the last PRT attempt (``0x0``: none)."""
        return self.value("HTTP Error") or None

    @property
    def http_status(self) -> str | None:
        """``HTTP status`` of the last PRT attempt."""
        return self.value("HTTP Status") or None

    # --- Diagnostic Data -------------------------------------------------------------------

    @property
    def user_context(self) -> str | None:
        """``User Context`` of the diagnostics: SYSTEM, ``UN-ELEVATED User``, ``ELEVATED User``."""
        return self.value("User Context") or None

    @property
    def ran_elevated(self) -> bool:
        """Whether dsregcmd ran elevated or as SYSTEM (the user's PRT may then not show)."""
        context = (self.user_context or "").upper()
        return context == "SYSTEM" or context.startswith("ELEVATED")

    @property
    def diagnostics(self) -> Diagnostics:
        """The Diagnostic Data (tests and error codes), wherever the output put them."""
        tests: list[DiagnosticResult] = []
        for section, key, value in self.pairs():
            # "AD Connectivity Test", "DRS Discovery Test", "Pre-Join Tests", ... (not
            # KeySignTest, a post-join key check with its own accessor).
            if re.search(r"\sTests?$", key, re.IGNORECASE):
                tests.append(DiagnosticResult(key, value, section.name))
        errors: list[tuple[str | None, str]] = []
        for section in self.sections:
            if section.is_work_account:
                continue
            phase = section.get("Error Phase") or None
            errors.extend((phase, code) for code in section.get_all("Client ErrorCode") if code)
        codes = tuple(code for _, code in errors)
        return Diagnostics(
            tests=tuple(tests),
            user_context=self.user_context,
            client_time=self.value("Client Time") or None,
            error_phase=self.value("Error Phase") or None,
            client_error_code=codes[0] if codes else None,
            client_error_codes=codes,
            client_errors=tuple(errors),
            server_error_code=self.value("Server ErrorCode") or None,
            server_message=self.value("Server Message") or None,
            https_status=self.value("Https Status") or None,
            registration_type=self.value("Registration Type") or None,
            previous_registration=self.value("Previous Registration") or None,
            fallback_to_sync_join=self.value("Fallback to Sync-Join") or None,
            aad_recovery_enabled=_yes_no(self.value("AadRecoveryEnabled")),
            key_sign_test=self.value("KeySignTest") or None,
            executing_account=self.value("Executing Account Name") or None,
        )


@dataclass
class _Builder:
    """Mutable state of one parse; frozen into ``DsregcmdStatus`` at the end."""

    sections: list[Section] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    name: str | None = None
    line: int = 0
    keys: list[str] = field(default_factory=list)
    values: list[list[str]] = field(default_factory=list)
    # Set while the previous physical line was a key line (or its continuation) that filled
    # the console width: the next line may be the rest of its value. Holds that line's indent.
    wrap_indent: int | None = None
    spaced: int = 0
    unspaced: int = 0

    def close(self) -> None:
        if self.name is not None:
            entries = tuple(
                (key, _clean_value("".join(parts)))
                for key, parts in zip(self.keys, self.values, strict=True)
            )
            self.sections.append(Section(self.name, entries, self.line))
        self.name, self.keys, self.values, self.wrap_indent = None, [], [], None

    def open(self, name: str, line: int) -> None:
        self.close()
        self.name, self.line = name, line


def _clean_value(raw: str) -> str:
    value = raw.strip()
    # Old format: "KeySignTest: : MUST Run elevated to test." (a doubled separator).
    if value.startswith(":"):
        value = value.lstrip(":").strip()
    return value


def _pipe_header(line: str) -> str | None:
    """The name in a ``| Device State |`` header line (closing bar optional), or None.

    String operations, not a regex: the lazy-group regex this replaces backtracked cubically on
    a long line of blanks between bars (39 KiB: 103 s, issue 11 point 5).
    """
    body = line.strip()
    if not body.startswith("|"):
        return None
    body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    name = body.strip()
    if "|" in name or _ASCII_LETTERS.isdisjoint(name):
        return None
    return name


def _header_name(line: str) -> str | None:
    name = _pipe_header(line)
    candidate = name if name is not None else line.strip()
    known = _SECTION_BY_LOWER.get(normalize_key(candidate))
    if known is not None:
        return known
    if _WORK_ACCOUNT_RE.match(candidate):
        return " ".join(candidate.split())
    # An unknown ``| Name |`` header is kept by name; a bare unknown line is just text.
    return candidate if name is not None else None


def _split_key(line: str) -> tuple[str, str, bool] | None:
    r"""(key, raw value, whether a blank precedes the colon) of a ``Key : Value`` line.

    The key ends at the first colon when a blank precedes or follows it (or it ends the line);
    a line whose first colon sits inside a word ("C:\Users", "https://", "15:51:42") is no
    key line. Found with ``str.find``: the regex this replaces was quadratic on long blank runs.
    """
    colon = line.find(":")
    if colon < 0:
        return None
    key_end = len(line[:colon].rstrip())
    after = line[colon + 1 : colon + 2]
    if key_end == colon and after and not after.isspace():
        return None
    key = " ".join(line[:key_end].split())
    if not _KEY_RE.match(key):
        return None
    return key, line[colon + 1 :], colon > 0 and line[colon - 1].isspace()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def parse_dsregcmd(text: str, source: str = "dsregcmd.txt") -> DsregcmdStatus:
    """Parse ``dsregcmd /status`` output; raises ``DsregcmdParseError`` for any other text.

    ``text`` is already decoded (:func:`onedrive_doctor.parsers.text.decode_text`).
    """
    state = _Builder()
    saw_device_state = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        wrap_indent, state.wrap_indent = state.wrap_indent, None
        if not stripped:
            continue
        if _BORDER_RE.match(line):
            continue
        header = _header_name(line) if ("|" in line or len(stripped) < 40) else None
        if header is not None:
            state.open(header, number)
            saw_device_state = saw_device_state or header == "Device State"
            continue
        if _PROMPT_RE.match(line) or _FOOTER_RE.search(line):
            # A prompt starts another command; the footer ends the output.
            state.close()
            state.other.append(stripped)
            continue
        pair = _split_key(line)
        if wrap_indent is not None and state.keys and _is_continuation(line, pair, wrap_indent):
            state.values[-1].append(line)
            if len(line.rstrip()) >= _MIN_WRAPPED_WIDTH:
                state.wrap_indent = wrap_indent
            continue
        if pair is None:
            state.other.append(stripped)
            continue
        key, value, spaced = pair
        if state.name is None:
            if normalize_key(key) not in _KNOWN_KEYS:
                state.other.append(stripped)  # "source: ...", "note: ..." and other preamble
                continue
            state.open("", number)
        if spaced:
            state.spaced += 1
        else:
            state.unspaced += 1
        state.keys.append(key)
        state.values.append([value])
        if len(line.rstrip()) >= _MIN_WRAPPED_WIDTH:
            state.wrap_indent = _indent(line)
    state.close()
    status = DsregcmdStatus(
        sections=tuple(state.sections),
        source=source,
        old_format=state.unspaced > state.spaced,
        other_lines=tuple(state.other),
    )
    if not saw_device_state and not any(
        normalize_key(key) in _MARKER_KEYS for _, key, _ in status.pairs()
    ):
        raise DsregcmdParseError(
            "not dsregcmd /status output (no 'Device State' section and none of its fields "
            "such as AzureAdJoined or DomainJoined)",
            source,
        )
    return status


def _is_continuation(line: str, pair: tuple[str, str, bool] | None, wrap_indent: int) -> bool:
    """Whether ``line`` is the console-wrapped rest of the previous (width-filling) value."""
    if pair is None:
        return True
    # A line at column 0 after an aligned (indented) key line is wrapped text unless it is a
    # known label: "WPAD code: 0x80072f94" would otherwise pass for a key.
    return _indent(line) == 0 and wrap_indent > 0 and normalize_key(pair[0]) not in _KNOWN_KEYS
