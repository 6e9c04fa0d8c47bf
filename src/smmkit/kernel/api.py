"""The notebook-facing calls behind `smmkit.quiz()` and friends."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ..errors import UnknownItemError
from .session import get_session
from .widgets.assessment import ParticipantWidget, SelfAssessmentWidget
from .widgets.quizset import QuizSetWidget, make_item_widget
from .widgets.scenario import ScenarioPlayer
from .widgets.stylesheet import show_stylesheet_once


def _styled(widget: W.Widget) -> W.Widget:
    """The widget, with the widgets' stylesheet shown first if the page lacks it."""
    show_stylesheet_once()
    return widget


def _lookup(item_id: str, expected: set[str] | None = None) -> Any:
    bank = get_session().bank
    if item_id in bank.quiz_sets:
        return bank.quiz_sets[item_id]
    item = bank.items.get(item_id)
    if item is None:
        raise UnknownItemError(
            f"unknown id {item_id!r}: it is not in content/{bank.lang}/ (run `smmkit check`)"
        )
    if expected and item.type not in expected:
        raise UnknownItemError(
            f"{item_id!r} is a {item.type}, expected {' or '.join(sorted(expected))}"
        )
    return item


def quiz(item_id: str) -> W.Widget:
    session = get_session()
    if item_id in session.bank.quiz_sets:
        return _styled(QuizSetWidget(session.bank.quiz_sets[item_id], session))
    item = _lookup(item_id)
    if item.type == "scenario":
        return _styled(ScenarioPlayer(item, session))
    if item.type == "likert":
        return _styled(SelfAssessmentWidget(item, session=session))
    return _styled(make_item_widget(item, session))


def scenario(item_id: str, feedback: str = "each") -> W.Widget:
    return _styled(ScenarioPlayer(_lookup(item_id, {"scenario"}), get_session(), feedback))


def self_assessment(item_id: str, phase: str = "vorher") -> W.Widget:
    return _styled(SelfAssessmentWidget(_lookup(item_id, {"likert"}), phase, get_session()))


def participant() -> W.Widget:
    return _styled(ParticipantWidget(get_session()))
