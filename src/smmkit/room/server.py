"""The room server: Voilà serving the app edition to a room, with join, overview and trainer view.

:class:`RoomServer` is Voilà (one kernel per page, code execution refused) with

- the room's own pages: ``/join``, ``/`` (the participant's module overview), ``/trainer``
  (live view, QR code, report, next module, close the room);
- guards on Voilà's routes: a module page needs a participant's token; a kernel's websocket,
  its REST model and its shutdown only answer to the participant whose page started it;
  ``/voila/query`` (request info for warmed kernels) only to the machine itself; the file
  list and contents API are gone;
- warmed kernels only for the module the trainer announced (Voilà's kernel pools, sized per
  notebook at run time), idle culling, limits on participants and on what a browser can send.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.services.kernels.handlers import KernelHandler
from traitlets import Int, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from ..bank import load_bank
from ..kernel.session import ROOM_ENV
from ..publish.app import VOILA_TEMPLATE, voila_environment
from . import handlers as pages
from . import live, network, views
from .handlers import PARTICIPANT_COOKIE, Room
from .kernels import REQUESTING, announce, claims_with_owner, close_oldest_pages
from .roster import Roster

PARTICIPANT_HEADER = "X-Smmkit-Participant"  # reaches the kernel as HTTP_X_SMMKIT_PARTICIPANT
MAX_BODY_BYTES = 64 * 1024  # a join form or a trainer action; nothing a participant sends is larger
IOPUB_WAIT_SECONDS = 120
MAX_MESSAGE_BYTES = 256 * 1024  # one websocket message (widget state, a long free-text answer)
LOOPBACK = {"127.0.0.1", "::1"}


# --- Voilà's routes, guarded -------------------------------------------------------------------


class OwnedKernel:
    """Only the participant whose page started a kernel may reach it."""

    def check_owner(self: Any, kernel_id: str) -> None:
        room: Room = self.settings["smmkit_room"]
        member = room.roster.member_for_token(self.get_cookie(PARTICIPANT_COOKIE))
        owner = self.kernel_manager.owners.get(kernel_id)
        if member is None or owner != member.key:
            raise tornado.web.HTTPError(403)


class RoomModuleHandler(TornadoVoilaHandler):
    """A module page: only for a participant, whose key travels to the page's kernel."""

    async def get(self, path: str | None = None) -> None:
        room: Room = self.settings["smmkit_room"]
        member = room.roster.member_for_token(self.get_cookie(PARTICIPANT_COOKIE))
        if member is None:
            self.redirect(self.base_url + "join")
            return
        if room.page(path or "") is None:
            raise tornado.web.HTTPError(404)
        self.xsrf_token  # noqa: B018 - sets the cookie the page needs to shut its kernel down
        self.request.headers[PARTICIPANT_HEADER] = member.key
        room.whereabouts[member.key] = path
        await close_oldest_pages(self.kernel_manager, member.key)
        REQUESTING.set(member.key)
        await super().get(path)

    def prepare(self) -> Any:
        # Never trust the header from the browser; only get() sets it, from the token.
        self.request.headers.pop(PARTICIPANT_HEADER, None)
        return super().prepare()


