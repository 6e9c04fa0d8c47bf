"""The one-page social media strategy of module 05: sections, live checks, rubric (pure logic).

A draft is a plain mapping ``{field_id: text}``; the seven sections of the canvas group the
fields (the team section has four small fields, every other section one text):

| section | fields | what the live checks look for |
|---|---|---|
| `ziele` | `ziele` | a target value, a deadline, a measurable KPI word, a business KPI (not only vanity), a channel or target group |
| `zielgruppen` | `zielgruppen` | age or life stage, situation, need, channel (hint when the target group is "alle") |
| `kanaele` | `kanaele` | a channel, a reason word, at most three channels with own content (hint: what to stop) |
| `content` | `content` | themes, at least two formats, a frequency, people and behind-the-scenes |
| `reaktion` | `reaktion` | a response time ("24 Stunden"), escalation tiers, netiquette, weekend/service hours (hint: private channel) |
| `team` | `team_erstellt`, `team_freigabe`, `team_antwortet`, `team_informiert` | who creates, who approves (exactly one per clause), who answers, customer service and branches informed (hints: deputy, boss approves everything) |
| `kpis` | `kpis` | actionable KPIs (not only Follower/Likes), target values, how and how often measured (hint: base of the engagement rate) |

`check_draft()` adds the pseudo-section `stimmigkeit` (do goals, KPIs, target groups, channels
and content fit together?). Checks are keyword searches: they find building blocks, not quality.
Hints (``counted=False``) never change the score.

The rubric (`RUBRIC`, eight criteria × four levels worth 0–3 points) is the trainer's assessment
sheet and the learner's self-check; `rate()` adds it up, `calibration()` names criteria that a
learner rates far above what the checks find. `summary_html()` renders a draft as a one-page
summary (every learner text escaped); `paper_html()` prints the canvas as a worksheet
(participants) or the rubric with assessment hints and a model strategy (trainers).

All words come from the message catalog (`locales/<lang>/strategy.yaml`); the keyword lists
below are German, like the course.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ...i18n import t

__all__ = [
    "FIELD_IDS",
    "ITEM_ID",
    "LEVELS",
    "MAX_POINTS",
    "MODULE",
    "PASS_POINTS",
    "RATING_ID",
    "RUBRIC",
    "SECTIONS",
    "Check",
    "Criterion",
    "RubricResult",
    "Section",
    "calibration",
    "check_draft",
    "check_section",
    "clean_draft",
    "counts",
    "empty_draft",
    "find_terms",
    "model_draft",
    "paper_html",
    "rate",
    "score",
    "suggested_level",
    "summary_html",
]

ITEM_ID = "abschluss.strategie-01"  # the draft and its check results
RATING_ID = "abschluss.strategie-bewertung-01"  # the learner's self-check against the rubric
MODULE = "05_abschluss"
MAX_CONTENT_CHANNELS = 3  # more channels with own content than a 20-hour role can serve well

Mode = Literal["participant", "trainer"]


# ---------------------------------------------------------------------------------------------
# Sections and fields
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One box of the canvas; its words (title, hint, placeholder) come from the catalog."""

    id: str
    fields: tuple[str, ...]
    competency: str
    lines: int  # writing lines per field on the printed worksheet

    @property
    def title(self) -> str:
        return t(f"strategy.section.{self.id}.title")

    @property
    def hint(self) -> str:
        return t(f"strategy.section.{self.id}.hint")

    def label(self, field_id: str) -> str:
        return t(f"strategy.field.{field_id}.label")

    def placeholder(self, field_id: str) -> str:
        return t(f"strategy.field.{field_id}.placeholder")


SECTIONS: tuple[Section, ...] = (
    Section("ziele", ("ziele",), "strategie", 5),
    Section("zielgruppen", ("zielgruppen",), "strategie", 5),
    Section("kanaele", ("kanaele",), "strategie", 4),
    Section("content", ("content",), "kreativitaet", 5),
    Section("reaktion", ("reaktion",), "kommunikation", 5),
    Section(
        "team",
        ("team_erstellt", "team_freigabe", "team_antwortet", "team_informiert"),
        "team",
        1,
    ),
    Section("kpis", ("kpis",), "strategie", 4),
)
SECTION_MAP: dict[str, Section] = {s.id: s for s in SECTIONS}
FIELD_IDS: tuple[str, ...] = tuple(f for s in SECTIONS for f in s.fields)
CHECK_GROUPS: tuple[str, ...] = (*(s.id for s in SECTIONS), "stimmigkeit")


def empty_draft() -> dict[str, str]:
    return dict.fromkeys(FIELD_IDS, "")


def clean_draft(data: Mapping[str, object] | None) -> dict[str, str]:
    """Every known field as a string ('' when missing or not a string); unknown keys dropped."""
    draft = empty_draft()
    for field_id in FIELD_IDS:
        value = (data or {}).get(field_id)
        if isinstance(value, str):
            draft[field_id] = value
    return draft


def section_text(draft: Mapping[str, str], section_id: str) -> str:
    return "\n".join(draft.get(f, "") or "" for f in SECTION_MAP[section_id].fields)


def is_filled(draft: Mapping[str, str], section_id: str) -> bool:
    return bool(section_text(draft, section_id).strip())


# ---------------------------------------------------------------------------------------------
# Finding words: umlaut spellings (ä/ae), stems ("bewerbung*"), parts of compounds ("*klick*")
# ---------------------------------------------------------------------------------------------

_UMLAUTS = {"ä": "(?:ä|ae)", "ö": "(?:ö|oe)", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}
_JOIN = r"[\s\-–/]+"  # words of a phrase may be joined by spaces, hyphens or slashes


def _token_pattern(token: str) -> str:
    prefix = token.startswith("*")
    suffix = token.endswith("*")
    core = token.strip("*")
    body = "".join(_UMLAUTS.get(ch, re.escape(ch)) for ch in core)
    return (r"\w*" if prefix else "") + body + (r"\w*" if suffix else "")


