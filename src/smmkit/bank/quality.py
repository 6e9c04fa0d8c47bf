"""Item-writing rules: an assessment must measure competence, not test-wiseness.

Pure functions over validated items. Each rule has a short name that `smmkit check` prints and
`docs/authoring.md` explains with a good and a bad example. Findings are warnings: a trainer's
own bank may carry them (lenient mode); `smmkit check --strict` fails on any of them, and the
shipped bank must be clean in strict mode.

Per-item rules judge one item. Module rules judge a share across a module's items (a cue that
appears once is not a pattern; in every item it is): they warn on each item that adds to the
pattern and add one summary line per module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any

from . import keywords
from .models import FreeText, Matching, MultipleChoice, Ordering, Scenario, SingleChoice

# The correct option may be at most this much longer or shorter than the wrong ones on average
# (ratio of lengths in characters) ...
LENGTH_BAND = (0.75, 1.33)
# ... unless the difference is this small in absolute terms (short options such as numbers).
LENGTH_SLACK = 12
# Per module, at most about a third of keys may be the longest option.
LONGEST_SHARE = 1 / 3
# Words that make a statement sound too sure to be right: a classic giveaway in distractors.
ABSOLUTES = re.compile(
    r"\b(immer|nie|niemals|automatisch|ausschließlich|garantiert|keinesfalls|stets"
    r"|grundsätzlich nie|auf keinen fall|in jedem fall)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One rule broken by one item (or, with `item_id` None, a module's summary)."""

    rule: str
    item_id: str | None
    field: str | None
    message: str


# ---------------------------------------------------------------------------------------------
# Per item
# ---------------------------------------------------------------------------------------------


def length_ratio(right: Sequence[str], wrong: Sequence[str]) -> tuple[float, float]:
    """Mean length of the right texts ÷ mean length of the wrong ones, and the difference."""
    right_len = mean(len(text) for text in right)
    wrong_len = mean(len(text) for text in wrong)
    return right_len / wrong_len, right_len - wrong_len


def _outside_band(right: Sequence[str], wrong: Sequence[str]) -> float | None:
    if not right or not wrong:
        return None
    ratio, difference = length_ratio(right, wrong)
    if abs(difference) <= LENGTH_SLACK or LENGTH_BAND[0] <= ratio <= LENGTH_BAND[1]:
        return None
    return ratio


def _choice_rules(item: SingleChoice | MultipleChoice) -> Iterable[Finding]:
    right = [o.text for o in item.options if o.correct]
    wrong = [o.text for o in item.options if not o.correct]
    ratio = _outside_band(right, wrong)
    if ratio is not None:
        which = "correct option is" if item.type == "single_choice" else "correct options are"
        hint = (
            "shorten it or make the wrong options as specific"
            if ratio > 1
            else "give it the same detail as the wrong options"
        )
        yield Finding(
            "key-length",
            item.id,
            "options",
            f"the {which} {ratio:.1f} × as long as the wrong ones on average "
            f"(allowed {LENGTH_BAND[0]}–{LENGTH_BAND[1]} ×): {hint}",
        )
    if any(ABSOLUTES.search(text) for text in wrong) and not any(
        ABSOLUTES.search(text) for text in right
    ):
        words = sorted({m.group(0).lower() for t in wrong for m in ABSOLUTES.finditer(t)})
        yield Finding(
            "absolute-words",
            item.id,
            "options",
            f"only wrong options say {', '.join(repr(w) for w in words)}: such absolutes give "
            "the answer away; qualify the claim or reword the option",
        )


def _matching_rules(item: Matching) -> Iterable[Finding]:
    for index, pair in enumerate(item.pairs):
        if pair.feedback is None:
            yield Finding(
                "feedback",
                item.id,
                f"pairs[{index}].feedback",
                f"the pair {pair.left!r} has no feedback: say why it belongs together",
            )


def _ordering_rules(item: Ordering) -> Iterable[Finding]:
    if item.alternatives is None:
        yield Finding(
            "ordering-alternatives",
            item.id,
            "alternatives",
            "say which orders count: list other defensible orders as step numbers "
            "(e.g. [[1, 3, 2, 4]]) or write `alternatives: []` if only this order is defensible",
        )


def _scenario_rules(item: Scenario) -> Iterable[Finding]:
    dilemmas = [node for node in item.nodes if node.dilemma]
    if not dilemmas:
        yield Finding(
            "dilemma",
            item.id,
            "nodes",
            "no decision is marked as a dilemma: give one node `dilemma:` (the values in "
            "conflict, e.g. 'Rechtssicherheit gegen schnelle Antwort') and two choices that "
            "both score",
        )
    for node in dilemmas:
        scoring = [c for c in node.choices or [] if c.score > 0]
        if len(scoring) < 2:
            index = item.nodes.index(node)
            yield Finding(
                "dilemma",
                item.id,
                f"nodes[{index}].choices",
                f"dilemma node {node.id!r} needs at least two choices with a positive score "
                f"(has {len(scoring)})",
            )


