"""Facts that age: platform figures, metric names, feature availability and legal dates.

They live in one dated source per language, ``content/<lang>/fakten.yaml``, and every
text that states them is rendered from it:

    facts:
      - id: instagram.hashtags_max
        value: 5
        unit: "Hashtags je Beitrag oder Reel"
        source: "Instagram (@creators): Ankündigung der Hashtag-Grenze, 19.12.2025"
        stand: 2026-12-06

Bank texts, exercise data (``exercises/<name>/data.<lang>.yaml``) and notebook Markdown
write ``{{fakt:instagram.zeichen_max}}`` (the value; numbers with German digit grouping:
2200 → "2.200") or ``{{fakt:instagram.zeichen_max|stand}}`` (the date of the last check as
"Dezember 2026"). A YAML value that is only a placeholder (``hashtag_limit:
"{{fakt:instagram.hashtags_max}}"``, quoted because YAML reads ``{`` as a mapping) becomes the
fact's own value (here the number 5), so exercise code reads numbers, not text;
``{{fakt:id|text}}`` is always the text ("2.200"), also as a whole value. An unknown
fact id is an error that names file, line, id and field; a fact whose ``stand`` is more than
12 months old is a ``fact-age`` warning (fatal in ``smmkit check --strict``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import StringConstraints, TypeAdapter, ValidationError

from ..errors import ContentError, Problem
from .loader import LocatedDocument, read_yaml
from .models import Text, _Model

FACTS_FILE = "fakten.yaml"
FACT_ID_PATTERN = r"^[a-z0-9][a-z0-9_]*(\.[a-z0-9_]+)+$"
FactId = Annotated[str, StringConstraints(pattern=FACT_ID_PATTERN, max_length=80)]
# {{fakt:id}} or {{fakt:id|stand}}; spaces inside the braces are allowed
PLACEHOLDER = re.compile(r"\{\{\s*fakt:\s*([^}|\s]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}")
VIEWS = ("text", "stand")
MAX_AGE_DAYS = 365
MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


class Fact(_Model):
    """One fact: its value, what the value counts, where it comes from and when it was checked."""

    id: FactId
    value: int | float | Text
    unit: Text | None = None  # what the number counts, e.g. "Zeichen"; shown in the source list
    text: Text  # the fact in one sentence, for the source list in the trainer edition
    source: Text  # publisher and title (a web address as plain text is allowed)
    stand: dt.date  # when the fact was last checked against the source (YYYY-MM-DD)


class FactsFile(_Model):
    schema_version: int = 1
    facts: list[Fact]


@dataclass
class Facts:
    """The facts of one language, with where each was defined and which texts use it."""

    path: str = ""
    facts: dict[str, Fact] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)
    # ids written in the file but not loaded because of a reported problem: texts that use
    # them are not reported again (one mistake, one message)
    unreadable: set[str] = field(default_factory=set)

    def __contains__(self, fact_id: str) -> bool:
        return fact_id in self.facts

    def get(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def render(self, fact_id: str, view: str | None = None) -> str:
        fact = self.facts[fact_id]
        if view == "stand":
            return f"{MONTHS[fact.stand.month - 1]} {fact.stand.year}"
        return format_value(fact.value)

    def resolve(self, text: str) -> tuple[Any, list[tuple[str, str]], set[str]]:
        """`text` with its placeholders replaced; (result, [(placeholder, problem)], used ids).

        A text that is exactly one value placeholder becomes the fact's own value (a number
        stays a number); unknown ids and views stay as written and are reported."""
        problems: list[tuple[str, str]] = []
        used: set[str] = set()

        def replace(match: re.Match) -> str:
            fact_id, view = match.group(1), match.group(2)
            if fact_id in self.unreadable:
                return match.group(0)
            if fact_id not in self.facts:
                problems.append((match.group(0), unknown_fact(fact_id, self)))
                return match.group(0)
            if view is not None and view not in VIEWS:
                problems.append(
                    (match.group(0), f"unknown view {view!r} (use |text, |stand or nothing)")
                )
                return match.group(0)
            used.add(fact_id)
            return self.render(fact_id, view)

        whole = PLACEHOLDER.fullmatch(text.strip())
        if whole and whole.group(2) is None and whole.group(1) in self.facts:
            used.add(whole.group(1))
            return self.facts[whole.group(1)].value, [], used
        return PLACEHOLDER.sub(replace, text), problems, used

    def resolve_data(
        self, data: Any, doc: LocatedDocument, base: tuple = (), item_id: str | None = None
    ) -> tuple[Any, list[Problem], set[str]]:
        """Replace placeholders in every text of parsed YAML `data` (found at `base` in `doc`)."""
        problems: list[Problem] = []
        used: set[str] = set()

        def walk(value: Any, key: tuple) -> Any:
            if isinstance(value, str):
                if "{{" not in value:
                    return value
                result, found, ids = self.resolve(value)
                used.update(ids)
                for _, message in found:
                    problems.append(
                        Problem(
                            doc.path,
                            doc.line_of(key),
                            item_id,
                            _dotted(key[len(base) :]) or None,
                            message,
                        )
                    )
                return result
            if isinstance(value, dict):
                return {k: walk(v, (*key, k)) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v, (*key, i)) for i, v in enumerate(value)]
            return value

        return walk(data, base), problems, used

    def age_problems(self, today: dt.date | None = None) -> list[Problem]:
        """A `fact-age` warning for every fact checked more than 12 months before `today`."""
        today = today or dt.date.today()
        out = []
        for fact in self.facts.values():
            age = (today - fact.stand).days
            if age > MAX_AGE_DAYS:
                out.append(
                    Problem(
                        self.path,
                        self.lines.get(fact.id),
                        fact.id,
                        "stand",
                        f"checked on {fact.stand.isoformat()}, {age} days ago (more than 12 "
                        "months): check the source again and update value and stand [fact-age]",
                        "warning",
                    )
                )
        return out

    def summary(self, today: dt.date | None = None) -> str:
        """One line for `smmkit check`: how many facts, their dates, and when the oldest is
        due for a new check (12 months after its date)."""
        if not self.facts:
            return f"Fakten: keine ({self.path})"
        today = today or dt.date.today()
        dates = sorted(fact.stand for fact in self.facts.values())
        oldest, newest = dates[0], dates[-1]
        due = oldest + dt.timedelta(days=MAX_AGE_DAYS)
        overdue = sum((today - day).days > MAX_AGE_DAYS for day in dates)
        span = oldest.isoformat() if oldest == newest else f"{oldest} bis {newest}"
        state = f"{overdue} überfällig" if overdue else f"nächste Prüfung bis {due.isoformat()}"
        return f"Fakten: {len(dates)} in {self.path}, Stand {span}; {state}"


def format_value(value: Any) -> str:
    """A value as German text: digit grouping with '.' (2.200), decimal comma (0,5)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(value)


