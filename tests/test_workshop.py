"""Workshop kit: agendas (timing, references), facilitator guides, HTML and PDF rendering.

Broken agendas live in tests/fixtures/workshop/; each marks its offending line with
`# expect: <message>` and the check must report exactly those problems, at those lines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import Future
from pathlib import Path

import pytest
import yaml
from helpers import FIXTURES, REPO, require_pdf_tools

from smmkit.bank import load_bank
from smmkit.errors import ContentError
from smmkit.publish.spreadsheet import DATA_FILES
from smmkit.publish.workshop import (
    BREAK_KINDS,
    FULL_DAY_BUFFER,
    FULL_DAY_LUNCH,
    FULL_DAY_PRESENTATION,
    MAX_STRETCH,
    METHODS,
    PLAUSIBLE_SHARE,
    Agenda,
    agenda_html,
    check_agendas,
    check_guide,
    check_guides,
    check_workshop,
    clock,
    guide_html,
    known_modules,
    load_agenda,
    load_agendas,
    match_section,
    parse_clock,
    render_workshop,
    stated_minutes,
)

AGENDAS = REPO / "workshop" / "agendas"
GUIDES = REPO / "workshop" / "guides"
NOTEBOOKS = REPO / "notebooks" / "de"
BROKEN = sorted((FIXTURES / "workshop").glob("*.yaml"))
EXPECT = re.compile(r"#\s*expect:\s*(.+)$")
FORMATS = {
    "90min-kommunikation",
    "90min-team",
    "90min-strategie",
    "90min-kreativitaet",
    "90min-ki",
    "halbtag",
    "ganztag",
    "zwei-halbtage",
}


@pytest.fixture(scope="module")
def agendas() -> dict[str, Agenda]:
    return {a.name: a for a in load_agendas(AGENDAS)}


def raw(name: str) -> dict:
    return yaml.safe_load((AGENDAS / f"{name}.yaml").read_text(encoding="utf-8"))


def raw_sessions(data: dict) -> list[dict]:
    return data.get("sitzungen") or [data]


# ---------------------------------------------------------------------------------------------
# Shipped agendas
# ---------------------------------------------------------------------------------------------


def test_every_format_is_shipped_and_passes_the_checks(agendas):
    assert set(agendas) == FORMATS
    assert check_agendas(AGENDAS) == []


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_declared_total_is_the_sum_of_the_blocks(name, agendas):
    data = raw(name)
    blocks = [b for s in raw_sessions(data) for b in s["bloecke"]]
    assert data["gesamtminuten"] == sum(b["minuten"] for b in blocks)
    assert agendas[name].total_minutes == sum(b.minutes for b in agendas[name].blocks)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_clock_times_are_derived_from_the_start_and_meet_the_declared_end(name, agendas):
    data = raw(name)
    for session, source in zip(agendas[name].sessions, raw_sessions(data), strict=True):
        assert session.start == parse_clock(source["beginn"])
        for previous, block in zip(session.blocks, session.blocks[1:], strict=False):
            assert block.start == previous.end, f"{name}: gap before {block.title}"
        if "ende" in source:
            assert session.end == parse_clock(source["ende"])
        for block in source["bloecke"]:  # nobody writes a clock time by hand
            assert not {"von", "bis", "uhrzeit", "zeit", "start"} & set(block)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_stretch_of_more_than_ninety_minutes_without_a_break(name, agendas):
    for session in agendas[name].sessions:
        stretch = 0
        for block in session.blocks:
            stretch = 0 if block.kind in BREAK_KINDS else stretch + block.minutes
            assert stretch <= MAX_STRETCH, f"{name}: {block.title} ends {stretch} min after a break"


def test_formats_have_the_promised_length_and_breaks(agendas):
    for name in FORMATS - {"halbtag", "ganztag", "zwei-halbtage"}:
        assert agendas[name].total_minutes == 90
    half = agendas["halbtag"]
    assert 210 <= half.total_minutes <= 270 and half.break_minutes >= 15
    full = agendas["ganztag"]
    assert 450 <= full.total_minutes <= 510
    lunch = [b for b in full.blocks if b.kind == "mittagspause"]
    assert len(lunch) == 1 and lunch[0].minutes >= FULL_DAY_LUNCH
    assert 11 * 60 + 30 <= lunch[0].start <= 13 * 60  # at lunch time
    assert sum(b.kind == "pause" for b in full.blocks) >= 2
    two = agendas["zwei-halbtage"]
    assert len(two.sessions) == 2
    for session in two.sessions:
        assert 210 <= session.minutes <= 270
        assert any(b.kind == "pause" for b in session.blocks)


def test_the_full_day_survives_a_real_day(agendas):
    full = agendas["ganztag"]
    assert full.full_day and not any(a.full_day for n, a in agendas.items() if n != "ganztag")
    start = full.sessions[0].start
    opening = next(b for b in full.blocks if "Kennenlernrunde" in b.methods)
    assert opening.start - start <= 30 and "Erwartung" in opening.note
    assert sum(b.minutes for b in full.blocks if b.kind == "puffer") >= FULL_DAY_BUFFER
    talks = [b for b in full.blocks if "Präsentation" in b.methods]
    assert max(b.minutes for b in talks) >= FULL_DAY_PRESENTATION
    # the data workshop is a live demo with a spreadsheet alternative
    data = next(b for b in full.blocks if "Datenwerkstatt I" in " ".join(b.sections))
    assert "Live-Demo" in data.methods and "tabellen/" in data.note
    assert any("datenwerkstatt-tabellen" in m for m in data.materials)
    # the AI block stays optional: without it the day ends 20 minutes earlier
    [optional] = [b for b in full.blocks if b.optional]
    assert optional.module == "06_ki_social_media" and clock(full.sessions[0].end - 20) == "17:10"


def test_every_area_and_the_capstone_appear_where_promised(agendas):
    areas = {
        "01_offenheit_kommunikation",
        "02_teamfaehigkeit",
        "03_strategisches_denken",
        "04_kreativitaet",
    }
    extras = {"00_einfuehrung", "05_abschluss", "06_ki_social_media"}  # 06: an optional block
    assert set(agendas["ganztag"].module_minutes()) == extras | areas
    assert areas <= set(agendas["halbtag"].module_minutes())
    day1, day2 = (
        {b.module for b in s.blocks if b.kind == "einheit"}
        for s in agendas["zwei-halbtage"].sessions
    )
    assert day1 == {"00_einfuehrung", "01_offenheit_kommunikation", "02_teamfaehigkeit"}
    assert day2 == {"03_strategisches_denken", "04_kreativitaet", "05_abschluss"}
    for area, name in zip(
        sorted(areas),
        ["90min-kommunikation", "90min-team", "90min-strategie", "90min-kreativitaet"],
        strict=True,
    ):
        assert set(agendas[name].module_minutes()) == {area}
    assert set(agendas["90min-ki"].module_minutes()) == {"06_ki_social_media"}


def test_module_time_is_plausible_against_the_notebooks_stated_dauer(agendas):
    modules = known_modules(NOTEBOOKS)
    for path in NOTEBOOKS.glob("*.ipynb"):
        assert modules[path.stem].minutes, f"no Dauer found in {path.name}"
    low, high = PLAUSIBLE_SHARE
    for agenda in agendas.values():
        for module, minutes in agenda.module_minutes().items():
            stated = modules[module].minutes
            assert low * stated <= minutes <= high * stated, (agenda.name, module, minutes)


def test_blocks_are_complete(agendas):
    for agenda in agendas.values():
        for block in agenda.blocks:
            if block.kind in BREAK_KINDS:
                continue
            assert block.methods and set(block.methods) <= set(METHODS)
            assert block.materials, f"{agenda.name}: {block.title} lists no material"
            assert block.note, f"{agenda.name}: {block.title} has no facilitator note"
            if block.kind == "einheit":
                assert block.module


def test_stated_minutes_reads_both_forms_of_dauer():
    assert stated_minutes("**Dauer:** ca. 30 Minuten (10 Minuten Input)") == 30
    table = (
        "## Dauer\n\n| Teil | Input | Übung |\n|---|---:|---:|\n| Einstieg | 3 Min. | 5 Min. |\n"
        "| **Summe (ca. 2 Stunden)** | **43 Min.** | **77 Min.** |\n\n## Weiter\n| Summe | 9 Min. |"
    )
    assert stated_minutes(table) == 120
    assert stated_minutes("## Lernziele\nkeine Angabe") is None


def test_section_references_match_whole_words_and_prefer_exact_headings():
    headings = ["3 Kritik und Anregungen", "31 Sonderfälle", "Fall A: Bäckerei", "Fall B: Handwerk"]
    assert match_section("3 Kritik", headings) == ["3 Kritik und Anregungen"]
    assert match_section("3", headings) == ["3 Kritik und Anregungen"]
    assert match_section("fall a", headings) == ["Fall A: Bäckerei"]
    assert len(match_section("Fall", headings)) == 2
    assert match_section("4 Eskalation", headings) == []


def test_clock_helpers():
    assert clock(parse_clock("08:30") + 95) == "10:05"
    with pytest.raises(ValueError):
        parse_clock("8:30")


# ---------------------------------------------------------------------------------------------
# Broken agendas: file, line, block and field
# ---------------------------------------------------------------------------------------------


def expectations(path: Path) -> set[str]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.add(f"workshop/agendas/{path.name}:{number}: {match.group(1).strip()}")
    return found


def project_with(tmp_path: Path, *files: Path) -> Path:
    folder = tmp_path / "project" / "workshop" / "agendas"
    folder.mkdir(parents=True)
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


def test_there_are_at_least_twelve_broken_fixtures():
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_agenda_reports_its_problem_at_its_place(fixture, tmp_path):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' marker"
    problems = check_agendas(project_with(tmp_path, fixture), NOTEBOOKS)
    assert {str(p) for p in problems} == expected


def test_all_broken_agendas_are_reported_at_once(tmp_path):
    problems = check_agendas(project_with(tmp_path, *BROKEN), NOTEBOOKS)
    assert {str(p) for p in problems} == set().union(*map(expectations, BROKEN))


def test_load_agenda_raises_a_content_error_naming_file_line_block_and_field(tmp_path):
    folder = project_with(tmp_path, FIXTURES / "workshop" / "past_end.yaml")
    with pytest.raises(ContentError) as info:
        load_agenda(folder / "past_end.yaml", NOTEBOOKS)
    problem = info.value.problems[0]
    assert (problem.path, problem.line, problem.item_id, problem.field) == (
        "workshop/agendas/past_end.yaml",
        12,
        "bloecke[2]",
        "minuten",
    )


# ---------------------------------------------------------------------------------------------
# Facilitator guides
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank():
    return load_bank(REPO)


def test_every_module_has_a_guide_and_all_pass_the_checks(bank):
    ids = set(bank.items) | set(bank.quiz_sets)
    assert {p.stem for p in GUIDES.glob("*.md")} == set(known_modules(NOTEBOOKS))
    assert check_guides(GUIDES, NOTEBOOKS, ids) == []
    assert check_workshop(REPO) == []


def test_guides_name_every_scenario_and_ending_of_their_module(bank):
    modules = known_modules(NOTEBOOKS)
    for name, module in bank.modules.items():
        if modules[name].planned:
            continue
        text = (GUIDES / f"{name}.md").read_text(encoding="utf-8")
        for item_id in module.item_ids:
            item = bank.items[item_id]
            if item.type != "scenario":
                continue
            assert f"`{item_id}`" in text, f"{name}.md does not name {item_id}"
            for node in item.nodes:
                if node.ending:
                    assert node.ending.title in text, (
                        f"{name}.md misses ending {node.ending.title!r}"
                    )


GUIDE_PARTS = (
    "## Ziele",
    "## Vorbereitung",
    "## Raum und Technik",
    "## Ablauf",
    "## Typische Schwierigkeiten",
    "## Nach dem Workshop: das Trainer-Dashboard",
    "SMMKIT_RESULTS_DIR",
    "workshop/trainer_dashboard.ipynb",
    "Pseudonym",
    "Papier",
    "Trainerausgabe",
)
GROUP_ROLES = ("Vorlesende", "Entscheidende", "Punktezählende")


def test_guides_cover_the_facilitators_checklist():
    for path in GUIDES.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        # module 00 is played alone, to learn the controls; every other module plays in groups
        needles = GUIDE_PARTS + (() if path.stem == "00_einfuehrung" else GROUP_ROLES)
        missing = [needle for needle in needles if needle not in text]
        assert not missing, f"{path.name} lacks {missing}"


def test_guide_check_reports_headings_links_and_unknown_ids(tmp_path):
    guide = tmp_path / "01_offenheit_kommunikation.md"
    guide.write_text(
        "Einleitung\n\n## Ziele\n\n#### Zu tief\n\nSiehe https://example.org\n\n"
        "`kommunikation.szenario-gibtsnicht` und `kommunikation.szenario-baeckerei`, "
        "`smmkit.scenario` zählt nicht.\n",
        encoding="utf-8",
    )
    shown = "workshop/guides/01_offenheit_kommunikation.md"
    problems = {str(p) for p in check_guide(guide, shown, {"kommunikation.szenario-baeckerei"})}
    assert problems == {
        f"{shown}:3: heading: the first heading must be # (h1)",
        f"{shown}:5: heading: jumps from h2 to h4",
        f"{shown}:7: link: guides are printed and used offline: no web links",
        f"{shown}:9: kommunikation.szenario-gibtsnicht: no such item in the content bank",
    }


# ---------------------------------------------------------------------------------------------
# Rendering: print-ready, offline, accessible HTML
# ---------------------------------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:src|href|data|poster)\s*=\s*["']([^"']+)["']|url\(|@import""", re.I)


