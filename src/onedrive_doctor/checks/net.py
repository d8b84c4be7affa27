"""NET: connectivity, the article's first step ("verify that you are connected to the internet")."""

from __future__ import annotations

import ipaddress
import statistics
from typing import Any

from ..evidence import Evidence, NetworkEvidence
from ..fixes import Change, ManualStep, RunCommand, Safety, Shell, manual
from ..fixes.render import NOT_SAFE_TO_PASTE, host_argument
from ..knowledge.endpoints import parse_host_port
from ..model import Fix, Outcome
from ..parsers.proxy_settings import ProxySetting, winhttp_settings, wininet_settings
from ..probes.attempt import AttemptStatus, ProbeAttempt
from ..probes.results import (
    SOURCE_DNS,
    DnsResult,
    FamilyResult,
    HttpsResult,
    NcsiResult,
    ProbeResult,
)
from ._common import network_evidence, not_windows
from ._host_advice import dns_steps, network_step, proxy_steps

__all__ = [
    "captive_portal",
    "clock_skew",
    "dns_failure",
    "dns_sinkhole",
    "endpoint_unreachable",
    "internet_unreachable",
    "ipv6_path_broken",
    "proxy_failure",
    "proxy_mismatch",
]

# NET006: Kerberos and Entra ID tokens tolerate five minutes of clock difference.
MAX_SKEW_S = 300

_WIFI_HELP = "https://go.microsoft.com/fwlink/?linkid=871051"


def _network(ev: Evidence) -> NetworkEvidence | Outcome:
    return network_evidence(
        ev, "no network probes in this bundle (collected with --no-network, or analysed offline)"
    )


def _failed(attempts: list[ProbeAttempt]) -> list[ProbeAttempt]:
    return [a for a in attempts if a.status in (AttemptStatus.FAILED, AttemptStatus.TIMEOUT)]


def _why(attempt: ProbeAttempt) -> str:
    via = f" via proxy {attempt.via}" if attempt.via else ""
    return f"{attempt.target}{via}: {attempt.error or attempt.status.value}"


# What the run's recorder writes when the whole run's budget, not the probe's timeout, ended it.
_BUDGET_STOP = "stopped:"


def _silent(net: NetworkEvidence) -> list[ProbeAttempt]:
    """Endpoints that accepted TCP but gave no TLS (or HTTP) answer within the timeout.

    A firewall that drops TLS after the handshake starts, or a dead middlebox, accepts the
    connection and then says nothing: TCP alone is no proof the endpoint can be reached. An
    attempt cut short by the run's budget is not counted: that says nothing about the peer.
    """
    return [
        a
        for a in net.of("https")
        if a.status is AttemptStatus.TIMEOUT
        and (a.read(HttpsResult).stage is not None or not (a.error or "").startswith(_BUDGET_STOP))
    ]


def _answered(net: NetworkEvidence) -> list[ProbeAttempt]:
    """The ``tcp`` attempts that connected to something that then answered (or was not asked)."""
    silent = {(a.target, a.via) for a in _silent(net)}
    return [a for a in net.of("tcp") if a.ok and (a.target, a.via) not in silent]


