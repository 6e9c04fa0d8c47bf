"""A headless chromium driven over the DevTools protocol on a pipe, with no driver process.

Chromium started with ``--remote-debugging-pipe`` reads protocol commands on file
descriptor 3 and writes replies and events on descriptor 4, each message JSON ended by a
NUL byte. Printing needs only a handful of commands, so talking to the browser directly
spares the Node.js driver process Playwright would start per browser (it relays every
message and cost about as much CPU as a fifth of the printing itself).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from ..errors import BuildError

COMMAND_TIMEOUT = 180.0  # seconds; printing a 60-page handout takes about 2 s


class DevToolsError(BuildError):
    """The browser refused a command, died or did not answer in time."""


class DevToolsBrowser:
    """One chromium process; `send(method, session=…, **params)` returns the command's result."""

    def __init__(self, executable: str, args: list[str]):
        self.executable, self.args = executable, args
        self._process: subprocess.Popen | None = None
        self._commands: int | None = None  # our end of the pipe chromium reads (its fd 3)
        self._pending: dict[int, Future] = {}
        self._waiters: dict[tuple[str | None, str], list[Future]] = {}
        self._lock = threading.Lock()  # guards the state below
        self._write_lock = threading.Lock()  # one message at a time on the command pipe
        self._next_id = 0
        self._closed = False
        self._profile: str | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> DevToolsBrowser:
        self._profile = tempfile.mkdtemp(prefix="smmkit-chromium-")
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # The pipes go in as stdin/stdout; the shell moves them to the descriptors 3 and 4
        # chromium expects (no preexec_fn: that is unsafe in a process that runs threads).
        wrapper = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
        command = [
            "/bin/sh",
            "-c",
            wrapper,
            self.executable,
            *self.args,
            "--headless",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        log = open(self._log_path(), "wb")  # noqa: SIM115 - closed below, chromium keeps a copy
        try:
            self._process = subprocess.Popen(
                command,
                stdin=to_browser_read,
                stdout=from_browser_write,
                stderr=log,
            )
        except OSError as exc:
            raise DevToolsError(f"chromium could not be started ({exc})") from exc
        finally:
            log.close()
            os.close(to_browser_read)
            os.close(from_browser_write)
        self._commands = to_browser_write
        self._reader = threading.Thread(
            target=self._read, args=(from_browser_read,), name="smmkit-devtools", daemon=True
        )
        self._reader.start()
        return self

    def _log_path(self) -> str:
        assert self._profile is not None
        return os.path.join(self._profile, "chromium.log")

    def _log_tail(self) -> str:
        """The last lines chromium wrote, for the error message (its D-Bus noise left out)."""
        try:
            with open(self._log_path(), encoding="utf-8", errors="replace") as log:
                lines = [line.rstrip() for line in log if "dbus" not in line.lower()]
        except (OSError, AssertionError):
            return ""
        return (": " + " | ".join(lines[-5:])) if lines else ""

    def send(
        self, method: str, session: str | None = None, timeout: float = COMMAND_TIMEOUT, **params
    ) -> dict[str, Any]:
        return self.request(method, session, **params).result_within(timeout, method)

    def request(self, method: str, session: str | None = None, **params) -> _Reply:
        """Send a command without waiting; `.result_within(timeout)` waits for its result."""
        reply = _Reply()
        with self._lock:
            if self._closed or self._commands is None:
                raise DevToolsError("chromium is not running")
            self._next_id += 1
            command_id, commands = self._next_id, self._commands
            self._pending[command_id] = reply
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        # Writing holds only its own lock: the reader thread must never wait behind a write
        # that waits for chromium, which may itself be waiting for us to read.
        with self._write_lock:
            try:
                _write_all(commands, json.dumps(message).encode() + b"\0")
            except OSError as exc:
                with self._lock:
                    self._pending.pop(command_id, None)
                raise DevToolsError(f"chromium closed its pipe ({exc})") from exc
        return reply

    def expect(self, event: str, session: str | None = None) -> _Reply:
        """A future for the next `event` (register before the command that causes it)."""
        reply = _Reply()
        with self._lock:
            if self._closed:
                raise DevToolsError("chromium is not running")
            self._waiters.setdefault((session, event), []).append(reply)
        return reply

    def _read(self, fd: int) -> None:
        parts: list[bytes] = []  # of the message being received (a PDF spans many reads)
        try:
            while chunk := os.read(fd, 1 << 20):
                while (end := chunk.find(b"\0")) >= 0:
                    parts.append(chunk[:end])
                    self._dispatch(json.loads(b"".join(parts)))
                    parts, chunk = [], chunk[end + 1 :]
                if chunk:
                    parts.append(chunk)
        except OSError:
            pass
        finally:
            os.close(fd)
            self._fail_all(DevToolsError(f"chromium ended unexpectedly{self._log_tail()}"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self._lock:
            if "id" in message:
                reply = self._pending.pop(message["id"], None)
                waiting = [reply] if reply is not None else []
            else:
                waiting = self._waiters.pop((message.get("sessionId"), message.get("method")), [])
        for reply in waiting:
            if "error" in message:
                error = message["error"]
                reply.set_exception(DevToolsError(f"{error.get('message')} ({error.get('code')})"))
            else:
                reply.set_result(message.get("result", message.get("params", {})))

    def _fail_all(self, error: Exception) -> None:
        with self._lock:
            self._closed = True
            waiting = list(self._pending.values())
            waiting += [r for replies in self._waiters.values() for r in replies]
            self._pending.clear()
            self._waiters.clear()
        for reply in waiting:
            if not reply.done():
                reply.set_exception(error)

    def close(self) -> None:
        with self._lock:
            commands, self._commands = self._commands, None
        if commands is not None:
            with self._write_lock:  # not while a message is half written
                os.close(commands)  # chromium exits when its command pipe closes
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._reader is not None:
            self._reader.join(timeout=10)
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None


class _Reply(Future):
    def result_within(self, timeout: float, what: str = "command") -> dict[str, Any]:
        try:
            return self.result(timeout=timeout)
        except FutureTimeout as exc:
            raise DevToolsError(f"chromium did not answer {what} within {timeout:.0f} s") from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
