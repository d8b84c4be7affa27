"""The ``simulate`` text table (the JSON form is the simulation document itself)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["render_simulation"]

# The notes name the model's fields ("winhttp_default_protocols: ...") so that checks can pick
# theirs out of the JSON; a person reading the table gets words instead. Any leftover section
# reference of docs/knowledge/windows-tls.md ("(§4.4)", "(#5/#6)") is noise there too.
_FIELDS = {
    "winhttp_default_protocols": "WinHTTP's default protocols",
    "winhttp_update": "WinHTTP update",
    "wininet_secure_protocols": "Internet Options' default protocols",
    "signature_algorithms": "Signature algorithms",
    "dhe_leading_zero_fix": "DHE leading-zero fix",
    "ltsc_end": "LTSC end of support",
    "cipher_suites": "The default cipher suites",
}
_FIELD = re.compile(r"^(" + "|".join(_FIELDS) + r")\b:?")
_REFERENCE = re.compile(r"\s*\((?:[^()]*?[,;]\s*)?(?:§|#)\d[^()]*\)|\s*§\d+(?:\.\d+)*")
_HEX_LINE = 64


def _readable(text: str) -> str:
    text = _REFERENCE.sub("", text)
    return _FIELD.sub(
        lambda m: _FIELDS[m.group(1)] + (":" if m.group(0).endswith(":") else ""), text
    )


def render_simulation(doc: dict[str, Any], color: bool = False, width: int = 100) -> str:
    """The simulation as a table a person reads at a glance."""
    from rich.table import Table

    from .console import clean, console_text, text_console

    console, buffer = text_console(color, width)
    client = doc["client"]
    windows, build = str(client["windows"]), str(client["build"])
    # A bundle's label already carries its build ("Windows 10 22H2 (build 19045.5131)").
    label = windows if f"build {build}" in windows else f"{windows} (build {build})"
    console.print(f"[bold]{clean(label)}[/]: the ClientHello its Schannel sends")
    console.print(f"  Protocols: {clean(', '.join(client['protocols'])) or 'none'}")
    console.print(f"  Cipher suites, in order ({clean(client['cipher_source'])} list):")
    for index, suite in enumerate(client["cipher_suites"], 1):
        console.print(f"    {index:2}. {clean(suite['name'])} ({clean(suite['code'])})")
    console.print(f"  Groups: {clean(', '.join(client['groups'])) or 'none'}")
    sigalgs = client.get("signature_algorithms") or []
    console.print(
        f"  Signature algorithms (sent from TLS 1.2 on): {clean(', '.join(sigalgs)) or 'none'}"
    )
    _print_hello(console, clean, client.get("client_hello"))
    wire = client.get("wire") or {}
    recordings = wire.get("recordings") or []
    if recordings:
        console.print(f"  Laid out as recorded: {clean('; '.join(recordings))}")
    for note in wire.get("notes") or []:
        console.print(f"  [dim]Note: {clean(_readable(note))}[/]")
    for note in client["assumed"]:
        console.print(f"  [dim]Assumed: {clean(_readable(note))}[/]")
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


def _print_hello(console: Any, clean: Any, hello: dict[str, Any] | None) -> None:
    """The record's size, extensions and bytes (hex in lines a terminal keeps whole)."""
    if not hello:
        return
    if hello.get("hex") is None:
        console.print(f"  ClientHello: none ({clean(hello.get('reason'))})")
        return
    console.print(
        f"  ClientHello to {clean(hello['server_name'])}: {hello['length']} bytes; extensions "
        f"in order: {clean(', '.join(hello.get('extensions') or [])) or 'none'}"
    )
    console.print("  ClientHello record (hex):")
    data = str(hello["hex"])
    for start in range(0, len(data), _HEX_LINE):
        console.print(f"    {clean(data[start : start + _HEX_LINE])}", soft_wrap=True)