def unknown_fact(fact_id: str, facts: Facts) -> str:
    import difflib

    close = difflib.get_close_matches(fact_id, list(facts.facts), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown fact id {fact_id!r} (not in {facts.path or FACTS_FILE}){hint}"


def _dotted(key: tuple) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_FILE = TypeAdapter(FactsFile)


def load_facts_file(path: Path, shown: str) -> tuple[Facts, list[Problem]]:
    """Read one facts file; problems name file, line, fact id and field."""
    facts = Facts(path=shown)
    if not path.is_file():
        return facts, []
    doc = read_yaml(path, shown)
    problems = list(doc.problems)
    data = doc.data
    if data is None:
        return facts, problems
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        problems.append(
            Problem(shown, 1, None, "facts", "the file must be a mapping with a list 'facts'")
        )
        return facts, problems
    for name in sorted(set(data) - {"schema_version", "facts"}):
        problems.append(
            Problem(
                shown, doc.line_of((name,)), None, str(name), "unknown field (check the spelling)"
            )
        )
    for index, raw in enumerate(data["facts"]):
        base = ("facts", index)
        fact_id = (
            raw.get("id")
            if isinstance(raw, dict) and isinstance(raw.get("id"), str)
            else f"facts[{index}]"
        )
        try:
            fact = TypeAdapter(Fact).validate_python(raw)
        except ValidationError as exc:
            from .validate import _field_line, _format_loc, _friendly

            for error in exc.errors():
                loc = _format_loc(error["loc"])
                message = _friendly(error)
                if (
                    error["loc"]
                    and error["loc"][0] == "id"
                    and error["type"] == "string_pattern_mismatch"
                ):
                    message = "use lower-case words joined by '.', e.g. instagram.hashtags_max"
                if error["loc"] and error["loc"][0] == "stand":
                    message = "must be a date written YYYY-MM-DD, e.g. 2026-12-06"
                problems.append(
                    Problem(shown, _field_line(doc, base, loc), fact_id, loc or None, message)
                )
            facts.unreadable.add(fact_id)
            continue
        if fact.id in facts.facts:
            problems.append(
                Problem(
                    shown,
                    doc.line_of(base),
                    fact.id,
                    "id",
                    f"duplicate id (first on line {facts.lines[fact.id]})",
                )
            )
            continue
        facts.facts[fact.id] = fact
        facts.lines[fact.id] = doc.line_of(base)
    return facts, problems


def facts_path(root: Path, lang: str) -> Path:
    return Path(root) / "content" / lang / FACTS_FILE


def _default_root() -> Path:
    from .validate import find_root

    env = os.environ.get("SMMKIT_ROOT")
    if env:
        return Path(env)
    try:
        return find_root()
    except FileNotFoundError:
        return Path(__file__).resolve().parents[3]  # the checkout smmkit is installed from


_CACHE: dict[tuple[str, str], Facts] = {}


def load_facts(root: Path | None = None, lang: str = "de") -> Facts:
    """The facts of `lang` (cached per process); ContentError lists every problem."""
    root = Path(root) if root else _default_root()
    key = (str(root.resolve()), lang)
    if key not in _CACHE:
        path = facts_path(root, lang)
        facts, problems = load_facts_file(path, f"content/{lang}/{FACTS_FILE}")
        errors = [p for p in problems if not p.is_warning]
        if errors:
            raise ContentError(errors)
        _CACHE[key] = facts
    return _CACHE[key]


def used_in_text(text: str) -> list[str]:
    """Fact ids a text refers to, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)
