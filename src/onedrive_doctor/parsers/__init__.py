"""Pure parsers: bytes and text Windows writes -> typed values."""
