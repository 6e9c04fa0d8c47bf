"""Tests for smmkit.store: identity, records, file contract, crash and concurrency safety."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from filelock import FileLock
from helpers import saved_records, version_2_columns
from hypothesis import given, settings
from hypothesis import strategies as st

import smmkit.store as progress_module
from smmkit.cli import main
from smmkit.store import (
    CSV_COLUMNS,
    RECORD_FIELDS,
    AnswerRecord,
    Participant,
    ProgressLockError,
    ProgressStore,
    ProgressWarning,
    answer_rows,
    atomic_write,
    config_dir,
    export_csv,
    file_layout,
    get_participant,
    normalize_name,
    open_store,
    participant_key,
    results_dir,
    set_participant,
)

# Directory that contains the imported ``smmkit`` package, for child processes.
PACKAGE_ROOT = Path(progress_module.__file__).resolve().parents[1]
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{8}$")

# Records answers in a loop and prints each attempt number after record() returned.
WORKER = r"""
import sys
from pathlib import Path
from smmkit.store import Participant, ProgressStore

directory, name, worker, total, mode = sys.argv[1:6]
store = ProgressStore(Participant.from_name(name), Path(directory))
if mode == "wait":
    print("ready", flush=True)
    sys.stdin.readline()
i = 0
while int(total) < 0 or i < int(total):
    record = store.record(
        "shared", {"worker": worker, "i": i, "text": "Grüße " * 30}, 1.0, 2.0, phase="post"
    )
    print(record.attempt, flush=True)
    i += 1
