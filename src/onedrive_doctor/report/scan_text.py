"""The text form of a ``scan`` result: a table a network engineer reads at a glance."""

from __future__ import annotations

from typing import Any

from .console import clean, console_text, text_console

__all__ = ["render_scan"]


def render_scan(result: dict[str, Any], color: bool = False, width: int = 110) -> str:
    """Render the scan JSON (docs/spec/cli.md) as text."""
    from rich.table import Table

    console, buffer = text_console(color, width)
    target = result["target"]
    host = str(target["host"])
    # An IPv6 literal prints as [::1]:443, as in a URL (RFC 3986 section 3.2.2).
    where = f"[{host}]:{target['port']}" if ":" in host else f"{host}:{target['port']}"
    if target.get("address") and target["address"] != target["host"]:
        where += f" ({target['address']})"
    if target.get("proxy"):
        where += f" through proxy {target['proxy']}"
    sni = target.get("sni") or "none (IP address)"
    console.print(f"[bold]TLS scan of {clean(where)}[/]  SNI: {clean(str(sni))}")
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
        suites = "\n".join(
            f"{clean(s['name'])} ({clean(s['code'])})" for s in entry["cipher_suites"]
        )
        notes = entry.get("notes")
        if notes:
            suites = (suites + "\n" if suites else "") + "[dim]" + clean("; ".join(notes)) + "[/]"
        table.add_row(clean(label), verdict, order, suites)
    console.print(table)
    for label, groups in result.get("groups", {}).items():
        shown = clean(", ".join(groups)) or "none found"
        console.print(f"Groups ({clean(label)}, server's order): {shown}")
    chain = result.get("certificate_chain", [])
    if chain:
        console.print("Certificate chain:")
        for index, cert in enumerate(chain):
            if "error" in cert:
                console.print(f"  {index}. {clean(cert['error'])}")
                continue
            console.print(f"  {index}. {clean(cert['subject'])}")
            console.print(
                f"     issued by {clean(cert['issuer'])}; valid until "
                f"{clean(cert['not_after'][:10])}; {clean(cert.get('key', ''))}"
            )
    policy = result.get("afd_policy")
    console.print(
        f"Azure Front Door policy: [bold]{clean(policy)}[/]"
        if policy
        else "Azure Front Door policy: none of the documented generations matches"
    )
    console.print(f"[dim]{result['connections']} TCP connections, {result['elapsed_s']:.2f} s[/]")
    return console_text(buffer)
