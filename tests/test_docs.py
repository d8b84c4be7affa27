"""The contracts and sources ship in the repository, and every path the code names exists.

A user's clone has no ``../shared``: the contracts live in ``docs/spec/``, the research notes the
code cites in ``docs/knowledge/``, the saved Windows outputs in ``tests/fixtures/``. Where the
project's ``shared/`` folder is beside the clone (its own checkouts, CI), each copy must equal its
original byte for byte, so the copies cannot drift.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from repo_paths import DOCS, FIXTURES, KNOWLEDGE, REPO, SPEC, shared_dir

CONTRACTS = ("bundle.md", "checks.md", "cli.md")

#: Fixture -> the shared sample it copies (the other fixtures were never in shared/samples/).
SAMPLE_COPIES = (
    "dsregcmd/dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt",
    "dsregcmd/dsregcmd_entra_joined_prt_ok_win10.txt",
    "dsregcmd/dsregcmd_help_switches.txt",
    "dsregcmd/dsregcmd_msdocs_old_format_and_prt_ok.txt",
    "dsregcmd/dsregcmd_msdocs_reference_sections.txt",
    "dsregcmd/dsregcmd_unjoined_workgroup_issue48791_partial.txt",
    "dsregcmd/dsregcmd_workgroup_workplace_joined_it_locale.txt",
    "dsregcmd/nltest_dsgetdc_and_netconnectionprofile.txt",
    "winhttp/winhttpsettings_registry_layout.txt",
)

#: (copy in the repository, its original relative to shared/).
COPIES = [
    *((SPEC / name, f"spec/{name}") for name in CONTRACTS),
    *((path, f"knowledge/{path.name}") for path in sorted(KNOWLEDGE.glob("*.md"))),
    *((FIXTURES / rel, f"samples/{Path(rel).name}") for rel in SAMPLE_COPIES),
]

# A path into the repository's docs or fixtures, as prose names one (trailing dots and commas cut).
_NAMED_PATH = re.compile(r"(?<![\w./-])((?:docs|tests/fixtures)/[\w./-]*[\w/])")
# A file name of shared/spec or shared/knowledge, with whatever path precedes it.
_DOC_NAME = re.compile(
    r"([\w./-]*?)\b((?:checks|bundle|cli|windows-tls|windows-client|anchors|"
    r"field-causes-and-fleet|model-codebases|windows-model-audit)\.md)\b"
)


def _sources() -> list[Path]:
    return sorted((REPO / "src").rglob("*.py"))


def test_the_contracts_ship_in_docs_spec() -> None:
    assert sorted(p.name for p in SPEC.iterdir()) == sorted(CONTRACTS)
    for name in CONTRACTS:
        assert (SPEC / name).read_text(encoding="utf-8").splitlines()[0].endswith("(contract)")


def test_the_cited_knowledge_ships_in_docs_knowledge() -> None:
    assert sorted(p.name for p in KNOWLEDGE.iterdir()) == ["windows-client.md", "windows-tls.md"]
    assert sorted(p.name for p in DOCS.iterdir()) == ["knowledge", "spec"]


@pytest.mark.parametrize(
    ("copy", "original"), COPIES, ids=[str(c.relative_to(REPO)) for c, _ in COPIES]
)
def test_each_copy_equals_its_shared_original(copy: Path, original: str) -> None:
    data = copy.read_bytes()
    assert data.strip(), f"{copy.relative_to(REPO)} is empty"
    shared = shared_dir()
    if shared is not None:  # a user's clone has no original: the copy is the reference there
        assert data == (shared / original).read_bytes(), (
            f"{copy.relative_to(REPO)} differs from shared/{original}: copy it again"
        )


def test_every_shared_contract_and_dsregcmd_sample_has_a_copy() -> None:
    shared = shared_dir()
    if shared is None:
        # Nothing to compare with in a user's clone; the copies themselves are checked above.
        assert all(copy.is_file() for copy, _ in COPIES)
        return
    assert sorted(p.name for p in (shared / "spec").glob("*.md")) == sorted(CONTRACTS)
    copied = {Path(rel).name for rel in SAMPLE_COPIES}
    for sample in (shared / "samples").glob("dsregcmd_*.txt"):
        assert sample.name in copied, f"shared/samples/{sample.name} has no copy in tests/fixtures"


def test_every_docs_path_named_in_the_readme_and_the_code_exists() -> None:
    named: dict[str, str] = {}
    for path in [REPO / "README.md", *_sources()]:
        for match in _NAMED_PATH.finditer(path.read_text(encoding="utf-8")):
            named.setdefault(match[1].rstrip("."), str(path.relative_to(REPO)))
    assert "docs/spec/checks.md" in named  # the scan sees the code's references at all
    missing = {ref: where for ref, where in named.items() if not (REPO / ref).exists()}
    assert missing == {}


def test_the_code_cites_contracts_and_knowledge_by_their_path_in_docs() -> None:
    wrong = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bshared/(?:spec|knowledge|samples)", text), path
        for match in _DOC_NAME.finditer(text):
            folder = "docs/spec/" if match[2] in CONTRACTS else "docs/knowledge/"
            if match[1] != folder:
                line = text.count("\n", 0, match.start()) + 1
                wrong.append(f"{path.relative_to(REPO)}:{line}: {match[0]}")
    assert wrong == []
