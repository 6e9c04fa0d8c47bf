"""Tests für den synthetischen Kommentar-Export (smmkit.datasets).

Die Muster-Tests sichern genau die Befunde ab, auf die die Datenübung im Notebook
``notebooks/de/01_offenheit_kommunikation.ipynb`` hinführt.
"""

from pathlib import Path

import pandas as pd
import pytest

from smmkit.datasets import (
    COMMENT_EXPORT_COLUMNS,
    generate_comment_export,
    load_comment_export,
    write_comment_export,
)

SHIPPED_CSV = (
    Path(__file__).resolve().parents[1] / "src" / "smmkit" / "data" / "kommentare_export.csv"
)
KRITISCH = ["Kritik", "Beschwerde"]
THEMEN = {
    "Werkstatt": "werkstatt",
    "Online-Shop & Lieferung": "bestell|liefer|versand|online|website",
    "Preis & Rechnung": "preis|rechnung",
    "Beratung & Ton": "beratung|unfreundlich",
}


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_comment_export()


def test_regenerated_csv_equals_shipped_csv_byte_for_byte(tmp_path):
    written = write_comment_export(tmp_path / "kommentare_export.csv")
    assert written.read_bytes() == SHIPPED_CSV.read_bytes()


def test_generation_is_deterministic_and_seed_dependent():
    a = generate_comment_export()
    b = generate_comment_export(2012)
    pd.testing.assert_frame_equal(a, b)
    assert not generate_comment_export(7)["text"].equals(a["text"])


def test_loaded_csv_matches_generated_frame(df):
    generated = generate_comment_export()
    assert list(df.columns) == COMMENT_EXPORT_COLUMNS
    assert len(df) == len(generated)
    assert (df["kommentar_id"] == generated["kommentar_id"]).all()
    assert (df["text"] == generated["text"]).all()
    assert (df["datum"] == generated["datum"]).all()
    assert (df["beantwortet"] == generated["beantwortet"]).all()
    pd.testing.assert_series_equal(
        df["antwortzeit_std"], generated["antwortzeit_std"], check_exact=False, atol=1e-9
    )


def test_shape_types_and_value_sets(df):
    assert 400 <= len(df) <= 600
    assert df["kommentar_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(df["datum"])
    assert df["datum"].is_monotonic_increasing
    assert df["datum"].min() >= pd.Timestamp("2024-03-01")
    assert df["datum"].max() < pd.Timestamp("2024-06-01")
    assert df["beantwortet"].dtype == bool
    assert set(df["kanal"]) == {
        "Instagram",
        "Facebook",
        "Google-Bewertungen",
        "WhatsApp Business",
        "TikTok",
        "LinkedIn",
    }
    assert set(df["kategorie"]) == {
        "Lob",
        "Frage",
        "Kritik",
        "Beschwerde",
        "Anregung",
        "Troll/Spam",
    }
    assert set(df["stimmung"]) == {"positiv", "neutral", "negativ"}
    assert (df.loc[df["kategorie"] == "Lob", "stimmung"] == "positiv").all()
    assert (df.loc[df["kategorie"] == "Beschwerde", "stimmung"] == "negativ").all()
    # Antwortzeit gibt es genau dann, wenn beantwortet wurde
    assert (df["antwortzeit_std"].isna() == ~df["beantwortet"]).all()
    assert (df["antwortzeit_std"].dropna() > 0).all()
    assert not df["text"].str.contains(r"[{}]").any(), "nicht ersetzter Platzhalter"


def test_google_reviews_answered_slowest_whatsapp_fastest(df):
    beantwortet = df[df["beantwortet"]]
    median = beantwortet.groupby("kanal")["antwortzeit_std"].median()
    assert median.idxmax() == "Google-Bewertungen"
    assert median.idxmin() == "WhatsApp Business"
    assert median["Google-Bewertungen"] > 48
    assert median["WhatsApp Business"] < 4
    ueber_24 = (beantwortet["antwortzeit_std"] > 24).groupby(beantwortet["kanal"]).mean()
    assert ueber_24.idxmax() == "Google-Bewertungen"
    assert ueber_24["Google-Bewertungen"] > 0.8
    assert ueber_24["Instagram"] < 0.3


def test_weekend_complaints_wait_longest(df):
    kritisch = df[df["kategorie"].isin(KRITISCH) & df["beantwortet"]]
    wochenende = kritisch["datum"].dt.day_of_week >= 5
    median_we = kritisch.loc[wochenende, "antwortzeit_std"].median()
    median_wt = kritisch.loc[~wochenende, "antwortzeit_std"].median()
    assert median_we > 3 * median_wt
    # Samstag ist der Wochentag mit der längsten mittleren Wartezeit
    alle = df[df["beantwortet"]]
    per_tag = alle.groupby(alle["datum"].dt.day_of_week)["antwortzeit_std"].median()
    assert per_tag.idxmax() == 5


def test_unanswered_critical_comments(df):
    kritisch = df[df["kategorie"].isin(KRITISCH)]
    anteil = 1 - kritisch["beantwortet"].mean()
    assert 0.2 <= anteil <= 0.45
    per_kanal = 1 - kritisch.groupby("kanal")["beantwortet"].mean()
    assert per_kanal.idxmax() == "Google-Bewertungen"
    assert per_kanal["Google-Bewertungen"] > 0.45
    # Trolle und Spam werden (richtigerweise) fast nie beantwortet
    assert df.loc[df["kategorie"] == "Troll/Spam", "beantwortet"].mean() < 0.1


def test_recurring_complaint_topic_is_the_workshop(df):
    kritisch = df[df["kategorie"].isin(KRITISCH)]
    treffer = pd.DataFrame(
        {
            thema: kritisch["text"].str.contains(muster, case=False)
            for thema, muster in THEMEN.items()
        }
    )
    # jedes kritische Kommentar gehört genau einem Thema an
    assert (treffer.sum(axis=1) == 1).all()
    anzahl = treffer.sum()
    assert anzahl.idxmax() == "Werkstatt"
    assert anzahl["Werkstatt"] / len(kritisch) > 0.45
    assert anzahl["Werkstatt"] > 2 * anzahl.drop("Werkstatt").max()
    # das Thema nimmt im Lauf der Saison zu
    monat = kritisch["datum"].dt.month
    anteil_werkstatt = treffer["Werkstatt"].groupby(monat).mean()
    assert anteil_werkstatt[5] > anteil_werkstatt[3]
    assert treffer["Werkstatt"].groupby(monat).sum().is_monotonic_increasing
