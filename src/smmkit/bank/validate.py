"""Validate the content bank and the notebooks' references to it.

Every rule reports a :class:`~smmkit.errors.Problem` with file, line, item id and field, and
validation always runs to the end so an author sees *all* problems at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import Problem
from ..publish.solutions import MarkerError, solution_regions
from . import quality, scenarios
from .facts import FACTS_FILE, PLACEHOLDER, Facts, facts_path, load_facts_file
from .loader import LocatedDocument, declared_ids, read_yaml
from .models import (
    COMPETENCIES,
    GAP_PATTERN,
    ITEM_CLASSES,
    ITEM_ID_PATTERN,
    ITEM_TYPES,
    MODULE_PATTERN,
    NODE_ID_PATTERN,
    SCHEMA_VERSION,
    BankFile,
    FillBlanks,
    FreeText,
    Likert,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuizSet,
    Scenario,
    SingleChoice,
)
from .requirements import REQUIREMENTS_FILE

NOTEBOOK_CALL = re.compile(r"smmkit\.(quiz|scenario|self_assessment)\(\s*([\"'])([^\"']*)\2")
EXERCISE_CALL = re.compile(r"smmkit\.exercise\(\s*(?:([\"'])([^\"']*)\1)?")


def exercise_of(cell: Any) -> Any:
    """The exercise a cell's metadata names (``{"smmkit": {"exercise": "raci"}}``), else None."""
    meta = cell.get("metadata", {}).get("smmkit")
    return meta.get("exercise") if isinstance(meta, dict) else None


@dataclass(frozen=True)
class Origin:
    path: str
    line: int | None


@dataclass
class Module:
    name: str
    title: str
    path: str
    item_ids: list[str] = field(default_factory=list)
    quiz_set_ids: list[str] = field(default_factory=list)


@dataclass
class Bank:
    """All items and quiz sets of one language, with where each was defined."""

    lang: str
    items: dict[str, Any] = field(default_factory=dict)
    quiz_sets: dict[str, QuizSet] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    # Ids written in the files but not loaded because of a reported problem: references to
    # them are not reported again as "unknown id" (one mistake, one message).
    unreadable_ids: set[str] = field(default_factory=set)
    # The dated facts (content/<lang>/fakten.yaml) and, per item or quiz set, the fact ids its
    # texts use (for the sources listed in the trainer edition).
    facts: Facts = field(default_factory=Facts)
    fact_uses: dict[str, set[str]] = field(default_factory=dict)

    def __contains__(self, item_id: str) -> bool:
        return item_id in self.items or item_id in self.quiz_sets

    def module_of(self, item_id: str) -> str | None:
        for module in self.modules.values():
            if item_id in module.item_ids or item_id in module.quiz_set_ids:
                return module.name
        return None


@dataclass
class CheckResult:
    bank: Bank
    problems: list[Problem]
    notebook_refs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]

    @property
    def ok(self) -> bool:
        """No errors; warnings (item-writing rules) are allowed."""
        return not self.errors


# ---------------------------------------------------------------------------------------------
# Friendly wording of pydantic's structural errors
# ---------------------------------------------------------------------------------------------

_MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda e: "required field is missing",
    "extra_forbidden": lambda e: "unknown field (check the spelling)",
    "string_too_short": lambda e: "must not be blank",
    "string_type": lambda e: f"must be text, not {type(e.get('input')).__name__}",
    "too_short": lambda e: f"needs at least {e['ctx']['min_length']} entries",
    "too_long": lambda e: f"allows at most {e['ctx']['max_length']} entries",
    "literal_error": lambda e: f"must be one of {e['ctx']['expected']}",
    "string_pattern_mismatch": lambda e: _PATTERN_RULES.get(
        e["ctx"]["pattern"], f"does not match the pattern {e['ctx']['pattern']}"
    ),
    "bool_type": lambda e: "must be true or false",
    "bool_parsing": lambda e: "must be true or false",
    "list_type": lambda e: "must be a list",
    "model_type": lambda e: "must be a mapping of fields",
    "dict_type": lambda e: "must be a mapping of fields",
}


