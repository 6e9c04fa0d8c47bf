"""`smmkit check --results FOLDER` flags items by a group's statistics, located in the bank."""

from __future__ import annotations

import re

from helpers import VALID_ROOT
from results_support import record, write_participant

from smmkit.cli import main

STRONG = [f"Stark {n}" for n in range(6)]
WEAK = [f"Schwach {n}" for n in range(6)]


def planted_folder(folder):
    """Twelve participants; strong ones order and match right, weak ones do not.

    Planted: sc-01 too easy (everyone right), tf-01 too hard (everyone wrong), num-01 upside
    down (only the weak get it right), mc-01's distractor "Kantine" nobody ticks.
    """
    for name in STRONG + WEAK:
        strong = name in STRONG
        answers = [
            record("beispiel.sc-01", 0, 1.0),
            record("beispiel.tf-01", True, 0.0),
            record("beispiel.num-01", "15" if strong else "3", 0.0 if strong else 1.0),
            record("beispiel.mc-01", [0, 1, 3] if strong else [0], 1.0 if strong else 1 / 3),
            record("beispiel.ord-01", [0, 1, 2, 3] if strong else [3, 2, 1, 0], 1.0 if strong else 0.0),
            record("beispiel.gap-01", ["schnell", "gewürdigt"] if strong else ["", ""], 1.0 if strong else 0.0),
        ]  # fmt: skip
        write_participant(folder, name, answers)


def test_check_results_flags_planted_weak_items_at_their_place(tmp_path, capsys):
    folder = tmp_path / "ergebnisse"
    planted_folder(folder)
    assert main(["check", "--root", str(VALID_ROOT), "--results", str(folder)]) == 0
    err = capsys.readouterr().err
    flagged = set(re.findall(r"(beispiel\.[a-z0-9-]+)\S*: warning: .*\[(\w+)\]", err))
    assert flagged == {
        ("beispiel.sc-01", "facility"),
        ("beispiel.sc-01", "distractor"),  # everyone took the key: no distractor works
        ("beispiel.tf-01", "facility"),
        ("beispiel.num-01", "discrimination"),
        ("beispiel.mc-01", "distractor"),
    }
    assert (
        "content/de/01_beispiel.yaml:18: beispiel.mc-01.options[2]: warning: distractor "
        "'Kantine' was chosen by 0% (0 of 12)" in err
    )
    assert re.search(r"01_beispiel.yaml:5: beispiel.sc-01: warning: facility 1.00 \(above 0.9", err)
    assert main(["check", "--root", str(VALID_ROOT), "--results", str(folder), "--strict"]) == 1


def test_check_results_on_an_empty_folder_says_so(tmp_path, capsys):
    (tmp_path / "leer").mkdir()
    assert main(["check", "--root", str(VALID_ROOT), "--results", str(tmp_path / "leer")]) == 2
    assert "keine gültige Ergebnisdatei" in capsys.readouterr().err