def _ports(attempts: list[ProbeAttempt]) -> str:
    """The TCP ports the attempts went to, as a message says them ("443", "443 and 8443")."""
    ports: list[int] = []
    for attempt in attempts:
        try:
            port = parse_host_port(attempt.target)[1]
        except ValueError:
            continue
        if port not in ports:
            ports.append(port)
    if not ports:
        return "443"
    names = [str(p) for p in sorted(ports)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def internet_unreachable(ev: Evidence) -> Outcome:
    """The PC has no working internet connection.

    What it checks:
        Whether the connectivity probe (an HTTP GET of Windows' NCSI URL
        http://www.msftconnecttest.com/connecttest.txt, as Windows itself does) gets any answer,
        and whether any required sign-in endpoint can be reached over TCP 443.
    Why it matters:
        Error 0x8004de40 means OneDrive cannot reach the cloud. The article's first step is to
        verify the PC is online; with no connection no other fix can help.
    Evidence:
        probes.json: the `ncsi` attempt and the `tcp` / `https` attempts to the required
        endpoints (login.microsoftonline.com, login.live.com, ...), with their errors.
    Fix:
        Connect the PC to a working network (Wi-Fi, cable, VPN), then sign in to OneDrive again.
        Windows' "Fix Wi-Fi connection issues" guide walks through the usual causes.
    Fix safety:
        Manual: only a person can connect the PC to a network.

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - NCSI active probe, KB 4494446: https://learn.microsoft.com/troubleshoot/windows-client/networking/internet-explorer-edge-open-connect-corporate-public-network
        - Fix Wi-Fi connection issues in Windows: https://go.microsoft.com/fwlink/?linkid=871051

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    ncsi = net.of("ncsi")
    reached = _answered(net)
    if not ncsi and not net.of("tcp") and not net.of("dns"):
        return Outcome.unknown("the bundle's probes.json has no connectivity probe")
    answered = [a for a in ncsi if a.ok]
    ran = [a for a in ncsi if a.status in (AttemptStatus.FAILED, AttemptStatus.TIMEOUT)]
    if not answered and not reached and not ran and not _silent(net):
        # No answer, but no probe that could have had one either (skipped, or our own error).
        return Outcome.unknown(
            "the connectivity probe did not run"
            + (f" ({ncsi[0].error})" if ncsi and ncsi[0].error else "")
        )
    if answered or reached:
        parts = []
        if answered:
            parts.append(f"the connectivity probe {answered[0].target} answered")
        if reached:
            parts.append(f"{len(reached)} required endpoint(s) reachable")
        return Outcome.passed("; ".join(parts).capitalize() + ".", reachable=len(reached))
    probe_error = _why(ncsi[0]) if ncsi else "no connectivity probe was run"
    endpoint_errors = [
        _why(a) for a in _failed(net.of("tcp")) + _silent(net) + _failed(net.of("dns"))
    ]
    message = (
        f"No internet connection: the connectivity probe got no answer ({probe_error}) and none "
        f"of the required endpoints could be reached"
    )
    if endpoint_errors:
        message += f" (e.g. {endpoint_errors[0]})"
    return Outcome.failed(
        message + ".",
        fix=Fix(
            "Connect this PC to a working network, then sign in to OneDrive again",
            manual(
                "Check the network cable or Wi-Fi connection, and that the network itself works"
                " (open any website).",
                "If a VPN is required to reach the internet from this network, connect it.",
                network_step(ev.host_os, _WIFI_HELP),
            ),
        ),
        probe=probe_error,
        endpoint_errors=endpoint_errors[:10],
    )


def captive_portal(ev: Evidence) -> Outcome:
    """The network answers the connectivity probe with something else: a captive portal.

    What it checks:
        Whether Windows' NCSI probe URL returns its expected body ("Microsoft Connect Test")
        or, instead, a redirect or another page, as hotel, guest and airport Wi-Fi portals do.
    Why it matters:
        Behind a portal every HTTPS connection to Microsoft's sign-in service is intercepted or
        dropped until someone signs in to the portal, so OneDrive reports 0x8004de40.
    Evidence:
        probes.json: the `ncsi` attempt's HTTP status, Location header and body excerpt.
    Fix:
        Open a browser, sign in to (or accept the terms of) the network's portal, or use another
        network. On a corporate network, ask the network team to let *.msftconnecttest.com
        through unchanged on port 80.
    Fix safety:
        Manual: signing in to a portal is a person's decision.

    References:
        - NCSI active probe, KB 4494446: https://learn.microsoft.com/troubleshoot/windows-client/networking/internet-explorer-edge-open-connect-corporate-public-network
        - NCSI FAQ: https://learn.microsoft.com/windows-server/networking/ncsi/ncsi-frequently-asked-questions

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    answered = [a for a in net.of("ncsi") if a.ok]
    if not answered:
        return Outcome.unknown(
            "the connectivity probe got no answer, so a captive portal cannot be told apart"
        )
    probe = answered[0]
    result = probe.read(NcsiResult)
    status = result.http_status
    location = result.location
    if result.matched:
        return Outcome.passed(
            f"The connectivity probe {probe.target} returned {net.expected_body!r}.",
            http_status=status,
        )
    if isinstance(status, int) and 300 <= status < 400:
        seen = f"a redirect (HTTP {status}) to {location or 'an unnamed location'}"
    else:
        excerpt = (result.body_excerpt or "")[:80].strip()
        seen = f"HTTP {status} with other content ({excerpt!r})"
    return Outcome.failed(
        f"The network intercepts web traffic: the connectivity probe {probe.target} got {seen} "
        f"instead of {net.expected_body!r}, as a captive portal does.",
        fix=Fix(
            "Sign in to the network's portal page, or use another network",
            manual(
                "Open a browser and go to any http:// web page; the portal's sign-in page appears.",
                "Sign in or accept its terms, then sign in to OneDrive again.",
                "On a corporate network: let *.msftconnecttest.com and *.msftncsi.com through on "
                "port 80 unchanged.",
            ),
        ),
        http_status=status,
        location=location,
        body_excerpt=result.body_excerpt,
    )


def dns_failure(ev: Evidence) -> Outcome:
    """A required endpoint's name does not resolve.

    What it checks:
        That each required endpoint (login.microsoftonline.com, login.live.com,
        enterpriseregistration.windows.net, ...) resolves to an address with the PC's resolver.
        Names reached through a proxy are resolved by the proxy and are not counted.
    Why it matters:
        Without an address OneDrive cannot even start a connection; a DNS server that answers
        NXDOMAIN or SERVFAIL for Microsoft's names (filtering, a broken forwarder, a VPN's DNS)
        looks to the user exactly like 0x8004de40.
    Evidence:
        probes.json: the `dns` attempts, with the name, the resolver and the answer code
        (NXDOMAIN, SERVFAIL, NOANSWER, TIMEOUT).
    Fix:
        Check the PC's DNS servers (`ipconfig /all`, `Resolve-DnsName login.microsoftonline.com`),
        flush the cache (`ipconfig /flushdns`), and have the DNS administrator allow the
        Microsoft 365 and OneDrive names.
    Fix safety:
        Manual, except flushing the DNS cache, which is harmless; DNS servers are the network
        team's setting.

    References:
        - Microsoft 365 URLs and IP address ranges: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges
        - Required URLs and ports for OneDrive: https://learn.microsoft.com/sharepoint/required-urls-and-ports

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    lookups = net.of("dns")
    if not lookups:
        return Outcome.unknown("the bundle's probes.json has no DNS probe")
    failed = _failed(lookups)
    if not failed and not any(a.ok for a in lookups):
        return Outcome.unknown(
            "no DNS lookup completed: " + (lookups[0].error or lookups[0].status.value)
        )
    if not failed:
        done = [a for a in lookups if a.ok]
        return Outcome.passed(
            f"All {len(done)} required names resolved"
            + (
                f" ({len(lookups) - len(done)} resolved by a proxy)."
                if len(done) < len(lookups)
                else "."
            ),
        )
    names = [a.target for a in failed]
    first = failed[0]
    answer = first.read(DnsResult)
    resolver = answer.resolver or "the system resolver"
    return Outcome.failed(
        f"{len(failed)} required name(s) do not resolve: {first.target} "
        f"({answer.rcode or first.status.value} from {resolver})"
        + (f", and {', '.join(names[1:4])}" if len(names) > 1 else "")
        + (f" and {len(names) - 4} more." if len(names) > 4 else "."),
        fix=Fix(
            "Make the PC's DNS resolve Microsoft's sign-in names",
            manual(
                *dns_steps(ev.host_os),
                "Ask the DNS administrator to allow the Microsoft 365 and OneDrive endpoints.",
            ),
        ),
        failures=[
            {
                "name": a.target,
                "rcode": a.read(DnsResult).rcode,
                "resolver": a.read(DnsResult).resolver,
                "error": a.error,
            }
            for a in failed
        ],
    )


def endpoint_unreachable(ev: Evidence) -> Outcome:
    """A required endpoint cannot be reached on TCP port 443, or accepts TCP and never answers TLS.

    What it checks:
        A TCP connection (directly, or a CONNECT tunnel through the proxy in force) to port 443
        (or the port probed) of every required endpoint whose name resolved; and that the peer
        which accepted it answers the TLS handshake (and then HTTP) within the timeout.
    Why it matters:
        A firewall, a blocked IP range or a proxy that refuses the tunnel stops sign-in even when
        browsing works: the endpoints must be reachable from this PC, not just "the internet".
        A firewall that drops TLS after accepting the connection, or a dead middlebox, is a
        classic cause of 0x8004de40 that a TCP test alone calls healthy.
    Evidence:
        probes.json: the `tcp` attempts, with the address or proxy used and the error, and the
        `https` attempts that timed out after TCP was accepted (`stage`: `tls` or `http`).
    Fix:
        Allow outbound TCP 443 to the Microsoft 365 "Allow" and "Optimize" endpoints and to the
        OneDrive URLs in the firewall and the proxy; test with
        `Test-NetConnection login.microsoftonline.com -Port 443`.
    Fix safety:
        Manual: firewall and proxy rules are the network team's.

    References:
        - Microsoft 365 network connectivity principles: https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles
        - Microsoft 365 URLs and IP address ranges: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    attempts = net.of("tcp")
    if not attempts:
        return Outcome.unknown(
            "no TCP probe ran (none of the required names resolved, or the probes were skipped)"
        )
    failed = _failed(attempts)
    silent = _silent(net)
    reached = _answered(net)
    if not failed and not reached and not silent:
        first = attempts[0]
        return Outcome.unknown(f"no TCP probe completed: {first.error or first.status.value}")
    if not failed and not silent:
        return Outcome.passed(
            f"All {len(reached)} probed endpoints accept TCP connections on port {_ports(reached)}."
        )
    bad = failed + silent
    ports = _ports(bad)
    message = (
        f"{len(bad)} of {len(attempts)} required endpoint(s) cannot be reached: "
        + "; ".join(_why(a) for a in bad[:3])
        + ("; ..." if len(bad) > 3 else "")
        + "."
    )
    steps = [
        _test_step(bad[0]),
        "Ask the network team to allow the Microsoft 365 'Allow' and 'Optimize' endpoints "
        "and the OneDrive URLs in the firewall and the proxy.",
    ]
    if silent:
        message += (
            " A connection that opens and then never answers TLS is dropped on the path: a "
            "firewall, IPS or middlebox blocks TLS to Microsoft (often by the name in the TLS "
            "hello), so OneDrive cannot connect although the network is up."
        )
        steps.insert(
            1,
            "TCP connects but TLS gets no answer: look for the firewall, intrusion prevention "
            "or web filter rule that drops TLS to these names, and let them through unchanged.",
        )
    return Outcome.failed(
        message,
        fix=Fix(
            f"Allow outbound HTTPS (TCP {ports}) to the Microsoft 365 and OneDrive endpoints",
            manual(*steps),
        ),
        unreachable=[{"endpoint": a.target, "via": a.via, "error": a.error} for a in failed],
        silent=[{"endpoint": a.target, "via": a.via, "error": a.error} for a in silent],
    )


def _test_step(attempt: ProbeAttempt) -> str:
    """``Test-NetConnection HOST -Port N``; HOST from probes.json only when it is a host name."""
    host = host_argument(_host(attempt))
    if host is None:
        return (
            "Test from this PC: `Test-NetConnection <host> -Port "
            f"{_port(attempt)}` (type the endpoint's name: the one in probes.json is not a host "
            f"name, so it was {NOT_SAFE_TO_PASTE})."
        )
    return f"Test from this PC: `Test-NetConnection {host} -Port {_port(attempt)}`."


def _host(attempt: ProbeAttempt) -> str:
    try:
        return parse_host_port(attempt.target)[0]
    except ValueError:
        return attempt.target


def _port(attempt: ProbeAttempt) -> int:
    try:
        return parse_host_port(attempt.target)[1]
    except ValueError:
        return 443


def proxy_failure(ev: Evidence) -> Outcome:
    """A configured proxy is unreachable, refuses CONNECT, or demands authentication.

    What it checks:
        Every proxy the PC is configured with (environment variables; WinINet, i.e. Internet
        Options; WinHTTP, i.e. `netsh winhttp`; a PAC file's answer): that it accepts a TCP
        connection and opens a CONNECT tunnel to a sign-in endpoint without asking for
        credentials; and that a PAC file can be fetched and evaluated.
    Why it matters:
        OneDrive's sign-in and device registration run through these proxies. Device
        registration and token renewal run as SYSTEM and cannot answer a credentials prompt: a
        proxy that answers 407 breaks them silently.
    Evidence:
        probes.json: the `proxy` and `pac` attempts, and `tcp` / `ncsi` attempts made through a
        proxy, with the proxy's HTTP status and `Proxy-Authenticate` header.
    Fix:
        Repair or remove the stale proxy setting (Internet Options > Connections > LAN settings;
        `netsh winhttp show proxy` / `netsh winhttp reset proxy`), or have the proxy
        administrator exempt the Microsoft 365 sign-in endpoints from authentication.
    Fix safety:
        Needs confirmation: proxy settings are often set by Group Policy; resetting WinHTTP's
        proxy needs admin rights and changes every service's route.

    References:
        - Microsoft Entra hybrid join, proxy requirements: https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join
        - Using the WinHTTP proxy configuration utility: https://learn.microsoft.com/windows/win32/winhttp/netsh-exe-commands
        - Microsoft 365 network connectivity principles: https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    proxied = [a for a in net.of("tcp") + net.of("ncsi") if a.via]
    attempts = net.of("proxy") + net.of("pac") + proxied
    if not attempts:
        proxies = net.config.get("proxies")
        if proxies:
            return Outcome.unknown("proxies are configured but no proxy probe ran")
        return Outcome.not_applicable("no proxy is configured (direct connection)")
    failed = [a for a in attempts if not a.ok and a.status is not AttemptStatus.SKIPPED]
    if not failed and not any(a.ok for a in attempts):
        return Outcome.unknown("no proxy probe completed")
    if not failed:
        names = sorted({a.target for a in net.of("proxy")} | {a.via or "" for a in proxied} - {""})
        return Outcome.passed(
            f"The configured proxy ({', '.join(names)}) opens tunnels to the sign-in endpoints."
        )
    auth = [a for a in failed if a.read(ProbeResult).auth_required]
    first = auth[0] if auth else failed[0]
    proxy = first.via or first.target
    if auth:
        scheme = first.read(ProbeResult).proxy_authenticate or "an unnamed scheme"
        problem = (
            f"The proxy {proxy} demands authentication (HTTP 407, Proxy-Authenticate: "
            f"{scheme}): OneDrive's background sign-in and device registration cannot "
            "answer a credentials prompt."
        )
        fix = Fix(
            "Let the Microsoft 365 sign-in endpoints through the proxy without authentication",
            manual(
                "Ask the proxy administrator to exempt login.microsoftonline.com, "
                "login.live.com, device.login.microsoftonline.com and "
                "enterpriseregistration.windows.net from proxy authentication, or to accept the "
                "computer account's silent (Kerberos/NTLM) authentication.",
            ),
        )
    else:
        problem = f"The configured proxy does not work: {_why(first)}."
        fix = Fix(
            "Repair or remove the broken proxy setting",
            manual(*proxy_steps(ev.host_os)),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=ev.host_os in (None, "Windows"),
        )
    return Outcome.failed(
        problem,
        fix=fix,
        failures=[
            {
                "probe": a.probe,
                "target": a.target,
                "via": a.via,
                "error": a.error,
                "proxy_status": a.read(ProbeResult).proxy_status,
            }
            for a in failed
        ],
    )


def clock_skew(ev: Evidence) -> Outcome:
    """The PC's clock differs from Microsoft's servers by more than five minutes.

    What it checks:
        The difference between the local clock and the `Date` header of the required
        endpoints' HTTPS answers (median over the endpoints that answered).
    Why it matters:
        Sign-in tokens and Kerberos tickets carry validity times; a clock off by more than five
        minutes makes tokens look expired or not yet valid, and certificate checks fail.
    Evidence:
        probes.json: `https` attempts with `date_header`, `local_time` and `skew_s`.
    Fix:
        Turn on "Set time automatically" (Settings > Time & language), or resynchronise from an
        elevated prompt: `w32tm /resync`. On a domain, the PC takes its time from the domain
        controllers; check them if several PCs drift.
    Fix safety:
        Needs confirmation: changing the clock needs admin rights and affects every program.

    References:
        - Maximum tolerance for computer clock synchronization (Kerberos, 5 minutes): https://learn.microsoft.com/previous-versions/windows/it-pro/windows-10/security/threat-protection/security-policy-settings/maximum-tolerance-for-computer-clock-synchronization
        - W32tm: https://learn.microsoft.com/windows-server/networking/windows-time-service/windows-time-service-tools-and-settings

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    readings = [(a.target, a.read(HttpsResult).clock) for a in net.of("https")]
    samples = [(target, clock.skew_s) for target, clock in readings if clock.skew_s is not None]
    if not samples:
        return Outcome.unknown("no endpoint's HTTP Date header was seen, so the clock is unknown")
    skew = statistics.median(s for _, s in samples)
    if abs(skew) <= MAX_SKEW_S:
        return Outcome.passed(
            f"The clock agrees with the endpoints within {abs(skew):.0f} s.", skew_s=skew
        )
    direction = "behind" if skew > 0 else "ahead of"
    return Outcome.failed(
        f"This PC's clock is {_duration(abs(skew))} {direction} Microsoft's servers "
        f"({samples[0][0]} says {readings[0][1].date_header}); more than 5 "
        "minutes breaks sign-in tokens.",
        fix=Fix(
            "Set the clock from a time server (w32tm /resync)",
            manual(
                "Settings > Time & language > Date & time: turn on 'Set time automatically', "
                "then 'Sync now'.",
                "Or, in an elevated prompt: `w32tm /resync`.",
            ),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
        ),
        skew_s=skew,
        samples=[{"endpoint": t, "skew_s": s} for t, s in samples],
    )


def _duration(seconds: float) -> str:
    # The Date header has one-second resolution: past ten minutes, whole minutes say enough.
    if seconds >= 600:
        hours, minutes = divmod(round(seconds / 60), 60)
        days, hours = divmod(hours, 24)
        if days:
            return f"{days} d {hours} h"
        return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


def proxy_mismatch(ev: Evidence) -> Outcome:
    r"""WinHTTP and WinINet (Internet Options) proxy settings disagree.

    What it checks:
        The user's WinINet proxy (Internet Options: ProxyEnable, ProxyServer, AutoConfigURL)
        against the machine's WinHTTP default proxy (`netsh winhttp`, the `WinHttpSettings`
        value), native and WOW6432Node.
    Why it matters:
        OneDrive's sign-in window follows Internet Options, but device registration, token
        renewal and other system services use WinHTTP. When only one of them has the proxy, one
        half of sign-in works and the other half times out.
    Evidence:
        registry: `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings` and
        `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections\\
        WinHttpSettings` (and the WOW6432Node twin).
    Fix:
        Make WinHTTP use the same proxy as Internet Options: elevated
        `netsh winhttp import proxy source=ie`, or set both by Group Policy (WinHTTP proxy policy
        on Windows 10 1709 and later), or use a PAC/WPAD configuration both stacks read.
    Fix safety:
        Needs confirmation: a machine-wide change that needs admin rights and may be managed by
        Group Policy.

    References:
        - Using the WinHTTP proxy configuration utility (WinHTTP proxy is per machine, separate
          from Internet Explorer's): https://learn.microsoft.com/windows/win32/winhttp/netsh-exe-commands
        - Microsoft Entra hybrid join, WinHTTP proxy: https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join

    """
    other_os = not_windows(ev)
    if other_os is not None:
        return other_os
    # Only the Internet Settings exports hold the proxy settings (docs/spec/bundle.md).
    problem = ev.registry_problem(
        "inet-hklm", "inet-hklm-wow64", "inet-hkcu", "inet-policy-hklm", "inet-policy-hkcu"
    )
    if ev.registry is None:
        if problem:
            return Outcome.unknown(f"unreadable evidence: {problem}")
        return Outcome.unknown("no Windows evidence in this bundle (needs registry/)")

    wininet = wininet_settings(ev.registry)
    winhttp = winhttp_settings(ev.registry)
    if wininet is None or not winhttp:
        missing = "WinINet (HKCU Internet Settings)" if wininet is None else "WinHTTP settings"
        return Outcome.unknown(f"the registry export lacks the {missing}")
    user = _describe(wininet)
    mismatched = [s for s in winhttp if _describe(s) != user]
    if not mismatched:
        return Outcome.passed(f"WinINet and WinHTTP agree: {user}.", proxy=user)
    return Outcome.failed(
        f"Internet Options use {user}, but WinHTTP ({mismatched[0].stack}) uses "
        f"{_describe(mismatched[0])}: sign-in in the user's session and the system's device "
        "registration take different routes.",
        fix=Fix(
            "Give WinHTTP the same proxy as Internet Options (netsh winhttp import proxy "
            "source=ie)",
            manual(
                "In an elevated prompt: `netsh winhttp import proxy source=ie`.",
                "Where Group Policy sets the proxy, set the WinHTTP proxy policy to match.",
            ),
            safety=Safety.NEEDS_CONFIRMATION,
            needs_admin=True,
        ),
        wininet=user,
        winhttp={s.stack: _describe(s) for s in winhttp},
    )


def _describe(setting: ProxySetting) -> str:
    """A comparable one-line description of a proxy setting (PAC URL, proxy, or direct)."""
    if setting.autoconfig_url:
        return f"the PAC file {setting.autoconfig_url}"
    server = setting.proxy_for("https")
    return f"the proxy {server}" if server else "a direct connection"


# ---- NET008 ipv6-path-broken -----------------------------------------------------------------

#: Prefer IPv4: raise the IPv4-mapped prefix (::ffff:0:0/96) above ::/0 (precedence 40) in the
#: prefix policy table that orders destination addresses (RFC 6724 section 2.1). Windows' default
#: row for it is precedence 35, label 4 (`netsh interface ipv6 show prefixpolicies`; RFC 6724's
#: default table), which the undo restores.
PREFER_IPV4 = "netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 100 4"
PREFER_IPV4_UNDO = "netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 35 4"


def _budget_stopped(attempt: ProbeAttempt) -> bool:
    return (attempt.error or "").startswith(_BUDGET_STOP)


def _family_attempts(net: NetworkEvidence) -> dict[str, dict[str, ProbeAttempt]]:
    """The ``ip_family`` attempts per endpoint: ``{"host:port": {"IPv4": ..., "IPv6": ...}}``."""
    found: dict[str, dict[str, ProbeAttempt]] = {}
    for attempt in net.of("ip_family"):
        family = attempt.read(FamilyResult).family
        if family is not None:
            found.setdefault(attempt.target, {})[family] = attempt
    return found


def _ipv6_fix(host_os: str | None) -> Fix:
    if host_os not in (None, "Windows"):
        prefer: tuple[Change, ...] = (
            ManualStep(
                "Or prefer IPv4 on this machine: on Linux add the line `precedence ::ffff:0:0/96 "
                "100` to /etc/gai.conf (the same RFC 6724 prefix policy).",
                link="https://www.rfc-editor.org/rfc/rfc6724#section-2.1",
            ),
        )
        needs_admin = False
    else:
        prefer = (
            RunCommand(
                PREFER_IPV4,
                Shell.CMD,
                undo=PREFER_IPV4_UNDO,
                needs_admin=True,
                safety=Safety.NEEDS_CONFIRMATION,
                how="Until the path is repaired, make Windows try IPv4 first: in an elevated "
                "Command Prompt run `{command}` (the undo puts back Windows' default row, "
                "precedence 35, label 4).",
            ),
        )
        needs_admin = True
    return Fix(
        "Repair the IPv6 path to Microsoft 365, or make the PC prefer IPv4 "
        "(prefix policy ::ffff:0:0/96 at precedence 100)",
        (
            ManualStep(
                "Have the network team repair IPv6 to the Microsoft 365 endpoints (router "
                "advertisements, the IPv6 default route, the firewall's IPv6 rules, a VPN that "
                "does not carry IPv6), or stop advertising IPv6 on this network if it is not "
                "meant to be used.",
                link="https://learn.microsoft.com/microsoft-365/enterprise/ipv6-support",
            ),
            *prefer,
            ManualStep(
                "Where Conditional Access uses named locations (trusted IP ranges), list the "
                "network's IPv6 ranges there too: once IPv6 works, sign-ins arrive from IPv6 "
                "addresses and would otherwise not match the location.",
                link="https://learn.microsoft.com/entra/fundamentals/whats-new-ipv6",
            ),
        ),
        safety=Safety.NEEDS_CONFIRMATION,
        needs_admin=needs_admin,
    )


def ipv6_path_broken(ev: Evidence) -> Outcome:
    """A required endpoint's IPv6 path is broken while IPv4 works.

    What it checks:
        Each required endpoint (login.microsoftonline.com, login.live.com, ...) once over IPv4
        and once over IPv6, to the first address of each family: TCP to port 443, then the TLS
        handshake, each within the probe's timeout. Fails when the name has IPv6 (AAAA)
        addresses and the PC a route to them, but IPv6 is refused, unreachable or hangs while
        IPv4 connects and completes TLS. Passes when both work, when the name has no AAAA
        record, or when the PC has no IPv6 route (the message says which).
    Why it matters:
        Windows orders an endpoint's IPv6 addresses before its IPv4 ones (RFC 6724 address
        selection), and login.microsoftonline.com and most Microsoft 365 names have AAAA
        records. On a network that advertises IPv6 but does not carry it to Microsoft, sign-in
        waits for IPv6 to time out, or fails, although "the internet works" over IPv4.
    Evidence:
        probes.json: the `ip_family` attempts (family, addresses, the address tried, whether
        the PC has a route to it and from which local address, where a failure stopped: `tcp`
        or `tls`) and the `dns` attempts. Runs on any OS.
    Fix:
        Repair IPv6 to the Microsoft 365 endpoints. Until then, make Windows prefer IPv4: in an
        elevated prompt `netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 100 4`; the undo,
        `netsh interface ipv6 set prefixpolicy ::ffff:0:0/96 35 4`, restores Windows' default
        row (precedence 35, label 4, as in RFC 6724's default policy table). Where Conditional
        Access named locations list the organisation's IP ranges, add its IPv6 ranges.
    Fix safety:
        Needs confirmation: the prefix policy is machine-wide (admin rights) and changes the
        order for every program; it is a workaround, not a repair.

    References:
        - RFC 6724, Default Address Selection for IPv6, the policy table: https://www.rfc-editor.org/rfc/rfc6724#section-2.1
        - Guidance for configuring IPv6 in Windows (prefer IPv4 over IPv6 in prefix policies): https://learn.microsoft.com/troubleshoot/windows-server/networking/configure-ipv6-in-windows
        - IPv6 support in Microsoft 365 services: https://learn.microsoft.com/microsoft-365/enterprise/ipv6-support
        - Microsoft Entra IPv6 support, named locations: https://learn.microsoft.com/entra/fundamentals/whats-new-ipv6
        - Azure CLI sign-in hangs on a broken IPv6 path: https://github.com/Azure/azure-cli/issues/28548

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    endpoints = _family_attempts(net)
    if not endpoints:
        lookups = net.of("dns")
        if lookups and not any(a.ok for a in lookups):
            return Outcome.unknown(
                "no required name resolved, so neither IPv4 nor IPv6 could be probed (see NET003)"
            )
        if lookups or net.of("tcp"):
            return Outcome.unknown(
                "this bundle's probes.json has no per-family (IPv4 / IPv6) probe of the "
                "endpoints: it was written by an older version; collect again to test IPv6"
            )
        return Outcome.unknown("the bundle's probes.json has no probe of the endpoints")
    broken: list[tuple[str, ProbeAttempt, ProbeAttempt]] = []
    both: list[str] = []
    no_aaaa: list[str] = []
    no_route: list[str] = []
    proxied: list[str] = []
    ipv6_only: list[str] = []
    neither: list[str] = []
    undecided: list[str] = []
    for target, families in endpoints.items():
        v4, v6 = families.get("IPv4"), families.get("IPv6")
        if v4 is None or v6 is None:
            undecided.append(f"{target}: only {', '.join(families)} was probed")
            continue
        r6 = v6.read(FamilyResult)
        if v6.status is AttemptStatus.SKIPPED:
            if v6.via:
                proxied.append(target)
            elif r6.route is False:
                no_route.append(target)
            elif not r6.addresses:
                no_aaaa.append(target)
            else:
                undecided.append(f"{target}: {v6.error or 'IPv6 was not probed'}")
            continue
        if v6.ok:
            (both if v4.ok else ipv6_only).append(target)
            continue
        failed = v6.status in (AttemptStatus.FAILED, AttemptStatus.TIMEOUT)
        if not failed or _budget_stopped(v6) or not r6.addresses or not r6.route:
            undecided.append(f"{target}: IPv6 {v6.error or v6.status.value}")
        elif v4.ok:
            broken.append((target, v4, v6))
        elif _budget_stopped(v4) or v4.status not in (AttemptStatus.FAILED, AttemptStatus.TIMEOUT):
            undecided.append(f"{target}: IPv4 {v4.error or v4.status.value}")
        else:
            neither.append(target)
    if broken:
        return _ipv6_broken(ev, broken)
    if undecided:
        return Outcome.unknown(
            "the IPv6 path could not be judged for "
            + "; ".join(undecided[:3])
            + ("; ..." if len(undecided) > 3 else "")
        )
    if not (both or no_aaaa or no_route or ipv6_only):
        if proxied and not neither:
            return Outcome.not_applicable(
                "every endpoint is reached through a proxy: the PC's own IPv6 path is not used"
            )
        return Outcome.unknown(
            f"no endpoint could be reached over IPv4 ({', '.join(neither[:3])}), so its IPv6 "
            "path cannot be compared (see NET004)"
        )
    parts: list[str] = []
    if both:
        parts.append(f"both IPv4 and IPv6 work for {_some(both)}")
    if ipv6_only:
        parts.append(f"IPv6 works but IPv4 does not for {_some(ipv6_only)}")
    if no_aaaa:
        parts.append(f"{_some(no_aaaa)} {_has(no_aaaa)} no IPv6 address (no AAAA record)")
    if no_route:
        parts.append(f"this PC has no IPv6 route (to {_some(no_route)})")
    if proxied:
        parts.append(f"{_some(proxied)} {_is(proxied)} reached through a proxy")
    if neither:
        parts.append(f"{_some(neither)}: neither IPv4 nor IPv6 connects (see NET004)")
    return Outcome.passed(
        "No IPv6 path is broken: " + "; ".join(parts) + ".",
        both=both,
        no_aaaa=no_aaaa,
        no_route=no_route,
        proxied=proxied,
        ipv6_only=ipv6_only,
        neither=neither,
    )


def _some(targets: list[str]) -> str:
    return targets[0] + (f" and {len(targets) - 1} more" if len(targets) > 1 else "")


def _has(targets: list[str]) -> str:
    return "has" if len(targets) == 1 else "have"


def _is(targets: list[str]) -> str:
    return "is" if len(targets) == 1 else "are"


def _ipv6_broken(ev: Evidence, broken: list[tuple[str, ProbeAttempt, ProbeAttempt]]) -> Outcome:
    target, v4, v6 = broken[0]
    r4, r6 = v4.read(FamilyResult), v6.read(FamilyResult)
    how = "hangs" if v6.status is AttemptStatus.TIMEOUT else "fails"
    stage = "the TLS handshake" if r6.stage == "tls" else "the TCP connection"
    message = (
        f"IPv6 to {target} {how} while IPv4 works: {stage} over IPv6 {how} "
        f"({v6.error}), but IPv4 {r4.address} connects and completes TLS"
        + (f" ({r4.tls_version})" if r4.tls_version else "")
        + "."
    )
    if len(broken) > 1:
        message += f" The same for {', '.join(t for t, _, _ in broken[1:4])}" + (
            " and more." if len(broken) > 4 else "."
        )
    message += (
        " The PC has an IPv6 route"
        + (f" (from {r6.local_address})" if r6.local_address else "")
        + " and Windows tries IPv6 first, so sign-in stalls or fails."
    )
    return Outcome.failed(
        message,
        fix=_ipv6_fix(ev.host_os),
        broken=[
            {
                "endpoint": t,
                "ipv6_address": b6.read(FamilyResult).address,
                "ipv6_status": b6.status.value,
                "ipv6_stage": b6.read(FamilyResult).stage,
                "ipv6_error": b6.error,
                "local_address": b6.read(FamilyResult).local_address,
                "ipv4_address": b4.read(FamilyResult).address,
                "ipv4_tls_version": b4.read(FamilyResult).tls_version,
            }
            for t, b4, b6 in broken
        ],
    )


# ---- NET009 dns-sinkhole ---------------------------------------------------------------------

#: Addresses that can never be Microsoft's, whatever the network: what a DNS blocklist answers.
_NEVER_MICROSOFT: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "the unspecified address"),  # RFC 1122 3.2.1.3: "this network"
    ("::/128", "the unspecified address"),  # RFC 4291 2.5.2
    ("127.0.0.0/8", "a loopback address"),  # RFC 1122 3.2.1.3
    ("::1/128", "a loopback address"),  # RFC 4291 2.5.3
    ("169.254.0.0/16", "a link-local address"),  # RFC 3927
    ("fe80::/10", "a link-local address"),  # RFC 4291 2.5.6
)
#: Private ranges: a sinkhole too, unless a proxy is configured (which may be what they reach).
_PRIVATE: tuple[tuple[str, str], ...] = (
    ("10.0.0.0/8", "a private address (RFC 1918)"),
    ("172.16.0.0/12", "a private address (RFC 1918)"),
    ("192.168.0.0/16", "a private address (RFC 1918)"),
    ("100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"),
    ("fc00::/7", "a unique local address (RFC 4193)"),
)


def _classify(address: str) -> tuple[str, bool] | None:
    """What ``address`` is when it cannot be Microsoft's: ``(description, private)``."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for ranges, private in ((_NEVER_MICROSOFT, False), (_PRIVATE, True)):
        for network, what in ranges:
            if ip in ipaddress.ip_network(network):
                return what, private
    return None


def dns_sinkhole(ev: Evidence) -> Outcome:
    r"""A required name resolves to an address that cannot be Microsoft's: a DNS filter.

    What it checks:
        The addresses DNS gave for each required name (login.microsoftonline.com,
        login.live.com, onedrive.live.com, ...): fails when one is 0.0.0.0 (or ::), a loopback
        (127.0.0.0/8, ::1) or link-local (169.254.0.0/16, fe80::/10) address, or, while no proxy
        is configured, a private one (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7). Says
        which resolver answered. Addresses pinned with `--resolve` are the analyst's, not DNS
        answers, and are not judged.
    Why it matters:
        That is how DNS blocklists and filters block a name (Pi-hole, AdGuard, a router's or a
        security product's filter, a hosts-file entry): "privacy" lists that block telemetry
        often catch 1drv.com, storage.live.com or the sign-in names too. The name "resolves",
        so it looks like DNS works, but OneDrive connects to nothing and reports 0x8004de40.
    Evidence:
        probes.json: the `dns` attempts (addresses, where each came from: `dns` or
        `resolve-option`, the resolver and its DNS servers) and the configured proxies.
        Runs on any OS.
    Fix:
        Find the filter that answers (the DNS servers named in the finding, `ipconfig /all`, the
        hosts file %SystemRoot%\System32\drivers\etc\hosts) and allow the Microsoft 365 and
        OneDrive names in it; then flush the DNS cache (`ipconfig /flushdns`) and check with
        `Resolve-DnsName login.microsoftonline.com`.
    Fix safety:
        Manual: the DNS filter is the network's (or the user's) device, not this PC's setting.

    References:
        - Microsoft 365 URLs and IP address ranges: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges
        - Required URLs and ports for OneDrive: https://learn.microsoft.com/sharepoint/required-urls-and-ports
        - RFC 6890, special-purpose IP address registries: https://www.rfc-editor.org/rfc/rfc6890
        - A blocklist that blocked 1drv.com / storage.live.com: https://github.com/crazy-max/WindowsSpyBlocker/issues/450

    """
    net = _network(ev)
    if isinstance(net, Outcome):
        return net
    lookups = net.of("dns")
    if not lookups:
        return Outcome.unknown("the bundle's probes.json has no DNS probe")
    answered = [a for a in lookups if a.ok]
    if not answered:
        if all(a.status is AttemptStatus.SKIPPED and a.via for a in lookups):
            return Outcome.not_applicable("every name is resolved by the proxy, not by this PC")
        return Outcome.unknown(
            "no DNS lookup completed: " + (lookups[0].error or lookups[0].status.value)
        )
    proxy_configured = bool(net.config.get("proxies"))
    judged: list[str] = []
    pinned: list[str] = []
    hits: list[dict[str, Any]] = []
    private_behind_proxy: list[str] = []
    for attempt in answered:
        result = attempt.read(DnsResult)
        from_dns = [a for i, a in enumerate(result.addresses) if result.source_of(i) == SOURCE_DNS]
        if not from_dns:
            pinned.append(attempt.target)
            continue
        judged.append(attempt.target)
        for address in from_dns:
            kind = _classify(address)
            if kind is None:
                continue
            what, private = kind
            if private and proxy_configured:
                private_behind_proxy.append(f"{attempt.target} -> {address}")
                continue
            hits.append(
                {
                    "name": attempt.target,
                    "address": address,
                    "kind": what,
                    "resolver": result.resolver or "the system resolver",
                    "nameservers": list(result.nameservers),
                }
            )
    if hits:
        return _sinkholed(ev, hits)
    if not judged:
        return Outcome.unknown(
            "every name's address came from --resolve, not from DNS: no DNS answer to judge "
            f"({', '.join(pinned[:3])}{', ...' if len(pinned) > 3 else ''})"
        )
    resolvers = sorted(
        {
            a.read(DnsResult).resolver or "the system resolver"
            for a in answered
            if a.target in judged
        }
    )
    message = (
        f"All {len(judged)} name(s) resolved by DNS point to public addresses "
        f"(answered by {', '.join(resolvers)})"
    )
    if private_behind_proxy:
        message += f"; {', '.join(private_behind_proxy[:3])} is private, but a proxy is configured"
    if pinned:
        message += f"; {len(pinned)} pinned with --resolve not judged"
    return Outcome.passed(
        message + ".", resolvers=resolvers, pinned=pinned, private=private_behind_proxy
    )


def _sinkholed(ev: Evidence, hits: list[dict[str, Any]]) -> Outcome:
    first = hits[0]
    names = list(dict.fromkeys(h["name"] for h in hits))
    system = first["resolver"].startswith("the system resolver")
    message = (
        f"{first['name']} resolves to {first['address']} ({first['kind']}), answered by "
        f"{first['resolver']}"
        + (" (or the hosts file)" if system else "")
        + ": that cannot be Microsoft's server. A DNS filter or blocklist answers for "
        "Microsoft's sign-in names, so OneDrive connects to nothing."
    )
    if len(names) > 1:
        message += f" Also sinkholed: {', '.join(names[1:4])}" + (
            f" and {len(names) - 4} more." if len(names) > 4 else "."
        )
    servers = first["nameservers"]
    where = f"the DNS server(s) {', '.join(servers)}" if servers else "the DNS servers of this PC"
    return Outcome.failed(
        message,
        fix=Fix(
            f"Allow Microsoft's sign-in names in the DNS filter that answers {first['address']} "
            f"for {first['name']}",
            manual(
                f"Find the filter behind {where}: a Pi-hole or AdGuard blocklist, the router's "
                "or a security product's DNS filtering, or an entry in the hosts file "
                r"(%SystemRoot%\System32\drivers\etc\hosts).",
                f"Allow (allowlist) {', '.join(names[:4])} and the other Microsoft 365 and "
                "OneDrive names (Microsoft 365 URLs and IP address ranges) in it.",
                *dns_steps(ev.host_os),
            ),
        ),
        sinkholed=hits,
        resolver=first["resolver"],
    )
