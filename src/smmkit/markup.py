"""Authored Markdown → HTML (shared by widgets and printed handouts)."""

from __future__ import annotations

import functools

import mistune

_markdown = mistune.create_markdown(plugins=["table", "strikethrough"])


@functools.lru_cache(maxsize=4096)
def md(text: str | None) -> str:
    """Trusted, authored Markdown → HTML ('' for empty text).

    Memoised: the participant and trainer editions render the same bank texts, and a widget
    shows the same feedback again on every retry."""
    return _markdown(text) if text else ""
