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

Für Modul 3 (Strategisches Denken) gibt es drei weitere Dateien desselben Unternehmens für
den Zeitraum 1. Juni 2024 bis 31. Mai 2025, ebenfalls erfunden und deterministisch
(``write_strategy_datasets()`` erzeugt genau die mitgelieferten Dateien):

* ``beitraege_export.csv`` (``generate_post_export()``): 248 Beiträge auf Instagram,
  Facebook, TikTok und LinkedIn mit Reichweite, Aufrufen, Interaktionen, Klicks,
  Follower-Zahl und Hauptzielgruppe (``segment``). Muster: Montag bis Donnerstag abends
  (18–21 Uhr) ist die Engagement-Rate am höchsten; Familien reagieren auf Reels (vor allem
  über Kinderräder) mit der höchsten Interaktions- und Klickrate, auf Facebook kaum; ein
  Gewinnspiel-Reel im September hat riesige Reichweite, aber kaum Klicks, und die dabei
  gewonnenen Follower sind wenige Wochen später großteils wieder weg.
* ``feedback_log.csv`` (``generate_feedback_log()``): 560 Rückmeldungen mit Stimmung und
  Kategorie. Muster: Mehr als ein Drittel der negativen Rückmeldungen betrifft Akku und
  Reichweite des Hausmodells „Urban E“, gehäuft im Winter mit dem Höhepunkt im Januar; ab
  September kommt die Halterung des Faltschlosses „FS 90“ hinzu; Werkstatt-Kritik steigt im
  Frühjahr; Anregungen zeigen Ideen für neue Angebote (Akku-Check, Thermohülle, größerer
  Akku, Kinderrad-Tausch oder -Miete).
* ``wettbewerb_benchmark.csv`` (``generate_competitor_benchmark()``): monatliche öffentliche
  Kennzahlen des Fahrradhauses und des Mitbewerbers „Radsport Keller“. Muster: Keller wächst
  auf TikTok um ein Vielfaches schneller (mit deutlich mehr Videos), liegt auf Instagram bei
  den Interaktionen je Beitrag aber klar hinter dem Fahrradhaus und hat kein LinkedIn-Profil.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "COMMENT_EXPORT_COLUMNS",
    "COMMENT_EXPORT_FILENAME",
    "COMPANY",
    "COMPETITOR",
    "COMPETITOR_BENCHMARK_COLUMNS",
    "COMPETITOR_BENCHMARK_FILENAME",
    "FEEDBACK_KATEGORIEN",
    "FEEDBACK_LOG_COLUMNS",
    "FEEDBACK_LOG_FILENAME",
    "POST_EXPORT_COLUMNS",
    "POST_EXPORT_FILENAME",
    "SEGMENTE",
    "WOCHENTAGE",
    "generate_comment_export",
    "generate_competitor_benchmark",
    "generate_feedback_log",
    "generate_post_export",
    "write_comment_export",
    "write_competitor_benchmark",
    "write_feedback_log",
    "write_post_export",
    "write_strategy_datasets",
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
        "Sucht ihr noch Azubis für die Werkstatt? Wie läuft die Bewerbung?",
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
    "Wie wäre es mit einem Reparatur-Workshop für Einsteigerinnen und Einsteiger?",
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
    return write_csv(
        generate_comment_export(seed), path, date_format=_DATE_FORMAT, float_format=_FLOAT_FORMAT
    )


# ---------------------------------------------------------------------------------------------
# Modul 3 (Strategisches Denken): Jahresexport der Beiträge, Feedback-Log, Wettbewerbsvergleich
# ---------------------------------------------------------------------------------------------

POST_EXPORT_FILENAME = "beitraege_export.csv"
FEEDBACK_LOG_FILENAME = "feedback_log.csv"
COMPETITOR_BENCHMARK_FILENAME = "wettbewerb_benchmark.csv"
COMPETITOR = "Radsport Keller"

POST_EXPORT_COLUMNS = [
    "beitrag_id",
    "datum",
    "uhrzeit",
    "wochentag",
    "kanal",
    "format",
    "thema",
    "titel",
    "reichweite",
    "aufrufe",
    "likes",
    "kommentare",
    "shares",
    "klicks",
    "follower",
    "segment",
]
FEEDBACK_LOG_COLUMNS = ["feedback_id", "datum", "kanal", "text", "stimmung", "kategorie"]
COMPETITOR_BENCHMARK_COLUMNS = [
    "monat",
    "anbieter",
    "kanal",
    "follower",
    "beitraege",
    "interaktionen_pro_beitrag",
]

WOCHENTAGE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]

_YEAR_START = pd.Timestamp("2024-06-01")
_YEAR_DAYS = 365  # 1. Juni 2024 bis 31. Mai 2025
_MONTHS = pd.period_range("2024-06", "2025-05", freq="M")

