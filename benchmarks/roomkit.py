"""Shared parts of the room benchmarks (`room.py`, `room_load.py`): an isolated environment,
the room server and plain Voilà as subprocesses, joining and announcing over HTTP, one
headless Debian chromium (Playwright, async API), process memory and CPU accounting.

Nothing here is mocked: real servers on 127.0.0.1, real kernels, a real browser, offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "src", REPO / "tests", REPO / "tests" / "browser"):  # last first
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from conftest import CHROMIUM, CHROMIUM_ARGS, _isolated_env  # noqa: E402

from smmkit.i18n import t  # noqa: E402
from smmkit.publish.app import voila_command, voila_environment  # noqa: E402

APP = REPO / "build" / "de" / "app"
MODULE_01 = "01_offenheit_kommunikation.ipynb"
MODULE_03 = "03_strategisches_denken.ipynb"
CHECK = t("button.check")  # "Antwort prüfen"
RETRY = t("button.retry")
SMMKIT = Path(sys.executable).with_name("smmkit")
START_TIMEOUT = 90.0

# The first quiz item is on the page and can be used: its check button (or, once answered,
# its retry button) is shown and enabled.
INTERACTIVE_JS = """() => {
    const item = document.querySelector('.smmkit-item');
    if (!item) return false;
    const button = [...item.querySelectorAll('button')]
        .find(b => ['CHECK', 'RETRY'].includes(b.textContent.trim()) && b.offsetParent !== null);
    return !!button && !button.disabled && performance.now();
}""".replace("'CHECK'", repr(CHECK)).replace("'RETRY'", repr(RETRY))

# Widget roots in notebook order (quiz sets' items count one by one).
ROOTS = ".smmkit-item, .smmkit-scenario, .smmkit-likert"
COUNT_JS = f"() => document.querySelectorAll('{ROOTS}').length"
# Places where a widget could not be shown, with the text of the cell before them.
ERROR_PLACES_JS = """() => [...document.querySelectorAll('.jupyter-widgets')]
    .filter(e => /Error displaying widget|model not found/.test(e.textContent))
    .map(e => {
        const cell = e.closest('.jp-Cell');
        const before = cell && cell.previousElementSibling;
        return (before ? before.textContent.trim().slice(-60) : '?') + ' | ' + e.textContent.trim();
    })"""
LOADING_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
    .filter(e => e.textContent.trim() === 'Loading widget...').length"""
