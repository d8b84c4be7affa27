"""Issue 11 point 3: ``collect -o DIR`` and ``--save-bundle DIR`` touch nothing but the bundle.

Real folders, real symbolic links, a person's own file in DIR.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regfiles import WINDOWS_MANIFEST, write_bundle


def _no_staging_left(parent: Path) -> None:
    assert [p.name for p in parent.iterdir() if p.name.endswith(".partial")] == []


def test_a_folder_with_a_users_file_is_refused(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "thesis.docx").write_bytes(b"years of work")
    result = cli("collect", "-o", str(target), "--no-network")
    assert result.code == 3
    assert result.err.strip() == (
        f"onedrive-doctor: error: {target}: the folder is not empty and holds no bundle written by "
        "onedrive-doctor; choose an empty or new folder, or give --force to write the bundle "
        "into it (files with a bundle's names are then replaced, all others are kept)"
    )
    assert sorted(p.name for p in target.iterdir()) == ["thesis.docx"]
    assert (target / "thesis.docx").read_bytes() == b"years of work"
    _no_staging_left(tmp_path)


def test_save_bundle_refuses_a_users_folder_too(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "dsregcmd.txt").write_text("my own notes")
    result = cli("diagnose", "--no-network", "--format", "json", "--save-bundle", str(target))
    assert result.code == 3
    assert "holds no bundle written by onedrive-doctor" in result.err
    assert (target / "dsregcmd.txt").read_text() == "my own notes"


def test_force_writes_the_bundle_and_keeps_other_files(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "thesis.docx").write_bytes(b"years of work")
    (target / "replay.json").write_text('{"attempts": []}')  # a bundle's name: replaced
    result = cli("collect", "-o", str(target), "--no-network", "--force")
    assert result.code == 0, result.err
    assert (target / "thesis.docx").read_bytes() == b"years of work"
    assert not (target / "replay.json").exists()
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["tool"]["name"] == "onedrive-doctor"
    _no_staging_left(tmp_path)


def test_save_bundle_with_force_keeps_other_files(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = cli(
        "diagnose", "--no-network", "--format", "json", "--save-bundle", str(target), "--force"
    )
    assert result.code in (0, 1), result.err
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "manifest.json").is_file()


def test_an_earlier_bundle_is_replaced_without_following_its_registry_link(
    cli: Any, tmp_path: Path
) -> None:
    # Given an earlier bundle of ours whose registry/ is a link to a folder outside it
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.reg").write_text("Windows Registry Editor Version 5.00\r\n")
    (outside / "other.txt").write_text("keep")
    target = tmp_path / "out"
    write_bundle(target, {"manifest.json": WINDOWS_MANIFEST, "replay.json": "{}"})
    (target / "registry").symlink_to(outside, target_is_directory=True)
    (target / "notes.txt").write_text("mine")
    # When a new bundle is collected into it
    result = cli("collect", "-o", str(target), "--no-network")
    # Then nothing outside was touched, the link itself is gone, the person's file stays
    assert result.code == 0, result.err
    assert sorted(p.name for p in outside.iterdir()) == ["other.txt", "precious.reg"]
    assert not (target / "registry").is_symlink()
    assert not (target / "replay.json").exists()
    assert (target / "notes.txt").read_text() == "mine"
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["created"] != "2026-11-20T10:00:00+00:00"
    _no_staging_left(tmp_path)


def test_a_bundle_file_that_is_a_link_is_replaced_not_written_through(
    cli: Any, tmp_path: Path
) -> None:
    outside = tmp_path / "victim.txt"
    outside.write_text("untouched")
    target = tmp_path / "out"
    write_bundle(target, {"manifest.json": WINDOWS_MANIFEST})
    (target / "notes.txt").write_text("mine")  # keeps the folder from being swapped whole
    (target / "unavailable.txt").symlink_to(outside)
    (target / "probes.json").symlink_to(outside)
    assert cli("collect", "-o", str(target), "--no-network").code == 0
    assert outside.read_text() == "untouched"
    assert not (target / "probes.json").exists()
    assert not (target / "unavailable.txt").is_symlink()


def test_a_target_that_is_a_link_is_refused(cli: Any, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    result = cli("collect", "-o", str(link), "--no-network", "--force")
    assert result.code == 3
    assert result.err.strip() == (
        f"onedrive-doctor: error: {link}: is a symbolic link; give the folder itself"
    )
    assert list(real.iterdir()) == []


def test_a_file_as_target_is_refused(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = cli("collect", "-o", str(target), "--no-network", "--force")
    assert result.code == 3
    assert result.err.strip() == f"onedrive-doctor: error: {target}: exists and is not a folder"
    assert target.read_text() == "x"


def test_a_missing_or_empty_target_gets_the_bundle(cli: Any, tmp_path: Path) -> None:
    for target in (tmp_path / "new" / "deeper", tmp_path / "empty"):
        if target.name == "empty":
            target.mkdir()
        assert cli("collect", "-o", str(target), "--no-network").code == 0
        assert (target / "manifest.json").is_file()
        _no_staging_left(target.parent)


def test_an_interrupted_collection_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onedrive_doctor.collect import collector

    target = tmp_path / "out"
    write_bundle(target, {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": "earlier"})

    def interrupted(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(collector, "_collect_into", interrupted)
    with pytest.raises(KeyboardInterrupt):
        collector.collect_bundle(target, None)
    assert (target / "dsregcmd.txt").read_text() == "earlier"
    _no_staging_left(tmp_path)
