"""nbgitpuller links: one click clones (or updates) the training repository into the user's
home on the hub and opens a module, in JupyterLab or as an app (Voilà under the user's server).

Format: ``https://HUB/hub/user-redirect/git-pull?repo=…&branch=…&targetpath=…&urlpath=…``.
``user-redirect`` sends a logged-in user to their own server (and others to the login first);
nbgitpuller merges updates without overwriting what the participant changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from ..errors import SmmkitError

VIEWS = {"lab": "lab/tree", "app": "voila/render"}  # JupyterLab, or the Voilà app view
EDITION_FOLDER = "exercises"  # participants get the exercise edition (committed, no solutions)


@dataclass(frozen=True)
class ModuleLink:
    module: str
    url: str


def _check_url(value: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SmmkitError(f"{what} must be an http(s) address, not {value!r}")
    return value.rstrip("/")


def nbgitpuller_link(
    hub: str, repo: str, branch: str, notebook: str, view: str = "lab", folder: str = "smmkit"
) -> str:
    """The link that pulls `repo` at `branch` into ``~/<folder>`` and opens `notebook` (a
    path inside the repository) in `view` ("lab" or "app")."""
    if view not in VIEWS:
        raise SmmkitError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    if not folder or "/" in folder or folder in (".", ".."):
        raise SmmkitError(f"folder must be one folder name in the user's home, not {folder!r}")
    query = {
        "repo": _check_url(repo, "--repo"),
        "branch": branch,
        "targetpath": folder,
        "urlpath": f"{VIEWS[view]}/{folder}/{notebook.lstrip('/')}",
    }
    return (
        f"{_check_url(hub, '--hub')}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote)}"
    )


def module_links(
    root: Path,
    hub: str,
    repo: str,
    branch: str = "main",
    modules: list[str] | None = None,
    view: str = "lab",
    lang: str = "de",
    folder: str = "smmkit",
) -> list[ModuleLink]:
    """One link per module notebook in ``<root>/exercises/<lang>/`` (or the named `modules`)."""
    source = Path(root) / EDITION_FOLDER / lang
    available = sorted(path.stem for path in source.glob("*.ipynb"))
    if not available:
        raise SmmkitError(f"no module notebooks in {source} (run `smmkit build` first)")
    chosen = modules or available
    unknown = [name for name in chosen if name.removesuffix(".ipynb") not in available]
    if unknown:
        raise SmmkitError(
            f"unknown module {', '.join(unknown)}: choose from {', '.join(available)}"
        )
    return [
        ModuleLink(
            name,
            nbgitpuller_link(
                hub, repo, branch, f"{EDITION_FOLDER}/{lang}/{name}.ipynb", view, folder
            ),
        )
        for name in (m.removesuffix(".ipynb") for m in chosen)
    ]
