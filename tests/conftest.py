"""Shared fixtures: every test runs with its own results folder, identity and config dirs."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from helpers import REPO, VALID_ROOT, require_pdf_tools
from hypothesis import settings

# In CI, property tests draw the same examples every run: a red build must be reproducible,
# and a new counterexample must come from a change, not from luck. Locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    for name, sub in {
        "SMMKIT_HOME": "smmkit",
        "SMMKIT_RESULTS_DIR": "results",
        "MPLCONFIGDIR": "mpl",
        "IPYTHONDIR": "ipython",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "XDG_CACHE_HOME": "cache",
        "XDG_CONFIG_HOME": "config",
    }.items():
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    # Kernels with the ipc transport put unix sockets here; their paths must stay < 108 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="smk-rt-", dir="/tmp"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("SMMKIT_ROOT", raising=False)
    for variable in (
        "SMMKIT_ROOM",
        "SMMKIT_RESULTS_MODE",
        "JUPYTERHUB_USER",
    ):  # e.g. a hub terminal
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SMMKIT_LANG", "de")
    yield home
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def results_dir(isolated_home: Path) -> Path:
    return isolated_home / "results"


@pytest.fixture(scope="session")
def fixture_bank():
    from smmkit.bank import load_bank

    return load_bank(VALID_ROOT)


@pytest.fixture(scope="session")
def shipped_bank():
    from smmkit.bank import load_bank

    return load_bank(REPO)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A full build into a shared folder (once per run, whichever worker comes first)."""
    from smmkit.publish.build import BuildOptions, build

    require_pdf_tools()
    base = tmp_path_factory.getbasetemp()
    # xdist workers each have a folder in this run's folder; a run without workers has only
    # its own (its parent holds every earlier run, whose build would be stale).
    run_folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    shared = run_folder / "smmkit-full-build"
    with FileLock(str(shared) + ".lock"):
        done = shared / "done.json"
        if not done.exists():
            env_dirs = shared / "env"
            for name in ("SMMKIT_HOME", "SMMKIT_RESULTS_DIR", "MPLCONFIGDIR", "IPYTHONDIR"):
                os.environ[name] = str(env_dirs / name.lower())
            report = build(
                BuildOptions(
                    root=REPO, out=shared / "build", generated_root=shared / "generated", jobs=2
                )
            )
            done.write_text(
                json.dumps({"seconds": report.seconds, "built": report.built}), encoding="utf-8"
            )
    return shared
