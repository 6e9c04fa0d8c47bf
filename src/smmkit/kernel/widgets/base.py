"""Shared parts of the item widgets: rendering, feedback box, check/retry cycle, saving."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...bank.grading import Feedback, Grade, grade
from ...i18n import number, t
from ...markup import md
from ..session import Session, get_session
from . import shared as S

# Text colours with ≥ 7:1 contrast on the light backgrounds below (WCAG AA needs 4.5:1).
STYLE = {
    True: ("✔", "#1b5e20", "#e8f5e9"),
    False: ("✘", "#8e1b1b", "#fdecea"),
    None: ("ℹ", "#0d3c61", "#e8f1fb"),
}


def feedback_html(
    grade_: Grade | None = None,
    extra: list[Feedback] | None = None,
    headline: str = "",
    verdict_words: bool = True,
) -> str:
    lines = list(grade_.feedback if grade_ else ()) + list(extra or [])
    parts = []
    if headline:
        ok = (
            None
            if grade_ is None
            else (True if grade_.correct else (None if grade_.score > 0 else False))
        )
        icon, colour, background = STYLE[ok]
        parts.append(
            f'<div class="smmkit-verdict" style="font-weight:bold;color:{colour};'
            f'background:{background};padding:4px 8px;border-radius:4px">{icon} {html.escape(headline)}</div>'
        )
    for entry in lines:
        icon, colour, _ = STYLE[entry.ok]
        word = entry.label or (
            {True: t("label.true"), False: t("label.false"), None: ""}[entry.ok]
            if verdict_words
            else ""
        )
        label = f'<span class="sr-label" style="font-weight:bold">{word}:</span> ' if word else ""
        parts.append(
            f'<div class="smmkit-feedback smmkit-feedback-{str(entry.ok).lower()}" '
            f'style="color:{colour};margin:4px 0">{icon} {label}{md(entry.text).strip()}</div>'
        )
    return "\n".join(parts)


def verdict(grade_: Grade) -> str:
    if grade_.correct:
        return t("verdict.correct")
    return t("verdict.partly") if grade_.score > 0 else t("verdict.wrong")


def format_points(value: float) -> str:
    return number(value)


class ItemWidget(W.VBox):
    """One scored item: prompt, answer controls, a check button, feedback, retry.

    Subclasses build `self.controls` and implement `answer()` and `restore(answer)`.
    """

    def __init__(self, item: Any, session: Session | None = None, show_title: bool = True):
        self.item = item
        self.session = session or get_session()
        self.last_grade: Grade | None = None
        self.attempt = 0
        self.on_graded: list = []
        header = []
        if show_title and item.title:
            header.append(S.html(f"<h4>{html.escape(item.title)}</h4>"))
        header.append(S.html(md(item.prompt), layout=S.TEXT_WIDTH))
        self.controls = self.build_controls()
        self.check_button = S.button(
            description=t("button.check"),
            button_style="primary",
            tooltip=t("button.check"),
            layout=S.AUTO_WIDTH,
        )
        self.retry_button = S.button(
            description=t("button.retry"), tooltip=t("button.retry"), layout=S.AUTO_WIDTH
        )
        self.buttons = S.hbox([self.check_button])  # holds the check or the retry button
        self.feedback = S.html()
        self.status = S.html()
        self.check_button.on_click(lambda _: self.check())
        self.retry_button.on_click(lambda _: self.retry())
        super().__init__(
            [
                *header,
                self.controls,
                self.buttons,
                self.feedback,
                self.status,
            ],
            layout=S.PLAIN,
        )
        self.add_class("smmkit-item")
        self.add_class(f"smmkit-{item.type}")
        self.session.when_participant(lambda _person: self._resume())

    # -- to implement -------------------------------------------------------------------------
    def build_controls(self) -> W.Widget:
        raise NotImplementedError

    def answer(self) -> Any:
        raise NotImplementedError

    def restore(self, answer: Any) -> None:
        raise NotImplementedError

    def set_enabled(self, enabled: bool) -> None:
        for child in _descendants(self.controls):
            if hasattr(child, "disabled"):
                child.disabled = not enabled

    # -- cycle ---------------------------------------------------------------------------------
    def check(self) -> Grade:
        answer = self.answer()
        result = grade(self.item, answer)
        self.attempt += 1
        self.show(result)
        self.save(answer, result)
        for callback in self.on_graded:
            callback(self, result)
        return result

    def show(self, result: Grade, note: str = "") -> None:
        self.last_grade = result
        points = t(
            "score.item",
            points=format_points(result.points),
            max_points=format_points(result.max_points),
        )
        self.feedback.value = feedback_html(result, headline=f"{verdict(result)} {points}") + (
            f"<div><em>{html.escape(note)}</em></div>" if note else ""
        )
        self.set_enabled(False)
        self.buttons.children = (self.retry_button,)

    def retry(self) -> None:
        self.feedback.value = ""
        self.status.value = ""
        self.set_enabled(True)
        self.buttons.children = (self.check_button,)

    def save(self, answer: Any, result: Grade) -> None:
        record = record_answer(
            self.session, self.status, self.item.id, answer, result.points, result.max_points
        )
        if record is not None:
            self.status.value = _status(t("participant.saved"), True)

    def _resume(self) -> None:
        record = self.session.latest(self.item.id)
        if record is None:
            return
        try:
            self.restore(record.answer)
            result = grade(self.item, record.answer)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            return  # the item changed since; start fresh rather than show a wrong state
        self.attempt = record.attempt
        note = t(
            "verdict.answered_before",
            attempt=record.attempt,
            points=format_points(result.points),
            max_points=format_points(result.max_points),
        )
        self.show(result, note)


def record_answer(session: Session, status: W.HTML, *args: Any, **kwargs: Any) -> Any:
    """Save through the session and say so in `status`.

    A failure is shown to the learner and re-raised (nothing is hidden); without a participant
    name the answer is kept pending and `status` asks for the name. Returns the saved record,
    or None while pending; the caller shows its own success message.
    """
    try:
        record = session.record(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the learner must see any save failure
        status.value = _status(t("participant.save_failed", error=html.escape(str(exc))), False)
        raise
    if record is None:
        status.value = _status(t("participant.missing"), None)
    return record


def _status(text: str, ok: bool | None) -> str:
    icon, colour, _ = STYLE[ok]
    return f'<div class="smmkit-status" style="color:{colour};font-size:90%">{icon} {text}</div>'


def _descendants(widget: W.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)
