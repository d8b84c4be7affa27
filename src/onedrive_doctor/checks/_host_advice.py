"""Fix steps that depend on the OS the evidence was collected on (``manifest.host.os``).

``diagnose`` runs on Linux and macOS too (the network steps still say something about the
network); advising ``ipconfig /flushdns`` there is advice that cannot be followed. Windows, or
an unknown host (the bundle scripts run on Windows), keeps the Windows commands.
Sources: ipconfig (https://learn.microsoft.com/windows-server/administration/windows-commands/ipconfig),
netsh winhttp (https://learn.microsoft.com/windows/win32/winhttp/netsh-exe-commands), resolvectl(1)
(https://www.freedesktop.org/software/systemd/man/latest/resolvectl.html), and macOS's
dscacheutil(1), scutil(8) and mDNSResponder(8) man pages.
"""

from __future__ import annotations

__all__ = ["dns_steps", "network_step", "proxy_steps"]


def _family(host_os: str | None) -> str:
    name = (host_os or "Windows").lower()
    if name == "darwin" or name.startswith("mac"):
        return "macos"
    return "linux" if name == "linux" else "windows"


def dns_steps(host_os: str | None) -> tuple[str, str]:
    """Flush the resolver cache and look at the DNS servers, as this OS does it."""
    family = _family(host_os)
    if family == "linux":
        return (
            "Run `resolvectl flush-caches` (systemd-resolved), then "
            "`getent hosts login.microsoftonline.com`.",
            "Check the DNS servers in `resolvectl status` (or /etc/resolv.conf); on a VPN, "
            "check its DNS settings.",
        )
    if family == "macos":
        return (
            "Run `sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder`, then "
            "`dscacheutil -q host -a name login.microsoftonline.com`.",
            "Check the DNS servers in `scutil --dns`; on a VPN, check its DNS settings.",
        )
    return (
        "Run `ipconfig /flushdns`, then `Resolve-DnsName login.microsoftonline.com`.",
        "Check the DNS servers in `ipconfig /all`; on a VPN, check its DNS settings.",
    )


def network_step(host_os: str | None, windows_help: str) -> str:
    """Where this OS's own guide to a dead connection is."""
    family = _family(host_os)
    if family == "linux":
        return "Check that an interface has an address and a route: `ip addr` and `ip route`."
    if family == "macos":
        return "Check System Settings > Network, or run `networkQuality` to test the connection."
    return f"Follow Windows' guide to fixing connection problems: {windows_help}"


def proxy_steps(host_os: str | None) -> tuple[str, str]:
    """Where this OS keeps its proxy setting, and how to remove it."""
    family = _family(host_os)
    if family == "linux":
        return (
            "Check the proxy environment variables (`env | grep -i _proxy`) and the desktop's "
            "network proxy settings.",
            "If the proxy is no longer used, unset those variables; if it is, ask its "
            "administrator why it refuses connections.",
        )
    if family == "macos":
        return (
            "Check the proxies in `scutil --proxy` (System Settings > Network > Details > "
            "Proxies).",
            "If the proxy is no longer used, turn it off there; if it is, ask its "
            "administrator why it refuses connections.",
        )
    return (
        "Check Internet Options > Connections > LAN settings, and `netsh winhttp show "
        "proxy` in an elevated prompt.",
        "If the proxy is no longer used, remove it (`netsh winhttp reset proxy`); if it "
        "is, ask its administrator why it refuses connections.",
    )
