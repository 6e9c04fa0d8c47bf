"""The one result type of the exercises' checkers: one `Check` per rule and subject."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One rule's result.

    `ok` is True (met), False (not met) or None (not evaluated, or a hint or summary).
    `counted` False marks advice that never changes a score: a hint, or a rule broken only
    as a warning. `subject` names what the rule looked at (a task, a role, a channel),
    `section` the part of the exercise it belongs to; `label` is the rule's short name.
    """

    rule: str
    ok: bool | None
    message: str
    _: KW_ONLY
    label: str = ""
    subject: str | None = None
    section: str | None = None
    counted: bool = True

    @property
    def level(self) -> str:
        """'ok'; 'error' (counted, not met); 'warning' (not counted, not met); 'info'."""
        if self.ok is None:
            return "info"
        if self.ok:
            return "ok"
        return "error" if self.counted else "warning"

    def to_dict(self) -> dict[str, Any]:
        """As saved with an answer: rule, ok, counted, message, and subject/section if any."""
        data: dict[str, Any] = {"rule": self.rule, "ok": self.ok, "counted": self.counted}
        data.update({k: v for k, v in (("subject", self.subject), ("section", self.section)) if v})
        data["message"] = self.message
        return data


def flatten(checks: Mapping[str, Iterable[Check]] | Iterable[Check]) -> list[Check]:
    """Checks grouped by section (a mapping) or not, as one list."""
    if isinstance(checks, Mapping):
        return [c for group in checks.values() for c in group]
    return list(checks)


def counts(checks: Mapping[str, Iterable[Check]] | Iterable[Check]) -> tuple[int, int]:
    """(met, evaluated) over the counted checks."""
    evaluated = [c for c in flatten(checks) if c.counted and c.ok is not None]
    return sum(1 for c in evaluated if c.ok), len(evaluated)


def score(checks: Mapping[str, Iterable[Check]] | Iterable[Check]) -> float:
    """Share of counted, evaluated checks that are met (0..1; 0 when none is evaluated)."""
    met, total = counts(checks)
    return round(met / total, 4) if total else 0.0
