"""Loading a results folder: every kind of bad input is skipped or cleaned, never a crash."""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from helpers import version_2_columns
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from results_support import document, record, write_participant, write_raw

from smmkit import exercises
from smmkit.results import ResultsError, load_results
from smmkit.results.loader import (
    ANSWER_COLUMNS,
    KEY_PATTERN,
    MANY_ANSWERS,
    MANY_ATTEMPTS,
    MAX_FILE_BYTES,
    FileReport,
    group_participants,
)
from smmkit.store import RECORD_FIELDS, participant_key

# The registered exercises' items, in the order a test meets them.
EXERCISE_ITEMS = [
    "team.raci-01",
    "kreativitaet.post-01",
    "abschluss.strategie-01",
    "abschluss.strategie-bewertung-01",
]

GOOD = [
    record("beispiel.sc-01", 0, 1.0),
    record("beispiel.tf-01", False, 1.0, minute=1),
    record("beispiel.num-01", "3,0 %", 1.0, minute=2),
]


def load(folder: Path, bank):
    return load_results(folder, bank)


def warnings_for(loaded, file: str) -> list[str]:
    return [w.message for w in loaded.warnings if w.file == file]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A results folder that always holds one good participant file."""
    target = tmp_path / "results"
    write_participant(target, "Anna Gut", GOOD)
    return target


# --- the good case ---------------------------------------------------------------------------


def test_good_file_becomes_tidy_rows(folder, fixture_bank):
    loaded = load(folder, fixture_bank)
    rows = loaded.answers
    assert list(rows.columns) == list(ANSWER_COLUMNS)
    assert len(rows) == 3 and loaded.warnings == []
    first = rows.iloc[0]
    assert first["participant"] == "Anna Gut" and first["item_type"] == "single_choice"
    assert first["competency"] == "kommunikation" and first["module"] == "01_beispiel"
    assert first["fraction"] == 1.0 and first["answer"] == "0"
    assert rows["timestamp"].dt.tz is not None
    assert list(loaded.participants["participant"]) == ["Anna Gut"]


def test_missing_folder_is_the_only_error(tmp_path, fixture_bank):
    with pytest.raises(ResultsError, match="existiert nicht"):
        load(tmp_path / "gibt-es-nicht", fixture_bank)


def test_lock_corrupt_identity_and_temp_files_are_ignored(folder, fixture_bank):
    write_raw(folder, "anna-gut.json.lock", "")
    write_raw(folder, "anna-gut.corrupt-20260302T090000Z.json", "{kaputt")
    write_raw(folder, "participant.json", json.dumps({"format": "smmkit-participant"}))
    write_raw(folder, ".anna-gut.json.abc.tmp", "{")
    write_raw(folder, "notizen.txt", "kein JSON")
    loaded = load(folder, fixture_bank)
    assert [f.file for f in loaded.files] == [f"{participant_key('Anna Gut')}.json"]
    assert loaded.warnings == []


# --- whole files skipped ---------------------------------------------------------------------


def _skipped(folder: Path, bank, name: str) -> list[str]:
    loaded = load(folder, bank)
    assert len(loaded.participants) == 1, "the good file must still be loaded"
    report = next(f for f in loaded.files if f.file == name)
    assert report.skipped
    messages = warnings_for(loaded, name)
    assert messages and all("übersprungen" in m for m in messages)
    return messages


def test_invalid_json_is_skipped(folder, fixture_bank):
    write_raw(folder, "kaputt.json", '{"format": "smmkit-results", "answers": [')
    assert "kein gültiges JSON" in _skipped(folder, fixture_bank, "kaputt.json")[0]


def test_nan_and_infinity_literals_are_invalid_json(folder, fixture_bank):
    text = json.dumps(document("Nina N", [record("beispiel.sc-01", 0, 1.0)]))
    write_raw(folder, "nan.json", text.replace('"score": 1.0', '"score": NaN'))
    assert "kein gültiges JSON" in _skipped(folder, fixture_bank, "nan.json")[0]


def test_non_utf8_file_is_skipped(folder, fixture_bank):
    write_raw(
        folder,
        "latin1.json",
        json.dumps(document("Jörg", []), ensure_ascii=False).encode("latin-1"),
    )
    assert "UTF-8" in _skipped(folder, fixture_bank, "latin1.json")[0]


def test_wrong_format_is_skipped(folder, fixture_bank):
    write_raw(folder, "fremd.json", json.dumps({"format": "other", "answers": []}))
    assert "kein smmkit-Ergebnisformat" in _skipped(folder, fixture_bank, "fremd.json")[0]


def test_newer_version_is_skipped(folder, fixture_bank):
    write_raw(folder, "neu.json", json.dumps(document("Neu", [], version=3)))
    assert "neueren smmkit-Version" in _skipped(folder, fixture_bank, "neu.json")[0]


def test_version_of_wrong_type_is_skipped(folder, fixture_bank):
    write_raw(folder, "v.json", json.dumps(document("V", [], version="1")))
    assert "ungültige Formatversion" in _skipped(folder, fixture_bank, "v.json")[0]


def test_answers_not_a_list_is_skipped(folder, fixture_bank):
    write_raw(folder, "liste.json", json.dumps({**document("L", []), "answers": {"a": 1}}))
    assert "Antwortliste fehlt" in _skipped(folder, fixture_bank, "liste.json")[0]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([], "Antwortspalten fehlen"),
        ({"item_id": ["beispiel.sc-01"]}, "Antwortspalten fehlen"),
        (version_2_columns(item_id=["beispiel.sc-01"]), "unterschiedlich lang"),
        (version_2_columns(drop="phase"), "Antwortspalten fehlen"),
        (version_2_columns(timestamp="2026-03-02T09:00:00+00:00"), "Antwortspalten fehlen"),
    ],
    ids=["list", "one-column", "ragged", "missing-column", "column-not-a-list"],
)
def test_version_2_answers_that_are_not_columns_of_one_length_are_skipped(
    folder, fixture_bank, answers, message
):
    write_raw(folder, "spalten.json", json.dumps(document("S", answers, version=2)))
    assert message in _skipped(folder, fixture_bank, "spalten.json")[0]


def test_version_2_bad_values_are_dropped_like_version_1_ones(folder, fixture_bank):
    answers = [*GOOD, record("beispiel.sc-01", 0, 1.0, attempt=0, minute=5)]
    write_participant(folder, "Eins Alt", answers, filename="v1.json")
    write_participant(folder, "Zwei Neu", answers, filename="v2.json", layout=2)
    loaded = load(folder, fixture_bank)
    assert warnings_for(loaded, "v1.json") == warnings_for(loaded, "v2.json")
    assert warnings_for(loaded, "v2.json")  # the bad attempt, named
    counts = loaded.answers["source"].value_counts()
    assert counts["v1.json"] == counts["v2.json"] == len(GOOD)


def test_missing_participant_is_skipped(folder, fixture_bank):
    write_raw(folder, "wer.json", json.dumps(document("W", [], participant=None)))
    assert "Teilnehmerangaben" in _skipped(folder, fixture_bank, "wer.json")[0]


def test_huge_file_is_skipped_without_being_read(folder, fixture_bank):
    # Sparse: a terabyte on paper, no disk space. Reading it would take hours.
    with (folder / "riesig.json").open("wb") as handle:
        handle.truncate(2**40)
    messages = _skipped(folder, fixture_bank, "riesig.json")
    assert "größer als 5 MB" in messages[0]


@pytest.mark.parametrize("size", [MAX_FILE_BYTES, MAX_FILE_BYTES + 1])
def test_the_size_cap_is_exact(folder, fixture_bank, size):
    text = json.dumps(document("Grenz Fall", GOOD))
    write_raw(folder, "grenze.json", text + " " * (size - len(text.encode("utf-8"))))
    loaded = load(folder, fixture_bank)
    report = next(f for f in loaded.files if f.file == "grenze.json")
    assert report.skipped == (size > MAX_FILE_BYTES)


def test_deeply_nested_json_is_skipped(folder, fixture_bank):
    write_raw(folder, "tief.json", "[" * 100_000 + "]" * 100_000)
    assert "kein gültiges JSON" in _skipped(folder, fixture_bank, "tief.json")[0]


def test_symlink_is_not_followed(folder, fixture_bank, tmp_path):
    secret = write_participant(tmp_path / "elsewhere", "Geheim", GOOD)
    (folder / "link.json").symlink_to(secret)
    assert "symbolischer Link" in _skipped(folder, fixture_bank, "link.json")[0]


def test_fifo_does_not_hang(folder, fixture_bank):
    os.mkfifo(folder / "pipe.json")
    assert "keine normale Datei" in _skipped(folder, fixture_bank, "pipe.json")[0]


def test_directory_named_json_is_skipped(folder, fixture_bank):
    (folder / "ordner.json").mkdir()
    assert "keine normale Datei" in _skipped(folder, fixture_bank, "ordner.json")[0]


def test_undecodable_file_name_is_shown_safely(folder, fixture_bank):
    write_raw(folder, b"caf\xe9\nx.json", "{kaputt")
    loaded = load(folder, fixture_bank)
    names = [w.file for w in loaded.warnings]
    assert names == ["caf\\xe9\\x0ax.json"]
    names[0].encode("utf-8")  # printable and encodable


# --- files cleaned answer by answer ----------------------------------------------------------


def test_bad_answers_are_dropped_and_good_ones_kept(folder, fixture_bank):
    answers = [
        *GOOD,
        "kein Objekt",
        {"item_id": "beispiel.sc-01", "answer": 0},  # fields missing
        record("beispiel.sc-01", 0, 1.0, attempt=0),  # attempt must be >= 1
        record("beispiel.sc-01", 7, 1.0),  # option 7 of 3
        record("beispiel.mc-01", "nicht-liste", 0.0),
        record("beispiel.tf-01", "ja", 1.0),
        record("beispiel.lik-01", {"k1": 9}, None, None, phase="vorher"),
    ]
    write_participant(folder, "Bert Gemischt", answers)
    loaded = load(folder, fixture_bank)
    bert = loaded.answers[loaded.answers["participant"] == "Bert Gemischt"]
    assert len(bert) == 3
    (message,) = [w.message for w in loaded.warnings]
    assert message.startswith("7 von 10 Antworten übersprungen")
    assert "Antwort passt nicht zum Aufgabentyp (4)" in message
    assert "Pflichtfeld fehlt oder hat den falschen Typ (2)" in message


def test_unknown_items_are_dropped_but_exercises_kept(folder, fixture_bank):
    answers = [
        *GOOD,
        record("gibt.es-nicht-01", 1, 1.0),
        record("team.raci-01", {"matrix": {}}, 0.75, 1.0, module="02_teamfaehigkeit"),
        record("kreativitaet.post-01", {"text": "Hallo"}, 0.5, 1.0),
    ]
    write_participant(folder, "Carla Neu", answers)
    loaded = load(folder, fixture_bank)
    carla = loaded.answers[loaded.answers["participant"] == "Carla Neu"]
    exercises = carla[carla["item_type"] == "exercise"]
    assert sorted(exercises["item_id"].astype(str)) == ["kreativitaet.post-01", "team.raci-01"]
    assert set(exercises["competency"].astype(str)) == {"team", "kreativitaet"}
    (message,) = [w.message for w in loaded.warnings]
    assert "unbekannte Aufgabe (1: gibt.es-nicht-01)" in message


def test_impossible_scores_are_regraded_from_the_answer(folder, fixture_bank):
    text = json.dumps(
        document(
            "Dora Punkte",
            [
                record("beispiel.sc-01", 0, 5.0),  # more than the maximum
                record("beispiel.tf-01", True, 1.0, minute=1),
                record("beispiel.num-01", 15, None, minute=2),  # missing
            ],
        )
    ).replace('"score": 1.0', '"score": 1e999')  # parses to infinity
    write_raw(folder, "dora.json", text)
    loaded = load(folder, fixture_bank)
    dora = loaded.answers[loaded.answers["participant"] == "Dora Punkte"].set_index("item_id")
    assert dora.loc["beispiel.sc-01", "score"] == 1.0  # right answer
    assert dora.loc["beispiel.tf-01", "score"] == 0.0  # True is wrong
    assert dora.loc["beispiel.num-01", "score"] == 0.0  # 15 is a typical mistake
    assert dora["fraction"].between(0, 1).all()
    assert warnings_for(loaded, "dora.json") == [
        "Punktzahl fehlte oder war ungültig – aus der Antwort neu berechnet (3×)"
    ]


def test_impossible_scores_without_grader_are_dropped(folder, fixture_bank):
    text = json.dumps(
        document(
            "Emil Übung",
            [
                record("team.raci-01", {}, 3.0, 1.0),  # exercise above its maximum
                record("beispiel.scn-01", {"path": [], "choices": []}, 99.0, 3.0),
                record("beispiel.scn-01", {"path": [], "choices": []}, -1.0, 3.0, attempt=2),
            ],
        )
    ).replace('"score": 99.0', '"score": -1e999')
    write_raw(folder, "emil.json", text)
    loaded = load(folder, fixture_bank)
    emil = loaded.answers[loaded.answers["participant"] == "Emil Übung"]
    assert list(emil["score"]) == [-1.0]  # a scenario may lose points ...
    assert list(emil["fraction"]) == [0.0]  # ... its share is clipped to 0..1
    assert any("Antwort übersprungen (2×)" in m for m in warnings_for(loaded, "emil.json"))


def test_self_assessments_are_never_scored(folder, fixture_bank):
    answers = [record("beispiel.lik-01", {"k1": 4, "t1": None}, 3.0, 5.0, phase="vorher")]
    write_participant(folder, "Fritz Likert", answers)
    loaded = load(folder, fixture_bank)
    row = loaded.answers[loaded.answers["item_type"] == "likert"].iloc[0]
    assert math.isnan(row["score"]) and math.isnan(row["fraction"])
    assert loaded.ratings[["competency", "rating"]].values.tolist() == [["kommunikation", 4]]


def test_unreadable_timestamps_are_kept_without_time(folder, fixture_bank):
    answers = [dict(record("beispiel.sc-01", 0, 1.0), timestamp="gestern abend")]
    write_participant(folder, "Gina Zeit", answers)
    loaded = load(folder, fixture_bank)
    gina = loaded.answers[loaded.answers["participant"] == "Gina Zeit"]
    assert len(gina) == 1 and gina["timestamp"].isna().all()
    assert any("Zeitstempel unlesbar" in w.message for w in loaded.warnings)


def test_other_timestamp_layouts_are_read_beside_smmkits_own(folder, fixture_bank):
    odd = [
        dict(record("beispiel.sc-01", 0, 1.0), timestamp="2026-03-02 10:15:00Z"),
        dict(record("beispiel.tf-01", True, 1.0), timestamp="gestern"),
        dict(record("beispiel.mc-01", [0], 1.0), timestamp="2026-03-02T11:00:00+01:00"),
    ]
    write_participant(folder, "Otto Odd", odd)
    loaded = load(folder, fixture_bank)
    stamps = loaded.answers.set_index(["participant", "item_id"])["timestamp"]
    assert stamps["Otto Odd", "beispiel.sc-01"] == pd.Timestamp("2026-03-02T10:15:00Z")
    assert pd.isna(stamps["Otto Odd", "beispiel.tf-01"])
    assert stamps["Otto Odd", "beispiel.mc-01"] == pd.Timestamp("2026-03-02T10:00:00Z")
    others = loaded.answers[loaded.answers["participant"] != "Otto Odd"]
    assert others["timestamp"].notna().all() and len(others)


# --- identities ------------------------------------------------------------------------------


def test_same_key_in_two_files_is_merged(folder, fixture_bank):
    early = [record("beispiel.sc-01", 1, 0.0, minute=1)]
    late = [record("beispiel.sc-01", 0, 1.0, minute=5), record("beispiel.tf-01", False, 1.0)]
    write_participant(folder, "Hans Doppelt", early, filename="hans-laptop.json")
    write_participant(folder, "Hans Doppelt", [*early, *late], filename="hans-tablet.json",
                      updated="2026-03-02T10:00:00+00:00")  # fmt: skip
    loaded = load(folder, fixture_bank)
    hans = loaded.answers[loaded.answers["participant"] == "Hans Doppelt"]
    assert len(loaded.participants) == 2
    sc = hans[hans["item_id"] == "beispiel.sc-01"].sort_values("attempt")
    assert list(sc["attempt"]) == [1, 2], "the answer in both files counts once"
    assert list(sc["first_attempt"]) == [True, False] and list(sc["score"]) == [0.0, 1.0]
    related = {w.file: w.related for w in loaded.warnings}
    assert related == {"hans-laptop.json": ("hans-tablet.json",),
                       "hans-tablet.json": ("hans-laptop.json",)}  # fmt: skip


def test_same_name_with_other_key_is_merged_under_the_newest(folder, fixture_bank):
    write_participant(folder, "Ida Zwei", GOOD[:1], key="ida-alt-00000000",
                      updated="2026-03-01T09:00:00+00:00")  # fmt: skip
    write_participant(folder, "ida zwei", GOOD[1:], key="ida-neu-11111111",
                      updated="2026-03-02T09:00:00+00:00")  # fmt: skip
    loaded = load(folder, fixture_bank)
    ida = loaded.participants[loaded.participants["participant_key"] == "ida-neu-11111111"]
    assert ida["answers"].tolist() == [3] and ida["participant"].tolist() == ["ida zwei"]
    assert len(loaded.participants) == 2


REPORT = st.builds(
    FileReport,
    file=st.text(max_size=5),
    skipped=st.booleans(),
    key=st.sampled_from(["a-1", "b-2", "c-3", "d-4"]),
    name=st.sampled_from(["Anna", "anna", "Bert", "Cem", "Dora"]),
    updated=st.sampled_from(["", "2026-03-01T09:00:00+00:00", "2026-03-02T09:00:00+00:00"]),
)


def _linked_groups(reports: list[FileReport]) -> list[list[int]]:
    """Files of one person, worked out the slow way: grow each group until nothing links."""
    groups: list[list[int]] = []
    for index, report in enumerate(reports):
        if report.skipped:
            continue
        touching = [g for g in groups if any(
            reports[i].key == report.key or reports[i].name.casefold() == report.name.casefold()
            for i in g)]  # fmt: skip
        merged = sorted([index, *(i for g in touching for i in g)])
        groups = [g for g in groups if g not in touching] + [merged]
    return sorted(groups)


@settings(max_examples=200, deadline=None)
@given(reports=st.lists(REPORT, max_size=6))
def test_files_are_one_person_exactly_when_linked_by_key_or_name(reports):
    warnings = []
    people, person_of_file = group_participants(reports, warnings)
    found = [[i for i, p in enumerate(person_of_file) if p == n] for n in range(len(people))]
    assert sorted(found) == _linked_groups(reports)
    assert all(person_of_file[i] == -1 for i, r in enumerate(reports) if r.skipped)
    for person, members in zip(people, found, strict=True):
        assert person.files == [reports[i].file for i in members]
        newest = max(members, key=lambda i: (reports[i].updated or "0", reports[i].file))
        assert (person.key, person.name) == (reports[newest].key, reports[newest].name)
    # Every file of a merged person gets a warning naming the others.
    assert len(warnings) == sum(len(p.files) for p in people if len(p.files) > 1)


def test_invalid_key_is_derived_from_the_name(folder, fixture_bank):
    write_participant(folder, "Jörg Müller", GOOD, key="../../etc/passwd", filename="j.json")
    loaded = load(folder, fixture_bank)
    keys = set(loaded.participants["participant_key"])
    assert any(k.startswith("joerg-mueller-") for k in keys)
    assert all(KEY_PATTERN.match(k) for k in keys)
    assert "aus dem Namen abgeleitet" in warnings_for(loaded, "j.json")[0]


def test_name_with_control_characters_falls_back_to_the_key(folder, fixture_bank):
    write_participant(folder, "Kai\u202eevil", GOOD, key="kai-12345678", filename="k.json")
    loaded = load(folder, fixture_bank)
    assert "kai-12345678" in set(loaded.participants["participant"])


def test_html_in_names_and_answers_is_kept_as_data(folder, fixture_bank):
    name = '<script>alert("x")</script>'
    write_participant(folder, name, [record("beispiel.txt-01", "<b>laut</b>", 0.0)], key="x-1")
    loaded = load(folder, fixture_bank)
    assert name in set(loaded.participants["participant"])
    assert '"<b>laut</b>"' in set(loaded.answers["answer"])


def test_lone_surrogates_are_replaced(folder, fixture_bank):
    text = json.dumps(document("Lars \\ud800", [record("beispiel.txt-01", "a\\udfffb", 0.0)]))
    write_raw(folder, "lars.json", text.replace("\\\\u", "\\u"))
    loaded = load(folder, fixture_bank)
    for value in [*loaded.participants["participant"], *loaded.answers["answer"]]:
        value.encode("utf-8")


@pytest.mark.parametrize(
    ("item_id", "answer"),
    [("beispiel.txt-01", "a\\udfffb"), ("beispiel.lik-01", {"k\\ud800": 4})],
)
def test_lone_surrogates_in_answers_alone_are_replaced(folder, fixture_bank, item_id, answer):
    """The envelope fits smmkit's schema; only an answer holds a lone surrogate escape."""
    text = json.dumps(document("Lars", [record(item_id, answer, None)]))
    write_raw(folder, "lars.json", text.replace("\\\\u", "\\u"))
    loaded = load(folder, fixture_bank)
    kept = loaded.answers[loaded.answers["source"] == "lars.json"]
    assert len(kept) == 1
    for value in kept["answer"]:
        value.encode("utf-8")


