"""Writing a file whole: a temporary sibling, renamed over the target when complete.

Ctrl-C, a full disk or a crash mid-write leave the previous file (or none), never half of one;
the temporary file is removed when the write fails. ``os.replace`` is atomic on POSIX and on
NTFS within one folder, which is why the temporary file is a sibling of the target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_whole"]


def write_whole(path: Path, data: bytes, *, durable: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling renamed over it; return ``path``.

    The folder must exist. ``durable`` also flushes the data to disk before the rename, so a
    power cut leaves the old file or the new one whole (the fix journal needs that).
    """
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path
