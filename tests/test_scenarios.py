"""Scenario play and graph analysis (pure logic)."""

from __future__ import annotations

import pytest

from smmkit.bank.scenarios import ScenarioRun, best_path, can_end, max_score, reachable


@pytest.fixture
def scenario(fixture_bank):
    return fixture_bank.items["beispiel.scn-01"]


def test_router_branches_on_accumulated_score(scenario):
    fast = ScenarioRun(scenario)
    fast.choose(0)  # +2
    fast.choose(0)  # +1 → 3 → router → best ending
    assert fast.finished and fast.node_id == "ende_gut" and fast.score == 3
    slow = ScenarioRun(scenario)
    slow.choose(1)  # -1
    slow.choose(0)  # +1 → 0 → fallback route
    assert slow.node_id == "ende_mittel"
    assert slow.visited == ["anfang", "zweite", "weiche", "ende_mittel"]


def test_record_keeps_path_choices_and_competency_scores(scenario):
    run = ScenarioRun(scenario)
    run.choose(0)
    run.choose(0)
    record = run.to_record()
    assert record["ending"] == "ende_gut" and record["rating"] == "best"
    assert record["choices"] == [["anfang", 0], ["zweite", 0]]
    assert record["competency_scores"] == {"kommunikation": 2.0, "team": 1.0}


def test_restart_resets_everything(scenario):
    run = ScenarioRun(scenario)
    run.choose(1)
    run.restart()
    assert (run.node_id, run.score, run.steps, run.visited) == ("anfang", 0.0, [], ["anfang"])


def test_choose_on_ending_is_refused(scenario):
    run = ScenarioRun(scenario)
    run.choose(0)
    run.choose(1)
    assert run.finished
    with pytest.raises(ValueError, match="offers no choices"):
        run.choose(0)


def test_graph_analysis(scenario):
    assert reachable(scenario) == {n.id for n in scenario.nodes}
    assert can_end(scenario) == {n.id for n in scenario.nodes}
    path, score = best_path(scenario)
    assert path == ["anfang", "zweite", "weiche", "ende_gut"] and score == 3
    assert max_score(scenario) == 3
