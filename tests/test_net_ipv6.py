"""NET008 ipv6-path-broken: each endpoint over IPv4 and over IPv6, against real loopback servers.

The endpoint name is pinned to both 127.0.0.1 and [::1] with ``--resolve`` (repeated for one
HOST:PORT). The IPv4 side is a real HTTPS server; the IPv6 side on the same port is a real TLS
server (both work), nothing (refused), or a socket that accepts and never answers TLS (hangs).
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.checks.net import PREFER_IPV4, PREFER_IPV4_UNDO
from onedrive_doctor.probes.attempt import ProbeAttempt
from onedrive_doctor.probes.results import FamilyResult
from servers.threaded import accepting
from servers.web import web_server

HOST = "login.microsoftonline.com"


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback (::1)")


@contextmanager
def _ipv6_peer(port: int, mode: str, context: ssl.SSLContext | None = None) -> Iterator[None]:
    """On [::1]:``port``: ``tls`` answers the handshake (and HTTP), ``mute`` never says a byte."""
    listener = socket.socket(socket.AF_INET6)
    listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    listener.bind(("::1", port))
    listener.listen(20)
    held: list[socket.socket] = []

    def serve(conn: socket.socket) -> None:
        if mode != "tls" or context is None:
            return
        try:
            conn.settimeout(5)
            tls = context.wrap_socket(conn, server_side=True)
            held.append(tls)
            tls.recv(4096)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except (OSError, ssl.SSLError):
            return

    with accepting(listener, serve, held=held):
        yield


def _ipv6_port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET6) as sock:
        try:
            sock.bind(("::1", port))
        except OSError:
            return False
    return True


@contextmanager
def _endpoint(context: ssl.SSLContext) -> Iterator[int]:
    """The IPv4 HTTPS server, on a port that is also free on ::1."""
    for _ in range(20):
        with web_server("endpoint", context) as server:
            if _ipv6_port_free(server.port):
                yield server.port
                return
    raise AssertionError("no port free on both 127.0.0.1 and ::1")


def _diagnose(cli: Any, port: int, ca_file: str, *extra: str, ipv6: bool = True) -> Any:
    """``diagnose`` of the endpoint at 127.0.0.1 and, with ``ipv6``, also at [::1]."""
    also_ipv6 = ("--resolve", f"{HOST}:{port}:[::1]") if ipv6 else ()
    return cli(
        "diagnose",
        "--format",
        "json",
        "--timeout",
        "2",
        "--budget",
        "6",
        "--probe-url",
        "http://127.0.0.1:9/",
        "--endpoint",
        f"{HOST}:{port}",
        "--resolve",
        f"{HOST}:{port}:127.0.0.1",
        *also_ipv6,
        "--ca-file",
        ca_file,
        *extra,
    )


def _family(bundle: Path, family: str) -> dict[str, Any]:
    attempts = json.loads((bundle / "probes.json").read_text())["attempts"]
    return next(
        a for a in attempts if a["probe"] == "ip_family" and a["result"]["family"] == family
    )


@needs_ipv6
def test_both_families_working_passes_net008(
    cli: Any, ca_file: str, server_context: ssl.SSLContext, tmp_path: Path
) -> None:
    # Given the endpoint answering TLS on 127.0.0.1 and on [::1]
    with _endpoint(server_context) as port, _ipv6_peer(port, "tls", server_context):
        result = _diagnose(cli, port, ca_file, "--save-bundle", str(tmp_path))
    # Then NET008 passes and says both families work
    finding = result.finding("NET008")
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET008", "pass", None)
    assert finding["message"] == (
        f"No IPv6 path is broken: both IPv4 and IPv6 work for {HOST}:{port}."
    )
    # And probes.json holds one attempt per family, with what each reached
    v4, v6 = _family(tmp_path, "IPv4"), _family(tmp_path, "IPv6")
    assert (v4["status"], v6["status"]) == ("ok", "ok")
    assert v6["result"]["addresses"] == ["::1"]
    assert v6["result"]["address"] == "::1"
    assert v6["result"]["route"] is True
    assert v6["result"]["local_address"] == "::1"
    assert v6["result"]["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert v4["result"]["address"] == "127.0.0.1"


@needs_ipv6
def test_ipv6_refused_while_ipv4_works_fails_net008(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    # Given a server on 127.0.0.1 only: [::1] refuses the connection
    with _endpoint(server_context) as port:
        result = _diagnose(cli, port, ca_file)
    finding = result.finding("NET008")
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET008", "fail", "error")
    assert finding["message"].startswith(
        f"IPv6 to {HOST}:{port} fails while IPv4 works: the TCP connection over IPv6 fails "
        f"([::1]:{port} refused the connection), but IPv4 127.0.0.1 connects and completes TLS "
        "(TLSv1."
    )
    assert finding["message"].endswith(
        "The PC has an IPv6 route (from ::1) and Windows tries IPv6 first, so sign-in stalls or "
        "fails."
    )
    broken = finding["evidence"]["broken"][0]
    assert broken["ipv6_address"] == "::1"
    assert broken["ipv6_stage"] == "tcp"
    assert broken["ipv6_status"] == "failed"
    assert broken["ipv4_address"] == "127.0.0.1"
    # And the other checks still see a reachable endpoint (the IPv4 address is tried first)
    assert result.finding("NET004")["status"] == "pass"
    assert result.code == 1


@needs_ipv6
def test_ipv6_that_accepts_and_never_answers_tls_fails_net008_as_a_hang(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with _endpoint(server_context) as port, _ipv6_peer(port, "mute"):
        result = _diagnose(cli, port, ca_file)
    finding = result.finding("NET008")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert finding["message"].startswith(
        f"IPv6 to {HOST}:{port} hangs while IPv4 works: the TLS handshake over IPv6 hangs "
        f"([::1]:{port} accepted TCP, but sent no TLS answer within 2 s)"
    )
    broken = finding["evidence"]["broken"][0]
    assert (broken["ipv6_status"], broken["ipv6_stage"]) == ("timeout", "tls")


@needs_ipv6
def test_the_fix_prefers_ipv4_with_its_undo_and_names_conditional_access(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with _endpoint(server_context) as port:
        result = _diagnose(cli, port, ca_file)
    fix = result.finding("NET008")["fix"]
    assert fix["title"] == (
        "Repair the IPv6 path to Microsoft 365, or make the PC prefer IPv4 (prefix policy "
        "::ffff:0:0/96 at precedence 100)"
    )
    # diagnose runs here, on Linux: the typed Windows command is given for Windows bundles
    kinds = [c["kind"] for c in fix["changes"]]
    assert kinds == ["manual", "manual", "manual"]
    assert "/etc/gai.conf" in fix["steps"][1]
    assert "Conditional Access uses named locations" in fix["steps"][2]


def test_the_windows_fix_is_the_netsh_prefix_policy_with_the_default_row_as_undo() -> None:
    from onedrive_doctor.checks.net import _ipv6_fix

    fix = _ipv6_fix("Windows")
    command = fix.changes[1]
    assert command.to_json() == {
        "kind": "run-command",
        "command": "netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 100 4",
        "shell": "cmd",
        "undo": "netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 35 4",
        "undo_why": None,
        "needs_admin": True,
        "needs_restart": False,
        "safety": "needs-confirmation",
        "how": command.to_json()["how"],
    }
    assert (PREFER_IPV4, PREFER_IPV4_UNDO) == (
        "netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 100 4",
        "netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 35 4",
    )
    assert "`netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 100 4`" in fix.steps[1]
    assert fix.needs_admin
    assert str(fix.safety) == "needs-confirmation"


def test_a_name_without_aaaa_passes_and_says_so(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with web_server("endpoint", server_context) as endpoint:
        result = _diagnose(cli, endpoint.port, ca_file, ipv6=False)
    finding = result.finding("NET008")
    assert (finding["status"], finding["severity"]) == ("pass", None)
    assert finding["message"] == (
        f"No IPv6 path is broken: {HOST}:{endpoint.port} has no IPv6 address (no AAAA record)."
    )
    assert finding["evidence"]["no_aaaa"] == [f"{HOST}:{endpoint.port}"]


# ---- from probes.json: what a bundle collected elsewhere says ---------------------------------


def _attempt(
    family: str, status: str, error: str | None = None, via: str | None = None, **result: Any
) -> dict[str, Any]:
    return {
        "probe": "ip_family",
        "target": f"{HOST}:443",
        "status": status,
        "error": error,
        "elapsed_s": 0.1,
        "via": via,
        "result": {"family": family, **result},
    }


def _dns() -> dict[str, Any]:
    return {
        "probe": "dns",
        "target": HOST,
        "status": "ok",
        "error": None,
        "elapsed_s": 0.0,
        "via": None,
        "result": {"addresses": ["20.190.151.7"], "resolver": "the system resolver"},
    }


def _analyze(cli: Any, tmp_path: Path, *attempts: dict[str, Any]) -> dict[str, Any]:
    (tmp_path / "probes.json").write_text(
        json.dumps({"attempts": list(attempts), "config": {}, "elapsed_s": 1.0})
    )
    return cli("analyze", str(tmp_path), "--format", "json").finding("NET008")


V4_OK = _attempt("IPv4", "ok", addresses=["20.190.151.7"], address="20.190.151.7", route=True)


def test_no_ipv6_route_passes_and_says_so(cli: Any, tmp_path: Path) -> None:
    v6 = _attempt(
        "IPv6",
        "skipped",
        "this PC has no IPv6 route to [2603:1037::1]:443",
        addresses=["2603:1037::1"],
        route=False,
    )
    finding = _analyze(cli, tmp_path, _dns(), V4_OK, v6)
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET008", "pass", None)
    assert finding["message"] == (
        f"No IPv6 path is broken: this PC has no IPv6 route (to {HOST}:443)."
    )


def test_a_bundle_from_before_the_family_probe_is_unknown(cli: Any, tmp_path: Path) -> None:
    finding = _analyze(cli, tmp_path, _dns())
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert finding["message"] == (
        "this bundle's probes.json has no per-family (IPv4 / IPv6) probe of the endpoints: it "
        "was written by an older version; collect again to test IPv6"
    )


def test_no_probes_at_all_is_unknown(cli: Any, tmp_path: Path) -> None:
    finding = cli("analyze", str(tmp_path), "--format", "json").finding("NET008")
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert "no network probes in this bundle" in finding["message"]


def test_an_ipv6_attempt_the_budget_cut_short_is_unknown_not_broken(
    cli: Any, tmp_path: Path
) -> None:
    v6 = _attempt(
        "IPv6",
        "timeout",
        "stopped: the run's time budget of 8 s ran out",
        addresses=["2603:1037::1"],
        route=True,
        address="2603:1037::1",
        stage="tcp",
    )
    finding = _analyze(cli, tmp_path, _dns(), V4_OK, v6)
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert finding["message"] == (
        f"the IPv6 path could not be judged for {HOST}:443: IPv6 stopped: the run's time "
        "budget of 8 s ran out"
    )


def test_a_failed_aaaa_lookup_is_unknown_not_no_ipv6(cli: Any, tmp_path: Path) -> None:
    v6 = _attempt("IPv6", "failed", "the AAAA lookup failed: AAAA: TIMEOUT (no answer within 2 s)")
    finding = _analyze(cli, tmp_path, _dns(), V4_OK, v6)
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert "the AAAA lookup failed" in finding["message"]


def test_endpoints_reached_through_a_proxy_are_not_applicable(cli: Any, tmp_path: Path) -> None:
    why = "connected through the proxy (--proxy): the PC's own {} path is not used"
    proxy = "http://proxy.contoso.com:8080"
    finding = _analyze(
        cli,
        tmp_path,
        _attempt("IPv4", "skipped", why.format("IPv4"), via=proxy, addresses=[]),
        _attempt("IPv6", "skipped", why.format("IPv6"), via=proxy, addresses=[]),
    )
    assert (finding["status"], finding["severity"]) == ("not_applicable", None)


def test_a_hand_made_broken_ipv6_path_fails(cli: Any, tmp_path: Path) -> None:
    v6 = _attempt(
        "IPv6",
        "timeout",
        "[2603:1037::1]:443 did not answer within 5 s",
        addresses=["2603:1037::1"],
        route=True,
        address="2603:1037::1",
        local_address="2001:db8::5",
        stage="tcp",
    )
    finding = _analyze(cli, tmp_path, _dns(), V4_OK, v6)
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET008", "fail", "error")
    assert finding["message"] == (
        f"IPv6 to {HOST}:443 hangs while IPv4 works: the TCP connection over IPv6 hangs "
        "([2603:1037::1]:443 did not answer within 5 s), but IPv4 20.190.151.7 connects and "
        "completes TLS. The PC has an IPv6 route (from 2001:db8::5) and Windows tries IPv6 "
        "first, so sign-in stalls or fails."
    )


# ---- the typed result ---------------------------------------------------------------------------


def test_family_results_round_trip_and_bad_fields_are_named() -> None:
    data = {
        "family": "IPv6",
        "addresses": ["::1"],
        "route": True,
        "address": "::1",
        "local_address": "::1",
        "stage": "tls",
    }
    typed = FamilyResult.from_json(data)
    assert typed.to_json() == data
    assert list(typed.to_json()) == list(data)
    with pytest.raises(ValueError, match=r"result\.family is not IPv4 or IPv6"):
        FamilyResult.from_json({"family": "IPX"})
    with pytest.raises(ValueError, match=r"result\.stage is not tcp or tls"):
        FamilyResult.from_json({"family": "IPv4", "stage": "http"})
    with pytest.raises(ValueError, match=r"result\.route is not true or false"):
        FamilyResult.from_json({"family": "IPv4", "route": "yes"})
    attempt = ProbeAttempt.from_json(
        {"probe": "ip_family", "target": "x:443", "status": "ok", "result": data}
    )
    assert attempt.read(FamilyResult).address == "::1"


def test_resolve_accepts_ipv6_literals_and_repeats(cli: Any) -> None:
    from onedrive_doctor._cli import _pinned_addresses, _resolve_entry

    assert _resolve_entry(f"{HOST}:443:[::1]") == (HOST, 443, "::1")
    assert _resolve_entry(f"{HOST}:443:::1") == (HOST, 443, "::1")
    entries = [(HOST, 443, "127.0.0.1"), (HOST, 443, "::1"), (HOST, 443, "127.0.0.1")]
    assert _pinned_addresses(entries) == {(HOST, 443): ("127.0.0.1", "::1")}
    bad = cli("diagnose", "--resolve", f"{HOST}:443:[::zz]", "--format", "json")
    assert bad.code == 2


@needs_ipv6
def test_a_dns_server_gives_both_families_and_the_ipv6_one_is_probed(
    cli: Any, ca_file: str, server_context: ssl.SSLContext, tmp_path: Path
) -> None:
    from test_net_sinkhole import _dns

    # Given a DNS server answering A 127.0.0.1 and AAAA ::1, and a server on 127.0.0.1 only
    with _endpoint(server_context) as port, _dns({HOST: ["127.0.0.1", "::1"]}) as dns_port:
        result = cli(
            "diagnose",
            "--format",
            "json",
            "--timeout",
            "2",
            "--budget",
            "6",
            "--probe-url",
            "http://127.0.0.1:9/",
            "--dns-server",
            f"127.0.0.1:{dns_port}",
            "--endpoint",
            f"{HOST}:{port}",
            "--ca-file",
            ca_file,
            "--save-bundle",
            str(tmp_path),
        )
    # Then both records were asked for, and the IPv6 address was tried on its own
    dns = next(
        a
        for a in json.loads((tmp_path / "probes.json").read_text())["attempts"]
        if a["probe"] == "dns"
    )
    assert dns["result"]["addresses"] == ["127.0.0.1", "::1"]
    assert dns["result"]["sources"] == ["dns", "dns"]
    assert _family(tmp_path, "IPv6")["result"]["address"] == "::1"
    finding = result.finding("NET008")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert f"([::1]:{port} refused the connection)" in finding["message"]
    # And loopback answers from DNS are a sinkhole (these came from DNS, not --resolve)
    assert result.finding("NET009")["status"] == "fail"


def test_no_name_resolving_is_unknown_for_that_reason(cli: Any, tmp_path: Path) -> None:
    failed = {**_dns(), "status": "failed", "error": "DNS NXDOMAIN from the system resolver"}
    failed["result"] = {"rcode": "NXDOMAIN", "resolver": "the system resolver"}
    finding = _analyze(cli, tmp_path, failed)
    assert (finding["status"], finding["message"]) == (
        "unknown",
        "no required name resolved, so neither IPv4 nor IPv6 could be probed (see NET003)",
    )