def _free_text_rules(item: FreeText) -> Iterable[Finding]:
    for r_index, rule in enumerate(item.keywords):
        for k_index, keyword in enumerate(rule.any):
            problem = keywords.pattern_problem(keyword)
            if problem:
                yield Finding(
                    "keywords",
                    item.id,
                    f"keywords[{r_index}].any[{k_index}]",
                    f"{keyword!r}: {problem}",
                )


_ITEM_RULES = {
    "single_choice": _choice_rules,
    "multiple_choice": _choice_rules,
    "matching": _matching_rules,
    "ordering": _ordering_rules,
    "scenario": _scenario_rules,
    "free_text": _free_text_rules,
}


def item_findings(item: Any) -> list[Finding]:
    """Every per-item rule this item breaks."""
    rule = _ITEM_RULES.get(item.type)
    return list(rule(item)) if rule else []


# ---------------------------------------------------------------------------------------------
# Per module
# ---------------------------------------------------------------------------------------------


def is_longest(key: str, others: Sequence[str]) -> bool:
    """The key is at least as long as every other text: 'pick the longest' would find it."""
    return len(key) >= max(len(text) for text in others)


def allowed_longest(count: int) -> int:
    """How many of `count` keys may be the longest option: about a third, at least one."""
    return max(1, round(count * LONGEST_SHARE))


def best_choice_nodes(scenario: Scenario) -> list[tuple[int, str, list[str]]]:
    """Per decision node with two or more choices: (node index, best text, other texts)."""
    found = []
    for index, node in enumerate(scenario.nodes):
        choices = node.choices or []
        if len(choices) < 2:
            continue
        top = max(c.score for c in choices)
        best = [c for c in choices if c.score == top]
        if len(best) != 1:
            continue  # a tie (e.g. a dilemma) has no single best text to find
        found.append((index, best[0].text, [c.text for c in choices if c is not best[0]]))
    return found


def _longest_key_findings(items: Sequence[Any], module: str) -> list[Finding]:
    findings: list[Finding] = []
    single = [
        i for i in items if i.type == "single_choice" and sum(o.correct for o in i.options) == 1
    ]
    cued = [
        item
        for item in single
        if is_longest(
            next(o.text for o in item.options if o.correct),
            [o.text for o in item.options if not o.correct],
        )
    ]
    if len(cued) > allowed_longest(len(single)):
        findings += [
            Finding(
                "longest-key",
                item.id,
                "options",
                "the correct option is the longest one, as in "
                f"{len(cued)} of {len(single)} single-choice items of this module",
            )
            for item in cued
        ]
        findings.append(
            Finding(
                "longest-key",
                None,
                None,
                f"module {module}: in {len(cued)} of {len(single)} single-choice items the "
                f"correct option is the longest (allowed: {allowed_longest(len(single))}); "
                "'always pick the longest' must not pay off",
            )
        )
    nodes = [
        (item, index)
        for item in items
        if item.type == "scenario"
        for index, best, others in best_choice_nodes(item)
        if is_longest(best, others)
    ]
    total = sum(len(best_choice_nodes(i)) for i in items if i.type == "scenario")
    if len(nodes) > allowed_longest(total):
        findings += [
            Finding(
                "longest-choice",
                item.id,
                f"nodes[{index}].choices",
                f"the best choice of node {item.nodes[index].id!r} is the longest one, as in "
                f"{len(nodes)} of {total} decisions of this module",
            )
            for item, index in nodes
        ]
        findings.append(
            Finding(
                "longest-choice",
                None,
                None,
                f"module {module}: in {len(nodes)} of {total} scenario decisions the best choice "
                f"is the longest (allowed: {allowed_longest(total)})",
            )
        )
    return findings


def true_false_balanced(true_count: int, total: int) -> bool:
    """Roughly 40–60 % true; small modules may be off by one."""
    return abs(2 * true_count - total) <= max(1, total // 5)


def _true_false_findings(items: Sequence[Any], module: str) -> list[Finding]:
    statements = [i for i in items if i.type == "true_false"]
    true_count = sum(i.answer for i in statements)
    if not statements or true_false_balanced(true_count, len(statements)):
        return []
    majority = true_count * 2 > len(statements)
    word = "true" if majority else "false"
    findings = [
        Finding(
            "true-false-balance",
            item.id,
            "answer",
            f"is {word}, like {max(true_count, len(statements) - true_count)} of "
            f"{len(statements)} statements of this module",
        )
        for item in statements
        if item.answer == majority
    ]
    findings.append(
        Finding(
            "true-false-balance",
            None,
            None,
            f"module {module}: {true_count} of {len(statements)} true/false statements are true; "
            "aim for 40–60 % so that 'always false' (or 'always true') does not pay off",
        )
    )
    return findings


def module_findings(items: Sequence[Any], module: str) -> list[Finding]:
    """Rules that judge a share across one module's items."""
    return _longest_key_findings(items, module) + _true_false_findings(items, module)
