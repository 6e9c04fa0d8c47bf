"""Parse a folder in two processes while the helper fails; run by test_results_parallel.

Runs as a fresh interpreter: it has no other threads, so the helper is forked and inherits
the failure set up here (the test process may run threads that rule out fork).

    python parallel_failures.py BANK_ROOT FOLDER (die | disk-full)

Prints JSON: the start method, the chunks returned, the files in the last one, and whether
the combined columns equal those of one sequential parse.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np

from smmkit.bank import load_bank
from smmkit.results import parallel
from smmkit.results.catalog import build_catalog
from smmkit.results.columns import Columns, combine
from smmkit.results.loader import result_files
from smmkit.results.parsing import parse_files


def take_everything_and_die(paths, catalog, batches, out) -> None:
    while batches.take() is not None:
        pass
    os._exit(3)


def disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device")


def same(one: Columns, two: Columns) -> bool:
    for field in fields(Columns):
        a, b = getattr(one, field.name), getattr(two, field.name)
        if isinstance(a, np.ndarray):
            try:
                np.testing.assert_array_equal(a, b, strict=True)  # NaN equals NaN here
            except AssertionError:
                return False
        elif a != b:
            return False
    return True


def main() -> None:
    bank_root, folder, failure = sys.argv[1:4]
    catalog = build_catalog(load_bank(Path(bank_root)))
    paths = result_files(Path(folder))
    if failure == "die":
        parallel._help = take_everything_and_die
    else:
        parallel.pickle.dump = disk_full
    chunks = parallel.parse_in_parallel(paths, catalog, workers=2, batch_files=1)
    report = {
        "method": parallel.start_method()[0],
        "chunks": len(chunks),
        "last_chunk_files": len(chunks[-1].files),
        "same": same(combine(chunks, catalog), combine([parse_files(paths, catalog)], catalog)),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
