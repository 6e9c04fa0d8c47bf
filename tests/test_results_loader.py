"""Loading a results folder: every kind of bad input is skipped or cleaned, never a crash."""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from helpers import version_2_columns
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from results_support import document, record, write_participant, write_raw

from smmkit.results import ResultsError, load_results, loader, parsing
from smmkit.results.loader import ANSWER_COLUMNS
from smmkit.results.parsing import KEY_PATTERN, MAX_FILE_BYTES
from smmkit.store import RECORD_FIELDS, participant_key

GOOD = [
    record("beispiel.sc-01", 0, 1.0),
    record("beispiel.tf-01", False, 1.0, minute=1),
    record("beispiel.num-01", "3,0 %", 1.0, minute=2),
]


def load(folder: Path, bank):
    return load_results(folder, bank, workers=1)


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


class _NoRead:
    """A file handle whose read() must not be called (the size check comes first)."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def fileno(self):
        return self.handle.fileno()

    def read(self, *args):
        if os.fstat(self.fileno()).st_size > MAX_FILE_BYTES:
            raise AssertionError("a file over the size cap was read")
        return self.handle.read(*args)


def test_huge_file_is_skipped_before_reading(folder, fixture_bank, monkeypatch):
    with (folder / "riesig.json").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no need to write 5 MB
    guarded = lambda *a, **k: _NoRead(open(*a, **k))  # noqa: E731, SIM115 - _NoRead closes it
    monkeypatch.setattr(parsing, "open", guarded, raising=False)
    messages = _skipped(folder, fixture_bank, "riesig.json")
    assert "größer als 5 MB" in messages[0]


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
    parsing.FileReport,
    file=st.text(max_size=5),
    skipped=st.booleans(),
    key=st.sampled_from(["a-1", "b-2", "c-3", "d-4"]),
    name=st.sampled_from(["Anna", "anna", "Bert", "Cem", "Dora"]),
    updated=st.sampled_from(["", "2026-03-01T09:00:00+00:00", "2026-03-02T09:00:00+00:00"]),
)


@settings(max_examples=200, deadline=None)
@given(reports=st.lists(REPORT, max_size=6))
def test_one_participant_per_file_unless_a_key_or_name_repeats(reports):
    grouped = loader._grouped_identities(reports, [])
    distinct = loader._distinct_identities(reports)
    used = [r for r in reports if not r.skipped]
    repeats = len({r.key for r in used}) < len(used) or len(
        {r.name.casefold() for r in used}
    ) < len(used)
    assert (distinct is None) == repeats
    if distinct is not None:
        assert distinct.participant_of_file.tolist() == grouped.participant_of_file.tolist()
        assert (distinct.keys, distinct.names) == (grouped.keys, grouped.names)
        assert (distinct.sources, distinct.merged) == (grouped.sources, grouped.merged)


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
        assert item_id in bank.items or item_id.startswith(("team.raci-", "kreativitaet.post-"))
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


def test_parallel_and_sequential_loading_agree(tmp_path, fixture_bank):
    for number in range(30):
        write_participant(tmp_path, f"Person {number}", GOOD[: 1 + number % 3])
    write_raw(tmp_path, "kaputt.json", "{")
    one = load_results(tmp_path, fixture_bank, workers=1)
    two = load_results(tmp_path, fixture_bank, workers=2)
    pd.testing.assert_frame_equal(one.answers, two.answers)
    assert one.warnings == two.warnings


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


# --- the two readers agree -------------------------------------------------------------------

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


def load_with_json_reader_only(folder: Path, bank):
    """The same folder read without the msgspec schema path (every file through ``json``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing.ChunkBuilder, "_decoded_rows", lambda self, raw, report: None)
        return load(folder, bank)


def assert_same_results(one, two) -> None:
    pd.testing.assert_frame_equal(one.answers, two.answers)
    pd.testing.assert_frame_equal(one.ratings, two.ratings)
    pd.testing.assert_frame_equal(one.participants, two.participants)
    assert one.warnings == two.warnings
    assert one.files == two.files


@SETTINGS
@given(answers=st.lists(WELL_FORMED_ANSWER, max_size=5))
def test_schema_reader_and_json_reader_agree_on_both_layouts(fixture_bank, answers):
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for layout in (1, 2):
            folder = Path(tmp) / f"v{layout}"
            write_participant(folder, "Ada Agree", answers, layout=layout)
            write_participant(
                folder, "Bert Bündig", answers[::-1], filename="b.json", layout=layout
            )
            results += [
                load(folder, fixture_bank),
                load_with_json_reader_only(folder, fixture_bank),
            ]
        for other in results[1:]:
            assert_same_results(results[0], other)


