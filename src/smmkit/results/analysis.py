"""Group analysis: pure functions of the answers table (see :mod:`.loader`) and the bank.

Item analysis, option counts, scenario endings and the score profile use each participant's
first attempt (like Moodle: what people knew before the feedback); completion counts any
attempt; quiz-set and module scores use the latest attempt; self-assessments the latest
rating per phase. Facility = mean share of points; SD with n − 1; discrimination = Pearson
correlation of the item's share with the participant's points-weighted share on the other
scored items of the module (docs/results.md says how to read them).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import exercises
from ..bank.models import COMPETENCIES, SCORED_TYPES
from ..bank.validate import Bank
from ..i18n import t
from .loader import EXERCISE, PHASES, LoadedResults

VERY_HARD = 0.2
VERY_EASY = 0.95
POOR_DISCRIMINATION = 0.2
MIN_ANSWERS_FOR_FLAGS = 5  # below this, one person more or less flips any flag
MIN_ANSWERS_FOR_DISCRIMINATION = 3
CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false", "matching")
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
        key = exercises.label_key(item_id)
        return t(key) if key else item_id
    return shorten(item.title or item.prompt, 70)


def module_label(bank: Bank, module: str | None) -> str:
    if module is None or (isinstance(module, float) and np.isnan(module)):
        return t("results.label.no_module")
    found = bank.modules.get(module)
    return found.title if found else str(module)


# --- selections ------------------------------------------------------------------------------


def scored_items(bank: Bank) -> dict[str, list[str]]:
    """Per module (bank order) the ids of its scored items (every type but likert)."""
    return {
        name: [i for i in module.item_ids if bank.items[i].type in SCORED_TYPES]
        for name, module in bank.modules.items()
    }


def scored_rows(
    answers: pd.DataFrame, bank: Bank, attempt: str, *, modules_only: bool = False
) -> pd.DataFrame:
    """The scored answers (no self-assessment, no phase) of the "first" or "latest"
    attempts, with each item's `weight`: its points (a scenario or an exercise counts 1).

    `modules_only`: only the scored items of the bank's modules (what completion counts).
    """
    mask = answers[f"{attempt}_attempt"] & answers["fraction"].notna() & answers["phase"].isna()
    if modules_only:
        mask &= answers["item_id"].isin([i for ids in scored_items(bank).values() for i in ids])
    columns = ["participant_key", "module", "item_id", "item_type", "competency", "fraction"]
    rows = answers.loc[mask, columns]  # (a copy of every column would cost more than the rest)
    points = {i: item.points for i, item in bank.items.items() if item.type != "scenario"}
    weight = rows["item_id"].map(points).astype(float).fillna(1.0)
    return rows.assign(weight=weight, points=rows["fraction"] * weight)


def _answer_counts(
    answers: pd.DataFrame, bank: Bank, item_types: Iterable[str]
) -> list[tuple[str, Any, int]]:
    """(item id, answer, how many gave it) over the first attempts of these item types of
    the bank; each distinct answer is parsed once."""
    mask = answers["first_attempt"] & answers["item_type"].isin(list(item_types))
    rows = answers.loc[mask & answers["item_id"].isin(list(bank.items)), ["item_id", "answer"]]
    counts = rows.groupby(["item_id", "answer"], observed=True, sort=False).size()
    return [(str(item), json.loads(text), int(n)) for (item, text), n in counts.items()]


def _in_bank_order(bank: Bank, frame: pd.DataFrame, *then: str) -> pd.DataFrame:
    """Rows sorted by the item's place in the bank (items not in it last, by id), then by
    the columns `then`."""
    order = {item_id: number for number, item_id in enumerate(bank.items)}
    rank = frame["item_id"].map(order).fillna(len(order))
    return frame.assign(_rank=rank).sort_values(["_rank", "item_id", *then], kind="stable")


# --- completion and scores -------------------------------------------------------------------


def completion(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Share of each module's scored items a participant answered (any attempt).

    Index: participant key (all participants); columns: modules in bank order; 0..1.
    """
    rows = scored_rows(answers, bank, "first", modules_only=True)
    counts = rows.groupby(["participant_key", "module"], observed=True).size().unstack()
    # Every participant: the loader's key categories include those whose answers were all
    # dropped; a plain column has those with answers.
    keys = answers["participant_key"]
    people = keys.cat.categories if isinstance(keys.dtype, pd.CategoricalDtype) else keys.unique()
    done = counts.reindex(index=[str(key) for key in people], columns=list(bank.modules))
    done = done.fillna(0).astype(float)
    totals = pd.Series({name: len(ids) for name, ids in scored_items(bank).items()}, dtype=float)
    done = done / totals.where(totals > 0)
    done.index.name, done.columns.name = "participant_key", "module"
    return done


