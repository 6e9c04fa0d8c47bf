"""Realistic, deterministic participant result files (demo data, tests, benchmarks).

Each simulated participant has an ability and a diligence; each item a difficulty and a
discrimination (a two-parameter logistic model), so the numbers look like a real group's:
hard and easy items, a few that separate poorly, wrong options that tempt more than others,
retries after wrong answers, scenario playthroughs, self-assessments before and after
(higher afterwards on average), free texts that meet some keyword rules, and a few people who
stop before the last module. Answers are graded with the real graders and the files are
written exactly as :mod:`smmkit.store` writes them, so the same seed gives the same bytes.

``python -m smmkit.results.synthetic OUT [--participants 12] [--seed 2026]`` writes a folder.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .. import exercises, i18n
from ..bank.grading import grade
from ..bank.scenarios import ScenarioRun, max_score
from ..bank.validate import Bank
from ..store import FORMAT, VERSION, file_layout, participant_key

DEFAULT_SEED = 2026
DEFAULT_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RACI, POSTS = exercises.get("raci"), exercises.get("posts")
(RACI_ITEM,), (POST_ITEM,) = RACI.items, POSTS.items

FIRST_NAMES = (
    "Anna", "Jörg", "Özlem", "Lukas", "Mia", "Björn", "Leonie", "Murat", "Sophie", "Jürgen",
    "Hannah", "Tobias", "Käthe", "Finn", "Sarah", "Günther", "Lea", "Dominik", "Aylin", "Matthias",
    "Julia", "Sven", "Marie", "Paul", "Franziska", "Emre", "Katrin", "Felix", "Lena", "Thorsten",
)  # fmt: skip
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Yılmaz",
)  # fmt: skip
FREE_TEXT_SENTENCES = (
    "Mir ist dabei besonders wichtig: {kw}.",
    "Als Erstes würde ich auf {kw} achten.",
    "Für unseren Betrieb heißt das konkret: {kw}.",
    "Ein zentraler Punkt ist für mich {kw}.",
)
FILLER_SENTENCES = (
    "Das würde ich vorher kurz mit dem Team absprechen.",
    "So bleibt die Kommunikation offen und ehrlich.",
    "Danach prüfen wir gemeinsam, ob es gewirkt hat.",
    "Unsere Kundinnen und Kunden sollen sich ernst genommen fühlen.",
    "Wir halten die Antwort freundlich, kurz und verständlich.",
    "Ich würde außerdem dokumentieren, was wir gelernt haben.",
)
WRONG_WORDS = ("Reichweite", "sofort", "Werbung", "Likes", "immer", "keine Ahnung", "Chef")
POST_DRAFTS = (
    "Frisch aus dem Ofen: unser neues Dinkelbrot! 🥖 Kommen Sie vorbei und probieren Sie "
    "es diese Woche zum Sonderpreis. #Bäckerei #Dinkel",
    "Wussten Sie schon? Unser Team repariert E-Bikes auch am Samstag. Termin einfach online "
    "buchen. #Fahrrad #Service",
    "Neues Produkt im Laden.",
    "Hinter den Kulissen: So entsteht unser Weihnachtsgebäck 🎄 Welche Sorte mögen Sie am "
    "liebsten? Schreiben Sie es in die Kommentare! #Handwerk #Backstube #Weihnachten",
)


# --- the simulated people and items ----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    key: str
    ability: float  # on the logit scale, mean 0
    diligence: float  # 0..1: skips fewer items and modules, retries more
    growth: float  # gain in self-assessment from before to after


@dataclass(frozen=True)
class ItemTraits:
    difficulty: float
    discrimination: float
    temptation: tuple[float, ...]  # weights of the wrong options (some tempt more than others)


def participant_names(count: int, seed: int = DEFAULT_SEED) -> list[str]:
    """`count` distinct German names (first name and surname), deterministic for the seed."""
    rng = random.Random(f"{seed}:names")
    pairs = [(f, s) for s in LAST_NAMES for f in FIRST_NAMES]
    rng.shuffle(pairs)
    names = [f"{first} {last}" for first, last in pairs[:count]]
    names += [f"Teilnehmer {number:05d}" for number in range(len(names) + 1, count + 1)]
    return names


def make_person(name: str, rng: random.Random) -> Person:
    return Person(
        name=name,
        key=participant_key(name),
        ability=rng.gauss(0.3, 1.0),
        diligence=rng.betavariate(4, 1.5),
        growth=max(0.0, rng.gauss(0.7, 0.4)),
    )


def item_traits(item_id: str, wrong_options: int, seed: int) -> ItemTraits:
    """Difficulty/discrimination per item; a few items are made very easy, very hard or poor."""
    rng = random.Random(f"{seed}:item:{item_id}")
    difficulty = rng.gauss(-0.6, 1.0)
    discrimination = rng.uniform(0.8, 2.2)
    roll = rng.random()
    if roll < 0.08:
        difficulty = -4.5  # nearly everybody gets it: "sehr leicht"
    elif roll < 0.13:
        difficulty = 3.2  # "sehr schwer"
    elif roll < 0.19:
        discrimination = 0.05  # right or wrong by chance: "trennt schlecht"
    temptation = tuple(rng.random() ** 3 for _ in range(wrong_options))
    return ItemTraits(difficulty, discrimination, temptation)


def p_correct(person: Person, traits: ItemTraits) -> float:
    return 1 / (1 + math.exp(-traits.discrimination * (person.ability - traits.difficulty)))


# --- answers per type ------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(list(choices), weights=[w + 1e-3 for w in weights])[0]


def _single_choice(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> int:
    correct = next(i for i, o in enumerate(item.options) if o.correct)
    if rng.random() < p:
        return correct
    wrong = [i for i in range(len(item.options)) if i != correct]
    return _weighted(rng, wrong, traits.temptation[: len(wrong)])


def _multiple_choice(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> list[int]:
    chosen, wrong_index = [], 0
    for index, option in enumerate(item.options):
        if option.correct:
            if rng.random() < 0.35 + 0.65 * p:
                chosen.append(index)
        else:
            weight = traits.temptation[wrong_index % len(traits.temptation)]
            wrong_index += 1
            if rng.random() < (1 - p) * (0.2 + 0.8 * weight):
                chosen.append(index)
    return chosen or [next(i for i, o in enumerate(item.options) if o.correct)]


def _true_false(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> bool:
    return item.answer if rng.random() < p else not item.answer


def _ordering(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> list[int]:
    order = list(range(len(item.steps)))
    if rng.random() >= p:
        for _ in range(rng.randint(1, len(order) - 1)):
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
    return order


def _matching(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> list[str | None]:
    rights = [pair.right for pair in item.pairs] + list(item.distractors)
    answer: list[str | None] = []
    for index, pair in enumerate(item.pairs):
        if rng.random() < 0.3 + 0.7 * p:
            answer.append(pair.right)
        else:
            others = [r for j, r in enumerate(rights) if j != index]
            weights = [traits.temptation[j % len(traits.temptation)] for j in range(len(others))]
            answer.append(_weighted(rng, others, weights))
    return answer


def _fill_blanks(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> list[str]:
    answer = []
    for blank in item.blanks:
        if rng.random() < 0.25 + 0.75 * p:
            word = rng.choice(blank.accept)
            answer.append(word.lower() if rng.random() < 0.2 else word)
        else:
            answer.append(rng.choice(WRONG_WORDS))
    return answer


def _numeric(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> Any:
    if rng.random() < p:
        value = item.answer
    elif item.mistakes and rng.random() < 0.7:
        value = _weighted(rng, [m.answer for m in item.mistakes], traits.temptation)
    else:
        value = round(item.answer * rng.choice((0.1, 0.5, 1.5, 10)), 2)
    if rng.random() < 0.5:
        typed = i18n.number(round(value, 2), grouping=False)  # as people type it: "2800,5"
        return typed + (f" {item.unit}" if item.unit else "")
    return value


def _keyword(rule: Any) -> str:
    words = [w for w in rule.any if w[:1].isupper()] or list(rule.any)
    return max(words, key=len)


def _free_text(item: Any, p: float, traits: ItemTraits, rng: random.Random) -> str:
    sentences = [
        rng.choice(FREE_TEXT_SENTENCES).format(kw=_keyword(rule))
        for rule in item.keywords
        if rng.random() < 0.2 + 0.8 * p
    ]
    fillers = list(FILLER_SENTENCES)
    rng.shuffle(fillers)
    text = " ".join(sentences)
    while len(text.split()) < max(item.min_words, 12) and fillers:
        text = (text + " " + fillers.pop()).strip()
    return text


ANSWER_MAKERS: dict[str, Callable[[Any, float, ItemTraits, random.Random], Any]] = {
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "true_false": _true_false,
    "ordering": _ordering,
    "matching": _matching,
    "fill_blanks": _fill_blanks,
    "numeric": _numeric,
    "free_text": _free_text,
}


def _wrong_options(item: Any) -> int:
    count = {
        "single_choice": lambda: len(item.options) - 1,
        "multiple_choice": lambda: sum(not o.correct for o in item.options),
        "matching": lambda: len(item.pairs) + len(item.distractors),
        "numeric": lambda: len(item.mistakes),
        "scenario": lambda: 4,
    }.get(item.type, lambda: 1)()
    return max(1, count)


def play_scenario(item: Any, p: float, rng: random.Random) -> ScenarioRun:
    """Play through: the best-scoring choice with probability p, another one otherwise."""
    run = ScenarioRun(item)
    for _ in range(4 * len(item.nodes)):
        if run.finished:
            break
        choices = run.node.choices or []
        best = max(range(len(choices)), key=lambda i: choices[i].score)
        others = [i for i in range(len(choices)) if i != best]
        run.choose(best if rng.random() < p or not others else rng.choice(others))
    return run


def likert_ratings(item: Any, person: Person, phase: str, rng: random.Random) -> dict[str, int]:
    base = 2.7 + 0.45 * person.ability + (person.growth if phase == "nachher" else 0.0)
    return {s.id: int(min(5, max(1, round(base + rng.gauss(0, 0.7))))) for s in item.statements}


def raci_answer(p: float, rng: random.Random) -> tuple[dict, float]:
    raci = RACI.logic
    model = raci.content().model
    matrix = model.matrix()
    for key in list(matrix.cells):
        if rng.random() > 0.55 + 0.45 * p:
            matrix.cells[key] = frozenset(rng.sample(raci.LETTERS, rng.randint(0, 2)))
    comparison = raci.compare(matrix, model)
    answer = {
        "matrix": matrix.to_rows(),
        "findings": [f.to_dict() for f in raci.check_matrix(matrix)],
        "right": comparison.right,
        "relevant": comparison.relevant,
        "model_seen": rng.random() < 0.3,
    }
    return answer, comparison.score


def post_answer(p: float, rng: random.Random) -> tuple[dict, float]:
    posts = POSTS.logic
    platform = posts.content().platform
    text = POST_DRAFTS[min(len(POST_DRAFTS) - 1, int((1 - p) * len(POST_DRAFTS)))]
    keywords = ["Dinkel", "Bäckerei"] if "Dinkel" in text else ["Service"]
    checks = posts.check_post(text, platform, keywords)
    answer = {
        "platform": platform,
        "keywords": keywords,
        "text": text,
        "chars": posts.char_count(text, platform),
        "checks": [c.to_dict() for c in checks],
    }
    return answer, posts.score(checks)


# --- one participant's document --------------------------------------------------------------


@dataclass
class _Writer:
    """Collects one participant's records with advancing timestamps."""

    module: str
    clock: datetime
    rng: random.Random
    records: list[dict]
    attempts: dict[tuple[str, str | None], int]

    def record(
        self, item_id: str, answer: Any, score: float | None, max_points: float | None, *,
        phase: str | None = None,
    ) -> None:  # fmt: skip
        self.clock += timedelta(seconds=self.rng.randint(35, 160))
        number = self.attempts.get((item_id, phase), 0) + 1
        self.attempts[(item_id, phase)] = number
        self.records.append(
            {
                "item_id": item_id,
                "answer": answer,
                "score": None if score is None else round(score, 4),
                "max_score": max_points,
                "attempt": number,
                "timestamp": self.clock.isoformat(timespec="seconds"),
                "module": self.module,
                "phase": phase,
            }
        )


