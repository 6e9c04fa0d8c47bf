"""Benchmark the workshop room (run on demand: `.venv/bin/python benchmarks/room.py
[--sizes 5 10 20]`).

In a room, every participant's page renders on their own device; the trainer's machine (the
2-core reference machine) serves. So the benchmark measures the two parts apart, in one run:

- **served** (the server, under load): N participants open module 01 at the same moment,
  each as a :class:`widgetclient.PageClient` that makes the page's requests over HTTP and the
  kernel's websocket (page, its files, kernel info, every widget state). Seconds until a
  page's widget states arrived, median and p95; then every participant checks three answers
  at once: seconds from the click until the kernel sent the verdict. Memory per participant
  (kernels' RSS and USS ÷ N, plus the server's share) and CPU seconds of server and kernels.
- **device** (one participant's device, the server idle): one real Debian chromium page
  opens module 01 and checks three answers; its time to interactive (the first quiz item
  can be checked) minus the same page's *served* time is what the device itself needs, and
  likewise for a click. Measured three times; the median counts.

Time to interactive for participant i of N = served_i + device; click to feedback likewise.
Each for (a) the room with module 01 announced by the trainer and its warmed kernels ready
("a minute before": the trainer view says every warmed kernel is ready), (b) the room, not
announced, (c) the baseline: plain Voilà, one kernel per page (`smmkit app`'s command).

`--browsers-on-server 5 10` also runs N chromium pages on this machine (the old all-in-one
measurement; the browsers then take most of the two cores, which a room never asks of the
trainer's machine). Prints a table, ratios room/baseline and the targets (20 participants:
announced p95 ≤ 5 s, not announced p95 ≤ 30 s, click to feedback p95 ≤ 200 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import roomkit as rk
from widgetclient import PageClient

CLICKS_PER_PAGE = 3
TARGETS = {"announced": 5.0, "cold": 30.0, "click_ms": 200.0}

# Check one true/false or single-choice item: choose an answer, wait for it to reach the
# kernel, click "Antwort prüfen", and time until the verdict is in the DOM.
CLICK_JS = """async ([index, check]) => {
    const items = [...document.querySelectorAll('.smmkit-true_false, .smmkit-single_choice')]
        .filter(item => [...item.querySelectorAll('button')]
            .some(b => b.textContent.trim() === check && b.offsetParent !== null));
    const item = items[index % items.length];
    item.scrollIntoView();
    item.querySelector('.widget-radio-box input[type=radio]').click();
    await new Promise(resolve => setTimeout(resolve, 300));
    const button = [...item.querySelectorAll('button')].find(b => b.textContent.trim() === check);
    return await new Promise((resolve, reject) => {
        const started = performance.now();
        const done = () => item.querySelector('.smmkit-verdict');
        const observer = new MutationObserver(() => {
            if (done()) { observer.disconnect(); resolve(performance.now() - started); }
        });
        observer.observe(item, {childList: true, subtree: true, characterData: true});
        setTimeout(() => { observer.disconnect(); reject(new Error('no feedback in 60 s')); },
                   60000);
        button.click();
    });
}"""


@dataclass
class Phase:
    label: str
    n: int
    tti: list[float] = field(default_factory=list)
    tti_in_page: list[float] = field(default_factory=list)
    all_widgets: list[float] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    clicks_ms: list[float] = field(default_factory=list)
    served: list[float] = field(default_factory=list)  # s until a page's widget states arrived
    html: list[float] = field(default_factory=list)  # s until the page's HTML arrived
    served_clicks_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warm_wait: float | None = None
    warm_seen: dict | None = None
    mem: rk.Memory | None = None
    cpu: dict[str, float] = field(default_factory=dict)
    widget_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    repaired: int = 0  # widgets smmkit's template showed again after "model not found"
    fallback_pages: int = 0  # pages whose widget manager gave up on "request_states" after 4 s


def expected_widgets(path: str) -> int:
    from test_widgets_browser import notebook_calls

    from smmkit.bank import load_bank

    bank = load_bank(rk.REPO)
    total = 0
    for _, ref in notebook_calls(rk.APP / path):
        total += len(bank.quiz_sets[ref].items) if ref in bank.quiz_sets else 1
    return total


async def page_run(person: rk.Participant, base: str, expected: int, phase: Phase) -> None:
    started = time.perf_counter()
    try:
        wall, in_page = await rk.open_module(person, base, rk.MODULE_01, timeout_ms=180_000)
    except Exception as exc:  # noqa: BLE001 - a page that never became interactive
        phase.incomplete.append(f"{person.name}: not interactive: {str(exc).splitlines()[0]}")
        await report_page(person, phase)
        return
    phase.tti.append(wall)
    phase.tti_in_page.append(in_page)
    count = await rk.wait_all_widgets(person, expected, timeout_ms=60_000)
    if count < expected:
        phase.incomplete.append(f"{person.name}: {count} of {expected} widgets")
        await report_page(person, phase)
    else:
        phase.all_widgets.append(time.perf_counter() - started)


async def report_page(person: rk.Participant, phase: Phase) -> None:
    """What a page that did not render shows: error places, placeholders, console lines."""
    with contextlib.suppress(Exception):
        shown = await person.page.evaluate(rk.ERROR_PLACES_JS)
        loading = await person.page.evaluate(rk.LOADING_JS)
        phase.incomplete.append(
            f"{person.name}: error places {shown}; 'Loading widget...' places {loading}; "
            f"per-model state requests (4 s fallback) {person.fallback_frames}"
        )
    phase.incomplete += [
        f"{person.name}: console {line[:300]}"
        for line in person.console
        if line.startswith(("[error]", "[warning]", "[pageerror]"))
    ]


async def clicks(person: rk.Participant, phase: Phase) -> None:
    for index in range(CLICKS_PER_PAGE):
        try:
            phase.clicks_ms.append(await person.page.evaluate(CLICK_JS, [index, rk.CHECK]))
        except Exception as exc:  # noqa: BLE001 - reported, the run goes on
            phase.incomplete.append(f"{person.name}: click {index}: {exc}")


async def browser_phase(
    browser, server: rk.Server, n: int, announced: bool, label: str, assets: list[str] | None = None
) -> Phase:
    """N chromium pages on this machine open module 01 at once, then check answers. With
    `assets`, the files the first page loaded from the server are added to it."""
    phase = Phase(label, n)
    base = server.url
    people = await asyncio.gather(
        *(rk.new_participant(browser, f"Person {i + 1}") for i in range(n))
    )
    try:
        if server.kind == "room":
            await asyncio.gather(*(rk.browser_join(p, base) for p in people))
        if announced:
            await announce_and_wait(server, phase)
        if assets is not None:
            people[0].page.on("request", lambda request: assets.append(request.url))
        meter = rk.CpuMeter(server)
        expected = expected_widgets(rk.MODULE_01)
        rk.log(f"  {n} pages open module 01 at once …")
        await asyncio.gather(*(page_run(p, base, expected, phase) for p in people))
        rk.log(
            f"  interactive: median {rk.median(phase.tti):.1f} s, "
            f"p95 {rk.percentile(phase.tti, 95):.1f} s; all widgets p95 "
            f"{rk.percentile(phase.all_widgets, 95):.1f} s"
        )
        phase.mem = rk.memory(server)
        phase.cpu = meter.used()
        await asyncio.gather(*(clicks(p, phase) for p in people))
        rk.log(
            f"  click→feedback: median {rk.median(phase.clicks_ms):.0f} ms, "
            f"p95 {rk.percentile(phase.clicks_ms, 95):.0f} ms ({len(phase.clicks_ms)} clicks)"
        )
        for p in people:
            phase.widget_errors += [f"{p.name}: {line}" for line in p.widget_errors()]
            phase.external += p.external
            phase.fallback_pages += p.fallback_frames > 0
            phase.repaired += p.repaired()
    finally:
        for p in people:
            with contextlib.suppress(Exception):
                await p.context.close()
    return phase


async def announce_and_wait(server: rk.Server, phase: Phase) -> None:
    """The trainer announces module 01; wait until the trainer view says every warmed kernel
    is ready (at most WARM_LIMIT s) and the machine is quiet again."""
    trainer = rk.Trainer(server)
    trainer.announce(rk.MODULE_01)
    rk.log(f"  announced module 01: pool {trainer.live()['room']['warm']}, warming …")
    phase.warm_wait = await asyncio.to_thread(trainer.wait_until_warm, WARM_LIMIT)
    phase.warm_seen = trainer.live()["room"]["warm"]
    trainer.close()
    await asyncio.to_thread(rk.wait_until_quiet, server, 30)
    rk.log(f"  pool ready after {phase.warm_wait:.0f} s: live.json warm={phase.warm_seen}")


STATIC = ("voila/static/", "voila/templates/", "voila/labextensions/", "static/")


def page_files(urls: list[str], base: str) -> list[str]:
    """The files a page loaded from the server (scripts, styles, fonts), as paths; not its
    API calls or the live questions' long poll."""
    files = []
    for url in urls:
        if not url.startswith(base) or not url.removeprefix(base).startswith(STATIC):
            continue
        path = url.removeprefix(base)
        if path not in files:
            files.append(path)
    return files


