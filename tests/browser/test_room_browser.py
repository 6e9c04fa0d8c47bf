"""Three participants and their trainer in one room, each in their own browser context."""

from __future__ import annotations

import json

import pytest
from axe import audit, report, serious
from conftest import REPO, _new_page
from helpers import saved_records
from playwright.sync_api import expect
from test_widgets_browser import (
    RENDER,
    answer_and_check,
    assert_offline,
    notebook_calls,
    pick_one_per_type,
    snippet,
)

from smmkit.bank import load_bank
from smmkit.i18n import t

MODULE = "00_einfuehrung"
PEOPLE = ("Anna Aufgeweckt", "Bo <b>Fett</b>", "Anna B.")  # markup must show as text


@pytest.fixture(scope="module")
def item():
    """A scored item module 00 shows (single choice if there is one)."""
    bank = load_bank(REPO)
    chosen = pick_one_per_type(bank, notebook_calls(REPO / "notebooks" / "de" / f"{MODULE}.ipynb"))
    return chosen.get("single_choice") or chosen.get("true_false") or next(iter(chosen.values()))


def assert_accessible(page) -> None:
    """No critical or serious axe-core WCAG 2 A/AA finding on the page as it is now."""
    found = serious(audit(page))
    assert not found, report(found)


def join(page, room, name: str) -> None:
    page.goto(room.url)
    expect(page).to_have_url(room.url + "join")
    page.get_by_label("Ihr Name oder ein Pseudonym").fill(name)
    page.get_by_role("button", name="Beitreten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hallo {name}!")


def open_module(page, name: str) -> None:
    page.get_by_role("link", name="Einführung").click()
    greeting = page.locator(".smmkit-participant")
    expect(greeting).to_contain_text(t("participant.room", name=name), timeout=90_000)


def widget_of(page, item):
    return page.locator(f".smmkit-{item.type}").filter(has_text=snippet(item.prompt)).first


def test_three_participants_and_their_trainer(room, browser, item):
    with _new_page(browser) as first, _new_page(browser) as second, _new_page(browser) as third:
        people = list(zip((first, second, third), PEOPLE, strict=True))
        for index, (page, name) in enumerate(people):
            join(page.page, room, name)
            if index == 0:
                page.page.screenshot(path=str(shot("raum-uebersicht")))
                assert_accessible(page.page)
            open_module(page.page, name)
            answer_and_check(widget_of(page.page, item), item)
        first.screenshot("raum-modul")

        # Coming back: the same browser is recognised and sees its answer.
        first.page.reload()
        expect(first.page.locator(".smmkit-participant")).to_contain_text(
            t("participant.room", name=PEOPLE[0]), timeout=90_000
        )
        expect(widget_of(first.page, item)).to_contain_text("bereits beantwortet", timeout=RENDER)

        for page, name in people:
            page.page.goto(room.url)
            body = page.page.locator("body")
            expect(body).to_contain_text("1 von")
            others = {other for other in PEOPLE if other != name}
            for other in others:
                expect(body).not_to_contain_text(other)
            assert_offline(page)

        with _new_page(browser) as trainer:
            trainer.page.goto(f"{room.url}trainer?key={room.secret()}")
            expect(trainer.page).to_have_url(room.url + "trainer")
            rows = trainer.page.locator("#people tr")
            expect(rows).to_have_count(3, timeout=RENDER)
            expect(rows.filter(has_text="TN-")).to_have_count(3)  # the projector may see this
            for name in PEOPLE:
                expect(trainer.page.locator("#people")).not_to_contain_text(name)
            trainer.page.get_by_label("Namen zeigen").check()
            for name in PEOPLE:
                expect(rows.filter(has_text=name).first).to_be_visible()
            card = trainer.page.locator("#items .card").filter(has_text=item.id)
            expect(card).to_contain_text("3 Antworten", timeout=RENDER)
            trainer.page.screenshot(path=str(shot("raum-trainer")), full_page=True)
            assert_accessible(trainer.page)
            trainer.page.goto(f"{room.url}trainer/qr")
            expect(trainer.page.locator("svg.qr")).to_be_visible()
            trainer.page.screenshot(path=str(shot("raum-qr")))
            assert_accessible(trainer.page)
            assert_offline(trainer)

    files = sorted(room.results.glob("*.json"))
    assert len(files) == 3, files
    names = sorted(json.loads(f.read_text(encoding="utf-8"))["participant"]["name"] for f in files)
    assert names == sorted(PEOPLE)
    for path in files:
        assert [r["item_id"] for r in saved_records(path)] == [item.id]


def test_join_page_says_what_is_stored(room, page):
    page.page.goto(room.url + "join")
    text = page.page.locator("body")
    for words in ("Was:", "Wo:", "Wer sieht es:", "Wie lange:", "smmkit results purge"):
        expect(text).to_contain_text(words)
    page.page.screenshot(path=str(shot("raum-beitreten")), full_page=True)
    assert_accessible(page.page)
    assert_offline(page)


def shot(name: str):
    from conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_a_module_page_in_the_room_is_german_and_accessible(room, page):
    join(page.page, room, "Clara Zugang")
    open_module(page.page, "Clara Zugang")
    assert page.page.evaluate("document.documentElement.lang") == "de"
    assert_accessible(page.page)
