#!/usr/bin/env python3
"""Wall time of ``onedrive-doctor diagnose`` on the simulated network (tests/e2e), as root.

Runs the healthy, the TLS-inspected and the all-silent scenarios, each ``--runs`` times, once
with the links' round trip at ``--rtt-ms`` (default 60) and once at 0 ms. The difference,
divided by the round trip, is the number of round trips the run waits for one after the other
(the critical path: the probes run concurrently, so this is far below the number of packets).

    sudo PYTHONPATH=src .venv/bin/python bench/bench_e2e.py [--runs 3] [--rtt-ms 60] [--loss 0]

Goals (issue 14): healthy under 1.5 s, all-silent within --budget plus one second. The wall
time includes the interpreter's start-up (``start-up`` row: ``--version``, no network).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import scenarios as sc  # noqa: E402
import world as net  # noqa: E402

NAMES = ("healthy", "tls-inspection", "all-silent")


def _run(built: net.World, name: str, tmp: Path) -> tuple[float, list[str]]:
    built.reset()
    scenario = sc.BY_NAME[name]
    pc, extra = scenario.prepare(built, tmp)
    _, report, _, wall = built.diagnose(
        pc, "--timeout", f"{sc.TIMEOUT_S:g}", "--budget", f"{sc.BUDGET_S:g}", *extra
    )
    errors = sorted(
        f["id"] for f in report["findings"] if f["status"] == "fail" and f["severity"] == "error"
    )
    return wall, errors


def _startup(built: net.World) -> float:
    started = time.monotonic()
    subprocess.run(
        [*built.exec_in(built.pc), sys.executable, "-m", "onedrive_doctor", "--version"],
        capture_output=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument("--rtt-ms", type=float, default=60.0)
    parser.add_argument("--loss", type=float, default=0.0, help="share of packets dropped")
    parser.add_argument("--scenarios", default=",".join(NAMES))
    args = parser.parse_args()
    why = net.available()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 3
    names = args.scenarios.split(",")
    rtt = args.rtt_ms / 1000.0
    results: dict[tuple[str, float], list[float]] = {}
    errors: dict[str, list[str]] = {}
    net.clean_stale()
    with (
        net.world(delay_ms=args.rtt_ms / 2, loss=args.loss) as built,
        tempfile.TemporaryDirectory() as tmp,
    ):
        startup = statistics.median(_startup(built) for _ in range(args.runs))
        for delay in (rtt, 0.0):
            built.delay_ms = delay * 1000 / 2
            for run in range(args.runs):
                for name in names:
                    folder = Path(tmp) / f"{name}-{delay}-{run}"
                    wall, found = _run(built, name, folder)
                    results.setdefault((name, delay), []).append(wall)
                    errors[name] = found
                    print(
                        f"{name} rtt={delay * 1000:g} ms run {run + 1}: {wall:.2f} s",
                        file=sys.stderr,
                    )
    print(f"diagnose --timeout {sc.TIMEOUT_S:g} --budget {sc.BUDGET_S:g}, median of {args.runs}")
    print()
    print(
        f"| scenario | failing checks | wall at {args.rtt_ms:g} ms RTT | at 0 ms "
        "| sequential round trips |"
    )
    print("|---|---|---|---|---|")
    for name in names:
        slow = statistics.median(results[(name, rtt)])
        fast = statistics.median(results[(name, 0.0)])
        trips = max(0.0, (slow - fast) / rtt) if rtt else float("nan")
        print(
            f"| {name} | {', '.join(errors[name]) or 'none'} | {slow:.2f} s | {fast:.2f} s "
            f"| {trips:.0f} |"
        )
    print(f"| start-up (`--version`) | | {startup:.2f} s | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
