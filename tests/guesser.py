"""Test-wise strategies: how far does a participant get who reads no teaching text?

Each strategy looks only at what a participant sees (option texts in the shown order, the
statement) and picks by form: the longest option, always "true", and so on. Its expected score
is compared with chance (a random pick). `python tests/guesser.py [--root DIR]` prints the
figures per module and item type; tests/test_guesser.py fails when a strategy beats chance by
more than 15 percentage points on any item type, or reaches a scenario's best ending.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from smmkit.bank import load_bank
from smmkit.bank.grading import grade
from smmkit.bank.quality import ABSOLUTES
from smmkit.bank.scenarios import ScenarioRun, choice_order
from smmkit.publish.paper import PAPER_SEED

MARGIN = 0.15
PARTICIPANTS = [f"teilnehmer-{n}" for n in range(200)]

Pick = Callable[[Sequence[str]], list[int]]  # indexes of the texts it would choose (ties)


def longest(texts: Sequence[str]) -> list[int]:
    top = max(map(len, texts))
    return [i for i, t in enumerate(texts) if len(t) == top]


def shortest(texts: Sequence[str]) -> list[int]:
    low = min(map(len, texts))
    return [i for i, t in enumerate(texts) if len(t) == low]


def without_absolutes(texts: Sequence[str]) -> list[int]:
    calm = [i for i, t in enumerate(texts) if not ABSOLUTES.search(t)]
    return calm or list(range(len(texts)))


def most_numbers(texts: Sequence[str]) -> list[int]:
    """The most specific-looking option: the most digits, quotes and parentheses."""
    marks = [len(re.findall(r"[\d„“\"()%]", t)) for t in texts]
    return [i for i, m in enumerate(marks) if m == max(marks)]


CHOICE_STRATEGIES: dict[str, Pick] = {
    "longest": longest,
    "shortest": shortest,
    "without absolutes": without_absolutes,
    "most specific-looking": most_numbers,
}


# ---------------------------------------------------------------------------------------------
# Single and multiple choice, true/false: expected score of a strategy vs chance
# ---------------------------------------------------------------------------------------------


def single_choice_score(item: Any, pick: Pick) -> float:
    """Expected score when the strategy picks at random among its tied favourites."""
    chosen = pick([o.text for o in item.options])
    return mean(float(item.options[i].correct) for i in chosen)


def multiple_choice_score(item: Any, strategy: str) -> float:
    texts = [o.text for o in item.options]
    if strategy == "longer than average":
        average = mean(map(len, texts))
        ticks = [i for i, t in enumerate(texts) if len(t) > average]
    elif strategy == "all options":
        ticks = list(range(len(texts)))
    elif strategy == "without absolutes":
        ticks = [i for i, t in enumerate(texts) if not ABSOLUTES.search(t)]
    else:
        raise ValueError(strategy)
    return grade(item, ticks).score


def multiple_choice_chance(item: Any) -> float:
    """Expected score of ticking a random subset (each subset equally likely)."""
    count = len(item.options)
    subsets = itertools.chain.from_iterable(
        itertools.combinations(range(count), k) for k in range(count + 1)
    )
    return mean(grade(item, list(s)).score for s in subsets)


def true_false_score(item: Any, strategy: str) -> float:
    if strategy == "always true":
        answer = True
    elif strategy == "always false":
        answer = False
    elif strategy == "absolutes are false":
        answer = not ABSOLUTES.search(item.prompt)
    else:
        raise ValueError(strategy)
    return float(answer == item.answer)


def item_type_figures(items: Sequence[Any]) -> dict[str, dict[str, float]]:
    """Per item type: chance and each strategy's mean expected score (0..1)."""
    figures: dict[str, dict[str, float]] = {}
    single = [i for i in items if i.type == "single_choice"]
    if single:
        figures["single_choice"] = {
            "chance": mean(1 / len(i.options) for i in single),
            **{
                name: mean(single_choice_score(i, pick) for i in single)
                for name, pick in CHOICE_STRATEGIES.items()
            },
        }
    multiple = [i for i in items if i.type == "multiple_choice"]
    if multiple:
        figures["multiple_choice"] = {
            "chance": mean(multiple_choice_chance(i) for i in multiple),
            **{
                name: mean(multiple_choice_score(i, name) for i in multiple)
                for name in ("longer than average", "all options", "without absolutes")
            },
        }
    statements = [i for i in items if i.type == "true_false"]
    if statements:
        figures["true_false"] = {
            "chance": 0.5,
            **{
                name: mean(true_false_score(i, name) for i in statements)
                for name in ("always true", "always false", "absolutes are false")
            },
        }
    return figures


