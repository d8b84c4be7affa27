"""Every cause of 0x8004de40 on a simulated network, diagnosed end to end (issue 14).

Each scenario runs the real ``onedrive-doctor diagnose`` in the PC's network namespace, on a
fake Windows PC, against real servers 60 ms away, and asserts the exact set of checks that fail
with severity error (so no other error-level check fails) and the exit code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import table
from scenarios import BUDGET_S, SCENARIOS, TIMEOUT_S, Scenario
from world import World, mitmdump_path

pytestmark = pytest.mark.e2e

ORDER = [s.name for s in SCENARIOS]
CAPTION = (
    f"`onedrive-doctor diagnose --timeout {TIMEOUT_S:g} --budget {BUDGET_S:g}` on links with a "
    "60 ms round trip (tests/e2e, written by the suite to build/e2e-table.md); wall time of the "
    "whole process, interpreter start-up included."
)


def _errors(report: dict[str, Any]) -> list[str]:
    return sorted(
        f["id"] for f in report["findings"] if f["status"] == "fail" and f["severity"] == "error"
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=ORDER)
def test_diagnose_finds_exactly_the_cause(
    scenario: Scenario, healthy_world: World, tmp_path: Path
) -> None:
    # Given the world and the PC of the scenario
    if scenario.needs_mitm and mitmdump_path() is None:
        pytest.skip("mitmdump not found (.ci/run installs mitmproxy in its own venv)")
    pc, extra = scenario.prepare(healthy_world, tmp_path)
    if scenario.peers:
        extra = [*extra, "--save-bundle", str(tmp_path / "bundle")]
    # When diagnosing on that PC
    code, report, stderr, wall = healthy_world.diagnose(
        pc, "--timeout", f"{TIMEOUT_S:g}", "--budget", f"{BUDGET_S:g}", *extra
    )
    found = {f["id"]: f for f in report["findings"]}
    pending = [c for c in scenario.errors if c not in found]
    errors = _errors(report)
    what = scenario.what + (f" ({', '.join(pending)} not on this branch yet)" if pending else "")
    table.record(
        ORDER,
        {"scenario": scenario.name, "what": what, "errors": errors, "code": code, "wall_s": wall},
        caption=CAPTION,
    )
    if pending:
        pytest.xfail(f"{scenario.pending or 'a check is missing'}: {', '.join(pending)}")
    # Then exactly the scenario's checks fail with severity error, and the exit code says so
    assert errors == sorted(scenario.errors), stderr[-2000:]
    assert code == (1 if scenario.errors else 0), stderr[-2000:]
    for check_id, text in scenario.says:
        assert text in found[check_id]["message"]
    if scenario.peers:
        probes = json.loads((tmp_path / "bundle" / "probes.json").read_text())
        # The endpoint chain's TCP peers, and the per-family attempts of NET008 once it lands
        # (issue 13: there the chain may connect over IPv4 while ip_family proves IPv6).
        reached = {
            str(a["result"].get("peer") or a["result"].get("address"))
            for a in probes["attempts"]
            if a["probe"] in ("tcp", "ip_family") and a["status"] == "ok"
        }
        assert any(p.startswith(scenario.peers) for p in reached), reached
    # and the run ends near its budget: a bound against hangs, loose because CI machines are
    # loaded (the goal, budget + 1 s on an idle machine, is measured by bench/bench_e2e.py)
    assert wall < BUDGET_S + 8.0
