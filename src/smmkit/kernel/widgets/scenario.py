"""The scenario player: story node by node, choices with feedback, score, ending with debrief."""

from __future__ import annotations

import html

import ipywidgets as W

from ...bank.grading import Feedback
from ...bank.models import Scenario
from ...bank.scenarios import ScenarioRun, choice_order, max_score
from ...i18n import t
from ..session import Session, get_session
from . import shared as S
from .base import _status, feedback_html, format_points, md, record_answer

CHOICE = W.Layout(width="auto", max_width="52em", height="auto")

RATING_OK = {"best": True, "good": True, "neutral": None, "bad": False}


FEEDBACK_MODES = ("each", "end")


class ScenarioPlayer(W.VBox):
    """Plays a scenario; `feedback="end"` keeps each choice's feedback for the debrief.

    Groups that discuss every decision before clicking use "end": nobody is told after the
    first click that the group was wrong, and the debrief walks through all decisions.
    """

    def __init__(self, scenario: Scenario, session: Session | None = None, feedback: str = "each"):
        if feedback not in FEEDBACK_MODES:
            raise ValueError(f"feedback must be one of {FEEDBACK_MODES}, not {feedback!r}")
        self.feedback_mode = feedback
        self.scenario = scenario
        self.session = session or get_session()
        self.run = ScenarioRun(scenario)
        self.intro = S.html(f"<h4>{html.escape(scenario.title)}</h4>{md(scenario.prompt)}")
        self.last_feedback = S.html()
        self.story = S.html(layout=S.TEXT_WIDTH)
        self.choices = S.vbox()
        self.score_line = S.html()
        self.status = S.html()
        self.group_mode = W.Checkbox(
            value=feedback == "end",
            description=t("scenario.group_mode"),
            indent=False,
            layout=S.PLAIN,
            style=S.CHECKBOX_STYLE,
        )
        self.group_mode.observe(self._set_group_mode, names="value")
        self.restart_button = S.button(description=t("button.restart"), tooltip=t("button.restart"))
        self.restart_button.on_click(lambda _: self.restart())
        self.previous = S.html()
        super().__init__(
            [
                self.intro,
                self.group_mode,
                self.previous,
                self.last_feedback,
                self.story,
                self.choices,
                self.score_line,
                self.restart_button,
                self.status,
            ],
            layout=S.PLAIN,
        )
        self.add_class("smmkit-scenario")
        self.session.when_participant(lambda _person: self._arrived())
        self._render()

    def _arrived(self) -> None:
        """The participant is known: show their last ending, and their own choice order if
        they have not chosen yet (a warmed room kernel rendered before it knew them)."""
        self._show_previous()
        if not self.run.steps:
            self._render()

    def _show_previous(self) -> None:
        record = self.session.latest(self.scenario.id)
        if (
            record
            and isinstance(record.answer, dict)
            and record.answer.get("ending") in self.scenario.node_map
        ):
            ending = self.scenario.node(record.answer["ending"]).ending
            self.previous.value = _status(
                t(
                    "scenario.previous",
                    title=html.escape(ending.title),
                    score=format_points(record.score or 0),
                ),
                None,
            )

    def _render(self) -> None:
        node = self.run.node
        text = md(node.text)
        self.score_line.value = (
            f"<small>{t('score.scenario', score=format_points(self.run.score))}</small>"
        )
        if node.ending is None:
            self.story.value = text
            buttons = []
            for index in choice_order(self.scenario, node, self.session.seed()):
                choice = node.choices[index]
                button = S.button(
                    description=choice.text,
                    tooltip=choice.text,
                    layout=CHOICE,
                )
                button.add_class("smmkit-choice")
                button.on_click(lambda _, i=index: self.choose(i))
                buttons.append(button)
            self.choices.children = [S.html(f"<b>{t('scenario.decision')}:</b>"), *buttons]
            return
        ending = node.ending
        rating = t(f"scenario.rating.{ending.rating}")
        self.story.value = (
            text
            + feedback_html(
                extra=[Feedback(RATING_OK[ending.rating], f"**{rating}:** {ending.title}")],
                verdict_words=False,
            )
            + f'<div class="smmkit-debrief"><h5>{t("scenario.debrief")}</h5>{md(ending.debrief)}'
            + self._dilemmas_html()
            + self._decisions_html()
            + "</div>"
            + f"<p><em>{self._path_line()}</em></p>"
        )
        self.choices.children = []

    def _set_group_mode(self, change: dict) -> None:
        self.feedback_mode = "end" if change["new"] else "each"
        self.last_feedback.value = ""

    def _dilemmas_html(self) -> str:
        """The trade-offs of the dilemma nodes this run passed through."""
        met = [self.scenario.node(s.node_id).dilemma for s in self.run.steps]
        lines = [f"<li>{html.escape(d)}</li>" for d in dict.fromkeys(d for d in met if d)]
        if not lines:
            return ""
        return f"<p><b>{t('scenario.dilemma')}</b></p><ul>{''.join(lines)}</ul>"

    def _decisions_html(self) -> str:
        """In "end" mode: every decision with its feedback, withheld until now."""
        if self.feedback_mode != "end":
            return ""
        lines = []
        for step in self.run.steps:
            choice = self.scenario.node(step.node_id).choices[step.choice_index]
            signed = f"{choice.score:+g}".replace("-", "−")
            points = t("scenario.choice_points", points=signed)
            lines.append(
                f"<li><b>{html.escape(choice.text)}</b> ({points}){md(choice.feedback).strip()}</li>"
            )
        return f"<p><b>{t('scenario.decisions')}</b></p><ol>{''.join(lines)}</ol>"

    def _path_line(self) -> str:
        steps = len(self.run.steps)
        key = "scenario.path_one" if steps == 1 else "scenario.path"
        return t(key, steps=steps, score=format_points(self.run.score))

    def choose(self, index: int) -> None:
        choice = self.run.choose(index)
        if self.feedback_mode == "each":
            ok = True if choice.score > 0 else (False if choice.score < 0 else None)
            self.last_feedback.value = feedback_html(extra=[Feedback(ok, choice.feedback)])
        self._render()
        if self.run.finished:
            self._save()

    def _save(self) -> None:
        record = record_answer(
            self.session,
            self.status,
            self.scenario.id,
            self.run.to_record(),
            self.run.score,
            max_score(self.scenario),
        )
        if record is not None:
            self.status.value = _status(t("participant.saved"), True)

    def restart(self) -> None:
        self.run.restart()
        self.last_feedback.value = ""
        self.status.value = ""
        self._render()
