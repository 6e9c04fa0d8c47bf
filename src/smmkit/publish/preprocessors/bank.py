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
from ...bank.facts import PLACEHOLDER, Fact, format_value, load_facts, used_in_text
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


class RenderFacts(Preprocessor):
    """Fill in ``{{fakt:id}}`` placeholders in Markdown cells from ``content/<lang>/fakten.yaml``.

    In the trainer edition, a last section "Quellen und Stand" lists every fact the notebook
    states: in its Markdown, in the bank items it shows and in the exercises it prints.
    """

    mode = Enum(
        ["participant", "trainer", "notebook"],
        default_value="notebook",
        help="trainer: append the list of sources; otherwise only fill in the placeholders",
    ).tag(config=True)
    root = Unicode("", help="project folder with content/ (default: found upwards)").tag(
        config=True
    )
    lang = Unicode("", help="content language (default: the notebook's folder name)").tag(
        config=True
    )

    def _root_lang(self, resources: dict[str, Any]) -> tuple[Path, str]:
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        root = Path(self.root or os.environ.get("SMMKIT_ROOT") or find_root(folder))
        lang = self.lang or (folder.name if (root / "content" / folder.name).is_dir() else "de")
        return root, lang

    def preprocess(self, nb, resources):
        # The facts (and in the trainer edition the bank) are loaded only when a cell needs
        # them, so notebooks without placeholders convert anywhere.
        loaded: dict[str, Any] = {}

        def facts() -> Any:
            if "facts" not in loaded:
                root, lang = self._root_lang(resources)
                loaded["lang"] = lang
                loaded["facts"] = (
                    bank_for(root, lang).facts if self.mode == "trainer" else load_facts(root, lang)
                )
            return loaded["facts"]

        def bank() -> Bank:
            if "bank" not in loaded:
                root, lang = self._root_lang(resources)
                loaded["lang"] = lang
                loaded["bank"] = bank_for(root, lang)
            return loaded["bank"]

        used: dict[str, None] = {}
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "markdown" and PLACEHOLDER.search(cell.source):
                text, problems, ids = facts().resolve(cell.source)
                if problems:
                    placeholder, message = problems[0]
                    raise NotebookError(
                        notebook_path(resources), number, f"{placeholder}: {message}"
                    )
                for fact_id in used_in_text(cell.source):
                    used.setdefault(fact_id, None)
                cell.source = text
            elif cell.cell_type == "code" and self.mode == "trainer":
                for _, _, ref in NOTEBOOK_CALL.findall(cell.source):
                    ids = set(bank().fact_uses.get(ref, ()))
                    if ref in bank().quiz_sets:
                        for item_id in bank().quiz_sets[ref].items:
                            ids |= bank().fact_uses.get(item_id, set())
                    for fact_id in sorted(ids):
                        used.setdefault(fact_id, None)
                name = exercise_of(cell)
                if name is not None:
                    path = exercises.data_path(
                        name, loaded.get("lang") or self._root_lang(resources)[1]
                    )
                    if path.is_file():
                        for fact_id in used_in_text(path.read_text(encoding="utf-8")):
                            used.setdefault(fact_id, None)
        if self.mode == "trainer" and used:
            nb.cells.append(
                nbformat.v4.new_markdown_cell(
                    sources_markdown([facts().get(i) for i in used if i in facts()]),
                    metadata={"tags": ["trainer"]},
                )
            )
        return nb, resources


def sources_markdown(facts: list[Fact]) -> str:
    """The trainer edition's closing section: every fact with value, source and date."""
    rows = [
        "## Quellen und Stand",
        "",
        "Diese Werte ändern sich mit den Plattformen. Sie stehen an einer Stelle, "
        "`content/de/fakten.yaml`; dort werden sie geprüft und aktualisiert, und alle Texte, "
        "Fragen und Übungen übernehmen sie von dort.",
        "",
        "| Fakt | Wert | Quelle | Stand |",
        "|---|---|---|---|",
    ]
    for fact in facts:
        value = format_value(fact.value) + (f" {fact.unit}" if fact.unit else "")
        cells = [fact.text, value, fact.source, fact.stand.strftime("%d.%m.%Y")]
        rows.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    return "\n".join(rows)
