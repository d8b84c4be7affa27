"""Issue 11 point 11: fifty scans of a garbage server end cleanly, every one of them.

2 of 50 scans of a garbage server printed "unhandled exception during asyncio.run() shutdown":
tasks that raised while the scan's ``gather`` was being cancelled. Each scan here runs in this
process against a server that answers each connection differently (a ServerHello, garbage, a
reset, a half-close, a cut record, some late: ``servers/garbage.py``), with a timeout and a
budget short enough that some scans are cut off mid-flight. What asyncio would print (its
default exception handler logs to stderr) lands in the captured stderr, and the garbage
collector runs after each scan so that "Task exception was never retrieved" or "Task was
destroyed but it is pending" would show there too.
"""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest

from servers.garbage import mixed_server

#: Exit codes cli.md documents for scan: a result (0), usage (2), could not read / start (3).
DOCUMENTED = {0, 1, 2, 3}
NEVER = (
    "unhandled exception",
    "Traceback",
    "never retrieved",
    "was destroyed but it is pending",
    "Exception ignored",
    "Task exception",
)


def test_fifty_scans_of_a_garbage_server_end_with_a_documented_code_and_no_traceback(
    cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.monotonic()
    codes: list[int] = []
    connections = 0
    for seed in range(50):
        with mixed_server(seed) as server:
            result = cli(
                "scan",
                f"127.0.0.1:{server.port}",
                "--sni",
                "garbage.test",
                "--format",
                "json",
                "--timeout",
                "0.3",
                "--budget",
                "1",
                "--quiet",
            )
            gc.collect()
            connections += server.connections
        err = result.err + capsys.readouterr().err  # with what was printed after the scan
        assert result.code in DOCUMENTED, (seed, result.code, result.err)
        for text in NEVER:
            assert text not in err, (seed, err)
        assert result.err.count("\n") <= 1, (seed, result.err)
        codes.append(result.code)
    # The scans did go on past the first hello (many connections each), within their budgets.
    assert connections > 50 * 3
    assert time.monotonic() - start < 50 * 2.5
