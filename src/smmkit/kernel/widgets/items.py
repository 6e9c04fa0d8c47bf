"""One widget class per scored question type (stock ipywidgets only)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...bank.grading import Grade, stable_order
from ...bank.models import GAP_PATTERN
from ...i18n import t
from . import shared as S
from .base import ItemWidget, md

WIDE = W.Layout(width="100%", max_width="52em")
LABEL_STYLE = S.LABEL_STYLE
CENTERED_ROW = W.Layout(align_items="center")
GAP_WIDTH = W.Layout(width="24em")
NUMBER_WIDTH = W.Layout(width="18em")
ESSAY = W.Layout(width="100%", max_width="52em", height="9em")


class SingleChoiceWidget(ItemWidget):
    def build_controls(self) -> W.Widget:
        order = self._order(len(self.item.options))
        self.radio = W.RadioButtons(
            options=[(self.item.options[i].text, i) for i in order],
            value=None,
            description=t("label.answer"),
            layout=WIDE,
            style=LABEL_STYLE,
        )
        return self.radio

    def _order(self, count: int) -> list[int]:
        return (
            stable_order(count, self.session.seed(), self.item.id)
            if self.item.shuffle
            else list(range(count))
        )

    def answer(self) -> int | None:
        return self.radio.value

    def restore(self, answer: Any) -> None:
        self.radio.value = answer


class MultipleChoiceWidget(SingleChoiceWidget):
    def build_controls(self) -> W.Widget:
        order = self._order(len(self.item.options))
        self.boxes = {
            i: W.Checkbox(
                value=False,
                description=self.item.options[i].text,
                indent=False,
                layout=WIDE,
                style=S.CHECKBOX_STYLE,
            )
            for i in order
        }
        return S.vbox(list(self.boxes.values()))

    def answer(self) -> list[int]:
        return sorted(i for i, box in self.boxes.items() if box.value)

    def restore(self, answer: Any) -> None:
        chosen = set(answer)
        for i, box in self.boxes.items():
            box.value = i in chosen


class TrueFalseWidget(ItemWidget):
    def build_controls(self) -> W.Widget:
        self.toggle = W.RadioButtons(
            options=[(t("label.true"), True), (t("label.false"), False)],
            value=None,
            description=t("label.statement"),
            style=LABEL_STYLE,
        )
        return self.toggle

    def answer(self) -> bool | None:
        return self.toggle.value

    def restore(self, answer: Any) -> None:
        self.toggle.value = bool(answer)


class OrderingWidget(ItemWidget):
    """Steps in shuffled order; the learner moves them with up/down buttons (keyboard-usable)."""

    def build_controls(self) -> W.Widget:
        count = len(self.item.steps)
        self.order = (
            stable_order(count, self.session.seed(), self.item.id)
            if self.item.shuffle
            else list(range(count))
        )
        if self.order == list(range(count)) and count > 1:  # never start already solved
            self.order = self.order[1:] + self.order[:1]
        self.rows = S.vbox()
        self._render()
        return self.rows

    def _render(self) -> None:
        rows = []
        for position, step in enumerate(self.order):
            text = self.item.steps[step]
            up = S.button(
                description=t("button.up"),
                tooltip=f"{t('button.up')}: {text}",
                layout=S.AUTO_WIDTH,
            )
            down = S.button(
                description=t("button.down"),
                tooltip=f"{t('button.down')}: {text}",
                layout=S.AUTO_WIDTH,
            )
            up.disabled = position == 0
            down.disabled = position == len(self.order) - 1
            up.on_click(lambda _, p=position: self.move(p, -1))
            down.on_click(lambda _, p=position: self.move(p, +1))
            label = S.html(f"<b>{position + 1}.</b> {html.escape(text)}")
            rows.append(S.hbox([up, down, label], layout=CENTERED_ROW))
        self.rows.children = rows

    def move(self, position: int, delta: int) -> None:
        target = position + delta
        if 0 <= target < len(self.order):
            self.order[position], self.order[target] = self.order[target], self.order[position]
            self._render()

    def answer(self) -> list[int]:
        return list(self.order)

    def restore(self, answer: Any) -> None:
        if sorted(answer) != list(range(len(self.item.steps))):
            raise ValueError("stored order does not fit the item")
        self.order = list(answer)
        self._render()

    def set_enabled(self, enabled: bool) -> None:
        super().set_enabled(enabled)
        if enabled:
            self._render()


class MatchingWidget(ItemWidget):
    """Left entries with a letter dropdown each; the answers are a lettered list.

    Long answers do not fit a closed dropdown, so the dropdown offers letters only (as the
    printed handout does) and the answers are listed in full above it.
    """

    def build_controls(self) -> W.Widget:
        rights = [p.right for p in self.item.pairs] + list(self.item.distractors)
        order = (
            stable_order(len(rights), self.session.seed(), self.item.id)
            if self.item.shuffle
            else range(len(rights))
        )
        self.letters = {rights[i]: chr(ord("A") + n) for n, i in enumerate(order)}
        listing = "".join(
            f'<li data-letter="{letter}"><b>{letter}</b> <span class="smmkit-letter-text">{html.escape(text)}</span></li>'
            for text, letter in self.letters.items()
        )
        options = [(t("label.choose"), None)] + [
            (letter, text) for text, letter in self.letters.items()
        ]
        self.dropdowns = [
            W.Dropdown(
                options=options, index=0, description=pair.left, style=LABEL_STYLE, layout=WIDE
            )
            for pair in self.item.pairs
        ]
        for dropdown in self.dropdowns:
            dropdown.add_class("smmkit-match-row")
        return S.vbox([S.html(f'<ol class="smmkit-letter-list">{listing}</ol>'), *self.dropdowns])

    def answer(self) -> list[str | None]:
        return [d.value for d in self.dropdowns]

    def restore(self, answer: Any) -> None:
        for dropdown, value in zip(self.dropdowns, answer, strict=False):
            dropdown.value = value


class FillBlanksWidget(ItemWidget):
    def build_controls(self) -> W.Widget:
        shown = GAP_PATTERN.sub(lambda m: f"**({m.group(1)})** ______", self.item.text)
        self.inputs = [
            W.Text(
                description=t("label.gap", number=i + 1),
                style=S.TEXT_LABEL_STYLE,
                layout=GAP_WIDTH,
                # A value sent per keystroke can be overtaken by the click on "Antwort prüfen",
                # and a half-typed answer would be graded and saved.
                continuous_update=False,
            )
            for i in range(len(self.item.blanks))
        ]
        return S.vbox([S.html(md(shown), layout=WIDE), *self.inputs])

    def answer(self) -> list[str]:
        return [box.value for box in self.inputs]

    def restore(self, answer: Any) -> None:
        for box, value in zip(self.inputs, answer, strict=False):
            box.value = str(value)


class NumericWidget(ItemWidget):
    def build_controls(self) -> W.Widget:
        self.input = W.Text(
            description=t("label.number"),
            placeholder="z. B. 3,5",
            style=S.TEXT_LABEL_STYLE,
            layout=NUMBER_WIDTH,
            continuous_update=False,  # see FillBlanksWidget
        )
        unit = S.html(html.escape(self.item.unit)) if self.item.unit else S.html()
        return S.hbox([self.input, unit], layout=CENTERED_ROW)

    def answer(self) -> str:
        return self.input.value

    def restore(self, answer: Any) -> None:
        self.input.value = str(answer)


class FreeTextWidget(ItemWidget):
    def build_controls(self) -> W.Widget:
        self.text = W.Textarea(
            description=t("label.your_text"),
            style=S.TEXT_LABEL_STYLE,
            layout=ESSAY,
            continuous_update=False,  # see FillBlanksWidget; the word count updates on leaving the field
        )
        self.counter = S.html(t("label.words", count=0))
        self.text.observe(lambda change: self._count(change["new"]), names="value")
        self.model = S.html()
        return S.vbox([self.text, self.counter, self.model])

    def _count(self, value: str) -> None:
        self.counter.value = t("label.words", count=len(value.split()))

    def answer(self) -> str:
        return self.text.value

    def restore(self, answer: Any) -> None:
        self.text.value = str(answer)

    def show(self, result: Grade, note: str = "") -> None:
        super().show(result, note)
        self.model.value = (
            f'<details open class="smmkit-model-answer"><summary><b>{t("label.model_answer")}</b></summary>'
            f"{md(self.item.model_answer)}</details>"
        )

    def retry(self) -> None:
        super().retry()
        self.model.value = ""


WIDGETS: dict[str, type[ItemWidget]] = {
    "single_choice": SingleChoiceWidget,
    "multiple_choice": MultipleChoiceWidget,
    "true_false": TrueFalseWidget,
    "ordering": OrderingWidget,
    "matching": MatchingWidget,
    "fill_blanks": FillBlanksWidget,
    "numeric": NumericWidget,
    "free_text": FreeTextWidget,
}
