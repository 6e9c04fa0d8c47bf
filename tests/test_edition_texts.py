"""Participant-facing text fits each edition: JupyterLab instructions (cells tagged
`lab-only`: run cells with Umschalt + Enter …) stay out of the app view, app instructions
(`app-only`: click the buttons …) stay out of JupyterLab, and paper gets neither."""

from __future__ import annotations

import re

import nbformat
import pytest
from helpers import REPO

from smmkit.publish.exporters import (
    AppExporter,
    ExerciseExporter,
    HandoutExporter,
    SolutionExporter,
    TrainerExporter,
)

SOURCES = sorted((REPO / "notebooks" / "de").glob("*.ipynb"))
# Words that only make sense where code cells can be seen and run.
LAB_WORDS = re.compile(r"Umschalt|Shift\s*\+\s*Enter|Code-?[Zz]elle|Kernel\b|Restart", re.I)


def markdown_of(body: str) -> list[str]:
    notebook = nbformat.reads(body, as_version=4)
    return [c.source for c in notebook.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_app_edition_does_not_ask_to_run_code_cells(path):
    body, _ = AppExporter().from_filename(str(path))
    found = [m.group(0) for text in markdown_of(body) for m in LAB_WORDS.finditer(text)]
    assert found == [], f"{path.name}: the app view shows no code cells, but the text says {found}"


def test_every_module_explains_both_ways_of_working():
    for path in SOURCES:
        notebook = nbformat.read(path, as_version=4)
        tags = [set(c.metadata.get("tags", [])) for c in notebook.cells]
        assert any("lab-only" in t for t in tags) and any("app-only" in t for t in tags), path.name
        app_texts = [c.source for c, t in zip(notebook.cells, tags, strict=True) if "app-only" in t]
        assert any("klicken" in text.lower() for text in app_texts), path.name


def tagged_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Titel"),
        nbformat.v4.new_markdown_cell("LAB-TEXT", metadata={"tags": ["lab-only"]}),
        nbformat.v4.new_markdown_cell("APP-TEXT", metadata={"tags": ["app-only"]}),
        nbformat.v4.new_markdown_cell("COMMON-TEXT"),
    ]
    return notebook


@pytest.mark.parametrize(
    ("exporter", "kept", "dropped"),
    [
        (ExerciseExporter, "LAB-TEXT", "APP-TEXT"),
        (SolutionExporter, "LAB-TEXT", "APP-TEXT"),
        (AppExporter, "APP-TEXT", "LAB-TEXT"),
        (HandoutExporter, "COMMON-TEXT", "LAB-TEXT"),
        (HandoutExporter, "COMMON-TEXT", "APP-TEXT"),
        (TrainerExporter, "COMMON-TEXT", "APP-TEXT"),
        (TrainerExporter, "COMMON-TEXT", "LAB-TEXT"),
    ],
)
def test_each_edition_keeps_its_own_instructions(exporter, kept, dropped, tmp_path):
    resources = {"metadata": {"name": "x", "path": str(tmp_path)}}
    body, _ = exporter().from_notebook_node(tagged_notebook(), resources=resources)
    assert kept in body and "COMMON-TEXT" in body
    assert dropped not in body


def test_app_edition_loads_the_chart_alt_text_extension_first():
    body, _ = AppExporter().from_filename(str(SOURCES[1]))
    first = nbformat.reads(body, as_version=4).cells[0]
    assert first.cell_type == "code" and first.source == "%load_ext smmkit"
    assert first.outputs == []
