"""Widgets that share one layout and style model instead of making their own.

Every ipywidgets widget creates its own ``Layout`` and style model unless it is given one: a
module page held about 1,600 widget models, most of them default layouts and styles. When a
page opens, the widget manager asks the kernel for every model's state in one message, and
if the answer takes longer than 4 s it falls back to a path that rendered no widget at all
(tested with a kernel that answers late). Fewer models make that message smaller and quicker
to build, send and read.

Shared models must never be changed: a widget whose layout changes later (an editor that is
hidden and shown) is given a layout of its own by its caller. An item's check and retry buttons
share theirs: the item swaps which of the two its button bar holds.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

PLAIN = W.Layout()
AUTO_WIDTH = W.Layout(width="auto")
TEXT_WIDTH = W.Layout(max_width="52em")
HTML_STYLE = HTMLStyle()
BUTTON_STYLE = W.ButtonStyle()
# Labels as wide as their text ("initial"), for radio buttons, drop-downs and text fields.
LABEL_STYLE = DescriptionStyle(description_width="initial")
TEXT_LABEL_STYLE = TextStyle(description_width="initial")
CHECKBOX_STYLE = CheckboxStyle()


def html(value: str = "", **kwargs: Any) -> W.HTML:
    kwargs.setdefault("layout", PLAIN)
    kwargs.setdefault("style", HTML_STYLE)
    return W.HTML(value, **kwargs)


def button(**kwargs: Any) -> W.Button:
    kwargs.setdefault("layout", PLAIN)
    kwargs.setdefault("style", BUTTON_STYLE)
    return W.Button(**kwargs)


def vbox(children: Any = (), **kwargs: Any) -> W.VBox:
    kwargs.setdefault("layout", PLAIN)
    return W.VBox(children, **kwargs)


def hbox(children: Any = (), **kwargs: Any) -> W.HBox:
    kwargs.setdefault("layout", PLAIN)
    return W.HBox(children, **kwargs)
