"""Group analysis: pure functions of the answers table (see :mod:`.loader`) and the bank.

Attempt rules: item analysis, option counts, scenario endings and the score profile use each
participant's **first** attempt (Moodle's default: what people knew before feedback);
completion counts any attempt; quiz-set and module scores use the **latest** attempt (what
the participant last saw); self-assessments use the latest rating per phase.

Item statistics follow Moodle's quiz statistics:

* facility index = mean score share of the first attempts (0 = nobody right, 1 = all right);
* standard deviation of those shares (n − 1 in the denominator);
* discrimination index = Pearson correlation between the item's score share and the share
  of points the same participant got on the *other* scored items of the module (rest score),
  over participants who answered the item and at least one other item of the module.
  Points-weighted shares, so a participant who skipped items is not pulled down by them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..content.models import COMPETENCIES, SCORED_TYPES
from ..content.validate import Bank
from ..i18n import t
from .loader import EXERCISE, PHASES, LoadedResults

VERY_HARD = 0.2
VERY_EASY = 0.95
POOR_DISCRIMINATION = 0.2
MIN_ANSWERS_FOR_FLAGS = 5  # below this, one person more or less flips any flag
MIN_ANSWERS_FOR_DISCRIMINATION = 3
CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false", "matching")
EXERCISE_LABELS = {
    "team.raci-01": "results.exercise.raci",
    "kreativitaet.post-01": "results.exercise.post",
}
NO_ANSWER = object()  # option key for "nothing chosen"
OTHER = object()  # option key for a text that is not (any longer) an option


# --- labels ----------------------------------------------------------------------------------


_MARKUP = re.compile(r"[*_`#>\[\]]+")


def shorten(text: str, limit: int = 90) -> str:
    """One line of plain text, cut at a word boundary with an ellipsis."""
    plain = " ".join(_MARKUP.sub("", text).split())
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0] + " …"


def item_label(bank: Bank, item_id: str) -> str:
    """A short German label: the item's title, else the start of its prompt."""
    item = bank.items.get(item_id)
    if item is None:
        key = EXERCISE_LABELS.get(item_id)
        return t(key) if key else item_id
    return shorten(item.title or item.prompt, 70)


def module_label(bank: Bank, module: str | None) -> str:
    if module is None or (isinstance(module, float) and np.isnan(module)):
        return t("results.label.no_module")
    found = bank.modules.get(module)
    return found.title if found else str(module)


# --- selections ------------------------------------------------------------------------------


def first_attempts(answers: pd.DataFrame) -> pd.DataFrame:
    return answers[answers["first_attempt"].to_numpy()]


def latest_attempts(answers: pd.DataFrame) -> pd.DataFrame:
    return answers[answers["latest_attempt"].to_numpy()]


def scored_items(bank: Bank) -> dict[str, list[str]]:
    """Per module (bank order) the ids of its scored items (every type but likert)."""
    return {
        name: [i for i in module.item_ids if bank.items[i].type in SCORED_TYPES]
        for name, module in bank.modules.items()
    }


def item_weights(bank: Bank, item_ids: Iterable[str]) -> np.ndarray:
    """Points of each item in the bank (1 for exercises; a scenario counts as 1 point)."""
    return np.array(
        [
            bank.items[i].points if i in bank.items and bank.items[i].type != "scenario" else 1.0
            for i in item_ids
        ],
        dtype=np.float64,
    )


def participant_keys(answers: pd.DataFrame) -> list[str]:
    """Every participant (also those whose answers were all dropped)."""
    return list(map(str, answers["participant_key"].cat.categories.tolist()))


