"""Read participant result files safely and turn their answers into columns.

Runs in helper processes too (see :mod:`~smmkit.results.parallel`), so it imports no pandas
(numpy only) and gets the bank as a :class:`~smmkit.results.catalog.Catalog`. Nothing in a file is ever executed: a file is read
only if it is a regular file (no symlink, FIFO or device) of at most ``MAX_FILE_BYTES``
(checked on the open descriptor before reading), parsed as strict JSON (``NaN``/``Infinity``
rejected, nesting bounded by the parser) and validated answer by answer. A file with some bad
answers keeps its good ones; every problem becomes a German message for the trainer that
never quotes personal data (only item ids that match the id pattern).

Two readers give the same result: files exactly as smmkit writes them (version 2: a list
per field; version 1: one object per answer) are decoded by msgspec into typed columns or
records (field types and ranges checked in C, likert ratings decoded and checked by msgspec
too, every other answer kept as raw JSON and checked once per distinct text and item); any
file that does not fit that schema exactly is read again with the standard library's
``json``, turned into records (:func:`smmkit.store.record_form`) and checked answer by
answer, which is what names the problems.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import operator
import os
import re
import stat
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Annotated, Any, Literal

import msgspec
import numpy as np

from ..store import (
    BAD_ANSWER_COLUMNS,
    FORMAT,
    NO_ANSWER_LIST,
    RECORD_FIELDS,
    normalize_name,
    participant_key,
    record_form,
    version_problem,
)
from .catalog import ITEM_ID_PATTERN, MAX_ITEM_ID_LENGTH, PHASES, RATINGS, Catalog, ItemSpec

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ATTEMPT = 100_000
MAX_SHORT_TEXT = 80  # phase, module and timestamp fields
MAX_NUMBER = 1e15  # larger numbers in answers are not typed by people; they would overflow
KEY_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_NAN = float("nan")
# 32-bit codes and counts while parsing: every value is bounded (attempts by MAX_ATTEMPT, codes
# by the number of files and distinct texts); finished chunks use the narrowest type that fits.
_CODE = np.int32
_PHASE_CODES = {phase: code for code, phase in enumerate(PHASES, start=1)}  # 0 = no phase

# Drop reasons (German, counted per file).
R_NOT_OBJECT = "kein Antworteintrag (kein JSON-Objekt)"
R_FIELDS = "Pflichtfeld fehlt oder hat den falschen Typ"
R_UNKNOWN = "unbekannte Aufgabe"
R_SHAPE = "Antwort passt nicht zum Aufgabentyp"
R_SCORE = "Punktzahl ungültig (nicht endlich oder außerhalb des Bereichs)"


class SkipFile(Exception):
    """The whole file is unusable; the message says why (German)."""


@dataclass
class FileReport:
    """What happened to one file."""

    file: str  # display-safe file name
    skipped: bool = False
    key: str | None = None
    name: str | None = None
    updated: str = ""
    answers: int = 0
    kept: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """Answers of several files as numpy columns (they pickle cheaply between processes).

    Codes: `item` >= 0 indexes the catalog, -1 - k indexes `extra_items` (exercises);
    `phase` 0 = none, 1/2 = vorher/nachher, 3 + k = `extra_phases[k]`; `module` -1 = none,
    else `modules[k]`; `answer` indexes `answer_texts` (each distinct text once: answers
    repeat a lot). Scores: NaN = null, +inf = not a finite number (the loader applies the
    range rules per item type). Timestamps are seconds since 1970 (UTC) where the text has
    smmkit's own layout; the rows in `odd_timestamp_rows` have another one, and the loader
    parses their `odd_timestamp_texts`. Rating rows index the chunk's answers. The file of
    each row and the recorded modules travel as runs and sparse pairs (a quarter less to
    pickle): :meth:`file_column` and :meth:`module_column` expand them.
    """

    files: list[FileReport]
    positions: np.ndarray  # of each file in the folder's sorted file list
    file_runs: np.ndarray  # (file index, rows) per file with rows, in row order
    item: np.ndarray
    phase: np.ndarray
    module_rows: np.ndarray  # rows with a recorded module (exercises only) …
    module_codes: np.ndarray  # … and its code
    attempt: np.ndarray
    score: np.ndarray
    max_score: np.ndarray
    answer: np.ndarray
    timestamp_seconds: np.ndarray
    rating_row: np.ndarray
    rating_competency: np.ndarray
    rating_value: np.ndarray
    odd_timestamp_rows: np.ndarray
    odd_timestamp_texts: list[str]
    answer_texts: list[str]
    extra_items: list[str]
    extra_phases: list[str]
    modules: list[str]

    def __len__(self) -> int:
        return len(self.item)

    def file_column(self) -> np.ndarray:
        """The file index of every row."""
        return np.repeat(self.file_runs[:, 0], self.file_runs[:, 1])

    def module_column(self) -> np.ndarray:
        """The recorded module code of every row (-1: none)."""
        module = np.full(len(self), -1, dtype=_CODE)
        module[self.module_rows] = self.module_codes
        return module

    # Chunks travel from parser processes as pickles: one joined string per text list is
    # about 4× cheaper to pickle than hundreds of thousands of small strings.
    _JOINED = ("odd_timestamp_texts", "answer_texts")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in self._JOINED:
            state[name] = _join_lines(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in self._JOINED:
            state[name] = _split_lines(state[name])
        self.__dict__.update(state)


def _join_lines(texts: list[str]) -> str | list[str]:
    """The texts joined by newlines, or the list itself if a text holds a newline."""
    joined = "\n".join(texts)
    return joined if texts and joined.count("\n") == len(texts) - 1 else texts


def _split_lines(packed: str | list[str]) -> list[str]:
    return packed.split("\n") if isinstance(packed, str) else packed


# --- timestamps ------------------------------------------------------------------------------

# How smmkit writes a timestamp: "2026-03-02T09:02:19+00:00" (25 ASCII characters).
_STAMP_LENGTH = 25
_STAMP_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24]
_STAMP_MARKS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 22: ":", 25: "\n"}


def epoch_seconds_by_row(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since 1970 (UTC) of each timestamp in smmkit's layout, in one vectorised
    pass; and the indexes of the texts in any other layout or with an impossible date,
    time or offset (their seconds are 0: the loader parses those texts one by one)."""
    count = len(texts)
    seconds = np.zeros(count, dtype=np.int64)
    valid = np.zeros(count, dtype=bool)
    rows, data = _stamp_rows(texts)
    if len(rows):
        # One contiguous array per character position: 2× faster to check than columns
        # of the row-major matrix.
        at = np.frombuffer(data, dtype=np.uint8).reshape(len(rows), _STAMP_LENGTH + 1).T.copy()
        ok = np.ones(len(rows), dtype=bool)
        for position, mark in _STAMP_MARKS.items():
            ok &= at[position] == ord(mark)
        ok &= (at[19] == ord("+")) | (at[19] == ord("-"))
        digit = at - np.uint8(ord("0"))  # wraps below "0"
        for position in _STAMP_DIGITS:
            ok &= digit[position] <= 9

        def number(first: int, *others: int) -> np.ndarray:
            value = digit[first].astype(np.int64)
            for position in others:
                value = value * 10 + digit[position]
            return value

        year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
        hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
        offset_hours, offset_minutes = number(20, 21), number(23, 24)
        ok &= (hour < 24) & (minute < 60) & (second < 60)
        ok &= (offset_hours < 24) & (offset_minutes < 60)
        ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= _days_in_month(year, month))
        offset = np.where(at[19] == ord("-"), -1, 1) * (offset_hours * 3600 + offset_minutes * 60)
        local = _days_since_1970(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
        seconds[rows[ok]] = (local - offset)[ok]
        valid[rows[ok]] = True
    return seconds, np.flatnonzero(~valid)


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))


