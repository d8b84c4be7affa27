"""``events-*.xml`` (``wevtutil qe LOG /f:xml``) -> typed Windows events.

What wevtutil writes: one ``<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">``
element after another, with no root element and no XML declaration; UTF-8, or UTF-16LE with a
BOM when PowerShell's ``>`` redirected it (the shared text decoder reads both). Without ``/e:``
and ``/rd``-style rendering there is no ``RenderingInfo``: the event carries only its
``System`` block and its values, either as ``EventData/Data Name=...`` pairs (manifest events
such as Microsoft-Windows-AAD and the classic Schannel alerts) or as one element under
``UserData`` (Schannel's ``<EventXML xmlns="LSA_NS">`` events), whose children are the values.
A ``RenderingInfo/Message`` (``/e:`` or an export from Event Viewer) is kept when present.

The file is hostile input: a DOCTYPE or ENTITY declaration is refused before parsing (no entity
expansion, no external references), the text, the number of events, the depth of nesting and the
values per event are bounded, and elements are dropped as soon as they are read, so memory stays
proportional to one event. References:

- Event schema (System, EventData, UserData, RenderingInfo):
  https://learn.microsoft.com/windows/win32/wes/eventschema-schema
- wevtutil: https://learn.microsoft.com/windows-server/administration/windows-commands/wevtutil
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from ..errors import InputError

__all__ = [
    "EVENT_NS",
    "MAX_EVENTS",
    "EventLog",
    "EventParseError",
    "WinEvent",
    "event_number",
    "parse_events",
]

EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event"

#: The collector asks for 200 events (/c:200); anything past this many is not a wevtutil export.
MAX_EVENTS = 5000
#: 16 MiB of text: 200 events are well under 1 MiB.
MAX_CHARS = 16 * 1024 * 1024
_MAX_DEPTH = 16
_MAX_VALUES = 256
_MAX_VALUE_CHARS = 16 * 1024
_CHUNK = 64 * 1024

# A DTD (and with it every entity definition) is refused outright, as defusedxml does.
_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATION = re.compile(r"<\?xml[^>]*\?>", re.IGNORECASE)
# SystemTime as Windows writes it: 7 fractional digits and a Z (2026-11-19T08:12:33.1234567Z).
_SYSTEM_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_LEVELS = {0: "LogAlways", 1: "Critical", 2: "Error", 3: "Warning", 4: "Information", 5: "Verbose"}


class EventParseError(InputError):
    """The events file is not wevtutil's XML, or breaks one of the limits."""


@dataclass(frozen=True)
class WinEvent:
    """One event: its provider, ID, level, time and values (name -> text, in file order)."""

    provider: str
    event_id: int
    level: int | None = None
    time_created: dt.datetime | None = None
    provider_guid: str | None = None
    record_id: int | None = None
    channel: str | None = None
    computer: str | None = None
    data: tuple[tuple[str, str], ...] = ()
    message: str | None = None

    @property
    def level_name(self) -> str:
        """``Error``, ``Warning``, ... as Event Viewer shows the level."""
        if self.level is None:
            return "unknown level"
        return _LEVELS.get(self.level, f"level {self.level}")

    def value(self, *names: str) -> str | None:
        """The first value named one of ``names`` (any case), or ``None``."""
        wanted = [name.casefold() for name in names]
        for want in wanted:
            for name, text in self.data:
                if name.casefold() == want:
                    return text
        return None

    def to_json(self) -> dict[str, object]:
        """The event as a finding's evidence shows it."""
        return {
            "provider": self.provider,
            "event_id": self.event_id,
            "level": self.level_name,
            "time": self.time_created.isoformat() if self.time_created else None,
            "record_id": self.record_id,
            "data": dict(self.data),
        }


@dataclass(frozen=True)
class EventLog:
    """The events of one file, in file order (newest first with ``/rd:true``).

    ``skipped`` counts ``Event`` elements without a readable provider or event ID.
    """

    events: tuple[WinEvent, ...] = ()
    skipped: int = 0


def parse_events(text: str, source: str = "events.xml") -> EventLog:
    """Parse wevtutil's ``/f:xml`` output; raises :class:`EventParseError` when it is not that."""
    if len(text) > MAX_CHARS:
        raise EventParseError(
            f"too large for an event export ({len(text)} characters, limit {MAX_CHARS})", source
        )
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        return EventLog()
    match = _FORBIDDEN.search(stripped)
    if match:
        line = stripped.count("\n", 0, match.start()) + 1
        raise EventParseError(
            f"a {match.group(1).upper()} declaration is not allowed in an event export",
            source,
            line,
        )
    if "<Event" not in stripped:
        raise EventParseError(
            "not wevtutil XML output (no <Event> element; expected `wevtutil qe LOG /f:xml`)",
            source,
        )
    # Each event may carry its own declaration when files were concatenated; a declaration is
    # only legal at the very start, so they go before the events are wrapped in one root.
    body = _DECLARATION.sub("", stripped)
    return _read(body, source)


