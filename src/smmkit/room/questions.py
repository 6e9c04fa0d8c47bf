"""Live questions in the room: polls, bank items, word clouds and idea rounds (pure logic).

The trainer starts one question at a time; participants answer on their devices; the
projector shows the tally. Nothing here knows HTTP: :class:`LiveBoard` holds the questions
and their answers, :func:`tally` computes what the projector shows, and the board is saved
to ``<results>/.room/live.json`` by the server after every change.

Kinds
- ``item``: a bank item (single/multiple choice, true/false, numeric, Likert), graded like
  in the module, saved to the participant's results file with phase ``live``;
- ``poll``: a question with options typed by the trainer;
- ``words``: up to three words per person for a word cloud (German stop words removed, words
  normalised: case, Unicode form, surrounding punctuation);
- ``ideas``: short ideas, then each person distributes a fixed number of points.

Moderation: words and ideas that contain a word of the profanity list are hidden until the
trainer shows them; the trainer can hide or show any word or idea.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..bank.grading import grade
from ..markup import md

KINDS = ("item", "poll", "words", "ideas")
KIND_LABELS = {"item": "Frage aus dem Kit", "poll": "Umfrage", "words": "Wortwolke",
               "ideas": "Ideenrunde"}  # fmt: skip
LIVE_FILE = "live.json"  # in the room folder of the results (``.room/live.json``)
ITEM_TYPES = ("single_choice", "multiple_choice", "true_false", "numeric", "likert")
MAX_WORDS = 3
MAX_WORD_LENGTH = 30
MAX_IDEAS = 3
MAX_IDEA_LENGTH = 140
MAX_POLL_OPTIONS = 8
POINTS = 3
MAX_POINTS_PER_IDEA = 2
ID_PREFIX = "live."  # item ids of polls, word clouds and idea rounds in the results files


class LiveError(ValueError):
    """An answer or a trainer action that does not fit the question (German message)."""


def _word_list(name: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


STOP_WORDS = _word_list("stoppwoerter.de.txt")
PROFANITY = _word_list("schimpfwoerter.de.txt")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def normalise_word(raw: str) -> str:
    """One word as the cloud counts it: NFC, case-folded (ß stays), punctuation trimmed."""
    text = unicodedata.normalize("NFC", raw).strip()
    text = _EDGE.sub("", text)
    return text.lower()[:MAX_WORD_LENGTH]


def cloud_words(text: str) -> list[str]:
    """The words of one submission that count (no stop words, at most MAX_WORDS)."""
    words = [normalise_word(part) for part in re.split(r"[\s,;/]+", text)]
    kept = [w for w in words if len(w) >= 2 and w not in STOP_WORDS and not w.isdigit()]
    return list(dict.fromkeys(kept))[:MAX_WORDS]


def is_offensive(text: str) -> bool:
    """True if a word of `text` starts with or equals a word of the profanity list."""
    words = [normalise_word(part) for part in text.split()]
    return any(word.startswith(bad) for word in words for bad in PROFANITY)


@dataclass
class Idea:
    id: str
    author: str  # participant key; never shown
    text: str
    hidden: bool = False


@dataclass
class Question:
    id: str
    kind: str
    prompt: str
    options: list[str] = field(default_factory=list)
    item_id: str | None = None
    stage: str = "open"  # open | voting (ideas only) | closed
    revealed: bool = False
    answers: dict[str, Any] = field(default_factory=dict)  # participant key -> answer
    ideas: list[Idea] = field(default_factory=list)
    votes: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> idea id -> points
    hidden_words: list[str] = field(default_factory=list)
    shown_words: list[str] = field(default_factory=list)  # offensive ones the trainer allowed

    @property
    def record_id(self) -> str:
        """The item id its answers are saved under."""
        return self.item_id or f"{ID_PREFIX}{self.id}"


@dataclass
class LiveBoard:
    """The room's live questions; the last one is the current one."""

    questions: list[Question] = field(default_factory=list)
    version: int = 0

    @property
    def current(self) -> Question | None:
        return self.questions[-1] if self.questions else None

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "questions": [asdict(q) for q in self.questions]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LiveBoard:
        questions = []
        for raw in data.get("questions", []):
            raw = dict(raw)
            raw["ideas"] = [Idea(**idea) for idea in raw.get("ideas", [])]
            questions.append(Question(**raw))
        return cls(questions, int(data.get("version", 0)))

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise LiveError("Diese Frage gibt es nicht (mehr).")

    def _changed(self) -> None:
        self.version += 1

    # --- the trainer ---------------------------------------------------------------------------

    def start(self, kind: str, prompt: str = "", options: list[str] | None = None,
              item: Any = None) -> Question:  # fmt: skip
        """Start a question; the one before is closed."""
        if kind not in KINDS:
            raise LiveError(f"Unbekannte Art von Frage: {kind}")
        options = [o.strip() for o in options or [] if o.strip()]
        if kind == "item":
            if item is None or item.type not in ITEM_TYPES:
                raise LiveError("Live gehen nur Einfach-, Mehrfachauswahl, Richtig/Falsch, "
                                "Zahl und Selbsteinschätzung.")  # fmt: skip
            prompt, options = plain(item.prompt), item_options(item)
        elif not prompt.strip():
            raise LiveError("Bitte geben Sie eine Frage ein.")
        if kind == "poll" and not 2 <= len(options) <= MAX_POLL_OPTIONS:
            raise LiveError(f"Eine Umfrage braucht 2 bis {MAX_POLL_OPTIONS} Antworten.")
        if self.current and self.current.stage != "closed":
            self.current.stage = "closed"
        question = Question(
            id=f"q{len(self.questions) + 1}",
            kind=kind,
            prompt=prompt.strip(),
            options=options if kind in ("item", "poll") else [],
            item_id=item.id if item is not None else None,
        )
        self.questions.append(question)
        self._changed()
        return question

    def again(self, question_id: str) -> Question:
        """Run a question once more, with no answers (the earlier run stays in the record)."""
        old = self.question(question_id)
        question = Question(id=f"q{len(self.questions) + 1}", kind=old.kind, prompt=old.prompt,
                            options=list(old.options), item_id=old.item_id)  # fmt: skip
        if self.current and self.current.stage != "closed":
            self.current.stage = "closed"
        self.questions.append(question)
        self._changed()
        return question

    def to_voting(self, question_id: str) -> None:
        question = self.question(question_id)
        if question.kind != "ideas" or question.stage != "open":
            raise LiveError("Nur eine offene Ideenrunde kann zur Abstimmung gehen.")
        question.stage = "voting"
        self._changed()

    def close(self, question_id: str) -> None:
        self.question(question_id).stage = "closed"
        self._changed()

    def reveal(self, question_id: str) -> None:
        self.question(question_id).revealed = True
        self._changed()

    def moderate(self, question_id: str, target: str, hidden: bool) -> None:
        """Hide or show a word (`target` is the word) or an idea (`target` is its id)."""
        question = self.question(question_id)
        if question.kind == "ideas":
            for idea in question.ideas:
                if idea.id == target:
                    idea.hidden = hidden
                    break
            else:
                raise LiveError("Diese Idee gibt es nicht.")
        else:
            word = normalise_word(target)
            question.hidden_words = [w for w in question.hidden_words if w != word]
            question.shown_words = [w for w in question.shown_words if w != word]
            (question.hidden_words if hidden else question.shown_words).append(word)
        self._changed()

    # --- participants -------------------------------------------------------------------------

    def answer(self, question_id: str, key: str, value: Any, item: Any = None) -> Any:
        """Record a participant's answer (the latest counts); returns the stored answer."""
        question = self._open(question_id, "open")
        if question.kind == "ideas":
            raise LiveError("Ideen bitte einzeln einreichen.")
        stored = _checked_answer(question, value, item)
        question.answers[key] = stored
        self._changed()
        return stored

    def add_idea(self, question_id: str, key: str, text: str) -> Idea:
        question = self._open(question_id, "open")
        if question.kind != "ideas":
            raise LiveError("Diese Frage sammelt keine Ideen.")
        text = " ".join(unicodedata.normalize("NFC", str(text)).split())
        if not text:
            raise LiveError("Die Idee ist leer.")
        if len(text) > MAX_IDEA_LENGTH:
            raise LiveError(f"Bitte fassen Sie die Idee in höchstens {MAX_IDEA_LENGTH} Zeichen.")
        if sum(1 for idea in question.ideas if idea.author == key) >= MAX_IDEAS:
            raise LiveError(f"Sie haben schon {MAX_IDEAS} Ideen eingereicht.")
        idea = Idea(f"i{len(question.ideas) + 1}", key, text, hidden=is_offensive(text))
        question.ideas.append(idea)
        self._changed()
        return idea

    def vote(self, question_id: str, key: str, points: dict[str, int]) -> dict[str, int]:
        """A participant's points for ideas (replaces their earlier vote)."""
        question = self._open(question_id, "voting")
        visible = {idea.id for idea in question.ideas if not idea.hidden}
        clean = {}
        for idea_id, value in points.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise LiveError("Punkte sind ganze Zahlen ab 0.")
            if value == 0:
                continue
            if idea_id not in visible:
                raise LiveError("Für diese Idee kann man nicht stimmen.")
            if value > MAX_POINTS_PER_IDEA:
                raise LiveError(f"Höchstens {MAX_POINTS_PER_IDEA} Punkte für eine Idee.")
            clean[idea_id] = value
        if sum(clean.values()) > POINTS:
            raise LiveError(f"Sie haben {POINTS} Punkte zu vergeben.")
        question.votes[key] = clean
        self._changed()
        return clean

    def _open(self, question_id: str, stage: str) -> Question:
        question = self.question(question_id)
        if question.stage != stage:
            raise LiveError("Diese Frage ist geschlossen." if question.stage == "closed" else
                            "Jetzt wird abgestimmt." if question.stage == "voting" else
                            "Die Abstimmung hat noch nicht begonnen.")  # fmt: skip
        return question


