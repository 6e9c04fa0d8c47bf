"""HTML → PDF with Debian's chromium, one browser for many files (DevTools protocol).

nbconvert's own webpdf wants a browser Playwright downloads itself, which cannot be had
offline; Debian's chromium prints the offline handout HTML with A4 pages from CSS `@page`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from ..errors import BuildError
from ..i18n import t
from .cdp import DevToolsBrowser, DevToolsError

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


_ADD_STYLE = (
    "(css => {{ const style = document.createElement('style'); style.textContent = css; "
    "document.head.appendChild(style); }})({css})"
)


MM_PER_INCH = 25.4
A4_INCHES = (210 / MM_PER_INCH, 297 / MM_PER_INCH)
MARGINS_MM = {"Top": 18, "Bottom": 20, "Left": 16, "Right": 16}
# Offline by construction: the tab refuses every network URL (local files and data: load).
BLOCKED_URLS = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]
LOAD_TIMEOUT = 60.0


class PdfPrinter:
    """Keeps one headless chromium tab open; `print(html_path, pdf_path, title, edition)`.

    Files are printed one after another in one reused tab (opening a tab per file cost about
    0.4 s each) on a private thread, so `submit` returns at once. The printer starts its own
    browser, or opens its tab in a `browser` it is given (and then leaves it running).
    """

    def __init__(
        self,
        executable: str | None = None,
        args: list[str] | None = None,
        browser: DevToolsBrowser | None = None,
    ):
        self.executable = (executable or find_chromium()) if browser is None else ""
        self.args = CHROMIUM_ARGS if args is None else args
        self._thread: ThreadPoolExecutor | None = None
        self._browser: DevToolsBrowser | None = browser
        self._owns_browser = browser is None
        self._session: str | None = None
        self._target: str | None = None

    def __enter__(self) -> PdfPrinter:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmkit-pdf")
        try:
            self._thread.submit(self._start).result()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        if self._browser is None:
            self._browser = DevToolsBrowser(self.executable, self.args).start()
        target = self._browser.send("Target.createTarget", url="about:blank")["targetId"]
        self._target = target
        self._session = self._browser.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for method, params in (
            ("Page.enable", {}),
            ("Network.enable", {}),
            ("Network.setBlockedURLs", {"urls": BLOCKED_URLS}),
            ("Emulation.setEmulatedMedia", {"media": "print"}),
        ):
            self._browser.send(method, self._session, **params)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        if self._browser is not None and self._owns_browser:
            self._browser.close()
        elif self._browser is not None and self._target is not None:
            with contextlib.suppress(DevToolsError):  # the browser may be gone already
                self._browser.send("Target.closeTarget", targetId=self._target)
        self._browser = None

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

    def _print(
        self, source: Path, target: Path, title: str, edition: str, header_footer: bool
    ) -> Path:
        browser, session = self._browser, self._session
        assert browser is not None and session is not None
        loaded = browser.expect("Page.loadEventFired", session)
        navigation = browser.send("Page.navigate", session, url=source.resolve().as_uri())
        if navigation.get("errorText"):
            raise BuildError(f"{source}: chromium could not open it ({navigation['errorText']})")
        loaded.result_within(LOAD_TIMEOUT, f"loading {source.name}")
        if header_footer:
            css = json.dumps(page_margin_css(title, edition))
            browser.send("Runtime.evaluate", session, expression=_ADD_STYLE.format(css=css))
        margins = {f"margin{side}": mm / MM_PER_INCH for side, mm in MARGINS_MM.items()}
        pdf = browser.send(
            "Page.printToPDF",
            session,
            paperWidth=A4_INCHES[0],
            paperHeight=A4_INCHES[1],
            printBackground=True,
            preferCSSPageSize=True,
            generateTaggedPDF=True,  # keeps headings and reading order for screen readers
            **margins,
        )
        target.write_bytes(base64.b64decode(pdf["data"]))
        return target


class PrinterPool:
    """Several :class:`PdfPrinter` tabs in one browser, started when the first PDF is due.

    `submit` hands a file to the tab with the fewest files waiting, so two documents print
    at once (each tab renders in a process of its own); `print` waits for its file. One
    browser instead of one per tab saves its start-up and shutdown, about a CPU second.
    Safe to use from several threads.
    """

    def __init__(self, size: int = 2, enabled: bool = True):
        self.size, self.enabled = max(1, size), enabled
        self._browser: DevToolsBrowser | None = None
        self._printers: list[PdfPrinter] = []
        self._waiting: dict[int, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> PrinterPool:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            printers, self._printers = self._printers, []
            browser, self._browser = self._browser, None
        try:
            for printer in printers:
                printer.__exit__(None, None, None)
        finally:
            if browser is not None:
                browser.close()

    def _least_busy(self) -> int:
        with self._lock:
            if len(self._printers) < self.size and all(self._waiting.values()):
                if self._browser is None:
                    self._browser = DevToolsBrowser(find_chromium(), CHROMIUM_ARGS).start()
                self._printers.append(PdfPrinter(browser=self._browser).__enter__())
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
