"""Widget behaviour in-process: set values, click buttons, check feedback and the saved file."""

from __future__ import annotations

import pytest
from helpers import VALID_ROOT, saved_records

import smmkit
from smmkit import store as progress
from smmkit.kernel.widgets import (
    ParticipantWidget,
    QuizSetWidget,
    ScenarioPlayer,
    SelfAssessmentWidget,
    reset_session,
)
from smmkit.kernel.widgets.items import MatchingWidget, OrderingWidget


@pytest.fixture
def session():
    return reset_session(root=VALID_ROOT)


@pytest.fixture
def named(session):
    session.set_participant("Anna Beispiel")
    return session


def saved_answers(session):
    return saved_records(session.store().path)


def option_index(widget, text):
    return next(i for i, o in enumerate(widget.item.options) if o.text == text)


def test_single_choice_click_shows_feedback_and_saves(named):
    widget = smmkit.quiz("beispiel.sc-01")
    widget.radio.value = option_index(widget, "Innerhalb einer Woche")
    widget.check_button.click()
    assert "Leider nicht richtig." in widget.feedback.value
    assert "Schweigen wirkt wie Ignorieren." in widget.feedback.value
    assert widget.buttons.children == (widget.retry_button,) and widget.radio.disabled
    widget.retry_button.click()
    assert not widget.radio.disabled and widget.feedback.value == ""
    widget.radio.value = option_index(widget, "Innerhalb weniger Stunden")
    widget.check_button.click()
    assert "Richtig!" in widget.feedback.value and "1 von 1 Punkten" in widget.feedback.value
    answers = saved_answers(named)
    assert [(a["item_id"], a["attempt"], a["score"]) for a in answers] == [
        ("beispiel.sc-01", 1, 0.0),
        ("beispiel.sc-01", 2, 1.0),
    ]
    assert answers[0]["module"] == "01_beispiel"
    assert "Gespeichert." in widget.status.value


def test_reopening_shows_earlier_answer_as_answered(named):
    first = smmkit.quiz("beispiel.tf-01")
    first.toggle.value = False
    first.check_button.click()
    reopened = smmkit.quiz("beispiel.tf-01")
    assert reopened.toggle.value is False and reopened.toggle.disabled
    assert "bereits beantwortet (Versuch 1" in reopened.feedback.value
    reopened.retry_button.click()
    reopened.toggle.value = True
    reopened.check_button.click()
    assert [a["attempt"] for a in saved_answers(named)] == [1, 2]


def test_multiple_choice_partial_credit_in_widget(named):
    widget = smmkit.quiz("beispiel.mc-01")
    for i, box in widget.boxes.items():
        box.value = widget.item.options[i].text in ("Kundenservice", "Vertrieb")
    widget.check_button.click()
    assert "Teilweise richtig." in widget.feedback.value
    assert saved_answers(named)[-1]["score"] == pytest.approx(0.6667, abs=1e-3)


def test_ordering_buttons_move_steps(named):
    widget = smmkit.quiz("beispiel.ord-01")
    assert isinstance(widget, OrderingWidget) and widget.order != [0, 1, 2, 3]
    # bubble-sort with the buttons, as a learner would
    for _ in range(4):
        for position in range(3):
            if widget.order[position] > widget.order[position + 1]:
                row = widget.rows.children[position]
                row.children[1].click()  # "Nach unten"
    assert widget.order == [0, 1, 2, 3]
    widget.check_button.click()
    assert "Die Reihenfolge stimmt." in widget.feedback.value


def test_matching_fill_blanks_numeric_free_text(named):
    matching = smmkit.quiz("beispiel.mat-01")
    assert isinstance(matching, MatchingWidget)
    for dropdown, pair in zip(matching.dropdowns, matching.item.pairs, strict=True):
        dropdown.value = pair.right
    matching.check_button.click()
    assert "Richtig!" in matching.feedback.value

    gaps = smmkit.quiz("beispiel.gap-01")
    gaps.inputs[0].value, gaps.inputs[1].value = "Schnell", "vergessen"
    gaps.check_button.click()
    assert (
        "Teilweise richtig." in gaps.feedback.value and "Lob verdient Dank." in gaps.feedback.value
    )

    number = smmkit.quiz("beispiel.num-01")
    number.input.value = "15"
    number.check_button.click()
    assert "Rate nach Followern" in number.feedback.value

    essay = smmkit.quiz("beispiel.txt-01")
    essay.text.value = "Das tut uns leid, bitte schreiben Sie uns eine private Nachricht."
    assert "11 Wörter" in essay.counter.value
    essay.check_button.click()
    assert "Sie bieten einen privaten Kanal an." in essay.feedback.value
    assert "Musterantwort" in essay.model.value
    assert [a["item_id"] for a in saved_answers(named)] == [
        "beispiel.mat-01",
        "beispiel.gap-01",
        "beispiel.num-01",
        "beispiel.txt-01",
    ]


