"""The strategy canvas: seven sections with live checks, save/restore, one-page view, self-check.

In a notebook: ``smmkit.exercise("strategy")`` (see :mod:`smmkit.exercises`).

The rules live in :mod:`smmkit.exercises.strategy.logic`; this module only wires them to stock
ipywidgets. "Strategie speichern" saves the draft and its check results under
``abschluss.strategie-01`` (score: share of checks met); "Selbstbewertung speichern" saves the
learner's rubric levels under ``abschluss.strategie-bewertung-01`` (score: rubric points).
Both restore on reopening.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
from markupsafe import Markup

from ...i18n import t
from ...kernel.session import Session, get_session
from ...kernel.widgets import shared as SW
from ...kernel.widgets.base import STYLE, record_answer
from .. import get
from ..check import Check, counts, score
from ..widgets import checks_html, html, parts, status
from . import logic as S

LABEL_STYLE = {"description_width": "11em"}  # one column for all labels
WIDE = W.Layout(width="100%", max_width="52em")


class StrategyCanvas(W.VBox):
    """Draft a one-page strategy section by section, check it live, save it, rate it."""

    def __init__(
        self,
        item_id: str = S.ITEM_ID,
        rating_id: str = S.RATING_ID,
        session: Session | None = None,
    ):
        self.item_id = item_id
        self.rating_id = rating_id
        self.session = session or get_session()
        self.model_seen = False
        self.last_checks: dict[str, list[Check]] = {}
        self.content = content = S.content()
        self.parts = parts("strategy")

        header = SW.html(html(self.parts.header(content.intro)), layout=WIDE)
        self.overview = SW.html()
        self.fields: dict[str, W.Textarea] = {}
        self.check_views: dict[str, W.HTML] = {}
        blocks: list[W.Widget] = []
        for section in content.sections:
            controls = []
            for field_id in section.fields:
                area = W.Textarea(
                    description=section.label(field_id),
                    placeholder=section.placeholder(field_id),
                    tooltip=section.label(field_id),
                    continuous_update=True,
                    style=LABEL_STYLE,
                    layout=W.Layout(
                        width="100%",
                        max_width="52em",
                        height="3.4em" if len(section.fields) > 1 else "8em",
                    ),
                )
                area.observe(lambda _change, sid=section.id: self.update(sid), names="value")
                self.fields[field_id] = area
                controls.append(area)
            blocks.append(self._block(section.title, section.hint, controls, section.id))
        blocks.append(
            self._block(content.coherence.title, content.coherence.hint, [], S.COHERENCE)
        )

        self.save_button, self.summary_button, self.model_button, self.rate_button = (
            SW.button(
                description=t(f"strategy.button.{key}"),
                tooltip=t(f"strategy.button.{key}"),
                button_style="primary" if key in ("save", "rate") else "",
                disabled=key == "model",
                layout=SW.AUTO_WIDTH,
            )
            for key in ("save", "summary", "model", "rate")
        )
        self.save_button.on_click(lambda _: self.save())
        self.summary_button.on_click(lambda _: self.show_summary())
        self.model_button.on_click(lambda _: self.show_model())
        self.rate_button.on_click(lambda _: self.save_rating())
        self.status = SW.html()
        self.summary = SW.html(layout=W.Layout(width="100%", max_width="62em"))
        self.model_view = SW.html(layout=W.Layout(width="100%", max_width="62em"))

        self.ratings: dict[str, W.RadioButtons] = {}
        rubric_parts: list[W.Widget] = [SW.html(html(self.parts.selfcheck_head()), layout=WIDE)]
        for criterion in content.rubric.criteria:
            radio = W.RadioButtons(
                options=[
                    (
                        t(
                            "strategy.selfcheck.option",
                            level=S.level_name(level),
                            points=level,
                            descriptor=criterion.descriptor(level),
                        ),
                        level,
                    )
                    for level in S.LEVELS
                ],
                value=None,
                description="",
                tooltip=criterion.title,
                layout=WIDE,
            )
            self.ratings[criterion.id] = radio
            rubric_parts += [SW.html(html(self.parts.criterion(criterion)), layout=WIDE), radio]
        self.rating_feedback = SW.html(layout=WIDE)
        rubric_box = SW.vbox([*rubric_parts, SW.hbox([self.rate_button]), self.rating_feedback])
        rubric_box.add_class("smmkit-strategy-selfcheck")

        super().__init__(
            [
                SW.html(html(self.parts.style())),
                header,
                self.overview,
                *blocks,
                SW.hbox([self.save_button, self.summary_button, self.model_button]),
                self.status,
                self.summary,
                self.model_view,
                rubric_box,
            ]
        )
        self.add_class("smmkit-strategy")
        self.update()
        self.session.when_participant(lambda _person: self._resume())

    def _block(self, title: str, hint: str, controls: list[W.Widget], key: str) -> W.VBox:
        self.check_views[key] = SW.html(layout=WIDE)
        head = SW.html(html(self.parts.section_head(title, hint)))
        block = SW.vbox([head, *controls, self.check_views[key]])
        block.add_class("smmkit-strategy-section")
        block.add_class(f"smmkit-strategy-{key}")
        return block

    # -- draft <-> controls ---------------------------------------------------------------------
    def draft(self) -> dict[str, str]:
        return {field_id: area.value for field_id, area in self.fields.items()}

    def set_draft(self, data: dict[str, Any]) -> None:
        for field_id, value in S.clean_draft(data).items():
            self.fields[field_id].value = value
        self.update()

    # -- live checks ------------------------------------------------------------------------------
    def update(self, section_id: str | None = None) -> dict[str, list[Check]]:
        """Re-check one section (or all) and the cross-section checks; refresh the overview."""
        draft = self.draft()
        groups = (
            self.content.check_groups
            if section_id is None or not self.last_checks
            else (section_id, S.COHERENCE)
        )
        states = {state: t(f"strategy.state.{state}") for state in ("ok", "not_ok", "hint")}
        for group in groups:
            checks = S.check_section(group, draft)
            self.last_checks[group] = checks
            self.check_views[group].value = (
                checks_html(checks, "strategy", states, "3px 8px")
                if S.is_filled(draft, group)
                else html(self.parts.section_empty())
            )
        self.overview.value = html(self.parts.overview(*counts(self.last_checks)))
        return self.last_checks

    # -- actions ------------------------------------------------------------------------------------
    def answer(self) -> dict[str, Any]:
        met, total = counts(self.last_checks)
        return {
            "draft": self.draft(),
            "checks": {g: [c.to_dict() for c in cs] for g, cs in self.last_checks.items()},
            "met": met,
            "total": total,
            "model_seen": self.model_seen,
        }

    def save(self) -> Any:
        self.update()
        met, total = counts(self.last_checks)
        record = record_answer(
            self.session,
            self.status,
            self.item_id,
            self.answer(),
            score(self.last_checks),
            1.0,
            module=get("strategy").module,
        )
        if record is not None:
            self.status.value = status(t("strategy.saved", met=met, total=total), True)
        self.model_button.disabled = False
        return record

    def show_summary(self) -> str:
        person = self.session.participant
        self.summary.value = S.summary_html(
            self.draft(), self.update(), author=person.name if person else ""
        )
        return self.summary.value

    def show_model(self) -> str:
        self.model_seen = True
        model = S.model_draft()
        summary = Markup(S.summary_html(model, S.check_draft(model)))
        self.model_view.value = html(self.parts.model(self.content.solution_intro, summary))
        return self.model_view.value

    def rating_values(self) -> dict[str, int | None]:
        return {cid: radio.value for cid, radio in self.ratings.items()}

    def save_rating(self) -> S.RubricResult:
        ratings = self.rating_values()
        result = S.rate(ratings)
        self._show_rating(result, ratings)
        if not result.complete:
            return result
        answer = {
            "ratings": result.ratings,
            "points": result.points,
            "max_points": result.max_points,
            "band": result.band,
            "passed": result.passed,
            "calibration": [c for c, _, _ in S.calibration(ratings, self.draft())],
        }
        try:
            record = self.session.record(
                self.rating_id,
                answer,
                result.points,
                result.max_points,
                module=get("strategy").module,
            )
        except Exception as exc:  # noqa: BLE001 - the learner must see any save failure
            self.rating_feedback.value += status(t("participant.save_failed", error=exc), False)
            raise
        self.rating_feedback.value += (
            status(t("strategy.selfcheck.saved"), True)
            if record
            else status(t("participant.missing"), None)
        )
        return result

    def _show_rating(self, result: S.RubricResult, ratings: dict[str, int | None]) -> None:
        if not result.complete:
            names = ", ".join(self.content.criterion(c).title for c in result.missing)
            self.rating_feedback.value = status(
                t("strategy.selfcheck.missing", criteria=names), None
            )
            return
        band = next(b for b in self.content.rubric.bands if b.key == result.band)
        flagged = [
            (self.content.criterion(cid).title, S.level_name(own), S.level_name(suggested))
            for cid, own, suggested in S.calibration(ratings, self.draft())
        ]
        passed_style = STYLE[True if result.passed else None]
        self.rating_feedback.value = html(self.parts.rating(result, band, passed_style, flagged))

    # -- resume -----------------------------------------------------------------------------------
    def _resume(self) -> None:
        record = self.session.latest(self.item_id)
        if record is not None and isinstance(record.answer, dict):
            draft = record.answer.get("draft")
            if isinstance(draft, dict):
                self.set_draft(draft)
                self.model_seen = bool(record.answer.get("model_seen"))
                self.model_button.disabled = False
                self.status.value = status(t("strategy.restored", attempt=record.attempt), None)
        rating = self.session.latest(self.rating_id)
        if rating is None or not isinstance(rating.answer, dict):
            return
        saved = rating.answer.get("ratings")
        if not isinstance(saved, dict):
            return
        known = {c.id for c in self.content.rubric.criteria}
        try:
            result = S.rate({k: v for k, v in saved.items() if k in known})
        except ValueError:
            return  # the rubric changed since; start fresh rather than show a wrong state
        for cid, level in result.ratings.items():
            self.ratings[cid].value = level
        self._show_rating(result, self.rating_values())
        if result.complete:
            self.rating_feedback.value += status(t("strategy.selfcheck.restored"), None)
