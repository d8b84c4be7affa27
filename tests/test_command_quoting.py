"""Issue 11 point 12: a command built from a bundle value is quoted for its shell, or refused.

The reproducer: a dsregcmd.txt whose DomainName is ``X & del /q /s C:\\*`` was pasted into the
``nltest /dsgetdc:`` advice. cmd.exe cannot quote a value holding ``"``, ``%``, ``^``, ``&``,
``|``, ``<``, ``>`` or ``!`` safely, so such a value becomes a placeholder and the step says
it was not safe to paste; what is pasted is checked against Wine's real cmd.exe and reg.exe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.fixes import Hive, SetValue, ValueType
from onedrive_doctor.fixes.render import (
    NOT_SAFE_TO_PASTE,
    cmd_quoted,
    command_line,
    host_argument,
    is_domain_name,
)
from onedrive_doctor.parsers.onedrive_client import Install, reset_command
from onedrive_doctor.probes.attempt import AttemptStatus, ProbeAttempt
from regfiles import WINDOWS_MANIFEST, write_bundle
from test_idn_checks import HYBRID_PENDING

EVIL_DOMAIN = r"X & del /q /s C:\*"
UNSAFE = ['a"b', "50%", "a^b", "a&b", "a|b", "a<b", "a>b", "wow!", "a\nb", "a\x1b[2Jb", "a\u2028b"]


@pytest.mark.parametrize("text", UNSAFE)
def test_a_value_cmd_cannot_quote_safely_is_refused(text: str) -> None:
    assert cmd_quoted(text) is None


def test_a_plain_value_is_quoted_whole() -> None:
    path = r"C:\Program Files (x86)\Contoso Ltd\App #1\tool.exe"
    assert cmd_quoted(path) == f'"{path}"'


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("CONTOSO", True),
        ("contoso.com", True),
        ("eu-west.corp.contoso.com", True),
        ("CORP_EU", True),
        (EVIL_DOMAIN, False),
        ("contoso.com & calc", False),
        ("-contoso", False),
        ("contoso-", False),
        ("a..b", False),
        ("", False),
        ("a" * 64, False),
        (".".join(["a" * 63] * 4), False),  # 255 characters
        ("contoso.com\n", False),
        ("münchen.de", False),  # an IDN is typed in its xn-- form
    ],
)
def test_a_domain_name_must_match_the_hostname_grammar(text: str, valid: bool) -> None:
    assert is_domain_name(text) is valid


def test_a_host_argument_is_a_host_name_or_an_ip_address() -> None:
    assert host_argument("login.microsoftonline.com") == "login.microsoftonline.com"
    assert host_argument("10.0.0.1") == "10.0.0.1"
    assert host_argument("[::1]") == "::1"
    assert host_argument("x; Remove-Item -Recurse C:\\") is None
    assert host_argument("$(calc)") is None


def _hybrid_pending(domain: str) -> str:
    assert "DomainName : CONTOSO" in HYBRID_PENDING
    return HYBRID_PENDING.replace("DomainName : CONTOSO", f"DomainName : {domain}")


def _findings(cli: Any, root: Path, domain: str) -> dict[str, dict[str, Any]]:
    write_bundle(root, {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": _hybrid_pending(domain)})
    result = cli("analyze", str(root), "--format", "json")
    return {f["id"]: f for f in result.json()["findings"]}


def _advice(finding: dict[str, Any]) -> str:
    fix = finding["fix"]
    return " ".join([finding["message"], *([] if fix is None else [fix["title"], *fix["steps"]])])


def test_a_hostile_domain_name_is_never_pasted_into_the_nltest_advice(
    cli: Any, tmp_path: Path
) -> None:
    findings = _findings(cli, tmp_path / "b", EVIL_DOMAIN)
    idn001, idn004 = findings["IDN001"], findings["IDN004"]
    assert (idn001["status"], idn004["status"]) == ("fail", "unknown")
    for finding in (idn001, idn004):
        advice = _advice(finding)
        assert "`nltest /dsgetdc:<DomainName>`" in advice
        assert f"is not a valid domain name, so it was {NOT_SAFE_TO_PASTE}" in advice
        assert "dsgetdc:X" not in advice
        assert "del /q /s" not in advice.split("domain X & del")[0].split("`nltest")[-1]
    # The text report says the same: no command line holds the value.
    text = cli("analyze", str(tmp_path / "b")).out
    assert "nltest /dsgetdc:<DomainName>" in text
    assert not [line for line in text.splitlines() if "nltest" in line and "& del" in line]


def test_a_valid_domain_name_is_pasted_as_it_is(cli: Any, tmp_path: Path) -> None:
    findings = _findings(cli, tmp_path / "b", "CONTOSO")
    assert "`nltest /dsgetdc:CONTOSO`" in _advice(findings["IDN004"])
    assert NOT_SAFE_TO_PASTE not in _advice(findings["IDN004"])


def test_a_hostile_endpoint_name_is_not_pasted_into_test_netconnection() -> None:
    from onedrive_doctor.checks.net import _test_step

    bad = ProbeAttempt("tcp", "x;Remove-Item C:\\ -Recurse:443", AttemptStatus.FAILED)
    step = _test_step(bad)
    assert "`Test-NetConnection <host> -Port 443`" in step
    assert NOT_SAFE_TO_PASTE in step and "Remove-Item" not in step
    good = ProbeAttempt("tcp", "login.live.com:443", AttemptStatus.FAILED)
    assert _test_step(good) == "Test from this PC: `Test-NetConnection login.live.com -Port 443`."


def test_a_hostile_onedrive_path_is_not_pasted_into_the_reset_command() -> None:
    evil = r'C:\Users\x" & del /q /s C:\* & "\AppData\Local\Microsoft\OneDrive\OneDrive.exe'
    reset, start = reset_command(Install(evil, "per-user"))
    assert reset == f'"<path of OneDrive.exe: {NOT_SAFE_TO_PASTE}>" /reset'
    assert "del" not in start
    # Our own default path keeps %localappdata%: Windows+R expands it on purpose.
    ours = r"%localappdata%\Microsoft\OneDrive\OneDrive.exe"
    assert reset_command(Install(ours, "per-user", path_seen=False))[0] == f'"{ours}" /reset'
    plain = r"C:\Users\jane\AppData\Local\Microsoft\OneDrive\OneDrive.exe"
    assert reset_command(Install(plain, "per-user"))[0] == f'"{plain}" /reset'


def test_a_reg_command_with_an_unsafe_name_gets_placeholders() -> None:
    change = SetValue(Hive.HKCU, r"Software\Contoso & calc", "50% off", ValueType.REG_SZ, 'a"b')
    line = command_line(change)
    assert line == (
        f'reg add "<key: {NOT_SAFE_TO_PASTE}>" /v "<value name: {NOT_SAFE_TO_PASTE}>" '
        f'/t REG_SZ /d "<data: {NOT_SAFE_TO_PASTE}>" /f'
    )


WINE = shutil.which("wine")


@pytest.mark.skipif(WINE is None, reason="wine is not on PATH (apt-get install wine)")
def test_wine_cmd_runs_a_quoted_value_as_one_argument_and_a_naive_one_as_two_commands(
    tmp_path: Path,
) -> None:
    # What is pasted runs as written in a real cmd.exe; and the refusal is needed: pasting the
    # reproducer without our rule runs the command hidden in it.
    change = SetValue(
        Hive.HKCU, r"Software\Contoso (test) #1", "Display Name", ValueType.REG_SZ, "a b, c"
    )
    naive = "echo nltest /dsgetdc:X & echo INJECTED"
    script = tmp_path / "t.cmd"
    script.write_bytes(
        "\r\n".join(
            [
                "@echo off",
                command_line(change) + " >nul",
                r'reg query "HKCU\Software\Contoso (test) #1" /v "Display Name"',
                naive,
                "",
            ]
        ).encode("ascii")
    )
    env = {**os.environ, "WINEPREFIX": str(tmp_path / "prefix"), "WINEDEBUG": "-all"}
    assert WINE is not None
    run = subprocess.run(
        [WINE, "cmd", "/c", "Z:" + str(script).replace("/", "\\")],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    out = run.stdout.decode("utf-8", "replace")
    assert "Display Name" in out and "a b, c" in out, out
    assert "INJECTED" in out.splitlines()[-1]
