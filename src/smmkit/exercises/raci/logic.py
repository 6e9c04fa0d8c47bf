"""RACI matrices for the social media workflow, as pure logic (no widgets, no I/O).

A RACI matrix says, for every task and every role, who

* **R** (*responsible*) does the work,
* **A** (*accountable*) decides and answers for the result – exactly one per task,
* **C** (*consulted*) is asked before (two-way),
* **I** (*informed*) is told afterwards (one-way).

`check_matrix()` applies the rules of thumb taught in module 02 and returns findings with
explanations; `compare()` sets a learner's matrix against a model solution cell by cell.
The default exercise (tasks, roles and a model solution with a reason per cell) is data
in this module: `DEFAULT_EXERCISE`.

Cells are sets of letters; `parse_letters("R+A") == frozenset({"R", "A"})` and
`format_letters(frozenset({"A", "R"})) == "R+A"`. A matrix round-trips through JSON as
``{task_id: {role_id: "RA"}}`` (`RaciMatrix.to_rows()` / `RaciMatrix.from_rows()`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ...i18n import t

LETTERS = ("R", "A", "C", "I")
Level = Literal["error", "warning", "info"]
Status = Literal["exact", "acceptable", "wrong", "empty"]

ITEM_ID = "team.raci-01"  # progress of the default exercise is saved under this id
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


@dataclass(frozen=True)
class Finding:
    """One rule hit; `message` explains it in the current language (Markdown)."""

    level: Level
    rule: str
    message: str
    task: str | None = None
    role: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"level": self.level, "rule": self.rule, "task": self.task, "role": self.role}


LEVEL_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


def _names(roles: list[Role]) -> str:
    return ", ".join(role.name for role in roles)


def check_matrix(matrix: RaciMatrix) -> list[Finding]:
    """Apply the RACI rules; findings are sorted errors → warnings → infos.

    * exactly one A per task (error when there is none or several),
    * at least one R per task (error),
    * at most two C per task (warning: approval too slow),
    * no role is A for every task (warning: bottleneck),
    * every role takes part somewhere (info).
    """
    findings: list[Finding] = []
    for task in matrix.tasks:
        accountable = matrix.roles_with(task.id, "A")
        if not accountable:
            findings.append(
                Finding("error", "a_missing", t("raci.rule.a_missing", task=task.name), task.id)
            )
        elif len(accountable) > 1:
            findings.append(
                Finding(
                    "error",
                    "a_multiple",
                    t(
                        "raci.rule.a_multiple",
                        task=task.name,
                        count=len(accountable),
                        roles=_names(accountable),
                    ),
                    task.id,
                )
            )
        if not matrix.roles_with(task.id, "R"):
            findings.append(
                Finding("error", "r_missing", t("raci.rule.r_missing", task=task.name), task.id)
            )
        consulted = matrix.roles_with(task.id, "C")
        if len(consulted) > MAX_CONSULTED:
            findings.append(
                Finding(
                    "warning",
                    "too_many_c",
                    t(
                        "raci.rule.too_many_c",
                        task=task.name,
                        count=len(consulted),
                        roles=_names(consulted),
                        limit=MAX_CONSULTED,
                    ),
                    task.id,
                )
            )
    for role in matrix.roles:
        row = [matrix.get(task.id, role.id) for task in matrix.tasks]
        if len(matrix.tasks) >= 2 and all("A" in cell for cell in row):
            findings.append(
                Finding(
                    "warning",
                    "a_bottleneck",
                    t("raci.rule.a_bottleneck", role=role.name, count=len(matrix.tasks)),
                    role=role.id,
                )
            )
        if not any(row):
            findings.append(
                Finding(
                    "info", "role_unused", t("raci.rule.role_unused", role=role.name), role=role.id
                )
            )
    return sorted(findings, key=lambda f: LEVEL_ORDER[f.level])


def count_levels(findings: Iterable[Finding]) -> dict[str, int]:
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

    letters: Cell
    reason: str
    alternatives: tuple[Cell, ...] = ()

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
# The default exercise: a product post at Lindenholz, from the idea to the monthly report
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaciExerciseData:
    title: str
    context: str
    model: ModelSolution

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self.model.tasks

    @property
    def roles(self) -> tuple[Role, ...]:
        return self.model.roles


DEFAULT_ROLES = (
    Role("sm", "Social-Media-Verantwortliche:r", "SM"),
    Role("gf", "Geschäftsführung", "GF"),
    Role("ks", "Kundenservice", "KS"),
    # soft hyphen: the long word may break in the narrow column of the grid
    Role("fa", "Fachabteilung", "FA", "hier: Produkt\u00admanagement"),
    Role("rd", "Recht/Datenschutz", "RD"),
)

DEFAULT_TASKS = (
    Task("idee", "Idee", "Anlass und Thema festlegen, Beitrag im Redaktionsplan einplanen"),
    Task("entwurf", "Entwurf", "Text, Fotos und Video erstellen"),
    Task("freigabe", "Freigabe", "Fakten und Aussagen prüfen, Beitrag freigeben"),
    Task("posting", "Posting", "Beitrag zur geplanten Zeit veröffentlichen"),
    Task("dialog", "Community-Dialog", "Kommentare und Nachrichten zum Beitrag beantworten"),
    Task("reporting", "Reporting", "Ergebnisse und Kundenstimmen auswerten und berichten"),
)

# (task, role) -> (model letters, reason, defensible alternatives)
_MODEL: dict[tuple[str, str], tuple[str, str, tuple[str, ...]]] = {
    # Idee
    ("idee", "sm"): (
        "RA",
        "Social Media plant die Themen im Redaktionsplan und entscheidet, wann welcher Beitrag "
        "erscheint – das ist der Kern der Rolle.",
        (),
    ),
    ("idee", "gf"): (
        "",
        "Die Geschäftsführung hat die Produkteinführung längst beschlossen. Für die einzelne "
        "Beitragsidee muss sie weder gefragt noch eigens informiert werden. Ein I ist vertretbar, "
        "wenn sie den Redaktionsplan regelmäßig sehen möchte.",
        ("I",),
    ),
    ("idee", "ks"): (
        "C",
        "Der Kundenservice weiß, was Eltern zum Laufrad fragen werden (Altersangabe, Sattelhöhe, "
        "Lieferzeit). Solche Fragen sind gute Aufhänger für den Beitrag. I ist vertretbar.",
        ("I",),
    ),
    ("idee", "fa"): (
        "C",
        "Das Produktmanagement kennt die Besonderheiten des Laufrads und liefert die Argumente. "
        "Es wird gefragt, entscheidet aber nicht über den Redaktionsplan. R ist vertretbar, wenn "
        "es die Idee selbst einbringt.",
        ("R",),
    ),
    ("idee", "rd"): (
        "",
        "Für die Themenidee ist keine rechtliche Prüfung nötig; sie folgt – wenn überhaupt – bei "
        "der Freigabe.",
        (),
    ),
    # Entwurf
    ("entwurf", "sm"): (
        "RA",
        "Texte, Fotos und Videos zu erstellen, ist Aufgabe von Social Media. Auch die "
        "Verantwortung für einen guten Entwurf liegt dort.",
        (),
    ),
    ("entwurf", "gf"): (
        "",
        "Die Geschäftsführung muss keinen Entwurf sehen. Wer schon beim Entwurf mitredet, "
        "verlängert den Ablauf, ohne dass der Beitrag besser wird.",
        (),
    ),
    ("entwurf", "ks"): (
        "",
        "Beim Entwurf wird der Kundenservice nicht gebraucht; er erfährt beim Posting, dass der "
        "Beitrag online ist. C ist vertretbar, wenn der Beitrag Servicefragen beantworten soll.",
        ("C",),
    ),
    ("entwurf", "fa"): (
        "C",
        "Das Produktmanagement liefert Fakten und Fotos (Maße, Altersangabe, Material) und "
        "beantwortet Rückfragen während des Schreibens.",
        (),
    ),
    ("entwurf", "rd"): (
        "",
        "Rechtliche Fragen klärt man gebündelt bei der Freigabe, nicht schon beim Entwurf.",
        (),
    ),
    # Freigabe
    ("freigabe", "sm"): (
        "R",
        "Social Media legt den fertigen Entwurf zur Freigabe vor, prüft die eigene Checkliste "
        "(Bildrechte, Links, Rechtschreibung) und arbeitet Änderungen ein.",
        (),
    ),
    ("freigabe", "gf"): (
        "",
        "Für einen normalen Produktbeitrag braucht es keine Freigabe durch die Geschäftsführung, "
        "wenn die Freigabeklassen das so regeln. Müsste sie jeden Beitrag freigeben, wäre sie ein "
        "Flaschenhals. Sensible Themen (Krise, Gewinnspiel, Kritik am Unternehmen) gehören "
        "dagegen zu ihr. I ist vertretbar.",
        ("I",),
    ),
    ("freigabe", "ks"): (
        "",
        "Der Kundenservice muss den Beitrag nicht freigeben; er wird beim Posting informiert.",
        (),
    ),
    ("freigabe", "fa"): (
        "A",
        "Wer fachlich für das Produkt geradesteht, gibt die Fakten frei – hier das "
        "Produktmanagement. So gilt das Vier-Augen-Prinzip, und es gibt genau eine freigebende "
        "Person. R+A ist ebenso richtig, wenn das Produktmanagement die Prüfung selbst vornimmt.",
        ("RA",),
    ),
    ("freigabe", "rd"): (
        "C",
        "Bei Kinderprodukten sind Werbeaussagen wie „schadstofffrei“ oder Altersangaben "
        "rechtlich heikel. Recht/Datenschutz wird deshalb kurz und mit fester Frist gefragt. "
        "Stammen alle Aussagen aus der bereits geprüften Produktbeschreibung, kann die Rückfrage "
        "entfallen.",
        ("",),
    ),
    # Posting
    ("posting", "sm"): (
        "RA",
        "Veröffentlichen ist Handwerk der Social-Media-Rolle: zur geplanten Zeit, mit genau den "
        "freigegebenen Inhalten.",
        (),
    ),
    ("posting", "gf"): (
        "",
        "Über das Veröffentlichen selbst muss die Geschäftsführung nicht eigens informiert werden.",
        (),
    ),
    ("posting", "ks"): (
        "I",
        "Der Kundenservice muss wissen, dass der Beitrag online ist – sonst überraschen ihn "
        "Anrufe und E-Mails, die sich auf den Beitrag beziehen.",
        (),
    ),
    ("posting", "fa"): (
        "",
        "Das Produktmanagement kennt den Termin schon aus der Freigabe. Ein I ist vertretbar.",
        ("I",),
    ),
    ("posting", "rd"): (
        "",
        "Für das Veröffentlichen selbst wird Recht/Datenschutz nicht gebraucht.",
        (),
    ),
    # Community-Dialog
    ("dialog", "sm"): (
        "RA",
        "Social Media beantwortet Kommentare und Nachrichten und sorgt dafür, dass keine Frage "
        "liegen bleibt – auch wenn andere zuliefern.",
        (),
    ),
    ("dialog", "gf"): (
        "",
        "Im Alltag nicht beteiligt. Bei Eskalationen greift der Eskalationsplan; dann entscheidet "
        "die dort benannte Person (bei Stufe hoch die Geschäftsführung). I ist vertretbar.",
        ("I",),
    ),
    ("dialog", "ks"): (
        "R",
        "Fragen zu Bestellungen, Lieferungen und Reklamationen beantwortet der Kundenservice, "
        "der Zugriff auf die Bestelldaten hat – direkt per Nachricht oder, indem er Social Media "
        "die Antwort liefert. C ist vertretbar, wenn er nur zuliefert.",
        ("C",),
    ),
    ("dialog", "fa"): (
        "C",
        "Fachfragen wie „Ab welcher Schrittlänge passt das Laufrad?“ klärt Social Media mit dem "
        "Produktmanagement.",
        (),
    ),
    ("dialog", "rd"): (
        "",
        "Nur bei Datenschutzanfragen oder rechtlich heiklen Kommentaren nötig; dann ist C "
        "vertretbar.",
        ("C",),
    ),
    # Reporting
    ("reporting", "sm"): (
        "RA",
        "Social Media wertet Kennzahlen und Kundenstimmen aus und berichtet. Das ist die Brücke "
        "von der Kommunikation nach außen zur Kommunikation nach innen.",
        (),
    ),
    ("reporting", "gf"): (
        "I",
        "Die Geschäftsführung bekommt den Bericht, um auf dieser Grundlage zu entscheiden, etwa "
        "über Budget, Prioritäten oder Produktänderungen.",
        (),
    ),
    ("reporting", "ks"): (
        "I",
        "Der Kundenservice erfährt, welche Fragen und Beschwerden gerade häufig sind. C ist "
        "vertretbar, wenn er eigene Zahlen zuliefert.",
        ("C",),
    ),
    ("reporting", "fa"): (
        "I",
        "Das Produktmanagement erfährt, was Eltern am Laufrad loben und bemängeln – Stoff für "
        "Verbesserungen. C ist vertretbar.",
        ("C",),
    ),
    ("reporting", "rd"): (
        "",
        "Für das Reporting wird Recht/Datenschutz nicht gebraucht, solange der Bericht keine "
        "personenbezogenen Daten enthält (Kundenstimmen ohne Namen zitieren).",
        (),
    ),
}

DEFAULT_MODEL = ModelSolution(
    DEFAULT_TASKS,
    DEFAULT_ROLES,
    {
        key: ModelCell(
            parse_letters(letters), reason, tuple(parse_letters(a) for a in alternatives)
        )
        for key, (letters, reason, alternatives) in _MODEL.items()
    },
)

DEFAULT_EXERCISE = RaciExerciseData(
    title="RACI-Matrix: Ein Produktbeitrag bei Lindenholz",
    context=(
        "Die **Lindenholz GmbH** stellt auf Instagram und Facebook ihr neues Holz-Laufrad "
        "„Flitzer“ vor. Legen Sie fest, wer bei diesem Produktbeitrag – von der ersten Idee bis "
        "zum Monatsbericht – welche Rolle übernimmt. Ein Produktbeitrag enthält Fakten "
        "(Altersangabe, Maße, Preis) und Werbeaussagen; er ist also mehr als ein "
        "Routinebeitrag, aber auch kein Krisenfall."
    ),
    model=DEFAULT_MODEL,
)


# ---------------------------------------------------------------------------------------------
# On paper: the exercise for printed handouts (static HTML, no widgets)
# ---------------------------------------------------------------------------------------------


def paper_html(
    exercise: RaciExerciseData = DEFAULT_EXERCISE,
    mode: Literal["participant", "trainer"] = "participant",
    item_id: str = ITEM_ID,
) -> str:
    """The RACI exercise for printed handouts, in the style of `smmkit.publish.paper`.

    Participants get an empty grid to fill in and the rules as a checklist; trainers get the
    model solution in the grid and the reason for every cell that is filled or has a
    defensible alternative (the reasons name the alternatives).
    """
    from ...markup import md
    from ...publish.paper import esc

    head = "".join(
        f'<th scope="col">{esc(role.name)}'
        + (f"<br><small>{esc(role.note)}</small>" if role.note else "")
        + "</th>"
        for role in exercise.roles
    )
    rows = []
    for task in exercise.tasks:
        cells = []
        for role in exercise.roles:
            shown = (
                format_letters(exercise.model.cell(task.id, role.id).letters)
                if mode == "trainer"
                else ""
            )
            cells.append(f'<td class="smmkit-numbox">{esc(shown)}</td>')
        rows.append(
            f'<tr><th scope="row">{esc(task.name)}<br><small>{esc(task.description)}</small></th>{"".join(cells)}</tr>'
        )
    table = (
        f'<table class="smmkit-table smmkit-raci-paper"><thead><tr><th scope="col">{esc(t("raci.task_column"))}</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    checklist = "".join(
        f"<li>{md(t(f'raci.paper.rules.{index}')).strip()}</li>" for index in range(5)
    )
    body = (
        f'<p class="smmkit-item-title">{esc(exercise.title)}</p>'
        f'<div class="smmkit-prompt">{md(exercise.context)}{md(t("raci.paper.hint"))}{md(t("raci.legend"))}</div>'
        f"{table}"
        f'<p class="smmkit-hint">{esc(t("raci.paper.rules_heading"))}</p><ul>{checklist}</ul>'
    )
    if mode == "trainer":
        reasons = []
        for task in exercise.tasks:
            lines = []
            for role in exercise.roles:
                cell = exercise.model.cell(task.id, role.id)
                if not cell.letters and not cell.alternatives:
                    continue
                lines.append(
                    f"<li><b>{esc(role.name)} ({esc(format_letters(cell.letters))}):</b> "
                    f"{esc(cell.reason)}</li>"
                )
            reasons.append(f"<p><b>{esc(task.name)}</b></p><ul>{''.join(lines)}</ul>")
        body += (
            f'<div class="smmkit-key"><span class="smmkit-key-label">{esc(t("paper.key"))}</span> '
            f"{''.join(reasons)}</div>"
        )
    return f'<div class="smmkit-paper-item smmkit-paper-raci" data-item-id="{esc(item_id)}">{body}</div>'
