"""The RACI exercise: a task × role grid of labelled dropdowns, rule check, model solution.

In a notebook::

    from smmkit.exercises.raci.widget import RaciExercise
    RaciExercise()

"Prüfen" applies the rules of `smmkit.exercises.raci.logic.check_matrix`, compares the matrix with the
model solution and saves matrix, findings and score (0..1) under the item id
(default ``team.raci-01``). "Musterlösung zeigen" then reveals the model with a reason
per cell and marks where the learner's matrix differs.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...i18n import t
from .logic import (
    DEFAULT_EXERCISE,
    ITEM_ID,
    Comparison,
    Finding,
    RaciExerciseData,
    RaciMatrix,
    check_matrix,
    compare,
    count_levels,
    format_letters,
    letters_code,
)
from ...kernel.widgets import shared as S
from ...kernel.widgets.base import STYLE, _status, md, record_answer
from ...kernel.session import Session, get_session

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
CELL_OPTIONS = ("", "R", "A", "RA", "C", "I")


def _inline(markdown: str) -> str:
    """Markdown for one line: drop the surrounding paragraph."""
    text = md(markdown).strip()
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        text = text[3:-4]
    return text


class RaciExercise(W.VBox):
    """Fill in a RACI matrix, check it against the rules, then compare with the model."""

    def __init__(
        self,
        exercise: RaciExerciseData = DEFAULT_EXERCISE,
        session: Session | None = None,
        item_id: str = ITEM_ID,
    ):
        self.exercise = exercise
        self.session = session or get_session()
        self.item_id = item_id
        self.model_seen = False
        self.attempt = 0
        self.last_findings: list[Finding] | None = None
        self.last_comparison: Comparison | None = None

        header = S.html(
            f"<h4>{html.escape(exercise.title)}</h4>"
            + md(exercise.context)
            + md(t("raci.intro"))
            + md(t("raci.legend")),
            layout=S.TEXT_WIDTH,
        )

        options = [
            (t("raci.option.none") if code == "" else format_letters(code), code)
            for code in CELL_OPTIONS
        ]
        self.dropdowns: dict[tuple[str, str], W.Dropdown] = {}
        cells: list[W.Widget] = [S.html(f"<b>{html.escape(t('raci.task_column'))}</b>")]
        for role in exercise.roles:
            note = f"<br>{html.escape(role.note)}" if role.note else ""
            # Long German compounds must wrap inside the narrow column instead of overlapping.
            cells.append(
                S.html(
                    f'<div lang="de" style="line-height:1.2;overflow-wrap:anywhere;hyphens:auto">'
                    f"<b>{html.escape(role.short)}</b><br>"
                    f'<span style="font-size:85%">{html.escape(role.name)}{note}</span></div>'
                )
            )
        for task in exercise.tasks:
            cells.append(
                S.html(
                    f'<div lang="de" style="line-height:1.25;hyphens:auto"><b>{html.escape(task.name)}</b><br>'
                    f"<small>{html.escape(task.description)}</small></div>"
                )
            )
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
        self._resume()

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
    def check(self) -> tuple[list[Finding], Comparison] | None:
        matrix = self.matrix()
        if not matrix.cells:
            self.findings.value = _status(html.escape(t("raci.summary.empty")), False)
            return None
        findings = check_matrix(matrix)
        comparison = compare(matrix, self.exercise.model)
        self._show(findings, comparison)
        self.save(matrix, findings, comparison)
        return findings, comparison

    def save(self, matrix: RaciMatrix, findings: list[Finding], comparison: Comparison) -> None:
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
            module="02_teamfaehigkeit",
        )
        if record is not None:
            self.attempt = record.attempt
            self.status.value = _status(t("participant.saved"), True)

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
    def _show(self, findings: list[Finding], comparison: Comparison, note: str = "") -> None:
        self.last_findings, self.last_comparison = findings, comparison
        counts = count_levels(findings)
        parts = [f"<h5>{html.escape(t('raci.summary.heading'))}</h5>"]
        if not findings:
            parts.append(_status(html.escape(t("raci.summary.no_findings")), True))
        else:
            parts.append(
                f"<p>{html.escape(t('raci.summary.counts', errors=counts['error'], warnings=counts['warning'], infos=counts['info']))}</p>"
            )
            if not counts["error"]:
                parts.append(_status(html.escape(t("raci.summary.no_errors")), True))
            for finding in findings:
                icon, colour = LEVEL_STYLE[finding.level]
                label = t(f"raci.level.{finding.level}")
                parts.append(
                    f'<div class="smmkit-raci-finding smmkit-raci-{finding.level}" '
                    f'style="color:{colour};margin:4px 0">{icon} <b>{html.escape(label)}:</b> '
                    f"{_inline(finding.message)}</div>"
                )
        percent = round(comparison.score * 100)
        parts.append(
            f'<p class="smmkit-raci-score"><b>'
            f"{html.escape(t('raci.summary.score', percent=percent, right=comparison.right, total=comparison.relevant))}"
            f"</b></p>"
        )
        if note:
            parts.append(f"<p><em>{html.escape(note)}</em></p>")
        self.findings.value = "\n".join(parts)
        self.model_button.disabled = False
        if self.model_seen and self.model_view.value:
            self.model_view.value = self._model_html(comparison)

    def _model_html(self, comparison: Comparison) -> str:
        model = self.exercise.model
        results = {(c.task.id, c.role.id): c for c in comparison.cells}
        head = "".join(
            f'<th scope="col" style="padding:4px 8px;border-bottom:1px solid #999">'
            f"{html.escape(role.name)}</th>"
            for role in model.roles
        )
        rows = []
        for task in model.tasks:
            cells = []
            for role in model.roles:
                result = results[(task.id, role.id)]
                shown = html.escape(format_letters(result.expected))
                mark = ""
                if result.status in STATUS_STYLE:
                    icon, colour = STATUS_STYLE[result.status]
                    you = (
                        ""
                        if result.status == "exact"
                        else " – " + t("raci.model.you", letters=format_letters(result.given))
                    )
                    mark = (
                        f'<br><small style="color:{colour}">{icon} '
                        f"{html.escape(t('raci.model.status.' + result.status) + you)}</small>"
                    )
                cells.append(
                    f'<td style="padding:4px 8px;text-align:center;border-bottom:1px solid #ddd">'
                    f"<b>{shown}</b>{mark}</td>"
                )
            rows.append(
                f'<tr><th scope="row" style="padding:4px 8px;text-align:left;'
                f'border-bottom:1px solid #ddd">{html.escape(task.name)}</th>{"".join(cells)}</tr>'
            )
        table = (
            '<table class="smmkit-raci-model" style="border-collapse:collapse;margin:6px 0">'
            f"<caption style='text-align:left'>{html.escape(self.exercise.title)}</caption>"
            f'<thead><tr><th scope="col" style="padding:4px 8px;border-bottom:1px solid #999">'
            f"{html.escape(t('raci.task_column'))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        reasons = []
        for task in model.tasks:
            lines = []
            for result in comparison.for_task(task.id):
                role_name = html.escape(result.role.name)
                given = format_letters(result.given)
                expected = format_letters(result.expected)
                if result.status == "wrong":
                    icon, colour = STATUS_STYLE["wrong"]
                    text = t(
                        "raci.model.differs_line",
                        role=role_name,
                        given=html.escape(given),
                        expected=html.escape(expected),
                        reason=html.escape(result.reason),
                    )
                    lines.append(f'<li style="color:{colour}">{icon} {text}</li>')
                elif result.status == "acceptable":
                    icon, colour = STATUS_STYLE["acceptable"]
                    text = t(
                        "raci.model.acceptable_line",
                        role=role_name,
                        given=html.escape(given),
                        expected=html.escape(expected),
                        reason=html.escape(result.reason),
                    )
                    lines.append(f'<li style="color:{colour}">{icon} {text}</li>')
                elif result.expected:
                    text = t(
                        "raci.model.reason_line",
                        role=role_name,
                        letters=html.escape(expected),
                        reason=html.escape(result.reason),
                    )
                    lines.append(f"<li>{text}</li>")
            heading = t("raci.model.task_heading", task=task.name, description=task.description)
            reasons.append(f"<p><b>{html.escape(heading)}</b></p><ul>{''.join(lines)}</ul>")
        return (
            f'<div class="smmkit-raci-solution"><h5>{html.escape(t("raci.model.heading"))}</h5>'
            f"{md(t('raci.model.intro'))}{table}{''.join(reasons)}</div>"
        )

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
