"""The check catalogue: documentation shape, the `checks` command, and start-up cost."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from onedrive_doctor.checks import DOC_SECTIONS, REGISTRY
from onedrive_doctor.model import Severity


@pytest.mark.parametrize("check_id", sorted(REGISTRY))
def test_every_check_documents_every_section(check_id: str) -> None:
    check = REGISTRY[check_id]
    sections = check.sections()
    assert list(sections) == list(DOC_SECTIONS), check_id
    for title, body in sections.items():
        assert len(body) >= 10, f"{check_id}: section {title!r} is too thin"
    assert "http" in sections["References"], f"{check_id}: References needs a link"
    assert check.summary.endswith("."), check_id
    assert check.id[:3] in {"NET", "TLS", "SCH", "WHT", "INE", "OS0", "CRT", "EVT", "IDN", "ODC"}
    assert isinstance(check.severity, Severity)


def test_checks_lists_the_catalogue(cli: Any) -> None:
    result = cli("checks")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == len(REGISTRY)
    assert lines[0].startswith("NET001  internet-unreachable")


def test_checks_id_explains_one_check(cli: Any) -> None:
    result = cli("checks", "net005")
    assert result.code == 0
    assert result.out.startswith("NET005 proxy-failure (severity error")
    for title in (
        "What it checks:",
        "Why it matters:",
        "Evidence:",
        "Fix:",
        "Fix safety:",
        "References:",
    ):
        assert f"\n{title}\n" in result.out


def test_checks_with_an_unknown_id_is_a_usage_error(cli: Any) -> None:
    result = cli("checks", "XYZ999")
    assert result.code == 2
    assert "no check 'XYZ999'" in result.err


def test_bad_option_value_is_a_usage_error(cli: Any) -> None:
    result = cli("diagnose", "--resolve", "nonsense")
    assert result.code == 2
    assert "HOST:PORT:ADDRESS" in result.err


def test_help_does_not_import_the_pipeline() -> None:
    code = (
        "import sys\n"
        "from onedrive_doctor import _cli\n"
        "_cli.build_parser().format_help()\n"
        "heavy = [m for m in ('rich', 'dns', 'cryptography', 'pacparser', 'asyncio',"
        " 'onedrive_doctor.checks', 'onedrive_doctor.probes') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_module_entry_point_prints_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "onedrive_doctor", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert "diagnose" in out.stdout and "analyze" in out.stdout
