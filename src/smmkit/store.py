"""The one module that knows the participant/results file format: progress that is never lost.

Every answer is appended to ``<results dir>/<participant key>.json`` under an inter-process
lock and written atomically (:func:`atomic_write`: temp file, fsync, ``os.replace``; the
kit's other single files are written the same way). Corrupt or unknown files are moved
aside, never overwritten. What participants and trainers read (name checks, warnings, why a file cannot
be read) comes from the message catalogue, ``locales/<lang>/store.yaml``.

File layout, version 2: ``answers`` holds one list per record field (``RECORD_FIELDS``), the
n-th entry of every list belonging to the n-th answer. Version 1 files (``answers`` as a list
of record objects) are still read, and written as version 2 with the next answer. In memory,
and for every caller, a document holds its answers as a list of record dicts ("record form");
only :func:`file_layout` and :func:`record_form` know the columns (the results loader checks
version 2 columns as they are, without building a dict per answer).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import numbers
import os
import re
import secrets
import stat
import tempfile
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .errors import SmmkitError
from .i18n import number, t

FORMAT = "smmkit-results"
VERSION = 2  # answers as columns; version 1 (a list of records) is still read
READABLE_VERSIONS = (1, 2)
RECORD_FIELDS = (
    "item_id", "answer", "score", "max_score", "attempt", "timestamp", "module", "phase",
)  # fmt: skip
PARTICIPANT_FORMAT = "smmkit-participant"
PARTICIPANT_VERSION = 1
PARTICIPANT_FILE = "participant.json"
MAX_NAME_LENGTH = 80
LOCK_TIMEOUT = 10.0
CSV_COLUMNS = (
    "participant",
    "participant_key",
    "module",
    "item_id",
    "phase",
    "attempt",
    "score",
    "max_score",
    "timestamp",
    "answer",
)

_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_MAX_SLUG_LENGTH = 40
_POLL_INTERVAL = 0.01


class ProgressWarning(UserWarning):
    """A results file was moved aside (corrupt, wrong shape or newer version)."""


class ProgressLockError(SmmkitError, TimeoutError):
    """The results file stayed locked too long; the answer was NOT saved."""


# --- locations -------------------------------------------------------------------------------


def _env_path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else default


def config_dir() -> Path:
    """Per-user config folder: ``$SMMKIT_HOME`` or ``~/.smmkit``."""
    return _env_path("SMMKIT_HOME", Path.home() / ".smmkit")


def results_dir() -> Path:
    """Results folder: ``$SMMKIT_RESULTS_DIR`` or ``~/.smmkit/results``."""
    return _env_path("SMMKIT_RESULTS_DIR", Path.home() / ".smmkit" / "results")


RESULTS_MODE_ENV = "SMMKIT_RESULTS_MODE"


def results_mode() -> int | None:
    """The permission bits every results file (and its lock) gets, from
    ``$SMMKIT_RESULTS_MODE`` (octal, e.g. ``0640`` on a JupyterHub's shared results folder:
    the owner writes, the trainer group reads, nobody else), or None: new files then get the
    usual ``0o666 & ~umask`` and existing files keep theirs."""
    value = os.environ.get(RESULTS_MODE_ENV, "").strip()
    if not value:
        return None
    try:
        mode = int(value, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777 or mode & 0o600 != 0o600:
        raise SmmkitError(
            f"{RESULTS_MODE_ENV}={value!r}: expected octal permission bits that let the owner "
            "read and write, such as 0640"
        )
    return mode


# --- identity --------------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """Validated display name: NFC, stripped, inner whitespace collapsed (German ValueError)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise ValueError(t("store.name.empty"))
    if any(_is_forbidden(char) for char in text):
        raise ValueError(t("store.name.control"))
    text = " ".join(text.split())
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(t("store.name.too_long", limit=MAX_NAME_LENGTH))
    return text


def _is_forbidden(char: str) -> bool:
    return unicodedata.category(char) in _FORBIDDEN_CATEGORIES or char in _BIDI_CONTROLS


def _slug(name: str) -> str:
    text = name.lower().translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:_MAX_SLUG_LENGTH].rstrip("-") or "participant"


def participant_key(name: str) -> str:
    """Stable file-safe key, e.g. ``"Jörg Müller"`` -> ``"joerg-mueller-b1df97b5"``."""
    text = normalize_name(name)
    digest = hashlib.sha256(text.casefold().encode("utf-8")).hexdigest()[:8]
    return f"{_slug(text)}-{digest}"


