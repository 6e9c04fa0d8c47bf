"""`smmkit results purge`: delete a workshop's personal data from its results folder.

What goes: every participant's results file (``*.json`` in smmkit's results format, with
its ``.lock``, left-over temp files and ``*.corrupt-*.json`` copies), the room's roster and
trainer secret (``.room/``) and the pseudonym salt. Per-user subfolders (a JupyterHub's
``<user>/<key>.json``, see docs/jupyterhub.md) are emptied of the same files; the folders
themselves stay, with the permissions the hub gave them. Anything else in the folder (a report
you saved there, notes) stays, and is listed, so nothing unexpected disappears.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import store
from ..room.roster import ROOM_FOLDER
from .loader import CORRUPT_PATTERN
from .pseudonyms import SALT_FILE


@dataclass
class PurgePlan:
    folder: Path
    delete: list[Path] = field(default_factory=list)
    keep: list[Path] = field(default_factory=list)


def _is_results_file(path: Path) -> bool:
    try:
        document = json.loads(path.read_bytes()[:10_000_000])
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and document.get("format") in (
        store.FORMAT,
        store.PARTICIPANT_FORMAT,
    )


def _is_personal(path: Path) -> bool:
    name = path.name
    return bool(
        name in (ROOM_FOLDER, SALT_FILE)
        or CORRUPT_PATTERN.search(name)
        or (name.startswith(".") and name.endswith(".tmp"))  # a killed writer's temp file
        or (name.endswith(".json") and _is_results_file(path))
    )


def _plan_entries(entries: list[Path]) -> list[Path]:
    """Which of one folder's `entries` go."""
    delete = [path for path in entries if _is_personal(path)]
    gone = {path.name for path in delete}
    for path in entries:  # a lock goes with its results file, or when that file is gone
        stem = path.name.removesuffix(".lock")
        if path.name.endswith(".json.lock") and (stem in gone or not (path.parent / stem).exists()):
            delete.append(path)
    return delete


def plan(folder: Path) -> PurgePlan:
    """What purging `folder` would delete and keep (nothing is touched)."""
    entries = sorted(Path(folder).iterdir())
    delete = _plan_entries(entries)
    keep = [path for path in entries if path not in delete]
    for sub in [
        p for p in keep if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    ]:
        inner = sorted(sub.iterdir())
        inner_delete = _plan_entries(inner)
        delete += inner_delete
        keep += [path for path in inner if path not in inner_delete]
    return PurgePlan(Path(folder), delete, keep)


def execute(purge: PurgePlan) -> None:
    for path in purge.delete:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
