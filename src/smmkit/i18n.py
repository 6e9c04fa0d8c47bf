"""The widgets' own words, from a small catalog per language (`locales/<lang>/*.yaml`).

Files of one language are merged (one per feature, so features don't edit the same file);
a key defined twice is an error. An English edition adds `locales/en/`; no code changes.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

import yaml

DEFAULT_LANG = "de"
# libyaml when present: the pure-Python loader takes about 0.1 s for the catalog, which a
# report or a freshly started kernel would pay on its first message.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def current_lang() -> str:
    return os.environ.get("SMMKIT_LANG", DEFAULT_LANG)


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys."""
    folder = resources.files("smmkit").joinpath("locales", lang)
    sources = (
        sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
        if folder.is_dir()
        else []
    )
    if not sources:
        raise LookupError(f"no message catalog for language {lang!r}")
    flat: dict[str, str] = {}
    for source in sources:
        part: dict[str, str] = {}
        _flatten("", yaml.load(source.read_text(encoding="utf-8"), Loader=_YAML_LOADER), part)
        clash = sorted(set(part) & set(flat))
        if clash:
            raise LookupError(f"locales/{lang}/{source.name} redefines {', '.join(clash)}")
        flat.update(part)
    return flat


def _flatten(prefix: str, node: object, flat: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, flat)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _flatten(f"{prefix}.{index}", value, flat)
    else:
        flat[prefix] = str(node)


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


# --- numbers and dates in the current language (Babel) --------------------------------------

_LOCALES = {"de": "de_DE", "en": "en_GB"}


def _locale() -> str:
    return _LOCALES.get(current_lang(), current_lang())


def number(value: float, digits: int | None = None, grouping: bool = True) -> str:
    """A number as people of the current language write it: 1.234,5 in German.

    `digits` fixes the decimals; without it, up to three are shown and trailing zeros dropped.
    `grouping=False` leaves out the thousands separator (1234,5), as people type numbers.
    """
    from babel.numbers import format_decimal

    pattern = None if digits is None else f"#,##0.{'0' * digits}" if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale(), group_separator=grouping)


def percent(share: float, digits: int = 0) -> str:
    """A share (0.25) as a percentage: "25 %" in German."""
    from babel.numbers import format_percent

    pattern = f"#,##0.{'0' * digits} %" if digits else "#,##0 %"
    return format_percent(share, format=pattern, locale=_locale())


def date(value: object, style: str = "medium") -> str:
    """A date (or datetime) in the current language: 06.12.2026 (medium, German)."""
    from babel.dates import format_date

    return format_date(value, format=style, locale=_locale())


def time(value: object, style: str = "short") -> str:
    """The time of day of a datetime in the current language: 14:05 (short, German)."""
    from babel.dates import format_time

    return format_time(value, format=style, locale=_locale())
