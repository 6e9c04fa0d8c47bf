"""KI-Check vor dem Posten (module 06): the content, the evaluation, the widget in-process
(clicks, saved file, resume) and the paper version."""

from __future__ import annotations

import pytest
from helpers import REPO, saved_records
from pydantic import ValidationError

from smmkit.exercises.ki_check.logic import (
    ITEM_ID,
    KiCheckData,
    clean_decisions,
    content,
    evaluate,
    paper_html,
    score,
)
from smmkit.exercises.ki_check.widget import KiCheckExercise
from smmkit.kernel.widgets import reset_session

DATA = content()
MODEL = {c.id: {p: a.answer for p, a in c.answers.items()} for c in DATA.cases}


# --- content ----------------------------------------------------------------------------------


def test_content_asks_the_four_checks_and_a_decision_for_every_draft():
    assert [p.id for p in DATA.points] == [
        "kennzeichnung",
        "daten",
        "rechte",
        "fakten",
        "entscheidung",
    ]
    assert len(DATA.cases) >= 3 and DATA.total == len(DATA.cases) * len(DATA.points)
    for case in DATA.cases:
        assert case.draft and case.image and case.prompt
        for answer in case.answers.values():
            assert len(answer.reason) > 60, case.id
    assert "Dezember 2026" in DATA.stand


def test_answers_vary_so_that_no_fixed_pattern_passes():
    for point in DATA.points:
        assert len({MODEL[c.id][point.id] for c in DATA.cases}) > 1, point.id
    # every decision the last point offers is the right one for some draft
    assert {MODEL[c.id]["entscheidung"] for c in DATA.cases} == {
        o.id for o in DATA.point("entscheidung").options
    }


def test_content_refuses_unknown_options_and_missing_points():
    raw = DATA.model_dump()
    raw["cases"][0]["answers"]["daten"]["answer"] = "vielleicht"
    with pytest.raises(ValidationError, match="unknown option 'vielleicht'"):
        KiCheckData.model_validate(raw)
    raw = DATA.model_dump()
    del raw["cases"][1]["answers"]["rechte"]
    with pytest.raises(ValidationError, match="one answer per point"):
        KiCheckData.model_validate(raw)


# --- evaluation -------------------------------------------------------------------------------


def test_model_decisions_score_full_marks():
    checks = evaluate(DATA, MODEL)
    assert len(checks) == DATA.total and all(c.ok for c in checks)
    assert score(checks) == 1.0
    assert all(c.message.startswith("Richtig.") for c in checks)


def test_wrong_and_missing_decisions_say_what_is_right_and_why():
    decisions = {"dinkelbrot": {"kennzeichnung": "nein", "daten": "ja"}}
    checks = {(c.subject, c.rule): c for c in evaluate(DATA, decisions)}
    wrong = checks[("dinkelbrot", "kennzeichnung")]
    assert wrong.ok is False and wrong.label == "Kennzeichnung"
    assert "Sie: „Nein, kein Hinweis nötig“" in wrong.message
    assert "besser: „Ja, kennzeichnen“" in wrong.message and "Täuschung" in wrong.message
    assert checks[("dinkelbrot", "daten")].ok is True
    missing = checks[("radprofi", "entscheidung")]
    assert missing.ok is False and missing.message.startswith("Noch nicht entschieden")
    assert score(list(checks.values())) == round(1 / DATA.total, 4)


def test_typical_mistake_label_fixes_everything_scores_low():
    """Who thinks a label makes any AI post fine posts everything, with a label."""
    decisions = {
        c.id: {"kennzeichnung": "ja", "daten": "nein", "rechte": "nein", "fakten": "nein",
               "entscheidung": "posten"}
        for c in DATA.cases
    }  # fmt: skip
    assert score(evaluate(DATA, decisions)) < 0.5


def test_old_or_foreign_decisions_are_ignored():
    decisions = {"dinkelbrot": {"daten": "ja", "alt": "ja", "rechte": "X"}, "weg": {"daten": "ja"}}
    assert clean_decisions(DATA, decisions) == {"dinkelbrot": {"daten": "ja"}}
    assert clean_decisions(DATA, None) == {} and clean_decisions(DATA, ["ja"]) == {}


# --- widget -----------------------------------------------------------------------------------


@pytest.fixture
def session():
    s = reset_session(root=REPO)
    s.set_participant("Kira Check")
    return s


def choose(widget: KiCheckExercise, decisions: dict[str, dict[str, str]]) -> None:
    for case_id, row in decisions.items():
        for point_id, value in row.items():
            widget.radios[(case_id, point_id)].value = value


