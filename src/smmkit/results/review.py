"""From a group's results back to authoring: items whose statistics say "look at me again".

The rules are the ones trainers know from Moodle's quiz statistics. On first attempts, with at
least MIN_ANSWERS answers: facility above 0.9 (nearly everyone right: too easy, or the key is
guessable) or below 0.2 (nearly everyone wrong: too hard, or a wrong key); discrimination below
0.2 (strong and weak participants do equally well: the item measures something else); a
distractor chosen by under 5 % (it convinces nobody, so it only pads the item). Each finding is
a warning located at the item in the bank, so `smmkit check --results FOLDER` prints it like
every other check message.
"""

from __future__ import annotations

import math

from ..bank.validate import Bank
from ..errors import Problem
from .analysis import item_analysis, option_counts
from .loader import LoadedResults

FACILITY_HIGH = 0.9
FACILITY_LOW = 0.2
DISCRIMINATION_LOW = 0.2
DISTRACTOR_SHARE_LOW = 0.05
MIN_ANSWERS = 5


def _warning(bank: Bank, item_id: str, field: str | None, message: str, rule: str) -> Problem:
    origin = bank.origins[item_id]
    return Problem(origin.path, origin.line, item_id, field, f"{message} [{rule}]", "warning")


def review_items(loaded: LoadedResults, bank: Bank) -> list[Problem]:
    """Warnings for items a group's first attempts flag as too easy, too hard, not
    discriminating, or with a distractor hardly anyone chose."""
    stats = item_analysis(loaded.answers, bank)
    options = option_counts(loaded.answers, bank)
    problems: list[Problem] = []
    for row in stats.itertuples():
        if row.item_id not in bank.origins or row.n < MIN_ANSWERS:
            continue
        answered = f"{row.n} first attempts"
        if row.facility > FACILITY_HIGH:
            problems.append(
                _warning(
                    bank,
                    row.item_id,
                    None,
                    f"facility {row.facility:.2f} (above {FACILITY_HIGH}, {answered}): nearly "
                    "everyone is right; is the key guessable, or the item too easy?",
                    "facility",
                )
            )
        elif row.facility < FACILITY_LOW:
            problems.append(
                _warning(
                    bank,
                    row.item_id,
                    None,
                    f"facility {row.facility:.2f} (below {FACILITY_LOW}, {answered}): nearly "
                    "everyone is wrong; check the key and whether the module teaches this",
                    "facility",
                )
            )
        if not math.isnan(row.discrimination) and row.discrimination < DISCRIMINATION_LOW:
            problems.append(
                _warning(
                    bank,
                    row.item_id,
                    None,
                    f"discrimination {row.discrimination:.2f} (below {DISCRIMINATION_LOW}, "
                    f"{answered}): participants who do well overall do no better here",
                    "discrimination",
                )
            )
    problems += _weak_distractors(options, bank)
    return problems


def _weak_distractors(options, bank: Bank) -> list[Problem]:
    wrong = options[options["distractor"] & (options["n"] >= MIN_ANSWERS)]
    if wrong.empty:
        return []
    # Matching distractors are offered for every left entry: count them over all entries.
    per_option = wrong.groupby(["item_id", "option"], sort=False).agg(
        count=("count", "sum"), n=("n", "first"), entries=("entry", "nunique")
    )
    problems = []
    for (item_id, option), row in per_option.iterrows():
        share = row["count"] / (row["n"] * max(1, row["entries"]))
        if share < DISTRACTOR_SHARE_LOW and item_id in bank.origins:
            field = _option_field(bank, item_id, option)
            problems.append(
                _warning(
                    bank,
                    item_id,
                    field,
                    f"distractor {option!r} was chosen by {share:.0%} ({int(row['count'])} of "
                    f"{int(row['n'])}): write a misconception people really hold",
                    "distractor",
                )
            )
    return problems


def _option_field(bank: Bank, item_id: str, option: str) -> str:
    item = bank.items[item_id]
    for index, candidate in enumerate(getattr(item, "options", None) or []):
        if candidate.text == option:
            return f"options[{index}]"
    return "distractors"