def unique_key(name: str) -> str:
    """A key for a name that others in the group may share (the workshop room): the name's
    slug and a random suffix, e.g. ``"anna-7c01e9d2"``."""
    return f"{_slug(normalize_name(name))}-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Participant:
    """A participant's display name and file key."""

    name: str
    key: str

    @classmethod
    def from_name(cls, name: str) -> Participant:
        """Validate ``name`` and derive the key (does not save anything)."""
        text = normalize_name(name)
        return cls(name=text, key=participant_key(text))


def _participant_path() -> Path:
    return config_dir() / PARTICIPANT_FILE


def set_participant(name: str) -> Participant:
    """Validate and save the participant's name or pseudonym (atomic write)."""
    participant = Participant.from_name(name)
    document = {
        "format": PARTICIPANT_FORMAT,
        "version": PARTICIPANT_VERSION,
        "name": participant.name,
        "key": participant.key,
    }
    atomic_write(_participant_path(), _dump(document))
    return participant


def get_participant() -> Participant | None:
    """The saved participant, or None if none is set (an invalid file is moved aside)."""
    path = _participant_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        document = _parse(raw)
        if not isinstance(document, dict) or document.get("format") != PARTICIPANT_FORMAT:
            raise ValueError("wrong format")
        return Participant.from_name(document["name"])
    except (ValueError, TypeError, KeyError, RecursionError):
        with contextlib.suppress(FileNotFoundError):
            moved = _move_aside(path)
            _warn(t("store.moved.participant", path=path, moved=moved))
        return None


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRecord:
    """One saved answer. ``score`` None means not scored (e.g. self-assessment)."""

    item_id: str
    answer: Any
    score: float | None
    max_score: float | None
    attempt: int
    timestamp: str
    module: str | None = None
    phase: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict (the on-disk record)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerRecord:
        """Parse and validate an on-disk record (ValueError/TypeError if malformed)."""
        if not isinstance(data, dict):
            raise TypeError("record must be an object")
        attempt = data["attempt"]
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise ValueError(f"invalid attempt: {attempt!r}")
        if not isinstance(data["timestamp"], str):
            raise TypeError("timestamp must be a str")
        return cls(
            item_id=_check_item_id(data["item_id"]),
            answer=data["answer"],
            score=_check_score("score", data["score"]),
            max_score=_check_score("max_score", data["max_score"]),
            attempt=attempt,
            timestamp=data["timestamp"],
            module=_check_optional_str("module", data.get("module")),
            phase=_check_optional_str("phase", data.get("phase")),
        )


def _check_item_id(item_id: Any) -> str:
    if not isinstance(item_id, str) or not item_id:
        raise TypeError(f"item_id must be a non-empty str, not {item_id!r}")
    return item_id


