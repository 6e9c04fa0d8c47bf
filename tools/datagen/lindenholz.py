"""Synthetischer Fragen-Log der Lindenholz GmbH für die Wissensmanagement-Übung (Modul 02).

Die **Lindenholz GmbH** (erfunden) stellt Holzmöbel und Holzspielzeug für Kinder her und
verkauft über einen Online-Shop und einen Werksverkauf. Der Log enthält 300 Fragen, die
vom 1. September bis 30. November 2024 über Instagram, Facebook, WhatsApp Business und
TikTok eingegangen sind – eine Zeile je Frage.

Die Daten sind frei erfunden, aber deterministisch: ``generate_question_log()`` liefert bei
gleichem ``seed`` immer dieselbe Tabelle, und die mitgelieferte Datei
``smmkit/data/fragen_log.csv`` ist genau das Ergebnis von ``write_question_log()``.
Eingebaute, im Notebook auffindbare Muster:

* Häufigstes Thema ist mit Abstand die **Lieferzeit** (78 von 300 Fragen); sie kostet
  auch die meiste Bearbeitungszeit, weil oft erst bei der Logistik nachgefragt werden muss.
* Lieferzeit-Fragen nehmen von September bis November deutlich zu (Weihnachtsgeschäft:
  16 → 28 → 34), Gutschein-Fragen nehmen ab Oktober zu, Fragen zu Ausbildung und Jobs
  kommen eher im September.
* Die Spalte ``rueckfrage_bei`` zeigt, welche Abteilung vor der Antwort gefragt werden
  musste: Social Media ist auf Logistik, Kundenservice, Produktmanagement, Vertrieb und
  Personal angewiesen („Spinne im Netz“).
* Fragen zu Ausbildung und Jobs kommen vor allem über TikTok und Instagram.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "COMPANY",
    "QUESTION_LOG_COLUMNS",
    "QUESTION_LOG_FILENAME",
    "TOPICS",
    "generate_question_log",
    "write_question_log",
]

COMPANY = "Lindenholz GmbH"
QUESTION_LOG_FILENAME = "fragen_log.csv"
QUESTION_LOG_COLUMNS = [
    "frage_id",
    "datum",
    "kanal",
    "frage",
    "thema",
    "rueckfrage_bei",
    "bearbeitungszeit_min",
]
DEFAULT_SEED = 2410

_START = pd.Timestamp("2024-09-01")
_DAYS = 91  # 1. September bis 30. November 2024
_DATE_FORMAT = "%Y-%m-%dT%H:%M"
_FLOAT_FORMAT = "%.1f"

_CHANNELS = ["Instagram", "Facebook", "WhatsApp Business", "TikTok"]
KEINE = "keine"

# Thema -> genaue Anzahl Fragen (Summe 300). Feste Zahlen statt Zufall, damit die
# Rangfolge der Themen – der Kern der Übung – nicht vom Seed abhängt.
TOPICS: dict[str, int] = {
    "Lieferzeit": 78,
    "Rücksendung": 44,
    "Aufbau": 37,
    "Material & Sicherheit": 33,
    "Ersatzteile": 29,
    "Öffnungszeiten": 26,
    "Preise": 22,
    "Gutschein": 18,
    "Ausbildung & Jobs": 13,
}

# Thema -> Gewichte der Kanäle in der Reihenfolge von _CHANNELS
_CHANNEL_WEIGHTS: dict[str, list[float]] = {
    "Lieferzeit": [0.35, 0.25, 0.38, 0.02],
    "Rücksendung": [0.25, 0.20, 0.55, 0.00],
    "Aufbau": [0.45, 0.25, 0.25, 0.05],
    "Material & Sicherheit": [0.50, 0.30, 0.15, 0.05],
    "Ersatzteile": [0.25, 0.30, 0.45, 0.00],
    "Öffnungszeiten": [0.30, 0.50, 0.20, 0.00],
    "Preise": [0.45, 0.30, 0.20, 0.05],
    "Gutschein": [0.45, 0.30, 0.25, 0.00],
    "Ausbildung & Jobs": [0.35, 0.12, 0.03, 0.50],
}

# Thema -> (Gewicht am 1. September, Gewicht am 30. November): Saisonverlauf
_SEASON: dict[str, tuple[float, float]] = {
    "Lieferzeit": (0.4, 2.2),
    "Gutschein": (0.2, 2.6),
    "Ausbildung & Jobs": (1.8, 0.5),
}
_SEASON_DEFAULT = (0.8, 1.3)

# Thema -> (Abteilungen, Wahrscheinlichkeiten): bei wem vor der Antwort nachgefragt wurde
_RUECKFRAGE: dict[str, tuple[list[str], list[float]]] = {
    "Lieferzeit": (["Logistik", "Kundenservice", KEINE], [0.55, 0.20, 0.25]),
    "Rücksendung": (["Kundenservice", KEINE], [0.70, 0.30]),
    "Aufbau": (["Produktmanagement", KEINE], [0.35, 0.65]),
    "Material & Sicherheit": (["Produktmanagement", KEINE], [0.75, 0.25]),
    "Ersatzteile": (["Kundenservice", "Produktmanagement", KEINE], [0.45, 0.30, 0.25]),
    "Öffnungszeiten": ([KEINE], [1.0]),
    "Preise": (["Vertrieb", KEINE], [0.45, 0.55]),
    "Gutschein": (["Kundenservice", KEINE], [0.40, 0.60]),
    "Ausbildung & Jobs": (["Personal", KEINE], [0.85, 0.15]),
}

# Thema -> Median der Bearbeitungszeit in Minuten, wenn nicht nachgefragt werden musste
_MINUTES: dict[str, float] = {
    "Lieferzeit": 6.0,
    "Rücksendung": 5.0,
    "Aufbau": 4.5,
    "Material & Sicherheit": 6.5,
    "Ersatzteile": 6.0,
    "Öffnungszeiten": 1.5,
    "Preise": 3.5,
    "Gutschein": 3.0,
    "Ausbildung & Jobs": 5.0,
}
_RUECKFRAGE_FACTOR = 1.9  # wer erst nachfragen muss, braucht fast doppelt so lange

# Produkte: (Nominativ, Akkusativ)
_PRODUKTE = [
    ("das Kinderbett „Traumland“", "das Kinderbett „Traumland“"),
    ("der Hochstuhl „Fips“", "den Hochstuhl „Fips“"),
    ("das Laufrad „Flitzer“", "das Laufrad „Flitzer“"),
    ("die Spielküche „Kleiner Koch“", "die Spielküche „Kleiner Koch“"),
    ("der Kaufladen „Krämerei“", "den Kaufladen „Krämerei“"),
    ("das Puppenhaus „Villa Linde“", "das Puppenhaus „Villa Linde“"),
    ("das Bücherregal „Lesewurm“", "das Bücherregal „Lesewurm“"),
]
_LAENDER = ["Österreich", "Luxemburg", "Belgien", "Italien"]

# Vorlagen je Thema. Platzhalter: {nom}, {akk}, {nr}, {tage}, {land}, {schritt}, {jahre}.
# Vorlagen, die nur in einen Teil des Zeitraums passen, stehen in _SAISONFRAGEN.
_FRAGEN: dict[str, list[str]] = {
    "Lieferzeit": [
        "Wie lange dauert gerade die Lieferung, wenn ich {akk} bestelle?",
        "Meine Bestellung {nr} ist seit {tage} Tagen unterwegs. Wann kommt sie an?",
        "Wird {nom} mit der Spedition geliefert? Muss ich dafür zu Hause sein?",
        "Liefert ihr auch nach {land}, und wie lange dauert das?",
        "Die Sendungsverfolgung zeigt seit {tage} Tagen keinen neuen Stand. Ist mein Paket "
        "verloren gegangen?",
        "Ist {nom} sofort lieferbar, oder gibt es eine Wartezeit?",
    ],
    "Rücksendung": [
        "Das Möbelstück passt leider nicht ins Kinderzimmer. Wie läuft die Rücksendung?",
        "Wer trägt die Kosten für die Rücksendung bei Speditionsware?",
        "Muss ich für die Rücksendung die Originalverpackung aufheben?",
        "Ich habe meine Rücksendung vor {tage} Tagen abgeschickt. Wann bekomme ich mein Geld "
        "zurück?",
        "Wie lange habe ich Zeit, um {akk} zurückzugeben?",
        "Beim Auspacken war eine Ecke beschädigt. Muss ich alles zurückschicken, oder gibt es "
        "Ersatz?",
    ],
    "Aufbau": [
        "Gibt es für {akk} eine Aufbauanleitung als PDF? Meine ist verschwunden.",
        "Kann man {akk} auch allein aufbauen, oder braucht man zwei Personen?",
        "Welches Werkzeug brauche ich für den Aufbau?",
        "Bei Schritt {schritt} der Aufbauanleitung komme ich nicht weiter. Wo gehört die lange "
        "Schraube hin?",
        "Habt ihr ein Aufbauvideo?",
        "Kann man das Kinderbett später zum Juniorbett umbauen? Wie geht das?",
    ],
    "Material & Sicherheit": [
        "Mit welchem Lack ist {nom} behandelt? Ist der speichelfest?",
        "Aus welchem Holz ist {nom}, und woher kommt das Holz?",
        "Ab welchem Alter ist {nom} geeignet?",
        "Ist {nom} geprüft? Gibt es ein Prüfsiegel?",
        "Wie pflege ich Holzspielzeug richtig? Darf man es feucht abwischen?",
        "Bis zu welchem Gewicht ist {nom} belastbar?",
        "Riecht das Öl am Anfang? Unser Kind ist Allergiker.",
    ],
    "Ersatzteile": [
        "Bei unserem Umzug ist ein Beschlag verloren gegangen. Kann ich einzelne Ersatzteile "
        "bestellen?",
        "Gibt es für {akk} Ersatzteile?",
        "Ein Rad vom Laufrad ist nach {jahre} Jahren abgefahren. Kann ich ein neues Rad kaufen?",
        "Repariert ihr auch ältere Möbel von euch? Unser Hochstuhl ist schon {jahre} Jahre alt.",
        "Ich brauche neue Filzgleiter und Schrauben für {akk}. Wo bekomme ich die?",
        "Die Tür der Spielküche schließt nicht mehr richtig. Gibt es ein Ersatzscharnier?",
    ],
    "Öffnungszeiten": [
        "Wann hat der Werksverkauf geöffnet?",
        "Habt ihr samstags geöffnet?",
        "Kann man {akk} im Werksverkauf ansehen, bevor man bestellt?",
        "Gibt es beim Werksverkauf Parkplätze?",
    ],
    "Preise": [
        "Was kostet {nom}?",
        "Gibt es einen Rabatt für Kitas oder Tagesmütter?",
        "Bekommt man einen Mengenrabatt, wenn man mehrere Möbel bestellt?",
        "Gibt es im Werksverkauf B-Ware zu reduzierten Preisen?",
        "Kann man auf Rechnung oder in Raten zahlen?",
    ],
    "Gutschein": [
        "Kann man Gutscheine auch online kaufen?",
        "Wie lange ist ein Gutschein gültig?",
        "Kann ich einen online gekauften Gutschein im Werksverkauf einlösen?",
        "Mein Gutscheincode funktioniert im Shop nicht. Was mache ich falsch?",
        "Gibt es Gutscheine auch gedruckt zum Verschenken?",
    ],
    "Ausbildung & Jobs": [
        "Bildet ihr auch zur Tischlerin oder zum Tischler aus? Wie bewerbe ich mich?",
        "Kann man bei euch ein Praktikum machen?",
        "Sucht ihr noch Leute für den Versand, auch in Teilzeit?",
        "Wann beginnt die Ausbildung, und bis wann muss ich mich bewerben?",
        "Gibt es bei euch auch ein duales Studium?",
    ],
}

# Thema -> [(Vorlage, erster Tag, letzter Tag)], Tage gezählt ab dem 1. September (= 0)
_SAISONFRAGEN: dict[str, list[tuple[str, int, int]]] = {
    "Lieferzeit": [
        ("Kommt {nom} noch vor Weihnachten an, wenn ich diese Woche bestelle?", 45, 90),
        ("Bis wann muss ich bestellen, damit alles bis Heiligabend da ist?", 45, 90),
    ],
    "Rücksendung": [("Kann man Geschenke auch nach Weihnachten noch umtauschen?", 45, 90)],
    "Öffnungszeiten": [
        ("Ist der Werksverkauf zwischen den Jahren geöffnet?", 61, 90),
        ("Habt ihr an Allerheiligen geöffnet?", 40, 61),
    ],
    "Preise": [("Wird es am Black Friday Angebote geben?", 55, 88)],
}

# Uhrzeiten, zu denen Fragen eingehen (Gewichte je volle Stunde 0–23): abends am meisten,
# wenn die Kinder im Bett sind.
_HOUR_WEIGHTS = np.array(
    [1, 0.4, 0.2, 0.1, 0.1, 0.3, 1, 2, 3, 3, 3, 3, 4, 4, 3, 3, 3, 4, 5, 6, 8, 9, 7, 3],
    dtype=float,
)


def _pick(rng: np.random.Generator, options: list) -> object:
    return options[int(rng.integers(len(options)))]


def _question_text(rng: np.random.Generator, thema: str, day: int) -> str:
    seasonal = [text for text, first, last in _SAISONFRAGEN.get(thema, []) if first <= day <= last]
    template = str(_pick(rng, _FRAGEN[thema] + seasonal))
    nom, akk = _pick(rng, _PRODUKTE)  # type: ignore[misc]
    return template.format(
        nom=nom,
        akk=akk,
        nr=f"#{int(rng.integers(100000, 999999))}",
        tage=int(rng.integers(4, 15)),
        land=_pick(rng, _LAENDER),
        schritt=int(rng.integers(3, 12)),
        jahre=int(rng.integers(2, 9)),
    )


def generate_question_log(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Erzeugt den synthetischen Fragen-Log der Lindenholz GmbH (300 Fragen, Sept.–Nov. 2024).

    Gleicher ``seed`` → gleiche Tabelle (``numpy.random.default_rng``). Die Anzahl der
    Fragen je Thema steht fest (``TOPICS``); Datum, Kanal, Wortlaut, Rückfrage und
    Bearbeitungszeit werden gezogen.

    Spalten: ``frage_id``, ``datum`` (Eingang der Frage), ``kanal``, ``frage`` (Wortlaut),
    ``thema``, ``rueckfrage_bei`` (Abteilung, bei der vor der Antwort nachgefragt werden
    musste, oder „keine“), ``bearbeitungszeit_min`` (Minuten bis die Antwort stand).
    """
    rng = np.random.default_rng(seed)
    themen = np.array([thema for thema, count in TOPICS.items() for _ in range(count)])
    themen = themen[rng.permutation(len(themen))]
    hour_weights = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()

    rows = []
    for thema in themen:
        thema = str(thema)
        start, end = _SEASON.get(thema, _SEASON_DEFAULT)
        day_weights = np.linspace(start, end, _DAYS)
        day = int(rng.choice(_DAYS, p=day_weights / day_weights.sum()))
        hour = int(rng.choice(24, p=hour_weights))
        minute = int(rng.integers(60))
        datum = _START + pd.Timedelta(days=day, hours=hour, minutes=minute)

        weights = np.array(_CHANNEL_WEIGHTS[thema])
        kanal = _CHANNELS[int(rng.choice(len(_CHANNELS), p=weights / weights.sum()))]
        frage = _question_text(rng, thema, day)

        abteilungen, p = _RUECKFRAGE[thema]
        rueckfrage = abteilungen[int(rng.choice(len(abteilungen), p=p))]
        median = _MINUTES[thema] * (_RUECKFRAGE_FACTOR if rueckfrage != KEINE else 1.0)
        minuten = max(0.5, round(float(rng.lognormal(np.log(median), 0.45)), 1))

        rows.append((datum, kanal, frage, thema, rueckfrage, minuten))

    df = pd.DataFrame(rows, columns=QUESTION_LOG_COLUMNS[1:])
    df = df.sort_values("datum", kind="stable").reset_index(drop=True)
    df.insert(0, "frage_id", [f"F{i:04d}" for i in range(1, len(df) + 1)])
    df["bearbeitungszeit_min"] = df["bearbeitungszeit_min"].astype(float)
    return df


def write_question_log(path: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Schreibt den Log reproduzierbar als CSV (UTF-8, ``\\n``, eine Nachkommastelle)."""
    from .fahrradhaus import write_csv

    return write_csv(
        generate_question_log(seed), path, date_format=_DATE_FORMAT, float_format=_FLOAT_FORMAT
    )
