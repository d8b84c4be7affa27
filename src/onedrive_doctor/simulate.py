"""``simulate``: the ClientHello a Windows PC would send, and who would accept it.

From a bundle (the PC's own settings) or a named Windows release (its defaults): the protocols,
cipher suites in Schannel's order, groups and signature algorithms, and a verdict per Azure Front
Door policy generation and, with ``--endpoint``, per live endpoint (the hello is really sent).
"""

from __future__ import annotations

from typing import Any

from .afd import AFD_POLICIES
from .tls._suites import by_name
from .windows.client_model import ClientProfile
from .windows.offer import judge_policy

__all__ = ["simulation", "verdict_from_replay"]


def simulation(profile: ClientProfile, live: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The simulate JSON document (spec/cli.md); ``live`` maps ``live:HOST:PORT`` to verdicts."""
    suites = []
    for name in profile.cipher_suites:
        suite = by_name(name)
        suites.append({"name": name, "code": f"0x{suite.code:04X}" if suite else None})
    verdicts: dict[str, Any] = {
        name: judge_policy(profile, policy).to_json() for name, policy in AFD_POLICIES.items()
    }
    verdicts.update(live)
    return {
        "client": {
            "windows": profile.os.label if profile.os else profile.family.label,
            "build": profile.os.build if profile.os else profile.family.build,
            "assumed": list(profile.assumed),
            "protocols": [v.label for v in profile.offered_protocols],
            "cipher_suites": suites,
            "cipher_source": profile.cipher_source,
            "groups": list(profile.curves),
            "signature_algorithms": list(profile.signature_algorithms),
        },
        "verdicts": verdicts,
    }


def verdict_from_replay(result: dict[str, Any], error: str | None) -> dict[str, Any]:
    """A live endpoint's verdict from a replay attempt's result."""
    if result.get("accepted"):
        return {
            "accepted": True,
            "protocol": result.get("protocol"),
            "cipher_suite": result.get("cipher_suite"),
        }
    if result.get("alert"):
        return {"accepted": False, "reason": f"the endpoint answered alert {result['alert']}"}
    return {
        "accepted": False,
        "reason": error or f"no ServerHello: {result.get('closed', 'no answer')}",
    }


def render_simulation(doc: dict[str, Any], color: bool = False, width: int = 100) -> str:
    """The simulation as a table a person reads at a glance."""
    from rich.markup import escape
    from rich.table import Table

    from .report._console import console_text, text_console

    console, buffer = text_console(color, width)
    client = doc["client"]
    console.print(
        f"[bold]{escape(str(client['windows']))}[/] (build {client['build']}): the "
        "ClientHello its Schannel sends"
    )
    console.print(f"  Protocols: {', '.join(client['protocols']) or 'none'}")
    console.print(f"  Cipher suites, in order ({client['cipher_source']}):")
    for index, suite in enumerate(client["cipher_suites"], 1):
        console.print(f"    {index:2}. {suite['name']} ({suite['code']})")
    console.print(f"  Groups: {', '.join(client['groups']) or 'none'}")
    for note in client["assumed"]:
        console.print(f"  [dim]Assumed: {escape(note)}[/]")
    table = Table(box=None, pad_edge=False)
    table.add_column("Peer", style="bold")
    table.add_column("Verdict")
    table.add_column("Protocol and suite, or why not")
    for peer, verdict in doc["verdicts"].items():
        if verdict["accepted"]:
            table.add_row(
                peer, "[green]accepted[/]", f"{verdict['protocol']} {verdict['cipher_suite']}"
            )
        else:
            table.add_row(peer, "[red]rejected[/]", escape(str(verdict.get("reason"))))
    console.print()
    console.print(table)
    return console_text(buffer)
