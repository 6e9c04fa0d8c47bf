"""App edition: cells whose result is the same for everyone are shown as computed at build time.

A module's data exercises (pandas tables, matplotlib charts) show the same result to every
participant. Under Voilà each page used to run them again in its own kernel: importing pandas
and matplotlib and drawing the charts was about a third of a page's CPU time and 50 MB of its
kernel's memory. :class:`FreezeOutputs` turns such a cell of the executed notebook into a
Markdown cell that holds its outputs, so a page's kernel runs only the widgets.

A code cell is frozen when it uses nothing of ``smmkit`` but its example data
(``smmkit.datasets``; the rest is the participant, their answers and the widgets), uses no name
that a live cell defined, and defines no name that a live cell uses (else the live cell would
miss it). :func:`frozen_cells` decides; it is pure and tested without a kernel.
"""

from __future__ import annotations

import ast
import html
from collections.abc import Sequence
from typing import Any

from nbconvert.preprocessors import Preprocessor

FROZEN_TAG = "smmkit-frozen"
PACKAGE = "smmkit"
SHARED_DATA = "datasets"  # smmkit.datasets: the same example data for everyone
IMAGES = ("image/png", "image/jpeg", "image/svg+xml")


def _names(source: str) -> tuple[set[str], set[str]] | None:
    """(names used, names defined) by a cell's code; None if it is not plain Python (magics,
    shell escapes): such a cell stays live."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    used: set[str] = set()
    defined: set[str] = set()
    data_access = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == PACKAGE
        and node.attr == SHARED_DATA
    }
    for node in ast.walk(tree):
        if id(node) in data_access:
            continue
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store | ast.Del) else used).add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            defined |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
            module = (node.module or "").split(".") if isinstance(node, ast.ImportFrom) else []
            if module[:1] == [PACKAGE] and module[1:2] != [SHARED_DATA]:
                used.add(PACKAGE)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
    return used, defined


def frozen_cells(sources: Sequence[str | None]) -> set[int]:
    """Indexes of the code cells (`sources`: code, or None for other cells) whose outputs can
    be computed once for everyone."""
    names = {i: _names(s) for i, s in enumerate(sources) if s is not None and s.strip()}
    frozen = {i for i, n in names.items() if n is not None and PACKAGE not in n[0] | n[1]}
    changed = True
    while changed:  # a cell that turns live can turn others live: repeat until nothing changes
        changed = False
        live_defined: set[str] = set()
        for i in sorted(names):  # forward: a cell using a live cell's name is live
            used, defined = names[i] or (set(), set())
            if i in frozen and used & live_defined:
                frozen.discard(i)
                changed = True
            if i not in frozen:
                live_defined |= defined
        live_used: set[str] = set()
        for i in sorted(names, reverse=True):  # backward: defining what a live cell uses
            used, defined = names[i] or (set(), set())
            if i in frozen and defined & live_used:
                frozen.discard(i)
                changed = True
            if i not in frozen:
                live_used |= used
    return frozen


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _pre(text: str) -> str:
    # One line: a blank line would end the Markdown cell's HTML block.
    return "<pre>" + html.escape(text).replace("\n", "&#10;") + "</pre>"


def outputs_html(outputs: Sequence[Any]) -> str:
    """A code cell's outputs as one HTML block for a Markdown cell (no blank lines in it)."""
    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stdout":
                parts.append(_pre(_text(output.get("text", ""))))
            continue
        data = output.get("data", {})
        image = next((mime for mime in IMAGES if mime in data), None)
        if image == "image/svg+xml":
            parts.append(_text(data[image]))
        elif image is not None:
            alt = output.get("metadata", {}).get(image, {}).get("alt") or "Diagramm"
            source = _text(data[image]).replace("\n", "")
            parts.append(
                f'<img class="smmkit-chart" src="data:{image};base64,{source}" '
                f'alt="{html.escape(alt)}">'
            )
        elif "text/html" in data:
            parts.append(_text(data["text/html"]))
        elif "text/markdown" in data:
            parts.append(_text(data["text/markdown"]))
        elif "text/plain" in data:
            parts.append(_pre(_text(data["text/plain"])))
    body = "\n".join(line for part in parts for line in part.splitlines() if line.strip())
    return f'<div class="smmkit-frozen-output">\n{body}\n</div>' if body else ""


class FreezeOutputs(Preprocessor):
    """Executed notebook → app edition: frozen cells become Markdown cells with their outputs
    (or disappear, if they had none). A notebook that was not executed stays as it is: its
    cells compute their results on the page, as before."""

    def preprocess(self, nb, resources):
        import nbformat

        if not any(cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code"):
            return nb, resources
        sources = [cell.source if cell.cell_type == "code" else None for cell in nb.cells]
        frozen = frozen_cells(sources)
        cells = []
        for index, cell in enumerate(nb.cells):
            if index not in frozen:
                cells.append(cell)
                continue
            shown = outputs_html(cell.get("outputs", []))
            if shown:
                tags = [*cell.get("metadata", {}).get("tags", []), FROZEN_TAG]
                frozen_cell = nbformat.v4.new_markdown_cell(shown, metadata={"tags": tags})
                frozen_cell["id"] = cell.get("id") or f"frozen-{index}"
                cells.append(frozen_cell)
        nb.cells = cells
        return nb, resources
