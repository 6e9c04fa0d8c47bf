"""Set-up done once when smmkit is imported inside a Jupyter kernel."""

from __future__ import annotations

from typing import Any


def _in_kernel() -> Any | None:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None


def enable_chart_alt_text() -> bool:
    """Attach an alt text (from titles and axis labels) to every PNG chart a kernel displays.

    Printed handouts must describe every chart; nbconvert writes `alt` from output metadata.
    """
    shell = _in_kernel()
    if shell is None:
        return False
    import matplotlib.pyplot as plt  # noqa: F401 - activates the inline backend's formatters
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import configure_inline_support

    from .charts import describe_figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        original = formatter.lookup_by_type(Figure)
    except KeyError:
        configure_inline_support(shell, "inline")
        original = formatter.lookup_by_type(Figure)
    if getattr(original, "smmkit_alt_text", False):
        return True

    def png_with_alt(figure: Figure) -> Any:
        data = original(figure)
        if data is None:
            return None
        metadata: dict[str, Any] = {}
        if isinstance(data, tuple):
            data, metadata = data
        return data, {**(metadata or {}), "alt": describe_figure(figure)}

    png_with_alt.smmkit_alt_text = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, png_with_alt)
    return True
