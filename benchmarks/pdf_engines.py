"""Printing the handouts' PDFs: our DevTools client (cdp.py) against Playwright, in one run.

Run on demand: `.venv/bin/python benchmarks/pdf_engines.py [--rounds 3]`. It builds the HTML
editions once (no PDFs), then prints every handout, trainer edition, agenda and guide with
each engine in turn, alternating the order per round (two pages at a time, as the build
does), and prints wall time and CPU seconds per engine, the ratio, and what the difference
is as a share of a full build measured in the same run. The issue's rule: the hand-written
client stays only if Playwright costs more than 10 % of the full build.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from smmkit.publish.build import BuildOptions, build  # noqa: E402
from smmkit.publish.pdf import (  # noqa: E402
    CHROMIUM_ARGS,
    MARGINS_MM,
    PrinterPool,
    find_chromium,
    page_margin_css,
)


class PlaywrightPool:
    """Two pages of one Playwright-driven chromium; `submit` returns a Future (same API)."""

    def __init__(self, size: int = 2):
        self.size = size
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> PlaywrightPool:
        self._thread.start()
        self._call(self._start()).result()
        return self

    def _call(self, coroutine) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS
        )
        context = await self._browser.new_context(offline=True)
        self._pages: asyncio.Queue = asyncio.Queue()
        for _ in range(self.size):
            await self._pages.put(await context.new_page())

    async def _print(self, source: Path, target: Path, title: str, edition: str) -> Path:
        page = await self._pages.get()
        try:
            await page.goto(source.resolve().as_uri())
            await page.add_style_tag(content=page_margin_css(title, edition))
            await page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                tagged=True,
                margin={side.lower(): f"{mm}mm" for side, mm in MARGINS_MM.items()},
            )
        finally:
            await self._pages.put(page)
        return target

    def submit(self, source: Path, target: Path, title: str, edition: str) -> Future:
        return self._call(self._print(source, target, title, edition))

    async def _stop(self) -> None:
        await self._browser.close()
        await self._playwright.stop()

    def __exit__(self, *exc: object) -> None:
        self._call(self._stop()).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime


def print_all(pool_class, pages: list[Path], out: Path) -> tuple[float, float]:
    out.mkdir(parents=True, exist_ok=True)
    cpu, started = children_cpu(), time.perf_counter()
    with pool_class(2) as pool:
        futures = [
            pool.submit(p, out / f"{p.parent.name}-{p.stem}.pdf", p.stem, "Test") for p in pages
        ]
        for future in futures:
            future.result()
    return time.perf_counter() - started, children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="smmkit-pdf-bench-"))
    os.environ.setdefault("MPLCONFIGDIR", str(work / "mpl"))
    started = time.perf_counter()
    build(BuildOptions(root=REPO, out=work / "full", generated_root=work / "gen", force=True))
    full_build = time.perf_counter() - started
    html = work / "html"
    build(BuildOptions(root=REPO, out=html, generated_root=work / "gen", force=True, pdf=False))
    pages = sorted(html.rglob("*.html"))
    engines = {"devtools (cdp.py)": PrinterPool, "playwright": PlaywrightPool}
    walls: dict[str, list[float]] = {name: [] for name in engines}
    cpus: dict[str, list[float]] = {name: [] for name in engines}
    for round_ in range(args.rounds):
        order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
        for name in order:
            wall, cpu = print_all(engines[name], pages, work / f"pdf-{round_}-{name[:4]}")
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"{len(pages)} HTML files; full build with PDFs (cdp) {full_build:.1f} s")
    for name in engines:
        print(
            f"{name:18} wall median {statistics.median(walls[name]):5.1f} s "
            f"(runs {', '.join(f'{w:.1f}' for w in walls[name])}), "
            f"CPU median {statistics.median(cpus[name]):5.1f} s"
        )
    ratios = [p / c for p, c in zip(walls["playwright"], walls["devtools (cdp.py)"], strict=True)]
    extra = statistics.median(walls["playwright"]) - statistics.median(walls["devtools (cdp.py)"])
    print(f"playwright ÷ devtools per round: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"difference: {extra:+.1f} s = {extra / full_build:+.1%} of the full build (rule: 10 %)")


if __name__ == "__main__":
    main()
