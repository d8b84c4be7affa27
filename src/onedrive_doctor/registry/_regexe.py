r"""``RegistryBackend`` through ``reg.exe``: the thinnest layer over the live registry.

Every operation is one or a few ``reg`` runs, each with a timeout:

- reading: ``reg export KEY FILE /y`` into a temporary file, parsed with our ``.reg`` parser (an
  export keeps every type and byte exactly; ``reg query`` output drops REG_MULTI_SZ boundaries
  and is printed in the console code page);
- setting: ``reg add KEY /v NAME /t TYPE /d DATA /f`` for the types reg add spells the same on
  every Windows (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY); any
  other type, and data a command line cannot carry (a NUL in a string, an empty REG_MULTI_SZ
  item, a line longer than Windows allows), goes through ``reg import`` of a one-value ``.reg``
  file written by our writer;
- deleting: ``reg delete KEY [/v NAME | /ve] /f``.

(reg add, https://learn.microsoft.com/windows-server/administration/windows-commands/reg-add;
reg export / import / delete / query, the pages next to it.) ``/reg:64`` or ``/reg:32`` picks the
registry view (a 32-bit Python would otherwise start the 32-bit reg.exe of SysWOW64 and write the
WOW6432Node view without saying so).

"Not there" is never guessed from a failed run: reg.exe prints its errors in the language of
Windows, so an absent key is proved by listing its parent (``reg query PARENT``) and not finding
it there; a key that is listed but cannot be read (access denied) raises ``OSError``.

The command prefix is injectable (``("wine", "reg")`` in the tests, against a throwaway
``WINEPREFIX``), and so is the way a local file path is spelt for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from ._model import RegistryModel
from ._writer import write_reg
from .regfile import RegData, RegType, RegValue, SetKey, SetValue, _fold, _split_key

__all__ = ["RegExeBackend", "default_command", "multi_sz_argument"]

_LONG = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKCU": "HKEY_CURRENT_USER",
    "HKU": "HKEY_USERS",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKCC": "HKEY_CURRENT_CONFIG",
}
# The types whose /d spelling reg add documents and that Windows and Wine store alike.
_ADD_TYPES = {
    RegType.SZ: "REG_SZ",
    RegType.EXPAND_SZ: "REG_EXPAND_SZ",
    RegType.MULTI_SZ: "REG_MULTI_SZ",
    RegType.DWORD: "REG_DWORD",
    RegType.QWORD: "REG_QWORD",
    RegType.BINARY: "REG_BINARY",
}
# reg add's default REG_MULTI_SZ separator is the two characters \0; /s takes one character.
_SEPARATORS = ("\\0", "|", ";", "~", "#", "^", "`")
# CreateProcess takes at most 32,767 characters; keep room for the program's path.
_MAX_COMMAND_LINE = 32_000


def multi_sz_argument(items: Sequence[str]) -> tuple[str, str] | None:
    r"""``(separator, data)`` for ``reg add /s SEP /d DATA``, or ``None`` when none fits.

    reg add splits the data at every separator, left to right, and refuses an empty item, so a
    separator fits when splitting the joined items gives them back exactly. ``\0`` (the default)
    is tried first.
    """
    if any(item == "" or "\0" in item for item in items):
        return None
    for separator in _SEPARATORS:
        joined = separator.join(items)
        if not items or tuple(joined.split(separator)) == tuple(items):
            return separator, joined
    return None


def _windows_path(path: Path) -> str:
    return str(path)


class RegExeBackend:
    r"""``RegistryBackend`` over ``reg.exe`` (or anything spoken to like it, e.g. Wine's reg).

    ``command`` is the program and its leading arguments (default: System32's reg.exe); ``env`` the
    environment to run it in (default: this process's); ``path_arg`` spells a local file path
    for it (Wine: ``Z:\...``); ``view`` adds ``/reg:64`` or ``/reg:32`` (``None``: none, for a
    reg.exe older than Windows 7); ``timeout`` bounds every run, in seconds.

    A run that fails raises ``OSError`` with reg's first error line.
    """

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        path_arg: Callable[[Path], str] = _windows_path,
        view: Literal[64, 32] | None = 64,
        timeout: float = 30.0,
    ) -> None:
        """Speak to ``command`` as to reg.exe."""
        self._command = default_command() if command is None else tuple(command)
        if not self._command:
            raise ValueError("the reg command is empty")
        self._env = dict(env) if env is not None else None
        self._path_arg = path_arg
        self._view = () if view is None else (f"/reg:{view}",)
        self._timeout = timeout

    # --- running reg ----------------------------------------------------------------------

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [*self._command, *args]
        try:
            return subprocess.run(
                argv,
                env=self._env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                stdin=subprocess.DEVNULL,
                timeout=self._timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"reg {args[0]} did not finish within {self._timeout:g} s") from None

    def _check(self, done: subprocess.CompletedProcess[str], what: str) -> None:
        if done.returncode != 0:
            raise OSError(f"reg {what} failed (exit {done.returncode}): {_first_line(done)}")

    # --- keys -------------------------------------------------------------------------------

    @staticmethod
    def _parts(key: str) -> tuple[str, ...]:
        parts = _split_key(key)
        if parts is None:
            raise ValueError(f"not a registry key path: {key!r}")
        return parts

    @staticmethod
    def _spell(parts: Sequence[str]) -> str:
        return "\\".join((_LONG[parts[0]], *parts[1:]))

    def _proved_absent(self, parts: tuple[str, ...], failure: str) -> bool:
        """After ``reg`` failed on ``parts``: ``True`` when a parent's listing lacks it.

        Walks up to the nearest parent that can be listed. A key that its parent lists but
        that cannot itself be read raises ``OSError`` (access denied is not absent), and so
        does a name the console code page may have mangled.
        """
        for depth in range(len(parts) - 1, 0, -1):
            parent = parts[:depth]
            done = self._run("query", self._spell(parent), *self._view)
            if done.returncode != 0:
                continue
            child = self._spell(parts[: depth + 1])
            listed = {
                _fold(line.rstrip())
                for line in done.stdout.splitlines()
                if line and not line[0].isspace()
            }
            if _fold(child) in listed:
                raise OSError(f"{self._spell(parts)} exists but cannot be read: {failure}")
            if not parts[depth].isascii():
                raise OSError(
                    f"cannot tell whether {child} exists (reg lists names in the console code "
                    f"page): {failure}"
                )
            return True
        raise OSError(f"cannot read {self._spell(parts)}: {failure}")

    def _export(self, parts: tuple[str, ...]) -> RegistryModel | None:
        """The key's subtree as ``reg export`` writes it, or ``None`` when it is absent."""
        with tempfile.TemporaryDirectory(prefix="onedrive-doctor-reg-") as folder:
            out = Path(folder) / "export.reg"
            done = self._run("export", self._spell(parts), self._path_arg(out), "/y", *self._view)
            failed = done.returncode != 0 or not out.is_file()
            if failed and self._proved_absent(parts, _first_line(done)):
                return None
            return RegistryModel.from_reg(out.read_bytes(), f"reg export {self._spell(parts)}")

    # --- the RegistryBackend operations -----------------------------------------------------

    def read_value(self, key: str, name: str) -> RegValue | None:
        """The value as ``reg export`` gives it, or ``None`` when the key or the value is absent."""
        parts = self._parts(key)
        model = self._export(parts)
        if model is None:
            return None
        return model.get_value("\\".join(parts), name)

    def key_exists(self, key: str) -> bool:
        """Whether the key exists (``reg query KEY``, and the parent's listing when that fails)."""
        parts = self._parts(key)
        done = self._run("query", self._spell(parts), *self._view)
        if done.returncode == 0:
            return True
        return not self._proved_absent(parts, _first_line(done))

    def set_value(self, key: str, name: str, type_: int, data: RegData) -> None:
        """Set the value with ``reg add`` (or ``reg import`` where reg add cannot say it)."""
        parts = self._parts(key)
        args = self._add_arguments(parts, name, type_, data)
        if args is not None:
            self._check(self._run(*args), "add")
            return
        # Checked by the writer: a value whose data does not fit its type raises ValueError.
        op = SetValue("\\".join(parts), RegValue(name, type_, data, "reg import", 0))
        self._import(write_reg([op]))

    def delete_value(self, key: str, name: str) -> bool:
        """Delete the value with ``reg delete``; return whether it existed."""
        if self.read_value(key, name) is None:
            return False
        parts = self._parts(key)
        value = ("/ve",) if name == "" else ("/v", name)
        self._check(self._run("delete", self._spell(parts), *value, "/f", *self._view), "delete")
        return True

    def delete_key(self, key: str) -> bool:
        """Delete the key with its subkeys (``reg delete KEY /f``); return whether it existed."""
        parts = self._parts(key)
        if len(parts) < 2:
            raise ValueError(f"cannot delete a registry root: {key!r}")
        if not self.key_exists(key):
            return False
        self._check(self._run("delete", self._spell(parts), "/f", *self._view), "delete")
        return True

    # --- what a fix engine needs to delete a key and put it back ----------------------------

    def create_key(self, key: str) -> None:
        """Create ``key`` and its parents; an existing key and its values are kept.

        Through ``reg import`` of a ``[KEY]`` section: ``reg add KEY /f`` would also give the
        key an empty default value under Wine, which the key did not have.
        """
        parts = self._parts(key)
        self._import(write_reg([SetKey("\\".join(parts), "reg import", 0)]))

    def _import(self, payload: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="onedrive-doctor-reg-") as folder:
            source = Path(folder) / "value.reg"
            source.write_bytes(payload)
            self._check(self._run("import", self._path_arg(source), *self._view), "import")

    def tree(self, key: str) -> list[tuple[str, RegValue | None]]:
        """``key`` and every key under it as ``reg export`` shows them (empty when absent).

        Each key comes once with ``None``, then once per value: what a fix journal records
        before it deletes a key, so undo can build it again.
        """
        parts = self._parts(key)
        model = self._export(parts)
        found: list[tuple[str, RegValue | None]] = []
        for name, values in model or ():
            found.append((name, None))
            found.extend((name, value) for value in values)
        return found

    # --- reg add ----------------------------------------------------------------------------

    def _add_arguments(
        self, parts: tuple[str, ...], name: str, type_: int, data: RegData
    ) -> list[str] | None:
        """The ``reg add`` arguments for the value, or ``None`` when reg add cannot carry it."""
        type_name = _ADD_TYPES.get(RegType(type_)) if type_ in _ADD_TYPES else None
        if type_name is None:
            return None
        value = ["/ve"] if name == "" else ["/v", name]
        if "\0" in name:
            return None
        extra: list[str] = []
        if type_ in (RegType.DWORD, RegType.QWORD) and isinstance(data, int):
            bits = 32 if type_ == RegType.DWORD else 64
            if isinstance(data, bool) or not 0 <= data < 1 << bits:
                raise ValueError(f"{type_name} cannot hold {data!r}")
            text = f"0x{data:x}"
        elif type_ == RegType.BINARY and isinstance(data, bytes):
            text = data.hex()
        elif type_ == RegType.MULTI_SZ and isinstance(data, tuple):
            spelt = multi_sz_argument(data)
            if spelt is None:
                return None
            separator, text = spelt
            if separator != "\\0":
                extra = ["/s", separator]
        elif type_ in (RegType.SZ, RegType.EXPAND_SZ) and isinstance(data, str):
            if "\0" in data:
                return None
            text = data
        else:
            raise ValueError(f"{type_name} cannot hold {data!r}")
        args = ["add", self._spell(parts), *value, "/t", type_name, *extra, "/d", text, "/f"]
        if sum(len(a) + 3 for a in args) + 260 > _MAX_COMMAND_LINE:
            return None
        return [*args, *self._view]

    def __repr__(self) -> str:
        return f"<RegExeBackend {' '.join(self._command)}>"


def _first_line(done: subprocess.CompletedProcess[str]) -> str:
    for line in (done.stderr + "\n" + done.stdout).splitlines():
        if line.strip():
            return line.strip()
    return f"exit {done.returncode}, no message"


def default_command() -> tuple[str, ...]:
    """``reg.exe`` from System32 when it exists (not whatever ``reg`` PATH finds first)."""
    root = os.environ.get("SYSTEMROOT")
    if root:
        candidate = Path(root) / "System32" / "reg.exe"
        if candidate.is_file():
            return (str(candidate),)
    found = shutil.which("reg")
    return (found,) if found else ("reg",)
