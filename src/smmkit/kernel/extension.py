"""The IPython extension behind `%load_ext smmkit`: alt texts for charts."""

from __future__ import annotations

from typing import Any


def enable_chart_alt_text(shell: Any) -> bool:
    """Attach an alt text (from titles and axis labels) to every PNG chart `shell` displays.

    Printed handouts must describe every chart; nbconvert writes `alt` from output metadata.
    """
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
