"""Browser tests: Debian chromium driven by Playwright against a live, offline Voilà server.

Fixtures
- ``browser_env`` (session): environment for Voilà, its kernels and chromium with HOME,
  Jupyter/IPython/matplotlib/XDG dirs and the SMMKIT_* folders in a temp dir, so nothing
  touches the real home.
- ``voila_server(notebook_path, root)`` (factory): serves one notebook on a free port with
  ``SMMKIT_ROOT=root`` and its own results/identity folders; stopped (process group) when the
  test ends. ``module_voila_server`` is the same for a page several tests share.
- ``browser`` (session): one headless Debian chromium for the whole session.
- ``page`` / ``module_page``: a fresh browser context wrapped in :class:`VoilaPage` (records
  every request, websocket and console message, opens a server, takes full-length
  screenshots into build/screenshots/).

A failing test's report carries the Voilà log(s) and the browser console.
Every test in this folder is marked ``browser``. Without ``/usr/bin/chromium`` the tests are
skipped, or fail when ``CI=true`` (a CI run must not go green without having run them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from smmkit.publish.app import voila_command, voila_environment

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Debian chromium is required: apt-get install chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No DNS at all (there is no network; lookups would stall). The loopback exclusions are
    # needed: without them chromium maps 127.0.0.1 itself to NOTFOUND.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_START_TIMEOUT = 60.0
FIRST_RENDER_TIMEOUT = 90_000  # ms: kernel start, all cells, widget rendering
ACTION_TIMEOUT = 30_000  # ms: clicks and expect(); passing checks return as soon as they hold
SERVERS_KEY = pytest.StashKey[list]()
PAGES_KEY = pytest.StashKey[list]()

_ENV_DIRS = {
    "HOME": "home",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "SMMKIT_HOME": "smmkit-home",
    "SMMKIT_RESULTS_DIR": "smmkit-results",
}
# Variables from the caller's environment that could point a child at real user state.
_DROP_PREFIXES = ("SMMKIT_", "JUPYTER", "IPYTHON", "XDG_", "PLAYWRIGHT_")
_DROP = {"PYTHONPATH", "PYTHONSTARTUP", "PYTHONUSERBASE", "MPLBACKEND", "VIRTUAL_ENV"}


# --- marking ---------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the Voilà logs and the page's console of a failing test to its report."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    pages = list(item.stash.get(PAGES_KEY, []))
    for value in getattr(item, "funcargs", {}).values():
        for one in value if isinstance(value, tuple) else (value,):
            if isinstance(one, VoilaPage) and one not in pages:
                pages.append(one)
    servers = list(item.stash.get(SERVERS_KEY, []))
    servers += [s for page in pages for s in page.servers if s not in servers]
    for server in servers:
        report.sections.append((f"voila log ({server.notebook.name})", server.log()))
    for page in pages:
        if page.console:
            report.sections.append(("browser console", "\n".join(page.console)))


# --- environment -----------------------------------------------------------------------------


def _isolated_env(base: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_DROP_PREFIXES) and key not in _DROP
    }
    for variable, sub in _ENV_DIRS.items():
        folder = base / sub
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env["PYTHONNOUSERSITE"] = "1"
    env["SMMKIT_LANG"] = "de"
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    return env


@pytest.fixture(scope="session")
def browser_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for every child process (Voilà, kernels, Playwright driver, chromium)."""
    return _isolated_env(tmp_path_factory.mktemp("browser-env"))