def quiz_set_results(answers: pd.DataFrame, bank: Bank, attempt: str = "latest") -> pd.DataFrame:
    """Per participant × quiz set: points, share, answered items, passed (like the widget).

    Unanswered items count as 0 points; ``attempt`` is "latest" or "first". An answer counts
    for every quiz set its item belongs to.
    """
    sets = bank.quiz_sets
    members = pd.DataFrame(
        [(set_id, item_id, bank.items[item_id].points)
         for set_id, quiz_set in sets.items() for item_id in quiz_set.items],
        columns=["quiz_set", "item_id", "item_points"],
    ).astype({"quiz_set": pd.CategoricalDtype(list(sets))})  # fmt: skip
    rows = scored_rows(answers, bank, attempt)[["participant_key", "item_id", "fraction"]]
    found = rows.merge(members.astype({"item_id": rows["item_id"].dtype}), on="item_id")
    found["earned"] = found["fraction"] * found["item_points"]
    # Grouped by categories: participants in the loader's order, quiz sets in bank order.
    table = found.groupby(["participant_key", "quiz_set"], observed=True).agg(
        points=("earned", "sum"), answered=("earned", "size")
    )
    table = table.reset_index().astype({"participant_key": str, "quiz_set": str})
    table["max_points"] = table["quiz_set"].map(
        {i: float(sum(bank.items[item].points for item in s.items)) for i, s in sets.items()}
    )
    table["total"] = table["quiz_set"].map({i: len(s.items) for i, s in sets.items()})
    table["score"] = table["points"] / table["max_points"]
    pass_mark = table["quiz_set"].map({i: s.pass_mark for i, s in sets.items()})
    table["passed"] = table["score"] + 1e-9 >= pass_mark
    columns = ["participant_key", "quiz_set", "points", "max_points", "answered", "total",
               "score", "passed"]  # fmt: skip
    return table[columns]


