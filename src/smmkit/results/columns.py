"""Parsed chunks → one set of checked columns (numpy arrays), before any DataFrame.

Chunk-local codes become global ones, and every score is checked against its item type
in one vectorised pass: graded types with a missing or impossible score are re-graded from
the answer, the rest of the impossible ones are dropped (each counted per file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..bank.grading import GRADERS, grade
from ..bank.validate import Bank
from .catalog import PHASES, Catalog
from .parsing import Chunk, FileReport


@dataclass
class Columns:
    file: np.ndarray
    item: np.ndarray  # global code: catalog index, then extra item ids
    phase: np.ndarray  # global code: 0 none, then phase names
    module: np.ndarray  # recorded module code into bank modules, -1 none
    attempt: np.ndarray
    score: np.ndarray
    max_score: np.ndarray
    timestamp: np.ndarray  # microseconds since 1970 (UTC); NaT (int64 min) where unreadable
    answer: np.ndarray  # codes into answer_texts
    answer_texts: list[str]  # each distinct checked JSON text once
    rating_row: np.ndarray
    rating_competency: np.ndarray
    rating_value: np.ndarray
    files: list[FileReport]
    extra_items: list[str]
    phases: list[str]


def chunk_timestamps(chunk: Chunk) -> np.ndarray:
    """The chunk's timestamps as microseconds since 1970 (UTC); NaT where unreadable."""
    micro = chunk.timestamp_seconds * 1_000_000
    if len(chunk.odd_timestamp_rows):
        micro[chunk.odd_timestamp_rows] = parse_timestamps(chunk.odd_timestamp_texts)
    return micro


def parse_timestamps(texts: list[str]) -> np.ndarray:
    """Any ISO 8601 texts (the rare files not written by smmkit), text by text."""
    import pandas as pd

    parsed = pd.to_datetime(
        pd.Series(texts, dtype=object), utc=True, format="ISO8601", errors="coerce"
    )
    return parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view(np.int64)


def _remap(local: list[str], interner: dict[str, int], names: list[str]) -> np.ndarray:
    """Global codes of a chunk's local names (new names are appended to `names`)."""
    codes = list(map(interner.get, local))
    if None in codes:
        for index, code in enumerate(codes):
            if code is None:
                name = local[index]
                code = interner.setdefault(name, len(names))
                if code == len(names):
                    names.append(name)
                codes[index] = code
    return np.array(codes, dtype=np.int64)


