"""`smmkit app`: the Voilà command line and environment (the page itself: tests/browser)."""

from __future__ import annotations

import os
import subprocess
import sys

from smmkit.publish.app import JUPYTER_DATA, VOILA_TEMPLATE, voila_command, voila_environment


def test_the_offline_template_is_where_voila_looks_for_it():
    folder = JUPYTER_DATA / "voila" / "templates" / VOILA_TEMPLATE
    assert (folder / "conf.json").is_file()
    template = (folder / "index.html.j2").read_text(encoding="utf-8")
    assert "extends 'lab/index.html.j2'" in template
    assert template.count("| replace('<link") == 2  # both CDN stylesheet links of Voilà's lab page


def test_environment_puts_smmkit_first_and_keeps_the_users_paths():
    env = voila_environment({"JUPYTER_PATH": os.pathsep.join(["/opt/a", str(JUPYTER_DATA)])})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(JUPYTER_DATA), "/opt/a"]
    assert voila_environment({})["JUPYTER_PATH"] == str(JUPYTER_DATA)


def test_command_uses_the_template_and_local_kernels_only(tmp_path):
    command = voila_command(tmp_path, ["--port=1234"])
    assert command[0].endswith("voila")
    assert f"--template={VOILA_TEMPLATE}" in command
    assert "--Voila.ip=127.0.0.1" in command and command[-1] == str(tmp_path)
    assert "--VoilaExporter.language_code=de" in command  # <html lang="de"> for screen readers


def test_the_template_replaces_voilas_pages_that_link_to_a_cdn():
    folder = JUPYTER_DATA / "voila" / "templates" / VOILA_TEMPLATE
    for name in ("page.html", "tree-lab.html", "tree.html"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, name
    assert '<html lang="de">' in (folder / "page.html").read_text(encoding="utf-8")


def test_cli_names_a_missing_app_folder(tmp_path):
    missing = tmp_path / "build" / "de" / "app"
    result = subprocess.run(
        [sys.executable, "-m", "smmkit.cli", "app", str(missing)], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert str(missing) in result.stderr and "make app" in result.stderr
