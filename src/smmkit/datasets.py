"""Synthetische Übungsdaten für die Notebooks.

Der Kommentar-Export gehört zum Beispielunternehmen „Fahrradhaus Brandt“, einem
Fahrradfachgeschäft mit Werkstatt und Online-Shop. Er umfasst Kommentare,
Bewertungen und Nachrichten aus drei Monaten der Frühjahrssaison 2024.

Die Daten sind frei erfunden, aber deterministisch: ``generate_comment_export()``
liefert bei gleichem ``seed`` immer dieselbe Tabelle, und die mitgelieferte CSV-Datei
``smmkit/data/kommentare_export.csv`` ist genau das Ergebnis von
``write_comment_export()``. Eingebaute, im Notebook auffindbare Muster:

* Google-Bewertungen werden am langsamsten beantwortet (Median weit über 24 Stunden),
  WhatsApp Business am schnellsten.
* Was am Wochenende (Samstag/Sonntag) eingeht, wartet am längsten, weil die Kanäle nur
  montags bis freitags betreut werden.
* Ein wiederkehrendes Beschwerdethema: lange Wartezeiten in der **Werkstatt**; es
  wird im Lauf der Saison (März → Mai) häufiger.
* Kritische Kommentare (Kritik, Beschwerde) bleiben bei Google-Bewertungen am häufigsten
  unbeantwortet; Troll-/Spam-Beiträge werden (richtigerweise) fast nie beantwortet.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "COMMENT_EXPORT_COLUMNS",
    "COMMENT_EXPORT_FILENAME",
    "COMPANY",
    "generate_comment_export",
    "load_comment_export",
    "write_comment_export",
]

COMPANY = "Fahrradhaus Brandt"
COMMENT_EXPORT_FILENAME = "kommentare_export.csv"
COMMENT_EXPORT_COLUMNS = [
    "kommentar_id",
    "datum",
    "kanal",
    "text",
    "kategorie",
    "stimmung",
    "beantwortet",
    "antwortzeit_std",
]

_START = pd.Timestamp("2024-03-01")
_DAYS = 92  # 1. März bis 31. Mai 2024
_N_COMMENTS = 520
_DATE_FORMAT = "%Y-%m-%dT%H:%M"
_FLOAT_FORMAT = "%.1f"

_CATEGORIES = ["Lob", "Frage", "Kritik", "Beschwerde", "Anregung", "Troll/Spam"]

# Kanal -> (Anteil am Kommentaraufkommen, Median der Antwortzeit in Stunden an Werktagen,
#           Streuung der Log-Normalverteilung, Kategorie-Verteilung in der Reihenfolge
#           von _CATEGORIES)
_CHANNELS: dict[str, tuple[float, float, float, list[float]]] = {
    "Instagram": (0.30, 5.0, 0.7, [0.38, 0.28, 0.08, 0.06, 0.08, 0.12]),
    "Facebook": (0.22, 8.0, 0.7, [0.26, 0.26, 0.14, 0.14, 0.08, 0.12]),
    "Google-Bewertungen": (0.17, 55.0, 0.6, [0.46, 0.02, 0.18, 0.24, 0.04, 0.06]),
    "WhatsApp Business": (0.17, 1.5, 0.6, [0.10, 0.62, 0.05, 0.15, 0.08, 0.00]),
    "TikTok": (0.09, 14.0, 0.7, [0.36, 0.20, 0.08, 0.04, 0.06, 0.26]),
    "LinkedIn": (0.05, 10.0, 0.6, [0.34, 0.44, 0.08, 0.02, 0.12, 0.00]),
}

# Wahrscheinlichkeit, dass ein Beitrag beantwortet wird: Kanal -> Kategorie -> p
_ANSWER_PROB: dict[str, dict[str, float]] = {
    "Instagram": {"Lob": 0.60, "Frage": 0.92, "Kritik": 0.82, "Beschwerde": 0.85},
    "Facebook": {"Lob": 0.50, "Frage": 0.90, "Kritik": 0.75, "Beschwerde": 0.80},
    "Google-Bewertungen": {"Lob": 0.55, "Frage": 0.80, "Kritik": 0.55, "Beschwerde": 0.62},
    "WhatsApp Business": {"Lob": 0.85, "Frage": 0.99, "Kritik": 0.97, "Beschwerde": 0.98},
    "TikTok": {"Lob": 0.35, "Frage": 0.75, "Kritik": 0.65, "Beschwerde": 0.70},
    "LinkedIn": {"Lob": 0.75, "Frage": 0.95, "Kritik": 0.90, "Beschwerde": 0.90},
}
_ANSWER_PROB_ANREGUNG = 0.80
_ANSWER_PROB_TROLL = 0.04

# Kategorie -> Faktor auf die Antwortzeit (Beschwerden werden etwas priorisiert)
_CATEGORY_SPEED = {
    "Lob": 1.5,
    "Frage": 1.0,
    "Kritik": 0.9,
    "Beschwerde": 0.8,
    "Anregung": 1.3,
    "Troll/Spam": 1.0,
}

_RAEDER = [
    "E-Bike",
    "Trekkingrad",
    "Lastenrad",
    "Kinderrad",
    "Gravelbike",
    "Citybike",
    "Mountainbike",
]
_TEILE = [
    "Bremsbeläge",
    "eine neue Kette",
    "einen Ersatzschlauch",
    "ein Akku-Ladegerät",
    "Schutzbleche",
    "ein Faltschloss",
    "einen Fahrradhelm",
]
_TEAM = ["Herrn Brandt", "Jonas", "Frau Yilmaz", "Lea", "das ganze Team"]

# Vorlagen je Kategorie. Platzhalter: {rad}, {teil}, {team}, {tage}, {wochen}, {nr}
_LOB_ALLGEMEIN = [
    "Super Beratung beim Kauf meines neuen {rad}. Danke an {team}!",
    "Schnelle Reparatur und faire Preise – gerne wieder.",
    "Mein {rad} läuft wieder wie neu. Danke!",
    "Endlich ein Laden, der sich für die Probefahrt richtig Zeit nimmt.",
    "Die Tourentipps im letzten Beitrag waren klasse 👍",
    "Sehr nettes Team, ehrliche Beratung, keine Verkaufsmasche.",
    "Habe {teil} im Online-Shop bestellt, zwei Tage später war alles da. Top!",
]
_LOB_KANAL = {
    "Google-Bewertungen": [
        "Kompetente Beratung und eine ehrliche Einschätzung, ob sich die Reparatur "
        "meines alten {rad} noch lohnt. Klare Empfehlung.",
        "Fünf Sterne: freundlich, fachkundig, fairer Preis. So muss ein Fahrradladen sein.",
    ],
    "Instagram": [
        "Wie schön ist das denn 😍",
        "Traumrad! Das {rad} steht ganz oben auf meiner Liste.",
    ],
    "TikTok": ["Bester Schrauber-Content 😂", "Endlich erklärt das mal jemand verständlich!"],
    "LinkedIn": [
        "Die Einführung des Dienstrad-Leasings für unser Team lief reibungslos. Vielen Dank!",
        "Starkes Beispiel für regionales Handwerk. Glückwunsch zum neuen Azubi!",
    ],
    "WhatsApp Business": ["Rad ist abgeholt, alles bestens. Danke für den schnellen Service!"],
}

_FRAGE_ALLGEMEIN = [
    "Habt ihr das {rad} auch in Rahmengröße M vorrätig?",
    "Bis wann habt ihr samstags geöffnet?",
    "Kann ich {teil} online bestellen und im Laden abholen?",
    "Macht ihr auch Probefahrten mit dem {rad}?",
    "Was kostet ein Reifenwechsel ungefähr?",
    "Habt ihr diese Woche noch einen Werkstatttermin frei?",
    "Nehmt ihr alte Räder in Zahlung?",
]
_FRAGE_KANAL = {
    "WhatsApp Business": [
        "Hallo, ist meine Bestellung {nr} schon verschickt?",
        "Ist mein {rad} schon fertig? Ich hatte es am Montag abgegeben.",
        "Habt ihr {teil} gerade da? Dann komme ich heute noch vorbei.",
    ],
    "LinkedIn": [
        "Bietet ihr Dienstrad-Leasing auch für kleine Betriebe mit fünf Mitarbeitenden an?",
        "Sucht ihr noch Zweiradmechatroniker:innen? Wie läuft die Bewerbung?",
    ],
    "TikTok": ["Welches Werkzeug ist das im Video?", "Geht das auch bei einer Nabenschaltung?"],
}

# Thema "werkstatt" ist das wiederkehrende Beschwerdethema, alle anderen kommen seltener vor.
_KRITIK = {
    "werkstatt": [
        "Die Wartezeit auf einen Werkstatttermin ist in der Saison echt zu lang.",
        "{wochen} Wochen bis zum nächsten freien Werkstatttermin – für Pendler keine Option.",
        "Schade, dass man die Werkstatt telefonisch kaum erreicht.",
        "Die Werkstatt ist dauernd ausgebucht. Plant ihr da mehr Personal ein?",
    ],
    "lieferung": [
        "Die Versandzeit im Online-Shop stand bei zwei Tagen, gedauert hat es eine Woche.",
        "Laut Website war {teil} verfügbar, im Laden dann aber nicht.",
    ],
    "preis": [
        "Warum ist der Preis im Laden höher als im Internet?",
        "Die Preise für Zubehör sind in den letzten Monaten ganz schön gestiegen.",
    ],
    "beratung": [
        "Die Beratung war diesmal eher knapp, der Laden war aber auch voll.",
        "Bei der Beratung zum {rad} hätte ich mir mehr Zeit für die Sitzposition gewünscht.",
    ],
}
_BESCHWERDE = {
    "werkstatt": [
        "Mein {rad} steht seit {tage} Tagen in der Werkstatt und niemand meldet sich!",
        "Inspektion in der Werkstatt war für eine Woche zugesagt, jetzt sind es {wochen} Wochen. "
        "Ich brauche das Rad für den Arbeitsweg!",
        "Werkstatttermin wurde verschoben, ohne mich zu informieren. Ich stand umsonst da.",
        "Nach der Reparatur in eurer Werkstatt quietschen die Bremsen schlimmer als vorher.",
        "Zum dritten Mal angerufen, zum dritten Mal heißt es: Die Werkstatt meldet sich. "
        "Passiert ist nichts.",
    ],
    "lieferung": [
        "Meine Bestellung {nr} ist nach {tage} Tagen immer noch nicht da.",
        "Falsches Teil geliefert, und die Rücksendung soll ich selbst bezahlen?",
    ],
    "preis": [
        "Die Rechnung war deutlich höher als der Kostenvoranschlag, ohne Rückfrage.",
    ],
    "beratung": [
        "Unfreundlicher Ton am Telefon. Ich wollte nur wissen, wie der Stand ist.",
        "Schlechte Beratung: Mir wurde ein {rad} verkauft, das nicht zu meiner Körpergröße passt.",
    ],
}
# Anteil des Werkstatt-Themas an Kritik/Beschwerden: steigt im Lauf der Saison
_WERKSTATT_SHARE_START = 0.30
_WERKSTATT_SHARE_END = 0.65
_OTHER_TOPICS = ["lieferung", "preis", "beratung"]

_ANREGUNG = [
    "Wie wäre es mit einem Reparatur-Workshop für Einsteiger:innen?",
    "Könntet ihr Werkstatttermine online buchbar machen?",
    "Bitte mehr Lastenräder zum Probefahren!",
    "Eine Abendsprechstunde für Berufspendler wäre super.",
    "Ein Newsletter mit Tourentipps aus der Region wäre toll.",
    "Zeigt doch mal als Reel, wie man einen Schlauch wechselt.",
    "Eine Abholung defekter Räder beim Kunden würde vielen helfen.",
]
_TROLL = [
    "Fahrräder sind was für Leute ohne Führerschein.",
    "Wer kauft heute noch im Laden? lol",
    "Alles Abzocke hier, kauft im Internet.",
    "Radfahrer gehören nicht auf die Straße.",
    "🔥 500 € am Tag von zu Hause verdienen – Link in meinem Profil 🔥",
    "Folgt mir für mehr Gewinnspiele!!!",
    "Günstige Follower kaufen? Schreib mir eine DM.",
]

_STIMMUNG = {
    "Lob": (["positiv"], [1.0]),
    "Frage": (["neutral", "negativ", "positiv"], [0.86, 0.08, 0.06]),
    "Kritik": (["negativ", "neutral"], [0.85, 0.15]),
    "Beschwerde": (["negativ"], [1.0]),
    "Anregung": (["neutral", "positiv"], [0.6, 0.4]),
    "Troll/Spam": (["negativ", "neutral"], [0.6, 0.4]),
}

# Uhrzeiten, zu denen Kommentare eingehen (Gewichte je volle Stunde 0–23)
_HOUR_WEIGHTS = np.array(
    [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 3, 4, 3, 3, 3, 4, 5, 6, 7, 8, 7, 5, 3],
    dtype=float,
)


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        rad=_pick(rng, _RAEDER),
        teil=_pick(rng, _TEILE),
        team=_pick(rng, _TEAM),
        tage=int(rng.integers(6, 22)),
        wochen=int(rng.integers(2, 5)),
        nr=f"#{int(rng.integers(10000, 99999))}",
    )


def _comment_text(rng: np.random.Generator, kanal: str, kategorie: str, progress: float) -> str:
    if kategorie == "Lob":
        templates = _LOB_ALLGEMEIN + _LOB_KANAL.get(kanal, [])
    elif kategorie == "Frage":
        templates = _FRAGE_ALLGEMEIN + _FRAGE_KANAL.get(kanal, [])
    elif kategorie in ("Kritik", "Beschwerde"):
        share = _WERKSTATT_SHARE_START + (_WERKSTATT_SHARE_END - _WERKSTATT_SHARE_START) * progress
        topic = "werkstatt" if rng.random() < share else _pick(rng, _OTHER_TOPICS)
        templates = (_KRITIK if kategorie == "Kritik" else _BESCHWERDE)[topic]
    elif kategorie == "Anregung":
        templates = _ANREGUNG
    else:
        templates = _TROLL
    return _fill(rng, _pick(rng, templates))


def _response_hours(
    rng: np.random.Generator, posted: pd.Timestamp, kanal: str, kategorie: str
) -> float:
    """Antwortzeit in Stunden: Betreuung nur montags bis freitags ab 8 Uhr."""
    median, sigma = _CHANNELS[kanal][1], _CHANNELS[kanal][2]
    base = float(rng.lognormal(np.log(median * _CATEGORY_SPEED[kategorie]), sigma))
    wait = 0.0
    if posted.weekday() >= 5:  # Samstag oder Sonntag: Antwort frühestens Montag, 8 Uhr
        monday = (posted + pd.Timedelta(days=7 - posted.weekday())).normalize()
        wait = (monday + pd.Timedelta(hours=8) - posted) / pd.Timedelta(hours=1)
    return max(0.1, round(wait + base, 1))


def generate_comment_export(seed: int = 2012) -> pd.DataFrame:
    """Erzeugt den synthetischen Kommentar-Export von „Fahrradhaus Brandt“.

    Rund 500 Kommentare, Bewertungen und Nachrichten vom 1. März bis 31. Mai 2024.
    Gleicher ``seed`` → gleiche Tabelle (``numpy.random.default_rng``).

    Spalten: ``kommentar_id``, ``datum`` (Zeitpunkt des Kommentars), ``kanal``, ``text``,
    ``kategorie``, ``stimmung`` (positiv/neutral/negativ), ``beantwortet`` (bool),
    ``antwortzeit_std`` (Stunden bis zur ersten Antwort, leer wenn unbeantwortet).
    """
    rng = np.random.default_rng(seed)
    kanaele = list(_CHANNELS)
    kanal_weights = np.array([_CHANNELS[k][0] for k in kanaele])
    kanal_weights = kanal_weights / kanal_weights.sum()

    # Saison: gegen Ende des Zeitraums gehen mehr Kommentare ein
    day_weights = np.linspace(0.7, 1.4, _DAYS)
    day_weights = day_weights / day_weights.sum()
    hour_weights = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()

    rows = []
    for _ in range(_N_COMMENTS):
        kanal = kanaele[int(rng.choice(len(kanaele), p=kanal_weights))]
        day = int(rng.choice(_DAYS, p=day_weights))
        hour = int(rng.choice(24, p=hour_weights))
        minute = int(rng.integers(60))
        posted = _START + pd.Timedelta(days=day, hours=hour, minutes=minute)

        cat_weights = np.array(_CHANNELS[kanal][3])
        kategorie = _CATEGORIES[
            int(rng.choice(len(_CATEGORIES), p=cat_weights / cat_weights.sum()))
        ]
        text = _comment_text(rng, kanal, kategorie, progress=day / (_DAYS - 1))

        stimmungen, s_weights = _STIMMUNG[kategorie]
        stimmung = stimmungen[int(rng.choice(len(stimmungen), p=s_weights))]

        if kategorie == "Troll/Spam":
            p_answer = _ANSWER_PROB_TROLL
        elif kategorie == "Anregung":
            p_answer = _ANSWER_PROB_ANREGUNG
        else:
            p_answer = _ANSWER_PROB[kanal][kategorie]
        beantwortet = bool(rng.random() < p_answer)
        antwortzeit = _response_hours(rng, posted, kanal, kategorie) if beantwortet else np.nan

        rows.append((posted, kanal, text, kategorie, stimmung, beantwortet, antwortzeit))

    df = pd.DataFrame(rows, columns=COMMENT_EXPORT_COLUMNS[1:])
    df = df.sort_values("datum", kind="stable").reset_index(drop=True)
    df.insert(0, "kommentar_id", [f"K{i:04d}" for i in range(1, len(df) + 1)])
    df["antwortzeit_std"] = df["antwortzeit_std"].astype(float)
    return df


def write_comment_export(path: str | Path, seed: int = 2012) -> Path:
    """Schreibt den Export reproduzierbar als CSV (UTF-8, ``\\n``, eine Nachkommastelle)."""
    path = Path(path)
    df = generate_comment_export(seed)
    df.to_csv(
        path,
        index=False,
        encoding="utf-8",
        lineterminator="\n",
        date_format=_DATE_FORMAT,
        float_format=_FLOAT_FORMAT,
    )
    return path


def load_comment_export() -> pd.DataFrame:
    """Lädt den mitgelieferten Kommentar-Export (``smmkit/data/kommentare_export.csv``).

    Die Spalte ``datum`` wird als Datum/Uhrzeit eingelesen, ``beantwortet`` als
    Wahrheitswert, ``antwortzeit_std`` als Kommazahl (leer = unbeantwortet).
    """
    resource = importlib.resources.files("smmkit") / "data" / COMMENT_EXPORT_FILENAME
    with importlib.resources.as_file(resource) as csv_path:
        df = pd.read_csv(csv_path, encoding="utf-8", parse_dates=["datum"])
    df["beantwortet"] = df["beantwortet"].astype(bool)
    df["antwortzeit_std"] = df["antwortzeit_std"].astype(float)
    return df
