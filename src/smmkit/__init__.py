"""smmkit: a Jupyter training kit on what makes a qualified social media manager.

In a notebook, one call per cell shows content from the bank::

    import smmkit
    smmkit.participant()
    smmkit.quiz("kommunikation.kritik-01")
    smmkit.scenario("kommunikation.szenario-ingdiba")
    smmkit.self_assessment("einfuehrung.selbsteinschaetzung", phase="vorher")
    smmkit.exercise("raci")   # a hands-on exercise; the cell's metadata: {"smmkit": {"exercise": "raci"}}
"""

from __future__ import annotations

import importlib
from typing import Any

from .bank import load_bank
from .errors import ContentError, SmmkitError

__version__ = "0.1.0"

__all__ = [
    "ContentError",
    "SmmkitError",
    "__version__",
    "datasets",
    "exercise",
    "load_bank",
    "participant",
    "quiz",
    "scenario",
    "self_assessment",
]

# Widgets and pandas are imported on first use so that the CLI starts fast.
_LAZY_MODULES = {"datasets"}


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext smmkit` (or a kernel started with `--ext=smmkit`): every matplotlib chart
    the kernel shows carries an alt text made from its title and axis labels.

    The handout build starts its kernels with this extension, so printed charts are
    described; importing smmkit alone changes nothing in IPython.
    """
    from .kernel.extension import enable_chart_alt_text_on_use

    enable_chart_alt_text_on_use(ipython)


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'smmkit' has no attribute {name!r}")


def quiz(item_id: str) -> Any:
    """Show an item or a quiz set from the bank as an interactive widget."""
    from .kernel import api

    return api.quiz(item_id)


def scenario(item_id: str, feedback: str = "each") -> Any:
    """Play a branching case scenario from the bank.

    `feedback="end"` (group play) shows each choice's feedback in the debrief at the end
    instead of after every click.
    """
    from .kernel import api

    return api.scenario(item_id, feedback)


def self_assessment(item_id: str, phase: str = "vorher") -> Any:
    """Show a Likert self-assessment; draws a radar chart of the competencies."""
    from .kernel import api

    return api.self_assessment(item_id, phase=phase)


def exercise(name: str) -> Any:
    """Show a hands-on exercise: "raci", "posts", "strategy" or "ki_check" (see :mod:`smmkit.exercises`).

    The cell carries the metadata ``{"smmkit": {"exercise": name}}``, so that the build prints
    the exercise on paper; its options are the exercise's content (``data.<lang>.yaml``).
    """
    from .exercises import get

    return get(name).show()


def participant() -> Any:
    """Ask for the participant's name or pseudonym (once); answers are saved under it."""
    from .kernel import api

    return api.participant()
