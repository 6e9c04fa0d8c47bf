"""The kernel-wide session: which bank, which participant, where answers go.

Answers given before a participant name is set are kept in memory and written as soon as
a name is set, so nothing is dropped silently.

On one machine (JupyterLab, `smmkit app`) the participant is the one saved for the operating
system user. In the workshop room (``SMMKIT_ROOM=1``) every page's kernel answers for the
participant whose browser opened it: the room server checks the browser's token and passes
the participant's file key in the request (``HTTP_X_SMMKIT_PARTICIPANT``); the name comes from
the room's roster. A kernel that Voilà started before any request (a warmed pool) learns its
participant when the page is claimed; widgets then show that participant's earlier answers
(:meth:`Session.when_participant`).

On a JupyterHub (``JUPYTERHUB_USER`` in the single-user server's environment, which its kernels
inherit) the participant is the hub user: nobody types a name, and the file key is the hub
user name's, so one person's answers always land in one file. A display name or
pseudonym may be chosen; it is saved in the user's ``~/.smmkit/participant.json`` and changes
only the name shown (:func:`hub_participant`). The room (``SMMKIT_ROOM=1``) takes precedence
over the hub.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import store as progress
from ..bank import Bank, find_root, load_bank
from ..i18n import current_lang, t

ROOM_ENV = "SMMKIT_ROOM"
PARTICIPANT_ENV = "HTTP_X_SMMKIT_PARTICIPANT"  # Voilà's name for the header X-Smmkit-Participant
HUB_USER_ENV = "JUPYTERHUB_USER"  # set by JupyterHub for the single-user server and its kernels


def in_room() -> bool:
    """True in a workshop room's kernel (identity per browser, set by the room server)."""
    return os.environ.get(ROOM_ENV) == "1"


def room_participant() -> progress.Participant | None:
    """The participant this room kernel's page was opened by, or None before the request."""
    from ..room.roster import Roster  # only room kernels need the roster

    key = os.environ.get(PARTICIPANT_ENV, "").strip()
    if not key:
        return None
    member = Roster.load(progress.results_dir()).member(key)
    return member.participant if member else None


def hub_user() -> str | None:
    """The JupyterHub user whose server runs this process, or None outside a hub (and in the
    room, whose identity is per browser)."""
    if in_room():
        return None
    return os.environ.get(HUB_USER_ENV, "").strip() or None


def hub_participant(user: str | None = None) -> progress.Participant | None:
    """The hub user (`user`, or this process's) as participant: the key comes from the hub
    user name, never from the display name; the name is the display name saved in
    ``~/.smmkit`` (``smmkit.participant()`` → "Anzeigename ändern"), else the hub user name."""
    user = user or hub_user()
    if user is None:
        return None
    chosen = progress.get_participant()
    name = chosen.name if chosen else progress.normalize_name(user)
    return progress.Participant(name=name, key=progress.participant_key(user))


def _waits_for_request() -> bool:
    """A kernel warmed by Voilà before any page asked for it (its request comes later)."""
    return os.environ.get("VOILA_PREHEAT") == "True"


@dataclass
class PendingAnswer:
    item_id: str
    answer: Any
    score: float | None
    max_score: float | None
    module: str | None
    phase: str | None


