"""EVT: what Windows logged about TLS and sign-in (the Schannel and AAD Operational logs).

The logs are corroboration: they say what actually happened on the PC, where the other checks
infer it from settings. SCH002 and TLS001 quote :func:`logged_alerts` when Windows logged the
alert their finding predicts, so a finding that was inferred becomes an observed fact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..evidence import Evidence
from ..fixes import manual
from ..knowledge.error_codes import ErrorClass, SignInCode, sign_in_code
from ..knowledge.tls_alerts import alert
from ..model import Fix, Outcome, Status
from ..parsed import Parsed
from ..parsers.events import EventLog, WinEvent, event_number
from ._common import not_windows

__all__ = [
    "AAD_PROVIDER_GUID",
    "SCHANNEL_PROVIDER_GUID",
    "WINDOW",
    "aad_errors_logged",
    "logged_alerts",
    "schannel_errors_logged",
]

#: How far back from the collection a logged error counts.
WINDOW = dt.timedelta(days=7)

# Provider GUIDs as the events carry them in System/Provider/@Guid (logman query providers).
SCHANNEL_PROVIDER_GUID = "1F678132-5938-4686-9FDC-C8FF68F15C85"
AAD_PROVIDER_GUID = "4DE9BC9C-B27A-43C9-8994-0915F1A5E24F"

_SCHANNEL_FILE = "events-schannel.xml"
_AAD_FILE = "events-aad.xml"
_SCHANNEL_COMMAND = (
    "wevtutil qe System /q:\"*[System[Provider[@Name='Schannel']]]\" /c:200 /rd:true /f:xml"
)
_AAD_COMMAND = "wevtutil qe Microsoft-Windows-AAD/Operational /c:200 /rd:true /f:xml"
_COLLECTED = 200  # the /c: of both commands (docs/spec/bundle.md)

_SCHANNEL_EVENTS = "https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/dn786445(v=ws.11)"
_ALERT_IN_TEXT = re.compile(r"alert code is (\d{1,3})", re.IGNORECASE)
_STATE_IN_TEXT = re.compile(r"error state is (\d{1,10})", re.IGNORECASE)
_HEX_CODE = re.compile(r"\b0x([0-9a-fA-F]{8})\b")
_AADSTS = re.compile(r"\bAADSTS(\d{5,6})\b")
# Values of AAD events that hold a status code, hex or decimal (1098 "Error", 1104 "Status").
_CODE_FIELDS = ("Error", "ErrorCode", "Status", "Code", "HResult", "ResultCode")


@dataclass(frozen=True)
class SchannelError:
    """One decoded Schannel error event."""

    event: WinEvent
    what: str  # the meaning, as a finding says it
    key: str  # what groups equal errors ("36887 alert 40")
    alert: int | None = None
    direction: str | None = None  # "received" (36887) or "sent" (36888)
    checks: tuple[str, ...] = ()


def schannel_errors_logged(ev: Evidence) -> Outcome:
    r"""The System log holds Schannel TLS errors from the days before collection.

    What it checks:
        The Schannel events of the System log (provider Schannel,
        {1F678132-5938-4686-9FDC-C8FF68F15C85}) logged in the 7 days before the bundle was
        collected: 36871 (a fatal error creating a TLS credential, with Schannel's internal
        error state), 36874 (a TLS connection request from a remote client with no cipher
        suite in common), 36887 (a fatal alert received from the remote endpoint) and 36888 (a
        fatal alert this PC generated and sent, with its error state). Each alert number is
        decoded to its RFC 8446 / 5246 name and what it means in the direction it travelled.

    Why it matters:
        The other checks infer from settings what the front door will do; the log says what
        happened. "The TLS protocol defined fatal alert code is 40" received from the server
        (handshake_failure) is the front door refusing every suite or curve Schannel offered;
        48 (unknown_ca) sent by the PC means the PC did not trust the server's root; 36871 with
        error state 10013 was logged on PCs whose cipher suite policy held only names the
        build does not implement.

    Evidence:
        events-schannel.xml (`wevtutil qe System
        /q:"*[System[Provider[@Name='Schannel']]]" /c:200 /rd:true /f:xml`) and the collection
        date from manifest.json.

    Fix:
        None of its own: the finding names the checks whose fix removes the cause (SCH002 /
        SCH006 for alert 40 received, CRT001 / TLS002 for 48 sent, SCH001 for 70). Schannel
        errors of other programs (this PC as a TLS server, RDP, ...) may be unrelated to
        OneDrive; the finding says which direction each alert went.

    Fix safety:
        Nothing to apply: the checks it points to carry their own fixes.

    References:
        - Schannel events (36871, 36874, 36887, 36888): https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/dn786445(v=ws.11)
        - TLS alert descriptions, RFC 8446 §6: https://www.rfc-editor.org/rfc/rfc8446#section-6
        - wevtutil: https://learn.microsoft.com/windows-server/administration/windows-commands/wevtutil

    """
    log = _log(ev, ev.schannel_events, _SCHANNEL_FILE, _SCHANNEL_COMMAND)
    if isinstance(log, Outcome):
        return log
    schannel = [e for e in log.events if _is_schannel(e)]
    window, recent, evidence, note = _windowed(ev, schannel)
    errors = [d for d in (_decode_schannel(e) for e in recent) if d is not None]
    if not errors:
        return Outcome.passed(
            f"The System log holds no Schannel error (36871, 36874, 36887, 36888) {window} "
            f"({len(schannel)} Schannel event(s) read from {_SCHANNEL_FILE}){note}.",
            **evidence,
        )
    groups = Counter(error.key for error in errors)
    first = {error.key: error for error in reversed(errors)}  # the newest of each group
    parts = [f"{count} × {first[key].what}" for key, count in groups.most_common()]
    checks = sorted({c for error in errors for c in error.checks})
    evidence["errors"] = [
        {
            "event_id": first[key].event.event_id,
            "count": count,
            "meaning": first[key].what,
            "alert": first[key].alert,
            "direction": first[key].direction,
            "newest": _when(first[key].event),
        }
        for key, count in groups.most_common()
    ]
    evidence["checks"] = checks
    message = (
        f"The System log holds {len(errors)} Schannel error(s) {window}: {'; '.join(parts)}."
        + (f" The checks that find the cause: {', '.join(checks)}." if checks else "")
        + note
    )
    return Outcome.failed(
        message,
        fix=Fix(
            "Fix the cause the logged TLS errors point to"
            + (f" ({', '.join(checks)})" if checks else ""),
            manual(
                "Apply the fixes of "
                + (", ".join(checks) if checks else "the SCH and TLS findings")
                + "; each logged alert names what Schannel or the server refused.",
                "Errors logged while this PC was the TLS server (36874, alerts of other "
                "programs) may have nothing to do with OneDrive: the direction of each alert "
                "is in the finding.",
            ),
        ),
        **evidence,
    )


def logged_alerts(ev: Evidence, numbers: Iterable[int], direction: str = "received") -> str | None:
    """A sentence saying Windows logged one of the alerts ``numbers``, or ``None``.

    SCH002 and TLS001 append it to their failure: an alert 40 the front door sent, logged by
    Schannel, turns the inferred finding into an observed one.
    """
    log = ev.schannel_events.value
    if log is None:
        return None
    wanted = set(numbers)
    since = ev.as_of - WINDOW
    found = Counter(
        error.alert
        for error in (_decode_schannel(e) for e in log.events if _is_schannel(e))
        if error is not None
        and error.alert in wanted
        and error.direction == direction
        and _in_window(error.event, since)
    )
    if not found:
        return None
    listed = ", ".join(
        f"{count} × alert {alert(number).label()}"
        for number, count in sorted(found.items(), key=lambda item: -item[1])
        if number is not None
    )
    event = "36887" if direction == "received" else "36888"
    return (
        f"Windows logged it: Schannel event {event} ({listed}, {direction}) "
        f"{_window_text(ev, since)} ({_SCHANNEL_FILE}), so this is observed, not inferred."
    )


def aad_errors_logged(ev: Evidence) -> Outcome:
    r"""The Microsoft-Windows-AAD/Operational log holds sign-in errors from before collection.

    What it checks:
        The error events of the Entra sign-in log (provider Microsoft-Windows-AAD,
        {4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}; 1098, 1097, 1104, 1081, 1084, ...) logged in the
        7 days before the bundle was collected. Each status code is decoded: by name where
        Microsoft documents it (0xCAA82EE7 the server name could not be resolved, 0xCAA70004
        server or proxy not found, 0xCAA20003 an authorization problem: check the clock,
        0x80072F8F the secure connection could not be validated, ...), else by its structure
        (a WinINet error in the low word, the broker, the identity protocol), with its class:
        network, TLS / certificate, authorization, broker, HTTP, identity.

    Why it matters:
        OneDrive signs in through the Web Account Manager broker, which logs here what the
        sign-in service or the network answered. A network class code says the endpoint was
        never reached (NET checks), a TLS class code that the secure channel failed (SCH,
        TLS, CRT001), an authorization code that the token request was refused (often a wrong
        clock, NET006), a broker code that the broker itself is broken (IDN checks).

    Evidence:
        events-aad.xml (`wevtutil qe Microsoft-Windows-AAD/Operational /c:200 /rd:true
        /f:xml`, Windows 10 and later) and the collection date from manifest.json.

    Fix:
        None of its own: the finding names the checks of each code's class; Microsoft's
        advice for the documented codes is in the finding (set the clock for 0xCAA20003, fix
        the proxy for 0xCAA70004, reach the internet for 0xCAA82EE2 / 0xCAA82EE7).

    Fix safety:
        Nothing to apply: the checks it points to carry their own fixes.

    References:
        - Why am I having trouble signing in to Microsoft Teams? (the 0xCAA status codes):
          https://support.microsoft.com/office/why-am-i-having-trouble-signing-in-to-microsoft-teams-a02f683b-61a3-4008-9447-ee60c5593b0f
        - Troubleshoot Microsoft Entra hybrid joined devices (0x80072EFD, 0x80072F8F, 0xCAA82F8F):
          https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current
        - WinINet error codes: https://learn.microsoft.com/windows/win32/wininet/wininet-errors

    """
    log = _log(ev, ev.aad_events, _AAD_FILE, _AAD_COMMAND)
    if isinstance(log, Outcome):
        if log.status is Status.UNKNOWN and ev.aad_events.missing:
            before_10 = _before_windows_10(ev)
            if before_10:
                return Outcome.not_applicable(before_10)
        return log
    aad = [e for e in log.events if _is_aad(e)]
    window, recent, evidence, note = _windowed(ev, aad)
    errors = [e for e in recent if e.level is not None and e.level in (1, 2)]
    if not errors:
        return Outcome.passed(
            f"The Microsoft-Windows-AAD/Operational log holds no error {window} "
            f"({len(aad)} event(s) read from {_AAD_FILE}){note}.",
            **evidence,
        )
    codes: Counter[int] = Counter()
    newest: dict[int, WinEvent] = {}
    servers: Counter[str] = Counter()
    uncoded = 0
    for event in errors:
        found = _codes(event)
        if not found:
            uncoded += 1
        for code in found:
            codes[code] += 1
            newest.setdefault(code, event)
        for number in _aadsts(event):
            servers[f"AADSTS{number}"] += 1
    decoded = {code: sign_in_code(code) for code in codes}
    parts = [f"{count} × {_code_text(decoded[code])}" for code, count in codes.most_common(6)]
    if len(codes) > 6:
        parts.append(f"{len(codes) - 6} other code(s)")
    if uncoded:
        parts.append(f"{uncoded} error event(s) without a status code")
    classes = sorted(
        {d.error_class for d in decoded.values()} - {ErrorClass.UNKNOWN}, key=lambda c: c.value
    )
    checks = sorted({check for c in classes for check in c.checks})
    evidence["codes"] = [
        {**decoded[code].to_json(), "count": count, "newest": _when(newest[code])}
        for code, count in codes.most_common()
    ]
    evidence["classes"] = [c.value for c in classes]
    if servers:
        evidence["server_errors"] = dict(servers.most_common())
    message = f"The Microsoft-Windows-AAD/Operational log holds {len(errors)} error(s) {window}: "
    message += "; ".join(parts) + "."
    if classes:
        message += " Classes: " + ", ".join(c.label for c in classes) + "."
    if servers:
        message += " Entra ID answered " + ", ".join(servers) + "."
    message += note
    steps = [_class_step(c) for c in classes] or [
        "Look up the logged codes (https://login.microsoftonline.com/error for AADSTS codes) "
        "and run the checks of their class."
    ]
    return Outcome.failed(
        message,
        fix=Fix(
            "Fix the causes the logged sign-in errors point to"
            + (f" ({', '.join(checks)})" if checks else ""),
            manual(*steps),
        ),
        **evidence,
    )


# --- helpers ---------------------------------------------------------------------------------


def _log(ev: Evidence, parsed: Parsed[EventLog], name: str, command: str) -> EventLog | Outcome:
    """The parsed log, or why there is none (other OS, unreadable, not on this Windows, missing)."""
    other = not_windows(ev)
    if other is not None and parsed.missing:
        return other
    if parsed.value is not None:
        return parsed.value
    if parsed.problem is not None:
        return Outcome.unknown(f"unreadable evidence: {parsed.problem}")
    if name in ev.unavailable:
        return Outcome.not_applicable(
            f"{ev.unavailable[name]} cannot export this log on this Windows (unavailable.txt): "
            "it does not exist here"
        )
    return Outcome.unknown(f"no {name} in this bundle (needs `{command}`)")


def _before_windows_10(ev: Evidence) -> str | None:
    version = ev.os_version.value
    if version is None or version.build >= 10240:
        return None
    return (
        f"{version.label} has no Microsoft-Windows-AAD/Operational log (Windows 10 and later): "
        "its sign-in does not go through the Entra broker"
    )


def _is_schannel(event: WinEvent) -> bool:
    return event.provider.casefold() == "schannel" or event.provider_guid == SCHANNEL_PROVIDER_GUID


def _is_aad(event: WinEvent) -> bool:
    return (
        event.provider.casefold() in ("microsoft-windows-aad", "aad")
        or event.provider_guid == AAD_PROVIDER_GUID
    )


def _in_window(event: WinEvent, since: dt.datetime) -> bool:
    """Logged after ``since``; an undated event counts (better reported than hidden)."""
    return event.time_created is None or event.time_created >= since


def _window_text(ev: Evidence, since: dt.datetime) -> str:
    return (
        f"in the {WINDOW.days} days before collection "
        f"({since:%Y-%m-%d %H:%M} to {ev.as_of:%Y-%m-%d %H:%M} UTC)"
    )


def _coverage(events: list[WinEvent], since: dt.datetime) -> str | None:
    """A note when the export may not reach back to the window's start (only 200 events)."""
    if len(events) < _COLLECTED:
        return None
    dated = [e.time_created for e in events if e.time_created is not None]
    if not dated or min(dated) <= since:
        return None
    return (
        f"the export holds only the newest {len(events)} events, back to "
        f"{min(dated):%Y-%m-%d %H:%M} UTC: older errors of the window are not in it"
    )