WIDGET_ERRORS = re.compile(
    r"(?<!shown again after \")model not found|Error displaying widget|Could not create", re.I
)
# ipywidgets' widget manager asks the kernel for all widget states at once ("request_states"
# on its control comm) and waits 4 s for the answer (CONTROL_COMM_TIMEOUT, hard-coded in the
# jupyterlab-manager bundle); after that it falls back to one "request_state" per model.
FALLBACK_FRAME = '"request_state"'


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def isolated_env(base: Path) -> dict[str, str]:
    """HOME, Jupyter, IPython, matplotlib, XDG and SMMKIT folders under `base` (as the
    browser tests do), and smmkit's Voilà templates on JUPYTER_PATH."""
    env = voila_environment(_isolated_env(base))
    env["SMMKIT_ROOT"] = str(REPO)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    """The room (`smmkit room`) or plain Voilà (`smmkit app`'s command) as a subprocess in a
    process group of its own."""

    kind: str  # "room" or "voila"
    env: dict[str, str]
    results: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        if self.kind == "room":
            return [str(SMMKIT), "room", "--results", str(self.results), "--bind", "127.0.0.1",
                    "--port", str(self.port), "--no-build", "--root", str(REPO)]  # fmt: skip
        return voila_command(APP, ["--no-browser", f"--port={self.port}", "--Voila.port_retries=0"])

    def start(self) -> float:
        """Start and wait until it serves; returns the seconds that took."""
        self.results.mkdir(parents=True, exist_ok=True)
        env = dict(self.env, SMMKIT_RESULTS_DIR=str(self.results))
        started = time.perf_counter()
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.wait_ready()
        return time.perf_counter() - started

    def wait_ready(self) -> None:
        probe = f"{self.url}voila/static/voila.js"  # static: polling it starts no kernel
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.kind} exited ({self.process.returncode}):\n{self.tail()}"
                )
            with (
                contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
                urllib.request.urlopen(probe, timeout=2) as response,
            ):
                if response.status == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not serve {probe}:\n{self.tail()}")
            time.sleep(0.1)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def tree(self) -> list[psutil.Process]:
        """The server and every process under it (kernels run in sessions of their own, so
        the process group does not hold them, but they are the server's children)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill(self) -> None:
        """SIGKILL the server's process group and every kernel under it (a crash)."""
        if self.process is None:
            return
        tree = self.tree()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for process in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        self.process.wait(timeout=10)
        psutil.wait_procs(tree, timeout=10)

    def stop(self) -> None:
        """SIGTERM (Voilà shuts its kernels down), SIGKILL whatever is left."""
        if self.process is None or self.process.poll() is not None:
            return
        tree = self.tree()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        _, alive = psutil.wait_procs(tree, timeout=10)
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextlib.asynccontextmanager
async def serving(kind: str, env: dict[str, str], work: Path, tag: str):
    """A room or plain Voilà server for one measurement, its results and log under `work`
    named by `tag`; stopped afterwards, whatever happened."""
    server = Server(kind, env, work / f"results-{tag}", work / f"{tag}.log")
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def is_kernel(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return "ipykernel_launcher" in " ".join(process.cmdline())
    return False


@dataclass
class Memory:
    kernels: int
    kernel_rss: float  # bytes, summed
    kernel_uss: float
    server_rss: float
    server_uss: float


def memory(server: Server) -> Memory:
    kernels = [0.0, 0.0]
    own = [0.0, 0.0]
    count = 0
    for process in server.tree():
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        target = kernels if is_kernel(process) else own
        count += target is kernels
        target[0] += info.rss
        target[1] += info.uss
    return Memory(count, kernels[0], kernels[1], own[0], own[1])


class CpuMeter:
    """CPU seconds used meanwhile by the server, its kernels, the browser (this process's
    other descendants: Playwright driver, chromium) and the whole machine."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.start = self.sample()

    def sample(self) -> dict[str, float]:
        out = {"server": 0.0, "kernels": 0.0, "browser": 0.0}
        tree = {p.pid for p in self.server.tree()}
        for process in self.server.tree():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                out["kernels" if is_kernel(process) else "server"] += times.user + times.system
        for process in psutil.Process().children(recursive=True):
            if process.pid in tree or process.pid == (self.server.process or process).pid:
                continue
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                out["browser"] += times.user + times.system
        out["machine"] = busy_cpu_seconds()
        return out

    def used(self) -> dict[str, float]:
        now = self.sample()
        # kernels that ended meanwhile are not counted; started ones count in full
        return {key: now[key] - (self.start[key] if key in ("server", "browser", "machine")
                                 else 0.0) for key in now}  # fmt: skip


def busy_cpu_seconds() -> float:
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(server: Server, limit: float, threshold: float = 0.25) -> float:
    """Wait until the server and its kernels use less than `threshold` of one core over a
    second (the warmed kernels have executed the module), at most `limit` s. Returns the
    seconds waited."""
    started = time.perf_counter()
    previous = None
    while time.perf_counter() - started < limit:
        total = 0.0
        for process in server.tree():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        if (
            previous is not None
            and total - previous < threshold
            and time.perf_counter() - started > 3
        ):
            break
        previous = total
        time.sleep(1.0)
    return time.perf_counter() - started


# --- HTTP: join, trainer -----------------------------------------------------------------------

XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')


def http_join(base: str, name: str) -> str:
    """Join the room as `name` the way the form does; returns the participant's token."""
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/join")
        xsrf = XSRF.search(page.text).group(1)
        answer = client.post("/join", data={"_xsrf": xsrf, "name": name})
        assert answer.status_code in (200, 302), answer.status_code
        return client.cookies["smmkit_room"]


class Trainer:
    def __init__(self, server: Server) -> None:
        secret = (server.results / ".room" / "trainer-secret").read_text().strip()
        self.client = httpx.Client(base_url=server.url, timeout=60, follow_redirects=True)
        page = self.client.get(f"/trainer?key={secret}")
        page.raise_for_status()
        self.xsrf = XSRF.search(page.text).group(1)

    def announce(self, module: str) -> None:
        answer = self.client.post("/trainer/next", data={"_xsrf": self.xsrf, "module": module})
        answer.raise_for_status()

    def live(self) -> dict:
        return self.client.get("/trainer/live.json").json()

    def wait_until_warm(self, limit: float) -> float:
        """Seconds until every warmed kernel has run the announced module (at most `limit`)."""
        start = time.monotonic()
        while time.monotonic() - start < limit:
            pools = self.live()["room"]["warm"].values()
            if pools and all(pool["starting"] == 0 for pool in pools):
                break
            time.sleep(1)
        return time.monotonic() - start

    def close(self) -> None:
        self.client.close()


async def server_side_render(base: str, tokens: list[str | None], path: str) -> list[float]:
    """N concurrent GETs of a module page; seconds until each response is complete."""

    async def one(token: str | None) -> float:
        cookies = {"smmkit_room": token} if token else None
        async with httpx.AsyncClient(base_url=base, timeout=300, cookies=cookies) as client:
            started = time.perf_counter()
            answer = await client.get(f"voila/render/{path}")
            answer.raise_for_status()
            assert "smmkit" in answer.text
            return time.perf_counter() - started

    return list(await asyncio.gather(*(one(token) for token in tokens)))


# --- browser -----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def chromium(env: dict[str, str]):
    """One headless Debian chromium; the Playwright driver runs in the isolated environment."""
    from playwright.async_api import async_playwright

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        manager = async_playwright()
        playwright = await manager.start()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    browser = await playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env, headless=True
    )
    try:
        yield browser
    finally:
        await browser.close()
        await playwright.stop()