def test_widget_has_a_labelled_radio_group_per_draft_and_point(session):
    widget = KiCheckExercise(session=session)
    assert len(widget.radios) == DATA.total
    radio = widget.radios[("radprofi", "entscheidung")]
    assert [value for _, value in radio.options] == ["posten", "ueberarbeiten", "verwerfen"]
    assert radio.value is None and radio.description == "Ihre Wahl"
    assert "Der Radprofi empfiehlt" in radio.tooltip and "Entscheidung" in radio.tooltip
    text = " ".join(c.value for c in widget.children if isinstance(getattr(c, "value", None), str))
    assert DATA.title in text and "Eingegebener Prompt" in text and "Helga Maier" in text


def test_widget_check_gives_feedback_per_point_and_saves(session):
    widget = KiCheckExercise(session=session)
    choose(widget, {"dinkelbrot": {"kennzeichnung": "ja", "daten": "nein"}})
    widget.check_button.click()
    right = widget.feedback[("dinkelbrot", "kennzeichnung")].value
    wrong = widget.feedback[("dinkelbrot", "daten")].value
    unanswered = widget.feedback[("sonntagsfrage", "fakten")].value
    assert "smmkit-ki-feedback-ok" in right and "Richtig." in right
    assert "smmkit-ki-feedback-not_ok" in wrong and "Gesundheitsdaten" in wrong
    assert "Noch nicht entschieden" in unanswered
    assert f"1 von {DATA.total} Entscheidungen" in widget.summary.value
    assert f"{DATA.total - 2} Prüfpunkte sind noch offen" in widget.summary.value
    [record] = saved_records(session.store().path)
    assert record["item_id"] == ITEM_ID == "ki.ki-check-01"
    assert record["module"] == "06_ki_social_media"
    assert record["answer"]["decisions"] == {"dinkelbrot": {"kennzeichnung": "ja", "daten": "nein"}}
    assert record["answer"]["right"] == 1 and record["answer"]["total"] == DATA.total
    assert record["score"] == round(1 / DATA.total, 4) and record["max_score"] == 1.0
    assert "Gespeichert." in widget.status.value


def test_widget_model_decisions_pass_and_attempts_count(session):
    widget = KiCheckExercise(session=session)
    choose(widget, {"sonntagsfrage": {"entscheidung": "verwerfen"}})
    widget.check_button.click()
    choose(widget, MODEL)
    widget.check_button.click()
    assert "100 %" in widget.summary.value and "noch offen" not in widget.summary.value
    answers = saved_records(session.store().path)
    assert [a["attempt"] for a in answers] == [1, 2] and answers[-1]["score"] == 1.0


def test_widget_refuses_to_check_nothing_and_clears(session):
    widget = KiCheckExercise(session=session)
    assert widget.check() is None
    assert "noch keine Entscheidung" in widget.summary.value
    assert not session.store().path.exists()
    choose(widget, {"radprofi": {"rechte": "ja"}})
    widget.check_button.click()
    widget.clear_button.click()
    assert all(r.value is None for r in widget.radios.values())
    assert all(f.value == "" for f in widget.feedback.values()) and widget.summary.value == ""


def test_widget_resumes_the_saved_decisions(session):
    first = KiCheckExercise(session=session)
    choose(first, MODEL)
    first.check_button.click()
    again = KiCheckExercise(session=session)
    assert again.decisions() == MODEL
    assert "bereits bearbeitet (Versuch 1, 100 %" in again.summary.value


def test_widget_without_participant_keeps_the_answer_pending():
    session = reset_session(root=REPO)
    widget = KiCheckExercise(session=session)
    choose(widget, {"dinkelbrot": {"daten": "ja"}})
    widget.check_button.click()
    assert "Bitte geben Sie oben zuerst Ihren Namen" in widget.status.value
    assert session.pending and session.pending[0].item_id == ITEM_ID


# --- paper ------------------------------------------------------------------------------------


def test_paper_for_participants_has_every_draft_and_box_but_no_answers():
    html = paper_html(mode="participant")
    assert 'data-item-id="ki.ki-check-01"' in html
    for case in DATA.cases:
        assert case.title in html
    boxes = sum(len(p.options) for p in DATA.points) * len(DATA.cases)
    assert html.count("☐") == boxes and "☒" not in html
    assert "smmkit-key" not in html
    for case in DATA.cases:
        for answer in case.answers.values():
            assert answer.reason[:50] not in html


def test_paper_for_trainers_ticks_the_expected_decision_and_gives_reasons():
    html = paper_html(mode="trainer")
    assert html.count("☒") == DATA.total
    assert "Lösung" in html and "Health-Claims-Verordnung" in html
