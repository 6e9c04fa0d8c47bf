"""Charts as functions that return matplotlib Figures (no display, no I/O)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from matplotlib.figure import Figure

from .content.models import COMPETENCIES
from .i18n import t

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
