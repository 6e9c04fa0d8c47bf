"""Benchmark loading, analysing and reporting large results folders (run on demand).

    .venv/bin/python benchmarks/results.py                 # 1k, 10k and 50k participants
    .venv/bin/python benchmarks/results.py --sizes 1000 10000 --items 80

For each size it writes synthetic result files (80 items of the real bank per participant,
with retries and self-assessments; compact JSON and a few pre-graded attempts per item and
ability band so that writing 50k files takes about a minute) into a temporary folder, then
times separately:

- load: reading and validating every file into the tidy table (parallel parsing),
- analysis: every table of the report (pure pandas/numpy),
- report: German tables, charts and the HTML file (no PDF).

With ``--repeat N`` every size is loaded and analysed N times and the median run is printed
(the machine's speed drifts between runs).

Targets: load + analysis ≤ 2 s at 10k participants, and linear growth (time per
participant roughly constant). Wall times depend on what else runs on the machine, so the
CPU time of load + analysis (this process and its helper processes) is printed as well. The
files are in the page cache when they are loaded (they were just written); a cold disk adds
its read time.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from smmkit.content import load_bank  # noqa: E402
from smmkit.results import load_results  # noqa: E402
from smmkit.results.analysis import analyse  # noqa: E402
from smmkit.results.report import prepare_report, render_html  # noqa: E402
from smmkit.results.synthetic import generate_results  # noqa: E402


def items_of(bank, count: int) -> list[str]:
    """The first `count` items of the bank in module order (all types, as people meet them)."""
    return [i for module in bank.modules.values() for i in module.item_ids][:count]


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the parsing helpers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action):
    """(result, wall seconds, CPU seconds): CPU time shows linear growth even when other
    jobs share the machine and stretch the wall time."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = action()
    return result, time.perf_counter() - started, cpu_seconds() - cpu


def run(
    size: int, items: list[str], bank, work: Path, workers: int | None, repeat: int = 1
) -> dict:
    folder = work / f"n{size}"
    _, generate, _ = timed(
        lambda: generate_results(folder, bank, size, seed=7, items=items, compact=True, variants=8)
    )
    # The machine's speed drifts by ±20 % within minutes: with --repeat, the same folder is
    # loaded and analysed several times and the median run (by load + analysis) is reported.
    runs = []
    for _ in range(repeat):
        loaded, load, load_cpu = timed(lambda: load_results(folder, bank))
        analysis, analyse_time, analyse_cpu = timed(lambda: analyse(loaded, bank))  # noqa: B023
        runs.append((load + analyse_time, load, load_cpu, analyse_time, analyse_cpu))
    runs.sort()
    _, load, load_cpu, analyse_time, analyse_cpu = runs[len(runs) // 2]

    def report() -> int:
        html = render_html(prepare_report(loaded, bank, analysis=analysis))
        (work / f"report-{size}.html").write_text(html, encoding="utf-8")
        return len(html)

    html_bytes, report_time, _ = timed(report)
    result = {
        "size": size,
        "megabytes": folder_megabytes(folder),
        "answers": len(loaded.answers),
        "generate": generate,
        "load": load,
        "load_cpu": load_cpu,
        "analyse": analyse_time,
        "analyse_cpu": analyse_cpu,
        "report": report_time,
        "html_mb": html_bytes / 1e6,
    }
    shutil.rmtree(folder)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--items", type=int, default=80)
    parser.add_argument(
        "--workers", type=int, help="parsing processes, this one included (default: automatic)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="loads per size; the median run is printed"
    )
    parser.add_argument("--work", help="folder for the files (default: a temporary folder)")
    args = parser.parse_args()
    bank = load_bank(REPO)
    items = items_of(bank, args.items)
    print(f"{len(items)} items per participant, {os.cpu_count()} CPU cores, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    # The interpreter's build matters (scripts/pick-python): name the one measured.
    print(f"Python {platform.python_version()} ({sys._base_executable})")
    header = (
        f"{'participants':>12} {'answers':>10} {'files MB':>9} {'write s':>8} {'load s':>7} "
        f"{'analyse s':>9} {'load+an. s':>10} {'ms/person':>9} {'CPU s':>7} {'CPU ms/p':>8} "
        f"{'report s':>8} {'HTML MB':>7}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="smmkit-bench-", dir=args.work) as tmp:
        for size in args.sizes:
            r = run(size, items, bank, Path(tmp), args.workers, max(1, args.repeat))
            both = r["load"] + r["analyse"]
            cpu = r["load_cpu"] + r["analyse_cpu"]
            print(
                f"{r['size']:>12,} {r['answers']:>10,} {r['megabytes']:>9.0f} "
                f"{r['generate']:>8.1f} {r['load']:>7.2f} {r['analyse']:>9.2f} {both:>10.2f} "
                f"{1000 * both / r['size']:>9.3f} {cpu:>7.1f} {1000 * cpu / r['size']:>8.3f} "
                f"{r['report']:>8.2f} {r['html_mb']:>7.1f}   (load average "
                f"{os.getloadavg()[0]:.1f})",
                flush=True,
            )
    print(f"load average after the run {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
