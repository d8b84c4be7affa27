"""The binary ``WinHttpSettings`` and ``DefaultConnectionSettings`` registry values.

Microsoft does not document this layout. It is reverse-engineered (stephannn/WinHttpProxySettings,
a port of Xavier Plantefève's gist a53a6af53b458188ee0766acc8508776; see
tests/fixtures/winhttp/winhttpsettings_registry_layout.txt), all integers little-endian::

    DWORD version    0x18 in WinHttpSettings, 0x46 in DefaultConnectionSettings
    DWORD counter    bumped on every change
    DWORD flags      1 direct (always set), 2 manual proxy, 4 auto-config URL, 8 auto-detect
    DWORD n, n bytes ASCII proxy server list
    DWORD n, n bytes ASCII bypass list
    DWORD n, n bytes ASCII auto-config URL    (may be missing in WinHttpSettings)
    ...              further bytes (DefaultConnectionSettings has more), ignored

The flag values match the documented ``PROXY_TYPE_*`` bits of ``INTERNET_PER_CONN_FLAGS``
(https://learn.microsoft.com/windows/win32/api/wininet/ns-wininet-internet_per_conn_optiona).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = [
    "FLAG_AUTO_CONFIG",
    "FLAG_AUTO_DETECT",
    "FLAG_DIRECT",
    "FLAG_PROXY",
    "ConnectionSettings",
    "ConnectionSettingsError",
    "parse_connection_settings",
]

FLAG_DIRECT = 0x1
FLAG_PROXY = 0x2
FLAG_AUTO_CONFIG = 0x4
FLAG_AUTO_DETECT = 0x8

_HEADER = struct.Struct("<III")
_LENGTH = struct.Struct("<I")


class ConnectionSettingsError(ValueError):
    """The blob is truncated or is not a connection-settings record."""


@dataclass(frozen=True)
class ConnectionSettings:
    """A decoded connection-settings record. Empty strings are ``None``.

    ``proxy``, ``bypass`` and ``autoconfig_url`` are what is stored; whether Windows uses them
    depends on ``flags`` (see the properties).
    """

    flags: int
    proxy: str | None
    bypass: str | None
    autoconfig_url: str | None

    @property
    def manual_proxy(self) -> bool:
        """Whether the proxy server list is in use (flag 0x2)."""
        return bool(self.flags & FLAG_PROXY)

    @property
    def auto_config(self) -> bool:
        """Whether the auto-config (PAC) URL is in use (flag 0x4)."""
        return bool(self.flags & FLAG_AUTO_CONFIG)

    @property
    def auto_detect(self) -> bool:
        """Whether WPAD auto-detection is on (flag 0x8)."""
        return bool(self.flags & FLAG_AUTO_DETECT)

    @property
    def direct(self) -> bool:
        """Whether connections go direct: no manual proxy, no PAC URL, no auto-detect.

        Flag 0x1 alone is not enough: Windows keeps it set next to the others.
        """
        return not (self.manual_proxy or self.auto_config or self.auto_detect)


def parse_connection_settings(data: bytes) -> ConnectionSettings:
    """Decode a ``WinHttpSettings`` or ``DefaultConnectionSettings`` value.

    Raises ``ConnectionSettingsError`` when it is shorter than its own lengths say, or its text is
    not printable ASCII.
    """
    if len(data) < _HEADER.size:
        raise ConnectionSettingsError(
            f"connection settings too short: {len(data)} bytes, the header alone is 12"
        )
    _version, _counter, flags = _HEADER.unpack_from(data)
    offset = _HEADER.size
    proxy, offset = _string(data, offset, "proxy server")
    bypass, offset = _string(data, offset, "bypass list")
    autoconfig: str | None = None
    if len(data) - offset >= _LENGTH.size:
        autoconfig, offset = _string(data, offset, "auto-config URL")
    return ConnectionSettings(flags, proxy, bypass, autoconfig)


def _string(data: bytes, offset: int, what: str) -> tuple[str | None, int]:
    if len(data) - offset < _LENGTH.size:
        raise ConnectionSettingsError(f"connection settings truncated before the {what} length")
    (length,) = _LENGTH.unpack_from(data, offset)
    offset += _LENGTH.size
    if length > len(data) - offset:
        raise ConnectionSettingsError(
            f"{what} length {length} at offset {offset - _LENGTH.size} is more than the "
            f"{len(data) - offset} bytes left"
        )
    raw = data[offset : offset + length]
    if any(byte < 0x20 or byte > 0x7E for byte in raw):
        raise ConnectionSettingsError(f"{what} is not printable ASCII: {raw!r}")
    return raw.decode("ascii") or None, offset + length
