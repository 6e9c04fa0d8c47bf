"""Live questions without a server: answers, tallies, word normalisation, points, moderation."""

from __future__ import annotations

import pytest

from smmkit.room.questions import (
    LiveBoard,
    LiveError,
    cloud_words,
    is_offensive,
    normalise_word,
    score,
    tally,
)


@pytest.fixture
def board():
    return LiveBoard()


def test_a_poll_counts_the_latest_answer_of_each_person(board):
    q = board.start("poll", "Welcher Kanal?", ["Instagram", "LinkedIn", " ", "Facebook"])
    assert q.options == ["Instagram", "LinkedIn", "Facebook"]  # empty lines dropped
    board.answer(q.id, "a", 1)
    board.answer(q.id, "b", 1)
    board.answer(q.id, "a", 0)  # changed her mind
    assert [b["count"] for b in tally(q)["bars"]] == [1, 1, 0]
    assert tally(q)["answered"] == 2
    with pytest.raises(LiveError, match="wählen"):
        board.answer(q.id, "c", 5)
    with pytest.raises(LiveError):
        board.answer(q.id, "c", True)


def test_a_poll_needs_two_to_eight_options_and_a_question(board):
    with pytest.raises(LiveError, match="2 bis 8"):
        board.start("poll", "Nur eine?", ["Ja"])
    with pytest.raises(LiveError, match="Frage"):
        board.start("words", "  ")
    with pytest.raises(LiveError):
        board.start("quiz", "x")


def test_bank_items_are_graded_and_revealed_with_their_solution(board, fixture_bank):
    item = fixture_bank.items["beispiel.sc-01"]
    q = board.start("item", item=item)
    right = next(i for i, o in enumerate(item.options) if o.correct)
    stored = board.answer(q.id, "a", right, item)
    assert score(q, stored, item) == (1.0, 1.0)
    assert "solution" not in tally(q, item)
    board.reveal(q.id)
    assert tally(q, item)["solution"]["correct"] == [right]
    true_false = fixture_bank.items["beispiel.tf-01"]
    q2 = board.start("item", item=true_false)
    assert q.stage == "closed"  # starting a question closes the one before
    board.answer(q2.id, "a", False, true_false)
    assert [b["count"] for b in tally(q2, true_false)["bars"]] == [0, 1]


def test_items_that_cannot_go_live_are_refused(board, fixture_bank):
    with pytest.raises(LiveError, match="Live gehen nur"):
        board.start("item", item=fixture_bank.items["beispiel.txt-01"])


def test_words_are_normalised_and_stop_words_dropped():
    assert normalise_word("  „Humor!“ ") == "humor"
    assert normalise_word("Straße") == "straße"
    assert cloud_words("Die Nähe, und HUMOR; humor / Ehrlichkeit Tempo") == [
        "nähe",
        "humor",
        "ehrlichkeit",
    ]
    assert cloud_words("und die der 2026") == []


def test_a_word_cloud_hides_swear_words_until_the_trainer_shows_them(board):
    q = board.start("words", "Ein Wort zu unserem Auftritt")
    board.answer(q.id, "a", "Humor Scheißegal")
    board.answer(q.id, "b", "humor")
    assert [(w["word"], w["count"]) for w in tally(q)["words"]] == [("humor", 2)]
    hidden = [w for w in tally(q, for_trainer=True)["words"] if w["hidden"]]
    assert [w["word"] for w in hidden] == ["scheißegal"]
    board.moderate(q.id, "scheißegal", hidden=False)
    assert "scheißegal" in [w["word"] for w in tally(q)["words"]]
    board.moderate(q.id, "Humor", hidden=True)
    assert [w["word"] for w in tally(q)["words"]] == ["scheißegal"]
    with pytest.raises(LiveError, match="Wörter"):
        board.answer(q.id, "c", "und oder")


def test_offensive_words_are_found_at_the_start_of_a_word():
    assert is_offensive("So ein Scheißladen") and is_offensive("ARSCHLOCH")
    assert not is_offensive("Schaufenster Kasse Bäckerei")


def test_an_idea_round_collects_then_ranks_by_points(board):
    q = board.start("ideas", "Ideen für den nächsten Post")
    first = board.add_idea(q.id, "a", "  Blick in   die Backstube ")
    assert first.text == "Blick in die Backstube"
    second = board.add_idea(q.id, "b", "Kundenfrage der Woche")
    rude = board.add_idea(q.id, "b", "Der Chef ist ein Idiot")
    assert rude.hidden
    with pytest.raises(LiveError, match="Abstimmung"):
        board.vote(q.id, "a", {second.id: 1})
    board.to_voting(q.id)
    with pytest.raises(LiveError):
        board.add_idea(q.id, "c", "Zu spät")
    board.vote(q.id, "a", {second.id: 2, first.id: 1})
    board.vote(q.id, "b", {second.id: 1})
    with pytest.raises(LiveError, match="3 Punkte"):
        board.vote(q.id, "c", {second.id: 2, first.id: 2})
    with pytest.raises(LiveError, match="Höchstens 2"):
        board.vote(q.id, "c", {second.id: 3})
    with pytest.raises(LiveError, match="kann man nicht"):
        board.vote(q.id, "c", {rude.id: 1})
    shown = tally(q)
    assert [(i["text"], i["points"]) for i in shown["ideas"]] == [
        ("Kundenfrage der Woche", 3),
        ("Blick in die Backstube", 1),
    ]
    assert shown["voted"] == 2
    assert len(tally(q, for_trainer=True)["ideas"]) == 3