def _days_since_1970(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 in the proleptic Gregorian calendar (as numpy and pandas count;
    H. Hinnant's days_from_civil, for years 0..9999)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _stamp_rows(texts: Sequence[str]) -> tuple[np.ndarray, bytes]:
    """The indexes of the texts with 25 characters, and those texts as bytes, each followed
    by a newline ("?" for any non-ASCII character, so that every row has 26 bytes)."""
    count = len(texts)
    width = _STAMP_LENGTH + 1
    joined = "\n".join(texts) + "\n" if count else ""
    if len(joined) == width * count:  # usually every text has 25 characters …
        data = joined.encode("ascii", "replace")
        newlines = np.frombuffer(data, dtype=np.uint8) == ord("\n")
        # … which holds if the only newlines are the separators, at the end of every row.
        if newlines[_STAMP_LENGTH::width].all() and np.count_nonzero(newlines) == count:
            return np.arange(count), data
    fits = np.fromiter(map(len, texts), dtype=np.int64, count=count) == _STAMP_LENGTH
    rows = np.flatnonzero(fits)
    data = ("\n".join(compress(texts, fits)) + "\n").encode("ascii", "replace")
    return rows, data if len(rows) else b""


# --- safe display of file names --------------------------------------------------------------


def display_name(name: str) -> str:
    """A file name safe to print and to encode as UTF-8 (undecodable bytes, controls escaped)."""
    if name.isascii() and name.isprintable():  # the usual case, and a fast one
        return name
    raw = os.fsencode(name)
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


# --- reading ---------------------------------------------------------------------------------


def read_capped(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (SkipFile otherwise)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if os.path.islink(path):
            raise SkipFile("symbolischer Link – aus Sicherheitsgründen übersprungen") from exc
        raise SkipFile(f"nicht lesbar ({exc.strerror or 'Fehler'}) – übersprungen") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SkipFile("keine normale Datei – übersprungen")
        if info.st_size > limit:
            raise SkipFile(f"größer als {limit // (1024 * 1024)} MB – übersprungen")
    except BaseException:
        os.close(fd)
        raise
    try:
        data = _read_all(fd, limit + 1, info.st_size)
    except OSError as exc:
        raise SkipFile(f"nicht lesbar ({exc.strerror or 'Fehler'}) – übersprungen") from exc
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew after the size check
        raise SkipFile(f"größer als {limit // (1024 * 1024)} MB – übersprungen")
    return data


_READ_BLOCK = 64 * 1024


def _read_all(fd: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes of a file that fstat said holds `expected` bytes.

    The first read asks for exactly that plus one byte: ``os.read`` allocates the whole
    buffer it is asked for, and a buffer of `limit` bytes per file costs page faults that
    took three quarters of the read time. Smaller reads follow if the file is longer or
    the first read returned less than fstat reported.
    """
    data = os.read(fd, min(limit, expected + 1))
    # Exactly the size fstat reported, though one byte more was asked for: the end of the
    # file (no second read to see it).
    if not data or len(data) >= limit or len(data) == expected:
        return data
    parts = [data]
    size = len(data)
    while size < limit and (more := os.read(fd, min(limit - size, _READ_BLOCK))):
        parts.append(more)
        size += len(more)
    return b"".join(parts)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _scrub(value: Any) -> Any:
    """Replace lone surrogates (from ``\\udXXX`` escapes) so every string encodes as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def parse_json(raw: bytes) -> Any:
    """Strict JSON from bytes (SkipFile with a German reason otherwise)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile("keine UTF-8-Textdatei – übersprungen") from exc
    try:
        document = json.loads(text, parse_constant=_reject_constant)
        if "\\u" in text and _SURROGATE_ESCAPE.search(text):
            document = _scrub(document)
    except json.JSONDecodeError as exc:
        raise SkipFile(f"kein gültiges JSON (Zeile {exc.lineno}) – übersprungen") from exc
    except (ValueError, RecursionError) as exc:
        raise SkipFile("kein gültiges JSON – übersprungen") from exc
    return document


# --- the document ----------------------------------------------------------------------------


def check_document(document: Any, report: FileReport) -> list:
    """Validate the envelope, fill in key/name/updated; returns the answer list."""
    if type(document) is not dict or document.get("format") != FORMAT:
        raise SkipFile("kein smmkit-Ergebnisformat – übersprungen")
    version = document.get("version")
    problem = version_problem(version)
    if problem is not None:
        raise SkipFile(f"{problem} – übersprungen")
    answers = record_form(document.get("answers"), version)
    if answers is None:
        problem = NO_ANSWER_LIST if version == 1 else BAD_ANSWER_COLUMNS
        raise SkipFile(f"{problem} – übersprungen")
    person = document.get("participant")
    if type(person) is not dict:
        raise SkipFile("Teilnehmerangaben fehlen – übersprungen")
    report.key, report.name = _identity(person.get("key"), person.get("name"), report.problems)
    updated = document.get("updated")
    report.updated = updated if type(updated) is str and len(updated) <= MAX_SHORT_TEXT else ""
    return answers


def _identity(raw_key: Any, raw_name: Any, problems: list[str]) -> tuple[str, str]:
    name = None
    if type(raw_name) is str:
        with contextlib.suppress(ValueError):  # invalid names fall back to the key below
            name = normalize_name(raw_name)
    key = raw_key if type(raw_key) is str and KEY_PATTERN.match(raw_key) else None
    if key is None and name is None:
        raise SkipFile("Teilnehmerangaben fehlen oder sind ungültig – übersprungen")
    if key is None:
        key = participant_key(name)
        problems.append("Teilnehmerschlüssel fehlt oder ist ungültig – aus dem Namen abgeleitet")
    if name is None:
        name = key
        problems.append("Name fehlt oder ist ungültig – der Teilnehmerschlüssel wird angezeigt")
    return key, name


# --- answers ---------------------------------------------------------------------------------


def _finite(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    return kind is int and -MAX_NUMBER <= value <= MAX_NUMBER


class _Encoder:
    """JSON text of answers, byte-equal to ``json.dumps(answer, ensure_ascii=False)``.

    Most answers are small ints, bools and short lists that repeat thousands of times, so
    their text is memoised per item kind; others go through one reused C encoder (about 4×
    faster than calling ``json.dumps`` per answer).
    """

    def __init__(self) -> None:
        self.memo: dict[tuple, str] = {}
        self._c = self._make_c_encoder()
        self._likert_templates: dict[tuple, str] = {}

    @staticmethod
    def _make_c_encoder() -> Any:
        from json import encoder

        make = getattr(encoder, "c_make_encoder", None)
        if make is None:  # pragma: no cover - CPython always has it
            return None
        fallback = json.JSONEncoder(ensure_ascii=False)
        c_encode = make(
            None, fallback.default, encoder.encode_basestring, None, ": ", ", ", False, False, False
        )
        probe = {"a": [1, 2.5, None, True, "ä\n"], "b": {}}
        try:
            same = "".join(c_encode(probe, 0)) == json.dumps(probe, ensure_ascii=False)
        except Exception:  # noqa: BLE001 - any surprise means: use the slow, sure way
            same = False
        return c_encode if same else None

    def encode(self, value: Any) -> str | None:
        """JSON text, or None for values JSON cannot hold (``1e999`` parses to infinity)."""
        try:
            if self._c is not None:
                return "".join(self._c(value, 0))
            return json.dumps(value, ensure_ascii=False, allow_nan=False)  # pragma: no cover
        except (ValueError, RecursionError):
            return None

    def likert(self, ratings: dict[str, int | None]) -> str:
        """The text of checked likert ratings (statement → 1..5 or None), about twice as fast
        as the JSON encoder: an item's answers share their statements, so each set of
        statements becomes one %-template (statements encoded by ``json.dumps``)."""
        statements = tuple(ratings)
        template = self._likert_templates.get(statements)
        if template is None:
            if len(self._likert_templates) > 10_000:  # odd statements could grow it forever
                self._likert_templates.clear()
            pairs = (json.dumps(s, ensure_ascii=False).replace("%", "%%") for s in statements)
            template = "{" + ", ".join(f"{pair}: %s" for pair in pairs) + "}"
            self._likert_templates[statements] = template
        return template % tuple(map(_RATING_TEXT.__getitem__, ratings.values()))

    def scalar_list(self, kind: str, values: list) -> str | None:
        key = (kind, *values)
        text = self.memo.get(key)
        if text is None:
            if len(self.memo) > 100_000:  # free texts in gaps could grow it without bound
                self.memo.clear()
            text = self.encode(values)
            if text is not None:
                self.memo[key] = text
        return text


_SMALL_INTS = tuple(str(i) for i in range(64))
_RATING_TEXT = {None: "null", **{rating: str(rating) for rating in range(1, 6)}}
_BOOL_TEXT = ("false", "true")


def _checker(spec: ItemSpec, encoder: _Encoder) -> Callable[[Any], str | None]:
    """A function answer → JSON text (None if the shape does not fit), sizes baked in."""
    kind, size = spec.kind, spec.size
    encode, scalar_list = encoder.encode, encoder.scalar_list
    if kind == "single_choice":

        def check(answer: Any) -> str | None:
            if type(answer) is int and 0 <= answer < size:
                return _SMALL_INTS[answer] if answer < 64 else str(answer)
            return "null" if answer is None else None

    elif kind == "true_false":

        def check(answer: Any) -> str | None:
            if type(answer) is bool:
                return _BOOL_TEXT[answer]
            return "null" if answer is None else None

    elif kind in ("multiple_choice", "ordering"):

        def check(answer: Any) -> str | None:
            if type(answer) is not list or len(answer) > 4 * size:
                return None
            for value in answer:
                if type(value) is not int or not 0 <= value < size:
                    return None
            return scalar_list(kind, answer)

    elif kind in ("matching", "fill_blanks"):

        def check(answer: Any) -> str | None:
            if type(answer) is not list or len(answer) > size:
                return None
            for value in answer:
                if value is not None and type(value) is not str:
                    return None
            return scalar_list(kind, answer)

    elif kind == "free_text":

        def check(answer: Any) -> str | None:
            return encode(answer) if answer is None or type(answer) is str else None

    elif kind == "numeric":

        def check(answer: Any) -> str | None:
            ok = answer is None or type(answer) is str or _finite(answer)
            return encode(answer) if ok else None

    elif kind == "likert":

        def check(answer: Any) -> str | None:
            return encoder.likert(answer) if _likert_ok(answer) else None

    elif kind == "scenario":
        memo: dict[tuple, str | None] = {}

        def check(answer: Any) -> str | None:
            # A scenario has few paths, so the same playthrough recurs across a group:
            # remember its verdict and text under a key that captures the whole record.
            key = _scenario_key(answer)
            if key is None:
                return encode(answer) if _scenario_ok(answer) else None
            if key not in memo:
                if len(memo) > 50_000:
                    memo.clear()
                memo[key] = encode(answer) if _scenario_ok(answer) else None
            return memo[key]

    else:  # pragma: no cover - every bank type is handled above
        raise ValueError(f"unknown item type {kind!r}")
    return check


def likert_ratings(spec: ItemSpec, ratings: dict[str, int | None]) -> tuple[list, list]:
    """Competency codes and ratings of the rated known statements of a checked likert answer
    (statement → 1..5 or None = not rated); statements no longer in the bank are ignored."""
    competencies = list(map(spec.statements.get, ratings))
    values = list(ratings.values())
    if None not in competencies and None not in values:  # the usual answer, at C speed
        return competencies, values
    kept = [
        (c, v) for c, v in zip(competencies, values, strict=True) if c is not None and v is not None
    ]
    return [c for c, _ in kept], [v for _, v in kept]


_STR = frozenset({str})
_INT = frozenset({int})
_LIST = frozenset({list})
_NUMBER = frozenset({int, float})
_RATING_TYPES = frozenset({int, type(None)})


def _scenario_ok(answer: Any) -> bool:
    """The shape `ScenarioRun.to_record()` writes (set/map checks run at C speed)."""
    if type(answer) is not dict:
        return False
    path, choices = answer.get("path"), answer.get("choices")
    ending, rating = answer.get("ending"), answer.get("rating")
    scores = answer.get("competency_scores", {})
    if not (
        type(path) is list
        and set(map(type, path)) <= _STR
        and type(choices) is list
        and (ending is None or type(ending) is str)
        and (rating is None or rating in RATINGS)
        and type(scores) is dict
        and set(map(type, scores.values())) <= _NUMBER
    ):
        return False
    if choices and not (set(map(type, choices)) <= _LIST and set(map(len, choices)) == {2}):
        return False
    if choices:
        nodes, indexes = zip(*choices, strict=True)
        if not (set(map(type, nodes)) <= _STR and set(map(type, indexes)) <= _INT):
            return False
    return all(map(_finite, scores.values()))


_SCENARIO_KEYS = ("path", "choices", "ending", "rating", "competency_scores")


def _scenario_key(answer: Any) -> tuple | None:
    """A hashable, type-exact key of a scenario record as the widget writes it, or None.

    Types are part of the key (True == 1 in Python, but not in JSON), so equal keys mean
    byte-equal JSON text.
    """
    if type(answer) is not dict or tuple(answer) != _SCENARIO_KEYS:
        return None
    path, choices, ending, rating, scores = answer.values()
    if type(path) is not list or type(choices) is not list or type(scores) is not dict:
        return None
    if not set(map(type, choices)) <= _LIST:
        return None
    try:
        key = (
            tuple(path),
            tuple(map(type, path)),
            tuple(tuple(c) for c in choices),
            tuple(tuple(map(type, c)) for c in choices),
            ending,
            type(ending),
            rating,
            type(rating),
            tuple(scores.items()),
            tuple(map(type, scores.values())),
        )
        hash(key)
    except TypeError:  # unhashable parts (lists inside): not memoised
        return None
    return key


def _likert_ok(answer: Any) -> bool:
    """A dict of ratings 1..5 (or null = not rated)."""
    if type(answer) is not dict:
        return False
    values = [v for v in answer.values() if v is not None]
    return not values or (set(map(type, values)) <= _INT and min(values) >= 1 and max(values) <= 5)


class _TextTable:
    """Codes for texts (names, answers, timestamps), each distinct text stored once in `texts`."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.index: dict[str, int] = {}

    def code(self, text: str) -> int:
        code = self.index.get(text)
        if code is None:
            code = self.index[text] = len(self.texts)
            self.texts.append(text)
        return code

    def codes(self, texts: Sequence[str]) -> list[int]:
        codes = list(map(self.index.get, texts))  # C-level; new texts are rare
        if None in codes:
            for row, code in enumerate(codes):
                if code is None:
                    codes[row] = self.code(texts[row])
        return codes


_FIELDS = operator.itemgetter(*RECORD_FIELDS)
_PHASE_OR_NONE = {None: 0, **_PHASE_CODES}
_STR_OR_NONE = frozenset({str, type(None)})
_NULL_AS_NAN = {None: _NAN}


# --- the schema of files as smmkit writes them (decoded and checked by msgspec, in C) --------


# gc=False: records hold no reference cycles, and untracked structs are cheaper to make and
# free. Fields are declared in the order smmkit writes them (kw_only allows defaults first),
# which is the order msgspec tries first when it matches a key to a field.


class _Participant(msgspec.Struct, gc=False):
    name: Any = None
    key: Any = None


class _Record(msgspec.Struct, kw_only=True, gc=False):
    """One answer exactly as the widgets record it; `answer` stays raw JSON text."""

    item_id: str
    answer: msgspec.Raw
    score: float | None = None
    max_score: float | None = None
    attempt: Annotated[int, msgspec.Meta(ge=1, le=MAX_ATTEMPT)]
    timestamp: Annotated[str, msgspec.Meta(max_length=MAX_SHORT_TEXT)]
    module: str | None = None
    # Other phase names are kept too, but by the careful reader (it assigns their codes).
    phase: Literal[PHASES] | None = None  # type: ignore[valid-type] - checked in C


class _Document(msgspec.Struct, kw_only=True, gc=False, tag_field="version", tag=1):
    """A version 1 file: one object per answer."""

    format: str
    participant: _Participant
    updated: Any = None
    answers: list[_Record]


class _Columns(msgspec.Struct, gc=False):
    """Version 2 answers: one list per field (the types of :class:`_Record`)."""

    item_id: list[str]
    answer: list[msgspec.Raw]
    score: list[float | None]
    max_score: list[float | None]
    attempt: list[Annotated[int, msgspec.Meta(ge=1, le=MAX_ATTEMPT)]]
    timestamp: list[Annotated[str, msgspec.Meta(max_length=MAX_SHORT_TEXT)]]
    module: list[str | None]
    phase: list[Literal[PHASES] | None]  # type: ignore[valid-type] - checked in C


class _ColumnDocument(msgspec.Struct, kw_only=True, gc=False, tag_field="version", tag=2):
    """A version 2 file (what smmkit writes): no object, no keys to match per answer, so
    msgspec decodes it in about 60 % of the time of the same answers as objects."""

    format: str
    participant: _Participant
    updated: Any = None
    answers: _Columns


# The version is the tag that tells the two layouts apart (any other version: the careful
# reader says why the file is skipped).
_DOCUMENT_DECODER = msgspec.json.Decoder(_Document | _ColumnDocument)
# A likert answer as the widget writes it: statement → rating 1..5 or null (not rated).
_LIKERT_DECODER = msgspec.json.Decoder(dict[str, Annotated[int, msgspec.Meta(ge=1, le=5)] | None])
MAX_REMEMBERED_ANSWERS = 100_000  # distinct answer texts remembered per parsing process


def _record_fields(document: _Document | _ColumnDocument) -> tuple[Sequence, ...] | None:
    """The answers' values field by field (in ``RECORD_FIELDS`` order); None if version 2
    columns differ in length."""
    answers = document.answers
    if isinstance(answers, _Columns):
        fields = msgspec.structs.astuple(answers)
        return fields if len(set(map(len, fields))) == 1 else None
    if not answers:
        return ((),) * len(RECORD_FIELDS)
    # astuple reads the fields in declaration order straight from the struct: half the time
    # of eight attribute look-ups per record.
    return tuple(zip(*map(msgspec.structs.astuple, answers), strict=True))


def _score_value(value: Any) -> float:
    """NaN for null, the number if finite, +inf as "invalid" (the loader decides what to do)."""
    if value is None:
        return _NAN
    if _finite(value):
        return float(value)
    return _INVALID


_INVALID = float("inf")


@dataclass
class _Rows:
    """Answers as lists: one file's kept answers before they join the chunk (so a failed
    fast path leaves none), or the rows of several files staged in a :class:`_ColumnStore`.
    """

    item: list[int] = field(default_factory=list)
    phase: list[int] = field(default_factory=list)
    module: dict[int, int] = field(default_factory=dict)  # row → recorded module (exercises)
    attempt: Sequence[int] = field(default_factory=list)
    score: Sequence[float | None] = field(default_factory=list)  # None: null (NaN when packed)
    max_score: Sequence[float | None] = field(default_factory=list)
    timestamp: Sequence[str] = field(default_factory=list)
    answer: list[int] = field(default_factory=list)  # codes into the chunk's answer texts
    # Likert ratings, one per rated statement: the row of the answer, competency, value.
    rating_row: list[int] = field(default_factory=list)
    rating_competency: list[int] = field(default_factory=list)
    rating_value: list[int] = field(default_factory=list)


class ChunkBuilder:
    """Adds the valid answers of files to a :class:`_ColumnStore`; :meth:`finish` makes the
    :class:`Chunk`.

    Files exactly as smmkit writes them are decoded by msgspec (see the module docstring);
    others are parsed with ``json`` and take a column-wise fast path (C-level
    ``itemgetter``/``zip``/``array``); any file that does not fit it exactly is re-read
    answer by answer.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.files: list[FileReport] = []
        self._positions: list[int] = []
        self._store = _ColumnStore()
        self.encoder = _Encoder()
        self.checkers = [_checker(spec, self.encoder) for spec in catalog.specs]
        self._extra = _TextTable([])
        self._phases = _TextTable([])
        self._modules = _TextTable([])
        self._known_modules = frozenset(catalog.modules)
        self._likert_codes = frozenset(
            code for code, spec in enumerate(catalog.specs) if spec.kind == "likert"
        )
        self._answers = _TextTable([])
        # Item code → raw JSON → code of the checked answer text: answers recur in a group.
        # (One dict per item: no key tuple to build and hash per answer.)
        self._answer_codes: defaultdict[int, dict[bytes, int]] = defaultdict(dict)
        self._remembered = 0
        # Item code → answer code → (competency codes, ratings) of likert answers.
        self._ratings: defaultdict[int, dict[int, tuple]] = defaultdict(dict)
        self._rated = 0

    def add_file(self, path: str, position: int | None = None) -> FileReport:
        """Parse one file; `position`: its place in the folder's file list (default: the
        order files are added in)."""
        report = FileReport(file=display_name(os.path.basename(path)))
        file_index = len(self.files)
        self.files.append(report)
        self._positions.append(file_index if position is None else position)
        try:
            raw = read_capped(path)
            rows = self._decoded_rows(raw, report)
            if rows is None:
                answers = check_document(parse_json(raw), report)
        except SkipFile as exc:
            report.skipped = True
            report.problems.append(str(exc))
            return report
        if rows is None:
            report.answers = len(answers)
            rows = self._fast_rows(answers)
            if rows is None:
                dropped: Counter[str] = Counter()
                unknown: Counter[str] = Counter()
                rows = self._careful_rows(answers, dropped, unknown)
                report.problems.extend(_summaries(report, dropped, unknown))
        report.kept = len(rows.item)
        self._store.add(rows, file_index)
        return report

    def finish(self) -> Chunk:
        """The chunk of every file added."""
        return Chunk(
            files=self.files,
            positions=np.array(self._positions, dtype=np.int64),
            **self._store.finish(),
            answer_texts=self._answers.texts,
            extra_items=self._extra.texts,
            extra_phases=self._phases.texts,
            modules=self._modules.texts,
        )

    def _exercise_code(self, item_id: Any) -> int | None:
        if type(item_id) is str and self.catalog.is_exercise(item_id):
            return -1 - self._extra.code(item_id)
        return None

    def _module_code(self, module: Any) -> int:
        return self._modules.code(module) if module in self._known_modules else -1

    def _resolve_exercises(
        self, codes: list[int | None], ids: Sequence[Any], modules: Sequence[Any]
    ) -> dict[int, int] | None:
        """Codes for exercise rows (in place) and their recorded modules (row → module code,
        known modules only: bank items take their module from the bank); None if an id is
        unknown."""
        module_codes: dict[int, int] = {}
        if None in codes:
            for row, code in enumerate(codes):
                if code is None:
                    code = self._exercise_code(ids[row])
                    if code is None:
                        return None
                    codes[row] = code
                    if (module := self._module_code(modules[row])) >= 0:
                        module_codes[row] = module
        return module_codes

    def _decoded_rows(self, raw: bytes, report: FileReport) -> _Rows | None:
        """All answers of a file that fits smmkit's schema exactly, else None (no side effects)."""
        try:
            document = _DOCUMENT_DECODER.decode(raw)
        except (msgspec.DecodeError, ValueError, RecursionError):  # ValueError: bad UTF-8
            return None
        if document.format != FORMAT:
            return None
        fields = _record_fields(document)
        if fields is None:
            return None
        rows = _Rows()
        ids, raws, scores, maxes, attempts, stamps, modules, phases = fields
        if ids:
            codes = list(map(self.catalog.index.get, ids))
            module_codes = self._resolve_exercises(codes, ids, modules)
            if module_codes is None:
                return None
            texts = list(map(bytes, raws))
            answers = list(map(dict.get, map(self._answer_codes.__getitem__, codes), texts))
            if None in answers and not self._code_new_answers(codes, raws, texts, answers):
                return None
            rows.item, rows.module, rows.answer = codes, module_codes, answers
            rows.phase = list(map(_PHASE_OR_NONE.__getitem__, phases))
            # msgspec checked the types: attempts are ints in range, scores floats or None.
            rows.attempt, rows.timestamp, rows.score, rows.max_score = (
                attempts,
                stamps,
                scores,
                maxes,
            )
            self._rate(rows)
        report.answers = len(ids)
        person = document.participant
        report.key, report.name = _identity(person.key, person.name, report.problems)
        updated = document.updated
        report.updated = updated if type(updated) is str and len(updated) <= MAX_SHORT_TEXT else ""
        return rows

    def _code_new_answers(
        self,
        codes: list[int],
        raws: Sequence[msgspec.Raw],
        texts: list[bytes],
        answers: list[int | None],
    ) -> bool:
        """Codes (in place) of the answers not met before; False if one does not fit its item.

        Likert ratings are decoded and checked by msgspec (in C) instead of ``json``.
        """
        for row, answer in enumerate(answers):
            if answer is None:
                code, checked = codes[row], None
                if code in self._likert_codes:
                    try:
                        checked = _LIKERT_DECODER.decode(raws[row])
                    except msgspec.DecodeError:  # ValidationError included
                        return False
                answer = self._answer_code(code, texts[row], checked)
                if answer is None:
                    return False
                answers[row] = answer
                if checked is not None:
                    self._ratings_of(code, answer, checked)
        return True

    def _answer_code(self, code: int, raw: bytes, checked: Any = None) -> int | None:
        """The code of a raw answer's checked JSON text, None if it does not fit its item.

        `checked`: the answer already decoded and checked (likert ratings), if it was.
        """
        if checked is not None:
            text = self.encoder.likert(checked)
        else:
            try:
                value = json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError):
                return None
            text = self.checkers[code](value) if code >= 0 else self.encoder.encode(value)
        if text is None:
            return None
        if self._remembered >= MAX_REMEMBERED_ANSWERS:
            self._answer_codes.clear()
            self._remembered = 0
        answer = self._answer_codes[code][raw] = self._answers.code(text)
        self._remembered += 1
        return answer

    def _fast_rows(self, answers: list) -> _Rows | None:
        """Column-wise checks for well-formed files; None means: take the careful path."""
        rows = _Rows()
        if not answers:
            return rows
        try:
            fields = list(map(_FIELDS, answers))
            ids, values, scores, maxes, attempts, stamps, modules, phases = zip(
                *fields, strict=True
            )
            codes = list(map(self.catalog.index.get, ids))
            phase_codes = list(map(_PHASE_OR_NONE.__getitem__, phases))
            attempt_array = array("i", attempts)
            # _NULL_AS_NAN.get(v, v): NaN for null, the value itself otherwise (C-level map).
            score_array = array("d", map(_NULL_AS_NAN.get, scores, scores))
            max_array = array("d", map(_NULL_AS_NAN.get, maxes, maxes))
        except (KeyError, TypeError, OverflowError):
            return None
        if (
            min(attempt_array) < 1
            or max(attempt_array) > MAX_ATTEMPT
            or set(map(type, stamps)) != {str}
            or max(map(len, stamps)) > MAX_SHORT_TEXT
            or not set(map(type, modules)) <= _STR_OR_NONE
        ):
            return None
        module_codes = self._resolve_exercises(codes, ids, modules)
        if module_codes is None:
            return None
        checkers, encode = self.checkers, self.encoder.encode
        texts = [
            checkers[code](value) if code >= 0 else encode(value)
            for code, value in zip(codes, values, strict=True)
        ]
        if None in texts:
            return None
        rows.item, rows.phase, rows.module = codes, phase_codes, module_codes
        rows.answer = self._answers.codes(texts)
        rows.attempt, rows.timestamp = attempt_array, list(stamps)
        rows.score, rows.max_score = score_array, max_array
        self._rate(rows)
        return rows

    def _likert_rows(self, codes: list[int]) -> Iterable[int]:
        if self._likert_codes.isdisjoint(codes):
            return ()
        return compress(range(len(codes)), map(self._likert_codes.__contains__, codes))

    def _rate(self, rows: _Rows) -> None:
        """The likert ratings of the rows, worked out once per item and distinct answer
        (every kept likert answer is a dict of ratings 1..5 or null)."""
        for row in self._likert_rows(rows.item):
            competencies, ratings = self._ratings_of(rows.item[row], rows.answer[row])
            if ratings:
                rows.rating_row.extend([row] * len(ratings))
                rows.rating_competency.extend(competencies)
                rows.rating_value.extend(ratings)

    def _ratings_of(self, code: int, answer: int, value: Any = None) -> tuple[list, list]:
        """(competency codes, ratings) of a likert answer; `value`: the answer decoded, if
        at hand (else it is decoded from the answer's text)."""
        known = self._ratings[code]
        found = known.get(answer)
        if found is None:
            if self._rated >= MAX_REMEMBERED_ANSWERS // 2:
                self._ratings.clear()
                self._rated = 0
                known = self._ratings[code]
            if value is None:
                value = _LIKERT_DECODER.decode(self._answers.texts[answer])
            found = known[answer] = likert_ratings(self.catalog.specs[code], value)
            self._rated += 1
        return found

    def _careful_rows(self, answers: list, dropped: Counter, unknown: Counter) -> _Rows:
        """Answer by answer: keep the good ones, count why the others were dropped."""
        rows = _Rows()
        index, checkers, encode = self.catalog.index, self.checkers, self.encoder.encode
        for entry in answers:
            if type(entry) is not dict:
                dropped[R_NOT_OBJECT] += 1
                continue
            item_id, attempt = entry.get("item_id"), entry.get("attempt")
            timestamp, phase, module = (
                entry.get("timestamp"),
                entry.get("phase"),
                entry.get("module"),
            )
            if not (
                type(item_id) is str
                and type(attempt) is int
                and 1 <= attempt <= MAX_ATTEMPT
                and type(timestamp) is str
                and len(timestamp) <= MAX_SHORT_TEXT
                and (phase is None or (type(phase) is str and len(phase) <= MAX_SHORT_TEXT))
                and (module is None or type(module) is str)
                and "answer" in entry
            ):
                dropped[R_FIELDS] += 1
                continue
            code = index.get(item_id)
            if code is None:
                code = self._exercise_code(item_id)
                if code is None:
                    dropped[R_UNKNOWN] += 1
                    if len(item_id) <= MAX_ITEM_ID_LENGTH and ITEM_ID_PATTERN.match(item_id):
                        unknown[item_id] += 1
                    continue
            answer = entry["answer"]
            text = checkers[code](answer) if code >= 0 else encode(answer)
            if text is None:
                dropped[R_SHAPE] += 1
                continue
            rows.item.append(code)
            phase_code = _PHASE_OR_NONE.get(phase)
            rows.phase.append(3 + self._phases.code(phase) if phase_code is None else phase_code)
            if code < 0 and (module_code := self._module_code(module)) >= 0:
                rows.module[len(rows.item) - 1] = module_code
            rows.attempt.append(attempt)
            rows.score.append(_score_value(entry.get("score")))
            rows.max_score.append(_score_value(entry.get("max_score")))
            rows.timestamp.append(timestamp)
            rows.answer.append(self._answers.code(text))
        self._rate(rows)
        return rows


class _ColumnStore:
    """The rows of many files as numpy columns.

    Rows are staged in lists (cheap to extend) and packed into numpy pieces every
    `PACK_ROWS` rows. Packing keeps a parser's memory compact: kept as lists, every row
    would hold about 120 bytes of pointers, ints and a timestamp string instead of 40, and
    on this kind of machine each new page of memory costs a page fault of several µs. The
    file of each row and the recorded modules (exercises only) are kept as runs and as
    sparse pairs.
    """

    _CODES = (
        "item", "phase", "attempt", "answer", "rating_row", "rating_competency", "rating_value",
    )  # fmt: skip
    _SCORES = ("score", "max_score")
    # Almost always 0..255: phase codes, attempts, competency codes and ratings.
    _SMALL = frozenset({"phase", "attempt", "rating_competency", "rating_value"})

    def __init__(self) -> None:
        self.rows = 0  # packed rows
        self.staged = _Rows()
        self._pieces: dict[str, list[np.ndarray]] = {
            name: [] for name in (*self._CODES, *self._SCORES, "timestamp_seconds")
        }
        self._file_runs: list[tuple[int, int]] = []  # (file index, rows)
        self._module_rows: list[int] = []
        self._module_codes: list[int] = []
        self._odd_rows: list[np.ndarray] = []
        self._odd_texts: list[str] = []
        self._rating_runs: list[tuple[int, int]] = []  # staged files' first row, ratings

    def add(self, rows: _Rows, file_index: int) -> None:
        staged = self.staged
        first_row = self.rows + len(staged.item)  # of this file in the chunk
        self._file_runs.append((file_index, len(rows.item)))
        staged.item.extend(rows.item)
        staged.phase.extend(rows.phase)
        staged.attempt.extend(rows.attempt)
        staged.score.extend(rows.score)
        staged.max_score.extend(rows.max_score)
        staged.timestamp.extend(rows.timestamp)
        staged.answer.extend(rows.answer)
        if rows.module:
            self._module_rows.extend(first_row + row for row in rows.module)
            self._module_codes.extend(rows.module.values())
        if rows.rating_row:
            # File rows now; the file's first row is added per pack (numpy, not per rating).
            staged.rating_row.extend(rows.rating_row)
            self._rating_runs.append((first_row, len(rows.rating_row)))
            staged.rating_competency.extend(rows.rating_competency)
            staged.rating_value.extend(rows.rating_value)
        if len(staged.item) >= PACK_ROWS:
            self.pack()

    def pack(self) -> None:
        staged, pieces = self.staged, self._pieces
        for name in self._CODES:
            values = getattr(staged, name)
            if name in self._SMALL:
                pieces[name].append(_small_ints(values))
            else:
                pieces[name].append(np.fromiter(values, dtype=_CODE, count=len(values)))
        if self._rating_runs:
            first_row, ratings = np.array(self._rating_runs, dtype=_CODE).T
            pieces["rating_row"][-1] += np.repeat(first_row, ratings)
            self._rating_runs = []
        for name in self._SCORES:  # floats or None (→ NaN), checked when they were added
            pieces[name].append(np.array(getattr(staged, name), dtype=np.float64))
        seconds, odd = epoch_seconds_by_row(staged.timestamp)
        pieces["timestamp_seconds"].append(seconds)
        if len(odd):
            self._odd_rows.append(odd + self.rows)
            self._odd_texts.extend(staged.timestamp[row] for row in odd)
        self.rows += len(staged.item)
        self.staged = _Rows()

    def finish(self) -> dict[str, Any]:
        """The columns by name (numpy arrays) and the odd timestamps."""
        self.pack()
        columns: dict[str, Any] = {
            name: np.concatenate(parts, dtype=_narrowest(parts) if name in self._CODES else None)
            for name, parts in self._pieces.items()
        }
        columns["file_runs"] = np.array(self._file_runs, dtype=_CODE).reshape(-1, 2)
        columns["module_rows"] = np.array(self._module_rows, dtype=np.int64)
        columns["module_codes"] = np.array(self._module_codes, dtype=_CODE)
        columns["odd_timestamp_rows"] = (
            np.concatenate(self._odd_rows) if self._odd_rows else np.empty(0, dtype=np.int64)
        )
        columns["odd_timestamp_texts"] = self._odd_texts
        return columns


def _small_ints(values: Sequence[int]) -> np.ndarray:
    """Ints as a numpy column; ``bytes()`` converts values 0..255 about 3× faster than
    ``np.fromiter`` (any other value: the latter)."""
    try:
        return np.frombuffer(bytes(values), dtype=np.uint8)
    except ValueError:
        return np.fromiter(values, dtype=_CODE, count=len(values))


def _narrowest(pieces: list[np.ndarray]) -> type:
    """The smallest integer type that holds every value of `pieces`: chunks travel between
    processes, and most codes (items, phases, attempts) fit in one or two bytes."""
    if not any(len(piece) for piece in pieces):
        return np.int8
    low = min(int(piece.min()) for piece in pieces if len(piece))
    high = max(int(piece.max()) for piece in pieces if len(piece))
    for kind in (np.int8, np.int16, np.int32):
        limits = np.iinfo(kind)
        if limits.min <= low and high <= limits.max:
            return kind
    return np.int64


PACK_ROWS = 8192  # lists of 8192 pointers (64 KB) are reused by malloc, not mapped anew


def _summaries(report: FileReport, dropped: Counter, unknown: Counter) -> list[str]:
    lines = []
    if dropped:
        total = sum(dropped.values())
        parts = []
        for reason, count in sorted(dropped.items()):
            detail = f"{reason} ({count}"
            if reason == R_UNKNOWN and unknown:
                examples = ", ".join(sorted(unknown)[:3])
                detail += f": {examples}" + (" …" if len(unknown) > 3 else "")
            parts.append(detail + ")")
        lines.append(f"{total} von {report.answers} Antworten übersprungen: " + "; ".join(parts))
    return lines


def parse_files(
    paths: Sequence[str], catalog: Catalog, positions: Sequence[int] | None = None
) -> Chunk:
    """Parse `paths` in order into one chunk (never raises for bad file contents).

    `positions`: the place of each path in the folder's file list (default: 0, 1, 2 …).
    """
    builder = ChunkBuilder(catalog)
    with gc_paused():
        places = range(len(paths)) if positions is None else positions
        for path, position in zip(paths, places, strict=True):
            builder.add_file(path, position)
        return builder.finish()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk-parsing.

    Parsed JSON holds no reference cycles, but millions of new container objects make the
    collector re-scan everything alive (pandas, the bank …) again and again: 20–40 % of the
    parse time. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
