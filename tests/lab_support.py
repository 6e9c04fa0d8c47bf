"""A real `jupyter lab` started with the command line `smmkit lab` uses, in an isolated home
(tests/test_lab.py and tests/browser/test_lab_browser.py)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from helpers import REPO

from smmkit.publish.lab import lab_command, lab_environment

TOKEN = "smmkit-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _isolated_env(base: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "IPYTHON", "XDG_", "SMMKIT_")) and k != "PYTHONPATH"
    }
    for name in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "XDG_CONFIG_HOME"):
        folder = base / name.lower()
        folder.mkdir(parents=True)
        env[name] = str(folder)
    runtime = Path(os.environ.get("JUPYTER_RUNTIME_DIR") or base / "runtime")
    runtime.mkdir(parents=True, exist_ok=True)
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


class LabServer:
    """`jupyter lab` on `folder` as `smmkit lab` starts it; with `via_cli`, through the
    `smmkit lab --folder` command itself (which first makes the working copy)."""

    def __init__(self, folder: Path, base: Path, via_cli: bool = False):
        self.folder = folder
        self.port = _free_port()
        self.log_path = base / "lab.log"
        options = [
            "--no-browser",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
        ]
        if via_cli:
            command = [sys.executable, "-m", "smmkit.cli", "lab", "--root", str(REPO)]
            command += ["--folder", str(folder), "--no-browser", "--", *options[1:]]
            env = _isolated_env(base)
        else:
            command = lab_command(folder, options)
            env = lab_environment(_isolated_env(base), REPO)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def request(self, path: str, method: str = "GET", body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                self.request("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start:\n{self.log()}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
