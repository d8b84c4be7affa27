"""Where the tests find what they compare with: the repository's own copies, and ``../shared``.

The contracts (``docs/spec/``), the cited research notes (``docs/knowledge/``) and the saved
Windows outputs (``tests/fixtures/``) are copies kept inside the repository, so every test holds
in a user's clone. The project's ``shared/`` folder sits beside the clone only in the project's
own checkouts and CI; when it is there, ``tests/test_docs.py`` checks that the copies have not
drifted from it. ``ONEDRIVE_DOCTOR_SHARED`` names it when it is elsewhere (a git worktree).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SPEC = DOCS / "spec"
KNOWLEDGE = DOCS / "knowledge"
FIXTURES = REPO / "tests" / "fixtures"


def shared_dir() -> Path | None:
    """The project's ``shared/`` folder, or None in a clone that has none beside it."""
    named = os.environ.get("ONEDRIVE_DOCTOR_SHARED")
    if named:  # named on purpose: a wrong path must fail the drift tests, not turn them off
        return Path(named)
    beside = REPO.parent / "shared"
    return beside if (beside / "spec").is_dir() else None
