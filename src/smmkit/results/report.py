"""The trainer report: one self-contained offline HTML file, CSV tables and a PDF.

The page is ``templates/report.html.j2`` (styles in ``report.css``), rendered through
:func:`smmkit.publish.templating.render`: every value that comes from result files (names,
file names, free texts, even item ids) is data, autoescaped and stripped of control and
bidi characters, and the page carries a Content-Security-Policy that forbids scripts and
any request leaving the file, so even a mistake in a template could not run code or call
home. Charts are inline PNGs with alt text; nothing is loaded from the internet. This module
decides what the template shows: which rows, and how each cell is worded and coloured.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..bank.validate import Bank
from ..i18n import date, number, t
from ..publish.templating import render, visible_text
from ..store import atomic_write
from .analysis import (
    MIN_ANSWERS_FOR_FLAGS,
    POOR_DISCRIMINATION,
    VERY_EASY,
    VERY_HARD,
    Analysis,
    analyse,
    module_label,
    shorten,
)
from .figures import (
    Chart,
    completion_heatmap,
    drawn,
    endings_chart,
    heat_colour,
    quiet_glyphs,
    score_chart,
    self_assessment_chart,
    text_colour,
)
from .loader import LoadedResults
from .tables import (
    INTEGER,
    LIST,
    PERCENT,
    TEXT,
    YES,
    Identities,
    Sections,
    Table,
    answers_export,
    build_sections,
    format_value,
    identities,
)

MAX_HTML_ROWS = 400  # longer tables are cut in the HTML/PDF; the CSV files have every row
MAX_FREE_TEXTS_PER_ITEM = 200
MAX_TEXT_CHARS = 3000
CHARTS = ("completion", "endings", "self", "score")  # ReportData.figures (None: not drawn)
CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")


# --- the report's content --------------------------------------------------------------------


@dataclass
class ReportData:
    loaded: LoadedResults
    analysis: Analysis
    sections: Sections
    who: Identities
    figures: dict[str, Chart | None] = field(default_factory=dict)
    generated: datetime = field(default_factory=datetime.now)


def prepare_report(
    loaded: LoadedResults,
    bank: Bank,
    *,
    anonymise: bool = False,
    salt: str | None = None,
    analysis: Analysis | None = None,
    charts: bool = True,
) -> ReportData:
    """Analyse, build the German tables and draw the charts (no files written)."""
    analysis = analysis if analysis is not None else analyse(loaded, bank)
    who = identities(loaded, anonymise, salt)
    sections = build_sections(loaded, analysis, bank, who)
    if not charts:
        return ReportData(loaded, analysis, sections, who, {})
    titles = {m: module_label(bank, m) for m in analysis.completion.columns}
    with quiet_glyphs():
        figures = _charts(analysis, who, titles)
    return ReportData(loaded, analysis, sections, who, figures)


def _charts(analysis: Analysis, who: Identities, titles: dict[str, str]) -> dict:
    return {
        "completion": drawn(completion_heatmap(analysis.completion, who.names, titles))
        if len(analysis.completion)
        else None,
        "endings": drawn(endings_chart(analysis.endings)),
        "self": drawn(self_assessment_chart(analysis.profile)),
        "score": drawn(score_chart(analysis.profile)),
    }


# --- what the template shows -----------------------------------------------------------------


SHORT = "short"  # a text column whose values all fit on one line: never wrapped


@dataclass(frozen=True)
class Cell:
    """One table cell as shown: German text, CSS class and (heat map) inline style."""

    text: str
    css: str
    style: str = ""


@dataclass
class TableView:
    """A table as shown: at most a cut of its rows, `more` saying where the rest is.

    `rows` are lists of :class:`Cell`, or :class:`OptionRow` in the options table; no rows
    means no data.
    """

    title: str
    note: str
    columns: list[str]
    rows: list[Any]
    more: str = ""


@dataclass
class OptionRow:
    """One item (matching: one entry of it) with its options as they were chosen."""

    item: str
    item_id: str
    entry: str
    choices: list[Cell]


def _all_short(column: pd.Series, limit: int = 18) -> bool:
    return bool(len(column)) and all(len(str(v)) <= limit for v in column.head(200))


def _cell(value: object, kind: str) -> Cell:
    text = format_value(value, TEXT if kind == SHORT else kind)
    if kind == SHORT:
        return Cell(text, "short")
    if kind in (TEXT, LIST, YES):
        return Cell(text, "flag" if kind == LIST and text else "text")
    return Cell(text, "num")


def _heat_cell(value: object) -> Cell:
    share = float(value) if value is not None and not pd.isna(value) else math.nan
    style = (
        f"background:{heat_colour(share)};color:{text_colour(0.0 if math.isnan(share) else share)}"
    )
    return Cell(format_value(value, PERCENT), "num", style)


def _more(hidden: int, table: Table) -> str:
    """Where the `hidden` rows that were cut are (none: empty)."""
    return (
        t("results.label.more_rows", count=hidden, file=f"{table.slug}.csv") if hidden > 0 else ""
    )


def table_view(table: Table, max_rows: int = MAX_HTML_ROWS, hide: Iterable[str] = ()) -> TableView:
    """The first `max_rows` rows as German cells; `hide` leaves columns out (the CSV keeps
    them)."""
    hidden = set(hide)
    frame = table.frame[[c for c in table.frame.columns if c not in hidden]]
    if frame.empty:
        return TableView(table.title, table.note, [], [])
    kinds = [
        SHORT if kind == TEXT and _all_short(frame[column]) else kind
        for column, kind in ((c, table.formats.get(c, TEXT)) for c in frame.columns)
    ]
    heat = [c in table.heat for c in frame.columns]
    rows = [
        [
            _heat_cell(v) if is_heat else _cell(v, kind)
            for v, kind, is_heat in zip(row, kinds, heat, strict=True)
        ]
        for row in frame.head(max_rows).itertuples(index=False)
    ]
    return TableView(
        table.title, table.note, list(frame.columns), rows, _more(len(frame) - max_rows, table)
    )


def _by_module(table: Table, hide: Iterable[str]) -> list[tuple[str, TableView]]:
    """One sub-table per module, in bank order, without the module column."""
    column = t("results.col.module")
    return [
        (module, table_view(Table(table.slug, f"{table.title}: {module}", group, table.formats),
                            hide=[column, *hide]))
        for module, group in table.frame.groupby(column, sort=False)
    ]  # fmt: skip


# The columns of tables.options_table, in its order.
OPTION_FIELDS = ("item", "item_id", "entry", "option", "correct", "count", "share", "remark")


def _options(table: Table) -> TableView:
    """Compact distractor table: one row per item (matching: per entry), options in one cell."""
    frame = table.frame.set_axis(OPTION_FIELDS, axis=1)
    rows = []
    for (item_id, entry), group in frame.groupby(["item_id", "entry"], sort=False):
        options = group.to_dict("records")
        # matching: every right text is offered per entry; show the chosen, right or flagged
        shown = [o for o in options if not entry or o["count"] or o["correct"] or o["remark"]]
        rows.append(OptionRow(options[0]["item"], item_id, entry, [_choice(o) for o in shown]))
    columns = [t("results.col.item"), t("results.col.distribution")]
    view = rows[:MAX_HTML_ROWS]
    return TableView(table.title, table.note, columns, view, _more(len(rows) - len(view), table))


def _choice(option: dict[str, Any]) -> Cell:
    """E.g. "✓ 83 % (10×) Option text – remark"; flagged when there is a remark."""
    mark = "✓ " if option["correct"] else ""
    counted = (
        f"{format_value(option['share'], PERCENT)} ({format_value(option['count'], INTEGER)}×)"
    )
    remark = f" – {option['remark']}" if option["remark"] else ""
    text = f"{mark}{counted} {shorten(str(option['option']), 90)}{remark}"
    return Cell(text, "flag" if option["remark"] else "")


def _free_texts(table: Table) -> list[tuple[str, TableView]]:
    """One sub-table per item (the latest answers, each cut at MAX_TEXT_CHARS)."""
    frame = table.frame
    item_col, id_col, answer_col = frame.columns[0], frame.columns[1], frame.columns[3]
    groups = []
    for _, group in frame.groupby(id_col, sort=False):
        texts = [text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + " …"
                 for text in group[answer_col]]  # fmt: skip
        shown = group.drop(columns=[item_col, id_col]).assign(**{answer_col: texts})
        sub = Table(table.slug, table.title, shown, table.formats)
        groups.append((group[item_col].iloc[0], table_view(sub, MAX_FREE_TEXTS_PER_ITEM)))
    return groups


def _facts(data: ReportData) -> list[tuple[str, str]]:
    loaded = data.loaded
    stamps = loaded.answers["timestamp"].dropna()
    period = f"{date(stamps.min())} – {date(stamps.max())}" if len(stamps) else "–"
    files = t("results.fact.files_value", valid=len(loaded.valid_files),
              total=len(loaded.files), skipped=len(loaded.skipped_files))  # fmt: skip
    names = "pseudonyms" if data.who.anonymised else "real_names"
    return [
        (t("results.fact.participants"), number(len(loaded.participants))),
        (t("results.fact.files"), files),
        (t("results.fact.answers"), number(len(loaded.answers))),
        (t("results.fact.period"), period),
        (t("results.fact.modules"), number(int((data.analysis.modules["participants"] > 0).sum()))),
        (t("results.fact.names"), t(f"results.fact.{names}")),
    ]


def _method() -> list[str]:
    """How to read the report: the method note's paragraphs, with the flag limits."""
    text = t("results.method", hard=round(VERY_HARD * 100), easy=round(VERY_EASY * 100),
             poor=number(POOR_DISCRIMINATION, 1), minimum=MIN_ANSWERS_FOR_FLAGS)  # fmt: skip
    return text.split("\n\n")


