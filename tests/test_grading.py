"""Every grading rule, on the fixture bank's items (pure functions, no kernel)."""

from __future__ import annotations

import pytest

from smmkit.bank.grading import (
    grade,
    grade_quiz_set,
    keyword_found,
    parse_number,
    stable_order,
)


@pytest.fixture
def items(fixture_bank):
    return fixture_bank.items


def test_single_choice_right_and_wrong_with_option_feedback(items):
    item = items["beispiel.sc-01"]
    right = grade(item, 0)
    assert right.correct and right.points == 1.0
    assert right.feedback[0].ok is True and "zügige Antwort" in right.feedback[0].text
    wrong = grade(item, 1)
    assert wrong.score == 0 and not wrong.correct
    assert "Ignorieren" in wrong.feedback[0].text


@pytest.mark.parametrize("answer", [None, 7, -1])
def test_single_choice_without_valid_answer_scores_zero(items, answer):
    result = grade(items["beispiel.sc-01"], answer)
    assert result.score == 0 and result.feedback[0].text.startswith("Bitte wählen")


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        ([0, 1, 3], 1.0),  # all three correct
        ([0, 1], 2 / 3),  # partial credit
        ([0, 1, 2], 1 / 3),  # a wrong choice cancels a right one
        ([2], 0.0),  # never negative
        ([], 0.0),
        ([0, 1, 2, 3], 2 / 3),
    ],
)
def test_multiple_choice_partial_credit(items, chosen, score):
    assert grade(items["beispiel.mc-01"], chosen).score == pytest.approx(score, abs=1e-4)


def test_multiple_choice_feedback_tells_chosen_right_chosen_wrong_and_missed(items):
    result = grade(items["beispiel.mc-01"], [0, 2])
    lines = [(f.label, f.ok, f.text.split(" – ")[0]) for f in result.feedback if f.label]
    assert lines == [
        ("Richtig gewählt", True, "„Kundenservice“"),
        ("Übersehen (wäre richtig gewesen)", False, "„Vertrieb“"),
        ("Falsch gewählt", False, "„Kantine“"),
        ("Übersehen (wäre richtig gewesen)", False, "„Recht“"),
    ]
    assert "Leads entstehen" in result.feedback[1].text  # the missed option's reason is shown


def test_true_false(items):
    item = items["beispiel.tf-01"]
    assert grade(item, False).correct
    wrong = grade(item, True)
    assert not wrong.correct
    texts = [f.text for f in wrong.feedback]
    assert "Die Aussage ist falsch." in texts and "Don't feed the troll." in texts
    assert grade(item, None).score == 0


@pytest.mark.parametrize(
    ("order", "score"),
    [
        ([0, 1, 2, 3], 1.0),
        ([1, 0, 2, 3], 5 / 6),
        ([3, 2, 1, 0], 0.0),
        ([0, 1, 2], 0.0),
        ([0, 0, 1, 2], 0.0),
    ],
)
def test_ordering_scores_pairs_in_relative_order(items, order, score):
    assert grade(items["beispiel.ord-01"], order).score == pytest.approx(score, abs=1e-4)


def test_ordering_reports_positions(items):
    result = grade(items["beispiel.ord-01"], [1, 0, 2, 3])
    assert "2 von 4 Schritten" in result.feedback[0].text


def test_matching_share_of_correct_pairs_case_insensitive(items):
    item = items["beispiel.mat-01"]
    right = ["Fachkräfte gewinnen", "produkte zeigen ", "Vertrauen vor Ort"]
    assert grade(item, right).correct
    half = grade(item, ["Fachkräfte gewinnen", "Steuererklärung", None])
    assert half.score == pytest.approx(1 / 3, abs=1e-4)
    assert [f.ok for f in half.feedback[:3]] == [True, False, False]
    assert "Berufliches Netzwerk." in half.feedback[0].text


def test_fill_blanks_accepts_alternatives_ignoring_case_and_space(items):
    item = items["beispiel.gap-01"]
    assert grade(item, ["  Zügig", "GEWÜRDIGT"]).correct
    partial = grade(item, ["schnell", "ignoriert"])
    assert partial.score == 0.5
    assert "Lücke 2 (ignoriert)" in partial.feedback[1].text
    assert grade(item, []).score == 0


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3", 3.0),
        ("3,0", 3.0),
        ("3.0 %", 3.0),
        ("1.500", 1500.0),
        ("1.500,5", 1500.5),
        ("−2", -2.0),
        (4, 4.0),
    ],
)
def test_parse_number_reads_german_input(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "drei", "nan", "inf", True, None])
def test_parse_number_rejects_non_numbers(typed):
    assert parse_number(typed) is None


