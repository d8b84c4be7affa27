"""A small X.509 reader: subject, issuer, validity, key and fingerprint of a DER certificate.

The scanner reports a summary of every certificate it sees. This module reads just those fields
with a minimal DER walker, so that a scan does not pay for importing a full X.509 library at
start-up (the scan's speed includes Python's start-up). Distinguished names are rendered as
RFC 4514 strings, most specific RDN first, as ``cryptography`` does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

__all__ = ["CertificateError", "certificate_summary", "pem_to_der"]

_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "STREET",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}
_CURVES = {
    "1.2.840.10045.3.1.7": "P-256",
    "1.3.132.0.34": "P-384",
    "1.3.132.0.35": "P-521",
}
_KEYS = {
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.10045.2.1": "EC",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
    "1.2.840.10040.4.1": "DSA",
}


class CertificateError(ValueError):
    """The bytes are not a DER X.509 certificate this reader understands."""


class _Der:
    """A cursor over DER TLVs."""

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = start
        self.end = len(data) if end is None else end

    def more(self) -> bool:
        return self.pos < self.end

    def next(self) -> tuple[int, int, int]:
        """``(tag, content_start, content_end)`` of the next TLV; moves past it."""
        data, pos = self.data, self.pos
        if pos + 2 > self.end:
            raise CertificateError("truncated DER")
        tag = data[pos]
        length = data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if not 0 < count <= 4 or pos + count > self.end:
                raise CertificateError("bad DER length")
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        if pos + length > self.end:
            raise CertificateError("DER value runs past its container")
        self.pos = pos + length
        return tag, pos, pos + length

    def enter(self, expected: int) -> _Der:
        tag, start, end = self.next()
        if tag != expected:
            raise CertificateError(f"expected DER tag {expected:#x}, got {tag:#x}")
        return _Der(self.data, start, end)


def _oid(raw: bytes) -> str:
    if not raw:
        raise CertificateError("empty OID")
    parts = [min(raw[0] // 40, 2), raw[0] - 40 * min(raw[0] // 40, 2)]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(map(str, parts))


def _escape(value: str) -> str:
    out = "".join("\\" + ch if ch in ',+"\\<>;=' else ch for ch in value)
    if out.startswith(("#", " ")):
        out = "\\" + out
    if out.endswith(" "):
        out = out[:-1] + "\\ "
    return out


def _string(tag: int, raw: bytes) -> str:
    if tag == 0x1E:  # BMPString
        return raw.decode("utf-16-be", errors="replace")
    if tag == 0x1C:  # UniversalString
        return raw.decode("utf-32-be", errors="replace")
    return raw.decode("utf-8", errors="replace")


def _name(der: _Der) -> str:
    rdns: list[str] = []
    while der.more():
        rdn = der.enter(0x31)
        parts: list[str] = []
        while rdn.more():
            atv = rdn.enter(0x30)
            _, start, end = atv.next()
            oid = _oid(atv.data[start:end])
            tag, vstart, vend = atv.next()
            raw = atv.data[vstart:vend]
            key = _NAMES.get(oid, oid)
            value = (
                _escape(_string(tag, raw))
                if key != oid
                else "#" + atv.data[vstart - 2 : vend].hex()
            )
            parts.append(f"{key}={value}")
        rdns.append("+".join(parts))
    return ",".join(reversed(rdns))


def _time(tag: int, raw: bytes) -> str:
    text = raw.decode("ascii", errors="replace").rstrip("Z")
    try:
        if tag == 0x17:  # UTCTime: YYMMDDHHMMSS, years 50-99 are 19xx (RFC 5280 4.1.2.5.1)
            year = int(text[:2])
            text = ("19" if year >= 50 else "20") + text
        when = dt.datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)
    except ValueError as exc:
        raise CertificateError(f"bad certificate time {text!r}") from exc
    return when.isoformat()


def _key(spki: _Der) -> str:
    algorithm = spki.enter(0x30)
    _, start, end = algorithm.next()
    oid = _oid(algorithm.data[start:end])
    kind = _KEYS.get(oid, oid)
    if kind == "EC" and algorithm.more():
        _, pstart, pend = algorithm.next()
        return f"EC {_CURVES.get(_oid(algorithm.data[pstart:pend]), 'curve')}"
    if kind == "RSA":
        _, bstart, bend = spki.next()
        inner = _Der(spki.data, bstart + 1, bend).enter(0x30)  # skip the unused-bits byte
        _, mstart, mend = inner.next()
        modulus = int.from_bytes(inner.data[mstart:mend], "big")
        return f"RSA {modulus.bit_length()}"
    return kind


def certificate_summary(der: bytes) -> dict[str, Any]:
    """Subject, issuer, validity, key and SHA-256 fingerprint; ``CertificateError`` if bad."""
    cert = _Der(der).enter(0x30)
    tbs = cert.enter(0x30)
    tag, _, _ = tbs.next()
    if tag == 0xA0:  # explicit version: the serial number follows
        tbs.next()
    tbs.next()  # signature algorithm
    issuer = _name(tbs.enter(0x30))
    validity = tbs.enter(0x30)
    before = _time(*_tag_bytes(validity))
    after = _time(*_tag_bytes(validity))
    subject = _name(tbs.enter(0x30))
    key = _key(tbs.enter(0x30))
    return {
        "subject": subject,
        "issuer": issuer,
        "not_before": before,
        "not_after": after,
        "sha256": hashlib.sha256(der).hexdigest(),
        "key": key,
    }


def _tag_bytes(der: _Der) -> tuple[int, bytes]:
    tag, start, end = der.next()
    return tag, der.data[start:end]


def pem_to_der(text: str) -> list[bytes]:
    """Every certificate of a PEM file, as DER."""
    import base64

    blocks: list[bytes] = []
    inside = False
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("-----BEGIN CERTIFICATE-----"):
            inside, lines = True, []
        elif line.startswith("-----END CERTIFICATE-----") and inside:
            inside = False
            try:
                blocks.append(base64.b64decode("".join(lines), validate=False))
            except ValueError:
                continue
        elif inside:
            lines.append(line.strip())
    return blocks
