"""Quizzes on paper and the cell-level preprocessors, without a kernel."""

from __future__ import annotations

import nbformat
import pytest
from helpers import VALID_ROOT

from smmkit.errors import NotebookError
from smmkit.kernel import charts
from smmkit.publish import paper
from smmkit.publish.preprocessors import (
    ClearSolutions,
    RenderBankItems,
    StripSolutionMarkers,
)
from smmkit.publish.solutions import clear_solutions, strip_markers


@pytest.fixture
def items(fixture_bank):
    return fixture_bank.items


def test_participant_choice_has_boxes_but_no_answers(items):
    item = items["beispiel.sc-01"]
    sheet = paper.render_item(item, "participant")
    assert sheet.count("☐") == 3 and "☒" not in sheet and "smmkit-correct" not in sheet
    for option in item.options:
        assert option.text in sheet and option.feedback not in sheet
    key = paper.render_item(item, "trainer")
    assert key.count("☒") == 1 and "smmkit-correct" in key
    assert all(option.feedback in key for option in item.options)


@pytest.mark.parametrize(
    ("item_id", "participant_has", "trainer_has"),
    [
        ("beispiel.tf-01", "☐</span> Falsch", "Don't feed the troll."),
        ("beispiel.ord-01", "Nummerieren Sie", "Erst die Idee"),
        ("beispiel.mat-01", "Buchstaben", "Berufliches Netzwerk."),
        ("beispiel.gap-01", "(1)</strong> ____", "schnell / zügig"),
        ("beispiel.num-01", "Rechenweg", "Das ist die Rate nach Followern"),
        ("beispiel.txt-01", "smmkit-line", "Bieten Sie einen privaten Kanal an."),
        ("beispiel.lik-01", "trifft voll zu", "trifft voll zu"),
    ],
)
def test_each_type_on_paper(items, item_id, participant_has, trainer_has):
    item = items[item_id]
    participant, trainer = (
        paper.render_item(item, "participant"),
        paper.render_item(item, "trainer"),
    )
    assert participant_has in participant
    assert trainer_has in trainer
    if item.type != "likert":
        assert trainer_has not in participant


def test_bank_text_is_escaped_and_only_markdown_fields_become_markup(items):
    item = items["beispiel.sc-01"]
    option = item.options[0].model_copy(update={"text": '<img src=x onerror="alert(1)"> & Co'})
    tricky = item.model_copy(
        update={
            "title": "<b>Titel</b>",
            "prompt": "Ein **fetter** Hinweis",
            "options": [option, *item.options[1:]],
        }
    )
    for mode in ("participant", "trainer"):
        sheet = paper.render_item(tricky, mode)
        assert "<img" not in sheet and "<b>Titel" not in sheet
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co" in sheet
        assert "&lt;b&gt;Titel&lt;/b&gt;" in sheet
        assert "Ein <strong>fetter</strong> Hinweis" in sheet


def test_matching_key_letters_match_the_pairs(items):
    item = items["beispiel.mat-01"]
    trainer = paper.render_item(item, "trainer")
    assert "Steuererklärung" in trainer  # distractor listed
    assert trainer.count('class="smmkit-numbox">') == 3


def test_gamebook_numbers_sections_and_hides_debriefs(items):
    scenario = items["beispiel.scn-01"]
    numbers = paper.section_numbers(scenario)
    assert numbers["anfang"] == 1 and sorted(numbers.values()) == list(range(1, 7))
    book = paper.gamebook(scenario)
    assert "Abschnitt 1" in book and "weiter bei Abschnitt" in book
    assert "Notieren Sie +2 Punkte." in book  # points are shown only after choosing
    assert "Mit 3 oder mehr Punkten: weiter bei Abschnitt" in book
    for node in scenario.nodes:
        if node.ending:
            assert node.ending.debrief not in book
    for choice in scenario.nodes[0].choices:
        assert choice.feedback not in book


def test_trainer_scenario_key_has_map_with_alt_text_and_debriefs(items):
    key = paper.render_item(items["beispiel.scn-01"], "trainer")
    assert '<img src="data:image/svg+xml;base64,' in key
    assert 'alt="Ablaufplan des Fallbeispiels „Kommentar am Freitagabend“ mit 6 Abschnitten' in key
    assert "Bester Weg" in key and "Nie löschen ohne Grund." in key
    assert "Zielkonflikt in Abschnitt" in key
    assert "Schutz der Kundendaten gegen Transparenz für Mitlesende" in key
    book = paper.gamebook(items["beispiel.scn-01"])
    assert "Zielkonflikt" not in book  # participants meet the dilemma without a label


