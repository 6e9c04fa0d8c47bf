"""Who answers on a JupyterHub: the hub user, with an optional display name (no hub needed:
JupyterHub sets ``JUPYTERHUB_USER`` for the single-user server and its kernels)."""

from __future__ import annotations

import pytest
from helpers import VALID_ROOT, saved_records

import smmkit
from smmkit import store as progress
from smmkit.kernel.session import hub_participant, hub_user
from smmkit.kernel.widgets import ParticipantWidget, reset_session


@pytest.fixture
def on_hub(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "anna.mueller")
    return reset_session(root=VALID_ROOT)


def option_index(widget, text):
    return next(i for i, o in enumerate(widget.item.options) if o.text == text)


def test_outside_a_hub_nothing_changes():
    assert hub_user() is None and hub_participant() is None
    session = reset_session(root=VALID_ROOT)
    assert not session.hub and session.participant is None
    widget = ParticipantWidget(session)
    assert widget.name.value == "" and not hasattr(widget, "change_button")


def test_the_hub_user_is_the_participant_without_typing(on_hub):
    person = on_hub.participant
    assert person == progress.Participant("anna.mueller", progress.participant_key("anna.mueller"))
    widget = smmkit.participant()
    assert "anna.mueller" in widget.message.value and "Konto anna.mueller" in widget.message.value
    assert widget.editor.layout.display == "none"  # no name box until asked for
    quiz = smmkit.quiz("beispiel.sc-01")
    quiz.radio.value = option_index(quiz, "Innerhalb weniger Stunden")
    quiz.check_button.click()
    saved = progress.ProgressStore(person).path
    assert saved.name == f"{progress.participant_key('anna.mueller')}.json"
    assert [r["item_id"] for r in saved_records(saved)] == ["beispiel.sc-01"]


def test_a_display_name_changes_the_name_but_never_the_file(on_hub, results_dir):
    key = progress.participant_key("anna.mueller")
    first = smmkit.quiz("beispiel.sc-01")
    first.radio.value = option_index(first, "Innerhalb weniger Stunden")
    first.check_button.click()

    widget = smmkit.participant()
    widget.change_button.click()
    assert widget.editor.layout.display is None and widget.change_button.layout.display == "none"
    widget.name.value = "Fuchs-17"
    widget.save_button.click()
    assert "Fuchs-17" in widget.message.value and "Konto anna.mueller" in widget.message.value
    assert widget.editor.layout.display == "none"
    assert on_hub.participant == progress.Participant("Fuchs-17", key)

    again = smmkit.quiz("beispiel.sc-01")  # shows the earlier answer: same file
    assert again.radio.disabled
    again.retry_button.click()
    again.check_button.click()
    assert sorted(p.name for p in results_dir.glob("*.json")) == [f"{key}.json"]
    document = progress.ProgressStore(progress.Participant("Fuchs-17", key)).export()
    assert document["participant"] == {"name": "Fuchs-17", "key": key}
    assert [a["attempt"] for a in document["answers"]] == [1, 2]

    reopened = reset_session(root=VALID_ROOT)  # a new kernel keeps the display name
    assert reopened.participant == progress.Participant("Fuchs-17", key)


def test_an_invalid_display_name_is_refused_and_changes_nothing(on_hub):
    widget = smmkit.participant()
    widget.change_button.click()
    widget.name.value = "   "
    widget.save_button.click()
    assert "leer" in widget.message.value.lower() or "name" in widget.message.value.lower()
    assert on_hub.participant.name == "anna.mueller"


def test_a_name_saved_before_the_hub_becomes_the_display_name(monkeypatch):
    progress.set_participant("Anna M.")
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")
    session = reset_session(root=VALID_ROOT)
    assert session.participant == progress.Participant("Anna M.", progress.participant_key("anna"))


def test_the_room_takes_precedence_over_the_hub(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")
    monkeypatch.setenv("SMMKIT_ROOM", "1")
    assert hub_user() is None
    session = reset_session(root=VALID_ROOT)
    assert session.room and not session.hub
    assert session.participant is None  # the room's request header decides, not the hub
    with pytest.raises(ValueError):
        session.set_participant("Anna")


def test_blank_hub_user_counts_as_no_hub(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "  ")
    assert hub_user() is None
    assert not reset_session(root=VALID_ROOT).hub


def test_progress_command_exports_the_hub_users_answers(on_hub, results_dir, capsys):
    from smmkit.cli import main

    on_hub.record("beispiel.sc-01", 0, 1.0, 1.0)
    assert main(["progress", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert progress.participant_key("anna.mueller") in out and "beispiel.sc-01" in out
