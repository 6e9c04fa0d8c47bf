"""`smmkit check` names file, line, item id and field for every broken fixture.

Each file in tests/fixtures/broken/ (errors) and tests/fixtures/quality/ (item-writing
warnings) marks the offending line with `# expect: <message>` (several on one line if need be);
the check must report exactly those problems, at those lines.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import FIXTURES, REPO, VALID_ROOT

from smmkit.bank import bank_schema, check, load_bank
from smmkit.cli import main
from smmkit.errors import ContentError

BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
QUALITY = sorted((FIXTURES / "quality").glob("*.yaml"))
EXPECT = re.compile(r"#\s*expect:\s*")


def expectations(path: Path) -> set[str]:
    shown = f"content/de/{path.name}"
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for message in EXPECT.split(line)[1:]:
            found.add(f"{shown}:{number}: {message.strip()}")
    return found


def root_with(tmp_path: Path, *files: Path) -> Path:
    content = tmp_path / "project" / "content" / "de"
    content.mkdir(parents=True)
    for file in files:
        shutil.copy(file, content / file.name)
    return tmp_path / "project"


def test_there_are_at_least_twelve_broken_fixtures():
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_fixture_reports_its_problem_at_its_place(fixture, tmp_path):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' marker"
    result = check(root_with(tmp_path, fixture), "de")
    assert {str(p) for p in result.errors} == expected


@pytest.mark.parametrize("fixture", QUALITY, ids=[p.stem for p in QUALITY])
def test_item_writing_rule_reports_each_warning_at_its_place(fixture, tmp_path):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' marker"
    result = check(root_with(tmp_path, fixture), "de")
    assert not result.errors
    assert {str(p) for p in result.warnings} == expected


def test_strict_check_fails_on_item_writing_warnings_lenient_does_not(tmp_path, capsys):
    root = root_with(tmp_path, *QUALITY)
    assert main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr()
    assert "warnings (see docs/authoring.md)" in out.out
    assert "[key-length]" in out.err
    assert main(["check", "--root", str(root), "--strict"]) == 1
    assert "(--strict: warnings count)" in capsys.readouterr().err


def test_all_problems_are_reported_at_once(tmp_path, capsys):
    root = root_with(tmp_path, *BROKEN)
    expected = set().union(*(expectations(f) for f in BROKEN))
    assert main(["check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    for line in expected:
        assert line in err
    assert f"{len(expected)} problems and " in err


def test_load_bank_raises_content_error_listing_problems(tmp_path):
    root = root_with(tmp_path, FIXTURES / "broken" / "01_no_correct_option.yaml")
    with pytest.raises(ContentError) as info:
        load_bank(root)
    assert "01_no_correct_option.yaml:9: kaputt.sc-01.options: no option is marked correct" in str(
        info.value
    )


def test_valid_fixture_bank_is_clean_and_covers_every_type(capsys):
    assert main(["check", "--root", str(VALID_ROOT)]) == 0
    out = capsys.readouterr().out
    assert "01_beispiel" in out and "content/de is valid" in out


def test_check_json_reports_coverage_per_module_type_and_competency(capsys):
    assert main(["check", "--root", str(VALID_ROOT), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    module = report["coverage"]["modules"]["01_beispiel"]
    assert report["ok"] and report["problems"] == []
    assert module["items"] == 10 and module["types_used"] == 10
    assert module["competencies"] == {
        "kommunikation": 6,
        "team": 2,
        "strategie": 2,
        "kreativitaet": 0,
    }


def test_check_json_lists_problems_with_fields(tmp_path, capsys):
    root = root_with(tmp_path, FIXTURES / "broken" / "01_wrong_competency.yaml")
    assert main(["check", "--root", str(root), "--json"]) == 1
    problem = json.loads(capsys.readouterr().out)["problems"][0]
    assert problem == {
        "path": "content/de/01_wrong_competency.yaml",
        "line": 7,
        "item_id": "kaputt.tf-02",
        "field": "competency",
        "message": "unknown competency 'marketing' (expected one of: kommunikation, team, strategie, kreativitaet)",
        "severity": "error",
    }


def _notebook(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_notebook_references_and_markers_are_checked(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(VALID_ROOT / "content", root / "content")
    _notebook(
        root / "notebooks" / "de" / "01_beispiel.ipynb",
        'import smmkit\nsmmkit.quiz("beispiel.sc-01")',
        'smmkit.quiz("beispiel.gibtsnicht")',
        'smmkit.scenario("beispiel.sc-01")',
        "x = 1\n# BEGIN SOLUTION\ny = 2\n",
        "# END SOLUTION\n",
        'smmkit.self_assessment("beispiel.lik-01", phase="vorher")',
    )
    problems = [str(p) for p in check(root, "de").errors]
    nb = "notebooks/de/01_beispiel.ipynb"
    assert problems == [
        f"{nb}: cell 2, line 1: smmkit.quiz() refers to unknown id 'beispiel.gibtsnicht'",
        f"{nb}: cell 3, line 1: smmkit.scenario() cannot show 'beispiel.sc-01', which is a single_choice",
        f"{nb}: cell 4, line 2: BEGIN SOLUTION without END SOLUTION",
        f"{nb}: cell 5, line 1: END SOLUTION without BEGIN SOLUTION",
    ]


def test_exercise_cells_need_the_call_and_the_metadata_naming_the_same_exercise(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(VALID_ROOT / "content", root / "content")
    path = root / "notebooks" / "de" / "01_beispiel.ipynb"
    _notebook(
        path,
        'import smmkit\nsmmkit.exercise("raci")',
        '# Leinwand\nsmmkit.exercise("strategy")',
        'smmkit.exercise("raci")',
        'smmkit.exercise("kalender")',
        "x = 1",
        'smmkit.exercise("posts")',
    )
    nb = nbformat.read(path, as_version=4)
    for number, name in ((1, "raci"), (2, "posts"), (4, "kalender"), (5, "content_calendar")):
        nb.cells[number - 1].metadata["smmkit"] = {"exercise": name}
    nbformat.write(nb, path)
    problems = [str(p) for p in check(root, "de").errors]
    shown = "notebooks/de/01_beispiel.ipynb"
    known = "(known: raci, posts, strategy, ki_check)"
    assert problems == [
        f"{shown}: cell 2, line 2: smmkit.exercise('strategy') needs the cell metadata "
        '{"smmkit": {"exercise": "strategy"}}',
        f"{shown}: cell 3, line 1: smmkit.exercise('raci') needs the cell metadata "
        '{"smmkit": {"exercise": "raci"}}',
        f"{shown}: cell 4: cell metadata names unknown exercise 'kalender' {known}",
        f"{shown}: cell 5: cell metadata names unknown exercise 'content_calendar' {known}",
        f"{shown}: cell 5: cell metadata names exercise 'content_calendar', but the cell does "
        'not call smmkit.exercise("content_calendar")',
        f"{shown}: cell 6, line 1: smmkit.exercise('posts') needs the cell metadata "
        '{"smmkit": {"exercise": "posts"}}',
    ]


def test_shipped_bank_and_notebooks_are_clean():
    result = check(REPO, "de")
    assert [str(p) for p in result.problems] == []
    for name, refs in result.notebook_refs.items():
        assert refs, f"notebook {name} shows no bank content"


def test_every_shipped_item_is_used_by_a_notebook():
    result = check(REPO, "de")
    used = {ref for refs in result.notebook_refs.values() for ref in refs}
    for quiz_set in result.bank.quiz_sets.values():
        if quiz_set.id in used:
            used.update(quiz_set.items)
    assert sorted(set(result.bank.items) - used) == []


def test_schema_describes_every_item_type(capsys):
    schema = bank_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    text = json.dumps(schema)
    for type_name in ("single_choice", "free_text", "scenario", "likert", "fill_blanks"):
        assert f'"{type_name}"' in text
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "smmkit content bank file"


def test_yaml_is_loaded_safely(tmp_path):
    file = tmp_path / "01_unsafe.yaml"
    file.write_text(
        "schema_version: 1\nmodule: 01_unsafe\ntitle: x\n"
        "items:\n  - !!python/object/apply:os.system ['echo pwned']\n",
        encoding="utf-8",
    )
    result = check(root_with(tmp_path, file), "de")
    assert result.problems and "could not determine a constructor" in str(result.problems[0])


@pytest.mark.parametrize("path", sorted((REPO / "content").glob("*/*.yaml")), ids=lambda p: p.name)
def test_fast_yaml_loader_gives_what_the_python_loader_gives(path: Path, monkeypatch) -> None:
    """The bank is parsed by libyaml for speed; data and line numbers must not change."""
    from smmkit.bank import loader

    assert loader.FAST_LOADER is not None, "PyYAML was installed without libyaml"
    text = path.read_text(encoding="utf-8")
    fast = loader.parse_yaml(text, path.name)
    monkeypatch.setattr(loader, "FAST_LOADER", None)
    slow = loader.parse_yaml(text, path.name)
    assert not fast.problems and not slow.problems
    assert fast.data == slow.data
    assert fast.lines == slow.lines


def test_the_example_scenario_in_the_authoring_docs_validates_when_pasted(tmp_path):
    docs = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = docs.split("<!-- example: scenario -->\n```yaml\n", 1)[1].split("```", 1)[0]
    content = tmp_path / "content" / "de"
    content.mkdir(parents=True)
    header = 'schema_version: 1\nmodule: 01_beispiel\ntitle: "Beispiel"\nitems:\n'
    (content / "01_beispiel.yaml").write_text(header + block, encoding="utf-8")
    result = check(tmp_path, "de", notebooks=False)
    assert [str(p) for p in result.problems] == []
    assert "kommunikation.szenario-beispiel" in result.bank.items