class Simulator:
    """Answers of simulated people to a bank (or a subset of its items)."""

    def __init__(
        self,
        bank: Bank,
        seed: int = DEFAULT_SEED,
        items: Sequence[str] | None = None,
        variants: int | None = None,
    ):
        self.bank = bank
        self.seed = seed
        self.variants = variants
        self._pool: dict[tuple[str, int], list[tuple[Any, float, float | None, float]]] = {}
        wanted = set(items) if items is not None else None
        modules = {
            name: [i for i in module.item_ids if wanted is None or i in wanted]
            for name, module in bank.modules.items()
        }
        self.modules = {name: ids for name, ids in modules.items() if ids}
        self.exercises = items is None
        self.traits = {
            item_id: item_traits(item_id, _wrong_options(item), seed)
            for item_id, item in bank.items.items()
        }
        self._max = {i: max_score(it) for i, it in bank.items.items() if it.type == "scenario"}

    def answer(self, item: Any, p: float, rng: random.Random, writer: _Writer) -> float:
        """One attempt at a scored bank item; returns its score share."""
        answer, points, max_points, share = (
            self._attempt(item, p, rng) if not self.variants else self._pooled(item, p, rng)
        )
        writer.record(item.id, answer, points, max_points)
        return share

    def _attempt(self, item: Any, p: float, rng: random.Random):
        """(answer, points, max points, share) of one fresh attempt, graded for real."""
        if item.type == "scenario":
            run = play_scenario(item, p, rng)
            best = self._max[item.id]
            share = min(1.0, run.score / best) if best > 0 else 1.0
            return run.to_record(), run.score, best, share
        answer = ANSWER_MAKERS[item.type](item, p, self.traits[item.id], rng)
        result = grade(item, answer)
        return answer, result.points, result.max_points, result.score

    def _pooled(self, item: Any, p: float, rng: random.Random):
        """Benchmarks: reuse a few pre-graded attempts per item and ability band (fast)."""
        band = min(9, int(p * 10))
        pool = self._pool.get((item.id, band))
        if pool is None:
            maker = random.Random(f"{self.seed}:pool:{item.id}:{band}")
            pool = [self._attempt(item, (band + 0.5) / 10, maker) for _ in range(self.variants)]
            self._pool[(item.id, band)] = pool
        return pool[rng.randrange(len(pool))]

    def document(self, person: Person, index: int, start: datetime) -> dict:
        rng = random.Random(f"{self.seed}:participant:{index}")
        clock = start + timedelta(minutes=rng.randint(0, 12))
        writer = _Writer("", clock, rng, [], {})
        modules = list(self.modules)
        # Less diligent people may stop after a module (never before the second one).
        stop_after = len(modules)
        for position in range(2, len(modules)):
            if rng.random() > 0.6 + 0.4 * person.diligence:
                stop_after = position
                break
        for position, module in enumerate(modules[:stop_after]):
            writer.module = module
            self._module(module, person, rng, writer, last=position == stop_after - 1)
            writer.clock += timedelta(minutes=rng.randint(10, 25))
        created = writer.records[0]["timestamp"] if writer.records else start.isoformat()
        updated = writer.records[-1]["timestamp"] if writer.records else created
        return {
            "format": FORMAT,
            "version": VERSION,
            "participant": {"name": person.name, "key": person.key},
            "created": created,
            "updated": updated,
            "answers": writer.records,
        }

    def _module(
        self, module: str, person: Person, rng: random.Random, writer: _Writer, last: bool
    ) -> None:
        item_ids = self.modules[module]
        likert = [i for i in item_ids if self.bank.items[i].type == "likert"]
        for item_id in likert:
            item = self.bank.items[item_id]
            writer.record(item_id, likert_ratings(item, person, "vorher", rng), None, None,
                          phase="vorher")  # fmt: skip
        # A participant who stops leaves the rest of their last module unanswered.
        cut = len(item_ids) if not last or rng.random() < 0.5 else rng.randint(1, len(item_ids))
        for item_id in item_ids[:cut]:
            item = self.bank.items[item_id]
            if item.type == "likert" or rng.random() < 0.04 * (1 - person.diligence):
                continue
            p = p_correct(person, self.traits[item_id])
            share = self.answer(item, p, rng, writer)
            if share < 1 and rng.random() < 0.25 + 0.4 * person.diligence:
                self.answer(item, p + (1 - p) * 0.6, rng, writer)  # learnt from the feedback
        self._exercises(module, person, rng, writer)
        if not module.startswith("00_") and cut == len(item_ids):
            for item_id in likert:
                item = self.bank.items[item_id]
                writer.record(item_id, likert_ratings(item, person, "nachher", rng), None, None,
                              phase="nachher")  # fmt: skip

    def _exercises(self, module: str, person: Person, rng: random.Random, writer: _Writer):
        if not self.exercises:
            return
        p = 1 / (1 + math.exp(-(person.ability + 0.5)))
        if module == RACI.module:
            answer, score = raci_answer(p, rng)
            writer.record(RACI_ITEM, answer, score, 1.0)
        if module == POSTS.module:
            answer, score = post_answer(p, rng)
            writer.record(POST_ITEM, answer, score, 1.0)


