"""A test-wise participant must not pass the shipped bank by form alone.

Strategies and figures are in tests/guesser.py (`python tests/guesser.py` prints them).
"""

from __future__ import annotations

import shutil

import pytest
from guesser import MARGIN, item_type_figures, scenario_figures
from helpers import FIXTURES, REPO

from smmkit.bank import check, load_bank

BANK = load_bank(REPO)
SCENARIOS = [i for i in BANK.items.values() if i.type == "scenario"]


@pytest.mark.parametrize("item_type", ["single_choice", "multiple_choice", "true_false"])
def test_no_strategy_beats_chance_on_an_item_type(item_type):
    figures = item_type_figures(list(BANK.items.values()))[item_type]
    chance = figures.pop("chance")
    winners = {name: f"{score:.0%}" for name, score in figures.items() if score > chance + MARGIN}
    assert not winners, f"{item_type}: chance is {chance:.0%}, but these strategies score {winners}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_no_strategy_reaches_a_scenario_best_ending(scenario):
    figures = scenario_figures(scenario)
    chance = figures.pop("chance")
    winners = {name: f"{rate:.0%}" for name, rate in figures.items() if rate > chance + MARGIN}
    assert not winners, (
        f"{scenario.id}: random clicks reach the best ending in {chance:.0%} of plays, "
        f"these strategies in {winners}"
    )


def test_the_guesser_catches_planted_patterns(tmp_path):
    """The strategies are not blind: a fixture written with the old habits fails them."""
    content = tmp_path / "content" / "de"
    content.mkdir(parents=True)
    shutil.copy(FIXTURES / "quality" / "02_module_patterns.yaml", content)
    bank = check(tmp_path, "de", notebooks=False).bank
    figures = item_type_figures(list(bank.items.values()))
    assert figures["single_choice"]["longest"] == 1.0
    assert figures["true_false"]["always false"] == 1.0
    scenario = scenario_figures(bank.items["muster.scn-01"])
    assert scenario["longest"] == 1.0 and scenario["chance"] == 0.5
