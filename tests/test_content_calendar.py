"""Content calendar rules on crafted plans (pure logic, no kernel)."""

from __future__ import annotations

import pandas as pd
import pytest

from smmkit.exercises.content_calendar import logic as kalender
from smmkit.exercises.content_calendar.logic import check_calendar, format_findings, mix_table

START, END = kalender.BEISPIEL_START, kalender.BEISPIEL_ENDE  # Mo 28.04. – So 25.05.2025


def plan(*rows):
    return pd.DataFrame(rows, columns=list(kalender.COLUMNS))


def steady(channel="Instagram", formats=("Reel", "Karussell", "Story"), step=3):
    """A post every `step` days from START to END, cycling through `formats`."""
    days = pd.date_range(START, END, freq=f"{step}D")
    return [
        (d.strftime("%Y-%m-%d"), channel, formats[i % len(formats)], f"Thema {i}", "")
        for i, d in enumerate(days)
    ]


def findings(df, **kwargs):
    kwargs.setdefault("start", START)
    kwargs.setdefault("end", END)
    return check_calendar(df, kalender.beispiel_anlaesse(), **kwargs)


def rule(found, name, subject=None):
    return next(f for f in found if f.rule == name and (subject is None or f.subject == subject))


# -- pause rule ------------------------------------------------------------------------------


def test_steady_plan_has_no_long_pause():
    found = findings(plan(*steady()))
    pause = rule(found, "pause", "Instagram")
    assert pause.ok is True and "Längste Pause auf Instagram: 2 Tag(e)" in pause.message


def test_exactly_seven_silent_days_is_allowed_eight_is_not():
    seven = plan(
        ("2025-04-28", "Facebook", "Bild", "a", ""), ("2025-05-06", "Facebook", "Bild", "b", "")
    )
    assert rule(findings(seven, end="2025-05-06"), "pause").ok is True
    eight = plan(
        ("2025-04-28", "Facebook", "Bild", "a", ""), ("2025-05-07", "Facebook", "Bild", "b", "")
    )
    pause = rule(findings(eight, end="2025-05-07"), "pause")
    assert pause.ok is False
    assert "vom 29.04.2025 bis zum 06.05.2025 (8 Tage" in pause.message


def test_silence_at_the_start_and_end_of_the_period_counts():
    late_start = plan(
        ("2025-05-07", "TikTok", "Video", "a", ""), ("2025-05-14", "TikTok", "Video", "b", "")
    )
    pause = rule(findings(late_start, start="2025-04-28", end="2025-05-14"), "pause")
    assert pause.ok is False and "vom 28.04.2025 bis zum 06.05.2025 (9 Tage" in pause.message
    early_stop = plan(("2025-04-28", "TikTok", "Video", "a", ""))
    pause = rule(findings(early_stop, start="2025-04-28", end="2025-05-25"), "pause")
    assert pause.ok is False and "(27 Tage" in pause.message


def test_each_channel_is_checked_and_expected_channels_without_posts_fail():
    found = findings(plan(*steady("Instagram"), *steady("Facebook", step=10)), kanaele=["LinkedIn"])
    assert rule(found, "pause", "Instagram").ok is True
    assert rule(found, "pause", "Facebook").ok is False
    linkedin = rule(found, "pause", "LinkedIn")
    assert linkedin.ok is False and "kein Beitrag geplant" in linkedin.message


def test_default_period_is_first_to_last_post():
    found = check_calendar(
        plan(
            ("2025-05-01", "Instagram", "Reel", "a", ""),
            ("2025-05-05", "Instagram", "Story", "b", ""),
        )
    )
    assert rule(found, "pause").ok is True
    assert "2 Beiträge vom 01.05.2025 bis zum 05.05.2025 (5 Tage" in rule(found, "mix").message


# -- format rules ----------------------------------------------------------------------------


