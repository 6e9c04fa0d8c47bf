"""Project set-up stays consistent: environment.yml ↔ pyproject.toml, README commands, layout."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml
from helpers import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {
        _name(r): r for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda = {}
    pip_entries = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_entries = dep["pip"]
        else:
            conda[_name(dep)] = dep
    assert "-e ." in pip_entries, "environment.yml must install the package itself"
    # Packages that conda-forge lacks come from PyPI through the pip section.
    pip = {_name(entry): entry for entry in pip_entries if entry != "-e ."}
    assert not set(pip) & set(conda), "a package both from conda-forge and from pip"
    conda.update(pip)
    missing = sorted(set(wanted) - set(conda))
    extra = sorted(set(conda) - set(wanted) - {"python", "pip"})
    assert (missing, extra) == ([], [])
    for name, requirement in wanted.items():
        bound = requirement[len(name) :].split("#")[0].strip()
        assert conda[name].split("#")[0].replace(" ", "").endswith(bound.replace(" ", "")), (
            name,
            requirement,
            conda[name],
        )


# Import names that differ from their distribution names, and what comes with another package.
IMPORT_NAMES = {"IPython": "ipython", "yaml": "pyyaml", "matplotlib_inline": "matplotlib-inline"}
BUNDLED = {"pydantic_core": "pydantic"}


def test_every_third_party_import_is_a_declared_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    imported = set()
    package = REPO / "src" / "smmkit"
    for path in [*package.rglob("*.py"), *package.rglob("*.j2")]:
        for match in re.finditer(
            r"^\s*(?:from|import) ([A-Za-z_]\w*)", path.read_text(encoding="utf-8"), re.M
        ):
            imported.add(match.group(1))
    third_party = {
        name
        for name in imported - set(sys.stdlib_module_names)
        if name not in ("smmkit", "__future__")
    }
    names = {IMPORT_NAMES.get(n, BUNDLED.get(n, n)).lower().replace("_", "-") for n in third_party}
    assert sorted(names - declared) == []


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make handouts" in readme and "make lab" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_makefile_targets_exist():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("handouts:", "lab:", "app:", "room:", "test:", "check:"):
        assert re.search(rf"^{target}", makefile, re.M), target


def test_console_script_runs():
    out = subprocess.run(
        [sys.executable, "-m", "smmkit.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("smmkit ")


def test_message_catalog_covers_every_key_used_in_code_and_templates():
    from smmkit.i18n import catalog

    keys = set(catalog("de"))
    used = set()
    package = REPO / "src" / "smmkit"
    for path in [*package.rglob("*.py"), *package.rglob("*.j2")]:
        used.update(
            re.findall(
                r"""\bt\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")
            )
        )
    assert sorted(k for k in used if k not in keys and not k.endswith(".")) == []


def test_message_catalog_reads_the_same_with_libyaml_and_pure_python(monkeypatch):
    import yaml

    from smmkit import i18n

    fast = dict(i18n.catalog("de"))
    monkeypatch.setattr(i18n, "_YAML_LOADER", yaml.SafeLoader)
    i18n.catalog.cache_clear()
    try:
        assert i18n.catalog("de") == fast
    finally:
        i18n.catalog.cache_clear()