def plain(markdown: str | None) -> str:
    """An authored Markdown text as plain text (the live pages show text, never markup)."""
    return Markup(md(markdown)).striptags() if markdown else ""


def load_board(results: Path) -> LiveBoard:
    """The live questions kept in a results folder (none if the room never asked any)."""
    from .roster import ROOM_FOLDER

    try:
        text = (Path(results) / ROOM_FOLDER / LIVE_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return LiveBoard()
    return LiveBoard.from_dict(json.loads(text))


def item_options(item: Any) -> list[str]:
    """What a participant chooses from, for a bank item."""
    if item.type in ("single_choice", "multiple_choice"):
        return [plain(option.text) for option in item.options]
    if item.type == "true_false":
        return ["richtig", "falsch"]
    if item.type == "likert":
        return [plain(statement.text) for statement in item.statements]
    return []


def _checked_answer(question: Question, value: Any, item: Any) -> Any:
    """The answer in the form the module widgets save (so grading and the report agree)."""
    kind = item.type if question.kind == "item" else question.kind
    count = len(question.options)
    if kind in ("single_choice", "poll"):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < count:
            raise LiveError("Bitte wählen Sie eine Antwort.")
        return value
    if kind == "multiple_choice":
        if not isinstance(value, list) or not all(isinstance(v, int) and 0 <= v < count
                                                  for v in value):  # fmt: skip
            raise LiveError("Bitte wählen Sie Antworten aus der Liste.")
        return sorted(set(value))
    if kind == "true_false":
        if not isinstance(value, bool):
            raise LiveError("Bitte wählen Sie richtig oder falsch.")
        return value
    if kind == "numeric":
        try:
            return float(str(value).replace(",", "."))
        except ValueError:
            raise LiveError("Bitte geben Sie eine Zahl ein.") from None
    if kind == "likert":
        ids = {statement.id for statement in item.statements}
        if (
            not isinstance(value, dict)
            or set(value) != ids
            or not all(isinstance(v, int) and 1 <= v <= 5 for v in value.values())
        ):
            raise LiveError("Bitte bewerten Sie jede Aussage von 1 bis 5.")
        return value
    if kind == "words":
        words = cloud_words(str(value))
        if not words:
            raise LiveError("Bitte geben Sie ein bis drei aussagekräftige Wörter ein.")
        return words
    raise LiveError(f"Unbekannte Art: {kind}")


def score(question: Question, answer: Any, item: Any) -> tuple[float | None, float | None]:
    """Points and maximum for a bank item's live answer (None for unscored kinds)."""
    if question.kind != "item" or item.type == "likert":
        return None, None
    result = grade(item, answer)
    return result.points, result.max_points


def tally(question: Question, item: Any = None, for_trainer: bool = False) -> dict[str, Any]:
    """What the projector (or, with `for_trainer`, the moderation list) shows."""
    shown: dict[str, Any] = {"id": question.id, "kind": question.kind, "prompt": question.prompt,
                             "stage": question.stage, "revealed": question.revealed,
                             "answered": len(question.answers) or len(
                                 {i.author for i in question.ideas})}  # fmt: skip
    if question.kind in ("item", "poll"):
        kind = item.type if item is not None else "poll"
        shown["bars"] = _bars(question, kind, item)
        if question.revealed and item is not None:
            shown["solution"] = _solution(item)
    elif question.kind == "words":
        counts = Counter(word for words in question.answers.values() for word in words)
        words = []
        for word, count in counts.most_common():
            hidden = word in question.hidden_words or (
                is_offensive(word) and word not in question.shown_words
            )
            if for_trainer or not hidden:
                words.append({"word": word, "count": count, "hidden": hidden})
        shown["words"] = words
    else:
        points = Counter()
        voters = Counter()
        for ballot in question.votes.values():
            for idea_id, value in ballot.items():
                points[idea_id] += value
                voters[idea_id] += 1
        ideas = [
            {"id": idea.id, "text": idea.text, "points": points[idea.id],
             "voters": voters[idea.id], "hidden": idea.hidden}
            for idea in question.ideas
            if for_trainer or not idea.hidden
        ]  # fmt: skip
        ideas.sort(key=lambda idea: -idea["points"])
        shown["ideas"] = ideas
        shown["voted"] = len(question.votes)
    return shown


def _bars(question: Question, kind: str, item: Any) -> list[dict[str, Any]]:
    answers = list(question.answers.values())
    if kind == "numeric":
        counts = Counter(answers)
        return [{"label": _number(v), "count": c} for v, c in sorted(counts.items())]
    if kind == "likert":
        return [
            {"label": plain(statement.text),
             "count": sum(1 for a in answers if statement.id in a),
             "mean": (sum(a[statement.id] for a in answers) / len(answers)) if answers else None}
            for statement in item.statements
        ]  # fmt: skip
    if kind == "true_false":
        counts = Counter(answers)
        return [{"label": "richtig", "count": counts[True]},
                {"label": "falsch", "count": counts[False]}]  # fmt: skip
    counts = Counter()
    for answer in answers:
        for index in answer if isinstance(answer, list) else [answer]:
            counts[index] += 1
    return [{"label": text, "count": counts[i]} for i, text in enumerate(question.options)]


def _solution(item: Any) -> dict[str, Any]:
    if item.type in ("single_choice", "multiple_choice"):
        right = [i for i, option in enumerate(item.options) if option.correct]
        feedback = [
            option.feedback for option in item.options if option.correct and option.feedback
        ]
        return {"correct": right, "text": " ".join(feedback)}
    if item.type == "true_false":
        return {"correct": [0 if item.answer else 1], "text": item.explanation}
    if item.type == "numeric":
        return {"correct": [], "text": f"{_number(item.answer)} {item.unit}".strip() + " – "
                + item.explanation}  # fmt: skip
    return {"correct": [], "text": ""}


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")