# Follower je Kanal am ersten und am letzten Tag des Zeitraums (linear dazwischen)
_FOLLOWER_CURVE = {
    "Instagram": (2600, 3350),
    "Facebook": (1850, 1930),
    "TikTok": (340, 1150),
    "LinkedIn": (380, 520),
}
# Gewinnspiel auf Instagram: viele neue Follower, die meisten sind nach einigen Wochen wieder weg
_GEWINNSPIEL_DAY = pd.Timestamp("2024-09-06")
_GEWINNSPIEL_GAIN = 640
_GEWINNSPIEL_KEPT = 110
_GEWINNSPIEL_DECAY_DAYS = 18.0

# Kanal -> (Anzahl Beiträge im Jahr, Format -> Anteil)
_POST_PLAN: dict[str, tuple[int, dict[str, float]]] = {
    "Instagram": (103, {"Reel": 0.40, "Karussell": 0.30, "Foto": 0.30}),
    "Facebook": (78, {"Foto": 0.50, "Text mit Link": 0.30, "Reel": 0.20}),
    "TikTok": (40, {"Reel": 1.0}),
    "LinkedIn": (26, {"Text mit Link": 0.60, "Foto": 0.40}),
}
SEGMENTE = ["Familien", "Pendelnde", "Sportbegeisterte", "Best Ager", "Firmenkunden"]
_SEGMENT_WEIGHTS = {
    "Instagram": [0.28, 0.22, 0.34, 0.16, 0.0],
    "Facebook": [0.25, 0.15, 0.15, 0.40, 0.05],
    "TikTok": [0.25, 0.20, 0.55, 0.0, 0.0],
    "LinkedIn": [0.0, 0.25, 0.0, 0.0, 0.75],
}
# Segment -> Themen; Thema -> Titel
_THEMEN: dict[str, dict[str, list[str]]] = {
    "Familien": {
        "Kinderräder": [
            "Laufrad, Stützräder oder gleich Pedale? So lernt Ihr Kind Radfahren",
            "Welche Größe passt? Kinderräder von 12 bis 26 Zoll",
            "Die erste Fahrt mit dem neuen Kinderrad",
            "Kinderrad-Check vor den Ferien: Darauf kommt es an",
        ],
        "Familientouren": [
            "Familientour zum Badesee: 14 km ohne Steigung",
            "Mit Kindersitz und Anhänger unterwegs: unsere Tipps",
            "Sonntagsausflug: drei Touren für kleine Beine",
        ],
        "Lastenräder": [
            "Lastenrad statt Zweitwagen? Familie Okafor berichtet",
            "Probefahrt mit dem Lastenrad: So klappt der Kita-Weg",
        ],
    },
    "Pendelnde": {
        "Pendeln & Alltag": [
            "Trocken ins Büro: Regenkleidung im Praxistest",
            "Licht-Check für dunkle Wintermorgen",
            "15 km zur Arbeit mit dem E-Bike: ein Erfahrungsbericht",
        ],
        "Werkstatt-Tipps": [
            "Kette richtig ölen in 60 Sekunden",
            "Reifendruck prüfen: So geht's",
            "Bremsbeläge wechseln – wann ist es Zeit?",
        ],
    },
    "Sportbegeisterte": {
        "Gravel & MTB": [
            "Neu eingetroffen: Gravelbikes für die Saison",
            "Trailtour im Stadtwald",
            "Gravel oder Trekking? Der Vergleich",
        ],
        "Touren in der Region": [
            "Unsere Feierabendrunde: 35 km am Fluss entlang",
            "Tourentipp: Radweg durch die Weinberge",
        ],
    },
    "Best Ager": {
        "E-Bike-Einstieg": [
            "Zum ersten Mal E-Bike: Worauf Sie bei der Probefahrt achten sollten",
            "Tiefeinsteiger: bequem auf- und absteigen",
            "Wie weit komme ich mit einem E-Bike?",
        ],
        "Sicherheit & Fahrtraining": [
            "Kostenloses E-Bike-Fahrtraining am Samstag",
            "Sicher unterwegs: Helmberatung im Laden",
        ],
    },
    "Firmenkunden": {
        "Dienstrad-Leasing": [
            "Dienstrad-Leasing in fünf Schritten erklärt",
            "So profitieren Ihre Mitarbeitenden vom Dienstrad",
            "Kundenstimme: zwölf Diensträder für die Tischlerei Weber",
        ],
        "Firmen-Service": [
            "Mobiler Werkstatt-Service für Firmenflotten",
            "Fahrrad-Check-Tag bei Ihnen im Betrieb",
        ],
    },
}

# Segment -> Gewichte der Themen (Reihenfolge wie in _THEMEN); sonst gleich verteilt
_THEMA_WEIGHTS = {"Familien": [0.45, 0.30, 0.25]}

