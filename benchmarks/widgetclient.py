"""A participant without a browser: what a module page asks of the room's server.

A room's participants render their pages on their own devices; the trainer's machine only
serves. To measure what the server does for N participants without N browsers sharing its two
cores, :class:`PageClient` repeats a page's requests over HTTP and the kernel's websocket:

1. GET the module page (with the participant's cookie) and the files the page loads
   (recorded from one real chromium page in the same run, see :func:`page_assets`);
2. connect to the page's kernel (Jupyter's JSON websocket protocol), ask for the kernel info
   and, as ipywidgets' widget manager does, for every widget state at once
   (``request_states`` on the ``jupyter.widget.control`` comm) — the page is *served* when
   the states arrived;
3. answer a quiz item: set a radio button, click "Antwort prüfen" (a comm ``custom`` click
   message) and wait for the verdict's state update — the server's part of click to feedback.

A real browser then needs its own device's time to build the views (measured separately).
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from dataclasses import dataclass, field

import httpx
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from smmkit.i18n import t

CONFIG = re.compile(r'id="jupyter-config-data"[^>]*>(.*?)</script>', re.S)
CONTROL_TARGET = "jupyter.widget.control"
CONTROL_PROTOCOL = "1.0.0"  # ipywidgets 8's control comm
ITEM_KINDS = ("smmkit-single_choice", "smmkit-true_false")
VERDICT = "smmkit-verdict"
CHECK = t("button.check")  # "Antwort prüfen"


def _message(msg_type: str, content: dict, session: str, channel: str = "shell") -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": session,
            "username": "",
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


def _decode(frame: str | bytes) -> dict:
    """A message of Jupyter's default websocket protocol: JSON text, or (with buffers) a
    binary frame: count, offsets, then the JSON message and the buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end].decode())


BROWSER_CONNECTIONS = 6  # per host, as browsers open them


async def fetch_files(base: str, paths: list[str], cookies: dict[str, str]) -> int:
    """GET `paths` over six keep-alive connections, as a browser loads a page's files, and
    discard the bodies (read as bytes, not parsed: the benchmark's own CPU stays small).
    Returns the bytes received."""
    host, port = httpx.URL(base).host, httpx.URL(base).port
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    queue = list(paths)
    received = 0

    async def connection() -> None:
        nonlocal received
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while queue:
                path = queue.pop(0)
                writer.write(
                    f"GET /{path.lstrip('/')} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"Cookie: {cookie}\r\nAccept-Encoding: gzip\r\n\r\n".encode()
                )
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                if status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {status}")
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                if length is None:
                    raise RuntimeError(f"GET {path}: no Content-Length")
                body = await reader.readexactly(int(length.group(1)))
                received += len(head) + len(body)
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(min(BROWSER_CONNECTIONS, len(paths)))))
    return received


