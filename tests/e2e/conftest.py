"""Fixtures of the end-to-end suite: one simulated network per test process (see world.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import world as net


@pytest.fixture(scope="session")
def e2e_world() -> Iterator[net.World]:
    """The network, built once per test process; torn down and checked for leftovers at the end."""
    why = net.available()
    if why:
        pytest.skip(why)
    net.clean_stale()
    with net.world() as built:
        yield built
    left = net.leftovers(built.tag)
    assert left == [], f"the end-to-end network left these behind: {left}"


@pytest.fixture
def healthy_world(e2e_world: net.World) -> net.World:
    """The session's network reset to the healthy world before the test."""
    e2e_world.reset()
    return e2e_world
