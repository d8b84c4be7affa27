"""Cancelled probes leave nothing for asyncio.run() to report (issues 9.6 and 11.11)."""

from __future__ import annotations

import asyncio
from typing import Any

from onedrive_doctor.probes._tasks import gather_all


async def _raises_when_cancelled(started: asyncio.Event) -> None:
    started.set()
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        # What a garbage server's probe did: fail while being cancelled.
        raise ConnectionResetError("peer reset while cancelling") from None


async def _main(seen: list[dict[str, Any]]) -> list[str]:
    asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: seen.append(ctx))
    started = asyncio.Event()
    gathering = asyncio.ensure_future(
        gather_all(_raises_when_cancelled(started), _raises_when_cancelled(asyncio.Event()))
    )
    await started.wait()
    gathering.cancel()
    try:
        await gathering
    except (asyncio.CancelledError, ConnectionResetError) as exc:
        return [type(exc).__name__]
    return []


def test_tasks_that_raise_while_cancelled_are_all_retrieved() -> None:
    seen: list[dict[str, Any]] = []
    assert asyncio.run(_main(seen)) in (["CancelledError"], ["ConnectionResetError"])
    assert seen == []  # no "unhandled exception during asyncio.run() shutdown", no
    # "_GatheringFuture exception was never retrieved"


async def _budget() -> str:
    try:
        await asyncio.wait_for(gather_all(asyncio.sleep(60), asyncio.sleep(60)), 0.05)
    except asyncio.TimeoutError:
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return f"timeout, {len(pending)} task(s) left"
    return "finished"


def test_a_spent_budget_leaves_no_task_running() -> None:
    assert asyncio.run(_budget()) == "timeout, 0 task(s) left"
