"""Time loading and analysing group results at 100, 1,000 and 10,000 participants.

    .venv/bin/python benchmarks/results.py                  # 100, 1,000, 10,000 × 80 items
    .venv/bin/python benchmarks/results.py --sizes 1000 --repeat 5

For each size it writes synthetic result files (`smmkit.results.synthetic`: 80 items of the
real bank per participant, with retries, scenarios, free texts and self-assessments) into a
temporary folder, then loads and analyses the folder `--repeat` times and prints the median
run: load, analysis, both, and both per participant (roughly constant if the time grows
linearly). The target: 1,000 participants loaded and analysed in at most 1 s on the 2-core
reference machine. The machine's speed drifts by ±20 % within minutes (more while other jobs
run), so the median of several runs is printed, with the CPU time next to the wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from smmkit.bank import load_bank  # noqa: E402
from smmkit.results import load_results  # noqa: E402
from smmkit.results.analysis import analyse  # noqa: E402
from smmkit.results.synthetic import generate_results  # noqa: E402

TARGET_SIZE, TARGET_SECONDS = 1000, 1.0


def timed(action):
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(folder: Path, bank, repeat: int) -> dict[str, float]:
    """The median of `repeat` loads and analyses of `folder` (by load + analysis)."""
    runs = []
    for _ in range(repeat):
        loaded, load, load_cpu = timed(lambda: load_results(folder, bank))
        _, analysis, analysis_cpu = timed(lambda: analyse(loaded, bank))  # noqa: B023
        runs.append({"load": load, "analysis": analysis, "both": load + analysis,
                     "cpu": load_cpu + analysis_cpu, "answers": len(loaded.answers)})  # fmt: skip
    middle = statistics.median(run["both"] for run in runs)
    return next(run for run in runs if run["both"] == middle)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument("--items", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median printed)")
    args = parser.parse_args()
    bank = load_bank(REPO)
    items = [i for module in bank.modules.values() for i in module.item_ids][: args.items]
    print(f"{len(items)} items per participant; Python {platform.python_version()} "
          f"({sys.executable}); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    header = (f"{'participants':>12} {'answers':>9} {'load s':>7} {'analysis s':>10} "
              f"{'both s':>7} {'CPU s':>6} {'ms/person':>9}")  # fmt: skip
    print(header + "\n" + "-" * len(header))
    results = {}
    with tempfile.TemporaryDirectory(prefix="smmkit-bench-") as work:
        for size in args.sizes:
            folder = Path(work) / str(size)
            generate_results(folder, bank, size, seed=7, items=items, compact=True, variants=8)
            run = results[size] = measure(folder, bank, max(1, args.repeat))
            print(f"{size:>12,} {run['answers']:>9,} {run['load']:>7.2f} {run['analysis']:>10.2f} "
                  f"{run['both']:>7.2f} {run['cpu']:>6.2f} {1000 * run['both'] / size:>9.3f}",
                  flush=True)  # fmt: skip
    if TARGET_SIZE in results:
        both = results[TARGET_SIZE]["both"]
        met = "yes" if both <= TARGET_SECONDS else "no"
        print(f"target met: {TARGET_SIZE:,} participants ≤ {TARGET_SECONDS:g} s: {met} "
              f"({both:.2f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
