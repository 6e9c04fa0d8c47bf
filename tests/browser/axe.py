"""axe-core accessibility audits of a Playwright page, offline.

The axe-core script comes from the `axe-playwright-python` package (test extra), which
bundles `axe.min.js`; nothing is fetched from the internet. Use it on any page:

    from axe import audit, serious, report
    violations = audit(page)                       # WCAG 2.0/2.1/2.2 A and AA rules
    assert not serious(violations), report(serious(violations))

`audit(page, context=".my-widget")` limits the audit to part of the page.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
SERIOUS = ("critical", "serious")


def axe_script() -> Path:
    """The bundled axe.min.js (fails with a clear message when the test extra is missing)."""
    try:
        path = Path(str(importlib.resources.files("axe_playwright_python") / "axe.min.js"))
    except ModuleNotFoundError as exc:
        raise RuntimeError("axe-core is missing: pip install -e '.[test]'") from exc
    if not path.is_file():
        raise RuntimeError(f"axe.min.js not found in {path.parent}")
    return path


def audit(page: Any, tags: tuple[str, ...] = WCAG_AA, context: str | None = None) -> list[dict]:
    """Run axe-core on `page` (a Playwright page) and return its violations.

    Each violation is axe's own dict: ``id``, ``impact`` ("minor" … "critical"), ``help``,
    ``helpUrl`` and ``nodes`` (each with ``target`` selectors and ``failureSummary``).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    result = page.evaluate(
        """async ([tags, context]) => await window.axe.run(
            context ? document.querySelectorAll(context) : document,
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [list(tags), context],
    )
    return result["violations"]


def serious(violations: list[dict], impacts: tuple[str, ...] = SERIOUS) -> list[dict]:
    """Only the violations whose impact is in `impacts` (default: critical and serious)."""
    return [v for v in violations if v.get("impact") in impacts]


def report(violations: list[dict], nodes: int = 5) -> str:
    """One readable block per violation: id, impact, help and the first `nodes` targets."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:nodes]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {node['target']}  {summary[:300]}")
        if len(violation["nodes"]) > nodes:
            lines.append(f"    … and {len(violation['nodes']) - nodes} more")
    return "\n".join(lines)
