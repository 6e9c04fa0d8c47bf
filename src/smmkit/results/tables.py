"""The report's sections as tables with German headers, shared by HTML, CSV and dashboard.

Numbers stay numbers here (shares 0..1); :meth:`Table.formatted` turns them into German
text for display. Participant names are replaced once, here, by whatever `names` maps a key
to — real names for the trainer, stable pseudonyms with ``anonymise`` — so no output can
leak a name the mapping did not allow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..bank.validate import Bank
from ..i18n import number, percent, t
from .analysis import Analysis, item_label, module_label, unchosen_distractors
from .loader import LoadedResults
from .pseudonyms import file_label, folder_salt, pseudonyms

PERCENT, DECIMAL, SCALE, INTEGER, TEXT, LIST, YES = (
    "percent", "decimal", "scale", "integer", "text", "list", "yes",
)  # fmt: skip


@dataclass
class Table:
    """One table: `slug` names its CSV file; `formats` says how to show each column."""

    slug: str
    title: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    note: str = ""
    heat: tuple[str, ...] = ()  # columns shown as a heat map (shares 0..1)

    def formatted(self) -> pd.DataFrame:
        """The table as German display text (e.g. "83 %", "0,74", "ja")."""
        shown = self.frame.copy()
        for column in shown.columns:
            kind = self.formats.get(column, TEXT)
            shown[column] = [format_value(v, kind) for v in shown[column]]
        return shown


def format_value(value: object, kind: str) -> str:
    """German display text of one cell."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–" if kind in (PERCENT, DECIMAL, SCALE, INTEGER) else ""
    if kind == PERCENT:
        return percent(float(value))
    if kind == DECIMAL:
        return number(float(value), 2)
    if kind == SCALE:
        return number(float(value), 1)
    if kind == INTEGER:
        return number(int(value))
    if kind == YES:
        return t("results.label.yes") if value else ""
    return str(value)


@dataclass
class Identities:
    """How participants and files are shown: names, or pseudonyms with ``anonymise``."""

    names: dict[str, str]  # participant key → shown name
    files: dict[str, str]  # file name → shown file name
    anonymised: bool

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def file(self, name: str) -> str:
        return self.files.get(name, name)


def identities(loaded: LoadedResults, anonymise: bool, salt: str | None = None) -> Identities:
    """Names, or pseudonyms with the results folder's secret salt (`salt` overrides it)."""
    people = loaded.participants
    if not anonymise:
        names = dict(zip(people["participant_key"], people["participant"], strict=True))
        return Identities(names, {}, False)
    salt = salt or folder_salt(loaded.folder)
    names = pseudonyms(people["participant_key"], salt)
    files = {}
    for report in loaded.files:
        # A file name usually is the participant key (with the name in it): show the
        # pseudonym of its owner, or a hash for files nobody owns (skipped ones).
        owner = report.key if not report.skipped and report.key in names else None
        if owner and report.file == f"{owner}.json":
            files[report.file] = f"{names[owner]}.json"
        elif owner:  # a second file of the same person: keep the two apart
            files[report.file] = f"{names[owner]} ({file_label(report.file, salt)})"
        else:
            files[report.file] = file_label(report.file, salt)
    return Identities(names, files, True)


# --- the tables ------------------------------------------------------------------------------


def participants_table(loaded: LoadedResults, who: Identities) -> Table:
    people = loaded.participants
    frame = pd.DataFrame(
        {
            t("results.col.participant"): [who.name(k) for k in people["participant_key"]],
            t("results.col.files"): [
                ", ".join(who.file(f) for f in files.split(", ")) for files in people["files"]
            ],
            t("results.col.answers"): people["answers"].to_numpy(),
        }
    ).sort_values(t("results.col.participant"), kind="stable")
    return Table("teilnehmende", t("results.table.participants"), frame.reset_index(drop=True),
                 {t("results.col.answers"): INTEGER})  # fmt: skip


def warnings_table(loaded: LoadedResults, who: Identities) -> Table:
    frame = pd.DataFrame(
        {
            t("results.col.file"): [who.file(w.file) for w in loaded.warnings],
            t("results.col.problem"): [
                w.message
                + (
                    " "
                    + t("results.label.see_also", files=", ".join(who.file(f) for f in w.related))
                    if w.related
                    else ""
                )
                for w in loaded.warnings
            ],
        }
    )
    return Table("warnungen", t("results.table.warnings"), frame)


def completion_table(analysis: Analysis, bank: Bank, who: Identities) -> Table:
    done = analysis.completion
    titles = {m: module_label(bank, m) for m in done.columns}
    frame = done.rename(columns=titles)
    frame.insert(0, t("results.col.participant"), [who.name(k) for k in done.index])
    frame = frame.sort_values(t("results.col.participant"), kind="stable").reset_index(drop=True)
    columns = tuple(titles.values())
    return Table("bearbeitungsstand", t("results.table.completion"), frame,
                 dict.fromkeys(columns, PERCENT), t("results.note.completion"), heat=columns)  # fmt: skip


