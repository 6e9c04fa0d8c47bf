"""The requirements profile: every statement of the kit's source text, and where it is taught.

``content/<lang>/anforderungsprofil.yaml`` splits the source text the kit teaches (a copy of it
lies next to the map, ``anforderungsprofil-quelle.txt``) into teachable statements:

    aussagen:
      - id: wissensmanagement
        bereich: team
        wortlaut: "aktives Wissensmanagement kann befördert werden"
        abschnitte:
          - {modul: 02_teamfaehigkeit, abschnitt: "3 Wissensmanagement: aus Fragen wird Wissen für alle"}

This module is pure logic: it parses the map from text, checks it against the source text and
the notebooks' outlines it is given, and computes which statements an agenda's blocks cover.
Reading the files is the caller's job (:func:`smmkit.publish.workshop.check_workshop_report`).

A block covers a statement when it references one of the statement's sections, or a heading
that contains one (a ``##`` section contains the ``###`` headings under it).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..errors import Problem
from .loader import LocatedDocument, parse_yaml

REQUIREMENTS_FILE = "anforderungsprofil.yaml"
SOURCE_FILE = "anforderungsprofil-quelle.txt"
SCHEMA_VERSION = 1
AREAS = ("einleitung", "kommunikation", "team", "strategie", "kreativitaet")
COVERAGE_RULE = "profile-coverage"

# A module's outline: its headings in order, with their level (2 for ##, 3 for ###).
Outline = Sequence[tuple[int, str]]

_Text = Annotated[str, StringConstraints(strict=True, min_length=1)]
_Id = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _SectionSchema(_Strict):
    modul: _Text
    abschnitt: _Text


class _StatementSchema(_Strict):
    id: _Id
    bereich: Literal[AREAS]  # type: ignore[valid-type]
    wortlaut: _Text
    abschnitte: list[_SectionSchema] = Field(min_length=1)


class _ProfileSchema(_Strict):
    schema_version: Literal[1]
    quelle: _Text
    aussagen: list[_StatementSchema] = Field(min_length=1)


@dataclass(frozen=True)
class SectionRef:
    module: str
    heading: str
    line: int | None = None


@dataclass(frozen=True)
class Statement:
    id: str
    area: str
    wording: str
    sections: tuple[SectionRef, ...]
    line: int | None = None  # of its id
    wording_line: int | None = None


@dataclass(frozen=True)
class Profile:
    path: str  # as shown in messages
    source: str  # file name of the source text, relative to the map
    statements: tuple[Statement, ...]
    source_line: int | None = None  # line of `quelle`

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.statements)


@dataclass(frozen=True)
class Coverage:
    """Which statements one agenda's blocks cover."""

    agenda: str
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    required: bool = False  # the agenda promises every statement (ganztag: true)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling)",
    "string_too_short": "must not be blank",
    "string_type": "must be text",
    "too_short": "needs at least one entry",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "string_pattern_mismatch": (
        "use only a–z, 0–9 and '-': no capitals, spaces or umlauts (write ü as ue, ß as ss)"
    ),
}