def test_format_share_above_half_fails_exactly_half_passes():
    half = plan(
        ("2025-04-28", "Instagram", "Reel", "a", ""),
        ("2025-04-29", "Instagram", "Reel", "b", ""),
        ("2025-04-30", "Instagram", "Story", "c", ""),
        ("2025-05-01", "Instagram", "Karussell", "d", ""),
    )
    assert rule(findings(half), "format_anteil").ok is True
    more = pd.concat([half, plan(("2025-05-02", "Instagram", "Reel", "e", ""))])
    share = rule(findings(more), "format_anteil")
    assert share.ok is False and "Reel macht 60 %" in share.message and "(3 von 5)" in share.message


def test_format_spelling_is_unified():
    df = plan(
        ("2025-04-28", "Instagram", "Reel", "a", ""),
        ("2025-04-29", "Instagram", " reel", "b", ""),
        ("2025-04-30", "Instagram", "REEL ", "c", ""),
    )
    variety = rule(findings(df), "format_vielfalt")
    assert variety.ok is False and "Nur 1 Format(e) (Reel)" in variety.message
    assert list(mix_table(df).columns) == ["Reel"]


def test_at_least_three_formats():
    two = plan(*steady(formats=("Reel", "Karussell")))
    assert rule(findings(two), "format_vielfalt").ok is False
    three = plan(*steady(formats=("Reel", "Karussell", "Umfrage")))
    assert rule(findings(three), "format_vielfalt").ok is True


# -- occasions -------------------------------------------------------------------------------


def test_two_occasions_on_the_day_or_shortly_before_pass():
    df = plan(
        *steady(),
        ("2025-05-09", "Instagram", "Muttertagstorte vorbestellen", "Story", "Muttertag"),
        ("2025-05-17", "Facebook", "Bildbeitrag", "Stand auf dem Frühlingsmarkt", "Frühlingsmarkt"),
    )
    occasions = rule(findings(df), "anlaesse")
    assert occasions.ok is True
    assert "Muttertag (11.05.2025: Instagram, 09.05.2025)" in occasions.message
    assert "Frühlingsmarkt auf dem Marktplatz (17.05.2025" in occasions.message


def test_posts_on_an_occasion_without_the_column_filled_do_not_count():
    df = plan(*steady(), ("2025-05-11", "Instagram", "Reel", "Ofen-ASMR", ""))
    occasions = rule(findings(df), "anlaesse")
    assert occasions.ok is False and "Noch frei im Zeitraum" in occasions.message


def test_two_posts_on_the_same_occasion_count_once():
    df = plan(
        ("2025-05-11", "Instagram", "Reel", "Muttertag", "Muttertag"),
        ("2025-05-11", "Facebook", "Bildbeitrag", "Muttertag", "Muttertag"),
    )
    occasions = rule(findings(df), "anlaesse")
    assert occasions.ok is False and occasions.message.startswith("1 Anlass")


def test_a_post_ties_in_only_with_the_occasion_it_names():
    df = plan(
        ("2025-05-11", "Instagram", "Reel", "Blumen für Mama", "Muttertag"),
        ("2025-05-18", "Instagram", "Reel", "Honigkuchen", "Bienen"),
    )
    occasions = rule(findings(df), "anlaesse")
    assert occasions.ok is True
    assert (
        "Muttertag (11.05.2025" in occasions.message
        and "Weltbienentag (20.05.2025" in occasions.message
    )
    assert "Pflegenden" not in occasions.message  # the next day, but not named
    same_day = plan(("2025-05-11", "Instagram", "Reel", "Blumen", "Mama-Tag"))
    assert "Muttertag (11.05.2025" in rule(findings(same_day, min_anlaesse=1), "anlaesse").message


def test_too_early_posts_do_not_count_and_lead_days_are_adjustable():
    df = plan(
        ("2025-05-08", "Instagram", "Story", "Torte bestellen", "Muttertag"),
        ("2025-05-20", "Instagram", "Reel", "Honigkuchen", "Weltbienentag"),
    )
    assert rule(findings(df), "anlaesse").ok is False  # 3 days before Muttertag
    assert rule(findings(df, vorlauf_tage=3), "anlaesse").ok is True


