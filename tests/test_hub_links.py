"""`smmkit hub link`: nbgitpuller links in the format nbgitpuller reads (its own parser of the
query is used as the check: the same parameter names and values come back)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import REPO

from smmkit.cli import main
from smmkit.errors import SmmkitError
from smmkit.hub import module_links, nbgitpuller_link

HUB = "https://hub.firma.de"
GIT = "https://git.firma.de/schulung/smmkit.git"


def query(url: str) -> dict[str, str]:
    return {
        key: values[0] for key, values in parse_qs(urlsplit(url).query, strict_parsing=True).items()
    }


@pytest.mark.parametrize(("view", "prefix"), [("lab", "lab/tree"), ("app", "voila/render")])
def test_link_pulls_the_repository_and_opens_the_module(view, prefix):
    url = nbgitpuller_link(HUB + "/", GIT, "main", "exercises/de/01_x.ipynb", view)
    assert url.startswith(f"{HUB}/hub/user-redirect/git-pull?")
    assert query(url) == {
        "repo": GIT,
        "branch": "main",
        "targetpath": "smmkit",
        "urlpath": f"{prefix}/smmkit/exercises/de/01_x.ipynb",
    }
    assert "/" not in urlsplit(url).query.split("repo=")[1].split("&")[0]  # encoded


def test_one_link_per_module_of_the_exercise_edition(capsys):
    links = module_links(REPO, HUB, GIT, "schulung-2027", view="app")
    names = sorted(p.stem for p in (REPO / "exercises" / "de").glob("*.ipynb"))
    assert [link.module for link in links] == names and len(names) >= 6
    assert all(query(link.url)["branch"] == "schulung-2027" for link in links)
    assert main(["hub", "link", "--hub", HUB, "--repo", GIT, "--root", str(REPO), "--urls-only",
                 "--module", "01_offenheit_kommunikation"]) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and query(out[0])["urlpath"].endswith("01_offenheit_kommunikation.ipynb")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hub": "hub.firma.de"}, "--hub must be an http"),
        ({"repo": "git@git.firma.de:x.git"}, "--repo must be an http"),
        ({"modules": ["07_gibt_es_nicht"]}, "unknown module 07_gibt_es_nicht"),
        ({"view": "classic"}, "unknown view"),
        ({"folder": "../etc"}, "folder must be one folder name"),
    ],
)
def test_mistakes_are_named(kwargs, message):
    arguments = {"hub": HUB, "repo": GIT, **kwargs}
    with pytest.raises(SmmkitError, match=message):
        module_links(REPO, **arguments)


def test_a_folder_without_notebooks_says_so(tmp_path):
    with pytest.raises(SmmkitError, match="no module notebooks"):
        module_links(tmp_path, HUB, GIT)