def assert_offline_and_accessible(markup: str) -> None:
    assert markup.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in markup
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", markup, re.I)
    assert not EXTERNAL.search(markup) and "<script" not in markup
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", markup)]
    assert levels and levels[0] == 1 and levels.count(1) == 1
    for previous, level in zip(levels, levels[1:], strict=False):
        assert level <= previous + 1, f"heading jumps from h{previous} to h{level}"


def test_agenda_html_shows_every_block_with_its_clock_time(agendas):
    for agenda in agendas.values():
        markup = agenda_html(agenda)
        assert_offline_and_accessible(markup)
        assert f"<h1>{agenda.title}</h1>" in markup.replace("&amp;", "&")
        for block in agenda.blocks:
            assert block.title.replace("&", "&amp;") in markup
            assert f"{clock(block.start)}–{clock(block.end)}" in markup
        assert markup.count('<tr class="pause">') == sum(b.kind == "pause" for b in agenda.blocks)
        for words in (
            "Datum:",
            "Zielgruppe:",
            "Ziele:",
            "Uhrzeit",
            "Methode",
            "Material",
            "Hinweis",
        ):
            assert words in markup
        assert f"({agenda.total_minutes} Min.)" in markup


def test_guide_html_is_print_ready(agendas):
    for path in sorted(GUIDES.glob("*.md")):
        markup = guide_html(path)
        assert_offline_and_accessible(markup)
        assert "<table>" in markup and "@page" in markup


