"""Workshop kit: agendas (YAML) and facilitator guides (Markdown) → print-ready HTML and PDF.

    workshop/agendas/<name>.yaml  ──load_agenda, check──►  agenda-<name>.html|.pdf
    workshop/guides/<module>.md   ──check_guides──────►  leitfaden-<module>.html|.pdf

An agenda states only the minutes of each block; every clock time is derived from the start of
its session, so the printed times can never drift from the plan. The checks report every
problem as ``file:line: block.field: message`` (see docs/workshop.md for the schema).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from ..bank import requirements
from ..bank.facts import PLACEHOLDER, Facts, load_facts
from ..bank.loader import LocatedDocument, read_yaml
from ..errors import ContentError, Problem
from ..i18n import t
from ..store import atomic_write
from .spreadsheet import write_spreadsheets
from .templating import render

if TYPE_CHECKING:
    from .pdf import PdfPrinter

SCHEMA_VERSION = 1

# Block kinds: a break is shaded in print and ends a stretch of work. A buffer (puffer) is
# reserved time that absorbs overruns; it is not a break (when it is used, people work).
KINDS = ("einheit", "rahmen", "puffer", "pause", "mittagspause")
BREAK_KINDS = ("pause", "mittagspause")
BUFFER_KIND = "puffer"

METHODS = (
    "Kurzinput",
    "Plenum",
    "Einzelarbeit",
    "Partnerarbeit",
    "Think-Pair-Share",
    "Gruppenarbeit",
    "Rollenspiel",
    "Fallbeispiel",
    "Datenübung",
    "Live-Demo",
    "Schreibübung",
    "Quiz",
    "Selbsteinschätzung",
    "Kreativtechnik",
    "Punktabfrage",
    "Galeriegang",
    "Präsentation",
    "Blitzlicht",
    "Kennenlernrunde",
    "Feedback",
    "Pause",
)

# Modules being written: accepted without a notebook, with a provisional title and Dauer.
# Once the notebook exists, its own title, Dauer and headings take precedence.
PLANNED_MODULES: dict[str, tuple[str, int]] = {}

# Adult learners need a break at least every 90 minutes; sessions over six hours need a lunch
# break of at least 30 minutes (training time is working time, § 4 Arbeitszeitgesetz).
MAX_STRETCH = 90
LUNCH_AFTER = 6 * 60
MIN_LUNCH = 30

# An agenda may compress a module (its trainer notes give shorter variants) but not to a token
# mention, and it should not give a module much more time than the module itself states.
PLAUSIBLE_SHARE = (0.20, 1.25)

# A full day (``ganztag: true``) must survive a real day (docs/workshop.md, "Full-day rules"):
# an opening round in its first half hour, a proper lunch, reserve time for overruns, and
# enough time for the groups to present their capstone work and get feedback.
FULL_DAY_LUNCH = 60
FULL_DAY_BUFFER = 20
FULL_DAY_PRESENTATION = 20
OPENING_WITHIN = 30
OPENING_METHOD = "Kennenlernrunde"
PRESENTATION_METHOD = "Präsentation"

CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
URL = re.compile(r"\b(?:https?|ftp)://|\bwww\.", re.I)
BANK_ID = re.compile(r"`([a-z]+\.[a-z0-9][a-z0-9_.-]*)`")
BLOCK_TIME_FIELDS = ("von", "bis", "uhrzeit", "zeit", "start", "beginn", "ende")


# ---------------------------------------------------------------------------------------------
# The model the rest of smmkit uses (derived, read-only)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One row of the agenda; `start` is derived (minutes after midnight)."""

    start: int
    minutes: int
    title: str
    kind: str
    methods: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    module: str | None = None
    sections: tuple[str, ...] = ()
    note: str | None = None
    optional: bool = False  # may be left out; it then covers no statement of the profile

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def is_break(self) -> bool:
        return self.kind in BREAK_KINDS


@dataclass(frozen=True)
class Session:
    title: str | None
    blocks: tuple[Block, ...]

    @property
    def start(self) -> int:
        return self.blocks[0].start

    @property
    def end(self) -> int:
        return self.blocks[-1].end

    @property
    def minutes(self) -> int:
        return sum(b.minutes for b in self.blocks)


@dataclass(frozen=True)
class ModuleInfo:
    """What an agenda needs to know about a module notebook."""

    name: str
    title: str
    minutes: int | None  # the Dauer stated in the notebook's header
    headings: tuple[str, ...] = ()
    planned: bool = False  # no notebook yet
    levels: tuple[int, ...] = ()  # the level of each heading (2 for ##, 3 for ###)

    @property
    def outline(self) -> tuple[tuple[int, str], ...]:
        return tuple(zip(self.levels, self.headings, strict=True))

    @property
    def number(self) -> str:
        return self.name.split("_", 1)[0]