def _read(body: str, source: str) -> EventLog:
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    events: list[WinEvent] = []
    skipped = 0
    depth = 0
    root: ET.Element | None = None
    try:
        parser.feed("<Events>")
        for start in range(0, len(body), _CHUNK):
            parser.feed(body[start : start + _CHUNK])
            # typeshed types the pairs loosely; with events ("start", "end") each is (str, Element).
            pairs = cast("Iterator[tuple[str, object]]", parser.read_events())
            for kind, item in pairs:
                if not isinstance(item, ET.Element):
                    continue
                element = item
                if kind == "start":
                    depth += 1
                    if root is None:
                        root = element
                    if depth > _MAX_DEPTH:
                        raise EventParseError(
                            f"elements nested deeper than {_MAX_DEPTH} levels", source
                        )
                    continue
                depth -= 1
                if depth != 1 or _local(element.tag) != "Event":
                    continue
                event = _event(element)
                # Read once, then dropped: memory stays at one event whatever the file holds.
                if root is not None:
                    root.remove(element)
                if event is None:
                    skipped += 1
                else:
                    events.append(event)
                if len(events) + skipped > MAX_EVENTS:
                    raise EventParseError(
                        f"more than {MAX_EVENTS} events (the collector asks for 200)", source
                    )
        parser.feed("</Events>")
        parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise EventParseError(f"malformed event XML ({_reason(exc)})", source, line) from exc
    return EventLog(tuple(events), skipped)


def _reason(exc: ET.ParseError) -> str:
    text = str(exc)
    return text.split(":", 1)[0] if ":" in text else text


def _local(tag: object) -> str:
    name = tag if isinstance(tag, str) else ""
    return name.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip()[:_MAX_VALUE_CHARS]


def event_number(text: str | None) -> int | None:
    """A number as events write it, decimal or ``0x`` hex; ``None`` when absent or not one."""
    if text is None:
        return None
    text = text.strip()
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None


def _event(element: ET.Element) -> WinEvent | None:
    system = _child(element, "System")
    if system is None:
        return None
    provider_element = _child(system, "Provider")
    provider = None
    guid = None
    if provider_element is not None:
        provider = provider_element.get("Name") or provider_element.get("EventSourceName")
        guid = provider_element.get("Guid")
    event_id = event_number(_text(_child(system, "EventID")))
    if not provider or event_id is None or not 0 <= event_id <= 0xFFFF:
        return None
    created = _child(system, "TimeCreated")
    return WinEvent(
        provider=provider[:256],
        event_id=event_id,
        level=event_number(_text(_child(system, "Level"))),
        time_created=_time(created.get("SystemTime") if created is not None else None),
        provider_guid=guid.strip("{}").upper() if guid else None,
        record_id=event_number(_text(_child(system, "EventRecordID"))),
        channel=_text(_child(system, "Channel")),
        computer=_text(_child(system, "Computer")),
        data=_values(element),
        message=_message(element),
    )


def _values(element: ET.Element) -> tuple[tuple[str, str], ...]:
    """``EventData/Data`` pairs, else the children of the one ``UserData`` element."""
    values: list[tuple[str, str]] = []
    event_data = _child(element, "EventData")
    if event_data is not None:
        for index, data in enumerate(event_data, 1):
            if _local(data.tag) not in ("Data", "ComplexData", "Binary"):
                continue
            name = data.get("Name") or (
                "Binary" if _local(data.tag) == "Binary" else f"Data{index}"
            )
            values.append((name[:256], _text(data) or ""))
            if len(values) >= _MAX_VALUES:
                break
    user_data = _child(element, "UserData")
    if user_data is not None:
        for block in user_data:
            for item in block:
                values.append((_local(item.tag)[:256], _text(item) or ""))
                if len(values) >= _MAX_VALUES:
                    break
            break  # UserData holds exactly one element (the event schema)
    return tuple(values)


def _message(element: ET.Element) -> str | None:
    rendering = _child(element, "RenderingInfo")
    if rendering is None:
        return None
    return _text(_child(rendering, "Message"))


def _time(value: str | None) -> dt.datetime | None:
    """A ``SystemTime`` attribute as an aware datetime (UTC when it has no offset)."""
    if not value:
        return None
    match = _SYSTEM_TIME.match(value.strip())
    if match is None:
        return None
    day, clock, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    offset = "+00:00" if zone in (None, "Z") else zone
    if len(offset) == 5:  # +0100
        offset = offset[:3] + ":" + offset[3:]
    try:
        return dt.datetime.fromisoformat(f"{day}T{clock}.{micro}{offset}")
    except ValueError:
        return None