def _dotted(loc: Iterable) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def fold(text: str) -> str:
    """Text compared without regard to Unicode form, case or runs of white space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def source_text(raw: str) -> str:
    """The source text without the note at its top (lines that begin with '#')."""
    lines = raw.splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def parse_profile(text: str, shown: str) -> tuple[Profile | None, list[Problem]]:
    """The map in `text` (shown as `shown` in messages) and its structural problems."""
    doc = parse_yaml(text, shown)
    problems = list(doc.problems)
    if doc.data is None:
        if not problems:
            problems.append(Problem(shown, None, None, None, "the file is empty"))
        return None, problems
    try:
        schema = _ProfileSchema.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_structural(doc, tuple(error["loc"]), error))
        return None, problems
    statements = []
    seen: dict[str, int | None] = {}
    for index, raw in enumerate(schema.aussagen):
        base = ("aussagen", index)
        line = doc.line_of((*base, "id"))
        if raw.id in seen:
            problems.append(
                Problem(shown, line, raw.id, "id", f"duplicate id (first on line {seen[raw.id]})")
            )
            continue
        seen[raw.id] = line
        sections = tuple(
            SectionRef(s.modul, s.abschnitt, doc.line_of((*base, "abschnitte", i)))
            for i, s in enumerate(raw.abschnitte)
        )
        statements.append(
            Statement(
                raw.id,
                raw.bereich,
                raw.wortlaut,
                sections,
                line,
                doc.line_of((*base, "wortlaut")),
            )
        )
    profile = Profile(shown, schema.quelle, tuple(statements), doc.line_of(("quelle",)))
    return profile, problems


def _structural(doc: LocatedDocument, loc: tuple, error: dict) -> Problem:
    item_id = None
    rest = loc
    if len(loc) >= 2 and loc[0] == "aussagen" and isinstance(loc[1], int):
        raw = doc.data.get("aussagen", [])[loc[1]] if isinstance(doc.data, dict) else None
        item_id = (
            raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        )
        item_id = item_id or f"aussagen[{loc[1]}]"
        rest = loc[2:]
    if error["type"] == "literal_error" and rest and rest[-1] == "bereich":
        message = f"unknown area (expected one of: {', '.join(AREAS)})"
    elif error["type"] == "literal_error":
        message = f"this smmkit reads schema_version {SCHEMA_VERSION}"
    else:
        message = _MESSAGES.get(error["type"], error["msg"])
    return Problem(doc.path, doc.line_of(loc), item_id, _dotted(rest) or None, message)


# ---------------------------------------------------------------------------------------------
# Checks against the source text and the notebooks
# ---------------------------------------------------------------------------------------------


def check_wording(profile: Profile, source: str) -> list[Problem]:
    """Every `wortlaut` occurs word for word in `source` (white space does not count)."""
    haystack = fold(source)
    problems = []
    for statement in profile.statements:
        if fold(statement.wording) in haystack:
            continue
        hint = _closest_passage(statement.wording, source)
        problems.append(
            Problem(
                profile.path,
                statement.wording_line,
                statement.id,
                "wortlaut",
                f"not found word for word in {profile.source}"
                + (f"; closest passage: „{hint}“" if hint else ""),
            )
        )
    return problems


def _closest_passage(wording: str, source: str) -> str | None:
    words, quoted = source.split(), wording.split()
    size = len(quoted)
    windows = [" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))]
    close = difflib.get_close_matches(" ".join(quoted), windows, n=1, cutoff=0.6)
    return close[0] if close else None


def check_sections(profile: Profile, outlines: Mapping[str, Outline]) -> list[Problem]:
    """Every section names a module in `outlines` and one of its headings exactly."""
    problems = []
    for statement in profile.statements:
        for index, ref in enumerate(statement.sections):
            where = f"abschnitte[{index}]"
            if ref.module not in outlines:
                problems.append(
                    Problem(
                        profile.path,
                        ref.line,
                        statement.id,
                        f"{where}.modul",
                        f"unknown module {ref.module!r} (no notebooks/de/{ref.module}.ipynb)",
                    )
                )
                continue
            headings = [h for _, h in outlines[ref.module]]
            if any(fold(h) == fold(ref.heading) for h in headings):
                continue
            close = [h for h in headings if fold(h).startswith(fold(ref.heading))] or (
                difflib.get_close_matches(ref.heading, headings, n=1, cutoff=0.5)
            )
            hint = f"; did you mean „{close[0]}“?" if close else ""
            problems.append(
                Problem(
                    profile.path,
                    ref.line,
                    statement.id,
                    f"{where}.abschnitt",
                    f"{ref.module} has no heading „{ref.heading}“ (write the whole heading "
                    f"as it stands in the notebook){hint}",
                )
            )
    return problems


def headings_within(outline: Outline, heading: str) -> set[str]:
    """`heading` and every heading under it (deeper level, up to the next at its level)."""
    inside: set[str] = set()
    level = None
    for depth, text in outline:
        if level is not None:
            if depth <= level:
                level = None
            else:
                inside.add(fold(text))
                continue
        if fold(text) == fold(heading):
            inside.add(fold(text))
            level = depth
    return inside


def coverage(
    profile: Profile,
    agenda: str,
    references: Iterable[tuple[str, str]],
    outlines: Mapping[str, Outline],
    required: bool = False,
) -> Coverage:
    """Which statements the (module, heading) `references` of one agenda's blocks cover."""
    taught: set[tuple[str, str]] = set()
    for module, heading in references:
        for text in headings_within(outlines.get(module, ()), heading):
            taught.add((module, text))
    covered, missing = [], []
    for statement in profile.statements:
        hit = any((ref.module, fold(ref.heading)) in taught for ref in statement.sections)
        (covered if hit else missing).append(statement.id)
    return Coverage(agenda, tuple(covered), tuple(missing), required)


def coverage_problem(
    profile: Profile, result: Coverage, path: str, line: int | None
) -> list[Problem]:
    """A warning per statement an agenda that promises all of them does not cover."""
    if not result.required:
        return []
    by_id = {s.id: s for s in profile.statements}
    problems = []
    for statement_id in result.missing:
        statement = by_id[statement_id]
        sections = "; ".join(f"{r.module} „{r.heading}“" for r in statement.sections)
        problems.append(
            Problem(
                path,
                line,
                statement_id,
                "bloecke",
                f"no block teaches the statement „{statement.wording}“ of {profile.path}, "
                f"which a full day (ganztag: true) promises: reference one of {sections} "
                f"in a block's abschnitt [{COVERAGE_RULE}]",
                "warning",
            )
        )
    return problems


def summary_lines(profile: Profile, results: Sequence[Coverage]) -> list[str]:
    """The coverage report of `smmkit check`: one line per agenda, with the count per area,
    e.g. ``Anforderungsprofil: ganztag deckt 18/18 Aussagen ab (Pflicht: alle) – einleitung
    1/1, kommunikation 3/3, …``; an agenda that must cover all and does not lists what is
    missing."""
    width = max((len(r.agenda) for r in results), default=0)
    areas = {s.id: s.area for s in profile.statements}
    lines = []
    for result in results:
        counts = []
        for area in AREAS:
            total = sum(1 for a in areas.values() if a == area)
            if total:
                done = sum(1 for i in result.covered if areas[i] == area)
                counts.append(f"{area} {done}/{total}")
        duty = " (Pflicht: alle)" if result.required else ""
        line = (
            f"Anforderungsprofil: {result.agenda.ljust(width)} deckt "
            f"{len(result.covered):>2}/{result.total} Aussagen ab{duty} – {', '.join(counts)}"
        )
        if result.required and result.missing:
            line += f"; fehlt: {', '.join(result.missing)}"
        lines.append(line)
    return lines
