"""`make lab` in the browser: JupyterLab's menus are German, no "Jupyter news" question pops
up, and a notebook of the working copy opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_support import TOKEN, LabServer
from playwright.sync_api import expect

from smmkit.publish.lab import prepare_working_copy

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def test_lab_is_german_and_quiet(page, tmp_path):
    folder = tmp_path / "arbeitsordner"
    prepare_working_copy(REPO, folder)
    base = tmp_path / "lab"
    base.mkdir()
    server = LabServer(folder, base)
    try:
        server.wait_ready()
        browser_page = page.page
        url = f"http://127.0.0.1:{server.port}/lab/tree/00_einfuehrung.ipynb?token={TOKEN}"
        browser_page.goto(url, wait_until="load", timeout=90_000)
        menu = browser_page.locator("#jp-menu-panel, .lm-MenuBar-content").first
        expect(menu).to_contain_text("Datei", timeout=60_000)
        expect(menu).to_contain_text("Bearbeiten")
        expect(browser_page.locator(".jp-Notebook").first).to_be_visible(timeout=60_000)
        browser_page.wait_for_timeout(3000)  # the news question would come a moment later
        toasts = browser_page.locator(".jp-toast-message, .Toastify__toast").all_inner_texts()
        assert toasts == [], toasts
        shots = REPO / "build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=str(shots / "lab-deutsch.png"))  # the viewport
        assert page.unexpected_requests() == []
    finally:
        server.stop()
