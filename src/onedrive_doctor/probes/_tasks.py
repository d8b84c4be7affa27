"""Concurrent probes that leave nothing behind when they are cancelled (Ctrl-C, a budget).

``asyncio.gather`` alone does not wait for its children when it is cancelled: they are still
running when ``asyncio.run()`` shuts down, and one that raises while being cancelled is printed
as "unhandled exception during asyncio.run() shutdown", or the gather itself as
"_GatheringFuture exception was never retrieved". Here every task is awaited to its end and
every exception retrieved, whatever way the wait ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

__all__ = ["gather_all", "settle"]

T = TypeVar("T")


async def gather_all(*jobs: Awaitable[T]) -> list[T]:
    """``asyncio.gather(*jobs)``, but cancelling it cancels, awaits and settles every job."""
    tasks: list[asyncio.Future[Any]] = [asyncio.ensure_future(job) for job in jobs]
    outer = asyncio.gather(*tasks)
    try:
        return list(await outer)
    finally:
        await settle([*tasks, outer])


async def settle(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel what still runs, wait for all of it to end, and retrieve every exception."""
    pending = list(tasks)
    for task in pending:
        if not task.done():
            task.cancel()
    while not all(task.done() for task in pending):
        try:
            await asyncio.wait(pending)
        except asyncio.CancelledError:
            # Cancelled again (a second budget, Ctrl-C): the tasks are already cancelled and
            # end promptly; leaving them running is what prints the shutdown warnings.
            continue
    for task in pending:
        if not task.cancelled():
            task.exception()
