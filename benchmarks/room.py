"""Benchmark the workshop room (run on demand: `.venv/bin/python benchmarks/room.py
[--sizes 5 10 20]`).

Measured in one run on this machine, for N participants (browser contexts of one Debian
chromium, driven concurrently) who open module 01 at the same moment:

- time to interactive per page (from the navigation's start until the first quiz item is on
  the page with its check button clickable), median and p95, and until every widget of the
  module rendered, for
  (a) the room, the trainer announced module 01 and the warmed pool is ready ("a minute
      before": the trainer view reports every warmed kernel ready, at most --warm-limit s),
  (b) the room, not announced (every page starts its kernel),
  (c) the baseline: plain Voilà, one kernel per page (`smmkit app`'s command, no pools);
- click to feedback while all N pages are open (each page checks a few answers at once;
  measured in the page, from the click until the verdict is in the DOM), median and p95;
- memory per participant: RSS (and USS, without shared pages) of the kernels ÷ N, plus the
  server's share;
- CPU seconds meanwhile: server, kernels, browser (the browser shares the 2 cores);
- server-side render time without a browser: N concurrent GETs, until each response is
  complete (how DESIGN.md §4 measured Voilà).

Prints a table, the ratios room/baseline and the targets (20 participants: announced p95 ≤ 5 s,
not announced p95 ≤ 30 s, click to feedback p95 ≤ 200 ms).
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
    server_side: list[float] = field(default_factory=list)
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


async def browser_phase(browser, server: rk.Server, n: int, announced: bool, label: str) -> Phase:
    phase = Phase(label, n)
    base = server.url
    people = await asyncio.gather(
        *(rk.new_participant(browser, f"Person {i + 1}") for i in range(n))
    )
    try:
        if server.kind == "room":
            await asyncio.gather(*(rk.browser_join(p, base) for p in people))
        if announced:
            trainer = rk.Trainer(server)
            trainer.announce(rk.MODULE_01)
            rk.log(f"  announced module 01: pool {trainer.live()['room']['warm']}, warming …")
            phase.warm_wait = await asyncio.to_thread(trainer.wait_until_warm, WARM_LIMIT)
            phase.warm_seen = trainer.live()["room"]["warm"]
            rk.log(f"  pool ready after {phase.warm_wait:.0f} s: live.json warm={phase.warm_seen}")
            trainer.close()
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


async def server_side_phase(server: rk.Server, n: int, announced: bool, phase: Phase) -> None:
    tokens: list[str | None] = [None] * n
    if server.kind == "room":
        tokens = [rk.http_join(server.url, f"HTTP {i + 1}") for i in range(n)]
    if announced:
        trainer = rk.Trainer(server)
        trainer.announce(rk.MODULE_01)
        await asyncio.to_thread(rk.wait_until_quiet, server, WARM_LIMIT)
        trainer.close()
    phase.server_side = await rk.server_side_render(server.url, tokens, rk.MODULE_01)
    rk.log(
        f"  server-side render: median {rk.median(phase.server_side):.1f} s, "
        f"p95 {rk.percentile(phase.server_side, 95):.1f} s"
    )


async def measure(sizes: list[int], work: Path, server_side: bool) -> list[Phase]:
    env = rk.isolated_env(work / "env")
    phases: list[Phase] = []
    runs = [("baseline", "voila", False), ("not announced", "room", False),
            ("announced", "room", True)]  # fmt: skip
    async with rk.chromium(env) as browser:
        for n in sizes:
            for label, kind, announced in runs:
                tag = f"n{n}-{label.replace(' ', '-')}"
                server = rk.Server(kind, env, work / f"results-{tag}", work / f"{tag}.log")
                rk.log(f"N={n} {label}: starting {kind} …")
                await asyncio.to_thread(server.start)
                try:
                    phase = await browser_phase(browser, server, n, announced, label)
                finally:
                    await asyncio.to_thread(server.stop)
                if server_side:
                    server = rk.Server(
                        kind, env, work / f"results-{tag}-http", work / f"{tag}-http.log"
                    )
                    await asyncio.to_thread(server.start)
                    try:
                        await server_side_phase(server, n, announced, phase)
                    finally:
                        await asyncio.to_thread(server.stop)
                phases.append(phase)
    return phases


def fmt(value: float | None, unit: str = "s", digits: int = 1) -> str:
    if value is None or value != value:  # NaN
        return "–"
    return f"{value:.{digits}f} {unit}"


def report(phases: list[Phase], cores: int) -> None:
    print()
    print(f"Room benchmark, module 01, {cores} cores, one chromium with N contexts")
    header = (
        f"{'N':>3} {'mode':<14} {'TTI med':>8} {'TTI p95':>8} {'all p95':>8} "
        f"{'srv med':>8} {'srv p95':>8} {'click med':>10} {'click p95':>10} "
        f"{'RSS/pers':>9} {'USS/pers':>9} {'kernels':>7} {'CPU s srv/krn/browser/machine':>30}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        mem = p.mem
        rss = (mem.kernel_rss + mem.server_rss) / p.n if mem else None
        uss = (mem.kernel_uss + mem.server_uss) / p.n if mem else None
        cpu = "/".join(
            f"{p.cpu.get(k, 0):.0f}" for k in ("server", "kernels", "browser", "machine")
        )
        print(
            f"{p.n:>3} {p.label:<14} {fmt(rk.median(p.tti)):>8} {fmt(rk.percentile(p.tti, 95)):>8} "
            f"{fmt(rk.percentile(p.all_widgets, 95)):>8} {fmt(rk.median(p.server_side)):>8} "
            f"{fmt(rk.percentile(p.server_side, 95)):>8} "
            f"{fmt(rk.median(p.clicks_ms), 'ms', 0):>10} "
            f"{fmt(rk.percentile(p.clicks_ms, 95), 'ms', 0):>10} "
            f"{rk.mb(rss) if rss else '–':>9} {rk.mb(uss) if uss else '–':>9} "
            f"{mem.kernels if mem else 0:>7} {cpu:>30}"
        )
    print()
    print("Memory split (kernel RSS per kernel; server RSS):")
    for p in phases:
        if p.mem and p.mem.kernels:
            print(
                f"  N={p.n:<3} {p.label:<14} {p.mem.kernels} kernels, "
                f"{rk.mb(p.mem.kernel_rss / p.mem.kernels)} RSS / "
                f"{rk.mb(p.mem.kernel_uss / p.mem.kernels)} USS each; "
                f"server {rk.mb(p.mem.server_rss)} RSS"
            )
    print()
    print("Ratios room / baseline (time to interactive, p95; server-side p95):")
    for n in sorted({p.n for p in phases}):
        base = next((p for p in phases if p.n == n and p.label == "baseline"), None)
        for p in phases:
            if p.n != n or p is base or base is None:
                continue
            tti = rk.percentile(p.tti, 95) / rk.percentile(base.tti, 95)
            srv = (
                rk.percentile(p.server_side, 95) / rk.percentile(base.server_side, 95)
                if p.server_side and base.server_side
                else float("nan")
            )
            print(f"  N={n:<3} {p.label:<14} TTI p95 ×{tti:.2f}   server-side p95 ×{srv:.2f}")
    print()
    print("Targets (20 participants):")
    for p in phases:
        if p.n != 20:
            continue
        if p.label == "announced":
            check("announced TTI p95", rk.percentile(p.tti, 95), TARGETS["announced"], "s")
        if p.label == "not announced":
            check("not announced TTI p95", rk.percentile(p.tti, 95), TARGETS["cold"], "s")
        if p.label != "baseline":
            check(f"click→feedback p95 ({p.label})", rk.percentile(p.clicks_ms, 95),
                  TARGETS["click_ms"], "ms")  # fmt: skip
    if not any(p.n == 20 for p in phases):
        print("  (no run with N=20)")
    print()
    print("Pages whose widget manager waited > 4 s for the widget states and fell back to one")
    print("request per model (ipywidgets CONTROL_COMM_TIMEOUT):")
    for p in phases:
        print(f"  N={p.n:<3} {p.label:<14} {p.fallback_pages} of {p.n}")
    print()
    print('"Error displaying widget: model not found" (console errors; widgets shown again by')
    print("smmkit's Voilà template; pages that still missed widgets):")
    for p in phases:
        missing = sum(
            ("widgets" in line and " of " in line) or "not interactive" in line
            for line in p.incomplete
        )
        print(f"  N={p.n:<3} {p.label:<14} {len(p.widget_errors)} errors, {p.repaired} shown again, "
              f"{missing} pages incomplete")  # fmt: skip
    problems = [(p, line) for p in phases for line in p.incomplete + p.widget_errors]
    if problems:
        print()
        print("Problems seen:")
        for p, line in problems:
            print(f"  N={p.n} {p.label}: {line}")
    external = sorted({url for p in phases for url in p.external})
    print(f"\nRequests beyond 127.0.0.1: {len(external)} {external[:5]}")


def check(label: str, value: float, target: float, unit: str) -> None:
    verdict = "met" if value <= target else "MISSED"
    print(f"  {label:<40} {value:8.1f} {unit}   target ≤ {target:g} {unit}   {verdict}")


WARM_LIMIT = 90.0


def main() -> None:
    global WARM_LIMIT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--warm-limit", type=float, default=90.0,
                        help="seconds to let the announced pool warm at most")  # fmt: skip
    parser.add_argument("--no-server-side", action="store_true",
                        help="skip the browserless server-side render measurement")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    WARM_LIMIT = args.warm_limit
    if not any(rk.APP.glob("*.ipynb")):
        raise SystemExit(f"{rk.APP}: build the app edition first (smmkit build --edition app)")
    work = Path(tempfile.mkdtemp(prefix="smmkit-room-bench-"))
    rk.log(f"work folder {work}")
    started = time.perf_counter()
    phases = asyncio.run(measure(args.sizes, work, not args.no_server_side))
    report(phases, os.cpu_count() or 1)
    print(f"\nTotal benchmark time {time.perf_counter() - started:.0f} s")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
