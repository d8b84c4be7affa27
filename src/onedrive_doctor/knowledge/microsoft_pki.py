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
from dataclasses import dataclass

__all__ = [
    "DOCUMENTED_ROOTS",
    "MICROSOFT_ISSUER_PATTERNS",
    "PKI_REPOSITORY",
    "RootCa",
    "common_name",
    "documented_root",
    "is_microsoft_issuer",
]

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


# Where the roots can be downloaded: DigiCert's root certificate page and Microsoft's PKI
# repository (both linked from [AZURE-CA]).
DIGICERT_ROOTS = "https://www.digicert.com/kb/digicert-root-certificates.htm"
PKI_REPOSITORY = "https://www.microsoft.com/pkiops/docs/repository.htm"


@dataclass(frozen=True)
class RootCa:
    """A root CA Microsoft's endpoints chain to: its CN, SHA-1 thumbprint and where to get it.

    The thumbprints are the SHA-1 digests of the certificates, as `certutil -store root` and
    the Cert: drive list them; each was computed from the certificate itself (Mozilla's root
    store as Debian's ca-certificates ships it: `openssl x509 -fingerprint -sha1`).
    """

    name: str
    sha1: str
    download: str
    note: str = ""


#: The roots [AZURE-CA] lists for Microsoft 365 and Entra ID endpoints, the one they chain to
#: today first ([TLS-CHANGES]: the move to DigiCert Global Root G2).
DOCUMENTED_ROOTS: tuple[RootCa, ...] = (
    RootCa(
        "DigiCert Global Root G2",
        "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4",
        DIGICERT_ROOTS,
        "the root of the Microsoft TLS and Azure TLS issuing CAs that the sign-in and OneDrive "
        "endpoints use",
    ),
    RootCa(
        "DigiCert Global Root CA",
        "A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436",
        DIGICERT_ROOTS,
        "the older DigiCert root some Microsoft 365 endpoints still chain to",
    ),
    RootCa(
        "Microsoft RSA Root Certificate Authority 2017",
        "73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74",
        PKI_REPOSITORY,
        "Microsoft's own RSA root",
    ),
    RootCa(
        "Microsoft ECC Root Certificate Authority 2017",
        "999A64C37FF47D9FAB95F14769891460EEC4C3C5",
        PKI_REPOSITORY,
        "Microsoft's own ECC root",
    ),
    RootCa(
        "DigiCert Global Root G3",
        "7E04DE896A3E666D00E687D33FFAD93BE83D349E",
        DIGICERT_ROOTS,
        "DigiCert's ECC root",
    ),
    RootCa(
        "D-TRUST Root Class 3 CA 2 2009",
        "58E8ABB0361533FB80F79B1B6D29D3FF8D5F00F0",
        "https://www.d-trust.net/en/support/repository",
        "the root of the D-TRUST CAs [AZURE-CA] lists",
    ),
)


def documented_root(name: str) -> RootCa | None:
    """The documented root whose CN is ``name`` (any case), or ``None``."""
    folded = name.strip().casefold()
    return next((root for root in DOCUMENTED_ROOTS if root.name.casefold() == folded), None)