_PATTERN_RULES = {
    ITEM_ID_PATTERN: (
        "use only a–z, 0–9, '.', '-' and '_': no capitals, spaces or umlauts "
        "(write ü as ue, ß as ss), e.g. kommunikation.kritik-01"
    ),
    NODE_ID_PATTERN: (
        "use only letters a–z or A–Z, digits 0–9, '-' and '_': no spaces or umlauts "
        "(write ü as ue, ß as ss), e.g. zweite_antwort"
    ),
    MODULE_PATTERN: "two digits, '_', then a–z, 0–9 and '_', e.g. 06_ki_im_alltag",
}


def _format_loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _friendly(error: dict) -> str:
    formatter = _MESSAGES.get(error["type"])
    return formatter(error) if formatter else error["msg"].rstrip(".").lower()


# ---------------------------------------------------------------------------------------------
# Per-type semantic rules: each yields (field, message) pairs
# ---------------------------------------------------------------------------------------------

Rule = Callable[[Any], Iterable[tuple[str, str]]]


def _duplicates(values: Iterable[str]) -> list[str]:
    return [v for v, n in Counter(v.strip().casefold() for v in values).items() if n > 1]


def _rules_single_choice(item: SingleChoice) -> Iterable[tuple[str, str]]:
    correct = sum(o.correct for o in item.options)
    if correct == 0:
        yield "options", "no option is marked correct"
    elif correct > 1:
        yield "options", f"{correct} options are marked correct; single_choice needs exactly one"
    for dup in _duplicates(o.text for o in item.options):
        yield "options", f"option text appears twice: {dup!r}"


def _rules_multiple_choice(item: MultipleChoice) -> Iterable[tuple[str, str]]:
    correct = sum(o.correct for o in item.options)
    if correct == 0:
        yield "options", "no option is marked correct"
    elif correct == len(item.options):
        yield "options", "every option is marked correct; add at least one wrong option"
    for dup in _duplicates(o.text for o in item.options):
        yield "options", f"option text appears twice: {dup!r}"


def _rules_ordering(item: Ordering) -> Iterable[tuple[str, str]]:
    for dup in _duplicates(item.steps):
        yield "steps", f"step appears twice: {dup!r}"
    numbers = list(range(1, len(item.steps) + 1))
    for index, alternative in enumerate(item.alternatives or []):
        if sorted(alternative) != numbers:
            yield (
                f"alternatives[{index}]",
                f"must list each step number 1 to {len(item.steps)} once, in the accepted order",
            )
        elif alternative == numbers:
            yield f"alternatives[{index}]", "is the listed order itself; list only other orders"


def _rules_matching(item: Matching) -> Iterable[tuple[str, str]]:
    for dup in _duplicates(p.left for p in item.pairs):
        yield "pairs", f"left entry appears twice: {dup!r}"
    for dup in _duplicates([p.right for p in item.pairs] + list(item.distractors)):
        yield "pairs", f"right entry appears twice (pairs or distractors): {dup!r}"


def _rules_fill_blanks(item: FillBlanks) -> Iterable[tuple[str, str]]:
    gaps = [int(n) for n in GAP_PATTERN.findall(item.text)]
    expected = list(range(1, len(item.blanks) + 1))
    if sorted(gaps) != expected:
        yield (
            "text",
            f"gaps in the text are {gaps or 'none'} but {len(item.blanks)} blanks are defined; "
            f"number them [[1]] to [[{len(item.blanks)}]], each once",
        )


def _rules_numeric(item: Numeric) -> Iterable[tuple[str, str]]:
    for index, mistake in enumerate(item.mistakes):
        if abs(mistake.answer - item.answer) <= item.tolerance + mistake.tolerance:
            yield f"mistakes[{index}].answer", "overlaps the correct answer's tolerance"


