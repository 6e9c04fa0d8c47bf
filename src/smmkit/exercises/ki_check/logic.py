""" "KI-Check vor dem Posten": drafts made with AI, one decision per checklist point (pure logic).

The exercise (module 06) shows drafts – text, the generated image or video, the prompt – and
asks per draft and checklist point (label needed? personal data in the prompt? rights of
others? facts to check? and finally: post, revise or drop?) for one of the point's options.
`evaluate()` compares the learner's decisions with the content's answers and returns one
:class:`~smmkit.exercises.check.Check` per draft and point, with the reason as its message;
`score()` is the share of points decided as the content does. Content: `ki_check/data.<lang>.yaml`.

Decisions round-trip through JSON as ``{case_id: {point_id: option_id}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ...i18n import t
from .. import get, load_data
from ..check import Check
from ..check import score as _score

__all__ = [
    "ITEM_ID",
    "Case",
    "KiCheckData",
    "clean_decisions",
    "content",
    "evaluate",
    "paper_html",
    "score",
]

(ITEM_ID,) = get("ki_check").items  # the decisions are saved under this id

Decisions = Mapping[str, Mapping[str, Any]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Frozen):
    id: str
    text: str


class Point(_Frozen):
    """One checklist point, the same for every draft."""

    id: str
    label: str  # short name, e.g. "Kennzeichnung"
    question: str
    options: tuple[Option, ...]

    @model_validator(mode="after")
    def _options(self) -> Point:
        ids = [o.id for o in self.options]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            raise ValueError(f"point {self.id!r} needs at least two options with unique ids")
        return self

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


class Answer(_Frozen):
    answer: str  # an option id of the point
    reason: str  # why, shown after checking (Markdown)


class Case(_Frozen):
    """One draft: who posts where, the text, the generated image or video, the prompt."""

    id: str
    title: str
    company: str
    channel: str
    draft: str
    image: str
    prompt: str
    answers: dict[str, Answer]  # point id -> the expected option and why


class KiCheckData(_Frozen):
    title: str
    context: str  # Markdown
    stand: str
    points: tuple[Point, ...]
    cases: tuple[Case, ...]

    @model_validator(mode="after")
    def _complete(self) -> KiCheckData:
        for kind, ids in (
            ("point", [p.id for p in self.points]),
            ("case", [c.id for c in self.cases]),
        ):
            if not ids or len(set(ids)) != len(ids):
                raise ValueError(f"{kind}s: at least one, and unique ids ({ids})")
        points = {p.id: p for p in self.points}
        for case in self.cases:
            if set(case.answers) != set(points):
                wrong = sorted(set(case.answers) ^ set(points))
                raise ValueError(
                    f"case {case.id!r}: one answer per point; missing or unknown: {wrong}"
                )
            for point_id, answer in case.answers.items():
                known = [o.id for o in points[point_id].options]
                if answer.answer not in known:
                    raise ValueError(
                        f"case {case.id!r}, point {point_id!r}: unknown option "
                        f"{answer.answer!r} (options: {', '.join(known)})"
                    )
        return self

    def point(self, point_id: str) -> Point:
        for point in self.points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)

    def case(self, case_id: str) -> Case:
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(case_id)

    @property
    def total(self) -> int:
        """How many decisions the exercise asks for."""
        return len(self.cases) * len(self.points)


def content(lang: str | None = None) -> KiCheckData:
    """The shipped exercise (``ki_check/data.<lang>.yaml``)."""
    return load_data("ki_check", KiCheckData, lang)


def clean_decisions(data: KiCheckData, decisions: Decisions | None) -> dict[str, dict[str, str]]:
    """Only the decisions that name a known case, point and option (saved answers may be old)."""
    cleaned: dict[str, dict[str, str]] = {}
    if not isinstance(decisions, Mapping):
        return cleaned
    for case in data.cases:
        row = decisions.get(case.id)
        if not isinstance(row, Mapping):
            continue
        for point in data.points:
            value = row.get(point.id)
            if isinstance(value, str) and value in {o.id for o in point.options}:
                cleaned.setdefault(case.id, {})[point.id] = value
    return cleaned


def evaluate(data: KiCheckData, decisions: Decisions | None) -> list[Check]:
    """One Check per draft and point, in the content's order.

    `ok` is True when the decision matches the content's answer, False when it differs or is
    missing; the message says what was chosen, what is right and why.
    """
    chosen = clean_decisions(data, decisions)
    checks = []
    for case in data.cases:
        for point in data.points:
            expected = case.answers[point.id]
            given = chosen.get(case.id, {}).get(point.id)
            right = point.option(expected.answer).text
            if given is None:
                message = t("ki_check.result.missing", right=right, reason=expected.reason)
            elif given == expected.answer:
                message = t("ki_check.result.right", reason=expected.reason)
            else:
                message = t(
                    "ki_check.result.wrong",
                    given=point.option(given).text,
                    right=right,
                    reason=expected.reason,
                )
            checks.append(
                Check(
                    point.id,
                    given == expected.answer,
                    message,
                    label=point.label,
                    subject=case.id,
                    section=case.id,
                )
            )
    return checks


def score(checks: list[Check]) -> float:
    """Share of decisions that match the content (0..1)."""
    return _score(checks)


def paper_html(
    data: KiCheckData | None = None,
    mode: Literal["participant", "trainer"] = "participant",
    item_id: str = ITEM_ID,
) -> str:
    """The exercise for printed handouts: each draft with its checklist to tick; trainers get
    the expected decision marked and the reason for every point."""
    from ...publish.templating import render

    return render(
        "exercises/ki_check/paper.html.j2",
        exercise=data or content(),
        trainer=mode == "trainer",
        item_id=item_id,
    )
