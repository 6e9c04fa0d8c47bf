"""HTML → PDF with Debian's chromium, one browser for many files (Playwright).

nbconvert's own webpdf wants a browser Playwright downloads itself, which cannot be had
offline; Debian's chromium, driven by Playwright, prints the offline handout HTML with A4
pages from CSS `@page`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
from concurrent.futures import Future
from pathlib import Path

from ..errors import BuildError
from ..i18n import t
from ..store import atomic_write

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # With no network, chromium's own DNS look-ups otherwise stall 1–5 s per page.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def find_chromium() -> str:
    """Path of the system chromium (env SMMKIT_CHROMIUM overrides)."""
    for candidate in (
        os.environ.get("SMMKIT_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise BuildError(
        "PDF output needs Debian's chromium: apt-get install chromium (or set SMMKIT_CHROMIUM), "
        "or build without PDFs (--no-pdf)"
    )


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def page_margin_css(title: str, edition: str) -> str:
    """Running header (title left, edition right) and footer ("Seite 2 von 40") as CSS page
    margin boxes. Chromium lays them out with the document itself; its header and footer
    templates instead render two extra documents per page, which cost about a quarter of
    the printing time."""
    font = "font: 8pt 'DejaVu Sans', sans-serif; color: #333333;"
    page = _css_string(f"{t('paper.page')} ")
    of = _css_string(f" {t('paper.of')} ")
    return (
        f"@page {{ @top-left {{ content: {_css_string(title)}; {font} }} "
        f"@top-right {{ content: {_css_string(edition)}; {font} }} "
        f"@bottom-center {{ content: {page} counter(page) {of} counter(pages); {font} }} }}"
    )


MARGINS_MM = {"top": 18, "bottom": 20, "left": 16, "right": 16}
LOAD_TIMEOUT_MS = 60_000


class PdfPrinter:
    """Prints HTML files to A4 PDFs in `pages` tabs of one headless chromium (Playwright).

    The browser starts with the first file (a build without PDFs never starts it) and runs
    on a private thread with its own event loop, so `submit` returns a Future at once and
    `pages` files print at the same time. The browser context is offline: a page cannot
    reach any network address, only local files and data: URLs.

    Playwright instead of our own DevTools client: printing the build's 25 PDFs took 1.2 s
    (18 %) longer, 5 % of a full build (`benchmarks/pdf_engines.py`, 2026-12-06), below the
    10 % that would justify keeping a hand-written protocol client.
    """

    def __init__(self, pages: int = 1, args: list[str] | None = None, enabled: bool = True):
        self.pages, self.enabled = max(1, pages), enabled
        self.args = CHROMIUM_ARGS if args is None else args
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started: Future[None] | None = None
        self._lock = threading.Lock()
        self._playwright = self._browser = None

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = self._started = None
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):  # a browser that died cannot be closed
            asyncio.run_coroutine_threadsafe(self._stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="smmkit-pdf", daemon=True
                )
                self._thread.start()
                self._started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
            started, loop = self._started, self._loop
        started.result()
        return loop

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=find_chromium(), args=self.args
        )
        context = await self._browser.new_context(offline=True)
        self._tabs: asyncio.Queue = asyncio.Queue()
        for _ in range(self.pages):
            await self._tabs.put(await context.new_page())

    async def _stop(self) -> None:
        try:
            if self._browser is not None:
                await self._browser.close()
        finally:
            if self._playwright is not None:
                await self._playwright.stop()

    def submit(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool = True
    ) -> Future[Path]:
        """Print `source` to `target` (A4) as soon as a tab is free; `header_footer=False` for
        one-page documents such as certificates, which carry their own layout. The PDF
        replaces `target` only when it is complete (:func:`smmkit.store.atomic_write`)."""
        if not self.enabled:
            raise RuntimeError("this build makes no PDFs")
        loop = self._ensure_started()
        job = self._print(source, target, title, edition, header_footer)
        return asyncio.run_coroutine_threadsafe(job, loop)

    def print(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool = True
    ) -> Path:
        """Like :meth:`submit`, and wait for the file."""
        return self.submit(source, target, title, edition, header_footer).result()

    async def _print(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool
    ) -> Path:
        from playwright.async_api import Error as PlaywrightError

        if not source.is_file():
            raise BuildError(f"{source}: chromium could not open it (no such file)")
        tab = await self._tabs.get()
        try:
            await tab.goto(source.resolve().as_uri(), timeout=LOAD_TIMEOUT_MS)
            if header_footer:
                await tab.add_style_tag(content=page_margin_css(title, edition))
            pdf = await tab.pdf(
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                tagged=True,  # keeps headings and reading order for screen readers
                margin={side: f"{mm}mm" for side, mm in MARGINS_MM.items()},
            )
        except PlaywrightError as exc:
            reason = str(exc).strip().splitlines()[0]
            raise BuildError(f"{source}: chromium could not print it ({reason})") from None
        finally:
            self._tabs.put_nowait(tab)
        return await asyncio.to_thread(atomic_write, target, pdf)