@contextlib.contextmanager
def _environ(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- Voilà -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class VoilaServer:
    """One running `voila` serving one notebook, with its own results and identity folders."""

    notebook: Path
    root: Path
    port: int
    results_dir: Path
    smmkit_home: Path
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"

    def wait_ready(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        # voila.js is a static file: polling it does not start a kernel (polling `/` would).
        probe = f"{self.url}voila/static/voila.js"
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"voila exited with {self.process.returncode} before serving:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"voila did not serve {probe} within {timeout} s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGTERM lets Voilà shut its kernels down (they run in sessions of their own).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


PORT_ATTEMPTS = 5


def start_voila(notebook_path: Path | str, root: Path | str, base: Path, env: dict[str, str]):
    """Start `voila` for one notebook with SMMKIT_ROOT=root and folders under `base`.

    A free port found by binding port 0 can be taken by another test process before Voilà
    binds it; then Voilà exits, and we try again with another port.
    """
    for attempt in range(1, PORT_ATTEMPTS + 1):
        try:
            return _start_voila_once(notebook_path, root, base / f"try-{attempt}", env)
        except PortTaken:
            if attempt == PORT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


class PortTaken(RuntimeError):
    """Voilà could not bind the port it was given."""


def _start_voila_once(notebook_path, root, base: Path, env: dict[str, str]) -> VoilaServer:
    notebook = Path(notebook_path).resolve()
    server = VoilaServer(
        notebook=notebook,
        root=Path(root).resolve(),
        port=_free_port(),
        results_dir=base / "results",
        smmkit_home=base / "smmkit-home",
        log_path=base / "voila.log",
    )
    server.results_dir.mkdir(parents=True)
    server.smmkit_home.mkdir(parents=True)
    env = voila_environment(env)  # as `smmkit app` runs it: with smmkit's offline template
    env["SMMKIT_ROOT"] = str(server.root)
    env["SMMKIT_RESULTS_DIR"] = str(server.results_dir)
    env["SMMKIT_HOME"] = str(server.smmkit_home)
    # No port retries: Voilà would silently serve on another port than the test talks to.
    options = [f"--port={server.port}", "--Voila.port_retries=0"]
    command = voila_command(notebook, ["--no-browser", *options, "--show_tracebacks=True"])
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(
            command,
            cwd=notebook.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        server.wait_ready()
    except RuntimeError as exc:
        server.stop()
        if "already in use" in server.log():
            raise PortTaken(str(exc)) from exc
        raise
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def _server_factory(base: Path, env: dict[str, str], servers: list[VoilaServer]):
    def start(notebook_path: Path | str, root: Path | str) -> VoilaServer:
        folder = base / f"voila-{len(servers)}"
        server = start_voila(notebook_path, root, folder, env)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def voila_server(request: pytest.FixtureRequest, browser_env: dict[str, str], tmp_path: Path):
    """Factory: ``voila_server(notebook_path, root)`` starts Voilà and waits until it serves.

    Function-scoped on purpose: each test gets fresh results/identity folders and its server
    (and every kernel it started) is gone when the test ends.
    """
    servers: list[VoilaServer] = []
    request.node.stash[SERVERS_KEY] = servers
    with _server_factory(tmp_path, browser_env, servers) as start:
        yield start


@pytest.fixture(scope="module")
def module_voila_server(tmp_path_factory: pytest.TempPathFactory, browser_env: dict[str, str]):
    """The same factory for a page that several tests of one module look at (saves kernels)."""
    with _server_factory(tmp_path_factory.mktemp("voila"), browser_env, []) as start:
        yield start


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(browser_env: dict[str, str]):
    """One headless Debian chromium for the session (Playwright cannot download its own)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    sync_api = pytest.importorskip("playwright.sync_api")
    # The Playwright driver inherits os.environ when it starts: give it the isolated one.
    with _environ(browser_env):
        playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=browser_env, headless=True
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class VoilaPage:
    """A page plus what it did on the network and in its console."""

    page: object  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    servers: list[VoilaServer] = field(default_factory=list)

    def open(self, server: VoilaServer, ready_selector: str) -> None:
        """Load the notebook page and wait until `ready_selector` has rendered.

        Voilà streams the page while it executes the cells, so `load` means every cell ran;
        the widgets render afterwards.
        """
        from playwright.sync_api import expect

        self.servers.append(server)
        self.page.goto(server.url, wait_until="load", timeout=FIRST_RENDER_TIMEOUT)
        expect(self.page.locator(ready_selector).last).to_be_visible(timeout=FIRST_RENDER_TIMEOUT)
        errors = self.page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
        texts = [text for text in errors.all_inner_texts() if "Error" in text]
        assert not texts, "a notebook cell failed:\n" + "\n".join(texts)

    def external_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    def unexpected_requests(self) -> list[str]:
        """Every request beyond localhost (smmkit's Voilà template makes none)."""
        return sorted(set(self.external_requests()))

    def screenshot(self, name: str) -> Path:
        """Screenshot of the whole notebook, not just the viewport.

        Voilà scrolls an inner element, so a full-page screenshot would stop at the viewport:
        grow the viewport to the content's height for the shot, then restore it.
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        viewport = self.page.viewport_size
        height = self.page.evaluate(
            """() => Math.max(document.documentElement.scrollHeight,
                ...[...document.querySelectorAll('*')]
                    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
                    .map(e => e.scrollHeight))"""
        )
        self.page.set_viewport_size({"width": viewport["width"], "height": min(height, 40000)})
        try:
            self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        finally:
            self.page.set_viewport_size(viewport)
        return path


@contextlib.contextmanager
def _new_page(browser) -> Iterator[VoilaPage]:
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(ACTION_TIMEOUT)
    expect.set_options(timeout=ACTION_TIMEOUT)
    playwright_page = context.new_page()
    wrapped = VoilaPage(playwright_page)
    playwright_page.on("request", lambda r: wrapped.requests.append(r.url))
    playwright_page.on("websocket", lambda ws: wrapped.requests.append(ws.url))
    playwright_page.on("console", lambda m: wrapped.console.append(f"[{m.type}] {m.text}"))
    playwright_page.on("pageerror", lambda e: wrapped.console.append(f"[pageerror] {e}"))
    try:
        yield wrapped
    finally:
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser) -> Iterator[VoilaPage]:
    """A fresh context and page (German locale, 1280×900) that records requests and console."""
    with _new_page(browser) as wrapped:
        request.node.stash.setdefault(PAGES_KEY, []).append(wrapped)
        yield wrapped


@pytest.fixture(scope="module")
def module_page(browser) -> Iterator[VoilaPage]:
    """Like `page`, shared by the tests of one module (pair it with `module_voila_server`)."""
    with _new_page(browser) as wrapped:
        yield wrapped


# --- the workshop room -----------------------------------------------------------------------


@dataclass
class RoomServer:
    """A running `smmkit room` (subprocess) on a free port of 127.0.0.1."""

    app: Path
    results: Path
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def notebook(self) -> Path:  # for the failure report
        return self.app / "room"

    def secret(self) -> str:
        return (self.results / ".room" / "trainer-secret").read_text(encoding="utf-8").strip()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        VoilaServer.wait_ready(self, timeout)  # same readiness: /voila/static/voila.js

    def stop(self) -> None:
        VoilaServer.stop(self)


def start_room(app: Path, base: Path, env: dict[str, str], *options: str) -> RoomServer:
    """`smmkit room` serving the app folder `app`, with results under `base`."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        folder = base / f"room-{attempt}"
        folder.mkdir(parents=True)
        server = RoomServer(app, folder / "results", _free_port(), folder / "room.log")
        command = [str(Path(sys.executable).with_name("smmkit")), "room", "--no-build",
                   f"--app={app}", f"--results={server.results}", "--bind=127.0.0.1",
                   f"--port={server.port}", f"--root={REPO}", *options]  # fmt: skip
        with server.log_path.open("wb") as log:
            server.process = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                              stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True)  # fmt: skip
        try:
            server.wait_ready()
            return server
        except RuntimeError:
            server.stop()
            if "already in use" not in server.log() or attempt == PORT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def room_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app edition of module 00 and 01 (what `smmkit room` serves), without a full build."""
    from smmkit.publish.exporters import AppExporter

    folder = tmp_path_factory.mktemp("app")
    for name in ("00_einfuehrung", "01_offenheit_kommunikation"):
        body, _ = AppExporter().from_filename(str(REPO / "notebooks" / "de" / f"{name}.ipynb"))
        (folder / f"{name}.ipynb").write_text(body, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def room(room_app: Path, tmp_path_factory: pytest.TempPathFactory, browser_env: dict[str, str]):
    """One room server shared by a test module's tests."""
    server = start_room(room_app, tmp_path_factory.mktemp("room"), browser_env)
    yield server
    server.stop()
