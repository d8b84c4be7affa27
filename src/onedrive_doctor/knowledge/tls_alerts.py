"""TLS alert numbers and what each means for a OneDrive sign-in, as data with sources.

Schannel logs the alert number alone (event 36887 "A fatal alert was received from the remote
endpoint. The TLS protocol defined fatal alert code is 40."; event 36888 for an alert this PC
generated and sent). This table names every number and says what it means in the direction
it travelled: received (the peer refused this PC) or sent (this PC refused the peer).

Sources:
- [RFC8446] RFC 8446 §6 (TLS 1.3 alert protocol): https://www.rfc-editor.org/rfc/rfc8446#section-6
- [RFC5246] RFC 5246 §7.2 (TLS 1.2 alerts): https://www.rfc-editor.org/rfc/rfc5246#section-7.2
- [IANA] TLS Alerts registry:
  https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-6
- [SCHANNEL-EVENTS] Schannel events 36887 / 36888 (Windows Server documentation):
  https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/dn786445(v=ws.11)

The names are those of :class:`onedrive_doctor.tls.AlertDescription` (one list of numbers for
the wire format and for the logs); the meanings for a sign-in are our reading of the RFC text
(inference), tied to the checks that find the cause.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..tls import AlertDescription

__all__ = ["ALERTS", "RFC8446_ALERTS", "TlsAlert", "alert"]

RFC8446_ALERTS = "https://www.rfc-editor.org/rfc/rfc8446#section-6"
RFC5246_ALERTS = "https://www.rfc-editor.org/rfc/rfc5246#section-7.2"


@dataclass(frozen=True)
class TlsAlert:
    """One alert number: its RFC name, what the RFC says, and what it means in each direction.

    ``received`` is what an alert the peer sent to this PC means (Schannel 36887), ``sent`` what
    an alert this PC sent means (Schannel 36888); ``checks`` the checks that find the usual cause.
    """

    number: int
    name: str
    meaning: str
    received: str
    sent: str
    checks: tuple[str, ...] = ()
    source: str = RFC8446_ALERTS

    def label(self) -> str:
        """``40 handshake_failure``."""
        return f"{self.number} {self.name}"


_CERT_SENT = (
    "this PC rejected the server's certificate chain: a TLS-inspecting proxy re-signs the "
    "connection (TLS002), the root is missing from the PC's store (CRT001), or the clock is "
    "wrong (NET006)"
)
_CERT_RECEIVED = (
    "the server rejected a client certificate this PC presented (device authentication to "
    "device.login.microsoftonline.com or enterpriseregistration.windows.net)"
)


def _entry(
    description: AlertDescription,
    meaning: str,
    received: str,
    sent: str,
    *checks: str,
    source: str = RFC8446_ALERTS,
) -> TlsAlert:
    return TlsAlert(int(description), description.name, meaning, received, sent, checks, source)


_A = AlertDescription
_ENTRIES = (
    _entry(
        _A.close_notify,
        "the sender closes the connection normally",
        "the peer closed the connection (not an error)",
        "this PC closed the connection (not an error)",
    ),
    _entry(
        _A.unexpected_message,
        "an inappropriate message was received (e.g. the wrong handshake message)",
        "the peer saw a message it did not expect: often a middlebox that rewrites TLS",
        "this PC saw a message it did not expect: often a proxy that answers instead of the server",
        "TLS002",
        "TLS003",
    ),
    _entry(
        _A.bad_record_mac,
        "a record could not be deprotected (integrity check failed)",
        "the peer could not verify this PC's records: corruption on the path or a broken middlebox",
        "this PC could not verify the peer's records: corruption on the path or a broken middlebox",
        "TLS002",
    ),
    _entry(
        _A.decryption_failed,
        "TLS 1.0-era decryption failure (must not be sent by TLS 1.2 and later)",
        "an old peer could not decrypt this PC's record",
        "this PC could not decrypt an old peer's record",
        source=RFC5246_ALERTS,
    ),
    _entry(
        _A.record_overflow,
        "a record longer than the protocol allows",
        "the peer got an oversized record from this PC",
        "this PC got an oversized record: a middlebox or a broken server",
    ),
    _entry(
        _A.decompression_failure,
        "TLS 1.2 compression failure (compression is no longer used)",
        "the peer could not decompress a record",
        "this PC could not decompress a record",
        source=RFC5246_ALERTS,
    ),
    _entry(
        _A.handshake_failure,
        "the sender could not negotiate an acceptable set of security parameters given the "
        "options available",
        "the server found no protocol version, cipher suite or curve in common with this PC's "
        "ClientHello: the front door refuses what Schannel offers",
        "this PC found nothing acceptable in what the server chose",
        "SCH001",
        "SCH002",
        "SCH005",
        "SCH006",
        "OS001",
        "TLS001",
    ),
    _entry(
        _A.no_certificate,
        "SSL 3.0 only: no certificate to send",
        "an SSL 3.0 peer had no certificate",
        "this PC had no certificate for an SSL 3.0 peer",
        source=RFC5246_ALERTS,
    ),
    _entry(
        _A.bad_certificate,
        "a certificate was corrupt or its signatures did not verify",
        _CERT_RECEIVED,
        _CERT_SENT,
        "TLS002",
        "CRT001",
    ),
    _entry(
        _A.unsupported_certificate,
        "a certificate was of an unsupported type",
        _CERT_RECEIVED,
        _CERT_SENT,
        "TLS002",
    ),
    _entry(
        _A.certificate_revoked,
        "a certificate was revoked by its signer",
        _CERT_RECEIVED,
        "this PC found the server's certificate revoked: a re-signing proxy with a revoked "
        "certificate (TLS002)",
        "TLS002",
    ),
    _entry(
        _A.certificate_expired,
        "a certificate has expired or is not yet valid",
        _CERT_RECEIVED,
        "this PC found the server's certificate expired or not yet valid: the PC's clock is "
        "wrong (NET006) or a proxy re-signs with an expired certificate (TLS002)",
        "NET006",
        "TLS002",
    ),
    _entry(
        _A.certificate_unknown,
        "some other issue arose in processing the certificate, rendering it unacceptable",
        _CERT_RECEIVED,
        _CERT_SENT,
        "TLS002",
        "CRT001",
        "NET006",
    ),
    _entry(
        _A.illegal_parameter,
        "a field in the handshake was incorrect or inconsistent with other fields",
        "the server found a field in this PC's handshake wrong or inconsistent (e.g. a curve or "
        "signature algorithm list a policy mangled)",
        "this PC found a field in the server's handshake wrong: often a middlebox",
        "SCH008",
        "TLS002",
    ),
    _entry(
        _A.unknown_ca,
        "a valid certificate chain was received, but its CA is not trusted",
        "the server does not trust the CA of the client certificate this PC presented",
        "this PC does not trust the root of the server's chain: the root is missing from the "
        "PC's store while automatic root update is off (CRT001), or a TLS-inspecting proxy "
        "re-signs the connection (TLS002)",
        "CRT001",
        "TLS002",
    ),
    _entry(
        _A.access_denied,
        "a valid certificate was received, but access control denied the handshake",
        "the server denied this PC access",
        "this PC denied the peer access",
    ),
    _entry(
        _A.decode_error,
        "a message could not be decoded (a field out of range or a wrong length)",
        "the server could not decode this PC's message: a malformed ClientHello, or a middlebox",
        "this PC could not decode the server's message: often a proxy answering in plain HTTP",
        "TLS002",
        "TLS003",
    ),
    _entry(
        _A.decrypt_error,
        "a handshake cryptographic operation failed (signature or Finished verification)",
        "the server could not verify this PC's handshake",
        "this PC could not verify the server's signature or Finished message",
    ),
    _entry(
        _A.too_many_cids_requested,
        "DTLS: too many connection IDs requested (RFC 9146)",
        "not expected from a TLS peer",
        "not expected from this PC",
        source="https://www.rfc-editor.org/rfc/rfc9146",
    ),
    _entry(
        _A.export_restriction,
        "TLS 1.0 export restriction (obsolete)",
        "an obsolete peer refused an export key",
        "this PC refused an export key",
        source=RFC5246_ALERTS,
    ),
    _entry(
        _A.protocol_version,
        "the protocol version the peer tried to negotiate is recognised but not supported",
        "the server refuses every TLS version this PC offers: TLS 1.2 is off in Schannel "
        "(SCH001) or only TLS 1.0 / 1.1 is offered",
        "this PC refuses the version the server chose: the server (or a proxy) offers only "
        "versions Schannel has disabled",
        "SCH001",
        "WHT001",
        "INE001",
        "TLS003",
    ),
    _entry(
        _A.insufficient_security,
        "the server requires parameters more secure than those the client supports",
        "the server wants stronger cipher suites than this PC offers: the PC's suite list "
        "lacks what the front door's policy accepts",
        "this PC wants stronger parameters than the server offers",
        "SCH002",
        "OS001",
    ),
    _entry(
        _A.internal_error,
        "an internal error unrelated to the peer or the protocol",
        "the server had an internal error (often a front door or proxy refusing the handshake "
        "without saying why)",
        "Schannel had an internal error: often no usable credential, suite or curve on this PC",
        "SCH002",
        "SCH006",
        "SCH008",
    ),
    _entry(
        _A.inappropriate_fallback,
        "a client retried with a lower protocol version than the server supports (RFC 7507)",
        "the server saw this PC fall back to an older TLS version after a failed attempt: the "
        "first attempt failed on the path",
        "this PC saw an inappropriate fallback",
        "TLS003",
        source="https://www.rfc-editor.org/rfc/rfc7507",
    ),
    _entry(
        _A.user_canceled,
        "the handshake is being canceled for a reason unrelated to a protocol failure",
        "the peer cancelled the handshake",
        "this PC cancelled the handshake",
    ),
    _entry(
        _A.no_renegotiation,
        "TLS 1.2: the peer refuses renegotiation",
        "the server refused renegotiation",
        "this PC refused renegotiation",
        source=RFC5246_ALERTS,
    ),
    _entry(
        _A.missing_extension,
        "a handshake message lacks an extension that is mandatory",
        "the server wanted an extension this PC did not send (e.g. supported_groups with no "
        "curve left)",
        "the server's message lacked a mandatory extension",
        "SCH006",
    ),
    _entry(
        _A.unsupported_extension,
        "a message held an extension that is prohibited or was not offered",
        "the server got an extension it forbids from this PC",
        "the server sent an extension this PC did not offer: often a middlebox",
        "TLS002",
    ),
    _entry(
        _A.certificate_unobtainable,
        "TLS 1.2 era: a certificate could not be obtained from a URL (RFC 6066)",
        "the server could not fetch a certificate",
        "this PC could not fetch a certificate",
        source="https://www.rfc-editor.org/rfc/rfc6066",
    ),
    _entry(
        _A.unrecognized_name,
        "no server exists for the name in the server_name (SNI) extension",
        "the server does not know the host name this PC asked for: a proxy or DNS answer sends "
        "the connection to the wrong server",
        "this PC does not serve the requested name",
        "NET003",
        "NET009",
        "TLS002",
    ),
    _entry(
        _A.bad_certificate_status_response,
        "an invalid or unacceptable OCSP response was provided by the server",
        "the peer rejected this PC's OCSP response",
        "this PC rejected the server's OCSP (certificate status) response",
        "TLS002",
    ),
    _entry(
        _A.bad_certificate_hash_value,
        "a certificate hash did not match (RFC 6066, obsolete)",
        "the peer found a certificate hash mismatch",
        "this PC found a certificate hash mismatch",
        source="https://www.rfc-editor.org/rfc/rfc6066",
    ),
    _entry(
        _A.unknown_psk_identity,
        "no acceptable PSK identity was provided",
        "the server refused the resumption ticket or PSK",
        "this PC refused the PSK identity",
    ),
    _entry(
        _A.certificate_required,
        "a client certificate is desired but none was provided",
        "the server requires a client certificate this PC did not send (device authentication)",
        "this PC required a certificate the peer did not send",
        "IDN002",
    ),
    _entry(
        _A.no_application_protocol,
        "no ALPN protocol in common (RFC 7301)",
        "the server supports none of the application protocols this PC offered",
        "this PC supports none of the server's application protocols",
        source="https://www.rfc-editor.org/rfc/rfc7301",
    ),
    _entry(
        _A.ech_required,
        "Encrypted Client Hello was required (draft ECH)",
        "the server requires Encrypted Client Hello",
        "this PC requires Encrypted Client Hello",
    ),
)

#: Every assigned alert number -> its entry.
ALERTS: dict[int, TlsAlert] = {entry.number: entry for entry in _ENTRIES}


def alert(number: int) -> TlsAlert:
    """The entry for ``number``; an unassigned number gets an entry that says so."""
    found = ALERTS.get(number)
    if found is not None:
        return found
    text = f"alert {number} is not assigned in the IANA TLS Alerts registry"
    return TlsAlert(number, "unassigned", text, text, text)
