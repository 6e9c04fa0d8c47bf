"""Strategy canvas (module 05): check rules, rubric, HTML, the widget in-process, the case bank."""

from __future__ import annotations

import re

import pytest
from helpers import REPO, saved_records
from markupsafe import escape

from smmkit.bank.keywords import find_keywords as find_terms
from smmkit.exercises.strategy import logic as S
from smmkit.exercises.strategy.logic import (
    ITEM_ID,
    LEVELS,
    RATING_ID,
    active_content_channels,
    approvers_per_clause,
    calibration,
    check_draft,
    check_section,
    clean_draft,
    counts,
    deadlines,
    empty_draft,
    has_target_value,
    model_draft,
    paper_html,
    rate,
    score,
    suggested_level,
    summary_html,
)
from smmkit.exercises.strategy.widget import StrategyCanvas
from smmkit.kernel.widgets import reset_session

CONTENT = S.content()
SECTIONS, RUBRIC, FIELD_IDS = CONTENT.sections, CONTENT.rubric.criteria, CONTENT.field_ids
MAX_POINTS, PASS_POINTS = CONTENT.max_points, CONTENT.pass_points


def draft(**fields: str) -> dict[str, str]:
    return {**empty_draft(), **fields}


def state(section: str, text_or_draft: str | dict[str, str]) -> dict[str, bool | None]:
    """{check key: ok} of one section for a text (or a whole draft)."""
    d = text_or_draft if isinstance(text_or_draft, dict) else draft(**{section: text_or_draft})
    return {c.rule: c.ok for c in check_section(section, d)}


def message(section: str, d: dict[str, str], key: str) -> str:
    return next(c.message for c in check_section(section, d) if c.rule == key)


# --- word matching ------------------------------------------------------------------------------


def test_find_terms_handles_umlaut_spellings_stems_compounds_and_phrases():
    assert find_terms("Wir wünschen uns mehr Bewerbungen", ["wünsch*"]) == ["wünschen"]
    assert find_terms("Wir wuenschen uns", ["wünsch*"]) == ["wuenschen"]
    assert find_terms("Catering-Anfragen und Kontaktanfragen", ["*anfrage*"]) == [
        "Anfragen",
        "Kontaktanfragen",
    ]
    assert find_terms("Link in der Bio", ["link in bio", "link in der bio"]) == ["Link in der Bio"]
    assert find_terms("Engagement-Rate nach Reichweite", ["engagement rate"]) == ["Engagement-Rate"]
    # a whole word does not match inside another word
    assert find_terms("dann das dass", ["da"]) == []
    assert find_terms("knapp", ["app"]) == []
    assert find_terms("Die Vorbestell-App", ["app"]) == ["App"]


def test_deadline_digits_are_not_target_values():
    assert deadlines("bis 31.03. und bis Ende Juni") == ["31.03.", "bis Ende", "Juni"]
    assert deadlines("Bis 31. März 2026") == ["31. März 2026"]
    assert not has_target_value("Bis Ende 2025 mehr Bewerbungen")
    assert not has_target_value("innerhalb von 6 Monaten mehr Anfragen, spätestens im 2. Quartal")
    assert has_target_value("Bis 31. März 12 Bewerbungen")
    assert has_target_value("Die Vorbestellungen bis Juni verdoppeln")
    assert has_target_value("Antwortquote 90 %")


# --- the checks, section by section -----------------------------------------------------------


def test_goal_checks_smart_building_blocks():
    assert state("ziele", "Mehr Follower!") == {
        "zielwert": False,
        "frist": False,
        "messbar": True,
        "wirkung": False,
        "spezifisch": False,
    }
    assert "nur Sichtbarkeit (Follower)" in message(
        "ziele", draft(ziele="Mehr Follower"), "wirkung"
    )
    smart = "Bis 31. März gehen über TikTok 12 Bewerbungen ein, gezählt über den Link."
    assert set(state("ziele", smart).values()) == {True}
    assert "31. März" in message("ziele", draft(ziele=smart), "frist")
    # a deadline without a value, a value without a deadline
    assert state("ziele", "Bis Ende Juni mehr Anfragen auf Instagram")["zielwert"] is False
    assert state("ziele", "50 Vorbestellungen pro Monat")["frist"] is False
    assert state("ziele", "Engagement-Rate von 6 % bei Familien bis Q2")["wirkung"] is True


