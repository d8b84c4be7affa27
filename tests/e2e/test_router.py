"""The user-space router makes the links behave like a real network: delay, loss, drops."""

from __future__ import annotations

import socket
import time

import pytest
import world as net

pytestmark = pytest.mark.e2e

DOOR_V4, DOOR_V6 = net.FRONT_DOORS["afd-2023"][:2]


def _connect_times(world: net.World, address: str, count: int = 3) -> list[float | None]:
    """TCP connect times from the PC's namespace (``None``: no answer within 1 s)."""

    def work() -> list[float | None]:
        times: list[float | None] = []
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        for _ in range(count):
            with socket.socket(family) as sock:
                sock.settimeout(1.0)
                started = time.monotonic()
                try:
                    sock.connect((address, 443))
                    times.append(time.monotonic() - started)
                except OSError:
                    times.append(None)
        return times

    result: list[float | None] = net.in_netns(world.pc, work)
    return result


@pytest.mark.parametrize("address", [DOOR_V4, DOOR_V6], ids=["ipv4", "ipv6"])
def test_a_tcp_handshake_takes_one_round_trip_of_60_ms(
    healthy_world: net.World, address: str
) -> None:
    times = _connect_times(healthy_world, address)
    assert all(t is not None and 0.058 <= t < 0.5 for t in times), times


def test_the_delay_can_be_changed_at_run_time(healthy_world: net.World) -> None:
    healthy_world.set_router(delay_ms=100)
    times = _connect_times(healthy_world, DOOR_V4)
    assert all(t is not None and t >= 0.198 for t in times), times


def test_full_loss_and_dropped_syns_leave_connections_unanswered(
    healthy_world: net.World,
) -> None:
    healthy_world.set_router(loss=1.0)
    assert _connect_times(healthy_world, DOOR_V4, 1) == [None]
    healthy_world.set_router(loss=0.0, drop=["syn"])
    assert _connect_times(healthy_world, DOOR_V4, 1) == [None]
    stats = healthy_world.set_router(stats=True)
    assert stats is not None and stats["dropped_loss"] >= 1 and stats["dropped_rule"] >= 1


def test_dropping_ipv6_tcp_leaves_ipv4_working(healthy_world: net.World) -> None:
    healthy_world.set_router(drop=["ipv6-tcp"])
    assert _connect_times(healthy_world, DOOR_V6, 1) == [None]
    assert _connect_times(healthy_world, DOOR_V4, 1)[0] is not None


def test_a_bad_control_message_is_refused(healthy_world: net.World) -> None:
    with pytest.raises(net.WorldError, match="unknown drop rule"):
        healthy_world.set_router(drop=["everything"])