def _windowed(
    ev: Evidence, events: list[WinEvent]
) -> tuple[str, list[WinEvent], dict[str, Any], str]:
    """The window as a finding says it, its events, the evidence about it and a coverage note.

    The note (" Note: ...." or "") ends a message when the export may not reach back to the
    window's start; the evidence then carries it as ``coverage``.
    """
    since = ev.as_of - WINDOW
    recent = [e for e in events if _in_window(e, since)]
    evidence: dict[str, Any] = {
        "window": {"from": since.isoformat(), "to": ev.as_of.isoformat(), "days": WINDOW.days},
        "events_read": len(events),
        "events_in_window": len(recent),
    }
    coverage = _coverage(events, since)
    if coverage:
        evidence["coverage"] = coverage
    note = f" Note: {coverage}." if coverage else ""
    return _window_text(ev, since), recent, evidence, note


def _when(event: WinEvent) -> str | None:
    return event.time_created.isoformat() if event.time_created else None


def _decode_schannel(event: WinEvent) -> SchannelError | None:
    """What one Schannel event means; ``None`` for the events EVT001 does not count."""
    text = event.message or ""
    if event.event_id in (36887, 36888):
        number = event_number(event.value("AlertDesc", "AlertDescription"))
        if number is None:
            match = _ALERT_IN_TEXT.search(text)
            number = int(match.group(1)) if match else None
        direction = "received" if event.event_id == 36887 else "sent"
        if number is None:
            what = f"{event.event_id} fatal alert {direction} (alert number not logged)"
            return SchannelError(event, what, f"{event.event_id} ?", None, direction)
        entry = alert(number)
        meaning = entry.received if direction == "received" else entry.sent
        if direction == "received":
            what = f"36887 fatal alert {entry.label()} received from the remote endpoint: {meaning}"
        else:
            state = event.value("ErrorState") or _first(_STATE_IN_TEXT, text)
            at = f" (error state {state})" if state else ""
            what = f"36888 fatal alert {entry.label()} generated and sent{at}: {meaning}"
        return SchannelError(
            event, what, f"{event.event_id} {number}", number, direction, entry.checks
        )
    if event.event_id == 36871:
        kind = event.value("Type") or "TLS"
        state = event.value("ErrorState") or _first(_STATE_IN_TEXT, text)
        at = f", internal error state {state}" if state else ""
        what = (
            f"36871 fatal error creating a {kind} credential{at}: Schannel could not build a "
            "credential from its settings (no usable protocol, cipher suite or key; seen with "
            "cipher suite policies naming suites this Windows does not implement)"
        )
        return SchannelError(
            event, what, f"36871 {kind} {state}", checks=("SCH001", "SCH002", "SCH008")
        )
    if event.event_id == 36874:
        protocol = event.value("Protocol") or "TLS"
        what = (
            f"36874 a {protocol} connection request from a remote client had no cipher suite "
            "in common with this PC (this PC was the TLS server: its suite list is that narrow)"
        )
        return SchannelError(event, what, f"36874 {protocol}", checks=("SCH002",))
    return None


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _codes(event: WinEvent) -> list[int]:
    """The status codes of one AAD event: named code values, then 0x........ anywhere."""
    found: list[int] = []
    for name in _CODE_FIELDS:
        value = event_number(event.value(name))
        if value is not None and 0x80000000 <= value <= 0xFFFFFFFF:
            found.append(value)
    texts = [value for _, value in event.data]
    if event.message:
        texts.append(event.message)
    for text in texts:
        for match in _HEX_CODE.finditer(text):
            value = int(match.group(1), 16)
            if value & 0x80000000:  # failure codes only (HRESULT / NTSTATUS severity bit)
                found.append(value)
    return list(dict.fromkeys(found))


