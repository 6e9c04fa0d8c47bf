"""Load a folder of participant result files into one tidy table, robustly.

``load_results(folder, bank)`` never raises for bad file contents: unusable files are skipped,
bad answers dropped, impossible scores re-graded, duplicates merged — each with a
:class:`ResultWarning` naming the file. Only a missing folder is an error.

Attempt rules (documented for trainers in the report): item analysis uses each participant's
**first** attempt per item (Moodle's default: it measures what people knew before feedback);
completion counts an item as done after any attempt; quiz-set and module scores use the
**latest** attempt (what the participant last saw in the quiz-set summary).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..bank.models import COMPETENCIES
from ..bank.validate import Bank
from ..errors import SmmkitError
from .catalog import EXERCISE, build_catalog
from .columns import Columns, apply_score_rules, combine, keep_rows
from .parallel import default_workers, parse_in_parallel
from .parsing import MAX_ATTEMPT, FileReport, display_name, gc_paused

IGNORED_NAMES = frozenset({"participant.json"})
CORRUPT_PATTERN = re.compile(r"\.corrupt-[^/]*\.json$")

ANSWER_COLUMNS = (
    "participant_key",
    "participant",
    "module",
    "item_id",
    "item_type",
    "competency",
    "phase",
    "attempt",
    "first_attempt",
    "latest_attempt",
    "score",
    "max_score",
    "fraction",
    "timestamp",
    "answer",
    "source",
)


class ResultsError(SmmkitError):
    """The results folder is missing or holds no usable file (message for the trainer)."""


@dataclass(frozen=True)
class ResultWarning:
    """Something wrong with one file; `related` names other files (e.g. a duplicate)."""

    file: str
    message: str
    related: tuple[str, ...] = ()

    def __str__(self) -> str:
        also = f" (siehe auch: {', '.join(self.related)})" if self.related else ""
        return f"{self.file}: {self.message}{also}"


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


# --- finding and parsing files ---------------------------------------------------------------


def result_files(folder: Path) -> list[str]:
    """Candidate result files, sorted: ``*.json`` without lock, corrupt, temp and identity files."""
    names = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if (
                name.endswith(".json")
                and not name.startswith(".")
                and name not in IGNORED_NAMES
                and (".corrupt-" not in name or not CORRUPT_PATTERN.search(name))
            ):
                names.append(name)
    prefix = os.path.join(os.fspath(folder), "")  # joined once, not per file
    return [prefix + name for name in sorted(names)]


# --- participants and duplicates -------------------------------------------------------------


@dataclass
class _Identity:
    """Canonical participant per file, after merging duplicates."""

    participant_of_file: np.ndarray  # -1 for skipped files
    keys: list[str]
    names: list[str]
    sources: list[list[str]]
    merged: set[int]


def _updated(report: FileReport) -> float:
    """The file's "updated" time as a sortable number (unreadable: oldest)."""
    try:
        stamp = datetime.fromisoformat(report.updated)
    except ValueError:
        return float("-inf")
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _identities(reports: list[FileReport], warnings: list[ResultWarning]) -> _Identity:
    """Group files of the same person (same key or same name) and pick the newest's identity."""
    distinct = _distinct_identities(reports)
    return distinct if distinct is not None else _grouped_identities(reports, warnings)


def _grouped_identities(reports: list[FileReport], warnings: list[ResultWarning]) -> _Identity:
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], int] = {}
    for index, report in enumerate(reports):
        if report.skipped:
            continue
        for label in (("key", report.key), ("name", report.name.casefold())):
            if label in seen:
                parent[find(index)] = find(seen[label])
            else:
                seen[label] = index
    groups: dict[int, list[int]] = {}
    for index, report in enumerate(reports):
        if not report.skipped:
            groups.setdefault(find(index), []).append(index)
    participant_of_file = [-1] * len(reports)
    keys, names, sources, merged = [], [], [], set()
    for members in groups.values():  # in file-name order: files are sorted, groups made in order
        newest = reports[
            members[0]
            if len(members) == 1
            else max(members, key=lambda i: (_updated(reports[i]), reports[i].file))
        ]
        code = len(keys)
        keys.append(newest.key)
        names.append(newest.name)
        sources.append([reports[i].file for i in members])
        for i in members:
            participant_of_file[i] = code
        if len(members) > 1:
            merged.add(code)
            for i in members:
                others = tuple(reports[j].file for j in members if j != i)
                warnings.append(
                    ResultWarning(
                        reports[i].file,
                        "dieselbe Person wie in einer anderen Datei (gleicher Schlüssel oder "
                        "Name) – Antworten zusammengeführt, Name und Schlüssel der neuesten "
                        "Datei verwendet",
                        others,
                    )
                )
    return _Identity(np.array(participant_of_file, dtype=np.int64), keys, names, sources, merged)


