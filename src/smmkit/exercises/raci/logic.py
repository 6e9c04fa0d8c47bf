"""RACI matrices for the social media workflow, as pure logic (no widgets, no I/O).

A RACI matrix says, for every task and every role, who

* **R** (*responsible*) does the work,
* **A** (*accountable*) decides and answers for the result – exactly one per task,
* **C** (*consulted*) is asked before (two-way),
* **I** (*informed*) is told afterwards (one-way).

`check_matrix()` applies the rules of thumb taught in module 02 and returns the rules broken
(:class:`~smmkit.exercises.check.Check`, with explanations); `compare()` sets a learner's
matrix against a model solution cell by cell. The exercise (tasks, roles and a model
solution with a reason per cell) is content: `raci/data.<lang>.yaml`, read by `content()`.

Cells are sets of letters; `parse_letters("R+A") == frozenset({"R", "A"})` and
`format_letters(frozenset({"A", "R"})) == "R+A"`. A matrix round-trips through JSON as
``{task_id: {role_id: "RA"}}`` (`RaciMatrix.to_rows()` / `RaciMatrix.from_rows()`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from ...i18n import t
from .. import get, load_data
from ..check import Check

LETTERS = ("R", "A", "C", "I")
Status = Literal["exact", "acceptable", "wrong", "empty"]

(ITEM_ID,) = get("raci").items  # progress of the exercise is saved under this id
MAX_CONSULTED = 2  # more C than this per task makes approvals too slow for social media

Cell = frozenset[str]
EMPTY: Cell = frozenset()


# ---------------------------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------------------------


def parse_letters(value: str | Iterable[str] | None) -> Cell:
    """Read a cell: "RA", "R+A", "a/r", "–", "" or None, or an iterable of letters."""
    if value is None:
        return EMPTY
    if isinstance(value, str):
        text = value.upper()
        for separator in "+/,;& -–—":
            text = text.replace(separator, "")
        letters = list(text)
    else:
        letters = [str(letter).strip().upper() for letter in value]
    unknown = sorted({letter for letter in letters if letter not in LETTERS})
    if unknown:
        raise ValueError(f"unknown RACI letter(s): {', '.join(unknown)} (allowed: R, A, C, I)")
    return frozenset(letters)


def letters_code(cell: Iterable[str]) -> str:
    """Canonical compact code in R, A, C, I order: {"A", "R"} → "RA"; empty → ""."""
    chosen = set(cell)
    return "".join(letter for letter in LETTERS if letter in chosen)


def format_letters(cell: Iterable[str]) -> str:
    """For people: {"A", "R"} → "R+A"; empty → "–"."""
    code = letters_code(cell)
    return "+".join(code) if code else "–"


Letters = Annotated[Cell, BeforeValidator(parse_letters)]  # a cell as the YAML writes it: "RA"


# ---------------------------------------------------------------------------------------------
# Matrix
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    short: str
    note: str = ""


@dataclass(frozen=True)
class Task:
    id: str
    name: str
    description: str = ""


@dataclass
class RaciMatrix:
    """Tasks × roles → set of letters. Cells not given are empty."""

    tasks: tuple[Task, ...]
    roles: tuple[Role, ...]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tasks, self.roles = tuple(self.tasks), tuple(self.roles)
        for kind, ids in (
            ("task", [x.id for x in self.tasks]),
            ("role", [x.id for x in self.roles]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate {kind} id in {ids}")
        task_ids, role_ids = {x.id for x in self.tasks}, {x.id for x in self.roles}
        cleaned: dict[tuple[str, str], Cell] = {}
        for (task_id, role_id), value in self.cells.items():
            if task_id not in task_ids:
                raise ValueError(f"unknown task {task_id!r}")
            if role_id not in role_ids:
                raise ValueError(f"unknown role {role_id!r}")
            cell = parse_letters(value)
            if cell:
                cleaned[(task_id, role_id)] = cell
        self.cells = cleaned

    def get(self, task_id: str, role_id: str) -> Cell:
        return self.cells.get((task_id, role_id), EMPTY)

    def set(self, task_id: str, role_id: str, value: str | Iterable[str] | None) -> None:
        self.task(task_id), self.role(role_id)  # raise KeyError for unknown ids
        cell = parse_letters(value)
        if cell:
            self.cells[(task_id, role_id)] = cell
        else:
            self.cells.pop((task_id, role_id), None)

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def roles_with(self, task_id: str, letter: str) -> list[Role]:
        """The roles that hold `letter` for a task, in column order."""
        return [role for role in self.roles if letter in self.get(task_id, role.id)]

    def to_rows(self) -> dict[str, dict[str, str]]:
        """JSON-able: every task and role, cells as compact codes ("" when empty)."""
        return {
            task.id: {role.id: letters_code(self.get(task.id, role.id)) for role in self.roles}
            for task in self.tasks
        }

    @classmethod
    def from_rows(
        cls,
        rows: Mapping[str, Mapping[str, str | Iterable[str] | None]],
        tasks: Iterable[Task],
        roles: Iterable[Role],
    ) -> RaciMatrix:
        cells = {
            (task_id, role_id): parse_letters(value)
            for task_id, row in rows.items()
            for role_id, value in row.items()
        }
        return cls(tuple(tasks), tuple(roles), cells)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

LEVEL_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


def _names(roles: list[Role]) -> str:
    return ", ".join(role.name for role in roles)


def _error(rule: str, subject: str, **values: object) -> Check:
    return Check(rule, False, t(f"raci.rule.{rule}", **values), subject=subject)


def _warning(rule: str, subject: str, **values: object) -> Check:
    return Check(rule, False, t(f"raci.rule.{rule}", **values), subject=subject, counted=False)


def check_matrix(matrix: RaciMatrix) -> list[Check]:
    """Apply the RACI rules; the rules broken, sorted errors → warnings → infos.

    * exactly one A per task (error when there is none or several),
    * at least one R per task (error),
    * at most two C per task (warning: approval too slow),
    * no role is A for every task (warning: bottleneck),
    * every role takes part somewhere (info).

    Each finding is a :class:`Check` about a task or a role (`subject`); its `level` is
    "error" (not met, counted), "warning" (not met, not counted) or "info" (ok None).
    """
    findings: list[Check] = []
    for task in matrix.tasks:
        accountable = matrix.roles_with(task.id, "A")
        if not accountable:
            findings.append(_error("a_missing", task.id, task=task.name))
        elif len(accountable) > 1:
            findings.append(
                _error(
                    "a_multiple",
                    task.id,
                    task=task.name,
                    count=len(accountable),
                    roles=_names(accountable),
                )
            )
        if not matrix.roles_with(task.id, "R"):
            findings.append(_error("r_missing", task.id, task=task.name))
        consulted = matrix.roles_with(task.id, "C")
        if len(consulted) > MAX_CONSULTED:
            findings.append(
                _warning(
                    "too_many_c",
                    task.id,
                    task=task.name,
                    count=len(consulted),
                    roles=_names(consulted),
                    limit=MAX_CONSULTED,
                )
            )
    for role in matrix.roles:
        row = [matrix.get(task.id, role.id) for task in matrix.tasks]
        if len(matrix.tasks) >= 2 and all("A" in cell for cell in row):
            findings.append(
                _warning("a_bottleneck", role.id, role=role.name, count=len(matrix.tasks))
            )
        if not any(row):
            message = t("raci.rule.role_unused", role=role.name)
            findings.append(Check("role_unused", None, message, subject=role.id, counted=False))
    return sorted(findings, key=lambda f: LEVEL_ORDER[f.level])


def count_levels(findings: Iterable[Check]) -> dict[str, int]:
    counts = {level: 0 for level in LEVEL_ORDER}
    for finding in findings:
        counts[finding.level] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Model solution and comparison
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelCell:
    """The model's letters for one cell, why, and other answers that are also defensible."""

    letters: Letters
    reason: str
    alternatives: tuple[Letters, ...] = ()

    def accepts(self, given: Cell) -> bool:
        return given in self.alternatives