def _rules_free_text(item: FreeText) -> Iterable[tuple[str, str]]:
    words = len(item.model_answer.split())
    if words < item.min_words:
        yield "model_answer", f"has {words} words, fewer than min_words ({item.min_words})"


def _rules_likert(item: Likert) -> Iterable[tuple[str, str]]:
    for dup in _duplicates(s.id for s in item.statements):
        yield "statements", f"statement id appears twice: {dup!r}"


def _rules_scenario(item: Scenario) -> Iterable[tuple[str, str]]:
    ids = [n.id for n in item.nodes]
    for dup in _duplicates(ids):
        yield "nodes", f"node id appears twice: {dup!r}"
    known = set(ids)
    if item.start not in known:
        yield "start", f"start node {item.start!r} does not exist"
    for index, node in enumerate(item.nodes):
        where = f"nodes[{index}]"
        if node.kind is None:
            yield where, f"node {node.id!r} must have exactly one of choices, routes or ending"
            continue
        if node.kind != "routes" and node.text is None:
            yield f"{where}.text", f"node {node.id!r} needs a text"
        if node.choices is not None and not node.choices:
            yield f"{where}.choices", f"node {node.id!r} has an empty list of choices"
        for c_index, choice in enumerate(node.choices or []):
            if choice.goto not in known:
                yield f"{where}.choices[{c_index}].goto", _missing_node(choice.goto, ids)
        for r_index, route in enumerate(node.routes or []):
            if route.goto not in known:
                yield f"{where}.routes[{r_index}].goto", _missing_node(route.goto, ids)
            if route.is_fallback and r_index < len(node.routes) - 1:
                yield f"{where}.routes[{r_index}]", "a route without bounds must come last"
            bounded = route.min_score is not None and route.max_score is not None
            if bounded and route.min_score > route.max_score:
                yield f"{where}.routes[{r_index}]", "min_score is greater than max_score"
        if node.routes and not node.routes[-1].is_fallback:
            yield f"{where}.routes", f"router {node.id!r} needs a last route without bounds"
    if len(scenarios.endings(item)) < 2:
        yield "nodes", "a scenario needs at least two endings"
    if item.start not in known:
        return
    reached = scenarios.reachable(item)
    ending_reachable = scenarios.can_end(item)
    for index, node in enumerate(item.nodes):
        if node.id not in reached:
            yield f"nodes[{index}]", f"node {node.id!r} is unreachable from the start"
        elif node.id not in ending_reachable and node.kind is not None:
            yield (
                f"nodes[{index}]",
                f"no ending can be reached from node {node.id!r}: the path never ends",
            )


