"""Group analysis on small hand-made folders whose numbers are known in advance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from results_support import record, write_participant

from smmkit.bank.scenarios import ScenarioRun
from smmkit.results import load_results
from smmkit.results.analysis import (
    analyse,
    completion,
    free_texts,
    item_analysis,
    option_counts,
    quiz_set_results,
    quiz_set_summary,
    scenario_endings,
    scenario_paths,
    self_assessment_profile,
)
from smmkit.results.pseudonyms import pseudonym, pseudonyms

# First-attempt results (1 = right) for the three items of the quiz set beispiel.set-01.
#               sc-01  tf-01  num-01
QUIZ = {
    "P1 Eins": (1, 1, 1),
    "P2 Zwei": (1, 1, 0),
    "P3 Drei": (1, 0, 0),
    "P4 Vier": (0, 1, 0),
    "P5 Fünf": (0, 0, 0),
    "P6 Sechs": (1, 0, 1),
}
SC_WRONG = {"P4 Vier": 1, "P5 Fünf": 1}  # both chose option 1 ("Innerhalb einer Woche")


@pytest.fixture
def quiz(tmp_path, fixture_bank):
    for name, (sc, tf, num) in QUIZ.items():
        answers = [
            record("beispiel.sc-01", 0 if sc else SC_WRONG[name], float(sc), minute=1),
            record("beispiel.tf-01", (not tf), float(tf), minute=2),  # the statement is false
            record("beispiel.num-01", 3 if num else 15, float(num), minute=3),
        ]
        if name == "P5 Fünf":  # retried the first question and got it right
            answers.append(record("beispiel.sc-01", 0, 1.0, attempt=2, minute=4))
        write_participant(tmp_path, name, answers)
    return load_results(tmp_path, fixture_bank)


def test_facility_and_sd_use_first_attempts(quiz, fixture_bank):
    items = item_analysis(quiz.answers, fixture_bank).set_index("item_id")
    assert items.loc["beispiel.sc-01", "n"] == 6
    assert items.loc["beispiel.sc-01", "facility"] == pytest.approx(4 / 6)  # retry ignored
    assert items.loc["beispiel.tf-01", "facility"] == pytest.approx(3 / 6)
    assert items.loc["beispiel.num-01", "facility"] == pytest.approx(2 / 6)
    # sample SD of (1,1,1,0,0,1): sqrt((4·(1/3)² + 2·(2/3)²) / 5)
    assert items.loc["beispiel.sc-01", "sd"] == pytest.approx(math.sqrt((4 / 9 + 8 / 9) / 5))


def test_discrimination_correlates_with_the_rest_of_the_module(quiz, fixture_bank):
    items = item_analysis(quiz.answers, fixture_bank).set_index("item_id")
    # Rest score = share of the other two items, written out per participant P1..P6.
    sc = [1, 1, 1, 0, 0, 1]
    rest_sc = [1, 0.5, 0, 0.5, 0, 0.5]
    tf = [1, 1, 0, 1, 0, 0]
    rest_tf = [1, 0.5, 0.5, 0, 0, 1]
    num = [1, 0, 0, 0, 0, 1]
    rest_num = [1, 1, 0.5, 0.5, 0, 0.5]
    assert items.loc["beispiel.sc-01", "discrimination"] == pytest.approx(0.3430, abs=1e-4)
    assert items.loc["beispiel.sc-01", "discrimination"] == pytest.approx(
        np.corrcoef(sc, rest_sc)[0, 1]
    )
    assert items.loc["beispiel.tf-01", "discrimination"] == pytest.approx(
        np.corrcoef(tf, rest_tf)[0, 1], abs=1e-12
    )  # = 0
    assert items.loc["beispiel.num-01", "discrimination"] == pytest.approx(
        np.corrcoef(num, rest_num)[0, 1]
    )


def test_flags_name_the_reason_in_german(quiz, fixture_bank):
    items = item_analysis(quiz.answers, fixture_bank).set_index("item_id")
    assert items.loc["beispiel.tf-01", "remarks"] == ["trennt schlecht – Formulierung prüfen"]
    assert items.loc["beispiel.sc-01", "remarks"] == ["Distraktor „Gar nicht“ nie gewählt"]
    assert items.loc["beispiel.num-01", "remarks"] == []


def test_flags_for_very_easy_very_hard_and_negative_items():
    from smmkit.results.analysis import item_flags

    assert item_flags(10, 0.1, 0.5, []) == ["sehr schwer"]
    assert item_flags(10, 0.97, 0.5, []) == ["sehr leicht"]
    assert item_flags(10, 0.5, -0.3, []) == ["trennt negativ – Lösung und Formulierung prüfen"]
    assert item_flags(4, 0.0, -1.0, ["x"]) == [], "too few answers to judge"


def test_option_counts_of_first_attempts(quiz, fixture_bank):
    options = option_counts(quiz.answers, fixture_bank)
    sc = options[options["item_id"] == "beispiel.sc-01"]
    assert sc["count"].tolist() == [4, 2, 0]
    assert sc["correct"].tolist() == [True, False, False]
    tf = options[options["item_id"] == "beispiel.tf-01"].set_index("option")
    assert tf.loc["Falsch", "count"] == 3 and tf.loc["Falsch", "correct"]


def test_quiz_set_scores_and_pass_rate(quiz, fixture_bank):
    latest = quiz_set_results(quiz.answers, fixture_bank).set_index("participant_key")
    p5 = latest.loc[[k for k in latest.index if k.startswith("p5-")][0]]
    assert p5["score"] == pytest.approx(1 / 3) and not p5["passed"]  # retry counted
    summary = quiz_set_summary(quiz.answers, fixture_bank).iloc[0]
    assert summary["complete"] == 6 and summary["pass_mark"] == 0.6
    assert summary["pass_rate"] == pytest.approx(3 / 6)  # P1, P2, P6
    assert summary["mean_first"] == pytest.approx(3 / 6)
    assert summary["mean_latest"] == pytest.approx((3 + 1 / 3) / 6)


@pytest.fixture
def mixed(tmp_path, fixture_bank):
    """Five people: multiple choice, matching, a scenario, self-assessments, free text."""
    scenario = fixture_bank.items["beispiel.scn-01"]

    def play(*choices: int) -> tuple[dict, float]:
        run = ScenarioRun(scenario)
        for choice in choices:
            run.choose(choice)
        return run.to_record(), run.score

    mc = {"Q1": [0, 1, 3], "Q2": [0, 1], "Q3": [0, 2], "Q4": [1, 3], "Q5": [0, 1, 3]}
    right = ["Fachkräfte gewinnen", "Produkte zeigen", "Vertrauen vor Ort"]
    matching = {
        "Q1": right,
        "Q2": right,
        "Q3": ["Produkte zeigen", "Fachkräfte gewinnen", "Vertrauen vor Ort"],
        "Q4": ["Fachkräfte gewinnen", None, "Vertrauen vor Ort"],
        "Q5": right,
    }
    plays = {"Q1": (0, 0), "Q2": (0, 0), "Q3": (1, 0), "Q4": (0, 1), "Q5": (0,)}
    for name in mc:
        scenario_record, score = play(*plays[name])
        answers = [
            record("beispiel.mc-01", mc[name], 0.5),
            record("beispiel.mat-01", matching[name], 1.0, minute=1),
            record("beispiel.scn-01", scenario_record, score, 3.0, minute=2),
        ]
        if name == "Q1":
            answers += [
                record("beispiel.lik-01", {"k1": 2, "t1": 3, "s1": 4, "c1": 1}, None, None,
                       phase="vorher"),
                record("beispiel.lik-01", {"k1": 3, "t1": 3, "s1": 4, "c1": 1}, None, None,
                       phase="vorher", attempt=2, minute=5),
                record("beispiel.lik-01", {"k1": 5, "t1": 4, "s1": 4, "c1": 3}, None, None,
                       phase="nachher", minute=9),
                record("beispiel.txt-01", "<script>x</script> Es tut uns leid.", 0.5, minute=7),
            ]  # fmt: skip
        if name == "Q2":
            answers.append(
                record(
                    "beispiel.lik-01",
                    {"k1": 4, "t1": 1, "s1": 2, "c1": 5},
                    None,
                    None,
                    phase="vorher",
                )  # fmt: skip
            )
        write_participant(tmp_path, f"{name} Person", answers)
    return load_results(tmp_path, fixture_bank)


def test_multiple_choice_counts_every_ticked_option(mixed, fixture_bank):
    mc = option_counts(mixed.answers, fixture_bank)
    mc = mc[mc["item_id"] == "beispiel.mc-01"]
    assert mc["option"].tolist() == ["Kundenservice", "Vertrieb", "Kantine", "Recht"]
    assert mc["count"].tolist() == [4, 4, 1, 3]
    assert mc["share"].tolist() == pytest.approx([0.8, 0.8, 0.2, 0.6])


def test_matching_counts_per_left_entry_and_unused_distractor(mixed, fixture_bank):
    options = option_counts(mixed.answers, fixture_bank)
    mat = options[options["item_id"] == "beispiel.mat-01"]
    counts = {(r.entry, r.option): r.count for r in mat.itertuples() if r.count}
    assert counts == {
        ("LinkedIn", "Fachkräfte gewinnen"): 4,
        ("LinkedIn", "Produkte zeigen"): 1,
        ("Instagram", "Produkte zeigen"): 3,
        ("Instagram", "Fachkräfte gewinnen"): 1,
        ("Instagram", "keine Antwort"): 1,
        ("Google-Bewertungen", "Vertrauen vor Ort"): 5,
    }
    items = item_analysis(mixed.answers, fixture_bank).set_index("item_id")
    assert "Distraktor „Steuererklärung“ nie gewählt" in items.loc["beispiel.mat-01", "remarks"]


def test_scenario_endings_and_paths(mixed, fixture_bank):
    endings = scenario_endings(mixed.answers, fixture_bank)
    assert dict(zip(endings["ending_title"], endings["count"], strict=True)) == {
        "Vertrauen gewonnen": 2,
        "Knapp gerettet": 1,
        "Eskalation": 1,
        "nicht beendet": 1,
    }
    paths = scenario_paths(mixed.answers, fixture_bank)
    top = paths.iloc[0]
    assert top["path"] == "anfang → zweite → weiche → ende_gut" and top["count"] == 2
    assert top["rating"] == "best" and top["share"] == pytest.approx(0.4)


def test_completion_is_the_share_of_scored_items_answered(mixed, fixture_bank):
    done = completion(mixed.answers, fixture_bank)
    scored = 9  # every item of the module except the self-assessment
    shares = {key.split("-")[0]: value for key, value in done["01_beispiel"].items()}
    assert shares == {"q1": pytest.approx(4 / scored), "q2": pytest.approx(3 / scored),
                      "q3": pytest.approx(3 / scored), "q4": pytest.approx(3 / scored),
                      "q5": pytest.approx(3 / scored)}  # fmt: skip


def test_self_assessment_profile_uses_the_latest_rating_per_phase(mixed):
    profile = self_assessment_profile(mixed.ratings)
    assert profile.loc["kommunikation", "vorher"] == pytest.approx((3 + 4) / 2)
    assert profile.loc["kreativitaet", "vorher"] == pytest.approx((1 + 5) / 2)
    assert profile.loc["kommunikation", "nachher"] == pytest.approx(5)


def test_free_texts_are_the_latest_answers(mixed, fixture_bank):
    texts = analyse(mixed, fixture_bank).free_texts
    assert texts["text"].tolist() == ["<script>x</script> Es tut uns leid."]
    assert texts["participant"].tolist() == ["Q1 Person"]


def test_free_texts_keep_readable_texts_and_drafts_only(tmp_path, fixture_bank):
    text, post = "beispiel.txt-01", "kreativitaet.post-01"
    write_participant(tmp_path, "Bea Beispiel", [
        record(text, "Gleicher Wortlaut", None),
        record(post, {"text": "Entwurf für Instagram", "channel": "instagram"}, None,
               module="04_kreativitaet"),
    ])  # fmt: skip
    write_participant(tmp_path, "Anton Abc", [
        record(text, "Gleicher Wortlaut", None),  # the same text: one shared answer code
        record(post, {"channel": "instagram"}, None, module="04_kreativitaet"),  # no draft
    ])  # fmt: skip
    write_participant(tmp_path, "Carla Leer", [record(text, "   ", None)])  # blank
    write_participant(tmp_path, "Dora Neu", [
        record(text, "alter Gedanke", None),
        record(text, "neuer Gedanke", None, attempt=2, minute=5),  # only the latest counts
    ])  # fmt: skip
    texts = free_texts(load_results(tmp_path, fixture_bank).answers, fixture_bank)
    assert list(zip(texts["item_id"], texts["participant"], texts["text"], strict=True)) == [
        (text, "Anton Abc", "Gleicher Wortlaut"),
        (text, "Bea Beispiel", "Gleicher Wortlaut"),
        (text, "Dora Neu", "neuer Gedanke"),
        (post, "Bea Beispiel", "Entwurf für Instagram"),
    ]


def test_analysis_of_an_empty_folder_is_empty_not_an_error(tmp_path, fixture_bank):
    loaded = load_results(tmp_path, fixture_bank)
    result = analyse(loaded, fixture_bank)
    assert result.items.empty and result.options.empty and result.endings.empty
    assert result.profile.isna().all().all()
    assert isinstance(result.completion, pd.DataFrame)


def test_pseudonyms_are_stable_short_and_unique():
    keys = [f"person-{n:05d}" for n in range(3000)]
    first, again = pseudonyms(keys), pseudonyms(list(reversed(keys)))
    assert first == again and len(set(first.values())) == len(keys)
    assert (
        pseudonyms(["anna-1"])["anna-1"]
        == pseudonym("anna-1")
        == "TN-" + pseudonym("anna-1").removeprefix("TN-")
    )
    assert min(len(p) for p in first.values()) == len("TN-") + 4
    assert max(len(p) for p in first.values()) > len("TN-") + 4, "collisions were lengthened"


def test_answers_as_a_categorical_column_give_the_same_tables(mixed, fixture_bank):
    # Own analyses in the dashboard may keep answers as categories (each text once).
    coded = mixed.answers.assign(answer=mixed.answers["answer"].astype("category"))
    assert option_counts(coded, fixture_bank).equals(option_counts(mixed.answers, fixture_bank))
    assert free_texts(coded, fixture_bank).equals(free_texts(mixed.answers, fixture_bank))
    assert scenario_paths(coded, fixture_bank).equals(scenario_paths(mixed.answers, fixture_bank))


def test_module_means_are_over_participants_with_answers(mixed, fixture_bank, tmp_path):
    table = analyse(mixed, fixture_bank).modules.set_index("module")
    assert (table["participants"] > 0).all()
    assert table[["mean_first", "mean_latest"]].stack().between(0, 1).all()
    (tmp_path / "leer").mkdir()
    empty = analyse(load_results(tmp_path / "leer", fixture_bank), fixture_bank).modules
    assert (empty["participants"] == 0).all()
    assert empty[["mean_first", "mean_latest"]].isna().all().all()
