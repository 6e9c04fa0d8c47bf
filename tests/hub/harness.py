"""A real JupyterHub for tests and benchmarks: system users, the shipped config, the Python
configurable-http-proxy, REST API logins, kernels driven over their websocket.

``Hub`` (a context manager) creates a group of trainers and system users with random names,
starts ``jupyterhub`` as root with ``deploy/jupyterhub/jupyterhub_config.py`` (plus ports, a
test service token and the temp folders), and on exit stops the hub, ends every process of
its users (by process id), deletes the users, their homes and the group, and restores any
folder it had opened for them. Needs root.

Hubs of this harness take turns machine-wide (a lock file in the temp folder): two test runs on
one machine (two worktrees, CI beside a developer) would otherwise open and close the same
folders (e.g. /root) under each other's running servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from filelock import FileLock
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
VENV_BIN = Path(sys.executable).parent
SERVICE = "smmkit-test"
START_TIMEOUT = 120.0
MACHINE_LOCK = Path(tempfile.gettempdir()) / "smmkit-hub-test.lock"
MACHINE_LOCK_TIMEOUT = 900.0  # another run's hub: about two minutes each


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=check, **kwargs)


def _blocked_folders(paths: list[Path]) -> list[Path]:
    """Folders above `paths` that other users cannot pass through (e.g. /root, where pyenv
    keeps the interpreter the venv links to)."""
    blocked = []
    for path in paths:
        for folder in [path.resolve(), *path.resolve().parents]:
            if folder.is_dir() and not folder.stat().st_mode & stat.S_IXOTH:
                blocked.append(folder)
    return sorted(set(blocked))


@dataclass
class Account:
    name: str
    token: str = ""
    uid: int = 0

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}


@dataclass
class Hub:
    participants: int = 3
    trainers: int = 1
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="smmkit-hub-")))
    suffix: str = field(default_factory=lambda: secrets.token_hex(3))
    users: list[Account] = field(default_factory=list)
    trainer_accounts: list[Account] = field(default_factory=list)
    proxy: str = str(VENV_BIN / "configurable-http-proxy")  # the Python one from PyPI
    _opened: dict[Path, int] = field(default_factory=dict)
    _process: subprocess.Popen | None = None
    _git_server: http.server.ThreadingHTTPServer | None = None
    _machine_lock: FileLock | None = None

    # --- set-up ------------------------------------------------------------------------------

    @property
    def group(self) -> str:
        return f"smktr{self.suffix}"

    @property
    def results(self) -> Path:
        return self.base / "results"

    @property
    def log_path(self) -> Path:
        return self.base / "state" / "hub.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Hub:
        try:
            self._set_up()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _set_up(self) -> None:
        self._machine_lock = FileLock(MACHINE_LOCK, mode=0o600)
        self._machine_lock.acquire(timeout=MACHINE_LOCK_TIMEOUT)
        self.base.chmod(0o755)
        (self.base / "state").mkdir(mode=0o700)
        (self.base / "homes").mkdir(mode=0o755)
        self.token = secrets.token_hex(24)
        run("groupadd", self.group)
        self._groups_made = True
        for index in range(self.participants + self.trainers):
            trainer = index >= self.participants
            name = f"smk{'t' if trainer else 'p'}{index}{self.suffix}"
            extra = ["-G", self.group] if trainer else []
            run("useradd", "-m", "-d", str(self.base / "homes" / name), "-s", "/bin/sh",
                *extra, name)  # fmt: skip
            account = Account(name, uid=int(run("id", "-u", name).stdout))
            (self.trainer_accounts if trainer else self.users).append(account)
        # Let the users' servers run the interpreter and the project (a traverse bit only).
        for folder in _blocked_folders([Path(sys.executable), REPO]):
            self._opened[folder] = folder.stat().st_mode
            folder.chmod(stat.S_IMODE(folder.stat().st_mode) | stat.S_IXOTH)
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = self.base / "state" / "jupyterhub_config.py"
        config.write_text(
            f"load_subconfig({str(DEPLOY_CONFIG)!r})\n"
            f"c.JupyterHub.bind_url = {self.url!r}\n"
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{self.hub_port}'\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{self.api_port}'\n"
            f"c.JupyterHub.services = [{{'name': {SERVICE!r}, 'api_token': {self.token!r}}}]\n"
            "c.JupyterHub.load_roles = [{'name': 'smmkit-test', 'services': ['smmkit-test'],"
            " 'scopes': ['admin:users', 'admin:servers', 'tokens']}]\n"
        )
        env = {
            "PATH": f"{VENV_BIN}{os.pathsep}/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(self.base / "state"),
            "SMMKIT_HUB_RESULTS": str(self.results),
            "SMMKIT_TRAINER_GROUP": self.group,
            "SMMKIT_HUB_GROUPS": self.group,
            "SMMKIT_ROOT": str(REPO),
            "SMMKIT_USER_ENV": sys.prefix,
            "SMMKIT_HUB_PROXY": self.proxy,
        }
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                [str(VENV_BIN / "jupyterhub"), "-f", str(config)],
                cwd=self.base / "state",
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self._process.returncode}):\n{self.log()}")
            with contextlib.suppress(OSError, RuntimeError):  # proxy up, hub route not yet
                if self.api("GET", "/")["version"]:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"jupyterhub did not answer within 60 s:\n{self.log()}")

    # --- the hub's REST API --------------------------------------------------------------------

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            data=data if data is not None else (b"" if method == "POST" else None),
            method=method,
            headers={"Authorization": f"token {token or self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            if error.code >= 500:  # the reason is only in the hub's log
                detail += f"\n--- hub log (end) ---\n{self.log()[-6000:]}"
            raise RuntimeError(f"{method} /hub/api{path}: {error.code} {detail}") from None
        return json.loads(text) if text else None

    def login(self, account: Account) -> Account:
        """What a login does, through the REST API: the user exists in the hub and holds a
        token of their own (scoped to themselves)."""
        self.api("POST", f"/users/{account.name}")
        token = self.api("POST", f"/users/{account.name}/tokens", {"note": "smmkit test login"})
        account.token = token["token"]
        return account

    def request_server(self, account: Account) -> None:
        """Ask the hub to start the user's server, as the user (with their token)."""
        self.api("POST", f"/users/{account.name}/server", token=account.token)

    def start_server(self, account: Account, request: bool = True) -> None:
        """Start the user's server (unless `request` is False: asked for already) and wait
        until the hub says it is ready."""
        if request:
            self.request_server(account)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{account.name}")
            server = model["servers"].get("")
            if server and server["ready"]:
                return
            time.sleep(0.25)
        raise RuntimeError(f"{account.name}'s server did not start:\n{self.log()[-4000:]}")

    def user_url(self, account: Account, path: str) -> str:
        return f"{self.url}/user/{account.name}/{path.lstrip('/')}"

    def get(self, account: Account, path: str, timeout: float = START_TIMEOUT) -> bytes:
        request = urllib.request.Request(self.user_url(account, path), headers=account.headers())
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()

    def post(self, account: Account, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.user_url(account, path),
            data=json.dumps(body).encode(),
            method="POST",
            headers={**account.headers(), "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
            return json.loads(response.read())

    # --- kernels -----------------------------------------------------------------------------

    async def execute(self, account: Account, code: str, timeout: float = 120.0) -> str:
        """Run `code` in a new kernel of the user's server (REST + websocket, as JupyterLab
        does) and return what it printed; an error in the code raises with its traceback."""
        kernel = self.post(account, "api/kernels", {"name": "python3"})
        url = self.user_url(account, f"api/kernels/{kernel['id']}/channels").replace(
            "http", "ws", 1
        )
        socket_ = await websocket_connect(
            HTTPRequest(url, headers=account.headers(), connect_timeout=30)
        )
        msg_id = uuid.uuid4().hex
        socket_.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "",
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },  # fmt: skip
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                    },  # fmt: skip
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        output: list[str] = []
        error = None
        deadline = time.monotonic() + timeout
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"kernel of {account.name} did not finish: {output}")
                raw = await asyncio.wait_for(socket_.read_message(), remaining)
                if raw is None:
                    raise RuntimeError(f"kernel websocket of {account.name} closed: {output}")
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["header"]["msg_type"]
                if kind == "stream":
                    output.append(message["content"]["text"])
                elif kind == "error":
                    error = "\n".join(message["content"]["traceback"])
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    break
        finally:
            socket_.close()
            with contextlib.suppress(Exception):
                request = urllib.request.Request(
                    self.user_url(account, f"api/kernels/{kernel['id']}"),
                    method="DELETE",
                    headers=account.headers(),
                )
                urllib.request.urlopen(request, timeout=30).close()
        if error is not None:
            raise RuntimeError(f"code failed in {account.name}'s kernel:\n{error}")
        return "".join(output)

    # --- the notebooks, as nbgitpuller hands them out ------------------------------------------

    def serve_repository(self) -> str:
        """This project as a git repository over HTTP (git's "dumb" protocol: a static file
        server, so no shallow clones), as a company's git server would offer it."""
        bare = self.base / "repo" / "smmkit.git"
        bare.parent.mkdir()
        work = self.base / "repo" / "work"
        run("git", "init", "-q", "-b", "main", str(work))
        for name in ("content", "exercises", "pyproject.toml"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, work / name)
            else:
                shutil.copy2(source, work / name)
        git = ["git", "-C", str(work), "-c", "user.name=smmkit", "-c", "user.email=t@example.org"]
        run(*git, "add", "-A")
        run(*git, "commit", "-q", "-m", "modules")
        run("git", "clone", "-q", "--bare", str(work), str(bare))
        run("git", "-C", str(bare), "update-server-info")
        for path in [bare, *bare.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IROTH | (
                stat.S_IXOTH if path.is_dir() else 0))  # fmt: skip
        directory = str(bare.parent)

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=directory, **kwargs)

            def log_message(self, *args):
                pass

        self._git_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=self._git_server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._git_server.server_address[1]}/smmkit.git"

    # --- clean-up ----------------------------------------------------------------------------

    def user_processes(self) -> list[psutil.Process]:
        uids = {a.uid for a in self.users + self.trainer_accounts if a.uid}
        found = []
        for process in psutil.process_iter(["uids"]):
            with contextlib.suppress(psutil.Error):
                if process.info["uids"] and process.info["uids"].real in uids:
                    found.append(process)
        return found

    def close(self) -> None:
        if self._git_server is not None:
            self._git_server.shutdown()
        children: list[psutil.Process] = []
        if self._process is not None and self._process.poll() is None:
            with contextlib.suppress(psutil.Error):  # the proxy runs in a session of its own
                children = psutil.Process(self._process.pid).children(recursive=True)
            os.killpg(self._process.pid, signal.SIGTERM)  # the hub stops the users' servers
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(10)
        for child in children:  # what the hub left running (by process id)
            with contextlib.suppress(psutil.Error):
                child.terminate()
        psutil.wait_procs(children, timeout=5)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        # Whatever the hub left of its users' processes (by process id, users made here).
        for _ in range(3):
            left = self.user_processes()
            if not left:
                break
            for process in left:
                with contextlib.suppress(psutil.Error):
                    process.kill()
            psutil.wait_procs(left, timeout=5)
        for account in self.users + self.trainer_accounts:
            run("userdel", "-r", account.name, check=False)
        if getattr(self, "_groups_made", False):
            run("groupdel", self.group, check=False)
        for folder, mode in self._opened.items():
            with contextlib.suppress(OSError):
                folder.chmod(stat.S_IMODE(mode))
        shutil.rmtree(self.base, ignore_errors=True)
        if self._machine_lock is not None and self._machine_lock.is_locked:
            self._machine_lock.release()


def run_async(coroutine):
    """Run `coroutine` to its end in a fresh event loop of its own thread: a test process may
    already have a loop running in its main thread (Playwright's sync API leaves one), and
    ``asyncio.run`` refuses to start inside it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def as_user(account: Account, *command: str) -> subprocess.CompletedProcess:
    """`command` run as the system user (runuser), never raising."""
    return run("runuser", "-u", account.name, "--", *command, check=False)


@contextlib.contextmanager
def hub(participants: int = 3, trainers: int = 1) -> Iterator[Hub]:
    with Hub(participants, trainers) as running:
        yield running
