"""The table scenario -> findings -> wall time that the README shows (build/e2e-table.md).

Each scenario test records its row in ``build/e2e-rows/NAME.json`` and rewrites the table from
every row, under a file lock: with pytest-xdist the test processes share the folder, and the
last writer's table has every row.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

BUILD = Path(__file__).resolve().parents[2] / "build"
ROWS = BUILD / "e2e-rows"
TABLE = BUILD / "e2e-table.md"


def record(order: list[str], row: dict[str, Any], caption: str = "") -> None:
    """Save ``row`` (keys: scenario, what, errors, code, wall_s) and rewrite the table."""
    ROWS.mkdir(parents=True, exist_ok=True)
    (ROWS / f"{row['scenario']}.json").write_text(json.dumps(row))
    with (BUILD / ".e2e-table.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rows = {}
        for path in ROWS.glob("*.json"):
            data = json.loads(path.read_text())
            rows[data["scenario"]] = data
        lines = [caption, ""] if caption else []
        lines += [
            "| scenario | world | failing checks (severity error) | exit | wall |",
            "|---|---|---|---|---|",
        ]
        for name in order:
            if name in rows:
                r = rows[name]
                errors = ", ".join(r["errors"]) or "none"
                lines.append(
                    f"| {name} | {r['what']} | {errors} | {r['code']} | {r['wall_s']:.2f} s |"
                )
        tmp = TABLE.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n")
        os.replace(tmp, TABLE)
