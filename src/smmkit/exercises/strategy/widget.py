"""The strategy canvas: seven sections with live checks, save/restore, one-page view, self-check.

In a notebook::

    from smmkit.exercises.strategy.widget import StrategyCanvas
    StrategyCanvas()

The rules live in :mod:`smmkit.exercises.strategy.logic`; this module only wires them to stock ipywidgets.
"Strategie speichern" saves the draft and its check results under ``abschluss.strategie-01``
(score: share of checks met); "Selbstbewertung speichern" saves the learner's rubric levels
under ``abschluss.strategie-bewertung-01`` (score: rubric points). Both restore on reopening.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as W

from . import logic as S
from ...i18n import t
from ...kernel.widgets import shared as SW
from ...kernel.widgets.base import STYLE, _status, md, record_answer
from ...kernel.session import Session, get_session

LABEL_STYLE = {"description_width": "11em"}  # one column for all labels
WIDE = W.Layout(width="100%", max_width="52em")
HINT_STYLE = ("ℹ", "#0d3c61", "#f3f5f8")

# Long radio labels wrap instead of being cut off (the stock style truncates them).
CSS = """<style>
.smmkit-strategy .widget-radio-box label { display: flex !important; flex-direction: row-reverse;
  justify-content: flex-end; align-items: flex-start; gap: 6px;
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important; line-height: 1.35 !important; margin: 3px 0; }
.smmkit-strategy .widget-radio-box label input { flex: none; margin-top: 3px; }
.smmkit-strategy .widget-textarea textarea { line-height: 1.35; }
</style>"""


def _inline(markdown: str) -> str:
    text = md(markdown).strip()
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        text = text[3:-4]
    return text


def checks_html(checks: Iterable[S.Check]) -> str:
    """A check list: icon, state word for screen readers, label and explanation (escaped)."""
    rows = []
    for check in checks:
        if not check.counted and check.ok is not True:
            icon, colour, background = HINT_STYLE
            state = "hint"
        else:
            icon, colour, background = STYLE[check.ok]
            state = {True: "ok", False: "not_ok", None: "hint"}[check.ok]
        rows.append(
            f'<li class="smmkit-strategy-check smmkit-strategy-check-{state}" '
            f'data-key="{html.escape(check.section)}.{html.escape(check.key)}" '
            f'style="color:{colour};background:{background};margin:3px 0;padding:3px 8px;'
            f'border-radius:4px;list-style:none">'
            f'<span aria-hidden="true">{icon}</span> <b>{html.escape(check.label)}</b> '
            f'<span class="sr-label">({html.escape(t(f"strategy.state.{state}"))}):</span> '
            f"{html.escape(check.message)}</li>"
        )
    return (
        f'<ul class="smmkit-strategy-checks" style="padding-left:0;margin:4px 0">'
        f"{''.join(rows)}</ul>"
    )


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
        self.last_checks: dict[str, list[S.Check]] = {}

        header = SW.html(
            f"<h4>{html.escape(t('strategy.title'))}</h4>"
            + md(t("strategy.intro"))
            + f"<p><small>{html.escape(t('strategy.save_hint'))}</small></p>",
            layout=WIDE,
        )
        self.overview = SW.html()
        self.fields: dict[str, W.Textarea] = {}
        self.check_views: dict[str, W.HTML] = {}
        blocks: list[W.Widget] = []
        for section in S.SECTIONS:
            controls = []
            for field_id in section.fields:
                small = section.id == "team"
                area = W.Textarea(
                    description=section.label(field_id),
                    placeholder=section.placeholder(field_id),
                    tooltip=section.label(field_id),
                    continuous_update=True,
                    style=LABEL_STYLE,
                    layout=W.Layout(
                        width="100%", max_width="52em", height="3.4em" if small else "8em"
                    ),
                )
                area.observe(lambda _change, sid=section.id: self.update(sid), names="value")
                self.fields[field_id] = area
                controls.append(area)
            self.check_views[section.id] = SW.html(layout=WIDE)
            blocks.append(self._block(section.title, section.hint, controls, section.id))
        self.check_views["stimmigkeit"] = SW.html(layout=WIDE)
        blocks.append(
            self._block(
                t("strategy.section.stimmigkeit.title"),
                t("strategy.section.stimmigkeit.hint"),
                [],
                "stimmigkeit",
            )
        )

        self.save_button = SW.button(
            description=t("strategy.button.save"),
            tooltip=t("strategy.button.save"),
            button_style="primary",
            layout=SW.AUTO_WIDTH,
        )
        self.summary_button = SW.button(
            description=t("strategy.button.summary"),
            tooltip=t("strategy.button.summary"),
            layout=SW.AUTO_WIDTH,
        )
        self.model_button = SW.button(
            description=t("strategy.button.model"),
            tooltip=t("strategy.button.model"),
            disabled=True,
            layout=SW.AUTO_WIDTH,
        )
        self.save_button.on_click(lambda _: self.save())
        self.summary_button.on_click(lambda _: self.show_summary())
        self.model_button.on_click(lambda _: self.show_model())
        self.status = SW.html()
        self.summary = SW.html(layout=W.Layout(width="100%", max_width="62em"))
        self.model_view = SW.html(layout=W.Layout(width="100%", max_width="62em"))

        self.ratings: dict[str, W.RadioButtons] = {}
        rubric_parts: list[W.Widget] = [
            SW.html(
                f"<h4>{html.escape(t('strategy.selfcheck.heading'))}</h4>"
                + md(t("strategy.selfcheck.intro")),
                layout=WIDE,
            )
        ]
        for criterion in S.RUBRIC:
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
            rubric_parts += [
                SW.html(
                    f"<p style='margin:10px 0 2px'><b>{html.escape(criterion.title)}</b> – "
                    f"{html.escape(criterion.question)}</p>",
                    layout=WIDE,
                ),
                radio,
            ]
        self.rate_button = SW.button(
            description=t("strategy.button.rate"),
            tooltip=t("strategy.button.rate"),
            button_style="primary",
            layout=SW.AUTO_WIDTH,
        )
        self.rate_button.on_click(lambda _: self.save_rating())
        self.rating_feedback = SW.html(layout=WIDE)
        rubric_box = SW.vbox([*rubric_parts, SW.hbox([self.rate_button]), self.rating_feedback])
        rubric_box.add_class("smmkit-strategy-selfcheck")

        super().__init__(
            [
                SW.html(CSS),
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
        self._resume()

    def _block(self, title: str, hint: str, controls: list[W.Widget], key: str) -> W.VBox:
        head = SW.html(
            f"<h5 style='margin:14px 0 2px'>{html.escape(title)}</h5>"
            f"<div style='max-width:52em'><small>{html.escape(hint)}</small></div>"
        )
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
    def update(self, section_id: str | None = None) -> dict[str, list[S.Check]]:
        """Re-check one section (or all) and the cross-section checks; refresh the overview."""
        draft = self.draft()
        groups = S.CHECK_GROUPS if section_id is None or not self.last_checks else (section_id,)
        for group in (*groups, "stimmigkeit"):
            checks = S.check_section(group, draft)
            self.last_checks[group] = checks
            filled = (
                any(S.is_filled(draft, s.id) for s in S.SECTIONS)
                if group == "stimmigkeit"
                else S.is_filled(draft, group)
            )
            self.check_views[group].value = (
                checks_html(checks)
                if filled
                else f"<div style='color:#444;font-size:90%'><em>"
                f"{html.escape(t('strategy.section_empty'))}</em></div>"
            )
        met, total = S.counts(self.last_checks)
        self.overview.value = (
            f'<div class="smmkit-strategy-overview" style="font-weight:bold;max-width:52em">'
            f"{html.escape(t('strategy.overview', met=met, total=total))}</div>"
        )
        return self.last_checks

    # -- actions ------------------------------------------------------------------------------------
    def answer(self) -> dict[str, Any]:
        met, total = S.counts(self.last_checks)
        return {
            "draft": self.draft(),
            "checks": {g: [c.to_dict() for c in cs] for g, cs in self.last_checks.items()},
            "met": met,
            "total": total,
            "model_seen": self.model_seen,
        }

    def save(self) -> Any:
        self.update()
        met, total = S.counts(self.last_checks)
        record = record_answer(
            self.session,
            self.status,
            self.item_id,
            self.answer(),
            S.score(self.last_checks),
            1.0,
            module=S.MODULE,
        )
        if record is not None:
            self.status.value = _status(
                html.escape(t("strategy.saved", met=met, total=total)), True
            )
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
        self.model_view.value = (
            f'<div class="smmkit-strategy-model"><h5>{html.escape(t("strategy.model.heading"))}</h5>'
            f"{md(t('strategy.model.intro'))}"
            f"{S.summary_html(model, S.check_draft(model))}</div>"
        )
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
                self.rating_id, answer, result.points, result.max_points, module=S.MODULE
            )
        except Exception as exc:  # noqa: BLE001 - the learner must see any save failure
            self.rating_feedback.value += _status(
                t("participant.save_failed", error=html.escape(str(exc))), False
            )
            raise
        self.rating_feedback.value += (
            _status(html.escape(t("strategy.selfcheck.saved")), True)
            if record
            else _status(t("participant.missing"), None)
        )
        return result

    def _show_rating(self, result: S.RubricResult, ratings: dict[str, int | None]) -> None:
        if not result.complete:
            names = ", ".join(S.RUBRIC_MAP[c].title for c in result.missing)
            self.rating_feedback.value = _status(
                html.escape(t("strategy.selfcheck.missing", criteria=names)), None
            )
            return
        band = t(f"strategy.band.{result.band}.title")
        parts = [
            f'<p class="smmkit-strategy-result"><b>'
            f"{html.escape(t('strategy.selfcheck.result', points=result.points, max=result.max_points, band=band))}"
            f"</b></p>",
            f"<p>{html.escape(t(f'strategy.band.{result.band}.text'))}</p>",
            _status(
                html.escape(
                    t(
                        "strategy.selfcheck.passed"
                        if result.passed
                        else "strategy.selfcheck.not_passed",
                        pass_points=S.PASS_POINTS,
                    )
                ),
                True if result.passed else None,
            ),
        ]
        flagged = S.calibration(ratings, self.draft())
        if flagged:
            items = "".join(
                "<li>"
                + _inline(
                    t(
                        "strategy.selfcheck.calibration",
                        criterion=S.RUBRIC_MAP[cid].title,
                        own=S.level_name(own),
                        suggested=S.level_name(suggested),
                    )
                )
                + "</li>"
                for cid, own, suggested in flagged
            )
            parts.append(
                f'<div class="smmkit-strategy-calibration" style="color:#6b4500">'
                f"<b>{html.escape(t('strategy.selfcheck.calibration_heading'))}</b>"
                f"<ul>{items}</ul></div>"
            )
        self.rating_feedback.value = "".join(parts)

    # -- resume -----------------------------------------------------------------------------------
    def _resume(self) -> None:
        record = self.session.latest(self.item_id)
        if record is not None and isinstance(record.answer, dict):
            draft = record.answer.get("draft")
            if isinstance(draft, dict):
                self.set_draft(draft)
                self.model_seen = bool(record.answer.get("model_seen"))
                self.model_button.disabled = False
                self.status.value = _status(
                    html.escape(t("strategy.restored", attempt=record.attempt)), None
                )
        rating = self.session.latest(self.rating_id)
        if rating is None or not isinstance(rating.answer, dict):
            return
        saved = rating.answer.get("ratings")
        if not isinstance(saved, dict):
            return
        try:
            result = S.rate({k: v for k, v in saved.items() if k in S.RUBRIC_MAP})
        except ValueError:
            return  # the rubric changed since; start fresh rather than show a wrong state
        for cid, level in result.ratings.items():
            self.ratings[cid].value = level
        self._show_rating(result, self.rating_values())
        if result.complete:
            self.rating_feedback.value += _status(
                html.escape(t("strategy.selfcheck.restored")), None
            )
