"""Exceptions and located problems.

Every problem in authored content names its place (file, line, item id, field), so a trainer
can fix a YAML file without reading a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class SmmkitError(Exception):
    """Base class of all errors smmkit reports to a person."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in authored content, located as precisely as we can."""

    path: str
    line: int | None
    item_id: str | None
    field: str | None
    message: str
    # "error": the content cannot be used as written; "warning": an item-writing rule is
    # broken (see smmkit.bank.quality), fatal only in `smmkit check --strict`.
    severity: str = "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = ".".join(part for part in (self.item_id, self.field) if part)
        message = f"warning: {self.message}" if self.is_warning else self.message
        return f"{where}: {what}: {message}" if what else f"{where}: {message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.item_id or "", self.field or "")


class ContentError(SmmkitError):
    """The content bank or a notebook reference is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the content:"
        super().__init__("\n".join([header, *(f"  {p}" for p in self.problems)]))

    def __reduce__(self):  # errors cross process boundaries in parallel builds
        return (type(self), (self.problems,))


class NotebookError(SmmkitError):
    """A notebook is malformed at a known cell (and line within it)."""

    def __init__(self, path: str, cell: int | None, message: str, line: int | None = None):
        self.path, self.cell, self.line = path, cell, line
        where = path
        if cell is not None:
            where += f": cell {cell}"
        if line is not None:
            where += f", line {line}"
        self.message = message
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # errors cross process boundaries in parallel builds
        return (type(self), (self.path, self.cell, self.message, self.line))


class UnknownItemError(SmmkitError, KeyError):
    """A notebook asked for an id the bank does not have."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class BuildError(SmmkitError):
    """A handout build step failed."""
