"""The scenarios: each sets up the world and a PC, and names the error-level checks that must fail.

Shared by the suite (test_e2e.py) and the benchmark (bench/bench_e2e.py). ``prepare`` returns
the fake Windows host folder and extra ``diagnose`` arguments; the world was reset to healthy
before it runs (AFD TLSv1.2_2023 behind every name, default routes, nothing dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pcs
from world import (
    AUTH_PROXY_V4,
    DEAD_PROXY_V4,
    ENDPOINT_HOSTS,
    MITM_V4,
    NCSI_HOST,
    PORTAL_V4,
    PROXY_PORT,
    World,
)

#: Every scenario runs with these: a short per-operation timeout keeps the silent ones short.
TIMEOUT_S = 2.0
BUDGET_S = 5.0
SIGN_IN = "login.microsoftonline.com"


@dataclass(frozen=True)
class Scenario:
    """One world, one PC, the exact set of error-level failures ``diagnose`` must report."""

    name: str
    what: str
    prepare: Callable[[World, Path], tuple[Path | None, list[str]]]
    errors: frozenset[str]
    says: tuple[tuple[str, str], ...] = ()  # (check ID, text its message must contain)
    peers: str | None = None  # an endpoint was reached at an address starting with this
    pending: str | None = None  # the reason a check this scenario needs is not on main yet
    needs_mitm: bool = False


def _win11(world: World, tmp: Path, proxy: str | None = None) -> tuple[Path | None, list[str]]:
    return pcs.windows11(tmp / "pc", proxy), []


def healthy(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    return _win11(world, tmp)


def dual_stack(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    world.set_dns(world.names("afd-2023", v6=True))  # AAAA too: the PC goes over IPv6
    return _win11(world, tmp)


def no_route(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    world.route_default(False)  # the LAN's DNS still answers, nothing else is reachable
    return _win11(world, tmp)


def dns_failure(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    table = world.names("afd-2023")
    del table["names"][SIGN_IN]  # NXDOMAIN for the sign-in name, everything else resolves
    world.set_dns(table)
    return _win11(world, tmp)


def dns_sinkhole(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    # A DNS filter's blocklist answer for the sign-in name.
    world.set_dns(world.names("afd-2023", overrides={SIGN_IN: {"A": ["0.0.0.0"]}}))
    return _win11(world, tmp)


def ipv6_broken(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    world.set_dns(world.names("afd-2023", v6=True))
    world.set_router(drop=["ipv6-tcp"])  # IPv6 TCP disappears on the way; IPv4 works
    return _win11(world, tmp)


def proxy_down(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    return _win11(world, tmp, f"{DEAD_PROXY_V4}:{PROXY_PORT}")


def proxy_auth(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    return _win11(world, tmp, f"{AUTH_PROXY_V4}:{PROXY_PORT}")


def captive_portal(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    # The portal answers every name with itself, and has nothing on 443 until the user logs in.
    portal = {"A": [PORTAL_V4]}
    world.set_dns({"names": dict.fromkeys((*ENDPOINT_HOSTS, NCSI_HOST), portal), "servfail": []})
    return _win11(world, tmp)


def tls_inspection(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    world.mitm()
    return _win11(world, tmp, f"{MITM_V4}:8080")


def _door(door: str) -> Callable[[World, Path], tuple[Path | None, list[str]]]:
    def prepare(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
        world.set_dns(world.names(door))
        return _win11(world, tmp)

    return prepare


def _pc_at(
    door: str, pc: Callable[[Path], Path]
) -> Callable[[World, Path], tuple[Path | None, list[str]]]:
    def prepare(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
        world.set_dns(world.names(door))
        return pc(tmp / "pc"), []

    return prepare


def all_silent(world: World, tmp: Path) -> tuple[Path | None, list[str]]:
    world.set_router(drop=["syn"])  # DNS answers; every TCP SYN is dropped on the way
    return _win11(world, tmp)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "healthy",
        "Windows 11, AFD TLSv1.2_2023, direct",
        healthy,
        frozenset(),
        peers="203.0.113.10:",
    ),
    Scenario(
        "healthy-ipv6",
        "the same over IPv6 (A and AAAA; IPv6 preferred)",
        dual_stack,
        frozenset(),
        peers="2001:db8:113::",
    ),
    Scenario(
        "no-route",
        "no default route (the LAN's DNS answers)",
        no_route,
        frozenset({"NET001", "NET004"}),
        says=(("NET004", "Network is unreachable"),),
    ),
    Scenario(
        "dns-failure",
        f"NXDOMAIN for {SIGN_IN}",
        dns_failure,
        frozenset({"NET003"}),
        says=(("NET003", f"{SIGN_IN} (NXDOMAIN from the system resolver"),),
    ),
    Scenario(
        "dns-sinkhole",
        f"{SIGN_IN} answers 0.0.0.0",
        dns_sinkhole,
        frozenset({"NET004", "NET009"}),
    ),
    Scenario(
        "ipv6-broken",
        "AAAA records, IPv6 TCP dropped, IPv4 works",
        ipv6_broken,
        frozenset({"NET008"}),
    ),
    Scenario(
        "proxy-down",
        "WinINet and WinHTTP proxy refuses connections",
        proxy_down,
        frozenset({"NET001", "NET004", "NET005"}),
        says=(("NET005", "refused the connection"),),
    ),
    Scenario(
        "proxy-auth",
        "proxy demands authentication (407)",
        proxy_auth,
        frozenset({"NET001", "NET004", "NET005"}),
        says=(("NET005", "demands authentication (HTTP 407"),),
    ),
    Scenario(
        "captive-portal",
        "portal answers every name, redirects HTTP",
        captive_portal,
        frozenset({"NET002", "NET004"}),
        says=(("NET002", "redirect (HTTP 302) to http://portal.hotel.example/login"),),
    ),
    Scenario(
        "tls-inspection",
        "mitmproxy re-signs with its own CA",
        tls_inspection,
        frozenset({"TLS002"}),
        says=(("TLS002", "re-signed by 'mitmproxy'"),),
        needs_mitm=True,
    ),
    Scenario(
        "tls10-middlebox",
        "a middlebox speaking only TLS 1.0",
        _door("tls10-middlebox"),
        # Windows 11's own hello still offers TLS 1.0 and gets a ServerHello: TLS001 passes,
        # and TLS003 names the device on the path.
        frozenset({"TLS003"}),
        says=(("TLS003", "accepts TLSv1.0, but neither TLS 1.2 nor TLS 1.3"),),
    ),
    Scenario(
        "silent-front-door",
        "accepts TCP, never answers TLS",
        _door("mute"),
        frozenset({"NET004"}),
        says=(("NET004", "accepted TCP, but sent no TLS answer within 2 s"),),
    ),
    Scenario(
        "win7-vs-2023",
        "Windows 7 SP1 against TLSv1.2_2023",
        _pc_at("afd-2023", pcs.windows7_patched),
        frozenset({"TLS001", "OS001", "SCH002"}),
        says=(("OS001", "(measured: AFD policy TLSv1.2_2023)"),),
    ),
    Scenario(
        "win10-cbc-vs-2023",
        "Windows 10, CBC-only Group Policy list, TLSv1.2_2023",
        _pc_at("afd-2023", pcs.windows10_cbc_policy),
        frozenset({"TLS001", "SCH002"}),
        says=(("SCH002", "(measured: AFD policy TLSv1.2_2023)"),),
    ),
    Scenario(
        "win10-cbc-vs-2022",
        "the same PC against TLSv1.2_2022",
        _pc_at("afd-2022", pcs.windows10_cbc_policy),
        frozenset(),
    ),
    Scenario(
        "clock-2h",
        "the front door's clock is 2 h ahead",
        _door("clock-2h"),
        frozenset({"NET006"}),
        says=(("NET006", "2 h 00 min behind"),),
    ),
    Scenario(
        "all-silent",
        "every TCP SYN dropped (DNS answers)",
        all_silent,
        frozenset({"NET001", "NET004"}),
        says=(("NET004", "did not answer within 2 s"),),
    ),
)
BY_NAME = {s.name: s for s in SCENARIOS}