def _distinct_identities(reports: list[FileReport]) -> _Identity | None:
    """One participant per usable file if no two share a key or a name (the usual case,
    without the grouping's work per file), else None."""
    used = [index for index, report in enumerate(reports) if not report.skipped]
    keys = [reports[index].key for index in used]
    names = [reports[index].name for index in used]
    if len(set(keys)) < len(keys) or len({name.casefold() for name in names}) < len(names):
        return None
    participant_of_file = np.full(len(reports), -1, dtype=np.int64)
    participant_of_file[used] = np.arange(len(used))
    sources = [[reports[index].file] for index in used]
    return _Identity(participant_of_file, keys, names, sources, set())


# --- the tables ------------------------------------------------------------------------------


def _item_attributes(bank: Bank, catalog, extra_items: list[str]):
    """Per global item code: type, competency and module (as category codes)."""
    item_ids = list(catalog.item_ids) + extra_items
    types = [bank.items[i].type for i in catalog.item_ids] + [EXERCISE] * len(extra_items)
    competencies = [bank.items[i].competency for i in catalog.item_ids] + [
        area if (area := i.split(".", 1)[0]) in COMPETENCIES else None for i in extra_items
    ]
    module_of = {i: m.name for m in bank.modules.values() for i in m.item_ids}
    modules = [module_of.get(i) for i in catalog.item_ids] + [None] * len(extra_items)
    return item_ids, types, competencies, modules


def _codes(values: list, categories: list) -> np.ndarray:
    index = {c: i for i, c in enumerate(categories)}
    return np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64)


def _attempt_flags(group: np.ndarray, attempt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and latest attempt per group (equal attempt numbers: file order decides)."""
    first = np.zeros(len(group), dtype=bool)
    latest = np.zeros(len(group), dtype=bool)
    if len(group) == 0:
        return first, latest
    # One int64 key and a stable sort: rows are mostly in order already (file by file).
    order = np.argsort(group * (MAX_ATTEMPT + 1) + attempt, kind="stable")
    sorted_group = group[order]
    boundary = sorted_group[1:] != sorted_group[:-1]
    first[order[np.r_[True, boundary]]] = True
    latest[order[np.r_[boundary, True]]] = True
    return first, latest


def _deduplicate_merged(frame: pd.DataFrame, merged_keys: Iterable[str]) -> pd.DataFrame:
    """Merged participants: drop answers present in two files, renumber attempts by time."""
    merged_keys = list(merged_keys)
    if not merged_keys:
        return frame
    mask = frame["participant_key"].isin(merged_keys).to_numpy()
    part = frame[mask].drop_duplicates(
        subset=["participant_key", "item_id", "phase", "timestamp", "answer", "score"]
    )
    part = part.sort_values(["timestamp", "attempt"], kind="stable", na_position="last")
    keys = ["participant_key", "item_id", "phase"]
    part["attempt"] = part.groupby(keys, observed=True, dropna=False).cumcount() + 1
    return pd.concat([frame[~mask], part]).sort_index(kind="stable")


def _answers_frame(columns: Columns, identity: _Identity, bank: Bank, catalog) -> pd.DataFrame:
    item_ids, types, competencies, modules = _item_attributes(bank, catalog, columns.extra_items)
    participant = identity.participant_of_file[columns.file]
    type_names = sorted(set(types))
    module_names = list(bank.modules)
    item_module = _codes(modules, module_names)[columns.item]
    # Exercises are not in the bank's modules: use the module the widget recorded.
    module = np.where(item_module >= 0, item_module, columns.module)
    name_codes, name_categories = pd.factorize(pd.Series(identity.names, dtype=object))
    score, max_score = columns.score, columns.max_score
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(max_score > 0, np.clip(score / max_score, 0.0, 1.0), np.nan)
    timestamp = pd.DatetimeIndex(columns.timestamp.view("datetime64[us]")).tz_localize(UTC)
    phase_codes = columns.phase - 1  # 0 (no phase) becomes -1 = missing
    group = (participant * len(item_ids) + columns.item) * len(columns.phases) + columns.phase
    first, latest = _attempt_flags(group, columns.attempt)
    frame = pd.DataFrame(
        {
            "participant_key": pd.Categorical.from_codes(participant, identity.keys),
            "participant": pd.Categorical.from_codes(
                name_codes[participant], list(name_categories)
            ),
            "module": pd.Categorical.from_codes(module, module_names),
            "item_id": pd.Categorical.from_codes(columns.item, item_ids),
            "item_type": pd.Categorical.from_codes(
                _codes(types, type_names)[columns.item], type_names
            ),
            "competency": pd.Categorical.from_codes(
                _codes(competencies, list(COMPETENCIES))[columns.item], list(COMPETENCIES)
            ),
            "phase": pd.Categorical.from_codes(phase_codes, columns.phases[1:]),
            "attempt": columns.attempt,
            "first_attempt": first,
            "latest_attempt": latest,
            "score": score,
            "max_score": max_score,
            "fraction": fraction,
            "timestamp": timestamp,
            # Categorical: every distinct text once, and the analysis counts its codes.
            "answer": pd.Categorical.from_codes(columns.answer, columns.answer_texts),
            "source": pd.Categorical.from_codes(columns.file, [f.file for f in columns.files]),
        },
        columns=list(ANSWER_COLUMNS),
        # No copy: the columns are fresh arrays made for this frame, and consolidating the
        # numeric ones into 2-D blocks would copy a million rows per column again.
        copy=False,
    )
    return frame


def _ratings_frame(columns: Columns, answers: pd.DataFrame) -> pd.DataFrame:
    """Likert ratings, one row per rated statement; `answers.index` is the row id they cite."""
    rows, competency, value = columns.rating_row, columns.rating_competency, columns.rating_value
    if len(answers) != len(columns.item):  # duplicates were dropped: so are their ratings
        keep = np.isin(rows, answers.index.to_numpy())
        rows, competency, value = rows[keep], competency[keep], value[keep]
    base = answers.loc[rows, ["participant_key", "item_id", "phase", "latest_attempt"]]
    return pd.DataFrame(
        {
            "participant_key": base["participant_key"].array,  # stays categorical
            "item_id": base["item_id"].array,
            "phase": base["phase"].array,
            "latest_attempt": base["latest_attempt"].to_numpy(),
            "competency": pd.Categorical.from_codes(competency, list(COMPETENCIES)),
            "rating": value,
        }
    )


def _participants_frame(identity: _Identity, answers: pd.DataFrame) -> pd.DataFrame:
    counts = answers["participant_key"].value_counts(sort=False)
    return pd.DataFrame(
        {
            "participant_key": identity.keys,
            "participant": identity.names,
            "files": [", ".join(s) for s in identity.sources],
            "answers": counts.reindex(identity.keys, fill_value=0).to_numpy(dtype=np.int64),
        }
    )


def _file_warnings(files: list[FileReport]) -> list[ResultWarning]:
    return [ResultWarning(f.file, problem) for f in files for problem in f.problems]


def load_results(folder: str | Path, bank: Bank, *, workers: int | None = None) -> LoadedResults:
    """Read every result file in `folder` (see the module docstring for the rules).

    `workers`: parsing processes, this one included (default: one per CPU core for large
    folders, else 1).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"Der Ergebnisordner {display_name(str(folder))} existiert nicht.")
    with gc_paused():  # millions of fresh objects, no cycles: see parsing.gc_paused
        return _load(folder, bank, workers)