def combine(chunks: list[Chunk], catalog: Catalog) -> Columns:
    """Concatenate chunks, turning chunk-local codes into global ones.

    The result is the same whichever parser read which file: files and their rows come in
    the folder's order, and names (answer texts, exercise ids, phases) are numbered in the
    order rows first use them (names no kept row uses are left out).
    """
    n_items = len(catalog.item_ids)
    module_index = {name: i for i, name in enumerate(catalog.modules)}
    extra_items: list[str] = []
    extra_index: dict[str, int] = {}
    phases: list[str] = [""] + list(PHASES)
    phase_index = {name: i for i, name in enumerate(phases)}
    parts: dict[str, list] = {k: [] for k in ("file", "item", "phase", "module", "attempt")}
    parts.update({k: [] for k in ("score", "max_score", "rr", "rc", "rv", "ts", "answer")})
    parts.update({k: [] for k in ("run_file", "run_length")})
    answer_texts: list[str] = []
    answer_index: dict[str, int] = {}
    files: list[FileReport] = [None] * sum(len(c.files) for c in chunks)  # type: ignore[list-item]
    row_offset = 0
    # Chunk columns stay 32-bit until the one concatenation per column casts them: every
    # extra copy of a million-row column costs page faults as well as the copy.
    for chunk in chunks:
        positions = np.asarray(chunk.positions, dtype=np.int64)
        for position, report in zip(positions.tolist(), chunk.files, strict=True):
            files[position] = report
        item = np.asarray(chunk.item)
        if chunk.extra_items:
            extras = _remap(chunk.extra_items, extra_index, extra_items)
            item = np.where(item >= 0, item, n_items + extras[np.clip(-1 - item, 0, None)])
        phase = np.asarray(chunk.phase)
        if chunk.extra_phases:
            local = _remap(chunk.extra_phases, phase_index, phases)
            phase = np.where(phase >= 3, local[np.clip(phase - 3, 0, None)], phase)
        module = chunk.module_column()
        if chunk.modules:
            table = np.array([module_index[m] for m in chunk.modules], dtype=np.int64)
            module = np.where(module >= 0, table[np.clip(module, 0, None)], -1)
        parts["file"].append(positions[chunk.file_column()])
        parts["run_file"].append(positions[chunk.file_runs[:, 0]])
        parts["run_length"].append(chunk.file_runs[:, 1])
        parts["item"].append(item)
        parts["phase"].append(phase)
        parts["module"].append(module)
        parts["attempt"].append(np.asarray(chunk.attempt))
        parts["score"].append(np.asarray(chunk.score))
        parts["max_score"].append(np.asarray(chunk.max_score))
        parts["rr"].append(np.asarray(chunk.rating_row, dtype=np.int64) + row_offset)
        parts["rc"].append(np.asarray(chunk.rating_competency))
        parts["rv"].append(np.asarray(chunk.rating_value))
        parts["ts"].append(chunk_timestamps(chunk))
        # Equal answers share one code across chunks, so the analysis counts codes, not texts.
        answer_codes = _remap(chunk.answer_texts, answer_index, answer_texts)
        parts["answer"].append(answer_codes[np.asarray(chunk.answer)])
        row_offset += len(chunk)

    def cat(name: str, dtype) -> np.ndarray:
        return np.concatenate(parts[name], dtype=dtype) if parts[name] else np.empty(0, dtype)

    # Codes stay 32-bit (they index small tables): half the memory of a million-row column.
    columns = Columns(
        file=cat("file", np.int32),
        item=cat("item", np.int32),
        phase=cat("phase", np.int32),
        module=cat("module", np.int32),
        attempt=cat("attempt", np.int64),
        score=cat("score", np.float64),
        max_score=cat("max_score", np.float64),
        timestamp=cat("ts", np.int64),
        answer=cat("answer", np.int32),
        answer_texts=answer_texts,
        rating_row=cat("rr", np.int64),
        rating_competency=cat("rc", np.int64),
        rating_value=cat("rv", np.int64),
        files=files,
        extra_items=extra_items,
        phases=phases,
    )
    order = _folder_order(cat("run_file", np.int64), cat("run_length", np.int64))
    if order is not None:
        _reorder_rows(columns, order)
    _number_names_by_first_use(columns, n_items)
    return columns


def _folder_order(run_file: np.ndarray, run_length: np.ndarray) -> np.ndarray | None:
    """The row order that puts files in folder order (each file's rows are one run), or
    None if they are in that order already."""
    if len(run_file) < 2 or bool((run_file[1:] > run_file[:-1]).all()):
        return None
    run_start = np.cumsum(run_length) - run_length
    runs = np.argsort(run_file, kind="stable")
    length = run_length[runs]
    new_start = np.cumsum(length) - length
    return np.repeat(run_start[runs] - new_start, length) + np.arange(int(length.sum()))


_ROW_COLUMNS = (
    "file", "item", "phase", "module", "attempt", "score", "max_score", "timestamp", "answer",
)  # fmt: skip


def _reorder_rows(columns: Columns, order: np.ndarray) -> None:
    """Rows in `order` (new row i is old row order[i]); ratings follow their rows."""
    for name in _ROW_COLUMNS:
        setattr(columns, name, getattr(columns, name)[order])
    new_row = np.empty_like(order)
    new_row[order] = np.arange(len(order))
    rating_row = new_row[columns.rating_row]
    by_row = np.argsort(rating_row, kind="stable")
    columns.rating_row = rating_row[by_row]
    columns.rating_competency = columns.rating_competency[by_row]
    columns.rating_value = columns.rating_value[by_row]