# --- properties ------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
ITEM_IDS = st.sampled_from(
    ["beispiel.sc-01", "beispiel.mc-01", "beispiel.tf-01", "beispiel.ord-01", "beispiel.mat-01",
     "beispiel.gap-01", "beispiel.num-01", "beispiel.txt-01", "beispiel.lik-01", "beispiel.scn-01",
     "team.raci-01", "unbekannt.x-01"]
)  # fmt: skip
ANSWER = (
    st.fixed_dictionaries(
        {
            "item_id": ITEM_IDS | JSON,
            "answer": JSON,
            "score": st.none() | st.floats() | st.integers() | JSON,
            "max_score": st.none() | st.floats() | st.just(1.0),
            "attempt": st.integers(-2, 5) | JSON,
            "timestamp": st.just("2026-03-02T09:00:00+00:00") | st.text(max_size=30),
            "module": st.none() | st.just("01_beispiel") | JSON,
            "phase": st.none() | st.sampled_from(["vorher", "nachher", "x"]) | JSON,
        }
    )
    | JSON
)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip


def assert_valid_rows(loaded, bank) -> None:
    rows = loaded.answers
    assert list(rows.columns) == list(ANSWER_COLUMNS)
    for key in rows["participant_key"].astype(str):
        assert KEY_PATTERN.match(key)
    for item_id, item_type in zip(rows["item_id"].astype(str), rows["item_type"].astype(str),
                                  strict=True):  # fmt: skip
        assert item_id in bank.items or exercises.for_item(item_id) is not None
        assert item_type == (bank.items[item_id].type if item_id in bank.items else "exercise")
    assert (rows["attempt"] >= 1).all()
    assert rows["fraction"].dropna().between(0, 1).all()
    assert all(math.isfinite(v) for v in rows["score"].dropna())
    for text in rows["answer"]:
        json.loads(text)
        text.encode("utf-8")
    assert pd.api.types.is_datetime64_any_dtype(rows["timestamp"])
    for text in loaded.participants["participant"]:
        text.encode("utf-8")


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(fixture_bank, data):
    with tempfile.TemporaryDirectory() as tmp:
        write_raw(Path(tmp), "x.json", data)
        loaded = load(Path(tmp), fixture_bank)
        assert_valid_rows(loaded, fixture_bank)


