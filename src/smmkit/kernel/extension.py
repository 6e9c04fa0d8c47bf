"""The IPython extension behind `%load_ext smmkit`: alt texts for charts."""

from __future__ import annotations

from typing import Any

MATPLOTLIB_WORDS = ("matplotlib", "plt.", "pyplot", ".plot(", "figure")


def enable_chart_alt_text_on_use(shell: Any) -> None:
    """Call :func:`enable_chart_alt_text` just before the first cell that may draw a chart.

    Importing matplotlib costs a kernel about 0.3 s and 20 MB; an app page whose charts were
    drawn at build time never needs it. A cell that names matplotlib (or ``plt.``) gets the
    alt texts from its first chart on, because the formatter is in place before it runs.
    """

    def before_cell(info: Any) -> None:
        source = getattr(info, "raw_cell", "") or ""
        if any(word in source for word in MATPLOTLIB_WORDS):
            shell.events.unregister("pre_run_cell", before_cell)
            enable_chart_alt_text(shell)

    shell.events.register("pre_run_cell", before_cell)


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