def _aadsts(event: WinEvent) -> list[str]:
    texts = [value for _, value in event.data] + ([event.message] if event.message else [])
    return list(dict.fromkeys(m.group(1) for t in texts for m in _AADSTS.finditer(t)))


def _code_text(code: SignInCode) -> str:
    how = " (decoded from its structure)" if code.inferred else ""
    return f"{code.hex} {code.name}: {code.meaning}{how} [{code.error_class.value}]"


_CLASS_STEPS = {
    ErrorClass.NETWORK: "Network class: the sign-in endpoints were not reached; fix what NET001-"
    "NET005 and NET009 find (connection, DNS, proxy).",
    ErrorClass.TLS: "TLS / certificate class: the secure connection failed; fix what SCH001-"
    "SCH008, TLS001-TLS002 and CRT001 find, and check the clock (NET006).",
    ErrorClass.AUTHORIZATION: "Authorization class: make sure the PC's date, time and time zone "
    "are right (Microsoft's advice for 0xCAA20003; NET006), then sign in again.",
    ErrorClass.BROKER: "Broker class: the Web Account Manager broker (Microsoft.AAD.BrokerPlugin) "
    "failed; check the device join (IDN checks) and re-register the broker for the user.",
    ErrorClass.HTTP: "HTTP class: a server or proxy answered with an error status; check the "
    "proxy (NET005) and TLS inspection (TLS002).",
    ErrorClass.IDENTITY: "Identity class: the identity provider or device registration failed; "
    "see the IDN findings (dsregcmd /status).",
    ErrorClass.ONEDRIVE: "OneDrive's own 0x8004de40 was logged: every step of Microsoft's "
    "article applies (this report's other findings).",
}


def _class_step(error_class: ErrorClass) -> str:
    return _CLASS_STEPS.get(error_class, "Run the checks of the code's class.")
