"""Authored Markdown → HTML (shared by widgets and printed handouts)."""

from __future__ import annotations

import mistune

_markdown = mistune.create_markdown(plugins=["table", "strikethrough"])


def md(text: str | None) -> str:
    """Trusted, authored Markdown → HTML ('' for empty text)."""
    return _markdown(text) if text else ""
