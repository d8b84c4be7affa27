"""Every text parser is linear: 1 MiB worst cases for the old backtracking regexes end in 2 s.

Issue 11 point 5 measured 135 s for a 98 KiB ``hotfixes.txt`` of dashes, 103 s for a 39 KiB
dsregcmd pipe line, 77 s for a run of blanks, 27.7 s for a 60 KiB ``nltest.txt``, and an
exponential proxy bypass glob. The bound is a regression bound, not a benchmark: a quadratic
parser takes minutes on these inputs, a linear one a fraction of a second.
"""

from __future__ import annotations

import contextlib
import struct
import time
from collections.abc import Callable

import pytest

from onedrive_doctor.errors import InputError
from onedrive_doctor.parsers.dsregcmd import parse_dsregcmd
from onedrive_doctor.parsers.hotfixes import parse_hotfixes
from onedrive_doctor.parsers.nltest import parse_nltest
from onedrive_doctor.parsers.proxy_settings import ProxySetting
from onedrive_doctor.parsers.text import decode_text
from onedrive_doctor.parsers.tls_cmdlets import parse_cipher_suites, parse_ecc_curves
from onedrive_doctor.parsers.winhttp_settings import parse_connection_settings
from onedrive_doctor.registry.regfile import Registry
from onedrive_doctor.windows import os_version
from regfiles import reg_bytes

MIB = 1 << 20
BOUND_S = 2.0


def _fill(unit: str, tail: str = "", head: str = "") -> str:
    """``head`` + ``unit`` repeated to 1 MiB + ``tail``."""
    return head + unit * ((MIB - len(head) - len(tail)) // len(unit)) + tail


# One long line of each shape the old patterns backtracked on, and the same shapes as many lines.
LONG_LINES = {
    "dashes": _fill("-", "x"),
    "dashes and blanks": _fill("- ", "x"),
    "hotfix header, dashes": _fill("-", "x", head="HotFixID\n"),
    "name header, dashes": _fill(" -", "x", head="Name\n"),
    "blanks": _fill(" ", "x"),
    "blanks before a colon": _fill(" ", "x:", head="a"),
    "tabs": _fill("\t", "x"),
    "pipes": _fill("|"),
    "pipes and blanks": _fill("| ", "x"),
    "pipe header of blanks": "|" + " " * (MIB // 2) + "a" + " " * (MIB // 2) + "x|",
    "colons": _fill(":"),
    "blank colons": _fill(" :", "x"),
    "word colons": _fill("a:"),
    "letters": _fill("a"),
    "words": _fill("ab "),
    "drive path": _fill("a", head="C:\\"),
    "nltest failed, blanks": _fill(" ", "x", head="Getting DC name failed:"),
    "nltest status, blanks": _fill(" ", "=", head="failed: Status"),
    "nltest lead marks": _fill("- ", "DsGetDcName function failed with"),
    "nltest field, blanks in value": _fill(" ", "b", head="Dom Name: a"),
    "dsgetdc, blanks": _fill(" ", head="/dsgetdc:"),
    "systeminfo item, blanks": _fill(" ", "[1]:"),
    "hotfixid list, blanks": _fill(" ", ":", head="HotFixID"),
    "list key, blanks": _fill(" ", ":x", head="Name"),
    "suite prefixes": _fill("TLS_"),
    "long suite name": _fill("A", "...", head="TLS_"),
}
# Lines of console width: the old patterns were super-linear in the line length; the number of
# lines only costs a constant per line (kept moderate so a loaded machine stays under the bound).
MANY_LINES = {
    "dash lines": _fill("-" * 79 + "\n"),
    "blank colon lines": _fill(" :" * 39 + "\n"),
    "pipe header lines": _fill("| Device State" + " " * 56 + "|\n"),
    "key lines": _fill(" " * 12 + "AzureAdJoined : YES" + " " * 40 + "\n"),
    "field lines": _fill("   DC: \\\\dc" + " " * 60 + "\n"),
    "crlf lines": _fill("x" * 70 + "\r\n"),
}
CASES = {**LONG_LINES, **MANY_LINES}

TEXT_PARSERS: dict[str, Callable[[str], object]] = {
    "hotfixes": parse_hotfixes,
    "cipher-suites": parse_cipher_suites,
    "ecc-curves": parse_ecc_curves,
    "dsregcmd": parse_dsregcmd,
    "nltest": parse_nltest,
    "decode_text": lambda text: decode_text(text.encode("utf-8"), "x.txt"),
}


def _elapsed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    # Rejecting the input is fine; taking minutes to do it is not.
    with contextlib.suppress(InputError):
        run()
    return time.perf_counter() - start


@pytest.mark.parametrize("parser", sorted(TEXT_PARSERS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_text_parser_is_linear_on_a_1_mib_worst_case(parser: str, case: str) -> None:
    text = CASES[case]
    elapsed = _elapsed(lambda: TEXT_PARSERS[parser](text))
    assert elapsed < BOUND_S, f"{parser} took {elapsed:.2f} s on {case!r}"


@pytest.mark.parametrize(
    "value",
    [
        _fill("*a", "*b"),  # a regex glob of this backtracks exponentially (12 stars: 86 s)
        "*a" * 30 + "*b",
        _fill("; "),
        _fill(":1", "x"),
        _fill("="),
        _fill("a", ":8080"),
        _fill("http://", "x"),
    ],
)
def test_proxy_lists_are_linear_on_a_1_mib_worst_case(value: str) -> None:
    setting = ProxySetting("winhttp", "x.reg", value, value, None, False)

    def run() -> None:
        setting.proxy_for("https")
        setting.bypasses("login.microsoftonline.com")
        setting.bypasses("a" * 60)

    elapsed = _elapsed(run)
    assert elapsed < BOUND_S, f"proxy lists took {elapsed:.2f} s"


def test_a_30_star_bypass_entry_still_matches_like_a_glob() -> None:
    setting = ProxySetting("winhttp", "x.reg", "proxy:8080", "*a" * 30 + "*", None, False)
    assert setting.bypasses("a" * 30 + ".contoso.com") is True
    assert setting.bypasses("a" * 29 + ".contoso.com") is False


def test_connection_settings_blob_of_1_mib_is_linear() -> None:
    proxy = b"p" * (MIB // 2)
    data = struct.pack("<IIII", 0x46, 1, 3, len(proxy)) + proxy + struct.pack("<I", 0)
    elapsed = _elapsed(lambda: parse_connection_settings(data + b"\x00" * 64))
    assert elapsed < BOUND_S


@pytest.mark.parametrize("lab", [_fill(".amd64", "x"), _fill(".", "fre"), _fill("a", ".amd64chk")])
def test_os_version_is_linear_on_a_1_mib_build_lab(lab: str) -> None:
    key = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"
    block = f'{key}\n"CurrentBuild"="19045"\n"BuildLabEx"="{lab}"\n"ProductName"="{lab[:60]}"'
    reg = Registry.from_files([("registry/os.reg", reg_bytes(block))])
    elapsed = _elapsed(lambda: os_version(reg))
    assert elapsed < BOUND_S
