"""The text form of a ``scan`` result: a table a network engineer reads at a glance."""

from __future__ import annotations

from typing import Any

from ._console import console_text, text_console

__all__ = ["render_scan"]


def render_scan(result: dict[str, Any], color: bool = False, width: int = 110) -> str:
    """Render the scan JSON (docs/spec/cli.md) as text."""
    from rich.markup import escape
    from rich.table import Table

    console, buffer = text_console(color, width)
    target = result["target"]
    where = f"{target['host']}:{target['port']}"
    if target.get("address") and target["address"] != target["host"]:
        where += f" ({target['address']})"
    if target.get("proxy"):
        where += f" through proxy {target['proxy']}"
    sni = target.get("sni") or "none (IP address)"
    console.print(f"[bold]TLS scan of {escape(where)}[/]  SNI: {escape(str(sni))}")
    table = Table(show_lines=False, box=None, pad_edge=False)
    table.add_column("Protocol", style="bold")
    table.add_column("Accepted")
    table.add_column("Order")
    table.add_column("Cipher suites (server's order when it has one)")
    for label, entry in result["protocols"].items():
        accepted = entry["accepted"]
        verdict = "[green]yes[/]" if accepted else "no"
        if accepted and label in ("SSLv2", "SSLv3"):
            verdict = "[red]yes (insecure)[/]"
        if entry.get("skipped"):
            verdict = "[dim]not tested[/]"
        order = {True: "server", False: "client", None: ""}[entry.get("server_order")]
        suites = "\n".join(f"{s['name']} ({s['code']})" for s in entry["cipher_suites"])
        notes = entry.get("notes")
        if notes:
            suites = (suites + "\n" if suites else "") + "[dim]" + escape("; ".join(notes)) + "[/]"
        table.add_row(label, verdict, order, suites)
    console.print(table)
    for label, groups in result.get("groups", {}).items():
        console.print(f"Groups ({label}, server's order): {', '.join(groups) or 'none found'}")
    chain = result.get("certificate_chain", [])
    if chain:
        console.print("Certificate chain:")
        for index, cert in enumerate(chain):
            if "error" in cert:
                console.print(f"  {index}. {escape(cert['error'])}")
                continue
            console.print(f"  {index}. {escape(cert['subject'])}")
            console.print(
                f"     issued by {escape(cert['issuer'])}; valid until "
                f"{cert['not_after'][:10]}; {escape(cert.get('key', ''))}"
            )
    policy = result.get("afd_policy")
    console.print(
        f"Azure Front Door policy: [bold]{policy}[/]"
        if policy
        else "Azure Front Door policy: none of the documented generations matches"
    )
    console.print(f"[dim]{result['connections']} TCP connections, {result['elapsed_s']:.2f} s[/]")
    return console_text(buffer)
