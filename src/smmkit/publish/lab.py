"""JupyterLab for participants: a working copy of the exercise edition, in German, quiet.

`smmkit lab` (behind `make lab`) does three things the plain `jupyter lab notebooks/` did not:

- Participants work in a **working copy** (``arbeitsordner/``, git-ignored) made from the
  exercise edition (stubs instead of solutions, no trainer notes). Only notebooks that are
  missing there are written; a participant's own notebook is never overwritten. JupyterLab's
  autosave therefore never writes outputs into the committed sources.
- JupyterLab speaks German and does not ask about Jupyter news: the settings defaults in
  ``smmkit/jupyter/lab/settings/overrides.json`` (JupyterLab's ``app_settings_dir``), so
  nothing is written into the user's home and a user's own choice still wins.
- Saved notebooks carry no widget views (`drop_widget_views`, the contents manager's
  ``pre_save_hook``): without the kernel that made them, JupyterLab would greet every
  reopened quiz with "Error displaying widget: model not found". A short note says to run
  the cell again instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SmmkitError
from .app import JUPYTER_DATA

WORKING_COPY = "arbeitsordner"  # participants see this folder name
TRAINER_COPY = "arbeitsordner-trainer"
LAB_SETTINGS = JUPYTER_DATA / "lab" / "settings"  # overrides.json: German, no news
PRE_SAVE_HOOK = "smmkit.publish.lab.drop_widget_views"
EDITION_FOLDERS = {"exercise": "exercises", "solution": "solutions"}

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    "(Interaktiver Teil – führen Sie die Zelle erneut aus, um ihn wieder anzuzeigen. "
    "Ihre bisherigen Antworten sind gespeichert.)"
)


# --- saving without widget views -------------------------------------------------------------


def strip_widget_views(notebook: dict[str, Any]) -> int:
    """Remove widget views (and saved widget state) from a notebook dict, in place.

    In each code cell the first widget output becomes a short plain-text note, further ones
    are dropped; other outputs (tables, charts, printed text) stay. Returns how many widget
    outputs were removed.
    """
    notebook.get("metadata", {}).pop("widgets", None)
    removed = 0
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        kept: list[Any] = []
        noted = False
        for output in cell.get("outputs", []):
            if WIDGET_VIEW not in (output.get("data") or {}):
                kept.append(output)
                continue
            removed += 1
            if not noted:
                kept.append(
                    {
                        "output_type": "display_data",
                        "data": {"text/plain": WIDGET_NOTE},
                        "metadata": {},
                    }
                )
                noted = True
        cell["outputs"] = kept
    return removed


def drop_widget_views(model: dict[str, Any], **_: Any) -> None:
    """Jupyter server ``pre_save_hook``: save notebooks without widget views.

    Configured by `lab_command` as ``--ContentsManager.pre_save_hook=smmkit.publish.lab.drop_widget_views``.
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_widget_views(model["content"])


# --- the working copy ------------------------------------------------------------------------


@dataclass
class WorkingCopy:
    folder: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """What happened, in German (participants read it in the terminal)."""
        lines = [f"Arbeitsordner: {self.folder}"]
        if self.created:
            lines.append(f"  neu angelegt: {', '.join(self.created)}")
        if self.kept:
            lines.append(
                f"  unverändert gelassen (Ihre Arbeit wird nie überschrieben): {', '.join(self.kept)}"
            )
            lines.append(
                "  Eine frische Fassung erhalten Sie, wenn Sie die Datei löschen oder umbenennen "
                "und `make lab` erneut starten."
            )
        return "\n".join(lines)


def source_folder(root: Path, lang: str) -> Path:
    folder = root / "notebooks" / lang
    if not any(folder.glob("*.ipynb")):
        raise SmmkitError(f"no notebooks in {folder}: is {root} the smmkit project folder?")
    return folder


def prepare_working_copy(
    root: Path, folder: Path, edition: str = "exercise", lang: str = "de"
) -> WorkingCopy:
    """Write the `edition` of every module notebook into `folder`, unless it is there already.

    The notebooks are made from the sources (``notebooks/<lang>/``) with the edition's
    exporter, so the copy is current even when the committed ``exercises/`` lag behind. An
    existing file is never touched, whatever it contains.
    """
    from .build import build_notebook_edition

    if edition not in EDITION_FOLDERS:
        raise SmmkitError(f"unknown edition {edition!r}: choose {' or '.join(EDITION_FOLDERS)}")
    folder.mkdir(parents=True, exist_ok=True)
    result = WorkingCopy(folder)
    for source in sorted(source_folder(root, lang).glob("*.ipynb")):
        target = folder / source.name
        if target.exists():
            result.kept.append(source.name)
            continue
        with tempfile.TemporaryDirectory(dir=folder, prefix=".smmkit-") as staging:
            made = Path(staging) / source.name
            build_notebook_edition(edition, source, made)
            if _create(made, target):
                result.created.append(source.name)
            else:  # appeared meanwhile: it is the participant's now
                result.kept.append(source.name)
    return result


def _create(made: Path, target: Path) -> bool:
    """Give `made` the name `target` unless `target` exists (no overwrite, even in a race)."""
    try:
        os.link(made, target)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system
        try:
            with target.open("xb") as handle:
                handle.write(made.read_bytes())
        except FileExistsError:
            return False
    return True


# --- starting JupyterLab ---------------------------------------------------------------------


def lab_environment(env: Mapping[str, str], root: Path) -> dict[str, str]:
    """`env` with SMMKIT_ROOT set, so kernels find the content bank wherever the copy is."""
    result = dict(env)
    result["SMMKIT_ROOT"] = str(Path(root).resolve())
    return result


def lab_command(folder: Path | str, options: Sequence[str] = ()) -> list[str]:
    """The `jupyter lab` command line for `folder`: German, no news, no widget views saved."""
    lab = Path(sys.executable).with_name("jupyter-lab")
    executable = str(lab) if lab.exists() else shutil.which("jupyter-lab")
    if executable is None:
        raise SmmkitError("JupyterLab is not installed: pip install jupyterlab")
    return [
        executable,
        f"--ServerApp.root_dir={Path(folder).resolve()}",
        f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}",
        *options,
    ]


def serve(folder: Path, root: Path, options: Sequence[str] = ()) -> None:
    """Replace this process with JupyterLab on `folder` (returns only on error)."""
    command = lab_command(folder, options)
    os.execve(command[0], command, lab_environment(os.environ, root))
