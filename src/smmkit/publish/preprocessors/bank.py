"""Render bank items on paper in place of the widgets a notebook cell would show."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Enum, Unicode

from ... import exercises
from ...bank import Bank, find_root, load_bank
from ...bank.validate import NOTEBOOK_CALL, exercise_of
from ...errors import NotebookError
from .. import paper
from .cells import is_solution_cell, notebook_path

_BANKS: dict[tuple[str, str], Bank] = {}


def bank_for(root: Path, lang: str) -> Bank:
    """Load (once per process) and cache the bank of one language."""
    key = (str(root.resolve()), lang)
    if key not in _BANKS:
        _BANKS[key] = load_bank(root, lang)
    return _BANKS[key]


def html_output(markup: str) -> Any:
    return nbformat.v4.new_output("display_data", data={"text/html": markup})


class RenderBankItems(Preprocessor):
    """Replace each `smmkit.quiz/scenario/self_assessment/participant` cell's output by paper HTML.

    Cells whose metadata names an exercise (``{"smmkit": {"exercise": "raci"}}``) print that
    exercise (see :mod:`smmkit.exercises`). In the participant edition, code cells with
    solutions lose their outputs (the results would give the solution away) and get space
    for notes instead.
    """

    mode = Enum(
        ["participant", "trainer"],
        default_value="participant",
        help="participant: questions without answers; trainer: with the answer key",
    ).tag(config=True)
    root = Unicode("", help="project folder with content/ (default: found upwards)").tag(
        config=True
    )
    lang = Unicode("", help="content language (default: the notebook's folder name)").tag(
        config=True
    )

    def _bank(self, resources: dict[str, Any]) -> Bank:
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        root = Path(self.root or os.environ.get("SMMKIT_ROOT") or find_root(folder))
        lang = self.lang or (folder.name if (root / "content" / folder.name).is_dir() else "de")
        return bank_for(root, lang)

    def preprocess(self, nb, resources):
        bank = None
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            calls = NOTEBOOK_CALL.findall(cell.source)
            if "smmkit.participant()" in cell.source:
                cell.outputs = [html_output(paper.render_participant_line())]
                cell.metadata.setdefault("transient", {})["remove_source"] = True
                continue
            name = exercise_of(cell)
            if name is not None:
                if name not in exercises.names(shown=True):
                    raise NotebookError(
                        notebook_path(resources), number, f"unknown exercise {name!r} in metadata"
                    )
                cell.outputs = [html_output(exercises.get(name).paper(self.mode))]
                cell.metadata.setdefault("transient", {})["remove_source"] = True
                continue
            if calls:
                bank = bank or self._bank(resources)
                parts = [self._render(bank, ref, resources) for _, _, ref in calls]
                cell.outputs = [html_output("".join(parts))]
                cell.metadata.setdefault("transient", {})["remove_source"] = True
            elif self.mode == "participant" and is_solution_cell(cell):
                cell.outputs = [html_output(paper.note_space())]
        return nb, resources

    def _render(self, bank: Bank, ref: str, resources: dict[str, Any]) -> str:
        if ref in bank.quiz_sets:
            return paper.render_quiz_set(bank.quiz_sets[ref], bank.items, self.mode)
        if ref in bank.items:
            return paper.render_item(bank.items[ref], self.mode)
        raise NotebookError(
            notebook_path(resources), None, f"unknown bank id {ref!r} (run `smmkit check`)"
        )
