"""Execute a notebook in a fresh kernel, in-process (nbclient), with fast, quiet settings."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient


def execute_notebook(
    notebook: nbformat.NotebookNode,
    cwd: Path,
    timeout: int = 300,
    kernel_name: str = "python3",
    extensions: Sequence[str] = ("smmkit",),
    **client_options: Any,
) -> nbformat.NotebookNode:
    """Run every cell of `notebook` (in place) with `cwd` as the kernel's working folder.

    The kernel loads the IPython `extensions` first; smmkit's own gives charts alt texts,
    which the handouts print.
    """
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(cwd)}},
        extra_arguments=[f"--ext={name}" for name in extensions],
        **client_options,
    )
    manager = client.create_kernel_manager()
    # ipc avoids TCP ports (and ipykernel's unencrypted-TCP warning); its sockets need an
    # absolute, short path because the kernel runs in `cwd`, not in ours.
    runtime = Path(os.environ.get("JUPYTER_RUNTIME_DIR") or tempfile.gettempdir())
    runtime.mkdir(parents=True, exist_ok=True)
    manager.transport = "ipc"
    manager.ip = str(runtime / f"smk-{uuid.uuid4().hex[:12]}")
    # The default 5 s shutdown wait caused multi-second stalls per notebook.
    manager.shutdown_wait_time = 0.5
    client.execute()
    return notebook
