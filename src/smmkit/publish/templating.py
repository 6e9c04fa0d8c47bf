"""One rendering path for generated HTML: Jinja2 templates with autoescaping.

    render("publish/paper/item.html.j2", item=item, trainer=False)  →  str

Templates live in a ``templates/`` folder of the subpackage that uses them, and a template's
name starts with that subpackage: ``publish/paper/item.html.j2`` is
``smmkit/publish/templates/paper/item.html.j2``. A subpackage gets a ``templates/`` folder
and its templates are found; nothing here changes (``results/report.html.j2`` would be
``smmkit/results/templates/report.html.j2``). Templates may include and extend templates of
other subpackages by the same names. Stylesheets are ``.css`` files next to the templates,
inlined with ``{% include %}``, so every page is one self-contained file; the globs in
``[tool.setuptools.package-data]`` install both.

The escaping policy: every ``{{ value }}`` is escaped, and text loses control and
bidi-override characters on the way (:func:`visible_text`: they could disguise what a name
or an answer says). Authored Markdown goes through the ``md`` filter (trusted bank and guide
texts, HTML marked safe); a template's output put into another template is wrapped in
``Markup`` by its caller. Numbers, percentages, dates and times of day go through the
``number``, ``percent``, ``date`` and ``time`` filters (Babel, in the current language,
``smmkit.i18n``); messages through the global ``t``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, PrefixLoader, StrictUndefined
from markupsafe import Markup

from .. import i18n
from ..markup import md

_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]"
)


def visible_text(text: str) -> str:
    """`text` without control and bidi-override characters (tabs and line breaks stay)."""
    return _INVISIBLE.sub("", text)


def _finalize(value: Any) -> Any:
    """What ``{{ value }}`` prints before escaping: text made visible, markup as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible_text(value)
    return value


def _markdown(text: str | None) -> Markup:
    """Authored Markdown as HTML: the one way a template outputs markup from text."""
    return Markup(md(text))


def _template_folders() -> dict[str, PackageLoader]:
    """A loader per smmkit subpackage that has a ``templates/`` folder, by the package name."""
    return {
        entry.name: PackageLoader(f"smmkit.{entry.name}", "templates")
        for entry in resources.files("smmkit").iterdir()
        if entry.joinpath("__init__.py").is_file() and entry.joinpath("templates").is_dir()
    }


@cache
def environment() -> Environment:
    """The shared environment: autoescape on, undefined names are errors."""
    env = Environment(
        loader=PrefixLoader(_template_folders()),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=_markdown, number=i18n.number, percent=i18n.percent, date=i18n.date, time=i18n.time
    )
    env.globals["t"] = i18n.t
    return env


def render(template_name: str, **context: Any) -> str:
    """The template `template_name` (e.g. ``publish/paper/item.html.j2``) filled with `context`."""
    return environment().get_template(template_name).render(**context)
