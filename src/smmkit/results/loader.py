"""Load a folder of participant result files into tidy pandas tables.

``load_results(folder, bank)`` reads every result file of `folder` and never raises for bad
file contents (only a missing folder is an error): each file is read safely (regular files of
at most ``MAX_FILE_BYTES``, strict JSON decoded by msgspec), its envelope checked (format,
version 1 or 2, participant), and each answer checked against its item's type. An unusable
file is skipped, a bad answer dropped, an impossible score re-graded, two files of one person
merged; each time a German :class:`ResultWarning` from the message catalogue names the file.
docs/results.md lists every check and warning.

The answers table has one row per kept answer (``ANSWER_COLUMNS``) and marks each
participant's first and latest attempt per item and phase: item analysis uses the first
(what people knew before the feedback, like Moodle), quiz-set scores the latest.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd

from .. import exercises
from ..bank.grading import GRADERS, grade
from ..bank.models import COMPETENCIES
from ..bank.scenarios import max_score
from ..bank.validate import Bank
from ..errors import SmmkitError
from ..i18n import t
from ..store import (
    FORMAT,
    RECORD_FIELDS,
    answers_problem,
    normalize_name,
    participant_key,
    version_problem,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ATTEMPT = 100_000
MAX_SHORT_TEXT = 80  # timestamp, phase and "updated" fields
MAX_NUMBER = 1e15  # larger numbers in answers are not typed by people
# A workshop gives a participant a few hundred answers; many more in one file (the size cap
# allows tens of thousands) mean a script or a broken widget wrote it: worth a look.
MANY_ANSWERS = 10_000
MANY_ATTEMPTS = 100  # answers to one item (and phase) in one file
KEY_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
ITEM_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
EXERCISE = "exercise"  # item type of the registered exercises' answers (not bank items)
LIVE = "live"  # item type of the room's live polls, word clouds and idea rounds ("live.q3")
PHASES = ("vorher", "nachher")
RATINGS = ("best", "good", "neutral", "bad")
IGNORED_NAMES = frozenset({"participant.json"})
CORRUPT_PATTERN = re.compile(r"\.corrupt-[^/]*\.json$")
# The calendar a report can print (Python's datetime): times outside it are unreadable.
FIRST_TIME = pd.Timestamp(datetime.min.replace(tzinfo=UTC))
LAST_TIME = pd.Timestamp(datetime.max.replace(tzinfo=UTC))
SCORE_TOLERANCE = 1e-6
ANSWER_COLUMNS = (
    "participant_key", "participant", "module", "item_id", "item_type", "competency", "phase",
    "attempt", "first_attempt", "latest_attempt", "score", "max_score", "fraction",
    "timestamp", "answer", "source",
)  # fmt: skip
# A kept answer before its participant is known, as a plain tuple of these fields ("file":
# the file's number in the folder; "timestamp": the text; "answer": the JSON text).
ROW_FIELDS = (
    "file", "item_id", "module", "phase", "attempt", "score", "max_score", "timestamp", "answer",
)  # fmt: skip
_ITEM_AND_PHASE = itemgetter(ROW_FIELDS.index("item_id"), ROW_FIELDS.index("phase"))


class ResultsError(SmmkitError):
    """The results folder is missing or holds no usable file (message for the trainer)."""


@dataclass(frozen=True)
class ResultWarning:
    """Something wrong with one file; `related` names other files (e.g. a duplicate)."""

    file: str
    message: str
    related: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.file}: {self.message}"
        return (
            f"{text} {t('results.label.see_also', files=', '.join(self.related))}"
            if self.related
            else text
        )


@dataclass
class FileReport:
    """What happened to one file: skipped or not, whose it is, answers found and kept."""

    file: str  # display-safe file name
    skipped: bool = False
    key: str | None = None
    name: str | None = None
    updated: str = ""
    answers: int = 0
    kept: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class LoadedResults:
    """The tidy answers, the likert ratings, the participants and what went wrong."""

    folder: Path
    answers: pd.DataFrame
    ratings: pd.DataFrame
    participants: pd.DataFrame
    files: list[FileReport] = field(default_factory=list)
    warnings: list[ResultWarning] = field(default_factory=list)

    @property
    def skipped_files(self) -> list[FileReport]:
        return [f for f in self.files if f.skipped]

    @property
    def valid_files(self) -> list[FileReport]:
        return [f for f in self.files if not f.skipped]


class SkipFile(Exception):
    """The whole file is unusable; the message says why (German)."""


# --- reading a file --------------------------------------------------------------------------


def _is_candidate(name: str) -> bool:
    return (
        name.endswith(".json")
        and not name.startswith(".")
        and name not in IGNORED_NAMES
        and not CORRUPT_PATTERN.search(name)
    )


def scan_results(folder: Path) -> tuple[list[str], list[ResultWarning]]:
    """Candidate result files, sorted: ``*.json`` without lock, corrupt, temp and identity
    files, in `folder` and in its per-user subfolders one level down (``<user>/<key>.json``,
    the layout of a shared results folder on a JupyterHub, see docs/jupyterhub.md); hidden
    folders (the room's ``.room/``) and symbolic links to folders are not entered. A subfolder
    that cannot be read gives a warning: its files would be missing from the report."""
    files: list[str] = []
    problems: list[ResultWarning] = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if _is_candidate(name):
            files.append(path)
        elif not name.startswith(".") and os.path.isdir(path) and not os.path.islink(path):
            try:
                inner = sorted(os.listdir(path))
            except OSError as error:
                label = display_name(name) + "/"
                problems.append(
                    ResultWarning(
                        label, t("results.warning.folder_unreadable", reason=error.strerror)
                    )
                )
                continue
            files += [os.path.join(path, n) for n in inner if _is_candidate(n)]
    return files, problems


def result_files(folder: Path) -> list[str]:
    """The candidate result files of :func:`scan_results`."""
    return scan_results(folder)[0]


def display_name(name: str) -> str:
    """A file name safe to print and to encode as UTF-8 (undecodable bytes, controls escaped)."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def read_capped(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (SkipFile otherwise).

    The file is opened without following a symlink and without waiting for a FIFO's writer;
    type and size are checked on the open descriptor, so the file cannot be swapped between
    the check and the read.
    """
    too_large = t("results.warning.too_large", megabytes=limit // (1024 * 1024))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if os.path.islink(path):
            raise SkipFile(t("results.warning.symlink")) from None
        raise SkipFile(t("results.warning.unreadable", reason=error.strerror)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SkipFile(t("results.warning.not_regular"))
        if info.st_size > limit:
            raise SkipFile(too_large)
        with open(fd, "rb", closefd=False) as file:
            # A buffer of the file's size and one byte more, which tells whether it grew
            # meanwhile (a buffer of `limit` bytes for every file would cost page faults).
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(limit + 1 - len(data))
    except OSError as error:
        raise SkipFile(t("results.warning.unreadable", reason=error.strerror)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise SkipFile(too_large)
    return data


# float_hook: a number too large for a float (1e999) becomes infinity, which the score rules
# treat as invalid, instead of making the whole file unreadable.
_DECODER = msgspec.json.Decoder(float_hook=float)


def decode_json(raw: bytes) -> Any:
    """The JSON document of a file: UTF-8 (a byte order mark is allowed), strict JSON."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SkipFile(t("results.warning.not_utf8")) from None
    try:
        return _DECODER.decode(text)
    except RecursionError:  # nested too deeply
        raise SkipFile(t("results.warning.bad_json")) from None
    except msgspec.DecodeError:
        pass
    # Python's json says in which line the error is; and it reads the one thing JSON allows
    # and msgspec refuses, escaped lone UTF-16 surrogates ("\ud800"): written out again, each
    # becomes "?" (the encoder's replacement), so that every text encodes as UTF-8.
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SkipFile(t("results.warning.bad_json_line", line=error.lineno)) from None
    except (ValueError, RecursionError):  # NaN, Infinity; nested too deeply
        raise SkipFile(t("results.warning.bad_json")) from None
    return json.loads(json.dumps(document, ensure_ascii=False).encode("utf-8", "replace"))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def check_envelope(document: Any, report: FileReport) -> list:
    """Check format, version and participant (filling in `report`); the file's answers:
    version 1's list of answer objects, or version 2's columns zipped into a tuple per answer
    (like :func:`smmkit.store.record_form`, without a dict per answer)."""
    if type(document) is not dict or document.get("format") != FORMAT:
        raise SkipFile(t("results.warning.not_results"))
    version = document.get("version")
    problem = version_problem(version)  # the store words why a version cannot be read
    if problem is not None:
        raise SkipFile(t("results.warning.skipped", reason=problem))
    answers = document.get("answers")
    if version == 2:
        columns = [answers.get(f) for f in RECORD_FIELDS] if type(answers) is dict else [None]
        valid = all(type(c) is list for c in columns) and len(set(map(len, columns))) == 1
        answers = list(zip(*columns, strict=True)) if valid else None
    if type(answers) is not list:
        raise SkipFile(t("results.warning.skipped", reason=answers_problem(version)))
    person = document.get("participant")
    if type(person) is not dict:
        raise SkipFile(t("results.warning.no_participant"))
    report.key, report.name = _identity(person.get("key"), person.get("name"), report.problems)
    updated = document.get("updated")
    report.updated = updated if type(updated) is str and len(updated) <= MAX_SHORT_TEXT else ""
    return answers


def _identity(raw_key: Any, raw_name: Any, problems: list[str]) -> tuple[str, str]:
    """A valid key and name; one may stand in for the other (with a warning)."""
    name = None
    if type(raw_name) is str:
        with contextlib.suppress(ValueError):  # e.g. control characters: the key stands in
            name = normalize_name(raw_name)
    key = raw_key if type(raw_key) is str and KEY_PATTERN.fullmatch(raw_key) else None
    if key is None and name is None:
        raise SkipFile(t("results.warning.bad_participant"))
    if key is None:
        key = participant_key(name)
        problems.append(t("results.warning.key_derived"))
    if name is None:
        name = key
        problems.append(t("results.warning.name_is_key"))
    return key, name


# --- checking answers ------------------------------------------------------------------------
# Throughout, ``type(value) is int`` excludes booleans: True is no option number or rating.


def _finite(value: Any) -> bool:
    """A JSON number a person could have typed (booleans are not numbers here)."""
    if type(value) is float:
        return math.isfinite(value)
    return type(value) is int and -MAX_NUMBER <= value <= MAX_NUMBER


def _number(value: Any) -> float:
    """A score field: NaN for null, the number if finite, infinity for anything invalid."""
    if value is None:
        return math.nan
    return float(value) if _finite(value) else math.inf


def _in_range(score: float, top: float) -> bool:
    """A score between 0 and a positive, finite maximum (False for NaN and infinity)."""
    return math.isfinite(top) and top > 0 and -SCORE_TOLERANCE <= score <= top + SCORE_TOLERANCE


def fits_item(item: Any, answer: Any) -> bool:
    """Whether `answer` has the shape the widget of `item`'s type records."""
    kind = item.type
    if kind == "single_choice":
        return answer is None or (type(answer) is int and 0 <= answer < len(item.options))
    if kind == "true_false":
        return answer is None or type(answer) is bool
    if kind in ("multiple_choice", "ordering"):
        size = len(item.options) if kind == "multiple_choice" else len(item.steps)
        return (type(answer) is list and len(answer) <= 4 * size
                and all(type(v) is int and 0 <= v < size for v in answer))  # fmt: skip
    if kind in ("matching", "fill_blanks"):
        size = len(item.pairs) if kind == "matching" else len(item.blanks)
        return (type(answer) is list and len(answer) <= size
                and all(v is None or type(v) is str for v in answer))  # fmt: skip
    if kind == "free_text":
        return answer is None or type(answer) is str
    if kind == "numeric":
        return answer is None or type(answer) is str or _finite(answer)
    if kind == "likert":  # statement → rating 1..5, or null for "not rated"
        return type(answer) is dict and all(
            v is None or (type(v) is int and 1 <= v <= 5) for v in answer.values()
        )
    if type(answer) is not dict:  # a scenario: what ScenarioRun.to_record() writes
        return False
    path, choices, ending = answer.get("path"), answer.get("choices"), answer.get("ending")
    rating, scores = answer.get("rating"), answer.get("competency_scores", {})
    return (
        type(path) is list
        and all(type(node) is str for node in path)
        and type(choices) is list
        and all(
            type(c) is list and len(c) == 2 and type(c[0]) is str and type(c[1]) is int
            for c in choices
        )  # fmt: skip
        and (ending is None or type(ending) is str)
        and (rating is None or rating in RATINGS)
        and type(scores) is dict
        and all(_finite(v) for v in scores.values())
    )


# The answer's JSON text, as json.dumps(answer, ensure_ascii=False) writes it (ValueError for
# an infinite number); made once (json.dumps with options would make an encoder per call).
_ANSWER_TEXT = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


class AnswerChecker:
    """Checks answers against the bank and keeps the good ones as rows (see ``ROW_FIELDS``)."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.module_of = {i: m.name for m in bank.modules.values() for i in m.item_ids}
        self.texts: dict[tuple[str, str], str | None] = {}  # see _text
        self.rows: list[tuple] = []
        self.unknown: set[str] = set()  # ids of unknown items in the current file

    def check(self, entry: Any, file: int) -> str | None:
        """Keep one answer of file number `file` as a row; or say why not.

        Returns None (kept), "regraded" (kept with a score re-graded from the answer), or the
        reason it was dropped: "not_object", "fields", "unknown", "shape" or "score".
        """
        if type(entry) is tuple:  # version 2: the fields in RECORD_FIELDS order
            fields = entry
        elif type(entry) is not dict:
            return "not_object"
        elif "answer" not in entry:  # (null is an answer: nothing chosen)
            return "fields"
        else:
            fields = map(entry.get, RECORD_FIELDS)
        item_id, answer, score, top, attempt, timestamp, module, phase = fields
        if not (
            type(item_id) is str
            and type(attempt) is int
            and 1 <= attempt <= MAX_ATTEMPT
            and type(timestamp) is str
            and len(timestamp) <= MAX_SHORT_TEXT
            and (phase is None or (type(phase) is str and len(phase) <= MAX_SHORT_TEXT))
            and (module is None or type(module) is str)
        ):
            return "fields"
        item = self.bank.items.get(item_id)
        if item is not None:
            kind, module = item.type, self.module_of.get(item_id)
        elif not ITEM_ID_PATTERN.fullmatch(item_id):
            return "unknown"
        elif (exercise := exercises.for_item(item_id)) is not None:
            kind = EXERCISE
            module = exercise.module if exercise.module in self.bank.modules else None
        elif item_id.startswith(LIVE + "."):
            kind, module = LIVE, None
        else:
            self.unknown.add(item_id)  # a well-formed id may be named in the warning
            return "unknown"
        text = self._text(item, item_id, answer)
        if text is None:
            return "shape"
        outcome, score, top = self._scores(item, kind, answer, _number(score), _number(top))
        if outcome != "score":
            self.rows.append((file, item_id, module, phase, attempt, score, top, timestamp, text))
        return outcome

    def _text(self, item: Any, item_id: str, answer: Any) -> str | None:
        """The answer as JSON text, or None if it does not fit the item (exercises take any
        JSON value but an infinite number).

        Answers recur across a group (many choose the same option): each distinct answer to
        an item is checked and written once. repr() is an exact key for decoded JSON values
        (it tells 1, 1.0, True and "1" apart).
        """
        try:
            key = (item_id, repr(answer))
            if key not in self.texts:
                fits = item is None or fits_item(item, answer)
                self.texts[key] = _ANSWER_TEXT(answer) if fits else None
        except (ValueError, RecursionError):  # infinity; nested too deeply
            return None
        return self.texts[key]

    def _scores(
        self, item: Any, kind: str, answer: Any, score: float, top: float
    ) -> tuple[str | None, float, float]:
        """(outcome, score, max score) by the rules of the item's type (outcome "score":
        drop the answer, "regraded": the score was worked out again).

        Graded types with a missing or impossible score are re-graded from the answer;
        self-assessments are never scored; scenario scores may be negative (choices can cost
        points), so only finiteness is checked; exercises must score within 0..max or be null.
        """
        if kind == "likert":
            return None, math.nan, math.nan
        if kind in GRADERS:
            if _in_range(score, top):
                return None, score, top
            result = grade(item, answer)
            return "regraded", result.points, result.max_points
        if kind == "scenario":
            if not math.isfinite(score):
                return "score", score, top
            if not (math.isfinite(top) and top > 0):
                top = max_score(item)  # the best reachable score (rare: a damaged file)
            return None, score, top
        return (None if math.isnan(score) or _in_range(score, top) else "score"), score, top


DROP_REASONS = ("not_object", "fields", "unknown", "shape")  # see AnswerChecker.check


def read_file(
    path: str, file: int, checker: AnswerChecker, folder: str | Path | None = None
) -> FileReport:
    """Read and check one file (never raises for its contents); its answers join `checker`.
    The file is named by its path relative to `folder` (by its name without one)."""
    name = os.path.relpath(path, folder) if folder is not None else os.path.basename(path)
    report = FileReport(file=display_name(name))
    try:
        answers = check_envelope(decode_json(read_capped(path)), report)
    except SkipFile as problem:
        report.skipped = True
        report.problems.append(str(problem))
        return report
    report.answers, first_row = len(answers), len(checker.rows)
    checker.unknown.clear()
    outcomes = Counter(checker.check(entry, file) for entry in answers)
    report.kept = len(checker.rows) - first_row
    report.problems += _answer_problems(report, outcomes, sorted(checker.unknown))
    # An implausible flood is kept, but named: a script or a broken widget may have written it.
    if report.answers > MANY_ANSWERS:
        report.problems.append(t("results.warning.many_answers", count=report.answers))
    per_item = Counter(map(_ITEM_AND_PHASE, checker.rows[first_row:]))
    flooded = sorted({item for (item, _), count in per_item.items() if count > MANY_ATTEMPTS})
    if flooded:
        items = ", ".join(flooded[:3]) + (" …" if len(flooded) > 3 else "")
        report.problems.append(t("results.warning.many_attempts", count=MANY_ATTEMPTS, items=items))
    return report


def _answer_problems(report: FileReport, outcomes: Counter, unknown: list[str]) -> list[str]:
    """One warning for the dropped answers (count per reason), one per score rule applied."""
    problems, parts = [], []
    for reason in DROP_REASONS:
        if outcomes[reason]:
            detail = str(outcomes[reason])
            if reason == "unknown" and unknown:  # well-formed ids only: no personal data
                detail += ": " + ", ".join(unknown[:3]) + (" …" if len(unknown) > 3 else "")
            parts.append(f"{t(f'results.warning.reason.{reason}')} ({detail})")
    if parts:
        dropped = sum(outcomes[reason] for reason in DROP_REASONS)
        problems.append(t("results.warning.answers_dropped", dropped=dropped,
                          total=report.answers, reasons="; ".join(sorted(parts))))  # fmt: skip
    if outcomes["regraded"]:
        problems.append(t("results.warning.regraded", count=outcomes["regraded"]))
    if outcomes["score"]:
        problems.append(t("results.warning.score_dropped", count=outcomes["score"]))
    return problems


# --- participants ----------------------------------------------------------------------------


@dataclass
class Person:
    """One participant: the key and name of their newest file, and all their files."""

    key: str
    name: str
    files: list[str]


def _updated(report: FileReport) -> float:
    """The file's "updated" time as a sortable number (unreadable: oldest)."""
    try:
        stamp = datetime.fromisoformat(report.updated)
    except ValueError:
        return -math.inf
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def group_participants(
    reports: list[FileReport], warnings: list[ResultWarning]
) -> tuple[list[Person], list[int]]:
    """Files of one person (the same key, or the same name ignoring case, also through a
    third file) become one participant, with the key and name of the newest file.

    Returns the people (in the order of their first file) and each file's person (-1:
    skipped); a warning per merged file names the others.
    """
    parent = list(range(len(reports)))  # union-find over file numbers

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]  # halve the path: later look-ups are short
            index = parent[index]
        return index

    first_with: dict[tuple[str, str], int] = {}
    used = [index for index, report in enumerate(reports) if not report.skipped]
    for index in used:
        for label in (("key", reports[index].key), ("name", reports[index].name.casefold())):
            if label in first_with:
                parent[root(index)] = root(first_with[label])
            else:
                first_with[label] = index
    groups: dict[int, list[int]] = {}
    for index in used:
        groups.setdefault(root(index), []).append(index)
    people, person_of_file = [], [-1] * len(reports)
    for members in groups.values():
        newest = reports[max(members, key=lambda i: (_updated(reports[i]), reports[i].file))]
        for i in members:
            person_of_file[i] = len(people)
            if len(members) > 1:
                others = tuple(reports[j].file for j in members if j != i)
                warnings.append(
                    ResultWarning(reports[i].file, t("results.warning.same_person"), others)
                )
        people.append(Person(newest.key, newest.name, [reports[i].file for i in members]))
    return people, person_of_file