@dataclass
class Participant:
    """One browser context in the room."""

    name: str
    context: object
    page: object = None
    console: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    fallback_frames: int = 0  # per-model state requests: the 4 s wait ran out

    async def open_page(self) -> object:
        self.page = await self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"[{m.type}] {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"[pageerror] {e}"))
        self.page.on("request", self._request)
        self.page.on("websocket", self._websocket)
        return self.page

    def _request(self, request) -> None:
        host = re.sub(r"^\w+://([^/:]+).*$", r"\1", request.url)
        if request.url.startswith(("http", "ws")) and host not in ("127.0.0.1", "localhost"):
            self.external.append(request.url)

    def widget_errors(self) -> list[str]:
        return [line for line in self.console if WIDGET_ERRORS.search(line)]

    def repaired(self) -> int:
        """Widgets smmkit's Voilà template showed again after "model not found"."""
        return sum("[smmkit] widget shown again" in line for line in self.console)

    def _websocket(self, socket) -> None:
        def sent(payload) -> None:
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            if FALLBACK_FRAME in text:
                self.fallback_frames += 1

        socket.on("framesent", sent)


async def new_participant(browser, name: str, timeout_ms: int = 180_000) -> Participant:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(timeout_ms)
    participant = Participant(name, context)
    await participant.open_page()
    return participant


async def browser_join(participant: Participant, base: str) -> None:
    page = participant.page
    await page.goto(base + "join")
    await page.fill("#name", participant.name)
    await page.click("button[type=submit]")
    await page.wait_for_url(base)


async def open_module(participant: Participant, base: str, path: str, timeout_ms: int = 300_000):
    """Navigate to a module page; seconds from the navigation's start until the first quiz
    item can be checked (and the page's own figure, performance.now(), in s)."""
    page = participant.page
    started = time.perf_counter()
    await page.goto(f"{base}voila/render/{path}", wait_until="commit", timeout=timeout_ms)
    handle = await page.wait_for_function(INTERACTIVE_JS, polling=100, timeout=timeout_ms)
    wall = time.perf_counter() - started
    in_page = await handle.json_value()
    return wall, in_page / 1000


async def wait_all_widgets(participant: Participant, expected: int, timeout_ms: int) -> int:
    """Wait until `expected` widget roots rendered (or the timeout); returns the count."""
    page = participant.page
    with contextlib.suppress(Exception):
        await page.wait_for_function(
            f"() => document.querySelectorAll('{ROOTS}').length >= {expected}",
            polling=250,
            timeout=timeout_ms,
        )
    return await page.evaluate(COUNT_JS)


# --- statistics --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 5 values is the largest)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, int(-(-q * len(ordered) // 100)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"