async def served_phase(server: rk.Server, n: int, announced: bool, label: str,
                       assets: list[str]) -> Phase:  # fmt: skip
    """N participants without browsers open module 01 at once, then check answers at once."""
    phase = Phase(label, n)
    cookies: list[dict[str, str]] = [{} for _ in range(n)]
    if server.kind == "room":
        tokens = await asyncio.gather(
            *(asyncio.to_thread(rk.http_join, server.url, f"Person {i + 1}") for i in range(n))
        )
        cookies = [{"smmkit_room": token} for token in tokens]
    if announced:
        await announce_and_wait(server, phase)
    clients = [PageClient(server.url, jar) for jar in cookies]
    meter = rk.CpuMeter(server)
    rk.log(f"  {n} participants open module 01 at once …")

    async def one(client: PageClient) -> None:
        try:
            times = await client.open(rk.MODULE_01, assets)
        except Exception as exc:  # noqa: BLE001 - reported, the run goes on
            phase.errors.append(f"open: {type(exc).__name__}: {exc}")
            return
        phase.html.append(times["html"])
        phase.served.append(times["served"])

    try:
        await asyncio.gather(*(one(client) for client in clients))
        phase.mem = rk.memory(server)
        phase.cpu = meter.used()
        rk.log(f"  served: median {rk.median(phase.served):.1f} s, "
               f"p95 {rk.percentile(phase.served, 95):.1f} s")  # fmt: skip

        async def answer(client: PageClient) -> None:
            for index in range(CLICKS_PER_PAGE):
                try:
                    phase.served_clicks_ms.append(1000 * await client.answer(index))
                except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                    phase.errors.append(f"click {index}: {type(exc).__name__}: {exc}")

        await asyncio.gather(*(answer(c) for c in clients if c.states))
        rk.log(f"  click→verdict (server): p95 {rk.percentile(phase.served_clicks_ms, 95):.0f} ms")
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    return phase


