"""Build every edition of every module notebook from one execution per notebook.

    notebooks/<lang>/<name>.ipynb  ──execute once──►  build/<lang>/notebooks/<name>.ipynb
                                                     build/<lang>/handouts/<name>.html|.pdf
                                                     build/<lang>/trainer/<name>.html|.pdf
                                   ──no execution──► exercises/<lang>/<name>.ipynb
                                                     solutions/<lang>/<name>.ipynb

Notebooks run in parallel worker processes (nbclient, one kernel each); PDFs are printed in
the main process with one chromium as each notebook's HTML is ready. A cache keyed by the
notebook, the bank and the package's own files skips unchanged work. Everything is written
to a staging folder first and swapped in at the end, so a failed build leaves the previous
output untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError, NotebookError

if TYPE_CHECKING:  # nbformat takes ~1.3 s to import: only the workers need it
    import nbformat

HTML_EDITIONS = ("handout", "trainer")
EDITIONS = ("handout", "trainer", "notebook", "exercise", "solution", "app", "workshop")
EDITION_FOLDERS = {
    "handout": "handouts",
    "trainer": "trainer",
    "notebook": "notebooks",
    "app": "app",
}
SOURCE_EDITIONS = ("exercise", "solution", "app")  # made from the source, no execution
CACHE_FILE = ".smmkit-build-cache.json"


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
    package = Path(__file__).parent
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


def _export_html(edition: str, notebook: nbformat.NotebookNode, path: Path) -> str:
    import nbformat

    from .exporters import HandoutExporter, TrainerExporter

    exporter = (TrainerExporter if edition == "trainer" else HandoutExporter)()
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    body, _ = exporter.from_notebook_node(nbformat.from_dict(notebook), resources=resources)
    return body


def build_executed(notebook_path: str, targets: dict[str, str]) -> dict[str, Any]:
    """Worker entry: execute one notebook and write its HTML editions and executed copy."""
    import nbformat

    path = Path(notebook_path)
    notebook, seconds = _execute(path)
    titles: dict[str, str] = {}
    for key, target in targets.items():
        out = Path(target)
        out.parent.mkdir(parents=True, exist_ok=True)
        if key == "notebook.ipynb":
            nbformat.write(notebook, out)
        elif key.endswith(".html"):
            edition = key.split(".")[0]
            try:
                out.write_text(_export_html(edition, notebook, path), encoding="utf-8")
            except NotebookError:
                raise
            except Exception as exc:
                raise BuildError(f"{path}: {edition} edition failed: {exc}") from exc
    titles["title"] = _title(notebook, path.stem)
    return {"seconds": seconds, "title": titles["title"]}


def _title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def build_notebook_edition(edition: str, notebook_path: Path, target: Path) -> None:
    """Exercise, solution or app notebook from the source (no execution needed)."""
    from .exporters import AppExporter, ExerciseExporter, SolutionExporter

    exporter = {"exercise": ExerciseExporter, "solution": SolutionExporter, "app": AppExporter}[
        edition
    ]()
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
            for edition in SOURCE_EDITIONS:
                target = stale.get(f"{edition}.ipynb")
                if target is not None:
                    build_notebook_edition(edition, path, staging.path(target))
                    new_cache[str(target)] = key
                    _tick(progress, f"{lang}/{path.stem}", edition)
            needs_kernel = {
                k: p for k, p in stale.items() if k.endswith(".html") or k == "notebook.ipynb"
            }
            pdfs = {k: p for k, p in stale.items() if k.endswith(".pdf")}
            for k in pdfs:  # a PDF needs its HTML, even if the HTML itself is current
                html_key = k.replace(".pdf", ".html")
                needs_kernel.setdefault(html_key, targets[html_key])
            if needs_kernel:
                executed_jobs.append((result, path, key, needs_kernel, pdfs))
        with LazyPrinter(options.pdf) as printer:

            def render_workshop_now() -> None:
                if not workshop_stale:
                    return
                from .workshop import render_workshop

                out = staging.locate(workshop_dir)
                written = render_workshop(root, out, printer.get() if options.pdf else None)
                new_cache[str(workshop_dir)] = workshop_key
                _tick(progress, "de/workshop", f"{len(written)} agendas and guides")

            # The agendas need no kernel: print them while the first notebooks execute.
            total_execute = _run_executions(
                executed_jobs, staging, options, progress, new_cache, printer, render_workshop_now
            )
        if folders:
            staging.commit()
    build_dir.mkdir(parents=True, exist_ok=True)
    _write_cache(cache_path, new_cache)
    return BuildReport(results, time.perf_counter() - started, total_execute, options.jobs)


def _check_content(root: Path, langs: Iterable[str]) -> None:
    from .content import check

    for lang in langs:
        result = check(root, lang)
        if result.problems:
            raise BuildError(
                "the content has problems; run `smmkit check`:\n"
                + "\n".join(f"  {p}" for p in result.problems)
            )


def _write_cache(path: Path, cache: dict[str, str]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def _tick(progress: Callable[[str, str], None] | None, notebook: str, edition: str) -> None:
    if progress:
        progress(notebook, edition)


class LazyPrinter:
    """One chromium for every PDF of a build, started only when the first PDF is due."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._printer = None

    def get(self):
        if self._printer is None:
            from .pdf import PdfPrinter

            self._printer = PdfPrinter().__enter__()
        return self._printer

    def __enter__(self) -> LazyPrinter:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._printer is not None:
            self._printer.__exit__(None, None, None)


