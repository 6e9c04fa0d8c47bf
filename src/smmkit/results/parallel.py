"""Parse a folder's result files in several processes that share the work batch by batch.

The calling process parses too, next to ``workers - 1`` helper processes. Files are handed
out in small batches from a shared counter, so every parser keeps busy until the last batch
is taken: one that starts late (forkserver helpers import the package first) or runs on a
busier core simply parses fewer. Each parser keeps one :class:`ChunkBuilder` for all its
batches (its memo of checked answers stays warm) and hands over one chunk at the end
(helpers stop a little early, so that writing it overlaps with the last batches); the
chunks record each file's position, so :func:`~smmkit.results.columns.combine` restores the
folder's order and the result does not depend on who parsed what.

Nothing is lost if a helper fails: the files no returned chunk holds are parsed again here.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .catalog import Catalog
from .parsing import Chunk, ChunkBuilder, gc_paused, parse_files

PARALLEL_MIN_FILES = 600  # below this, starting helper processes costs more than it saves
MAX_WORKERS = 8
BATCH_FILES = 16  # per hand-out: a few ms of parsing, so parsers end within one batch
# Writing a chunk to its file takes a helper about 4 % of the time its files took to parse
# (measured at 10k files): helpers stop taking batches that much before the end, and this
# process parses the last files meanwhile instead of waiting for the file.
HANDOVER_SHARE = 0.04


def start_method() -> tuple[str, int]:
    """How to start helper processes, and from how many files on that pays off.

    fork is fastest (helpers inherit the imported package), but forking a process that runs
    other threads (a Jupyter kernel) can deadlock a child; forkserver helpers start clean
    and import the package themselves (about a second), so they pay off later.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork", PARALLEL_MIN_FILES
    if "forkserver" in methods:
        return "forkserver", 4 * PARALLEL_MIN_FILES
    return "spawn", 8 * PARALLEL_MIN_FILES


def default_workers(files: int) -> int:
    """Parsers for a folder of `files` files: one per CPU core if that pays off, else 1."""
    if files < start_method()[1]:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


class Batches:
    """Hands out consecutive batches of file indexes to whichever process asks next."""

    def __init__(self, total: int, size: int = BATCH_FILES, context: Any = None) -> None:
        self.total = total
        self.size = size
        self._next = (context or multiprocessing).Value("q", 0)

    def take(self) -> range | None:
        with self._next.get_lock():
            start = self._next.value
            if start >= self.total:
                return None
            self._next.value = start + self.size
        return range(start, min(start + self.size, self.total))

    def remaining(self) -> int:
        """Files not handed out yet (a glance: another process may take some meanwhile)."""
        return max(0, self.total - self._next.value)


def parse_batches(
    paths: Sequence[str],
    catalog: Catalog,
    batches: Batches,
    go_on: Callable[[int], bool] = lambda parsed: True,
) -> Chunk:
    """Parse batches into one chunk until none is left or `go_on(files parsed)` says stop."""
    builder = ChunkBuilder(catalog)
    with gc_paused():
        while go_on(len(builder.files)) and (batch := batches.take()) is not None:
            for index in batch:
                builder.add_file(paths[index], index)
        return builder.finish()


def _help(paths: Sequence[str], catalog: Catalog, batches: Batches, out: str) -> None:
    """A helper process: parse its share and pickle the chunk to the file `out`.

    A file, not a pipe: the helper writes it without waiting for a reader (the calling
    process is still parsing its last batch), and both sides copy the columns once, where
    a pipe takes a pickle copy, hundreds of 64 kB reads and an unpickle copy.
    """
    chunk = parse_batches(
        paths, catalog, batches, lambda parsed: batches.remaining() > parsed * HANDOVER_SHARE
    )
    try:
        with open(out, "wb") as file:  # in a private temporary folder (mode 0700)
            pickle.dump(chunk, file, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # e.g. a full disk: the calling process parses these files again
        raise SystemExit(1) from None  # quietly: no traceback for the trainer


def parse_in_parallel(
    paths: Sequence[str], catalog: Catalog, workers: int, batch_files: int = BATCH_FILES
) -> list[Chunk]:
    """Chunks that together hold every file of `paths` once (`workers` parsers in all)."""
    if workers <= 1 or len(paths) < 2 * batch_files:
        return [parse_files(paths, catalog)]
    method = start_method()[0]
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # The server imports the parser once; helpers forked from it start at once, instead
        # of importing the kit (about a second) on every load in a kernel.
        context.set_forkserver_preload([__name__])
    batches = Batches(len(paths), batch_files, context)
    with tempfile.TemporaryDirectory(prefix="smmkit-parse-") as scratch:
        helpers: list[tuple[Any, str]] = []
        try:
            for number in range(workers - 1):
                out = os.path.join(scratch, f"chunk-{number}.pickle")
                process = context.Process(
                    target=_help, args=(paths, catalog, batches, out), daemon=True
                )
                try:
                    process.start()
                except OSError:  # no more processes: the others share the work
                    break
                helpers.append((process, out))
            chunks = [parse_batches(paths, catalog, batches)]
            for helper in helpers:
                chunks.extend(_finished_chunk(*helper))
        except BaseException:  # interrupted: the helpers' work is not wanted any more
            for process, _ in helpers:
                process.kill()
                process.join()
            raise
    missing = _missing_positions(chunks, len(paths))
    if len(missing):
        chunks.append(parse_files([paths[i] for i in missing], catalog, missing.tolist()))
    return chunks


def _finished_chunk(process: Any, out: str) -> list[Chunk]:
    """The chunk a helper wrote (none if it failed: its files are parsed again)."""
    process.join()
    if process.exitcode != 0:
        return []
    try:
        with open(out, "rb") as file:
            chunk = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError):
        return []
    return [chunk] if isinstance(chunk, Chunk) else []


def _missing_positions(chunks: list[Chunk], total: int) -> np.ndarray:
    held = np.zeros(total, dtype=bool)
    for chunk in chunks:
        held[chunk.positions] = True
    return np.flatnonzero(~held)
