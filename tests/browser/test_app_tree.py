"""`smmkit app` on a folder: Voilà's file list at `/` is smmkit's German list, loads nothing
from the internet and passes the axe audit; a module opens from it."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from axe import audit, report, serious
from playwright.sync_api import expect
from test_widgets_browser import app_edition

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
MODULES = ["00_einfuehrung", "01_offenheit_kommunikation"]
ASSET = re.compile(r"<(?:link|script)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)", re.I)


def test_file_list_is_german_offline_and_accessible(built, voila_server, page, tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    for name in MODULES:
        app_edition(built, REPO / "notebooks" / "de" / f"{name}.ipynb", folder)
    server = voila_server(folder, REPO)

    with urllib.request.urlopen(server.url, timeout=30) as response:
        html = response.read().decode("utf-8")
    assets = ASSET.findall(html)
    external = [url for url in assets if re.match(r"(https?:)?//", url)]
    assert external == [], external
    assert '<html lang="de">' in html

    page.servers.append(server)
    page.page.goto(server.url, wait_until="load")
    links = page.page.locator("main a")
    expect(links).to_have_text(MODULES)
    found = serious(audit(page.page))
    assert not found, f"axe found on the file list:\n{report(found)}"
    page.screenshot("app-dateiliste")
    assert page.unexpected_requests() == []

    links.first.click()
    expect(page.page.locator(".smmkit-participant, .smmkit-item").first).to_be_visible(
        timeout=90_000
    )
    assert page.unexpected_requests() == []