@SETTINGS
@given(value=JSON)
def test_arbitrary_json_documents_never_raise(fixture_bank, value):
    with tempfile.TemporaryDirectory() as tmp:
        write_raw(Path(tmp), "x.json", json.dumps(value))
        loaded = load(Path(tmp), fixture_bank)
        assert_valid_rows(loaded, fixture_bank)


@SETTINGS
@given(columns=st.dictionaries(st.sampled_from(RECORD_FIELDS), st.lists(JSON, max_size=4)))
def test_arbitrary_version_2_columns_never_raise(fixture_bank, columns):
    with tempfile.TemporaryDirectory() as tmp:
        write_raw(Path(tmp), "x.json", json.dumps(document("Spalte", columns, version=2)))
        loaded = load(Path(tmp), fixture_bank)
        assert_valid_rows(loaded, fixture_bank)


@SETTINGS
@given(answers=st.lists(ANSWER, max_size=8), name=st.text(max_size=30) | JSON)
def test_arbitrary_answers_never_raise_and_kept_rows_are_valid(fixture_bank, answers, name):
    with tempfile.TemporaryDirectory() as tmp:
        doc = document("Platzhalter", answers)
        doc["participant"]["name"] = name
        write_raw(Path(tmp), "x.json", json.dumps(doc))
        write_raw(Path(tmp), "y.json", json.dumps(document("Zweite Person", answers)))
        loaded = load(Path(tmp), fixture_bank)
        assert_valid_rows(loaded, fixture_bank)
        for warning in loaded.warnings:
            assert re.fullmatch(r"[xy]\.json", warning.file)


