"""The trainer dashboard notebook: committed clean, and it runs in a real kernel."""

from __future__ import annotations

import nbformat
import pytest
from helpers import REPO
from results_support import record, write_participant

from smmkit.publish.execute import execute_notebook
from smmkit.results.dashboard import SAMPLE_FOLDER, default_results_folder

NOTEBOOK = REPO / "workshop" / "trainer_dashboard.ipynb"


def test_notebook_is_committed_clean_with_stable_ids():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    ids = [cell.id for cell in notebook.cells]
    assert len(set(ids)) == len(ids) and all(i and not i.isdigit() for i in ids)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "ERGEBNISORDNER = None" in notebook.cells[1].source


def test_default_folder_is_the_configured_one_only_if_it_holds_results(results_dir):
    assert default_results_folder(REPO) == REPO / SAMPLE_FOLDER  # empty: the sample data
    write_participant(results_dir, "Anna", [record("beispiel.sc-01", 0, 1.0)])
    assert default_results_folder(REPO) == results_dir


@pytest.mark.kernel
def test_dashboard_executes_in_a_kernel():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    execute_notebook(notebook, cwd=NOTEBOOK.parent, timeout=180)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]  # fmt: skip
    assert errors == []
    by_id = {cell.id: cell for cell in notebook.cells}
    images = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]  # fmt: skip
    assert len(images) >= 4, "heat map, scenario endings and two radar charts"
    overview = "".join(o["data"].get("text/markdown", "") for o in by_id["laden"].outputs)
    assert "beispiel-ergebnisse" in overview and "12 Teilnehmende" in overview
    assert "application/vnd.jupyter.widget-view+json" in by_id["export"].outputs[0]["data"]