def test_target_group_checks_age_situation_need_channel_and_the_all_hint():
    persona = (
        "Lea, 16, Schülerin in Weidenbach, sucht einen Ausbildungsplatz und ist unsicher, "
        "ob frühes Aufstehen passt. Nutzt TikTok abends."
    )
    assert state("zielgruppen", persona) == {
        "alter": True,
        "situation": True,
        "beduerfnis": True,
        "kanal": True,
    }
    assert state("zielgruppen", "Eltern zwischen 30 und 45")["alter"] is True
    vague = check_section("zielgruppen", draft(zielgruppen="Alle Kunden, für alle da."))
    assert {c.rule: c.ok for c in vague} == {
        "alter": False,
        "situation": False,
        "beduerfnis": False,
        "kanal": False,
        "alle": None,
    }
    hint = vague[-1]
    assert not hint.counted and "keine Zielgruppe" in hint.message


def test_channel_checks_reason_focus_and_conscious_stop():
    listed = "Instagram, Facebook, TikTok, LinkedIn, YouTube"
    checks = check_section("kanaele", draft(kanaele=listed))
    assert {c.rule: c.ok for c in checks} == {
        "kanal": True,
        "begruendung": False,
        "fokus": False,
        "verzicht": None,
    }
    assert "5 Kanäle mit eigenen Inhalten" in checks[2].message
    reasoned = (
        "Instagram, weil Eltern dort sind. Facebook für die Stammkundschaft. "
        "LinkedIn nicht. TikTok pausieren wir."
    )
    assert active_content_channels(reasoned) == ["Instagram", "Facebook"]
    assert state("kanaele", reasoned) == {
        "kanal": True,
        "begruendung": True,
        "fokus": True,
        "verzicht": True,
    }
    assert state("kanaele", "Instagram, um Azubis zu gewinnen")["begruendung"] is True
    # only service channels: focus is not evaluated
    assert state("kanaele", "Google-Profile pflegen")["fokus"] is None


def test_content_checks_themes_formats_frequency_people():
    boring = check_section("content", draft(content="Jeden Tag ein Produktfoto."))
    assert {c.rule: c.ok for c in boring} == {
        "themen": False,
        "formate": False,
        "frequenz": True,
        "menschen": False,
    }
    assert "Nur ein Format gefunden (Foto)" in boring[1].message
    plan = (
        "Themensäule Backstube: Reel 1× pro Woche mit dem Team; "
        "Service: Story-Umfrage zur App jeden Freitag."
    )
    assert set(state("content", plan).values()) == {True}
    assert state("content", "Ausbildung und Saisonkuchen, wöchentlich")["themen"] is True


def test_reaction_checks_time_tiers_netiquette_weekend_private():
    assert state("reaktion", "Wir antworten schnell und freundlich.") == {
        "zeit": False,
        "stufen": False,
        "netiquette": False,
        "wochenende": False,
        "privat": None,
    }
    rules = (
        "Antwort innerhalb von 24 Stunden, auch am Samstag. Stufe mittel: Julia gibt frei. "
        "Netiquette: Beleidigungen verbergen. Details per Direktnachricht."
    )
    assert set(state("reaktion", rules).values()) == {True}
    assert state("reaktion", "am selben Tag")["zeit"] is True
    assert state("reaktion", "binnen zwei Stunden")["zeit"] is True
    assert state("reaktion", "in 4 Std.")["zeit"] is True


def test_team_checks_one_approver_informed_service_and_hints():
    empty = check_section("team", empty_draft())
    assert {c.rule: c.ok for c in empty} == {
        "erstellt": False,
        "freigabe": False,
        "ein_a": None,
        "antwortet": False,
        "informiert": False,
        "vertretung": None,
    }
    assert state("team", draft(team_freigabe="alle"))["freigabe"] is False
    assert "Alle" in message("team", draft(team_freigabe="das Team"), "freigabe")
    several = draft(team_freigabe="Julia und Hans Sommerfeld gemeinsam")
    assert state("team", several)["ein_a"] is False
    assert "Julia und Hans" in message("team", several, "ein_a")
    classes = "Routine: Social Media; Stufe mittel/hoch: Julia Sommerfeld (Vertretung: Hans)"
    assert approvers_per_clause(classes) == ["Social Media", "Julia Sommerfeld"]
    good = draft(
        team_erstellt="Social Media",
        team_freigabe=classes,
        team_antwortet="Social Media, Bestellfragen Kundenservice",
        team_informiert="Kundenservice und Filialleitungen am selben Tag",
    )
    assert state("team", good) == {
        "erstellt": True,
        "freigabe": True,
        "ein_a": True,
        "antwortet": True,
        "informiert": True,
        "vertretung": True,
    }
    # informed, but not those who need to know; the boss approves everything
    boss = draft(team_freigabe="Geschäftsführung", team_informiert="Geschäftsführung monatlich")
    checks = {c.rule: c for c in check_section("team", boss)}
    assert checks["informiert"].ok is False and "Kundenservice" in checks["informiert"].message
    assert checks["flaschenhals"].ok is None and not checks["flaschenhals"].counted
    assert "Flaschenhals" in checks["flaschenhals"].message


