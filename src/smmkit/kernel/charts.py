"""Charts as functions that return matplotlib Figures (no display, no I/O)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

from matplotlib import rc_context
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from ..bank.models import COMPETENCIES, Scenario
from ..bank.scenarios import best_path
from ..i18n import t

# Colour-blind-safe pair (Okabe–Ito) with enough contrast on white.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")


def radar(
    profiles: Mapping[str, Mapping[str, float]], title: str, scale_max: float = 5.0
) -> Figure:
    """A radar chart of one or more competency profiles (label → competency → value)."""
    labels = [t(f"competency.{c}") for c in COMPETENCIES]
    angles = [2 * math.pi * i / len(COMPETENCIES) for i in range(len(COMPETENCIES))]
    fig = Figure(figsize=(5.2, 4.6))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(angles, labels)
    ax.set_ylim(0, scale_max)
    ax.set_yticks(range(1, int(scale_max) + 1))
    ax.tick_params(axis="x", pad=12)
    for index, (label, profile) in enumerate(profiles.items()):
        values = [profile.get(c, 0.0) for c in COMPETENCIES]
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        ax.plot([*angles, angles[0]], [*values, values[0]], color=colour, linewidth=2, label=label)
        ax.fill([*angles, angles[0]], [*values, values[0]], color=colour, alpha=0.15)
    ax.set_title(title, pad=22)
    if len(profiles) > 1:
        ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12))
    fig.tight_layout()
    return fig


RATING_COLOURS = {"best": "#1b7837", "good": "#7fbc41", "neutral": "#f1a340", "bad": "#c51b1b"}


def relative_luminance(colour: Any) -> float:
    """WCAG 2 relative luminance of a matplotlib colour ("#rrggbb", a name, an RGB(A) tuple)."""
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(first: Any, second: Any) -> float:
    """WCAG 2 contrast ratio (1 to 21); AA asks for 4.5 for normal text."""
    bright, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (bright + 0.05) / (dark + 0.05)


def readable_on(fill: Any) -> str:
    """Black or white text, whichever contrasts more with `fill`."""
    return "white" if contrast_ratio("white", fill) > contrast_ratio("black", fill) else "black"


def figure_png(figure: Figure, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


# Text stays text (sharp in print, searchable in the PDF, about half the drawing time of
# glyph outlines or a PNG); fixed ids and no date, so the same figure gives the same bytes.
_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "smmkit"}


def figure_svg(figure: Figure) -> bytes:
    """The figure as a self-contained SVG document (no external references)."""
    buffer = io.BytesIO()
    with rc_context(_SVG_SETTINGS):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _levels(scenario: Scenario) -> dict[str, int]:
    """Breadth-first depth of every reachable node from the start."""
    nodes = scenario.node_map
    depth = {scenario.start: 0}
    queue = [scenario.start]
    while queue:
        node_id = queue.pop(0)
        for target in nodes[node_id].targets():
            if target in nodes and target not in depth:
                depth[target] = depth[node_id] + 1
                queue.append(target)
    return depth


def scenario_map(scenario: Scenario, numbers: Mapping[str, int]) -> tuple[Figure, str]:
    """A map of the scenario graph: sections by depth, endings coloured by rating, best path bold.

    Returns the figure and an alt text describing it.
    """
    depth = _levels(scenario)
    by_level: dict[int, list[str]] = {}
    for node_id, level in sorted(depth.items(), key=lambda kv: numbers.get(kv[0], 0)):
        by_level.setdefault(level, []).append(node_id)
    width = max(len(ids) for ids in by_level.values())
    positions = {
        node_id: ((i + 1) / (len(ids) + 1) * width, -level)
        for level, ids in by_level.items()
        for i, node_id in enumerate(ids)
    }
    best = best_path(scenario)
    best_edges = set(zip(best[0], best[0][1:], strict=False)) if best else set()
    height = 1.2 + 1.15 * len(by_level)
    fig = Figure(figsize=(min(11, 2 + 1.6 * width), height))
    # Fixed margins instead of tight_layout (a whole extra draw); savefig crops to the content.
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=1 - 0.45 / height)
    ax = fig.add_subplot()
    nodes = scenario.node_map
    for node_id, (x, y) in positions.items():
        for target in nodes[node_id].targets():
            if target not in positions:
                continue
            on_best = (node_id, target) in best_edges
            ax.annotate(
                "",
                xy=positions[target],
                xytext=(x, y),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": "#0b3d91" if on_best else "#8a8a8a",
                    "lw": 2.6 if on_best else 1.0,
                    "shrinkA": 14,
                    "shrinkB": 14,
                    "connectionstyle": "arc3,rad=0.08",
                },
            )
    for node_id, (x, y) in positions.items():
        node = nodes[node_id]
        if node.ending:
            colour = RATING_COLOURS[node.ending.rating]
            text_colour = readable_on(colour)
            label = f"{numbers[node_id]}\n{t(f'scenario.rating.{node.ending.rating}')}"
        elif node.routes:
            colour, text_colour, label = (
                "#e0e0e0",
                "black",
                f"{numbers[node_id]}\n{t('paper.router')}",
            )
        else:
            colour, text_colour, label = "#dbe9f6", "black", str(numbers[node_id])
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color=text_colour,
            bbox={"boxstyle": "round,pad=0.45", "facecolor": colour, "edgecolor": "#333333"},
        )
    ax.set_xlim(0, width + 0.2)
    ax.set_ylim(-max(by_level) - 0.6, 0.6)
    ax.axis("off")
    ax.set_title(t("paper.map_title", title=scenario.title), fontsize=11)
    endings = [n for n in scenario.nodes if n.ending]
    alt = t(
        "paper.map_alt",
        title=scenario.title,
        sections=len(positions),
        endings=", ".join(
            f"{numbers[n.id]} ({t(f'scenario.rating.{n.ending.rating}')})"
            for n in endings
            if n.id in numbers
        ),
        best=" → ".join(str(numbers[n]) for n in best[0]) if best else "–",
    )
    return fig, alt


def describe_figure(figure: Figure) -> str:
    """Alt text for a chart from its titles and axis labels (German)."""
    parts = []
    if figure._suptitle is not None and figure._suptitle.get_text():
        parts.append(figure._suptitle.get_text())
    for ax in figure.axes:
        bits = [ax.get_title()] if ax.get_title() else []
        if ax.name != "polar":
            if ax.get_xlabel():
                bits.append(f"x-Achse: {ax.get_xlabel()}")
            if ax.get_ylabel():
                bits.append(f"y-Achse: {ax.get_ylabel()}")
        labels = [h.get_label() for h in ax.get_legend().legend_handles] if ax.get_legend() else []
        if labels:
            bits.append("Legende: " + ", ".join(str(label) for label in labels if label))
        if bits:
            parts.append("; ".join(bits))
    return "Diagramm: " + " | ".join(parts) if parts else "Diagramm ohne Titel"