def test_gamebook_letters_follow_the_shuffled_order_and_the_key_agrees(items):
    scenario = items["beispiel.scn-01"]
    book = paper.gamebook(scenario)
    key = paper.scenario_key(scenario)
    node = scenario.node("zweite")
    printed = sorted(node.choices, key=lambda c: book.index(c.text))
    assert [c.text for c in printed] != [c.text for c in node.choices]  # not the authored order
    number = paper.section_numbers(scenario)["zweite"]
    for letter, choice in zip("ABC", printed, strict=True):
        assert f"<td>{number}{letter}</td><td>{choice.text}</td>" in key


def test_ordering_key_lists_accepted_alternatives(items):
    item = items["beispiel.ord-01"].model_copy(update={"alternatives": [[1, 3, 2, 4]]})
    assert "Ebenfalls richtig" in paper.render_item(item, "trainer")
    assert "Idee → Freigabe → Entwurf → Posting" in paper.render_item(item, "trainer")
    assert "Ebenfalls richtig" not in paper.render_item(item, "participant")


def test_quiz_set_on_paper_numbers_items_and_trainer_gets_bands(fixture_bank):
    quiz_set = fixture_bank.quiz_sets["beispiel.set-01"]
    participant = paper.render_quiz_set(quiz_set, fixture_bank.items, "participant")
    assert "1. Antwortzeit" in participant and "Bestanden." not in participant
    assert "Bestehensgrenze 60 %" in paper.render_quiz_set(quiz_set, fixture_bank.items, "trainer")


CELL = "df = load()\n    # BEGIN SOLUTION\n    total = df.sum()\n    # END SOLUTION\nprint(total)"


def test_solution_markers_keep_indentation():
    assert clear_solutions(
        "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n"
    ) == ("def f():\n    # Ihre Lösung hier\n    pass")
    assert (
        clear_solutions("x = 1\n# BEGIN SOLUTION\ny = 2\n# END SOLUTION\nz = 3")
        == "x = 1\n# Ihre Lösung hier\nz = 3"
    )
    assert strip_markers(CELL) == "df = load()\n    total = df.sum()\nprint(total)"


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_cell_preprocessors():
    trainer = nbformat.v4.new_markdown_cell(
        "**Hinweis für Trainerinnen und Trainer** …", metadata={"tags": ["trainer"]}
    )
    whole = nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution"]})
    marked = "a = 1\n# BEGIN SOLUTION\nb = a + 1\n# END SOLUTION"
    partial = nbformat.v4.new_code_cell(marked)
    nb = _notebook(trainer, whole, partial)
    nb.cells = nb.cells[1:]  # the trainer cell: nbconvert's TagRemovePreprocessor drops it
    nb, _ = ClearSolutions().preprocess(nb, {})
    assert [c.source for c in nb.cells] == ["# Ihre Lösung hier", "a = 1\n# Ihre Lösung hier"]
    solved, _ = StripSolutionMarkers().preprocess(_notebook(nbformat.v4.new_code_cell(marked)), {})
    assert solved.cells[0].source == "a = 1\nb = a + 1"


def test_broken_markers_name_notebook_cell_and_line():
    nb = _notebook(
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("y = 1\n# BEGIN SOLUTION\nz = 2"),
    )
    resources = {"metadata": {"name": "02_kaputt", "path": "notebooks/de"}}
    with pytest.raises(
        NotebookError,
        match=r"notebooks/de/02_kaputt.ipynb: cell 2, line 2: BEGIN SOLUTION without END",
    ):
        ClearSolutions().preprocess(nb, resources)


def test_render_bank_items_replaces_widget_cells(tmp_path):
    nb = _notebook(
        nbformat.v4.new_code_cell("import smmkit\nsmmkit.participant()"),
        nbformat.v4.new_code_cell('smmkit.quiz("beispiel.sc-01")'),
        nbformat.v4.new_code_cell("x = 1\n# BEGIN SOLUTION\ny = 2\n# END SOLUTION"),
    )
    resources = {"metadata": {"name": "01_beispiel", "path": str(VALID_ROOT / "notebooks" / "de")}}
    step = RenderBankItems(mode="participant", root=str(VALID_ROOT), lang="de")
    out, _ = step.preprocess(nb, resources)
    html = [c.outputs[0]["data"]["text/html"] for c in out.cells]
    assert "Ihr Name oder Pseudonym" in html[0]
    assert "Innerhalb weniger Stunden" in html[1] and "zügige Antwort" not in html[1]
    assert "Ihre Lösung und Notizen" in html[2]
    assert out.cells[1].metadata["transient"]["remove_source"]


