"""The handout build end to end: real kernels, real nbconvert, real chromium, real nbval.

One full build (all notebooks × editions, with PDFs) is made once per test run and shared by
the xdist workers through a file lock.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, require_pdf_tools

from smmkit.bank import load_bank
from smmkit.bank.facts import load_facts
from smmkit.errors import BuildError, NotebookError
from smmkit.markup import md
from smmkit.publish.build import BuildOptions, build
from smmkit.publish.solutions import solution_regions

NOTEBOOKS = sorted(p.stem for p in (REPO / "notebooks" / "de").glob("*.ipynb"))
pytestmark = pytest.mark.kernel


def build_dir(built: Path) -> Path:
    return built / "build" / "de"


# ---------------------------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return normalise(" ".join(parser.parts))


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def markdown_text(source: str) -> str:
    return visible_text(md(source))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# ---------------------------------------------------------------------------------------------
# forbidden strings: everything only trainers may see
# ---------------------------------------------------------------------------------------------

MIN_LENGTH = 24  # shorter strings ("Ja.", "Stimmt.") are too common to prove a leak


def bank_secrets() -> set[str]:
    bank = load_bank(REPO)
    secrets: set[str] = set()
    for item in bank.items.values():
        texts = [item.explanation, item.trainer_note]
        texts += [o.feedback for o in getattr(item, "options", [])]
        texts += [p.feedback for p in getattr(item, "pairs", [])]
        texts += [b.feedback for b in getattr(item, "blanks", [])]
        texts += [m.feedback for m in getattr(item, "mistakes", [])]
        if item.type == "free_text":
            texts += (
                [item.model_answer]
                + [r.present for r in item.keywords]
                + [r.missing for r in item.keywords]
            )
        if item.type == "scenario":
            for node in item.nodes:
                texts += [c.feedback for c in node.choices or []]
                if node.ending:
                    texts.append(node.ending.debrief)
        secrets.update(markdown_text(text) for text in texts if text)
    for quiz_set in bank.quiz_sets.values():
        secrets.update(markdown_text(b.feedback) for b in quiz_set.bands)
    return {s for s in secrets if len(s) >= MIN_LENGTH}


def notebook_secrets(name: str) -> tuple[set[str], set[str]]:
    """(trainer-note sentences, solution code lines) of one source notebook."""
    notebook = nbformat.read(REPO / "notebooks" / "de" / f"{name}.ipynb", as_version=4)
    notes: set[str] = set()
    solution_lines: set[str] = set()
    other_lines: set[str] = set()
    for cell in notebook.cells:
        tags = set(cell.metadata.get("tags", []))
        if "trainer" in tags:
            # the editions show the facts' values, not the {{fakt:id}} placeholders
            source = load_facts(REPO, "de").resolve(cell.source)[0]
            for paragraph in re.split(r"\n\s*\n", source):
                text = markdown_text(paragraph)
                if len(text) >= 40:
                    notes.add(text)
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        inside = {i for begin, end in solution_regions(cell.source) for i in range(begin + 1, end)}
        if "solution" in tags:
            inside = set(range(len(lines)))
        for index, line in enumerate(lines):
            (solution_lines if index in inside else other_lines).add(line.strip())
    code = {
        line
        for line in solution_lines - other_lines
        if len(line) >= 20 and not line.startswith("#")
    }
    return notes, code


def assert_no_secrets(text: str, secrets: set[str], where: str) -> None:
    leaked = sorted(s for s in secrets if s in text)
    assert not leaked, f"{where} leaks {len(leaked)} trainer-only strings, e.g. {leaked[:3]}"


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


def test_every_notebook_has_every_edition(built):
    out = build_dir(built)
    for name in NOTEBOOKS:
        for folder, suffixes in (
            ("handouts", (".html", ".pdf")),
            ("trainer", (".html", ".pdf")),
            ("notebooks", (".ipynb",)),
        ):
            for suffix in suffixes:
                assert (out / folder / f"{name}{suffix}").stat().st_size > 1000, (
                    f"{folder}/{name}{suffix}"
                )
        for edition in ("exercises", "solutions"):
            assert (built / "generated" / edition / "de" / f"{name}.ipynb").exists()


def test_participant_editions_and_exercises_leak_nothing(built):
    bank = bank_secrets()
    assert len(bank) > 50, "the scan found too few bank secrets to be meaningful"
    out = build_dir(built)
    for name in NOTEBOOKS:
        notes, code = notebook_secrets(name)
        secrets = bank | notes | code
        html = (out / "handouts" / f"{name}.html").read_text(encoding="utf-8")
        assert not re.search(
            r'class="[^"]*\b(smmkit-correct|smmkit-key|smmkit-trainer-note|smmkit-debrief)\b', html
        )
        assert "☒" not in html
        assert_no_secrets(visible_text(html), secrets, f"handouts/{name}.html")
        assert_no_secrets(
            normalise(pdf_text(out / "handouts" / f"{name}.pdf")),
            secrets - code,
            f"handouts/{name}.pdf",
        )
        exercise = nbformat.read(
            built / "generated" / "exercises" / "de" / f"{name}.ipynb", as_version=4
        )
        assert not any("trainer" in c.metadata.get("tags", []) for c in exercise.cells)
        sources = "\n".join(c.source for c in exercise.cells)
        assert "BEGIN SOLUTION" not in sources
        assert_no_secrets(normalise(sources), code, f"exercises/{name}.ipynb (code)")
        assert_no_secrets(
            normalise(
                " ".join(
                    markdown_text(c.source) for c in exercise.cells if c.cell_type == "markdown"
                )
            ),
            notes,
            f"exercises/{name}.ipynb",
        )


def test_trainer_edition_has_the_answer_key(built):
    """The positive control for the leak scan: the same secrets are found in the trainer edition."""
    bank = load_bank(REPO)
    out = build_dir(built)
    found = 0
    for name in NOTEBOOKS:
        text = visible_text((out / "trainer" / f"{name}.html").read_text(encoding="utf-8"))
        module = bank.modules.get(name)
        for item_id in module.item_ids if module else []:
            item = bank.items[item_id]
            for option in getattr(item, "options", []):
                found += markdown_text(option.feedback) in text
        notes, _ = notebook_secrets(name)
        assert all(note in text for note in notes), f"trainer/{name}.html misses trainer notes"
    assert found > 50


EXTERNAL = re.compile(r"""(?:src|href|data|poster)\s*=\s*["']([^"']+)["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.I)


def test_built_html_loads_no_external_url(built):
    out = build_dir(built)
    pages = sorted(out.glob("*/*.html"))
    assert len(pages) >= 2 * len(NOTEBOOKS)
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        loaded = []
        for tag in re.finditer(
            r"<(script|link|img|iframe|source|audio|video|object|embed)\b[^>]*>", markup, re.I
        ):
            loaded += EXTERNAL.findall(tag.group(0))
        for style in re.findall(r"<style[^>]*>(.*?)</style>", markup, re.S | re.I):
            style = re.sub(r"/\*.*?\*/", "", style, flags=re.S)
            loaded += [a or b for a, b in CSS_URL.findall(style)]
        external = [
            u for u in loaded if re.match(r"(?:[a-z]+:)?//", u, re.I) and not u.startswith("data:")
        ]
        assert external == [], f"{page.name} loads {external[:5]}"
        assert "<script" not in markup.lower() or "require.js" not in markup


def test_html_is_accessible(built):
    out = build_dir(built)
    for page in sorted(out.glob("*/*.html")):
        markup = page.read_text(encoding="utf-8")
        assert re.search(r'<html lang="de"', markup), page
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", markup)]
        assert levels and levels[0] == 1, f"{page}: first heading is not h1"
        for previous, level in zip(levels, levels[1:], strict=False):
            assert level <= previous + 1, f"{page}: heading jumps from h{previous} to h{level}"
        for img in re.findall(r"<img\b[^>]*>", markup):
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and alt.group(1).strip(), f"{page}: image without alt text"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(foreground: str, background: str = "#ffffff") -> float:
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_text_colours_meet_wcag_aa():
    from smmkit.kernel.widgets.base import STYLE

    css = (REPO / "src/smmkit/publish/exporters/templates/smmkit_handout/handout.css").read_text()
    backgrounds = ["#ffffff", "#eef2f7", "#f0f5ec", "#fff4e5"]  # the backgrounds handout.css uses
    for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css):
        worst = min(contrast(colour, bg) for bg in backgrounds)
        assert worst >= 4.5, f"text colour {colour} has contrast {worst:.2f}"
    for _, colour, background in STYLE.values():
        assert contrast(colour, background) >= 4.5


