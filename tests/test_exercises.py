"""The exercise registry, the exercises' content files and their one Check type."""

from __future__ import annotations

import pytest

from smmkit import exercises
from smmkit.errors import ContentError
from smmkit.exercises.check import Check, counts, score
from smmkit.i18n import t


def test_registry_finds_exercises_by_name_and_by_item_id():
    assert exercises.names() == ("raci", "posts", "strategy", "content_calendar", "ki_check")
    assert exercises.names(shown=True) == ("raci", "posts", "strategy", "ki_check")
    assert [e.name for e in exercises.all()] == list(exercises.names())
    assert exercises.get("raci").module == "02_teamfaehigkeit"
    assert exercises.for_item("kreativitaet.post-01").name == "posts"
    assert exercises.for_item("abschluss.strategie-bewertung-01").name == "strategy"
    assert exercises.for_item("team.quiz-raci") is None
    assert t(exercises.label_key("team.raci-01")) == "RACI-Matrix (Übung)"
    assert exercises.label_key("beispiel.sc-01") is None
    with pytest.raises(KeyError, match="unknown exercise 'kalender' \\(known: raci, posts"):
        exercises.get("kalender")
    with pytest.raises(ValueError, match="has no widget"):
        exercises.get("content_calendar").show()


def test_every_exercise_has_content_and_named_items():
    for exercise in exercises.all():
        assert exercise.logic.content("de") is exercise.logic.content()  # loaded once
        for key in exercise.items.values():
            assert t(key)


def test_content_problems_name_file_line_and_field(tmp_path, monkeypatch):
    text = exercises.data_path("raci", "de").read_text(encoding="utf-8")
    broken = tmp_path / "data.de.yaml"
    broken.write_text(text.replace('letters: "RA"', 'letters: "RX"', 1), encoding="utf-8")
    monkeypatch.setattr(exercises, "data_path", lambda name, lang=None: broken)
    exercises._load.cache_clear()
    try:
        with pytest.raises(ContentError) as caught:
            exercises.load_data("raci", exercises.get("raci").logic.RaciExerciseData, "de")
    finally:
        exercises._load.cache_clear()
    [problem] = caught.value.problems
    line = text.splitlines().index('      letters: "RA"') + 1
    assert (problem.path, problem.line) == ("src/smmkit/exercises/raci/data.de.yaml", line)
    assert problem.field == "solution.idee.sm.letters" and "unknown RACI letter" in problem.message


def test_one_check_type_levels_counts_and_saved_form():
    checks = [
        Check("a", True, "gut"),
        Check("b", False, "fehlt", subject="freigabe"),
        Check("c", False, "zu viele", counted=False),
        Check("d", None, "Tipp", section="team", counted=False),
    ]
    assert [c.level for c in checks] == ["ok", "error", "warning", "info"]
    assert counts(checks) == (1, 2) and score(checks) == 0.5
    assert counts({"x": checks[:1], "y": checks[1:]}) == (1, 2)
    assert checks[1].to_dict() == {
        "rule": "b",
        "ok": False,
        "counted": True,
        "subject": "freigabe",
        "message": "fehlt",
    }
    assert checks[3].to_dict()["section"] == "team"
