"""The ``simulate`` text table (the JSON form is the simulation document itself)."""

from __future__ import annotations

from typing import Any

__all__ = ["render_simulation"]


def render_simulation(doc: dict[str, Any], color: bool = False, width: int = 100) -> str:
    """The simulation as a table a person reads at a glance."""
    from rich.table import Table

    from ._console import clean, console_text, text_console

    console, buffer = text_console(color, width)
    client = doc["client"]
    console.print(
        f"[bold]{clean(client['windows'])}[/] (build {clean(client['build'])}): the "
        "ClientHello its Schannel sends"
    )
    console.print(f"  Protocols: {clean(', '.join(client['protocols'])) or 'none'}")
    console.print(f"  Cipher suites, in order ({clean(client['cipher_source'])}):")
    for index, suite in enumerate(client["cipher_suites"], 1):
        console.print(f"    {index:2}. {clean(suite['name'])} ({clean(suite['code'])})")
    console.print(f"  Groups: {clean(', '.join(client['groups'])) or 'none'}")
    for note in client["assumed"]:
        console.print(f"  [dim]Assumed: {clean(note)}[/]")
    table = Table(box=None, pad_edge=False)
    table.add_column("Peer", style="bold")
    table.add_column("Verdict")
    table.add_column("Protocol and suite, or why not")
    for peer, verdict in doc["verdicts"].items():
        if verdict["accepted"]:
            table.add_row(
                clean(peer),
                "[green]accepted[/]",
                clean(f"{verdict['protocol']} {verdict['cipher_suite']}"),
            )
        else:
            table.add_row(clean(peer), "[red]rejected[/]", clean(verdict.get("reason")))
    console.print()
    console.print("Verdicts for Schannel's defaults (an application that sets no protocols):")
    console.print(table)
    for key, layer in doc.get("stacks", {}).items():
        if key == "schannel":
            continue
        accepted = [p for p, v in layer["verdicts"].items() if v["accepted"]]
        console.print(
            f"  {clean(layer['label'])} ({clean(layer['mask'])}, {clean(layer['source'])}): "
            f"offers {clean(', '.join(layer['protocols'])) or 'nothing'}; accepted by "
            f"{clean(', '.join(accepted)) or 'no AFD policy'}"
        )
    return console_text(buffer)