def quiz_sets_table(analysis: Analysis, bank: Bank) -> Table:
    data = analysis.quiz_sets
    col = _columns("quiz_set", "module", "items", "pass_mark", "started", "complete",
                   "mean_first", "mean_latest", "pass_rate")  # fmt: skip
    frame = pd.DataFrame(
        {
            col["quiz_set"]: data["title"],
            col["module"]: [module_label(bank, m) for m in data["module"]],
            col["items"]: data["items"],
            col["pass_mark"]: data["pass_mark"],
            col["started"]: data["started"],
            col["complete"]: data["complete"],
            col["mean_first"]: data["mean_first"],
            col["mean_latest"]: data["mean_latest"],
            col["pass_rate"]: data["pass_rate"],
        }
    )
    formats = {col[k]: INTEGER for k in ("items", "started", "complete")}
    formats |= {col[k]: PERCENT for k in ("pass_mark", "mean_first", "mean_latest", "pass_rate")}
    return Table("quizsets", t("results.table.quiz_sets"), frame, formats,
                 t("results.note.quiz_sets"))  # fmt: skip


def modules_table(analysis: Analysis) -> Table:
    data = analysis.modules
    col = _columns("module", "participants", "completion", "complete_people", "mean_first",
                   "mean_latest")  # fmt: skip
    frame = pd.DataFrame(
        {
            col["module"]: data["title"],
            col["participants"]: data["participants"],
            col["completion"]: data["completion"],
            col["complete_people"]: data["complete"],
            col["mean_first"]: data["mean_first"],
            col["mean_latest"]: data["mean_latest"],
        }
    )
    formats = {col["participants"]: INTEGER, col["complete_people"]: INTEGER}
    formats |= {col[k]: PERCENT for k in ("completion", "mean_first", "mean_latest")}
    return Table("module", t("results.table.modules"), frame, formats)


def items_table(analysis: Analysis, bank: Bank) -> Table:
    data = analysis.items
    col = _columns("item", "item_id", "module", "type", "competency", "n", "facility", "sd",
                   "discrimination", "remarks")  # fmt: skip
    frame = pd.DataFrame(
        {
            col["item"]: data["label"],
            col["item_id"]: data["item_id"],
            col["module"]: [module_label(bank, m) for m in data["module"]],
            col["type"]: [t(f"results.type.{k}") for k in data["item_type"]],
            col["competency"]: [
                t(f"competency.{c}") if isinstance(c, str) else "" for c in data["competency"]
            ],
            col["n"]: data["n"],
            col["facility"]: data["facility"],
            col["sd"]: data["sd"],
            col["discrimination"]: data["discrimination"],
            col["remarks"]: data["remarks"],
        }
    )
    formats = {col["n"]: INTEGER, col["facility"]: PERCENT, col["sd"]: PERCENT}
    formats |= {col["discrimination"]: DECIMAL, col["remarks"]: LIST}
    return Table("aufgabenanalyse", t("results.table.items"), frame, formats,
                 t("results.note.items"))  # fmt: skip


def options_table(analysis: Analysis, bank: Bank) -> Table:
    data = analysis.options
    unchosen = unchosen_distractors(data)
    col = _columns("item", "item_id", "entry", "option", "correct", "count", "share", "remark")
    frame = pd.DataFrame(
        {
            col["item"]: [item_label(bank, i) for i in data["item_id"]],
            col["item_id"]: data["item_id"],
            col["entry"]: data["entry"],
            col["option"]: data["option"],
            col["correct"]: data["correct"],
            col["count"]: data["count"],
            col["share"]: data["share"],
            col["remark"]: [
                t("results.label.never_chosen") if o in unchosen.get(i, ()) else ""
                for i, o in zip(data["item_id"], data["option"], strict=True)
            ],
        }
    )
    formats = {col["correct"]: YES, col["count"]: INTEGER, col["share"]: PERCENT}
    return Table("antwortoptionen", t("results.table.options"), frame, formats,
                 t("results.note.options"))  # fmt: skip


def _rating(rating: str) -> str:
    return t(f"scenario.rating.{rating}") if rating else ""


def endings_table(analysis: Analysis) -> Table:
    data = analysis.endings
    col = _columns("scenario", "ending", "rating", "count", "share")
    frame = pd.DataFrame(
        {
            col["scenario"]: data["scenario"],
            col["ending"]: data["ending_title"],
            col["rating"]: [_rating(r) for r in data["rating"]],
            col["count"]: data["count"],
            col["share"]: data["share"],
        }
    )
    return Table("fallbeispiele_enden", t("results.table.endings"), frame,
                 {col["count"]: INTEGER, col["share"]: PERCENT}, t("results.note.endings"))  # fmt: skip


def paths_table(analysis: Analysis) -> Table:
    data = analysis.paths
    col = _columns("scenario", "rank", "path", "ending", "rating", "count", "share")
    frame = pd.DataFrame(
        {
            col["scenario"]: data["scenario"],
            col["rank"]: data["rank"],
            col["path"]: data["path"],
            col["ending"]: data["ending_title"],
            col["rating"]: [_rating(r) for r in data["rating"]],
            col["count"]: data["count"],
            col["share"]: data["share"],
        }
    )
    formats = {col["rank"]: INTEGER, col["count"]: INTEGER, col["share"]: PERCENT}
    return Table("fallbeispiele_wege", t("results.table.paths"), frame, formats)


