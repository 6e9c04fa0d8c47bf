"""The room's own pages: join, the participant's overview, the trainer view and its actions."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.base.handlers import JupyterHandler

from ..bank import Bank
from ..publish.templating import render
from . import network, views
from .kernels import announce, warm_kernels
from .roster import Member, RoomClosed, RoomFull, Roster, is_trainer_secret

PARTICIPANT_COOKIE = "smmkit_room"
TRAINER_COOKIE = "smmkit_trainer"
ROOM_MARK = "smmkit_in_room"
COOKIE_DAYS = 2
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'"
)


@dataclass
class Room:
    """The room's state as the handlers see it."""

    results: Path
    app_dir: Path
    bank: Bank
    max_participants: int
    roster: Roster
    pages: list[views.ModulePage]
    join_urls: list[str] = field(default_factory=list)
    bind: str = "127.0.0.1"
    whereabouts: dict[str, str] = field(default_factory=dict)  # key -> page path

    def page(self, path: str) -> views.ModulePage | None:
        return next((page for page in self.pages if page.path == path), None)


class RoomHandler(JupyterHandler):
    """Base of the room's pages: who is asking, and one way to answer with a page."""

    @property
    def room(self) -> Room:
        return self.settings["smmkit_room"]

    def member(self) -> Member | None:
        return self.room.roster.member_for_token(self.get_cookie(PARTICIPANT_COOKIE))

    def is_trainer(self) -> bool:
        return is_trainer_secret(self.room.results, self.get_cookie(TRAINER_COOKIE))

    def page(
        self, template: str, status: int = 200, frame_ok: bool = False, **context: Any
    ) -> None:
        """Answer with a room page; `frame_ok`: the module pages may show it in an overlay."""
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        ancestors = "frame-ancestors 'self'" if frame_ok else "frame-ancestors 'none'"
        self.set_header("Content-Security-Policy", CSP + "; " + ancestors)
        self.set_header("Cache-Control", "no-store")
        self.finish(render(f"room/{template}", xsrf=self.xsrf_token.decode(), **context))

    def mark_room(self) -> None:
        """A cookie without a secret: module pages show live questions only in a room."""
        self.set_cookie(ROOM_MARK, "1", expires_days=COOKIE_DAYS, samesite="Strict", path="/")

    def set_private_cookie(self, name: str, value: str) -> None:
        self.set_cookie(
            name, value, expires_days=COOKIE_DAYS, httponly=True, samesite="Strict", path="/"
        )

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.page("message.html.j2", status=status_code, title=f"Fehler {status_code}",
                  text=self._reason)  # fmt: skip


class JoinHandler(RoomHandler):
    def get(self) -> None:
        if self.member():
            self.redirect(self.base_url)
            return
        self.page("join.html.j2", closed=self.room.roster.closed, error=None, name="")

    def post(self) -> None:
        name = self.get_body_argument("name", "")
        try:
            member, token = self.room.roster.join(name, self.room.max_participants)
        except RoomClosed:
            self.page("join.html.j2", status=403, closed=True, error=None, name="")
            return
        except RoomFull:
            error = "Der Raum ist voll. Bitte sprechen Sie Ihre Trainerin oder Ihren Trainer an."
            self.page("join.html.j2", status=403, closed=False, error=error, name=name)
            return
        except (ValueError, TypeError) as exc:
            self.page("join.html.j2", status=400, closed=False, error=str(exc), name=name[:200])
            return
        self.log.info("room: %s joined", member.key)
        self.set_private_cookie(PARTICIPANT_COOKIE, token)
        self.mark_room()
        self.redirect(self.base_url)


class OverviewHandler(RoomHandler):
    def get(self) -> None:
        member = self.member()
        if member is None:
            self.redirect(self.base_url + "join")
            return
        self.mark_room()
        answered = views.answered_items(member.participant, self.room.results)
        modules = views.overview(self.room.pages, answered)
        self.page("overview.html.j2", name=member.name, modules=modules,
                  next_module=self.room.roster.next_module)  # fmt: skip


class TrainerHandler(RoomHandler):
    """``/trainer?key=SECRET`` once (sets a cookie, drops the secret from the address bar)."""

    def get(self) -> None:
        key = self.get_query_argument("key", None)
        if key is not None:
            if not is_trainer_secret(self.room.results, key):
                raise tornado.web.HTTPError(403, reason="Dieser Trainer-Link ist nicht gültig.")
            self.set_private_cookie(TRAINER_COOKIE, key)
            self.redirect(self.request.path)
            return
        if not self.is_trainer():
            raise tornado.web.HTTPError(403, reason="Nur für die Trainerin oder den Trainer.")
        self.page("trainer.html.j2", pages=self.room.pages, room=self.room,
                  items=views.live_items(self.room.bank),
                  join_url=self.room.join_urls[0] if self.room.join_urls else "")  # fmt: skip


class TrainerOnly(RoomHandler):
    def prepare(self) -> Any:
        result = super().prepare()
        if not self.is_trainer():
            raise tornado.web.HTTPError(403, reason="Nur für die Trainerin oder den Trainer.")
        return result


class TrainerStateHandler(TrainerOnly):
    async def get(self) -> None:
        room = self.room
        kernels = self.kernel_manager.owners
        members = [member.participant for member in room.roster.members]
        view = await asyncio.to_thread(
            views.trainer_view, room.results, room.bank, room.pages, members,
            dict(room.whereabouts), set(kernels.values()),
        )  # fmt: skip
        view["room"] = {
            "closed": room.roster.closed,
            "next_module": room.roster.next_module,
            "joined": len(room.roster.members),
            "limit": room.max_participants,
            "warm": warm_kernels(self.kernel_manager),
        }
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(view, ensure_ascii=False))


class QrHandler(TrainerOnly):
    def get(self) -> None:
        urls = self.room.join_urls or [f"{self.request.protocol}://{self.request.host}/"]
        self.page("qr.html.j2", url=urls[0], qr=network.qr_svg(urls[0]), others=urls[1:])


class ReportHandler(TrainerOnly):
    async def get(self) -> None:
        from ..results.commands import ReportRequest, run_report

        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "bericht.html"
            request = ReportRequest(results_dir=self.room.results, out=out, pdf=False,
                                    csv_dir=None, anonymise=self.get_query_argument("anonym", "") == "1",
                                    root=Path(os.environ.get("SMMKIT_ROOT", ".")))  # fmt: skip
            await asyncio.to_thread(run_report, request)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(out.read_bytes())


class NextModuleHandler(TrainerOnly):
    def post(self) -> None:
        path = self.get_body_argument("module", "")
        if path and self.room.page(path) is None:
            raise tornado.web.HTTPError(400, reason=f"Unbekanntes Modul: {path}")
        self.room.roster.next_module = path or None
        self.room.roster.save()
        size = announce(self.kernel_manager, self.room, path or None)
        self.log.info("room: next module %s, warming %d kernels", path or "-", size)
        self.redirect(self.base_url + "trainer")


class CloseHandler(TrainerOnly):
    def post(self) -> None:
        self.room.roster.closed = self.get_body_argument("closed", "1") == "1"
        self.room.roster.save()
        self.redirect(self.base_url + "trainer")
