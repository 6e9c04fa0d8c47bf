"""A quiz set: its items one after another and a running score with pass mark and band feedback."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...bank.grading import Grade, grade_quiz_set
from ...bank.models import QuizSet
from ...i18n import t
from ..session import Session, get_session
from . import shared as S
from .base import _status, format_points, md
from .items import WIDGETS, ItemWidget

QUESTION_BLOCK = W.Layout(border_bottom="1px solid #ccc", padding="6px 0")


class QuizSetWidget(W.VBox):
    def __init__(self, quiz_set: QuizSet, session: Session | None = None):
        self.quiz_set = quiz_set
        self.session = session or get_session()
        bank = self.session.bank
        self.items = {item_id: bank.items[item_id] for item_id in quiz_set.items}
        self.item_widgets: list[ItemWidget] = []
        blocks: list[W.Widget] = [S.html(f"<h4>{html.escape(quiz_set.title)}</h4>")]
        total = len(quiz_set.items)
        for number, item_id in enumerate(quiz_set.items, start=1):
            widget = make_item_widget(self.items[item_id], self.session)
            widget.on_graded.append(self._graded)
            self.item_widgets.append(widget)
            heading = S.html(f"<b>{t('label.question', number=number, total=total)}</b>")
            blocks.append(
                S.vbox(
                    [heading, widget],
                    layout=QUESTION_BLOCK,
                )
            )
        self.summary = S.html()
        super().__init__([*blocks, self.summary], layout=S.PLAIN)
        self.add_class("smmkit-quiz-set")
        self._update()

    def grades(self) -> dict[str, Grade]:
        return {w.item.id: w.last_grade for w in self.item_widgets if w.last_grade is not None}

    def _graded(self, _widget: ItemWidget, _grade: Grade) -> None:
        self._update()

    def _update(self) -> None:
        result = grade_quiz_set(self.quiz_set, self.items, self.grades())
        lines = [t("score.set_progress", answered=result.answered, total=result.total)]
        if result.answered:
            lines.append(
                t(
                    "score.set",
                    points=format_points(result.points),
                    max_points=format_points(result.max_points),
                    percent=round(result.score * 100),
                )
            )
        body = "<br>".join(html.escape(line) for line in lines)
        if result.answered == result.total:
            verdict = (
                t("score.passed")
                if result.passed
                else t("score.not_passed", percent=round(self.quiz_set.pass_mark * 100))
            )
            body += _status(f"<b>{html.escape(verdict)}</b>", result.passed) + md(
                result.band_feedback
            )
        self.summary.value = f'<div class="smmkit-set-summary">{body}</div>'
        self.result = result


def make_item_widget(item: Any, session: Session) -> ItemWidget:
    try:
        cls = WIDGETS[item.type]
    except KeyError:
        raise TypeError(f"{item.id}: a {item.type} is not shown with smmkit.quiz()") from None
    return cls(item, session)
