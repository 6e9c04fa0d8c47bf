"""The post workshop: write a draft, see live checks per platform, save and resume the draft.

In a notebook: ``smmkit.exercise("posts")``; platform and keywords are the content's
(`posts/data.<lang>.yaml`).

The rules live in :mod:`smmkit.exercises.posts.logic`; this module only wires them to stock ipywidgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as W

from ...i18n import t
from ...kernel.session import Session, get_session
from ...kernel.widgets import shared as S
from ...kernel.widgets.base import STYLE, record_answer
from .. import get
from ..check import Check
from ..widgets import checks_html, common, html, parts, status
from . import logic as posts

LABEL_STYLE = {"description_width": "initial"}
WIDE = W.Layout(width="100%", max_width="52em")


class PostWorkshop(W.VBox):
    """Platform dropdown, message keywords, a textarea with live checks, save/restore."""

    def __init__(
        self,
        platform: str | None = None,
        keywords: Iterable[str] | str | None = None,
        task: str | None = None,
        text: str = "",
        item_id: str = posts.ITEM_ID,
        session: Session | None = None,
    ):
        data = posts.content()
        self.item_id = item_id
        self.session = session or get_session()
        self.last_checks: list[Check] = []
        self.parts, shared = parts("posts"), common()
        start = posts.profile(platform or data.platform).key
        keywords = data.keywords if keywords is None else keywords
        keyword_text = keywords if isinstance(keywords, str) else ", ".join(keywords)

        header = [S.html(html(shared.tag("h4", t("posts.title"))))]
        if task:
            header.append(S.html(html(shared.markdown(task)), layout=S.TEXT_WIDTH))
        header.append(S.html(html(shared.tag("p", t("posts.intro"))), layout=WIDE))

        self.platform = W.Dropdown(
            options=[(p.name, p.key) for p in data.platforms.values()],
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
        self.keywords_hint = S.html(html(shared.tag("small", t("posts.keywords.hint"))))
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
                S.html(html(shared.tag("b", t("posts.checks_heading")))),
                self.summary,
                self.checks,
                S.html(html(shared.note(t("posts.stand")))),
                self.save_button,
                self.status,
            ]
        )
        self.add_class("smmkit-post-workshop")
        self.session.when_participant(lambda _person: self._resume())
        self.update()

    # -- live checks --------------------------------------------------------------------------
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.value.split(",") if k.strip()]

    def update(self) -> list[Check]:
        profile = posts.profile(self.platform.value)
        self.platform_info.value = html(self.parts.platform_info(profile))
        count = posts.char_count(self.text.value, profile)
        colour = STYLE[False][1] if count > profile.max_chars else "inherit"
        self.counter.value = html(self.parts.counter(count, profile.max_chars, colour))
        self.last_checks = posts.check_post(self.text.value, profile, self.keyword_list())
        states = {state: t(f"posts.state.{state}") for state in ("ok", "not_ok", "hint")}
        self.checks.value = checks_html(self.last_checks, "post", states, "4px 8px")
        self.summary.value = html(common().tag("small", self._summary()))
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
            module=get("posts").module,
        )
        if record is not None:
            self.status.value = status(t("posts.saved", summary=self._summary()), True)
        return record

    def _resume(self) -> None:
        record = self.session.latest(self.item_id)
        if record is None or not isinstance(record.answer, dict):
            return
        answer = record.answer
        if not isinstance(answer.get("text"), str):
            return
        if answer.get("platform") in posts.content().platforms:
            self.platform.value = answer["platform"]
        keywords = answer.get("keywords")
        if isinstance(keywords, list) and all(isinstance(k, str) for k in keywords):
            self.keywords.value = ", ".join(keywords)
        self.text.value = answer["text"]
        self.status.value = status(t("posts.restored", attempt=record.attempt), None)
