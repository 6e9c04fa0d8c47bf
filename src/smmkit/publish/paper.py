"""Quizzes on paper: static HTML for every bank item, in a participant and a trainer version.

Widgets do not survive conversion, so handouts render items from the bank instead:
participants get ☐ boxes, lines, number boxes, tables and scenarios as printed gamebooks;
trainers additionally get the answer key with feedback, model answers, trainer notes and a
map of each scenario. No heading tags are used, so a notebook's heading order is untouched.

The markup is in ``templates/paper/`` (one template per item type, rendered through
:func:`smmkit.publish.templating.render`); this module decides what each template shows:
the shuffled order of options and letters, gap texts, section numbers and points sections.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

from markupsafe import Markup

from ..bank.grading import stable_order
from ..bank.models import GAP_PATTERN, Scenario
from ..bank.scenarios import best_path, choice_order, reachable
from ..i18n import number, t
from .templating import render

Mode = Literal["participant", "trainer"]
PAPER_SEED = "paper"


def _order(item: Any, count: int) -> list[int]:
    return (
        stable_order(count, PAPER_SEED, item.id)
        if getattr(item, "shuffle", False)
        else list(range(count))
    )


def _signed(value: float) -> str:
    """Points with their sign, in the current language: +2, -1, +0,5."""
    return ("+" if value >= 0 else "-") + number(abs(value))


# ---------------------------------------------------------------------------------------------
# what each type's template shows (templates/paper/<type>.html.j2)
# ---------------------------------------------------------------------------------------------


def _choice(item: Any, mode: Mode) -> dict[str, Any]:
    return {"options": [item.options[i] for i in _order(item, len(item.options))]}


def _ordering(item: Any, mode: Mode) -> dict[str, Any]:
    return {
        "steps": [(i + 1, item.steps[i]) for i in _order(item, len(item.steps))],
        "alternatives": [[item.steps[n - 1] for n in steps] for steps in item.alternatives or []],
    }


def _matching(item: Any, mode: Mode) -> dict[str, Any]:
    rights = [p.right for p in item.pairs] + list(item.distractors)
    order = _order(item, len(rights))
    letters = {rights[i]: chr(ord("A") + n) for n, i in enumerate(order)}
    return {
        "pairs": [(pair, letters[pair.right]) for pair in item.pairs],
        "letters": [(letters[rights[i]], rights[i]) for i in order],
    }


def _fill_blanks(item: Any, mode: Mode) -> dict[str, Any]:
    """The gap text as Markdown: numbered lines for participants, accepted words for trainers."""

    def gap(match: Any) -> str:
        number = int(match.group(1))
        if mode == "trainer":
            return f"**({number}) {' / '.join(item.blanks[number - 1].accept)}**"
        return f"**({number})** ____________"

    return {"gap_text": GAP_PATTERN.sub(gap, item.text)}


def _free_text(item: Any, mode: Mode) -> dict[str, Any]:
    return {"line_count": max(5, min(12, item.min_words // 8 + 4))}


def _likert(item: Any, mode: Mode) -> dict[str, Any]:
    return {"labels": item.scale or [t(f"likert.scale.{i}") for i in range(5)]}


def _scenario(item: Scenario, mode: Mode) -> dict[str, Any]:
    return _gamebook(item) | (_scenario_key(item) if mode == "trainer" else {})


def _nothing(item: Any, mode: Mode) -> dict[str, Any]:
    return {}


# item type → (template in templates/paper/, what it shows)
TYPES: dict[str, tuple[str, Callable[[Any, Mode], dict[str, Any]]]] = {
    "single_choice": ("choice", _choice),
    "multiple_choice": ("choice", _choice),
    "true_false": ("true_false", _nothing),
    "ordering": ("ordering", _ordering),
    "matching": ("matching", _matching),
    "fill_blanks": ("fill_blanks", _fill_blanks),
    "numeric": ("numeric", _nothing),
    "free_text": ("free_text", _free_text),
    "likert": ("likert", _likert),
    "scenario": ("scenario", _scenario),
}


# ---------------------------------------------------------------------------------------------
# scenarios: gamebook for participants, map and debriefs for trainers
# ---------------------------------------------------------------------------------------------


def section_numbers(scenario: Scenario) -> dict[str, int]:
    """Start is section 1; the rest get shuffled numbers so their order reveals nothing."""
    rest = [n.id for n in scenario.nodes if n.id != scenario.start]
    order = stable_order(len(rest), PAPER_SEED, scenario.id)
    numbers = {scenario.start: 1}
    for position, index in enumerate(order, start=2):
        numbers[rest[index]] = position
    return numbers


def _route_text(route: Any, numbers: dict[str, int]) -> str:
    target = numbers[route.goto]
    low, high = (None if s is None else number(s) for s in (route.min_score, route.max_score))
    if low is not None and high is not None:
        return t("paper.route_between", low=low, high=high, section=target)
    if low is not None:
        return t("paper.route_min", score=low, section=target)
    if high is not None:
        return t("paper.route_max", score=high, section=target)
    return t("paper.route_else", section=target)


def _lettered_choices(scenario: Scenario, node: Any) -> list[tuple[str, Any]]:
    """A node's choices as printed: letters A, B, … in the paper's shuffled order."""
    choices = node.choices or []
    order = choice_order(scenario, node, PAPER_SEED)
    return [(letter, choices[i]) for letter, i in zip("ABCDEFGH", order, strict=False)]


def _gamebook(scenario: Scenario) -> dict[str, Any]:
    """Sections to print: (number, node, [(letter, text, next section)]) in section order, and
    the points sections (number, points, next section) that follow them."""
    numbers = section_numbers(scenario)
    scored = any(node.routes for node in scenario.nodes)
    story: list[tuple[int, Any, list[tuple[str, str, int]]]] = []
    points: list[tuple[int, str, int]] = []
    playable = reachable(scenario)
    # In authored order, not set order: points sections are numbered as they are met, and the
    # same bank must print the same section numbers in every build and process.
    for node in (n for n in scenario.nodes if n.id in playable):
        choices = []
        for letter, choice in _lettered_choices(scenario, node):
            target = numbers[choice.goto]
            if scored and choice.score:
                # a points section between choice and consequence: points only after choosing
                points.append((len(numbers) + len(points) + 1, _signed(choice.score), target))
                target = points[-1][0]
            choices.append((letter, choice.text, target))
        story.append((numbers[node.id], node, choices))
    return {
        "scenario": scenario,
        "scored": scored,
        "story": sorted(story, key=lambda section: section[0]),
        "points": points,
        "route_text": partial(_route_text, numbers=numbers),
    }


def _scenario_key(scenario: Scenario) -> dict[str, Any]:
    """The map as SVG, the best path, and every choice labelled as in the gamebook (2B)."""
    from ..kernel.charts import figure_svg, scenario_map

    numbers = section_numbers(scenario)
    figure, alt = scenario_map(scenario, numbers)
    best = best_path(scenario)
    return {
        "scenario": scenario,
        "numbers": numbers,
        "map_image": base64.b64encode(figure_svg(figure)).decode(),
        "map_alt": alt,
        "best_path": " → ".join(str(numbers[n]) for n in best[0]) if best else "",
        "best_points": best[1] if best else 0,
        "choices": [
            (f"{numbers[node.id]}{letter}", choice, _signed(choice.score))
            for node in scenario.nodes
            for letter, choice in _lettered_choices(scenario, node)
        ],
    }


def gamebook(scenario: Scenario) -> str:
    """The scenario as numbered sections a group can play on paper."""
    return render("publish/paper/gamebook.html.j2", **_gamebook(scenario))


def scenario_key(scenario: Scenario) -> str:
    """Trainer view: map of the graph, best path, every choice with points and feedback, debriefs."""
    return render("publish/paper/scenario_key.html.j2", **_scenario_key(scenario))


# ---------------------------------------------------------------------------------------------
# what the handout preprocessor calls
# ---------------------------------------------------------------------------------------------


def render_item(item: Any, mode: Mode, number: int | None = None) -> str:
    """One item on paper; `number` prefixes the title inside quiz sets."""
    template, shows = TYPES[item.type]
    return render(
        "publish/paper/item.html.j2",
        item=item,
        number=number,
        trainer=mode == "trainer",
        body=template,
        **shows(item, mode),
    )


def render_quiz_set(quiz_set: Any, items: dict[str, Any], mode: Mode) -> str:
    """A quiz set on paper: its items numbered, for trainers the pass mark and feedback bands."""
    parts = [
        Markup(render_item(items[item_id], mode, number))  # rendered by a template: escaped
        for number, item_id in enumerate(quiz_set.items, start=1)
    ]
    return render(
        "publish/paper/quiz_set.html.j2", quiz_set=quiz_set, items=parts, trainer=mode == "trainer"
    )


def render_participant_line() -> str:
    """A line for the participant's name where the screen version asks for it."""
    return render("publish/paper/participant_line.html.j2")


def note_space(lines: int = 8) -> str:
    """Space for a learner's own work where the screen version has an exercise cell."""
    return render("publish/paper/note_space.html.j2", count=lines)
