r"""``Get-AppxPackage Microsoft.AAD.BrokerPlugin`` output -> the sign-in broker's package records.

Windows PowerShell prints an AppxPackage in its list view, one ``Name : value`` line per
property, records separated by blank lines (the shape Microsoft's own troubleshooting shows, and
the one tests/fixtures/appx/ holds)::

    Name              : Microsoft.AAD.BrokerPlugin
    Publisher         : CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US
    Architecture      : Neutral
    ...
    PackageFullName   : Microsoft.AAD.BrokerPlugin_1000.19580.1000.0_neutral_neutral_cw5n1h2txyewy
    InstallLocation   : C:\Windows\SystemApps\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy
    ...
    Status            : Ok

The labels are .NET property names and ``Status`` is the ``PackageStatus`` enum name, which
PowerShell does not translate: a German or Japanese Windows prints the same words (only the
file's encoding differs: UTF-16LE when a user redirects with ``>`` in Windows PowerShell).
An empty output is the documented sign that the package is not registered for this user
("Unable to sign in to Microsoft 365 desktop applications": the detection script tests
``Get-AppxPackage -Name Microsoft.AAD.BrokerPlugin`` for a match). Anything that is neither
empty nor such records (an error text, another command's output) is rejected, not guessed at.

Bounded: at most ``_MAX_CHARS`` characters are read and ``_MAX_RECORDS`` records kept, so a
hostile bundle cannot make the parser slow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import InputError

__all__ = ["BROKER_PACKAGE", "AppxListing", "AppxPackage", "AppxParseError", "parse_appx"]

#: The Web Account Manager's Entra ID plug-in (SystemApps\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy).
BROKER_PACKAGE = "Microsoft.AAD.BrokerPlugin"

_MAX_CHARS = 512 * 1024
_MAX_RECORDS = 64
# "Name              : value": a property name, blanks, a colon, one blank, the value. Matched
# with str methods after this short anchored pattern, so a long line costs one pass.
_LABEL_RE = re.compile(r"([A-Za-z][A-Za-z0-9]{0,63})[ \t]*:(?: |$)")


class AppxParseError(InputError):
    """appx-broker.txt is not Get-AppxPackage output."""


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class AppxPackage:
    """One package record: its properties by name (``Name``, ``Version``, ``Status``, ...)."""

    properties: Mapping[str, str] = field(default_factory=_empty)

    def get(self, name: str) -> str | None:
        """A property's value (case-insensitive name), or ``None`` when the record lacks it."""
        for key, value in self.properties.items():
            if key.casefold() == name.casefold():
                return value
        return None

    @property
    def name(self) -> str | None:
        """The package name (``Microsoft.AAD.BrokerPlugin``)."""
        return self.get("Name")

    @property
    def status(self) -> str | None:
        """``Ok`` when healthy; another PackageStatus name (``NeedsRemediation``, ...) otherwise."""
        return self.get("Status")

    @property
    def version(self) -> str | None:
        """The package version (``1000.19580.1000.0``)."""
        return self.get("Version")


@dataclass(frozen=True)
class AppxListing:
    """Every record of the output, in order; empty when the package is not registered."""

    packages: tuple[AppxPackage, ...] = ()

    def named(self, name: str) -> tuple[AppxPackage, ...]:
        """The records of one package (case-insensitive), usually one."""
        return tuple(p for p in self.packages if (p.name or "").casefold() == name.casefold())


def parse_appx(text: str, source: str = "appx-broker.txt") -> AppxListing:
    """Read Get-AppxPackage's list view; raises :class:`AppxParseError` on anything else."""
    if len(text) > _MAX_CHARS:
        raise AppxParseError(
            f"{len(text):,} characters is far more than Get-AppxPackage prints for one package",
            source,
        )
    records: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    last: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip():
            current, last = None, None
            continue
        if line[0] in " \t":
            if current is not None and last is not None:
                # A value Format-List wrapped onto the next line, indented to the value column.
                current[last] = f"{current[last]} {line.strip()}".strip()
                continue
            raise AppxParseError(
                f"an indented line outside a package record: {line[:80]!r}", source, number
            )
        match = _LABEL_RE.match(line)
        if match is None:
            raise AppxParseError(
                f"not Get-AppxPackage output (expected 'Name : value' lines): {line[:80]!r}",
                source,
                number,
            )
        if current is None:
            if len(records) >= _MAX_RECORDS:
                raise AppxParseError(f"more than {_MAX_RECORDS} package records", source, number)
            current = {}
            records.append(current)
        last = match.group(1)
        current[last] = line[match.end() :].strip()
    packages = tuple(AppxPackage(MappingProxyType(dict(r))) for r in records)
    if packages and not any(p.name for p in packages):
        raise AppxParseError("no package record has a Name", source)
    return AppxListing(packages)