@dataclass(frozen=True)
class Agenda:
    name: str
    title: str
    target_group: str
    goals: tuple[str, ...]
    total_minutes: int
    sessions: tuple[Session, ...]
    group_size: str | None = None
    concept: str | None = None
    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    full_day: bool = False  # ganztag: true, the full-day rules apply
    path: str = ""  # the file, as shown in messages
    blocks_line: int | None = None  # line of its bloecke (or sitzungen), for whole-agenda messages

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(b for s in self.sessions for b in s.blocks)

    @property
    def break_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks if b.is_break)

    def module_minutes(self) -> dict[str, int]:
        """Minutes each module is taught (art: einheit), in order of first appearance.

        A framing block (rahmen) may point at a module's section – e.g. the self-assessment
        "nachher" at the end of a half day – without claiming to teach that module.
        """
        out: dict[str, int] = {}
        for block in self.blocks:
            if block.module and block.kind == "einheit":
                out[block.module] = out.get(block.module, 0) + block.minutes
        return out


def clock(minutes: int) -> str:
    """08:30 style; a day has 1440 minutes."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_clock(text: str) -> int:
    match = CLOCK.match(text)
    if not match:
        raise ValueError(f"not a clock time: {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return t("workshop.minutes", count=rest)
    if not rest:
        return t("workshop.hours", count=hours)
    return t("workshop.hours_minutes", hours=hours, minutes=rest)


# ---------------------------------------------------------------------------------------------
# The YAML schema (structural part; pydantic)
# ---------------------------------------------------------------------------------------------


def _clock_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 13:30 as the base-60 number 810.
        raise PydanticCustomError(
            "clock_time",
            'write the time in quotes, e.g. "13:30" (YAML reads it unquoted as a number)',
        )
    if not isinstance(value, str) or not CLOCK.match(value):
        raise PydanticCustomError("clock_time", 'must be a clock time like "09:00"')
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Text = Annotated[str, Field(strict=True, min_length=1)]
ClockText = Annotated[str, BeforeValidator(_clock_text)]
Minutes = Annotated[int, Field(strict=True, gt=0)]
TextList = Annotated[list[Text], BeforeValidator(_as_list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BlockSchema(_Strict):
    minuten: Minutes
    titel: Text
    art: Text
    methode: TextList = []
    material: TextList = []
    modul: Text | None = None
    abschnitt: TextList = []
    hinweis: Text | None = None
    optional: Annotated[bool, Field(strict=True)] = False


class SessionSchema(_Strict):
    titel: Text | None = None
    beginn: ClockText
    ende: ClockText | None = None
    bloecke: list[BlockSchema] = Field(min_length=1)


class HeaderSchema(_Strict):
    schema_version: int
    titel: Text
    zielgruppe: Text
    gruppengroesse: Text | None = None
    ziele: TextList = Field(min_length=1)
    konzept: Text | None = None
    gesamtminuten: Minutes
    ganztag: Annotated[bool, Field(strict=True)] = False


HEADER_FIELDS = tuple(HeaderSchema.model_fields)
SESSION_FIELDS = tuple(SessionSchema.model_fields)

_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling)",
    "string_too_short": "must not be blank",
    "too_short": "needs at least one entry",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "greater_than": "must be greater than 0",
}


def _friendly(error: dict, name: str) -> str:
    if name in ("minuten", "gesamtminuten") and error["type"] in ("int_type", "greater_than"):
        return "must be a positive whole number of minutes, e.g. 15"
    if error["type"] == "string_type":
        return f"must be text, not {type(error.get('input')).__name__}"
    if error["type"] == "extra_forbidden" and name in BLOCK_TIME_FIELDS:
        return "clock times are derived from the session's beginn; give only minuten"
    return _MESSAGES.get(error["type"], error["msg"])


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------------------------------------
# Module notebooks: title, stated Dauer and section headings
# ---------------------------------------------------------------------------------------------

_TITLE_PREFIX = re.compile(r"^Modul\s+\d+\s*[:·–-]\s*")
_DAUER_INLINE = re.compile(r"\*\*Dauer:?\*\*:?\s*(?:ca\.\s*)?(\d+)\s*Min", re.I)
_DAUER_HEADING = re.compile(r"^#{2,3}\s+Dauer\s*$", re.M)
_MINUTES = re.compile(r"(\d+)\s*Min")


def _markdown_cells(notebook: Path) -> list[str]:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        "".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
        for c in data.get("cells", [])
        if c.get("cell_type") == "markdown"
    ]


def stated_minutes(markdown: str) -> int | None:
    """The Dauer a module states: ``**Dauer:** ca. 30 Minuten`` or the Summe row of its table."""
    inline = _DAUER_INLINE.search(markdown)
    if inline:
        return int(inline.group(1))
    heading = _DAUER_HEADING.search(markdown)
    if heading:
        section = re.split(r"^#{1,3}\s", markdown[heading.end() :], maxsplit=1, flags=re.M)[0]
        for line in section.splitlines():
            if "summe" in line.lower():
                numbers = [int(n) for n in _MINUTES.findall(line)]
                if numbers:
                    return sum(numbers)
    return None


def read_module(notebook: Path) -> ModuleInfo:
    cells = _markdown_cells(notebook)
    text = "\n\n".join(cells)
    title = next(
        (line[2:].strip() for line in text.splitlines() if line.startswith("# ")), notebook.stem
    )
    found = [
        (len(m.group(1)), m.group(2).strip())
        for m in re.finditer(r"^(#{2,3})\s+(.+?)\s*$", text, flags=re.M)
    ]
    return ModuleInfo(
        notebook.stem,
        _TITLE_PREFIX.sub("", title),
        stated_minutes(text),
        tuple(h for _, h in found),
        levels=tuple(level for level, _ in found),
    )


def known_modules(notebooks: Path) -> dict[str, ModuleInfo]:
    """Modules with a notebook in `notebooks`, plus the planned ones still being written."""
    found = {p.stem: read_module(p) for p in sorted(notebooks.glob("*.ipynb"))}
    for name, (title, minutes) in PLANNED_MODULES.items():
        found.setdefault(name, ModuleInfo(name, title, minutes, planned=True))
    return dict(sorted(found.items()))


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def match_section(reference: str, headings: Iterable[str]) -> list[str]:
    """Headings `reference` names: an exact heading, else headings it begins (whole words)."""
    ref = _fold(reference)
    headings = list(dict.fromkeys(headings))
    exact = [h for h in headings if _fold(h) == ref]
    if exact:
        return exact
    return [
        h
        for h in headings
        if _fold(h).startswith(ref) and not _fold(h)[len(ref) : len(ref) + 1].isalnum()
    ]


# ---------------------------------------------------------------------------------------------
# Loading and checking agendas
# ---------------------------------------------------------------------------------------------


@dataclass
class _Reader:
    """Collects problems of one agenda file with their lines."""

    doc: LocatedDocument
    problems: list[Problem] = field(default_factory=list)

    def add(self, key: tuple, item_id: str | None, name: str | None, message: str) -> None:
        self.problems.append(Problem(self.doc.path, self.doc.line_of(key), item_id, name, message))

    def structural(self, schema: type[BaseModel], raw: Any, base: tuple, prefix: str) -> Any:
        try:
            return schema.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                # the failing item is the block (or session) that holds the field
                cut = next((i + 2 for i, p in enumerate(loc) if p == "bloecke"), 0)
                item = prefix + _dotted(loc[:cut]) if cut else (prefix.rstrip(".") or None)
                name = _dotted(loc[cut:]) or None
                last = next((p for p in reversed(loc) if isinstance(p, str)), "")
                self.add((*base, *loc), item, name, _friendly(error, last))
            return None


def _sessions_raw(data: dict, reader: _Reader) -> list[tuple[tuple, str, Any]]:
    """(YAML key path, display prefix, raw mapping) of each session; top-level blocks are one."""
    if "sitzungen" in data:
        for name in ("beginn", "ende", "bloecke"):
            if name in data:
                reader.add(
                    (name,), None, name, "with sitzungen, give beginn/ende/bloecke per session"
                )
        raw = data["sitzungen"]
        if not isinstance(raw, list) or not raw:
            reader.add(("sitzungen",), None, "sitzungen", "must be a list of sessions")
            return []
        return [(("sitzungen", i), f"sitzungen[{i}].", s) for i, s in enumerate(raw)]
    if "bloecke" not in data:
        reader.add((), None, "bloecke", "required field is missing (or give sitzungen)")
        return []
    # the agenda's own titel is not the session's
    return [((), "", {k: data[k] for k in SESSION_FIELDS if k in data and k != "titel"})]


def _load(
    path: Path, shown: str, modules: dict[str, ModuleInfo]
) -> tuple[Agenda | None, list[Problem]]:
    doc = read_yaml(path, shown)
    reader = _Reader(doc, list(doc.problems))
    data = doc.data
    if data is None:
        if not doc.problems:
            reader.add((), None, None, "the file is empty")
        return None, reader.problems
    if not isinstance(data, dict):
        reader.add((), None, None, "the file must be a mapping with titel, ziele, bloecke …")
        return None, reader.problems
    if data.get("schema_version") != SCHEMA_VERSION:
        reader.add(
            ("schema_version",),
            None,
            "schema_version",
            f"is {data.get('schema_version')!r}; this smmkit reads schema_version {SCHEMA_VERSION}",
        )
        return None, reader.problems
    allowed = set(HEADER_FIELDS) | set(SESSION_FIELDS) | {"sitzungen"}
    for name in sorted(set(data) - allowed, key=str):
        reader.add((name,), None, str(name), "unknown field (check the spelling)")
    header = reader.structural(
        HeaderSchema, {k: data[k] for k in HEADER_FIELDS if k in data}, (), ""
    )
    sessions = []
    raw_sessions = _sessions_raw(data, reader)
    for base, prefix, raw in raw_sessions:
        schema = reader.structural(SessionSchema, raw, base, prefix)
        if schema is not None:
            sessions.append(_check_session(schema, base, prefix, modules, reader))
    if header is None or len(sessions) != len(raw_sessions) or not sessions:
        return None, reader.problems  # structural problems: later checks would only echo them
    agenda = Agenda(
        name=path.stem,
        title=header.titel,
        target_group=header.zielgruppe,
        goals=tuple(header.ziele),
        total_minutes=header.gesamtminuten,
        sessions=tuple(sessions),
        group_size=header.gruppengroesse,
        concept=header.konzept,
        modules={m: modules[m] for m in _module_order(sessions) if m in modules},
        full_day=header.ganztag,
        path=shown,
        blocks_line=doc.line_of(("sitzungen",) if "sitzungen" in data else ("bloecke",)),
    )
    _check_totals(agenda, reader)
    _check_module_time(agenda, data, reader)
    if agenda.full_day:
        _check_full_day(agenda, data, reader)
    return (None if reader.problems else agenda), reader.problems


def _block_key(data: dict, session: int, block: int) -> tuple[tuple, str]:
    """YAML key and display id of a block."""
    if "sitzungen" in data:
        return ("sitzungen", session, "bloecke", block), f"sitzungen[{session}].bloecke[{block}]"
    return ("bloecke", block), f"bloecke[{block}]"


def _check_full_day(agenda: Agenda, data: dict, reader: _Reader) -> None:
    """The full-day rules: one session with an opening round, a lunch of an hour, buffer time
    and enough time for group presentations (docs/workshop.md, "Full-day rules")."""
    if len(agenda.sessions) != 1:
        reader.add(("ganztag",), None, "ganztag", "a full day is one session (no sitzungen)")
        return
    session = agenda.sessions[0]
    blocks = list(enumerate(session.blocks))
    whole = ("bloecke",)

    openings = [(i, b) for i, b in blocks if OPENING_METHOD in b.methods]
    if not openings:
        reader.add(
            whole,
            None,
            "bloecke",
            f"a full day (ganztag: true) opens with a round in which everyone introduces "
            f"themselves and says what they expect: give a block methode: {OPENING_METHOD} "
            f"in the first {OPENING_WITHIN} minutes",
        )
    elif openings[0][1].start - session.start > OPENING_WITHIN:
        index, block = openings[0]
        key, item = _block_key(data, 0, index)
        reader.add(
            (*key, "methode"),
            item,
            "methode",
            f"the {OPENING_METHOD} starts at {clock(block.start)}, more than {OPENING_WITHIN} "
            f"minutes after the day begins ({clock(session.start)}): open the day with it",
        )

    lunches = [(i, b) for i, b in blocks if b.kind == "mittagspause"]
    longest = max(lunches, key=lambda pair: pair[1].minutes, default=None)
    if longest is None:
        if session.minutes <= LUNCH_AFTER:  # otherwise the lunch rule has said it already
            reader.add(
                whole,
                None,
                "bloecke",
                f"a full day (ganztag: true) needs a block with art: mittagspause of at "
                f"least {FULL_DAY_LUNCH} minutes",
            )
    elif longest[1].minutes < FULL_DAY_LUNCH:
        key, item = _block_key(data, 0, longest[0])
        reader.add(
            (*key, "minuten"),
            item,
            "minuten",
            f"lunch of {longest[1].minutes} minutes: a full day (ganztag: true) needs at least "
            f"{FULL_DAY_LUNCH} (time to eat away from the room, plus the way there and back)",
        )

    buffer = sum(b.minutes for _, b in blocks if b.kind == BUFFER_KIND)
    if buffer < FULL_DAY_BUFFER:
        reader.add(
            whole,
            None,
            "bloecke",
            f"a full day (ganztag: true) needs at least {FULL_DAY_BUFFER} minutes in blocks "
            f"with art: {BUFFER_KIND} for overruns; it has {buffer}",
        )

    talks = [(i, b) for i, b in blocks if PRESENTATION_METHOD in b.methods]
    longest = max(talks, key=lambda pair: pair[1].minutes, default=None)
    if longest is None:
        reader.add(
            whole,
            None,
            "bloecke",
            f"a full day (ganztag: true) needs a block with methode: {PRESENTATION_METHOD} "
            f"of at least {FULL_DAY_PRESENTATION} minutes for the groups' results",
        )
    elif longest[1].minutes < FULL_DAY_PRESENTATION:
        key, item = _block_key(data, 0, longest[0])
        reader.add(
            (*key, "minuten"),
            item,
            "minuten",
            f"{longest[1].minutes} minutes for the group presentations: a full day "
            f"(ganztag: true) gives them at least {FULL_DAY_PRESENTATION} (each group presents, "
            "answers an objection and gets feedback)",
        )


def _module_order(sessions: Iterable[Session]) -> list[str]:
    return list(dict.fromkeys(b.module for s in sessions for b in s.blocks if b.module))


def _check_block(
    block: BlockSchema, key: tuple, item: str, modules: dict[str, ModuleInfo], reader: _Reader
) -> tuple[str, ...]:
    """Semantic rules of one block; returns the resolved section headings."""
    if block.art not in KINDS:
        reader.add(
            (*key, "art"),
            item,
            "art",
            f"unknown kind {block.art!r} (expected one of: {', '.join(KINDS)})",
        )
    for index, method in enumerate(block.methode):
        if method not in METHODS:
            reader.add(
                (*key, "methode", index),
                item,
                "methode",
                f"unknown method {method!r} (expected one of: {', '.join(METHODS)})",
            )
    is_break = block.art in BREAK_KINDS
    if is_break and block.modul:
        reader.add((*key, "modul"), item, "modul", "a break belongs to no module")
    if block.art == BUFFER_KIND and block.modul:
        reader.add(
            (*key, "modul"), item, "modul", "a buffer belongs to no module (it absorbs overruns)"
        )
    if not is_break and block.art != BUFFER_KIND and not block.methode:
        reader.add(key, item, "methode", "required for every block that is not a break")
    if block.art == "einheit" and not block.modul:
        reader.add(key, item, "modul", "required for art: einheit (the module this block teaches)")
    if block.abschnitt and not block.modul:
        reader.add((*key, "abschnitt"), item, "abschnitt", "a section needs a modul")
    if not block.modul or block.modul not in modules:
        if block.modul:
            reader.add(
                (*key, "modul"),
                item,
                "modul",
                f"unknown module {block.modul!r} (no notebooks/de/{block.modul}.ipynb "
                "and not a planned module)",
            )
        return tuple(block.abschnitt)
    module = modules[block.modul]
    if module.planned:
        return tuple(block.abschnitt)  # no notebook to check the section against yet
    resolved = []
    for index, reference in enumerate(block.abschnitt):
        found = match_section(reference, module.headings)
        if len(found) == 1:
            resolved.append(found[0])
        else:
            what = (
                f"matches several sections ({'; '.join(found[:4])}); write more of the heading"
                if found
                else f"no section of {block.modul} begins with {reference!r}"
            )
            reader.add((*key, "abschnitt", index), item, "abschnitt", what)
    return tuple(resolved)


def _check_session(
    schema: SessionSchema,
    base: tuple,
    prefix: str,
    modules: dict[str, ModuleInfo],
    reader: _Reader,
) -> Session:
    """Derive clock times and check them against the declared end, breaks and lunch."""
    start = parse_clock(schema.beginn)
    now, stretch = start, 0
    blocks = []
    over_end = False
    end = parse_clock(schema.ende) if schema.ende else None
    for index, raw in enumerate(schema.bloecke):
        key = (*base, "bloecke", index)
        item = f"{prefix}bloecke[{index}]"
        sections = _check_block(raw, key, item, modules, reader)
        block = Block(
            start=now,
            minutes=raw.minuten,
            title=raw.titel,
            kind=raw.art,
            methods=tuple(raw.methode) or (("Pause",) if raw.art in BREAK_KINDS else ()),
            materials=tuple(raw.material),
            module=raw.modul,
            sections=sections,
            note=raw.hinweis,
            optional=raw.optional,
        )
        blocks.append(block)
        minutes_key = (*key, "minuten")
        if block.end > 24 * 60:
            reader.add(minutes_key, item, "minuten", "the session runs past midnight")
        if end is not None and block.end > end and not over_end:
            over_end = True
            reader.add(
                minutes_key,
                item,
                "minuten",
                f"block „{block.title}“ ends at {clock(block.end)}, "
                f"after the session's declared end {clock(end)}",
            )
        stretch = 0 if block.is_break else stretch + block.minutes
        if stretch > MAX_STRETCH and stretch - block.minutes <= MAX_STRETCH:
            reader.add(
                minutes_key,
                item,
                "minuten",
                f"block „{block.title}“ ends {stretch} minutes after the last break "
                f"(at most {MAX_STRETCH}); plan a pause before it",
            )
        now = block.end
    session = Session(schema.titel, tuple(blocks))
    if end is not None and session.end < end:
        reader.add(
            (*base, "ende"),
            prefix.rstrip(".") or None,
            "ende",
            f"the blocks end at {clock(session.end)}, not at the declared {clock(end)}",
        )
    if session.minutes > LUNCH_AFTER and not any(
        b.kind == "mittagspause" and b.minutes >= MIN_LUNCH for b in blocks
    ):
        reader.add(
            (*base, "bloecke"),
            prefix.rstrip(".") or None,
            "bloecke",
            f"a session of {duration_text(session.minutes)} needs a block with "
            f"art: mittagspause of at least {MIN_LUNCH} minutes",
        )
    return session


def _check_totals(agenda: Agenda, reader: _Reader) -> None:
    total = sum(s.minutes for s in agenda.sessions)
    if total != agenda.total_minutes:
        reader.add(
            ("gesamtminuten",),
            None,
            "gesamtminuten",
            f"declared {agenda.total_minutes} minutes, but the blocks add up to {total} "
            f"({total - agenda.total_minutes:+d})",
        )


def _first_block_key(agenda: Agenda, data: dict, module: str) -> tuple[tuple, str]:
    """YAML key and display id of the first block that teaches `module`."""
    for s_index, session in enumerate(agenda.sessions):
        for b_index, block in enumerate(session.blocks):
            if block.module == module and block.kind == "einheit":
                if "sitzungen" in data:
                    prefix, base = f"sitzungen[{s_index}].", ("sitzungen", s_index)
                else:
                    prefix, base = "", ()
                return (*base, "bloecke", b_index, "modul"), f"{prefix}bloecke[{b_index}]"
    raise LookupError(module)


def _check_module_time(agenda: Agenda, data: dict, reader: _Reader) -> None:
    low, high = PLAUSIBLE_SHARE
    for module, minutes in agenda.module_minutes().items():
        stated = agenda.modules[module].minutes if module in agenda.modules else None
        if not stated:
            continue
        if minutes < low * stated or minutes > high * stated:
            key, item = _first_block_key(agenda, data, module)
            bound = "less than" if minutes < low * stated else "more than"
            share = round(100 * (low if minutes < low * stated else high))
            reader.add(
                key,
                item,
                "modul",
                f"{module} gets {minutes} minutes in this agenda, {bound} {share} % "
                f"of the {stated} minutes its notebook states (Dauer)",
            )


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _project_of(folder: Path) -> Path:
    """The project that holds ``workshop/<folder>`` (paths in messages are relative to it)."""
    resolved = folder.resolve()
    return resolved.parents[1] if len(resolved.parents) > 1 else resolved


def load_agenda(path: Path, notebooks: Path | None = None) -> Agenda:
    """Read and check one agenda; raises ContentError listing every problem.

    `notebooks` is the folder of module notebooks (default: <project>/notebooks/de).
    """
    path = Path(path)
    root = _project_of(path.parent)
    modules = known_modules(notebooks or root / "notebooks" / "de")
    agenda, problems = _load(path, _shown(path, root), modules)
    if problems or agenda is None:
        raise ContentError(problems)
    return agenda


def check_agendas(folder: Path, notebooks: Path | None = None) -> list[Problem]:
    """Every problem of every ``*.yaml`` agenda in `folder`, sorted by file and line."""
    return _check_agendas(Path(folder), notebooks)[0]


def _check_agendas(
    folder: Path, notebooks: Path | None = None
) -> tuple[list[Problem], list[Agenda]]:
    """The problems of every agenda in `folder`, and the agendas that have none."""
    root = _project_of(folder)
    modules = known_modules(notebooks or root / "notebooks" / "de")
    problems: list[Problem] = []
    agendas: list[Agenda] = []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(Problem(_shown(folder, root), None, None, None, "no agendas (*.yaml)"))
    for path in files:
        agenda, found = _load(path, _shown(path, root), modules)
        problems += found
        if agenda is not None:
            agendas.append(agenda)
    return sorted(problems, key=Problem.sort_key), agendas


def load_agendas(folder: Path, notebooks: Path | None = None) -> list[Agenda]:
    """All agendas of `folder`, in file-name order; raises ContentError on any problem."""
    folder = Path(folder)
    problems = check_agendas(folder, notebooks)
    if problems:
        raise ContentError(problems)
    return [load_agenda(p, notebooks) for p in sorted(folder.glob("*.yaml"))]


# ---------------------------------------------------------------------------------------------
# Facilitator guides (Markdown)
# ---------------------------------------------------------------------------------------------


def _markdown_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def check_guide(
    path: Path, shown: str, bank_ids: set[str] | None = None, facts: Facts | None = None
) -> list[Problem]:
    """One guide: an h1 first, no skipped heading levels, nothing online, real bank ids and
    fact ids (``{{fakt:id}}``, see :mod:`smmkit.bank.facts`)."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(shown, None, None, None, f"not UTF-8 text: {exc.reason}")]
    for number, line in enumerate(text.splitlines(), start=1):
        for match in PLACEHOLDER.finditer(line) if facts is not None else ():
            for _, message in facts.resolve(match.group(0))[1]:
                problems.append(Problem(shown, number, None, "fakt", message))
    prefixes = {i.split(".", 1)[0] for i in bank_ids or ()}
    previous = 0
    for number, line in _markdown_lines(text):
        heading = re.match(r"^(#{1,6})\s+\S", line)
        if heading:
            level = len(heading.group(1))
            if previous == 0 and level != 1:
                problems.append(
                    Problem(shown, number, None, "heading", "the first heading must be # (h1)")
                )
            elif previous and level == 1:
                problems.append(
                    Problem(shown, number, None, "heading", "only one # (h1) per guide")
                )
            elif level > previous + 1 and previous:
                problems.append(
                    Problem(shown, number, None, "heading", f"jumps from h{previous} to h{level}")
                )
            previous = level
        if URL.search(line):
            problems.append(
                Problem(
                    shown, number, None, "link", "guides are printed and used offline: no web links"
                )
            )
        for ref in BANK_ID.findall(line) if bank_ids is not None else ():
            # only ids of a bank module count: `smmkit.scenario` or file names are not refs
            if ref.split(".", 1)[0] in prefixes and ref not in bank_ids:
                problems.append(
                    Problem(shown, number, ref, None, "no such item in the content bank")
                )
    if previous == 0:
        problems.append(Problem(shown, 1, None, "heading", "the guide has no # (h1) title"))
    return problems