def _check_score(field: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{field} must be a number or None, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{field} must be finite, not {value!r}")
    return float(value)


def _check_optional_str(field: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{field} must be a str or None, not {type(value).__name__}")
    return value


def _normalize_answer(answer: Any) -> Any:
    """Round-trip through JSON so the returned record equals what is stored."""
    try:
        text = json.dumps(answer, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise TypeError(f"answer is not JSON-serialisable: {exc}") from exc
    return json.loads(text)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- document --------------------------------------------------------------------------------


def _new_document(participant: Participant) -> dict[str, Any]:
    now = _now()
    return {
        "format": FORMAT,
        "version": VERSION,
        "participant": {"name": participant.name, "key": participant.key},
        "created": now,
        "updated": now,
        "answers": [],
    }


def file_layout(document: dict[str, Any]) -> dict[str, Any]:
    """The document as it is written to disk: version 2, answers as one list per field."""
    records = document["answers"]
    columns = {name: [record.get(name) for record in records] for name in RECORD_FIELDS}
    return {**document, "version": VERSION, "answers": columns}


def record_form(answers: Any, version: Any) -> list | None:
    """A file's answers as a list of records: version 1 as they are, version 2's columns
    zipped (None if they are not a list per field, all of the same length)."""
    if version == 1:
        return answers if type(answers) is list else None
    if type(answers) is not dict or not answers.keys() >= set(RECORD_FIELDS):
        return None  # (other keys are ignored, as other fields of a version 1 record are)
    columns = [answers[name] for name in RECORD_FIELDS]
    if any(type(column) is not list for column in columns):
        return None
    if len({len(column) for column in columns}) != 1:
        return None
    return [dict(zip(RECORD_FIELDS, values, strict=True)) for values in zip(*columns, strict=True)]


def version_problem(version: Any) -> str | None:
    """The reason (in the current language) why a results file of `version` cannot be
    read, or None."""
    if isinstance(version, bool) or not isinstance(version, int):
        return t("store.problem.bad_version")
    if version > VERSION:
        supported = ", ".join(map(str, READABLE_VERSIONS))
        return t("store.problem.newer_version", version=version, supported=supported)
    if version not in READABLE_VERSIONS:
        return t("store.problem.unknown_version", version=version)
    return None


def answers_problem(version: int) -> str:
    """The reason why a readable `version`'s answers are unusable as a whole: version 1
    without a list of answers, version 2 without one list per field of one length."""
    return t("store.problem.no_answer_list" if version == 1 else "store.problem.bad_answer_columns")


def _document_problem(document: Any, key: str) -> str | None:
    """The reason why ``document`` (as read from disk) is unusable, or None; turns a
    valid document's answers into record form (in place)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return t("store.problem.not_results")
    problem = version_problem(document.get("version"))
    if problem is not None:
        return problem
    participant = document.get("participant")
    if not isinstance(participant, dict) or participant.get("key") != key:
        return t("store.problem.participant")
    if not isinstance(document.get("created"), str) or not isinstance(document.get("updated"), str):
        return t("store.problem.timestamps")
    answers = record_form(document.get("answers"), document["version"])
    if answers is None:
        return answers_problem(document["version"])
    try:
        for record in answers:
            AnswerRecord.from_dict(record)
    except (KeyError, TypeError, ValueError) as exc:
        return t("store.problem.bad_record", error=exc)
    document["answers"] = answers
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _parse(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)


def _dump(document: dict[str, Any]) -> bytes:
    text = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
    return (text + "\n").encode("utf-8")


# --- files -----------------------------------------------------------------------------------


def _warn(message: str) -> None:
    warnings.warn(message, ProgressWarning, stacklevel=4)


def _umask() -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _file_mode(path: Path) -> int:
    """Keep an existing file's mode; new files get the usual ``0o666 & ~umask``."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _fsync_directory(directory: Path) -> None:
    """Best effort: make a rename durable (not possible on every OS/filesystem)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | str, mode: int | None = None) -> Path:
    """Write `data` (text as UTF-8) to `path` so that it is never seen half-written.

    The data goes to a temporary file in the same folder, is flushed to disk and renamed
    over `path` (``os.replace``), and the folder is synced. If anything fails, the previous
    file stays as it was and the temporary file is removed. An existing file keeps its
    mode (`mode` sets it instead: the file is never readable with other bits, not even
    for a moment); replacing a hard link leaves the other names of the old file untouched. Results
    files, the report with its CSVs, printed PDFs (certificates too), workshop pages,
    progress exports and the build cache are written this way; the build swaps its other
    outputs in as whole folders.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(path) if mode is None else mode
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temp_path = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise
    _fsync_directory(path.parent)
    return path


def _move_aside(path: Path) -> Path:
    """Rename ``<stem>.json`` to a unique ``<stem>.corrupt-<UTC>.json``; never overwrites."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for tries in count(1):
        suffix = "" if tries == 1 else f"-{tries}"
        target = path.with_name(f"{path.stem}.corrupt-{stamp}{suffix}.json")
        try:
            os.link(path, target)  # fails atomically if target exists
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise
        except OSError:  # no hard links on this filesystem
            if target.exists():
                continue
            os.rename(path, target)
        else:
            os.unlink(path)
        _fsync_directory(path.parent)
        return target
    raise AssertionError("unreachable")  # pragma: no cover


# --- store -----------------------------------------------------------------------------------


class ProgressStore:
    """All answers of one participant in ``<directory>/<key>.json``."""

    def __init__(
        self,
        participant: Participant,
        directory: Path | None = None,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.participant = participant
        self.directory = Path(directory) if directory is not None else results_dir()
        self.lock_timeout = lock_timeout

    @property
    def path(self) -> Path:
        """The participant's results file."""
        return self.directory / f"{self.participant.key}.json"

    def record(
        self,
        item_id: str,
        answer: Any,
        score: float | None,
        max_score: float | None,
        *,
        module: str | None = None,
        phase: str | None = None,
    ) -> AnswerRecord:
        """Append one answer and save it durably; returns the stored record."""
        item_id = _check_item_id(item_id)
        answer = _normalize_answer(answer)
        score = _check_score("score", score)
        max_score = _check_score("max_score", max_score)
        module = _check_optional_str("module", module)
        phase = _check_optional_str("phase", phase)
        with self._locked(t("store.not_saved")):
            document = self._load()
            previous = [
                entry["attempt"]
                for entry in document["answers"]
                if entry["item_id"] == item_id and entry.get("phase") == phase
            ]
            record = AnswerRecord(
                item_id=item_id,
                answer=answer,
                score=score,
                max_score=max_score,
                attempt=max(previous, default=0) + 1,
                timestamp=_now(),
                module=module,
                phase=phase,
            )
            document["answers"].append(record.to_dict())
            document["participant"] = {"name": self.participant.name, "key": self.participant.key}
            document["updated"] = record.timestamp
            self._remove_stale_temp_files()
            atomic_write(self.path, _dump(file_layout(document)), results_mode())
        return record

    def records(self) -> list[AnswerRecord]:
        """All saved answers in the order they were given."""
        return [AnswerRecord.from_dict(entry) for entry in self.export()["answers"]]

    def attempts(self, item_id: str, phase: str | None = None) -> list[AnswerRecord]:
        """All attempts for ``(item_id, phase)``; ``phase=None`` means records without phase."""
        return [r for r in self.records() if r.item_id == item_id and r.phase == phase]

    def latest(self, item_id: str, phase: str | None = None) -> AnswerRecord | None:
        """The most recent attempt for ``(item_id, phase)``, or None."""
        found = self.attempts(item_id, phase)
        return found[-1] if found else None

    def export(self) -> dict[str, Any]:
        """The whole document in record form (a fresh, unsaved one if there is no file yet);
        :func:`file_layout` turns it into what the file holds."""
        with self._locked(t("store.not_read")):
            return self._load()

    @contextlib.contextmanager
    def _locked(self, consequence: str) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        mode = results_mode()
        lock = FileLock(f"{self.path}.lock", **({} if mode is None else {"mode": mode}))
        try:
            lock.acquire(timeout=self.lock_timeout, poll_interval=_POLL_INTERVAL)
        except Timeout as exc:
            seconds = number(self.lock_timeout)
            raise ProgressLockError(
                t("store.locked", path=self.path, seconds=seconds, consequence=consequence)
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def _load(self) -> dict[str, Any]:
        """Read the file (caller holds the lock); move unusable files aside."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _new_document(self.participant)
        try:
            document = _parse(raw)
        except (ValueError, RecursionError):
            problem = t("store.problem.bad_json")
        else:
            problem = _document_problem(document, self.participant.key)
        if problem is None:
            return document
        moved = _move_aside(self.path)
        _warn(t("store.moved.results", path=self.path, problem=problem, moved=moved))
        return _new_document(self.participant)

    def _remove_stale_temp_files(self) -> None:
        """Temp files left by a killed writer (safe: only the lock holder writes temps)."""
        for stale in self.directory.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def open_store() -> ProgressStore | None:
    """Store for the current participant, or None if no participant is set."""
    participant = get_participant()
    return ProgressStore(participant) if participant is not None else None


# --- export ----------------------------------------------------------------------------------


def answer_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Tidy table: one row per answer, columns as in ``CSV_COLUMNS``."""
    participant = document.get("participant") or {}
    rows = []
    for entry in document.get("answers", []):
        record = AnswerRecord.from_dict(entry)
        rows.append(
            {
                "participant": participant.get("name"),
                "participant_key": participant.get("key"),
                "module": record.module,
                "item_id": record.item_id,
                "phase": record.phase,
                "attempt": record.attempt,
                "score": record.score,
                "max_score": record.max_score,
                "timestamp": record.timestamp,
                "answer": json.dumps(record.answer, ensure_ascii=False, sort_keys=True),
            }
        )
    return rows


def export_csv(document: dict[str, Any]) -> str:
    """The tidy table as CSV text (header row, ``\\n`` line ends, empty cell for None)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(answer_rows(document))
    return buffer.getvalue()
