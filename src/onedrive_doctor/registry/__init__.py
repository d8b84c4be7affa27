r"""The registry: parse ``.reg`` exports, change them in memory, write them back, apply changes.

- ``parse_reg`` / ``iter_reg`` read what ``reg export`` and regedit write; ``Registry`` is the
  read-only merged view the checks use.
- ``RegistryModel`` is the mutable tree (get, set, delete value; delete key with subkeys; list
  subkeys and values), case-insensitive and keeping the case and order as exported.
- ``write_reg`` writes operations back as regedit does, byte for byte.
- ``RegistryBackend`` is what a fix engine applies changes through: ``BundleBackend`` over a
  bundle's ``registry/*.reg`` files, ``WinRegBackend`` over the live Windows registry,
  ``RegExeBackend`` over ``reg.exe`` (tested under Wine's reg).
"""

from ._backend import BundleBackend, RegistryBackend
from ._model import RegistryModel
from ._regexe import RegExeBackend
from ._winreg import UnsupportedPlatform, WinRegBackend
from ._writer import encode_data, format_value, write_reg
from .regfile import (
    DeleteKey,
    DeleteValue,
    Registry,
    RegOp,
    RegParseError,
    RegType,
    RegValue,
    SetKey,
    SetValue,
    iter_reg,
    normalize_key,
    parse_reg,
)

__all__ = [
    "BundleBackend",
    "DeleteKey",
    "DeleteValue",
    "RegExeBackend",
    "RegOp",
    "RegParseError",
    "RegType",
    "RegValue",
    "Registry",
    "RegistryBackend",
    "RegistryModel",
    "SetKey",
    "SetValue",
    "UnsupportedPlatform",
    "WinRegBackend",
    "encode_data",
    "format_value",
    "iter_reg",
    "normalize_key",
    "parse_reg",
    "write_reg",
]
