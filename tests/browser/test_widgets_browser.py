"""The widgets as a participant meets them: Voilà page, real clicks and typing in chromium.

Answers and expected feedback come from the content bank (`smmkit.bank.load_bank`) and the
widgets' own words from the locale catalog (`smmkit.i18n.t`), so content or wording edits do
not break these tests; only the behaviour does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from helpers import saved_records

from smmkit.bank import load_bank
from smmkit.bank.grading import Grade, grade
from smmkit.bank.scenarios import ScenarioRun, best_path
from smmkit.bank.validate import NOTEBOOK_CALL
from smmkit.i18n import t
from smmkit.kernel.widgets.base import md, verdict
from smmkit.store import participant_key

if os.environ.get("CI", "").lower() != "true":  # on CI a missing playwright must fail
    pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' for playwright")
from playwright.sync_api import Locator, Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE_ROOT = REPO / "tests" / "fixtures" / "valid"
SCORED_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "ordering",
    "matching",
    "fill_blanks",
    "numeric",
    "free_text",
)
RENDER = 30_000  # ms for a kernel round trip on a busy 2-core machine


# --- text helpers ----------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(markdown: str | None) -> str:
    """What a reader sees of authored Markdown: rendered, tags dropped, spaces collapsed."""
    parser = _Text()
    parser.feed(md(markdown))
    return " ".join("".join(parser.parts).split())


def snippet(markdown: str | None, length: int = 70) -> str:
    """A leading piece of the visible text, cut at a word, to find it on the page."""
    text = plain(markdown)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0]


def exactly(text: str) -> re.Pattern[str]:
    # Playwright writes the pattern into a /…/ selector, so "/" must be escaped as well.
    escaped = re.escape(" ".join(text.split())).replace("/", "\\/")
    return re.compile(rf"^\s*{escaped}\s*$")


def enter_text(field: Locator, text: str) -> None:
    """Click into a field and enter the text in one go, like pasting it.

    Keystroke-by-keystroke typing would race the check button: ipywidgets holds back a
    widget's later updates while one is unanswered, and the click is another widget's
    message, so the kernel could grade a half-typed answer (see the xfail test on that).
    """
    field.click()
    field.fill(text)
    expect(field).to_have_value(text)


# --- answering, one function per item type ---------------------------------------------------


def click_radio(widget: Locator, text: str) -> None:
    label = widget.locator(".widget-radio-box label").filter(has_text=exactly(text))
    label.click()
    expect(label.locator("input")).to_be_checked()


def answer_single_choice(widget: Locator, item: Any, index: int) -> int:
    click_radio(widget, item.options[index].text)
    return index


def answer_multiple_choice(widget: Locator, item: Any) -> list[int]:
    chosen = [i for i, option in enumerate(item.options) if option.correct]
    for index in chosen:
        label = widget.locator("label.widget-label-basic").filter(
            has_text=exactly(item.options[index].text)
        )
        label.click()
        expect(label.locator("input[type=checkbox]")).to_be_checked()
    return chosen


def answer_true_false(widget: Locator, item: Any) -> bool:
    click_radio(widget, t("label.true") if item.answer else t("label.false"))
    return item.answer


def answer_ordering(widget: Locator, item: Any) -> list[int]:
    """Move each step into place with the up buttons, waiting for each re-render."""
    up = t("button.up")
    buttons = widget.locator(f"button[title^='{up}: ']")
    expect(buttons).to_have_count(len(item.steps))
    current = [title.removeprefix(f"{up}: ") for title in _titles(buttons)]
    assert sorted(current) == sorted(item.steps), current
    assert current != list(item.steps), "the ordering item starts already solved"
    for target, step in enumerate(item.steps):
        position = current.index(step)
        while position > target:
            widget.get_by_title(f"{up}: {step}", exact=True).click()
            current[position - 1], current[position] = current[position], current[position - 1]
            position -= 1
            expect(buttons.nth(position)).to_have_attribute("title", f"{up}: {step}")
    for position, step in enumerate(item.steps, start=1):
        expect(widget).to_contain_text(f"{position}. {step}")
    return list(range(len(item.steps)))


def _titles(buttons: Locator) -> list[str]:
    return [buttons.nth(i).get_attribute("title") or "" for i in range(buttons.count())]


def letter_of(widget: Locator, answer: str) -> str:
    """The letter under which the matching widget lists an answer."""
    text = widget.locator(".smmkit-letter-list .smmkit-letter-text").filter(
        has_text=exactly(answer)
    )
    letter = text.first.locator("xpath=..").get_attribute("data-letter")
    assert letter, f"answer {answer[:30]!r} is not in the lettered list"
    return letter


def answer_matching(widget: Locator, item: Any) -> list[str]:
    for pair in item.pairs:
        select = widget.get_by_label(pair.left, exact=True)
        letter = letter_of(widget, pair.right)
        select.select_option(label=letter)
        expect(select.locator("option:checked")).to_have_text(letter)
    return [pair.right for pair in item.pairs]


def answer_fill_blanks(widget: Locator, item: Any) -> list[str]:
    answers = [blank.accept[0] for blank in item.blanks]
    for number, text in enumerate(answers, start=1):
        enter_text(widget.get_by_label(t("label.gap", number=number), exact=True), text)
    return answers


def answer_numeric(widget: Locator, item: Any) -> str:
    text = f"{item.answer:g}".replace(".", ",")  # the German way: 3,5
    enter_text(widget.get_by_label(t("label.number"), exact=True), text)
    return text


def answer_free_text(widget: Locator, item: Any) -> str:
    text = item.model_answer
    if not grade(item, plain(text)).correct:  # build one that meets every keyword rule
        words = [rule.any[0] for rule in item.keywords]
        words += ["und"] * max(0, item.min_words - len(words))
        text = " ".join(words)
    else:
        text = plain(text)
    box = widget.get_by_label(t("label.your_text"), exact=True)
    box.click()
    if len(text) <= 160:
        box.press_sequentially(text)  # real typing
    else:
        box.fill(text)
    box.press("Tab")  # the text is sent when the field is left (no half-typed answers)
    # The counter is computed by the kernel: once it shows the full count, the kernel has
    # the whole text and checking cannot grade a partial one.
    expect(widget).to_contain_text(t("label.words", count=len(text.split())))
    return text


ANSWER = {
    "single_choice": lambda w, item: answer_single_choice(
        w, item, next(i for i, o in enumerate(item.options) if o.correct)
    ),
    "multiple_choice": answer_multiple_choice,
    "true_false": answer_true_false,
    "ordering": answer_ordering,
    "matching": answer_matching,
    "fill_blanks": answer_fill_blanks,
    "numeric": answer_numeric,
    "free_text": answer_free_text,
}


def check(widget: Locator) -> None:
    widget.get_by_role("button", name=t("button.check"), exact=True).click()


def expect_feedback(widget: Locator, item: Any, result: Grade, saved: bool = True) -> None:
    """Verdict, every feedback line of the grade, the retry button, and the saved note."""
    expect(widget.locator(".smmkit-verdict")).to_contain_text(verdict(result), timeout=RENDER)
    feedback = widget.locator(".smmkit-feedback")
    expect(feedback).to_have_count(len(result.feedback))
    for index, line in enumerate(result.feedback):
        expect(feedback.nth(index)).to_contain_text(snippet(line.text))
    expect(widget.get_by_role("button", name=t("button.retry"), exact=True)).to_be_visible()
    expect(widget.get_by_role("button", name=t("button.check"), exact=True)).to_be_hidden()
    if saved:
        expect(widget.locator(".smmkit-status")).to_contain_text(t("participant.saved"))
    if item.type == "free_text":
        expect(widget.locator(".smmkit-model-answer")).to_contain_text(snippet(item.model_answer))


def answer_and_check(widget: Locator, item: Any, saved: bool = True) -> Grade:
    expect(widget).to_have_count(1)
    widget.scroll_into_view_if_needed()
    answer = ANSWER[item.type](widget, item)
    check(widget)
    result = grade(item, answer)
    assert result.correct, f"{item.id}: the scripted answer {answer!r} is not right"
    expect_feedback(widget, item, result, saved)
    return result


# --- scenarios and self-assessments ------------------------------------------------------------


def winning_choices(scenario: Any) -> list[int]:
    """Choice indexes along the best playthrough (best rating, then highest score)."""
    found = best_path(scenario)
    assert found, f"{scenario.id}: no ending reachable"
    path, _ = found
    nodes = scenario.node_map
    indexes = []
    for here, there in zip(path, path[1:], strict=False):
        choices = nodes[here].choices or []
        leading = [i for i, c in enumerate(choices) if c.goto == there]
        if leading:
            indexes.append(max(leading, key=lambda i: choices[i].score))
    return indexes


def play_scenario(widget: Locator, scenario: Any, choices: list[int] | None = None) -> ScenarioRun:
    """Click through the scenario, checking each choice's feedback and the next node's text."""
    run = ScenarioRun(scenario)
    expect(widget.locator(".widget-html-content").first).to_contain_text(scenario.title)
    for index in winning_choices(scenario) if choices is None else choices:
        choice = run.node.choices[index]
        widget.get_by_role("button", name=exactly(choice.text)).click()
        run.choose(index)
        expect(widget).to_contain_text(snippet(choice.feedback), timeout=RENDER)
        if run.node.text:
            expect(widget).to_contain_text(snippet(run.node.text))
    assert run.finished, f"{scenario.id}: the scripted choices do not reach an ending"
    ending = run.node.ending
    expect(widget).to_contain_text(ending.title)
    expect(widget).to_contain_text(t(f"scenario.rating.{ending.rating}"))
    expect(widget.locator(".smmkit-debrief")).to_contain_text(t("scenario.debrief"))
    expect(widget.locator(".smmkit-debrief")).to_contain_text(snippet(ending.debrief))
    expect(widget.locator("button.smmkit-choice")).to_have_count(0)
    return run


def fill_self_assessment(widget: Locator, item: Any, rating: int = 4) -> dict[str, int]:
    """Rate every statement, save, and wait for the chart output to arrive."""
    labels = item.scale or [t(f"likert.scale.{i}") for i in range(5)]
    scales = widget.locator(".smmkit-likert-scale")
    expect(scales).to_have_count(len(item.statements))
    for index in range(len(item.statements)):
        click_radio(scales.nth(index), f"{rating} – {labels[rating - 1]}")
    widget.get_by_role("button", name=t("button.save"), exact=True).click()
    expect(widget.locator(".smmkit-status")).to_contain_text(t("likert.saved"), timeout=RENDER)
    expect(widget.locator(".widget-output .jp-OutputArea-output").first).to_be_attached()
    return {statement.id: rating for statement in item.statements}


def expect_radar_chart(widget: Locator) -> None:
    """The chart is an image of a sensible size (not the Figure's text repr)."""
    shown = widget.locator(".widget-output").locator("img, .jp-RenderedText")
    expect(shown.first).to_be_visible(timeout=RENDER)
    texts = widget.locator(".widget-output .jp-RenderedText").all_inner_texts()
    assert not texts, f"the radar chart is shown as text: {texts}"
    chart = widget.locator(".widget-output img")
    expect(chart).to_have_count(1)
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200, box


def enter_participant(page: Page, name: str) -> None:
    widget = page.locator(".smmkit-participant")
    field = widget.get_by_label(t("participant.prompt"), exact=True)
    field.click()
    field.press_sequentially(name)  # sent once, when the field loses focus to the button
    widget.get_by_role("button", name=t("button.save"), exact=True).click()
    expect(widget).to_contain_text(t("participant.welcome", name=name), timeout=RENDER)


def read_results(results_dir: Path, name: str) -> dict[str, list[dict]]:
    path = results_dir / f"{participant_key(name)}.json"
    assert path.is_file(), f"no results file {path.name}; found {sorted(results_dir.iterdir())}"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["participant"]["name"] == name
    by_id: dict[str, list[dict]] = {}
    for record in saved_records(path):
        by_id.setdefault(record["item_id"], []).append(record)
    return by_id


def assert_offline(vpage) -> None:
    assert vpage.requests, "no requests were recorded"
    unexpected = vpage.unexpected_requests()
    assert not unexpected, f"the page reached beyond localhost: {unexpected}"


# --- the fixture notebook ----------------------------------------------------------------------


ALL_WIDGETS = (
    *(
        f'smmkit.quiz("beispiel.{s}-01")'
        for s in ("sc", "mc", "tf", "ord", "mat", "gap", "num", "txt")
    ),
    'smmkit.scenario("beispiel.scn-01")',
    'smmkit.self_assessment("beispiel.lik-01", phase="vorher")',
)


def widgets_notebook(folder: Path, calls: Sequence[str] = ALL_WIDGETS) -> Path:
    """A notebook like the modules': a name cell first, then one call per cell."""
    cells = [
        nbformat.v4.new_markdown_cell("# Alle Fragetypen (Testseite)"),
        nbformat.v4.new_code_cell("import smmkit\n\nsmmkit.participant()"),
        *(nbformat.v4.new_code_cell(call) for call in calls),
    ]
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = folder / "alle_fragetypen.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def fixture_page(voila_server, page, tmp_path):
    server = voila_server(widgets_notebook(tmp_path), FIXTURE_ROOT)
    page.open(server, ".smmkit-likert")
    return server, page


def test_every_item_type_can_be_answered_in_the_browser(fixture_page):
    server, vpage = fixture_page
    page = vpage.page
    bank = load_bank(FIXTURE_ROOT)
    name = "Jörg Fuchs-17"
    enter_participant(page, name)

    # single choice, wrong first: wrong feedback and the retry button, then right.
    single = bank.items["beispiel.sc-01"]
    widget = page.locator(".smmkit-single_choice")
    wrong = next(i for i, o in enumerate(single.options) if not o.correct)
    answer_single_choice(widget, single, wrong)
    check(widget)
    expect(widget.locator(".smmkit-verdict")).to_contain_text(t("verdict.wrong"), timeout=RENDER)
    expect(widget.locator(".smmkit-feedback-false")).to_contain_text(single.options[wrong].feedback)
    retry = widget.get_by_role("button", name=t("button.retry"), exact=True)
    expect(retry).to_be_visible()
    expect(widget.locator("input[type=radio]").first).to_be_disabled()
    expect(widget.locator(".smmkit-status")).to_contain_text(t("participant.saved"))
    retry.click()
    expect(widget.locator(".smmkit-verdict")).to_have_count(0, timeout=RENDER)
    expect(widget.locator("input[type=radio]").first).to_be_enabled()
    right = next(i for i, o in enumerate(single.options) if o.correct)
    answer_single_choice(widget, single, right)
    check(widget)
    expect(widget.locator(".smmkit-verdict")).to_contain_text("Richtig!", timeout=RENDER)
    expect(widget.locator(".smmkit-feedback-true")).to_contain_text(single.options[right].feedback)
    expect(widget.locator(".smmkit-status")).to_contain_text(t("participant.saved"))

    expected_points = {"beispiel.sc-01": [0.0, 1.0]}
    for item_id in (
        "beispiel.mc-01",
        "beispiel.tf-01",
        "beispiel.ord-01",
        "beispiel.mat-01",
        "beispiel.gap-01",
        "beispiel.num-01",
        "beispiel.txt-01",
    ):
        item = bank.items[item_id]
        result = answer_and_check(page.locator(f".smmkit-{item.type}"), item)
        expect(page.locator(f".smmkit-{item.type} .smmkit-verdict")).to_contain_text("Richtig!")
        expected_points[item_id] = [result.points]

    # A few literal checks against the fixture YAML, so a grading regression cannot hide
    # behind "expected = whatever grade() says".
    expect(page.locator(".smmkit-multiple_choice")).to_contain_text("Ja, bei Gewinnspielen")
    expect(page.locator(".smmkit-true_false")).to_contain_text("Don't feed the troll.")
    expect(page.locator(".smmkit-matching")).to_contain_text("LinkedIn → Fachkräfte gewinnen")
    expect(page.locator(".smmkit-fill_blanks")).to_contain_text("Schnelligkeit zählt.")
    expect(page.locator(".smmkit-numeric")).to_contain_text("1.500 / 50.000 = 3 %.")
    expect(page.locator(".smmkit-free_text")).to_contain_text("Sie bieten einen privaten Kanal an.")

    scenario = bank.items["beispiel.scn-01"]
    run = play_scenario(page.locator(".smmkit-scenario"), scenario, choices=[0, 0])
    assert run.node.id == "ende_gut"
    expect(page.locator(".smmkit-scenario")).to_contain_text("Vertrauen gewonnen")
    expect(page.locator(".smmkit-scenario")).to_contain_text("Schnell, offen, privat.")
    expect(page.locator(".smmkit-scenario .smmkit-status")).to_contain_text(t("participant.saved"))

    likert = bank.items["beispiel.lik-01"]
    ratings = fill_self_assessment(page.locator(".smmkit-likert"), likert)
    expect_radar_chart(page.locator(".smmkit-likert"))

    vpage.screenshot("widgets-alle-fragetypen")

    answers = read_results(server.results_dir, name)
    for item_id, points in expected_points.items():
        records = answers.get(item_id, [])
        assert [r["score"] for r in records] == points, (item_id, records)
        assert [r["attempt"] for r in records] == list(range(1, len(points) + 1))
        assert all(r["module"] == "01_beispiel" for r in records)
    assert answers["beispiel.sc-01"][0]["answer"] == wrong
    assert answers["beispiel.sc-01"][1]["answer"] == right
    assert answers["beispiel.ord-01"][-1]["answer"] == [0, 1, 2, 3]
    assert answers["beispiel.mat-01"][-1]["answer"] == [
        p.right for p in bank.items["beispiel.mat-01"].pairs
    ]
    (played,) = answers["beispiel.scn-01"]
    assert played["answer"]["ending"] == "ende_gut" and played["score"] == 3.0
    (assessment,) = answers["beispiel.lik-01"]
    assert assessment["answer"] == ratings
    assert assessment["phase"] == "vorher" and assessment["score"] is None
    assert_offline(vpage)


def test_page_loads_nothing_from_the_internet(fixture_page):
    """Only 127.0.0.1 is contacted: smmkit's Voilà template drops the Font Awesome CDN links
    of Voilà's lab template (its own bundle carries Font Awesome)."""
    _, vpage = fixture_page
    page = vpage.page
    # Interact once so widget traffic (comm messages, chart image) is part of the record too.
    page.get_by_role("button", name=t("button.restart"), exact=True).click()
    expect(page.locator(".smmkit-scenario button.smmkit-choice").first).to_be_visible()
    sockets = [u for u in vpage.requests if u.startswith("ws://127.0.0.1:")]
    assert any("/api/kernels/" in u for u in sockets), "the kernel's websocket was not seen"
    assert_offline(vpage)


# --- long texts -------------------------------------------------------------------------------

LONG = (
    "Weil die Betreuung der sozialen Medien prozess- und abteilungsübergreifend ist und nur "
    "in Zusammenarbeit mit anderen Bereichen des Unternehmens auf Dauer wirklich gelingt"
)
LONG_LEFT = (
    "Ein Kommentar: Ihr verlangt für eine Inspektion 120 Euro, im Internet steht 59 Euro! "
    "(Der Online-Preis gilt nur für eine Basis-Inspektion.)"
)
LONG_RIGHT = (
    "Freundlich den Unterschied erklären und ein genaues Angebot per Direktnachricht anbieten"
)
LAYOUT_BANK = f"""\
schema_version: 1
module: 99_layout
title: "Lange Texte"
items:
  - id: layout.sc-01
    type: single_choice
    competency: team
    prompt: "Welche Begründung passt am besten?"
    shuffle: false
    options:
      - {{text: "{LONG} (A).", correct: true, feedback: "Ja."}}
      - {{text: "Kurz", feedback: "Nein."}}
      - {{text: "{LONG} (B), sagt jedenfalls die Geschäftsführung.", feedback: "Nein."}}
  - id: layout.mc-01
    type: multiple_choice
    competency: team
    prompt: "Was stimmt?"
    shuffle: false
    options:
      - {{text: "{LONG} (C).", correct: true, feedback: "Ja."}}
      - {{text: "Kurz", feedback: "Nein."}}
  - id: layout.mat-01
    type: matching
    competency: strategie
    prompt: "Ordnen Sie zu."
    shuffle: false
    pairs:
      - {{left: "{LONG_LEFT}", right: "{LONG_RIGHT}"}}
      - {{left: "LinkedIn", right: "Fachkräfte gewinnen"}}
      - {{left: "Instagram", right: "Produkte zeigen"}}
    explanation: "Jeder Kanal hat seine Stärke."
  - id: layout.scn-01
    type: scenario
    competency: kommunikation
    title: "Lange Entscheidungen"
    prompt: "Ein Fall mit langen Antworten."
    start: start
    nodes:
      - id: start
        text: "Was tun Sie?"
        choices:
          - {{text: "{LONG} – also antworte ich sofort.", goto: gut, score: 1, feedback: "Gut."}}
          - {{text: "Nichts", goto: schlecht, score: -1, feedback: "Schlecht."}}
      - id: gut
        text: "Es wird gut."
        ending: {{title: "Gut", rating: good, debrief: "Gut gemacht."}}
      - id: schlecht
        text: "Es wird schlecht."
        ending: {{title: "Schlecht", rating: bad, debrief: "Nächstes Mal."}}
"""

# Elements whose text is cut off: clipped by overflow, or shortened with an ellipsis.
CLIPPED_JS = """root => [...root.querySelectorAll('*')].filter(e => {
    const s = getComputedStyle(e);
    const clips = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    return clips && e.innerText && e.innerText.trim() && e.offsetParent !== null
        && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
}).map(e => e.tagName + '.' + e.className + ': ' + e.innerText.trim().slice(0, 60))"""


def open_layout_page(voila_server, page, tmp_path: Path, width: int = 900) -> Any:
    """Items with long texts, in a window about as wide as half a laptop screen.

    Returns the bank of those items.
    """
    root = tmp_path / "layout"
    (root / "content" / "de").mkdir(parents=True)
    (root / "content" / "de" / "99_layout.yaml").write_text(LAYOUT_BANK, encoding="utf-8")
    bank = load_bank(root)  # a broken test bank should fail here, not as a blank page
    calls = [f'smmkit.quiz("layout.{name}-01")' for name in ("sc", "mc", "mat")]
    notebook = widgets_notebook(tmp_path, [*calls, 'smmkit.scenario("layout.scn-01")'])
    page.page.set_viewport_size({"width": width, "height": 900})
    page.open(voila_server(notebook, root), ".smmkit-scenario")
    return bank


@pytest.fixture(scope="module")
def layout_page(module_voila_server, module_page, tmp_path_factory):
    """One page with long texts, looked at by the three tests below (one kernel for all)."""
    bank = open_layout_page(module_voila_server, module_page, tmp_path_factory.mktemp("layout"))
    return bank, module_page


def test_long_option_texts_are_shown_in_full(layout_page):
    _, page = layout_page
    widgets = page.page.locator(".smmkit-single_choice, .smmkit-multiple_choice, .smmkit-scenario")
    expect(widgets).to_have_count(3)
    width = page.page.viewport_size["width"]
    for index in range(3):
        widget = widgets.nth(index)
        clipped = widget.evaluate(CLIPPED_JS)
        assert not clipped, f"text cut off: {clipped}"
        for text in widget.locator("label, button, select").all():
            box = text.bounding_box()
            assert box is None or box["x"] + box["width"] <= width, (text.inner_text(), box)
    scenario = page.page.locator(".smmkit-scenario")
    button = scenario.get_by_role("button", name=re.compile("also antworte ich sofort"))
    expect(button).to_contain_text(f"{LONG} – also antworte ich sofort.")
    button.click()
    expect(scenario.locator(".smmkit-debrief")).to_contain_text("Gut gemacht.", timeout=RENDER)
    page.screenshot("lange-texte")
    assert_offline(page)


def test_radio_circle_sits_at_the_start_of_its_wrapped_label(layout_page):
    _, page = layout_page
    labels = page.page.locator(".smmkit-single_choice .widget-radio-box label")
    expect(labels).to_have_count(3)
    for label in labels.all():
        text_box = label.bounding_box()
        circle = label.locator("input").bounding_box()
        assert text_box and circle
        assert circle["y"] - text_box["y"] < 10, (
            f"the circle of {label.inner_text()[:40]!r} is {circle['y'] - text_box['y']:.0f} px "
            "below the start of its text"
        )
        assert circle["x"] <= text_box["x"] + 4, "the circle is not left of the text"


# What the closed <select> shows of its chosen option, against the room it has for text.
SELECT_TEXT_JS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : '';
    const arrow = 20;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight) - arrow;
    return {text: text, needed: context.measureText(text).width, room: room};
}"""


def test_matching_dropdowns_show_the_chosen_answer_in_full(layout_page):
    bank, page = layout_page
    item = bank.items["layout.mat-01"]
    widget = page.page.locator(".smmkit-matching")
    width = page.page.viewport_size["width"]
    for pair in item.pairs:
        statement = widget.locator("label").filter(has_text=exactly(pair.left))
        box = statement.bounding_box()
        assert box and box["x"] + box["width"] <= width, f"{pair.left[:30]!r}… runs off the page"
        select = widget.get_by_label(pair.left, exact=True)
        select.select_option(label=letter_of(widget, pair.right))
        shown = select.evaluate(SELECT_TEXT_JS)
        assert shown["needed"] <= shown["room"], (
            f"{pair.left[:30]!r}…: the chosen answer {pair.right[:30]!r}… needs "
            f"{shown['needed']:.0f} px, the closed dropdown has {shown['room']:.0f} px"
        )


BUSY_GAP_CELL = """\
import time

