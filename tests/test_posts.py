"""Post workshop: every check on crafted texts (pure logic), then the widget in-process."""

from __future__ import annotations

import pytest
from helpers import VALID_ROOT, saved_records

from smmkit.bank.facts import load_facts
from smmkit.exercises.posts import logic as posts
from smmkit.exercises.posts.logic import char_count, check_post, count_emojis, graphemes, hashtags
from smmkit.exercises.posts.widget import PostWorkshop
from smmkit.kernel.widgets import reset_session

GOOD = (
    "Wussten Sie, dass unser Dinkelbrot 24 Stunden reift? 🍞\n"
    "Bei der Bäckerei Lindner bekommt der Teig Zeit – das schmeckt man.\n"
    "Kommen Sie vorbei und probieren Sie! #Dinkel #Lindner"
)


def by_key(checks):
    return {c.rule: c for c in checks}


# -- counting --------------------------------------------------------------------------------


def test_umlauts_count_once_precomposed_or_decomposed():
    assert char_count("Bäckerstraße", "instagram") == 12
    assert char_count("Ba\u0308ckerstraße", "instagram") == 12  # a + combining diaeresis
    assert char_count("Öffnungszeiten für Groß und Klein", "x") == 33


def test_emoji_count_once_per_visible_emoji():
    family = "👨\u200d👩\u200d👧"
    text = f"{family} 🇩🇪 👍🏽 1️⃣ ❤️ Brot"
    assert count_emojis(text) == 5
    assert graphemes(family) == [family]
    assert count_emojis("Kein Emoji, nur Umlaute: äöüß") == 0


def test_x_counts_emoji_twice_and_links_as_23():
    assert char_count("Brot 🍞", "x") == 7
    assert char_count("Brot 🍞", "instagram") == 6
    assert char_count("👍🏽", "x") == 2  # skin tone: still one emoji
    assert char_count("Mehr: https://www.baeckerei-lindner.de/aktionen/muttertag", "x") == 6 + 23
    assert char_count("€", "x") == 2 and char_count("€", "linkedin") == 1


def test_line_breaks_count_and_crlf_is_one():
    assert char_count("a\nb", "instagram") == 3
    assert char_count("a\r\nb", "instagram") == 3


def test_hashtags_need_a_letter_and_ignore_links_and_words():
    text = "#2025 #Bäckerei-Lindner C# https://example.de/#anker #Muttertag#Torte mail#tag"
    assert hashtags(text) == ["Bäckerei", "Muttertag"]


def test_numbers_use_the_german_thousands_separator():
    assert "höchstens 2.200 Zeichen" in posts.paper_html(platform="instagram")
    assert "höchstens 63.206 Zeichen" in posts.paper_html(platform="facebook")


def test_unknown_platform_is_reported():
    with pytest.raises(ValueError, match="unknown platform 'myspace'"):
        check_post("Hallo", "myspace")


# -- the checks ------------------------------------------------------------------------------


def test_good_post_meets_every_check():
    checks = by_key(check_post(GOOD, "instagram", ["Lindner", "Dinkel"]))
    assert list(checks) == ["laenge", "hook", "cta", "hashtags", "emojis", "botschaft"]
    assert all(c.ok for c in checks.values()), [c.message for c in checks.values() if not c.ok]
    assert "von 2.200 Zeichen" in checks["laenge"].message
    assert "eine Frage" in checks["hook"].message and "eine Zahl" in checks["hook"].message
    assert "Kommen Sie vorbei" in checks["cta"].message
    assert "Lindner, Dinkel" in checks["botschaft"].message
    assert posts.score(check_post(GOOD, "instagram", ["Lindner"])) == 1.0


def test_empty_text_fails_length_hook_and_cta():
    checks = by_key(check_post("", "linkedin", ["Vogt"]))
    assert checks["laenge"].ok is False and "Noch kein Text" in checks["laenge"].message
    assert checks["hook"].ok is False and checks["cta"].ok is False
    assert checks["botschaft"].ok is False


def test_length_against_platform_limit():
    text = "Frische Brötchen! " + "x" * 262  # 280 characters
    assert char_count(text, "x") == 280
    assert by_key(check_post(text, "x"))["laenge"].ok is True
    longer = text + "ä"
    check = by_key(check_post(longer, "x"))["laenge"]
    assert (
        check.ok is False
        and "281 von 280" in check.message
        and "um mindestens 1 Zeichen" in check.message
    )
    assert "Emoji zählen doppelt" in check.message
    assert by_key(check_post(longer, "instagram"))["laenge"].ok is True
    assert by_key(check_post("y" * 2201, "instagram"))["laenge"].ok is False


def test_emoji_push_a_post_over_the_x_limit():
    text = "a" * 270 + "🍞" * 5  # 275 visible characters, 280 on X
    assert char_count(text, "x") == 280
    assert by_key(check_post(text + "🥐", "x"))["laenge"].ok is False


