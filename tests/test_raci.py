"""RACI exercise: the rules, the model comparison, and the widget in-process (clicks, saved file)."""

from __future__ import annotations

import pytest
from helpers import REPO, saved_records

from smmkit.exercises.raci.logic import (
    MAX_CONSULTED,
    ModelCell,
    ModelSolution,
    RaciMatrix,
    Role,
    Task,
    check_matrix,
    compare,
    content,
    count_levels,
    format_letters,
    letters_code,
    paper_html,
    parse_letters,
)
from smmkit.exercises.raci.widget import RaciExercise
from smmkit.kernel.widgets import reset_session

DEFAULT_EXERCISE = content()
DEFAULT_MODEL, DEFAULT_ROLES, DEFAULT_TASKS = (
    DEFAULT_EXERCISE.model,
    DEFAULT_EXERCISE.roles,
    DEFAULT_EXERCISE.tasks,
)
TASKS = (Task("a", "Entwurf"), Task("b", "Freigabe"))
ROLES = (Role("x", "Social Media", "SM"), Role("y", "Chefin", "GF"), Role("z", "Technik", "T"))


def matrix(rows: dict[str, dict[str, str]], tasks=TASKS, roles=ROLES) -> RaciMatrix:
    return RaciMatrix.from_rows(rows, tasks, roles)


def rules(findings) -> list[tuple[str, str, str | None]]:
    return [(f.level, f.rule, f.subject) for f in findings]


# --- letters and matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("RA", {"R", "A"}),
        ("R+A", {"R", "A"}),
        ("a/r", {"R", "A"}),
        ("", set()),
        ("–", set()),
        (None, set()),
        (["C"], {"C"}),
        ("I", {"I"}),
    ],
)
def test_parse_letters(value, expected):
    assert parse_letters(value) == frozenset(expected)


def test_unknown_letter_is_refused():
    with pytest.raises(ValueError, match="unknown RACI letter"):
        parse_letters("RX")


def test_letters_are_shown_in_raci_order():
    assert letters_code({"A", "R"}) == "RA"
    assert format_letters({"A", "R"}) == "R+A"
    assert format_letters(set()) == "–"


def test_matrix_round_trips_through_rows_and_refuses_unknown_ids():
    m = matrix({"a": {"x": "RA", "y": "I"}, "b": {"x": "R", "y": "A", "z": "C"}})
    assert m.to_rows() == {"a": {"x": "RA", "y": "I", "z": ""}, "b": {"x": "R", "y": "A", "z": "C"}}
    assert RaciMatrix.from_rows(m.to_rows(), TASKS, ROLES).cells == m.cells
    m.set("a", "z", "C")
    m.set("a", "y", "")
    assert m.get("a", "z") == {"C"} and m.get("a", "y") == frozenset()
    with pytest.raises(ValueError, match="unknown task"):
        matrix({"q": {"x": "R"}})
    with pytest.raises(ValueError, match="unknown role"):
        matrix({"a": {"q": "R"}})
    with pytest.raises(KeyError):
        m.set("a", "q", "R")


# --- rules ----------------------------------------------------------------------------------


def test_clean_matrix_has_no_findings():
    m = matrix({"a": {"x": "RA", "z": "C"}, "b": {"x": "R", "y": "A", "z": "I"}})
    assert check_matrix(m) == []


def test_task_without_a_is_an_error():
    m = matrix({"a": {"x": "R", "y": "I", "z": "C"}, "b": {"x": "R", "y": "A"}})
    assert rules(check_matrix(m)) == [("error", "a_missing", "a")]
    assert "Entwurf" in check_matrix(m)[0].message and "genau eine" in check_matrix(m)[0].message


def test_task_with_several_a_is_an_error_naming_them():
    m = matrix({"a": {"x": "RA", "y": "A", "z": "C"}, "b": {"x": "R", "z": "A"}})
    [finding] = check_matrix(m)
    assert (finding.level, finding.rule, finding.subject) == ("error", "a_multiple", "a")
    assert "2 Rollen" in finding.message and "Social Media, Chefin" in finding.message


def test_task_without_r_is_an_error():
    m = matrix({"a": {"x": "RA", "z": "C"}, "b": {"y": "A", "z": "C", "x": "I"}})
    assert rules(check_matrix(m)) == [("error", "r_missing", "b")]
    assert "R+A" in check_matrix(m)[0].message