# --- the tables ------------------------------------------------------------------------------


def parse_timestamps(texts: pd.Series) -> pd.Series:
    """UTC times of ISO 8601 texts; NaT for other texts and for times outside the calendar
    a report can print (years 1 to 9999 in UTC: ``9999-12-31T23:59:59-14:00`` is past it)."""
    stamps = pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce")
    stamps = stamps.astype("datetime64[us, UTC]")
    return stamps.where(stamps.between(FIRST_TIME, LAST_TIME))


def _categorical(values: list, known: list) -> pd.Categorical:
    """Categories: `known` first, then other values in order of first use."""
    used = pd.unique(np.array(values, dtype=object))
    categories = list(dict.fromkeys([*known, *(v for v in used if v is not None)]))
    return pd.Categorical(values, categories=categories)


def _extra_type(item_id: str) -> str:
    """The type of an answer that is not a bank item's: a live question's or an exercise's."""
    return LIVE if item_id.startswith(LIVE + ".") else EXERCISE


def answers_frame(
    kept: list[tuple], reports: list[FileReport], people: list[Person], person_of_file: list[int],
    bank: Bank,
) -> pd.DataFrame:  # fmt: skip
    """The kept answers as one table (first/latest attempts are flagged later)."""
    rows = {name: list(map(itemgetter(i), kept)) for i, name in enumerate(ROW_FIELDS)}
    file = np.array(rows["file"], dtype=np.int64)
    person = np.array(person_of_file, dtype=np.int64)[file] if len(file) else file
    score = np.array(rows["score"], dtype=np.float64)
    top = np.array(rows["max_score"], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(top > 0, np.clip(score / top, 0.0, 1.0), np.nan)
    # Type and competency belong to the item: worked out per item, then spread to its rows.
    items = _categorical(rows["item_id"], list(bank.items))
    known = {item_id: bank.items.get(item_id) for item_id in items.categories}
    item_types = sorted({item.type for item in bank.items.values()} | {EXERCISE, LIVE})
    types = [item.type if item else _extra_type(i) for i, item in known.items()]
    # An exercise's competency is the area its id starts with ("team.raci-01": team).
    areas = [item.competency if item else i.split(".", 1)[0] for i, item in known.items()]
    areas = [area if area in COMPETENCIES else None for area in areas]
    sources: dict[str, int] = {}  # two files may look alike once made safe to display
    source = np.array([sources.setdefault(r.file, len(sources)) for r in reports], dtype=np.int64)
    return pd.DataFrame(
        {
            "participant_key": pd.Categorical.from_codes(person, [p.key for p in people]),
            "participant": pd.Categorical.from_codes(person, [p.name for p in people]),
            "module": pd.Categorical(rows["module"], categories=list(bank.modules)),
            "item_id": items,
            "item_type": pd.Categorical(types, categories=item_types)[items.codes],
            "competency": pd.Categorical(areas, categories=list(COMPETENCIES))[items.codes],
            "phase": _categorical(rows["phase"], list(PHASES)),
            "attempt": np.array(rows["attempt"], dtype=np.int64),
            "first_attempt": False,
            "latest_attempt": False,
            "score": score,
            "max_score": top,
            "fraction": fraction,
            "timestamp": parse_timestamps(pd.Series(rows["timestamp"], dtype=object)),
            "answer": pd.Series(rows["answer"], dtype=str),
            "source": pd.Categorical.from_codes(source[file], list(sources)),
        },
        columns=list(ANSWER_COLUMNS),
    )


def merge_duplicates(answers: pd.DataFrame, people: list[Person]) -> pd.DataFrame:
    """Answers of merged participants: an answer present in two files counts once, and the
    attempts are numbered again in order of time."""
    mask = answers["participant_key"].isin([p.key for p in people if len(p.files) > 1])
    if not mask.any():
        return answers
    part = answers[mask].drop_duplicates(
        subset=["participant_key", "item_id", "phase", "timestamp", "answer", "score"]
    )
    part = part.sort_values(["timestamp", "attempt"], kind="stable", na_position="last")
    keys = ["participant_key", "item_id", "phase"]
    part["attempt"] = part.groupby(keys, observed=True, dropna=False).cumcount() + 1
    return pd.concat([answers[~mask], part]).sort_index(kind="stable").reset_index(drop=True)


def flag_attempts(answers: pd.DataFrame) -> pd.DataFrame:
    """Mark each participant's first and latest attempt per item and phase (of two with
    the same number, the earlier row counts as first and the later one as latest)."""
    by_attempt = answers.sort_values("attempt", kind="stable")
    keys = ["participant_key", "item_id", "phase"]
    answers["first_attempt"] = ~by_attempt.duplicated(keys, keep="first")
    answers["latest_attempt"] = ~by_attempt.duplicated(keys, keep="last")
    return answers


def ratings_frame(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Self-assessment ratings, one row per rated statement that is still in the bank."""
    rows, competencies, ratings = [], [], []
    likert = answers[answers["item_type"] == "likert"]
    for row, item_id, text in zip(likert.index, likert["item_id"], likert["answer"], strict=True):
        known = {s.id: s.competency for s in bank.items[item_id].statements}
        for statement, rating in json.loads(text).items():
            if rating is not None and statement in known:
                rows.append(row)
                competencies.append(known[statement])
                ratings.append(rating)
    base = answers.loc[rows, ["participant_key", "item_id", "phase", "latest_attempt"]]
    return base.reset_index(drop=True).assign(
        competency=pd.Categorical(competencies, categories=list(COMPETENCIES)),
        rating=np.array(ratings, dtype=np.int64),
    )


def load_results(folder: str | Path, bank: Bank) -> LoadedResults:
    """Read every result file in `folder` and check it against `bank` (see the module
    docstring); only a missing folder raises :class:`ResultsError`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(t("results.error.no_folder", folder=display_name(str(folder))))
    checker = AnswerChecker(bank)
    paths, unreadable_folders = scan_results(folder)
    reports = [read_file(path, i, checker, folder) for i, path in enumerate(paths)]
    warnings = [ResultWarning(r.file, problem) for r in reports for problem in r.problems]
    warnings += unreadable_folders
    people, person_of_file = group_participants(reports, warnings)
    answers = answers_frame(checker.rows, reports, people, person_of_file, bank)
    unreadable = answers.loc[answers["timestamp"].isna(), "source"].value_counts()
    warnings += [ResultWarning(str(file), t("results.warning.timestamps", count=count))
                 for file, count in unreadable.items() if count]  # fmt: skip
    answers = flag_attempts(merge_duplicates(answers, people))
    warnings.sort(key=lambda w: (w.file, w.message))
    counts = answers["participant_key"].value_counts().reindex([p.key for p in people])
    participants = pd.DataFrame(
        {"participant_key": [p.key for p in people], "participant": [p.name for p in people],
         "files": [", ".join(p.files) for p in people],
         "answers": counts.fillna(0).to_numpy(dtype=np.int64)}
    )  # fmt: skip
    return LoadedResults(folder, answers, ratings_frame(answers, bank), participants, reports,
                         warnings)  # fmt: skip
