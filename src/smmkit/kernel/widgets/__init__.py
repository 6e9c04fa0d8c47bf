"""Interactive widgets for items, quiz sets, scenarios and self-assessments (stock ipywidgets)."""

from ..session import Session, get_session, reset_session
from .assessment import ParticipantWidget, SelfAssessmentWidget
from .base import ItemWidget
from .items import WIDGETS
from .quizset import QuizSetWidget, make_item_widget
from .scenario import ScenarioPlayer

__all__ = [
    "WIDGETS",
    "ItemWidget",
    "ParticipantWidget",
    "QuizSetWidget",
    "ScenarioPlayer",
    "SelfAssessmentWidget",
    "Session",
    "get_session",
    "make_item_widget",
    "reset_session",
]