def test_kpi_checks_flag_vanity_alone_and_reward_actionable_metrics():
    vanity = check_section("kpis", draft(kpis="Follower und Likes"))
    assert {c.rule: c.ok for c in vanity} == {
        "steuerung": False,
        "zielwert": False,
        "messung": False,
    }
    assert "Nur Eitelkeitskennzahlen (Follower, Likes)" in vanity[0].message
    for word in ("Engagement-Rate", "Klicks", "Anfragen", "Terminbuchungen", "Bewerbungen"):
        assert state("kpis", f"{word}: 20 pro Monat")["steuerung"] is True, word
    mixed = draft(kpis="Klicks auf den App-Link (Ziel 500), Follower als Hintergrund")
    assert "Follower dürfen als Hintergrund" in message("kpis", mixed, "steuerung")
    # engagement rate without its base gets a hint, with a base it is fine
    assert state("kpis", "Engagement-Rate 5 %")["basis"] is None
    assert state("kpis", "Engagement-Rate nach Reichweite 5 %, monatlicher Bericht") == {
        "steuerung": True,
        "zielwert": True,
        "messung": True,
        "basis": True,
    }
    # "LinkedIn" is not a way to measure, a link with a campaign code is
    assert state("kpis", "Anfragen über LinkedIn")["messung"] is False
    assert state("kpis", "Anfragen über den Link mit UTM")["messung"] is True


def test_coherence_checks_compare_sections():
    d = draft(
        ziele="Bis Juni 150 Vorbestellungen",
        kpis="Follower",
        zielgruppen="Eltern auf Instagram",
        kanaele="Facebook, weil Stammkundschaft",
        content="Reels auf TikTok",
    )
    assert state("stimmigkeit", d) == {
        "ziel_kpi": False,
        "zielgruppe_kanal": False,
        "kanal_content": False,
    }
    d.update(kpis="Vorbestellungen über UTM-Link", kanaele="Instagram und TikTok, weil …")
    assert state("stimmigkeit", d) == {
        "ziel_kpi": True,
        "zielgruppe_kanal": True,
        "kanal_content": True,
    }


def test_scores_count_only_evaluated_counted_checks():
    empty = check_draft(empty_draft())
    met, total = counts(empty)
    assert met == 0 and total == 29  # ein_a and fokus are not evaluated yet; hints never count
    assert score(empty) == 0.0
    d = draft(team_freigabe="Julia Sommerfeld")
    assert counts(check_section("team", d)) == (2, 5)
    assert score([]) == 0.0


def test_model_strategy_meets_every_check():
    model = model_draft()
    assert set(model) == set(FIELD_IDS) and all(model.values())
    checks = check_draft(model)
    assert counts(checks) == (31, 31) and score(checks) == 1.0
    failing = [(c.section, c.rule) for group in checks.values() for c in group if c.ok is False]
    assert failing == []
    assert [c.rule for c in checks["team"] if not c.counted] == ["vertretung"]  # no bottleneck


def test_clean_draft_keeps_known_string_fields_only():
    assert clean_draft({"ziele": "x", "kpis": 3, "fremd": "y"}) == {**empty_draft(), "ziele": "x"}
    assert clean_draft(None) == empty_draft()


# --- rubric -----------------------------------------------------------------------------------