def test_scenario_records_that_differ_only_in_json_types_are_told_apart(folder, fixture_bank):
    def scenario(index):
        return {"path": ["anfang"], "choices": [["anfang", index]], "ending": None,
                "rating": None, "competency_scores": {}}  # fmt: skip

    answers = [
        record("beispiel.scn-01", scenario(0), 2.0, 3.0),
        record("beispiel.scn-01", scenario(False), 2.0, 3.0, attempt=2),  # False == 0 in Python
        record("beispiel.scn-01", scenario(0), 2.0, 3.0, attempt=3),
    ]
    write_participant(folder, "Olga Ort", answers)
    loaded = load(folder, fixture_bank)
    olga = loaded.answers[loaded.answers["participant"] == "Olga Ort"]
    assert list(olga["attempt"]) == [1, 3]
    assert "Antwort passt nicht zum Aufgabentyp (1)" in loaded.warnings[0].message


# --- both file layouts, answer texts, timestamps ---------------------------------------------

WELL_FORMED_ANSWER = st.fixed_dictionaries(
    {
        "item_id": ITEM_IDS,
        "answer": JSON | st.integers(0, 3) | st.lists(st.integers(0, 3), max_size=4)
        | st.dictionaries(st.sampled_from(["s1", "s2", "alt"]),
                          st.none() | st.integers(0, 6) | st.booleans()),
        "score": st.none() | st.floats(0, 1) | st.integers(0, 2),
        "max_score": st.none() | st.just(1.0),
        "attempt": st.integers(1, 3),
        "timestamp": st.sampled_from(["2026-03-02T09:00:00+00:00", "2026-03-02", "gestern"]),
        "module": st.none() | st.just("01_beispiel"),
        "phase": st.none() | st.sampled_from(["vorher", "nachher", "x"]),
    }
)  # fmt: skip