def test_quiz_set_summary_pass_and_band(named):
    widget = smmkit.quiz("beispiel.set-01")
    assert isinstance(widget, QuizSetWidget)
    sc, tf, num = widget.item_widgets
    sc.radio.value = option_index(sc, "Innerhalb weniger Stunden")
    sc.check_button.click()
    tf.toggle.value = False
    tf.check_button.click()
    assert "2 von 3 Fragen beantwortet" in widget.summary.value
    num.input.value = "3"
    num.check_button.click()
    assert "3 von 3 Punkten (100 %)" in widget.summary.value
    assert "Bestanden" in widget.summary.value


def click_choice(player, text):
    button = next(b for b in player.choices.children[1:] if b.description == text)
    button.click()


def test_scenario_player_to_an_ending_and_restart(named):
    player = smmkit.scenario("beispiel.scn-01")
    assert isinstance(player, ScenarioPlayer)
    shown = [b.description for b in player.choices.children[1:]]
    assert sorted(shown) == ["Bis Montag warten", "Sofort antworten"]
    click_choice(player, "Sofort antworten")
    assert "Schnell und offen." in player.last_feedback.value
    click_choice(player, "Kommentar löschen")
    assert "Eskalation" in player.story.value and "Nie löschen ohne Grund." in player.story.value
    saved = saved_answers(named)[-1]
    assert saved["answer"]["ending"] == "ende_schlecht" and saved["score"] == 0.0
    assert saved["answer"]["choices"] == [["anfang", 0], ["zweite", 1]]  # authored indexes
    assert saved["max_score"] == 3
    player.restart_button.click()
    assert player.run.node_id == "anfang" and "Freitag" in player.story.value
    again = smmkit.scenario("beispiel.scn-01")
    assert "Eskalation" in again.previous.value


def test_scenario_choices_are_shuffled_stably_per_participant(session):
    def order_for(name):
        session.set_participant(name)
        player = smmkit.scenario("beispiel.scn-01")
        click_choice(player, "Sofort antworten")
        return [b.description for b in player.choices.children[1:]]

    orders = {name: order_for(name) for name in ("Anna", "Ben", "Cem", "Dana", "Eva", "Fritz")}
    assert all(sorted(o) == sorted(orders["Anna"]) for o in orders.values())
    assert len({tuple(o) for o in orders.values()}) > 1  # not every participant sees one order
    assert order_for("Ben") == orders["Ben"]  # and each sees the same order every time


def test_scenario_group_mode_keeps_feedback_for_the_debrief(named):
    player = smmkit.scenario("beispiel.scn-01", feedback="end")
    click_choice(player, "Sofort antworten")
    assert player.last_feedback.value == ""  # the group discusses before anyone is told
    click_choice(player, "Privat weiterführen")
    story = player.story.value
    assert "Ihre Entscheidungen" in story
    assert story.index("Schnell und offen.") < story.index("Gut, Details privat klären.")
    assert "Zielkonflikt in diesem Fall" in story
    assert "Schutz der Kundendaten gegen Transparenz für Mitlesende" in story
    with pytest.raises(ValueError, match="feedback must be one of"):
        smmkit.scenario("beispiel.scn-01", feedback="never")


def test_scenario_group_mode_can_be_switched_on_without_code(named):
    player = smmkit.scenario("beispiel.scn-01")
    assert player.group_mode.value is False
    player.group_mode.value = True  # the checkbox a group ticks in the app
    click_choice(player, "Sofort antworten")
    assert player.last_feedback.value == ""


def test_self_assessment_draws_radar_and_saves_phase(named):
    widget = smmkit.self_assessment("beispiel.lik-01", phase="vorher")
    assert isinstance(widget, SelfAssessmentWidget)
    widget.submit_button.click()
    assert "Bitte bewerten Sie alle 4 Aussagen (0 bewertet)" in widget.status.value
    for value, radio in enumerate(widget.sliders.values(), start=2):
        radio.value = value
    widget.submit_button.click()
    assert widget.figure.axes[0].get_title() == "Ihr Kompetenzprofil (vorher)"
    record = saved_answers(named)[-1]
    assert record["phase"] == "vorher" and record["answer"] == {"k1": 2, "t1": 3, "s1": 4, "c1": 5}
    assert record["score"] is None
    after = smmkit.self_assessment("beispiel.lik-01", phase="nachher")
    for radio in after.sliders.values():
        radio.value = 5
    after.submit_button.click()
    labels = [line.get_label() for line in after.figure.axes[0].get_lines()]
    assert labels == ["vorher", "nachher"]


