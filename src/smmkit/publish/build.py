"""Build every edition of every module notebook from one execution per notebook.

    notebooks/<lang>/<name>.ipynb  ──execute once──►  build/<lang>/notebooks/<name>.ipynb
                                                     build/<lang>/handouts/<name>.html|.pdf
                                                     build/<lang>/trainer/<name>.html|.pdf
                                   ──no execution──► exercises/<lang>/<name>.ipynb
                                                     solutions/<lang>/<name>.ipynb

Notebooks run in parallel worker processes (nbclient, one kernel each, longest first);
each executed notebook goes on to an export process for its HTML editions, and two tabs of
one chromium print the PDFs as the HTML is ready, so the kernels never wait for an export.
Everything else (exercise notebooks, agendas) starts once the first kernel does. A cache
keyed by the notebook, the bank and the package's own files skips unchanged work.
Everything is written to a staging folder first and swapped in at the end, so a failed
build leaves the previous output untouched.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError, NotebookError
from ..store import atomic_write

if TYPE_CHECKING:  # nbformat takes ~1.3 s to import: only the workers need it
    import nbformat

    from .pdf import PdfPrinter

HTML_EDITIONS = ("handout", "trainer")
EDITIONS = ("handout", "trainer", "notebook", "exercise", "solution", "app", "workshop")
EDITION_FOLDERS = {
    "handout": "handouts",
    "trainer": "trainer",
    "notebook": "notebooks",
    "app": "app",
}
SOURCE_EDITIONS = ("exercise", "solution")  # made from the source, no execution
# Made from the executed notebook, besides the HTML editions: the app keeps the results that
# are the same for everyone (preprocessors/freeze.py).
EXECUTED_NOTEBOOK_EDITIONS = ("app",)
CACHE_FILE = ".smmkit-build-cache.json"
TIMINGS_FILE = ".smmkit-build-timings.json"  # execution seconds per notebook, to order the jobs


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    langs: tuple[str, ...] = ("de",)
    notebooks: tuple[str, ...] = ()  # notebook names (stems); empty = all
    editions: tuple[str, ...] = EDITIONS
    pdf: bool = True
    force: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    out: Path | None = None  # default: <root>/build
    generated_root: Path | None = None  # where exercises/ and solutions/ go; default: <root>

    @property
    def build_dir(self) -> Path:
        return self.out or self.root / "build"


@dataclass
class NotebookResult:
    lang: str
    name: str
    status: str = "cached"  # "built" or "cached"
    execute_seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)


@dataclass
class BuildReport:
    results: list[NotebookResult]
    seconds: float
    execute_seconds: float  # sum over notebooks of kernel execution time
    jobs: int

    @property
    def built(self) -> int:
        return sum(r.status == "built" for r in self.results)


# ---------------------------------------------------------------------------------------------
# What to build
# ---------------------------------------------------------------------------------------------


def source_notebooks(options: BuildOptions) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for lang in options.langs:
        folder = options.root / "notebooks" / lang
        paths = sorted(folder.glob("*.ipynb"))
        if options.notebooks:
            wanted = {n.removesuffix(".ipynb") for n in options.notebooks}
            unknown = sorted(wanted - {p.stem for p in paths})
            if unknown:
                raise BuildError(f"no such notebook in {folder}: {', '.join(unknown)}")
            paths = [p for p in paths if p.stem in wanted]
        if not paths:
            raise BuildError(f"no notebooks found in {folder}")
        found.extend((lang, p) for p in paths)
    return found


def _hash_files(paths: Iterable[Path], digest: Any) -> None:
    for path in sorted(paths):
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())


def package_fingerprint() -> str:
    """Hash of the package's own files: a code, template or catalog change invalidates the cache."""
    package = Path(__file__).parents[1]
    digest = hashlib.sha256()
    files = [
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix in {".py", ".j2", ".css", ".json", ".yaml", ".csv"}
    ]
    _hash_files(files, digest)
    return digest.hexdigest()