def _load(folder: Path, bank: Bank, workers: int | None) -> LoadedResults:
    paths = result_files(folder)
    catalog = build_catalog(bank)
    workers = default_workers(len(paths)) if workers is None else workers
    columns = combine(parse_in_parallel(paths, catalog, workers), catalog)
    keep_rows(columns, apply_score_rules(columns, bank, catalog))
    warnings = _file_warnings(columns.files)
    identity = _identities(columns.files, warnings)
    answers = _answers_frame(columns, identity, bank, catalog)
    warnings.extend(_unreadable_timestamps(answers))
    merged = [identity.keys[code] for code in sorted(identity.merged)]
    if merged:
        answers = _reflag(_deduplicate_merged(answers, merged))
    warnings.sort(key=lambda w: (w.file, w.message))
    return LoadedResults(
        folder=folder,
        answers=answers,
        ratings=_ratings_frame(columns, answers),
        participants=_participants_frame(identity, answers),
        files=columns.files,
        warnings=warnings,
    )


def _unreadable_timestamps(answers: pd.DataFrame) -> list[ResultWarning]:
    missing = answers["timestamp"].isna().to_numpy()
    if not missing.any():
        return []
    counts = answers.loc[missing, "source"].value_counts(sort=False)
    return [
        ResultWarning(
            str(file), f"{count} Zeitstempel unlesbar – Antworten ohne Zeitangabe behalten"
        )
        for file, count in counts.items()
        if count
    ]


def _reflag(answers: pd.DataFrame) -> pd.DataFrame:
    """First/latest flags again after attempts were renumbered."""
    group = (
        answers.groupby(["participant_key", "item_id", "phase"], observed=True, dropna=False)
        .ngroup()
        .to_numpy()
    )
    first, latest = _attempt_flags(group, answers["attempt"].to_numpy())
    return answers.assign(first_attempt=first, latest_attempt=latest)