class View:
    """The answers table as integer codes and masks, computed once for every analysis.

    Grouping by category codes with ``np.bincount`` is an order of magnitude faster than
    pandas groupby on a million rows, and the first/latest selections are shared.
    """

    def __init__(self, answers: pd.DataFrame, bank: Bank):
        self.answers, self.bank = answers, bank
        # tolist(): iterating a 10k-entry Index element by element takes ~10 ms.
        self.people = participant_keys(answers)
        self.items = [str(i) for i in answers["item_id"].cat.categories]
        self.modules = [str(m) for m in answers["module"].cat.categories]
        self.person = _codes(answers["participant_key"])
        self.item = _codes(answers["item_id"])
        self.module = _codes(answers["module"])
        self.competency = _codes(answers["competency"])
        self.competencies = [str(c) for c in answers["competency"].cat.categories]
        self.first = answers["first_attempt"].to_numpy()
        self.latest = answers["latest_attempt"].to_numpy()
        self.fraction = answers["fraction"].to_numpy()
        self.scored = ~np.isnan(self.fraction) & answers["phase"].isna().to_numpy()
        self.item_types = np.array(
            [bank.items[i].type if i in bank.items else EXERCISE for i in self.items], dtype=object
        )
        self.weight = item_weights(bank, self.items)[self.item] if len(self.items) else np.zeros(0)
        in_bank_scored = {i for ids in scored_items(bank).values() for i in ids}
        self.bank_scored_item = np.array([i in in_bank_scored for i in self.items], dtype=bool)
        # Scored answers to items of the bank's quiz sets (completion and module shares).
        self.bank_scored = (
            self.scored & self.bank_scored_item[self.item] if len(self.item) else self.scored
        )

    def rows(self, mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask)

    def answer_codes(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code per row, texts by code) of the answers in `rows`.

        The loader's answer column is categorical (each text once); any other column is
        factorised here.
        """
        column = self.answers["answer"]
        if isinstance(column.dtype, pd.CategoricalDtype):
            return _codes(column)[rows], np.asarray(column.cat.categories, dtype=object)
        codes, uniques = pd.factorize(column.to_numpy()[rows])
        return codes, np.asarray(uniques, dtype=object)

    def of_types(self, types: Iterable[str]) -> np.ndarray:
        """Row mask: items of these types."""
        wanted = np.isin(self.item_types, list(types)) if len(self.items) else np.zeros(0, bool)
        return wanted[self.item] if len(self.item) else np.zeros(0, dtype=bool)


def _codes(column: pd.Series) -> np.ndarray:
    # int64: pandas picks int8 codes for few categories, and code arithmetic would overflow.
    return column.cat.codes.to_numpy().astype(np.int64)


def as_view(answers: pd.DataFrame | View, bank: Bank) -> View:
    return answers if isinstance(answers, View) else View(answers, bank)


def _pair_sums(
    first: np.ndarray,
    second: np.ndarray,
    n_second: int,
    n_first: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Sums (or counts) per (first, second) code pair as an n_first × n_second matrix."""
    flat = np.bincount(first * n_second + second, weights=weights, minlength=n_first * n_second)
    return flat.reshape(n_first, n_second)  # fmt: skip


def _bank_module(v: View, names: list[str], rows: np.ndarray) -> np.ndarray:
    """Index into `names` of each row's module (-1: none or not a bank module)."""
    table = np.array([names.index(m) if m in names else -1 for m in v.modules] + [-1])
    return table[v.module[rows]]  # code -1 (no module) picks the trailing -1


# --- completion and scores -------------------------------------------------------------------