# Reichweite je Follower (Kanal -> Format -> Faktor)
_REACH_PER_FOLLOWER = {
    "Instagram": {"Reel": 1.10, "Karussell": 0.45, "Foto": 0.32},
    "Facebook": {"Foto": 0.30, "Text mit Link": 0.20, "Reel": 0.55},
    "TikTok": {"Reel": 2.60},
    "LinkedIn": {"Text mit Link": 0.75, "Foto": 0.65},
}
# Interaktionen (Likes + Kommentare + Shares) je erreichter Person
_ENGAGEMENT_PER_REACH = {
    "Instagram": {"Reel": 0.040, "Karussell": 0.045, "Foto": 0.032},
    "Facebook": {"Foto": 0.030, "Text mit Link": 0.014, "Reel": 0.028},
    "TikTok": {"Reel": 0.045},
    "LinkedIn": {"Text mit Link": 0.022, "Foto": 0.030},
}
# Klicks je Aufruf
_CLICKS_PER_VIEW = {
    "Instagram": {"Reel": 0.006, "Karussell": 0.007, "Foto": 0.004},
    "Facebook": {"Foto": 0.006, "Text mit Link": 0.022, "Reel": 0.005},
    "TikTok": {"Reel": 0.003},
    "LinkedIn": {"Text mit Link": 0.028, "Foto": 0.008},
}
# Aufrufe je erreichter Person (Reels werden öfter mehrfach angesehen)
_VIEWS_PER_REACH = {"Reel": 1.32, "Karussell": 1.22, "Foto": 1.15, "Text mit Link": 1.12}
# Aufteilung der Interaktionen in Likes, Kommentare, Shares
_INTERACTION_SPLIT = {
    "Instagram": [0.82, 0.10, 0.08],
    "Facebook": [0.68, 0.17, 0.15],
    "TikTok": [0.84, 0.09, 0.07],
    "LinkedIn": [0.74, 0.16, 0.10],
}
# Wochentag (0 = Montag) -> Gewicht bei der Planung; Lea plant Wochenendbeiträge vor
_WEEKDAY_WEIGHTS = [1.0, 1.0, 1.0, 1.0, 0.85, 0.45, 0.6]
# Uhrzeiten (volle Stunde) -> Gewicht, getrennt nach Werktag und Wochenende
_HOURS_WEEKDAY = {
    7: 8,
    8: 10,
    9: 5,
    11: 6,
    12: 14,
    13: 8,
    15: 6,
    16: 7,
    17: 7,
    18: 10,
    19: 12,
    20: 8,
    21: 3,
}
_HOURS_WEEKEND = {9: 30, 10: 35, 18: 10, 19: 15, 20: 10}
_HOURS_LINKEDIN = {7: 20, 8: 25, 9: 10, 11: 10, 12: 25, 13: 10}

# Das Gewinnspiel: ein einzelner, von Hand gesetzter Beitrag (Eitelkeitsfalle)
_GEWINNSPIEL_POST = {
    "datum": _GEWINNSPIEL_DAY,
    "uhrzeit": "12:00",
    "kanal": "Instagram",
    "format": "Reel",
    "thema": "Gewinnspiel",
    "titel": "Gewinnspiel: Wir verlosen ein Gravelbike – markiere zwei Freundinnen oder Freunde!",
    "reichweite": 48300,
    "aufrufe": 57900,
    "likes": 2960,
    "kommentare": 1712,
    "shares": 214,
    "klicks": 37,
    "segment": "Sportbegeisterte",
}


def _season(day_index: np.ndarray) -> np.ndarray:
    """Saisonfaktor je Tag seit dem 1. Juni: Höhepunkt im Mai, Tiefpunkt im Dezember."""
    # Tag 0 = 1. Juni; Höhepunkt etwa Mitte Mai (Tag 348)
    return 1.0 + 0.35 * np.cos(2 * np.pi * (day_index - 348) / _YEAR_DAYS)


def _follower_on(kanal: str, day: pd.Timestamp) -> int:
    """Follower-Zahl des Fahrradhauses Brandt auf einem Kanal an einem Tag (Beitragsexport)."""
    start, end = _FOLLOWER_CURVE[kanal]
    progress = (day.normalize() - _YEAR_START).days / (_YEAR_DAYS - 1)
    value = start + (end - start) * progress
    if kanal == "Instagram" and day.normalize() > _GEWINNSPIEL_DAY:
        days = (day.normalize() - _GEWINNSPIEL_DAY).days
        value += _GEWINNSPIEL_KEPT + (_GEWINNSPIEL_GAIN - _GEWINNSPIEL_KEPT) * np.exp(
            -(days - 1) / _GEWINNSPIEL_DECAY_DAYS
        )
    return int(round(value))