def _missing_node(target: str, ids: list[str]) -> str:
    close = difflib.get_close_matches(target, ids, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"points to missing node {target!r}{hint}"


RULES: dict[str, Rule] = {
    "single_choice": _rules_single_choice,
    "multiple_choice": _rules_multiple_choice,
    "ordering": _rules_ordering,
    "matching": _rules_matching,
    "fill_blanks": _rules_fill_blanks,
    "numeric": _rules_numeric,
    "free_text": _rules_free_text,
    "likert": _rules_likert,
    "scenario": _rules_scenario,
}

_ADAPTERS = {name: TypeAdapter(cls) for name, cls in ITEM_CLASSES.items()}
_QUIZ_SET = TypeAdapter(QuizSet)


# ---------------------------------------------------------------------------------------------
# Loading one file
# ---------------------------------------------------------------------------------------------


def _field_line(doc: LocatedDocument, base: tuple, dotted: str) -> int | None:
    key: list[Any] = list(base)
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        key.append(int(part[1:-1]) if part.startswith("[") else part)
    return doc.line_of(tuple(key))


def _structural(doc, base, raw, adapter, item_id, problems) -> Any | None:
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = _format_loc(error["loc"])
            problems.append(
                Problem(
                    doc.path, _field_line(doc, base, loc), item_id, loc or None, _friendly(error)
                )
            )
        return None


def _load_item(
    doc: LocatedDocument, index: int, raw: Any, problems: list[Problem], bank: Bank | None = None
):
    base = ("items", index)
    line = doc.line_of(base)
    if not isinstance(raw, dict):
        problems.append(
            Problem(doc.path, line, f"items[{index}]", None, "must be a mapping of fields")
        )
        return None
    item_id = raw.get("id") if isinstance(raw.get("id"), str) else f"items[{index}]"
    if bank is not None:
        raw, fact_problems, used = bank.facts.resolve_data(raw, doc, base, item_id)
        problems.extend(fact_problems)
        if used:
            bank.fact_uses[item_id] = used
    item_type = raw.get("type")
    if item_type is None:
        problems.append(Problem(doc.path, line, item_id, "type", "required field is missing"))
        return None
    if item_type not in ITEM_TYPES:
        problems.append(
            Problem(
                doc.path,
                _field_line(doc, base, "type"),
                item_id,
                "type",
                f"unknown type {item_type!r} (expected one of: {', '.join(ITEM_TYPES)})",
            )
        )
        return None
    competency = raw.get("competency")
    if isinstance(competency, str) and competency not in COMPETENCIES:
        problems.append(
            Problem(
                doc.path,
                _field_line(doc, base, "competency"),
                item_id,
                "competency",
                f"unknown competency {competency!r} (expected one of: {', '.join(COMPETENCIES)})",
            )
        )
        raw = {k: v for k, v in raw.items() if k != "competency"} | {"competency": COMPETENCIES[0]}
    item = _structural(doc, base, raw, _ADAPTERS[item_type], item_id, problems)
    if item is None:
        return None
    rule = RULES.get(item_type)
    for field_name, message in rule(item) if rule else ():
        problems.append(
            Problem(doc.path, _field_line(doc, base, field_name), item.id, field_name, message)
        )
    for finding in quality.item_findings(item):
        problems.append(_quality_problem(doc, base, finding))
    return item


def _quality_problem(doc: LocatedDocument, base: tuple, finding: quality.Finding) -> Problem:
    line = _field_line(doc, base, finding.field) if finding.field else None
    message = f"{finding.message} [{finding.rule}]"
    return Problem(
        doc.path, line or doc.line_of(base), finding.item_id, finding.field, message, "warning"
    )


def _load_file(path: Path, shown: str, bank: Bank, problems: list[Problem]) -> None:
    doc = read_yaml(path, shown)
    problems.extend(doc.problems)
    data = doc.data
    if data is None and doc.problems:
        bank.unreadable_ids |= declared_ids(path.read_text(encoding="utf-8", errors="replace"))
    if data is None:
        if not doc.problems:
            problems.append(Problem(shown, None, None, None, "the file is empty"))
        return
    if not isinstance(data, dict):
        problems.append(Problem(shown, 1, None, None, "the file must be a mapping with 'items'"))
        return
    top_fields = {"schema_version", "module", "title"}
    top = {k: data.get(k) for k in top_fields if k in data}
    for name in sorted(set(data) - top_fields - {"items", "quiz_sets"}):
        problems.append(
            Problem(
                shown, doc.line_of((name,)), None, str(name), "unknown field (check the spelling)"
            )
        )
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(
            Problem(
                shown,
                doc.line_of(("schema_version",)),
                None,
                "schema_version",
                f"is {version!r}; this smmkit reads schema_version {SCHEMA_VERSION}",
            )
        )
        return
    header = _structural(
        doc, (), top | {"items": [], "quiz_sets": []}, TypeAdapter(BankFile), None, problems
    )
    module_name = top.get("module") if isinstance(top.get("module"), str) else path.stem
    if header is not None and module_name != path.stem:
        problems.append(
            Problem(
                shown,
                doc.line_of(("module",)),
                None,
                "module",
                f"is {module_name!r} but the file is named {path.name!r}",
            )
        )
    if module_name in bank.modules:
        problems.append(
            Problem(
                shown,
                doc.line_of(("module",)),
                None,
                "module",
                f"module {module_name!r} is also defined in {bank.modules[module_name].path}",
            )
        )
        return
    module = Module(module_name, str(top.get("title") or module_name), shown)
    bank.modules[module_name] = module

    def claim(new_id: str, line: int | None) -> bool:
        if new_id in bank.origins:
            first = bank.origins[new_id]
            problems.append(
                Problem(
                    shown,
                    line,
                    new_id,
                    "id",
                    f"duplicate id (first defined at {first.path}:{first.line})",
                )
            )
            return False
        bank.origins[new_id] = Origin(shown, line)
        return True

    raw_items = data.get("items", [])
    if not isinstance(raw_items, list):
        problems.append(Problem(shown, doc.line_of(("items",)), None, "items", "must be a list"))
        raw_items = []
    indexes: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        item = _load_item(doc, index, raw, problems, bank)
        if item is None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
            bank.unreadable_ids.add(raw["id"])
        if item is not None and claim(item.id, doc.line_of(("items", index))):
            bank.items[item.id] = item
            module.item_ids.append(item.id)
            indexes[item.id] = index
    items = [bank.items[i] for i in module.item_ids]
    for finding in quality.module_findings(items, module_name):
        base = ("items", indexes[finding.item_id]) if finding.item_id else ("module",)
        problems.append(_quality_problem(doc, base, finding))

    raw_sets = data.get("quiz_sets", [])
    if not isinstance(raw_sets, list):
        problems.append(
            Problem(shown, doc.line_of(("quiz_sets",)), None, "quiz_sets", "must be a list")
        )
        raw_sets = []
    for index, raw in enumerate(raw_sets):
        base = ("quiz_sets", index)
        set_id = (
            raw.get("id")
            if isinstance(raw, dict) and isinstance(raw.get("id"), str)
            else f"quiz_sets[{index}]"
        )
        raw, fact_problems, used = bank.facts.resolve_data(raw, doc, base, set_id)
        problems.extend(fact_problems)
        if used:
            bank.fact_uses[set_id] = used
        quiz_set = _structural(doc, base, raw, _QUIZ_SET, set_id, problems)
        if quiz_set is None:
            bank.unreadable_ids.add(set_id)
            continue
        for field_name, message in _quiz_set_rules(quiz_set):
            problems.append(
                Problem(shown, _field_line(doc, base, field_name), set_id, field_name, message)
            )
        if claim(quiz_set.id, doc.line_of(base)):
            bank.quiz_sets[quiz_set.id] = quiz_set
            module.quiz_set_ids.append(quiz_set.id)


def _quiz_set_rules(quiz_set: QuizSet) -> Iterable[tuple[str, str]]:
    mins = [band.min for band in quiz_set.bands]
    if mins[0] != 0:
        yield "bands[0].min", "the first band must start at 0"
    if any(b <= a for a, b in zip(mins, mins[1:], strict=False)):
        yield "bands", "band minimums must ascend"
    for dup in _duplicates(quiz_set.items):
        yield "items", f"item listed twice: {dup!r}"


def _cross_checks(bank: Bank, problems: list[Problem]) -> None:
    for quiz_set in bank.quiz_sets.values():
        origin = bank.origins[quiz_set.id]
        for item_id in quiz_set.items:
            item = bank.items.get(item_id)
            if item is None and item_id in bank.unreadable_ids:
                continue  # its own problem is reported where it is defined
            if item is None:
                problems.append(
                    Problem(
                        origin.path, origin.line, quiz_set.id, "items", f"unknown item {item_id!r}"
                    )
                )
            elif item.type in ("scenario", "likert"):
                problems.append(
                    Problem(
                        origin.path,
                        origin.line,
                        quiz_set.id,
                        "items",
                        f"{item_id!r} is a {item.type}; quiz sets hold scored questions only",
                    )
                )


# ---------------------------------------------------------------------------------------------
# Notebooks
# ---------------------------------------------------------------------------------------------

_CALL_TYPES = {
    "quiz": set(ITEM_TYPES) - {"likert"},
    "scenario": {"scenario"},
    "self_assessment": {"likert"},
}


def _check_exercise_cell(
    number: int, source: str, meta: Any, shown: str, problems: list[Problem], used: set[str]
) -> None:
    """A `smmkit.exercise("x")` call and the cell metadata naming "x" go together."""
    from ..exercises import names

    def problem(message: str, line: int | None = None) -> None:
        where = f"cell {number}" if line is None else f"cell {number}, line {line}"
        problems.append(Problem(shown, None, None, None, f"{where}: {message}"))

    known = names(shown=True)
    calls = [
        (line_no, match.group(2))
        for line_no, line in enumerate(source.splitlines(), start=1)
        for match in EXERCISE_CALL.finditer(line)
    ]
    if meta is not None and meta not in known:
        problem(f"cell metadata names unknown exercise {meta!r} (known: {', '.join(known)})")
    elif meta is not None:
        used.add(meta)
    if meta is not None and not calls:
        call = f'smmkit.exercise("{meta}")'
        problem(f"cell metadata names exercise {meta!r}, but the cell does not call {call}")
    for line_no, name in calls:
        if name != meta:
            wanted = f'{{"smmkit": {{"exercise": "{name}"}}}}' if name else "naming the exercise"
            problem(f"smmkit.exercise({name!r}) needs the cell metadata {wanted}", line_no)


def _check_exercise_data(used: set[str], lang: str, problems: list[Problem]) -> None:
    """The content (data.<lang>.yaml) of each exercise the notebooks show."""
    from ..errors import ContentError
    from ..exercises import get

    for name in sorted(used):
        try:
            get(name).logic.content(lang)
        except ContentError as exc:
            problems.extend(exc.problems)


def _check_fact_placeholders(
    number: int, source: str, shown: str, bank: Bank, problems: list[Problem]
) -> None:
    """Every `{{fakt:id}}` in a Markdown cell names a fact of `fakten.yaml`."""
    if "{{" not in source:
        return
    for line_no, line in enumerate(source.splitlines(), start=1):
        for match in PLACEHOLDER.finditer(line):
            _, found, _ = bank.facts.resolve(match.group(0))
            for placeholder, message in found:
                problems.append(
                    Problem(
                        shown,
                        None,
                        None,
                        None,
                        f"cell {number}, line {line_no}: {placeholder}: {message}",
                    )
                )


def check_notebook(
    path: Path, shown: str, bank: Bank, problems: list[Problem], exercises: set[str] | None = None
) -> list[str]:
    """Check solution markers, bank references and exercise cells of one notebook; return the
    bank ids it uses (and add the exercises it shows to `exercises`)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as exc:
        problems.append(Problem(shown, None, None, None, f"not a readable notebook: {exc}"))
        return []
    used: list[str] = []
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            _check_fact_placeholders(number, source, shown, bank, problems)
        if cell.get("cell_type") != "code":
            continue
        try:
            solution_regions(source)
        except MarkerError as exc:
            problems.append(
                Problem(shown, None, None, None, f"cell {number}, line {exc.line}: {exc.message}")
            )
        meta = exercise_of(cell)
        if meta is not None or "smmkit.exercise(" in source:
            _check_exercise_cell(
                number, source, meta, shown, problems, exercises if exercises is not None else set()
            )
        for line_no, line in enumerate(source.splitlines(), start=1):
            for call, _, ref in NOTEBOOK_CALL.findall(line):
                used.append(ref)
                where = f"cell {number}, line {line_no}"
                if ref in bank.quiz_sets:
                    kind = "quiz_set"
                elif ref in bank.items:
                    kind = bank.items[ref].type
                elif ref in bank.unreadable_ids:
                    continue  # its own problem is reported where it is defined
                else:
                    problems.append(
                        Problem(
                            shown,
                            None,
                            None,
                            None,
                            f"{where}: smmkit.{call}() refers to unknown id {ref!r}",
                        )
                    )
                    continue
                allowed = _CALL_TYPES[call] | ({"quiz_set"} if call == "quiz" else set())
                if kind not in allowed:
                    problems.append(
                        Problem(
                            shown,
                            None,
                            None,
                            None,
                            f"{where}: smmkit.{call}() cannot show {ref!r}, which is a {kind}",
                        )
                    )
    return used


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def check(
    root: Path, lang: str = "de", notebooks: bool = True, today: dt.date | None = None
) -> CheckResult:
    """Validate `root/content/<lang>/*.yaml` (the facts in `fakten.yaml` first) and the
    notebooks in `root/notebooks/<lang>/`; `today` dates the `fact-age` rule."""
    root = Path(root)
    bank = Bank(lang=lang)
    problems: list[Problem] = []
    content_dir = root / "content" / lang
    facts_file = facts_path(root, lang)
    bank.facts, fact_problems = load_facts_file(facts_file, _display(facts_file, root))
    problems.extend(fact_problems)
    problems.extend(bank.facts.age_problems(today))
    files = [
        path
        for path in sorted(content_dir.glob("*.yaml")) + sorted(content_dir.glob("*.yml"))
        if path.name not in (FACTS_FILE, REQUIREMENTS_FILE)
    ]
    if not files:
        problems.append(
            Problem(
                _display(content_dir, root), None, None, None, "no content files (*.yaml) found"
            )
        )
    for path in files:
        _load_file(path, _display(path, root), bank, problems)
    _cross_checks(bank, problems)
    refs: dict[str, list[str]] = {}
    if notebooks:
        shown: set[str] = set()
        for path in sorted((root / "notebooks" / lang).glob("*.ipynb")):
            refs[path.stem] = check_notebook(path, _display(path, root), bank, problems, shown)
        _check_exercise_data(shown, lang, problems)
    return CheckResult(bank, sorted(problems, key=Problem.sort_key), refs)


def coverage(bank: Bank) -> dict[str, Any]:
    """Counts per module: items by type and by competency, scenarios, quiz sets."""
    modules: dict[str, Any] = {}
    totals_types: Counter[str] = Counter()
    totals_comp: Counter[str] = Counter()
    for name, module in sorted(bank.modules.items()):
        items = [bank.items[i] for i in module.item_ids]
        types = Counter(item.type for item in items)
        comps = Counter(item.competency for item in items)
        totals_types.update(types)
        totals_comp.update(comps)
        modules[name] = {
            "title": module.title,
            "items": len(items),
            "types_used": len(types),
            "types": {t: types.get(t, 0) for t in ITEM_TYPES},
            "competencies": {c: comps.get(c, 0) for c in COMPETENCIES},
            "scenarios": types.get("scenario", 0),
            "quiz_sets": len(module.quiz_set_ids),
        }
    return {
        "lang": bank.lang,
        "modules": modules,
        "totals": {
            "items": sum(totals_types.values()),
            "types": {t: totals_types.get(t, 0) for t in ITEM_TYPES},
            "competencies": {c: totals_comp.get(c, 0) for c in COMPETENCIES},
            "quiz_sets": len(bank.quiz_sets),
        },
    }


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder upwards that has `content/`."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "content").is_dir():
            return folder
    raise FileNotFoundError(f"no 'content/' folder found in {here} or above; set SMMKIT_ROOT")