gap = smmkit.quiz("beispiel.gap-01")
# A busy kernel (a slow cell, a loaded server): every update of a gap takes a while.
for field in gap.inputs:
    field.observe(lambda change: time.sleep(0.5), names="value")
gap"""


def test_answer_typed_just_before_checking_is_graded_in_full(voila_server, page, tmp_path):
    notebook = widgets_notebook(tmp_path, [BUSY_GAP_CELL])
    page.open(voila_server(notebook, FIXTURE_ROOT), ".smmkit-fill_blanks")
    item = load_bank(FIXTURE_ROOT).items["beispiel.gap-01"]
    widget = page.page.locator(".smmkit-fill_blanks")
    answers = [blank.accept[0] for blank in item.blanks]
    for number, text in enumerate(answers, start=1):
        field = widget.get_by_label(t("label.gap", number=number), exact=True)
        field.click()
        field.press_sequentially(text)
    check(widget)
    expect(widget.locator(".smmkit-verdict")).to_be_visible(timeout=RENDER)
    # Graded once, so read it once (waiting would only wait for the timeout).
    shown = " ".join(" ".join(widget.locator(".smmkit-feedback").all_inner_texts()).split())
    for line in grade(item, answers).feedback:
        assert snippet(line.text) in shown, f"graded a partial answer: {shown!r}"


# --- module 01 ---------------------------------------------------------------------------------


def notebook_calls(path: Path) -> list[tuple[str, str]]:
    notebook = nbformat.read(path, as_version=4)
    calls = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            calls += [(m.group(1), m.group(3)) for m in NOTEBOOK_CALL.finditer(cell.source)]
    return calls


def pick_one_per_type(bank: Any, calls: list[tuple[str, str]]) -> dict[str, Any]:
    """The first item of every type the notebook shows (quiz sets count with their items)."""
    chosen: dict[str, Any] = {}
    for _, item_id in calls:
        assert item_id in bank, f"the notebook shows {item_id!r}, which is not in the bank"
        ids = bank.quiz_sets[item_id].items if item_id in bank.quiz_sets else [item_id]
        for one in ids:
            item = bank.items[one]
            chosen.setdefault(item.type, item)
    return chosen


def app_edition(built: Path, source: Path, folder: Path) -> Path:
    """What `make app` serves: the app edition of `source` from the shared full build
    (executed, trainer notes removed, results that are the same for everyone kept), copied
    into `folder`."""
    target = folder / source.name
    shutil.copyfile(built / "build" / "de" / "app" / source.name, target)
    return target


MODULES = sorted(p for p in (REPO / "notebooks" / "de").glob("0[1-9]_*.ipynb") if notebook_calls(p))


@pytest.mark.parametrize("module", MODULES, ids=[p.stem for p in MODULES])
def test_module_in_the_browser(module, built, voila_server, page, tmp_path):
    """One item of every type a module shows and one scenario, in its app edition."""
    bank = load_bank(REPO)
    chosen = pick_one_per_type(bank, notebook_calls(module))
    assert "scenario" in chosen, f"{module.stem} shows no scenario"
    assert set(chosen) & set(SCORED_TYPES), f"{module.stem} shows no scored item"

    server = voila_server(app_edition(built, module, tmp_path), REPO)
    page.open(server, ".smmkit-item, .smmkit-scenario, .smmkit-likert")
    browser_page = page.page
    expect(browser_page.locator("body")).not_to_contain_text("Hinweis für Trainerinnen und Trainer")
    name = "Modul-01 Testperson"
    has_participant = browser_page.locator(".smmkit-participant").count() > 0
    if has_participant:
        enter_participant(browser_page, name)

    for kind in SCORED_TYPES:
        item = chosen.get(kind)
        if item is None:
            continue
        widget = browser_page.locator(f".smmkit-{kind}").filter(has_text=snippet(item.prompt))
        answer_and_check(widget.first, item, saved=has_participant)

    scenario = chosen["scenario"]
    widget = browser_page.locator(".smmkit-scenario").filter(has_text=scenario.title).first
    widget.scroll_into_view_if_needed()
    play_scenario(widget, scenario)

    if "likert" in chosen:
        item = chosen["likert"]
        widget = browser_page.locator(".smmkit-likert").filter(has_text=snippet(item.prompt))
        fill_self_assessment(widget.first, item)
        expect_radar_chart(widget.first)

    page.screenshot(f"modul-{module.stem}")
    if has_participant:
        answers = read_results(server.results_dir, name)
        missing = {item.id for item in chosen.values()} - set(answers)
        assert not missing, f"not in the results file: {missing}"
    assert_offline(page)


# --- exercise widgets of modules 02 and 04 ------------------------------------------------------

EXERCISE_WIDGETS = ['smmkit.exercise("raci")', 'smmkit.exercise("posts")']


def test_raci_and_post_workshop_in_the_browser(voila_server, page, tmp_path):
    notebook = widgets_notebook(tmp_path, EXERCISE_WIDGETS)
    server = voila_server(notebook, REPO)
    page.open(server, ".smmkit-post-workshop")
    browser_page = page.page
    name = "Werkstatt Testperson"
    enter_participant(browser_page, name)

    # RACI: a grid with one R names the broken rules; the model solution opens after a check
    raci = browser_page.locator(".smmkit-raci")
    raci.locator("select").first.select_option(label="R")
    raci.get_by_role("button", name=t("raci.button.check"), exact=True).click()
    expect(raci).to_contain_text(t("raci.level.error"), timeout=RENDER)
    model = raci.get_by_role("button", name=t("raci.button.model"), exact=True)
    expect(model).to_be_enabled()
    model.click()
    expect(raci).to_contain_text("Musterlösung", timeout=RENDER)

    # Post workshop: live checks while typing, then save the draft
    post = browser_page.locator(".smmkit-post-workshop")
    box = post.get_by_label(t("posts.text.label"), exact=True)
    box.click()
    draft = "Wussten Sie, wie lange unser Lindner-Brot reift?\nKommen Sie vorbei und probieren Sie! #brot"
    box.press_sequentially(draft, delay=5)
    expect(post).to_contain_text("/ 2.200 Zeichen", timeout=RENDER)
    expect(post).to_contain_text("Ihr Einstieg hat", timeout=RENDER)
    expect(post).to_contain_text("Handlungsaufforderung gefunden", timeout=RENDER)
    post.get_by_role("button", name=t("posts.button.save"), exact=True).click()
    expect(post).to_contain_text("Entwurf gespeichert", timeout=RENDER)

    answers = read_results(server.results_dir, name)
    assert answers["team.raci-01"][-1]["module"] == "02_teamfaehigkeit"
    saved = answers["kreativitaet.post-01"][-1]
    assert saved["module"] == "04_kreativitaet" and saved["answer"]["text"] == draft
    page.screenshot("uebungs-widgets")
    assert_offline(page)