class RoomKernelWebsocket(OwnedKernel, VoilaKernelWebsocketHandler):
    async def get(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        await super().get(kernel_id)


class RoomKernelModel(OwnedKernel, KernelHandler):
    async def get(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        await super().get(kernel_id)

    async def delete(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        await super().delete(kernel_id)


class RoomShutdown(OwnedKernel, VoilaShutdownKernelHandler):
    async def post(self, kernel_id: str) -> None:
        self.check_owner(kernel_id)
        await super().post(kernel_id)


class LocalRequestInfo(RequestInfoSocketHandler):
    """Request info for warmed kernels: they connect from this machine; nobody else may."""

    async def get(self, *args: Any, **kwargs: Any) -> None:
        if self.request.remote_ip not in LOOPBACK | {self.settings["smmkit_room"].bind}:
            raise tornado.web.HTTPError(403)
        await super().get(*args, **kwargs)


GUARDED = {
    TornadoVoilaHandler: RoomModuleHandler,
    VoilaKernelWebsocketHandler: RoomKernelWebsocket,
    KernelHandler: RoomKernelModel,
    VoilaShutdownKernelHandler: RoomShutdown,
    RequestInfoSocketHandler: LocalRequestInfo,
}
REMOVED = (TornadoVoilaTreeHandler, VoilaContentsHandler)


# --- the application -------------------------------------------------------------------------


class RoomServer(Voila):
    """Voilà with the room's pages and guards; see the module docstring."""

    name = "smmkit-room"
    results_dir = Unicode(help="the trainer's results folder: answers, roster, trainer secret").tag(
        config=True
    )
    max_participants = Int(40, help="participants who may join (later ones are turned away)").tag(
        config=True
    )
    join_url = Unicode("", help="the join address printed and shown as QR code").tag(config=True)

    def init_settings(self) -> dict:
        settings = super().init_settings()
        results = Path(self.results_dir)
        bank = load_bank(Path(os.environ.get("SMMKIT_ROOT", ".")), "de")
        self.room = Room(
            results=results,
            app_dir=Path(self.root_dir),
            bank=bank,
            max_participants=self.max_participants,
            roster=Roster.load(results),
            pages=views.module_pages(Path(self.root_dir), bank),
            join_urls=[self.join_url] if self.join_url else [],
            bind=self.ip,
        )
        settings["smmkit_room"] = self.room
        settings["smmkit_live"] = live.LiveService.load(results, bank)
        settings["websocket_max_message_size"] = MAX_MESSAGE_BYTES
        settings["xsrf_cookies"] = True
        if hasattr(self.kernel_manager, "get_rendered_notebook"):
            claims_with_owner(self.kernel_manager)
        return settings

    def init_handlers(self) -> list:
        voila = [
            (route[0], GUARDED.get(route[1], route[1]), *route[2:])
            for route in super().init_handlers()
            if route[1] not in REMOVED
        ]
        base = self.server_url
        own = [
            (base, pages.OverviewHandler),
            (base + "join", pages.JoinHandler),
            (base + "trainer", pages.TrainerHandler),
            (base + "trainer/live.json", pages.TrainerStateHandler),
            (base + "trainer/qr", pages.QrHandler),
            (base + "trainer/report", pages.ReportHandler),
            (base + "trainer/next", pages.NextModuleHandler),
            (base + "trainer/close", pages.CloseHandler),
            *live.routes(base),
        ]
        return own + voila

    def listen(self) -> None:
        # Voilà's listen() has no body size option; the HTTP server takes it from listen().
        listen = self.app.listen
        self.app.listen = lambda port, address="", **kw: listen(
            port, address, max_body_size=MAX_BODY_BYTES, **kw
        )
        if self.room.roster.next_module:  # a restarted room warms the announced module again
            announce(self.kernel_manager, self.room, self.room.roster.next_module)
        super().listen()


def room_config(results: Path, max_participants: int, idle_minutes: float, join_url: str) -> Config:
    """The Voilà and kernel settings of a room (see the module docstring)."""
    c = Config()
    c.RoomServer.results_dir = str(results)
    c.RoomServer.max_participants = max_participants
    c.RoomServer.join_url = join_url
    c.VoilaConfiguration.template = VOILA_TEMPLATE
    c.VoilaExporter.language_code = "de"  # <html lang="de"> for screen readers
    c.VoilaConfiguration.preheat_kernel = True
    # After a cell's reply, Voilà waits for its last outputs (a widget's view) at most this
    # long; nbclient's 4 s ran out while 25 kernels warmed at once, and the page then lacked
    # the widget. The wait ends as soon as the kernel is idle, so it costs nothing otherwise.
    c.VoilaExecutor.iopub_timeout = IOPUB_WAIT_SECONDS
    c.VoilaConfiguration.http_header_envs = [PARTICIPANT_HEADER]
    c.VoilaConfiguration.multi_kernel_manager_class = "smmkit.room.kernels.RoomKernelManager"
    c.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}}
    c.KernelManager.transport = "ipc"
    c.KernelManager.shutdown_wait_time = 0.5
    c.MappingKernelManager.cull_idle_timeout = round(idle_minutes * 60)
    c.MappingKernelManager.cull_interval = max(1, min(60, round(idle_minutes * 30)))
    c.MappingKernelManager.cull_connected = False
    return c


def room_environment(
    env: dict[str, str], results: Path, root: Path, bind: str = "0.0.0.0"
) -> dict[str, str]:
    """The environment the server and its kernels run in: room mode, the results folder, and
    where warmed kernels reach the server (Voilà's kernels assume 127.0.0.1)."""
    result = voila_environment(env)
    result.update({ROOM_ENV: "1", "SMMKIT_RESULTS_DIR": str(results), "SMMKIT_ROOT": str(root)})
    result["VOILA_APP_IP"] = "127.0.0.1" if bind in network.ALL_INTERFACES else bind
    return result
