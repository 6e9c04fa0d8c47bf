"""The RACI exercise: a task × role grid of labelled dropdowns, rule check, model solution.

In a notebook: ``smmkit.exercise("raci")`` (see :mod:`smmkit.exercises`).

"Prüfen" applies the rules of `smmkit.exercises.raci.logic.check_matrix`, compares the matrix with the
model solution and saves matrix, findings and score (0..1) under the item id
(default ``team.raci-01``). "Musterlösung zeigen" then reveals the model with a reason
per cell and marks where the learner's matrix differs.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ...i18n import t
from ...kernel.session import Session, get_session
from ...kernel.widgets import shared as S
from ...kernel.widgets.base import STYLE, record_answer
from .. import get
from ..check import Check
from ..widgets import html, parts, status
from .logic import (
    ITEM_ID,
    Comparison,
    RaciExerciseData,
    RaciMatrix,
    check_matrix,
    compare,
    count_levels,
    content,
    format_letters,
    letters_code,
)

# Text colours with a high contrast on white (like the other widgets).
LEVEL_STYLE = {
    "error": STYLE[False][:2],
    "warning": ("⚠", "#6b4500"),
    "info": STYLE[None][:2],
}
STATUS_STYLE = {
    "exact": ("✔", STYLE[True][1]),
    "acceptable": ("≈", "#0d3c61"),
    "wrong": ("✘", STYLE[False][1]),
}
STYLES = {**LEVEL_STYLE, **STATUS_STYLE, "ok": STYLE[True]}
CELL_OPTIONS = ("", "R", "A", "RA", "C", "I")


class RaciExercise(W.VBox):
    """Fill in a RACI matrix, check it against the rules, then compare with the model."""

    def __init__(
        self,
        exercise: RaciExerciseData | None = None,
        session: Session | None = None,
        item_id: str = ITEM_ID,
    ):
        self.exercise = exercise = exercise or content()
        self.parts = parts("raci")
        self.session = session or get_session()
        self.item_id = item_id
        self.model_seen = False
        self.attempt = 0
        self.last_findings: list[Check] | None = None
        self.last_comparison: Comparison | None = None

        header = S.html(html(self.parts.header(exercise)), layout=S.TEXT_WIDTH)

        options = [
            (t("raci.option.none") if code == "" else format_letters(code), code)
            for code in CELL_OPTIONS
        ]
        self.dropdowns: dict[tuple[str, str], W.Dropdown] = {}
        cells: list[W.Widget] = [S.html(html(self.parts.column_head(t("raci.task_column"))))]
        cells += [S.html(html(self.parts.role_head(role))) for role in exercise.roles]
        for task in exercise.tasks:
            cells.append(S.html(html(self.parts.task_head(task))))
            for role in exercise.roles:
                dropdown = W.Dropdown(
                    options=options,
                    value="",
                    description=role.short,
                    tooltip=t("raci.cell_tooltip", task=task.name, role=role.name),
                    style={"description_width": "2.2em"},
                    layout=W.Layout(width="7.6em"),
                )
                dropdown.add_class(f"smmkit-raci-cell-{task.id}-{role.id}")
                self.dropdowns[(task.id, role.id)] = dropdown
                cells.append(dropdown)
        self.grid = W.GridBox(
            cells,
            layout=W.Layout(
                grid_template_columns=f"13em repeat({len(exercise.roles)}, 9em)",
                grid_gap="6px 6px",
                align_items="center",
                overflow="auto",
            ),
        )

        self.check_button = S.button(
            description=t("raci.button.check"),
            tooltip=t("raci.button.check"),
            button_style="primary",
            layout=S.AUTO_WIDTH,
        )
        self.model_button = S.button(
            description=t("raci.button.model"),
            tooltip=t("raci.button.model"),
            disabled=True,
            layout=S.AUTO_WIDTH,
        )
        self.clear_button = S.button(
            description=t("raci.button.clear"),
            tooltip=t("raci.button.clear"),
            layout=S.AUTO_WIDTH,
        )
        self.check_button.on_click(lambda _: self.check())
        self.model_button.on_click(lambda _: self.show_model())
        self.clear_button.on_click(lambda _: self.clear())

        self.findings = S.html(layout=S.TEXT_WIDTH)
        self.model_view = S.html(layout=W.Layout(max_width="60em"))
        self.status = S.html()
        super().__init__(
            [
                header,
                self.grid,
                S.hbox([self.check_button, self.model_button, self.clear_button]),
                self.findings,
                self.status,
                self.model_view,
            ]
        )
        self.add_class("smmkit-raci")
        self.session.when_participant(lambda _person: self._resume())

    # -- matrix <-> controls --------------------------------------------------------------------
    def matrix(self) -> RaciMatrix:
        """The learner's current matrix."""
        cells = {key: dropdown.value for key, dropdown in self.dropdowns.items()}
        return RaciMatrix(self.exercise.tasks, self.exercise.roles, cells)

    def set_matrix(self, rows: dict[str, dict[str, Any]]) -> None:
        """Fill the grid from ``{task_id: {role_id: "RA"}}``; unknown cells are ignored."""
        matrix = RaciMatrix.from_rows(
            {
                task_id: {
                    role_id: value
                    for role_id, value in row.items()
                    if (task_id, role_id) in self.dropdowns
                }
                for task_id, row in rows.items()
                if any((task_id, role_id) in self.dropdowns for role_id in row)
            },
            self.exercise.tasks,
            self.exercise.roles,
        )
        for (task_id, role_id), dropdown in self.dropdowns.items():
            code = letters_code(matrix.get(task_id, role_id))
            dropdown.value = code if code in CELL_OPTIONS else ""

    # -- actions ----------------------------------------------------------------------------------
    def check(self) -> tuple[list[Check], Comparison] | None:
        matrix = self.matrix()
        if not matrix.cells:
            self.findings.value = status(t("raci.summary.empty"), False)
            return None
        findings = check_matrix(matrix)
        comparison = compare(matrix, self.exercise.model)
        self._show(findings, comparison)
        self.save(matrix, findings, comparison)
        return findings, comparison

    def save(self, matrix: RaciMatrix, findings: list[Check], comparison: Comparison) -> None:
        answer = {
            "matrix": matrix.to_rows(),
            "findings": [f.to_dict() for f in findings],
            "right": comparison.right,
            "relevant": comparison.relevant,
            "model_seen": self.model_seen,
        }
        record = record_answer(
            self.session,
            self.status,
            self.item_id,
            answer,
            comparison.score,
            1.0,
            module=get("raci").module,
        )
        if record is not None:
            self.attempt = record.attempt
            self.status.value = status(t("participant.saved"), True)

    def show_model(self) -> None:
        self.model_seen = True
        comparison = self.last_comparison or compare(self.matrix(), self.exercise.model)
        self.model_view.value = self._model_html(comparison)

    def clear(self) -> None:
        for dropdown in self.dropdowns.values():
            dropdown.value = ""
        self.findings.value = ""
        self.status.value = ""

    # -- rendering --------------------------------------------------------------------------------
    def _show(self, findings: list[Check], comparison: Comparison, note: str = "") -> None:
        self.last_findings, self.last_comparison = findings, comparison
        self.findings.value = html(
            self.parts.findings(
                findings,
                count_levels(findings),
                comparison,
                round(comparison.score * 100),
                STYLES,
                note,
            )
        )
        self.model_button.disabled = False
        if self.model_seen and self.model_view.value:
            self.model_view.value = self._model_html(comparison)

    def _model_html(self, comparison: Comparison) -> str:
        return html(self.parts.model(self.exercise, comparison, STYLES, format_letters))

    # -- resume -----------------------------------------------------------------------------------
    def _resume(self) -> None:
        record = self.session.latest(self.item_id)
        if record is None or not isinstance(record.answer, dict):
            return
        try:
            self.set_matrix(record.answer["matrix"])
            matrix = self.matrix()
            findings = check_matrix(matrix)
            comparison = compare(matrix, self.exercise.model)
        except (ValueError, TypeError, KeyError, AttributeError):
            self.clear()
            return  # the exercise changed since; start fresh rather than show a wrong state
        self.attempt = record.attempt
        self.model_seen = bool(record.answer.get("model_seen"))
        note = t(
            "raci.answered_before", attempt=record.attempt, percent=round(comparison.score * 100)
        )
        self._show(findings, comparison, note)