def completion(answers: pd.DataFrame | View, bank: Bank) -> pd.DataFrame:
    """Share of each module's scored items a participant answered (any attempt).

    Index: participant key (all participants); columns: modules in bank order; 0..1.
    """
    v = as_view(answers, bank)
    names = list(bank.modules)
    rows = v.first & v.bank_scored
    module = _bank_module(v, names, rows)
    person = v.person[rows]
    keep = module >= 0
    counts = _pair_sums(person[keep], module[keep], len(names), len(v.people))
    totals = np.array([len(ids) for ids in scored_items(bank).values()], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts / np.where(totals > 0, totals, np.nan)
    frame = pd.DataFrame(share, index=pd.Index(v.people, name="participant_key"), columns=names)
    frame.columns.name = "module"
    return frame


def _set_membership(bank: Bank, items: list[str]):
    """Per item code, the quiz sets it belongs to (CSR arrays) and its points there."""
    sets = list(bank.quiz_sets)
    members = [
        [(sets.index(set_id), bank.items[i].points) for set_id in sets if i in bank.quiz_sets[set_id].items]
        if i in bank.items else []
        for i in items
    ]  # fmt: skip
    counts = np.array([len(m) for m in members], dtype=np.int64)
    flat_sets = np.array([s for m in members for s, _ in m], dtype=np.int64)
    flat_points = np.array([p for m in members for _, p in m], dtype=np.float64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
    return sets, counts, offsets, flat_sets, flat_points


@dataclass
class _SetScores:
    """People × quiz sets: points earned and items answered (first or latest attempts)."""

    sets: list[str]
    earned: np.ndarray
    answered: np.ndarray
    maxima: np.ndarray
    totals: np.ndarray
    marks: np.ndarray

    @property
    def score(self) -> np.ndarray:
        return self.earned / self.maxima

    @property
    def passed(self) -> np.ndarray:
        return self.score + 1e-9 >= self.marks


def _set_scores(v: View, bank: Bank, attempt: str) -> _SetScores:
    sets, counts, offsets, flat_sets, flat_points = _set_membership(bank, v.items)
    rows = v.rows((v.latest if attempt == "latest" else v.first) & v.scored)
    item = v.item[rows]
    if not len(counts) or counts.max() <= 1:  # each item in one set at most (the usual bank)
        expanded = rows[counts[item] == 1]
        at = offsets[v.item[expanded]]
    else:  # an answer counts once for every set its item belongs to (CSR expansion)
        per_row = counts[item]
        expanded = np.repeat(rows, per_row)
        within = np.arange(len(expanded)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        at = np.repeat(offsets[item], per_row) + within
    set_code, set_points = flat_sets[at], flat_points[at]
    person = v.person[expanded]
    shape = (len(v.people), len(sets))
    return _SetScores(
        sets=sets,
        earned=_pair_sums(person, set_code, shape[1], shape[0], v.fraction[expanded] * set_points),
        answered=_pair_sums(person, set_code, shape[1], shape[0]),
        maxima=np.array([sum(bank.items[i].points for i in bank.quiz_sets[s].items) for s in sets]),
        totals=np.array([len(bank.quiz_sets[s].items) for s in sets]),
        marks=np.array([bank.quiz_sets[s].pass_mark for s in sets]),
    )


def quiz_set_results(
    answers: pd.DataFrame | View, bank: Bank, attempt: str = "latest"
) -> pd.DataFrame:
    """Per participant × quiz set: points, share, answered items, passed (like the widget).

    Unanswered items count as 0 points; ``attempt`` is "latest" or "first".
    """
    v = as_view(answers, bank)
    scores = _set_scores(v, bank, attempt)
    who, which = np.nonzero(scores.answered)
    return pd.DataFrame(
        {
            "participant_key": [v.people[i] for i in who],
            "quiz_set": [scores.sets[i] for i in which],
            "points": scores.earned[who, which],
            "max_points": scores.maxima[which].astype(float),
            "answered": scores.answered[who, which].astype(int),
            "total": scores.totals[which].astype(int),
            "score": scores.score[who, which],
            "passed": scores.passed[who, which].astype(bool),
        }
    )


def quiz_set_summary(answers: pd.DataFrame | View, bank: Bank) -> pd.DataFrame:
    """Per quiz set: participants, mean share (first / latest attempts) and pass rate.

    Means and pass rate are over participants who answered every item of the set.
    """
    v = as_view(answers, bank)
    latest, first = _set_scores(v, bank, "latest"), _set_scores(v, bank, "first")
    complete = latest.answered >= latest.totals  # people × sets
    count = complete.sum(axis=0)
    sets = latest.sets
    return pd.DataFrame(
        {
            "quiz_set": sets,
            "title": [bank.quiz_sets[s].title for s in sets],
            "module": [bank.module_of(s) for s in sets],
            "items": latest.totals.astype(int),
            "pass_mark": [bank.quiz_sets[s].pass_mark for s in sets],
            "started": (latest.answered > 0).sum(axis=0),
            "complete": count,
            "mean_first": _mean_where(first.score, complete, count),
            "mean_latest": _mean_where(latest.score, complete, count),
            "pass_rate": _mean_where(latest.passed, complete, count),
        }
    )


def _mean_where(values: np.ndarray, mask: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Column means of `values` over the rows where `mask` holds (NaN for no such row)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(mask, values, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _module_shares(v: View, mask: np.ndarray, names: list[str]) -> np.ndarray:
    """Mean over participants of their points share per module (NaN without answers)."""
    rows = v.rows(mask & v.bank_scored)
    module = _bank_module(v, names, rows)
    keep = module >= 0
    rows, module = rows[keep], module[keep]
    person = v.person[rows]
    points = _pair_sums(
        person, module, len(names), len(v.people), v.fraction[rows] * v.weight[rows]
    )
    weight = _pair_sums(person, module, len(names), len(v.people), v.weight[rows])
    # Mean over the participants with answers in the module; none: NaN. (Not nanmean: it
    # warns about empty modules, and silencing warnings is not thread-safe.)
    answered = weight > 0
    share = np.where(answered, points / np.where(answered, weight, 1), 0.0)
    return _mean_where(share, answered, answered.sum(axis=0))


def module_summary(
    answers: pd.DataFrame | View, bank: Bank, done: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per module: participants with answers, mean completion, mean score (first / latest).

    `done` is :func:`completion` if already computed.
    """
    v = as_view(answers, bank)
    if done is None:
        done = completion(v, bank)
    names = list(bank.modules)
    first, latest = _module_shares(v, v.first, names), _module_shares(v, v.latest, names)
    shares = done[names].to_numpy(dtype=np.float64)  # people × modules
    active = shares > 0
    participants = active.sum(axis=0)
    return pd.DataFrame(
        {
            "module": names,
            "title": [module.title for module in bank.modules.values()],
            "participants": participants,
            "completion": _mean_where(shares, active, participants),
            "complete": (shares >= 1 - 1e-9).sum(axis=0),
            "mean_first": first,
            "mean_latest": latest,
        }
    )


# --- item analysis ---------------------------------------------------------------------------


def discrimination(
    person: np.ndarray,
    module: np.ndarray,
    item: np.ndarray,
    share: np.ndarray,
    weight: np.ndarray,
    items: int,
) -> np.ndarray:
    """Discrimination index per item code (first attempts, one row per person and item).

    Correlation of the item share with the share of the rest of its module, over
    participants with the item and at least one other item of the module; NaN with fewer
    than 3 such people or no variance. Works on the rows themselves, every module at once
    (module -1: exercises recorded without one).
    """  # fmt: skip
    modules = int(module.max()) + 2 if len(module) else 1
    group = person * modules + (module + 1)
    total_points = np.bincount(group, weights=share * weight)
    total_weight = np.bincount(group, weights=weight)
    rest_weight = total_weight[group] - weight
    valid = (weight > 0) & (rest_weight > 0)
    code, mine = item[valid], share[valid]
    rest = (total_points[group[valid]] - (share * weight)[valid]) / rest_weight[valid]
    n = np.bincount(code, minlength=items)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_mine = mine - (np.bincount(code, weights=mine, minlength=items) / n)[code]
        d_rest = rest - (np.bincount(code, weights=rest, minlength=items) / n)[code]
        spread = np.sqrt(
            np.bincount(code, weights=d_mine**2, minlength=items)
            * np.bincount(code, weights=d_rest**2, minlength=items)
        )
        index = np.bincount(code, weights=d_mine * d_rest, minlength=items) / spread
    ok = (n >= MIN_ANSWERS_FOR_DISCRIMINATION) & (spread > 1e-12)
    return np.where(ok, index, np.nan)


def item_analysis(
    answers: pd.DataFrame | View, bank: Bank, options: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per scored item (first attempts): n, facility, SD, discrimination and German flags.

    `options` is :func:`option_counts` if already computed (for the distractor flags).
    """
    v = as_view(answers, bank)
    columns = ["item_id", "module", "item_type", "competency", "label", "n", "facility", "sd"]
    rows = v.rows(v.first & v.scored)
    if not len(rows):
        return pd.DataFrame(columns=[*columns, "discrimination", "remarks"])
    item, share = v.item[rows], v.fraction[rows]
    n = np.bincount(item, minlength=len(v.items))
    total = np.bincount(item, weights=share, minlength=len(v.items))
    squares = np.bincount(item, weights=share**2, minlength=len(v.items))
    codes = np.flatnonzero(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        facility = total[codes] / n[codes]
        variance = (squares[codes] - n[codes] * facility**2) / (n[codes] - 1)
    index = discrimination(
        v.person[rows], v.module[rows], item, share, v.weight[rows], len(v.items)
    )
    # One row per item tells its module and competency (reversed: the first row wins).
    any_row = np.full(len(v.items), -1, dtype=np.int64)
    any_row[item[::-1]] = rows[::-1]
    first_row = dict(enumerate(any_row.tolist()))
    if options is None:
        options = option_counts(v, bank)
    unchosen = unchosen_distractors(options)
    stats = pd.DataFrame(
        {
            "item_id": [v.items[c] for c in codes],
            "module": [v.modules[v.module[first_row[c]]] if v.module[first_row[c]] >= 0 else None
                       for c in codes],
            "item_type": [v.item_types[c] for c in codes],
            "competency": [v.competencies[v.competency[first_row[c]]]
                           if v.competency[first_row[c]] >= 0 else None for c in codes],
            "label": [item_label(bank, v.items[c]) for c in codes],
            "n": n[codes],
            "facility": facility,
            "sd": np.sqrt(np.clip(variance, 0, None)),
            "discrimination": index[codes],
        }
    )  # fmt: skip
    stats["remarks"] = [
        item_flags(row.n, row.facility, row.discrimination, unchosen.get(row.item_id, []))
        for row in stats.itertuples()
    ]
    order = {item_id: number for number, item_id in enumerate(bank.items)}
    stats["_order"] = stats["item_id"].map(order).fillna(len(order))
    stats = stats.sort_values(["_order", "item_id"]).drop(columns="_order")
    return stats[[*columns, "discrimination", "remarks"]].reset_index(drop=True)


def item_flags(
    n: int, facility: float, discrimination_index: float, unchosen: list[str]
) -> list[str]:
    """German reasons to look at an item again (none below MIN_ANSWERS_FOR_FLAGS answers)."""
    if n < MIN_ANSWERS_FOR_FLAGS:
        return []
    flags = []
    if facility < VERY_HARD:
        flags.append(t("results.flag.very_hard"))
    elif facility > VERY_EASY:
        flags.append(t("results.flag.very_easy"))
    if not np.isnan(discrimination_index):
        if discrimination_index < 0:
            flags.append(t("results.flag.negative"))
        elif discrimination_index < POOR_DISCRIMINATION:
            flags.append(t("results.flag.poor"))
    for option in unchosen:
        flags.append(t("results.flag.unchosen", option=shorten(option, 40)))
    return flags


# --- options and distractors -----------------------------------------------------------------


def _answer_counts(v: View, item_types: Iterable[str]) -> list[tuple[str, str, int]]:
    """(item id, answer text, count) of first attempts of these types.

    Choice answers repeat a lot, so each distinct text is parsed once by the caller.
    """
    rows = v.rows(v.first & v.of_types(item_types))
    if not len(rows):
        return []
    text_codes, uniques = v.answer_codes(rows)
    keys = v.item[rows].astype(np.int64) * len(uniques) + text_codes
    found, counts = np.unique(keys, return_counts=True)
    return [
        (v.items[key // len(uniques)], uniques[key % len(uniques)], int(count))
        for key, count in zip(found, counts, strict=True)
    ]


def option_counts(answers: pd.DataFrame | View, bank: Bank) -> pd.DataFrame:
    """How often each option was chosen on the first attempt (choice and matching items).

    Columns: item_id, entry (matching: the left entry), option, correct, count, n, share.
    Multiple choice counts each ticked option (shares add up to more than 1).
    """
    v = as_view(answers, bank)
    records: list[dict[str, Any]] = []
    counted: dict[str, Counter] = {}
    totals: Counter[str] = Counter()
    for item_id, text, count in _answer_counts(v, CHOICE_TYPES):
        item = bank.items.get(item_id)
        if item is None:
            continue
        tally = counted.setdefault(item_id, Counter())
        totals[item_id] += count
        for key in _chosen(item, json.loads(text)):
            tally[key] += count
    for item_id in sorted(counted, key=list(bank.items).index):
        records.extend(_option_rows(bank.items[item_id], counted[item_id], totals[item_id]))
    return pd.DataFrame(
        records,
        columns=["item_id", "entry", "option", "correct", "distractor", "count", "n", "share"],
    )


def _chosen(item: Any, answer: Any) -> list[Any]:
    """Keys of what one answer chose: option index, True/False, or (left index, right text)."""
    if item.type == "single_choice":
        return [NO_ANSWER if answer is None else answer]
    if item.type == "multiple_choice":
        return sorted(set(answer)) or [NO_ANSWER]
    if item.type == "true_false":
        return [NO_ANSWER if answer is None else bool(answer)]
    rights = {p.right for p in item.pairs} | set(item.distractors)
    keys = []
    for index in range(len(item.pairs)):
        chosen = answer[index] if index < len(answer) else None
        keys.append((index, NO_ANSWER if chosen is None else chosen if chosen in rights else OTHER))
    return keys


def _option_rows(item: Any, tally: Counter, n: int) -> list[dict[str, Any]]:
    def row(entry: str, option: str, correct: bool, distractor: bool, count: int):
        return {
            "item_id": item.id,
            "entry": entry,
            "option": option,
            "correct": correct,
            "distractor": distractor,
            "count": count,
            "n": n,
            "share": count / n if n else np.nan,
        }

    no_answer = t("results.label.no_answer")
    rows = []
    if item.type in ("single_choice", "multiple_choice"):
        for index, option in enumerate(item.options):
            rows.append(row("", option.text, option.correct, not option.correct, tally[index]))
    elif item.type == "true_false":
        for value in (True, False):
            label = t("label.true") if value else t("label.false")
            rows.append(row("", label, value == item.answer, False, tally[value]))
    else:  # matching
        rights = [p.right for p in item.pairs] + list(item.distractors)
        for index, pair in enumerate(item.pairs):
            for right in rights:
                rows.append(
                    row(pair.left, right, right == pair.right, right in item.distractors,
                        tally[(index, right)])
                )  # fmt: skip
            for key, label in ((OTHER, t("results.label.other")), (NO_ANSWER, no_answer)):
                if tally[(index, key)]:
                    rows.append(row(pair.left, label, False, False, tally[(index, key)]))
    if tally[NO_ANSWER]:
        rows.append(row("", no_answer, False, False, tally[NO_ANSWER]))
    return rows


def unchosen_distractors(options: pd.DataFrame) -> dict[str, list[str]]:
    """Per item, the distractors nobody chose (only with enough answers to tell)."""
    found: dict[str, list[str]] = {}
    if options.empty:
        return found
    wrong = options[options["distractor"] & (options["n"] >= MIN_ANSWERS_FOR_FLAGS)]
    # Matching distractors are offered for every left entry: unchosen means on none of them.
    totals = wrong.groupby(["item_id", "option"], sort=False)["count"].sum()
    for (item_id, option), count in totals.items():
        if count == 0:
            found.setdefault(item_id, []).append(option)
    return found


# --- scenarios -------------------------------------------------------------------------------


def _scenario_answers(v: View) -> list[tuple[str, dict, int]]:
    return [(i, json.loads(text), n) for i, text, n in _answer_counts(v, ["scenario"])]


def scenario_endings(answers: pd.DataFrame | View, bank: Bank) -> pd.DataFrame:
    """Per scenario and ending (first playthroughs): count and share; unfinished runs too."""
    tallies: dict[str, Counter] = {}
    for item_id, record, count in _scenario_answers(as_view(answers, bank)):
        ending = record.get("ending")
        tallies.setdefault(item_id, Counter())[ending] += count
    records = []
    for item_id, item in bank.items.items():
        if item.type != "scenario" or item_id not in tallies:
            continue
        tally, total = tallies[item_id], sum(tallies[item_id].values())
        endings = [n for n in item.nodes if n.ending is not None]
        known = {n.id for n in endings}
        for node in endings:
            records.append(_ending_row(item, node.id, node.ending.title, node.ending.rating,
                                       tally[node.id], total))  # fmt: skip
        open_runs = sum(c for e, c in tally.items() if e not in known)
        if open_runs:
            records.append(
                _ending_row(item, "", t("results.label.unfinished"), "", open_runs, total)
            )
    return pd.DataFrame(
        records,
        columns=["item_id", "scenario", "ending", "ending_title", "rating", "count", "n", "share"],
    )


def _ending_row(item: Any, ending: str, title: str, rating: str, count: int, total: int):
    return {
        "item_id": item.id,
        "scenario": item.title,
        "ending": ending,
        "ending_title": title,
        "rating": rating,
        "count": count,
        "n": total,
        "share": count / total if total else np.nan,
    }


def scenario_paths(answers: pd.DataFrame | View, bank: Bank, top: int = 3) -> pd.DataFrame:
    """The `top` most common paths per scenario (first playthroughs), with their ending."""
    tallies: dict[str, Counter] = {}
    for item_id, record, count in _scenario_answers(as_view(answers, bank)):
        path = tuple(record.get("path") or ())
        tallies.setdefault(item_id, Counter())[(path, record.get("ending"))] += count
    records = []
    for item_id, tally in tallies.items():
        item = bank.items.get(item_id)
        if item is None:
            continue
        nodes = item.node_map
        total = sum(tally.values())
        ranked = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0][0]))
        for rank, ((path, ending), count) in enumerate(ranked[:top], start=1):
            node = nodes.get(ending) if ending else None
            finished = node is not None and node.ending is not None
            records.append(
                {
                    "item_id": item_id,
                    "scenario": item.title,
                    "rank": rank,
                    "path": " → ".join(path),
                    "steps": len(path),
                    "ending_title": node.ending.title
                    if finished
                    else t("results.label.unfinished"),
                    "rating": node.ending.rating if finished else "",
                    "count": count,
                    "n": total,
                    "share": count / total,
                }
            )
    return pd.DataFrame(
        records,
        columns=["item_id", "scenario", "rank", "path", "steps", "ending_title", "rating", "count",
                 "n", "share"],
    )  # fmt: skip


# --- free texts ------------------------------------------------------------------------------


def free_texts(answers: pd.DataFrame | View, bank: Bank) -> pd.DataFrame:
    """Latest free-text answers (and exercise drafts with a text) for the trainer to read.

    Sorted by item (bank order), then by participant name.
    """
    v = as_view(answers, bank)
    rows = v.rows(v.latest & v.of_types(["free_text", EXERCISE]))
    codes, texts = v.answer_codes(rows)
    # Each distinct answer once (people do copy each other's wording): its text, if any.
    distinct, codes = np.unique(codes, return_inverse=True)
    shown_texts, readable = _readable_texts(texts[distinct])
    # Exercises count only if their record has a text (a draft), free-text items always.
    has_text = np.array(['"text"' in text for text in texts[distinct]], dtype=bool)
    candidate = (v.item_types[v.item[rows]] == "free_text") | has_text[codes]
    keep = candidate & readable[codes]
    rows, kept = rows[keep], shown_texts[codes[keep]]
    shown = v.answers["participant"]  # categorical: names by code, no million-row copy
    name_codes = _codes(shown)[rows]
    names = np.array(list(map(str, shown.cat.categories.tolist())) or [""], dtype=object)
    items = np.array(v.items or [""], dtype=object)
    labels = {code: item_label(bank, v.items[code]) for code in np.unique(v.item[rows])}
    order = {item_id: n for n, item_id in enumerate(bank.items)}
    item_rank = np.array([order.get(i, len(order)) for i in v.items] or [0])[v.item[rows]]
    name_rank = np.argsort(np.argsort(names))[name_codes] if len(rows) else name_codes
    sort = np.lexsort((name_rank, v.item[rows], item_rank))
    rows, name_codes = rows[sort], name_codes[sort]
    return pd.DataFrame(
        {
            "item_id": items[v.item[rows]],
            "label": [labels[c] for c in v.item[rows]],
            "participant_key": np.array(v.people or [""], dtype=object)[v.person[rows]],
            "participant": names[name_codes],
            "text": kept[sort],
            "fraction": v.fraction[rows],
            "attempt": v.answers["attempt"].to_numpy()[rows],
        },
        columns=["item_id", "label", "participant_key", "participant", "text", "fraction",
                 "attempt"],
    )  # fmt: skip


def _readable_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per answer JSON text: the text a person wrote (a string, or a record's "text"), and
    whether there is one that is not blank."""
    # Every answer text is valid JSON (the loader wrote it): parse them all in one call.
    values = json.loads("[" + ",".join(texts.tolist()) + "]") if len(texts) else []
    shown = np.full(len(values), None, dtype=object)
    readable = np.zeros(len(values), dtype=bool)
    for index, value in enumerate(values):
        text = value.get("text") if isinstance(value, dict) else value
        if isinstance(text, str) and text.strip():
            shown[index], readable[index] = text, True
    return shown, readable


# --- competency profiles ---------------------------------------------------------------------


def self_assessment_profile(ratings: pd.DataFrame) -> pd.DataFrame:
    """Mean self-assessment (1–5) per competency and phase: mean over participants of their
    own mean (latest rating per item and phase). Index: competencies; columns: phases."""
    result = pd.DataFrame(np.nan, index=list(COMPETENCIES), columns=list(PHASES))
    phases = [str(p) for p in ratings["phase"].cat.categories] if len(ratings) else []
    if not len(ratings):
        return result
    people = len(ratings["participant_key"].cat.categories)
    person, phase = _codes(ratings["participant_key"]), _codes(ratings["phase"])
    competency = _codes(ratings["competency"])
    value = ratings["rating"].to_numpy(dtype=np.float64)
    latest = ratings["latest_attempt"].to_numpy() & (phase >= 0)
    for code, name in enumerate(phases):
        if name not in PHASES:
            continue
        rows = latest & (phase == code)
        shape = (people, len(COMPETENCIES))
        total = _pair_sums(person[rows], competency[rows], shape[1], shape[0], value[rows])
        count = _pair_sums(person[rows], competency[rows], shape[1], shape[0])
        with np.errstate(invalid="ignore", divide="ignore"):
            own = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
        answered = (count > 0).sum(axis=0)
        sums = np.nansum(own, axis=0)
        result[name] = np.where(answered > 0, sums / np.maximum(answered, 1), np.nan)
    return result


def score_profile(answers: pd.DataFrame | View, bank: Bank) -> pd.Series:
    """Mean share of points per competency (first attempts; mean over participants)."""
    v = as_view(answers, bank)
    rows = v.rows(v.first & v.scored & (v.competency >= 0))
    if not len(rows):
        return pd.Series(np.nan, index=list(COMPETENCIES))
    person, competency, weight = v.person[rows], v.competency[rows], v.weight[rows]
    size = (len(v.people), len(v.competencies))
    points = _pair_sums(person, competency, size[1], size[0], v.fraction[rows] * weight)
    weights = _pair_sums(person, competency, size[1], size[0], weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(weights > 0, points / np.where(weights > 0, weights, 1), np.nan)
    means = pd.DataFrame(share, columns=v.competencies).mean(axis=0)
    return means.reindex(list(COMPETENCIES))


def competency_profile(
    answers: pd.DataFrame | View, ratings: pd.DataFrame, bank: Bank
) -> pd.DataFrame:
    """Per competency: self-assessment before and after (1–5) and the score share (0–1)."""
    profile = self_assessment_profile(ratings)
    profile["score"] = score_profile(answers, bank)
    profile.index.name = "competency"
    return profile


def participant_profile(
    answers: pd.DataFrame, ratings: pd.DataFrame, bank: Bank, key: str
) -> pd.DataFrame:
    """One participant's competency profile (same columns as the group's)."""
    mine = answers[(answers["participant_key"] == key).to_numpy()]
    return competency_profile(mine, ratings[(ratings["participant_key"] == key).to_numpy()], bank)


def completed_modules(done: pd.DataFrame, key: str, threshold: float) -> list[str]:
    """Modules whose completion share for `key` reaches `threshold`, in bank order."""
    if key not in done.index:
        return []
    row = done.loc[key]
    return [module for module, share in row.items() if share >= threshold - 1e-9]


# --- everything ------------------------------------------------------------------------------


@dataclass
class Analysis:
    """All sections of the trainer report, as tables with English column names."""

    completion: pd.DataFrame
    quiz_sets: pd.DataFrame
    modules: pd.DataFrame
    items: pd.DataFrame
    options: pd.DataFrame
    endings: pd.DataFrame
    paths: pd.DataFrame
    free_texts: pd.DataFrame
    profile: pd.DataFrame


def analyse(loaded: LoadedResults, bank: Bank, *, threads: int = 2) -> Analysis:
    """Every analysis of the report (pure: the loaded tables and the bank in, tables out).

    The sections only read the shared view, and most of their time is in numpy, which
    releases the GIL: `threads` run them side by side (1: one after the other).
    """
    view = View(loaded.answers, bank)

    def items() -> tuple[pd.DataFrame, pd.DataFrame]:
        options = option_counts(view, bank)
        return options, item_analysis(view, bank, options)

    def modules() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        done = completion(view, bank)
        return done, quiz_set_summary(view, bank), module_summary(view, bank, done)

    def scenarios_and_texts() -> tuple[pd.DataFrame, ...]:
        return (
            scenario_endings(view, bank),
            scenario_paths(view, bank),
            free_texts(view, bank),
            competency_profile(view, loaded.ratings, bank),
        )

    sections = (items, modules, scenarios_and_texts)
    if threads > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = [future.result() for future in [pool.submit(s) for s in sections]]
    else:
        results = [section() for section in sections]
    (options, item_table), (done, quiz_sets, module_table), rest = results
    endings, paths, texts, profile = rest
    return Analysis(
        completion=done,
        quiz_sets=quiz_sets,
        modules=module_table,
        items=item_table,
        options=options,
        endings=endings,
        paths=paths,
        free_texts=texts,
        profile=profile,
    )