def assert_same_results(one, two) -> None:
    pd.testing.assert_frame_equal(one.answers, two.answers)
    pd.testing.assert_frame_equal(one.ratings, two.ratings)
    pd.testing.assert_frame_equal(one.participants, two.participants)
    assert one.warnings == two.warnings
    assert one.files == two.files


@SETTINGS
@given(answers=st.lists(WELL_FORMED_ANSWER, max_size=5))
def test_version_1_and_version_2_files_give_the_same_tables(fixture_bank, answers):
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for layout in (1, 2):
            folder = Path(tmp) / f"v{layout}"
            write_participant(folder, "Ada Agree", answers, layout=layout)
            write_participant(
                folder, "Bert Bündig", answers[::-1], filename="b.json", layout=layout
            )
            results.append(load(folder, fixture_bank))
        assert_same_results(*results)


def test_ratings_of_likert_answers_are_each_answers_own(tmp_path, fixture_bank):
    """Every rated statement still in the bank becomes a rating row, in the answer's order."""
    answers = [
        {"k1": 4, "t1": 2}, {"t1": 2, "k1": 4}, {"k1": 4, "t1": 2}, {"s1": 5, "c1": None},
        {"k1": 4, "t1": 2}, {"c1": 1, "x9": 3}, {"s1": 5, "c1": None},
    ]  # fmt: skip
    for number, answer in enumerate(answers):
        phase = ("vorher", "nachher")[number % 2]
        write_participant(tmp_path, f"Person {number}", [record("beispiel.lik-01", answer, None,
                          None, phase=phase)], layout=1 + number % 2)  # fmt: skip
    loaded = load(tmp_path, fixture_bank)
    ratings = loaded.ratings.merge(loaded.participants, on="participant_key")
    competency = {"k1": "kommunikation", "t1": "team", "s1": "strategie", "c1": "kreativitaet"}
    for number, answer in enumerate(answers):
        mine = ratings[ratings["participant"] == f"Person {number}"]
        expected = [[competency[s], v] for s, v in answer.items() if s in competency and v]
        assert mine[["competency", "rating"]].values.tolist() == expected, answer
        assert set(mine["phase"]) <= {("vorher", "nachher")[number % 2]}


