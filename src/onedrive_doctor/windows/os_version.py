r"""The Windows version of the PC a bundle came from, read from its registry export.

The values live under ``HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion``. Two traps: Windows
11 keeps ``ProductName`` = "Windows 10 Pro" (build 22000 and later is Windows 11 whatever the
name says, docs/spec/bundle.md), and ``ReleaseId`` froze at "2009" from 20H2 on
(``DisplayVersion`` took over), so the build number decides the family and the names only
decorate the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..errors import InputError
from ..knowledge.windows_families import WindowsFamily, family_for
from ..registry.regfile import Registry, RegValue

__all__ = ["CURRENT_VERSION_KEY", "OsVersion", "OsVersionError", "os_version"]

CURRENT_VERSION_KEY = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
# Exported by every bundle (docs/spec/bundle.md) together with its WOW6432Node twin, which exists
# only on 64-bit Windows: the twin's absence next to it says "32-bit".
_INTERNET_SETTINGS = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
_WOW_INTERNET_SETTINGS = (
    r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings"
)
_BUILD_LAB_ARCH = re.compile(r"\.(amd64|arm64|ia64|x86|arm)(?:fre|chk)\.", re.IGNORECASE)
_WINDOWS11_BUILD = 22000


class OsVersionError(InputError):
    """The CurrentVersion key holds a build number that is not a number."""


@dataclass(frozen=True)
class OsVersion:
    """What Windows the PC runs, as far as the registry export tells.

    ``windows11`` follows the build (22000 and later, clients only), not ``ProductName``.
    ``bitness`` is 64 or 32 when the export shows it (``BuildLabEx``'s architecture, or any
    ``WOW6432Node`` key), None when it does not.
    """

    product_name: str | None
    build: int
    ubr: int | None
    display_version: str | None
    edition_id: str | None
    installation_type: str | None
    server: bool
    windows11: bool
    bitness: Literal[32, 64] | None
    family: WindowsFamily
    label: str


def os_version(reg: Registry) -> OsVersion | None:
    """Read the version from ``reg``; None when the CurrentVersion key or its build is absent.

    Raises ``OsVersionError`` (with the file and line of the value) when ``CurrentBuild`` or
    ``CurrentBuildNumber`` is present but not a number.
    """
    if not reg.has_key(CURRENT_VERSION_KEY):
        return None
    build = _build(reg)
    if build is None:
        return None
    product = _text(reg, "ProductName")
    edition = _text(reg, "EditionID")
    installation = _text(reg, "InstallationType")
    server = _is_server(product, edition, installation)
    display = _text(reg, "DisplayVersion") or _text(reg, "ReleaseId")
    ubr = reg.dword(CURRENT_VERSION_KEY, "UBR")
    try:
        family = family_for(build, server)
    except ValueError as exc:
        raise OsVersionError(str(exc), *_where(reg, "CurrentBuild", "CurrentBuildNumber")) from None
    return OsVersion(
        product_name=product,
        build=build,
        ubr=ubr,
        display_version=display,
        edition_id=edition,
        installation_type=installation,
        server=server,
        windows11=not server and build >= _WINDOWS11_BUILD,
        bitness=_bitness(reg),
        family=family,
        label=_label(family, build, ubr, display),
    )


def _text(reg: Registry, name: str) -> str | None:
    value = reg.string(CURRENT_VERSION_KEY, name)
    if value is None or not value.strip():
        return None
    return value.strip()


def _where(reg: Registry, *names: str) -> tuple[str | None, int | None]:
    for name in names:
        found: RegValue | None = reg.value(CURRENT_VERSION_KEY, name)
        if found is not None:
            return found.source, found.line
    return None, None


def _build(reg: Registry) -> int | None:
    # CurrentBuild and CurrentBuildNumber are both REG_SZ and equal on every release; an export
    # edited by hand may keep only one.
    for name in ("CurrentBuild", "CurrentBuildNumber"):
        value = reg.value(CURRENT_VERSION_KEY, name)
        if value is None:
            continue
        if isinstance(value.data, int):
            return value.data
        if isinstance(value.data, str) and re.fullmatch(r"[0-9]{1,9}", value.data.strip()):
            return int(value.data)
        raise OsVersionError(
            f"{name} is {value.data!r}, not a build number", value.source, value.line
        )
    return None


def _is_server(product: str | None, edition: str | None, installation: str | None) -> bool:
    # InstallationType is "Client", "Server" or "Server Core" (also "Nano Server"); older
    # exports lack it, so ProductName ("Windows Server 2008 R2 Standard") and EditionID
    # ("ServerStandard") are the fallbacks.
    if installation is not None and installation.lower() != "client":
        return "server" in installation.lower()
    return bool(
        (product and "server" in product.lower())
        or (edition and edition.lower().startswith("server"))
    )


def _bitness(reg: Registry) -> Literal[32, 64] | None:
    lab = _text(reg, "BuildLabEx") or _text(reg, "BuildLab")
    if lab and (match := _BUILD_LAB_ARCH.search(lab)):
        return 32 if match[1].lower() in ("x86", "arm") else 64
    if any("\\wow6432node" in key.lower() for key in reg.keys()):  # noqa: SIM118
        return 64
    if reg.has_key(_INTERNET_SETTINGS) and not reg.has_key(_WOW_INTERNET_SETTINGS):
        return 32
    return None


def _label(family: WindowsFamily, build: int, ubr: int | None, display: str | None) -> str:
    number = f"{build}" if ubr is None else f"{build}.{ubr}"
    if family.release is not None:
        # "Windows 11 24H2": the registry's DisplayVersion wins over the family's release, so a
        # newer release this table does not know yet is still named right.
        product = "Windows 11" if family.key.startswith("win11") else "Windows 10"
        release = display if display and display != "2009" else family.release
        name = f"{product} {release}"
    elif build == 7600:
        name = family.name.removesuffix(" SP1")  # 7600 is Windows 7 / 2008 R2 without SP1
    else:
        name = family.name
    return f"{name} (build {number})"