"""


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    home = tmp_path / "progress-home"
    results = tmp_path / "progress-results"
    monkeypatch.setenv("SMMKIT_HOME", str(home))
    monkeypatch.setenv("SMMKIT_RESULTS_DIR", str(results))
    return home, results


@pytest.fixture
def store(dirs: tuple[Path, Path]) -> ProgressStore:
    return ProgressStore(Participant.from_name("Jörg Müller"))


def spawn_worker(directory: Path, name: str, worker: str, total: int, mode: str):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(directory), name, worker, str(total), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def corrupt_files(store: ProgressStore) -> list[Path]:
    return sorted(store.directory.glob(f"{store.participant.key}.corrupt-*.json"))


# --- locations and identity ------------------------------------------------------------------


def test_locations_default_to_home_and_follow_env_at_call_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMMKIT_HOME", raising=False)
    monkeypatch.delenv("SMMKIT_RESULTS_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_dir() == tmp_path / ".smmkit"
    assert results_dir() == tmp_path / ".smmkit" / "results"
    monkeypatch.setenv("SMMKIT_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("SMMKIT_RESULTS_DIR", str(tmp_path / "shared"))
    assert config_dir() == tmp_path / "cfg"
    assert results_dir() == tmp_path / "shared"


def test_set_and_get_participant(dirs: tuple[Path, Path]) -> None:
    home, results = dirs
    assert get_participant() is None
    participant = set_participant("  Jörg   Müller \n")
    assert participant == Participant(name="Jörg Müller", key="joerg-mueller-b1df97b5")
    assert get_participant() == participant
    document = load(home / "participant.json")
    assert document["name"] == "Jörg Müller"
    assert document["key"] == participant.key
    assert "Jörg" in (home / "participant.json").read_text(encoding="utf-8")
    assert not results.exists()  # identity lives in the home, not in the shared results
    assert [p.name for p in home.iterdir()] == ["participant.json"]  # no temp files left
    assert set_participant("Anna").name == "Anna"
    assert get_participant() == Participant.from_name("Anna")


def test_key_transliteration_and_stability() -> None:
    digest = hashlib.sha256("jörg müller".encode()).hexdigest()[:8]
    assert participant_key("Jörg Müller") == f"joerg-mueller-{digest}"
    assert participant_key("JÖRG MÜLLER") == participant_key("Jörg Müller")
    decomposed = unicodedata.normalize("NFD", "Jörg Müller")
    assert participant_key(decomposed) == participant_key("Jörg Müller")
    assert participant_key("Straße") == participant_key("STRASSE")
    assert participant_key("Straße").startswith("strasse-")
    assert participant_key("Zoë Ångström").startswith("zoe-angstroem-")
    assert participant_key("Ärger Öl Übel").startswith("aerger-oel-uebel-")
    assert re.fullmatch(r"participant-[0-9a-f]{8}", participant_key("李雷"))
    assert participant_key("Anna") != participant_key("Anna B")


@pytest.mark.parametrize(
    "name", ["", "   ", "\n\t ", "a" * 81, "Anna\x00", "An\nna", "Anna\x1b[31m", "Anna\u202e"]
)
def test_invalid_names_are_rejected_in_german(dirs: tuple[Path, Path], name: str) -> None:
    home, _ = dirs
    with pytest.raises(ValueError, match="Bitte"):
        set_participant(name)
    assert not (home / "participant.json").exists()


def test_name_messages_and_limits(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(ValueError) as empty:
        set_participant("  ")
    assert str(empty.value) == "Bitte geben Sie einen Namen oder ein Pseudonym ein."
    with pytest.raises(ValueError, match="höchstens 80 Zeichen"):
        set_participant("ä" * 81)
    with pytest.raises(TypeError):
        set_participant(None)  # type: ignore[arg-type]
    assert set_participant("ß" * 80).name == "ß" * 80


def test_corrupt_participant_file_is_moved_aside(dirs: tuple[Path, Path]) -> None:
    home, _ = dirs
    home.mkdir()
    garbage = b"{not json \xff"
    (home / "participant.json").write_bytes(garbage)
    with pytest.warns(ProgressWarning, match="participant.corrupt-"):
        assert get_participant() is None
    moved = list(home.glob("participant.corrupt-*.json"))
    assert len(moved) == 1
    assert moved[0].read_bytes() == garbage
    assert set_participant("Anna") == get_participant()


def test_open_store(dirs: tuple[Path, Path]) -> None:
    home, results = dirs
    assert open_store() is None
    set_participant("Jörg Müller")
    opened = open_store()
    assert opened is not None
    assert opened.path == results / "joerg-mueller-b1df97b5.json"
    opened.record("q1", "A", 1, 1)
    assert opened.path.is_file()
    assert not list(home.glob("*.json.lock"))


# --- records ---------------------------------------------------------------------------------


def test_attempts_counted_per_item_and_phase(store: ProgressStore) -> None:
    first = store.record("q1", "A", 0, 1, module="m01", phase="pre")
    assert (first.attempt, first.score, first.max_score) == (1, 0.0, 1.0)
    assert store.record("q1", "B", 1, 1, module="m01", phase="pre").attempt == 2
    assert store.record("q1", "B", 1, 1, module="m01", phase="post").attempt == 1
    assert store.record("q1", "C", None, None).attempt == 1
    assert store.record("q2", ["x"], 0.5, 1).attempt == 1
    assert store.record("q1", "D", None, None).attempt == 2

    assert [r.answer for r in store.attempts("q1", "pre")] == ["A", "B"]
    assert [r.answer for r in store.attempts("q1", "post")] == ["B"]
    assert [r.answer for r in store.attempts("q1")] == ["C", "D"]
    assert store.attempts("q3") == []
    latest = store.latest("q1", "pre")
    assert latest is not None
    assert (latest.answer, latest.attempt, latest.module) == ("B", 2, "m01")
    assert store.latest("q1", "later") is None
    assert store.latest("nope") is None
    assert [r.item_id for r in store.records()] == ["q1", "q1", "q1", "q1", "q2", "q1"]


def test_file_content_shape(store: ProgressStore) -> None:
    record = store.record("q1", {"wahl": "Grüße", "n": [1, 2.5]}, 1, 2, module="m01", phase="pre")
    assert record == AnswerRecord(
        item_id="q1",
        answer={"wahl": "Grüße", "n": [1, 2.5]},
        score=1.0,
        max_score=2.0,
        attempt=1,
        timestamp=record.timestamp,
        module="m01",
        phase="pre",
    )
    raw = store.path.read_bytes()
    assert "Grüße".encode() in raw  # ensure_ascii=False, UTF-8
    assert raw.decode("utf-8").splitlines()[1] == ' "format": "smmkit-results",'  # indent 1
    document = json.loads(raw)
    assert list(document) == ["format", "version", "participant", "created", "updated", "answers"]
    assert document["format"] == "smmkit-results"
    assert document["version"] == 2
    assert document["participant"] == {"name": "Jörg Müller", "key": "joerg-mueller-b1df97b5"}
    # Version 2: one list per field, in RECORD_FIELDS order.
    assert list(document["answers"]) == list(RECORD_FIELDS)
    assert document["answers"] == {name: [value] for name, value in record.to_dict().items()}
    assert set(record.to_dict()) == {
        "item_id",
        "answer",
        "score",
        "max_score",
        "attempt",
        "timestamp",
        "module",
        "phase",
    }
    stamp = datetime.fromisoformat(record.timestamp)
    assert stamp.utcoffset() == timedelta(0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record.timestamp)
    assert document["created"] <= document["updated"] == record.timestamp
    assert store.export() == {**document, "answers": [record.to_dict()]}  # record form
    assert file_layout(store.export()) == document
    assert AnswerRecord.from_dict(saved_records(store.path)[0]) == record
    leftovers = sorted(p.name for p in store.directory.iterdir())
    assert leftovers == [store.path.name, store.path.name + ".lock"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_file_respects_umask(store: ProgressStore) -> None:
    old = os.umask(0o022)
    try:
        store.record("q1", "A", 1, 1)
    finally:
        os.umask(old)
    assert store.path.stat().st_mode & 0o777 == 0o644  # readable by the trainer dashboard


def test_reopened_store_sees_earlier_answers(store: ProgressStore) -> None:
    store.record("q1", "A", 0, 1)
    store.record("q1", "B", 1, 1)
    again = ProgressStore(Participant.from_name("Jörg Müller"))
    assert [r.answer for r in again.records()] == ["A", "B"]
    assert again.record("q1", "C", 1, 1).attempt == 3


def test_two_instances_writing_alternately_lose_nothing(store: ProgressStore) -> None:
    other = ProgressStore(Participant.from_name("Jörg Müller"), store.directory)
    for i in range(10):
        assert store.record("q", f"a{i}", 1, 1).attempt == 2 * i + 1
        assert other.record("q", f"b{i}", 1, 1).attempt == 2 * i + 2
    expected = [f"{p}{i}" for i in range(10) for p in "ab"]
    assert [r.answer for r in store.records()] == expected
    assert [r.answer for r in other.records()] == expected


def test_invalid_answers_are_rejected_without_writing(store: ProgressStore) -> None:
    store.record("q1", "A", 1, 1)
    before = store.path.read_bytes()
    with pytest.raises(TypeError):
        store.record("q1", object(), 1, 1)
    with pytest.raises(TypeError):
        store.record("q1", float("nan"), 1, 1)
    with pytest.raises(ValueError):
        store.record("q1", "A", float("inf"), 1)
    with pytest.raises(TypeError):
        store.record("q1", "A", True, 1)
    with pytest.raises(TypeError):
        store.record("", "A", 1, 1)
    assert store.path.read_bytes() == before


def test_lock_timeout_raises_and_keeps_data(store: ProgressStore) -> None:
    store.record("q1", "A", 1, 1)
    before = store.path.read_bytes()
    impatient = ProgressStore(store.participant, store.directory, lock_timeout=0.2)
    with FileLock(f"{store.path}.lock"):
        with pytest.raises(ProgressLockError, match="Antwort wurde nicht gespeichert"):
            impatient.record("q1", "B", 1, 1)
        with pytest.raises(TimeoutError, match="nicht gelesen"):
            impatient.records()
        assert store.path.read_bytes() == before
    assert impatient.record("q1", "B", 1, 1).attempt == 2


def test_export_csv_tidy_table(store: ProgressStore) -> None:
    store.record("q1", 'Ja, "sicher"\nzweite Zeile', 1, 1, module="m01", phase="pre")
    store.record("selbst", {"skala": 4}, None, None, module="m02")
    text = export_csv(store.export())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["participant"] == "Jörg Müller"
    assert rows[0]["participant_key"] == "joerg-mueller-b1df97b5"
    assert (rows[0]["item_id"], rows[0]["phase"], rows[0]["attempt"]) == ("q1", "pre", "1")
    assert json.loads(rows[0]["answer"]) == 'Ja, "sicher"\nzweite Zeile'
    assert (rows[1]["score"], rows[1]["max_score"], rows[1]["phase"]) == ("", "", "")
    assert json.loads(rows[1]["answer"]) == {"skala": 4}
    assert len(answer_rows(store.export())) == 2


def test_exported_file_is_replaced_whole_or_not_at_all(
    store: ProgressStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`smmkit progress --out` writes through atomic_write: a failed rename (full disk,
    lost network share) keeps the previous export and leaves no temporary file."""
    out = tmp_path / "export" / "antworten.csv"
    store.record("q1", "Grüße", 1, 1)
    args = ["progress", "--participant", "Jörg Müller", "--format", "csv", "--out", str(out)]
    assert main(args) == 0
    previous = out.read_bytes()
    assert previous.decode("utf-8") == export_csv(store.export())
    os.chmod(out, 0o640)
    store.record("q2", "B", 0, 1)

    def fail(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
        patch.setattr(os, "replace", fail)
        main(args)
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == [out.name]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8") == export_csv(store.export())
    assert out.stat().st_mode & 0o777 == 0o640, "a replaced file keeps its permissions"


def test_atomic_write_takes_text_or_bytes_and_makes_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "neu" / "bericht.html"
    assert atomic_write(target, "Grüße\n") == target
    assert target.read_bytes() == "Grüße\n".encode()
    atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


# --- corrupt files ---------------------------------------------------------------------------


def _document(**changes: object) -> bytes:
    document = {
        "format": "smmkit-results",
        "version": 1,
        "participant": {"name": "Jörg Müller", "key": "joerg-mueller-b1df97b5"},
        "created": "2024-01-01T00:00:00+00:00",
        "updated": "2024-01-01T00:00:00+00:00",
        "answers": [],
    }
    document.update(changes)
    return json.dumps(document).encode()


def _one_answer(**changes: object) -> dict[str, list]:
    record = {"item_id": "q0", "answer": "B", "score": 0.0, "max_score": 1.0, "attempt": 1,
              "timestamp": "2024-01-01T00:00:00+00:00", "module": None, "phase": None}  # fmt: skip
    return {name: [value] for name, value in {**record, **changes}.items()}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\xff\xfe garbage {{{", id="garbage-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(_document()[:-20], id="truncated"),
        pytest.param(b"[1, 2, 3]", id="json-list"),
        pytest.param(_document(format="something-else"), id="wrong-format"),
        pytest.param(_document(answers={"q1": 1}), id="answers-not-list"),
        pytest.param(_document(answers=[{"item_id": "q1"}]), id="bad-record"),
        pytest.param(_document(version="1"), id="version-string"),
        pytest.param(_document(participant={"name": "X", "key": "x-00000000"}), id="other-key"),
        pytest.param(_document().replace(b"[]", b"[NaN]"), id="nan"),
        pytest.param(_document(version=2), id="v2-answers-as-list"),
        pytest.param(
            _document(version=2, answers=version_2_columns(item_id=["q1"])), id="v2-ragged"
        ),
        pytest.param(
            _document(version=2, answers=version_2_columns(drop="phase")), id="v2-missing-field"
        ),
        pytest.param(
            _document(version=2, answers=version_2_columns(**_one_answer(attempt=0))),
            id="v2-bad-value",
        ),
    ],
)
def test_corrupt_file_is_moved_aside(store: ProgressStore, content: bytes) -> None:
    store.directory.mkdir(parents=True)
    store.path.write_bytes(content)
    with pytest.warns(ProgressWarning) as caught:
        record = store.record("q1", "A", 1, 1)
    [moved] = corrupt_files(store)
    assert re.fullmatch(r"joerg-mueller-b1df97b5\.corrupt-\d{8}T\d{6}Z(-\d+)?\.json", moved.name)
    assert moved.read_bytes() == content
    message = str(caught[0].message)
    assert str(store.path) in message
    assert str(moved) in message
    document = load(store.path)
    assert document["format"] == "smmkit-results"
    assert saved_records(store.path) == [record.to_dict()]
    assert record.attempt == 1


def test_version_1_file_is_read_and_written_as_version_2_with_the_next_answer(
    store: ProgressStore,
) -> None:
    old = {"item_id": "q1", "answer": [0, 2], "score": 0.5, "max_score": 1.0, "attempt": 1,
           "timestamp": "2024-01-01T00:00:00+00:00", "module": "m01", "phase": None}  # fmt: skip
    store.directory.mkdir(parents=True)
    store.path.write_bytes(_document(answers=[old]))
    assert store.records() == [AnswerRecord.from_dict(old)]
    record = store.record("q1", [0, 1], 1.0, 1.0, module="m01")
    assert record.attempt == 2  # counted on from the version 1 answer
    document = load(store.path)
    assert document["version"] == 2
    assert saved_records(store.path) == [old, record.to_dict()]
    assert not corrupt_files(store)


def test_version_2_answers_are_read_as_records(store: ProgressStore) -> None:
    store.directory.mkdir(parents=True)
    store.path.write_bytes(
        _document(version=2, answers=version_2_columns(**_one_answer(answer={"a": 1})))
    )
    [record] = store.records()
    assert (record.item_id, record.answer, record.score) == ("q0", {"a": 1}, 0.0)
    assert not corrupt_files(store)


def test_future_version_is_moved_aside_with_reason(store: ProgressStore) -> None:
    store.directory.mkdir(parents=True)
    content = _document(version=3, answers=[{"new": "shape"}])
    store.path.write_bytes(content)
    with pytest.warns(ProgressWarning, match="neueren smmkit-Version"):
        assert store.records() == []
    [moved] = corrupt_files(store)
    assert moved.read_bytes() == content
    assert not store.path.exists()  # reading moves aside but creates nothing
    store.record("q1", "A", 1, 1)
    assert load(store.path)["version"] == 2


def test_repeated_corruption_never_overwrites_moved_files(store: ProgressStore) -> None:
    store.directory.mkdir(parents=True)
    contents = [f"kaputt {i}".encode() for i in range(3)]
    for content in contents:
        store.path.write_bytes(content)
        with pytest.warns(ProgressWarning):
            store.record("q1", "A", 1, 1)
    moved = corrupt_files(store)
    assert sorted(p.read_bytes() for p in moved) == contents


# --- crashes and concurrency -----------------------------------------------------------------


def _read_acks(process: subprocess.Popen, minimum: int) -> list[int]:
    """Read acknowledged attempts until ``minimum``, SIGKILL the writer, collect the rest."""
    assert process.stdout is not None
    guard = threading.Timer(30, process.kill)
    guard.start()
    try:
        acked: list[int] = []
        for line in process.stdout:
            acked.append(int(line))
            if len(acked) >= minimum:
                break
        os.kill(process.pid, signal.SIGKILL)
        rest = process.stdout.read()
        process.wait()
    finally:
        guard.cancel()
    acked += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    return acked


def _kill_round(path: Path, participant: Participant, minimum: int, before: list[int]) -> list[int]:
    """One writer killed after ``minimum`` acks; returns the attempts now in the file."""
    process = spawn_worker(path.parent, participant.name, "k", -1, "go")
    acked = _read_acks(process, minimum)
    assert process.returncode == -signal.SIGKILL
    assert len(acked) >= minimum
    acknowledged = before + acked
    assert acknowledged == list(range(1, len(acknowledged) + 1))
    document = load(path)  # parses: never a half-written file
    assert document["format"] == "smmkit-results"
    assert document["version"] == 2
    assert document["participant"]["key"] == participant.key
    attempts = [entry["attempt"] for entry in saved_records(path)]
    assert attempts == list(range(1, len(attempts) + 1))
    assert len(acknowledged) <= len(attempts) <= len(acknowledged) + 1  # every ack, at most +1
    return attempts


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_writer_killed_mid_write_loses_no_acknowledged_record(tmp_path: Path) -> None:
    directory = tmp_path / "results"
    participant = Participant.from_name("Kill Test")
    path = directory / f"{participant.key}.json"
    # The trainer dashboard reads without the lock: it must never see a half-written file.
    stop = threading.Event()
    reads: list[int] = []
    bad: list[bytes] = []

    def read_unlocked() -> None:
        while not stop.is_set():
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue
            try:
                json.loads(raw)
            except ValueError:
                bad.append(raw)
            reads.append(len(raw))

    reader = threading.Thread(target=read_unlocked, daemon=True)
    reader.start()
    attempts: list[int] = []
    try:
        for minimum in (20, 23, 29):
            attempts = _kill_round(path, participant, minimum, attempts)
    finally:
        stop.set()
        reader.join()
    assert len(reads) > 10  # the reader really raced the writers
    assert bad == []

    # A leftover temp file from a killed writer must not break the next open.
    leftover = directory / f".{path.name}.stale123.tmp"
    leftover.write_text('{"half": ', encoding="utf-8")
    store = ProgressStore(participant, directory)
    assert store.record("shared", "weiter", 1, 1, phase="post").attempt == len(attempts) + 1
    assert len(store.records()) == len(attempts) + 1
    assert not list(directory.glob(".*.tmp"))


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "results"
    participant = Participant.from_name("Parallel")
    workers = [spawn_worker(directory, participant.name, f"w{n}", 50, "wait") for n in range(4)]
    for process in workers:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
    for process in workers:  # start all at once for maximum contention
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=60)[0] for process in workers]
    assert [process.returncode for process in workers] == [0, 0, 0, 0]

    answers = saved_records(directory / f"{participant.key}.json")
    assert len(answers) == 200
    assert [entry["attempt"] for entry in answers] == list(range(1, 201))
    for n, output in enumerate(outputs):
        mine = [entry for entry in answers if entry["answer"]["worker"] == f"w{n}"]
        assert [entry["answer"]["i"] for entry in mine] == list(range(50))
        assert [entry["attempt"] for entry in mine] == [int(x) for x in output.split()]


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=90))
def test_any_valid_name_gives_file_safe_deterministic_key(name: str) -> None:
    try:
        participant = Participant.from_name(name)
    except ValueError:
        return
    assert participant.key.isascii()
    assert KEY_PATTERN.fullmatch(participant.key)
    assert len(participant.key) <= 49
    assert participant.key == participant_key(name) == participant_key(participant.name)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(JSON_VALUES)
def test_json_answers_round_trip_through_the_file(answer: object) -> None:
    with tempfile.TemporaryDirectory() as directory:
        participant = Participant.from_name("Runde")
        record = ProgressStore(participant, Path(directory)).record("q", answer, None, None)
        assert record.answer == answer
        assert ProgressStore(participant, Path(directory)).latest("q") == record


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\u202e", "\u2066", "\ud800"])
def test_names_with_control_or_bidi_characters_are_refused(char: str) -> None:
    with pytest.raises(ValueError, match="Steuerzeichen"):
        normalize_name(f"Anna{char}Test")