@pytest.mark.parametrize("attempt", [1, 255, 256, 70_000])
def test_attempts_of_any_size_keep_their_number(folder, fixture_bank, attempt):
    write_participant(folder, "Ole Oft", [record("beispiel.sc-01", 0, 1.0, attempt=attempt)])
    loaded = load(folder, fixture_bank)
    ole = loaded.answers[loaded.answers["participant"] == "Ole Oft"]
    assert ole["attempt"].tolist() == [attempt]


FINITE_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    values=st.lists(FINITE_JSON | st.lists(st.integers(-(2**70), 2**70)), min_size=1, max_size=6)
)
def test_answer_texts_are_what_json_dumps_writes(fixture_bank, values):
    """Exercises take any JSON answer: the table holds exactly ``json.dumps``'s text."""
    answers = [record("team.raci-01", value, None, None, minute=n) for n, value in
               enumerate(values)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        write_participant(Path(tmp), "Text Treu", answers, layout=2)
        loaded = load(Path(tmp), fixture_bank)
    assert loaded.answers["answer"].tolist() == [
        json.dumps(value, ensure_ascii=False) for value in values
    ]


def _with_timestamp(folder: Path, text: str) -> Path:
    answers = [dict(record("beispiel.sc-01", 0, 1.0), timestamp=text), GOOD[1]]
    return write_participant(folder, "Tim Zeit", answers, filename="zeit.json", layout=2)


@pytest.mark.parametrize(
    "text",
    ["0000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00", "-0001-01-01T00:00:00+00:00",
     "2026-02-30T09:00:00+00:00", "2026-03-02T24:00:00+00:00", "gestern", ""],
)  # fmt: skip
def test_timestamps_outside_the_calendar_are_dropped_with_a_warning(folder, fixture_bank, text):
    # "9999-12-31T23:59:59-14:00" is in the year 10000 in UTC: no report could print it.
    _with_timestamp(folder, text)
    loaded = load(folder, fixture_bank)
    tim = loaded.answers[loaded.answers["source"] == "zeit.json"]
    assert len(tim) == 2, "the answers are kept"
    assert tim["timestamp"].isna().tolist() == [True, False]
    assert warnings_for(loaded, "zeit.json") == [
        "1 Zeitstempel unlesbar oder außerhalb des Kalenders (Jahr 1 bis 9999) – Antworten "
        "ohne Zeitangabe behalten"
    ]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.timezones()
    ),
    timespec=st.sampled_from(["seconds", "microseconds", "minutes"]),
)
def test_iso_timestamps_of_any_zone_are_read_as_their_moment_in_utc(fixture_bank, moment,
                                                                       timespec):  # fmt: skip
    assume(moment.utcoffset().seconds % 60 == 0)  # ISO 8601 offsets have no seconds
    text = moment.isoformat(timespec=timespec)
    with tempfile.TemporaryDirectory() as tmp:
        _with_timestamp(Path(tmp), text)
        loaded = load(Path(tmp), fixture_bank)
    read = loaded.answers["timestamp"].iloc[0]
    try:
        expected = datetime.fromisoformat(text).astimezone(UTC)
    except OverflowError:  # before the year 1 or after 9999 in UTC
        expected = None
    if expected is None:
        assert pd.isna(read) and "Zeitstempel unlesbar" in loaded.warnings[0].message
    else:
        assert read == pd.Timestamp(expected) and loaded.warnings == []


