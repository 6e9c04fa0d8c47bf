"""Benchmark live questions in the room (run on demand: `.venv/bin/python benchmarks/live.py`).

Measures, in one run on this machine, with a real `smmkit room`, N connected participants
(HTTP clients that keep a long poll open, as the live page does) and the projector page in a
real Debian chromium:

- answer → projector: time from a participant's POST until the projector shows the new count,
  one answer after the other (p50, p95; target p95 ≤ 1 s);
- a burst: all N answer at the same moment; time until the projector shows all N;
- the baseline, measured in the same run: one HTTP round trip to the server (a state request
  that answers at once), and the ratio of the answer → projector time to it.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

TARGET_SECONDS = 1.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # fmt: skip


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browserless:
    """A participant or trainer as HTTP requests with cookies (no JavaScript)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None) -> int:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def join(self, name: str) -> None:
        self.open("join")
        form = urllib.parse.urlencode({"_xsrf": self.cookie("_xsrf"), "name": name}).encode()
        assert self.open("join", form) == 302, f"{name} could not join"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_room(base: Path) -> tuple[subprocess.Popen, str, Path]:
    from smmkit.publish.exporters import AppExporter

    app = base / "app"
    app.mkdir()
    body, _ = AppExporter().from_filename(str(REPO / "notebooks/de/00_einfuehrung.ipynb"))
    (app / "00_einfuehrung.ipynb").write_text(body, encoding="utf-8")
    env = dict(os.environ)
    for name in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                 "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):  # fmt: skip
        (base / name.lower()).mkdir()
        env[name] = str(base / name.lower())
    port = free_port()
    results = base / "results"
    command = [str(Path(sys.executable).with_name("smmkit")), "room", "--no-build",
               f"--app={app}", f"--results={results}", "--bind=127.0.0.1", f"--port={port}",
               f"--root={REPO}"]  # fmt: skip
    log = (base / "room.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "voila/static/voila.js", timeout=2):
                return process, url, results
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((base / "room.log").read_text()) from None
            time.sleep(0.2)


async def follow(client: AsyncHTTPClient, base: str, cookie: str, stop: asyncio.Event) -> None:
    """What a participant's live page does: a long poll, again and again."""
    version = -1
    while not stop.is_set():
        request = HTTPRequest(f"{base}live/state?since={version}", headers={"Cookie": cookie},
                              request_timeout=60)  # fmt: skip
        response = await client.fetch(request, raise_error=False)
        if response.code == 200:
            version = json.loads(response.body)["version"]


async def post(client: AsyncHTTPClient, url: str, person: Browserless, body: dict) -> None:
    headers = {"Cookie": person.header(), "X-XSRFToken": person.cookie("_xsrf"),
               "Content-Type": "application/json"}  # fmt: skip
    response = await client.fetch(HTTPRequest(url, method="POST", headers=headers,
                                              body=json.dumps(body)), raise_error=False)  # fmt: skip
    assert response.code == 200, response.body


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(base: str, people: list[Browserless], trainer: Browserless) -> dict:
    from playwright.async_api import async_playwright

    AsyncHTTPClient.configure(None, max_clients=len(people) + 10)
    client = AsyncHTTPClient()
    stop = asyncio.Event()
    followers = [asyncio.create_task(follow(client, base, p.header(), stop)) for p in people]
    # The baseline: a state request that answers at once (one HTTP round trip).
    round_trips = []
    for _ in range(30):
        start = time.perf_counter()
        await client.fetch(HTTPRequest(f"{base}live/state?since=-1",
                                       headers={"Cookie": people[0].header()}))  # fmt: skip
        round_trips.append(time.perf_counter() - start)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                   args=CHROMIUM_ARGS)  # fmt: skip
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        host = urllib.parse.urlsplit(base).hostname
        await context.add_cookies([{"name": c.name, "value": c.value, "domain": host, "path": "/"}
                                   for c in trainer.jar])  # fmt: skip
        projector = await context.new_page()
        await projector.goto(base + "trainer/projector")
        latencies, bursts = [], []
        for run in range(2):
            await post(
                client,
                f"{base}trainer/live/start",
                trainer,
                {"kind": "poll", "prompt": f"Runde {run + 1}", "options": ["A", "B", "C"]},
            )
            await projector.wait_for_function(
                "() => document.body.innerText.includes('0 Antworten')"
            )
            for count, person in enumerate(people, start=1):
                start = time.perf_counter()
                await post(client, f"{base}live/answer", person,
                           {"question": f"q{run * 2 + 1}", "value": count % 3})  # fmt: skip
                await projector.wait_for_function(
                    "n => document.querySelector('.meta')?.textContent.startsWith(n + ' Antwort')",
                    arg=count)  # fmt: skip
                latencies.append(time.perf_counter() - start)
                print(f"\r  round {run + 1}: {count}/{len(people)} answers", end="", flush=True)
            print()
            await post(
                client,
                f"{base}trainer/live/start",
                trainer,
                {"kind": "poll", "prompt": f"Burst {run + 1}", "options": ["A", "B"]},
            )
            await projector.wait_for_function(
                "() => document.body.innerText.includes('0 Antworten')"
            )
            start = time.perf_counter()
            await asyncio.gather(*(post(client, f"{base}live/answer", p,
                                        {"question": f"q{run * 2 + 2}", "value": i % 2})
                                   for i, p in enumerate(people)))  # fmt: skip
            await projector.wait_for_function(
                "n => document.querySelector('.meta')?.textContent.startsWith(n + ' Antworten')",
                arg=len(people))  # fmt: skip
            bursts.append(time.perf_counter() - start)
        await browser.close()
    stop.set()
    for task in followers:
        task.cancel()
    return {"latencies": latencies, "bursts": bursts, "round_trips": round_trips}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smmkit-live-") as folder:
        process, base, results = start_room(Path(folder))
        try:
            print(f"room at {base}; {args.participants} participants join …", flush=True)
            people = []
            for n in range(args.participants):
                person = Browserless(base)
                person.join(f"Teilnehmende {n + 1}")
                people.append(person)
            trainer = Browserless(base)
            secret = (results / ".room" / "trainer-secret").read_text().strip()
            trainer.open(f"trainer?key={secret}")
            trainer.open("trainer")  # the _xsrf cookie
            figures = asyncio.run(measure(base, people, trainer))
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    lat, rtt = figures["latencies"], figures["round_trips"]
    base_ms = statistics.median(rtt) * 1000
    print(f"\nlive questions, {args.participants} connected participants, projector in chromium")
    print(f"  baseline: one HTTP round trip          median {base_ms:7.1f} ms")
    print(f"  answer → projector ({len(lat)} answers)      median "
          f"{statistics.median(lat) * 1000:7.1f} ms   p95 {p95(lat) * 1000:7.1f} ms   "
          f"(target p95 ≤ {TARGET_SECONDS * 1000:.0f} ms: "
          f"{'met' if p95(lat) <= TARGET_SECONDS else 'MISSED'})")  # fmt: skip
    print(
        f"  ratio to the baseline                  median {statistics.median(lat) * 1000 / base_ms:7.1f} ×"
    )
    for n, burst in enumerate(figures["bursts"], start=1):
        print(f"  burst {n}: all {args.participants} answer at once → all shown after "
              f"{burst * 1000:7.1f} ms")  # fmt: skip
    return 0 if p95(lat) <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