def _luminance(colour: str) -> float:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_text_colours_meet_wcag_aa_on_every_background(agendas):
    # the palette as the printed page declares it: --ink: #1a1a1a; …
    page = agenda_html(agendas["ganztag"])
    palette = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", page))
    backgrounds = ["#ffffff", *(palette[name] for name in ("code", "head", "pause", "lunch"))]
    for name in ("ink", "muted", "accent"):
        for background in backgrounds:
            bright, dark = sorted((_luminance(palette[name]), _luminance(background)), reverse=True)
            assert (bright + 0.05) / (dark + 0.05) >= 4.5, (name, background)


PARTICIPANT_PAGES = {"datenschutz-teilnehmende", "datenwerkstatt-tabellen"}


def test_render_workshop_writes_one_html_per_agenda_and_guide(tmp_path):
    written = render_workshop(REPO, tmp_path / "out")
    pages = [p for p in written if p.suffix == ".html"]
    assert {p.name for p in pages} == {f"agenda-{n}.html" for n in FORMATS} | {
        f"leitfaden-{p.stem}.html" for p in GUIDES.glob("*.md")
    } | {f"{name}.html" for name in PARTICIPANT_PAGES}
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 2000 for p in pages)
    tables = [p for p in written if p.suffix == ".csv"]
    assert {p.name for p in tables} == set(DATA_FILES)
    assert all(p.parent == tmp_path / "out" / "tabellen" for p in tables)
    guide = (tmp_path / "out" / "datenwerkstatt-tabellen.html").read_text(encoding="utf-8")
    assert "Datenwerkstatt ohne Programmieren" in guide and "PivotTable" in guide
    sheet = (tmp_path / "out" / "datenschutz-teilnehmende.html").read_text(encoding="utf-8")
    assert "Information für Teilnehmende" in sheet and "Leitfaden für" not in sheet
    assert "nicht anonym" in sheet


