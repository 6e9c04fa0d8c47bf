"""Every shipped free-text item, tried on realistic good, poor and evasive answers.

`tests/fixtures/free_text/<module>.yaml` holds, per item id, answers a participant might
write. Good answers must earn at least 75 % of the points, poor ones at most half, evasive
ones (polite words without substance, or the right words in a wrong sense) at most a quarter.
"""

from __future__ import annotations

import pytest
import yaml
from helpers import FIXTURES, REPO

from smmkit.bank import load_bank
from smmkit.bank.grading import grade

BANK = load_bank(REPO)
FREE_TEXT = sorted(i for i, item in BANK.items.items() if item.type == "free_text")
ANSWERS = {
    item_id: answers
    for path in sorted((FIXTURES / "free_text").glob("*.yaml"))
    for item_id, answers in yaml.safe_load(path.read_text(encoding="utf-8")).items()
}
LIMITS = {"good": (0.75, 1.0), "poor": (0.0, 0.5), "evasive": (0.0, 0.25)}


def test_every_free_text_item_has_tried_answers():
    missing = [i for i in FREE_TEXT if i not in ANSWERS]
    assert not missing, (
        f"add good, poor and evasive answers to tests/fixtures/free_text/: {missing}"
    )
    unknown = sorted(set(ANSWERS) - set(FREE_TEXT))
    assert not unknown, f"answers for ids that are not free-text items: {unknown}"


@pytest.mark.parametrize("item_id", FREE_TEXT)
def test_keyword_rules_score_answers_as_a_trainer_would(item_id):
    item = BANK.items[item_id]
    answers = ANSWERS.get(item_id, {})
    for kind, (low, high) in LIMITS.items():
        assert answers.get(kind), f"{item_id}: no {kind} answer"
        for text in answers[kind]:
            score = grade(item, text).score
            assert low <= score <= high, f"{item_id}: {kind} answer scored {score:.0%}: {text!r}"
