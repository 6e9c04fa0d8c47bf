"""Pure scoring for every question type and for quiz sets (no widgets, no I/O).

Answers are JSON-able values, the same ones stored in progress files, so the trainer
dashboard can re-grade stored answers with the same functions:

| type | answer |
|---|---|
| single_choice | option index (int) or None |
| multiple_choice | list of option indexes |
| true_false | bool |
| ordering | list of step indexes in the learner's order |
| matching | list, per left entry, of the chosen right text (or None) |
| fill_blanks | list of strings, one per gap |
| numeric | number or text such as "3,5 %" |
| free_text | text |
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..i18n import t
from .keywords import keyword_found, normalise
from .models import (
    FillBlanks,
    FreeText,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuizSet,
    SingleChoice,
    TrueFalse,
)


@dataclass(frozen=True)
class Feedback:
    """One line of feedback; `ok` is True (right), False (wrong) or None (neutral).

    `label` replaces the plain "Richtig"/"Falsch" in front of the text where that would
    mislead, e.g. "Übersehen" for a correct option the learner did not tick.
    """

    ok: bool | None
    text: str
    label: str | None = None


@dataclass(frozen=True)
class Grade:
    score: float  # share of the item's points, 0..1
    max_points: float
    feedback: tuple[Feedback, ...] = ()

    @property
    def points(self) -> float:
        return round(self.score * self.max_points, 4)

    @property
    def correct(self) -> bool:
        return self.score >= 1 - 1e-9


def _grade(score: float, item: Any, feedback: list[Feedback]) -> Grade:
    score = min(1.0, max(0.0, score))
    if item.explanation:
        feedback.append(Feedback(None, item.explanation))
    return Grade(round(score, 4), item.points, tuple(feedback))


def grade_single_choice(item: SingleChoice, answer: int | None) -> Grade:
    if answer is None or not 0 <= answer < len(item.options):
        return Grade(0.0, item.points, (Feedback(False, t("feedback.no_answer")),))
    option = item.options[answer]
    return _grade(1.0 if option.correct else 0.0, item, [Feedback(option.correct, option.feedback)])


def grade_multiple_choice(item: MultipleChoice, answer: Sequence[int]) -> Grade:
    """Partial credit (right ticks minus wrong ticks); feedback per ticked or missed option."""
    chosen = {i for i in answer if 0 <= i < len(item.options)}
    n_correct = sum(o.correct for o in item.options)
    hits = sum(1 for i in chosen if item.options[i].correct)
    wrong = len(chosen) - hits
    feedback = []
    for i, option in enumerate(item.options):
        if i in chosen:
            key = "feedback.chosen_right" if option.correct else "feedback.chosen_wrong"
            feedback.append(Feedback(option.correct, _about(option), t(key)))
        elif option.correct:
            feedback.append(Feedback(False, _about(option), t("feedback.missed")))
    return _grade((hits - wrong) / n_correct, item, feedback)


def _about(option: Any) -> str:
    return f"„{option.text}“ – {option.feedback}"


def grade_true_false(item: TrueFalse, answer: bool | None) -> Grade:
    if answer is None:
        return Grade(0.0, item.points, (Feedback(False, t("feedback.no_answer")),))
    right = bool(answer) == item.answer
    verdict = t("feedback.statement_true") if item.answer else t("feedback.statement_false")
    return _grade(1.0 if right else 0.0, item, [Feedback(right, verdict)])


def grade_ordering(item: Ordering, answer: Sequence[int]) -> Grade:
    """Share of step pairs in the right order, against the closest accepted order."""
    order = list(answer)
    if sorted(order) != list(range(len(item.steps))):
        return Grade(0.0, item.points, (Feedback(False, t("feedback.incomplete_order")),))
    score, accepted = max((_concordance(order, a), a) for a in item.accepted_orders())
    positions = sum(1 for given, right in zip(order, accepted, strict=True) if given == right)
    ok = score >= 1 - 1e-9
    text = (
        t("feedback.order_right")
        if ok
        else t("feedback.order_partly", right=positions, total=len(order))
    )
    return _grade(score, item, [Feedback(ok, text)])


def _concordance(order: Sequence[int], accepted: Sequence[int]) -> float:
    rank = {step: position for position, step in enumerate(accepted)}
    pairs = list(combinations(order, 2))
    return sum(1 for a, b in pairs if rank[a] < rank[b]) / len(pairs)


def grade_matching(item: Matching, answer: Sequence[str | None]) -> Grade:
    feedback: list[Feedback] = []
    right = 0
    for index, pair in enumerate(item.pairs):
        chosen = answer[index] if index < len(answer) else None
        ok = chosen is not None and normalise(chosen) == normalise(pair.right)
        right += ok
        text = f"{pair.left} → {pair.right}" + (f": {pair.feedback}" if pair.feedback else "")
        feedback.append(Feedback(ok, text))
    return _grade(right / len(item.pairs), item, feedback)


def grade_fill_blanks(item: FillBlanks, answer: Sequence[str]) -> Grade:
    feedback: list[Feedback] = []
    right = 0
    for index, blank in enumerate(item.blanks):
        given = answer[index] if index < len(answer) else ""
        ok = normalise(given or "") in {normalise(a) for a in blank.accept}
        right += ok
        label = t("feedback.gap", number=index + 1)
        shown = given.strip() if given and given.strip() else "—"
        feedback.append(Feedback(ok, f"{label} ({shown}): {blank.feedback}"))
    return _grade(right / len(item.blanks), item, feedback)


def parse_number(value: Any) -> float | None:
    """Read a number the way people type it: '3,5', '3.5 %', '1.500' (thousands), '−2'."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = str(value or "").strip().replace("−", "-").replace("\u202f", "").replace(" ", "")
    text = re.sub(r"[%€$a-zA-Zä-üÄ-Üß]+$", "", text)
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):  # German thousands separator
        text = text.replace(".", "")
    elif "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def grade_numeric(item: Numeric, answer: Any) -> Grade:
    value = parse_number(answer)
    if value is None:
        return Grade(0.0, item.points, (Feedback(False, t("feedback.not_a_number")),))
    if abs(value - item.answer) <= item.tolerance + 1e-9:
        return _grade(1.0, item, [Feedback(True, t("feedback.number_right"))])
    feedback = [
        Feedback(False, mistake.feedback)
        for mistake in item.mistakes
        if abs(value - mistake.answer) <= mistake.tolerance + 1e-9
    ]
    if not feedback:
        feedback.append(Feedback(False, t("feedback.number_wrong")))
    return _grade(0.0, item, feedback)


