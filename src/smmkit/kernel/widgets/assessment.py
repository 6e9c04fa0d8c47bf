"""Self-assessment (Likert per competency) with a radar chart, and the participant name box."""

from __future__ import annotations

import base64
import html

import ipywidgets as W
from IPython.display import HTML, display

from ...bank.models import Likert
from ...bank.profiles import likert_profile, missing_ratings
from ...i18n import t
from ...store import Participant
from ..session import Session, get_session
from . import shared as S
from .base import _status, md

STATEMENT_ROW = W.Layout(margin="0 0 8px 0")


class SelfAssessmentWidget(W.VBox):
    def __init__(self, item: Likert, phase: str = "vorher", session: Session | None = None):
        self.item = item
        self.phase = phase
        self.session = session or get_session()
        labels = item.scale or [t(f"likert.scale.{i}") for i in range(5)]
        self.sliders: dict[str, W.RadioButtons] = {}
        rows = []
        for number, statement in enumerate(item.statements, start=1):
            radio = W.RadioButtons(
                options=[(f"{i} – {label}", i) for i, label in enumerate(labels, start=1)],
                value=None,
                layout=S.AUTO_WIDTH,
                style=S.LABEL_STYLE,
            )
            radio.add_class("smmkit-likert-scale")
            self.sliders[statement.id] = radio
            text = S.html(f"<b>{number}.</b> {html.escape(statement.text)}", layout=S.TEXT_WIDTH)
            rows.append(S.vbox([text, radio], layout=STATEMENT_ROW))
        self.submit_button = S.button(
            description=t("button.save"), button_style="primary", tooltip=t("button.save")
        )
        self.submit_button.on_click(lambda _: self.submit())
        self.status = S.html()
        self.chart = W.Output()
        header = [S.html(md(item.prompt), layout=S.TEXT_WIDTH)]
        super().__init__(
            [*header, *rows, self.submit_button, self.status, self.chart], layout=S.PLAIN
        )
        self.add_class("smmkit-likert")
        self.session.when_participant(lambda _person: self._resume())

    def ratings(self) -> dict[str, int | None]:
        return {sid: radio.value for sid, radio in self.sliders.items()}

    def submit(self) -> dict[str, float] | None:
        ratings = self.ratings()
        missing = missing_ratings(self.item, ratings)
        if missing:
            answered = len(ratings) - len(missing)
            self.status.value = _status(
                t("likert.incomplete", total=len(ratings), answered=answered), False
            )
            return None
        record = self.session.record(self.item.id, ratings, None, None, phase=self.phase)
        self.status.value = _status(
            t("likert.saved") if record else t("participant.missing"), True if record else None
        )
        profile = likert_profile(self.item, ratings)
        self.draw(profile)
        return profile

    def draw(self, profile: dict[str, float]) -> None:
        from ..charts import describe_figure, figure_png, radar  # matplotlib, when needed

        profiles = {self.phase: profile}
        if self.phase != "vorher":
            before = self.session.latest(self.item.id, "vorher")
            if before and isinstance(before.answer, dict):
                profiles = {"vorher": likert_profile(self.item, before.answer), self.phase: profile}

        figure = radar(profiles, t("likert.chart_title", phase=self.phase))
        self.figure = figure
        self.chart.clear_output()
        with self.chart:
            # A PNG, not the Figure: IPython formats a Figure as an image only once pyplot has
            # loaded its inline backend, which a page without other charts never does. As an
            # <img> in HTML, because JupyterLab's image renderer drops the alt text of an
            # image output's metadata, and screen readers need it.
            png = base64.b64encode(figure_png(figure)).decode("ascii")
            alt = html.escape(describe_figure(figure))
            display(
                HTML(
                    f'<img class="smmkit-chart" src="data:image/png;base64,{png}" alt="{alt}"'
                    ' style="max-width: 100%; height: auto">'
                )
            )

    def _resume(self) -> None:
        record = self.session.latest(self.item.id, self.phase)
        if record is None or not isinstance(record.answer, dict):
            return
        for sid, radio in self.sliders.items():
            value = record.answer.get(sid)
            if isinstance(value, int) and 1 <= value <= len(radio.options):
                radio.value = value
        self.draw(likert_profile(self.item, record.answer))


class ParticipantWidget(W.VBox):
    """Name or pseudonym, set once per machine; answers given before are written when set.

    On a JupyterHub nobody types a name: the widget shows the hub account, and "Anzeigename
    ändern" opens the name box for a display name or pseudonym (the file stays the account's)."""

    def __init__(self, session: Session | None = None):
        self.session = session or get_session()
        self.name = W.Text(
            description=t("participant.prompt"),
            placeholder=t("participant.placeholder"),
            style={"description_width": "initial"},
            layout=W.Layout(width="32em"),
        )
        self.save_button = S.button(
            description=t("button.save"), button_style="primary", tooltip=t("button.save")
        )
        self.save_button.on_click(lambda _: self.save())
        self.name.continuous_update = False
        self.message = S.html()
        self.hint = S.html(f"<small>{html.escape(t('participant.hint'))}</small>")
        if self.session.room:  # the join page set the name; here it is only shown
            super().__init__([self.message])
            self.add_class("smmkit-participant")
            self.message.value = _status(t("participant.room_waiting"), None)
            self.session.when_participant(self._show_room_member)
            return
        editor = S.hbox([self.name, self.save_button])
        if self.session.hub:
            self.name.description = t("participant.display_prompt")
            self.hint.value = f"<small>{html.escape(t('participant.hub_hint'))}</small>"
            # Own layouts: the shared default one must not be hidden with them.
            self.change_button = S.button(
                description=t("participant.change_display"),
                tooltip=t("participant.change_display"),
                layout=W.Layout(),
            )
            self.change_button.on_click(lambda _: self._open_editor())
            self.editor = S.vbox([editor, self.hint], layout=W.Layout(display="none"))
            super().__init__([self.message, self.change_button, self.editor])
            self.add_class("smmkit-participant")
            person = self.session.participant
            self.name.value = person.name
            self._show_hub_member(person)
            return
        super().__init__([editor, self.hint, self.message])
        self.add_class("smmkit-participant")
        person = self.session.participant
        if person:
            self.name.value = person.name
            self.message.value = _status(
                t("participant.welcome", name=html.escape(person.name)), True
            )

    def _open_editor(self) -> None:
        self.editor.layout.display = None
        self.change_button.layout.display = "none"

    def _show_hub_member(self, person: Participant) -> None:
        self.message.value = _status(
            t(
                "participant.hub",
                name=html.escape(person.name),
                account=html.escape(self.session.hub_name or ""),
            ),
            True,
        )

    def _show_room_member(self, person: Participant) -> None:
        self.message.value = _status(t("participant.room", name=html.escape(person.name)), True)

    def save(self) -> None:
        try:
            person = self.session.set_participant(self.name.value)
        except ValueError as exc:
            self.message.value = _status(html.escape(str(exc)), False)
            return
        if self.session.hub:
            self._show_hub_member(person)
            self.editor.layout.display = "none"
            self.change_button.layout.display = None
            return
        self.message.value = _status(t("participant.welcome", name=html.escape(person.name)), True)
