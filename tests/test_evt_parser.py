"""parsers.events: wevtutil's rootless /f:xml output, bounded and without entity expansion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from onedrive_doctor.parsers.events import MAX_EVENTS, EventParseError, parse_events
from onedrive_doctor.parsers.text import decode_text

EVENTS = Path(__file__).parent / "fixtures" / "events"
NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def one(
    eid: int = 36887,
    body: str = "<EventData><Data Name='AlertDesc'>40</Data></EventData>",
    when: str = "2026-11-20T09:41:07.5526941Z",
) -> str:
    return (
        f"<Event xmlns='{NS}'><System><Provider Name='Schannel' "
        "Guid='{1f678132-5938-4686-9fdc-c8ff68f15c85}'/>"
        f"<EventID>{eid}</EventID><Level>2</Level><TimeCreated SystemTime='{when}'/>"
        f"<EventRecordID>7</EventRecordID><Channel>System</Channel></System>{body}</Event>"
    )


def test_a_powershell_redirected_utf16_export_reads_as_its_events() -> None:
    data = (EVENTS / "schannel_alerts_win10_utf16.xml").read_bytes()
    assert data.startswith(b"\xff\xfe")
    log = parse_events(decode_text(data, "events-schannel.xml"))
    assert [e.event_id for e in log.events] == [
        36887,
        36887,
        36880,
        36888,
        36871,
        36887,
        36874,
        36887,
    ]
    first = log.events[0]
    assert first.provider == "Schannel"
    assert first.provider_guid == "1F678132-5938-4686-9FDC-C8FF68F15C85"
    assert first.level_name == "Error"
    assert first.time_created == dt.datetime(2026, 11, 20, 9, 41, 7, 552694, tzinfo=dt.timezone.utc)
    assert first.value("alertdesc") == "40"
    assert log.events[3].data == (("AlertDesc", "48"), ("ErrorState", "552"))


def test_userdata_events_give_their_children_as_values() -> None:
    log = parse_events((EVENTS / "schannel_quiet_win11_utf8.xml").read_text("utf-8"))
    info = log.events[0]
    assert info.event_id == 36880
    assert info.value("Protocol") == "TLS 1.2"
    assert info.value("CipherSuite") == "0xc030"
    assert info.value("TargetName") == "login.microsoftonline.com"


def test_events_with_and_without_separators_or_declarations_all_read() -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?>' + one() + one(36888) + "\n\n" + one(36874)
    assert [e.event_id for e in parse_events(text).events] == [36887, 36888, 36874]


def test_an_empty_export_has_no_events() -> None:
    assert parse_events("").events == ()
    assert parse_events("\ufeff\r\n").events == ()


def test_rendering_info_is_kept_when_present() -> None:
    body = (
        "<EventData><Data Name='AlertDesc'>40</Data></EventData><RenderingInfo Culture='de-DE'>"
        "<Message>Eine schwerwiegende Warnung wurde vom Remoteendpunkt empfangen.</Message>"
        "</RenderingInfo>"
    )
    event = parse_events(one(body=body)).events[0]
    assert event.message == "Eine schwerwiegende Warnung wurde vom Remoteendpunkt empfangen."


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            "2026-11-20T09:41:07.5526941Z",
            dt.datetime(2026, 11, 20, 9, 41, 7, 552694, tzinfo=dt.timezone.utc),
        ),
        ("2026-11-20T09:41:07Z", dt.datetime(2026, 11, 20, 9, 41, 7, tzinfo=dt.timezone.utc)),
        (
            "2026-11-20T10:41:07.1+01:00",
            dt.datetime(2026, 11, 20, 9, 41, 7, 100000, tzinfo=dt.timezone.utc),
        ),
        ("yesterday", None),
    ],
)
def test_system_time_in_every_form_windows_writes(when: str, expected: dt.datetime | None) -> None:
    assert parse_events(one(when=when)).events[0].time_created == expected


def test_an_event_without_provider_or_id_is_counted_as_skipped() -> None:
    broken = f"<Event xmlns='{NS}'><System><EventID>1</EventID></System></Event>"
    log = parse_events(broken + one())
    assert (len(log.events), log.skipped) == (1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<!DOCTYPE x [<!ENTITY a "b">]>' + one(),
            "events.xml:1: a DOCTYPE declaration is not allowed in an event export",
        ),
        (
            one() + '\n<!ENTITY a SYSTEM "file:///etc/passwd">',
            "events.xml:2: a ENTITY declaration is not allowed in an event export",
        ),
        (
            "Get-WinEvent : No events were found that match the specified selection criteria.",
            "events.xml: not wevtutil XML output (no <Event> element; expected `wevtutil qe LOG "
            "/f:xml`)",
        ),
        (one()[:-9], "events.xml:1: malformed event XML (not well-formed (invalid token))"),
        (one().replace("40", "&lol;"), "events.xml:1: malformed event XML (undefined entity)"),
    ],
    ids=["doctype", "entity", "not-xml", "cut-off", "undefined-entity"],
)
def test_hostile_or_broken_exports_are_one_clear_problem(text: str, message: str) -> None:
    with pytest.raises(EventParseError) as caught:
        parse_events(text)
    assert str(caught.value) == message


def test_the_parser_bounds_events_nesting_and_size() -> None:
    with pytest.raises(EventParseError, match=f"more than {MAX_EVENTS} events"):
        parse_events(one() * (MAX_EVENTS + 1))
    deep = one(body="<UserData>" + "<a>" * 40 + "</a>" * 40 + "</UserData>")
    with pytest.raises(EventParseError, match="nested deeper than 16 levels"):
        parse_events(deep)
    with pytest.raises(EventParseError, match="too large for an event export"):
        parse_events(" " * (16 * 1024 * 1024 + 1))