@dataclass(frozen=True)
class ModelSolution:
    tasks: tuple[Task, ...]
    roles: tuple[Role, ...]
    cells: Mapping[tuple[str, str], ModelCell]

    def cell(self, task_id: str, role_id: str) -> ModelCell:
        return self.cells[(task_id, role_id)]

    def matrix(self) -> RaciMatrix:
        return RaciMatrix(
            self.tasks, self.roles, {key: cell.letters for key, cell in self.cells.items()}
        )

    def empty_matrix(self) -> RaciMatrix:
        return RaciMatrix(self.tasks, self.roles)


@dataclass(frozen=True)
class CellResult:
    task: Task
    role: Role
    given: Cell
    expected: Cell
    status: Status  # exact, acceptable (a defensible alternative), wrong, empty (both empty)
    reason: str

    @property
    def counts(self) -> bool:
        return self.status != "empty"

    @property
    def ok(self) -> bool:
        return self.status in ("exact", "acceptable")


@dataclass(frozen=True)
class Comparison:
    cells: tuple[CellResult, ...]

    @property
    def relevant(self) -> int:
        """Cells that are filled in the learner's matrix, the model or both."""
        return sum(1 for c in self.cells if c.counts)

    @property
    def right(self) -> int:
        return sum(1 for c in self.cells if c.counts and c.ok)

    @property
    def score(self) -> float:
        """Share of relevant cells that match the model or a defensible alternative (0..1)."""
        return round(self.right / self.relevant, 4) if self.relevant else 0.0

    def by_status(self, status: Status) -> list[CellResult]:
        return [c for c in self.cells if c.status == status]

    def for_task(self, task_id: str) -> list[CellResult]:
        return [c for c in self.cells if c.task.id == task_id]


