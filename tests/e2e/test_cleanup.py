"""The simulated network leaves nothing behind: no namespace, interface, folder or process."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest
import world as net

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _needs_the_network() -> None:
    why = net.available()
    if why:
        pytest.skip(why)


def _tag(suffix: str) -> str:
    return f"{net.PREFIX}{os.getpid()}{suffix}"


def test_a_test_that_fails_inside_the_world_leaves_nothing_behind() -> None:
    tag = _tag("f")
    with pytest.raises(AssertionError, match="the scenario failed"), net.world(tag) as built:
        # Given a running world with every process started
        assert built.set_router(stats=True) is not None
        assert net.leftovers(tag) != []  # it is there while it runs
        # When the test fails
        raise AssertionError("the scenario failed")
    # Then namespaces, links, /etc/netns folders and processes are all gone
    assert net.leftovers(tag) == []
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert tag not in names
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    assert tag not in links
    assert not built.root.exists()


def test_a_build_that_fails_half_way_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tag = _tag("b")

    def broken(self: Any) -> None:
        raise net.WorldError("the servers would not start")

    # Given a build that fails after the namespaces, the router and the links exist
    monkeypatch.setattr(net.World, "_servers", broken)
    with pytest.raises(net.WorldError, match="would not start"), net.world(tag):
        pass
    # Then nothing of it is left
    assert net.leftovers(tag) == []


def test_the_session_world_is_the_only_one_of_this_process(e2e_world: net.World) -> None:
    # Worlds of other test processes (pytest-xdist) may run; this one has exactly its own two.
    names = [n for n in net._netns_names() if n.startswith(f"{e2e_world.tag}-")]
    assert sorted(names) == sorted([e2e_world.pc, e2e_world.net])