class FakePrinter:
    """Stands in for PdfPrinter: records what would be printed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, str]] = []

    def submit(self, source: Path, target: Path, title: str, edition: str) -> Future[Path]:
        self.calls.append((source.name, target.name, title, edition))
        target.write_text("pdf", encoding="utf-8")
        done: Future[Path] = Future()
        done.set_result(target)
        return done


def test_render_workshop_prints_each_page_and_never_writes_into_a_hard_link(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    previous = tmp_path / "previous-build.pdf"
    previous.write_text("old", encoding="utf-8")
    (out / "agenda-ganztag.pdf").hardlink_to(previous)  # how the build mirrors old output
    printer = FakePrinter()
    written = render_workshop(REPO, out, printer)
    assert previous.read_text(encoding="utf-8") == "old"
    pages = [p for p in written if p.suffix != ".csv"]
    assert (
        len(pages)
        == 2 * len(printer.calls)
        == 2 * (len(FORMATS) + len(list(GUIDES.glob("*.md"))) + len(PARTICIPANT_PAGES))
    )
    sheet = next(c for c in printer.calls if c[0] == "datenschutz-teilnehmende.html")
    assert sheet[2:] == (
        "Datenschutz im Workshop",
        "Information für Teilnehmende",
    )
    call = next(c for c in printer.calls if c[0] == "agenda-ganztag.html")
    assert call[1:] == (
        "agenda-ganztag.pdf",
        "Social Media Management im KMU – Ganztagesworkshop",
        "Ablaufplan",
    )
    guide = next(c for c in printer.calls if c[0] == "leitfaden-02_teamfaehigkeit.html")
    assert guide[2:] == (
        "Leitfaden zu Modul 02: Teamfähigkeit",
        "Leitfaden für Trainerinnen und Trainer",
    )


def test_render_workshop_refuses_a_broken_agenda(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "notebooks"):
        (root / name).symlink_to(REPO / name)
    shutil.copytree(REPO / "workshop", root / "workshop")
    shutil.copy(FIXTURES / "workshop" / "sum_mismatch.yaml", root / "workshop" / "agendas")
    with pytest.raises(ContentError, match=r"sum_mismatch.yaml:6: gesamtminuten: declared 95"):
        render_workshop(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# PDF through Debian's chromium, checked with poppler
# ---------------------------------------------------------------------------------------------


def test_agenda_pdf_is_a4_with_title_umlauts_and_clock_times(agendas, tmp_path):
    require_pdf_tools()
    from PIL import Image

    from smmkit.publish.pdf import PdfPrinter

    agenda = agendas["zwei-halbtage"]
    html_path = tmp_path / "agenda.html"
    html_path.write_text(agenda_html(agenda), encoding="utf-8")
    with PdfPrinter() as printer:
        pdf = printer.print(html_path, tmp_path / "agenda.pdf", agenda.title, "Ablaufplan")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert sorted((round(width), round(height))) == [595, 842], "not A4"
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    text = " ".join(" ".join(pages).split())
    assert "Social Media Management im KMU" in text and "Ablaufplan" in text
    assert re.search("[äöüÄÖÜß]", text) and "Kaffeepause" in text
    for block in agenda.blocks:
        assert clock(block.start) in text
    # each appointment starts on its own page
    second = agenda.sessions[1].title
    assert second not in pages[0] and any(
        p.lstrip().startswith("Social Media") and second in p for p in pages
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert image.width > image.height  # landscape: the agenda table needs the width
    dark = sum(1 for value in image.get_flattened_data() if value < 128)
    assert dark > 0.005 * image.width * image.height
