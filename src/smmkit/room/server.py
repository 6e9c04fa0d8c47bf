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

import asyncio
import contextvars
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Int, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from ..bank import Bank, load_bank
from ..kernel.session import PARTICIPANT_ENV, ROOM_ENV
from ..publish.app import VOILA_TEMPLATE, voila_environment
from ..publish.templating import render
from . import network, views
from .roster import Member, RoomClosed, RoomFull, Roster, is_trainer_secret

PARTICIPANT_COOKIE = "smmkit_room"
TRAINER_COOKIE = "smmkit_trainer"
PARTICIPANT_HEADER = "X-Smmkit-Participant"  # reaches the kernel as HTTP_X_SMMKIT_PARTICIPANT
MAX_BODY_BYTES = 64 * 1024  # a join form or a trainer action; nothing a participant sends is larger
MAX_MESSAGE_BYTES = 256 * 1024  # one websocket message (widget state, a long free-text answer)
PAGES_PER_PARTICIPANT = 3  # open module pages (kernels) per browser; older ones are shut down
COOKIE_DAYS = 2
LOOPBACK = {"127.0.0.1", "::1"}
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"
)

# The participant whose page request is being served: read when Voilà hands out a warmed kernel.
_REQUESTING = contextvars.ContextVar("smmkit_requesting_participant", default=None)


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


class RoomKernelManager(AsyncMappingKernelManager):
    """Knows which participant each kernel belongs to (from the page request that started or
    claimed it), so that only that participant's browser may talk to it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owners: dict[str, str] = {}

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = await super().start_kernel(*args, **kwargs)
        owner = (kwargs.get("env") or {}).get(PARTICIPANT_ENV)
        if owner:  # a page's own kernel; a warmed one gets its owner when claimed
            self.owners[kernel_id] = owner
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        self.owners.pop(kernel_id, None)
        await super().shutdown_kernel(kernel_id, *args, **kwargs)

    def kernels_of(self, key: str) -> list[str]:
        return [kernel for kernel, owner in self.owners.items() if owner == key]


# --- the room's own pages --------------------------------------------------------------------


class RoomHandler(JupyterHandler):
    """Base of the room's pages: who is asking, and one way to answer with a page."""

    @property
    def room(self) -> Room:
        return self.settings["smmkit_room"]

    def member(self) -> Member | None:
        return self.room.roster.member_for_token(self.get_cookie(PARTICIPANT_COOKIE))

    def is_trainer(self) -> bool:
        return is_trainer_secret(self.room.results, self.get_cookie(TRAINER_COOKIE))

    def page(self, template: str, status: int = 200, **context: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("Cache-Control", "no-store")
        self.finish(render(f"room/{template}", xsrf=self.xsrf_token.decode(), **context))

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
        self.redirect(self.base_url)


class OverviewHandler(RoomHandler):
    def get(self) -> None:
        member = self.member()
        if member is None:
            self.redirect(self.base_url + "join")
            return
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
                  join_url=self.room.join_urls[0] if self.room.join_urls else "")  # fmt: skip


class TrainerOnly(RoomHandler):
    def prepare(self) -> Any:
        result = super().prepare()
        if not self.is_trainer():
            raise tornado.web.HTTPError(403, reason="Nur für die Trainerin oder den Trainer.")
        return result


class LiveHandler(TrainerOnly):
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
        _REQUESTING.set(member.key)
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


# --- kernels ---------------------------------------------------------------------------------


async def close_oldest_pages(kernel_manager: RoomKernelManager, key: str) -> None:
    """Keep at most PAGES_PER_PARTICIPANT kernels per participant: shut down the oldest."""
    kernels = kernel_manager.kernels_of(key)
    for kernel_id in kernels[: max(0, len(kernels) - PAGES_PER_PARTICIPANT + 1)]:
        await kernel_manager.shutdown_kernel(kernel_id)


def warm_kernels(kernel_manager: Any) -> dict[str, int]:
    """Warmed kernels waiting per notebook (started or starting)."""
    pools = getattr(kernel_manager, "_pools", {})
    return {name: len(pool) for name, pool in pools.items() if pool}


def announce(kernel_manager: Any, room: Room, path: str | None) -> int:
    """Warm kernels for the announced module page, one per participant not yet on it (at
    least 3), and none for any other page. Returns the pool size."""
    size = 0
    if path is not None:
        already = {key for key, where in room.whereabouts.items() if where == path}
        waiting = len(room.roster.members) - len(already)
        size = min(max(waiting, 3), room.max_participants)
    kernel_manager.kernel_pools_config = {"default": {"pool_size": 0}}
    if path is not None:
        kernel_manager.kernel_pools_config[path] = {"pool_size": size}
    # Voilà keeps pools in a private dict; unclaimed kernels of other pages are shut down.
    for name, pool in list(getattr(kernel_manager, "_pools", {}).items()):
        if name != path:
            kernel_manager._pools[name] = []
            for task in pool:
                asyncio.ensure_future(_shutdown_when_started(kernel_manager, task))
    if path is not None:
        kernel_manager.fill_if_needed(delay=0, notebook_name=path)
    return size


async def _shutdown_when_started(kernel_manager: Any, task: asyncio.Future) -> None:
    try:
        kernel_id = (await task)["kernel_id"]
    except Exception:  # noqa: BLE001 - a kernel that failed to start needs no shutdown
        return
    await kernel_manager.shutdown_kernel(kernel_id)


def _claims_with_owner(kernel_manager: Any) -> None:
    """Record the requesting participant as owner when Voilà hands out a warmed kernel, and
    shrink that pool by one so that it is not refilled beyond the room's need."""
    original = kernel_manager.get_rendered_notebook

    async def get_rendered_notebook(notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        config = kernel_manager.kernel_pools_config.get(notebook_name)
        if config:
            config["pool_size"] = max(1, config["pool_size"] - 1)
        render_task, cache, kernel_id = await original(notebook_name, *args, **kwargs)
        owner = _REQUESTING.get()
        if owner:
            kernel_manager.owners[kernel_id] = owner
        return render_task, cache, kernel_id

    kernel_manager.get_rendered_notebook = get_rendered_notebook


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
        settings["websocket_max_message_size"] = MAX_MESSAGE_BYTES
        settings["xsrf_cookies"] = True
        if hasattr(self.kernel_manager, "get_rendered_notebook"):
            _claims_with_owner(self.kernel_manager)
        return settings

    def init_handlers(self) -> list:
        voila = [
            (route[0], GUARDED.get(route[1], route[1]), *route[2:])
            for route in super().init_handlers()
            if route[1] not in REMOVED
        ]
        base = self.server_url
        own = [
            (base, OverviewHandler),
            (base + "join", JoinHandler),
            (base + "trainer", TrainerHandler),
            (base + "trainer/live.json", LiveHandler),
            (base + "trainer/qr", QrHandler),
            (base + "trainer/report", ReportHandler),
            (base + "trainer/next", NextModuleHandler),
            (base + "trainer/close", CloseHandler),
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
    c.VoilaConfiguration.preheat_kernel = True
    c.VoilaConfiguration.http_header_envs = [PARTICIPANT_HEADER]
    c.VoilaConfiguration.multi_kernel_manager_class = f"{__name__}.RoomKernelManager"
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