def test_rubric_has_eight_criteria_with_four_distinct_descriptors():
    assert [c.id for c in RUBRIC] == [*(s.id for s in SECTIONS), "stimmigkeit"]
    assert (LEVELS, MAX_POINTS, PASS_POINTS) == ((0, 1, 2, 3), 24, 12)
    for criterion in RUBRIC:
        descriptors = [criterion.descriptor(level) for level in LEVELS]
        assert len(set(descriptors)) == 4 and all(len(d) > 25 for d in descriptors), criterion.id
        assert criterion.title and criterion.question.endswith("?")
        assert criterion.competency in {"kommunikation", "team", "strategie", "kreativitaet"}
    assert {c.competency for c in RUBRIC} == {"kommunikation", "team", "strategie", "kreativitaet"}
    assert [S.level_name(level) for level in LEVELS] == [
        "nicht erfüllt",
        "ansatzweise",
        "erfüllt",
        "vorbildlich",
    ]


@pytest.mark.parametrize(
    ("levels", "points", "band", "passed"),
    [
        ([3] * 8, 24, "vorbildlich", True),
        ([3, 3, 3, 3, 2, 2, 2, 2], 20, "vorbildlich", True),
        ([2, 2, 2, 2, 2, 2, 1, 1], 14, "erfuellt", True),
        ([2, 2, 2, 2, 1, 1, 1, 1], 12, "ansatzweise", True),
        ([3, 3, 3, 3, 3, 3, 3, 0], 21, "vorbildlich", False),  # one criterion not met at all
        ([1] * 8, 8, "ansatzweise", False),
        ([1, 1, 1, 1, 1, 1, 1, 0], 7, "nicht_tragfaehig", False),
    ],
)
def test_rubric_points_bands_and_pass_rule(levels, points, band, passed):
    result = rate({c.id: level for c, level in zip(RUBRIC, levels, strict=True)})
    assert (result.points, result.band, result.passed) == (points, band, passed)
    assert result.complete and result.max_points == 24
    assert result.share == round(points / 24, 4)


def test_rubric_incomplete_and_invalid_ratings():
    partial = rate({"ziele": 3, "kpis": 0, "team": None})
    assert partial.points == 3 and not partial.complete and not partial.passed
    assert partial.missing == tuple(c.id for c in RUBRIC if c.id not in {"ziele", "kpis"})
    assert partial.zero == ("kpis",)
    with pytest.raises(ValueError, match="unknown rubric criteria: fremd"):
        rate({"fremd": 1})
    with pytest.raises(ValueError, match="must be one of"):
        rate({"ziele": 4})
    with pytest.raises(ValueError, match="must be one of"):
        rate({"ziele": True})


def test_suggested_level_and_calibration_flag_inflated_self_ratings():
    vanity = check_section("kpis", draft(kpis="Follower"))
    assert suggested_level(vanity) == 0
    assert suggested_level(check_section("kpis", draft(kpis="Klicks"))) == 1
    assert suggested_level(check_section("kpis", model_draft())) == 2
    assert suggested_level(vanity, filled=False) == 0
    everything_top = {c.id: 3 for c in RUBRIC}
    flagged = calibration(everything_top, draft(kpis="Follower"))
    assert ("kpis", 3, 0) in flagged and len(flagged) == len(RUBRIC)
    assert calibration(everything_top, model_draft()) == []
    assert calibration({"ziele": 1}, empty_draft()) == []  # one level above is fine


# --- HTML ---------------------------------------------------------------------------------------


def test_summary_escapes_learner_text_and_shows_every_section():
    evil = "<script>alert('x')</script>"
    html = summary_html(draft(ziele=evil + "\nZeile 2", team_freigabe="A & B"), author=evil)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>Zeile 2" in html
    assert "A &amp; B" in html
    for section in SECTIONS:
        assert section.title in html
    for field_id in SECTIONS[5].fields:
        assert SECTIONS[5].label(field_id) in html
    assert html.count("noch offen") == len(FIELD_IDS) - 2
    assert "Prüfpunkte insgesamt" in html


def test_paper_for_participants_is_a_worksheet_without_rubric_descriptors():
    html = paper_html("participant")
    assert f'data-item-id="{ITEM_ID}"' in html
    for section in SECTIONS:
        assert section.title in html
    assert html.count('<div class="smmkit-line"></div>') == sum(
        s.lines for s in SECTIONS if s.id != "team"
    )
    assert "Wer gibt frei?" in html and "Steuerungskennzahlen" in html
    for criterion in RUBRIC:
        for level in LEVELS:
            assert criterion.descriptor(level) not in html
    assert "smmkit-key" not in html and "Musterstrategie" not in html
    assert model_draft()["team_freigabe"] not in html
    assert not re.search(r"<h[1-6]", html)  # no headings: the notebook's heading order stays


