"""Synthetic sample data: realistic, deterministic, and the shipped folder is reproducible."""

from __future__ import annotations

import filecmp

from helpers import REPO

from smmkit.results import load_results
from smmkit.results.analysis import analyse
from smmkit.results.synthetic import DEFAULT_SEED, generate_results

SAMPLE = REPO / "workshop" / "beispiel-ergebnisse"


def test_shipped_sample_is_reproduced_byte_for_byte(tmp_path, shipped_bank):
    generate_results(tmp_path, shipped_bank, participants=12, seed=DEFAULT_SEED)
    shipped = sorted(p.name for p in SAMPLE.glob("*.json"))
    assert shipped == sorted(p.name for p in tmp_path.glob("*.json")) and len(shipped) == 12
    _, mismatch, errors = filecmp.cmpfiles(SAMPLE, tmp_path, shipped, shallow=False)
    assert (mismatch, errors) == ([], []), (
        "workshop/beispiel-ergebnisse is out of date with the bank: regenerate it with "
        "`.venv/bin/smmkit results sample workshop/beispiel-ergebnisse` (after deleting it)"
    )


def test_sample_is_realistic_and_loads_cleanly(shipped_bank):
    loaded = load_results(SAMPLE, shipped_bank)
    assert loaded.warnings == [] and len(loaded.participants) == 12
    answers = loaded.answers
    assert (answers["attempt"] > 1).any(), "some retries"
    assert set(answers["phase"].dropna()) == {"vorher", "nachher"}
    assert {"team.raci-01", "kreativitaet.post-01"} <= set(answers["item_id"].astype(str))
    result = analyse(loaded, shipped_bank)
    assert (result.completion.min(axis=1) < 1).any(), "not everybody finished everything"
    assert result.items["facility"].between(0, 1).all()
    assert result.items["remarks"].map(len).sum() > 0, "some items get flagged"
    profile = result.profile
    assert (profile["nachher"] > profile["vorher"]).all(), "self-assessments grow"
    assert not result.free_texts.empty and not result.endings.empty


def test_generation_is_deterministic_and_seeded(tmp_path, fixture_bank):
    a = generate_results(tmp_path / "a", fixture_bank, participants=5, seed=1)
    b = generate_results(tmp_path / "b", fixture_bank, participants=5, seed=1)
    c = generate_results(tmp_path / "c", fixture_bank, participants=5, seed=2)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]
    loaded = load_results(tmp_path / "a", fixture_bank)
    assert loaded.warnings == [] and len(loaded.answers) > 20
