"""Live questions over HTTP: the participant's live page, the trainer's controls, the projector.

Browsers follow the board by long polling: ``GET …/state?since=V`` answers at once when the
board's version is newer than V, else when it changes (or after LONG_POLL_SECONDS). Every
change is saved to ``<results>/.room/live.json``; every answer also goes to the participant's
results file with phase ``live`` (bank items under their id, the rest as ``live.<question>``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.web

from .. import store
from ..bank import Bank
from .handlers import RoomHandler, TrainerOnly
from .questions import LIVE_FILE, LiveBoard, LiveError, Question, load_board, plain, score, tally
from .roster import ROOM_FOLDER, Member

LONG_POLL_SECONDS = 25.0


@dataclass
class LiveService:
    """The board, who waits for its next change, and where it is kept."""

    results: Path
    bank: Bank
    board: LiveBoard = field(default_factory=LiveBoard)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def load(cls, results: Path, bank: Bank) -> LiveService:
        return cls(Path(results), bank, load_board(results))

    def item(self, question: Question | None) -> Any:
        return self.bank.items.get(question.item_id) if question and question.item_id else None

    def changed(self) -> None:
        """Save the board and wake everyone waiting for a change."""
        text = json.dumps(self.board.to_dict(), ensure_ascii=False)
        store.atomic_write(self.results / ROOM_FOLDER / LIVE_FILE, text)
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, since: int) -> None:
        if self.board.version > since:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), LONG_POLL_SECONDS)

    def record(self, member: Member, question: Question) -> None:
        """The participant's answer to `question` into their results file (phase "live")."""
        item = self.item(question)
        if question.kind == "ideas":
            answer: Any = {
                "ideas": [i.text for i in question.ideas if i.author == member.key],
                "votes": question.votes.get(member.key, {}),
            }
        else:
            answer = question.answers[member.key]
        points, top = score(question, answer, item) if item is not None else (None, None)
        module = self.bank.module_of(question.item_id) if question.item_id else None
        progress = store.ProgressStore(member.participant, self.results)
        progress.record(question.record_id, answer, points, top, module=module, phase="live")

    # --- what each side sees -------------------------------------------------------------------

    def for_participant(self, member: Member) -> dict[str, Any]:
        question = self.board.current
        shown: dict[str, Any] = {"version": self.board.version, "question": None}
        if question is None or (question.stage == "closed" and not question.revealed):
            return shown
        item = self.item(question)
        view = {"id": question.id, "kind": question.kind, "prompt": question.prompt,
                "options": question.options, "stage": question.stage,
                "type": item.type if item is not None else question.kind,
                "mine": question.answers.get(member.key)}  # fmt: skip
        if item is not None and item.type == "likert":
            view["statements"] = [{"id": s.id, "text": plain(s.text)} for s in item.statements]
        if question.kind == "ideas":
            view["my_ideas"] = [i.text for i in question.ideas if i.author == member.key]
            view["my_votes"] = question.votes.get(member.key, {})
            if question.stage == "voting":
                view["ideas"] = [{"id": i.id, "text": i.text} for i in question.ideas
                                 if not i.hidden]  # fmt: skip
        if question.revealed:  # results only once the trainer shows them
            view["result"] = tally(question, item)
        shown["question"] = view
        return shown

    def for_screen(self, trainer: bool) -> dict[str, Any]:
        """The projector's view, or the trainer's (with hidden words and ideas, marked)."""
        question = self.board.current
        return {
            "version": self.board.version,
            "question": tally(question, self.item(question), for_trainer=trainer)
            if question
            else None,
            "past": [{"id": q.id, "prompt": q.prompt, "kind": q.kind}
                     for q in self.board.questions[:-1]][-10:] if trainer else [],
        }  # fmt: skip


# --- handlers --------------------------------------------------------------------------------


