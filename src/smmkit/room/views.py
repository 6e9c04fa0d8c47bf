"""What the room's pages show: a participant's module overview and the trainer's live view.

Pure logic over the content bank, the app notebooks and the results folder; the server only
serialises it. Progress counts the items a module's notebook shows that a participant has
answered at least once (quiz sets count their items; an exercise counts its saved answers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import exercises, store
from ..bank.validate import NOTEBOOK_CALL, Bank, exercise_of
from ..publish.workshop import read_module
from ..results.analysis import item_label, module_label, option_counts, scenario_endings
from ..results.loader import load_results
from ..results.pseudonyms import folder_salt, pseudonyms


@dataclass(frozen=True)
class ModulePage:
    """One module notebook of the app edition, as the room lists it."""

    path: str  # relative to the app folder, as in /voila/render/<path>
    title: str
    items: tuple[str, ...]  # the answers that count towards progress


def notebook_items(notebook: Path, bank: Bank) -> tuple[str, ...]:
    """The item ids whose answers a notebook's widgets save, in notebook order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        for _call, _quote, ref in NOTEBOOK_CALL.findall(source):
            found.extend(bank.quiz_sets[ref].items if ref in bank.quiz_sets else [ref])
        name = exercise_of(cell)
        if name:
            found.extend(exercises.get(name).items)
    return tuple(dict.fromkeys(found))


def module_pages(app_dir: Path, bank: Bank) -> list[ModulePage]:
    """The module notebooks of an app folder, in file order."""
    return [
        ModulePage(path.name, read_module(path).title, notebook_items(path, bank))
        for path in sorted(Path(app_dir).glob("*.ipynb"))
    ]


def answered_items(participant: store.Participant, results: Path) -> set[str]:
    """Item ids the participant has answered (any attempt, any phase)."""
    records = store.ProgressStore(participant, results).records()
    return {record.item_id for record in records}


def overview(pages: Iterable[ModulePage], answered: set[str]) -> list[dict[str, Any]]:
    """Per module page: title, link path, answered and total, for the participant's overview."""
    return [
        {
            "path": page.path,
            "title": page.title,
            "answered": len(answered & set(page.items)),
            "total": len(page.items),
        }
        for page in pages
    ]


def trainer_view(
    results: Path,
    bank: Bank,
    pages: list[ModulePage],
    members: Iterable[store.Participant],
    whereabouts: Mapping[str, str],
    online: set[str],
) -> dict[str, Any]:
    """The live state for the trainer: participants, answer distributions, scenario endings.

    Each participant has a pseudonym too, for a view the room can see (the projector).
    `whereabouts` maps a participant key to the module page they opened last; `online` holds
    the keys with an open page.
    """
    members = list(members)
    answered = {person.key: answered_items(person, results) for person in members}
    aliases = pseudonyms([person.key for person in members], folder_salt(results))
    by_path = {page.path: page for page in pages}
    people = []
    for person in members:
        page = by_path.get(whereabouts.get(person.key, ""))
        done = answered[person.key]
        people.append(
            {
                "name": person.name,
                "pseudonym": aliases[person.key],
                "module": page.title if page else "",
                "answered": len(done & set(page.items)) if page else 0,
                "total": len(page.items) if page else 0,
                "all_answered": len(done),
                "online": person.key in online,
            }
        )
    answers = load_results(results, bank).answers if members else None
    return {
        "participants": people,
        "items": _distributions(answers, bank) if answers is not None else [],
        "scenarios": _endings(answers, bank) if answers is not None else [],
    }


def _distributions(answers: pd.DataFrame, bank: Bank) -> list[dict[str, Any]]:
    """Per choice item with answers: each option's count and share (first attempts)."""
    if answers.empty:
        return []
    table = option_counts(answers, bank)
    result = []
    for item_id, rows in table.groupby("item_id", sort=False, observed=True):
        result.append(
            {
                "id": item_id,
                "label": item_label(bank, item_id),
                "module": bank.module_of(item_id) or "",
                "n": int(rows["n"].iloc[0]),
                "options": [
                    {
                        "text": (f"{row['entry']} → " if row["entry"] else "") + str(row["option"]),
                        "count": int(row["count"]),
                        "share": float(row["share"]),
                        "correct": bool(row["correct"]),
                    }
                    for row in rows.to_dict("records")
                ],
            }
        )
    return result


def _endings(answers: pd.DataFrame, bank: Bank) -> list[dict[str, Any]]:
    """Per scenario with runs: how many reached each ending."""
    if answers.empty:
        return []
    table = scenario_endings(answers, bank)
    return [
        {
            "id": item_id,
            "title": str(rows["scenario"].iloc[0]),
            "endings": [
                {
                    "title": str(row["ending_title"]),
                    "rating": str(row["rating"]),
                    "count": int(row["count"]),
                }
                for row in rows.to_dict("records")
            ],
        }
        for item_id, rows in table.groupby("item_id", sort=False, observed=True)
    ]


def live_items(bank: Bank) -> list[dict[str, str]]:
    """The bank items a trainer can put live (see room.questions.ITEM_TYPES), in bank order."""
    from .questions import ITEM_TYPES

    return [
        {"id": item.id, "module": module_label(bank, bank.module_of(item.id)),
         "label": item_label(bank, item.id)}
        for item in bank.items.values()
        if item.type in ITEM_TYPES
    ]  # fmt: skip