def grade_free_text(item: FreeText, answer: str | None) -> Grade:
    text = answer or ""
    words = len(text.split())
    if words < item.min_words:
        note = t("feedback.too_short", words=words, minimum=item.min_words)
        return Grade(0.0, item.points, (Feedback(False, note),))
    feedback: list[Feedback] = []
    met = 0
    for rule in item.keywords:
        ok = any(keyword_found(k, text) for k in rule.any)
        met += ok
        feedback.append(Feedback(ok, rule.present if ok else rule.missing))
    return _grade(met / len(item.keywords), item, feedback)


GRADERS: dict[str, Callable[[Any, Any], Grade]] = {
    "single_choice": grade_single_choice,
    "multiple_choice": grade_multiple_choice,
    "true_false": grade_true_false,
    "ordering": grade_ordering,
    "matching": grade_matching,
    "fill_blanks": grade_fill_blanks,
    "numeric": grade_numeric,
    "free_text": grade_free_text,
}


def grade(item: Any, answer: Any) -> Grade:
    """Grade any scored item (not scenarios or self-assessments) from its stored answer."""
    try:
        grader = GRADERS[item.type]
    except KeyError:
        raise ValueError(f"{item.id}: type {item.type!r} is not graded per answer") from None
    return grader(item, answer)


@dataclass(frozen=True)
class SetResult:
    score: float  # share of the set's points, 0..1
    points: float
    max_points: float
    answered: int
    total: int
    passed: bool
    band_feedback: str


def grade_quiz_set(quiz_set: QuizSet, items: dict[str, Any], grades: dict[str, Grade]) -> SetResult:
    """Combine item grades (unanswered items count as 0) into a set result with band feedback."""
    max_points = sum(items[i].points for i in quiz_set.items)
    points = sum(grades[i].points for i in quiz_set.items if i in grades)
    score = points / max_points if max_points else 0.0
    band = max((b for b in quiz_set.bands if score + 1e-9 >= b.min), key=lambda b: b.min)
    return SetResult(
        score=round(score, 4),
        points=round(points, 4),
        max_points=max_points,
        answered=sum(1 for i in quiz_set.items if i in grades),
        total=len(quiz_set.items),
        passed=score + 1e-9 >= quiz_set.pass_mark,
        band_feedback=band.feedback,
    )


def stable_order(count: int, *seed_parts: str) -> list[int]:
    """A shuffled order of range(count) that is the same every time for the same seed parts."""
    digest = hashlib.sha256("\x1f".join(seed_parts).encode()).digest()
    order = list(range(count))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    return order