# --- implausible files -----------------------------------------------------------------------


def test_a_flood_of_answers_is_kept_with_a_warning(folder, fixture_bank):
    flood = [record("beispiel.sc-01", n % 3, None, attempt=1 + n) for n in range(MANY_ANSWERS + 1)]
    write_participant(folder, "Flut Datei", flood, filename="flut.json", layout=2)
    loaded = load(folder, fixture_bank)
    assert (loaded.answers["source"] == "flut.json").sum() == MANY_ANSWERS + 1
    messages = warnings_for(loaded, "flut.json")
    assert any(f"ungewöhnlich viele Antworten ({MANY_ANSWERS + 1})" in m for m in messages)
    assert any("dieselbe Aufgabe (beispiel.sc-01)" in m for m in messages)


@pytest.mark.parametrize("answers", [MANY_ATTEMPTS, MANY_ATTEMPTS + 1])
def test_hundreds_of_attempts_at_one_item_get_a_warning(folder, fixture_bank, answers):
    # The statement is false: answering True scores 0.
    retries = [record("beispiel.tf-01", n % 2 == 0, float(n % 2), attempt=1 + n)
               for n in range(answers)]  # fmt: skip
    write_participant(folder, "Viel Versuch", retries, filename="oft.json")
    loaded = load(folder, fixture_bank)
    assert (loaded.answers["source"] == "oft.json").sum() == answers
    expected = [
        f"mehr als {MANY_ATTEMPTS} Antworten auf dieselbe Aufgabe (beispiel.tf-01) – bitte "
        "prüfen, woher die Datei stammt; die Antworten wurden übernommen"
    ]
    assert warnings_for(loaded, "oft.json") == (expected if answers > MANY_ATTEMPTS else [])