@dataclass
class PageClient:
    """One participant's module page, driven over HTTP and the kernel's websocket."""

    base: str  # e.g. "http://127.0.0.1:8866/"
    cookies: dict[str, str]
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    states: dict[str, dict] = field(default_factory=dict)
    _socket: object = None
    _comm: str = ""
    _inbox: asyncio.Queue | None = None
    _reader: asyncio.Task | None = None

    async def open(self, path: str, assets: list[str]) -> dict[str, float]:
        """Load the page, its files and its widget states; returns seconds from the start
        until the HTML arrived ("html"), the files ("files"), the kernel answered its first
        request ("connected") and every widget state arrived ("served")."""
        started = time.perf_counter()
        async with httpx.AsyncClient(base_url=self.base, cookies=self.cookies, timeout=300) as http:
            page = await http.get(f"voila/render/{path}")
            page.raise_for_status()
            html = time.perf_counter() - started
            config = json.loads(CONFIG.search(page.text).group(1))
            await fetch_files(self.base, assets, self.cookies)
            files = time.perf_counter() - started
        await self._connect(config["kernelId"])
        connected = time.perf_counter() - started
        await self._request_states()
        served = time.perf_counter() - started
        return {"html": html, "files": files, "connected": connected, "served": served}

    async def _connect(self, kernel_id: str) -> None:
        url = f"{self.base.replace('http', 'ws', 1)}api/kernels/{kernel_id}/channels"
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = HTTPRequest(
            f"{url}?session_id={self.session}",
            headers={"Cookie": cookie},
            connect_timeout=300,
            request_timeout=300,
        )
        self._socket = await websocket_connect(request, max_message_size=256 * 2**20)
        self._inbox = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        await self._call(_message("kernel_info_request", {}, self.session), "kernel_info_reply")

    async def _read(self) -> None:
        while True:
            frame = await self._socket.read_message()
            if frame is None:
                await self._inbox.put(None)
                return
            await self._inbox.put(_decode(frame))

    def _send(self, message: dict) -> str:
        self._socket.write_message(json.dumps(message))
        return message["header"]["msg_id"]

    async def _wait(self, accept, timeout: float = 300.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = await asyncio.wait_for(self._inbox.get(), deadline - time.monotonic())
            if message is None:
                raise ConnectionError("the kernel's websocket closed")
            if accept(message):
                return message

    async def _call(self, message: dict, reply_type: str) -> dict:
        msg_id = self._send(message)
        return await self._wait(
            lambda m: (
                m["header"]["msg_type"] == reply_type and m["parent_header"].get("msg_id") == msg_id
            )
        )

    async def _request_states(self) -> None:
        self._comm = uuid.uuid4().hex
        opening = {"comm_id": self._comm, "target_name": CONTROL_TARGET, "data": {}}
        message = _message("comm_open", opening, self.session)
        message["metadata"] = {"version": CONTROL_PROTOCOL}
        self._send(message)
        ask = {"comm_id": self._comm, "data": {"method": "request_states"}}
        self._send(_message("comm_msg", ask, self.session))
        reply = await self._wait(
            lambda m: (
                m["header"]["msg_type"] == "comm_msg"
                and m["content"].get("comm_id") == self._comm
                and m["content"]["data"].get("method") == "update_states"
            )
        )
        self.states = reply["content"]["data"]["states"]

    # --- answering an item -------------------------------------------------------------------

    def _children(self, model_id: str) -> list[str]:
        state = self.states[model_id]["state"]
        return [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]

    def _descendants(self, model_id: str) -> list[str]:
        found, todo = [], [model_id]
        while todo:
            current = todo.pop()
            found.append(current)
            todo += [c for c in self._children(current) if c in self.states]
        return found

    def choice_items(self) -> list[tuple[str, str]]:
        """(radio buttons, check button) of every single-choice and true/false item."""
        items = []
        for model_id, model in self.states.items():
            classes = model["state"].get("_dom_classes", [])
            if not any(kind in classes for kind in ITEM_KINDS):
                continue
            parts = self._descendants(model_id)
            radios = [p for p in parts if self.states[p]["model_name"] == "RadioButtonsModel"]
            checks = [p for p in parts if self.states[p]["state"].get("description") == CHECK]
            if radios and checks:
                items.append((radios[0], checks[0]))
        return items

    async def answer(self, index: int) -> float:
        """Choose the first option of a choice item and check it; seconds from the click
        until the kernel sent the verdict."""
        radio, button = self.choice_items()[index % len(self.choice_items())]
        choose = {"method": "update", "state": {"index": 0}, "buffer_paths": []}
        self._send(_message("comm_msg", {"comm_id": radio, "data": choose}, self.session))
        await asyncio.sleep(0.3)  # as a person does: choose, then click
        click = {"method": "custom", "content": {"event": "click"}}
        started = time.perf_counter()
        self._send(_message("comm_msg", {"comm_id": button, "data": click}, self.session))
        await self._wait(
            lambda m: (
                m["header"]["msg_type"] == "comm_msg"
                and VERDICT in json.dumps(m["content"]["data"].get("state", {}))
            )
        )
        return time.perf_counter() - started

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self._socket:
            self._socket.close()
