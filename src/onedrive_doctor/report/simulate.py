"""The ``simulate`` text table (the JSON form is the simulation document itself)."""

from __future__ import annotations

from typing import Any

__all__ = ["render_simulation"]


def render_simulation(doc: dict[str, Any], color: bool = False, width: int = 100) -> str:
    """The simulation as a table a person reads at a glance."""
    from rich.markup import escape
    from rich.table import Table

    from ._console import console_text, text_console

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
