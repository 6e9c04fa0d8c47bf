"""Charts of the trainer report, certificates and dashboard: functions returning
(Figure, German alt text); :func:`drawn` turns one into a :class:`Chart` for a page."""

from __future__ import annotations

import base64
import contextlib
import math
import textwrap
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from ..bank.models import COMPETENCIES
from ..i18n import t
from ..kernel.charts import RATING_COLOURS, figure_png, radar, readable_on
from .loader import RATINGS
from .tables import PERCENT, SCALE, format_value

MAX_HEATMAP_ROWS = 40  # more participants: show how many reached each completion band
BAND_COUNT = 5
UNFINISHED_COLOUR = "#8c8c8c"
# White → dark blue; text switches to white where the cell gets dark (contrast ≥ 4.5:1).
HEAT = LinearSegmentedColormap.from_list("smmkit_heat", ["#f7fbff", "#6baed6", "#08306b"])


@contextlib.contextmanager
def quiet_glyphs() -> Iterator[None]:
    """Names may hold any character; a missing glyph draws a box, no need to warn about it."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph .* missing from font", category=UserWarning
        )
        yield


@dataclass(frozen=True)
class Chart:
    """A drawn chart: PNG bytes and the German alt text that says what it shows."""

    png: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        """The PNG as a ``data:`` URL, for an ``<img>`` in an offline page."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def drawn(made: tuple[Figure, str] | None, dpi: int = 100) -> Chart | None:
    """The (figure, alt text) a chart function returned as a PNG Chart; None stays None."""
    if made is None:
        return None
    figure, alt = made
    with quiet_glyphs():
        return Chart(figure_png(figure, dpi=dpi), alt)


def text_colour(share: float) -> str:
    """Black or white text, whichever contrasts more with the heat colour of `share`."""
    return readable_on(HEAT(share))


def heat_colour(share: float) -> str:
    red, green, blue, _ = HEAT(0.0 if math.isnan(share) else share)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _wrap(label: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


def completion_heatmap(
    done: pd.DataFrame, names: Mapping[str, str], module_titles: Mapping[str, str]
) -> tuple[Figure, str]:
    """Participants × modules (share of scored items answered); bands for large groups."""
    columns = [m for m in done.columns]
    labels = [_wrap(module_titles.get(m, m)) for m in columns]
    if len(done) <= MAX_HEATMAP_ROWS:
        values = done.to_numpy(dtype=float)
        rows = [names.get(k, k) for k in done.index]
        title = t("results.chart.heatmap_title")
    else:
        values = np.array(
            [
                [float(np.mean(completion_bands(done[m].to_numpy()) == band)) for m in columns]
                for band in range(BAND_COUNT)
            ]
        )
        rows = [t(f"results.chart.band.b{n}") for n in range(BAND_COUNT)]
        title = t("results.chart.heatmap_bands_title", count=len(done))
    fig = Figure(figsize=(1.4 + 1.35 * len(columns), 1.2 + 0.32 * max(len(rows), 3)))
    ax = fig.add_subplot()
    ax.imshow(np.nan_to_num(values), cmap=HEAT, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(columns)), labels, fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.xaxis.tick_top()
    for (row, column), value in np.ndenumerate(values):
        ax.text(column, row, _percent(value), ha="center", va="center", fontsize=7,
                color=text_colour(0.0 if math.isnan(value) else value))  # fmt: skip
    ax.set_title(title, fontsize=10, pad=8)
    with quiet_glyphs():
        fig.tight_layout()
    means = ", ".join(f"{module_titles.get(m, m)} {_percent(done[m].mean())}" for m in columns)
    alt = t("results.chart.heatmap_alt", count=len(done), means=means)
    return fig, alt


def completion_bands(shares: np.ndarray) -> np.ndarray:
    """Band per share: 0 = nothing, 1 = under 50 %, 2 = 50–79 %, 3 = 80–99 %, 4 = all."""
    shares = np.asarray(shares, dtype=float)
    return np.select(
        [shares <= 1e-9, shares < 0.5, shares < 0.8, shares < 1 - 1e-9], [0, 1, 2, 3], 4
    )


def endings_chart(endings: pd.DataFrame) -> tuple[Figure, str] | None:
    """Per scenario, the share of first playthroughs ending best/good/neutral/bad/unfinished."""
    if endings.empty:
        return None
    categories = [*RATINGS, ""]
    table = (
        endings.groupby(["scenario", "rating"], sort=False)["share"].sum().unstack(fill_value=0)
    ).reindex(columns=categories, fill_value=0.0)
    scenarios = list(table.index)
    fig = Figure(figsize=(8.2, 2.2 + 0.42 * len(scenarios)), layout="constrained")
    ax = fig.add_subplot()
    left = np.zeros(len(scenarios))
    for rating in categories:
        label = t(f"scenario.rating.{rating}") if rating else t("results.label.unfinished")
        colour = RATING_COLOURS.get(rating, UNFINISHED_COLOUR)
        values = table[rating].to_numpy()
        ax.barh(range(len(scenarios)), values, left=left, color=colour, label=label,
                edgecolor="white")  # fmt: skip
        left += values
    ax.set_yticks(range(len(scenarios)), [_wrap(s, 38) for s in scenarios], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ticks = [0, 0.25, 0.5, 0.75, 1]
    ax.set_xticks(ticks, [_percent(tick) for tick in ticks])
    ax.set_xlabel(t("results.chart.endings_x"))
    ax.set_title(t("results.chart.endings_title"), fontsize=10)
    fig.legend(loc="outside lower center", ncol=5, fontsize=7, frameon=False)
    best = table[RATINGS[0]]
    alt = t(
        "results.chart.endings_alt",
        count=len(scenarios),
        best="; ".join(f"{s}: {_percent(v)}" for s, v in best.items()),
    )
    return fig, alt


def self_assessment_chart(
    profile: pd.DataFrame, title: str | None = None
) -> tuple[Figure, str] | None:
    """Radar of the (group's mean) self-assessment before and after (scale 1–5)."""
    series = {
        t(f"results.phase.{phase}"): profile[phase].dropna().to_dict()
        for phase in ("vorher", "nachher")
        if profile[phase].notna().any()
    }
    if not series:
        return None
    fig = radar(series, title or t("results.chart.self_title"))
    alt = t(
        "results.chart.self_alt",
        values="; ".join(
            f"{t(f'competency.{c}')}: "
            + ", ".join(
                f"{label} {format_value(values.get(c), SCALE)}" for label, values in series.items()
            )
            for c in COMPETENCIES
        ),
    )
    return fig, alt


def score_chart(profile: pd.DataFrame, title: str | None = None) -> tuple[Figure, str] | None:
    """Radar of the (group's mean) share of points per competency (0–100 %)."""
    scores = profile["score"].dropna()
    if scores.empty:
        return None
    label = t("results.chart.score_series")
    fig = radar({label: (scores * 5).to_dict()}, title or t("results.chart.score_title"))
    fig.axes[0].set_yticks(range(1, 6), [_percent(n / 5) for n in range(1, 6)], fontsize=7)
    alt = t(
        "results.chart.score_alt",
        values="; ".join(f"{t(f'competency.{c}')}: {_percent(v)}" for c, v in scores.items()),
    )
    return fig, alt


def _percent(share: float) -> str:
    """A share as "25 %", or "–" when it is missing."""
    return format_value(share, PERCENT)
