"""What the exercise widgets share: their HTML parts come from templates (autoescaped)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..kernel.widgets.base import STYLE
from ..publish.templating import macros
from .check import Check

HINT_STYLE = ("ℹ", "#0d3c61", "#f3f5f8")  # advice that never counts
STATES = {True: "ok", False: "not_ok", None: "hint"}


def parts(name: str) -> Any:
    """The macros of ``exercises/<name>/templates/widget.html.j2``."""
    return macros(f"exercises/{name}/widget.html.j2")


def common() -> Any:
    """The macros every exercise widget uses (``exercises/templates/widget.html.j2``)."""
    return macros("exercises/widget.html.j2")


def html(markup: Any) -> str:
    """A macro's result (Markup) as the plain string a widget's value wants."""
    return str(markup)


def status(text: str, ok: bool | None) -> str:
    """A status line under the buttons (the text is escaped)."""
    return html(common().status(text, STYLE[ok]))


def checks_html(checks: Iterable[Check], kind: str, states: Mapping[str, str], padding: str) -> str:
    """The live check list; `kind` names its CSS classes, `states` the words for screen readers."""
    rows = []
    for check in checks:
        if not check.counted and check.ok is not True:
            rows.append((check, "hint", HINT_STYLE))
        else:
            rows.append((check, STATES[check.ok], STYLE[check.ok]))
    return html(common().checks(rows, kind, states, padding))
