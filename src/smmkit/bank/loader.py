"""Read YAML safely while remembering the line of every key and list entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

PathKey = tuple[Any, ...]


@dataclass
class LocatedDocument:
    """A parsed YAML document and the 1-based line of each path inside it."""

    path: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: PathKey) -> int | None:
        """Line of `key`, or of its nearest ancestor that has one."""
        for end in range(len(key), -1, -1):
            line = self.lines.get(tuple(key[:end]))
            if line is not None:
                return line
        return None


def _record_lines(
    loader: yaml.SafeLoader, node: yaml.Node, key: PathKey, doc: LocatedDocument
) -> None:
    doc.lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            name = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if name in seen:
                doc.problems.append(
                    Problem(
                        doc.path,
                        line,
                        None,
                        str(name),
                        f"duplicate key (first on line {seen[name]})",
                    )
                )
            seen[name] = line
            doc.lines[(*key, name)] = line
            _record_lines(loader, value_node, (*key, name), doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _record_lines(loader, child, (*key, index), doc)


# libyaml's loader builds the same nodes (with line marks) about 8× faster than the
# pure-Python one; every kernel that shows a quiz loads the bank, so this is felt when a
# notebook opens. Its error messages are worded differently, so a file that fails is parsed
# again by the pure-Python loader, whose messages the docs and tests use.
FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def parse_yaml(text: str, path: str) -> LocatedDocument:
    """Parse one YAML document with the safe loader; syntax errors become problems."""
    if FAST_LOADER is not None:
        doc = _parse_with(FAST_LOADER, text, path)
        if not doc.problems:
            return doc
    return _parse_with(yaml.SafeLoader, text, path)


def _parse_with(loader_class: type, text: str, path: str) -> LocatedDocument:
    doc = LocatedDocument(path=path, data=None)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _record_lines(loader, node, (), doc)
            doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        lines = text.splitlines()
        message = f"YAML syntax error: {exc.problem}; {syntax_hint(str(exc.problem), lines, line)}"
        doc.problems.append(Problem(path, line, nearest_id(lines, line), None, message))
        doc.data = None
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(path, None, None, None, f"YAML error: {exc}"))
        doc.data = None
    finally:
        loader.dispose()
    return doc


ID_LINE = re.compile(r"""^\s*(?:-\s+)?id:\s*["']?([^"'\s#]+)""")


def syntax_hint(problem: str, lines: list[str], line: int | None) -> str:
    """A plain-language hint for a YAML syntax error, for authors who do not know YAML."""
    around = lines[max(0, (line or 1) - 2) : line or 1]
    if "\t" in "".join(around) or "'\\t'" in problem:
        return "a tab is used for indentation: YAML needs spaces, so replace each tab by spaces"
    if "mapping values are not allowed" in problem:
        return (
            "a text contains ': ' (colon and space): put the whole text in double quotes "
            '("…"), or write it after ">-" on the next lines'
        )
    if "found '<scalar>'" in problem or "expected <block end>" in problem:
        return (
            "a quoted text probably contains the same quote mark again: use „…“ inside the "
            "text, or put single quotes around it; also check the indentation"
        )
    return (
        "check the indentation (spaces only, the same depth for fields of one item) and put "
        "texts in double quotes when they contain ': ' or ' #' or start with a quote, '*' or '&'"
    )


def nearest_id(lines: list[str], line: int | None) -> str | None:
    """The id of the item (or node) defined last before `line`: where the author should look."""
    for text in reversed(lines[: line or 0]):
        match = ID_LINE.match(text)
        if match:
            return match.group(1)
    return None


def declared_ids(text: str) -> set[str]:
    """Every `id:` value in a YAML text, found line by line (works when parsing fails)."""
    return {m.group(1) for m in map(ID_LINE.match, text.splitlines()) if m}


def read_yaml(path: Path, display_path: str | None = None) -> LocatedDocument:
    """Read and parse a YAML file; unreadable or non-UTF-8 files become problems."""
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        doc = LocatedDocument(path=shown, data=None)
        doc.problems.append(Problem(shown, None, None, None, f"not UTF-8 text: {exc.reason}"))
        return doc
    return parse_yaml(text, shown)
