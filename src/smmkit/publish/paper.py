"""Quizzes on paper: static HTML for every bank item, in a participant and a trainer version.

Widgets do not survive conversion, so handouts render items from the bank instead:
participants get ☐ boxes, lines, number boxes, tables and scenarios as printed gamebooks;
trainers additionally get the answer key with feedback, model answers, trainer notes and a
map of each scenario. No heading tags are used, so a notebook's heading order is untouched.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import Any, Literal

from ..bank.grading import stable_order
from ..bank.models import GAP_PATTERN, Scenario
from ..bank.scenarios import best_path, choice_order, reachable
from ..i18n import number, t
from ..markup import md

Mode = Literal["participant", "trainer"]
PAPER_SEED = "paper"
RATING_CLASS = {"best": "best", "good": "good", "neutral": "neutral", "bad": "bad"}


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _order(item: Any, count: int) -> list[int]:
    return (
        stable_order(count, PAPER_SEED, item.id)
        if getattr(item, "shuffle", False)
        else list(range(count))
    )


def _lines(count: int) -> str:
    return '<div class="smmkit-lines">' + '<div class="smmkit-line"></div>' * count + "</div>"


def _box(checked: bool = False) -> str:
    return '<span class="smmkit-box" aria-hidden="true">' + ("☒" if checked else "☐") + "</span>"


def _key(title: str, body: str) -> str:
    return (
        f'<div class="smmkit-key"><span class="smmkit-key-label">{esc(title)}</span> {body}</div>'
    )


def _feedback(text: str) -> str:
    return f'<div class="smmkit-key-feedback">{md(text)}</div>'


# ---------------------------------------------------------------------------------------------
# one renderer per type
# ---------------------------------------------------------------------------------------------


def _choice(item: Any, mode: Mode) -> str:
    hint = t("paper.pick_one") if item.type == "single_choice" else t("paper.pick_all")
    rows = []
    for index in _order(item, len(item.options)):
        option = item.options[index]
        if mode == "trainer":
            css = "smmkit-option smmkit-correct" if option.correct else "smmkit-option"
            verdict = t("label.true") if option.correct else t("label.false")
            rows.append(
                f'<li class="{css}">{_box(option.correct)} <span class="smmkit-verdict-word">{esc(verdict)}:</span> '
                f"{esc(option.text)}{_feedback(option.feedback)}</li>"
            )
        else:
            rows.append(f'<li class="smmkit-option">{_box()} {esc(option.text)}</li>')
    return f'<p class="smmkit-hint">{esc(hint)}</p><ul class="smmkit-options">{"".join(rows)}</ul>'


def _true_false(item: Any, mode: Mode) -> str:
    boxes = []
    for value in (True, False):
        label = t(f"label.{str(value).lower()}")
        checked = mode == "trainer" and item.answer == value
        boxes.append(
            f'<span class="smmkit-tf{" smmkit-correct" if checked else ""}">{_box(checked)} {esc(label)}</span>'
        )
    out = '<p class="smmkit-tf-row">' + " &nbsp; ".join(boxes) + "</p>"
    if mode == "trainer":
        out += _key(t("paper.key"), _feedback(item.explanation))
    return out


def _ordering(item: Any, mode: Mode) -> str:
    rows = []
    for index in _order(item, len(item.steps)):
        number = str(index + 1) if mode == "trainer" else ""
        rows.append(
            f'<tr><td class="smmkit-numbox">{number}</td><td>{esc(item.steps[index])}</td></tr>'
        )
    out = (
        f'<p class="smmkit-hint">{esc(t("paper.order_hint"))}</p>'
        f'<table class="smmkit-table"><thead><tr><th scope="col">{esc(t("paper.number"))}</th>'
        f'<th scope="col">{esc(t("paper.step"))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    if mode == "trainer":
        out += _key(t("paper.key"), _feedback(item.explanation))
        for alternative in item.alternatives or []:
            steps = " → ".join(item.steps[n - 1] for n in alternative)
            out += _key(t("paper.also_right"), esc(steps))
    return out


def _matching(item: Any, mode: Mode) -> str:
    rights = [p.right for p in item.pairs] + list(item.distractors)
    order = _order(item, len(rights))
    letters = {rights[i]: chr(ord("A") + n) for n, i in enumerate(order)}
    left_rows = []
    for pair in item.pairs:
        answer = letters[pair.right] if mode == "trainer" else ""
        note = _feedback(pair.feedback) if mode == "trainer" and pair.feedback else ""
        left_rows.append(
            f'<tr><td>{esc(pair.left)}{note}</td><td class="smmkit-numbox">{answer}</td></tr>'
        )
    right_rows = "".join(f"<li><b>{letters[rights[i]]}</b> {esc(rights[i])}</li>" for i in order)
    out = (
        f'<p class="smmkit-hint">{esc(t("paper.match_hint"))}</p>'
        f'<div class="smmkit-match"><table class="smmkit-table"><thead><tr><th scope="col">{esc(t("paper.entry"))}</th>'
        f'<th scope="col">{esc(t("paper.letter"))}</th></tr></thead><tbody>{"".join(left_rows)}</tbody></table>'
        f'<ul class="smmkit-letters">{right_rows}</ul></div>'
    )
    if mode == "trainer":
        out += _key(t("paper.key"), _feedback(item.explanation))
    return out


def _fill_blanks(item: Any, mode: Mode) -> str:
    def gap(match: Any) -> str:
        number = int(match.group(1))
        if mode == "trainer":
            accepted = " / ".join(item.blanks[number - 1].accept)
            return f"**({number}) {accepted}**"
        return f"**({number})** ____________"

    out = f'<div class="smmkit-gaptext">{md(GAP_PATTERN.sub(gap, item.text))}</div>'
    if mode == "trainer":
        notes = "".join(
            f"<li>{esc(t('label.gap', number=i))}: {esc(b.feedback)}</li>"
            for i, b in enumerate(item.blanks, start=1)
        )
        out += _key(t("paper.key"), f"<ul>{notes}</ul>")
    return out


def _numeric(item: Any, mode: Mode) -> str:
    unit = f" {esc(item.unit)}" if item.unit else ""
    if mode == "trainer":
        value = number(item.answer)
        tolerance = f" (± {number(item.tolerance)})" if item.tolerance else ""
        out = _key(t("paper.key"), f"<b>{value}{unit}</b>{tolerance}{_feedback(item.explanation)}")
        for mistake in item.mistakes:
            wrong = number(mistake.answer)
            out += _key(t("paper.typical_mistake", value=wrong), _feedback(mistake.feedback))
        return out
    return (
        f'<p class="smmkit-answer-line">{esc(t("label.number"))}: <span class="smmkit-blank"></span>{unit}</p>'
        f'<p class="smmkit-hint">{esc(t("paper.working"))}</p>{_lines(3)}'
    )


def _free_text(item: Any, mode: Mode) -> str:
    if mode == "trainer":
        rules = "".join(
            f"<li><b>{esc(', '.join(rule.any))}</b>: {esc(rule.present)} / <i>{esc(rule.missing)}</i></li>"
            for rule in item.keywords
        )
        return _key(t("label.model_answer"), md(item.model_answer)) + _key(
            t("paper.keywords"), f"<ul>{rules}</ul>"
        )
    hint = t("paper.min_words", count=item.min_words) if item.min_words else ""
    return (f'<p class="smmkit-hint">{esc(hint)}</p>' if hint else "") + _lines(
        max(5, min(12, item.min_words // 8 + 4))
    )


def _likert(item: Any, mode: Mode) -> str:
    labels = item.scale or [t(f"likert.scale.{i}") for i in range(5)]
    head = "".join(
        f'<th scope="col">{i}<br><small>{esc(label)}</small></th>'
        for i, label in enumerate(labels, start=1)
    )
    rows = "".join(
        f"<tr><td>{esc(s.text)}</td>"
        + f'<td class="smmkit-center">{_box()}</td>' * len(labels)
        + "</tr>"
        for s in item.statements
    )
    return (
        f'<table class="smmkit-table smmkit-likert-table"><thead><tr><th scope="col">{esc(t("label.statement"))}</th>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


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


def _uses_score(scenario: Scenario) -> bool:
    return any(node.routes for node in scenario.nodes)


def _route_text(route: Any, numbers: dict[str, int]) -> str:
    target = numbers[route.goto]
    if route.min_score is not None and route.max_score is not None:
        return t(
            "paper.route_between",
            low=f"{route.min_score:g}",
            high=f"{route.max_score:g}",
            section=target,
        )
    if route.min_score is not None:
        return t("paper.route_min", score=f"{route.min_score:g}", section=target)
    if route.max_score is not None:
        return t("paper.route_max", score=f"{route.max_score:g}", section=target)
    return t("paper.route_else", section=target)


def _lettered_choices(scenario: Scenario, node: Any) -> list[tuple[str, Any]]:
    """A node's choices as printed: letters A, B, … in the paper's shuffled order."""
    choices = node.choices or []
    order = choice_order(scenario, node, PAPER_SEED)
    return [(letter, choices[i]) for letter, i in zip("ABCDEFGH", order, strict=False)]


def gamebook(scenario: Scenario) -> str:
    """The scenario as numbered sections a group can play on paper."""
    numbers = section_numbers(scenario)
    scored = _uses_score(scenario)
    sections: dict[int, str] = {}
    extra = len(numbers)
    playable = reachable(scenario)
    # In authored order, not set order: points sections are numbered as they are met, and the
    # same bank must print the same section numbers in every build and process.
    for node in (n for n in scenario.nodes if n.id in playable):
        body = md(node.text) if node.text else ""
        if node.choices:
            items = []
            for letter, choice in _lettered_choices(scenario, node):
                target = numbers[choice.goto]
                if scored and choice.score:
                    # a points section between choice and consequence: points only after choosing
                    extra += 1
                    sign = f"{choice.score:+g}"
                    sections[extra] = (
                        f'<p class="smmkit-points">{esc(t("paper.note_points", points=sign))}</p>'
                        + (f'<p class="smmkit-goto">→ {esc(t("paper.goto", section=target))}</p>')
                    )
                    target = extra
                items.append(
                    f'<li><b>{letter}</b> {esc(choice.text)} <span class="smmkit-goto">→ {esc(t("paper.goto", section=target))}</span></li>'
                )
            body += f'<ul class="smmkit-choices">{"".join(items)}</ul>'
        elif node.routes:
            body += (
                f'<p class="smmkit-hint">{esc(t("paper.count_points"))}</p><ul>'
                + "".join(f"<li>{esc(_route_text(r, numbers))}</li>" for r in node.routes)
                + "</ul>"
            )
        elif node.ending:
            body += f'<p class="smmkit-ending"><b>{esc(t("scenario.ending", title=node.ending.title))}</b></p>'
            body += f'<p class="smmkit-hint">{esc(t("paper.ending_hint"))}</p>'
        sections[numbers[node.id]] = body
    intro = f'<div class="smmkit-prompt">{md(scenario.prompt)}</div>'
    how = t("paper.gamebook_hint_scored") if scored else t("paper.gamebook_hint")

    def block(number: int) -> str:
        label = esc(t("paper.section", number=number))
        return f'<section class="smmkit-gamebook-section"><p class="smmkit-section-no">{label}</p>{sections[number]}</section>'

    story = "".join(block(n) for n in sorted(sections) if n <= len(numbers))
    points = "".join(block(n) for n in sorted(sections) if n > len(numbers))
    points_grid = f'<div class="smmkit-points-sections">{points}</div>' if points else ""
    return f'{intro}<p class="smmkit-hint">{esc(how)}</p><div class="smmkit-gamebook">{story}{points_grid}</div>'


def scenario_key(scenario: Scenario) -> str:
    """Trainer view: map of the graph, best path, every choice with points and feedback, debriefs."""
    from ..kernel.charts import figure_svg, scenario_map

    numbers = section_numbers(scenario)
    best = best_path(scenario)
    figure, alt = scenario_map(scenario, numbers)
    image = base64.b64encode(figure_svg(figure)).decode()
    out = [
        f'<figure class="smmkit-map"><img src="data:image/svg+xml;base64,{image}" '
        f'alt="{esc(alt)}"></figure>'
    ]
    if best:
        path = " → ".join(str(numbers[n]) for n in best[0])
        out.append(_key(t("paper.best_path"), esc(f"{path} ({best[1]:g} {t('paper.points')})")))
    for node in scenario.nodes:
        if node.dilemma:
            label = t("paper.dilemma", section=numbers[node.id])
            out.append(_key(label, esc(node.dilemma)))
    rows = []
    for node in scenario.nodes:
        for letter, choice in _lettered_choices(scenario, node):
            rows.append(
                f"<tr><td>{numbers[node.id]}{letter}</td><td>{esc(choice.text)}</td>"
                f'<td class="smmkit-center">{choice.score:+g}</td><td>{md(choice.feedback)}</td></tr>'
            )
    out.append(
        f'<table class="smmkit-table"><thead><tr><th scope="col">{esc(t("paper.choice"))}</th><th scope="col">{esc(t("paper.text"))}</th>'
        f'<th scope="col">{esc(t("paper.points"))}</th><th scope="col">{esc(t("paper.why"))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    for node in scenario.nodes:
        if node.ending:
            rating = t(f"scenario.rating.{node.ending.rating}")
            out.append(
                f'<div class="smmkit-debrief smmkit-rating-{RATING_CLASS[node.ending.rating]}">'
                f"<p><b>{esc(t('paper.section', number=numbers[node.id]))} – {esc(rating)}: {esc(node.ending.title)}</b></p>"
                f"{md(node.ending.debrief)}</div>"
            )
    return "".join(out)


def _scenario(item: Scenario, mode: Mode) -> str:
    book = gamebook(item)
    return book + (scenario_key(item) if mode == "trainer" else "")


RENDERERS: dict[str, Callable[[Any, Mode], str]] = {
    "single_choice": _choice,
    "multiple_choice": _choice,
    "true_false": _true_false,
    "ordering": _ordering,
    "matching": _matching,
    "fill_blanks": _fill_blanks,
    "numeric": _numeric,
    "free_text": _free_text,
    "likert": _likert,
    "scenario": _scenario,
}


def render_item(item: Any, mode: Mode, number: int | None = None) -> str:
    """One item on paper; `number` prefixes the title inside quiz sets."""
    title = item.title or t(f"paper.type.{item.type}")
    if number is not None:
        title = f"{number}. {title}"
    prompt = (
        "" if item.type == "scenario" else f'<div class="smmkit-prompt">{md(item.prompt)}</div>'
    )
    body = RENDERERS[item.type](item, mode)
    note = ""
    if mode == "trainer" and item.trainer_note:
        note = f'<div class="smmkit-trainer-note"><b>{esc(t("paper.trainer_note"))}:</b> {md(item.trainer_note)}</div>'
    return (
        f'<div class="smmkit-paper-item smmkit-paper-{item.type}" data-item-id="{esc(item.id)}">'
        f'<p class="smmkit-item-title">{esc(title)}</p>{prompt}{body}{note}</div>'
    )


def render_quiz_set(quiz_set: Any, items: dict[str, Any], mode: Mode) -> str:
    parts = [
        render_item(items[item_id], mode, number)
        for number, item_id in enumerate(quiz_set.items, start=1)
    ]
    footer = ""
    if mode == "trainer":
        bands = "".join(
            f"<li>ab {round(b.min * 100)} %: {md(b.feedback)}</li>" for b in quiz_set.bands
        )
        footer = _key(
            t("paper.pass_mark", percent=round(quiz_set.pass_mark * 100)), f"<ul>{bands}</ul>"
        )
    return (
        f'<div class="smmkit-paper-set" data-item-id="{esc(quiz_set.id)}"><p class="smmkit-set-title">{esc(quiz_set.title)}</p>'
        f"{''.join(parts)}{footer}</div>"
    )


def render_participant_line() -> str:
    return f'<div class="smmkit-paper-item"><p class="smmkit-answer-line">{esc(t("participant.prompt"))}: <span class="smmkit-blank smmkit-blank-wide"></span></p></div>'


def note_space(lines: int = 8) -> str:
    """Space for a learner's own work where the screen version has an exercise cell."""
    return f'<div class="smmkit-paper-item smmkit-note-space"><p class="smmkit-hint">{esc(t("paper.your_solution"))}</p>{_lines(lines)}</div>'
