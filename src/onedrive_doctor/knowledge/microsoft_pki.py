"""The certificate authorities Microsoft's endpoints chain to, as data with sources.

A chain from a sign-in endpoint that names none of these is re-signed by something on the path
(TLS002). Names are matched on the certificate's common name; ``--ca-file`` adds issuers.

Sources:
- [AZURE-CA] Azure Certificate Authority details (roots and subordinate CAs used by Azure
  services, Microsoft 365 and Entra ID):
  https://learn.microsoft.com/azure/security/fundamentals/azure-ca-details
- [TLS-CHANGES] Azure TLS certificate changes (the move to DigiCert Global Root G2 and the
  Microsoft TLS G2 hierarchy): https://learn.microsoft.com/azure/security/fundamentals/tls-certificate-changes
"""

from __future__ import annotations

import re

__all__ = ["MICROSOFT_ISSUER_PATTERNS", "common_name", "is_microsoft_issuer"]

# Root CAs [AZURE-CA], [TLS-CHANGES], then the subordinate CA families, as patterns on the CN
# (the numbered CAs, 01..16, change often; the family names do not).
MICROSOFT_ISSUER_PATTERNS: tuple[str, ...] = (
    r"DigiCert Global Root G2",
    r"DigiCert Global Root G3",
    r"DigiCert Global Root CA",
    r"DigiCert Baltimore Root",
    r"Baltimore CyberTrust Root",
    r"D-TRUST Root Class 3 CA 2 2009",
    r"Microsoft RSA Root Certificate Authority 2017",
    r"Microsoft ECC Root Certificate Authority 2017",
    r"Microsoft TLS (RSA|ECC) Root G2",
    r"Microsoft TLS G2 (RSA|ECC) CA OCSP \d+",
    r"Microsoft Azure (RSA |ECC )?TLS Issuing CA \d+",
    r"Microsoft (RSA|ECC) TLS (Issuing )?(AOC |EOC )?CA \d+",
    r"Microsoft RSA TLS CA \d+",
    r"Microsoft IT TLS CA \d+",
    r"DigiCert SHA2 Secure Server CA",
    r"DigiCert Cloud Services CA-1",
    r"DigiCert TLS RSA SHA256 2020 CA1",
    r"DigiCert TLS Hybrid ECC SHA384 2020 CA1",
    r"DigiCert Basic RSA CN CA G2",
    r"D-TRUST SSL Class 3 CA 1 2009",
)

_PATTERN = re.compile("^(?:" + "|".join(MICROSOFT_ISSUER_PATTERNS) + ")$", re.IGNORECASE)
_CN = re.compile(r"(?:^|,)CN=((?:[^,\\]|\\.)*)")


def common_name(dn: str) -> str | None:
    """The CN of an RFC 4514 distinguished name string, unescaped."""
    match = _CN.search(dn)
    if match is None:
        return None
    return re.sub(r"\\(.)", r"\1", match.group(1))


def is_microsoft_issuer(dn: str) -> bool:
    """True when the distinguished name's CN is one of Microsoft's documented CAs."""
    name = common_name(dn)
    return bool(name and _PATTERN.match(name.strip()))