def check_guides(
    folder: Path,
    notebooks: Path | None = None,
    bank_ids: set[str] | None = None,
    facts: Facts | None = None,
) -> list[Problem]:
    """Every guide in `folder`; one guide per known module, none for unknown ones."""
    folder = Path(folder)
    root = _project_of(folder)
    modules = known_modules(notebooks or root / "notebooks" / "de")
    problems: list[Problem] = []
    guides = {p.stem: p for p in sorted(folder.glob("*.md"))}
    for name in modules:
        if name not in guides:
            problems.append(
                Problem(
                    _shown(folder, root), None, name, None, f"no guide {name}.md for module {name}"
                )
            )
    for name, path in guides.items():
        shown = _shown(path, root)
        if name not in modules:
            problems.append(Problem(shown, None, name, None, "no module of this name"))
        problems += check_guide(path, shown, bank_ids, facts)
    return sorted(problems, key=Problem.sort_key)


# Printed information for participants (e.g. the data protection sheet), Markdown files
# directly in workshop/: checked like guides, rendered like guides with their own label.
# datenwerkstatt-tabellen: the one-page guide to the spreadsheet files (see .spreadsheet) for
# groups that do not code.
HANDOUT_PAGES = ("datenschutz-teilnehmende", "datenwerkstatt-tabellen")