@dataclass
class Session:
    root: Path | None = None
    lang: str = field(default_factory=current_lang)
    _bank: Bank | None = None
    _participant: progress.Participant | None = None
    _participant_loaded: bool = False
    pending: list[PendingAnswer] = field(default_factory=list)
    listeners: list[Callable[[progress.Participant], None]] = field(default_factory=list)

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            root = self.root or Path(os.environ.get("SMMKIT_ROOT") or find_root())
            self._bank = load_bank(root, self.lang)
        return self._bank

    room: bool = field(default_factory=in_room)
    hub_name: str | None = field(default_factory=hub_user)  # the JupyterHub user, if any
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def hub(self) -> bool:
        """True on a JupyterHub (and not in the room): the hub user is the participant."""
        return self.hub_name is not None and not self.room

    def __post_init__(self) -> None:
        if self.room and _waits_for_request():
            threading.Thread(target=self._await_room_request, daemon=True).start()

    @property
    def participant(self) -> progress.Participant | None:
        with self._lock:
            if not self._participant_loaded:
                if self.room:
                    person = room_participant()
                elif self.hub:
                    person = hub_participant(self.hub_name)
                else:
                    person = progress.get_participant()
                self._participant = person
                self._participant_loaded = person is not None or not self.room
            return self._participant

    def set_participant(self, name: str) -> progress.Participant:
        """Save the participant's name on this machine (not in the room: the join page did).
        On a hub this is the display name; the file key stays the hub user's."""
        if self.room:
            raise ValueError(t("room.name_fixed"))
        saved = progress.set_participant(name)
        if self.hub:
            key = progress.participant_key(self.hub_name)
            return self._arrive(progress.Participant(name=saved.name, key=key))
        return self._arrive(saved)

    def when_participant(self, callback: Callable[[progress.Participant], None]) -> None:
        """Call `callback` with the participant now, or as soon as they are known."""
        with self._lock:
            person = self.participant
            if person is None:
                if self.room:  # on one machine, answers before a name were never saved
                    self.listeners.append(callback)
                return
        callback(person)

    def _arrive(self, person: progress.Participant) -> progress.Participant:
        with self._lock:
            self._participant, self._participant_loaded = person, True
            self.flush_pending()
            waiting = list(self.listeners)
            self.listeners.clear()
        for listener in waiting:
            listener(person)
        return person

    def _await_room_request(self) -> None:
        from voila.utils import wait_for_request  # a room kernel runs under Voilà

        wait_for_request()  # puts the claiming request's headers into os.environ
        person = room_participant()
        if person is not None:
            _on_kernel_thread(self._arrive, person)

    def store(self) -> progress.ProgressStore | None:
        person = self.participant
        return progress.ProgressStore(person) if person else None

    def seed(self) -> str:
        person = self.participant
        return person.key if person else "anonymous"

    def record(
        self,
        item_id: str,
        answer: Any,
        score: float | None,
        max_score: float | None,
        phase: str | None = None,
        module: str | None = None,
    ) -> progress.AnswerRecord | None:
        """Save an answer, or keep it pending until a participant is set (returns None then).

        `module` is looked up in the bank; widgets whose exercises are not bank items pass it.
        """
        module = module or self.bank.module_of(item_id)
        store = self.store()
        if store is None:
            self.pending.append(PendingAnswer(item_id, answer, score, max_score, module, phase))
            return None
        return store.record(item_id, answer, score, max_score, module=module, phase=phase)

    def flush_pending(self) -> int:
        store = self.store()
        if store is None:
            return 0
        written = 0
        while self.pending:
            p = self.pending[0]
            store.record(p.item_id, p.answer, p.score, p.max_score, module=p.module, phase=p.phase)
            self.pending.pop(0)
            written += 1
        return written

    def latest(self, item_id: str, phase: str | None = None) -> progress.AnswerRecord | None:
        store = self.store()
        return store.latest(item_id, phase) if store else None


def _on_kernel_thread(callback: Callable[..., Any], *args: Any) -> None:
    """Run `callback` on the kernel's main thread (its event loop), or here without a kernel.

    Widgets must only change there: the browser's widget manager asks the kernel for every
    widget's state when the page connects (ipywidgets' ``request_states``), and the kernel
    answers on its main thread. Widgets created or changed meanwhile from another thread
    (a warmed kernel learning its participant) can make that answer fail or miss models, and
    the page then shows "Error displaying widget: model not found".
    """
    try:
        from IPython import get_ipython

        loop = getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)
    except ImportError:
        loop = None
    if loop is None:
        callback(*args)
    else:
        loop.add_callback(callback, *args)


_SESSION: Session | None = None


def get_session() -> Session:
    global _SESSION
    if _SESSION is None:
        _SESSION = Session()
    return _SESSION


def reset_session(**kwargs: Any) -> Session:
    """Start a fresh session (tests, or after changing SMMKIT_* variables)."""
    global _SESSION
    _SESSION = Session(**kwargs)
    return _SESSION
