"""Who is in the room, and the room's state, kept in the trainer's results folder.

A participant joins with a name or pseudonym and gets a **token**: a random secret that
only their browser holds (a cookie). The roster stores the token's SHA-256, never the token,
so a copy of the results folder does not let anyone answer as someone else. Each participant
gets a file key of their own (``anna-7c01e9d2``). Names are unique in a room (ignoring case):
the trainer view and the report tell people apart by name, and the report counts files with
the same name as one person.

Everything lives in ``<results>/.room/`` (the results loader skips dot folders):
``roster.json`` (participants, closed, next module) and ``trainer-secret`` (mode 0600).
Both survive a restart of the server. The roster is written by the room server only; kernels
read it to learn their participant's name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .. import store

ROOM_FOLDER = ".room"
ROSTER_FILE = "roster.json"
SECRET_FILE = "trainer-secret"
FORMAT = "smmkit-room"
VERSION = 1
TOKEN_BYTES = 32


class RoomFull(Exception):
    """The room has as many participants as it allows."""


class RoomClosed(Exception):
    """The trainer closed the room to new participants."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Member:
    """One participant of the room: display name, file key, when they joined."""

    name: str
    key: str
    joined: str
    token_sha256: str

    @property
    def participant(self) -> store.Participant:
        return store.Participant(name=self.name, key=self.key)


@dataclass
class Roster:
    """The room's participants and state, loaded from and saved to ``<results>/.room/``."""

    results: Path
    members: list[Member] = field(default_factory=list)
    closed: bool = False
    next_module: str | None = None

    @property
    def folder(self) -> Path:
        return self.results / ROOM_FOLDER

    @classmethod
    def load(cls, results: Path) -> Roster:
        """The roster of `results` (empty if the room never ran there)."""
        roster = cls(Path(results))
        try:
            document = json.loads((roster.folder / ROSTER_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return roster
        if document.get("format") != FORMAT:
            raise ValueError(f"{roster.folder / ROSTER_FILE}: not a room roster")
        roster.members = [Member(**member) for member in document.get("members", [])]
        roster.closed = bool(document.get("closed", False))
        roster.next_module = document.get("next_module")
        return roster

    def save(self) -> None:
        document = {
            "format": FORMAT,
            "version": VERSION,
            "closed": self.closed,
            "next_module": self.next_module,
            "members": [asdict(member) for member in self.members],
        }
        text = json.dumps(document, ensure_ascii=False, indent=1)
        store.atomic_write(self.folder / ROSTER_FILE, text)

    def join(self, name: str, limit: int | None = None) -> tuple[Member, str]:
        """Add a participant; returns the member and their token (shown to nobody else).

        Raises ValueError (German message) for an invalid name, RoomClosed or RoomFull.
        """
        text = store.normalize_name(name)
        if self.closed:
            raise RoomClosed
        if limit is not None and len(self.members) >= limit:
            raise RoomFull
        if any(member.name.casefold() == text.casefold() for member in self.members):
            raise ValueError(
                f"Den Namen „{text}“ gibt es in diesem Raum schon. Bitte ergänzen Sie ihn, "
                "zum Beispiel um einen Buchstaben Ihres Nachnamens."
            )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        member = Member(
            name=text,
            key=store.unique_key(text),
            joined=datetime.now(UTC).isoformat(timespec="seconds"),
            token_sha256=_digest(token),
        )
        self.members.append(member)
        self.save()
        return member, token

    def rename(self, key: str, name: str) -> Member:
        """Change a member's display name (the file key stays)."""
        text = store.normalize_name(name)
        for index, member in enumerate(self.members):
            if member.key == key:
                self.members[index] = replace(member, name=text)
                self.save()
                return self.members[index]
        raise KeyError(key)

    def member_for_token(self, token: str | None) -> Member | None:
        """The member holding `token`, or None (compared in constant time)."""
        if not token:
            return None
        digest = _digest(token)
        for member in self.members:
            if hmac.compare_digest(member.token_sha256, digest):
                return member
        return None

    def member(self, key: str) -> Member | None:
        return next((member for member in self.members if member.key == key), None)


def trainer_secret(results: Path) -> str:
    """The trainer's secret for this results folder, created on first use (file mode 0600)."""
    path = Path(results) / ROOM_FOLDER / SECRET_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    secret = secrets.token_urlsafe(18)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret


def is_trainer_secret(results: Path, candidate: str | None) -> bool:
    return bool(candidate) and hmac.compare_digest(trainer_secret(results), candidate)