def exercise_cell(name: str, source: str | None = None):
    cell = nbformat.v4.new_code_cell(source or f'smmkit.exercise("{name}")')
    cell.metadata["smmkit"] = {"exercise": name}
    return cell


def test_exercise_cells_print_through_the_registry_found_by_metadata(tmp_path):
    nb = _notebook(
        exercise_cell("raci"),
        exercise_cell("posts"),
        exercise_cell("strategy"),
        nbformat.v4.new_code_cell("RaciExercise()"),  # no metadata: not an exercise cell
    )
    resources = {"metadata": {"name": "x", "path": str(VALID_ROOT / "notebooks" / "de")}}
    participant, _ = RenderBankItems(mode="participant", root=str(VALID_ROOT)).preprocess(
        nb, resources
    )
    raci, post, strategy = (c.outputs[0]["data"]["text/html"] for c in participant.cells[:3])
    assert all(c.metadata["transient"]["remove_source"] for c in participant.cells[:3])
    assert "<table" in raci and "Post-Werkstatt" in post and "höchstens 2.200 Zeichen" in post
    assert "Lindner, Brot, Kruste" in post and "☐" in post  # the notebook's options: content
    assert "Strategie-Leinwand" in strategy and "smmkit-key" not in strategy
    assert not participant.cells[3].get("outputs")
    nb2 = _notebook(exercise_cell("raci"))
    trainer, _ = RenderBankItems(mode="trainer", root=str(VALID_ROOT)).preprocess(nb2, resources)
    key = trainer.cells[0].outputs[0]["data"]["text/html"]
    assert key != raci and len(key) > len(raci)


def test_an_unknown_exercise_in_metadata_stops_the_build_naming_the_cell():
    nb = _notebook(nbformat.v4.new_markdown_cell("# Titel"), exercise_cell("kalender"))
    resources = {"metadata": {"name": "x", "path": str(VALID_ROOT / "notebooks" / "de")}}
    with pytest.raises(NotebookError, match="cell 2: unknown exercise 'kalender'"):
        RenderBankItems(root=str(VALID_ROOT)).preprocess(nb, resources)


def test_gamebooks_print_the_same_in_every_process():
    """Section numbers must not depend on set order (which changes with PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    from helpers import REPO

    script = (
        "import hashlib; from smmkit.bank import load_bank; from smmkit.publish.paper import gamebook\n"
        f"bank = load_bank({str(REPO)!r})\n"
        "books = [gamebook(i) for i in bank.items.values() if i.type == 'scenario']\n"
        "print(len(books), hashlib.sha256(''.join(books).encode()).hexdigest())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1, outputs
    assert int(outputs.pop().split()[0]) >= 10


def test_scenario_map_is_vector_text_and_every_label_meets_wcag_aa(items):
    scenario = items["beispiel.scn-01"]
    figure, _ = charts.scenario_map(scenario, paper.section_numbers(scenario))
    labels = [text for text in figure.axes[0].texts if text.get_bbox_patch() is not None]
    assert len(labels) == len(scenario.nodes)
    for label in labels:
        fill = label.get_bbox_patch().get_facecolor()
        assert charts.contrast_ratio(label.get_color(), fill) >= 4.5, label.get_text()
    svg = charts.figure_svg(figure).decode()
    assert "<text" in svg and "Bestes Ende" in svg  # text, not glyph outlines: sharp, searchable
    assert "<dc:date>" not in svg


def test_text_colour_follows_the_fill():
    assert charts.readable_on("#f1a340") == "black" and charts.readable_on("#1b7837") == "white"
    assert charts.contrast_ratio("white", "black") == pytest.approx(21)


def _small_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Modul X: Test\n\nText mit Umlauten: äöüß."),
        nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["trainer"]}),
    ]
    return notebook


def test_export_leaves_the_callers_notebook_untouched():
    from smmkit.publish.exporters import HandoutExporter

    notebook = _small_notebook()
    before = nbformat.writes(notebook)
    html, _ = HandoutExporter().from_notebook_node(notebook)
    assert "Modul X: Test" in html and "print(1)" not in html
    assert nbformat.writes(notebook) == before  # the trainer cell was removed from a copy only
