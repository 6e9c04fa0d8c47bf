"""The trainer report: one self-contained offline HTML file, CSV tables and a PDF.

Every value that comes from result files (names, file names, free texts, even item ids) is
data, never markup: it passes through :func:`esc` on its way into the HTML, and the page
carries a Content-Security-Policy that forbids scripts and any request leaving the file, so
even a mistake in escaping could not run code or call home. Charts are inline PNGs with alt
text; nothing is loaded from the internet.
"""

from __future__ import annotations

import base64
import csv
import html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..bank.validate import Bank
from ..i18n import t
from ..kernel.charts import figure_png
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
    completion_heatmap,
    endings_chart,
    heat_colour,
    quiet_glyphs,
    score_chart,
    self_assessment_chart,
    text_colour,
)
from .loader import LoadedResults
from .pseudonyms import DEFAULT_SALT
from .tables import (
    LIST,
    TEXT,
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
CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]"
)
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


# --- escaping --------------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """Text without control and bidi-override characters (they could disguise content)."""
    return _INVISIBLE.sub("", str(value))


def esc(value: object) -> str:
    """The only way data enters the HTML: cleaned and escaped, quotes included."""
    return html.escape(clean_text(value), quote=True)


# --- the report's content --------------------------------------------------------------------


@dataclass
class Figure:
    """A chart as PNG bytes with its alt text."""

    png: bytes
    alt: str


@dataclass
class ReportData:
    loaded: LoadedResults
    analysis: Analysis
    sections: Sections
    who: Identities
    figures: dict[str, Figure | None] = field(default_factory=dict)
    generated: datetime = field(default_factory=datetime.now)


def _figure(made: tuple | None) -> Figure | None:
    if made is None:
        return None
    figure, alt = made
    with quiet_glyphs():
        return Figure(figure_png(figure, dpi=100), alt)


def prepare_report(
    loaded: LoadedResults,
    bank: Bank,
    *,
    anonymise: bool = False,
    salt: str = DEFAULT_SALT,
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
        figures = _figures(analysis, who, titles)
    return ReportData(loaded, analysis, sections, who, figures)


def _figures(analysis: Analysis, who: Identities, titles: dict[str, str]) -> dict:
    return {
        "completion": _figure(completion_heatmap(analysis.completion, who.names, titles))
        if len(analysis.completion)
        else None,
        "endings": _figure(endings_chart(analysis.endings)),
        "self": _figure(self_assessment_chart(analysis.profile)),
        "score": _figure(score_chart(analysis.profile)),
    }


# --- HTML ------------------------------------------------------------------------------------


STYLE = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a;
  background: #fff; margin: 0 auto; max-width: 70rem; padding: 1.5rem; line-height: 1.45;
  font-size: 10.5pt; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: #0b3d91; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; color: #0b3d91; border-bottom: 2px solid #0b3d91;
  padding-bottom: .2rem; break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; break-after: avoid; }