def test_numeric_tolerance_and_typical_mistake(items):
    item = items["beispiel.num-01"]
    assert grade(item, "3,04").correct
    assert not grade(item, "3,1").correct
    mistake = grade(item, "15")
    assert mistake.score == 0 and "Rate nach Followern" in mistake.feedback[0].text
    generic = grade(item, "7")
    assert "Rechenweg" in generic.feedback[0].text
    assert "Bitte geben Sie eine Zahl ein" in grade(item, "viel").feedback[0].text


def test_free_text_keyword_rules_and_minimum_length(items):
    item = items["beispiel.txt-01"]
    full = grade(item, "Das tut uns sehr leid, bitte schicken Sie uns eine Nachricht.")
    assert full.correct
    half = grade(item, "Entschuldigung für den Ärger, wir melden uns bald wieder bei Ihnen.")
    assert half.score == 0.5
    assert [f.ok for f in half.feedback[:2]] == [True, False]
    assert "Bieten Sie einen privaten Kanal an." in half.feedback[1].text
    short = grade(item, "Sorry.")
    assert short.score == 0 and "mindestens 5 Wörter" in short.feedback[0].text


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("kritik", "Ihre Kritik ist berechtigt", True),
        ("kritik", "Ihr Kritikpunkt ist berechtigt", False),  # whole words by default
        ("kritik*", "Ihr Kritikpunkt ist berechtigt", True),  # a declared stem
        ("kritik*", "Selbstkritik ist gut", False),  # stems match word starts only
        ("*kritik", "Selbstkritik ist gut", True),  # a declared word ending
        ("*service*", "Unser Kundenservice-Team", True),
        ("schön", "Das ist schoen", True),  # umlaut transliteration
        ("Größe", "die richtige groesse", True),
        ("private nachricht", "Bitte per Private   Nachricht", True),
        ("private nachricht", "Private Fragen per Nachricht", False),  # consecutive words
        ("entschuldig*", "Wir entschuldigen uns", True),
        ("leid", "Leider nein", False),
        ("leid", "Das tut uns leid.", True),
        ("20", "ab 20 Uhr", True),
        ("20", "im Jahr 2024", False),  # numbers are whole tokens
        ("20", "20-Jährige", True),
        ("2200", "bis zu 2.200 Zeichen", True),
        ("2.200", "bis zu 2200 Zeichen", True),
        ("3,5", "eine Rate von 3,5 %", True),
        ("follow-up", "ein Follow up per Mail", True),
    ],
)
def test_keyword_matching(keyword, text, found):
    assert keyword_found(keyword, text) is found


def test_quiz_set_pass_mark_and_bands(fixture_bank, items):
    quiz_set = fixture_bank.quiz_sets["beispiel.set-01"]
    grades = {
        "beispiel.sc-01": grade(items["beispiel.sc-01"], 0),
        "beispiel.tf-01": grade(items["beispiel.tf-01"], False),
    }
    result = grade_quiz_set(quiz_set, items, grades)
    assert (result.answered, result.total) == (2, 3)
    assert result.score == pytest.approx(2 / 3, abs=1e-4) and result.passed
    assert result.band_feedback == "Bestanden."
    low = grade_quiz_set(quiz_set, items, {"beispiel.sc-01": grade(items["beispiel.sc-01"], 1)})
    assert not low.passed and low.band_feedback == "Bitte wiederholen."


def test_scenarios_and_likert_are_not_graded_per_answer(items):
    with pytest.raises(ValueError, match="not graded per answer"):
        grade(items["beispiel.scn-01"], None)


def test_stable_order_is_stable_per_participant_and_differs_between_them():
    first = stable_order(8, "anna-1234", "item")
    assert first == stable_order(8, "anna-1234", "item")
    assert sorted(first) == list(range(8))
    others = {tuple(stable_order(8, f"p{i}", "item")) for i in range(10)}
    assert len(others) > 1


def test_ordering_accepts_declared_alternative_orders(items):
    item = items["beispiel.ord-01"].model_copy(update={"alternatives": [[1, 3, 2, 4]]})
    assert grade(item, [0, 1, 2, 3]).correct
    assert grade(item, [0, 2, 1, 3]).correct  # the declared alternative
    swapped_ends = grade(item, [3, 1, 2, 0])
    assert not swapped_ends.correct and swapped_ends.score < 0.5