@dataclass
class Device:
    """What one participant's device adds to the served time (seconds; click in ms)."""

    label: str
    tti: list[float] = field(default_factory=list)  # browser, whole
    served: list[float] = field(default_factory=list)  # the same page, served part
    click_ms: list[float] = field(default_factory=list)
    served_click_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def render(self) -> float:
        return max(0.0, rk.median(self.tti) - rk.median(self.served))

    @property
    def click_extra_ms(self) -> float:
        return max(0.0, rk.median(self.click_ms) - rk.median(self.served_click_ms))


async def device_phase(browser, env, work: Path, kind: str, announced: bool, label: str,
                       assets: list[str]) -> Device:  # fmt: skip
    """One chromium page and one browserless page on an idle server, three times."""
    device = Device(label)
    for attempt in range(DEVICE_REPEATS):
        tag = f"device-{label.replace(' ', '-')}-{attempt}"
        async with rk.serving(kind, env, work, f"{tag}-browser") as server:
            urls: list[str] = []
            phase = await browser_phase(browser, server, 1, announced, label, urls)
            device.tti += phase.tti
            device.click_ms += phase.clicks_ms
            device.problems += phase.incomplete + phase.widget_errors
            if not assets:
                assets += page_files(urls, server.url)
        async with rk.serving(kind, env, work, f"{tag}-served") as server:
            phase = await served_phase(server, 1, announced, label, assets)
            device.served += phase.served
            device.served_click_ms += phase.served_clicks_ms
            device.problems += phase.errors
    rk.log(f"  device ({label}): page {device.render:.1f} s, click +{device.click_extra_ms:.0f} ms")
    return device


RUNS = [("baseline", "voila", False), ("not announced", "room", False),
        ("announced", "room", True)]  # fmt: skip


