"""The room's security claims, tested against a running `smmkit room` with HTTP and websocket
requests as a participant's browser (or an attacker in the room) would send them."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import start_room
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

from smmkit.room import network
from smmkit.room.roster import Roster

MODULE = "00_einfuehrung.ipynb"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Visitor:
    """A browser without JavaScript: cookies, forms with the _xsrf field, raw requests."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies, NoRedirect)

    def request(self, path: str, data: dict | bytes | None = None, headers: dict | None = None,
                method: str | None = None) -> tuple[int, str, dict]:  # fmt: skip
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(self.base + path.lstrip("/"), data=body,
                                         headers=headers or {}, method=method)  # fmt: skip
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def form(self, path: str, **fields: str) -> tuple[int, str, dict]:
        if self.cookie("_xsrf") is None:
            self.request("join")  # any room page sets the _xsrf cookie
        return self.request(path, {"_xsrf": self.cookie("_xsrf"), **fields})

    def join(self, name: str) -> Visitor:
        status, _, headers = self.form("join", name=name)
        assert status == 302 and headers["Location"] == "/", (status, headers)
        return self

    def open_module(self, headers: dict | None = None) -> str:
        """Open the module page (its kernel starts) and return the kernel id."""
        status, body, _ = self.request(f"voila/render/{MODULE}", headers=headers)
        assert status == 200, status
        return KERNEL_ID.search(body).group(1)


@pytest.fixture(scope="module")
def anna(room) -> Visitor:
    return Visitor(room.url).join("Anna <script>alert(1)</script>")


@pytest.fixture(scope="module")
def bernd(room) -> Visitor:
    return Visitor(room.url).join("Bernd")


@pytest.fixture(scope="module")
def kernels(anna, bernd) -> dict[str, str]:
    return {"anna": anna.open_module(), "bernd": bernd.open_module()}


