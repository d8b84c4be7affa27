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

__all__ = ["gather_all", "settle", "wait_for"]

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
    while pending:
        # Cancelled again each round: Python 3.11's wait_for can drop a cancel that arrives as
        # its inner operation finishes, and the task would then run on for a whole --timeout.
        for task in pending:
            if not task.done():
                task.cancel()
        try:
            _, running = await asyncio.wait(pending, timeout=0.1)
        except asyncio.CancelledError:
            # Cancelled itself (a second budget, Ctrl-C): leaving the tasks running is what
            # prints the shutdown warnings, so finish the job first.
            continue
        if not running:
            break
    for task in pending:
        if not task.cancelled():
            task.exception()


async def wait_for(job: Awaitable[T], timeout: float | None) -> T:
    """``asyncio.wait_for``, but the job's own exception is never left unretrieved.

    Python 3.11's ``wait_for``, cancelled, cancels the job and raises ``CancelledError``; a job
    that ends with an exception instead (its cancel dropped by an inner ``wait_for`` whose read
    had just finished, then a TLS error) is left with that exception unretrieved, printed as
    "Task exception was never retrieved" after the run's Ctrl-C line.
    """
    task = asyncio.ensure_future(job)
    try:
        return await asyncio.wait_for(task, timeout)
    except BaseException:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: what the caller raises is the outcome
        raise
