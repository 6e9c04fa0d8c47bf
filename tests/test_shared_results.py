"""A shared results folder (JupyterHub): file modes from SMMKIT_RESULTS_MODE, per-user
subfolders in the loader and in purge. The permissions between real users are tested with a
real hub in tests/hub/test_hub.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from results_support import record, write_participant

from smmkit import store as progress
from smmkit.errors import SmmkitError
from smmkit.results import load_results
from smmkit.results.loader import scan_results
from smmkit.results.purge import execute, plan

GOOD = [record("beispiel.sc-01", 0, 1.0)]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)

    saved = os.umask(0o022)
    yield set_mask
    os.umask(saved)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_results_mode_sets_file_and_lock_whatever_the_umask(monkeypatch, results_dir, umask, mask):
    monkeypatch.setenv("SMMKIT_RESULTS_MODE", "0640")
    umask(mask)
    store = progress.ProgressStore(progress.Participant.from_name("Anna"))
    store.record("beispiel.sc-01", 0, 1.0, 1.0)
    assert mode_of(store.path) == 0o640
    assert mode_of(Path(f"{store.path}.lock")) == 0o640
    store.path.chmod(0o644)  # the owner opened it up: the next answer closes it again
    store.record("beispiel.sc-01", 1, 0.0, 1.0)
    assert mode_of(store.path) == 0o640
    assert [p.name for p in results_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_without_results_mode_files_follow_the_umask(results_dir, umask):
    umask(0o027)
    store = progress.ProgressStore(progress.Participant.from_name("Anna"))
    store.record("beispiel.sc-01", 0, 1.0, 1.0)
    assert mode_of(store.path) == 0o640
    umask(0o077)
    store.path.chmod(0o604)  # an existing file keeps its mode
    store.record("beispiel.sc-01", 0, 1.0, 1.0)
    assert mode_of(store.path) == 0o604


def test_results_mode_inherits_the_group_of_a_setgid_folder(monkeypatch, tmp_path):
    folder = tmp_path / "anna"
    folder.mkdir()
    other_group = next((g for g in os.getgroups() if g != os.getegid()), None)
    if other_group is None and os.geteuid() == 0:
        other_group = 65534  # root may give a folder any group ("nogroup")
    if other_group is None:
        pytest.skip("needs root or a supplementary group (the hub test covers it)")
    os.chown(folder, -1, other_group)
    folder.chmod(0o2750)
    monkeypatch.setenv("SMMKIT_RESULTS_MODE", "0640")
    store = progress.ProgressStore(progress.Participant.from_name("Anna"), folder)
    store.record("beispiel.sc-01", 0, 1.0, 1.0)
    assert store.path.stat().st_gid == other_group


@pytest.mark.parametrize("value", ["640x", "0400", "1640", "-1", "0x1a0", "999"])
def test_an_unusable_results_mode_is_an_error_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("SMMKIT_RESULTS_MODE", value)
    with pytest.raises(SmmkitError, match="SMMKIT_RESULTS_MODE"):
        progress.results_mode()


def test_results_mode_accepts_octal_with_or_without_leading_zero(monkeypatch):
    for value, mode in (("640", 0o640), ("0600", 0o600), (" 0660 ", 0o660)):
        monkeypatch.setenv("SMMKIT_RESULTS_MODE", value)
        assert progress.results_mode() == mode
    monkeypatch.setenv("SMMKIT_RESULTS_MODE", "")
    assert progress.results_mode() is None


def test_loader_reads_per_user_subfolders(tmp_path, fixture_bank):
    write_participant(tmp_path / "anna", "Anna Gut", GOOD)
    write_participant(tmp_path / "bernd", "Bernd Bauer", GOOD)
    write_participant(tmp_path, "Carla Top", GOOD)  # flat files still count
    write_participant(tmp_path / ".room", "Versteckt", GOOD)  # the room's own folder
    write_participant(tmp_path / "anna" / "deeper", "Zu Tief", GOOD)  # one level only
    (tmp_path / "link").symlink_to(tmp_path / "bernd")  # a link to a folder is not entered
    loaded = load_results(tmp_path, fixture_bank)
    assert sorted(loaded.participants["participant"]) == ["Anna Gut", "Bernd Bauer", "Carla Top"]
    files = sorted(f.file for f in loaded.files)
    anna = progress.participant_key("Anna Gut")
    assert f"anna/{anna}.json" in files and loaded.warnings == []


def test_an_unreadable_subfolder_is_a_warning_not_a_silent_gap(tmp_path, monkeypatch):
    write_participant(tmp_path / "anna", "Anna Gut", GOOD)
    write_participant(tmp_path / "bernd", "Bernd Bauer", GOOD)
    real_listdir = os.listdir

    def listdir(path):  # as root every folder is readable: refuse like the kernel would
        if os.path.basename(path) == "bernd":
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    files, problems = scan_results(tmp_path)
    assert [os.path.relpath(f, tmp_path) for f in files] == [
        f"anna/{progress.participant_key('Anna Gut')}.json"
    ]
    assert [(p.file, "Permission denied" in p.message) for p in problems] == [("bernd/", True)]


def test_purge_deletes_results_in_per_user_subfolders_and_keeps_the_rest(tmp_path):
    tmp_path = tmp_path / "ergebnisse"
    anna = write_participant(tmp_path / "anna", "Anna Gut", GOOD)
    Path(f"{anna}.lock").touch()
    notes = tmp_path / "anna" / "notizen.txt"
    notes.write_text("bleibt")
    write_participant(tmp_path / "bernd", "Bernd Bauer", GOOD)
    purge = plan(tmp_path)
    assert sorted(str(p.relative_to(tmp_path)) for p in purge.delete) == sorted(
        [
            f"anna/{anna.name}",
            f"anna/{anna.name}.lock",
            f"bernd/{progress.participant_key('Bernd Bauer')}.json",
        ]
    )
    execute(purge)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "anna",
        "anna/notizen.txt",
        "bernd",
    ]