def test_answers_before_a_name_is_set_are_kept_and_written_later(session):
    widget = smmkit.quiz("beispiel.tf-01")
    widget.toggle.value = False
    widget.check_button.click()
    assert "Bitte geben Sie oben zuerst Ihren Namen" in widget.status.value
    name = smmkit.participant()
    assert isinstance(name, ParticipantWidget)
    name.name.value = "   "
    name.save_button.click()
    assert "Bitte geben Sie einen Namen" in name.message.value
    name.name.value = "Fuchs-17"
    name.save_button.click()
    assert "Willkommen, Fuchs-17!" in name.message.value
    assert progress.get_participant().name == "Fuchs-17"
    assert [a["item_id"] for a in saved_answers(session)] == ["beispiel.tf-01"]


def test_shuffle_is_stable_per_participant(session):
    session.set_participant("Person A")
    first = [o[0] for o in smmkit.quiz("beispiel.sc-01").radio.options]
    assert first == [o[0] for o in smmkit.quiz("beispiel.sc-01").radio.options]
    orders = set()
    for name in ("B", "C", "D", "E", "F", "G"):
        reset_session(root=VALID_ROOT).set_participant(name)
        orders.add(tuple(o[0] for o in smmkit.quiz("beispiel.sc-01").radio.options))
    assert len(orders) > 1


def test_controls_have_labels(named):
    widget = smmkit.quiz("beispiel.sc-01")
    assert widget.radio.description == "Ihre Antwort"
    gaps = smmkit.quiz("beispiel.gap-01")
    assert [box.description for box in gaps.inputs] == ["Lücke 1", "Lücke 2"]


def test_unknown_id_is_a_clear_error(session):
    with pytest.raises(smmkit.SmmkitError, match="unknown id 'beispiel.nope'"):
        smmkit.quiz("beispiel.nope")
    with pytest.raises(smmkit.SmmkitError, match="is a single_choice, expected scenario"):
        smmkit.scenario("beispiel.sc-01")


def _models(widget) -> list:
    """The widget and every model it refers to (children, layout, style), once each."""
    import ipywidgets as W

    found, todo = {}, [widget]
    while todo:
        model = todo.pop()
        if model.model_id in found:
            continue
        found[model.model_id] = model
        for name in ("layout", "style"):
            if isinstance(getattr(model, name, None), W.Widget):
                todo.append(getattr(model, name))
        todo.extend(getattr(model, "children", ()))
    return list(found.values())


def test_widgets_share_layout_and_style_models_and_never_change_them(named):
    import ipywidgets as W
    from ipywidgets.widgets.widget_string import HTMLStyle

    from smmkit.kernel.widgets import shared

    widgets = [smmkit.quiz(item) for item in ("beispiel.sc-01", "beispiel.ord-01")]
    for widget in widgets:  # check, retry, check: the buttons' own layouts change
        widget.check_button.click()
        widget.retry_button.click()
        widget.check_button.click()
    scenario = smmkit.scenario("beispiel.scn-01")
    scenario.choices.children[1].click()
    models = [m for widget in [*widgets, scenario] for m in _models(widget)]
    htmls = [m for m in models if isinstance(m, W.HTML)]
    assert htmls and all(m.style is shared.HTML_STYLE for m in htmls)
    # Far fewer layout and style models than widgets (each widget used to make its own).
    own = {id(m) for m in models if isinstance(m, (W.Layout, HTMLStyle, W.ButtonStyle))}
    assert len(own) < len(models) / 3
    # Every shared model still has its own settings, whatever the widgets did.
    for model, fresh in [
        (shared.PLAIN, W.Layout()),
        (shared.AUTO_WIDTH, W.Layout(width="auto")),
        (shared.TEXT_WIDTH, W.Layout(max_width="52em")),
        (shared.HTML_STYLE, HTMLStyle()),
        (shared.BUTTON_STYLE, W.ButtonStyle()),
    ]:
        assert model.get_state() == fresh.get_state()