@pytest.mark.parametrize(
    ("first", "feature"),
    [
        (
            "Was macht ein gutes Croissant aus und warum dauert es drei Tage bis zum Backen?",
            "frage",
        ),
        ("In 72 Stunden vom Teig zum Croissant: unsere Backstube ganz ohne Abkürzungen", "zahl"),
        (
            "Drei Dinge, die wir in unserer Backstube jeden Morgen vor Sonnenaufgang erledigen",
            "zahl",
        ),
        (
            "Dein Fahrrad quietscht beim Bremsen auf dem Weg zur Arbeit durch die ganze Stadt",
            "ansprache",
        ),
        (
            "Kennen Sie das Gefühl, wenn die Heizung im Januar plötzlich kalt bleibt und nichts geht",
            "ansprache",
        ),
        ("Neu bei uns: Dinkelbrot.", "kurz"),
    ],
)
def test_hook_features(first, feature):
    assert feature in posts.hook_features(first)
    check = by_key(check_post(first + "\nMehr im Laden.", "instagram"))["hook"]
    assert check.ok is True


def test_long_plain_first_line_is_no_hook():
    line = "Hiermit möchten wir unsere werte Kundschaft darauf hinweisen, dass die Filiale geöffnet bleibt"
    assert posts.hook_features(line) == []
    check = by_key(check_post(line, "facebook"))["hook"]
    assert check.ok is False and "weder eine Frage" in check.message


def test_only_short_first_line_passes_with_a_tip():
    check = by_key(check_post("Neuigkeiten aus der Backstube\nAb Montag gibt es …", "facebook"))[
        "hook"
    ]
    assert check.ok is True and "Noch stärker" in check.message


def test_sie_in_lowercase_is_not_direct_address():
    assert "ansprache" not in posts.hook_features(
        "Die Meisterin sagt, sie backt seit dreißig Jahren und hat noch nie etwas weggeworfen heute"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Neu im Sortiment.\nJetzt vorbestellen unter 0123 456789!",
        "Neu im Sortiment.\nKommt vorbei, wir freuen uns!",
        "Neu im Sortiment.\nSchreiben Sie uns eine Direktnachricht.",
        "Neu im Sortiment.\nLink in der Bio 👆",
        "Neu im Sortiment.\nVerratet uns: Was ist euer Lieblingsbrot?",
        "Neu im Sortiment.\nBEWIRB DICH bis Freitag!",
    ],
)
def test_cta_phrases_are_found(text):
    assert by_key(check_post(text, "instagram"))["cta"].ok is True


def test_closing_question_counts_as_cta_but_a_question_hook_alone_does_not():
    assert by_key(check_post("Neu im Sortiment.\nWas ist Ihr Lieblingsbrot?", "facebook"))["cta"].ok
    assert by_key(check_post("Was ist Ihr Lieblingsbrot?", "facebook"))["cta"].ok is False


def test_no_cta():
    check = by_key(check_post("Unser Dinkelbrot.\nGebacken mit Liebe.", "instagram"))["cta"]
    assert check.ok is False and "Keine Handlungsaufforderung" in check.message


def test_hashtag_rule_of_thumb_and_hard_limit():
    def tags(n):
        return "Brot\n" + " ".join(f"#tag{chr(97 + i % 26)}{i}" for i in range(n))

    # Instagram: rule of thumb 3; hard limit from content/de/fakten.yaml (5 since Dec. 2025)
    limit = load_facts().get("instagram.hashtags_max").value
    assert limit == 5
    assert by_key(check_post(tags(3), "instagram"))["hashtags"].ok is True
    four = by_key(check_post(tags(4), "instagram"))["hashtags"]
    assert four.ok is False and "Faustregel" in four.message
    over = by_key(check_post(tags(limit + 1), "instagram"))["hashtags"]
    assert over.ok is False and f"höchstens {limit}" in over.message
    assert by_key(check_post(tags(3), "x"))["hashtags"].ok is False  # X: at most 2
    assert by_key(check_post("Brot", "linkedin"))["hashtags"].ok is True


def test_emoji_rule_of_thumb_per_platform():
    assert by_key(check_post("Brot " + "🍞" * 3, "linkedin"))["emojis"].ok is True
    too_many = by_key(check_post("Brot " + "🍞" * 4, "linkedin"))["emojis"]
    assert too_many.ok is False and "4 Emoji" in too_many.message
    assert by_key(check_post("Brot " + "👍🏽" * 6, "instagram"))["emojis"].ok is True


def test_message_keywords_ignore_case_umlauts_and_find_stems():
    text = "Unser DINKELBROT vom Baecker am Markt – #lindner"
    checks = by_key(check_post(text, "instagram", "Dinkel, Bäcker, Lindner, Wochenmarkt"))
    assert checks["botschaft"].ok is True
    assert "Dinkel, Bäcker, Lindner" in checks["botschaft"].message
    assert "Noch nicht erwähnt: Wochenmarkt" in checks["botschaft"].message
    missing = by_key(check_post("Lustiges Katzenvideo", "tiktok", ["Lindner"]))["botschaft"]
    assert missing.ok is False and "keines Ihrer Stichwörter (Lindner)" in missing.message


