"""Solution regions in code cells: `# BEGIN SOLUTION` … `# END SOLUTION`.

Pure text functions shared by `smmkit check` and the exercise/solution builds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN = re.compile(r"^\s*#+\s*BEGIN SOLUTION\b")
END = re.compile(r"^\s*#+\s*END SOLUTION\b")
STUB = "# Ihre Lösung hier"


@dataclass(frozen=True)
class MarkerError(ValueError):
    """Unbalanced markers; `line` is 1-based within the cell."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def solution_regions(source: str) -> list[tuple[int, int]]:
    """Return (begin, end) line indexes (0-based, inclusive) of every marked region."""
    regions: list[tuple[int, int]] = []
    begin: int | None = None
    for index, line in enumerate(source.splitlines()):
        if BEGIN.match(line):
            if begin is not None:
                raise MarkerError(
                    index + 1, f"BEGIN SOLUTION inside the region opened on line {begin + 1}"
                )
            begin = index
        elif END.match(line):
            if begin is None:
                raise MarkerError(index + 1, "END SOLUTION without BEGIN SOLUTION")
            regions.append((begin, index))
            begin = None
    if begin is not None:
        raise MarkerError(begin + 1, "BEGIN SOLUTION without END SOLUTION")
    return regions


def has_solution(source: str) -> bool:
    return bool(solution_regions(source))


def strip_markers(source: str) -> str:
    """The solution edition: keep the solution, drop only the marker lines."""
    regions = solution_regions(source)
    marker_lines = {i for region in regions for i in region}
    return "\n".join(line for i, line in enumerate(source.splitlines()) if i not in marker_lines)


def clear_solutions(source: str, stub: str = STUB) -> str:
    """The exercise edition: replace each region by a stub at the marker's indentation."""
    lines = source.splitlines()
    out: list[str] = []
    cursor = 0
    for begin, end in solution_regions(source):
        out.extend(lines[cursor:begin])
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        out.append(f"{indent}{stub}")
        if indent:  # inside a block a comment alone is a syntax error
            out.append(f"{indent}pass")
        cursor = end + 1
    out.extend(lines[cursor:])
    return "\n".join(out)
