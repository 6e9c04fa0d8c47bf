"""The widgets' own words, from a small catalog per language (`locales/<lang>.yaml`).

An English edition adds `locales/en.yaml`; no code changes.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

import yaml

DEFAULT_LANG = "de"


def current_lang() -> str:
    return os.environ.get("SMMKIT_LANG", DEFAULT_LANG)


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys."""
    source = resources.files("smmkit").joinpath("locales", f"{lang}.yaml")
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LookupError(f"no message catalog for language {lang!r}") from None
    flat: dict[str, str] = {}

    def walk(prefix: str, node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(f"{prefix}.{index}", value)
        else:
            flat[prefix] = str(node)

    walk("", data)
    return flat


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in the current language, with `{placeholders}` filled in."""
    messages = catalog(lang or current_lang())
    try:
        template = messages[key]
    except KeyError:
        raise KeyError(
            f"message {key!r} missing from the {lang or current_lang()!r} catalog"
        ) from None
    return template.format(**values) if values else template