def compare(matrix: RaciMatrix, model: ModelSolution) -> Comparison:
    """Every cell of the model against the learner's matrix (same tasks and roles)."""
    results = []
    for task in model.tasks:
        for role in model.roles:
            expected = model.cell(task.id, role.id)
            given = (
                matrix.get(task.id, role.id)
                if task.id in {x.id for x in matrix.tasks}
                and role.id in {x.id for x in matrix.roles}
                else EMPTY
            )
            if given == expected.letters:
                status: Status = "empty" if not given else "exact"
            elif expected.accepts(given):
                status = "acceptable"
            else:
                status = "wrong"
            results.append(CellResult(task, role, given, expected.letters, status, expected.reason))
    return Comparison(tuple(results))


# ---------------------------------------------------------------------------------------------
# The exercise: data.<lang>.yaml (a product post at Lindenholz, from the idea to the report)
# ---------------------------------------------------------------------------------------------


class RaciExerciseData(BaseModel):
    """The exercise's content: the case, the roles and tasks, the model solution."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    context: str  # Markdown
    roles: tuple[Role, ...]
    tasks: tuple[Task, ...]
    solution: dict[str, dict[str, ModelCell]]  # task id -> role id -> model cell

    @model_validator(mode="after")
    def _every_cell(self) -> RaciExerciseData:
        expected = {(task.id, role.id) for task in self.tasks for role in self.roles}
        given = {(task, role) for task, row in self.solution.items() for role in row}
        if given != expected:
            wrong = [f"{task}.{role}" for task, role in sorted(given ^ expected)]
            raise ValueError(f"solution: one cell per task and role; missing or unknown: {wrong}")
        return self

    @cached_property
    def model(self) -> ModelSolution:
        return ModelSolution(
            self.tasks,
            self.roles,
            {(task, role): cell for task, row in self.solution.items() for role, cell in row.items()},
        )


def content(lang: str | None = None) -> RaciExerciseData:
    """The shipped exercise (``raci/data.<lang>.yaml``)."""
    return load_data("raci", RaciExerciseData, lang)


def paper_html(
    exercise: RaciExerciseData | None = None,
    mode: Literal["participant", "trainer"] = "participant",
    item_id: str = ITEM_ID,
) -> str:
    """The RACI exercise for printed handouts, in the style of `smmkit.publish.paper`.

    Participants get an empty grid to fill in and the rules as a checklist; trainers get the
    model solution in the grid and the reason for every cell that is filled or has a
    defensible alternative (the reasons name the alternatives).
    """
    from ...publish.templating import render

    return render(
        "exercises/raci/paper.html.j2",
        exercise=exercise or content(),
        trainer=mode == "trainer",
        item_id=item_id,
        format_letters=format_letters,
    )