def test_occasions_as_mapping_or_pairs_and_missing_list():
    df = plan(
        ("2025-05-01", "Instagram", "Reel", "a", "Feiertag"),
        ("2025-05-11", "Instagram", "Story", "b", "Muttertag"),
    )
    assert rule(
        check_calendar(df, {"2025-05-01": "Tag der Arbeit", "2025-05-11": "Muttertag"}), "anlaesse"
    ).ok
    assert rule(check_calendar(df, [("2025-05-11", "Muttertag")]), "anlaesse").ok is False
    assert rule(check_calendar(df), "anlaesse").ok is None


# -- summary, order, errors ------------------------------------------------------------------


def test_sample_draft_shows_the_typical_weaknesses():
    found = findings(kalender.beispiel_entwurf(), kanaele=["Instagram", "Facebook"])
    assert [f.rule for f in found] == [
        "pause",
        "pause",
        "format_anteil",
        "format_vielfalt",
        "anlaesse",
        "mix",
    ]
    assert rule(found, "pause", "Facebook").ok is False
    assert rule(found, "format_anteil").ok is False
    assert rule(found, "anlaesse").ok is False
    mix = rule(found, "mix")
    assert mix.ok is None
    assert (
        "12 Beiträge vom 28.04.2025 bis zum 25.05.2025 (28 Tage, im Schnitt 3,0 pro Woche)"
        in mix.message
    )
    assert "Instagram 9, Facebook 3" in mix.message and "Reel 67 %" in mix.message


def test_posts_outside_the_period_are_mentioned():
    df = plan(*steady(), ("2025-06-02", "Instagram", "Reel", "später", ""))
    assert "liegen außerhalb des Zeitraums" in rule(findings(df), "mix").message


def test_format_findings_prints_icons_states_and_rule_names():
    text = format_findings(findings(kalender.beispiel_entwurf()))
    lines = text.splitlines()
    assert lines[0].startswith("✘ Regelmäßigkeit – Facebook (noch offen):")
    assert lines[1].startswith("✔ Regelmäßigkeit – Instagram (erfüllt):")
    assert any(line.startswith("✘ Formatanteil (noch offen):") for line in lines)
    assert lines[-1].startswith("ℹ Mix (Überblick):")


def test_mix_table_counts_posts_per_channel_and_format():
    table = mix_table(kalender.beispiel_entwurf())
    assert table.loc["Instagram", "Reel"] == 8 and table.loc["Facebook", "Bildbeitrag"] == 3
    assert table.index.name == "Kanal" and table.columns.name == "Format"


def test_empty_plan_and_bad_input_give_german_messages():
    assert check_calendar(plan())[0].message.startswith("Der Plan enthält noch keine Beiträge")
    with pytest.raises(ValueError, match="fehlen die Spalten anlass"):
        check_calendar(pd.DataFrame({"datum": [], "kanal": [], "format": [], "thema": []}))
    with pytest.raises(ValueError, match="kein lesbares Datum"):
        check_calendar(plan(("morgen", "Instagram", "Reel", "a", "")))
    with pytest.raises(ValueError, match="Beginn"):
        check_calendar(plan(*steady()), start=END, end=START)
    with pytest.raises(TypeError, match="pandas DataFrame"):
        check_calendar([("2025-05-01", "Instagram")])


def test_input_is_not_modified():
    df = kalender.beispiel_entwurf()
    before = df.copy()
    check_calendar(df, kalender.beispiel_anlaesse())
    pd.testing.assert_frame_equal(df, before)


def test_sample_occasions_are_in_the_period_and_dated_correctly():
    occasions = kalender.beispiel_anlaesse()
    assert occasions["datum"].between(START, END).all()
    muttertag = occasions.loc[occasions["anlass"] == "Muttertag", "datum"].iloc[0]
    assert muttertag.day_name() == "Sunday" and 8 <= muttertag.day <= 14  # second Sunday in May
