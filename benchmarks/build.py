"""Benchmark the handout build (run on demand: `.venv/bin/python benchmarks/build.py`).

Prints, measured in one run on this machine:
- full build wall time (all notebooks × editions incl. PDFs, cache empty),
- the execution floor: sum of per-notebook kernel execution times ÷ CPU cores,
- their ratio (target ≤ 1.3), and how busy the CPU cores were meanwhile (a build that keeps
  every core busy cannot finish sooner than its CPU seconds ÷ cores: that bound is printed too),
- the same full build without PDFs (what the PDFs cost),
- the no-change rebuild time (target ≤ 1 s) — in-process and as a fresh `smmkit build` command,
- the naive way: `jupyter nbconvert --execute` once per notebook per output format
  (participant HTML, trainer HTML, executed notebook) plus one chromium process per PDF,
  and the speed-up against it (target ≥ 3×).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from smmkit.publish.build import BuildOptions, build  # noqa: E402
from smmkit.publish.pdf import CHROMIUM_ARGS, find_chromium  # noqa: E402


def isolated_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("SMMKIT_HOME", "SMMKIT_RESULTS_DIR", "MPLCONFIGDIR", "IPYTHONDIR"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = os.environ[name] = str(folder)
    return env


def busy_cpu_seconds() -> float | None:
    """CPU seconds all processes of the machine have used so far (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def full_build(work: Path, jobs: int, pdf: bool = True) -> tuple[float, float, int, float | None]:
    """(wall s, Σ kernel execution s, notebooks, CPU s used meanwhile by the whole machine)."""
    out = work / ("build" if pdf else "build-no-pdf")
    options = BuildOptions(
        root=REPO, out=out, generated_root=work / "generated", jobs=jobs, force=True, pdf=pdf
    )
    cpu = busy_cpu_seconds()
    started = time.perf_counter()
    report = build(options)
    wall = time.perf_counter() - started
    used = None if cpu is None else busy_cpu_seconds() - cpu
    return wall, report.execute_seconds, len(report.results), used


def print_cpu(label: str, wall: float, floor: float, used: float | None) -> None:
    """How busy the cores were: near 100 % the build is CPU-bound, and no scheduling can make
    it faster than (CPU seconds ÷ cores); that bound over the floor is the best ratio possible."""
    if used is None:
        return
    cores = os.cpu_count() or 1
    print(
        f"{label}: {used:5.1f} CPU s = {used / (wall * cores):4.0%} of {cores} cores; "
        f"CPU-bound minimum ÷ floor = {used / cores / floor:.2f}"
    )


def rebuild(work: Path, jobs: int) -> float:
    options = BuildOptions(
        root=REPO, out=work / "build", generated_root=work / "generated", jobs=jobs
    )
    started = time.perf_counter()
    report = build(options)
    assert report.built == 0, "the no-change rebuild rebuilt something"
    return time.perf_counter() - started


def rebuild_command(work: Path, env: dict[str, str]) -> float:
    smmkit = Path(sys.executable).with_name("smmkit")
    command = [str(smmkit), "build", "--quiet", "--root", str(REPO), "--out", str(work / "build")]
    started = time.perf_counter()
    # generated_root is not a CLI option; exercises/ are compared via the in-process build above
    subprocess.run(
        command + ["--edition", "handout", "--edition", "trainer", "--edition", "notebook"],
        check=True,
        env=env,
        capture_output=True,
    )
    return time.perf_counter() - started


def naive(work: Path, env: dict[str, str]) -> float:
    """What a trainer would do by hand: one nbconvert --execute per notebook and format, one chromium per PDF."""
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    chromium = find_chromium()
    out = work / "naive"
    out.mkdir()
    started = time.perf_counter()
    for notebook in sorted((REPO / "notebooks" / "de").glob("*.ipynb")):
        for fmt in ("smmkit_handout", "smmkit_trainer", "notebook"):
            name = f"{notebook.stem}-{fmt}"
            subprocess.run(
                [
                    jupyter,
                    "nbconvert",
                    "--execute",
                    "--to",
                    fmt,
                    str(notebook),
                    "--output-dir",
                    str(out),
                    "--output",
                    name,
                ],
                check=True,
                env=env,
                capture_output=True,
                cwd=notebook.parent,
            )
            if fmt != "notebook":
                profile = tempfile.mkdtemp(dir=work)
                subprocess.run(
                    [
                        chromium,
                        "--headless",
                        *CHROMIUM_ARGS,
                        "--no-pdf-header-footer",
                        f"--user-data-dir={profile}",
                        f"--print-to-pdf={out / (name + '.pdf')}",
                        (out / f"{name}.html").as_uri(),
                    ],
                    check=True,
                    env=env,
                    capture_output=True,
                )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="smmkit-bench-"))
    try:
        env = isolated_env(work / "env")
        wall, executed, notebooks, used = full_build(work, args.jobs)
        floor = executed / args.jobs
        again = rebuild(work, args.jobs)
        again_cli = rebuild_command(work, env)
        print(
            f"notebooks:                     {notebooks}  (jobs {args.jobs}, cores {os.cpu_count()})"
        )
        print(f"full build wall time:          {wall:6.1f} s")
        print(f"execution floor (Σ exec/cores): {floor:6.1f} s  (Σ exec {executed:.1f} s)")
        print(f"full build ÷ floor:            {wall / floor:6.2f}   (target ≤ 1.3)")
        print_cpu("  CPU during the full build", wall, floor, used)
        print(f"no-change rebuild (in-process): {again:6.2f} s  (target ≤ 1 s)")
        print(
            f"no-change rebuild (command):    {again_cli:6.2f} s  (incl. Python start-up and imports)"
        )
        bare, bare_executed, _, bare_used = full_build(work, args.jobs, pdf=False)
        bare_floor = bare_executed / args.jobs
        print(
            f"full build without PDFs:       {bare:6.1f} s  (floor {bare_floor:.1f} s, "
            f"÷ floor {bare / bare_floor:.2f}): the PDFs cost {wall - bare:.1f} s of the full build"
        )
        print_cpu("  CPU without PDFs", bare, bare_floor, bare_used)
        if not args.skip_naive:
            slow = naive(work, env)
            print(f"naive nbconvert + chromium:    {slow:6.1f} s")
            print(f"speed-up vs naive:             {slow / wall:6.2f} × (target ≥ 3)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