def _time_factor(weekday: int, hour: int) -> float:
    """Wie gut ein Zeitpunkt funktioniert: Montag bis Donnerstag abends am besten."""
    if weekday <= 3 and 18 <= hour <= 21:
        return 1.8
    if weekday == 4 and hour >= 18:
        return 1.1
    if weekday == 6 and hour <= 11:
        return 1.1
    if weekday <= 4 and 11 <= hour <= 14:
        return 0.85
    if weekday <= 4 and hour <= 9:
        return 0.9
    return 1.0


def _segment_factors(segment: str, kanal: str, fmt: str, thema: str) -> tuple[float, float, float]:
    """Faktoren (Reichweite, Engagement-Rate, Klickrate) für Zielgruppe × Format."""
    reach = engagement = clicks = 1.0
    if segment == "Familien" and fmt == "Reel":
        # Familien reagieren auf Kurzvideos – am stärksten auf Reels über Kinderräder
        reach, engagement, clicks = 1.2, 2.0, 2.8
        if thema == "Kinderräder":
            engagement, clicks = 3.0, 3.8
    elif thema == "Kinderräder":
        clicks = 1.5  # Kinderrad-Beiträge führen auch sonst öfter zur Produktseite
    elif segment == "Familien" and kanal == "Facebook":
        engagement = 0.8  # auf Facebook erreicht das Fahrradhaus kaum junge Eltern
    elif segment == "Pendelnde" and fmt == "Karussell":
        engagement, clicks = 1.4, 1.3
    elif segment == "Best Ager" and kanal == "Facebook":
        engagement = 1.3
    elif segment == "Sportbegeisterte" and fmt == "Reel":
        engagement = 1.15
    elif segment == "Firmenkunden":
        clicks = 1.6
    return reach, engagement, clicks