def dump(document: dict, compact: bool = False) -> bytes:
    """Bytes as :mod:`smmkit.store` writes them (``compact`` for fast benchmark files)."""
    indent = None if compact else 1
    text = json.dumps(file_layout(document), ensure_ascii=False, indent=indent)
    return (text + "\n").encode("utf-8")


def generate_results(
    folder: str | Path,
    bank: Bank,
    participants: int = 12,
    seed: int = DEFAULT_SEED,
    *,
    items: Sequence[str] | None = None,
    start: datetime = DEFAULT_START,
    compact: bool = False,
    variants: int | None = None,
) -> list[Path]:
    """Write one result file per simulated participant into `folder`; returns the paths.

    `items` limits the bank items answered (widget exercises are then left out); `compact`
    and `variants` (pre-graded attempts per item and ability band) make large benchmark
    folders fast to write. The same arguments always give the same bytes.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    simulator = Simulator(bank, seed, items, variants)
    paths = []
    for index, name in enumerate(participant_names(participants, seed)):
        person = make_person(name, random.Random(f"{seed}:person:{index}"))
        path = folder / f"{person.key}.json"
        path.write_bytes(dump(simulator.document(person, index, start), compact))
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    from ..bank import find_root, load_bank

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder for the result files")
    parser.add_argument("--participants", type=int, default=12)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--root", default=".", help="project folder with content/")
    args = parser.parse_args(argv)
    bank = load_bank(find_root(Path(args.root)))
    paths = generate_results(args.out, bank, args.participants, args.seed)
    print(f"{len(paths)} Ergebnisdateien nach {args.out} geschrieben")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
