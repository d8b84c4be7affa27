r"""Fixes as data: the typed changes a check's fix is made of.

A :class:`Change` is one thing to do on the PC: set a registry value (:class:`SetValue`), delete
a value (:class:`DeleteValue`), delete a key (:class:`DeleteKey`), run a command with its undo
where one exists (:class:`RunCommand`), or a step only a person can take (:class:`ManualStep`).
Reports never write these steps by hand: :mod:`onedrive_doctor.fixes.render` renders them, and
the fix engine applies the same values through a registry backend (:meth:`SetValue.primitive`
gives the backend's ``(key, name, type, data)``).

Who may run a registry change follows from its hive: HKLM needs an administrator, HKCU must run
as the signed-in user (an elevated prompt of another account would write *that* account's
HKCU). A value a Group Policy owns (a key under ``...\Policies\...``) is never written locally:
the next policy refresh would put it back, so such a fix is a :class:`ManualStep` naming the
policy to set (Group Policy settings, https://learn.microsoft.com/previous-versions/windows/desktop/policy/registry-policy-file-format).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ..registry.regfile import RegData, RegType

__all__ = [
    "ABSENT",
    "UNKNOWN",
    "Before",
    "Change",
    "DeleteKey",
    "DeleteValue",
    "Hive",
    "ManualStep",
    "Missing",
    "RegistryChange",
    "RunCommand",
    "Safety",
    "SetValue",
    "Shell",
    "ValueType",
    "change_from_json",
    "manual",
    "split_hive",
]


class Safety(str, enum.Enum):
    """Whether the tool may apply a change: ``safe``, ``needs-confirmation`` or ``manual``."""

    SAFE = "safe"
    NEEDS_CONFIRMATION = "needs-confirmation"
    MANUAL = "manual"

    def __str__(self) -> str:  # reports print the value, also on Python 3.12+
        return self.value


class Hive(str, enum.Enum):
    """The registry hives a fix writes to."""

    HKLM = "HKLM"
    HKCU = "HKCU"

    @property
    def needs_admin(self) -> bool:
        """HKLM is machine-wide (admin); HKCU belongs to the signed-in user (no admin)."""
        return self is Hive.HKLM

    def __str__(self) -> str:
        return self.value


_HIVE_NAMES = {
    "HKLM": Hive.HKLM,
    "HKEY_LOCAL_MACHINE": Hive.HKLM,
    "HKCU": Hive.HKCU,
    "HKEY_CURRENT_USER": Hive.HKCU,
}


def split_hive(full_key: str) -> tuple[Hive, str]:
    r"""``HKLM\SOFTWARE\X`` -> ``(Hive.HKLM, "SOFTWARE\X")``; a fix writes only HKLM or HKCU."""
    root, _, path = full_key.partition("\\")
    hive = _HIVE_NAMES.get(root.upper())
    if hive is None or not path:
        raise ValueError(f"not an HKLM or HKCU key: {full_key!r}")
    return hive, path


class ValueType(str, enum.Enum):
    """The value types a fix can write (winnt.h ``REG_*``)."""

    REG_SZ = "REG_SZ"
    REG_EXPAND_SZ = "REG_EXPAND_SZ"
    REG_BINARY = "REG_BINARY"
    REG_DWORD = "REG_DWORD"
    REG_MULTI_SZ = "REG_MULTI_SZ"
    REG_QWORD = "REG_QWORD"

    @property
    def reg_type(self) -> RegType:
        """The numeric type a registry backend stores."""
        return RegType[self.value.removeprefix("REG_")]

    def __str__(self) -> str:
        return self.value


class Shell(str, enum.Enum):
    """Where a command runs. ``sh`` is macOS Terminal (OneDrive's reset script there)."""

    CMD = "cmd"
    POWERSHELL = "powershell"
    SH = "sh"

    def __str__(self) -> str:
        return self.value


class Missing(enum.Enum):
    """A value that is not there (``absent``) or that the evidence does not show (``unknown``).

    Not a str enum, so it can never be mistaken for REG_SZ data spelled "absent".
    """

    ABSENT = "absent"
    UNKNOWN = "unknown"


ABSENT = Missing.ABSENT
UNKNOWN = Missing.UNKNOWN

#: A value's data before the change: the data, absent, or unknown.
Before = RegData | Missing


def _is_policy_key(key: str) -> bool:
    return "\\POLICIES\\" in f"\\{key.upper()}\\"


def _data_matches(value_type: ValueType, data: RegData) -> bool:
    if value_type in (ValueType.REG_DWORD, ValueType.REG_QWORD):
        bits = 32 if value_type is ValueType.REG_DWORD else 64
        return isinstance(data, int) and not isinstance(data, bool) and 0 <= data < 1 << bits
    if value_type is ValueType.REG_MULTI_SZ:
        return isinstance(data, tuple) and all(isinstance(s, str) for s in data)
    if value_type is ValueType.REG_BINARY:
        return isinstance(data, bytes)
    return isinstance(data, str)


def data_json(data: RegData | Missing) -> Any:
    """Registry data as JSON: ints and strings as they are, REG_MULTI_SZ a list, bytes hex."""
    if isinstance(data, Missing):
        return None
    if isinstance(data, bytes):
        return data.hex(",")
    if isinstance(data, tuple):
        return list(data)
    return data


def _before_json(before: Before) -> dict[str, Any]:
    state = before.value if isinstance(before, Missing) else "present"
    return {"before_state": state, "before": data_json(before)}


@dataclass(frozen=True)
class _RegistryBase:
    hive: Hive
    key: str

    def __post_init__(self) -> None:
        if _is_policy_key(self.key):
            # Group Policy owns these values and restores them at the next refresh (gpupdate):
            # the fix is the policy to set, a ManualStep, never a local write.
            raise ValueError(f"a Group Policy key is not written locally: {self.full_key}")
        if self.key.startswith(("HKLM\\", "HKCU\\", "HKEY_")):
            raise ValueError(f"key path without its hive expected, got {self.key!r}")

    @property
    def full_key(self) -> str:
        r"""``HKLM\SOFTWARE\...``: the key with its hive, as reg.exe and the backends take it."""
        return f"{self.hive.value}\\{self.key}"

    @property
    def needs_admin(self) -> bool:
        """Derived from the hive: HKLM needs an administrator, HKCU runs as the user."""
        return self.hive.needs_admin


@dataclass(frozen=True)
class SetValue(_RegistryBase):
    r"""Set ``name`` under ``hive\key`` to ``after`` of ``value_type``."""

    name: str
    value_type: ValueType
    after: RegData
    before: Before = UNKNOWN
    needs_restart: bool = False
    safety: Safety = Safety.NEEDS_CONFIRMATION
    #: How a person runs it: a sentence with ``{command}`` where the reg.exe line goes.
    how: str | None = None

    kind = "set-value"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not _data_matches(self.value_type, self.after):
            raise ValueError(f"{self.value_type.value} cannot hold {self.after!r}")

    def primitive(self) -> tuple[str, str, RegType, RegData]:
        """``(key, name, type, data)`` for a registry backend's set-value operation."""
        return self.full_key, self.name, self.value_type.reg_type, self.after

    def to_json(self) -> dict[str, Any]:
        """The change as the JSON report shows it."""
        return {
            "kind": self.kind,
            "hive": self.hive.value,
            "key": self.key,
            "name": self.name,
            "type": self.value_type.value,
            **_before_json(self.before),
            "after": data_json(self.after),
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
            "safety": self.safety.value,
            "how": self.how,
        }


@dataclass(frozen=True)
class DeleteValue(_RegistryBase):
    r"""Delete the value ``name`` under ``hive\key`` (back to the OS default)."""

    name: str
    before: Before = UNKNOWN
    needs_restart: bool = False
    safety: Safety = Safety.NEEDS_CONFIRMATION
    how: str | None = None

    kind = "delete-value"

    def primitive(self) -> tuple[str, str]:
        """``(key, name)`` for a registry backend's delete-value operation."""
        return self.full_key, self.name

    def to_json(self) -> dict[str, Any]:
        """The change as the JSON report shows it (``after`` is always absent)."""
        return {
            "kind": self.kind,
            "hive": self.hive.value,
            "key": self.key,
            "name": self.name,
            **_before_json(self.before),
            "after": None,
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
            "safety": self.safety.value,
            "how": self.how,
        }


@dataclass(frozen=True)
class DeleteKey(_RegistryBase):
    r"""Delete ``hive\key`` with all its values and subkeys."""

    needs_restart: bool = False
    safety: Safety = Safety.NEEDS_CONFIRMATION
    how: str | None = None

    kind = "delete-key"

    def primitive(self) -> str:
        """The key for a registry backend's delete-key operation."""
        return self.full_key

    def to_json(self) -> dict[str, Any]:
        """The change as the JSON report shows it."""
        return {
            "kind": self.kind,
            "hive": self.hive.value,
            "key": self.key,
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
            "safety": self.safety.value,
            "how": self.how,
        }


@dataclass(frozen=True)
class RunCommand:
    """Run ``command`` in ``shell``; ``undo`` reverses it, or ``undo_why`` says why none does."""

    command: str
    shell: Shell
    undo: str | None
    undo_why: str | None = None
    needs_admin: bool = False
    needs_restart: bool = False
    safety: Safety = Safety.NEEDS_CONFIRMATION
    #: How a person runs it: a sentence with ``{command}`` where the command line goes.
    how: str | None = None

    kind = "run-command"

    def __post_init__(self) -> None:
        if (self.undo is None) == (self.undo_why is None):
            raise ValueError("a command has an undo command or a reason why it has none")
        if self.how is not None and "{command}" not in self.how:
            raise ValueError("how must show the command: it has no {command}")

    def to_json(self) -> dict[str, Any]:
        """The change as the JSON report shows it."""
        return {
            "kind": self.kind,
            "command": self.command,
            "shell": self.shell.value,
            "undo": self.undo,
            "undo_why": self.undo_why,
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
            "safety": self.safety.value,
            "how": self.how,
        }


@dataclass(frozen=True)
class ManualStep:
    """A step only a person can take (a Group Policy, an update, a sign-in), with its link."""

    text: str
    link: str | None = None
    needs_admin: bool = False
    needs_restart: bool = False

    kind = "manual"

    @property
    def safety(self) -> Safety:
        """Always manual: the tool cannot take this step."""
        return Safety.MANUAL

    def to_json(self) -> dict[str, Any]:
        """The change as the JSON report shows it."""
        return {
            "kind": self.kind,
            "text": self.text,
            "link": self.link,
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
            "safety": self.safety.value,
        }


RegistryChange = SetValue | DeleteValue | DeleteKey
Change = SetValue | DeleteValue | DeleteKey | RunCommand | ManualStep


def manual(*texts: str) -> tuple[ManualStep, ...]:
    """Steps only a person can take, one per text."""
    return tuple(ManualStep(text) for text in texts)


def _data_from_json(value_type: ValueType, raw: Any) -> RegData:
    if value_type is ValueType.REG_BINARY and isinstance(raw, str):
        return bytes.fromhex(raw.replace(",", ""))
    if value_type is ValueType.REG_MULTI_SZ and isinstance(raw, list):
        return tuple(raw)
    if isinstance(raw, (int, str)) and not isinstance(raw, bool):
        return raw
    raise ValueError(f"{value_type.value} data {raw!r} is not readable")


def _before_from_json(data: dict[str, Any], value_type: ValueType | None) -> Before:
    state = data.get("before_state", "unknown")
    if state == "absent":
        return ABSENT
    if state != "present" or value_type is None:
        return UNKNOWN
    return _data_from_json(value_type, data.get("before"))


def change_from_json(data: Any) -> Change:
    """A change read back from ``to_json``; raises ``ValueError`` when it is malformed."""
    if not isinstance(data, dict):
        raise ValueError("a change is not an object")
    try:
        kind = data["kind"]
        flags = {"needs_restart": bool(data.get("needs_restart", False))}
        if kind == "manual":
            return ManualStep(
                str(data["text"]),
                data.get("link"),
                needs_admin=bool(data.get("needs_admin", False)),
                **flags,
            )
        safety = Safety(data.get("safety", Safety.NEEDS_CONFIRMATION.value))
        how = data.get("how")
        if kind == "run-command":
            return RunCommand(
                str(data["command"]),
                Shell(data["shell"]),
                undo=data.get("undo"),
                undo_why=data.get("undo_why"),
                needs_admin=bool(data.get("needs_admin", False)),
                safety=safety,
                how=how,
                **flags,
            )
        hive = Hive(data["hive"])
        key = str(data["key"])
        if kind == "delete-key":
            return DeleteKey(hive, key, safety=safety, how=how, **flags)
        if kind == "delete-value":
            before = _before_from_json(data, None) if data.get("before") is None else UNKNOWN
            if data.get("before_state") == "absent":
                before = ABSENT
            elif data.get("before_state") == "present":
                # No type is shown for a deleted value: its JSON form (an int, a string, a
                # list) is the data; bytes come back as their hex string.
                raw = data.get("before")
                if isinstance(raw, list):
                    before = tuple(str(item) for item in raw)
                elif isinstance(raw, (int, str)) and not isinstance(raw, bool):
                    before = raw
            return DeleteValue(
                hive, key, str(data["name"]), before=before, safety=safety, how=how, **flags
            )
        if kind == "set-value":
            value_type = ValueType(data["type"])
            return SetValue(
                hive,
                key,
                str(data["name"]),
                value_type,
                _data_from_json(value_type, data.get("after")),
                before=_before_from_json(data, value_type),
                safety=safety,
                how=how,
                **flags,
            )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a {data.get('kind')!r} change lacks {exc}") from None
    raise ValueError(f"unknown change kind {kind!r}")