def _allocate(total: int, weights: np.ndarray) -> list[int]:
    """Verteilt ``total`` ganzzahlig nach ``weights`` (größte Reste zuerst)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    for index in np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]:
        counts[index] += 1
    return [int(c) for c in counts]


def _posting_days(
    rng: np.random.Generator, n_posts: int, weekdays_only: bool
) -> list[pd.Timestamp]:
    """Wählt Beitragstage: je Monat nach Saison verteilt, innerhalb des Monats nach Wochentag."""
    month_weights = np.array(
        [_season(np.array([(m.start_time - _YEAR_START).days + 14]))[0] for m in _MONTHS]
    )
    chosen: list[pd.Timestamp] = []
    for month, count in zip(_MONTHS, _allocate(n_posts, month_weights), strict=True):
        days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
        weights = np.array([_WEEKDAY_WEIGHTS[d.weekday()] for d in days])
        if weekdays_only:
            weights = weights * np.array([d.weekday() < 5 for d in days])
        picked = rng.choice(len(days), size=count, replace=False, p=weights / weights.sum())
        chosen.extend(days[int(i)] for i in np.sort(picked))
    return chosen


def generate_post_export(seed: int = 2048) -> pd.DataFrame:
    """Erzeugt den synthetischen Jahresexport der Beiträge von „Fahrradhaus Brandt“.

    248 Beiträge auf Instagram, Facebook, TikTok und LinkedIn vom 1. Juni 2024 bis
    31. Mai 2025. Gleicher ``seed`` → gleiche Tabelle (``numpy.random.default_rng``).

    Spalten: ``beitrag_id``, ``datum`` (Tag), ``uhrzeit`` (HH:MM), ``wochentag``,
    ``kanal``, ``format`` (Reel, Karussell, Foto, Text mit Link), ``thema``, ``titel``,
    ``reichweite`` (erreichte Personen), ``aufrufe`` (wie oft der Beitrag zu sehen war,
    auch mehrfach durch dieselbe Person; bei Meta früher „Impressionen“), ``likes``,
    ``kommentare``, ``shares``, ``klicks`` (Link- und Profilklicks), ``follower`` (Follower
    des Kanals zum Zeitpunkt des Beitrags) und ``segment`` (Hauptzielgruppe des Beitrags).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for channel_index, (kanal, (n_posts, formats)) in enumerate(_POST_PLAN.items()):
        chosen = _posting_days(rng, n_posts, weekdays_only=kanal == "LinkedIn")
        fmt_names = list(formats)
        fmt_p = np.array(list(formats.values()))
        seg_p = np.array(_SEGMENT_WEIGHTS[kanal])
        for post_index, day in enumerate(chosen):
            # Eigener Zufallsstrom je Beitrag: Eine Änderung an einem Beitrag oder an einer
            # Rate verschiebt nicht die Zufallszahlen aller folgenden Beiträge.
            post_rng = np.random.default_rng([seed, channel_index, post_index])
            weekday = day.weekday()
            if kanal == "LinkedIn":
                hours = _HOURS_LINKEDIN
            else:
                hours = _HOURS_WEEKEND if weekday >= 5 else _HOURS_WEEKDAY
            hour_list = list(hours)
            h_p = np.array(list(hours.values()), dtype=float)
            hour = hour_list[int(post_rng.choice(len(hour_list), p=h_p / h_p.sum()))]
            minute = int(post_rng.choice([0, 15, 30, 45]))
            fmt = fmt_names[int(post_rng.choice(len(fmt_names), p=fmt_p / fmt_p.sum()))]
            segment = SEGMENTE[int(post_rng.choice(len(SEGMENTE), p=seg_p / seg_p.sum()))]
            themen = _THEMEN[segment]
            t_p = np.array(_THEMA_WEIGHTS.get(segment, [1.0] * len(themen)))
            thema = list(themen)[int(post_rng.choice(len(themen), p=t_p / t_p.sum()))]
            titel = _pick(post_rng, themen[thema])
            reach_noise, rate_noise, ctr_noise = post_rng.lognormal(0.0, [0.3, 0.2, 0.3])
            view_noise = post_rng.uniform(0.94, 1.06)

            follower = _follower_on(kanal, day)
            time_f = _time_factor(weekday, hour)
            if segment == "Familien" and weekday <= 3 and hour >= 19:
                time_f *= 1.2  # Eltern scrollen nach dem Zubettbringen
            seg_reach, seg_eng, seg_click = _segment_factors(segment, kanal, fmt, thema)
            reach = (
                follower
                * _REACH_PER_FOLLOWER[kanal][fmt]
                * seg_reach
                * np.sqrt(time_f)
                * reach_noise
            )
            reach = max(40, int(round(reach)))
            views = int(round(reach * _VIEWS_PER_REACH[fmt] * view_noise))
            rate = _ENGAGEMENT_PER_REACH[kanal][fmt] * seg_eng * time_f * rate_noise
            interactions = int(post_rng.poisson(reach * rate))
            likes, kommentare, shares = (
                int(x) for x in post_rng.multinomial(interactions, _INTERACTION_SPLIT[kanal])
            )
            ctr = _CLICKS_PER_VIEW[kanal][fmt] * seg_click * ctr_noise
            klicks = int(post_rng.poisson(views * ctr))
            rows.append(
                {
                    "datum": day,
                    "uhrzeit": f"{hour:02d}:{minute:02d}",
                    "kanal": kanal,
                    "format": fmt,
                    "thema": thema,
                    "titel": titel,
                    "reichweite": reach,
                    "aufrufe": views,
                    "likes": likes,
                    "kommentare": kommentare,
                    "shares": shares,
                    "klicks": klicks,
                    "follower": follower,
                    "segment": segment,
                }
            )
    rows.append({**_GEWINNSPIEL_POST, "follower": _follower_on("Instagram", _GEWINNSPIEL_DAY)})

    df = pd.DataFrame(rows)
    df = df.sort_values(["datum", "uhrzeit", "kanal"], kind="stable").reset_index(drop=True)
    df["wochentag"] = [WOCHENTAGE[d.weekday()] for d in df["datum"]]
    df.insert(0, "beitrag_id", [f"B{i:03d}" for i in range(1, len(df) + 1)])
    return df[POST_EXPORT_COLUMNS]


# ---- Feedback-Log -----------------------------------------------------------------------------