def test_files_as_smmkit_writes_them_take_the_schema_reader(folder, fixture_bank, monkeypatch):
    """The fast reader must really be used (else it is dead weight that only looks fast)."""
    taken = []
    original = parsing.ChunkBuilder._decoded_rows

    def spy(self, raw, report):
        rows = original(self, raw, report)
        taken.append(rows is not None)
        return rows

    likert = {"s1": 4, "s2": None}
    answers = [*GOOD, record("beispiel.lik-01", likert, None)]
    write_participant(folder, "Lena Likert", answers, layout=2)
    write_participant(folder, "Otto Alt", answers, layout=1)
    monkeypatch.setattr(parsing.ChunkBuilder, "_decoded_rows", spy)
    loaded = load(folder, fixture_bank)
    monkeypatch.undo()
    assert taken == [True, True, True]
    assert_same_results(loaded, load_with_json_reader_only(folder, fixture_bank))
    assert list(loaded.ratings["rating"]) == [4, 4]


@pytest.mark.parametrize("remembered", [parsing.MAX_REMEMBERED_ANSWERS, 2])
def test_ratings_of_repeated_likert_answers_are_each_answers_own(
    tmp_path, fixture_bank, monkeypatch, remembered
):
    """Ratings are worked out once per distinct answer (and again after the memo is
    cleared): every row still gets exactly the ratings of its own answer, in its order."""
    monkeypatch.setattr(parsing, "MAX_REMEMBERED_ANSWERS", remembered)
    answers = [
        {"k1": 4, "t1": 2}, {"t1": 2, "k1": 4}, {"k1": 4, "t1": 2}, {"s1": 5, "c1": None},
        {"k1": 4, "t1": 2}, {"c1": 1, "x9": 3}, {"s1": 5, "c1": None},
    ]  # fmt: skip
    for number, answer in enumerate(answers):
        phase = ("vorher", "nachher")[number % 2]
        write_participant(tmp_path, f"Person {number}", [record("beispiel.lik-01", answer, None,
                          None, phase=phase)])  # fmt: skip
    loaded = load(tmp_path, fixture_bank)
    ratings = loaded.ratings.merge(loaded.participants, on="participant_key")
    competency = {"k1": "kommunikation", "t1": "team", "s1": "strategie", "c1": "kreativitaet"}
    for number, answer in enumerate(answers):
        mine = ratings[ratings["participant"] == f"Person {number}"]
        expected = [[competency[s], v] for s, v in answer.items() if s in competency and v]
        assert mine[["competency", "rating"]].values.tolist() == expected, answer
        assert set(mine["phase"]) <= {("vorher", "nachher")[number % 2]}
    assert_same_results(loaded, load_with_json_reader_only(tmp_path, fixture_bank))


@pytest.mark.parametrize("reported", [0, 10, 3000, 10_000])
def test_reading_gets_every_byte_whatever_size_fstat_reported(tmp_path, reported):
    # A file can grow or shrink between fstat and read: the reader must neither cut it
    # short nor read past the cap.
    data = bytes(range(256)) * 12  # 3072 bytes
    path = tmp_path / "wachsend.json"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert parsing._read_all(fd, 100_000, reported) == data
    finally:
        os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert parsing._read_all(fd, 1000, reported) == data[:1000]  # the cap: "too large"
    finally:
        os.close(fd)


def _pandas_seconds(texts: list[str]) -> list[float]:
    parsed = pd.to_datetime(
        pd.Series(texts, dtype=object), utc=True, format="ISO8601", errors="coerce"
    )
    return [math.nan if pd.isna(v) else v.timestamp() for v in parsed]


@pytest.mark.parametrize(
    "texts",
    [
        ["2026-03-02T09:02:19+00:00", "2026-12-31T23:59:59+00:00"],
        ["2026-03-02T09:02:19+01:00", "2026-03-02T09:02:19-05:30", "1970-01-01T00:00:00+00:00"],
        ["2024-02-29T12:00:00+00:00", "2000-02-29T23:59:59-23:59", "1600-03-01T00:00:00+14:00"],
        ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "1969-12-31T23:59:59+00:00"],
        [
            f"2025-{month:02d}-{days}T08:00:00+02:00"
            for month, days in zip(
                range(1, 13), [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], strict=True
            )
        ],
    ],
)
def test_smmkit_timestamps_are_parsed_in_one_pass_like_pandas(texts):
    seconds, left = parsing.epoch_seconds_by_row(texts)
    assert seconds.tolist() == _pandas_seconds(texts) and not len(left)


