r"""A fake Windows PC made of files, so ``collect`` and ``diagnose`` run their real path here.

The folder looks like a bundle (tests/winbundles.py writes one; a real bundle works too)::

    registry/*.reg        the PC's registry: any number of `reg export` files, merged
    dsregcmd.txt, ...     what each command of the plan prints, by the bundle file it goes to
    files/C/...           the PC's disk (files/C/Program Files/Microsoft OneDrive/OneDrive.exe)
    host.json             optional: {"os": "Windows", "release": "10", "version": "10.0.26100",
                          "machine": "AMD64", "environ": {"LOCALAPPDATA": "C:\\Users\\alice\\..."},
                          "domain": "CONTOSO" or null,
                          "outcomes": {"dsregcmd.txt": {"status": "timeout", "error": "..."},
                                       "registry/schannel.reg": {"status": "failed",
                                                                 "exit_code": 1, "error": "..."}}}

``export_key`` answers like ``reg export``: the sections of the folder's exports at or below
the key (their lines as they are), or ``absent`` when there are none. A command whose output
file is missing does not exist on this PC (``not_available``: dsregcmd on Windows 7, the TLS
cmdlets before Windows 10). ``outcomes`` makes any step fail, time out or run out of budget.
"""

from __future__ import annotations

import json
import ntpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..bundle import CollectionStatus
from ..errors import InputError
from ..registry.regfile import normalize_key
from .hosts import CommandResult, HostFiles
from .plan import COMMANDS, DOMAIN_QUERY, REGISTRY_KEYS

__all__ = ["FakeWindowsHost"]

_HEADER = "Windows Registry Editor Version 5.00"
# What reg.exe prints on a key that does not exist (English Windows).
_NO_KEY = "ERROR: The system was unable to find the specified registry key or value."

_DEFAULT_ENV = {
    "LOCALAPPDATA": r"C:\Users\user\AppData\Local",
    "USERPROFILE": r"C:\Users\user",
    "PROGRAMFILES": r"C:\Program Files",
    "PROGRAMW6432": r"C:\Program Files",
    "PROGRAMFILES(X86)": r"C:\Program Files (x86)",
}


class FakeFiles:
    r"""Windows paths (``C:\Users\...``) mapped onto ``files/C/Users/...`` of the fake folder."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _local(self, path: str) -> Path:
        drive, rest = ntpath.splitdrive(path)
        parts = [p for p in rest.replace("/", "\\").split("\\") if p]
        if ".." in parts:
            return self._root / "\0"  # never leave the fake disk
        return self._root.joinpath(drive.rstrip(":") or "C", *parts)

    def join(self, *parts: str) -> str:
        """``ntpath.join``: the PC is Windows."""
        return ntpath.join(*parts)

    def is_file(self, path: str) -> bool:
        """Whether the fake disk has this file."""
        return self._local(path).is_file()

    def is_dir(self, path: str) -> bool:
        """Whether the fake disk has this folder."""
        return self._local(path).is_dir()

    def listdir(self, path: str) -> list[str]:
        """The names in the fake folder."""
        return sorted(item.name for item in self._local(path).iterdir())

    def read_bytes(self, path: str) -> bytes:
        """The fake file's bytes."""
        return self._local(path).read_bytes()


