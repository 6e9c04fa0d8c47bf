"""The one-page social media strategy of module 05: sections, live checks, rubric (pure logic).

A draft is a plain mapping ``{field_id: text}``; the seven sections of the canvas group the
fields (the team section has four small fields, every other section one text):

| section | fields | what the live checks look for |
|---|---|---|
| `ziele` | `ziele` | a target value, a deadline, a measurable KPI word, a business KPI (not only vanity), a channel or target group |
| `zielgruppen` | `zielgruppen` | age or life stage, situation, need, channel (hint when the target group is "alle") |
| `kanaele` | `kanaele` | a channel, a reason word, at most three channels with own content (hint: what to stop) |
| `content` | `content` | themes, at least two formats, a frequency, people and behind-the-scenes |
| `reaktion` | `reaktion` | a response time ("24 Stunden"), escalation tiers, netiquette, weekend/service hours (hint: private channel) |
| `team` | `team_erstellt`, `team_freigabe`, `team_antwortet`, `team_informiert` | who creates, who approves (exactly one per clause), who answers, customer service and branches informed (hints: deputy, boss approves everything) |
| `kpis` | `kpis` | actionable KPIs (not only Follower/Likes), target values, how and how often measured (hint: base of the engagement rate) |

`check_draft()` adds the pseudo-section `stimmigkeit` (do goals, KPIs, target groups, channels
and content fit together?). Checks are keyword searches (with the kit's one matcher,
:mod:`smmkit.bank.keywords`, and a few regular expressions): they find building blocks, not
quality. Hints (``counted=False``) never change the score.

The rubric (eight criteria × four levels worth 0–3 points) is the trainer's assessment sheet
and the learner's self-check; `rate()` adds it up, `calibration()` names criteria that a
learner rates far above what the checks find. `summary_html()` renders a draft as a one-page
summary; `paper_html()` prints the canvas as a worksheet (participants) or the rubric with
assessment hints and a model strategy (trainers).

The case's texts, the sections, the word lists and patterns, the rubric and the model strategy
are content (`strategy/data.<lang>.yaml`, read by `content()`); the checks' feedback and the
widget's words come from the message catalog (`locales/<lang>/strategy.yaml`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, model_validator

from ...bank.keywords import find_keywords
from ...bank.models import COMPETENCIES
from ...i18n import t
from .. import Patterns, get, load_data
from ..check import Check, counts, score

__all__ = [
    "ITEM_ID",
    "LEVELS",
    "RATING_ID",
    "Criterion",
    "RubricResult",
    "Section",
    "StrategyContent",
    "calibration",
    "check_draft",
    "check_section",
    "clean_draft",
    "content",
    "counts",
    "empty_draft",
    "model_draft",
    "paper_html",
    "rate",
    "score",
    "suggested_level",
    "summary_html",
]

ITEM_ID, RATING_ID = get("strategy").items  # the draft and its checks; the rubric self-check
LEVELS = (0, 1, 2, 3)  # nicht erfüllt, ansatzweise, erfüllt, vorbildlich (= points)
COHERENCE = "stimmigkeit"  # the checks across sections

Mode = Literal["participant", "trainer"]


# ---------------------------------------------------------------------------------------------
# Content: strategy/data.<lang>.yaml
# ---------------------------------------------------------------------------------------------

_UMLAUTS = {"ä": "(?:ä|ae)", "ö": "(?:ö|oe)", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}


def _regex(pattern: Any) -> re.Pattern[str]:
    """A pattern of the content, case ignored, with umlauts in either spelling."""
    if not isinstance(pattern, str):
        raise ValueError("a regular expression must be a string")
    try:
        return re.compile("".join(_UMLAUTS.get(ch, ch) for ch in pattern), re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None


Regex = Annotated[re.Pattern[str], PlainValidator(_regex)]
Competency = Literal[COMPETENCIES]  # type: ignore[valid-type]


class _Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextField(_Content):
    label: str
    placeholder: str


class Section(_Content):
    """One box of the canvas."""

    id: str
    title: str
    hint: str
    competency: Competency
    lines: int  # writing lines per field on the printed worksheet
    paper_checks: tuple[str, ...]  # the checks printed as a checklist
    fields: dict[str, TextField]

    def label(self, field_id: str) -> str:
        return self.fields[field_id].label

    def placeholder(self, field_id: str) -> str:
        return self.fields[field_id].placeholder


class Criterion(_Content):
    id: str
    section: str  # canvas section (or "stimmigkeit") whose checks inform it
    competency: Competency
    title: str
    question: str
    levels: tuple[str, str, str, str]  # what each level (0–3 points) looks like

    def descriptor(self, level: int) -> str:
        return self.levels[level]


class Band(_Content):
    key: str
    minimum: int = Field(alias="from")
    title: str
    text: str


class Rubric(_Content):
    levels: tuple[str, str, str, str]  # names of the levels 0–3
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...]  # from the highest minimum down; the last starts at 0


class Words(_Content):
    """Keyword patterns (smmkit.bank.keywords) per thing the checks look for."""

    content_channels: dict[str, Patterns]
    service_channels: dict[str, Patterns]
    actionable: Patterns
    vanity: Patterns
    situation: Patterns
    need: Patterns
    reason: Patterns
    stop: Patterns
    themes: Patterns
    theme_groups: dict[str, Patterns]
    format_groups: dict[str, Patterns]
    people: Patterns
    tiers: Patterns
    netiquette: Patterns
    weekend: Patterns
    private: Patterns
    informed: Patterns
    deputy: Patterns
    boss: Patterns
    classes: Patterns
    measurement: Patterns
    engagement: Patterns
    base: Patterns
    vague_approver: frozenset[str]  # exact words

    @cached_property
    def negations(self) -> tuple[str, ...]:
        """A sentence with one of these stops or pauses the channels it names."""
        return ("nicht", "kein*", *(w for w in self.stop if not w.startswith(("nur", "erst"))))


class RegularExpressions(_Content):
    deadline: tuple[Regex, ...]  # a deadline or time frame; its digits are not target values
    target: tuple[Regex, ...]
    age: tuple[Regex, ...]
    all_people: Regex
    reason: tuple[Regex, ...]
    frequency: tuple[Regex, ...]
    response_time: tuple[Regex, ...]
    multi_approver: Regex


class Coherence(_Content):
    title: str
    hint: str


class StrategyContent(_Content):
    """The canvas as ``strategy/data.<lang>.yaml`` describes it."""

    intro: str  # Markdown
    summary_heading: str
    sections: tuple[Section, ...]
    coherence: Coherence
    max_content_channels: int  # more channels with own content than the role can serve well
    words: Words
    patterns: RegularExpressions
    rubric: Rubric
    solution_intro: str  # Markdown
    solution: dict[str, str]  # one possible strategy: a text per field
    participant_intro: str  # Markdown
    trainer_intro: str  # Markdown
    trainer_hints: tuple[str, ...]  # Markdown

    @model_validator(mode="after")
    def _consistent(self) -> StrategyContent:
        if set(self.solution) != set(self.field_ids):
            raise ValueError(f"solution: one text per field ({', '.join(self.field_ids)})")
        unknown = [c.section for c in self.rubric.criteria if c.section not in self.check_groups]
        if unknown:
            raise ValueError(f"rubric: criteria refer to unknown sections {unknown}")
        if not self.rubric.bands or self.rubric.bands[-1].minimum != 0:
            raise ValueError("rubric.bands: the last band starts at 0 points")
        return self

    @cached_property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    @cached_property
    def check_groups(self) -> tuple[str, ...]:
        return (*(s.id for s in self.sections), COHERENCE)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.rubric.criteria if c.id == criterion_id)

    @property
    def max_points(self) -> int:
        return LEVELS[-1] * len(self.rubric.criteria)

    @property
    def pass_points(self) -> int:
        return self.max_points // 2  # and no criterion "nicht erfüllt"


def content(lang: str | None = None) -> StrategyContent:
    return load_data("strategy", StrategyContent, lang)


def level_name(level: int) -> str:
    return content().rubric.levels[level]


# ---------------------------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------------------------


def empty_draft() -> dict[str, str]:
    return dict.fromkeys(content().field_ids, "")


def clean_draft(data: Mapping[str, object] | None) -> dict[str, str]:
    """Every known field as a string ('' when missing or not a string); unknown keys dropped."""
    draft = empty_draft()
    for field_id in draft:
        value = (data or {}).get(field_id)
        if isinstance(value, str):
            draft[field_id] = value
    return draft


def section_text(draft: Mapping[str, str], section_id: str) -> str:
    return "\n".join(draft.get(f, "") or "" for f in content().section(section_id).fields)


def is_filled(draft: Mapping[str, str], section_id: str) -> bool:
    """Whether a section (or, for ``stimmigkeit``, any section) has text."""
    if section_id == COHERENCE:
        return any(is_filled(draft, s.id) for s in content().sections)
    return bool(section_text(draft, section_id).strip())


def model_draft() -> dict[str, str]:
    """One possible strategy for the case (Backhaus Sommerfeld)."""
    return {field_id: text.strip() for field_id, text in content().solution.items()}


# ---------------------------------------------------------------------------------------------
# Finding building blocks
# ---------------------------------------------------------------------------------------------


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def _has(text: str | None, patterns: Iterable[str]) -> bool:
    return bool(find_keywords(text, patterns))


def _list(words: Sequence[str], limit: int = 4) -> str:
    shown = list(words[:limit])
    return ", ".join(shown) + (" …" if len(words) > limit else "")


def _matches(text: str | None, patterns: Iterable[re.Pattern[str]]) -> list[str]:
    text = _nfc(text)
    return [m.group(0) for p in patterns for m in p.finditer(text)]


def deadlines(text: str | None) -> list[str]:
    """Deadlines and time frames in the order they appear (overlapping matches merged)."""
    text = _nfc(text)
    spans = sorted(m.span() for p in content().patterns.deadline for m in p.finditer(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end].strip() for start, end in merged]


def has_target_value(text: str | None) -> bool:
    """A number that is not part of a date or time frame, a percentage or "verdoppeln"."""
    patterns = content().patterns
    rest = _nfc(text)
    for pattern in patterns.deadline:
        rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
    return any(p.search(rest) for p in patterns.target)


def channels(text: str | None, groups: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """Channel names mentioned in the text (content and service channels unless `groups`)."""
    words = content().words
    groups = groups or {**words.content_channels, **words.service_channels}
    return [name for name, patterns in groups.items() if _has(text, patterns)]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n+", _nfc(text)) if s.strip()]


def active_content_channels(text: str | None) -> list[str]:
    """Content channels named in a sentence that does not stop or pause them."""
    words = content().words
    active: list[str] = []
    for sentence in _sentences(text or ""):
        if _has(sentence, words.negations):
            continue
        for name in channels(sentence, words.content_channels):
            if name not in active:
                active.append(name)
    return active


def approvers_per_clause(text: str | None) -> list[str]:
    """The approver part of each clause ("Routine: Social Media; Krise: GF" → two clauses)."""
    parts = []
    for clause in re.split(r"[;\n]+", _nfc(text)):
        clause = re.sub(r"\([^)]*\)", " ", clause)
        part = clause.rsplit(":", 1)[-1].strip(" .,-–")
        if part:
            parts.append(part)
    return parts


# ---------------------------------------------------------------------------------------------
# Checks, section by section
# ---------------------------------------------------------------------------------------------


def _check(section: str, key: str, ok: bool | None, state: str, counted: bool = True, **values):
    return Check(
        key,
        ok,
        t(f"strategy.check.{section}.{key}.{state}", **values),
        label=t(f"strategy.check.{section}.{key}.label"),
        section=section,
        counted=counted,
    )


def _found(section: str, key: str, found: Sequence[str], limit: int = 4, **values) -> Check:
    """Met, naming what was found – or not met."""
    if found:
        return _check(section, key, True, "ok", found=_list(found, limit), **values)
    return _check(section, key, False, "missing")


def _present(section: str, key: str, present: bool, hint: bool = False) -> Check:
    """Met or not met; a hint (never counted) is "not evaluated" instead of "not met"."""
    if present:
        return _check(section, key, True, "ok", counted=not hint)
    return _check(section, key, None if hint else False, "missing", counted=not hint)


def _check_ziele(text: str) -> list[Check]:
    s, words = "ziele", content().words
    found_deadlines = deadlines(text)
    actionable = find_keywords(text, words.actionable)
    vanity = find_keywords(text, words.vanity)
    named = channels(text) + (["Zielgruppe"] if _has(text, words.situation) else [])
    checks = [
        _present(s, "zielwert", has_target_value(text)),
        _found(s, "frist", found_deadlines, 2),
        _found(s, "messbar", actionable + vanity),
    ]
    if actionable or not vanity:
        checks.append(_found(s, "wirkung", actionable))
    else:
        checks.append(_check(s, "wirkung", False, "vanity", found=_list(vanity)))
    return [*checks, _found(s, "spezifisch", named)]


def _check_zielgruppen(text: str) -> list[Check]:
    s, c = "zielgruppen", content()
    checks = [
        _present(s, "alter", bool(_matches(text, c.patterns.age))),
        _found(s, "situation", find_keywords(text, c.words.situation), 3),
        _found(s, "beduerfnis", find_keywords(text, c.words.need), 3),
        _found(s, "kanal", channels(text)),
    ]
    if c.patterns.all_people.search(_nfc(text)):
        checks.append(_check(s, "alle", None, "found", counted=False))
    return checks


def _check_kanaele(text: str) -> list[Check]:
    s, c = "kanaele", content()
    active = active_content_channels(text)
    reasons = find_keywords(text, c.words.reason) + _matches(text, c.patterns.reason)
    checks = [_found(s, "kanal", channels(text), 6), _found(s, "begruendung", reasons, 3)]
    if len(active) > c.max_content_channels:
        checks.append(
            _check(
                s,
                "fokus",
                False,
                "too_many",
                count=len(active),
                found=_list(active, 6),
                limit=c.max_content_channels,
            )
        )
    elif active:
        checks.append(_check(s, "fokus", True, "ok", found=_list(active, 6)))
    else:
        checks.append(_check(s, "fokus", None, "not_evaluated"))
    return [*checks, _present(s, "verzicht", _has(text, c.words.stop), hint=True)]


def _groups_found(text: str, groups: Mapping[str, Iterable[str]]) -> list[str]:
    return [name for name, patterns in groups.items() if _has(text, patterns)]


def _check_content(text: str) -> list[Check]:
    s, c = "content", content()
    themes = _groups_found(text, c.words.theme_groups)
    formats = _groups_found(text, c.words.format_groups)
    if _has(text, c.words.themes) or len(themes) >= 2:
        checks = [_check(s, "themen", True, "ok", found=_list(themes))]
    else:
        checks = [_check(s, "themen", False, "missing")]
    if len(formats) == 1:
        checks.append(_check(s, "formate", False, "one", found=formats[0]))
    else:
        checks.append(_found(s, "formate", formats if len(formats) >= 2 else []))
    return [
        *checks,
        _present(s, "frequenz", bool(_matches(text, c.patterns.frequency))),
        _found(s, "menschen", find_keywords(text, c.words.people), 3),
    ]


def _check_reaktion(text: str) -> list[Check]:
    s, c = "reaktion", content()
    return [
        _found(s, "zeit", _matches(text, c.patterns.response_time), 2),
        _present(s, "stufen", _has(text, c.words.tiers)),
        _present(s, "netiquette", _has(text, c.words.netiquette)),
        _present(s, "wochenende", _has(text, c.words.weekend)),
        _present(s, "privat", _has(text, c.words.private), hint=True),
    ]


def _check_team(draft: Mapping[str, str]) -> list[Check]:
    s, c = "team", content()
    creates, approves, answers, informed = (
        (draft.get(f) or "").strip()
        for f in ("team_erstellt", "team_freigabe", "team_antwortet", "team_informiert")
    )
    checks = [_present(s, "erstellt", bool(creates))]
    if not approves or set(re.findall(r"\w+", approves.casefold())) <= c.words.vague_approver:
        checks.append(_check(s, "freigabe", False, "vague" if approves else "missing"))
        checks.append(_check(s, "ein_a", None, "not_evaluated"))
    else:
        checks.append(_check(s, "freigabe", True, "ok"))
        several = [p for p in approvers_per_clause(approves) if c.patterns.multi_approver.search(p)]
        checks.append(
            _check(s, "ein_a", False, "several", found=several[0])
            if several
            else _check(s, "ein_a", True, "ok")
        )
    checks.append(_present(s, "antwortet", bool(answers)))
    if not informed:
        checks.append(_check(s, "informiert", False, "missing"))
    elif _has(informed, c.words.informed):
        checks.append(_found(s, "informiert", find_keywords(informed, c.words.informed)))
    else:
        checks.append(_check(s, "informiert", False, "no_service"))
    everything = "\n".join((creates, approves, answers, informed))
    checks.append(_present(s, "vertretung", _has(everything, c.words.deputy), hint=True))
    if _has(approves, c.words.boss) and not _has(approves, c.words.classes):
        checks.append(_check(s, "flaschenhals", None, "found", counted=False))
    return checks


def _check_kpis(text: str) -> list[Check]:
    s, words = "kpis", content().words
    actionable = find_keywords(text, words.actionable)
    vanity = find_keywords(text, words.vanity)
    if actionable and vanity:
        steering = _check(
            s, "steuerung", True, "mixed", found=_list(actionable), vanity=_list(vanity)
        )
    elif vanity:
        steering = _check(s, "steuerung", False, "vanity", found=_list(vanity))
    else:
        steering = _found(s, "steuerung", actionable)
    checks = [
        steering,
        _present(s, "zielwert", has_target_value(text)),
        _found(s, "messung", find_keywords(text, words.measurement), 3),
    ]
    if _has(text, words.engagement):
        checks.append(_present(s, "basis", _has(text, words.base), hint=True))
    return checks


def _check_stimmigkeit(draft: Mapping[str, str]) -> list[Check]:
    s, words = COHERENCE, content().words
    goals, kpis = draft.get("ziele", ""), draft.get("kpis", "")
    shared = [p for p in words.actionable if _has(goals, (p,)) and _has(kpis, (p,))]
    channel_set = set(channels(draft.get("kanaele", "")))
    return [
        _found(s, "ziel_kpi", find_keywords(kpis, shared), 3),
        _found(
            s,
            "zielgruppe_kanal",
            [c for c in channels(draft.get("zielgruppen", "")) if c in channel_set],
        ),
        _found(
            s, "kanal_content", [c for c in channels(draft.get("content", "")) if c in channel_set]
        ),
    ]


def check_section(section_id: str, draft: Mapping[str, str]) -> list[Check]:
    """The checks of one section (or of ``stimmigkeit``) for a draft."""
    draft = clean_draft(draft)
    if section_id in (COHERENCE, "team"):
        return {COHERENCE: _check_stimmigkeit, "team": _check_team}[section_id](draft)
    text = section_text(draft, section_id)
    return {
        "ziele": _check_ziele,
        "zielgruppen": _check_zielgruppen,
        "kanaele": _check_kanaele,
        "content": _check_content,
        "reaktion": _check_reaktion,
        "kpis": _check_kpis,
    }[section_id](text)


def check_draft(draft: Mapping[str, str]) -> dict[str, list[Check]]:
    """All checks, grouped by section, with ``stimmigkeit`` last."""
    return {group: check_section(group, draft) for group in content().check_groups}


def suggested_level(checks: Sequence[Check], filled: bool = True) -> int:
    """What the checks suggest on the rubric scale: 0–2 (only people can judge 'vorbildlich')."""
    met, total = counts(checks)
    if not filled or not total:
        return 0
    share = met / total
    if share < 0.25:
        return 0
    return 1 if share < 0.75 else 2


# ---------------------------------------------------------------------------------------------
# Rubric
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RubricResult:
    points: int
    max_points: int
    ratings: dict[str, int]
    missing: tuple[str, ...]  # criteria not rated yet
    zero: tuple[str, ...]  # criteria rated "nicht erfüllt"
    pass_points: int = 0
    band: str = ""  # key of the band the points fall into

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def share(self) -> float:
        return round(self.points / self.max_points, 4) if self.max_points else 0.0

    @property
    def passed(self) -> bool:
        """Fit for practice: at least half the points and no criterion without any point."""
        return self.complete and self.points >= self.pass_points and not self.zero


def rate(ratings: Mapping[str, int | None]) -> RubricResult:
    """Add up rubric levels (0–3 per criterion); unknown criteria or levels raise ValueError."""
    c = content()
    criteria = [criterion.id for criterion in c.rubric.criteria]
    unknown = sorted(set(ratings) - set(criteria))
    if unknown:
        raise ValueError(f"unknown rubric criteria: {', '.join(unknown)}")
    given: dict[str, int] = {}
    for criterion in criteria:
        level = ratings.get(criterion)
        if level is None:
            continue
        if isinstance(level, bool) or level not in LEVELS:
            raise ValueError(f"level for {criterion!r} must be one of {LEVELS}, not {level!r}")
        given[criterion] = int(level)
    points = sum(given.values())
    return RubricResult(
        points=points,
        max_points=c.max_points,
        ratings=given,
        missing=tuple(x for x in criteria if x not in given),
        zero=tuple(x for x in criteria if given.get(x) == 0),
        pass_points=c.pass_points,
        band=next(band.key for band in c.rubric.bands if points >= band.minimum),
    )


def calibration(
    ratings: Mapping[str, int | None], draft: Mapping[str, str], gap: int = 2
) -> list[tuple[str, int, int]]:
    """Criteria a learner rates at least `gap` levels above what the checks suggest.

    Returns (criterion id, own level, suggested level) – a prompt to look again, not a verdict.
    """
    checks = check_draft(draft)
    flagged = []
    for criterion in content().rubric.criteria:
        own = ratings.get(criterion.id)
        if own is None:
            continue
        filled = is_filled(draft, criterion.section)
        suggested = suggested_level(checks[criterion.section], filled)
        if own - suggested >= gap:
            flagged.append((criterion.id, int(own), suggested))
    return flagged


# ---------------------------------------------------------------------------------------------
# HTML: the one-page summary and the printed worksheet / rubric (templates/)
# ---------------------------------------------------------------------------------------------


def summary_html(
    draft: Mapping[str, str],
    checks: Mapping[str, Sequence[Check]] | None = None,
    author: str = "",
) -> str:
    """The strategy as a one-page summary: a grid of boxes, every learner text escaped."""
    from ...publish.templating import render

    draft = clean_draft(draft)
    checks = check_draft(draft) if checks is None else checks
    return render(
        "exercises/strategy/summary.html.j2",
        content=content(),
        draft=draft,
        counts={group: counts(found) for group, found in checks.items()},
        total=counts(checks),
        author=author,
    )


def paper_html(mode: Mode = "participant") -> str:
    """The canvas for printed handouts, in the style of `smmkit.publish.paper`.

    Participants get a worksheet: one box per section with its hint, lines to write on and the
    checks as a checklist (no rubric descriptors). Trainers get the rubric with all descriptors
    and points, the pass rule and bands, assessment hints and the model strategy.
    """
    from ...publish.templating import render

    return render(
        "exercises/strategy/paper.html.j2",
        content=content(),
        levels=LEVELS,
        model=model_draft(),
        trainer=mode == "trainer",
        item_id=ITEM_ID,
    )