FEEDBACK_KATEGORIEN = ["Lob", "Frage", "Anregung", "Produktmangel", "Servicekritik"]
_FEEDBACK_CHANNELS = {
    "Instagram": 0.27,
    "Facebook": 0.20,
    "Google-Bewertungen": 0.16,
    "WhatsApp Business": 0.21,
    "TikTok": 0.10,
    "LinkedIn": 0.06,
}
# Produktmängel und Servicekritik: erwartete Anzahl je Monat (Juni 2024 … Mai 2025)
_FEEDBACK_STREAMS: dict[str, tuple[str, list[float]]] = {
    # Reichweite des Akkus beim Hausmodell „Urban E“ bricht bei Kälte ein
    "akku": ("Produktmangel", [2, 2, 2, 3, 5, 8, 11, 15, 10, 4, 3, 2]),
    # Neue Charge des Faltschlosses „FS 90“ ab September: Halterung klappert und bricht
    "schloss": ("Produktmangel", [0, 0, 0, 2, 3, 3, 4, 3, 3, 4, 4, 4]),
    "teile": ("Produktmangel", [2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 3, 3]),
    # Werkstatt-Wartezeiten in der Saison
    "werkstatt": ("Servicekritik", [5, 4, 2, 2, 1, 1, 1, 1, 2, 5, 8, 8]),
    # Online-Shop und Lieferung: Weihnachtsgeschäft
    "lieferung": ("Servicekritik", [2, 2, 2, 2, 2, 3, 7, 2, 1, 2, 2, 2]),
    "beratung": ("Servicekritik", [1, 2, 1, 1, 2, 1, 1, 1, 1, 2, 2, 2]),
    "lob": ("Lob", [18, 17, 15, 13, 11, 9, 11, 7, 8, 13, 17, 20]),
    "frage": ("Frage", [17, 16, 14, 13, 12, 11, 14, 9, 10, 15, 18, 20]),
    "anregung": ("Anregung", [4, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]),
}
_FEEDBACK_TEXTE: dict[str, list[str]] = {
    "akku": [
        "Mein Urban E schafft bei Kälte keine 25 km mehr mit einer Akkuladung. Im Sommer waren es über 50.",
        "Die Reichweite vom Urban E ist im Winter eine Katastrophe. Für meinen Arbeitsweg "
        "(2 × 18 km) reicht der Akku nicht mehr.",
        "Angegeben sind bis zu 70 km Reichweite, morgens bei Frost komme ich kaum auf die Hälfte.",
        "Seit es kalt ist, muss ich den Akku vom Urban E jeden Tag laden. Beim Kauf hieß es, "
        "zweimal pro Woche reicht.",
        "Akku im Winter nach 20 km leer – so kann ich das Urban E als Pendelrad vergessen.",
        "Der Akku vom Urban E ist nach einem Jahr deutlich schwächer geworden. Ist das normal?",
        "Bin mit leerem Akku liegen geblieben, obwohl die Anzeige noch 30 km Reichweite versprach.",
    ],
    "schloss": [
        "Die Halterung vom Faltschloss FS 90 ist nach drei Wochen abgebrochen.",
        "Das Faltschloss klappert bei jeder Bodenwelle in der Halterung. Nervt total.",
        "Schon die zweite gebrochene Halterung am FS 90. Das Schloss selbst ist gut, die "
        "Halterung leider nicht.",
        "Mein Faltschloss ist während der Fahrt aus der Halterung gefallen und lag auf der Straße.",
    ],
    "teile": [
        "Der Schlauch war nach zwei Wochen schon wieder platt.",
        "Die Bremsen am neuen Trekkingrad quietschen seit dem ersten Tag.",
        "Die Kettenschaltung springt seit dem Kauf immer wieder in den nächsten Gang.",
        "Die Klingel ist nach einem Monat schon verrostet.",
        "Der Ständer am Citybike ist zu kurz, das Rad kippt ständig um.",
    ],
    "werkstatt": [
        "Drei Wochen auf einen Werkstatttermin warten – in der Saison ist das zu lang.",
        "Die Online-Terminbuchung zeigt nur ausgebuchte Tage. Die Werkstatt ist dauernd voll.",
        "Rad zur Inspektion in die Werkstatt gebracht, der versprochene Rückruf kam nie.",
        "Werkstatttermin wurde kurzfristig verschoben, ohne dass mich jemand informiert hat.",
    ],
    "lieferung": [
        "Meine Bestellung im Online-Shop ist nach zehn Tagen immer noch nicht da.",
        "Das Paket kam beschädigt an, der Helm hat einen Kratzer.",
        "Die Versandkosten sieht man erst ganz am Ende. Das ist nicht fair.",
        "Falsche Größe geliefert, und für die Rücksendung soll ich selbst zahlen?",
    ],
    "beratung": [
        "Die Beratung war diesmal eher knapp, der Laden war aber auch voll.",
        "Die Preise für Zubehör sind ganz schön gestiegen.",
        "Unfreundlicher Ton am Telefon, ich wollte nur eine kurze Auskunft.",
    ],
    "lob": [
        "Super Beratung beim Kauf unseres Kinderrads, danke an Lea!",
        "Das Urban E ist klasse, ich fahre jeden Tag damit zur Arbeit.",
        "Schnelle Reparatur und faire Preise – gerne wieder.",
        "Die Tourentipps sind toll, am Sonntag sind wir die Weinbergrunde gefahren.",
        "Sehr nettes Team, ehrliche Beratung, keine Verkaufsmasche.",
        "Das Fahrtraining für E-Bike-Einsteiger war prima, jetzt fühle ich mich sicher.",
        "Unsere Tochter liebt ihr neues Laufrad. Danke für die Geduld beim Anprobieren!",
        "Dienstrad-Leasing lief völlig unkompliziert, unser ganzes Team ist begeistert.",
    ],
    "frage": [
        "Ab welcher Körpergröße passt ein 20-Zoll-Kinderrad?",
        "Habt ihr Kindersitze für vorne am Lenker?",
        "Kann man bei euch ein Lastenrad fürs Wochenende leihen?",
        "Bis wann habt ihr samstags geöffnet?",
        "Bietet ihr Dienstrad-Leasing auch für Betriebe mit fünf Mitarbeitenden an?",
        "Gibt es das Urban E auch mit einem größeren Akku?",
        "Macht ihr Probefahrten mit dem Gravelbike aus dem Video?",
        "Nehmt ihr alte Räder in Zahlung?",
    ],
    "anregung": [
        "Bietet doch vor dem Winter einen Akku-Check an!",
        "Eine Thermohülle für den Akku als Zubehör wäre super.",
        "Wie wäre es mit dem Urban E in einer Version mit größerem Akku?",
        "Ein Tauschprogramm für Kinderräder wäre toll – die Kinder wachsen so schnell raus.",
        "Kinderräder zum Mieten statt Kaufen, das würden viele Eltern nutzen.",
        "Ein Abholservice für defekte Räder würde Berufstätigen sehr helfen.",
        "Werkstatttermine auch samstags, bitte!",
    ],
}
_FEEDBACK_STIMMUNG = {
    "Lob": (["positiv"], [1.0]),
    "Frage": (["neutral", "positiv"], [0.9, 0.1]),
    "Anregung": (["neutral", "positiv"], [0.6, 0.4]),
    "Produktmangel": (["negativ", "neutral"], [0.9, 0.1]),
    "Servicekritik": (["negativ", "neutral"], [0.88, 0.12]),
}
# Kanal-Gewichte je Kategorie: Produktmängel kommen oft per WhatsApp und in Bewertungen
_FEEDBACK_CHANNEL_BIAS = {
    "Lob": {"Google-Bewertungen": 1.5, "Instagram": 1.2},
    "Frage": {"WhatsApp Business": 1.8, "Google-Bewertungen": 0.1},
    "Anregung": {"Google-Bewertungen": 0.5},
    "Produktmangel": {"WhatsApp Business": 1.6, "Google-Bewertungen": 1.6, "LinkedIn": 0.1},
    "Servicekritik": {"Google-Bewertungen": 2.0, "LinkedIn": 0.1},
}


