"""HTML → PDF with Debian's chromium, one browser for many files (Playwright).

nbconvert's own webpdf wants a browser Playwright downloads itself, which cannot be had
offline; Debian's chromium prints the offline handout HTML with A4 pages from CSS `@page`.
"""

from __future__ import annotations

import html
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
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
        if self._thread is None:
            raise RuntimeError("use PdfPrinter as a context manager")
        return self._thread.submit(
            self._print, source, target, title, edition, header_footer
        ).result()

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