def workshop_cache_key(root: Path, fingerprint: str, pdf: bool) -> str:
    digest = hashlib.sha256(f"{fingerprint}:{pdf}".encode())
    _hash_files(
        (p for p in (root / "workshop").rglob("*") if p.is_file() and p.suffix in {".yaml", ".md"}),
        digest,
    )
    _hash_files((root / "notebooks" / "de").glob("*.ipynb"), digest)
    _hash_files((root / "content" / "de").glob("*.y*ml"), digest)
    return digest.hexdigest()


def _run_executions(
    jobs,
    staging: Staging,
    options: BuildOptions,
    progress,
    new_cache,
    printer: LazyPrinter,
    meanwhile,
) -> float:
    """Execute notebooks in worker processes; `meanwhile()` runs here while they work."""
    if not jobs:
        meanwhile()
        return 0.0
    total = 0.0
    context = get_context("spawn")  # never fork a process that runs chromium or zmq threads
    with ProcessPoolExecutor(
        max_workers=max(1, min(options.jobs, len(jobs))), mp_context=context
    ) as pool:
        futures: dict[Future, tuple] = {}
        for job in jobs:
            result, path, key, needs_kernel, pdfs = job
            targets = {k: str(staging.path(p)) for k, p in needs_kernel.items()}
            futures[pool.submit(build_executed, str(path), targets)] = job
        try:
            meanwhile()
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result, path, key, needs_kernel, pdfs = futures[future]
                    info = future.result()
                    result.execute_seconds = info["seconds"]
                    total += info["seconds"]
                    label = f"{result.lang}/{result.name}"
                    for k, p in needs_kernel.items():
                        new_cache[str(p)] = key
                        _tick(progress, label, k.replace(".", " "))
                    if pdfs:
                        _print_pdfs(
                            printer.get(),
                            staging,
                            needs_kernel,
                            pdfs,
                            info["title"],
                            progress,
                            label,
                        )
                        for p in pdfs.values():
                            new_cache[str(p)] = key
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return total


def _print_pdfs(printer, staging: Staging, html_paths, pdfs, title, progress, label) -> None:
    from .i18n import t

    for key, pdf_path in pdfs.items():
        edition = key.split(".")[0]
        html_path = staging.locate(html_paths[key.replace(".pdf", ".html")])
        printer.print(
            html_path,
            staging.path(pdf_path),
            title,
            t(f"paper.edition.{'participant' if edition == 'handout' else 'trainer'}"),
        )
        _tick(progress, label, f"{edition} pdf")


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

    def __call__(self, notebook: str, edition: str) -> None:
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
