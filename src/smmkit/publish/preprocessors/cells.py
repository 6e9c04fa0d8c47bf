"""Cell-level steps: remove tagged cells, clear or keep solutions, hide code, drop widgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from ...errors import NotebookError
from ..solutions import STUB, MarkerError, clear_solutions, solution_regions, strip_markers

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Cells that only make sense in one place: instructions for JupyterLab (run cells with
# Umschalt + Enter) or for the app view (click the buttons). Printed handouts drop both.
LAB_ONLY = "lab-only"
APP_ONLY = "app-only"


def notebook_path(resources: dict[str, Any]) -> str:
    """Best-effort display path of the notebook being converted (for error messages)."""
    meta = resources.get("metadata", {})
    name = meta.get("name") or "notebook"
    folder = meta.get("path") or ""
    return str(Path(folder) / f"{name}.ipynb") if folder else f"{name}.ipynb"


def tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def is_solution_cell(cell: Any) -> bool:
    """A code cell that holds a solution: tagged `solution` or with marked regions."""
    if cell.cell_type != "code":
        return False
    if "solution" in tags(cell):
        return True
    try:
        return bool(solution_regions(cell.source))
    except MarkerError:
        return False


class _SolutionStep(Preprocessor):
    def _transform(self, source: str) -> str:
        raise NotImplementedError

    def preprocess(self, nb, resources):
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            try:
                cell.source = self._transform_cell(cell)
            except MarkerError as exc:
                raise NotebookError(
                    notebook_path(resources), number, exc.message, exc.line
                ) from None
        return nb, resources

    def _transform_cell(self, cell: Any) -> str:
        return self._transform(cell.source)


class ClearSolutions(_SolutionStep):
    """Exercise edition: each marked region becomes a stub; `solution`-tagged cells become stubs."""

    stub = Unicode(STUB, help="what replaces each solution region").tag(config=True)

    def _transform_cell(self, cell: Any) -> str:
        if "solution" in tags(cell):
            solution_regions(cell.source)  # still report broken markers
            return self.stub
        return clear_solutions(cell.source, self.stub)


class StripSolutionMarkers(_SolutionStep):
    """Solution edition: keep the solution code, drop only the marker lines."""

    def _transform(self, source: str) -> str:
        return strip_markers(source)


class HideCode(Preprocessor):
    """Hide code in handouts; the trainer edition keeps solution code visible."""

    show_solutions = Bool(
        False, help="keep solution code visible (trainer edition); other code is hidden"
    ).tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            visible = self.show_solutions and is_solution_cell(cell)
            if not visible:
                cell.metadata.setdefault("transient", {})["remove_source"] = True
            if visible:
                cell.source = strip_markers(cell.source)
        return nb, resources


class DropWidgetOutputs(Preprocessor):
    """Widgets need a kernel; on paper they are replaced by bank renderings, so drop them."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [
                    o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})
                ]
        return nb, resources


APP_SETUP_TAG = "smmkit-setup"
APP_SETUP = "%load_ext smmkit"


class LoadSmmkitExtension(Preprocessor):
    """App edition: a first code cell loads smmkit's IPython extension, so the charts Voilà
    shows carry alt texts (the handout build starts its kernels with ``--ext=smmkit``; Voilà
    starts plain kernels). The cell has no output, so Voilà shows nothing of it."""

    def preprocess(self, nb, resources):
        import nbformat

        if not any(APP_SETUP_TAG in tags(cell) for cell in nb.cells):
            cell = nbformat.v4.new_code_cell(APP_SETUP, metadata={"tags": [APP_SETUP_TAG]})
            cell["id"] = APP_SETUP_TAG  # stable: the same edition gives the same bytes
            nb.cells.insert(0, cell)
        return nb, resources
