"""The PDF printer: Debian chromium driven by Playwright (real browser, real files)."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from helpers import require_pdf_tools

from smmkit.errors import BuildError
from smmkit.publish.pdf import CHROMIUM_ARGS, PdfPrinter, find_chromium, page_margin_css


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_pdf_tools()


def _page(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(
        f'<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{name}</title>'
        f"</head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _info(pdf: Path) -> dict[str, str]:
    lines = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def test_prints_tagged_a4_with_running_header_and_page_numbers(tmp_path):
    paragraphs = "".join(f"<p>Absatz {n}: Größenänderung überprüfen.</p>" for n in range(160))
    source = _page(tmp_path, "lang.html", f"<h1>Übung – Maße</h1>{paragraphs}")
    target = tmp_path / "lang.pdf"
    with PdfPrinter() as printer:
        assert (
            printer.print(source, target, 'Modul 1: "Offen" & ehrlich', "Trainerausgabe") == target
        )
    info = _info(target)
    pages = int(info["Pages"])
    assert pages >= 3
    assert "A4" in info["Page size"] and info["Tagged"] == "yes"
    second = _text(target, 2)
    assert 'Modul 1: "Offen" & ehrlich' in second and "Trainerausgabe" in second
    assert f"Seite 2 von {pages}" in second
    assert "Größenänderung überprüfen" in _text(target)


def test_certificates_print_without_running_header(tmp_path):
    source = _page(tmp_path, "urkunde.html", "<h1>Teilnahmebescheinigung</h1>")
    target = tmp_path / "urkunde.pdf"
    with PdfPrinter() as printer:
        printer.print(source, target, "Titel", "Ausgabe", header_footer=False)
    text = _text(target)
    assert "Teilnahmebescheinigung" in text and "Seite" not in text and "Titel" not in text


def test_header_text_is_escaped_for_css():
    css = page_margin_css('Ein "Titel" mit \\ und\nUmbruch', "Ausgabe")
    assert '"Ein \\"Titel\\" mit \\\\ und\\A Umbruch"' in css


def test_one_browser_prints_many_files_in_order(tmp_path):
    sources = [_page(tmp_path, f"s{n}.html", f"<h1>Dokument {n}</h1>") for n in range(5)]
    with PdfPrinter() as printer:
        futures = [printer.submit(s, s.with_suffix(".pdf"), "T", "A") for s in sources]
        done = [f.result(timeout=120) for f in futures]
    for number, pdf in enumerate(done):
        text = _text(pdf)
        assert f"Dokument {number}" in text
        assert all(f"Dokument {other}" not in text for other in range(5) if other != number)


@pytest.mark.parametrize("guards", ["all", "offline-context-only"])
def test_pages_cannot_reach_the_network(tmp_path, guards):
    """A page that links an image on a (local) web server prints, and the server sees no request.

    Two guards: chromium resolves no host name, and the browser context is offline; the
    second run proves the offline context on its own.
    """
    args = [a for a in CHROMIUM_ARGS if guards == "all" or "host-resolver" not in a]
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        source = _page(
            tmp_path,
            "extern.html",
            f'<link rel="stylesheet" href="{url}/style.css"><h1>Offline</h1>'
            f'<img src="{url}/bild.png" alt="Bild">',
        )
        with PdfPrinter(args=args) as printer:
            printer.print(source, tmp_path / "extern.pdf", "T", "A")
    finally:
        server.shutdown()
    assert "Offline" in _text(tmp_path / "extern.pdf")
    assert requests == []


def test_a_missing_file_names_the_file(tmp_path):
    with PdfPrinter() as printer, pytest.raises(BuildError, match="fehlt.html"):
        printer.print(tmp_path / "fehlt.html", tmp_path / "fehlt.pdf", "T", "A")


def test_a_browser_that_dies_gives_an_error_and_leaves_the_previous_pdf(tmp_path, monkeypatch):
    pid_file = tmp_path / "chromium.pid"
    wrapper = tmp_path / "chromium"
    wrapper.write_text(f'#!/bin/sh\necho $$ > {pid_file}\nexec {find_chromium()} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("SMMKIT_CHROMIUM", str(wrapper))
    source = _page(tmp_path, "a.html", "<h1>A</h1>")
    target = tmp_path / "out" / "a.pdf"
    with PdfPrinter() as printer:
        previous = printer.print(source, target, "T", "A").read_bytes()
        os.kill(int(pid_file.read_text()), signal.SIGKILL)  # the wrapper execs: this is chromium
        with pytest.raises(BuildError, match="chromium could not print"):
            printer.print(source, target, "T", "A")
        with pytest.raises(BuildError, match="chromium could not print"):
            printer.print(source, tmp_path / "out" / "b.pdf", "T", "A")
    assert target.read_bytes() == previous, "a failed print keeps the previous PDF"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.pdf"], "no partial files"
