"""Content models: one class per question type, plus quiz sets and the bank file.

These models describe *structure* (which fields, which types). Rules that span fields
(exactly one correct option, a scenario graph that always ends …) live in
:mod:`smmkit.bank.validate`, so every problem can be reported with its location.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

SCHEMA_VERSION = 1
GAP_PATTERN = re.compile(r"\[\[(\d+)\]\]")

Competency = Literal["kommunikation", "team", "strategie", "kreativitaet"]
COMPETENCIES: tuple[str, ...] = ("kommunikation", "team", "strategie", "kreativitaet")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ITEM_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
NODE_ID_PATTERN = r"^[A-Za-z0-9_-]+$"
MODULE_PATTERN = r"^[0-9]{2}_[a-z0-9_]+$"
ItemId = Annotated[str, StringConstraints(pattern=ITEM_ID_PATTERN, max_length=80)]
NodeId = Annotated[str, StringConstraints(pattern=NODE_ID_PATTERN, max_length=60)]
Rating = Literal["best", "good", "neutral", "bad"]


class _Model(BaseModel):
    # Unknown fields are errors: a typo like `feedbak` must not silently drop feedback.
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ItemBase(_Model):
    id: ItemId
    competency: Competency
    prompt: Text
    title: Text | None = None
    points: float = Field(default=1.0, gt=0)
    explanation: Text | None = None
    trainer_note: Text | None = None


class Option(_Model):
    text: Text
    correct: bool = False
    feedback: Text


class SingleChoice(_ItemBase):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True


class MultipleChoice(_ItemBase):
    type: Literal["multiple_choice"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True


class TrueFalse(_ItemBase):
    type: Literal["true_false"]
    answer: bool
    explanation: Text


class Ordering(_ItemBase):
    type: Literal["ordering"]
    steps: list[Text] = Field(min_length=3)
    # Other orders that count as fully right, as lists of step numbers (1 = the first step
    # listed); [] says that only the listed order is defensible.
    alternatives: list[list[int]] | None = None
    explanation: Text
    shuffle: bool = True

    def accepted_orders(self) -> list[list[int]]:
        """Every accepted order as 0-based step indexes, the listed order first."""
        listed = list(range(len(self.steps)))
        return [listed, *([n - 1 for n in alt] for alt in self.alternatives or [])]


class Pair(_Model):
    left: Text
    right: Text
    feedback: Text | None = None


class Matching(_ItemBase):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=3)
    distractors: list[Text] = Field(default_factory=list)
    explanation: Text
    shuffle: bool = True


class Blank(_Model):
    accept: list[Text] = Field(min_length=1)
    feedback: Text

    @field_validator("accept", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # `accept: [280]` or a fact placeholder that stands alone ("{{fakt:x.zeichen_max}}")
        # gives a number; answers are compared as text.
        if isinstance(value, list):
            return [
                str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for v in value
            ]
        return value


class FillBlanks(_ItemBase):
    type: Literal["fill_blanks"]
    text: Text
    blanks: list[Blank] = Field(min_length=1)


class NumericMistake(_Model):
    answer: float
    tolerance: float = Field(default=0.0, ge=0)
    feedback: Text


class Numeric(_ItemBase):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0.0, ge=0)
    unit: str = ""
    explanation: Text
    mistakes: list[NumericMistake] = Field(default_factory=list)


class KeywordRule(_Model):
    any: list[Text] = Field(min_length=1)
    present: Text
    missing: Text


class FreeText(_ItemBase):
    type: Literal["free_text"]
    min_words: int = Field(default=0, ge=0)
    keywords: list[KeywordRule] = Field(min_length=1)
    model_answer: Text


class LikertStatement(_Model):
    id: NodeId
    text: Text
    competency: Competency


class Likert(_ItemBase):
    type: Literal["likert"]
    statements: list[LikertStatement] = Field(min_length=1)
    scale: list[Text] | None = Field(default=None, min_length=5, max_length=5)


class Choice(_Model):
    text: Text
    goto: NodeId
    feedback: Text
    score: float = 0.0
    competency: Competency | None = None


class Route(_Model):
    goto: NodeId
    min_score: float | None = None
    max_score: float | None = None

    @property
    def is_fallback(self) -> bool:
        return self.min_score is None and self.max_score is None

    def holds(self, score: float) -> bool:
        return (self.min_score is None or score >= self.min_score) and (
            self.max_score is None or score <= self.max_score
        )


class Ending(_Model):
    title: Text
    rating: Rating
    debrief: Text


class Node(_Model):
    id: NodeId
    text: Text | None = None
    # The trade-off of a genuine dilemma, e.g. "Rechtssicherheit gegen schnelle Antwort":
    # two defensible choices that both score. Shown in the debrief and the trainer map.
    dilemma: Text | None = None
    choices: list[Choice] | None = None
    routes: list[Route] | None = None
    ending: Ending | None = None

    @property
    def kind(self) -> str | None:
        kinds = [k for k in ("choices", "routes", "ending") if getattr(self, k) is not None]
        return kinds[0] if len(kinds) == 1 else None

    def targets(self) -> list[str]:
        """Node ids this node can lead to."""
        if self.choices:
            return [c.goto for c in self.choices]
        if self.routes:
            return [r.goto for r in self.routes]
        return []


class Scenario(_ItemBase):
    type: Literal["scenario"]
    title: Text
    start: NodeId
    nodes: list[Node] = Field(min_length=2)

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def node_map(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}


Item = Annotated[
    SingleChoice
    | MultipleChoice
    | TrueFalse
    | Ordering
    | Matching
    | FillBlanks
    | Numeric
    | FreeText
    | Likert
    | Scenario,
    Field(discriminator="type"),
]

ITEM_CLASSES: dict[str, type[_ItemBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (
        SingleChoice,
        MultipleChoice,
        TrueFalse,
        Ordering,
        Matching,
        FillBlanks,
        Numeric,
        FreeText,
        Likert,
        Scenario,
    )
}
ITEM_TYPES: tuple[str, ...] = tuple(ITEM_CLASSES)
SCORED_TYPES: frozenset[str] = frozenset(ITEM_TYPES) - {"likert"}


class Band(_Model):
    min: float = Field(ge=0, le=1)
    feedback: Text


class QuizSet(_Model):
    id: ItemId
    title: Text
    # Plain text, not ItemId: a malformed id is reported once, where the item defines it.
    items: list[Text] = Field(min_length=1)
    pass_mark: float = Field(ge=0, le=1)
    bands: list[Band] = Field(min_length=1)
    shuffle: bool = False


class BankFile(_Model):
    """The top level of one `content/<lang>/<module>.yaml` file (items checked one by one)."""

    schema_version: Literal[1]
    module: Annotated[str, StringConstraints(pattern=MODULE_PATTERN)]
    title: Text
    items: list[Item] = Field(default_factory=list)
    quiz_sets: list[QuizSet] = Field(default_factory=list)