def _pdf_pages(path: Path) -> list[str]:
    return pdf_text(path).split("\f")


def test_pdfs_are_a4_with_header_footer_and_umlauts(built, tmp_path):
    out = build_dir(built)
    for name in NOTEBOOKS:
        for edition, label in (("handouts", "Teilnehmendenausgabe"), ("trainer", "Trainerausgabe")):
            pdf = out / edition / f"{name}.pdf"
            info = subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout
            pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
            assert pages >= 2
            size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
            assert (
                abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2
            ), "not A4"
            texts = _pdf_pages(pdf)
            assert label in texts[0] and f"Seite 1 von {pages}" in texts[0]
            assert re.search("[äöüÄÖÜß]", "".join(texts)), (
                f"{pdf.name}: no umlauts in the text layer"
            )
    # look at page 1 as a picture: it must not be blank
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(out / "handouts" / f"{NOTEBOOKS[-1]}.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(1 for value in image.get_flattened_data() if value < 128)
    assert dark > 0.005 * image.width * image.height


def test_questions_are_not_split_across_pages(built):
    """Each choice question's prompt and its last option are printed on the same page."""
    bank = load_bank(REPO)
    out = build_dir(built)
    checked = 0
    for name in NOTEBOOKS:
        pages = [normalise(p) for p in _pdf_pages(out / "handouts" / f"{name}.pdf")]
        module = bank.modules.get(name)
        for item_id in module.item_ids if module else []:
            item = bank.items[item_id]
            if item.type not in ("single_choice", "multiple_choice"):
                continue
            first = markdown_text(item.prompt)[:40]
            starts = [i for i, p in enumerate(pages) if first in p]
            if not starts:
                continue  # the prompt itself wrapped across a line break in the text layer
            for option in item.options:
                probe = normalise(option.text)[:30]
                where = [i for i, p in enumerate(pages) if probe in p]
                assert not where or any(i in where for i in starts), (
                    f"{item_id}: split across pages"
                )
            checked += 1
    assert checked >= 10


def test_nbval_passes_on_the_executed_handout_notebooks(built):
    notebooks = sorted((build_dir(built) / "notebooks").glob("*.ipynb"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(REPO / "tests" / "nbval_sanitize.cfg"),
            *map(str, notebooks),
        ],
        capture_output=True,
        text=True,
        cwd=build_dir(built) / "notebooks",
        env={**os.environ, "SMMKIT_ROOT": str(REPO)},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout)


@pytest.mark.parametrize(
    "exporter", ["smmkit_handout", "smmkit_trainer", "smmkit_exercise", "smmkit_solution"]
)
def test_exporters_work_with_jupyter_nbconvert(exporter, tmp_path):
    source = REPO / "notebooks" / "de" / "01_offenheit_kommunikation.ipynb"
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run(
        [
            str(jupyter),
            "nbconvert",
            "--to",
            exporter,
            str(source),
            "--output-dir",
            str(tmp_path / "out"),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    [output] = list((tmp_path / "out").iterdir())
    text = output.read_text(encoding="utf-8")
    if exporter in ("smmkit_handout", "smmkit_trainer"):
        assert output.suffix == ".html" and '<html lang="de"' in text
        assert ('class="smmkit-key"' in text) == (exporter == "smmkit_trainer")
    else:
        notebook = nbformat.reads(text, as_version=4)
        # Code only: the lab instructions name the stub ("Wo im Code `# Ihre Lösung hier` steht").
        sources = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert "BEGIN SOLUTION" not in sources
        assert ("Ihre Lösung hier" in sources) == (exporter == "smmkit_exercise")
        assert all(c.get("outputs", []) == [] for c in notebook.cells if c.cell_type == "code")


def test_committed_exercises_and_solutions_are_in_sync(tmp_path):
    build(
        BuildOptions(
            root=REPO,
            out=tmp_path / "build",
            generated_root=tmp_path,
            editions=("exercise", "solution"),
            pdf=False,
        )
    )
    for edition in ("exercises", "solutions"):
        fresh = sorted((tmp_path / edition / "de").glob("*.ipynb"))
        assert [p.name for p in fresh] == [
            p.name for p in sorted((REPO / edition / "de").glob("*.ipynb"))
        ]
        for path in fresh:
            committed = REPO / edition / "de" / path.name
            assert committed.read_bytes() == path.read_bytes(), (
                f"{edition}/de/{path.name} is out of date: run `make handouts`"
            )


def test_rebuild_with_nothing_changed_executes_nothing(built):
    report = build(BuildOptions(root=REPO, out=built / "build", generated_root=built / "generated"))
    assert report.built == 0 and report.execute_seconds == 0


def _small_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    (project / "notebooks" / "de").mkdir(parents=True)
    shutil.copy(REPO / "notebooks" / "de" / "00_einfuehrung.ipynb", project / "notebooks" / "de")
    return project


def test_failed_build_names_the_cell_and_keeps_the_previous_output(tmp_path):
    project = _small_project(tmp_path)
    options = BuildOptions(root=project, editions=("handout", "exercise"), pdf=False, jobs=1)
    build(options)
    before = {
        p: p.read_bytes()
        for p in sorted((project / "build").rglob("*.html"))
        + sorted((project / "exercises").rglob("*.ipynb"))
    }
    assert len(before) == 2
    path = project / "notebooks" / "de" / "00_einfuehrung.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    notebook.cells.insert(
        1, nbformat.v4.new_markdown_cell("Neuer Absatz")
    )  # so the exercise would change too
    nbformat.write(notebook, path)
    with pytest.raises(NotebookError) as info:
        build(options)
    assert "00_einfuehrung.ipynb: cell 5" in str(info.value) and "ZeroDivisionError" in str(
        info.value
    )
    after = {p: p.read_bytes() for p in before}
    assert after == before
    assert not list((project / "build").glob(".staging-*"))


def test_broken_content_stops_the_build_before_anything_is_written(tmp_path):
    project = _small_project(tmp_path)
    bank = project / "content" / "de" / "00_einfuehrung.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("type: single_choice", "type: essay", 1),
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match=r"00_einfuehrung.yaml:\d+: .*unknown type 'essay'"):
        build(BuildOptions(root=project, editions=("handout",), pdf=False))
    assert not (project / "build" / "de").exists()


def test_printer_with_two_tabs_prints_every_file_in_order(tmp_path):
    from smmkit.publish.pdf import PdfPrinter

    require_pdf_tools()
    pages = []
    for number in range(4):
        page = tmp_path / f"seite-{number}.html"
        page.write_text(
            f'<!doctype html><html lang="de"><body><h1>Seite {number} – Übung</h1></body></html>',
            encoding="utf-8",
        )
        pages.append(page)
    with PdfPrinter(pages=2) as printer:
        futures = [printer.submit(p, p.with_suffix(".pdf"), "Titel", "Ausgabe") for p in pages]
        printed = [f.result() for f in futures]
    assert printed == [p.with_suffix(".pdf") for p in pages]
    text = subprocess.run(
        ["pdftotext", str(printed[3]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Seite 3 – Übung" in text


def test_longest_notebooks_are_executed_first(tmp_path):
    from smmkit.publish.build import expected_seconds

    small, large = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    small.write_text("x" * 100)
    large.write_text("x" * 10_000)
    assert sorted([small, large], key=lambda p: -expected_seconds(p, {})) == [large, small]
    timings = {str(small): 9.0, str(large): 2.0}  # the last build's times win over size
    assert sorted([small, large], key=lambda p: -expected_seconds(p, timings)) == [small, large]


def test_workers_validate_notebooks_without_the_slow_optional_import():
    """worker_setup blocks rfc3987_syntax; nbformat must still validate (and reject) notebooks."""
    script = (
        "from smmkit.publish.build import worker_setup\n"
        "worker_setup()\n"
        "import sys, nbformat\n"
        "assert sys.modules['rfc3987_syntax'] is None\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('rejected')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "rejected"
