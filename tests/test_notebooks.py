"""Every module notebook executes without error in a real kernel (nbclient).

The test session's one full build (the `built` fixture) executes each notebook once; these
tests read its executed notebooks instead of running every kernel a second time.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from helpers import REPO

WIDGET_CALL = re.compile(r"smmkit\.(?:quiz|scenario|self_assessment|participant)\(")
NOTEBOOKS = sorted((REPO / "notebooks" / "de").glob("*.ipynb"))


@pytest.mark.kernel
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_without_error(path, built):
    # The build stops with the notebook and cell of any failing cell; so it ran through.
    notebook = nbformat.read(built / "build" / "de" / "notebooks" / path.name, as_version=4)
    errors = [
        (index, output.get("ename"))
        for index, cell in enumerate(notebook.cells, start=1)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    assert len(notebook.cells) == len(nbformat.read(path, as_version=4).cells)
    widget_views = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    calls = sum(
        len(WIDGET_CALL.findall(cell.source)) for cell in notebook.cells if cell.cell_type == "code"
    )
    assert len(widget_views) >= calls, "a smmkit widget call rendered no widget"


def test_there_are_module_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    assert "00_einfuehrung" in names


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells, start=1):
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (
                    f"{path.name}: cell {index}"
                )
