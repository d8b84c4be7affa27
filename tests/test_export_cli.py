r"""``fix --bundle DIR --export-reg / --export-ps1 / --export-intune``: the planner's plans.

For every fixable fixture bundle the three exports are written by the CLI: every script parses
under tree-sitter's PowerShell grammar, and the .reg file holds exactly the plan's registry
changes. One plan's .reg is imported into Wine's registry and read back with ``reg export``.
An export never replaces a file without ``--force``, and a refused one leaves nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fixbundles import FIXABLE, fixable_bundle
from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.checks import run_checks
from onedrive_doctor.evidence import build_evidence
from onedrive_doctor.fixes import DeleteKey, DeleteValue, Plan, SetValue
from onedrive_doctor.fixes.planner import plan_fixes
from onedrive_doctor.registry import RegistryModel
from psparse import parse_errors
from winereg import WinePrefix, needs_wine, wine_path, wine_prefix

__all__ = ["wine_prefix"]


def _plan(root: Path) -> Plan:
    evidence = build_evidence(open_bundle(root))  # as fix does
    return plan_fixes(run_checks(evidence), evidence)


def _export_all(cli: Any, root: Path, out: Path, *extra: str) -> Any:
    return cli(
        "fix",
        "--bundle",
        str(root),
        "--export-reg",
        str(out / "fix.reg"),
        "--export-ps1",
        str(out / "fix.ps1"),
        "--export-intune",
        str(out / "intune"),
        *extra,
    )


def _promised(plan: Plan) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for step in plan.steps:
        change = step.change
        if isinstance(change, SetValue):
            found[(change.full_key.upper(), change.name.upper())] = change.after
        elif isinstance(change, DeleteValue):
            found[(change.full_key.upper(), change.name.upper())] = None
    return found


@pytest.mark.parametrize("case", sorted(FIXABLE))
def test_every_fixable_plan_exports_and_every_script_parses(
    cli: Any, tmp_path: Path, case: str
) -> None:
    root = fixable_bundle(tmp_path, case)
    out = tmp_path / "exports"
    done = _export_all(cli, root, out)
    assert done.code in (0, 1), done.err
    assert f"Wrote {out / 'fix.reg'}" in done.err and f"Wrote {out / 'fix.before.reg'}" in done.err
    scripts = [out / "fix.ps1", *sorted((out / "intune").rglob("*.ps1"))]
    assert len(scripts) >= 4
    for script in scripts:
        assert parse_errors(script.read_text()) == [], script
    plan = _plan(root)
    assert not any(isinstance(s.change, DeleteKey) for s in plan.steps)
    model = RegistryModel.from_reg((out / "fix.reg").read_bytes(), "fix.reg")
    for (key, name), after in _promised(plan).items():
        value = model.get_value(key, name)
        assert (None if value is None else value.data) == after, (key, name)


def test_an_export_that_exists_is_refused_and_nothing_is_written(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    out = tmp_path / "exports"
    out.mkdir()
    (out / "fix.ps1").write_text("mine")
    refused = _export_all(cli, root, out)
    assert refused.code == 3
    assert refused.err.count("\n") == 1 and "exists already" in refused.err
    assert sorted(p.name for p in out.iterdir()) == ["fix.ps1"]
    forced = _export_all(cli, root, out, "--force")
    assert forced.code in (0, 1), forced.err
    assert (out / "fix.ps1").read_text().startswith("# Written by onedrive-doctor")


def test_exports_do_not_go_with_apply_and_force_needs_an_export(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    both = cli("fix", "--bundle", str(root), "--apply", "--export-reg", str(tmp_path / "f.reg"))
    assert both.code == 2 and "without --apply" in both.err
    alone = cli("fix", "--bundle", str(root), "--force")
    assert alone.code == 2 and "--force only goes with" in alone.err


@needs_wine
@pytest.mark.wine
def test_the_planners_reg_imported_into_wine_holds_what_the_plan_said(
    cli: Any, wine_prefix: WinePrefix, tmp_path: Path
) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    out = tmp_path / "exports"
    done = cli("fix", "--bundle", str(root), "--export-reg", str(out / "fix.reg"))
    assert done.code in (0, 1), done.err
    imported = wine_prefix.reg("import", wine_path(out / "fix.reg"))
    assert imported.returncode == 0, imported.stderr
    promised = _promised(_plan(root))
    assert promised
    for index, ((key, name), after) in enumerate(promised.items()):
        out_file = tmp_path / f"back{index}.reg"
        model = wine_prefix.export(key, out_file) or RegistryModel()
        value = model.get_value(key, name)
        # Seen once under the whole suite's load: say what Wine held, to tell why.
        held = out_file.read_bytes().decode("utf-16", "replace") if out_file.exists() else None
        assert (None if value is None else value.data) == after, (key, name, held)