def test_three_ideas_per_person_and_a_length_limit(board):
    q = board.start("ideas", "Ideen")
    for n in range(3):
        board.add_idea(q.id, "a", f"Idee {n}")
    with pytest.raises(LiveError, match="schon 3"):
        board.add_idea(q.id, "a", "Noch eine")
    with pytest.raises(LiveError, match="140"):
        board.add_idea(q.id, "b", "x" * 141)


def test_closed_questions_take_no_answers_and_can_run_again(board):
    q = board.start("poll", "Frage", ["A", "B"])
    board.answer(q.id, "a", 0)
    board.close(q.id)
    with pytest.raises(LiveError, match="geschlossen"):
        board.answer(q.id, "b", 1)
    again = board.again(q.id)
    assert again.id != q.id and again.answers == {} and again.prompt == "Frage"
    assert q.answers == {"a": 0}  # the first run stays on record


def test_the_board_survives_a_round_trip(board):
    q = board.start("ideas", "Ideen")
    board.add_idea(q.id, "a", "Eine Idee")
    copy = LiveBoard.from_dict(board.to_dict())
    assert copy == board and copy.current.ideas[0].text == "Eine Idee"


def test_the_group_report_has_the_rooms_live_questions(results_dir, fixture_bank, tmp_path):
    import json

    from smmkit import store
    from smmkit.results.loader import load_results
    from smmkit.results.report import prepare_report, write_report

    board = LiveBoard()
    words = board.start("words", "Ein Wort zu unserem Auftritt")
    board.answer(words.id, "a", "Humor Nähe")
    board.answer(words.id, "b", "humor Idiotenkram")
    board.moderate(words.id, "nähe", hidden=True)
    ideas = board.start("ideas", "Ideen für den nächsten Post")
    idea = board.add_idea(ideas.id, "a", "Blick in die Backstube")
    board.to_voting(ideas.id)
    board.vote(ideas.id, "b", {idea.id: 2})
    (results_dir / ".room").mkdir()
    (results_dir / ".room" / "live.json").write_text(json.dumps(board.to_dict()), "utf-8")
    person = store.Participant("Anna", "anna-1234abcd")
    store.ProgressStore(person, results_dir).record("live.q1", ["humor", "nähe"], None, None,
                                                    phase="live")  # fmt: skip

    loaded = load_results(results_dir, fixture_bank)
    assert not loaded.warnings  # live answers are known answers, not unknown items
    files = write_report(prepare_report(loaded, fixture_bank, charts=False),
                         tmp_path / "bericht.html", csv_dir=tmp_path / "csv")  # fmt: skip
    page = files.html.read_text(encoding="utf-8")
    assert "Wortwolken im Raum" in page and "Ideenrunden im Raum" in page
    assert "humor" in page and "Blick in die Backstube" in page
    assert "idiotenkram" not in page and "nähe" not in page  # held back or hidden
    ideas_csv = (tmp_path / "csv" / "live-ideen.csv").read_text(encoding="utf-8-sig")
    assert "Blick in die Backstube;2;1" in ideas_csv


def test_numeric_and_likert_items_go_live(board, fixture_bank):
    numeric = fixture_bank.items["beispiel.num-01"]
    q = board.start("item", item=numeric)
    assert board.answer(q.id, "a", str(numeric.answer).replace(".", ","), numeric) == numeric.answer
    board.answer(q.id, "b", numeric.answer + 1000, numeric)
    assert score(q, numeric.answer, numeric)[0] == 1.0
    with pytest.raises(LiveError, match="Zahl"):
        board.answer(q.id, "c", "viele", numeric)
    board.reveal(q.id)
    assert tally(q, numeric)["solution"]["text"].startswith(f"{numeric.answer:g}".replace(".", ","))

    likert = fixture_bank.items["beispiel.lik-01"]
    q2 = board.start("item", item=likert)
    ratings = {s.id: 4 for s in likert.statements}
    board.answer(q2.id, "a", ratings, likert)
    board.answer(q2.id, "b", {s.id: 2 for s in likert.statements}, likert)
    assert [b["mean"] for b in tally(q2, likert)["bars"]] == [3.0] * len(likert.statements)
    assert score(q2, ratings, likert) == (None, None)  # self-assessments are not scored
    with pytest.raises(LiveError, match="1 bis 5"):
        board.answer(q2.id, "c", {s.id: 9 for s in likert.statements}, likert)