# ---------------------------------------------------------------------------------------------
# Scenarios: play every decision by form and see where it ends
# ---------------------------------------------------------------------------------------------


def play(scenario: Any, decide: Callable[[Any], int]) -> str:
    """Play to an ending, `decide(node)` giving the authored index of the choice; the rating."""
    run = ScenarioRun(scenario)
    for _ in range(len(scenario.nodes) + 1):
        if run.finished:
            return run.node.ending.rating
        run.choose(decide(run.node))
    raise RuntimeError(f"{scenario.id}: no ending after {len(scenario.nodes)} decisions")


def by_form(scenario: Any, pick: Pick, seed: str) -> Callable[[Any], int]:
    """Decide as a participant with `seed` would who sees the choices in the shown order."""

    def decide(node: Any) -> int:
        order = choice_order(scenario, node, seed)
        shown = [node.choices[i].text for i in order]
        return order[pick(shown)[0]]

    return decide


def first_shown(scenario: Any, seed: str) -> Callable[[Any], int]:
    return lambda node: choice_order(scenario, node, seed)[0]


def scenario_figures(scenario: Any) -> dict[str, float]:
    """Share of plays reaching the best ending, per strategy (chance = random clicks)."""
    figures = {
        name: mean(
            play(scenario, by_form(scenario, pick, seed)) == "best" for seed in PARTICIPANTS[:20]
        )
        for name, pick in CHOICE_STRATEGIES.items()
    }
    figures["first shown (app)"] = mean(
        play(scenario, first_shown(scenario, seed)) == "best" for seed in PARTICIPANTS
    )
    figures["first printed (paper)"] = float(
        play(scenario, first_shown(scenario, PAPER_SEED)) == "best"
    )
    figures["chance"] = random_best_rate(scenario)
    return figures


def random_best_rate(scenario: Any) -> float:
    """Probability that uniformly random clicks reach a best ending (exact, by recursion)."""

    def from_run(steps: list[int]) -> float:
        run = ScenarioRun(scenario)
        for index in steps:
            run.choose(index)
        if run.finished:
            return float(run.node.ending.rating == "best")
        count = len(run.node.choices)
        return mean(from_run([*steps, i]) for i in range(count))

    return from_run([])


def report(root: Path) -> str:
    bank = load_bank(root)
    lines = []
    for name, module in sorted(bank.modules.items()):
        items = [bank.items[i] for i in module.item_ids]
        for item_type, figures in item_type_figures(items).items():
            row = ", ".join(f"{k} {v:.0%}" for k, v in figures.items())
            lines.append(f"{name} {item_type}: {row}")
        for item in items:
            if item.type == "scenario":
                row = ", ".join(f"{k} {v:.0%}" for k, v in scenario_figures(item).items())
                lines.append(f"{name} {item.id} (best ending reached): {row}")
    everything = list(bank.items.values())
    for item_type, figures in item_type_figures(everything).items():
        row = ", ".join(f"{k} {v:.0%}" for k, v in figures.items())
        lines.append(f"ALL {item_type}: {row}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="project folder with content/")
    print(report(Path(parser.parse_args().root)))
    sys.exit(0)