class LiveHandler(RoomHandler):
    """Shared parts of the live handlers."""

    @property
    def live(self) -> LiveService:
        return self.settings["smmkit_live"]

    def json_body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, reason="Ungültige Anfrage.") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, reason="Ungültige Anfrage.")
        return data

    def reply(self, data: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))

    def since(self) -> int:
        try:
            return int(self.get_query_argument("since", "-1"))
        except ValueError:
            return -1

    def participant(self) -> Member:
        member = self.member()
        if member is None:
            raise tornado.web.HTTPError(403, reason="Bitte treten Sie zuerst dem Raum bei.")
        return member

    def act(self, action: Any) -> None:
        """Run a board action; a LiveError becomes a 400 with its German message."""
        try:
            action()
        except LiveError as error:
            self.reply({"error": str(error)}, 400)
            return
        self.live.changed()
        self.reply({"ok": True, "version": self.live.board.version})


class LivePage(LiveHandler):
    def get(self) -> None:
        member = self.member()
        if member is None:
            self.redirect(self.base_url + "join")
            return
        self.page("live.html.j2", name=member.name, frame_ok=True)


class LiveState(LiveHandler):
    async def get(self) -> None:
        member = self.participant()
        await self.live.wait(self.since())
        self.reply(self.live.for_participant(member))


class LiveAnswer(LiveHandler):
    def post(self) -> None:
        member, data = self.participant(), self.json_body()
        live = self.live

        def answer() -> None:
            question = live.board.question(str(data.get("question", "")))
            live.board.answer(question.id, member.key, data.get("value"), live.item(question))
            live.record(member, question)

        self.act(answer)


class LiveIdea(LiveHandler):
    def post(self) -> None:
        member, data = self.participant(), self.json_body()
        live = self.live

        def idea() -> None:
            question = live.board.question(str(data.get("question", "")))
            live.board.add_idea(question.id, member.key, str(data.get("text", "")))
            live.record(member, question)

        self.act(idea)


class LiveVote(LiveHandler):
    def post(self) -> None:
        member, data = self.participant(), self.json_body()
        live = self.live
        points = data.get("points")
        if not isinstance(points, dict):
            raise tornado.web.HTTPError(400, reason="Ungültige Anfrage.")

        def vote() -> None:
            question = live.board.question(str(data.get("question", "")))
            live.board.vote(question.id, member.key, {str(k): v for k, v in points.items()})
            live.record(member, question)

        self.act(vote)


class TrainerLive(TrainerOnly, LiveHandler):
    """Base of the trainer's live handlers (trainer cookie required)."""


class ProjectorPage(TrainerLive):
    def get(self) -> None:
        self.page("projector.html.j2")


class ScreenState(TrainerLive):
    async def get(self) -> None:
        await self.live.wait(self.since())
        self.reply(self.live.for_screen(trainer=self.get_query_argument("view", "") == "trainer"))


class LiveStart(TrainerLive):
    def post(self) -> None:
        data = self.json_body()
        live = self.live
        item = live.bank.items.get(str(data.get("item_id", ""))) if data.get("item_id") else None
        options = data.get("options") or []
        if not isinstance(options, list):
            raise tornado.web.HTTPError(400, reason="Ungültige Anfrage.")
        self.act(lambda: live.board.start(str(data.get("kind", "")), str(data.get("prompt", "")),
                                          [str(o) for o in options], item))  # fmt: skip


class LiveAction(TrainerLive):
    ACTIONS = ("close", "reveal", "voting", "again", "hide", "show")

    def post(self) -> None:
        data = self.json_body()
        board = self.live.board
        action, question = str(data.get("action", "")), str(data.get("question", ""))
        target = str(data.get("target", ""))
        run = {
            "close": lambda: board.close(question),
            "reveal": lambda: board.reveal(question),
            "voting": lambda: board.to_voting(question),
            "again": lambda: board.again(question),
            "hide": lambda: board.moderate(question, target, True),
            "show": lambda: board.moderate(question, target, False),
        }.get(action)
        if run is None:
            raise tornado.web.HTTPError(400, reason=f"Unbekannte Aktion: {action}")
        self.act(run)


def routes(base: str) -> list[tuple[str, type]]:
    return [
        (base + "live", LivePage),
        (base + "live/state", LiveState),
        (base + "live/answer", LiveAnswer),
        (base + "live/idea", LiveIdea),
        (base + "live/vote", LiveVote),
        (base + "trainer/projector", ProjectorPage),
        (base + "trainer/live/state", ScreenState),
        (base + "trainer/live/start", LiveStart),
        (base + "trainer/live/action", LiveAction),
    ]