def generate_feedback_log(seed: int = 2048) -> pd.DataFrame:
    """Erzeugt das synthetische Feedback-Log von „Fahrradhaus Brandt“ (Juni 2024 – Mai 2025).

    Rund 560 Rückmeldungen aus Kommentaren, Bewertungen und Nachrichten, die Lea Yilmaz
    von Hand einer Kategorie zugeordnet hat. Gleicher ``seed`` → gleiche Tabelle.

    Spalten: ``feedback_id``, ``datum`` (Zeitpunkt), ``kanal``, ``text``, ``stimmung``
    (positiv/neutral/negativ), ``kategorie`` (Lob, Frage, Anregung, Produktmangel,
    Servicekritik).
    """
    rng = np.random.default_rng(seed)
    kanaele = list(_FEEDBACK_CHANNELS)
    hour_weights = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()
    rows = []
    for month_index, month in enumerate(_MONTHS):
        first = month.start_time
        n_days = month.days_in_month
        for stream, (kategorie, per_month) in _FEEDBACK_STREAMS.items():
            bias = _FEEDBACK_CHANNEL_BIAS[kategorie]
            k_weights = np.array([_FEEDBACK_CHANNELS[k] * bias.get(k, 1.0) for k in kanaele])
            for _ in range(int(rng.poisson(per_month[month_index]))):
                day = int(rng.integers(n_days))
                hour = int(rng.choice(24, p=hour_weights))
                minute = int(rng.integers(60))
                when = first + pd.Timedelta(days=day, hours=hour, minutes=minute)
                kanal = kanaele[int(rng.choice(len(kanaele), p=k_weights / k_weights.sum()))]
                text = _pick(rng, _FEEDBACK_TEXTE[stream])
                stimmungen, s_weights = _FEEDBACK_STIMMUNG[kategorie]
                stimmung = stimmungen[int(rng.choice(len(stimmungen), p=s_weights))]
                rows.append((when, kanal, text, stimmung, kategorie))
    df = pd.DataFrame(rows, columns=FEEDBACK_LOG_COLUMNS[1:])
    df = df.sort_values("datum", kind="stable").reset_index(drop=True)
    df.insert(0, "feedback_id", [f"F{i:04d}" for i in range(1, len(df) + 1)])
    return df


# ---- Wettbewerbsvergleich ---------------------------------------------------------------------

