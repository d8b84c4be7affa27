r"""The live Windows registry behind ``RegistryBackend``: a thin layer over ``winreg``.

Importable everywhere; constructing a ``WinRegBackend`` off Windows raises
``UnsupportedPlatform``. ``view`` picks the registry view of a 64-bit Windows: 64 or 32
(``KEY_WOW64_64KEY`` / ``KEY_WOW64_32KEY``, "Accessing an Alternate Registry View",
https://learn.microsoft.com/windows/win32/winprog64/accessing-an-alternate-registry-view),
so a fix can set both views of e.g. WinHTTP's ``DefaultSecureProtocols`` (KB3140245).
"""

from __future__ import annotations

import sys
from typing import Any, Literal

from ..errors import InputError
from .regfile import RegData, RegType, RegValue, _split_key

__all__ = ["UnsupportedPlatform", "WinRegBackend"]


class UnsupportedPlatform(InputError):
    """The live registry exists only on Windows."""


class WinRegBackend:
    """``RegistryBackend`` over the registry of the PC this runs on.

    Errors other than "not found" (access denied: HKLM needs an elevated prompt) propagate as
    ``OSError``, so the caller records them as the attempt's error.
    """

    def __init__(self, view: Literal[64, 32] = 64) -> None:
        """Use the 64-bit (default) or the 32-bit registry view."""
        if sys.platform != "win32":
            raise UnsupportedPlatform("the live registry backend needs Windows", "winreg", 0)
        import winreg

        self._winreg: Any = winreg
        self._view: int = winreg.KEY_WOW64_64KEY if view == 64 else winreg.KEY_WOW64_32KEY
        self._roots: dict[str, Any] = {
            "HKLM": winreg.HKEY_LOCAL_MACHINE,
            "HKCU": winreg.HKEY_CURRENT_USER,
            "HKU": winreg.HKEY_USERS,
            "HKCR": winreg.HKEY_CLASSES_ROOT,
            "HKCC": winreg.HKEY_CURRENT_CONFIG,
        }

    def _split(self, key: str) -> tuple[Any, str, str]:
        parts = _split_key(key)
        if parts is None:
            raise ValueError(f"not a registry key path: {key!r}")
        return self._roots[parts[0]], "\\".join(parts[1:]), "\\".join(parts)

    def _open(self, key: str, access: int) -> Any:
        root, sub, _ = self._split(key)
        return self._winreg.OpenKeyEx(root, sub, 0, access | self._view)

    def read_value(self, key: str, name: str) -> RegValue | None:
        """The value, or ``None`` when the key or the value is absent."""
        w = self._winreg
        _, _, spelt = self._split(key)
        try:
            with self._open(key, w.KEY_QUERY_VALUE) as handle:
                data, type_ = w.QueryValueEx(handle, name)
        except FileNotFoundError:
            return None
        if type_ == RegType.MULTI_SZ and isinstance(data, list):
            data = tuple(data)
        elif data is None:
            data = b""
        return RegValue(name, int(type_), data, f"winreg:{spelt}", 0)

    def set_value(self, key: str, name: str, type_: int, data: RegData) -> None:
        """Set the value, creating the key and its parents when missing."""
        w = self._winreg
        root, sub, _ = self._split(key)
        payload: Any = list(data) if isinstance(data, tuple) else data
        with w.CreateKeyEx(root, sub, 0, w.KEY_SET_VALUE | self._view) as handle:
            w.SetValueEx(handle, name, 0, type_, payload)

    def delete_value(self, key: str, name: str) -> bool:
        """Delete the value; return whether it existed."""
        w = self._winreg
        try:
            with self._open(key, w.KEY_SET_VALUE) as handle:
                w.DeleteValue(handle, name)
        except FileNotFoundError:
            return False
        return True

    def delete_key(self, key: str) -> bool:
        """Delete the key with all its subkeys (deepest first); return whether it existed."""
        w = self._winreg
        root, sub, _ = self._split(key)
        if not sub:
            raise ValueError(f"cannot delete a registry root: {key!r}")
        if not self.key_exists(key):
            return False
        # winreg.DeleteKeyEx refuses a key that has subkeys; walk without recursion.
        stack = [sub]
        while stack:
            current = stack[-1]
            with w.OpenKeyEx(root, current, 0, w.KEY_READ | self._view) as handle:
                children = []
                index = 0
                while True:
                    try:
                        children.append(w.EnumKey(handle, index))
                    except OSError:
                        break
                    index += 1
            if children:
                stack.extend(f"{current}\\{child}" for child in children)
                continue
            w.DeleteKeyEx(root, current, self._view, 0)
            stack.pop()
        return True

    def key_exists(self, key: str) -> bool:
        """Whether the key exists."""
        try:
            with self._open(key, self._winreg.KEY_READ):
                return True
        except FileNotFoundError:
            return False