def test_more_than_two_c_is_a_warning():
    roles = (*ROLES, Role("w", "Recht", "RD"))
    m = matrix(
        {"a": {"x": "RA", "y": "C", "z": "C", "w": "C"}, "b": {"x": "R", "y": "A"}}, roles=roles
    )
    assert MAX_CONSULTED == 2
    [finding] = check_matrix(m)
    assert (finding.level, finding.rule, finding.subject) == ("warning", "too_many_c", "a")
    assert "3 Rollen" in finding.message and "zu langsam" in finding.message
    # exactly two C is fine
    m.set("a", "w", "I")
    assert check_matrix(m) == []


def test_one_role_accountable_for_every_task_is_a_bottleneck_warning():
    m = matrix({"a": {"x": "R", "y": "A", "z": "I"}, "b": {"x": "R", "y": "A", "z": "C"}})
    assert rules(check_matrix(m)) == [("warning", "a_bottleneck", "y")]
    assert "Chefin" in check_matrix(m)[0].message and "Vertretung" in check_matrix(m)[0].message
    # with a single task there is no bottleneck to speak of
    single = matrix({"a": {"x": "RA"}}, tasks=TASKS[:1], roles=ROLES[:1])
    assert check_matrix(single) == []


def test_role_never_involved_is_an_info():
    m = matrix({"a": {"x": "RA"}, "b": {"x": "R", "y": "A"}})
    assert rules(check_matrix(m)) == [("info", "role_unused", "z")]


def test_findings_are_sorted_errors_warnings_infos_and_counted():
    roles = (*ROLES, Role("w", "Recht", "RD"), Role("v", "Vertrieb", "V"))
    m = matrix(
        {"a": {"x": "C", "y": "A", "z": "C", "w": "C"}, "b": {"x": "C", "y": "A"}}, roles=roles
    )
    found = check_matrix(m)
    assert [f.level for f in found] == ["error", "error", "warning", "warning", "info"]
    assert {f.rule for f in found} == {"r_missing", "too_many_c", "a_bottleneck", "role_unused"}
    assert count_levels(found) == {"error": 2, "warning": 2, "info": 1}


def test_empty_matrix_reports_every_task_and_role():
    found = check_matrix(DEFAULT_MODEL.empty_matrix())
    assert count_levels(found) == {
        "error": 2 * len(DEFAULT_TASKS),
        "warning": 0,
        "info": len(DEFAULT_ROLES),
    }


# --- model solution and comparison -----------------------------------------------------------


def test_default_model_is_complete_follows_its_own_rules_and_explains_every_cell():
    assert [t.name for t in DEFAULT_TASKS] == [
        "Idee",
        "Entwurf",
        "Freigabe",
        "Posting",
        "Community-Dialog",
        "Reporting",
    ]
    assert len(DEFAULT_ROLES) == 5
    assert set(DEFAULT_MODEL.cells) == {(t.id, r.id) for t in DEFAULT_TASKS for r in DEFAULT_ROLES}
    assert check_matrix(DEFAULT_MODEL.matrix()) == []
    for (task, role), cell in DEFAULT_MODEL.cells.items():
        assert len(cell.reason) > 40, (task, role)
        assert cell.letters not in cell.alternatives, (task, role)
    # the social media role decides a lot, but not everything (no bottleneck, four eyes)
    assert DEFAULT_MODEL.cell("freigabe", "fa").letters == {"A"}
    assert DEFAULT_MODEL.cell("freigabe", "sm").letters == {"R"}


def test_every_defensible_alternative_is_named_in_its_reason():
    for key, cell in DEFAULT_MODEL.cells.items():
        for alternative in cell.alternatives:
            if alternative:
                assert f"{format_letters(alternative)} " in cell.reason, key


def test_model_matrix_scores_full_marks():
    result = compare(DEFAULT_MODEL.matrix(), DEFAULT_MODEL)
    assert result.score == 1.0
    assert result.relevant == sum(1 for c in DEFAULT_MODEL.cells.values() if c.letters)
    assert not result.by_status("wrong") and not result.by_status("acceptable")