def run_async(coroutine):
    """Run `coroutine` on a loop of its own (Playwright's sync API may own this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def websocket(base: str, kernel_id: str, cookie: str):
    url = base.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
    return websocket_connect(HTTPRequest(url, headers={"Cookie": cookie}))


def message(msg_type: str, content: dict, channel: str = "shell") -> str:
    header = {"msg_id": uuid.uuid4().hex, "session": uuid.uuid4().hex, "username": "x",
              "msg_type": msg_type, "version": "5.3", "date": "2026-12-06T12:00:00Z"}  # fmt: skip
    return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                       "content": content, "channel": channel, "buffers": []})  # fmt: skip


async def replies(connection, seconds: float) -> list[dict]:
    """Every message the kernel sends within `seconds`."""
    received = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        try:
            raw = await asyncio.wait_for(connection.read_message(), left)
        except TimeoutError:
            break
        if raw is None:
            break
        received.append(json.loads(raw))
    return received


# --- pages -------------------------------------------------------------------------------------


def test_module_pages_and_the_overview_need_a_participant(room):
    stranger = Visitor(room.url)
    for path in ("", f"voila/render/{MODULE}"):
        status, _, headers = stranger.request(path)
        assert status == 302 and headers["Location"] == "/join", path
    status, body, _ = stranger.request("join")
    assert status == 200 and "Was mit Ihren Angaben geschieht" in body


def test_joining_needs_the_forms_xsrf_token(room):
    status, _, _ = Visitor(room.url).request("join", {"name": "Ohne Token"})
    assert status == 403


def test_names_are_escaped_and_nobody_sees_another_participant(room, anna, bernd):
    _, own, _ = anna.request("")
    assert "Hallo Anna &lt;script&gt;alert(1)&lt;/script&gt;!" in own
    assert "<script>alert" not in own and "Bernd" not in own
    _, other, _ = bernd.request("")
    assert "Hallo Bernd!" in other and "Anna" not in other


def test_the_trainer_view_needs_the_trainer_secret(room, bernd):
    for path in ("trainer", "trainer/live.json", "trainer/qr", "trainer/report",
                 f"trainer?key={room.secret()[:-2]}x"):  # fmt: skip
        status, body, _ = bernd.request(path)
        assert status == 403 and "Anna" not in body, path
    status, _, _ = bernd.form("trainer/next", module=MODULE)
    assert status == 403
    status, _, _ = bernd.form("trainer/close", closed="1")
    assert status == 403 and not Roster.load(room.results).closed


def test_the_trainer_sees_everyone_live(room, anna, bernd):
    trainer = Visitor(room.url)
    status, _, headers = trainer.request(f"trainer?key={room.secret()}")
    assert status == 302 and headers["Location"] == "/trainer"  # the secret leaves the URL
    status, body, _ = trainer.request("trainer")
    assert status == 200 and "Trainer-Ansicht" in body
    status, body, _ = trainer.request("trainer/live.json")
    names = {person["name"] for person in json.loads(body)["participants"]}
    assert {"Anna <script>alert(1)</script>", "Bernd"} <= names


def test_voilas_file_list_contents_and_kernel_list_are_gone(room, anna):
    for path in ("voila/tree", "voila/api/contents", "voila/api/contents/00_einfuehrung.ipynb",
                 "api/kernels", "api/sessions", "api/contents", "voila/render/../../etc/passwd",
                 "voila/render/nicht-da.ipynb"):  # fmt: skip
        status, _, _ = anna.request(path)
        assert status in (403, 404), (path, status)
    status, _, _ = anna.request(f"voila/files/{MODULE}")  # the notebook's source
    assert status in (403, 404)


def test_size_limits_on_what_a_browser_sends(room):
    visitor = Visitor(room.url)
    visitor.request("join")
    big = urllib.parse.urlencode({"_xsrf": visitor.cookie("_xsrf"), "name": "x" * 100_000})
    try:
        status, _, _ = visitor.request("join", big.encode())
    except (ConnectionError, urllib.error.URLError):
        status = 400  # tornado may close the connection instead of answering
    assert status in (400, 413)
    status, body, _ = visitor.form("join", name="y" * 81)
    assert status == 400 and "höchstens 80" in body


# --- kernels -----------------------------------------------------------------------------------


def test_a_kernel_answers_only_the_participant_whose_page_started_it(room, anna, bernd, kernels):
    annas = kernels["anna"]
    assert anna.request(f"api/kernels/{annas}")[0] == 200  # the owner may
    assert bernd.request(f"api/kernels/{annas}")[0] == 403
    assert Visitor(room.url).request(f"api/kernels/{annas}")[0] == 403
    assert bernd.request(f"api/kernels/{annas}", method="DELETE")[0] == 403
    status, _, _ = bernd.form(f"voila/api/shutdown/{annas}")
    assert status == 403
    assert anna.request(f"api/kernels/{annas}")[0] == 200  # still running

    async def connect(visitor: Visitor) -> str:
        try:
            connection = await websocket(room.url, annas, visitor.cookie_header())
        except HTTPClientError as error:
            return str(error.code)
        connection.close()
        return "open"

    assert run_async(connect(bernd)) == "403"
    assert run_async(connect(Visitor(room.url))) == "403"
    assert run_async(connect(anna)) == "open"


def test_a_page_visitor_cannot_run_code(room, anna, kernels, tmp_path):
    marker = tmp_path / "ran.txt"

    async def attempt() -> tuple[list[dict], list[dict]]:
        connection = await websocket(room.url, kernels["anna"], anna.cookie_header())
        connection.write_message(message("kernel_info_request", {}))
        info = await replies(connection, 5)
        code = f"open({str(marker)!r}, 'w').write('x')"
        connection.write_message(message("execute_request", {
            "code": code, "silent": False, "store_history": False, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}))  # fmt: skip
        after = await replies(connection, 4)
        connection.close()
        return info, after

    info, after = run_async(attempt())
    assert any(m["header"]["msg_type"] == "kernel_info_reply" for m in info)  # the channel works
    assert not any(m["header"]["msg_type"] == "execute_reply" for m in after)
    assert not marker.exists()
    assert "not allowed" in room.log()


def test_a_websocket_message_over_the_limit_closes_the_connection(room, anna, kernels):
    async def send_big() -> object:
        connection = await websocket(room.url, kernels["anna"], anna.cookie_header())
        connection.write_message("x" * 300_000)
        try:
            return await asyncio.wait_for(connection.read_message(), 10)
        except WebSocketClosedError:
            return None

    assert run_async(send_big()) is None


def test_a_forged_participant_header_is_ignored(room, anna, bernd):
    key_of_anna = Roster.load(room.results).members[0].key
    forged = bernd.open_module(headers={"X-Smmkit-Participant": key_of_anna})
    assert bernd.request(f"api/kernels/{forged}")[0] == 200
    assert anna.request(f"api/kernels/{forged}")[0] == 403


def test_request_info_for_warmed_kernels_is_for_this_machine_only(room_app, tmp_path,
                                                                 browser_env):  # fmt: skip
    lan = network.lan_addresses()
    if not lan:
        pytest.skip("this machine has no network address besides loopback")
    # Bound to every interface, asked from the LAN address: not loopback, so refused.
    room_all = start_room(room_app, tmp_path / "all", browser_env, "--bind=0.0.0.0")
    try:
        url = f"ws://{lan[0]}:{room_all.port}/voila/query/{uuid.uuid4()}"

        async def connect() -> str:
            try:
                connection = await websocket_connect(url)
            except HTTPClientError as error:
                return str(error.code)
            connection.close()
            return "open"

        assert run_async(connect()) == "403"
    finally:
        room_all.stop()


def test_closing_the_room_turns_new_participants_away(room):
    trainer = Visitor(room.url)
    trainer.request(f"trainer?key={room.secret()}")
    assert trainer.form("trainer/close", closed="1")[0] == 302
    try:
        status, body, _ = Visitor(room.url).form("join", name="Zu spät")
        assert status == 403 and "geschlossen" in body
    finally:
        trainer.form("trainer/close", closed="0")
    assert Visitor(room.url).form("join", name="Wieder offen")[0] == 302


def test_results_stay_outside_what_the_server_serves(room):
    assert Path(room.results).resolve() not in Path(room.app).resolve().parents


def test_a_page_nobody_looks_at_is_shut_down(room_app, tmp_path, browser_env):
    import time

    quick = start_room(room_app, tmp_path, browser_env, "--idle-minutes=0.05")  # 3 s
    try:
        visitor = Visitor(quick.url).join("Mona")
        kernel = visitor.open_module()  # no browser connects: idle from the start
        assert visitor.request(f"api/kernels/{kernel}")[0] == 200
        deadline = time.monotonic() + 30
        while visitor.request(f"api/kernels/{kernel}")[0] == 200:
            assert time.monotonic() < deadline, "the idle kernel was not shut down"
            time.sleep(1)
        assert "Culling kernel" in quick.log() or "culling" in quick.log().lower()
    finally:
        quick.stop()
