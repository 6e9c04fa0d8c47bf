"""The app pages (smmkit's Voilà template) pass an axe-core WCAG 2 A/AA audit: no critical
or serious findings. The page is audited after it has rendered every widget and chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe import audit, report, serious
from test_widgets_browser import app_edition

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
AUDITED = ["00_einfuehrung", "01_offenheit_kommunikation", "05_abschluss"]


@pytest.mark.parametrize("name", AUDITED)
def test_app_page_has_no_serious_accessibility_findings(name, built, voila_server, page, tmp_path):
    notebook = app_edition(built, REPO / "notebooks" / "de" / f"{name}.ipynb", tmp_path)
    server = voila_server(notebook, REPO)
    page.open(server, ".smmkit-item, .smmkit-scenario, .smmkit-likert")
    page.page.wait_for_load_state("networkidle")
    violations = audit(page.page)
    out = REPO / "build" / "axe"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"app-{name}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
    found = serious(violations)
    assert not found, f"axe found on the app page of {name}:\n{report(found)}"
    # What axe cannot judge: the language is the content's, charts say what they show.
    assert page.page.evaluate("() => document.documentElement.lang") == "de"
    alts = page.page.locator("#rendered_cells img").evaluate_all("els => els.map(e => e.alt)")
    assert all(alt.strip() for alt in alts), alts
    if name == "01_offenheit_kommunikation":  # data exercise charts: described by smmkit
        assert len(alts) >= 2 and "Diagramm" not in alts, alts
        check_line_length_on_a_wide_screen(page, name)


MEASURE = """() => {
  const probe = document.createElement('span');
  probe.textContent = '0'.repeat(100);
  const p = document.querySelector('#rendered_cells .jp-RenderedMarkdown > p');
  p.appendChild(probe);
  const ch = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const texts = [...document.querySelectorAll('#rendered_cells .jp-RenderedMarkdown > p')]
    .map(e => e.getBoundingClientRect().width);
  const outputs = [...document.querySelectorAll('#rendered_cells .jp-CodeCell .jp-OutputArea')]
    .map(e => e.getBoundingClientRect().width);
  return {ch, text: Math.max(...texts), output: Math.max(...outputs),
          page: document.documentElement.clientWidth};
}"""


def check_line_length_on_a_wide_screen(page, name: str) -> None:
    """At 1920 px, paragraphs keep a readable measure (≤ 80 characters of the text font)
    while widget and table outputs are allowed to be wider."""
    page.page.set_viewport_size({"width": 1920, "height": 1080})
    sizes = page.page.evaluate(MEASURE)
    page.screenshot(f"app-{name}-1920")
    assert sizes["text"] <= 80 * sizes["ch"], sizes
    assert sizes["output"] > sizes["text"] * 1.3, sizes  # widgets may use more width
