"""The requirements profile: every statement of the source text mapped to the notebook sections
that teach it, checked against the source and the notebooks, and its coverage per agenda.

The logic (smmkit.bank.requirements) is tested on plain data, without files or a kernel. Broken
maps and agendas live in tests/fixtures/anforderungsprofil/; each marks its offending line with
`# expect: <message>` (several on one line if need be) and the check must report exactly those.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, REPO

from smmkit.bank import check, requirements
from smmkit.bank.requirements import (
    Coverage,
    check_sections,
    check_wording,
    coverage,
    headings_within,
    parse_profile,
    source_text,
    summary_lines,
)
from smmkit.cli import main
from smmkit.publish.workshop import (
    _check_agendas,
    check_profile,
    check_workshop_report,
    known_modules,
)

PROFILE = REPO / "content" / "de" / requirements.REQUIREMENTS_FILE
SOURCE = REPO / "content" / "de" / requirements.SOURCE_FILE
NOTEBOOKS = REPO / "notebooks" / "de"
BROKEN = FIXTURES / "anforderungsprofil"
MAPS = sorted(BROKEN.glob("map_*.yaml"))
EXPECT = re.compile(r"#\s*expect:\s*")

OUTLINE = [
    (2, "1 Keine Aufgabe für Einzelkämpfer"),
    (3, "Die Schnittstellen"),
    (3, "Eine offene, kollegiale Kultur"),
    (2, "2 Nach innen kommunizieren"),
    (3, "Der Wochenbericht"),
]
SMALL = """\
schema_version: 1
quelle: quelle.txt
aussagen:
  - id: kultur
    bereich: team
    wortlaut: "Eine offene und von Kollegialität
      geprägte Unternehmenskultur"
    abschnitte:
      - {modul: 02_team, abschnitt: "Eine offene, kollegiale Kultur"}
  - id: nach-innen
    bereich: team
    wortlaut: "sondern auch nach innen"
    abschnitte:
      - {modul: 02_team, abschnitt: "2 Nach innen kommunizieren"}
