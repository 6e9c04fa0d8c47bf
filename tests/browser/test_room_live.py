"""Live questions in a running room: the trainer, the projector and two participants, each in
their own browser context (poll, a bank item with reveal, word cloud, idea round with votes)."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, _new_page
from helpers import saved_records
from playwright.sync_api import expect
from test_room_browser import assert_accessible, join, open_module, shot
from test_widgets_browser import assert_offline

from smmkit.bank import load_bank

ITEM = "einfuehrung.einzelkaempfer-01"
WAIT = 15_000  # ms: a long poll answers within a second; allow for a busy machine


@pytest.fixture(scope="module")
def item():
    return load_bank(REPO).items[ITEM]


def start(trainer, kind: str, prompt: str = "", options: str = "", item_id: str = "") -> None:
    page = trainer.page
    page.get_by_label("Art").select_option(kind)
    if item_id:
        page.locator("#live-item").select_option(item_id)
    if prompt:
        page.get_by_label("Frage an den Raum").fill(prompt)
    if options:
        page.get_by_label("Antworten (eine je Zeile").fill(options)
    page.get_by_role("button", name="Live stellen").click()


def action(trainer, label: str) -> None:
    trainer.page.locator("#live-current").get_by_role("button", name=label).click()


def test_live_questions_from_trainer_to_projector(room, browser, item):
    with (
        _new_page(browser) as trainer,
        _new_page(browser) as projector,
        _new_page(browser) as anna,
        _new_page(browser) as ben,
    ):
        for page in (trainer, projector):
            page.page.goto(f"{room.url}trainer?key={room.secret()}")
        projector.page.goto(f"{room.url}trainer/projector")
        expect(projector.page.locator("#screen")).to_contain_text("Gleich geht es weiter")
        join(anna.page, room, "Anna Live")
        open_module(anna.page, "Anna Live")  # Anna works in a module when the question comes
        join(ben.page, room, "Ben Live")  # Ben waits on his overview

        # An ad-hoc poll: it appears without reloading; the projector counts both answers.
        start(
            trainer, "poll", "Wo erreichen wir unsere Kundschaft?", "Instagram\nLinkedIn\nFacebook"
        )
        live_bar = anna.page.locator(".smmkit-live-bar")
        expect(live_bar).to_contain_text("Wo erreichen wir", timeout=WAIT)
        anna.page.screenshot(path=str(shot("live-im-modul")))
        live_bar.get_by_role("button", name="Jetzt antworten").click()
        in_module = anna.page.frame_locator(".smmkit-live-layer iframe").locator("#live")
        in_module.get_by_label("LinkedIn").check()
        in_module.get_by_role("button", name="Absenden").click()
        expect(in_module).to_contain_text("Danke!")
        anna.page.get_by_role("button", name="Schließen und zurück zum Modul").click()
        expect(anna.page.locator(".smmkit-participant")).to_be_visible()  # still in the module
        banner = ben.page.locator("#live-banner")
        expect(banner).to_contain_text("Wo erreichen wir", timeout=WAIT)
        banner.click()
        anna.page.on("dialog", lambda dialog: dialog.accept())  # Voilà asks before leaving
        anna.page.goto(f"{room.url}live")  # both follow the rest of the session here
        for page, choice in ((anna, "LinkedIn"), (ben, "LinkedIn")):
            box = page.page.locator("#live")
            expect(box).to_contain_text("Wo erreichen wir unsere Kundschaft?", timeout=WAIT)
            box.get_by_label(choice).check()
            box.get_by_role("button", name="Absenden").click()
            expect(box).to_contain_text("Danke!")
            expect(box.get_by_role("heading", name="Ergebnis")).to_have_count(0)  # not yet
        screen = projector.page.locator("#screen")
        expect(screen).to_contain_text("2 Antworten", timeout=WAIT)
        expect(screen.locator(".prow").nth(1)).to_contain_text("2")
        projector.page.screenshot(path=str(shot("live-beamer-umfrage")))
        assert_accessible(projector.page)

        # A bank item: the trainer reveals the answer; participants then see the result.
        start(trainer, "item", item_id=ITEM)
        right = next(o.text for o in item.options if o.correct)
        wrong = next(o.text for o in item.options if not o.correct)
        for page, choice in ((anna, right), (ben, wrong)):
            box = page.page.locator("#live")
            expect(box.get_by_label(choice)).to_be_visible(timeout=WAIT)
            box.get_by_label(choice).check()
            box.get_by_role("button", name="Absenden").click()
            expect(box).to_contain_text("Danke!")
        expect(screen).to_contain_text("2 Antworten", timeout=WAIT)
        expect(screen.locator(".prow.right")).to_have_count(0)
        action(trainer, "Auflösen")
        expect(screen.locator(".prow.right")).to_contain_text(right[:40], timeout=WAIT)
        expect(anna.page.get_by_role("heading", name="Ergebnis")).to_be_visible(timeout=WAIT)
        expect(anna.page.locator("#live .correct")).to_contain_text(right[:40])
        anna.page.screenshot(path=str(shot("live-teilnehmende")), full_page=True)
        assert_accessible(anna.page)
        projector.page.screenshot(path=str(shot("live-beamer-aufgeloest")))

        # A word cloud: stop words dropped, words normalised, a swear word held back.
        start(trainer, "words", "Was macht einen guten Post aus? (ein bis drei Wörter)")
        for page, words in ((anna, "Die Nähe, Humor"), (ben, "humor! Scheißegal")):
            box = page.page.locator("#live")
            expect(box).to_contain_text("guten Post", timeout=WAIT)
            box.get_by_label("Ein bis drei Wörter").fill(words)
            box.get_by_role("button", name="Absenden").click()
            expect(box).to_contain_text("Danke!")
        cloud = screen.locator(".cloud")
        expect(cloud).to_contain_text("humor", timeout=WAIT)
        expect(cloud).to_contain_text("nähe")
        expect(cloud).not_to_contain_text("die")
        expect(cloud).not_to_contain_text("scheißegal")
        moderation = trainer.page.locator("#live-current")
        expect(moderation).to_contain_text("scheißegal")  # the trainer sees it, struck out
        moderation.locator("li").filter(has_text="nähe").get_by_role(
            "button", name="Ausblenden"
        ).click()
        expect(cloud).not_to_contain_text("nähe", timeout=WAIT)
        expect(cloud.locator("span").filter(has_text="humor")).to_have_count(1)
        projector.page.screenshot(path=str(shot("live-beamer-wortwolke")))

        # An idea round: collect, vote with points, ranked on the projector.
        start(trainer, "ideas", "Ideen für den nächsten Post")
        for page, ideas in (
            (anna, ["Blick in die Backstube", "Azubi-Tag"]),
            (ben, ["Kundenfrage der Woche"]),
        ):
            box = page.page.locator("#live")
            expect(box).to_contain_text("Ideen für den nächsten Post", timeout=WAIT)
            for idea in ideas:
                box.get_by_label("Ihre Idee").fill(idea)
                box.get_by_role("button", name="Idee einreichen").click()
                expect(box.locator("li").filter(has_text=idea)).to_be_visible()
        expect(screen).to_contain_text("Azubi-Tag", timeout=WAIT)
        action(trainer, "Zur Abstimmung")
        for page, plus in (
            (anna, ["Kundenfrage der Woche"] * 2),
            (ben, ["Kundenfrage der Woche", "Azubi-Tag"]),
        ):
            box = page.page.locator("#live")
            expect(box).to_contain_text("Noch 3 von 3 Punkten", timeout=WAIT)
            for idea in plus:
                box.get_by_role("button", name=f"Einen Punkt mehr für: {idea}").click()
            box.get_by_role("button", name="Punkte abgeben").click()
            expect(box).to_contain_text("Danke!")
        expect(screen.locator(".prow").first).to_contain_text(
            "1. Kundenfrage der Woche", timeout=WAIT
        )
        expect(screen.locator(".prow").first).to_contain_text("3 Punkte")
        projector.page.screenshot(path=str(shot("live-beamer-ideen")))
        for page in (trainer, projector, anna, ben):
            assert_offline(page)
        expect(screen).not_to_contain_text("Anna")  # never a name on the projector

    board = json.loads((room.results / ".room" / "live.json").read_text(encoding="utf-8"))
    assert [q["kind"] for q in board["questions"]] == ["poll", "item", "words", "ideas"]
    records = {}
    for path in room.results.glob("*.json"):
        for record in saved_records(path):
            records.setdefault(record["item_id"], []).append(record)
    assert {r["phase"] for rs in records.values() for r in rs} == {"live"}
    assert len(records[ITEM]) == 2 and sorted(r["score"] for r in records[ITEM]) == [0.0, 1.0]
    assert len(records["live.q1"]) == 3  # Anna answered in the module's overlay and again