def test_comparison_marks_exact_acceptable_wrong_and_ignores_both_empty():
    model = ModelSolution(
        TASKS,
        ROLES,
        {
            ("a", "x"): ModelCell(frozenset("RA"), "Social Media schreibt selbst."),
            ("a", "y"): ModelCell(
                frozenset(), "Die Chefin braucht keinen Entwurf.", (frozenset("I"),)
            ),
            ("a", "z"): ModelCell(frozenset("C"), "Die Technik liefert Fakten."),
            ("b", "x"): ModelCell(frozenset("R"), "Social Media legt vor."),
            ("b", "y"): ModelCell(frozenset(), "Nicht nötig."),
            ("b", "z"): ModelCell(frozenset("A"), "Die Technik gibt frei.", (frozenset("RA"),)),
        },
    )
    given = matrix({"a": {"x": "RA", "y": "I", "z": "I"}, "b": {"x": "R", "z": "RA"}})
    result = compare(given, model)
    status = {(c.task.id, c.role.id): c.status for c in result.cells}
    assert status == {
        ("a", "x"): "exact",
        ("a", "y"): "acceptable",
        ("a", "z"): "wrong",
        ("b", "x"): "exact",
        ("b", "y"): "empty",
        ("b", "z"): "acceptable",
    }
    assert (result.right, result.relevant, result.score) == (4, 5, 0.8)
    wrong = result.by_status("wrong")[0]
    assert (wrong.given, wrong.expected, wrong.reason) == (
        frozenset("I"),
        frozenset("C"),
        "Die Technik liefert Fakten.",
    )
    assert [c.role.id for c in result.for_task("b")] == ["x", "y", "z"]
    # an empty learner matrix earns nothing for cells the model fills
    assert compare(RaciMatrix(TASKS, ROLES), model).score == 0.0


def test_typical_mistake_chief_approves_everything_is_flagged_and_scores_low():
    rows = {task.id: {"gf": "A", "sm": "R"} for task in DEFAULT_TASKS}
    m = RaciMatrix.from_rows(rows, DEFAULT_TASKS, DEFAULT_ROLES)
    found = rules(check_matrix(m))
    assert ("warning", "a_bottleneck", "gf") in found
    assert compare(m, DEFAULT_MODEL).score < 0.3


# --- widget -----------------------------------------------------------------------------------


@pytest.fixture
def session():
    s = reset_session(root=REPO)
    s.set_participant("Rita Raci")
    return s


def saved(session) -> list[dict]:
    return saved_records(session.store().path)


def fill(widget: RaciExercise, rows: dict[str, dict[str, str]]) -> None:
    for task_id, row in rows.items():
        for role_id, value in row.items():
            widget.dropdowns[(task_id, role_id)].value = value


def test_widget_grid_has_a_labelled_dropdown_per_task_and_role(session):
    widget = RaciExercise(session=session)
    assert len(widget.dropdowns) == len(DEFAULT_TASKS) * len(DEFAULT_ROLES)
    dropdown = widget.dropdowns[("freigabe", "rd")]
    assert dropdown.description == "RD"
    assert "Freigabe" in dropdown.tooltip and "Recht/Datenschutz" in dropdown.tooltip
    assert [value for _, value in dropdown.options] == ["", "R", "A", "RA", "C", "I"]
    assert dict(dropdown.options)["R+A"] == "RA"
    assert widget.model_button.disabled
    assert DEFAULT_EXERCISE.title in widget.children[0].value


