"""One rendering path for generated HTML: Jinja2 templates with autoescaping.

    render("publish/paper/item.html.j2", item=item, trainer=False)  →  str

Templates live in a ``templates/`` folder of the subpackage that uses them, and a template's
name starts with that subpackage: ``publish/paper/item.html.j2`` is
``smmkit/publish/templates/paper/item.html.j2``, ``exercises/raci/paper.html.j2`` is
``smmkit/exercises/raci/templates/paper.html.j2``. A subpackage gets a ``templates/`` folder
and its templates are found; nothing here changes. Templates may include and extend templates
of other subpackages by the same names; :func:`macros` gives a template's macros as functions,
for widgets that fill many small parts. Stylesheets are ``.css`` files next to the templates,
inlined with ``{% include %}``, so every page is one self-contained file; the globs in
``[tool.setuptools.package-data]`` install both.

The escaping policy: every ``{{ value }}`` is escaped, and text loses control and
bidi-override characters on the way (:func:`visible_text`: they could disguise what a name
or an answer says). Authored Markdown goes through the ``md`` filter (trusted bank and guide
texts, HTML marked safe; ``md_inline`` for one line without its paragraph); a template's
output put into another template is wrapped in ``Markup`` by its caller. Numbers,
percentages, dates and times of day go through the ``number``, ``percent``, ``date`` and
``time`` filters (Babel, in the current language, ``smmkit.i18n``); messages through the
global ``t``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
)
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


def _markdown_inline(text: str | None) -> Markup:
    """Authored Markdown of one paragraph as HTML without the surrounding ``<p>``."""
    html = md(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def _loader(package: str, folder: Traversable) -> BaseLoader | None:
    """The templates of `package` (its ``templates/`` folder), then its subpackages' by name."""
    loaders: list[BaseLoader] = []
    if folder.joinpath("templates").is_dir():
        loaders.append(PackageLoader(package, "templates"))
    subpackages = {
        entry.name: loader
        for entry in folder.iterdir()
        if entry.joinpath("__init__.py").is_file()
        and (loader := _loader(f"{package}.{entry.name}", entry))
    }
    if subpackages:
        loaders.append(PrefixLoader(subpackages))
    return (ChoiceLoader(loaders) if len(loaders) > 1 else loaders[0]) if loaders else None


@cache
def environment() -> Environment:
    """The shared environment: autoescape on, undefined names are errors."""
    env = Environment(
        loader=_loader("smmkit", resources.files("smmkit")),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=_markdown,
        md_inline=_markdown_inline,
        number=i18n.number,
        percent=i18n.percent,
        date=i18n.date,
        time=i18n.time,
    )
    env.globals["t"] = i18n.t
    return env


def render(template_name: str, **context: Any) -> str:
    """The template `template_name` (e.g. ``publish/paper/item.html.j2``) filled with `context`."""
    return environment().get_template(template_name).render(**context)


def macros(template_name: str) -> Any:
    """The macros of `template_name` as attributes: ``macros(name).status(text, ok)`` returns
    escaped HTML (Markup) like a template would."""
    return environment().get_template(template_name).module
