"""Issue 9 points 3, 4, 8 and 9 on bundles in Windows' own formats (tests/winbundles.py).

The verdict first, "What to do" in the order that unblocks sign-in, commands and URLs on lines
of their own (never wrapped), and step marks that mean what they say.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.fixes import ManualStep
from onedrive_doctor.fixes.render import command_line
from onedrive_doctor.report import render_html, render_json, render_text
from winbundles import (
    WIN7,
    WIN8,
    WIN10_22H2,
    WIN11_24H2,
    bundle,
    default_registry,
    freeze_today,
    internet_settings,
    protocol,
    schannel,
)

WIDTH = 100


@pytest.fixture(autouse=True)
def _supported_day(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_today(monkeypatch)


def _win7(root: Path) -> Path:
    return bundle(root, default_registry(WIN7))


def _bundles(root: Path) -> dict[str, Path]:
    """Bundles whose reports have fixes of every kind: reg add, reg delete, links, manual."""
    tls_off = default_registry(WIN10_22H2)
    tls_off["schannel"] = schannel(protocol("TLS 1.2", Enabled=0, DisabledByDefault=1))
    inet_off = default_registry(WIN11_24H2)
    inet_off["inet"] = internet_settings(hkcu=0xA0)
    return {
        "win7": _win7(root / "win7"),
        "win8": bundle(root / "win8", default_registry(WIN8)),
        "win10-tls-off": bundle(root / "win10", tls_off),
        "win11-inet-off": bundle(root / "win11", inet_off),
    }


def test_the_report_opens_with_the_verdict_then_windows_then_when(tmp_path: Path) -> None:
    text = render_text(analyze_bundle(_win7(tmp_path)))
    lines = text.splitlines()
    assert lines[1:6] == [
        "This PC cannot sign in: Windows 7 SP1 (build 7601) cannot meet the front door's TLS "
        "policy; no",
        "setting fixes it. Do first: Upgrade Windows 7 SP1 to Windows 11: no setting makes it "
        "meet the front",
        "door's TLS policy.",
        "Windows detected: Windows 7 SP1 (build 7601), Professional, 64-bit. Evidence collected at",
        "2025-06-01T10:00:00+00:00.",
    ]


def test_the_verdict_is_the_same_in_json_and_html(tmp_path: Path) -> None:
    import json

    report = analyze_bundle(_win7(tmp_path))
    data = json.loads(render_json(report))["verdict"]
    summary = (
        "This PC cannot sign in: Windows 7 SP1 (build 7601) cannot meet the front door's TLS "
        "policy; no setting fixes it. Do first: Upgrade Windows 7 SP1 to Windows 11: no setting "
        "makes it meet the front door's TLS policy."
    )
    assert data["state"] == "blocked"
    assert data["summary"] == summary
    assert data["first_check"] == "OS001"
    assert data["windows"] == "Windows detected: Windows 7 SP1 (build 7601), Professional, 64-bit"
    assert data["collected"] == "Evidence collected at 2025-06-01T10:00:00+00:00"
    assert data["os"]["build"] == 7601 and data["os"]["bitness"] == 64
    assert [(p["number"], p["check"], p["same_as"], p["moot_by"]) for p in data["plan"]] == [
        (1, "OS001", None, None),
        (2, "SCH001", None, 1),
        (3, "SCH002", None, 1),
        (4, "WHT001", None, 1),
        (5, "OS002", 1, None),
    ]
    html = render_html(report)
    escaped = summary.replace("'", "&#x27;")
    assert f'<p class="verdict">{escaped}</p>' in html
    assert html.index('class="verdict"') < html.index('class="step')


def test_os001_comes_first_and_the_settings_it_makes_moot_say_so(tmp_path: Path) -> None:
    text = render_text(analyze_bundle(_win7(tmp_path)))
    todo = text[text.index("What to do, most important first") :]
    heads = [line for line in todo.splitlines() if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert heads == [
        "1. OS001 os-cannot-meet-afd-policy (error)",
        "2. SCH001 tls12-client-disabled (error)",
        "3. SCH002 no-afd-cipher-suite (error)",
        "4. WHT001 winhttp-tls12-not-default (error)",
        "5. OS002 os-unsupported (warning)",
    ]
    moot = "   Moot while OS001 stands: no local setting lets this Windows sign in (see 1.)."
    assert todo.splitlines().count(moot) == 3
    # OS002's advice is OS001's: given once, referenced from the other.
    assert "   The same advice as OS001: see 1." in todo.splitlines()
    assert todo.count("Upgrade the PC to a supported Windows 11 release") == 1


def _commands(report: Any) -> list[str]:
    lines = []
    for finding in report.findings:
        for change in finding.fix.changes if finding.fix else ():
            if isinstance(change, ManualStep):
                lines.extend([change.link] if change.link else [])
            else:
                lines.append(command_line(change))
    return lines


def test_every_command_stands_whole_on_its_own_line(tmp_path: Path) -> None:
    checked = 0
    for name, root in _bundles(tmp_path).items():
        report = analyze_bundle(root)
        for color in (False, True):
            text = render_text(report, color=color)
            stripped = [line.strip() for line in text.splitlines()]
            for command in _commands(report):
                # In colour too: the command is one line (its colour codes stay outside it).
                assert any(line.endswith(command) for line in stripped), (name, command)
                if not color:
                    assert command in stripped, (name, command)
                checked += 1
            if not color:
                # Prose wraps at 100 columns; only a command or a URL may be longer.
                long = [line for line in text.splitlines() if len(line) > WIDTH]
                whole = [*_commands(report)]
                assert all(
                    line.strip() in whole or line.strip().startswith("https://") for line in long
                ), (name, long)
                assert not any(line.lstrip().startswith("• reg ") for line in text.splitlines())
    assert checked >= 8


def test_reg_add_with_a_space_in_the_key_is_not_split(tmp_path: Path) -> None:
    text = render_text(analyze_bundle(_win7(tmp_path)))
    tls12 = (
        r'       reg add "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
        r'\Protocols\TLS 1.2\Client" /v Enabled /t REG_DWORD /d 1 /f'
    )
    assert tls12 in text.splitlines()
    assert (
        "       https://download.microsoft.com/download/0/6/5/"
        "0658B1A7-6D2E-474F-BC2C-D69E5B9E9A68/MicrosoftEasyFix51044.msi"
    ) in text.splitlines()
    assert not any(line.rstrip().endswith(r"\TLS") for line in text.splitlines())


def test_a_step_with_only_warnings_is_not_a_red_cross(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_today(monkeypatch, datetime.date(2026, 11, 20))
    # Windows 10 22H2 on 2026-11-20 is out of support (OS002, a warning) and nothing else in
    # step 2 fails: the step is a warning "!", not "✘ problem found".
    report = analyze_bundle(bundle(tmp_path, default_registry(WIN10_22H2)))
    step2 = next(s for s in report.steps() if s.step.value == "tls")
    assert [(f.id, f.severity.value if f.severity else None) for f in step2.failing] == [
        ("OS002", "warning")
    ]
    lines = render_text(report).splitlines()
    assert "! 2. TLS 1.2 and cipher suites: warning" in lines
    assert "[WARN] 2. TLS 1.2 and cipher suites: warning" in (
        render_text(report, ascii_marks=True).splitlines()
    )
    assert '<div class="step warn"><strong>2. TLS 1.2 and cipher suites</strong>: warning' in (
        render_html(report)
    )


def test_the_join_step_does_not_apply_on_windows_7_and_8(tmp_path: Path) -> None:
    for name, version, label in (
        ("win7", WIN7, "Windows 7 SP1 (build 7601)"),
        ("win8", WIN8, "Windows 8 (build 9200)"),
    ):
        report = analyze_bundle(bundle(tmp_path / name, default_registry(version)))
        idn = [f for f in report.findings if f.id.startswith("IDN")]
        assert [(f.id, f.status.value) for f in idn] == [
            (f"IDN00{n}", "not_applicable")
            for n in range(1, 8)  # IDN006-007: issue 13
        ]
        assert idn[0].message == (
            f"{label} has no device join to Microsoft Entra ID (dsregcmd /status is a "
            "Windows 10/11 command): the article's device join steps do not apply."
        )
        text = render_text(report)
        assert "- 4. Device join (Windows 10/11): does not apply" in text.splitlines()
        assert "dsregcmd.txt)" not in text


def test_windows_10_without_dsregcmd_txt_still_says_what_is_missing(tmp_path: Path) -> None:
    report = analyze_bundle(bundle(tmp_path, default_registry(WIN10_22H2)))
    idn = next(f for f in report.findings if f.id == "IDN001")
    assert (idn.status.value, idn.message) == (
        "unknown",
        "no Windows evidence in this bundle (needs dsregcmd.txt)",
    )


def test_32_bit_windows_has_no_wow6432node_view_to_miss(tmp_path: Path) -> None:
    from winbundles import current_version

    registry = default_registry(current_version("Windows 7 Professional", 7601, arch="x86"))
    registry["inet"] = internet_settings(wow64=False)
    report = analyze_bundle(bundle(tmp_path, registry))
    wht = {f.id: f for f in report.findings if f.id.startswith("WHT")}
    assert wht["WHT001"].status.value == "fail"
    assert wht["WHT001"].evidence["bitness"] == 32
    text = render_text(report)
    assert "WOW6432Node" not in text
    assert "Windows detected: Windows 7 SP1 (build 7601), Professional, 32-bit." in text
    assert all("WOW6432Node" not in f.message for f in wht.values())
