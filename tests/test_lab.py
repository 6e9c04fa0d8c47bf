"""`smmkit lab` (`make lab`): the participants' working copy, German JupyterLab without the
news question, and notebooks saved without widget views. The server tests start a real
`jupyter lab` with the command line `make lab` uses, in an isolated home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import REPO
from lab_support import LabServer

from smmkit.publish.execute import execute_notebook
from smmkit.publish.lab import (
    LAB_SETTINGS,
    WIDGET_NOTE,
    WIDGET_VIEW,
    lab_environment,
    prepare_working_copy,
    strip_widget_views,
)

SOURCES = sorted(p.name for p in (REPO / "notebooks" / "de").glob("*.ipynb"))


def widget_output(model_id: str = "abc") -> nbformat.NotebookNode:
    return nbformat.from_dict(
        {
            "output_type": "display_data",
            "data": {
                "text/plain": "VBox(children=(HTML(value='…'),))",
                WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id},
            },
            "metadata": {},
        }
    )


def notebook_with_widgets() -> dict:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Titel"),
        nbformat.v4.new_code_cell(
            "smmkit.quiz('x')",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="vorher\n"),
                widget_output("a"),
                widget_output("b"),
            ],
        ),
        nbformat.v4.new_code_cell(
            "df", outputs=[nbformat.v4.new_output("execute_result", data={"text/plain": "1"})]
        ),
    ]
    return json.loads(nbformat.writes(notebook))


# --- the pre-save hook, as a function ---------------------------------------------------------


def test_widget_views_become_one_note_per_cell_and_other_outputs_stay():
    notebook = notebook_with_widgets()
    table_before = json.dumps(notebook["cells"][2]["outputs"])
    assert strip_widget_views(notebook) == 2
    assert "widgets" not in notebook["metadata"]
    quiz, table = notebook["cells"][1]["outputs"], notebook["cells"][2]["outputs"]
    assert [o["output_type"] for o in quiz] == ["stream", "display_data"]
    assert quiz[1]["data"] == {"text/plain": WIDGET_NOTE}
    assert json.dumps(table) == table_before
    nbformat.validate(nbformat.from_dict(notebook))  # still a valid notebook
    assert strip_widget_views(notebook) == 0  # a second save changes nothing


# --- the working copy -------------------------------------------------------------------------


def test_working_copy_holds_the_exercise_edition_and_never_overwrites(tmp_path):
    folder = tmp_path / "arbeitsordner"
    first = prepare_working_copy(REPO, folder)
    assert first.created == SOURCES and first.kept == []
    for name in SOURCES:  # what participants get: no trainer notes, solutions as stubs
        notebook = nbformat.read(folder / name, as_version=4)
        committed = nbformat.read(REPO / "exercises" / "de" / name, as_version=4)
        assert [c.source for c in notebook.cells] == [c.source for c in committed.cells], name
        assert not any("trainer" in c.metadata.get("tags", []) for c in notebook.cells)

    mine = folder / SOURCES[1]
    mine.write_text('{"my": "work"}', encoding="utf-8")
    (folder / SOURCES[2]).unlink()
    second = prepare_working_copy(REPO, folder)
    assert second.created == [SOURCES[2]]
    assert sorted(second.kept) == sorted(set(SOURCES) - {SOURCES[2]})
    assert mine.read_text(encoding="utf-8") == '{"my": "work"}'
    summary = second.summary()
    assert "nie überschrieben" in summary and SOURCES[1] in summary
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no staging left


def test_trainer_copy_holds_the_solution_edition(tmp_path):
    copy = prepare_working_copy(REPO, tmp_path / "t", edition="solution")
    notebook = nbformat.read(tmp_path / "t" / SOURCES[0], as_version=4)
    assert copy.created == SOURCES
    assert any("trainer" in c.metadata.get("tags", []) for c in notebook.cells)


def test_the_working_copy_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "arbeitsordner/x.ipynb", "arbeitsordner-trainer/x.ipynb"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 2


@pytest.mark.kernel
def test_a_working_copy_notebook_runs_outside_the_project(tmp_path, monkeypatch):
    """A copy outside the repository finds the content bank through SMMKIT_ROOT (as `smmkit
    lab` sets it for its kernels)."""
    folder = tmp_path / "kurs" / "arbeitsordner"
    prepare_working_copy(REPO, folder)
    for key, value in lab_environment(os.environ, REPO).items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(folder / "00_einfuehrung.ipynb", as_version=4)
    execute_notebook(notebook, cwd=folder)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outputs)


def test_make_lab_runs_smmkit_lab_and_authors_keep_a_way_to_the_sources():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\nlab: $(STAMP)\n\t$(BIN)/smmkit lab\n" in makefile
    assert "\nlab-authors: $(STAMP)\n\t$(BIN)/smmkit lab --sources\n" in makefile
    assert "jupyter lab notebooks" not in makefile


# --- a real JupyterLab server -----------------------------------------------------------------


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    folder = base / "arbeitsordner"
    prepare_working_copy(REPO, folder)
    server = LabServer(folder, base)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def effective(setting: dict, key: str):
    """A setting's value as JupyterLab uses it: the user's value, else the schema default
    (where the server has applied overrides.json)."""
    if key in setting.get("settings", {}):
        return setting["settings"][key]
    return setting["schema"]["properties"][key]["default"]


def test_lab_settings_file_is_valid_against_jupyterlabs_schemas():
    overrides = json.loads((LAB_SETTINGS / "overrides.json").read_text(encoding="utf-8"))
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text(encoding="utf-8"))
        assert set(values) <= set(schema["properties"]), plugin


def test_lab_speaks_german_and_does_not_ask_about_news(lab_server):
    translation = lab_server.request("/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert effective(translation, "locale") == "de_DE"
    notification = lab_server.request(
        "/lab/api/settings/@jupyterlab/apputils-extension:notification"
    )
    assert effective(notification, "fetchNews") == "false"
    assert effective(notification, "checkForUpdates") is False
    # The language pack is installed: the server has German strings for JupyterLab.
    german = lab_server.request("/lab/api/translations/de_DE")
    assert german["data"]["jupyterlab"]["Save"] == ["Speichern"], german.get("message")


def test_lab_saves_notebooks_without_widget_views(lab_server):
    notebook = notebook_with_widgets()
    saved = lab_server.request(
        "/api/contents/quiz.ipynb",
        "PUT",
        {"type": "notebook", "format": "json", "content": notebook},
    )
    assert saved["name"] == "quiz.ipynb"
    on_disk = nbformat.read(lab_server.folder / "quiz.ipynb", as_version=4)
    outputs = [o for c in on_disk.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs and not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert {"text/plain": WIDGET_NOTE} in [o.get("data") for o in outputs]
    assert "widgets" not in on_disk.metadata


def test_smmkit_lab_makes_the_copy_and_serves_it(tmp_path):
    """The command behind `make lab`, end to end: copy, message, JupyterLab on the copy."""
    folder = tmp_path / "kurs"
    base = tmp_path / "lab"
    base.mkdir()
    server = LabServer(folder, base, via_cli=True)
    try:
        server.wait_ready()
        listed = server.request("/api/contents/")
        assert sorted(e["name"] for e in listed["content"]) == SOURCES
        kernel = server.request("/api/kernelspecs")
        assert kernel["default"] == "python3"
    finally:
        server.stop()
    log = server.log()
    assert "Arbeitsordner:" in log and "neu angelegt" in log, log[:2000]
