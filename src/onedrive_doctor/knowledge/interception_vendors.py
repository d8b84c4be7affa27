"""Who re-signs TLS, and which hosts may be re-signed: the knowledge behind TLS002's verdict.

A chain that does not lead to Microsoft's CAs (:mod:`.microsoft_pki`) was re-signed on the path.
The issuer's names usually say by what: inspection products sign with a CA whose organisation or
common name is their own (the "Zscaler Root CA", FortiGate's "Fortinet_CA_SSL", Netskope's
"caadmin.netskope.com", mitmproxy's "mitmproxy", ...). Each vendor below comes with its own page
on exempting destinations from inspection ("do not decrypt", "SSL exemption", "bypass").

Whether interception can be intended depends on the host:

- [TRv1] Tenant Restrictions v1 works by a proxy that intercepts TLS to login.microsoftonline.com,
  login.microsoft.com and login.windows.net (and login.live.com, to block consumer accounts) and
  adds its headers: interception there can be on purpose.
  https://learn.microsoft.com/entra/identity/enterprise-apps/tenant-restrictions
- [HJ-HowTo] device.login.microsoftonline.com and enterpriseregistration.windows.net must be
  excluded from TLS break-and-inspect (client certificate authentication, device registration).
  https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join
- [M365-Principles] Optimize and Allow endpoints (OneDrive and SharePoint among them) should
  bypass TLS inspection: https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles

Sources of the issuer names: the vendors' own documentation of their inspection CAs (see each
entry's ``link``) and public reports of the chains they present
(the field research behind issue 13: titanium-web-proxy 956, Netskope, Broadcom KB 173524).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "MAY_BE_INTENDED",
    "MICROSOFT_NO_INSPECTION",
    "MUST_BYPASS",
    "TENANT_RESTRICTIONS",
    "TENANT_RESTRICTION_HOSTS",
    "VENDORS",
    "Vendor",
    "dn_values",
    "identify_vendor",
    "interception_kind",
]

MICROSOFT_NO_INSPECTION = "https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles"
TENANT_RESTRICTIONS = (
    "https://learn.microsoft.com/entra/identity/enterprise-apps/tenant-restrictions"
)

#: The kinds :func:`interception_kind` returns.
MAY_BE_INTENDED = "may-be-intended"
MUST_BYPASS = "must-bypass"

# [TRv1]: the sign-in hosts a Tenant Restrictions v1 proxy intercepts to insert its headers.
TENANT_RESTRICTION_HOSTS: frozenset[str] = frozenset(
    {"login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "login.live.com"}
)


def interception_kind(host: str) -> str:
    """``may-be-intended`` on the Tenant Restrictions sign-in hosts, else ``must-bypass``.

    device.login.microsoftonline.com, enterpriseregistration.windows.net [HJ-HowTo], the
    OneDrive and SharePoint hosts [M365-Principles], and any other host, must not be inspected.
    """
    return MAY_BE_INTENDED if host.lower().rstrip(".") in TENANT_RESTRICTION_HOSTS else MUST_BYPASS


@dataclass(frozen=True)
class Vendor:
    """An inspection product: the issuer names it signs with, and how to exempt a host.

    ``patterns`` are regular expressions matched (case-insensitively) against the CN, O and OU
    of the issuer names in the chain; ``guidance`` says where the vendor's "do not decrypt" switch
    is; ``link`` is the vendor's documentation of it (``None`` where the product has no public
    page for it).
    """

    name: str
    patterns: tuple[str, ...]
    guidance: str
    link: str | None = None

    def matches(self, value: str) -> bool:
        """Whether one attribute value (CN, O or OU) names this vendor."""
        return any(re.search(p, value, re.IGNORECASE) for p in self.patterns)


VENDORS: tuple[Vendor, ...] = (
    Vendor(
        "Zscaler",
        # "Zscaler Root CA", "Zscaler Intermediate Root CA (zscaler.net)", O=Zscaler Inc.
        (r"\bzscaler\b",),
        "in ZIA, turn on the Microsoft-recommended Office 365 One Click setting (its predefined "
        "rule exempts Microsoft 365 from SSL inspection), or add an SSL Inspection rule with the "
        "action Do Not Inspect for these hosts",
        "https://help.zscaler.com/zia/about-ssl-inspection-policy",
    ),
    Vendor(
        "Netskope",
        # CN=caadmin.netskope.com, O=Netskope; tenant CAs ca.<tenant>.goskope.com
        (r"netskope", r"goskope"),
        "keep the predefined 'Default Microsoft appsuite SSL do not decrypt rule' enabled "
        "(Policies > SSL Decryption), or add a Do Not Decrypt policy for these domains",
        "https://docs.netskope.com/en/add-a-policy-for-ssl-decryption.html",
    ),
    Vendor(
        "Palo Alto Networks",
        # PAN-OS forward trust CAs and Prisma Access: O=Palo Alto Networks
        (r"palo\s?alto\s?networks", r"prisma access"),
        "add these hosts to a decryption exclusion (Device > Certificate Management > SSL "
        "Decryption Exclusion) or a No Decrypt decryption policy rule",
        "https://docs.paloaltonetworks.com/pan-os/11-1/pan-os-admin/decryption/decryption-exclusions",
    ),
    Vendor(
        "Fortinet (FortiGate)",
        # CN=Fortinet_CA_SSL, FortiGate CA, O=Fortinet
        (r"fortinet", r"fortigate", r"fortiproxy"),
        "add these hosts to the SSL/SSH inspection profile's exempt list (config firewall "
        "ssl-ssh-profile > config ssl-exempt)",
        "https://community.fortinet.com/t5/FortiGate/Technical-Tip-Exempting-applications-domains-websites-from-SSL/ta-p/191170",
    ),
    Vendor(
        "Cisco Umbrella",
        # "Cisco Umbrella Root CA", "Cisco Umbrella Secondary SubCA ..."; formerly OpenDNS
        (r"cisco umbrella", r"\bopendns\b"),
        "add these hosts to a Selective Decryption List applied to the policy",
        "https://docs.umbrella.com/umbrella-user-guide/docs/add-a-selective-decryption-list",
    ),
    Vendor(
        "Blue Coat / Symantec (Broadcom)",
        # ProxySG appliances, Symantec Web Security Service, Broadcom Cloud SWG
        (r"blue\s?coat", r"proxysg", r"symantec", r"cloud swg", r"broadcom"),
        "add a TLS/SSL Interception rule with the verdict Do Not Intercept for these hosts "
        "(Cloud SWG: Policy > TLS/SSL Interception; ProxySG: an SSL Intercept layer rule)",
        "https://knowledge.broadcom.com/external/article/169172",
    ),
    Vendor(
        "Sophos",
        # "Sophos SSL CA", SophosApplianceCertificate_..., O=Sophos
        (r"\bsophos",),
        "add an SSL/TLS inspection rule with the action Don't decrypt for these hosts (or add "
        "them to the exclusion list used by the rules)",
        "https://docs.sophos.com/nsg/sophos-firewall/21.0/Help/en-us/webhelp/onlinehelp/AdministratorHelp/RulesAndPolicies/SSL/TLSInspectionRules/index.html",
    ),
    Vendor(
        "Check Point",
        # O=Check Point Software Technologies; the gateway's outbound HTTPS Inspection CA
        (r"check\s?point",),
        "add an HTTPS Inspection rule with the action Bypass for the Office 365 updatable "
        "objects (or these hosts)",
        "https://sc1.checkpoint.com/documents/R81/WebAdminGuides/EN/CP_R81_SecurityManagement_AdminGuide/Topics-SECMG/Updatable-Objects.htm",
    ),
    Vendor(
        "Forcepoint",
        # Forcepoint Content Gateway / Web Security, formerly Websense
        (r"forcepoint", r"websense"),
        "add these hosts to the SSL decryption bypass (Content Gateway HTTPS: incident list / "
        "decryption bypass by destination)",
        "https://help.forcepoint.com/websec/en-us/on-prem/85/wcg_help/guid-9a801aac-fa49-48aa-ae8f-bf14f1dd879f.html",
    ),
    Vendor(
        "Skyhigh / McAfee Web Gateway",
        (r"mcafee web gateway", r"skyhigh"),
        "enable the 'Bypass Microsoft (Office 365) Services' rule set",
        "https://success.myshn.net/Skyhigh_Secure_Web_Gateway_(On_Prem)/Global_Whitelisting_and_Bypassing/Bypass_for_Office_365_and_Other_Microsoft_Services",
    ),
    Vendor(
        "Cloudflare Gateway",
        # "Gateway CA - Cloudflare Managed G1", "Cloudflare for Teams ECC Certificate Authority"
        (r"cloudflare for teams", r"gateway ca - cloudflare", r"cloudflare managed"),
        "add an HTTP policy with the action Do Not Inspect for these hosts",
        "https://developers.cloudflare.com/learning-paths/secure-internet-traffic/build-http-policies/recommended-http-policies",
    ),
    Vendor(
        "mitmproxy",
        # CN=mitmproxy, O=mitmproxy
        (r"\bmitmproxy\b",),
        "pass these hosts through unmodified with --ignore-hosts (the ignore_hosts option)",
        "https://docs.mitmproxy.org/stable/howto-ignoredomains/",
    ),
    Vendor(
        "Fiddler",
        # CN=DO_NOT_TRUST_FiddlerRoot
        (r"fiddler",),
        "turn off HTTPS decryption (Tools > Options > HTTPS) or list these hosts under 'Skip "
        "decryption for the following hosts'",
    ),
    Vendor(
        "Burp Suite (PortSwigger)",
        (r"portswigger",),
        "stop intercepting these hosts (Proxy settings: TLS pass through)",
    ),
    Vendor(
        "Charles Proxy",
        (r"charles proxy",),
        "turn off SSL proxying for these hosts (Proxy > SSL Proxying Settings)",
    ),
    Vendor(
        "Titanium Web Proxy",
        (r"titanium root",),
        "exclude these hosts from decryption in the application built on it",
    ),
    Vendor(
        "Kaspersky",
        # "Kaspersky Anti-Virus Personal Root Certificate"
        (r"kaspersky",),
        "add these hosts to the trusted addresses that are not scanned (Network settings > "
        "Encrypted connections scanning > exclusions)",
    ),
    Vendor(
        "ESET",
        # "ESET SSL Filter CA"
        (r"\beset\b",),
        "exclude these hosts from SSL/TLS protocol filtering (Web access protection > SSL/TLS)",
    ),
    Vendor(
        "Avast / AVG",
        # "Avast Web/Mail Shield Root", "AVG Web/Mail Shield Root"
        (r"\bavast\b", r"\bavg\b"),
        "add these hosts to the Web Shield's HTTPS scanning exceptions, or turn HTTPS scanning off",
    ),
    Vendor(
        "Bitdefender",
        # "Bitdefender Personal CA.Net-Defender"
        (r"bitdefender",),
        "add these hosts to the exceptions of Encrypted web scan (Online Threat Prevention)",
    ),
)

_ATTRIBUTE = re.compile(r"(?:^|(?<=[,+]))\s*(CN|O|OU)=((?:[^,+\\]|\\.)*)", re.IGNORECASE)


def dn_values(dn: str) -> list[str]:
    """The CN, O and OU values of an RFC 4514 distinguished name, unescaped, in order."""
    return [re.sub(r"\\(.)", r"\1", m.group(2)).strip() for m in _ATTRIBUTE.finditer(dn)]


def identify_vendor(issuers: Iterable[str]) -> Vendor | None:
    """The product whose name an issuer of the chain carries (the leaf's issuer first)."""
    for dn in issuers:
        for value in dn_values(dn):
            for vendor in VENDORS:
                if vendor.matches(value):
                    return vendor
    return None
