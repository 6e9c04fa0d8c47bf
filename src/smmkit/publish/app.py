"""Serve the app edition with Voilà: widgets only, and nothing loaded from the internet."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import SmmkitError

VOILA_TEMPLATE = "smmkit_app"  # Voilà's lab template without its CDN links (see the template)
JUPYTER_DATA = Path(__file__).parents[1] / "jupyter"  # holds voila/templates/smmkit_app


def voila_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with smmkit's Jupyter data folder first on JUPYTER_PATH, where Voilà looks for
    templates by name."""
    result = dict(env)
    paths = [str(JUPYTER_DATA), *filter(None, result.get("JUPYTER_PATH", "").split(os.pathsep))]
    result["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return result


def voila_command(target: Path | str, options: Sequence[str] = (), lang: str = "de") -> list[str]:
    """The Voilà command line for a notebook or a folder of notebooks in language `lang`
    (the pages' `<html lang>`, which screen readers need to pronounce the text)."""
    voila = Path(sys.executable).with_name("voila")
    executable = str(voila) if voila.exists() else shutil.which("voila")
    if executable is None:
        raise SmmkitError("Voilà is not installed: pip install voila")
    return [
        executable,
        f"--template={VOILA_TEMPLATE}",
        "--Voila.ip=127.0.0.1",
        "--KernelManager.transport=ipc",
        f"--VoilaExporter.language_code={lang}",
        # A closed tab leaves its kernel behind (Voilà's own shutdown needs a cookie that
        # pages opened by address never get): shut down kernels without a browser.
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
        *options,
        str(target),
    ]


def serve(target: Path | str, options: Sequence[str] = ()) -> None:
    """Replace this process with Voilà serving `target` (returns only on error)."""
    if not Path(target).exists():
        raise SmmkitError(f"{target} does not exist: build the app edition first (make app)")
    command = voila_command(target, options)
    os.execve(command[0], command, voila_environment(os.environ))
