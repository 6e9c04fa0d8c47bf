"""Parsing in several processes: every file once, the same columns whoever parsed what."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import VALID_ROOT
from results_support import record, write_participant, write_raw

from smmkit.results import load_results, parallel
from smmkit.results.catalog import build_catalog
from smmkit.results.columns import Columns, _first_use_codes, combine
from smmkit.results.loader import result_files
from smmkit.results.parsing import parse_files


def mixed_folder(folder: Path, people: int) -> list[str]:
    """Files that use answer texts, exercise ids and phase names in varying order, and a few
    that are skipped or only partly usable."""
    for number in range(people):
        answers = [
            record("beispiel.sc-01", number % 3, 1.0 if number % 3 == 0 else 0.0),
            record("beispiel.num-01", f"{number % 7},0 %", 0.0, minute=1),
            record("beispiel.tf-01", number % 2 == 0, 1.0, minute=2, phase="vorher"),
        ]
        if number % 5 == 0:
            answers.append(record(f"team.raci-{number % 4}", {"x": number % 3}, None, None))
        if number % 7 == 0:
            answers.append(record("beispiel.sc-01", 1, 0.0, attempt=2, phase=f"runde-{number}"))
        if number % 11 == 0:
            answers.append(record("beispiel.tf-01", "kein Wahrheitswert", 1.0))  # dropped
        write_participant(folder, f"Person {number:03d}", answers)
    write_raw(folder, "kaputt.json", "{")
    write_participant(folder, "Person 000", [record("beispiel.sc-01", 2, 0.0)], filename="zz.json")
    return result_files(folder)


def assert_same_columns(one: Columns, two: Columns) -> None:
    for field in fields(Columns):
        a, b = getattr(one, field.name), getattr(two, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=field.name)
            assert a.dtype == b.dtype, field.name
        else:
            assert a == b, field.name


def test_chunks_of_interleaved_files_combine_to_the_folder_order(tmp_path, fixture_bank):
    paths = mixed_folder(tmp_path, 60)
    catalog = build_catalog(fixture_bank)
    whole = combine([parse_files(paths, catalog)], catalog)
    positions = np.arange(len(paths))
    parts = [positions[start::3] for start in (2, 0, 1)]  # every third file, out of order
    chunks = [parse_files([paths[i] for i in part], catalog, part.tolist()) for part in parts]
    assert_same_columns(combine(chunks, catalog), whole)


def test_names_are_numbered_in_order_of_first_use(tmp_path, fixture_bank):
    paths = mixed_folder(tmp_path, 30)
    catalog = build_catalog(fixture_bank)
    columns = combine([parse_files(paths, catalog)], catalog)
    first_answers = list(dict.fromkeys(columns.answer.tolist()))
    assert first_answers == list(range(len(columns.answer_texts)))
    extra = columns.item[columns.item >= len(catalog.item_ids)] - len(catalog.item_ids)
    assert list(dict.fromkeys(extra.tolist())) == list(range(len(columns.extra_items)))
    assert columns.extra_items == ["team.raci-0", "team.raci-1", "team.raci-2", "team.raci-3"]
    assert columns.phases[:3] == ["", "vorher", "nachher"]
    assert columns.phases[3:] == [f"runde-{n}" for n in range(0, 30, 7)]


def test_unused_names_are_left_out():
    names, new_code = _first_use_codes(np.array([2, 0, 2, 3]), 5)
    assert names.tolist() == [2, 0, 3] and new_code.tolist() == [1, -1, 0, 2, -1]


def test_processes_sharing_the_work_give_the_sequential_result(tmp_path, fixture_bank):
    paths = mixed_folder(tmp_path, 120)
    catalog = build_catalog(fixture_bank)
    chunks = parallel.parse_in_parallel(paths, catalog, workers=3, batch_files=1)
    held = np.sort(np.concatenate([chunk.positions for chunk in chunks]))
    np.testing.assert_array_equal(held, np.arange(len(paths)))  # every file exactly once
    assert_same_columns(combine(chunks, catalog), combine([parse_files(paths, catalog)], catalog))


def run_with_failing_helper(folder: Path, failure: str) -> tuple[dict, str]:
    """Parse `folder` in a fresh interpreter whose forked helper fails (see the script)."""
    script = Path(__file__).with_name("parallel_failures.py")
    done = subprocess.run(
        [sys.executable, str(script), str(VALID_ROOT), str(folder), failure],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(done.stdout), done.stderr


def test_files_a_helper_took_are_parsed_again_if_it_dies(tmp_path):
    mixed_folder(tmp_path, 600)
    report, _ = run_with_failing_helper(tmp_path, "die")
    assert report["method"] == "fork"  # so the helper ran the failure set up in the script
    # This process's share, then the files the helper took and lost, parsed again.
    assert report["chunks"] == 2 and report["last_chunk_files"] > 0
    assert report["same"]


def test_loading_with_several_processes_is_the_same_as_with_one(tmp_path, fixture_bank):
    mixed_folder(tmp_path, 80)
    one = load_results(tmp_path, fixture_bank, workers=1)
    three = load_results(tmp_path, fixture_bank, workers=3)
    for name in ("answers", "ratings", "participants"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(three, name))
    assert one.warnings == three.warnings and one.files == three.files


def test_batches_are_handed_out_once_and_in_order():
    batches = parallel.Batches(10, 4)
    assert [batches.take() for _ in range(4)] == [range(0, 4), range(4, 8), range(8, 10), None]


@pytest.mark.parametrize("files, expected", [(10, 1), (10_000, min(os.cpu_count() or 1, 8))])
def test_small_folders_are_parsed_in_this_process(files, expected, monkeypatch):
    monkeypatch.setattr(parallel, "start_method", lambda: ("fork", parallel.PARALLEL_MIN_FILES))
    assert parallel.default_workers(files) == expected


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_helpers_started_clean_as_in_a_jupyter_kernel_give_the_same_result(
    tmp_path, fixture_bank, monkeypatch, method
):
    # A kernel runs threads, so helpers are not forked from it but start a fresh
    # interpreter: they get paths, catalog and counter pickled, and may join late.
    paths = mixed_folder(tmp_path, 400)
    catalog = build_catalog(fixture_bank)
    monkeypatch.setattr(parallel, "start_method", lambda: (method, 0))
    chunks = parallel.parse_in_parallel(paths, catalog, workers=2, batch_files=1)
    assert len(chunks) == 2  # this process's and the helper's (empty if it came too late)
    assert_same_columns(combine(chunks, catalog), combine([parse_files(paths, catalog)], catalog))


def test_a_helper_that_cannot_write_its_chunk_exits_quietly_and_loses_nothing(tmp_path):
    mixed_folder(tmp_path, 300)
    report, errors = run_with_failing_helper(tmp_path, "disk-full")
    assert report["method"] == "fork" and report["same"]
    assert "Traceback" not in errors
