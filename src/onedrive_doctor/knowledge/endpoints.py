"""The endpoints OneDrive needs for sign-in and sync, as data with their sources.

Sources (docs/knowledge/windows-client.md §6):
- [M365-URLs] Microsoft 365 URLs and IP address ranges, worldwide endpoints (IDs 31, 36, 56, 59):
  https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges
- [OD-URLs] Required URLs and ports for OneDrive (consumer):
  https://learn.microsoft.com/sharepoint/required-urls-and-ports
- [HJ-HowTo] Microsoft Entra hybrid join, network requirements (system context endpoints):
  https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join
- [NCSI-KB] KB 4494446, the Windows NCSI active probe:
  https://learn.microsoft.com/troubleshoot/windows-client/networking/internet-explorer-edge-open-connect-corporate-public-network
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "NCSI_EXPECTED_BODY",
    "NCSI_URL",
    "REQUIRED_ENDPOINTS",
    "Endpoint",
    "parse_host_port",
    "tenant_endpoints",
]

# Windows 10 and later probe this URL over plain HTTP and expect this text [NCSI-KB]; the lack
# of HTTPS is on purpose, so a captive portal can answer it.
NCSI_URL = "http://www.msftconnecttest.com/connecttest.txt"
NCSI_EXPECTED_BODY = "Microsoft Connect Test"


@dataclass(frozen=True)
class Endpoint:
    """One host OneDrive must reach over HTTPS.

    ``never_inspect`` marks the hosts Microsoft says must be excluded from TLS break-and-inspect
    (docs/knowledge/windows-client.md §7.2), which TLS002 names when it sees interception.
    """

    host: str
    port: int = 443
    role: str = "sign-in"
    source: str = ""
    never_inspect: bool = False

    @property
    def address(self) -> str:
        """``host:port`` as messages show it."""
        return f"{self.host}:{self.port}"


REQUIRED_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "login.microsoftonline.com", role="sign-in (work or school)", source="M365-URLs ID 56"
    ),
    Endpoint("login.live.com", role="sign-in (personal account)", source="OD-URLs row 1"),
    Endpoint("login.windows.net", role="sign-in (token issuer)", source="M365-URLs ID 56"),
    Endpoint(
        "device.login.microsoftonline.com",
        role="device authentication",
        source="M365-URLs ID 56; HJ-HowTo",
        never_inspect=True,
    ),
    Endpoint(
        "enterpriseregistration.windows.net",
        role="device registration",
        source="M365-URLs ID 59; HJ-HowTo",
        never_inspect=True,
    ),
    Endpoint("onedrive.live.com", role="OneDrive service", source="OD-URLs row 1"),
    Endpoint("g.live.com", role="OneDrive client configuration", source="M365-URLs ID 36"),
    Endpoint("oneclient.sfx.ms", role="OneDrive client updates", source="M365-URLs ID 36"),
)


def tenant_endpoints(service_endpoint_uris: list[str]) -> tuple[Endpoint, ...]:
    r"""The tenant's SharePoint hosts, from OneDrive's ``Accounts\Business*\ServiceEndpointUri``.

    Those are Optimize endpoints (M365-URLs ID 31): Microsoft asks that they bypass proxies and
    TLS inspection.
    """
    from urllib.parse import urlsplit

    hosts: list[Endpoint] = []
    seen: set[str] = set()
    for uri in service_endpoint_uris:
        host = urlsplit(uri if "//" in uri else f"https://{uri}").hostname
        if host and host.endswith(".sharepoint.com") and host not in seen:
            seen.add(host)
            hosts.append(
                Endpoint(host, role="tenant SharePoint / OneDrive", source="M365-URLs ID 31")
            )
    return tuple(hosts)


def parse_host_port(text: str, default_port: int = 443) -> tuple[str, int]:
    """Split ``HOST[:PORT]`` (IPv6 in brackets) into host and port; raises ``ValueError``."""
    text = text.strip()
    if not text:
        raise ValueError("empty host")
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep:
            raise ValueError(f"unclosed '[' in {text!r}")
        port_text = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            raise ValueError(f"unexpected text after ']' in {text!r}")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    if not host:
        raise ValueError(f"no host in {text!r}")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port {port_text!r} in {text!r}")
    return host, int(port_text)