def render_html(data: ReportData, title: str | None = None) -> str:
    """The whole report as one HTML document (German, offline, no scripts)."""
    s = data.sections
    grouped = ("items", "options", "free_texts")
    return render(
        "results/report.html.j2",
        title=title or t("results.report.title"),
        generated=data.generated,
        folder=None if data.who.anonymised else data.loaded.folder.name,
        facts=_facts(data),
        method=_method(),
        charts={name: data.figures.get(name) for name in CHARTS},
        sections=s,
        tables={name: table_view(table) for name, table in vars(s).items() if name not in grouped},
        items=_by_module(s.items, hide=[t("results.col.item_id"), t("results.col.competency")]),
        options=_options(s.options),
        free_texts=_free_texts(s.free_texts),
    )


# --- CSV -------------------------------------------------------------------------------------


def _csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        value = visible_text(value)
        if value.startswith(CSV_INJECTION):
            return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """German spreadsheet CSV: `;` separated, decimal comma, UTF-8 with BOM (Excel opens it)."""
    safe = frame.copy()
    for column in safe.columns:
        if (
            safe[column].dtype == object
            or isinstance(safe[column].dtype, pd.CategoricalDtype)
            or (pd.api.types.is_string_dtype(safe[column]))
        ):
            safe[column] = [_csv_safe(v) for v in safe[column].astype(object)]
    text = safe.to_csv(
        sep=";", decimal=",", index=False, quoting=csv.QUOTE_MINIMAL, float_format="%.4f",
        lineterminator="\n",
    )  # fmt: skip
    return atomic_write(path, "\ufeff" + text)  # the byte order mark tells Excel it is UTF-8