def check_handout_pages(root: Path, facts: Facts | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for name in HANDOUT_PAGES:
        path = Path(root) / "workshop" / f"{name}.md"
        if path.is_file():
            problems += check_guide(path, _shown(path, Path(root)), None, facts)
    return problems


def _bank_ids(root: Path) -> tuple[set[str] | None, Facts | None]:
    """Ids of the content bank and its facts, or None when the bank itself has problems (its
    check reports them)."""
    from ..bank import check

    result = check(root, "de")
    if result.errors:
        return None, None
    return set(result.bank.items) | set(result.bank.quiz_sets), result.bank.facts


@dataclass
class WorkshopReport:
    """What `smmkit check` learns about the workshop kit: problems, and which statements of
    the requirements profile each agenda covers."""

    problems: list[Problem]
    profile: requirements.Profile | None = None
    coverage: list[requirements.Coverage] = field(default_factory=list)

    def summary(self) -> list[str]:
        if self.profile is None:
            return []
        return requirements.summary_lines(self.profile, self.coverage)


def check_profile(
    root: Path, agendas: Iterable[Agenda], modules: dict[str, ModuleInfo]
) -> tuple[requirements.Profile | None, list[requirements.Coverage], list[Problem]]:
    """The requirements profile (content/de/anforderungsprofil.yaml) against its source text
    and the notebooks, and each agenda's coverage of it. No profile, nothing to check."""
    path = Path(root) / "content" / "de" / requirements.REQUIREMENTS_FILE
    if not path.is_file():
        return None, [], []
    shown = _shown(path, Path(root))
    profile, problems = requirements.parse_profile(path.read_text(encoding="utf-8"), shown)
    if profile is None:
        return None, [], problems
    source = path.parent / profile.source
    if source.is_file():
        text = requirements.source_text(source.read_text(encoding="utf-8"))
        problems += requirements.check_wording(profile, text)
    else:
        problems.append(
            Problem(
                shown,
                profile.source_line,
                None,
                "quelle",
                f"no file {profile.source} next to {path.name}",
            )
        )
    outlines = {name: info.outline for name, info in modules.items() if not info.planned}
    problems += requirements.check_sections(profile, outlines)
    results = []
    for agenda in agendas:
        references = [
            (block.module, heading)
            for block in agenda.blocks
            if block.kind == "einheit" and block.module and not block.optional
            for heading in block.sections
        ]
        result = requirements.coverage(
            profile, agenda.name, references, outlines, required=agenda.full_day
        )
        results.append(result)
        problems += requirements.coverage_problem(profile, result, agenda.path, agenda.blocks_line)
    return profile, results, problems


def check_workshop_report(root: Path) -> WorkshopReport:
    """Agendas, guides, participant pages and the requirements profile of a project."""
    root = Path(root)
    notebooks = root / "notebooks" / "de"
    bank_ids, facts = _bank_ids(root)
    problems, agendas = _check_agendas(root / "workshop" / "agendas", notebooks)
    problems += check_guides(root / "workshop" / "guides", notebooks, bank_ids, facts)
    problems += check_handout_pages(root, facts)
    profile, coverage, found = check_profile(root, agendas, known_modules(notebooks))
    problems += found
    return WorkshopReport(sorted(problems, key=Problem.sort_key), profile, coverage)


def check_workshop(root: Path) -> list[Problem]:
    """Agendas, guides, participant pages and the requirements profile of a project: what
    `smmkit check` can add (warnings included)."""
    return check_workshop_report(root).problems


# ---------------------------------------------------------------------------------------------
# Rendering: print-ready, offline HTML (A4) from templates/workshop/ (page, agenda, guide and
# their stylesheets)
# ---------------------------------------------------------------------------------------------


def guide_title(markdown: str) -> str:
    """The guide's # (h1) heading, '' without one."""
    for _, line in _markdown_lines(markdown):
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def agenda_html(agenda: Agenda) -> str:
    """The agenda as a self-contained, print-ready A4 page (landscape table)."""
    return render(
        "publish/workshop/agenda.html.j2", agenda=agenda, clock=clock, duration=duration_text
    )


def guide_html(markdown_path: Path, facts: Facts | None = None, edition: str = "guide") -> str:
    """A facilitator guide (Markdown) as a self-contained, print-ready A4 page; `{{fakt:id}}`
    placeholders are filled in from `facts`; `edition` names the kicker ("guide" or
    "participants" for a page handed to participants)."""
    text = Path(markdown_path).read_text(encoding="utf-8")
    if facts is not None and "{{" in text:
        text = facts.resolve(text)[0]
    title = guide_title(text) or Path(markdown_path).stem
    return render("publish/workshop/guide.html.j2", title=title, markdown=text, edition=edition)


# ---------------------------------------------------------------------------------------------
# Writing the files (called by the build)
# ---------------------------------------------------------------------------------------------


def render_workshop(root: Path, out_dir: Path, printer: PdfPrinter | None = None) -> list[Path]:
    """Write ``agenda-<name>.html``, ``leitfaden-<module>.html``, the participant pages (and
    PDFs with a printer), and the exercise data as spreadsheet files in ``tabellen/``.

    Checks agendas and guides first and raises ContentError listing every problem, so a broken
    agenda never reaches paper. `printer` is an open :class:`smmkit.publish.pdf.PdfPrinter`.
    """
    root, out_dir = Path(root), Path(out_dir)
    problems = [p for p in check_workshop(root) if not p.is_warning]  # `smmkit check --strict`
    if problems:
        raise ContentError(problems)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    jobs: list[tuple[Path, str, str]] = []
    for agenda in load_agendas(root / "workshop" / "agendas", root / "notebooks" / "de"):
        page = atomic_write(out_dir / f"agenda-{agenda.name}.html", agenda_html(agenda))
        jobs.append((page, agenda.title, t("workshop.edition.agenda")))
    facts = load_facts(root, "de")
    for guide in sorted((root / "workshop" / "guides").glob("*.md")):
        page = atomic_write(out_dir / f"leitfaden-{guide.stem}.html", guide_html(guide, facts))
        title = guide_title(guide.read_text(encoding="utf-8")) or guide.stem
        jobs.append((page, title, t("workshop.edition.guide")))
    for name in HANDOUT_PAGES:
        source = root / "workshop" / f"{name}.md"
        if source.is_file():
            html = guide_html(source, facts, edition="participants")
            page = atomic_write(out_dir / f"{name}.html", html)
            title = guide_title(source.read_text(encoding="utf-8")) or name
            jobs.append((page, title, t("workshop.edition.participants")))
    # the exercise data for spreadsheets, the alternative to the notebooks' data exercises
    written += write_spreadsheets(out_dir)
    printing = []
    for page, title, edition in jobs:
        written.append(page)
        if printer is not None:
            pdf = page.with_suffix(".pdf")
            # the build mirrors the previous output as hard links: never write into one
            pdf.unlink(missing_ok=True)
            printing.append(printer.submit(page, pdf, title, edition))
    written.extend(future.result() for future in printing)  # all queued: a pool prints in parallel
    return written
