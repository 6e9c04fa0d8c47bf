"""Tests für den synthetischen Fragen-Log (tools/datagen/lindenholz.py).

Die Muster-Tests sichern genau die Befunde ab, auf die die Wissensmanagement-Übung in
``notebooks/de/02_teamfaehigkeit.ipynb`` hinführt.
"""

from pathlib import Path

import pandas as pd
import pytest

from smmkit.datasets import load_question_log
from tools.datagen.lindenholz import (
    QUESTION_LOG_COLUMNS,
    TOPICS,
    generate_question_log,
    write_question_log,
)

SHIPPED_CSV = Path(__file__).resolve().parents[1] / "src" / "smmkit" / "data" / "fragen_log.csv"


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_question_log()


def test_regenerated_csv_equals_shipped_csv_byte_for_byte(tmp_path):
    written = write_question_log(tmp_path / "fragen_log.csv")
    assert written.read_bytes() == SHIPPED_CSV.read_bytes()


def test_generation_is_deterministic_and_seed_dependent():
    a = generate_question_log()
    b = generate_question_log(2410)
    pd.testing.assert_frame_equal(a, b)
    other = generate_question_log(7)
    assert not other["frage"].equals(a["frage"])
    # the topic counts are fixed by design, whatever the seed
    assert other["thema"].value_counts().to_dict() == TOPICS


def test_loaded_csv_matches_generated_frame(df):
    generated = generate_question_log()
    assert list(df.columns) == QUESTION_LOG_COLUMNS
    for column in ("frage_id", "datum", "kanal", "frage", "thema", "rueckfrage_bei"):
        assert (df[column] == generated[column]).all(), column
    pd.testing.assert_series_equal(
        df["bearbeitungszeit_min"], generated["bearbeitungszeit_min"], check_exact=False, atol=1e-9
    )


def test_shape_types_and_value_sets(df):
    assert len(df) == 300
    assert df["frage_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(df["datum"])
    assert df["datum"].is_monotonic_increasing
    assert df["datum"].min() >= pd.Timestamp("2024-09-01")
    assert df["datum"].max() < pd.Timestamp("2024-12-01")
    assert set(df["kanal"]) == {"Instagram", "Facebook", "WhatsApp Business", "TikTok"}
    assert set(df["thema"]) == set(TOPICS)
    assert set(df["rueckfrage_bei"]) == {
        "keine",
        "Kundenservice",
        "Logistik",
        "Produktmanagement",
        "Vertrieb",
        "Personal",
    }
    assert (df["bearbeitungszeit_min"] > 0).all()
    assert df.notna().all().all()
    assert not df["frage"].str.contains(r"[{}]").any(), "nicht ersetzter Platzhalter"
    assert df["frage"].str.contains("ü").any()  # echte Umlaute, UTF-8 korrekt gelesen


def test_delivery_time_is_the_top_topic_by_count_and_by_time(df):
    counts = df["thema"].value_counts()
    assert counts.index[0] == "Lieferzeit"
    assert counts["Lieferzeit"] == 78
    assert counts["Lieferzeit"] > 1.5 * counts.iloc[1]
    minutes = df.groupby("thema")["bearbeitungszeit_min"].sum()
    assert minutes.idxmax() == "Lieferzeit"
    assert 10 < minutes["Lieferzeit"] / 60 < 16  # rund 13 bis 14 Stunden in drei Monaten


def test_seasonal_patterns(df):
    monat = df["datum"].dt.month
    lieferzeit = (df["thema"] == "Lieferzeit").groupby(monat).sum()
    assert lieferzeit.is_monotonic_increasing and lieferzeit[11] > 1.8 * lieferzeit[9]
    gutschein = (df["thema"] == "Gutschein").groupby(monat).sum()
    assert gutschein[9] < gutschein[10] and gutschein[9] < gutschein[11]
    # Weihnachtsfragen erst ab Mitte Oktober
    weihnachten = df[df["frage"].str.contains("Weihnacht|Heiligabend")]
    assert len(weihnachten) > 0 and weihnachten["datum"].min() >= pd.Timestamp("2024-10-16")


def test_departments_asked_before_answering(df):
    rueckfrage = pd.crosstab(df["thema"], df["rueckfrage_bei"])
    # Lieferfragen hängen vor allem an der Logistik, Materialfragen am Produktmanagement
    assert rueckfrage.loc["Lieferzeit"].idxmax() == "Logistik"
    assert rueckfrage.loc["Material & Sicherheit"].idxmax() == "Produktmanagement"
    assert rueckfrage.loc["Ausbildung & Jobs"].idxmax() == "Personal"
    assert (rueckfrage.loc["Öffnungszeiten"].drop("keine") == 0).all()
    # wer erst nachfragen muss, braucht länger
    gefragt = df["rueckfrage_bei"] != "keine"
    assert (
        df.loc[gefragt, "bearbeitungszeit_min"].median()
        > 1.5 * df.loc[~gefragt, "bearbeitungszeit_min"].median()
    )
    # mehr als die Hälfte aller Fragen brauchte eine Rückfrage in einer anderen Abteilung
    assert gefragt.mean() > 0.5


def test_job_questions_come_via_tiktok_and_instagram(df):
    jobs = df[df["thema"] == "Ausbildung & Jobs"]["kanal"].value_counts()
    assert set(jobs.index[:2]) == {"TikTok", "Instagram"}
