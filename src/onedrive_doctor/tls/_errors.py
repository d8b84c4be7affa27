"""The two exceptions of the TLS wire layer.

``TlsDecodeError`` is evidence about the *server* (it sent bytes that are not the TLS it claims
to speak); ``NeedMoreData`` only says the buffer ends early, so it deliberately is *not* a
``TlsDecodeError``: a caller that catches decode errors must not swallow "wait for more bytes".
"""

from __future__ import annotations

__all__ = ["NeedMoreData", "TlsDecodeError"]


class TlsDecodeError(ValueError):
    """Bytes that cannot be TLS (or SSL 2.0): malformed, oversized or of the wrong protocol.

    ``message`` says what was wrong and where, e.g. ``"ServerHello: session_id length 40 > 32"``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NeedMoreData(Exception):
    """The buffer ends before the structure does; feed more bytes and try again."""