def test_paper_for_trainers_has_the_full_rubric_hints_and_model():
    html = paper_html("trainer")
    for criterion in RUBRIC:
        assert criterion.title in html
        for level in LEVELS:
            assert escape(criterion.descriptor(level)) in html
    assert "nicht erfüllt (0)" in html and "vorbildlich (3)" in html
    assert "Praxistauglich ab 12 von 24 Punkten" in html
    assert "Hinweise zur Bewertung" in html and "Einwände" in html
    assert "Musterstrategie" in html and "Julia Sommerfeld (Vertretung: Hans Sommerfeld)" in html
    assert not re.search(r"<h[1-6]", html)


# --- widget -----------------------------------------------------------------------------------


@pytest.fixture
def session():
    s = reset_session(root=REPO)
    s.set_participant("Sina Strategie")
    return s


def saved(session) -> list[dict]:
    return saved_records(session.store().path)


def test_widget_has_labelled_fields_and_live_checks(session):
    widget = StrategyCanvas(session=session)
    assert list(widget.fields) == list(FIELD_IDS)
    assert widget.fields["team_freigabe"].description == "Wer gibt frei?"
    assert "Noch leer" in widget.check_views["kpis"].value
    assert "0 von 29" in widget.overview.value
    assert widget.model_button.disabled

    widget.fields["kpis"].value = "Follower und Likes"
    view = widget.check_views["kpis"].value
    assert "smmkit-strategy-check-not_ok" in view and "Nur Eitelkeitskennzahlen" in view
    assert "(fehlt noch)" in view  # state word for screen readers
    widget.fields["kpis"].value = "Bewerbungen über den UTM-Link: 12 bis März"
    view = widget.check_views["kpis"].value
    assert (
        "smmkit-strategy-check-not_ok" not in view and view.count("smmkit-strategy-check-ok") == 3
    )
    assert "3 von 29" in widget.overview.value
    # the coherence block follows every change
    widget.fields["ziele"].value = "Bis 31. März 12 Bewerbungen über TikTok"
    assert 'data-key="stimmigkeit.ziel_kpi"' in widget.check_views["stimmigkeit"].value
    assert widget.last_checks["stimmigkeit"][0].ok is True


def test_widget_escapes_learner_text_in_check_messages(session):
    widget = StrategyCanvas(session=session)
    widget.fields["team_freigabe"].value = "<b>Julia</b> und <i>Hans</i>"
    view = widget.check_views["team"].value
    assert "<b>Julia</b>" not in view and "&lt;b&gt;Julia&lt;/b&gt;" in view


def test_widget_saves_the_draft_with_module_05_and_restores_it(session):
    widget = StrategyCanvas(session=session)
    widget.set_draft(model_draft())
    widget.fields["ziele"].value += "\n<script>alert(1)</script>"
    widget.save_button.click()
    assert "Gespeichert – 31 von 31" in widget.status.value
    assert not widget.model_button.disabled
    [record] = saved(session)
    assert record["item_id"] == ITEM_ID and record["module"] == "05_abschluss"
    assert record["score"] == 1.0 and record["max_score"] == 1.0
    answer = record["answer"]
    assert answer["draft"]["team_freigabe"] == model_draft()["team_freigabe"]
    assert answer["draft"]["ziele"].endswith("<script>alert(1)</script>")
    assert (answer["met"], answer["total"]) == (31, 31)
    assert set(answer["checks"]) == {*(s.id for s in SECTIONS), "stimmigkeit"}
    assert {"rule": "zeit", "section": "reaktion", "ok": True, "counted": True}.items() <= (
        answer["checks"]["reaktion"][0].items()
    )
    assert answer["model_seen"] is False

    again = StrategyCanvas(session=session)
    assert again.draft() == answer["draft"]
    assert "wiederhergestellt" in again.status.value
    assert "31 von 31" in again.overview.value and not again.model_button.disabled

    summary = again.show_summary()
    assert again.summary.value == summary
    assert "<script>" not in summary and "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "Sina Strategie" in summary