class FakeWindowsHost:
    """A Windows PC read from a folder; raises ``InputError`` when the folder is unusable."""

    def __init__(self, folder: str | Path) -> None:
        self.root = Path(folder)
        if not self.root.is_dir():
            raise InputError("no such folder (the fake Windows host)", str(self.root))
        self._config = self._load_config()
        self._files = FakeFiles(self.root / "files")
        self._sections = self._load_sections()
        self._file_of_key = {normalize_key(key).casefold(): name for name, key in REGISTRY_KEYS}

    def _load_config(self) -> dict[str, Any]:
        path = self.root / "host.json"
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"not valid JSON ({exc})", str(path)) from exc
        if not isinstance(data, dict):
            raise InputError("must hold a JSON object", str(path))
        return data

    def _load_sections(self) -> list[tuple[str, str]]:
        """Every ``[KEY]`` section of the folder's exports: (normalised key, its lines)."""
        sections: list[tuple[str, list[str]]] = []
        folder = self.root / "registry"
        for path in sorted(folder.glob("*.reg")) if folder.is_dir() else ():
            current: list[str] | None = None
            for line in _decode(path.read_bytes()).splitlines():
                stripped = line.strip()
                if line.startswith("[") and stripped.endswith("]"):
                    current = None
                    try:
                        # A deletion ([-KEY]) is not something an export holds: skipped.
                        key = normalize_key(stripped[1:-1])
                    except ValueError:
                        continue
                    current = [stripped]
                    sections.append((key, current))
                elif current is not None and stripped:
                    current.append(line.rstrip())
        return [(key, "\n".join(lines)) for key, lines in sections]

    @property
    def system(self) -> str:
        """``Windows``, unless host.json says otherwise."""
        value = self._config.get("os", "Windows")
        return value if isinstance(value, str) else "Windows"

    @property
    def files(self) -> HostFiles:
        """The fake disk under ``files/``."""
        return self._files

    def describe(self) -> dict[str, Any]:
        """host.json's description; ``fake_host`` says the bundle does not come from a PC."""
        described: dict[str, Any] = {"os": self.system}
        for name in ("release", "version", "machine"):
            value = self._config.get(name)
            described[name] = value if isinstance(value, str) else ""
        described["fake_host"] = str(self.root)
        return described

    def environ(self) -> Mapping[str, str]:
        """The Windows defaults, overridden by host.json's ``environ``."""
        env = dict(_DEFAULT_ENV)
        extra = self._config.get("environ")
        if isinstance(extra, dict):
            env.update({str(k).upper(): str(v) for k, v in extra.items()})
        return env

    def _outcome(self, file: str) -> CommandResult | None:
        outcomes = self._config.get("outcomes")
        raw = outcomes.get(file) if isinstance(outcomes, dict) else None
        if not isinstance(raw, dict):
            return None
        try:
            status = CollectionStatus(raw.get("status"))
        except ValueError as exc:
            raise InputError(f"outcomes[{file!r}]: {exc}", str(self.root / "host.json")) from exc
        code, error = raw.get("exit_code"), raw.get("error")
        return CommandResult(
            status,
            exit_code=code if isinstance(code, int) else None,
            error=error if isinstance(error, str) else None,
        )

    def export_key(self, key: str, timeout: float) -> CommandResult:
        """The sections at or below ``key``, as one UTF-16LE export; ``absent`` when none."""
        wanted = normalize_key(key).casefold()
        file = self._file_of_key.get(wanted)
        forced = self._outcome(f"registry/{file}.reg") if file else None
        if forced is not None:
            return forced
        chosen = [
            text
            for name, text in self._sections
            if name.casefold() == wanted or name.casefold().startswith(wanted + "\\")
        ]
        if not chosen:
            return CommandResult(CollectionStatus.ABSENT, exit_code=1, error=_NO_KEY)
        text = _HEADER + "\r\n\r\n" + "\r\n\r\n".join(t.replace("\n", "\r\n") for t in chosen)
        return CommandResult(
            CollectionStatus.OK, b"\xff\xfe" + (text + "\r\n\r\n").encode("utf-16-le"), 0
        )

    def _domain(self) -> str:
        value = self._config.get("domain")
        return value if isinstance(value, str) else ""

    def run_powershell(self, script: str, timeout: float) -> CommandResult:
        """The plan's command by its output file; ``not_available`` when there is none."""
        if script == DOMAIN_QUERY:
            return CommandResult(CollectionStatus.OK, f"domain={self._domain()}\r\n".encode(), 0)
        for command in COMMANDS:
            domain = self._domain()
            if script not in (command.powershell.format(domain=domain), command.guarded(domain)):
                continue
            forced = self._outcome(command.file)
            if forced is not None:
                return forced
            path = self.root / command.file
            if path.is_file():
                return CommandResult(CollectionStatus.OK, path.read_bytes(), 0)
            break
        name = script.split(" ", 1)[0]
        return CommandResult(
            CollectionStatus.NOT_AVAILABLE,
            exit_code=1,
            error=f"The term '{name}' is not recognized as the name of a cmdlet, function, "
            "script file, or operable program.",
        )


def _decode(data: bytes) -> str:
    """A .reg file's text: UTF-16 with its BOM (what reg export writes), UTF-8, or ANSI."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