def cache_key(notebook: Path, root: Path, lang: str, fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(notebook.read_bytes())
    _hash_files((root / "content" / lang).glob("*.y*ml"), digest)
    return digest.hexdigest()


def output_paths(
    build_dir: Path, root: Path, lang: str, name: str, options: BuildOptions
) -> dict[str, Path]:
    """Output file per edition key (e.g. 'handout.pdf'), relative paths are under build/ or root."""
    paths: dict[str, Path] = {}
    for edition in options.editions:
        if edition in HTML_EDITIONS:
            folder = build_dir / lang / EDITION_FOLDERS[edition]
            paths[f"{edition}.html"] = folder / f"{name}.html"
            if options.pdf:
                paths[f"{edition}.pdf"] = folder / f"{name}.pdf"
        elif edition == "workshop":
            continue  # agendas and guides belong to the project, not to one notebook
        elif edition in ("notebook", "app"):
            paths[f"{edition}.ipynb"] = (
                build_dir / lang / EDITION_FOLDERS[edition] / f"{name}.ipynb"
            )
        else:
            generated = options.generated_root or root
            paths[f"{edition}.ipynb"] = generated / f"{edition}s" / lang / f"{name}.ipynb"
    return paths


# ---------------------------------------------------------------------------------------------
# Worker: execute once, export HTML editions and the executed notebook
# ---------------------------------------------------------------------------------------------


def _execute(notebook_path: Path) -> tuple[nbformat.NotebookNode, float]:
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from .execute import execute_notebook

    notebook = nbformat.read(notebook_path, as_version=4)
    failed: dict[str, int] = {}

    def on_error(cell: Any, cell_index: int, **_: Any) -> None:
        failed["cell"] = cell_index + 1

    started = time.perf_counter()
    try:
        execute_notebook(notebook, cwd=notebook_path.parent, on_cell_error=on_error)
    except CellExecutionError as exc:
        summary = str(exc).strip().splitlines()
        raise NotebookError(
            str(notebook_path),
            failed.get("cell"),
            "cell failed: " + (summary[-1] if summary else "error"),
        ) from None
    return notebook, time.perf_counter() - started


@functools.cache
def _exporter(edition: str) -> Any:
    """One exporter per edition and process: each new one would compile its templates again."""
    from .exporters import (
        AppExporter,
        ExerciseExporter,
        HandoutExporter,
        SolutionExporter,
        TrainerExporter,
    )

    return {
        "handout": HandoutExporter,
        "trainer": TrainerExporter,
        "exercise": ExerciseExporter,
        "solution": SolutionExporter,
        "app": AppExporter,
    }[edition]()


def _export_html(edition: str, notebook: nbformat.NotebookNode, path: Path) -> str:
    exporter = _exporter(edition)
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def worker_setup() -> None:
    """Initializer of the build's worker processes.

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` whenever it is installed
    (jupyter-events pulls it in); that package compiles a grammar at import, 1.7 s of CPU in
    every worker. It only serves jsonschema's "iri" format check, which notebook validation
    never uses, so the workers block its import (jsonschema skips absent format checkers).
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# In execution workers: an Event the first notebook sets as its kernel starts.
_KERNEL_STARTING: Any = None
KERNEL_START_WAIT = 10.0  # seconds the build holds other work back at most


def execution_worker_setup(kernel_starting: Any) -> None:
    """Initializer of the execution workers (see `worker_setup`); `kernel_starting` tells
    the build when the first kernel starts."""
    global _KERNEL_STARTING
    worker_setup()
    _KERNEL_STARTING = kernel_starting


def execute_job(notebook_path: str, notebook_target: str | None) -> dict[str, Any]:
    """Worker entry: execute one notebook; returns it as JSON text (the exports run elsewhere,
    so that this worker can start the next kernel at once)."""
    import nbformat

    if _KERNEL_STARTING is not None:
        _KERNEL_STARTING.set()
    path = Path(notebook_path)
    notebook, seconds = _execute(path)
    title = _title(notebook, path.stem)
    text = nbformat.writes(notebook)
    if notebook_target is not None:
        out = Path(notebook_target)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return {"seconds": seconds, "title": title, "notebook": text}


def export_job(edition: str, notebook_json: str, notebook_path: str, target: str) -> None:
    """Worker entry: one edition of an executed notebook (HTML, or the app's notebook)."""
    import nbformat

    path, out = Path(notebook_path), Path(target)
    notebook = nbformat.reads(notebook_json, as_version=4)
    try:
        body = _export_html(edition, notebook, path)
    except NotebookError:
        raise
    except Exception as exc:
        raise BuildError(f"{path}: {edition} edition failed: {exc}") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")


def _title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def build_notebook_edition(edition: str, notebook_path: Path, target: Path) -> None:
    """Exercise or solution notebook from the source (no execution needed)."""
    exporter = _exporter(edition)
    resources = {"metadata": {"name": notebook_path.stem, "path": str(notebook_path.parent)}}
    body, _ = exporter.from_filename(str(notebook_path), resources=resources)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Staging and swap
# ---------------------------------------------------------------------------------------------


class Staging:
    """Mirror the folders a build writes to, then swap them in only when everything succeeded."""

    def __init__(self, folders: list[Path], work: Path):
        self.folders = sorted(set(folders))
        self.work = work / f".staging-{uuid.uuid4().hex[:8]}"
        self.map = {folder: self.work / str(i) for i, folder in enumerate(self.folders)}

    def __enter__(self) -> Staging:
        for folder, staged in self.map.items():
            if folder.exists():
                shutil.copytree(folder, staged, copy_function=_link_or_copy)
            else:
                staged.mkdir(parents=True)
        return self

    def locate(self, final: Path) -> Path:
        """Where `final` lives in the staging area (for reading)."""
        for folder, staged in self.map.items():
            if final.is_relative_to(folder):
                return staged / final.relative_to(folder)
        raise ValueError(f"{final} is outside the staged folders")

    def path(self, final: Path) -> Path:
        """The staged location to write `final` to. A mirrored hard link there is removed
        first, so writing never edits the previous build's file."""
        target = self.locate(final)
        target.unlink(missing_ok=True)
        return target

    def commit(self) -> None:
        for folder, staged in self.map.items():
            folder.parent.mkdir(parents=True, exist_ok=True)
            old = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
            if folder.exists():
                folder.rename(old)
            staged.rename(folder)
            shutil.rmtree(old, ignore_errors=True)

    def __exit__(self, *exc: Any) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    # Hard links make mirroring a large build/ instant; fresh files replace links, never edit them.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------


def _load_cache(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def build(options: BuildOptions, progress: Callable[[str, str], None] | None = None) -> BuildReport:
    """Build the requested editions; `progress(step, label)` is called after each output."""

    started = time.perf_counter()
    root = options.root.resolve()
    build_dir = (options.out or root / "build").resolve()
    notebooks = source_notebooks(options)
    fingerprint = package_fingerprint()
    cache_path = build_dir / CACHE_FILE
    cache = {} if options.force else _load_cache(cache_path)
    new_cache = dict(cache)

    # decide what is stale
    plans = []
    for lang, path in notebooks:
        key = cache_key(path, root, lang, fingerprint)
        targets = output_paths(build_dir, root, lang, path.stem, options)
        stale = {
            k: p
            for k, p in targets.items()
            if options.force or cache.get(str(p)) != key or not p.exists()
        }
        plans.append((lang, path, key, targets, stale))

    workshop_dir = build_dir / "de" / "workshop"
    workshop_key = workshop_cache_key(root, fingerprint, options.pdf)
    workshop_stale = (
        "workshop" in options.editions
        and "de" in options.langs
        and (root / "workshop" / "agendas").is_dir()
        and (
            options.force
            or cache.get(str(workshop_dir)) != workshop_key
            or not workshop_dir.exists()
        )
    )
    if any(stale for *_, stale in plans) or workshop_stale:
        # Only when something is rebuilt: the cache keys cover the content, so unchanged
        # outputs were made from content that passed this check.
        _check_content(root, options.langs)
    folders = sorted(
        {p.parent for *_, stale in plans for p in stale.values()}
        | ({workshop_dir} if workshop_stale else set())
    )
    results: list[NotebookResult] = []
    total_execute = 0.0
    with Staging(folders, build_dir) as staging:
        executed_jobs = []
        for lang, path, key, targets, stale in plans:
            result = NotebookResult(
                lang, path.stem, "built" if stale else "cached", outputs=list(targets.values())
            )
            results.append(result)
            for k in targets.keys() - stale.keys():
                _tick(progress, f"{lang}/{path.stem}", f"{k.replace('.', ' ')} (cached)")
            needs_kernel = {
                k: p
                for k, p in stale.items()
                if k.endswith(".html")
                or k == "notebook.ipynb"
                or k.split(".")[0] in EXECUTED_NOTEBOOK_EDITIONS
            }
            pdfs = {k: p for k, p in stale.items() if k.endswith(".pdf")}
            for k in pdfs:  # a PDF needs its HTML, even if the HTML itself is current
                html_key = k.replace(".pdf", ".html")
                needs_kernel.setdefault(html_key, targets[html_key])
            if needs_kernel:
                executed_jobs.append(_Job(result, path, key, needs_kernel, pdfs))
        timings = _load_timings(build_dir / TIMINGS_FILE)
        executed_jobs.sort(key=lambda job: -expected_seconds(job.path, timings))
        # Two tabs: two documents print at once, so that few PDFs are left to print
        # when the last notebook has run.
        from .pdf import PdfPrinter

        with PdfPrinter(pages=2, enabled=options.pdf) as printer:

            def render_workshop_now() -> None:
                if not workshop_stale:
                    return
                from .workshop import render_workshop

                out = staging.locate(workshop_dir)
                written = render_workshop(root, out, printer if options.pdf else None)
                new_cache[str(workshop_dir)] = workshop_key
                _tick(progress, "de/workshop", f"{len(written)} agendas and guides")

            source_jobs = [
                _SourceJob(f"{lang}/{path.stem}", edition, path, target, key)
                for lang, path, key, _targets, stale in plans
                for edition in SOURCE_EDITIONS
                if (target := stale.get(f"{edition}.ipynb")) is not None
            ]
            total_execute = _run_executions(
                executed_jobs,
                source_jobs,
                _Context(staging, options, progress, new_cache, printer),
                render_workshop_now,
            )
        if folders:
            staging.commit()
    build_dir.mkdir(parents=True, exist_ok=True)
    _write_cache(cache_path, new_cache)
    if executed_jobs:
        timings.update({str(job.path): job.result.execute_seconds for job in executed_jobs})
        _write_cache(build_dir / TIMINGS_FILE, timings)
    return BuildReport(results, time.perf_counter() - started, total_execute, options.jobs)


def _check_content(root: Path, langs: Iterable[str]) -> None:
    from ..bank import check

    for lang in langs:
        result = check(root, lang)
        if result.errors:
            raise BuildError(
                "the content has problems; run `smmkit check`:\n"
                + "\n".join(f"  {p}" for p in result.errors)
            )


def _load_timings(path: Path) -> dict[str, float]:
    try:
        timings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(timings, dict):
        return {}
    return {k: v for k, v in timings.items() if isinstance(v, int | float)}


def expected_seconds(notebook: Path, timings: dict[str, float]) -> float:
    """Expected execution seconds: the last build's, else guessed from the file size.

    The longest notebooks start first, so that no long one is left running alone at the end.
    """
    known = timings.get(str(notebook))
    return known if known is not None else notebook.stat().st_size / 10_000


def _write_cache(path: Path, cache: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(cache, indent=1, sort_keys=True))


def _tick(progress: Callable[[str, str], None] | None, notebook: str, edition: str) -> None:
    if progress:
        progress(notebook, edition)


def workshop_cache_key(root: Path, fingerprint: str, pdf: bool) -> str:
    digest = hashlib.sha256(f"{fingerprint}:{pdf}".encode())
    _hash_files(
        (p for p in (root / "workshop").rglob("*") if p.is_file() and p.suffix in {".yaml", ".md"}),
        digest,
    )
    _hash_files((root / "notebooks" / "de").glob("*.ipynb"), digest)
    _hash_files((root / "content" / "de").glob("*.y*ml"), digest)
    return digest.hexdigest()


@dataclass
class _Job:
    """One notebook to execute, and what is made from its execution."""

    result: NotebookResult
    path: Path
    key: str
    needs_kernel: dict[str, Path]  # "handout.html", "notebook.ipynb", "app.ipynb" … → output
    pdfs: dict[str, Path]
    title: str = ""
    left: set[str] = field(default_factory=set)  # outputs still being made


@dataclass(frozen=True)
class _SourceJob:
    """An exercise or solution notebook, made from the source without a kernel."""

    label: str
    edition: str
    path: Path
    target: Path
    key: str


@dataclass(frozen=True)
class _Context:
    staging: Staging
    options: BuildOptions
    progress: Callable[[str, str], None] | None
    new_cache: dict[str, str]
    printer: PdfPrinter


def _run_executions(
    jobs: list[_Job],
    source_jobs: list[_SourceJob],
    ctx: _Context,
    meanwhile: Callable[[], None],
) -> float:
    """Execute notebooks in worker processes, export them in another, print two PDFs at once.

    The execution workers never wait for an export: each starts its next kernel at once, so
    the cores stay busy with kernels, and exports and PDFs fill the gaps. `meanwhile()` (the
    agendas and guides) runs on a thread of its own while the first notebooks execute.
    """
    if not jobs:
        for source in source_jobs:
            _build_source(source, ctx)
        meanwhile()
        return 0.0
    total = 0.0
    context = get_context("spawn")  # never fork a process that runs chromium or zmq threads
    workers = max(1, min(ctx.options.jobs, len(jobs)))
    kernel_starting = context.Event()
    with (
        ProcessPoolExecutor(
            workers, context, initializer=execution_worker_setup, initargs=(kernel_starting,)
        ) as executors,
        # One export worker: a second one cost more CPU (its own imports) than it saved, in
        # benchmarks/build.py runs on 2 cores; two printing tabs did pay off (PDFs are the tail).
        ProcessPoolExecutor(1, context, initializer=worker_setup) as exporters,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="smmkit-workshop") as background,
    ):
        running: dict[Future, tuple[Any, str | None]] = {}
        for job in jobs:
            target = job.needs_kernel.get("notebook.ipynb")
            notebook_target = str(ctx.staging.path(target)) if target is not None else None
            running[executors.submit(execute_job, str(job.path), notebook_target)] = (job, None)
        # The kernels are the critical path: the export worker, the agendas and their PDFs
        # start once the first kernel does, instead of slowing the workers' start-up.
        kernel_starting.wait(KERNEL_START_WAIT)
        for source in source_jobs:
            target = ctx.staging.path(source.target)
            task = exporters.submit(build_notebook_edition, source.edition, source.path, target)
            running[task] = (source, source.edition)
        running[background.submit(meanwhile)] = (None, None)
        executing = len(jobs)
        try:
            pending = set(running)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job, edition = running.pop(future)
                    result = future.result()
                    if isinstance(job, _SourceJob):
                        _source_made(job, ctx)
                    elif isinstance(job, _Job):
                        total += _collect(job, edition, result, exporters, running, pending, ctx)
                        if edition is None:  # a notebook has run
                            executing -= 1
                            if not executing:
                                # Nothing new will be submitted: the pools finish what they
                                # have, and their workers exit (a few tenths of a second
                                # each) while the last exports and PDFs are made.
                                executors.shutdown(wait=False)
                                exporters.shutdown(wait=False)
        except BaseException:
            for future in running:
                future.cancel()
            raise
    return total


def _build_source(source: _SourceJob, ctx: _Context) -> None:
    build_notebook_edition(source.edition, source.path, ctx.staging.path(source.target))
    _source_made(source, ctx)


def _source_made(source: _SourceJob, ctx: _Context) -> None:
    """Record a written exercise, solution or app notebook as current, and report it."""
    ctx.new_cache[str(source.target)] = source.key
    _tick(ctx.progress, source.label, source.edition)


def _collect(
    job: _Job, step: str | None, result: Any, exporters, running, pending, ctx: _Context
) -> float:
    """A step of `job` finished: its execution (step None), an HTML export or a PDF.

    Each step hands the next ones on without waiting for them; returns execution seconds.
    """
    label = f"{job.result.lang}/{job.result.name}"
    seconds = 0.0
    if step is None:
        seconds = job.result.execute_seconds = result["seconds"]
        job.title = result["title"]
        if "notebook.ipynb" in job.needs_kernel:
            _tick(ctx.progress, label, "notebook ipynb")
        job.left = {k for k in job.needs_kernel if k != "notebook.ipynb"}
        for key in sorted(job.left):
            target = str(ctx.staging.path(job.needs_kernel[key]))
            export = exporters.submit(
                export_job, key.split(".")[0], result["notebook"], str(job.path), target
            )
            running[export] = (job, key)
            pending.add(export)
    else:
        job.left.discard(step)
        _tick(ctx.progress, label, step.replace(".", " "))
        if step.endswith(".html") and not any(k.endswith(".html") for k in job.left):
            for key in job.pdfs:  # every HTML is written: print the PDFs
                printing = _submit_pdf(ctx, job, key)
                job.left.add(key)
                running[printing] = (job, key)
                pending.add(printing)
    if not job.left:
        for path in [*job.needs_kernel.values(), *job.pdfs.values()]:
            ctx.new_cache[str(path)] = job.key
    return seconds


def _submit_pdf(ctx: _Context, job: _Job, key: str) -> Future:
    from ..i18n import t

    edition = key.split(".")[0]
    html_path = ctx.staging.locate(job.needs_kernel[key.replace(".pdf", ".html")])
    return ctx.printer.submit(
        html_path,
        ctx.staging.path(job.pdfs[key]),
        job.title,
        t(f"paper.edition.{'participant' if edition == 'handout' else 'trainer'}"),
    )


def count_steps(options: BuildOptions) -> int:
    editions = [e for e in options.editions if e != "workshop"]
    per_notebook = sum(2 if (e in HTML_EDITIONS and options.pdf) else 1 for e in editions)
    return per_notebook * len(source_notebooks(options)) + ("workshop" in options.editions)


class ProgressBar:
    """A plain progress bar on stderr: notebooks × editions."""

    def __init__(self, total: int, stream: Any = None, width: int = 28):
        self.total, self.done, self.width = max(total, 1), 0, width
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self._lock = threading.Lock()  # the agendas report from a thread of their own

    def __call__(self, notebook: str, edition: str) -> None:
        with self._lock:
            self._draw(notebook, edition)

    def _draw(self, notebook: str, edition: str) -> None:
        self.done += 1
        filled = int(self.width * self.done / self.total)
        bar = "█" * filled + "·" * (self.width - filled)
        line = f"[{bar}] {self.done:>3}/{self.total} {time.perf_counter() - self.started:5.1f}s  {notebook}: {edition}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def summary_table(report: BuildReport, root: Path) -> str:
    rows = [("notebook", "status", "execute s", "outputs")]
    for r in report.results:
        rows.append(
            (
                f"{r.lang}/{r.name}",
                r.status,
                f"{r.execute_seconds:.1f}" if r.status == "built" else "–",
                str(len(r.outputs)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    floor = report.execute_seconds / max(1, min(report.jobs, max(1, report.built)))
    lines.append("")
    lines.append(
        f"{report.built} built, {len(report.results) - report.built} cached in {report.seconds:.1f} s "
        f"(kernel execution {report.execute_seconds:.1f} s over {report.jobs} jobs, floor ≈ {floor:.1f} s)"
    )
    return "\n".join(lines)