# Radsport Keller: Follower am Monatsende (erster und letzter Monat), Wachstumskurve
# (Exponent > 1: beschleunigt), Beiträge je Monat (erster, letzter), Interaktionen je Beitrag
# (erster, letzter Monat)
_KELLER: dict[str, tuple[tuple[int, int], float, tuple[int, int], tuple[float, float]]] = {
    "Instagram": ((3150, 3560), 1.0, (12, 12), (58.0, 62.0)),
    "Facebook": ((1240, 1185), 1.0, (8, 7), (22.0, 19.0)),
    "TikTok": ((260, 4680), 1.6, (4, 22), (45.0, 240.0)),
}
# Kampagne „Frühlings-Rabattwochen“ im März 2025: mehr Beiträge, mehr Interaktionen
_KELLER_KAMPAGNE = pd.Period("2025-03", freq="M")


def generate_competitor_benchmark(seed: int = 2048) -> pd.DataFrame:
    """Monatliche öffentliche Kennzahlen: Fahrradhaus Brandt und Mitbewerber Radsport Keller.

    Die Zeilen für das Fahrradhaus Brandt sind aus dem Beitragsexport
    (``generate_post_export(seed)``) abgeleitet: Beiträge je Monat, durchschnittliche
    Interaktionen (Likes + Kommentare + Shares) je Beitrag und Follower am Monatsende.
    Radsport Keller hat kein LinkedIn-Profil.

    Spalten: ``monat`` (JJJJ-MM), ``anbieter``, ``kanal``, ``follower`` (Monatsende),
    ``beitraege`` (Anzahl im Monat), ``interaktionen_pro_beitrag`` (Durchschnitt).
    """
    rng = np.random.default_rng(seed + 1)
    posts = generate_post_export(seed)
    posts = posts.assign(
        monat=posts["datum"].dt.to_period("M"),
        interaktionen=posts["likes"] + posts["kommentare"] + posts["shares"],
    )
    rows = []
    for month_index, month in enumerate(_MONTHS):
        progress = month_index / (len(_MONTHS) - 1)
        month_end = month.end_time.normalize()
        for kanal in _FOLLOWER_CURVE:
            own = posts[(posts["monat"] == month) & (posts["kanal"] == kanal)]
            rows.append(
                (
                    str(month),
                    COMPANY,
                    kanal,
                    _follower_on(kanal, month_end),
                    len(own),
                    round(float(own["interaktionen"].mean()), 1) if len(own) else np.nan,
                )
            )
        for kanal, ((f0, f1), curve, (p0, p1), (i0, i1)) in _KELLER.items():
            follower = f0 + (f1 - f0) * progress**curve + rng.normal(0, 12)
            beitraege = round(p0 + (p1 - p0) * progress**curve + rng.normal(0, 1))
            interaktionen = (i0 + (i1 - i0) * progress**curve) * rng.lognormal(0.0, 0.08)
            if month == _KELLER_KAMPAGNE and kanal != "TikTok":
                beitraege += 6
                interaktionen *= 1.8
            rows.append(
                (
                    str(month),
                    COMPETITOR,
                    kanal,
                    int(round(follower)),
                    max(1, int(beitraege)),
                    round(float(interaktionen), 1),
                )
            )
    return pd.DataFrame(rows, columns=COMPETITOR_BENCHMARK_COLUMNS)


# ---- Schreiben und Laden ----------------------------------------------------------------------


def write_csv(df: pd.DataFrame, path: str | Path, **kwargs) -> Path:
    """Write a shipped data set reproducibly (UTF-8, \\n line ends, no index)."""
    path = Path(path)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", **kwargs)
    return path


def write_post_export(path: str | Path, seed: int = 2048) -> Path:
    """Schreibt den Beitragsexport reproduzierbar als CSV (UTF-8, ``\\n``, Datum JJJJ-MM-TT)."""
    return write_csv(generate_post_export(seed), path, date_format="%Y-%m-%d")


def write_feedback_log(path: str | Path, seed: int = 2048) -> Path:
    """Schreibt das Feedback-Log reproduzierbar als CSV (UTF-8, ``\\n``, Zeitpunkt auf Minuten)."""
    return write_csv(generate_feedback_log(seed), path, date_format=_DATE_FORMAT)


def write_competitor_benchmark(path: str | Path, seed: int = 2048) -> Path:
    """Schreibt den Wettbewerbsvergleich reproduzierbar als CSV (eine Nachkommastelle)."""
    return write_csv(generate_competitor_benchmark(seed), path, float_format=_FLOAT_FORMAT)


def write_strategy_datasets(directory: str | Path, seed: int = 2048) -> list[Path]:
    """Schreibt alle drei Dateien für Modul 3 in ``directory`` (so entstehen die mitgelieferten)."""
    directory = Path(directory)
    return [
        write_post_export(directory / POST_EXPORT_FILENAME, seed),
        write_feedback_log(directory / FEEDBACK_LOG_FILENAME, seed),
        write_competitor_benchmark(directory / COMPETITOR_BENCHMARK_FILENAME, seed),
    ]
