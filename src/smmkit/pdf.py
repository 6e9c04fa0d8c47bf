"""HTML → PDF with Debian's chromium, one browser for many files (Playwright).

nbconvert's own webpdf wants a browser Playwright downloads itself, which cannot be had
offline; Debian's chromium prints the offline handout HTML with A4 pages from CSS `@page`.
"""

from __future__ import annotations

import html
import os
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from .errors import BuildError
from .i18n import t

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


def _header(title: str, edition: str) -> str:
    return (
        '<div style="font-family: DejaVu Sans, sans-serif; font-size: 8pt; color: #333; width: 100%; '
        'margin: 0 16mm; display: flex; justify-content: space-between;">'
        f"<span>{html.escape(title)}</span><span>{html.escape(edition)}</span></div>"
    )


def _footer() -> str:
    return (
        '<div style="font-family: DejaVu Sans, sans-serif; font-size: 8pt; color: #333; width: 100%; '
        f'text-align: center;">{t("paper.page")} <span class="pageNumber"></span> {t("paper.of")} '
        '<span class="totalPages"></span></div>'
    )


class PdfPrinter:
    """Keeps one headless chromium open; `print(html_path, pdf_path, title, edition)` per file.

    Playwright's sync API refuses to run in a thread that already has an asyncio loop (a
    notebook kernel, another Playwright session in the same process), so all browser work
    happens on one private thread of its own.
    """

    def __init__(self, executable: str | None = None):
        self.executable = executable or find_chromium()
        self._thread: ThreadPoolExecutor | None = None
        self._playwright = None
        self._browser = None
        self._tab = None

    def __enter__(self) -> PdfPrinter:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmkit-pdf")
        self._thread.submit(self._start).result()
        return self

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=self.executable, args=CHROMIUM_ARGS, headless=True
        )

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            try:
                self._thread.submit(self._stop).result()
            finally:
                self._thread.shutdown(wait=True)
                self._thread = None

    def print(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool = True
    ) -> Path:
        """Print `source` to `target` (A4); `header_footer=False` for one-page documents such as
        certificates, which carry their own layout."""
        return self.submit(source, target, title, edition, header_footer).result()

    def submit(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool = True
    ) -> Future[Path]:
        """Like :meth:`print`, but returns at once; files are printed in the order submitted."""
        if self._thread is None:
            raise RuntimeError("use PdfPrinter as a context manager")
        return self._thread.submit(self._print, source, target, title, edition, header_footer)

    def _page(self):
        """One tab reused for every file: opening a tab per file cost ~0.4 s each."""
        if self._tab is None:
            self._tab = self._browser.new_page()
            # Offline by construction: refuse any request that is not a local file.
            self._tab.route(
                "**/*",
                lambda route: (
                    route.abort()
                    if not route.request.url.startswith(("file:", "data:"))
                    else route.continue_()
                ),
            )
            self._tab.emulate_media(media="print")
        return self._tab

    def _print(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool
    ) -> Path:
        page = self._page()
        page.goto(source.resolve().as_uri(), wait_until="load")
        page.pdf(
            path=str(target),
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            display_header_footer=header_footer,
            header_template=_header(title, edition),
            footer_template=_footer(),
            margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
            tagged=True,  # a tagged PDF keeps headings and reading order for screen readers
        )
        return target


class PrinterPool:
    """Several :class:`PdfPrinter` (one browser each), started when the first PDF is due.

    `submit` hands a file to the printer with the fewest files waiting, so two documents
    print at once; `print` waits for its file. Safe to use from several threads.
    """

    def __init__(self, size: int = 2, enabled: bool = True):
        self.size, self.enabled = max(1, size), enabled
        self._printers: list[PdfPrinter] = []
        self._waiting: dict[int, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> PrinterPool:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            printers, self._printers = self._printers, []
        for printer in printers:
            printer.__exit__(None, None, None)

    def _least_busy(self) -> int:
        with self._lock:
            if len(self._printers) < self.size and all(self._waiting.values()):
                self._printers.append(PdfPrinter().__enter__())
                self._waiting[len(self._printers) - 1] = 0
            index = min(self._waiting, key=self._waiting.__getitem__)
            self._waiting[index] += 1
            return index

    def _done(self, index: int) -> None:
        with self._lock:
            self._waiting[index] -= 1

    def submit(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool = True
    ) -> Future[Path]:
        if not self.enabled:
            raise RuntimeError("this build makes no PDFs")
        index = self._least_busy()
        future = self._printers[index].submit(source, target, title, edition, header_footer)
        future.add_done_callback(lambda _: self._done(index))
        return future

    def print(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool = True
    ) -> Path:
        return self.submit(source, target, title, edition, header_footer).result()
