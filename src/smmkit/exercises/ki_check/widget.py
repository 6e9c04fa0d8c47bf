"""The exercise "KI-Check vor dem Posten": per draft, one radio group per checklist point.

In a notebook: ``smmkit.exercise("ki_check")`` (see :mod:`smmkit.exercises`).

"Prüfen" compares the decisions with the content (`smmkit.exercises.ki_check.logic.evaluate`),
shows the feedback with its reason under every point, and saves the decisions, the checks and
the score (0..1) under the item id (default ``ki.ki-check-01``). A saved answer is restored
when the participant is known.
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
from ..widgets import HINT_STYLE, common, html, parts, status
from .logic import ITEM_ID, KiCheckData, clean_decisions, content, evaluate, score

WIDE = W.Layout(width="100%", max_width="52em")
LABEL_STYLE = {"description_width": "initial"}


class KiCheckExercise(W.VBox):
    """Drafts made with AI; the learner decides per checklist point, then checks and saves."""

    def __init__(
        self,
        exercise: KiCheckData | None = None,
        session: Session | None = None,
        item_id: str = ITEM_ID,
    ):
        self.exercise = exercise = exercise or content()
        self.parts = parts("ki_check")
        self.session = session or get_session()
        self.item_id = item_id
        self.attempt = 0
        self.last_checks: list[Check] | None = None
        self.radios: dict[tuple[str, str], W.RadioButtons] = {}
        self.feedback: dict[tuple[str, str], W.HTML] = {}

        children: list[W.Widget] = [S.html(html(self.parts.header(exercise)), layout=S.TEXT_WIDTH)]
        for number, case in enumerate(exercise.cases, start=1):
            children.append(S.html(html(self.parts.case_card(case, number)), layout=WIDE))
            for point in exercise.points:
                radio = W.RadioButtons(
                    options=[(option.text, option.id) for option in point.options],
                    value=None,
                    description=t("ki_check.choice_label"),
                    tooltip=f"{case.title} – {point.label}",
                    layout=WIDE,
                    style=LABEL_STYLE,
                )
                radio.add_class(f"smmkit-ki-check-{case.id}-{point.id}")
                self.radios[(case.id, point.id)] = radio
                self.feedback[(case.id, point.id)] = S.html(layout=WIDE)
                children += [
                    S.html(html(self.parts.question(point)), layout=WIDE),
                    radio,
                    self.feedback[(case.id, point.id)],
                ]

        self.check_button = S.button(
            description=t("ki_check.button.check"),
            tooltip=t("ki_check.button.check"),
            button_style="primary",
            layout=S.AUTO_WIDTH,
        )
        self.clear_button = S.button(
            description=t("ki_check.button.clear"),
            tooltip=t("ki_check.button.clear"),
            layout=S.AUTO_WIDTH,
        )
        self.check_button.on_click(lambda _: self.check())
        self.clear_button.on_click(lambda _: self.clear())
        self.summary = S.html(layout=S.TEXT_WIDTH)
        self.status = S.html()
        children += [
            S.hbox([self.check_button, self.clear_button]),
            self.summary,
            self.status,
            S.html(html(common().note(exercise.stand)), layout=S.TEXT_WIDTH),
        ]
        super().__init__(children)
        self.add_class("smmkit-ki-check")
        self.session.when_participant(lambda _person: self._resume())

    # -- decisions <-> controls -------------------------------------------------------------------
    def decisions(self) -> dict[str, dict[str, str]]:
        """The learner's current decisions, ``{case_id: {point_id: option_id}}``."""
        chosen: dict[str, dict[str, str]] = {}
        for (case_id, point_id), radio in self.radios.items():
            if radio.value is not None:
                chosen.setdefault(case_id, {})[point_id] = radio.value
        return chosen

    def set_decisions(self, decisions: Any) -> None:
        """Select the saved decisions; unknown cases, points and options are ignored."""
        chosen = clean_decisions(self.exercise, decisions)
        for (case_id, point_id), radio in self.radios.items():
            radio.value = chosen.get(case_id, {}).get(point_id)

    # -- actions ----------------------------------------------------------------------------------
    def check(self) -> list[Check] | None:
        decisions = self.decisions()
        if not decisions:
            self.summary.value = status(t("ki_check.empty"), False)
            return None
        checks = evaluate(self.exercise, decisions)
        self._show(checks, decisions)
        self.save(decisions, checks)
        return checks

    def save(self, decisions: dict[str, dict[str, str]], checks: list[Check]) -> None:
        right = sum(1 for c in checks if c.ok)
        answer = {
            "decisions": decisions,
            "checks": [c.to_dict() for c in checks],
            "right": right,
            "total": len(checks),
        }
        record = record_answer(
            self.session,
            self.status,
            self.item_id,
            answer,
            score(checks),
            1.0,
            module=get("ki_check").module,
        )
        if record is not None:
            self.attempt = record.attempt
            self.status.value = status(t("participant.saved"), True)

    def clear(self) -> None:
        for radio in self.radios.values():
            radio.value = None
        for box in self.feedback.values():
            box.value = ""
        self.summary.value = ""
        self.status.value = ""

    # -- rendering --------------------------------------------------------------------------------
    def _show(
        self, checks: list[Check], decisions: dict[str, dict[str, str]], note: str = ""
    ) -> None:
        self.last_checks = checks
        states = {True: t("ki_check.state.ok"), False: t("ki_check.state.not_ok")}
        for check in checks:
            key = (check.subject or "", check.rule)
            chosen = decisions.get(key[0], {}).get(key[1])
            style = STYLE[bool(check.ok)] if chosen is not None else HINT_STYLE
            word = states[bool(check.ok)] if chosen is not None else t("ki_check.state.hint")
            self.feedback[key].value = html(self.parts.feedback(check, word, style))
        right = sum(1 for c in checks if c.ok)
        total = len(checks)
        open_points = total - sum(len(row) for row in decisions.values())
        self.summary.value = html(
            self.parts.summary(right, total, round(100 * right / total), open_points, note)
        )

    # -- resume -----------------------------------------------------------------------------------
    def _resume(self) -> None:
        record = self.session.latest(self.item_id)
        if record is None or not isinstance(record.answer, dict):
            return
        decisions = clean_decisions(self.exercise, record.answer.get("decisions"))
        if not decisions:
            return
        self.set_decisions(decisions)
        checks = evaluate(self.exercise, decisions)
        self.attempt = record.attempt
        note = t(
            "ki_check.answered_before",
            attempt=record.attempt,
            percent=round(score(checks) * 100),
        )
        self._show(checks, decisions, note)
