"""The exercise data sets that ship with the kit, as pandas tables.

All of them are invented, for two invented companies: the bicycle shop „Fahrradhaus Brandt“
(comments, a year of posts, a feedback log, a competitor benchmark) and the furniture maker
„Lindenholz GmbH“ (a log of customer questions). They are generated deterministically by
`tools/datagen/` (`python -m tools.datagen`), which writes exactly the CSV files in
`smmkit/data/`; a test regenerates them byte for byte.
"""

from __future__ import annotations

import importlib.resources

import pandas as pd

__all__ = [
    "WOCHENTAGE",
    "load_comment_export",
    "load_competitor_benchmark",
    "load_feedback_log",
    "load_post_export",
    "load_question_log",
]

# Weekday names in calendar order: notebooks sort tables by them (module 03).
WOCHENTAGE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


def _read(filename: str, **kwargs) -> pd.DataFrame:
    resource = importlib.resources.files("smmkit") / "data" / filename
    with importlib.resources.as_file(resource) as csv_path:
        return pd.read_csv(csv_path, encoding="utf-8", **kwargs)


def load_comment_export() -> pd.DataFrame:
    """Lädt den Kommentar-Export des Fahrradhauses (``kommentare_export.csv``, Modul 01).

    Die Spalte ``datum`` wird als Datum/Uhrzeit eingelesen, ``beantwortet`` als
    Wahrheitswert, ``antwortzeit_std`` als Kommazahl (leer = unbeantwortet).
    """
    df = _read("kommentare_export.csv", parse_dates=["datum"])
    df["beantwortet"] = df["beantwortet"].astype(bool)
    df["antwortzeit_std"] = df["antwortzeit_std"].astype(float)
    return df


def load_post_export() -> pd.DataFrame:
    """Lädt den Beitragsexport des Fahrradhauses (``beitraege_export.csv``, Modul 03).

    ``datum`` wird als Datum eingelesen, ``uhrzeit`` bleibt Text (``"18:30"``), alle
    Kennzahlen sind ganze Zahlen.
    """
    return _read("beitraege_export.csv", parse_dates=["datum"])


def load_feedback_log() -> pd.DataFrame:
    """Lädt das Feedback-Log des Fahrradhauses (``feedback_log.csv``, Modul 03).

    ``datum`` wird als Datum mit Uhrzeit eingelesen.
    """
    return _read("feedback_log.csv", parse_dates=["datum"])


def load_competitor_benchmark() -> pd.DataFrame:
    """Lädt den Wettbewerbsvergleich (``wettbewerb_benchmark.csv``, Modul 03).

    ``monat`` bleibt Text im Format ``"2024-06"`` (sortiert sich richtig).
    """
    return _read("wettbewerb_benchmark.csv")


def load_question_log() -> pd.DataFrame:
    """Lädt den Fragen-Log der Lindenholz GmbH (``fragen_log.csv``, Modul 02).

    Die Spalte ``datum`` wird als Datum/Uhrzeit eingelesen, ``bearbeitungszeit_min`` als
    Kommazahl.
    """
    df = _read("fragen_log.csv", parse_dates=["datum"])
    df["bearbeitungszeit_min"] = df["bearbeitungszeit_min"].astype(float)
    return df
