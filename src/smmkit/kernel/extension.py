"""The IPython extension behind `%load_ext smmkit`: alt texts for charts."""

from __future__ import annotations

from typing import Any

MATPLOTLIB_WORDS = ("matplotlib", "plt.", "pyplot", ".plot(", "figure")


def enable_chart_alt_text_on_use(shell: Any) -> None:
    """Call :func:`enable_chart_alt_text` when the kernel first needs it: just before the
    first cell that names matplotlib (so its first chart is described), or when a figure made
    elsewhere (e.g. by smmkit's dashboard) is first shown.

    Importing matplotlib costs a kernel about 0.3 s and 20 MB; an app page whose charts were
    drawn at build time never needs it.
    """

    def before_cell(info: Any) -> None:
        source = getattr(info, "raw_cell", "") or ""
        if any(word in source for word in MATPLOTLIB_WORDS):
            shell.events.unregister("pre_run_cell", before_cell)
            enable_chart_alt_text(shell)

    def first_figure(figure: Any) -> Any:
        enable_chart_alt_text(shell)
        return shell.display_formatter.formatters["image/png"].lookup_by_type(type(figure))(figure)

    first_figure.smmkit_deferred = True  # type: ignore[attr-defined]
    shell.events.register("pre_run_cell", before_cell)
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type_by_name("matplotlib.figure", "Figure", first_figure)


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
        original = None
    if getattr(original, "smmkit_alt_text", False):
        return True
    if original is None or getattr(original, "smmkit_deferred", False):
        configure_inline_support(shell, "inline")
        original = formatter.lookup_by_type(Figure)

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