def write_csvs(data: ReportData, folder: Path) -> list[Path]:
    """One CSV per table, plus every answer (`antworten.csv`), into `folder`."""
    written = [
        write_csv(table.frame, folder / f"{table.slug}.csv") for table in data.sections.all()
    ]
    written.append(write_csv(answers_export(data.loaded, data.who), folder / "antworten.csv"))
    return written


# --- files -----------------------------------------------------------------------------------


@dataclass
class ReportFiles:
    html: Path
    pdf: Path | None = None
    csvs: list[Path] = field(default_factory=list)


def write_report(
    data: ReportData,
    out: Path,
    *,
    pdf: bool = False,
    csv_dir: Path | None = None,
    title: str | None = None,
) -> ReportFiles:
    """Write the HTML (and optionally the PDF next to it and the CSV tables). Each file
    replaces its previous version only when it is complete."""
    files = ReportFiles(atomic_write(out, render_html(data, title)))
    if csv_dir is not None:
        files.csvs = write_csvs(data, csv_dir)
    if pdf:
        from ..publish.pdf import PdfPrinter

        files.pdf = out.with_suffix(".pdf")
        with PdfPrinter() as printer:
            printer.print(out, files.pdf, title or t("results.report.title"),
                          t("results.report.edition"))  # fmt: skip
    return files