p.meta { color: #444; margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: 9pt; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #b0b7c3; padding: .25rem .4rem; vertical-align: top; text-align: left; }
thead th { background: #e3eaf5; color: #1a1a1a; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
td.flag, li.flag { color: #8f0f17; font-weight: bold; }
ul.options { margin: 0; padding-left: 1rem; }
small { color: #444; }
td.short { white-space: nowrap; }
td.text { overflow-wrap: break-word; }
.note { color: #333; font-size: 9pt; }
.more { font-style: italic; color: #333; }
figure { margin: .6rem 0 1.2rem; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #333; }
.callout { border-left: 4px solid #0b3d91; background: #f2f5fb; padding: .5rem .8rem; }
@page { size: A4; }
@media print { body { max-width: none; padding: 0; font-size: 9.5pt; } h2 { break-before: auto; } }
"""


SHORT = "short"  # a text column whose values all fit on one line: never wrapped


def _all_short(column: pd.Series, limit: int = 18) -> bool:
    return bool(len(column)) and all(len(str(v)) <= limit for v in column.head(200))


def _cell(value: object, kind: str) -> str:
    text = esc(format_value(value, TEXT if kind == SHORT else kind))
    if kind == SHORT:
        return f'<td class="short">{text}</td>'
    if kind in (TEXT, LIST) or kind == "yes":
        css = "flag" if kind == LIST and text else "text"
        return f'<td class="{css}">{text}</td>'
    return f'<td class="num">{text}</td>'


def _heat_cell(value: object) -> str:
    share = float(value) if value is not None and not pd.isna(value) else math.nan
    style = (
        f"background:{heat_colour(share)};color:{text_colour(0.0 if math.isnan(share) else share)}"
    )
    return f'<td class="num" style="{style}">{esc(format_value(value, "percent"))}</td>'


def table_html(
    table: Table,
    max_rows: int = MAX_HTML_ROWS,
    caption: bool = True,
    hide: Iterable[str] = (),
    note: bool = True,
) -> str:
    """A table with a caption and column headers; cut at `max_rows` with a note.

    `hide` leaves columns out of the HTML (the CSV keeps them).
    """
    hidden = set(hide)
    frame = table.frame[[c for c in table.frame.columns if c not in hidden]]
    if frame.empty:
        return f'<p class="note">{esc(t("results.label.empty"))}</p>'
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{esc(table.title)}</caption>")
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in frame.columns)
    parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
    kinds = [
        SHORT if kind == TEXT and _all_short(frame[column]) else kind
        for column, kind in ((c, table.formats.get(c, TEXT)) for c in frame.columns)
    ]
    heat = [c in table.heat for c in frame.columns]
    for row in frame.head(max_rows).itertuples(index=False):
        cells = [
            _heat_cell(v) if is_heat else _cell(v, kind)
            for v, kind, is_heat in zip(row, kinds, heat, strict=True)
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if len(frame) > max_rows:
        more = t("results.label.more_rows", count=len(frame) - max_rows, file=f"{table.slug}.csv")
        parts.append(f'<p class="more">{esc(more)}</p>')
    if note and table.note:
        parts.append(f'<p class="note">{esc(table.note)}</p>')
    return "".join(parts)


def _by_module_html(table: Table, hide: Iterable[str]) -> str:
    """One sub-table per module (h3), in bank order, without the module column."""
    column = t("results.col.module")
    frame = table.frame
    if frame.empty:
        return f'<p class="note">{esc(t("results.label.empty"))}</p>'
    parts = [f'<p class="note">{esc(table.note)}</p>'] if table.note else []
    for module, group in frame.groupby(column, sort=False):
        parts.append(f"<h3>{esc(module)}</h3>")
        sub = Table(table.slug, f"{table.title}: {module}", group, table.formats)
        parts.append(table_html(sub, hide=[column, *hide], note=False))
    return "".join(parts)


def _options_html(table: Table) -> str:
    """Compact distractor table: one row per item (matching: per entry), options in one cell."""
    frame = table.frame
    if frame.empty:
        return f'<p class="note">{esc(t("results.label.empty"))}</p>'
    c = {k: t(f"results.col.{k}") for k in
         ("item", "item_id", "entry", "option", "correct", "count", "share", "remark")}  # fmt: skip
    head = "".join(
        f'<th scope="col">{esc(h)}</th>' for h in (c["item"], t("results.col.distribution"))
    )
    rows = []
    for (_, entry), group in frame.groupby([c["item_id"], c["entry"]], sort=False):
        lines = []
        for option in group.itertuples(index=False):
            if entry and not (option[5] or option[4] or option[7]):
                continue  # matching: every right text is offered per entry; show the relevant
            mark = "✓ " if option[4] else ""
            remark = f" – {option[7]}" if option[7] else ""
            label = shorten(str(option[3]), 90)
            text = f"{mark}{format_value(option[6], 'percent')} ({option[5]}×) {label}{remark}"
            css = ' class="flag"' if option[7] else ""
            lines.append(f"<li{css}>{esc(text)}</li>")
        first = group.iloc[0]
        item = f"{esc(first[c['item']])}<br><small>{esc(first[c['item_id']])}</small>"
        if entry:
            item += f"<br>{esc(c['entry'])}: <b>{esc(entry)}</b>"
        rows.append(
            f'<tr><td class="text">{item}</td><td><ul class="options">{"".join(lines)}</ul></td></tr>'
        )
    shown = rows[:MAX_HTML_ROWS]
    more = ""
    if len(rows) > len(shown):
        more = t("results.label.more_rows", count=len(rows) - len(shown), file=f"{table.slug}.csv")
        more = f'<p class="more">{esc(more)}</p>'
    return (
        f'<p class="note">{esc(table.note)}</p><table><caption>{esc(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(shown)}</tbody></table>{more}"
    )


def figure_html(figure: Figure | None, caption: str) -> str:
    if figure is None:
        return f'<p class="note">{esc(t("results.label.no_chart"))}</p>'
    data = base64.b64encode(figure.png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{esc(figure.alt)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def _facts(data: ReportData) -> str:
    loaded = data.loaded
    answers = loaded.answers
    stamps = answers["timestamp"].dropna()
    period = f"{stamps.min():%d.%m.%Y} – {stamps.max():%d.%m.%Y}" if len(stamps) else "–"
    facts = [
        (t("results.fact.participants"), str(len(loaded.participants))),
        (
            t("results.fact.files"),
            t(
                "results.fact.files_value",
                valid=len(loaded.valid_files),
                total=len(loaded.files),
                skipped=len(loaded.skipped_files),
            ),
        ),
        (t("results.fact.answers"), f"{len(answers):,}".replace(",", ".")),
        (t("results.fact.period"), period),
        (
            t("results.fact.modules"),
            str(int((data.analysis.modules["participants"] > 0).sum())),
        ),
        (
            t("results.fact.names"),
            t("results.fact.pseudonyms") if data.who.anonymised else t("results.fact.real_names"),
        ),
    ]
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    return f'<dl class="facts">{items}</dl>'


def _free_texts_html(table: Table) -> str:
    frame = table.frame
    if frame.empty:
        return f'<p class="note">{esc(t("results.label.empty"))}</p>'
    item_col, id_col, answer_col = frame.columns[0], frame.columns[1], frame.columns[3]
    parts = []
    for _, group in frame.groupby(id_col, sort=False):
        parts.append(f"<h3>{esc(group[item_col].iloc[0])}</h3>")
        shown = group.drop(columns=[item_col, id_col]).copy()
        shown[answer_col] = [
            text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + " …"
            for text in shown[answer_col]
        ]
        sub = Table(table.slug, table.title, shown, table.formats)
        parts.append(table_html(sub, MAX_FREE_TEXTS_PER_ITEM, caption=False))
    parts.append(f'<p class="note">{esc(table.note)}</p>')
    return "".join(parts)


def _method_html() -> str:
    text = t(
        "results.method",
        hard=round(VERY_HARD * 100),
        easy=round(VERY_EASY * 100),
        poor=f"{POOR_DISCRIMINATION:.1f}".replace(".", ","),
        minimum=MIN_ANSWERS_FOR_FLAGS,
    )
    return "".join(f"<p>{esc(paragraph)}</p>" for paragraph in text.split("\n\n"))


def render_html(data: ReportData, title: str | None = None) -> str:
    """The whole report as one HTML document (German, offline, no scripts)."""
    s = data.sections
    title = title or t("results.report.title")
    generated = t("results.report.generated", date=f"{data.generated:%d.%m.%Y %H:%M}")
    folder = (
        "" if data.who.anonymised else t("results.report.folder", folder=data.loaded.folder.name)
    )
    body = [
        f"<header><h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(generated)}{esc(" · " + folder) if folder else ""}</p></header>',
        f'<main><section aria-labelledby="s-overview"><h2 id="s-overview">{esc(t("results.section.overview"))}</h2>',
        _facts(data),
        f'<div class="callout">{_method_html()}</div>',
        f"<h3>{esc(s.participants.title)}</h3>",
        table_html(s.participants, caption=False),
        f"<h3>{esc(s.warnings.title)}</h3>",
        table_html(s.warnings, caption=False)
        if len(s.warnings.frame)
        else f'<p class="note">{esc(t("results.label.no_warnings"))}</p>',
        "</section>",
        _section(
            "s-completion",
            t("results.section.completion"),
            [
                figure_html(data.figures.get("completion"), t("results.caption.completion")),
                table_html(s.completion),
            ],
        ),  # fmt: skip
        _section(
            "s-scores",
            t("results.section.scores"),
            [
                table_html(s.quiz_sets),
                table_html(s.modules),
            ],
        ),  # fmt: skip
        _section(
            "s-items",
            t("results.section.items"),
            [
                _by_module_html(
                    s.items, hide=[t("results.col.item_id"), t("results.col.competency")]
                ),
            ],
        ),  # fmt: skip
        _section("s-options", t("results.section.options"), [_options_html(s.options)]),
        _section(
            "s-scenarios",
            t("results.section.scenarios"),
            [
                figure_html(data.figures.get("endings"), t("results.caption.endings")),
                table_html(s.endings),
                table_html(s.paths),
            ],
        ),  # fmt: skip
        _section("s-texts", t("results.section.free_texts"), [_free_texts_html(s.free_texts)]),
        _section(
            "s-profile",
            t("results.section.profile"),
            [
                figure_html(data.figures.get("self"), t("results.caption.self")),
                figure_html(data.figures.get("score"), t("results.caption.score")),
                table_html(s.profile),
            ],
        ),  # fmt: skip
        "</main>",
        f'<footer><p class="note">{esc(t("results.report.footer"))}</p></footer>',
    ]
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _section(anchor: str, heading: str, parts: Iterable[str]) -> str:
    inner = "".join(parts)
    return f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{esc(heading)}</h2>{inner}</section>'


# --- CSV -------------------------------------------------------------------------------------


def _csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        value = clean_text(value)
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
    safe.to_csv(
        path, sep=";", decimal=",", index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL,
        float_format="%.4f", lineterminator="\n",
    )  # fmt: skip
    return path


def write_csvs(data: ReportData, folder: Path) -> list[Path]:
    """One CSV per table, plus every answer (`antworten.csv`), into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
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
    """Write the HTML (and optionally the PDF next to it and the CSV tables)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(data, title), encoding="utf-8")
    files = ReportFiles(out)
    if csv_dir is not None:
        files.csvs = write_csvs(data, csv_dir)
    if pdf:
        from ..publish.pdf import PdfPrinter

        files.pdf = out.with_suffix(".pdf")
        with PdfPrinter() as printer:
            printer.print(out, files.pdf, title or t("results.report.title"),
                          t("results.report.edition"))  # fmt: skip
    return files