# --- the folder as a whole -------------------------------------------------------------------


def test_every_kept_answer_appears_once_and_names_are_numbered_by_first_use(tmp_path,
                                                                             fixture_bank):  # fmt: skip
    for number in range(30):
        answers = [
            record("beispiel.sc-01", number % 3, 1.0 if number % 3 == 0 else 0.0),
            record("beispiel.tf-01", number % 2 == 0, 1.0, minute=2, phase="vorher"),
        ]
        if number % 5 == 0:
            answers.append(record(EXERCISE_ITEMS[number % 4], {"x": number % 3}, None, None))
        if number % 7 == 0:
            answers.append(record("beispiel.sc-01", 1, 0.0, attempt=2, phase=f"runde-{number}"))
        if number % 11 == 0:
            answers.append(record("beispiel.tf-01", "kein Wahrheitswert", 1.0))  # dropped
        write_participant(tmp_path, f"Person {number:03d}", answers, layout=1 + number % 2)
    write_raw(tmp_path, "kaputt.json", "{")
    loaded = load(tmp_path, fixture_bank)
    answers = loaded.answers
    counts = answers["source"].value_counts()
    assert counts[counts > 0].to_dict() == {f.file: f.kept for f in loaded.files if f.kept}
    assert sum(f.kept for f in loaded.files) == len(answers)
    assert list(answers["source"].astype(str)) == sorted(answers["source"].astype(str))
    assert list(answers["phase"].cat.categories) == [
        "vorher",
        "nachher",
        *(f"runde-{n}" for n in range(0, 30, 7)),
    ]
    extra = [i for i in answers["item_id"].cat.categories if i not in fixture_bank.items]
    assert extra == EXERCISE_ITEMS  # numbered by first use: persons 0, 5, 10, 15
