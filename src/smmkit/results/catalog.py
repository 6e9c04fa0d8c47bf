"""What the loader needs to know about the bank, as plain picklable data.

The parser runs in helper processes too and checks hundreds of thousands of answers, so it gets
this compact table (item id → code, answer shape) instead of pydantic models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..bank.models import COMPETENCIES
from ..bank.scenarios import max_score
from ..bank.validate import Bank

# Widget exercises that are not bank items; their answers are kept as "exercise" rows.
EXERCISE_PREFIXES: tuple[str, ...] = ("team.raci-", "kreativitaet.post-", "abschluss.")
EXERCISE = "exercise"
ITEM_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_ITEM_ID_LENGTH = 80
PHASES: tuple[str, ...] = ("vorher", "nachher")
RATINGS: tuple[str, ...] = ("best", "good", "neutral", "bad")


@dataclass(frozen=True)
class ItemSpec:
    """The answer shape of one item: `kind` is the item type, `size` its option/step/gap count."""

    kind: str
    size: int = 0
    max_points: float = 1.0
    statements: dict[str, int] = field(default_factory=dict)  # likert: statement → competency


@dataclass(frozen=True)
class Catalog:
    """Bank items by code (their index in `item_ids`)."""

    item_ids: tuple[str, ...]
    specs: tuple[ItemSpec, ...]
    index: dict[str, int]
    modules: tuple[str, ...]
    exercise_prefixes: tuple[str, ...] = EXERCISE_PREFIXES

    def is_exercise(self, item_id: str) -> bool:
        """A well-formed id of a known widget exercise (not in the bank)."""
        return (
            len(item_id) <= MAX_ITEM_ID_LENGTH
            and ITEM_ID_PATTERN.match(item_id) is not None
            and item_id.startswith(self.exercise_prefixes)
        )


def _spec(item: Any) -> ItemSpec:
    kind = item.type
    if kind in ("single_choice", "multiple_choice"):
        return ItemSpec(kind, len(item.options), item.points)
    if kind == "ordering":
        return ItemSpec(kind, len(item.steps), item.points)
    if kind == "matching":
        return ItemSpec(kind, len(item.pairs), item.points)
    if kind == "fill_blanks":
        return ItemSpec(kind, len(item.blanks), item.points)
    if kind == "likert":
        statements = {s.id: COMPETENCIES.index(s.competency) for s in item.statements}
        return ItemSpec(kind, len(statements), 0.0, statements)
    if kind == "scenario":
        return ItemSpec(kind, len(item.nodes), max_score(item))
    return ItemSpec(kind, 0, item.points)


def build_catalog(bank: Bank) -> Catalog:
    """The catalog of every item in `bank` (quiz sets are not answered directly)."""
    item_ids = tuple(bank.items)
    return Catalog(
        item_ids=item_ids,
        specs=tuple(_spec(bank.items[i]) for i in item_ids),
        index={item_id: code for code, item_id in enumerate(item_ids)},
        modules=tuple(bank.modules),
    )
