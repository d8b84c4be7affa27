r"""``RegistryBackend`` over ``reg.exe`` (reg query / add / delete), the thinnest live layer.

Every Windows since XP ships reg.exe, and Wine ships a compatible one, so this backend is
tested for real here against Wine's registry (``RegExeBackend(("wine", "reg"))``), while
``WinRegBackend`` needs a Windows Python. Commands: "reg query", "reg add" and "reg delete"
(https://learn.microsoft.com/windows-server/administration/windows-commands/reg-query, .../reg-add,
.../reg-delete). Each call has a time limit; a failure other than "not found" (access denied:
HKLM needs an elevated prompt) raises ``OSError`` with reg.exe's own message.

``reg query`` prints a value as ``    NAME    REG_TYPE    DATA``: DWORD / QWORD in 0x hex,
REG_MULTI_SZ items joined by ``\0``, binary types as hex digits. Its output is in the console
code page, so values outside ASCII may not read back exactly: the fix values are ASCII.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence

from .regfile import RegData, RegType, RegValue, _split_key

__all__ = ["RegExeBackend"]

_LINE = re.compile(r"^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$")
_NOT_FOUND = ("unable to find", "cannot find", "not find")
_TYPES = {f"REG_{t.name}": int(t) for t in RegType}
_TYPES["REG_DWORD_LITTLE_ENDIAN"] = int(RegType.DWORD)
_TYPES["REG_QWORD_LITTLE_ENDIAN"] = int(RegType.QWORD)
_NAMES = {int(t): f"REG_{t.name}" for t in RegType}


class RegExeBackend:
    """The registry of the PC (or Wine prefix) ``reg`` runs on, through the reg.exe command."""

    def __init__(
        self,
        reg: Sequence[str] = ("reg",),
        *,
        timeout: float = 30.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """``reg`` is the command line that starts reg.exe (e.g. ``("wine", "reg")``)."""
        self._reg = tuple(reg)
        self._timeout = timeout
        self._env = None if env is None else dict(env)

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                [*self._reg, *args],
                capture_output=True,
                timeout=self._timeout,
                check=False,
                env=self._env,
            )
        except subprocess.TimeoutExpired:
            raise OSError(f"reg {args[0]} did not answer within {self._timeout:.0f} s") from None

    @staticmethod
    def _key(key: str) -> str:
        parts = _split_key(key)
        if parts is None:
            raise ValueError(f"not a registry key path: {key!r}")
        return "\\".join(parts)

    @staticmethod
    def _value_args(name: str) -> tuple[str, ...]:
        return ("/ve",) if name == "" else ("/v", name)

    def _failed(self, done: subprocess.CompletedProcess[bytes], what: str) -> OSError | None:
        """``None`` when reg said "not found"; the error to raise for any other failure."""
        text = (done.stderr + done.stdout).decode("utf-8", "replace").strip()
        if any(words in text.lower() for words in _NOT_FOUND):
            return None
        lines = [line for line in text.splitlines() if line.strip()]
        return OSError(f"reg {what} failed ({done.returncode}): {lines[-1] if lines else ''}")

    def read_value(self, key: str, name: str) -> RegValue | None:
        """The value, or ``None`` when the key or the value is absent."""
        spelt = self._key(key)
        done = self._run("query", spelt, *self._value_args(name))
        if done.returncode != 0:
            error = self._failed(done, "query")
            if error is not None:
                raise error
            return None
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            match = _LINE.match(line.rstrip("\r"))
            if match is None:
                continue
            shown, type_name, data = match.group(1), match.group(2), match.group(3) or ""
            if name == "" or shown.casefold() == name.casefold():
                type_ = _TYPES.get(type_name, int(RegType.NONE))
                try:
                    value = _data(type_, data)
                except ValueError:
                    # Never journal a guess: an unreadable "before" stops the fix.
                    raise OSError(
                        f"reg query shows {spelt} {name or '(default)'} as {type_name} "
                        f"{data!r}, which cannot be read back"
                    ) from None
                return RegValue(name if name == "" else shown, type_, value, f"reg:{spelt}", 0)
        return None

    def set_value(self, key: str, name: str, type_: int, data: RegData) -> None:
        """Set the value (``reg add ... /f``), creating the key and its parents when missing."""
        done = self._run(
            "add",
            self._key(key),
            *self._value_args(name),
            "/t",
            _NAMES.get(type_, "REG_BINARY"),
            "/d",
            _argument(data),
            "/f",
        )
        if done.returncode != 0:
            raise self._failed(done, "add") or OSError(f"reg add failed ({done.returncode})")

    def delete_value(self, key: str, name: str) -> bool:
        """Delete the value; return whether it existed."""
        if self.read_value(key, name) is None:
            return False
        done = self._run("delete", self._key(key), *self._value_args(name), "/f")
        if done.returncode != 0:
            raise self._failed(done, "delete") or OSError(f"reg delete failed ({done.returncode})")
        return True

    def delete_key(self, key: str) -> bool:
        """Delete the key with all its subkeys; return whether it existed."""
        spelt = self._key(key)
        if "\\" not in spelt:
            raise ValueError(f"cannot delete a registry root: {key!r}")
        if not self.key_exists(key):
            return False
        done = self._run("delete", spelt, "/f")
        if done.returncode != 0:
            raise self._failed(done, "delete") or OSError(f"reg delete failed ({done.returncode})")
        return True

    def key_exists(self, key: str) -> bool:
        """Whether the key exists."""
        done = self._run("query", self._key(key))
        if done.returncode == 0:
            return True
        error = self._failed(done, "query")
        if error is not None:
            raise error
        return False

    def __repr__(self) -> str:
        return f"<RegExeBackend {' '.join(self._reg)}>"


def _data(type_: int, shown: str) -> RegData:
    if type_ in (RegType.DWORD, RegType.QWORD, RegType.DWORD_BIG_ENDIAN):
        return int(shown, 16) if shown.lower().startswith("0x") else int(shown or "0")
    if type_ == RegType.MULTI_SZ:
        return tuple(item for item in shown.split("\\0") if item) if shown else ()
    if type_ in (RegType.SZ, RegType.EXPAND_SZ):
        return shown
    return bytes.fromhex(shown) if shown else b""


def _argument(data: RegData) -> str:
    r"""The ``/d`` argument: decimal numbers, ``\0``-joined lists, hex bytes, text as is."""
    if isinstance(data, int):
        return str(data)
    if isinstance(data, tuple):
        return "\\0".join(data)
    if isinstance(data, bytes):
        return data.hex()
    return data
