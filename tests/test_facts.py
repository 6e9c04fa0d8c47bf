"""Facts that age: one dated source (content/<lang>/fakten.yaml), rendered into texts, items,
exercise rules, guides and the trainer edition's list of sources."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import pytest
from helpers import REPO

from smmkit.bank import check
from smmkit.bank.facts import load_facts
from smmkit.exercises.posts import logic as posts
from smmkit.publish.preprocessors import RenderFacts
from smmkit.publish.preprocessors.bank import bank_for
from smmkit.publish.workshop import check_guide

FACTS = """\
schema_version: 1
facts:
  - id: beispiel.zeichen_max
    value: 2200
    unit: "Zeichen"
    text: "Eine Bildunterschrift darf 2.200 Zeichen haben."
    source: "Beispielplattform: Hilfe"
    stand: {stand}
"""

BANK = """\
schema_version: 1
module: 01_beispiel
title: "Beispiel"
items:
  - id: beispiel.tf-01
    type: true_false
    competency: kreativitaet
    prompt: "Eine Bildunterschrift darf {placeholder} Zeichen haben."
    answer: true
    explanation: "Stand {{{{fakt:beispiel.zeichen_max|stand}}}}."
"""


def project(tmp_path: Path, stand: str = "2026-11-30", placeholder: str = "") -> Path:
    content = tmp_path / "content" / "de"
    content.mkdir(parents=True)
    (content / "fakten.yaml").write_text(FACTS.format(stand=stand), encoding="utf-8")
    text = BANK.format(placeholder=placeholder or "{{fakt:beispiel.zeichen_max}}")
    (content / "01_beispiel.yaml").write_text(text, encoding="utf-8")
    return tmp_path


TODAY = dt.date(2026, 12, 6)


def test_placeholders_are_filled_in_at_load_time(tmp_path):
    result = check(project(tmp_path), "de", notebooks=False, today=TODAY)
    assert not result.problems, result.problems
    item = result.bank.items["beispiel.tf-01"]
    assert item.prompt == "Eine Bildunterschrift darf 2.200 Zeichen haben."
    assert item.explanation == "Stand November 2026."
    assert result.bank.fact_uses["beispiel.tf-01"] == {"beispiel.zeichen_max"}
    assert "fakten" not in result.bank.modules  # the facts file is not a module of the bank


def test_a_fact_older_than_twelve_months_is_a_fact_age_warning(tmp_path):
    result = check(project(tmp_path, stand="2025-11-30"), "de", notebooks=False, today=TODAY)
    assert not result.errors
    (warning,) = result.warnings
    assert str(warning) == (
        "content/de/fakten.yaml:3: beispiel.zeichen_max.stand: warning: checked on 2025-11-30, "
        "371 days ago (more than 12 months): check the source again and update value and "
        "stand [fact-age]"
    )
    fresh = check(project(tmp_path / "b", stand="2025-12-06"), "de", notebooks=False, today=TODAY)
    assert not fresh.problems  # exactly 12 months is still fine
    assert result.bank.facts.summary(TODAY) == (
        "Fakten: 1 in content/de/fakten.yaml, Stand 2025-11-30; 1 überfällig"
    )
    assert fresh.bank.facts.summary(TODAY) == (
        "Fakten: 1 in content/de/fakten.yaml, Stand 2025-12-06; nächste Prüfung bis 2026-12-06"
    )


def test_an_unknown_fact_id_names_file_line_item_and_field(tmp_path):
    root = project(tmp_path, placeholder="{{fakt:beispiel.zeichen_mx}}")
    (problem,) = check(root, "de", notebooks=False, today=TODAY).errors
    assert str(problem) == (
        "content/de/01_beispiel.yaml:8: beispiel.tf-01.prompt: unknown fact id "
        "'beispiel.zeichen_mx' (not in content/de/fakten.yaml); did you mean "
        "'beispiel.zeichen_max'?"
    )


def test_a_broken_fact_names_its_field(tmp_path):
    root = project(tmp_path, stand="6.12.2026")
    (problem,) = check(root, "de", notebooks=False, today=TODAY).errors
    assert str(problem) == (
        "content/de/fakten.yaml:8: beispiel.zeichen_max.stand: must be a date written "
        "YYYY-MM-DD, e.g. 2026-12-06"
    )


def test_unknown_fact_in_notebook_markdown_names_cell_and_line(tmp_path):
    root = project(tmp_path)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Titel"),
        nbformat.v4.new_markdown_cell("Text\nHöchstens {{fakt:beispiel.hashtags}} Hashtags."),
    ]
    (root / "notebooks" / "de").mkdir(parents=True)
    nbformat.write(notebook, root / "notebooks" / "de" / "01_beispiel.ipynb")
    messages = [str(p) for p in check(root, "de", today=TODAY).errors]
    assert messages == [
        "notebooks/de/01_beispiel.ipynb: cell 2, line 2: {{fakt:beispiel.hashtags}}: unknown "
        "fact id 'beispiel.hashtags' (not in content/de/fakten.yaml)"
    ]


def test_the_shipped_facts_are_dated_sourced_and_current():
    facts = load_facts(REPO, "de")
    assert facts.get("instagram.hashtags_max").value == 5
    for fact in facts.facts.values():
        assert fact.source and fact.text
        assert (TODAY - fact.stand).days <= 365, fact.id
    assert not [w for w in check(REPO, "de").warnings if "[fact-age]" in w.message]


def test_exercise_rules_read_the_value_from_the_facts():
    instagram = posts.profile("instagram")
    assert instagram.hashtag_limit == load_facts(REPO, "de").get("instagram.hashtags_max").value
    assert instagram.max_chars == 2200
    assert "{{" not in instagram.note


def test_trainer_edition_lists_sources_and_participants_see_values(tmp_path):
    source = nbformat.read(REPO / "notebooks" / "de" / "04_kreativitaet.ipynb", as_version=4)
    resources = {"metadata": {"path": str(REPO / "notebooks" / "de"), "name": "04_kreativitaet"}}
    trainer, _ = RenderFacts(mode="trainer").preprocess(nbformat.from_dict(source), resources)
    participant, _ = RenderFacts(mode="participant").preprocess(
        nbformat.from_dict(source), resources
    )
    last = trainer.cells[-1]
    assert last.source.startswith("## Quellen und Stand")
    assert "Instagram (@creators)" in last.source and "| 06.12.2026 |" in last.source
    assert "{{fakt:" not in json.dumps([c.source for c in participant.cells])
    assert not participant.cells[-1].source.startswith("## Quellen")
    # facts used only by the module's bank items and exercise data are listed too
    bank = bank_for(REPO, "de")
    assert "instagram.hashtags_max" in bank.fact_uses["kreativitaet.limits-01"]


def test_guides_check_their_fact_ids(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Leitfaden\n\nHöchstens {{fakt:instagram.hashtag_max}} Hashtags.\n")
    facts = load_facts(REPO, "de")
    (problem,) = check_guide(guide, "workshop/guides/x.md", None, facts)
    assert str(problem).startswith(
        "workshop/guides/x.md:3: fakt: unknown fact id 'instagram.hashtag_max'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{fakt:instagram.zeichen_max}}", 2200),
        ("{{fakt:instagram.zeichen_max|text}}", "2.200"),
        ("bis {{ fakt:instagram.zeichen_max }} Zeichen", "bis 2.200 Zeichen"),
        ("{{fakt:meta.kennzahl_aufrufe}}", "Aufrufe"),
    ],
)
def test_placeholder_syntax(text, expected):
    value, problems, _ = load_facts(REPO, "de").resolve(text)
    assert (value, problems) == (expected, [])
