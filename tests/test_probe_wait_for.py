"""probes._tasks.wait_for: a cancelled wait never leaves the job's exception unretrieved."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from typing import Any

import pytest

from onedrive_doctor.probes._tasks import wait_for


async def _stubborn(started: asyncio.Event) -> None:
    """Swallow the cancel (as a read that had just finished does), then fail."""
    started.set()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(10)
    raise ValueError("a TLS error after the cancel")


def _logged_while(body: Any) -> list[str]:
    logged: list[str] = []

    async def run() -> None:
        asyncio.get_running_loop().set_exception_handler(
            lambda loop, context: logged.append(str(context.get("message")))
        )
        await body()
        gc.collect()
        await asyncio.sleep(0)

    asyncio.run(run())
    gc.collect()
    return logged


def test_cancelled_wait_retrieves_the_exception_of_a_job_that_ignored_the_cancel() -> None:
    async def body() -> None:
        started = asyncio.Event()
        waiting = asyncio.ensure_future(wait_for(_stubborn(started), 10))
        await started.wait()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    assert not [m for m in _logged_while(body) if "never retrieved" in m]


def test_results_and_timeouts_are_those_of_asyncio_wait_for() -> None:
    async def body() -> None:
        assert await wait_for(asyncio.sleep(0, "done"), 1) == "done"
        with pytest.raises(asyncio.TimeoutError):
            await wait_for(asyncio.sleep(5), 0.01)
        with pytest.raises(ValueError, match="boom"):
            await wait_for(_raise(), 1)

    assert _logged_while(body) == []


async def _raise() -> None:
    raise ValueError("boom")