def quiz_set_summary(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Per quiz set: participants, mean share (first / latest attempts) and pass rate.

    Means and pass rate are over participants who answered every item of the set.
    """
    latest = quiz_set_results(answers, bank, "latest")
    first = quiz_set_results(answers, bank, "first")
    complete = latest[latest["answered"] >= latest["total"]]
    first = first.merge(
        complete[["participant_key", "quiz_set"]], on=["participant_key", "quiz_set"]
    )
    sets = list(bank.quiz_sets)
    return pd.DataFrame(
        {
            "quiz_set": sets,
            "title": [bank.quiz_sets[s].title for s in sets],
            "module": [bank.module_of(s) for s in sets],
            "items": [len(bank.quiz_sets[s].items) for s in sets],
            "pass_mark": [bank.quiz_sets[s].pass_mark for s in sets],
            "started": latest.groupby("quiz_set").size().reindex(sets, fill_value=0).to_numpy(),
            "complete": complete.groupby("quiz_set").size().reindex(sets, fill_value=0).to_numpy(),
            "mean_first": first.groupby("quiz_set")["score"].mean().reindex(sets).to_numpy(),
            "mean_latest": complete.groupby("quiz_set")["score"].mean().reindex(sets).to_numpy(),
            "pass_rate": complete.groupby("quiz_set")["passed"].mean().reindex(sets).to_numpy(),
        }
    )  # fmt: skip


def _mean_share(rows: pd.DataFrame, by: str) -> pd.Series:
    """Per value of `by` (module, competency): the mean over the participants with answers
    there of their share of the points (see :func:`scored_rows`)."""
    sums = rows.groupby(["participant_key", by], observed=True)[["points", "weight"]].sum()
    shares = (sums["points"] / sums["weight"])[sums["weight"] > 0]
    return shares.groupby(level=by, observed=True).mean()


def module_summary(
    answers: pd.DataFrame, bank: Bank, done: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per module: participants with answers, mean completion, mean score (first / latest).

    `done` is :func:`completion` if already computed.
    """
    if done is None:
        done = completion(answers, bank)
    names = list(bank.modules)
    shares = done[names]
    active = shares > 0
    mean = {attempt: _mean_share(scored_rows(answers, bank, attempt, modules_only=True), "module")
            for attempt in ("first", "latest")}  # fmt: skip
    return pd.DataFrame(
        {
            "module": names,
            "title": [module.title for module in bank.modules.values()],
            "participants": active.sum(axis=0).to_numpy(),
            "completion": shares.where(active).mean(axis=0).to_numpy(),
            "complete": (shares >= 1 - 1e-9).sum(axis=0).to_numpy(),
            "mean_first": mean["first"].reindex(names).to_numpy(),
            "mean_latest": mean["latest"].reindex(names).to_numpy(),
        }
    )


# --- item analysis ---------------------------------------------------------------------------


def discrimination(rows: pd.DataFrame) -> pd.Series:
    """Discrimination index per item id, from scored first attempts (see :func:`scored_rows`).

    Correlation of the item share with the participant's share on the rest of its module,
    over participants with the item and at least one other item of the module; NaN with
    fewer than 3 such people or no variance. Exercises without a module form one group.
    """
    groups = rows.groupby(["participant_key", "module"], observed=True, dropna=False)
    rest_weight = groups["weight"].transform("sum") - rows["weight"]
    rest_points = groups["points"].transform("sum") - rows["points"]
    valid = (rows["weight"] > 0) & (rest_weight > 0)
    pairs = rows.loc[valid, ["item_id", "fraction"]].rename(columns={"fraction": "mine"})
    pairs["rest"] = rest_points[valid] / rest_weight[valid]
    by_item = pairs.groupby("item_id", observed=True)
    mine = pairs["mine"] - by_item["mine"].transform("mean")
    rest = pairs["rest"] - by_item["rest"].transform("mean")
    sums = pd.DataFrame({"both": mine * rest, "mine": mine**2, "rest": rest**2})
    sums = sums.groupby(pairs["item_id"], observed=True).sum()
    spread = np.sqrt(sums["mine"] * sums["rest"])
    enough = (by_item.size() >= MIN_ANSWERS_FOR_DISCRIMINATION) & (spread > 1e-12)
    return (sums["both"] / spread).where(enough)


def item_analysis(
    answers: pd.DataFrame, bank: Bank, options: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per scored item (first attempts): n, facility, SD, discrimination and German flags.

    `options` is :func:`option_counts` if already computed (for the distractor flags).
    """
    columns = ["item_id", "module", "item_type", "competency", "label", "n", "facility", "sd",
               "discrimination", "remarks"]  # fmt: skip
    rows = scored_rows(answers, bank, "first")
    if rows.empty:
        return pd.DataFrame(columns=columns)
    stats = rows.groupby("item_id", observed=True).agg(
        n=("fraction", "size"), facility=("fraction", "mean"), sd=("fraction", "std")
    )
    stats["discrimination"] = discrimination(rows)
    # Module, type and competency as the item's first answer gives them (exercises: the
    # module the widget recorded).
    first = rows.drop_duplicates("item_id").set_index("item_id")
    for column in ("module", "item_type", "competency"):
        stats[column] = first[column].astype(object)
    stats = stats.reset_index().astype({"item_id": str})
    stats["label"] = [item_label(bank, i) for i in stats["item_id"]]
    unchosen = unchosen_distractors(
        options if options is not None else option_counts(answers, bank)
    )
    stats["remarks"] = [
        item_flags(row.n, row.facility, row.discrimination, unchosen.get(row.item_id, []))
        for row in stats.itertuples()
    ]
    return _in_bank_order(bank, stats)[columns].reset_index(drop=True)


def item_flags(
    n: int, facility: float, discrimination_index: float, unchosen: list[str]
) -> list[str]:
    """German reasons to look at an item again (none below MIN_ANSWERS_FOR_FLAGS answers)."""
    if n < MIN_ANSWERS_FOR_FLAGS:
        return []
    flags = [t("results.flag.very_hard")] if facility < VERY_HARD else []
    if facility > VERY_EASY:
        flags.append(t("results.flag.very_easy"))
    if discrimination_index < 0:  # (False for NaN: no index)
        flags.append(t("results.flag.negative"))
    elif discrimination_index < POOR_DISCRIMINATION:
        flags.append(t("results.flag.poor"))
    return flags + [t("results.flag.unchosen", option=shorten(o, 40)) for o in unchosen]


# --- options and distractors -----------------------------------------------------------------


def option_counts(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """How often each option was chosen on the first attempt (choice and matching items).

    Columns: item_id, entry (matching: the left entry), option, correct, distractor, count,
    n, share. Multiple choice counts each ticked option (shares add up to more than 1).
    """
    tallies: dict[str, Counter] = {}
    totals: Counter[str] = Counter()
    for item_id, answer, count in _answer_counts(answers, bank, CHOICE_TYPES):
        totals[item_id] += count
        for key in _chosen(bank.items[item_id], answer):
            tallies.setdefault(item_id, Counter())[key] += count
    records = [row for item_id in bank.items if item_id in tallies
               for row in _option_rows(bank.items[item_id], tallies[item_id])]  # fmt: skip
    return _with_shares(records, ["item_id", "entry", "option", "correct", "distractor"], totals)


def _with_shares(records: list[tuple], columns: list[str], totals: Counter) -> pd.DataFrame:
    """A table of `records` (each ending with a count) with the item's total n and the share."""
    frame = pd.DataFrame(records, columns=[*columns, "count"])
    frame["n"] = frame["item_id"].map(totals).astype(int)
    frame["share"] = frame["count"] / frame["n"]
    return frame


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


def _option_rows(item: Any, tally: Counter) -> list[tuple]:
    """(item, entry, option, correct, distractor, count) of every option of one item."""
    no_answer = t("results.label.no_answer")
    rows = []
    if item.type in ("single_choice", "multiple_choice"):
        for index, option in enumerate(item.options):
            rows.append((item.id, "", option.text, option.correct, not option.correct,
                         tally[index]))  # fmt: skip
    elif item.type == "true_false":
        for value in (True, False):
            label = t("label.true") if value else t("label.false")
            rows.append((item.id, "", label, value == item.answer, False, tally[value]))
    else:  # matching: every right-hand text (and distractor) for every left entry
        rights = [p.right for p in item.pairs] + list(item.distractors)
        for index, pair in enumerate(item.pairs):
            for right in rights:
                rows.append((item.id, pair.left, right, right == pair.right,
                             right in item.distractors, tally[index, right]))  # fmt: skip
            for key, label in ((OTHER, t("results.label.other")), (NO_ANSWER, no_answer)):
                if tally[index, key]:
                    rows.append((item.id, pair.left, label, False, False, tally[index, key]))
    if tally[NO_ANSWER]:
        rows.append((item.id, "", no_answer, False, False, tally[NO_ANSWER]))
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


def scenario_endings(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Per scenario and ending (first playthroughs): count and share; unfinished runs too."""
    tallies: dict[str, Counter] = {}
    for item_id, record, count in _answer_counts(answers, bank, ["scenario"]):
        tallies.setdefault(item_id, Counter())[record.get("ending")] += count
    records = []
    for item_id, tally in sorted(tallies.items(), key=lambda pair: list(bank.items).index(pair[0])):
        item = bank.items[item_id]
        endings = [node for node in item.nodes if node.ending is not None]
        for node in endings:
            ending = node.ending
            records.append((item_id, item.title, node.id, ending.title, ending.rating,
                            tally[node.id]))  # fmt: skip
        known = {node.id for node in endings}
        unfinished = sum(count for ending, count in tally.items() if ending not in known)
        if unfinished:
            records.append((item_id, item.title, "", t("results.label.unfinished"), "", unfinished))
    totals = Counter({item_id: sum(tally.values()) for item_id, tally in tallies.items()})
    return _with_shares(records, ["item_id", "scenario", "ending", "ending_title", "rating"],
                        totals)  # fmt: skip


def scenario_paths(answers: pd.DataFrame, bank: Bank, top: int = 3) -> pd.DataFrame:
    """The `top` most common paths per scenario (first playthroughs), with their ending."""
    tallies: dict[str, Counter] = {}
    for item_id, record, count in _answer_counts(answers, bank, ["scenario"]):
        path = tuple(record.get("path") or ())
        tallies.setdefault(item_id, Counter())[path, record.get("ending")] += count
    records = []
    for item_id, tally in tallies.items():
        item = bank.items[item_id]
        ranked = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0][0]))
        for rank, ((path, ending), count) in enumerate(ranked[:top], start=1):
            node = item.node_map.get(ending) if ending else None
            end = node.ending if node is not None else None
            title, rating = (end.title, end.rating) if end else (t("results.label.unfinished"), "")
            records.append((item_id, item.title, rank, " → ".join(path), len(path), title,
                            rating, count))  # fmt: skip
    totals = Counter({item_id: sum(tally.values()) for item_id, tally in tallies.items()})
    columns = ["item_id", "scenario", "rank", "path", "steps", "ending_title", "rating"]
    return _with_shares(records, columns, totals)


# --- free texts ------------------------------------------------------------------------------


def _shown_text(item_type: str, answer: Any) -> str | None:
    """What a person wrote: a free-text answer, or the "text" of an exercise's draft."""
    if item_type == EXERCISE:
        answer = answer.get("text") if isinstance(answer, dict) else None
    return answer if isinstance(answer, str) and answer.strip() else None


def free_texts(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Latest free-text answers (and exercise drafts with a text) for the trainer to read.

    Sorted by item (bank order), then by participant name.
    """
    columns = ["item_id", "label", "participant_key", "participant", "text", "fraction",
               "attempt"]  # fmt: skip
    mask = answers["latest_attempt"] & answers["item_type"].isin(["free_text", EXERCISE])
    rows = answers.loc[mask, ["item_id", "item_type", "participant_key", "participant",
                              "answer", "fraction", "attempt"]]  # fmt: skip
    # Each distinct answer is parsed once (people do copy each other's wording).
    shown = {}
    for item_type, text in rows[["item_type", "answer"]].drop_duplicates().itertuples(False):
        shown[item_type, text] = _shown_text(item_type, json.loads(text))
    rows = rows.assign(
        text=[shown[pair] for pair in zip(rows["item_type"], rows["answer"], strict=True)]
    ).dropna(subset=["text"])
    rows = rows.astype({"item_id": str, "participant_key": str, "participant": str})
    labels = {item_id: item_label(bank, item_id) for item_id in set(rows["item_id"])}
    rows["label"] = rows["item_id"].map(labels)
    return _in_bank_order(bank, rows, "participant")[columns].reset_index(drop=True)


# --- competency profiles ---------------------------------------------------------------------


def self_assessment_profile(ratings: pd.DataFrame) -> pd.DataFrame:
    """Mean self-assessment (1–5) per competency and phase: mean over participants of their
    own mean (latest rating per item and phase). Index: competencies; columns: phases."""
    rows = ratings[ratings["latest_attempt"] & ratings["phase"].isin(PHASES)]
    own = rows.groupby(["phase", "competency", "participant_key"], observed=True)["rating"].mean()
    means = own.groupby(level=["competency", "phase"], observed=True).mean().unstack("phase")
    means = means.reindex(index=list(COMPETENCIES), columns=list(PHASES)).astype(float)
    return means.rename_axis(index=None, columns=None)


def score_profile(answers: pd.DataFrame, bank: Bank) -> pd.Series:
    """Mean share of points per competency (first attempts; mean over participants)."""
    means = _mean_share(scored_rows(answers, bank, "first"), "competency")
    return means.reindex(list(COMPETENCIES)).astype(float).rename_axis(None)


def competency_profile(answers: pd.DataFrame, ratings: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Per competency: self-assessment before and after (1–5) and the score share (0–1)."""
    profile = self_assessment_profile(ratings)
    profile["score"] = score_profile(answers, bank)
    profile.index.name = "competency"
    return profile


def participant_profile(
    answers: pd.DataFrame, ratings: pd.DataFrame, bank: Bank, key: str
) -> pd.DataFrame:
    """One participant's competency profile (same columns as the group's)."""
    mine = answers[answers["participant_key"] == key]
    return competency_profile(mine, ratings[ratings["participant_key"] == key], bank)


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


def analyse(loaded: LoadedResults, bank: Bank) -> Analysis:
    """Every analysis of the report (pure: the loaded tables and the bank in, tables out)."""
    answers = loaded.answers
    done = completion(answers, bank)
    options = option_counts(answers, bank)
    return Analysis(
        completion=done,
        quiz_sets=quiz_set_summary(answers, bank),
        modules=module_summary(answers, bank, done),
        items=item_analysis(answers, bank, options),
        options=options,
        endings=scenario_endings(answers, bank),
        paths=scenario_paths(answers, bank),
        free_texts=free_texts(answers, bank),
        profile=competency_profile(answers, loaded.ratings, bank),
    )