def test_widget_model_view_and_second_save(session):
    widget = StrategyCanvas(session=session)
    widget.fields["ziele"].value = "Mehr Follower"
    widget.save_button.click()
    widget.model_button.click()
    assert "Musterstrategie: eine mögliche Lösung" in widget.model_view.value
    assert "Persona „Lea“" in widget.model_view.value
    widget.save_button.click()
    answers = saved(session)
    assert [a["attempt"] for a in answers] == [1, 2]
    assert answers[0]["answer"]["model_seen"] is False
    assert answers[1]["answer"]["model_seen"] is True
    assert 0 < answers[0]["score"] < 0.2


def test_widget_self_check_needs_every_criterion_then_saves_points(session):
    widget = StrategyCanvas(session=session)
    assert len(widget.ratings) == 8
    options = widget.ratings["kpis"].options
    assert [value for _, value in options] == [0, 1, 2, 3]
    assert options[1][0].startswith("ansatzweise (1 P.): Nur Eitelkeitskennzahlen")

    widget.ratings["ziele"].value = 2
    widget.rate_button.click()
    assert "Bitte bewerten Sie noch" in widget.rating_feedback.value
    assert not session.store().path.exists()

    widget.fields["kpis"].value = "Follower"
    for radio in widget.ratings.values():
        radio.value = 3
    widget.rate_button.click()
    feedback = widget.rating_feedback.value
    assert "24 von 24 Punkten – vorbildlich" in feedback and "Praxistauglich" in feedback
    assert "Noch einmal hinsehen" in feedback and "Kennzahlen:</strong>" in feedback
    [record] = saved(session)
    assert record["item_id"] == RATING_ID and record["module"] == "05_abschluss"
    assert (record["score"], record["max_score"]) == (24, 24)
    assert record["answer"]["band"] == "vorbildlich" and record["answer"]["passed"] is True
    assert "kpis" in record["answer"]["calibration"]

    again = StrategyCanvas(session=session)
    assert again.rating_values() == {c.id: 3 for c in RUBRIC}
    assert "Selbstbewertung ist wiederhergestellt" in again.rating_feedback.value


def test_widget_without_participant_keeps_the_draft_pending():
    session = reset_session(root=REPO)
    widget = StrategyCanvas(session=session)
    widget.fields["ziele"].value = "Bis Juni 150 Vorbestellungen"
    widget.save_button.click()
    assert "Bitte geben Sie oben zuerst Ihren Namen" in widget.status.value
    assert session.pending and session.pending[0].item_id == ITEM_ID
    assert session.pending[0].module == "05_abschluss"
    session.set_participant("Später Gesetzt")
    assert saved(session)[0]["item_id"] == ITEM_ID


def test_widget_ignores_a_damaged_saved_record(session):
    session.record(ITEM_ID, {"draft": "kaputt"}, 0.0, 1.0, module="05_abschluss")
    session.record(RATING_ID, {"ratings": {"ziele": 9}}, 0, 24, module="05_abschluss")
    widget = StrategyCanvas(session=session)
    assert widget.draft() == empty_draft()
    assert widget.rating_values() == dict.fromkeys((c.id for c in RUBRIC), None)


# --- the case in the bank ---------------------------------------------------------------------


def test_case_numbers_in_the_bank_agree_with_the_notebook(shipped_bank):
    assert shipped_bank.items["abschluss.kpi-01"].answer == round(612 / 9400 * 100, 1)
    assert shipped_bank.items["abschluss.kpi-02"].answer == round(31 / 96 * 100, 1)
    notebook = (REPO / "notebooks" / "de" / "05_abschluss.ipynb").read_text(encoding="utf-8")
    facts = ("[96, 14, 6, 4]", "[4820, 2950]", "[31, 18]", "[96, 41]", 'exercise(\\"strategy\\")')
    for fact in facts:
        assert fact in notebook, fact


def test_presentation_scenario_reaches_every_ending(shipped_bank):
    from smmkit.bank.scenarios import best_path

    scenario = shipped_bank.items["abschluss.szenario-praesentation"]
    path, points = best_path(scenario)
    assert points == 10 and path[-1] == "ende_gruenes_licht"
    nodes = scenario.node_map
    reached: set[str] = set()

    def walk(node_id: str, total: float) -> None:
        node = nodes[node_id]
        if node.ending is not None:
            reached.add(node.ending.rating)
        elif node.routes:
            walk(next(r for r in node.routes if r.holds(total)).goto, total)
        else:
            for choice in node.choices:
                walk(choice.goto, total + choice.score)

    walk(scenario.start, 0)
    assert reached == {"best", "good", "neutral", "bad"}
