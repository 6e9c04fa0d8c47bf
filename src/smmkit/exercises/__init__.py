"""Hands-on exercises, one folder each, found through this registry.

``exercises/<name>/`` holds the exercise's logic (`logic.py`: the checks, no widgets), its
widget (`widget.py`), its content (`data.<lang>.yaml`: cases, model solutions, word lists,
rubrics, options) and its HTML (`templates/`, for the widget and for paper). A notebook
shows an exercise with ``smmkit.exercise("raci")`` in a cell whose metadata is
``{"smmkit": {"exercise": "raci"}}``; the build finds that cell by its metadata and prints
the exercise with :meth:`Exercise.paper`.

    get("raci").show()                 # the widget
    get("raci").paper("trainer")       # the printed version (HTML)
    for_item("team.raci-01").name      # "raci": whose answers an item id holds
    label_key("team.raci-01")          # message key of the item's name in reports
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError

from ..bank.keywords import pattern_problem
from ..errors import ContentError, Problem
from ..i18n import current_lang

__all__ = ["Exercise", "Patterns", "all", "for_item", "get", "label_key", "load_data", "names"]

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, which answers it saves and how it shows and prints."""

    name: str  # the folder below smmkit/exercises and the name in smmkit.exercise(...)
    module: str  # the notebook module its answers are recorded with
    items: dict[str, str] = field(default_factory=dict)  # item id -> message key of its name
    widget_class: str | None = None  # in <name>/widget.py; None: used from code, not shown

    @property
    def logic(self) -> ModuleType:
        """``smmkit.exercises.<name>.logic``: the checks, the data, ``paper_html``."""
        return importlib.import_module(f"{__name__}.{self.name}.logic")

    def show(self, **options: Any) -> Any:
        """The widget (options as its class takes them; notebooks give none)."""
        if self.widget_class is None:
            raise ValueError(
                f"exercise {self.name!r} has no widget: use its functions "
                f"(from smmkit.exercises.{self.name} import logic)"
            )
        widgets = importlib.import_module(f"{__name__}.{self.name}.widget")
        return getattr(widgets, self.widget_class)(**options)

    def paper(self, mode: str = "participant") -> str:
        """The exercise for printed handouts: `mode` "participant" or "trainer"."""
        return self.logic.paper_html(mode=mode)


_EXERCISES = {
    e.name: e
    for e in (
        Exercise(
            "raci", "02_teamfaehigkeit", {"team.raci-01": "raci.report_label"}, "RaciExercise"
        ),
        Exercise(
            "posts",
            "04_kreativitaet",
            {"kreativitaet.post-01": "posts.report_label"},
            "PostWorkshop",
        ),
        Exercise(
            "strategy",
            "05_abschluss",
            {
                "abschluss.strategie-01": "strategy.report_label.draft",
                "abschluss.strategie-bewertung-01": "strategy.report_label.rating",
            },
            "StrategyCanvas",
        ),
        Exercise("content_calendar", "04_kreativitaet"),
        Exercise(
            "ki_check",
            "06_ki_social_media",
            {"ki.ki-check-01": "ki_check.report_label"},
            "KiCheckExercise",
        ),
    )
}


def get(name: str) -> Exercise:
    """The exercise `name`; KeyError names the known ones."""
    try:
        return _EXERCISES[name]
    except KeyError:
        raise KeyError(f"unknown exercise {name!r} (known: {', '.join(_EXERCISES)})") from None


def all() -> tuple[Exercise, ...]:  # shadows the builtin inside this module only
    return tuple(_EXERCISES.values())


def names(shown: bool = False) -> tuple[str, ...]:
    """Every exercise name, or only those with a widget (`shown`)."""
    return tuple(e.name for e in _EXERCISES.values() if e.widget_class or not shown)


def for_item(item_id: str) -> Exercise | None:
    """The exercise whose answers are saved under `item_id`, else None."""
    return next((e for e in _EXERCISES.values() if item_id in e.items), None)


def label_key(item_id: str) -> str | None:
    """Message key of an exercise item's name in reports, else None."""
    exercise = for_item(item_id)
    return exercise.items[item_id] if exercise else None


# ---------------------------------------------------------------------------------------------
# Content: exercises/<name>/data.<lang>.yaml, validated by the exercise's pydantic model
# ---------------------------------------------------------------------------------------------


def _pattern(pattern: str) -> str:
    problem = pattern_problem(pattern)
    if problem:
        raise ValueError(f"keyword pattern {pattern!r} {problem}")
    return pattern


# A list of keyword patterns as smmkit.bank.keywords reads them ("stem*", "*ending", phrases).
Patterns = tuple[Annotated[str, AfterValidator(_pattern)], ...]


def data_path(name: str, lang: str | None = None) -> Path:
    return Path(__file__).parent / name / f"data.{lang or current_lang()}.yaml"


@cache
def _load(name: str, lang: str, model: type[Model]) -> Model:
    from ..bank.facts import load_facts
    from ..bank.loader import read_yaml

    path = data_path(name, lang)
    shown = f"src/smmkit/exercises/{name}/{path.name}"
    if not path.is_file():
        raise ContentError([Problem(shown, None, None, None, f"missing: no content in {lang!r}")])
    doc = read_yaml(path, shown)
    if doc.problems:
        raise ContentError(doc.problems)
    # Figures that age ("{{fakt:instagram.hashtags_max}}") come from content/<lang>/fakten.yaml.
    data, fact_problems, _ = load_facts(lang=lang).resolve_data(doc.data, doc)
    if fact_problems:
        raise ContentError(fact_problems)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            [
                Problem(
                    doc.path, doc.line_of(error["loc"]), None, _dotted(error["loc"]), error["msg"]
                )
                for error in exc.errors()
            ]
        ) from None


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def load_data(name: str, model: type[Model], lang: str | None = None) -> Model:
    """The content of exercise `name` in `lang` (default: the current language), validated;
    problems raise ContentError with file, line and field."""
    return _load(name, lang or current_lang(), model)