def test_message_without_keywords_is_a_hint_not_a_failure():
    checks = check_post(GOOD, "instagram")
    assert by_key(checks)["botschaft"].ok is None
    assert posts.score(checks) == 1.0  # hints do not count


def test_links_are_flagged_only_where_captions_do_not_link():
    text = "Neu!\nMehr unter https://baeckerei-lindner.de"
    assert by_key(check_post(text, "instagram"))["links"].ok is False
    assert "links" not in by_key(check_post(text, "facebook"))
    assert "links" not in by_key(check_post("Neu!", "instagram"))


def test_every_platform_has_words_and_formats():
    for profile in posts.content().platforms.values():
        assert profile.name and profile.note and len(profile.formats) >= 3


# -- the widget ------------------------------------------------------------------------------


@pytest.fixture
def session():
    session = reset_session(root=VALID_ROOT)
    session.set_participant("Anna Beispiel")
    return session


def saved(session):
    return saved_records(session.store().path)


def test_widget_checks_update_on_every_change(session):
    widget = PostWorkshop(platform="instagram", keywords="Lindner, Dinkel", session=session)
    assert "0 / 2.200 Zeichen" in widget.counter.value
    assert "Noch kein Text" in widget.checks.value
    widget.text.value = GOOD
    assert f"{char_count(GOOD)} / 2.200 Zeichen" in widget.counter.value
    assert widget.checks.value.count("smmkit-post-check-ok") == 6
    assert "6 von 6 Prüfpunkten erfüllt" in widget.summary.value
    widget.platform.value = "x"
    assert "/ 280 Zeichen" in widget.counter.value
    assert "Emoji zählen doppelt" in widget.checks.value
    widget.keywords.value = "Wochenmarkt"
    assert "keines Ihrer Stichwörter" in widget.checks.value
    widget.text.value = GOOD + " " + "x" * 300
    assert "color:#8e1b1b" in widget.counter.value  # over the limit: red and bold


def test_widget_controls_are_labelled(session):
    widget = PostWorkshop(session=session)
    assert widget.platform.description == "Plattform"
    assert widget.text.description == "Ihr Beitrag"
    assert widget.keywords.description == "Botschaft (Stichwörter)"
    assert widget.save_button.description == "Entwurf speichern"
    assert {label for label, _ in widget.platform.options} == {
        "Instagram",
        "Facebook",
        "LinkedIn",
        "X",
        "TikTok",
    }


def test_save_writes_draft_with_platform_and_checks(session):
    widget = PostWorkshop(platform="linkedin", keywords=["Vogt"], session=session)
    widget.text.value = "3 Fristen, die Sie 2025 kennen sollten\nIhre Steuerkanzlei Vogt erklärt."
    widget.save_button.click()
    assert "Entwurf gespeichert" in widget.status.value
    record = saved(session)[-1]
    assert record["item_id"] == "kreativitaet.post-01"
    assert record["answer"]["platform"] == "linkedin"
    assert record["answer"]["keywords"] == ["Vogt"]
    assert record["answer"]["text"].startswith("3 Fristen")
    assert {c["rule"] for c in record["answer"]["checks"]} == {
        "laenge",
        "hook",
        "cta",
        "hashtags",
        "emojis",
        "botschaft",
    }
    cta = next(c for c in record["answer"]["checks"] if c["rule"] == "cta")
    assert cta["ok"] is False
    assert record["score"] == pytest.approx(5 / 6, abs=1e-3) and record["max_score"] == 1.0


def test_reopening_restores_the_last_draft(session):
    first = PostWorkshop(platform="instagram", session=session)
    first.text.value = "Erster Entwurf"
    first.save_button.click()
    first.platform.value = "tiktok"
    first.keywords.value = "Lindner, Brezel"
    first.text.value = "Zweiter Entwurf 🥨 – kommt vorbei!"
    first.save_button.click()
    reopened = PostWorkshop(platform="instagram", session=session)
    assert reopened.platform.value == "tiktok"
    assert reopened.keywords.value == "Lindner, Brezel"
    assert reopened.text.value == "Zweiter Entwurf 🥨 – kommt vorbei!"
    assert "wiederhergestellt (Version 2)" in reopened.status.value
    assert "/ 4.000 Zeichen" in reopened.counter.value
    assert [a["attempt"] for a in saved(session)] == [1, 2]


def test_separate_item_ids_keep_separate_drafts(session):
    one = PostWorkshop(session=session)
    one.text.value = "Entwurf eins"
    one.save_button.click()
    other = PostWorkshop(item_id="kreativitaet.post-02", session=session)
    assert other.text.value == ""


def test_without_participant_the_draft_is_kept_pending():
    session = reset_session(root=VALID_ROOT)
    widget = PostWorkshop(session=session)
    widget.text.value = "Entwurf"
    assert widget.save() is None
    assert "Bitte geben Sie oben zuerst Ihren Namen" in widget.status.value
    assert len(session.pending) == 1
    session.set_participant("Ben")
    assert saved(session)[0]["answer"]["text"] == "Entwurf"