def _first_use_codes(codes: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """For names 0..count-1 used by `codes`: the names in order of first use, and each
    name's new code (-1: unused)."""
    first = np.full(count, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    used = np.flatnonzero(first < len(codes))
    names = used[np.argsort(first[used], kind="stable")]
    new_code = np.full(count, -1, dtype=np.int64)
    new_code[names] = np.arange(len(names))
    return names, new_code


def _number_names_by_first_use(columns: Columns, n_items: int) -> None:
    columns.answer_texts = _by_first_use(columns.answer, columns.answer_texts)
    if columns.extra_items:  # codes of the catalog's items come first and stay
        columns.extra_items = _by_first_use(columns.item, columns.extra_items, n_items)
    fixed = len(PHASES) + 1  # none, then the known phases: always present, in this order
    if len(columns.phases) > fixed:
        columns.phases[fixed:] = _by_first_use(columns.phase, columns.phases[fixed:], fixed)


def _by_first_use(codes: np.ndarray, names: list[str], first_code: int = 0) -> list[str]:
    """Renumber `codes` in place (from `first_code`, the code of ``names[0]``, on) so that
    their names come in order of first use; returns those names (unused ones left out)."""
    movable = codes >= first_code if first_code else slice(None)  # a slice: no copy
    order, new_code = _first_use_codes(codes[movable] - first_code, len(names))
    codes[movable] = first_code + new_code[codes[movable] - first_code]
    return [names[i] for i in order.tolist()]


# --- score rules ---------------------------------------------------------------------------


GRADED, LIKERT, SCENARIO, OTHER = 0, 1, 2, 3
_TOLERANCE = 1e-6


def _kinds(bank: Bank, catalog, extra_items: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per global item code: scoring kind and the bank's maximum points."""
    kinds, maxima = [], []
    for item_id, spec in zip(catalog.item_ids, catalog.specs, strict=True):
        kind = bank.items[item_id].type
        kinds.append(GRADED if kind in GRADERS else {"likert": LIKERT, "scenario": SCENARIO}[kind])
        maxima.append(spec.max_points)
    kinds += [OTHER] * len(extra_items)
    maxima += [np.nan] * len(extra_items)
    return np.array(kinds, dtype=np.int8), np.array(maxima, dtype=np.float64)


def apply_score_rules(columns: Columns, bank: Bank, catalog) -> np.ndarray:
    """Check every score against its item type; returns the rows to keep.

    Graded types with a missing or impossible score are re-graded from the answer;
    self-assessments are never scored; scenario scores may be negative (choices can cost
    points), so only finiteness is checked; exercises must score within 0..max or be null.
    """
    kinds, maxima = _kinds(bank, catalog, columns.extra_items)
    kind = kinds[columns.item]
    score, top = columns.score, columns.max_score
    with np.errstate(invalid="ignore"):
        in_range = (
            np.isfinite(score)
            & np.isfinite(top)
            & (top > 0)
            & (score >= -_TOLERANCE)
            & (score <= top + _TOLERANCE)
        )
    regrade = (kind == GRADED) & ~in_range
    drop = ((kind == SCENARIO) & ~np.isfinite(score)) | (
        (kind == OTHER) & ~np.isnan(score) & ~in_range
    )
    likert = kind == LIKERT
    score[likert] = top[likert] = np.nan
    fix_top = (kind == SCENARIO) & ~(np.isfinite(top) & (top > 0))
    top[fix_top] = maxima[columns.item[fix_top]]
    _regrade(columns, bank, catalog, np.flatnonzero(regrade))
    _report_rows(columns, regrade, R_REGRADED)
    _report_rows(columns, drop, R_SCORE_DROPPED)
    return ~drop


R_REGRADED = "Punktzahl fehlte oder war ungültig – aus der Antwort neu berechnet"
R_SCORE_DROPPED = (
    "Punktzahl ungültig (nicht endlich oder außerhalb des Bereichs) – Antwort übersprungen"
)


def _report_rows(columns: Columns, rows: np.ndarray, message: str) -> None:
    counts = np.bincount(columns.file[rows], minlength=len(columns.files))
    for index in np.flatnonzero(counts):
        report = columns.files[index]
        report.problems.append(f"{message} ({counts[index]}×)")
        if message == R_SCORE_DROPPED:
            report.kept -= int(counts[index])


def _regrade(columns: Columns, bank: Bank, catalog, rows: np.ndarray) -> None:
    for row in rows:
        item = bank.items[catalog.item_ids[columns.item[row]]]
        result = grade(item, json.loads(columns.answer_texts[columns.answer[row]]))
        columns.score[row] = result.points
        columns.max_score[row] = result.max_points


def keep_rows(columns: Columns, keep: np.ndarray) -> None:
    """Drop rows (and their ratings) in place; rating rows are renumbered."""
    if keep.all():
        return
    new_row = np.cumsum(keep) - 1
    rated = keep[columns.rating_row]
    columns.rating_competency = columns.rating_competency[rated]
    columns.rating_value = columns.rating_value[rated]
    columns.rating_row = new_row[columns.rating_row[rated]]
    for name in ("file", "item", "phase", "module", "attempt", "score", "max_score"):
        setattr(columns, name, getattr(columns, name)[keep])
    columns.timestamp = columns.timestamp[keep]
    columns.answer = columns.answer[keep]
