"""The workshop room without a server: roster, tokens, overview, QR code, a room kernel's
identity. The server itself is tested running, in tests/browser/test_room*.py."""

from __future__ import annotations

import json
import stat

import pytest
from helpers import VALID_ROOT, saved_records

import smmkit
from smmkit import store
from smmkit.kernel.session import PARTICIPANT_ENV, ROOM_ENV, reset_session
from smmkit.room import network, views
from smmkit.room.roster import RoomClosed, RoomFull, Roster, is_trainer_secret, trainer_secret


@pytest.fixture
def roster(results_dir):
    return Roster.load(results_dir)


def test_joining_gives_each_browser_a_token_and_a_file_of_its_own(roster, results_dir):
    anna, token = roster.join("  Anna  ")
    other, other_token = roster.join("Anna B.")
    assert anna.name == "Anna" and anna.key.startswith("anna-")
    assert token != other_token and len(token) >= 40
    again = Roster.load(results_dir)  # a restarted server knows everyone
    assert again.member_for_token(token) == anna and again.member_for_token(other_token) == other


def test_a_name_is_taken_once_per_room(roster):
    roster.join("Anna")
    with pytest.raises(ValueError, match="gibt es in diesem Raum schon"):
        roster.join("  anna ")
    assert len(roster.members) == 1


def test_the_roster_keeps_no_token_only_its_hash(roster, results_dir):
    _, token = roster.join("Berta")
    text = (results_dir / ".room" / "roster.json").read_text(encoding="utf-8")
    assert token not in text and "Berta" in text


def test_a_wrong_or_missing_token_is_nobody(roster):
    roster.join("Carl")
    assert roster.member_for_token("") is None
    assert roster.member_for_token(None) is None
    assert roster.member_for_token("guess") is None


def test_invalid_names_are_refused_in_german(roster):
    with pytest.raises(ValueError, match="Namen"):
        roster.join("   ")
    with pytest.raises(ValueError):
        roster.join("x" * 200)
    assert roster.members == []


def test_limit_and_closing(roster):
    roster.join("Dora", limit=1)
    with pytest.raises(RoomFull):
        roster.join("Emil", limit=1)
    roster.closed = True
    with pytest.raises(RoomClosed):
        roster.join("Emil")


def test_trainer_secret_is_private_and_stable(results_dir):
    secret = trainer_secret(results_dir)
    assert trainer_secret(results_dir) == secret and len(secret) >= 20
    path = results_dir / ".room" / "trainer-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert is_trainer_secret(results_dir, secret)
    assert not is_trainer_secret(results_dir, secret[:-1]) and not is_trainer_secret(
        results_dir, ""
    )


def test_results_loader_ignores_the_room_folder(roster, results_dir, fixture_bank):
    from smmkit.results.loader import load_results

    roster.join("Fritz")
    loaded = load_results(results_dir, fixture_bank)
    assert loaded.files == [] and loaded.warnings == []


def test_overview_counts_a_modules_answered_items(tmp_path, fixture_bank):
    notebook = tmp_path / "01_beispiel.ipynb"
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Modul 1: Beispiel"},
        {"cell_type": "code", "metadata": {}, "source": 'smmkit.quiz("beispiel.sc-01")'},
        {"cell_type": "code", "metadata": {}, "source": 'smmkit.quiz("beispiel.tf-01")'},
    ]
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}), encoding="utf-8")  # fmt: skip
    pages = views.module_pages(tmp_path, fixture_bank)
    assert [(p.path, p.title, p.items) for p in pages] == [
        ("01_beispiel.ipynb", "Beispiel", ("beispiel.sc-01", "beispiel.tf-01"))
    ]
    shown = views.overview(pages, {"beispiel.tf-01", "other.item"})
    assert shown == [{"path": "01_beispiel.ipynb", "title": "Beispiel", "answered": 1, "total": 2}]


def test_join_urls_say_where_the_room_is():
    assert network.join_urls("127.0.0.1", 8866) == ["http://127.0.0.1:8866/"]
    assert "Nur auf diesem Rechner" in network.reachable_from("127.0.0.1")
    assert "alle Geräte" in network.reachable_from("0.0.0.0")
    for url in network.join_urls("0.0.0.0", 8866):
        assert url.startswith("http://") and url.endswith(":8866/")


def test_qr_code_is_inline_svg_and_terminal_text():
    svg = network.qr_svg("http://192.0.2.2:8866/")
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[1]  # no external refs
    assert "█" in network.qr_text("http://192.0.2.2:8866/")


