"""Competency profiles from self-assessments (pure logic)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .models import COMPETENCIES, Likert


def likert_profile(item: Likert, ratings: Mapping[str, int | None]) -> dict[str, float]:
    """Mean rating (1–5) per competency over the statements that were rated."""
    sums: dict[str, list[int]] = defaultdict(list)
    for statement in item.statements:
        value = ratings.get(statement.id)
        if isinstance(value, int) and 1 <= value <= 5:
            sums[statement.competency].append(value)
    return {c: round(sum(v) / len(v), 2) for c in COMPETENCIES if (v := sums.get(c))}


def missing_ratings(item: Likert, ratings: Mapping[str, int | None]) -> list[str]:
    return [s.id for s in item.statements if not isinstance(ratings.get(s.id), int)]