@cache
def _term_regex(term: str) -> re.Pattern[str]:
    """A term: "wort" (whole word), "stamm*" (word start), "*teil*" (inside a word), phrases."""
    body = _JOIN.join(_token_pattern(token) for token in term.lower().split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def find_terms(text: str | None, terms: Iterable[str]) -> list[str]:
    """The words of `text` that match any term, as written, without duplicates (in order)."""
    text = _nfc(text)
    found: list[str] = []
    seen: set[str] = set()
    for term in terms:
        for match in _term_regex(term).finditer(text):
            word = match.group(0)
            if word.casefold() not in seen:
                seen.add(word.casefold())
                found.append(word)
    return found


def _has(text: str | None, terms: Iterable[str]) -> bool:
    text = _nfc(text)
    return any(_term_regex(term).search(text) for term in terms)


def _list(words: Sequence[str], limit: int = 4) -> str:
    shown = list(words[:limit])
    return ", ".join(shown) + (" …" if len(words) > limit else "")


# ---------------------------------------------------------------------------------------------
# Word lists (German)
# ---------------------------------------------------------------------------------------------

# Channels with own content (counted for focus) and service channels (named, not counted).
CONTENT_CHANNELS: dict[str, tuple[str, ...]] = {
    "Instagram": ("instagram*", "insta"),
    "Facebook": ("facebook*", "fb"),
    "TikTok": ("tiktok*", "tik tok"),
    "LinkedIn": ("linkedin*",),
    "YouTube": ("youtube*",),
    "Pinterest": ("pinterest*",),
    "X (Twitter)": ("twitter*",),
    "Threads": ("threads",),
    "Snapchat": ("snapchat*",),
    "Xing": ("xing",),
}
SERVICE_CHANNELS: dict[str, tuple[str, ...]] = {
    "Google": ("google*",),
    "WhatsApp": ("whatsapp*",),
    "Website": ("website*", "webseite*", "homepage*"),
    "Newsletter": ("newsletter*",),
    "App": ("app", "apps"),
}

# Business (actionable) KPIs and vanity/visibility metrics.
ACTIONABLE_TERMS = (
    "*anfrage*",
    "*bewerbung*",
    "*bestellung*",
    "vorbestell*",
    "*buchung*",
    "gebucht*",
    "*reservierung*",
    "*anmeldung*",
    "*klick*",
    "ctr",
    "conversion*",
    "konversion*",
    "umsatz*",
    "*antwortzeit*",
    "*reaktionszeit*",
    "*antwortquote*",
    "beantwortet*",
    "engagement*",
    "interaktionsrate*",
    "*bewertung*",
    "sterne*",
    "stimmung*",
    "sentiment*",
    "weiterempfehl*",
    "gutschein*",
    "einlösung*",
    "download*",
    "leads",
    "lead",
)
VANITY_TERMS = (
    "*follower*",
    "fans",
    "abonnent*",
    "likes",
    "like",
    "gefällt mir*",
    "herzchen",
    "impression*",
    "aufrufe*",
    "views",
    "*reichweite*",
)

MONTHS = (
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
)
_NUMBER_WORDS = (
    "zwei|drei|vier|fünf|fuenf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwoelf|zwanzig|dreißig|"
    "dreissig|fünfzig|fuenfzig|hundert|tausend"
)


def _rx(pattern: str) -> re.Pattern[str]:
    """A pattern with umlauts in either spelling, case-insensitive."""
    pattern = "".join(_UMLAUTS.get(ch, ch) for ch in pattern)
    return re.compile(pattern, re.IGNORECASE)


# A deadline or time frame; its digits are not target values.
DEADLINE_PATTERNS = tuple(
    _rx(p)
    for p in (
        r"(?:\b\d{1,2}\.\s*)?\b(?:" + "|".join(MONTHS) + r")\b(?:\s+\d{4})?",
        r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?",
        r"\b(?:19|20)\d\d\b",
        r"\bq[1-4]\b",
        r"\b\d\.\s*(?:quartal|halbjahr)\w*",
        r"\b(?:quartal|halbjahr|jahresende|monatsende|jahresmitte|saison|sommerferien|"
        r"schuljahr|ausbildungsjahr|ausbildungsbeginn|weihnacht)\w*",
        r"\bkw\s*\d+|\bkalenderwoche\w*\s*\d*",
        r"\b(?:innerhalb|binnen|nach|in\s+den\s+(?:nächsten|kommenden)|in)\s+(?:von\s+)?"
        r"(?:\d+|einem|einer|zwei|drei|vier|sechs|acht|zwölf)\s+(?:tage|tagen|wochen|"
        r"monat|monaten|jahr|jahren)\b",
        r"\bbis\s+(?:zum|zur|ende|mitte|anfang|spätestens|spaetestens)\b",
        r"\bspätestens\b",
        r"\bab\s+sofort\b",
    )
)
TARGET_PATTERNS = (
    re.compile(r"\d"),
    re.compile(r"%"),
    _rx(r"\b(?:" + _NUMBER_WORDS + r")\b"),
    _rx(r"\b(?:prozent|verdopp\w*|verdreifach\w*|halbier\w*|vervierfach\w*)"),
)

AGE_PATTERNS = (
    _rx(r"\b\d{1,2}\s*(?:-|–|bis|und)\s*\d{1,2}\b"),
    _rx(r"\b\d{1,2}\s*(?:jahre|jahren|j\.|jährig\w*)"),
    # a lone number from 10 to 89 ("Lea, 16, Schülerin"), not a decimal, date or percentage
    _rx(r"(?<!\d)(?<!\d[.,])\b(?:1[0-9]|[2-8][0-9])\b(?![\d%]|[.,]\d|\s*%)"),
    _rx(r"\b(?:alter\w*|jugendlich\w*|teenager\w*|senior\w*|rentner\w*|generation\s+z|gen\s+z)\b"),
    _rx(r"\b(?:mitte|anfang|ende)\s+(?:zwanzig|dreißig|vierzig|fünfzig|\d0)\b"),
)
SITUATION_TERMS = (
    "famil*",
    "kind*",
    "*kinder*",
    "eltern*",
    "mutter",
    "vater",
    "mütter",
    "väter",
    "beruf*",
    "*berufstätig*",
    "pendl*",
    "schule*",
    "schüler*",
    "azubi*",
    "*ausbildung*",
    "student*",
    "rentner*",
    "wohn*",
    "umkreis*",
    "nachbar*",
    "büro*",
    "firma",
    "firmen*",
    "unternehm*",
    "betrieb*",
    "single*",
    "haushalt*",
    "arbeit*",
    "schicht*",
    "alleinerzieh*",
    "stammkund*",
    "lebenssituation*",
    "lebensphase*",
)
NEED_TERMS = (
    "brauch*",
    "möcht*",
    "will",
    "wollen",
    "wünsch*",
    "wunsch*",
    "such*",
    "bedürfnis*",
    "problem*",
    "sorge*",
    "ärger*",
    "erwart*",
    "wichtig*",
    "ziel*",
    "frage*",
    "keine zeit",
    "schnell*",
    "bequem*",
    "unsicher*",
    "angst*",
    "interess*",
    "motiv*",
    "hoff*",
    "legt wert",
    "legen wert",
    "mag",
    "mögen",
    "liebt",
    "lieben",
    "hürde*",
)
ALL_PEOPLE_PATTERN = _rx(
    r"\b(?:alle\s+(?:kunden\w*|menschen|leute|altersgruppen|zielgruppen)|für\s+alle\b|"
    r"jedermann|jede\s+und\s+jeder|breite\s+masse|gesamte\s+bevölkerung|egal\s+wer)"
)

REASON_WORDS = (
    "weil",
    "da",
    "denn",
    "damit",
    "deshalb",
    "daher",
    "darum",
    "deswegen",
    "dort",
    "begründ*",
    "zielgrupp*",
    "*erreich*",
    "eignet*",
    "geeignet*",
    "passt",
    "passend*",
    "nutz*",
    "unterwegs",
    "aktiv*",
    "persona*",
    "zweck*",
)
REASON_PATTERNS = (_rx(r"\bum\b[^.;\n]{1,80}\bzu\b"),)
STOP_WORDS = (
    "einstell*",
    "pausier*",
    "beend*",
    "nicht mehr",
    "aufgeb*",
    "ruhen*",
    "stilleg*",
    "lösch*",
    "verzicht*",
    "schließ*",
    "vorerst nicht",
    "bewusst nicht",
    "nicht bespiel*",
    "nicht aktiv*",
    "kein eigen*",
    "später",
    "nicht",
    "kein*",
    "nur für",
    "nur noch",
    "erst ab",
    "erst im",
    "erst in",
)

NEGATIONS = ("nicht", "kein*", *(w for w in STOP_WORDS if not w.startswith(("nur", "erst"))))

THEME_WORDS = ("thema", "themen*", "*säule*", "rubrik*", "serie*", "pillar*", "*reihe")
THEME_GROUPS: dict[str, tuple[str, ...]] = {
    "Handwerk": (
        "backstub*",
        "handwerk*",
        "hinter den kulissen",
        "behind*",
        "herstell*",
        "rezept*",
    ),
    "Ausbildung & Team": ("ausbild*", "azubi*", "team*", "mitarbeit*", "kolleg*", "karriere*"),
    "Produkte & Saison": (
        "produkt*",
        "saison*",
        "*brot*",
        "*brötchen*",
        "*kuchen*",
        "angebot*",
        "neuheit*",
    ),
    "Service & App": ("service*", "app", "vorbestell*", "faq*", "öffnungszeit*"),
    "Region & Zutaten": ("region*", "zutat*", "landwirt*", "mehl*", "lieferant*", "müller*"),
    "Kundschaft": ("kund*", "community*", "ugc", "stammgäst*", "gäste*"),
    "Catering": ("catering*", "frühstück*", "firmenkund*"),
}
FORMAT_GROUPS: dict[str, tuple[str, ...]] = {
    "Reel/Video": ("reel*", "*video*", "clip*", "shorts"),
    "Karussell": ("karussell*", "carousel*"),
    "Story": ("story", "stories", "storys"),
    "Umfrage/Quiz": ("umfrage*", "quiz*", "abstimm*"),
    "Foto": ("*foto*", "bild", "bilder", "*bild", "*bilder"),
    "Live": ("live*",),
    "UGC": ("ugc", "user generated*", "kundenfoto*", "repost*"),
    "Gewinnspiel": ("gewinnspiel*",),
    "Interview": ("interview*", "fragerunde*", "q&a"),
    "Anleitung": ("tutorial*", "anleitung*", "how to", "tipp*"),
}
FREQUENCY_PATTERNS = tuple(
    _rx(p)
    for p in (
        r"\b\d+\s*(?:x|×|mal)\b",
        r"\b(?:ein|zwei|drei|vier|fünf|sechs|sieben)mal\b",
        r"\b(?:pro|je|jede[nrs]?|die|alle\s+\w+)\s+(?:woche|wochen|monat|tag|werktag)\b",
        r"\b(?:wöchentlich|täglich|monatlich|werktäglich|zweiwöchentlich|\d+-?tägig|"
        r"vierzehntägig)\w*",
        r"\bjeden\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|tag|"
        r"morgen|abend)\b",
        r"\b(?:montags|dienstags|mittwochs|donnerstags|freitags|samstags|sonntags)\b",
    )
)
PEOPLE_TERMS = (
    "mensch*",
    "team*",
    "mitarbeit*",
    "azubi*",
    "auszubild*",
    "bäcker*",
    "konditor*",
    "verkäufer*",
    "hinter den kulissen",
    "behind*",
    "backstub*",
    "werkstatt*",
    "gesicht*",
    "kolleg*",
    "ugc",
    "kundenstimme*",
    "portrait*",
    "porträt*",
)

RESPONSE_TIME_PATTERNS = tuple(
    _rx(p)
    for p in (
        r"\b\d+(?:[,.]\d+)?\s*(?:(?:-|–|bis)\s*\d+\s*)?(?:stunden?|std\.?|h|minuten|min\.?|"
        r"werktag(?:e|en)?|arbeitstag(?:e|en)?|tag(?:e|en)?)(?!\w)",
        r"\b(?:einer|eine|einem|zwei|drei|vier|fünf|sechs|acht|zwölf)\s+(?:stunden?|"
        r"werktag(?:e|en|s)?|arbeitstag(?:e|en|s)?|tag(?:e|en|s)?)\b",
        r"\b(?:selben|gleichen)\s+(?:tag|werktag)",
    )
)
TIER_TERMS = ("stufe*", "eskal*", "krise*", "*krisen*", "ampel*", "holding*")
NETIQUETTE_TERMS = (
    "netiquette*",
    "hausordnung*",
    "*regeln",
    "beleidig*",
    "hetze*",
    "spam*",
    "verberg*",
    "ausblend*",
    "moderat*",
    "lösch*",
    "diskriminier*",
)
WEEKEND_TERMS = (
    "wochenend*",
    "samstag*",
    "sonntag*",
    "feiertag*",
    "servicezeit*",
    "*bereitschaft*",
    "vertret*",
    "urlaub*",
    "rund um die uhr",
    "mo sa",
    "mo so",
    "montag bis samstag",
    "montag bis sonntag",
)
PRIVATE_TERMS = (
    "direktnachricht*",
    "privatnachricht*",
    "dm",
    "pn",
    "telefon*",
    "anruf*",
    "e mail",
    "email",
    "mail",
    "persönlich*",
    "privat*",
    "nicht öffentlich",
)

VAGUE_APPROVER_WORDS = frozenset(
    (
        "alle",
        "jeder",
        "jede",
        "niemand",
        "keiner",
        "keine",
        "team",
        "wir",
        "das",
        "die",
        "der",
        "gemeinsam",
        "zusammen",
        "alles",
        "egal",
        "irgendwer",
        "jemand",
    )
)
MULTI_APPROVER_PATTERN = _rx(r"\s(?:und|&|\+|sowie|oder)\s|/|\b(?:gemeinsam|zusammen|beide)\b")
INFORMED_TERMS = (
    "*kundenservice*",
    "*kundendienst*",
    "filial*",
    "zentrale*",
    "verkauf*",
    "innendienst*",
    "*service*",
)
DEPUTY_TERMS = ("*vertret*", "urlaub*", "abwesen*", "backup*", "krank*")
BOSS_TERMS = ("*geschäftsführ*", "chef*", "inhaber*", "gf")
CLASS_TERMS = (
    "routine*",
    "stufe*",
    "sensib*",
    "heikel*",
    "heikl*",
    "krise*",
    "klasse*",
    "ausnahme*",
    "nur bei",
    "kritisch*",
    "freigabeklasse*",
)

MEASUREMENT_TERMS = (
    "insights*",
    "statistik*",
    "utm*",
    "kampagne*",
    "link",
    "links",
    "*link",
    "*links",
    "linkklick*",
    "buchungssystem*",
    "kasse*",
    "code*",
    "*code",
    "gezählt",
    "zählen",
    "tool*",
    "analytics*",
    "auswert*",
    "monatlich*",
    "wöchentlich*",
    "quartal*",
    "bericht*",
    "report*",
    "review*",
    "dashboard*",
    "messen",
    "gemessen",
    "messung*",
    "formular*",
    "backend*",
)
ENGAGEMENT_TERMS = ("engagement*", "interaktionsrate*")
BASE_TERMS = ("*reichweite*", "*follower*", "impression*", "basis")


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One rule's result.

    `ok` True (met), False (not met) or None (not evaluated); hints (`counted` False) are
    advice only and never change the score.
    """

    key: str
    section: str
    ok: bool | None
    label: str
    message: str
    counted: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "section": self.section,
            "ok": self.ok,
            "counted": self.counted,
            "message": self.message,
        }


def _check(section: str, key: str, ok: bool | None, state: str, counted: bool = True, **values):
    return Check(
        key,
        section,
        ok,
        t(f"strategy.check.{section}.{key}.label"),
        t(f"strategy.check.{section}.{key}.{state}", **values),
        counted,
    )


def _blank_out(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def deadlines(text: str | None) -> list[str]:
    """Deadlines and time frames in the order they appear (overlapping matches merged)."""
    text = _nfc(text)
    spans = sorted(m.span() for p in DEADLINE_PATTERNS for m in p.finditer(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end].strip() for start, end in merged]


def has_target_value(text: str | None) -> bool:
    """A number that is not part of a date or time frame, a percentage or "verdoppeln"."""
    rest = _blank_out(_nfc(text), DEADLINE_PATTERNS)
    return any(p.search(rest) for p in TARGET_PATTERNS)


def channels(text: str | None, groups: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """Channel names mentioned in the text (content and service channels unless `groups`)."""
    groups = groups or {**CONTENT_CHANNELS, **SERVICE_CHANNELS}
    return [name for name, terms in groups.items() if _has(text, terms)]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n+", _nfc(text)) if s.strip()]


def active_content_channels(text: str | None) -> list[str]:
    """Content channels named in a sentence that does not stop or pause them."""
    active: list[str] = []
    for sentence in _sentences(text or ""):
        if _has(sentence, NEGATIONS):
            continue
        for name in channels(sentence, CONTENT_CHANNELS):
            if name not in active:
                active.append(name)
    return active


def _groups_found(text: str, groups: Mapping[str, tuple[str, ...]]) -> list[str]:
    return [name for name, terms in groups.items() if _has(text, terms)]


def _check_ziele(text: str) -> list[Check]:
    s = "ziele"
    found_deadlines = deadlines(text)
    actionable = find_terms(text, ACTIONABLE_TERMS)
    vanity = find_terms(text, VANITY_TERMS)
    named = channels(text) + (["Zielgruppe"] if _has(text, SITUATION_TERMS) else [])
    checks = [
        _check(s, "zielwert", True, "ok")
        if has_target_value(text)
        else _check(s, "zielwert", False, "missing"),
        _check(s, "frist", True, "ok", found=_list(found_deadlines, 2))
        if found_deadlines
        else _check(s, "frist", False, "missing"),
        _check(s, "messbar", True, "ok", found=_list(actionable + vanity))
        if actionable or vanity
        else _check(s, "messbar", False, "missing"),
    ]
    if actionable:
        checks.append(_check(s, "wirkung", True, "ok", found=_list(actionable)))
    elif vanity:
        checks.append(_check(s, "wirkung", False, "vanity", found=_list(vanity)))
    else:
        checks.append(_check(s, "wirkung", False, "missing"))
    checks.append(
        _check(s, "spezifisch", True, "ok", found=_list(named))
        if named
        else _check(s, "spezifisch", False, "missing")
    )
    return checks


def _check_zielgruppen(text: str) -> list[Check]:
    s = "zielgruppen"
    named = channels(text)
    checks = [
        _check(s, "alter", True, "ok")
        if any(p.search(_nfc(text)) for p in AGE_PATTERNS)
        else _check(s, "alter", False, "missing"),
        _check(s, "situation", True, "ok", found=_list(find_terms(text, SITUATION_TERMS), 3))
        if _has(text, SITUATION_TERMS)
        else _check(s, "situation", False, "missing"),
        _check(s, "beduerfnis", True, "ok", found=_list(find_terms(text, NEED_TERMS), 3))
        if _has(text, NEED_TERMS)
        else _check(s, "beduerfnis", False, "missing"),
        _check(s, "kanal", True, "ok", found=_list(named))
        if named
        else _check(s, "kanal", False, "missing"),
    ]
    if ALL_PEOPLE_PATTERN.search(_nfc(text)):
        checks.append(_check(s, "alle", None, "found", counted=False))
    return checks


def _check_kanaele(text: str) -> list[Check]:
    s = "kanaele"
    named = channels(text)
    active = active_content_channels(text)
    reasons = find_terms(text, REASON_WORDS) + [
        m.group(0) for p in REASON_PATTERNS for m in p.finditer(_nfc(text))
    ]
    checks = [
        _check(s, "kanal", True, "ok", found=_list(named, 6))
        if named
        else _check(s, "kanal", False, "missing"),
        _check(s, "begruendung", True, "ok", found=_list(reasons, 3))
        if reasons
        else _check(s, "begruendung", False, "missing"),
    ]
    if len(active) > MAX_CONTENT_CHANNELS:
        checks.append(
            _check(
                s,
                "fokus",
                False,
                "too_many",
                count=len(active),
                found=_list(active, 6),
                limit=MAX_CONTENT_CHANNELS,
            )
        )
    elif active:
        checks.append(_check(s, "fokus", True, "ok", found=_list(active, 6)))
    else:
        checks.append(_check(s, "fokus", None, "not_evaluated"))
    if _has(text, STOP_WORDS):
        checks.append(_check(s, "verzicht", True, "ok", counted=False))
    else:
        checks.append(_check(s, "verzicht", None, "missing", counted=False))
    return checks


def _check_content(text: str) -> list[Check]:
    s = "content"
    themes = _groups_found(text, THEME_GROUPS)
    formats = _groups_found(text, FORMAT_GROUPS)
    checks = [
        _check(s, "themen", True, "ok", found=_list(themes))
        if _has(text, THEME_WORDS) or len(themes) >= 2
        else _check(s, "themen", False, "missing"),
    ]
    if len(formats) >= 2:
        checks.append(_check(s, "formate", True, "ok", found=_list(formats)))
    elif formats:
        checks.append(_check(s, "formate", False, "one", found=formats[0]))
    else:
        checks.append(_check(s, "formate", False, "missing"))
    checks.append(
        _check(s, "frequenz", True, "ok")
        if any(p.search(_nfc(text)) for p in FREQUENCY_PATTERNS)
        else _check(s, "frequenz", False, "missing")
    )
    checks.append(
        _check(s, "menschen", True, "ok", found=_list(find_terms(text, PEOPLE_TERMS), 3))
        if _has(text, PEOPLE_TERMS)
        else _check(s, "menschen", False, "missing")
    )
    return checks


def _check_reaktion(text: str) -> list[Check]:
    s = "reaktion"
    times = [m.group(0) for p in RESPONSE_TIME_PATTERNS for m in p.finditer(_nfc(text))]
    return [
        _check(s, "zeit", True, "ok", found=_list(times, 2))
        if times
        else _check(s, "zeit", False, "missing"),
        _check(s, "stufen", True, "ok")
        if _has(text, TIER_TERMS)
        else _check(s, "stufen", False, "missing"),
        _check(s, "netiquette", True, "ok")
        if _has(text, NETIQUETTE_TERMS)
        else _check(s, "netiquette", False, "missing"),
        _check(s, "wochenende", True, "ok")
        if _has(text, WEEKEND_TERMS)
        else _check(s, "wochenende", False, "missing"),
        _check(s, "privat", True, "ok", counted=False)
        if _has(text, PRIVATE_TERMS)
        else _check(s, "privat", None, "missing", counted=False),
    ]


def approvers_per_clause(text: str | None) -> list[str]:
    """The approver part of each clause ("Routine: Social Media; Krise: GF" → two clauses)."""
    parts = []
    for clause in re.split(r"[;\n]+", _nfc(text)):
        clause = re.sub(r"\([^)]*\)", " ", clause)
        part = clause.rsplit(":", 1)[-1].strip(" .,-–")
        if part:
            parts.append(part)
    return parts


def _check_team(draft: Mapping[str, str]) -> list[Check]:
    s = "team"
    creates = (draft.get("team_erstellt") or "").strip()
    approves = (draft.get("team_freigabe") or "").strip()
    answers = (draft.get("team_antwortet") or "").strip()
    informed = (draft.get("team_informiert") or "").strip()
    checks = [
        _check(s, "erstellt", True, "ok") if creates else _check(s, "erstellt", False, "missing"),
    ]
    words = set(re.findall(r"\w+", approves.casefold()))
    if not approves:
        checks.append(_check(s, "freigabe", False, "missing"))
        checks.append(_check(s, "ein_a", None, "not_evaluated"))
    elif words <= VAGUE_APPROVER_WORDS:
        checks.append(_check(s, "freigabe", False, "vague"))
        checks.append(_check(s, "ein_a", None, "not_evaluated"))
    else:
        checks.append(_check(s, "freigabe", True, "ok"))
        several = [p for p in approvers_per_clause(approves) if MULTI_APPROVER_PATTERN.search(p)]
        checks.append(
            _check(s, "ein_a", False, "several", found=several[0])
            if several
            else _check(s, "ein_a", True, "ok")
        )
    checks.append(
        _check(s, "antwortet", True, "ok") if answers else _check(s, "antwortet", False, "missing")
    )
    if not informed:
        checks.append(_check(s, "informiert", False, "missing"))
    elif _has(informed, INFORMED_TERMS):
        checks.append(
            _check(s, "informiert", True, "ok", found=_list(find_terms(informed, INFORMED_TERMS)))
        )
    else:
        checks.append(_check(s, "informiert", False, "no_service"))
    everything = "\n".join((creates, approves, answers, informed))
    checks.append(
        _check(s, "vertretung", True, "ok", counted=False)
        if _has(everything, DEPUTY_TERMS)
        else _check(s, "vertretung", None, "missing", counted=False)
    )
    if _has(approves, BOSS_TERMS) and not _has(approves, CLASS_TERMS):
        checks.append(_check(s, "flaschenhals", None, "found", counted=False))
    return checks


def _check_kpis(text: str) -> list[Check]:
    s = "kpis"
    actionable = find_terms(text, ACTIONABLE_TERMS)
    vanity = find_terms(text, VANITY_TERMS)
    if actionable and vanity:
        checks = [
            _check(s, "steuerung", True, "mixed", found=_list(actionable), vanity=_list(vanity))
        ]
    elif actionable:
        checks = [_check(s, "steuerung", True, "ok", found=_list(actionable))]
    elif vanity:
        checks = [_check(s, "steuerung", False, "vanity", found=_list(vanity))]
    else:
        checks = [_check(s, "steuerung", False, "missing")]
    checks.append(
        _check(s, "zielwert", True, "ok")
        if has_target_value(text)
        else _check(s, "zielwert", False, "missing")
    )
    checks.append(
        _check(s, "messung", True, "ok", found=_list(find_terms(text, MEASUREMENT_TERMS), 3))
        if _has(text, MEASUREMENT_TERMS)
        else _check(s, "messung", False, "missing")
    )
    if _has(text, ENGAGEMENT_TERMS):
        checks.append(
            _check(s, "basis", True, "ok", counted=False)
            if _has(text, BASE_TERMS)
            else _check(s, "basis", None, "missing", counted=False)
        )
    return checks


def _check_stimmigkeit(draft: Mapping[str, str]) -> list[Check]:
    s = "stimmigkeit"
    goals, kpis = draft.get("ziele", ""), draft.get("kpis", "")
    shared = [term for term in ACTIONABLE_TERMS if _has(goals, (term,)) and _has(kpis, (term,))]
    checks = [
        _check(s, "ziel_kpi", True, "ok", found=_list(find_terms(kpis, shared), 3))
        if shared
        else _check(s, "ziel_kpi", False, "missing")
    ]
    channel_set = set(channels(draft.get("kanaele", "")))
    audience = [c for c in channels(draft.get("zielgruppen", "")) if c in channel_set]
    checks.append(
        _check(s, "zielgruppe_kanal", True, "ok", found=_list(audience))
        if audience
        else _check(s, "zielgruppe_kanal", False, "missing")
    )
    content = [c for c in channels(draft.get("content", "")) if c in channel_set]
    checks.append(
        _check(s, "kanal_content", True, "ok", found=_list(content))
        if content
        else _check(s, "kanal_content", False, "missing")
    )
    return checks


def check_section(section_id: str, draft: Mapping[str, str]) -> list[Check]:
    """The checks of one section (or of ``stimmigkeit``) for a draft."""
    draft = clean_draft(draft)
    if section_id == "stimmigkeit":
        return _check_stimmigkeit(draft)
    if section_id == "team":
        return _check_team(draft)
    text = section_text(draft, section_id)
    return {
        "ziele": _check_ziele,
        "zielgruppen": _check_zielgruppen,
        "kanaele": _check_kanaele,
        "content": _check_content,
        "reaktion": _check_reaktion,
        "kpis": _check_kpis,
    }[section_id](text)


def check_draft(draft: Mapping[str, str]) -> dict[str, list[Check]]:
    """All checks, grouped by section, with ``stimmigkeit`` last."""
    return {group: check_section(group, draft) for group in CHECK_GROUPS}


def _flatten(checks: Mapping[str, Sequence[Check]] | Sequence[Check]) -> list[Check]:
    if isinstance(checks, Mapping):
        return [c for group in checks.values() for c in group]
    return list(checks)


def counts(checks: Mapping[str, Sequence[Check]] | Sequence[Check]) -> tuple[int, int]:
    """(met, evaluated) over the counted checks."""
    evaluated = [c for c in _flatten(checks) if c.counted and c.ok is not None]
    return sum(1 for c in evaluated if c.ok), len(evaluated)


def score(checks: Mapping[str, Sequence[Check]] | Sequence[Check]) -> float:
    """Share of counted, evaluated checks that are met (0..1)."""
    met, total = counts(checks)
    return round(met / total, 4) if total else 0.0


def suggested_level(checks: Sequence[Check], filled: bool = True) -> int:
    """What the checks suggest on the rubric scale: 0–2 (only people can judge 'vorbildlich')."""
    met, total = counts(checks)
    if not filled or not total:
        return 0
    share = met / total
    if share < 0.25:
        return 0
    return 1 if share < 0.75 else 2


# ---------------------------------------------------------------------------------------------
# Rubric
# ---------------------------------------------------------------------------------------------

LEVELS = (0, 1, 2, 3)  # nicht erfüllt, ansatzweise, erfüllt, vorbildlich (= points)


@dataclass(frozen=True)
class Criterion:
    id: str
    section: str  # canvas section (or "stimmigkeit") whose checks inform it
    competency: str

    @property
    def title(self) -> str:
        return t(f"strategy.rubric.{self.id}.title")

    @property
    def question(self) -> str:
        return t(f"strategy.rubric.{self.id}.question")

    def descriptor(self, level: int) -> str:
        return t(f"strategy.rubric.{self.id}.levels.{level}")


def level_name(level: int) -> str:
    return t(f"strategy.level.{level}")


RUBRIC: tuple[Criterion, ...] = (
    Criterion("ziele", "ziele", "strategie"),
    Criterion("zielgruppen", "zielgruppen", "strategie"),
    Criterion("kanaele", "kanaele", "strategie"),
    Criterion("content", "content", "kreativitaet"),
    Criterion("reaktion", "reaktion", "kommunikation"),
    Criterion("team", "team", "team"),
    Criterion("kpis", "kpis", "strategie"),
    Criterion("stimmigkeit", "stimmigkeit", "strategie"),
)
RUBRIC_MAP: dict[str, Criterion] = {c.id: c for c in RUBRIC}
MAX_POINTS = LEVELS[-1] * len(RUBRIC)
PASS_POINTS = MAX_POINTS // 2  # and no criterion "nicht erfüllt"
BANDS = ((20, "vorbildlich"), (14, "erfuellt"), (8, "ansatzweise"), (0, "nicht_tragfaehig"))


@dataclass(frozen=True)
class RubricResult:
    points: int
    max_points: int
    ratings: dict[str, int]
    missing: tuple[str, ...]  # criteria not rated yet
    zero: tuple[str, ...]  # criteria rated "nicht erfüllt"

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def share(self) -> float:
        return round(self.points / self.max_points, 4) if self.max_points else 0.0

    @property
    def passed(self) -> bool:
        """Fit for practice: at least half the points and no criterion without any point."""
        return self.complete and self.points >= PASS_POINTS and not self.zero

    @property
    def band(self) -> str:
        return next(key for minimum, key in BANDS if self.points >= minimum)


def rate(ratings: Mapping[str, int | None]) -> RubricResult:
    """Add up rubric levels (0–3 per criterion); unknown criteria or levels raise ValueError."""
    unknown = sorted(set(ratings) - set(RUBRIC_MAP))
    if unknown:
        raise ValueError(f"unknown rubric criteria: {', '.join(unknown)}")
    given: dict[str, int] = {}
    for criterion in RUBRIC:
        level = ratings.get(criterion.id)
        if level is None:
            continue
        if isinstance(level, bool) or level not in LEVELS:
            raise ValueError(f"level for {criterion.id!r} must be one of {LEVELS}, not {level!r}")
        given[criterion.id] = int(level)
    return RubricResult(
        points=sum(given.values()),
        max_points=MAX_POINTS,
        ratings=given,
        missing=tuple(c.id for c in RUBRIC if c.id not in given),
        zero=tuple(c.id for c in RUBRIC if given.get(c.id) == 0),
    )


def calibration(
    ratings: Mapping[str, int | None], draft: Mapping[str, str], gap: int = 2
) -> list[tuple[str, int, int]]:
    """Criteria a learner rates at least `gap` levels above what the checks suggest.

    Returns (criterion id, own level, suggested level) – a prompt to look again, not a verdict.
    """
    checks = check_draft(draft)
    flagged = []
    for criterion in RUBRIC:
        own = ratings.get(criterion.id)
        if own is None:
            continue
        filled = (
            any(is_filled(draft, s.id) for s in SECTIONS)
            if criterion.section == "stimmigkeit"
            else is_filled(draft, criterion.section)
        )
        suggested = suggested_level(checks[criterion.section], filled)
        if own - suggested >= gap:
            flagged.append((criterion.id, int(own), suggested))
    return flagged


# ---------------------------------------------------------------------------------------------
# The model strategy for the case (Backhaus Sommerfeld)
# ---------------------------------------------------------------------------------------------


def model_draft() -> dict[str, str]:
    """One possible strategy for the case, from the message catalog."""
    return {field_id: t(f"strategy.model.{field_id}").strip() for field_id in FIELD_IDS}


# ---------------------------------------------------------------------------------------------
# HTML: the one-page summary and the printed worksheet / rubric
# ---------------------------------------------------------------------------------------------


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _text_html(text: str) -> str:
    """Learner text, escaped, line breaks kept."""
    return "<br>".join(_esc(line) for line in (text or "").strip().splitlines())


def summary_html(
    draft: Mapping[str, str],
    checks: Mapping[str, Sequence[Check]] | None = None,
    author: str = "",
) -> str:
    """The strategy as a one-page summary: a grid of boxes, every learner text escaped."""
    draft = clean_draft(draft)
    checks = check_draft(draft) if checks is None else checks
    met, total = counts(checks)
    boxes = []
    for section in SECTIONS:
        if section.id == "team":
            rows = "".join(
                f'<tr><th scope="row" style="text-align:left;padding:2px 6px 2px 0;'
                f'vertical-align:top;white-space:nowrap">{_esc(section.label(f))}</th>'
                f'<td style="padding:2px 0">{_text_html(draft[f]) or _empty()}</td></tr>'
                for f in section.fields
            )
            body = f'<table style="border-collapse:collapse;font-size:95%">{rows}</table>'
        else:
            body = _text_html(draft[section.fields[0]]) or _empty()
        section_met, section_total = counts(checks.get(section.id, []))
        boxes.append(
            f'<div class="smmkit-strategy-box" style="border:1px solid #9aa5b1;border-radius:6px;'
            f'padding:6px 10px;break-inside:avoid">'
            f'<div style="font-weight:bold;color:#0b3d91">{_esc(section.title)}</div>'
            f'<div style="font-size:90%;margin-top:2px">{body}</div>'
            f'<div style="font-size:80%;color:#444;margin-top:4px">'
            f"{_esc(t('strategy.summary.section_checks', met=section_met, total=section_total))}"
            f"</div></div>"
        )
    heading = t("strategy.summary.heading")
    byline = f" – {_esc(author)}" if author else ""
    return (
        '<div class="smmkit-strategy-summary" style="max-width:60em;font-size:95%">'
        f'<div style="font-size:130%;font-weight:bold;color:#0b3d91">{_esc(heading)}{byline}</div>'
        f'<div style="color:#444;margin:2px 0 8px">{_esc(t("strategy.summary.subtitle"))}</div>'
        '<div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(18em,1fr));'
        f'gap:8px">{"".join(boxes)}</div>'
        f'<div style="font-size:85%;color:#444;margin-top:6px">'
        f"{_esc(t('strategy.summary.footer', met=met, total=total))}</div></div>"
    )


def _empty() -> str:
    return f'<span style="color:#6b4500"><em>{_esc(t("strategy.summary.empty"))}</em></span>'


PAPER_CHECKS: dict[str, tuple[str, ...]] = {
    "ziele": ("zielwert", "frist", "messbar", "wirkung", "spezifisch"),
    "zielgruppen": ("alter", "situation", "beduerfnis", "kanal"),
    "kanaele": ("kanal", "begruendung", "fokus"),
    "content": ("themen", "formate", "frequenz", "menschen"),
    "reaktion": ("zeit", "stufen", "netiquette", "wochenende"),
    "team": ("erstellt", "freigabe", "ein_a", "antwortet", "informiert"),
    "kpis": ("steuerung", "zielwert", "messung"),
}


def _lines(count: int) -> str:
    return '<div class="smmkit-lines">' + '<div class="smmkit-line"></div>' * count + "</div>"


def _rubric_table() -> str:
    """The full rubric; fixed column widths so that it fits an A4 page in portrait."""
    head = "".join(f'<th scope="col">{_esc(level_name(level))} ({level})</th>' for level in LEVELS)
    rows = []
    for criterion in RUBRIC:
        cells = "".join(f"<td>{_esc(criterion.descriptor(level))}</td>" for level in LEVELS)
        rows.append(
            f'<tr><th scope="row">{_esc(criterion.title)}<br>'
            f"<small>{_esc(criterion.question)}</small></th>{cells}"
            '<td class="smmkit-numbox"></td></tr>'
        )
    columns = '<col style="width:17%">' + '<col style="width:18.5%">' * 4 + '<col style="width:9%">'
    return (
        '<table class="smmkit-table smmkit-strategy-rubric" '
        'style="table-layout:fixed;width:100%;font-size:8.5pt;overflow-wrap:break-word;'
        f'hyphens:auto" lang="de"><colgroup>{columns}</colgroup><thead><tr>'
        f'<th scope="col">{_esc(t("strategy.rubric_heading.criterion"))}</th>{head}'
        f'<th scope="col">{_esc(t("strategy.rubric_heading.points"))}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def paper_html(mode: Mode = "participant") -> str:
    """The canvas for printed handouts, in the style of `smmkit.publish.paper`.

    Participants get a worksheet: one box per section with its hint, lines to write on and the
    checks as a checklist (no rubric descriptors). Trainers get the rubric with all descriptors
    and points, the pass rule and bands, assessment hints and the model strategy.
    """
    from ...markup import md

    title = f'<p class="smmkit-item-title">{_esc(t("strategy.title"))}</p>'
    if mode == "trainer":
        hints = "".join(
            f"<li>{md(t(f'strategy.paper.trainer_hints.{i}')).strip()}</li>" for i in range(7)
        )
        bands = "".join(
            f"<li><b>{_esc(t(f'strategy.band.{key}.title'))}</b> "
            f"({_esc(t('strategy.paper.from_points', points=minimum))}): "
            f"{_esc(t(f'strategy.band.{key}.text'))}</li>"
            for minimum, key in BANDS
        )
        model = model_draft()
        model_rows = "".join(
            f'<tr><th scope="row">{_esc(section.title)}</th><td>'
            + "<br>".join(
                (f"<b>{_esc(section.label(f))}:</b> " if section.id == "team" else "")
                + _text_html(model[f])
                for f in section.fields
            )
            + "</td></tr>"
            for section in SECTIONS
        )
        body = (
            f"{title}<div class='smmkit-prompt'>{md(t('strategy.paper.trainer_intro'))}</div>"
            f"{_rubric_table()}"
            f'<p class="smmkit-hint">{_esc(t("strategy.paper.pass_rule", points=PASS_POINTS, max=MAX_POINTS))}</p>'
            f"<ul>{bands}</ul>"
            f'<div class="smmkit-key"><span class="smmkit-key-label">'
            f"{_esc(t('strategy.paper.hints_heading'))}</span><ul>{hints}</ul>"
            f'<p class="smmkit-key-label">{_esc(t("strategy.paper.model_heading"))}</p>'
            f'<table class="smmkit-table">{model_rows}</table></div>'
        )
        return (
            '<div class="smmkit-paper-item smmkit-paper-strategy" '
            f'data-item-id="{_esc(ITEM_ID)}">{body}</div>'
        )
    boxes = []
    for section in SECTIONS:
        if section.id == "team":
            rows = "".join(
                f'<tr><th scope="row">{_esc(section.label(f))}</th><td></td></tr>'
                for f in section.fields
            )
            writing = f'<table class="smmkit-table smmkit-strategy-team">{rows}</table>'
        else:
            writing = _lines(section.lines)
        checklist = "".join(
            f'<li><span class="smmkit-box" aria-hidden="true">☐</span> '
            f"{_esc(t(f'strategy.check.{section.id}.{key}.label'))}</li>"
            for key in PAPER_CHECKS[section.id]
        )
        boxes.append(
            '<div class="smmkit-paper-item smmkit-strategy-box" style="break-inside:avoid">'
            f'<p class="smmkit-item-title">{_esc(section.title)}</p>'
            f'<p class="smmkit-hint">{_esc(section.hint)}</p>{writing}'
            f'<ul class="smmkit-options" style="font-size:9pt">{checklist}</ul></div>'
        )
    return (
        '<div class="smmkit-paper-item smmkit-paper-strategy" '
        f'data-item-id="{_esc(ITEM_ID)}">{title}'
        f"<div class='smmkit-prompt'>{md(t('strategy.paper.participant_intro'))}</div>"
        f"{''.join(boxes)}</div>"
    )