# --- a room kernel's identity --------------------------------------------------------------


@pytest.fixture
def room_kernel(monkeypatch, results_dir):
    """A kernel as the room starts it: room mode, and (later) the requesting participant."""
    monkeypatch.setenv(ROOM_ENV, "1")
    monkeypatch.delenv(PARTICIPANT_ENV, raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    roster = Roster.load(results_dir)
    return roster


def test_room_kernel_answers_for_the_participant_of_its_request(room_kernel, monkeypatch):
    member, _ = room_kernel.join("Gina")
    monkeypatch.setenv(PARTICIPANT_ENV, member.key)
    session = reset_session(root=VALID_ROOT)
    assert session.participant == member.participant
    widget = smmkit.quiz("beispiel.tf-01")
    widget.toggle.value = False
    widget.check_button.click()
    assert [r["item_id"] for r in saved_records(session.store().path)] == ["beispiel.tf-01"]
    assert session.store().path.name == f"{member.key}.json"


def test_room_kernel_cannot_change_its_name(room_kernel, monkeypatch):
    member, _ = room_kernel.join("Hans")
    monkeypatch.setenv(PARTICIPANT_ENV, member.key)
    session = reset_session(root=VALID_ROOT)
    with pytest.raises(ValueError, match="Workshop-Raum"):
        session.set_participant("Someone Else")
    box = smmkit.participant()
    assert "Sie nehmen als Hans teil" in box.message.value
    assert not hasattr(box, "children") or box.name not in box.children


def test_an_unknown_key_is_nobody(room_kernel, monkeypatch):
    monkeypatch.setenv(PARTICIPANT_ENV, "made-up-key")
    assert reset_session(root=VALID_ROOT).participant is None


def test_a_warmed_kernel_learns_its_participant_later_and_resumes(room_kernel, monkeypatch):
    """Widgets shown before the request keep answers pending, then show earlier answers."""
    member, _ = room_kernel.join("Ida")
    earlier = store.ProgressStore(member.participant)
    earlier.record("beispiel.tf-01", False, 0.0, 1.0, module="01_beispiel")
    session = reset_session(root=VALID_ROOT)  # no participant in the environment yet
    assert session.participant is None
    resumed = smmkit.quiz("beispiel.tf-01")
    fresh = smmkit.quiz("beispiel.sc-01")
    fresh.radio.value = 0
    fresh.check_button.click()  # answered before the kernel knows who: kept pending
    assert session.pending and not resumed.toggle.disabled
    box = smmkit.participant()
    assert "Moment" in box.message.value

    monkeypatch.setenv(PARTICIPANT_ENV, member.key)  # what Voilà's request info does
    session._arrive(session.participant)

    assert resumed.toggle.disabled and "bereits beantwortet" in resumed.feedback.value
    assert not session.pending
    saved = [r["item_id"] for r in saved_records(session.store().path)]
    assert saved == ["beispiel.tf-01", "beispiel.sc-01"]
    assert "Sie nehmen als Ida teil" in box.message.value


def test_on_one_machine_nothing_changes():
    session = reset_session(root=VALID_ROOT)
    assert not session.room
    session.set_participant("Jana")
    assert store.get_participant().name == "Jana"


# --- after the workshop --------------------------------------------------------------------


def test_purge_deletes_the_rooms_personal_data_and_keeps_other_files(roster, results_dir):
    from smmkit.cli import main
    from smmkit.results.pseudonyms import folder_salt

    member, _ = roster.join("Karl")
    store.ProgressStore(member.participant, results_dir).record("x.y-01", 1, 1.0, 1.0)
    folder_salt(results_dir)
    trainer_secret(results_dir)
    (results_dir / "bericht.html").write_text("<p>Bericht</p>", encoding="utf-8")
    (results_dir / "notizen.json").write_text('{"eigene": "Notizen"}', encoding="utf-8")
    assert main(["results", "purge", str(results_dir), "--yes"]) == 0
    assert sorted(p.name for p in results_dir.iterdir()) == ["bericht.html", "notizen.json"]
    assert main(["results", "purge", str(results_dir), "--yes"]) == 0  # nothing left: fine


def test_purge_asks_first(roster, results_dir, monkeypatch, capsys):
    from smmkit.cli import main

    member, _ = roster.join("Lea")
    store.ProgressStore(member.participant, results_dir).record("x.y-01", 1, 1.0, 1.0)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["results", "purge", str(results_dir)]) == 1
    assert f"{member.key}.json" in capsys.readouterr().out
    assert (results_dir / f"{member.key}.json").exists()