@pytest.mark.parametrize(
    "odd",
    [
        "2026-03-02 09:02:19+00:00",  # space instead of T
        "2026-03-02T09:02:19Z",
        "2026-03-02T09:02:19.5+00:00",
        "2026-02-30T09:02:19+00:00",  # no such day
        "2023-02-29T09:02:19+00:00",  # not a leap year …
        "1900-02-29T09:02:19+00:00",  # … nor is 1900
        "2026-04-31T09:02:19+00:00",
        "2026-03-00T09:02:19+00:00",
        "2026-00-02T09:02:19+00:00",
        "2026-03-02T09:60:19+00:00",
        "2026-03-02T09:02:60+00:00",  # no leap seconds
        "2026-03-02T09:02:19+24:00",
        "2026-13-02T09:02:19+00:00",
        "2026-03-02T24:00:00+00:00",
        "2026-03-02T09:02:19+00:60",
        "2026-03-02T09:02:19*00:00",
        "2026-03-02T09:0a:19+00:00",
        "2026-03-02T09:02:19+00:0ä",
        "gestern",
    ],
)
def test_other_timestamp_layouts_are_left_to_the_careful_parser(odd):
    good = "2026-03-02T09:02:19+00:00"
    # Only the odd text is left over; the good ones keep their fast seconds.
    seconds, left = parsing.epoch_seconds_by_row([good, odd, good])
    assert left.tolist() == [1]
    assert seconds[[0, 2]].tolist() == _pandas_seconds([good, good])


@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.timezones()
        ).map(lambda d: d.isoformat(timespec="seconds"))
        | st.text(max_size=26)
        | st.sampled_from(
            [
                "2026-02-30T09:02:19+00:00",
                "2026-03-02T09:02:19+00:0ä",
                "2026-03-02T09:02:19+01:00\n",
            ]
        ),
        max_size=8,
    )
)
@settings(max_examples=150, deadline=None)
def test_timestamps_by_row_agree_with_pandas_and_leave_only_other_layouts(texts):
    seconds, left = parsing.epoch_seconds_by_row(texts)
    fast = [row for row in range(len(texts)) if row not in set(left.tolist())]
    assert seconds[fast].tolist() == _pandas_seconds([texts[row] for row in fast])
    for row in left:  # left over: not a valid "YYYY-MM-DDTHH:MM:SS±HH:MM"
        text = texts[row]
        try:
            written = datetime.fromisoformat(text).isoformat(timespec="seconds")
        except ValueError:
            continue
        assert len(text) != len("2026-03-02T09:02:19+00:00") or written != text


def test_record_fields_are_in_the_order_the_fast_reader_unpacks():
    # ChunkBuilder._decoded_rows unpacks msgspec.structs.astuple(...) positionally.
    assert RECORD_FIELDS == (
        "item_id", "answer", "score", "max_score", "attempt", "timestamp", "module", "phase"
    )  # fmt: skip
    assert parsing._Record.__struct_fields__ == RECORD_FIELDS
    assert parsing._Columns.__struct_fields__ == RECORD_FIELDS


@pytest.mark.parametrize("attempt", [1, 255, 256, 70_000])
def test_attempts_of_any_size_keep_their_number(folder, fixture_bank, attempt):
    # Small numbers take a faster conversion into columns than large ones: both must agree.
    write_participant(folder, "Ole Oft", [record("beispiel.sc-01", 0, 1.0, attempt=attempt)])
    loaded = load(folder, fixture_bank)
    ole = loaded.answers[loaded.answers["participant"] == "Ole Oft"]
    assert ole["attempt"].tolist() == [attempt]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=6) | st.sampled_from(["%s", "%", '"', "\\", "k1", "ä\n"]),
            st.none() | st.integers(1, 5),
            max_size=5,
        ),
        max_size=4,
    )
)
def test_likert_texts_are_byte_equal_to_json_dumps(answers):
    encoder = parsing._Encoder()
    for answer in answers * 2:  # the second time through the remembered templates
        assert encoder.likert(answer) == json.dumps(answer, ensure_ascii=False)


def test_packing_rows_in_small_pieces_changes_nothing(tmp_path, fixture_bank, monkeypatch):
    for number in range(7):
        likert = {"k1": 1 + number % 5, "t1": None, "s1": 2, "c1": 1 + number % 3}
        answers = [*GOOD[: 1 + number % 3], record("beispiel.lik-01", likert, None, None,
                   phase="vorher", minute=9)]  # fmt: skip
        write_participant(tmp_path, f"Person {number}", answers)
    whole = load(tmp_path, fixture_bank)
    monkeypatch.setattr(parsing, "PACK_ROWS", 3)  # a pack every file or two
    assert_same_results(load(tmp_path, fixture_bank), whole)
    assert len(whole.ratings) == 7 * 3
