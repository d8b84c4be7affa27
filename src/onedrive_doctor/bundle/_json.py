r"""The one strict reader of a bundle's JSON files (manifest, probes, replay, onedrive).

Python's ``json`` accepts more than JSON (RFC 8259 section 6 has no NaN or Infinity), and a
string escape like ``"\ud800"`` decodes to a lone surrogate that no UTF-8 report can encode.
Both came from hostile bundles: NaN reached the JSON report (an invalid document), surrogates
crashed the text and HTML reports. Here NaN / Infinity (and numbers too large for a float)
make the file unreadable, and a lone surrogate is replaced by U+FFFD, so the rest of the file
still counts.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["BundleJsonError", "load_json"]

_SURROGATE = re.compile("[\ud800-\udfff]")


class BundleJsonError(ValueError):
    """A bundle JSON file that cannot be used; the message names the file and says why."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    # 1e999 is a valid JSON number that Python reads as inf: just as unusable as Infinity.
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:40]} is out of range")
    return value


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def load_json(data: bytes, name: str) -> Any:
    """Parse the bundle file ``name``; raises :class:`BundleJsonError` when it is not JSON."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleJsonError(f"{name}: not valid JSON (not UTF-8: {exc})") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except (ValueError, RecursionError) as exc:
        raise BundleJsonError(f"{name}: not valid JSON ({exc})") from None
    try:
        return _clean(value)
    except RecursionError:
        raise BundleJsonError(f"{name}: not valid JSON (nested too deeply)") from None