"""


def expectations(path: Path, shown: str) -> set[str]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for message in EXPECT.split(line)[1:]:
            found.add(f"{shown}:{number}: {message.strip()}")
    return found


def project(tmp_path: Path, profile: Path, *agendas: Path) -> Path:
    root = tmp_path / "project"
    (root / "content" / "de").mkdir(parents=True)
    shutil.copy(profile, root / "content" / "de" / requirements.REQUIREMENTS_FILE)
    shutil.copy(SOURCE, root / "content" / "de" / requirements.SOURCE_FILE)
    (root / "notebooks").symlink_to(REPO / "notebooks")
    (root / "workshop" / "agendas").mkdir(parents=True)
    for agenda in agendas:
        shutil.copy(agenda, root / "workshop" / "agendas" / agenda.name)
    return root


# ---------------------------------------------------------------------------------------------
# Pure logic
# ---------------------------------------------------------------------------------------------


def test_parse_reads_statements_with_their_lines():
    profile, problems = parse_profile(SMALL, "content/de/anforderungsprofil.yaml")
    assert problems == []
    assert profile.ids == ("kultur", "nach-innen")
    first = profile.statements[0]
    assert (first.area, first.line, first.wording_line) == ("team", 4, 6)
    assert first.sections[0].module == "02_team" and first.sections[0].line == 9
    assert profile.source == "quelle.txt" and profile.source_line == 2


def test_wording_must_stand_in_the_source_regardless_of_white_space():
    profile, _ = parse_profile(SMALL, "p.yaml")
    source = "Eine offene und von Kollegialität  geprägte\nUnternehmenskultur ist ideal."
    problems = check_wording(profile, source)
    assert [(p.item_id, p.field, p.line) for p in problems] == [("nach-innen", "wortlaut", 12)]
    assert source_text("# Hinweis\n# noch einer\nText\n# bleibt") == "Text\n# bleibt"


def test_sections_must_name_a_whole_heading_of_a_known_module():
    profile, _ = parse_profile(SMALL.replace('"2 Nach innen kommunizieren"', '"2 Nach"'), "p")
    problems = check_sections(profile, {"02_team": OUTLINE})
    assert [str(p) for p in problems] == [
        "p:14: nach-innen.abschnitte[0].abschnitt: 02_team has no heading „2 Nach“ (write the "
        "whole heading as it stands in the notebook); did you mean „2 Nach innen kommunizieren“?"
    ]
    assert "unknown module '02_team'" in str(check_sections(profile, {})[0])


def test_a_heading_contains_the_headings_below_it():
    assert headings_within(OUTLINE, "1 Keine Aufgabe für Einzelkämpfer") == {
        "1 keine aufgabe für einzelkämpfer",
        "die schnittstellen",
        "eine offene, kollegiale kultur",
    }
    assert headings_within(OUTLINE, "Die Schnittstellen") == {"die schnittstellen"}
    assert headings_within(OUTLINE, "gibt es nicht") == set()


def test_coverage_counts_a_section_or_the_section_above_it():
    profile, _ = parse_profile(SMALL, "p")
    outlines = {"02_team": OUTLINE}
    whole = coverage(profile, "tag", [("02_team", "1 Keine Aufgabe für Einzelkämpfer")], outlines)
    assert (whole.covered, whole.missing) == (("kultur",), ("nach-innen",))
    # a subsection does not teach the whole section above it
    part = coverage(profile, "tag", [("02_team", "Der Wochenbericht")], outlines)
    assert part.covered == ()
    other = coverage(profile, "tag", [("03_x", "2 Nach innen kommunizieren")], outlines)
    assert other.covered == ()


def test_only_an_agenda_that_promises_everything_gets_warnings():
    profile, _ = parse_profile(SMALL, "p")
    gaps = Coverage("ganztag", ("kultur",), ("nach-innen",), required=True)
    [problem] = requirements.coverage_problem(profile, gaps, "a.yaml", 7)
    assert problem.is_warning and (problem.item_id, problem.field, problem.line) == (
        "nach-innen",
        "bloecke",
        7,
    )
    assert problem.message.endswith("[profile-coverage]")
    relaxed = Coverage("halbtag", ("kultur",), ("nach-innen",))
    assert requirements.coverage_problem(profile, relaxed, "a.yaml", 7) == []


def test_summary_is_one_line_per_agenda_with_counts_per_area():
    profile, _ = parse_profile(SMALL, "p")
    lines = summary_lines(
        profile,
        [
            Coverage("ganztag", ("kultur", "nach-innen"), (), required=True),
            Coverage("kurz", ("kultur",), ("nach-innen",)),
        ],
    )
    assert lines == [
        "Anforderungsprofil: ganztag deckt  2/2 Aussagen ab (Pflicht: alle) – team 2/2",
        "Anforderungsprofil: kurz    deckt  1/2 Aussagen ab – team 1/2",
    ]


# ---------------------------------------------------------------------------------------------
# The shipped profile
# ---------------------------------------------------------------------------------------------


def test_shipped_profile_quotes_the_source_and_names_real_headings():
    profile, problems = parse_profile(PROFILE.read_text(encoding="utf-8"), "p")
    assert problems == []
    assert 12 <= len(profile.statements) <= 18
    assert {s.area for s in profile.statements} == set(requirements.AREAS)
    source = source_text(SOURCE.read_text(encoding="utf-8"))
    assert check_wording(profile, source) == []
    outlines = {name: info.outline for name, info in known_modules(NOTEBOOKS).items()}
    assert check_sections(profile, outlines) == []


def test_source_copy_is_the_whole_seed_text():
    text = source_text(SOURCE.read_text(encoding="utf-8"))
    assert text.startswith("Social Media Management: Was zeichnet qualifizierte Mitarbeiter aus?")
    assert text.endswith("für die Botschaften des Unternehmens empfänglich zu machen.")
    for area in ("Offenheit und Kommunikationskompetenz", "Teamfähigkeit", "Strategisches Denken"):
        assert f"\n\n{area}\n\n" in text


def test_the_full_day_covers_every_statement_and_the_others_are_reported():
    report = check_workshop_report(REPO)
    assert [p for p in report.problems if "profile-coverage" in p.message] == []
    by_name = {c.agenda: c for c in report.coverage}
    assert by_name["ganztag"].required and by_name["ganztag"].complete
    assert not any(c.required for name, c in by_name.items() if name != "ganztag")
    lines = report.summary()
    assert len(lines) == len(by_name)
    assert any(line.startswith("Anforderungsprofil: ganztag") and "(Pflicht: alle)" in line
               for line in lines)  # fmt: skip


def test_bank_check_does_not_read_the_profile_as_a_module():
    result = check(REPO, "de")
    assert "anforderungsprofil" not in json.dumps(sorted(result.bank.modules))
    assert not [p for p in result.problems if "anforderungsprofil" in p.path]


def test_smmkit_check_prints_the_coverage_report(capsys):
    assert main(["check", "--root", str(REPO), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "Anforderungsprofil: ganztag" in out and "(Pflicht: alle)" in out
    assert main(["check", "--root", str(REPO), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ganztag = data["profile_coverage"]["agendas"]["ganztag"]
    assert ganztag["required"] and ganztag["missing"] == []


# ---------------------------------------------------------------------------------------------
# Broken maps and a full day with gaps: file, line, id and field
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", MAPS, ids=[p.stem for p in MAPS])
def test_broken_map_reports_its_problem_at_its_place(fixture, tmp_path):
    expected = expectations(fixture, "content/de/anforderungsprofil.yaml")
    assert expected, f"{fixture.name} has no '# expect:' marker"
    root = project(tmp_path, fixture)
    _, _, problems = check_profile(root, [], known_modules(NOTEBOOKS))
    assert {str(p) for p in problems} == expected


def test_a_full_day_with_gaps_is_warned_about_each_missing_statement(tmp_path, capsys):
    folder = BROKEN / "abdeckung"
    root = project(
        tmp_path,
        folder / "anforderungsprofil.yaml",
        folder / "ganztag.yaml",
        folder / "halbtag.yaml",
    )
    problems, agendas = _check_agendas(root / "workshop" / "agendas", NOTEBOOKS)
    assert problems == []
    _, results, problems = check_profile(root, agendas, known_modules(NOTEBOOKS))
    assert {str(p) for p in problems} == expectations(
        folder / "ganztag.yaml", "workshop/agendas/ganztag.yaml"
    )
    assert all(p.is_warning for p in problems)
    assert [(r.agenda, len(r.covered), r.total) for r in results] == [
        ("ganztag", 1, 3),
        ("halbtag", 1, 3),
    ]


def test_a_gap_in_the_shipped_full_day_fails_only_the_strict_check(tmp_path, capsys):
    root = tmp_path / "project"
    root.mkdir()
    (root / "notebooks").symlink_to(REPO / "notebooks")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "workshop", root / "workshop")
    agenda = root / "workshop" / "agendas" / "ganztag.yaml"
    text = agenda.read_text(encoding="utf-8")
    # the block now names only a subsection of section 7: that is not the whole section
    assert text.count('abschnitt: ["7 Wettbewerb beobachten"]') == 1
    agenda.write_text(text.replace('["7 Wettbewerb beobachten"]', '["Positionierung"]'), "utf-8")
    assert main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr()
    assert "wettbewerbsvorteile.bloecke: warning: no block teaches" in out.err
    assert re.search(r"ganztag +deckt 17/18 Aussagen ab \(Pflicht: alle\)", out.out)
    assert "fehlt: wettbewerbsvorteile" in out.out
    assert main(["check", "--root", str(root), "--strict"]) == 1
    out = capsys.readouterr()
    assert "(--strict: warnings count)" in out.err and "fehlt: wettbewerbsvorteile" in out.out
