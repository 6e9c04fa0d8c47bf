"""The widgets' stylesheet (`stylesheet.css`), sent once per kernel.

A page needs the stylesheet once: the first smmkit widget a kernel shows brings it along as an
HTML output in front of it, and later widgets come without it. The kernel remembers the cell
whose output carries it. When that cell runs again (the front end clears its outputs first) or
is deleted, the next widget brings the stylesheet again, so re-running cells in JupyterLab
never leaves a page unstyled. JupyterLab names the running cell and the deleted cells in each
execute request; Voilà and nbclient name none, and run every cell once. A restarted kernel
sends it again with its first widget. Outside IPython there is no page and nothing is shown.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from IPython import get_ipython
from IPython.display import HTML, display


@cache
def stylesheet() -> str:
    """The stylesheet as an HTML ``<style>`` element."""
    css = resources.files(__package__).joinpath("stylesheet.css").read_text(encoding="utf-8")
    return f"<style>{css}</style>"


class _Carrier:
    """Whether a kernel's page has the stylesheet, and which cell's output carries it."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.shown = False
        self.awaiting_cell = False  # shown by the running cell, whose id comes after it ran
        self.cell_id: str | None = None
        shell.events.register("pre_run_cell", self._before_cell)
        shell.events.register("post_run_cell", self._after_cell)

    def _before_cell(self, info: Any) -> None:
        deleted = (getattr(info, "cell_meta", None) or {}).get("deletedCells") or ()
        if self.cell_id is not None and (info.cell_id == self.cell_id or self.cell_id in deleted):
            self.shown, self.cell_id = False, None  # the carrying output is about to vanish

    def _after_cell(self, result: Any) -> None:
        if self.awaiting_cell:
            self.cell_id, self.awaiting_cell = result.info.cell_id, False

    def show(self) -> None:
        if not self.shown:
            display(HTML(stylesheet()))
            self.shown, self.awaiting_cell = True, True


_carrier: _Carrier | None = None


def show_stylesheet_once() -> None:
    """Display the stylesheet unless this kernel's page has it already (see the module text)."""
    global _carrier
    shell = get_ipython()
    if shell is None:
        return
    if _carrier is None or _carrier.shell is not shell:
        _carrier = _Carrier(shell)
    _carrier.show()