async def measure(args: argparse.Namespace, work: Path):
    env = rk.isolated_env(work / "env")
    devices: dict[str, Device] = {}
    served: list[Phase] = []
    on_server: list[Phase] = []
    assets: list[str] = []
    async with rk.chromium(env) as browser:
        for label, kind, announced in RUNS:
            rk.log(f"device, {label}: one chromium page, {DEVICE_REPEATS} times …")
            devices[label] = await device_phase(browser, env, work, kind, announced, label, assets)
        rk.log(f"the page loads {len(assets)} files from the server")
        for n in args.browsers_on_server:
            for label, kind, announced in RUNS:
                rk.log(f"N={n} {label}, {n} chromium pages on this machine: starting {kind} …")
                tag = f"n{n}-{label.replace(' ', '-')}-browsers"
                async with rk.serving(kind, env, work, tag) as server:
                    on_server.append(await browser_phase(browser, server, n, announced, label))
    for n in args.sizes:
        for label, kind, announced in RUNS:
            rk.log(f"N={n} {label}: starting {kind} …")
            async with rk.serving(kind, env, work, f"n{n}-{label.replace(' ', '-')}") as server:
                served.append(await served_phase(server, n, announced, label, assets))
    return devices, served, on_server


def fmt(value: float | None, unit: str = "s", digits: int = 1) -> str:
    if value is None or value != value:  # NaN
        return "–"
    return f"{value:.{digits}f} {unit}"


def device_costs(devices: dict[str, Device]) -> tuple[float, float]:
    """The device's own share of a page (s) and of a click (ms): the median of the three
    modes' figures. The device does the same work in every mode (the same page and widget
    states); each mode's figure is a difference of two noisy times, largest where the served
    part is (a cold page)."""
    return (
        rk.median([d.render for d in devices.values()]),
        rk.median([d.click_extra_ms for d in devices.values()]),
    )


def estimate(phase: Phase, devices: dict[str, Device]) -> tuple[list[float], list[float]]:
    """Time to interactive (s) and click to feedback (ms) per participant: served + device."""
    render, click = device_costs(devices)
    tti = [served + render for served in phase.served]
    clicks = [ms + click for ms in phase.served_clicks_ms]
    return tti, clicks


