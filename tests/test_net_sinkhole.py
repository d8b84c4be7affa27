"""NET009 dns-sinkhole: a real DNS server (dnslib) answering blocklist addresses for sign-in names.

Addresses the analyst pins with ``--resolve`` (as every other test does, to 127.0.0.1) are not
DNS answers and never make NET009 fail: probes.json records each address's source.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from dnslib import AAAA, QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from onedrive_doctor.checks.net import _classify
from onedrive_doctor.probes.results import DnsResult
from servers.web import web_server

HOST = "login.microsoftonline.com"
BLOCKED = "login.live.com"


class _Records(BaseResolver):  # type: ignore[misc]
    """A and AAAA records from a table (``{name: ["0.0.0.0", "::"]}``); NXDOMAIN otherwise."""

    def __init__(self, records: dict[str, list[str]]) -> None:
        self.records = records

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).lower().rstrip(".")
        if name not in self.records:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for address in self.records[name]:
            if ":" in address and request.q.qtype == QTYPE.AAAA:
                reply.add_answer(RR(request.q.qname, QTYPE.AAAA, rdata=AAAA(address), ttl=60))
            elif ":" not in address and request.q.qtype == QTYPE.A:
                reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(address), ttl=60))
        return reply


@contextmanager
def _dns(records: dict[str, list[str]]) -> Iterator[int]:
    server = DNSServer(
        _Records(records),
        port=0,
        address="127.0.0.1",
        logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"),
    )
    server.start_thread()
    try:
        yield int(server.server.server_address[1])
    finally:
        server.stop()


def _diagnose(cli: Any, *args: str) -> Any:
    return cli(
        "diagnose",
        "--format",
        "json",
        "--timeout",
        "1",
        "--budget",
        "4",
        "--probe-url",
        "http://127.0.0.1:9/",
        *args,
    )


def test_a_pihole_style_0000_answer_fails_net009_and_names_the_resolver(
    cli: Any, ca_file: str, server_context: ssl.SSLContext, tmp_path: Path
) -> None:
    # Given a DNS server whose blocklist answers 0.0.0.0 for login.live.com, and the sign-in
    # host pinned by the analyst to a local server
    with web_server("endpoint", server_context) as endpoint, _dns({BLOCKED: ["0.0.0.0"]}) as port:
        result = _diagnose(
            cli,
            "--dns-server",
            f"127.0.0.1:{port}",
            "--endpoint",
            f"{HOST}:{endpoint.port}",
            "--resolve",
            f"{HOST}:{endpoint.port}:127.0.0.1",
            "--endpoint",
            f"{BLOCKED}:443",
            "--ca-file",
            ca_file,
            "--save-bundle",
            str(tmp_path),
        )
    # Then NET009 fails for the DNS answer, not for the analyst's own 127.0.0.1
    finding = result.finding("NET009")
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET009", "fail", "error")
    assert finding["message"] == (
        f"{BLOCKED} resolves to 0.0.0.0 (the unspecified address), answered by DNS server "
        f"127.0.0.1:{port}: that cannot be Microsoft's server. A DNS filter or blocklist answers "
        "for Microsoft's sign-in names, so OneDrive connects to nothing."
    )
    assert finding["evidence"]["sinkholed"] == [
        {
            "name": BLOCKED,
            "address": "0.0.0.0",
            "kind": "the unspecified address",
            "resolver": f"DNS server 127.0.0.1:{port}",
            "nameservers": [f"127.0.0.1:{port}"],
        }
    ]
    assert finding["fix"]["title"] == (
        f"Allow Microsoft's sign-in names in the DNS filter that answers 0.0.0.0 for {BLOCKED}"
    )
    assert finding["fix"]["steps"][0].startswith(
        f"Find the filter behind the DNS server(s) 127.0.0.1:{port}: a Pi-hole or AdGuard"
    )
    # the name did resolve: NET003 does not call it a DNS failure
    assert result.finding("NET003")["status"] == "pass"
    assert result.code == 1
    # And probes.json says where each address came from
    attempts = json.loads((tmp_path / "probes.json").read_text())["attempts"]
    dns = {a["target"]: a["result"] for a in attempts if a["probe"] == "dns"}
    assert dns[HOST] == {
        "addresses": ["127.0.0.1"],
        "resolver": "--resolve",
        "sources": ["resolve-option"],
    }
    assert dns[BLOCKED] == {
        "addresses": ["0.0.0.0"],
        "resolver": f"DNS server 127.0.0.1:{port}",
        "sources": ["dns"],
        "nameservers": [f"127.0.0.1:{port}"],
    }


def test_addresses_pinned_with_resolve_never_fail_net009(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with web_server("endpoint", server_context) as endpoint:
        result = _diagnose(
            cli,
            "--endpoint",
            f"{HOST}:{endpoint.port}",
            "--resolve",
            f"{HOST}:{endpoint.port}:127.0.0.1",
            "--ca-file",
            ca_file,
        )
    finding = result.finding("NET009")
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET009", "unknown", None)
    assert finding["message"] == (
        f"every name's address came from --resolve, not from DNS: no DNS answer to judge ({HOST})"
    )


@pytest.mark.parametrize(
    ("records", "address", "kind"),
    [
        (["127.0.0.2"], "127.0.0.2", "a loopback address"),
        (["10.11.12.13"], "10.11.12.13", "a private address (RFC 1918)"),
        (["::"], "::", "the unspecified address"),
        (["fe80::1"], "fe80::1", "a link-local address"),
    ],
)
def test_other_blocklist_answers_fail_net009(
    cli: Any, records: list[str], address: str, kind: str
) -> None:
    with _dns({BLOCKED: records}) as port:
        result = _diagnose(cli, "--dns-server", f"127.0.0.1:{port}", "--endpoint", f"{BLOCKED}:443")
    finding = result.finding("NET009")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert finding["message"].startswith(
        f"{BLOCKED} resolves to {address} ({kind}), answered by DNS server 127.0.0.1:{port}:"
    )


def test_a_public_dns_answer_passes_net009(cli: Any) -> None:
    # 20.190.151.7: an address in Microsoft's published sign-in range (nothing answers it here)
    with _dns({BLOCKED: ["20.190.151.7"]}) as port:
        result = _diagnose(cli, "--dns-server", f"127.0.0.1:{port}", "--endpoint", f"{BLOCKED}:443")
    finding = result.finding("NET009")
    assert (finding["id"], finding["status"], finding["severity"]) == ("NET009", "pass", None)
    assert finding["message"] == (
        f"All 1 name(s) resolved by DNS point to public addresses (answered by DNS server "
        f"127.0.0.1:{port})."
    )


def test_the_system_resolver_and_its_servers_are_named(cli: Any) -> None:
    # Given "localhost", which the system resolver answers from the hosts file with 127.0.0.1
    from onedrive_doctor.probes.resolver import system_resolvers

    result = _diagnose(cli, "--endpoint", "localhost:9")
    finding = result.finding("NET009")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    servers = system_resolvers()
    label = f"the system resolver ({', '.join(servers)})" if servers else "the system resolver"
    assert finding["message"].startswith(
        f"localhost resolves to 127.0.0.1 (a loopback address), answered by {label} (or the "
        "hosts file): that cannot be Microsoft's server."
    )
    assert finding["evidence"]["sinkholed"][0]["nameservers"] == servers


# ---- from probes.json ---------------------------------------------------------------------------


def _lookup(name: str, result: dict[str, Any], status: str = "ok") -> dict[str, Any]:
    return {
        "probe": "dns",
        "target": name,
        "status": status,
        "error": None,
        "elapsed_s": 0.0,
        "via": None,
        "result": result,
    }


def _analyze(cli: Any, tmp_path: Path, *attempts: dict[str, Any], **config: Any) -> Any:
    (tmp_path / "probes.json").write_text(
        json.dumps({"attempts": list(attempts), "config": config, "elapsed_s": 1.0})
    )
    return cli("analyze", str(tmp_path), "--format", "json").finding("NET009")


def test_a_private_answer_behind_a_configured_proxy_is_not_a_sinkhole(
    cli: Any, tmp_path: Path
) -> None:
    finding = _analyze(
        cli,
        tmp_path,
        _lookup(HOST, {"addresses": ["10.1.2.3"], "resolver": "the system resolver"}),
        proxies=[{"source": "WinINet", "url": "http://proxy.contoso.com:8080"}],
    )
    assert (finding["status"], finding["severity"]) == ("pass", None)
    assert finding["message"] == (
        "All 1 name(s) resolved by DNS point to public addresses (answered by the system "
        f"resolver); {HOST} -> 10.1.2.3 is private, but a proxy is configured."
    )


def test_a_cgnat_answer_without_a_proxy_fails(cli: Any, tmp_path: Path) -> None:
    finding = _analyze(
        cli,
        tmp_path,
        _lookup(HOST, {"addresses": ["100.64.0.7"], "resolver": "DNS server 192.0.2.53:53"}),
    )
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert finding["message"].startswith(
        f"{HOST} resolves to 100.64.0.7 (a carrier-grade NAT address (RFC 6598)), answered by "
        "DNS server 192.0.2.53:53:"
    )
    assert finding["fix"]["steps"][0].startswith(
        "Find the filter behind the DNS servers of this PC"
    )


def test_an_older_bundle_infers_the_source_from_the_resolver(cli: Any, tmp_path: Path) -> None:
    # probes.json written before "sources" existed: --resolve answers are still not judged
    pinned = _lookup(HOST, {"addresses": ["127.0.0.1"], "resolver": "--resolve"})
    finding = _analyze(cli, tmp_path, pinned)
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    dns = _lookup(BLOCKED, {"addresses": ["0.0.0.0"], "resolver": "the system resolver"})
    finding = _analyze(cli, tmp_path, pinned, dns)
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert finding["evidence"]["sinkholed"][0]["name"] == BLOCKED


def test_no_dns_probe_is_unknown(cli: Any, tmp_path: Path) -> None:
    assert cli("analyze", str(tmp_path), "--format", "json").finding("NET009")["status"] == (
        "unknown"
    )
    finding = _analyze(cli, tmp_path)
    assert (finding["status"], finding["message"]) == (
        "unknown",
        "the bundle's probes.json has no DNS probe",
    )


def test_names_the_proxy_resolves_are_not_applicable(cli: Any, tmp_path: Path) -> None:
    skipped = _lookup(HOST, {}, status="skipped")
    skipped["via"] = "http://proxy.contoso.com:8080"
    skipped["error"] = "resolved by the proxy (--proxy)"
    finding = _analyze(cli, tmp_path, skipped)
    assert (finding["status"], finding["severity"]) == ("not_applicable", None)


def test_address_classes() -> None:
    assert _classify("0.0.0.0") == ("the unspecified address", False)
    assert _classify("::") == ("the unspecified address", False)
    assert _classify("127.255.0.1") == ("a loopback address", False)
    assert _classify("::1") == ("a loopback address", False)
    assert _classify("169.254.10.1") == ("a link-local address", False)
    assert _classify("fe80::1%eth0") == ("a link-local address", False)
    assert _classify("172.31.255.255") == ("a private address (RFC 1918)", True)
    assert _classify("192.168.1.1") == ("a private address (RFC 1918)", True)
    assert _classify("fd12::1") == ("a unique local address (RFC 4193)", True)
    assert _classify("::ffff:10.0.0.1") == ("a private address (RFC 1918)", True)
    for public in ("20.190.151.7", "172.32.0.1", "100.128.0.1", "2603:1037::1", "not an ip"):
        assert _classify(public) is None, public


def test_dns_results_round_trip_with_sources_and_reject_bad_ones() -> None:
    data = {
        "addresses": ["0.0.0.0", "::"],
        "resolver": "DNS server 127.0.0.1:53",
        "sources": ["dns", "dns"],
        "nameservers": ["127.0.0.1:53"],
    }
    typed = DnsResult.from_json(data)
    assert typed.to_json() == data
    assert typed.source_of(1) == "dns"
    old = {"addresses": ["127.0.0.1"], "resolver": "--resolve"}
    assert DnsResult.from_json(old).to_json() == old
    assert DnsResult.from_json(old).source_of(0) == "resolve-option"
    with pytest.raises(ValueError, match=r"result\.sources\[0\] is not one of"):
        DnsResult.from_json({"addresses": ["1.2.3.4"], "sources": ["hosts"]})
    with pytest.raises(ValueError, match="one entry per address"):
        DnsResult.from_json({"addresses": ["1.2.3.4", "::1"], "sources": ["dns"]})
