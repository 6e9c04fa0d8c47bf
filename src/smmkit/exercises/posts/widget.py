"""The post workshop: write a draft, see live checks per platform, save and resume the draft.

In a notebook::

    from smmkit.exercises.posts.widget import PostWorkshop
    PostWorkshop(platform="instagram", keywords="Lindner, Dinkel")

The rules live in :mod:`smmkit.exercises.posts.logic`; this module only wires them to stock ipywidgets.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as W

from . import logic as posts
from ...i18n import t
from ...kernel.widgets import shared as S
from ...kernel.widgets.base import STYLE, _status, md, record_answer
from ...kernel.session import Session, get_session

DEFAULT_ITEM_ID = "kreativitaet.post-01"
LABEL_STYLE = {"description_width": "initial"}
WIDE = W.Layout(width="100%", max_width="52em")


def checks_html(checks: Iterable[posts.Check]) -> str:
    """The live check list: icon, state word for screen readers, label and explanation."""
    rows = []
    for check in checks:
        icon, colour, background = STYLE[check.ok]
        state = {True: "ok", False: "not_ok", None: "hint"}[check.ok]
        rows.append(
            f'<li class="smmkit-post-check smmkit-post-check-{state}" '
            f'style="color:{colour};background:{background};margin:3px 0;padding:4px 8px;'
            f'border-radius:4px;list-style:none">'
            f'<span aria-hidden="true">{icon}</span> '
            f"<b>{html.escape(check.label)}</b> "
            f'<span class="sr-label">({t(f"posts.state.{state}")}):</span> '
            f"{html.escape(check.message)}</li>"
        )
    return (
        f'<ul class="smmkit-post-checks" style="padding-left:0;margin:4px 0">{"".join(rows)}</ul>'
    )


class PostWorkshop(W.VBox):
    """Platform dropdown, message keywords, a textarea with live checks, save/restore."""

    def __init__(
        self,
        platform: str = "instagram",
        keywords: Iterable[str] | str = (),
        task: str | None = None,
        text: str = "",
        item_id: str = DEFAULT_ITEM_ID,
        session: Session | None = None,
    ):
        self.item_id = item_id
        self.session = session or get_session()
        self.last_checks: list[posts.Check] = []
        start = posts.profile(platform).key
        keyword_text = keywords if isinstance(keywords, str) else ", ".join(keywords)

        header = [S.html(f"<h4>{html.escape(t('posts.title'))}</h4>")]
        if task:
            header.append(S.html(md(task), layout=S.TEXT_WIDTH))
        header.append(S.html(f"<p>{html.escape(t('posts.intro'))}</p>", layout=WIDE))

        self.platform = W.Dropdown(
            options=[(p.name, p.key) for p in posts.PROFILES.values()],
            value=start,
            description=t("posts.platform.label"),
            style=LABEL_STYLE,
        )
        self.platform_info = S.html(layout=WIDE)
        self.keywords = W.Text(
            value=keyword_text,
            description=t("posts.keywords.label"),
            placeholder=t("posts.keywords.placeholder"),
            tooltip=t("posts.keywords.hint"),
            style=LABEL_STYLE,
            layout=WIDE,
        )
        self.keywords_hint = S.html(f"<small>{html.escape(t('posts.keywords.hint'))}</small>")
        self.text = W.Textarea(
            value=text,
            description=t("posts.text.label"),
            placeholder=t("posts.text.placeholder"),
            continuous_update=True,
            style=LABEL_STYLE,
            layout=W.Layout(width="100%", max_width="52em", height="12em"),
        )
        self.counter = S.html()
        self.summary = S.html()
        self.checks = S.html(layout=WIDE)
        self.save_button = S.button(
            description=t("posts.button.save"),
            tooltip=t("posts.button.save"),
            button_style="primary",
            layout=S.AUTO_WIDTH,
        )
        self.status = S.html()
        self.save_button.on_click(lambda _: self.save())
        for control in (self.platform, self.keywords, self.text):
            control.observe(lambda _change: self.update(), names="value")

        super().__init__(
            [
                *header,
                self.platform,
                self.platform_info,
                self.keywords,
                self.keywords_hint,
                self.text,
                self.counter,
                S.html(f"<b>{html.escape(t('posts.checks_heading'))}</b>"),
                self.summary,
                self.checks,
                S.html(f"<small><em>{html.escape(t('posts.stand'))}</em></small>"),
                self.save_button,
                self.status,
            ]
        )
        self.add_class("smmkit-post-workshop")
        self._resume()
        self.update()

    # -- live checks --------------------------------------------------------------------------
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.value.split(",") if k.strip()]

    def update(self) -> list[posts.Check]:
        profile = posts.profile(self.platform.value)
        hashtag_rule = (
            t(
                "posts.platform.hashtags_limit",
                limit=profile.hashtag_limit,
                recommended=profile.hashtags_recommended,
            )
            if profile.hashtag_limit is not None
            else t("posts.platform.hashtags_no_limit", recommended=profile.hashtags_recommended)
        )
        info = t(
            "posts.platform.info",
            name=html.escape(profile.name),
            limit=posts.format_number(profile.max_chars),
            hashtags=html.escape(hashtag_rule),
            formats=html.escape(", ".join(profile.formats)),
        )
        self.platform_info.value = (
            f"<div>{info}</div><div><small>{html.escape(profile.note)}</small></div>"
        )

        count = posts.char_count(self.text.value, profile)
        over = count > profile.max_chars
        colour = STYLE[False][1] if over else "inherit"
        counter = t(
            "posts.counter",
            count=posts.format_number(count),
            limit=posts.format_number(profile.max_chars),
        )
        self.counter.value = (
            f'<div class="smmkit-post-counter" style="text-align:right;max-width:52em;'
            f'color:{colour};font-weight:{"bold" if over else "normal"}">{counter}</div>'
        )

        self.last_checks = posts.check_post(self.text.value, profile, self.keyword_list())
        self.checks.value = checks_html(self.last_checks)
        self.summary.value = f"<small>{html.escape(self._summary())}</small>"
        return self.last_checks

    def _summary(self) -> str:
        evaluated = [c for c in self.last_checks if c.ok is not None]
        return t(
            "posts.summary",
            passed=sum(1 for c in evaluated if c.ok),
            total=len(evaluated),
        )

    # -- saving and resuming ------------------------------------------------------------------
    def answer(self) -> dict[str, Any]:
        return {
            "platform": self.platform.value,
            "keywords": self.keyword_list(),
            "text": self.text.value,
            "chars": posts.char_count(self.text.value, self.platform.value),
            "checks": [c.to_dict() for c in self.last_checks],
        }

    def save(self) -> Any:
        checks = self.update()
        record = record_answer(
            self.session,
            self.status,
            self.item_id,
            self.answer(),
            posts.score(checks),
            1.0,
            module="04_kreativitaet",
        )
        if record is not None:
            self.status.value = _status(t("posts.saved", summary=self._summary()), True)
        return record

    def _resume(self) -> None:
        record = self.session.latest(self.item_id)
        if record is None or not isinstance(record.answer, dict):
            return
        answer = record.answer
        if not isinstance(answer.get("text"), str):
            return
        if answer.get("platform") in posts.PROFILES:
            self.platform.value = answer["platform"]
        keywords = answer.get("keywords")
        if isinstance(keywords, list) and all(isinstance(k, str) for k in keywords):
            self.keywords.value = ", ".join(keywords)
        self.text.value = answer["text"]
        self.status.value = _status(t("posts.restored", attempt=record.attempt), None)