def report(devices: dict[str, Device], served: list[Phase], on_server: list[Phase],
           cores: int) -> None:  # fmt: skip
    print()
    print(f"Room benchmark, module 01, {cores} cores")
    print()
    print(f"One participant's device (a chromium page on this machine, idle server; median of "
          f"{DEVICE_REPEATS}):")  # fmt: skip
    for label, d in devices.items():
        print(f"  {label:<14} page interactive {fmt(rk.median(d.tti))} of which served "
              f"{fmt(rk.median(d.served))} → device {fmt(d.render)}; click "
              f"{fmt(rk.median(d.click_ms), 'ms', 0)}, served {fmt(rk.median(d.served_click_ms), 'ms', 0)}"
              f" → device +{fmt(d.click_extra_ms, 'ms', 0)}")  # fmt: skip
    render, click = device_costs(devices)
    print(f"  → a device adds {fmt(render)} to a page and {fmt(click, 'ms', 0)} to a click")
    print()
    header = (
        f"{'N':>3} {'mode':<14} {'TTI med':>8} {'TTI p95':>8} {'served p95':>10} "
        f"{'html p95':>9} {'click med':>10} {'click p95':>10} {'warm':>6} "
        f"{'RSS/pers':>9} {'USS/pers':>9} {'kernels':>7} {'CPU s srv/krn/machine':>22}"
    )
    print("N participants open module 01 at once (TTI = served + device; click likewise):")
    print(header)
    print("-" * len(header))
    for p in served:
        tti, clicks = estimate(p, devices)
        mem = p.mem
        rss = (mem.kernel_rss + mem.server_rss) / p.n if mem else None
        uss = (mem.kernel_uss + mem.server_uss) / p.n if mem else None
        cpu = "/".join(f"{p.cpu.get(k, 0):.0f}" for k in ("server", "kernels", "machine"))
        print(
            f"{p.n:>3} {p.label:<14} {fmt(rk.median(tti)):>8} {fmt(rk.percentile(tti, 95)):>8} "
            f"{fmt(rk.percentile(p.served, 95)):>10} {fmt(rk.percentile(p.html, 95)):>9} "
            f"{fmt(rk.median(clicks), 'ms', 0):>10} {fmt(rk.percentile(clicks, 95), 'ms', 0):>10} "
            f"{fmt(p.warm_wait, 's', 0):>6} "
            f"{rk.mb(rss) if rss else '–':>9} {rk.mb(uss) if uss else '–':>9} "
            f"{mem.kernels if mem else 0:>7} {cpu:>22}"
        )
    print()
    print("Memory split (kernel RSS/USS per kernel; server RSS):")
    for p in served:
        if p.mem and p.mem.kernels:
            print(
                f"  N={p.n:<3} {p.label:<14} {p.mem.kernels} kernels, "
                f"{rk.mb(p.mem.kernel_rss / p.mem.kernels)} RSS / "
                f"{rk.mb(p.mem.kernel_uss / p.mem.kernels)} USS each; "
                f"server {rk.mb(p.mem.server_rss)} RSS"
            )
    print()
    print("Ratios room / baseline (time to interactive p95):")
    for n in sorted({p.n for p in served}):
        base = next((p for p in served if p.n == n and p.label == "baseline"), None)
        for p in served:
            if p.n != n or p is base or base is None or not base.served:
                continue
            ratio = (rk.percentile(estimate(p, devices)[0], 95)
                     / rk.percentile(estimate(base, devices)[0], 95))  # fmt: skip
            print(f"  N={n:<3} {p.label:<14} ×{ratio:.2f}")
    if on_server:
        print()
        print("N chromium pages on this machine (browsers and server share the cores):")
        for p in on_server:
            print(f"  N={p.n:<3} {p.label:<14} TTI median {fmt(rk.median(p.tti))}, p95 "
                  f"{fmt(rk.percentile(p.tti, 95))}; click p95 "
                  f"{fmt(rk.percentile(p.clicks_ms, 95), 'ms', 0)}; browser CPU "
                  f"{p.cpu.get('browser', 0):.0f} s; {len(p.incomplete)} problems")  # fmt: skip
    print()
    print("Targets (20 participants):")
    for p in served:
        if p.n != 20:
            continue
        tti, clicks = estimate(p, devices)
        if p.label == "announced":
            check("announced TTI p95", rk.percentile(tti, 95), TARGETS["announced"], "s")
        if p.label == "not announced":
            check("not announced TTI p95", rk.percentile(tti, 95), TARGETS["cold"], "s")
        if p.label != "baseline":
            check(f"click→feedback p95 ({p.label})", rk.percentile(clicks, 95),
                  TARGETS["click_ms"], "ms")  # fmt: skip
    if not any(p.n == 20 for p in served):
        print("  (no run with N=20)")
    problems = [f"N={p.n} {p.label}: {line}" for p in served for line in p.errors]
    problems += [f"device {d.label}: {line}" for d in devices.values() for line in d.problems]
    problems += [f"N={p.n} {p.label} (browsers): {line}" for p in on_server
                 for line in p.incomplete + p.widget_errors]  # fmt: skip
    if problems:
        print()
        print("Problems seen:")
        for line in problems:
            print(f"  {line}")
    external = sorted({url for p in on_server for url in p.external})
    print(f"\nRequests beyond 127.0.0.1 (browser pages): {len(external)} {external[:5]}")


def check(label: str, value: float, target: float, unit: str) -> None:
    verdict = "met" if value <= target else "MISSED"
    print(f"  {label:<40} {value:8.1f} {unit}   target ≤ {target:g} {unit}   {verdict}")


WARM_LIMIT = 90.0
DEVICE_REPEATS = 3


def main() -> None:
    global WARM_LIMIT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20],
                        help="numbers of participants opening the module at once")  # fmt: skip
    parser.add_argument("--warm-limit", type=float, default=90.0,
                        help="seconds to let the announced pool warm at most")  # fmt: skip
    parser.add_argument("--browsers-on-server", type=int, nargs="*", default=[],
                        help="also run this many chromium pages on this machine")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    WARM_LIMIT = args.warm_limit
    if not any(rk.APP.glob("*.ipynb")):
        raise SystemExit(f"{rk.APP}: build the app edition first (smmkit build --edition app)")
    work = Path(tempfile.mkdtemp(prefix="smmkit-room-bench-"))
    rk.log(f"work folder {work}")
    started = time.perf_counter()
    devices, served, on_server = asyncio.run(measure(args, work))
    report(devices, served, on_server, os.cpu_count() or 1)
    print(f"\nTotal benchmark time {time.perf_counter() - started:.0f} s")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
