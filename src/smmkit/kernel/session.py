"""The kernel-wide session: which bank, which participant, where answers go.

Answers given before a participant name is set are kept in memory and written as soon as
a name is set, so nothing is dropped silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import store as progress
from ..bank import Bank, find_root, load_bank
from ..i18n import current_lang


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

    @property
    def participant(self) -> progress.Participant | None:
        if not self._participant_loaded:
            self._participant = progress.get_participant()
            self._participant_loaded = True
        return self._participant

    def set_participant(self, name: str) -> progress.Participant:
        person = progress.set_participant(name)
        self._participant, self._participant_loaded = person, True
        self.flush_pending()
        for listener in list(self.listeners):
            listener(person)
        return person

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