def test_widget_check_shows_findings_saves_and_reveals_model(session):
    widget = RaciExercise(session=session)
    # the typical first attempt: the boss is A everywhere, two A for the approval
    rows = {task.id: {"sm": "R", "gf": "A"} for task in DEFAULT_TASKS}
    rows["freigabe"].update({"fa": "A", "ks": "C", "rd": "C"})
    fill(widget, rows)
    widget.check_button.click()
    html = widget.findings.value
    assert "Regelprüfung" in html
    assert "Fehler:" in html and "Freigabe:" in html and "2 Rollen" in html
    assert "Geschäftsführung</strong> ist für alle 6 Aufgaben A" in html
    assert "Übereinstimmung mit der Musterlösung" in html
    assert not widget.model_button.disabled and widget.model_view.value == ""
    [record] = saved(session)
    assert record["item_id"] == "team.raci-01" and record["attempt"] == 1
    assert record["answer"]["matrix"]["freigabe"] == {
        "sm": "R",
        "gf": "A",
        "ks": "C",
        "fa": "A",
        "rd": "C",
    }
    multiple = next(f for f in record["answer"]["findings"] if f["rule"] == "a_multiple")
    assert multiple.items() >= {"ok": False, "counted": True, "subject": "freigabe"}.items()
    assert "2 Rollen" in multiple["message"]
    assert record["answer"]["model_seen"] is False
    assert record["max_score"] == 1.0 and 0 < record["score"] < 0.5
    assert "Gespeichert." in widget.status.value

    widget.model_button.click()
    model_html = widget.model_view.value
    assert "Musterlösung mit Begründungen" in model_html
    assert "Vier-Augen-Prinzip" in model_html  # reason of the approving product management
    assert "weicht ab" in model_html and "Sie: A" in model_html
    assert '<th scope="row"' in model_html


def test_widget_model_answer_passes_and_second_attempt_is_saved(session):
    widget = RaciExercise(session=session)
    fill(widget, {"idee": {"sm": "RA"}})
    widget.check_button.click()
    widget.model_button.click()
    fill(widget, DEFAULT_MODEL.matrix().to_rows())
    widget.check_button.click()
    assert "Keine Regelverstöße" in widget.findings.value
    assert "100 %" in widget.findings.value
    assert "stimmt" in widget.model_view.value  # the model view follows the new check
    answers = saved(session)
    assert [a["attempt"] for a in answers] == [1, 2]
    assert answers[-1]["score"] == 1.0 and answers[-1]["answer"]["model_seen"] is True


def test_widget_refuses_to_check_an_empty_matrix(session):
    widget = RaciExercise(session=session)
    assert widget.check() is None
    assert "noch kein Feld" in widget.findings.value
    assert not session.store().path.exists()
    assert widget.model_button.disabled


def test_widget_clear_button_empties_the_grid(session):
    widget = RaciExercise(session=session)
    fill(widget, {"idee": {"sm": "RA", "gf": "I"}})
    widget.check_button.click()
    widget.clear_button.click()
    assert all(d.value == "" for d in widget.dropdowns.values())
    assert widget.findings.value == ""


def test_widget_resumes_the_saved_matrix(session):
    first = RaciExercise(session=session)
    fill(first, DEFAULT_MODEL.matrix().to_rows())
    first.check_button.click()
    again = RaciExercise(session=session)
    assert again.matrix().cells == DEFAULT_MODEL.matrix().cells
    assert "bereits bearbeitet (Versuch 1" in again.findings.value
    assert not again.model_button.disabled


def test_widget_without_participant_keeps_the_answer_pending():
    session = reset_session(root=REPO)
    widget = RaciExercise(session=session)
    fill(widget, {"idee": {"sm": "RA"}})
    widget.check_button.click()
    assert "Bitte geben Sie oben zuerst Ihren Namen" in widget.status.value
    assert session.pending and session.pending[0].item_id == "team.raci-01"
    session.set_participant("Später Gesetzt")
    assert saved(session)[0]["item_id"] == "team.raci-01"


# --- paper ------------------------------------------------------------------------------------


def test_paper_version_for_participants_is_an_empty_grid_with_the_rules():
    html = paper_html(mode="participant")
    assert DEFAULT_EXERCISE.title in html and 'data-item-id="team.raci-01"' in html
    assert html.count('<th scope="row">') == len(DEFAULT_TASKS)
    assert html.count('<td class="smmkit-numbox"></td>') == len(DEFAULT_TASKS) * len(DEFAULT_ROLES)
    assert "genau ein A" in html and "mehr als zwei C" in html
    assert "Vier-Augen-Prinzip" not in html  # no model reasons for participants
    assert "smmkit-key" not in html


def test_paper_version_for_trainers_shows_model_and_reasons():
    html = paper_html(mode="trainer")
    assert '<td class="smmkit-numbox">R+A</td>' in html
    assert "Vier-Augen-Prinzip" in html and "Lösung" in html
    filled = sum(1 for c in DEFAULT_MODEL.cells.values() if c.letters or c.alternatives)
    assert html.count("<li><b>") == filled