def free_texts_table(analysis: Analysis, who: Identities) -> Table:
    data = analysis.free_texts
    col = _columns("item", "item_id", "participant", "answer", "score")
    frame = pd.DataFrame(
        {
            col["item"]: data["label"],
            col["item_id"]: data["item_id"],
            col["participant"]: [who.name(k) for k in data["participant_key"]],
            col["answer"]: data["text"],
            col["score"]: data["fraction"],
        }
    )
    return Table("freitexte", t("results.table.free_texts"), frame, {col["score"]: PERCENT},
                 t("results.note.free_texts"))  # fmt: skip


def profile_table(analysis: Analysis) -> Table:
    data = analysis.profile
    col = _columns("competency", "before", "after", "score")
    frame = pd.DataFrame(
        {
            col["competency"]: [t(f"competency.{c}") for c in data.index],
            col["before"]: data["vorher"].to_numpy(),
            col["after"]: data["nachher"].to_numpy(),
            col["score"]: data["score"].to_numpy(),
        }
    )
    formats = {col["before"]: SCALE, col["after"]: SCALE, col["score"]: PERCENT}
    return Table("kompetenzprofil", t("results.table.profile"), frame, formats,
                 t("results.note.profile"))  # fmt: skip


def live_tables(folder: Path, bank: Bank) -> tuple[Table, Table, Table]:
    """The room's live questions (``.room/live.json``): polls and bank items, word clouds,
    idea rounds; words and ideas the trainer hid are left out. Empty without a room."""
    from ..room.questions import KIND_LABELS, load_board, tally

    board = load_board(folder)
    col = _columns("live_question", "live_kind", "live_answer", "count", "points", "voters")
    polls, words, ideas = [], [], []
    for question in board.questions:
        shown = tally(question, bank.items.get(question.item_id or ""))
        head = {col["live_question"]: f"{question.id}: {question.prompt}",
                col["live_kind"]: KIND_LABELS[question.kind]}  # fmt: skip
        for bar in shown.get("bars", []):
            polls.append({**head, col["live_answer"]: bar["label"], col["count"]: bar["count"]})
        for word in shown.get("words", []):
            words.append({**head, col["live_answer"]: word["word"], col["count"]: word["count"]})
        for idea in shown.get("ideas", []):
            ideas.append({**head, col["live_answer"]: idea["text"], col["points"]: idea["points"],
                          col["voters"]: idea["voters"]})  # fmt: skip
    columns = [col["live_question"], col["live_kind"], col["live_answer"]]
    return (
        Table("live-umfragen", t("results.table.live_polls"),
              pd.DataFrame(polls, columns=[*columns, col["count"]]), {col["count"]: INTEGER}),
        Table("live-wortwolken", t("results.table.live_words"),
              pd.DataFrame(words, columns=[*columns, col["count"]]), {col["count"]: INTEGER}),
        Table("live-ideen", t("results.table.live_ideas"),
              pd.DataFrame(ideas, columns=[*columns, col["points"], col["voters"]]),
              {col["points"]: INTEGER, col["voters"]: INTEGER}, t("results.note.live")),
    )  # fmt: skip


def answers_export(loaded: LoadedResults, who: Identities) -> pd.DataFrame:
    """The tidy answers for CSV export, names (and keys, files) replaced as `who` says."""
    frame = loaded.answers.drop(columns=["first_attempt", "latest_attempt"]).copy()
    keys = frame["participant_key"].astype(str)
    frame["participant"] = keys.map(who.names).fillna(frame["participant"].astype(str))
    if who.anonymised:
        frame["participant_key"] = frame["participant"]
        frame["source"] = frame["source"].astype(str).map(who.file)
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return frame


def _columns(*keys: str) -> dict[str, str]:
    return {key: t(f"results.col.{key}") for key in keys}


@dataclass
class Sections:
    """Every table of the report, in report order."""

    participants: Table
    warnings: Table
    completion: Table
    quiz_sets: Table
    modules: Table
    items: Table
    options: Table
    endings: Table
    paths: Table
    free_texts: Table
    profile: Table
    live_polls: Table
    live_words: Table
    live_ideas: Table

    def all(self) -> list[Table]:
        return list(vars(self).values())


def build_sections(
    loaded: LoadedResults, analysis: Analysis, bank: Bank, who: Identities
) -> Sections:
    return Sections(
        participants=participants_table(loaded, who),
        warnings=warnings_table(loaded, who),
        completion=completion_table(analysis, bank, who),
        quiz_sets=quiz_sets_table(analysis, bank),
        modules=modules_table(analysis),
        items=items_table(analysis, bank),
        options=options_table(analysis, bank),
        endings=endings_table(analysis),
        paths=paths_table(analysis),
        free_texts=free_texts_table(analysis, who),
        profile=profile_table(analysis),
        **dict(zip(("live_polls", "live_words", "live_ideas"),
                   live_tables(loaded.folder, bank), strict=True)),
    )  # fmt: skip
