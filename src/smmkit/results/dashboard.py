"""The trainer dashboard notebook's helpers: the report's sections as tables and charts.

`workshop/trainer_dashboard.ipynb` calls one method per section, so the notebook stays
short and shows exactly what the HTML report shows (same tables, same charts).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from IPython.display import Markdown, display

from ..bank import find_root, load_bank
from ..i18n import t
from .analysis import analyse, module_label
from .figures import completion_heatmap, endings_chart, score_chart, self_assessment_chart
from .loader import LoadedResults, ResultsError, load_results, result_files
from .report import write_csvs
from .tables import Table, build_sections, identities

SAMPLE_FOLDER = Path("workshop") / "beispiel-ergebnisse"
MAX_ROWS = 60  # longer tables: the first rows here, everything in the CSV export


def default_results_folder(root: Path | None = None) -> Path:
    """`$SMMKIT_RESULTS_DIR` if it holds result files, else the shipped sample folder."""
    configured = os.environ.get("SMMKIT_RESULTS_DIR", "").strip()
    if configured:
        folder = Path(configured).expanduser()
        if folder.is_dir() and result_files(folder):
            return folder
    return (root or find_root()) / SAMPLE_FOLDER


class Dashboard:
    """Loaded results of one folder, analysed once; one method per report section."""

    def __init__(self, folder: Path, loaded: LoadedResults, bank: Any, anonymise: bool = False):
        self.folder = folder
        self.loaded = loaded
        self.bank = bank
        self.analysis = analyse(loaded, bank)
        self.who = identities(loaded, anonymise)
        self.sections = build_sections(loaded, self.analysis, bank, self.who)

    @property
    def answers(self):
        """Every answer as a tidy pandas table (one row per answer) for own analyses."""
        return self.loaded.answers

    def _table(self, table: Table) -> None:
        shown = table.formatted()
        display(Markdown(f"**{table.title}**"))
        if shown.empty:
            display(Markdown(t("results.label.empty")))
            return
        display(shown.head(MAX_ROWS))
        if len(shown) > MAX_ROWS:
            display(Markdown(t("results.dashboard.more_rows", count=len(shown) - MAX_ROWS)))
        if table.note:
            display(Markdown(f"*{table.note}*"))

    def overview(self) -> None:
        loaded = self.loaded
        display(
            Markdown(
                t(
                    "results.dashboard.overview",
                    folder=self.folder,
                    participants=len(loaded.participants),
                    valid=len(loaded.valid_files),
                    total=len(loaded.files),
                    answers=len(loaded.answers),
                )
            )
        )
        self._table(self.sections.participants)
        if loaded.warnings:
            self._table(self.sections.warnings)
        else:
            display(Markdown(t("results.label.no_warnings")))

    def completion(self) -> None:
        done = self.analysis.completion
        if len(done):
            titles = {m: module_label(self.bank, m) for m in done.columns}
            display(completion_heatmap(done, self.who.names, titles)[0])
        self._table(self.sections.completion)

    def scores(self) -> None:
        self._table(self.sections.quiz_sets)
        self._table(self.sections.modules)

    def items(self) -> None:
        self._table(self.sections.items)

    def options(self) -> None:
        self._table(self.sections.options)

    def scenarios(self) -> None:
        chart = endings_chart(self.analysis.endings)
        if chart is not None:
            display(chart[0])
        self._table(self.sections.endings)
        self._table(self.sections.paths)

    def free_texts(self) -> None:
        self._table(self.sections.free_texts)

    def profile(self) -> None:
        for chart in (
            self_assessment_chart(self.analysis.profile),
            score_chart(self.analysis.profile),
        ):
            if chart is not None:
                display(chart[0])
        self._table(self.sections.profile)

    def export_csv(self, folder: str | Path = "export") -> list[Path]:
        """Every table as CSV (German Excel format) into `folder`."""
        from .report import ReportData

        data = ReportData(self.loaded, self.analysis, self.sections, self.who)
        return write_csvs(data, Path(folder))

    def export_button(self, folder: str | Path = "export") -> Any:
        """A button that writes the CSV files (and says where)."""
        import ipywidgets as widgets

        button = widgets.Button(description=t("results.dashboard.export"), icon="download")
        status = widgets.Label()  # plain text: a folder name is never markup

        def export(_: Any) -> None:
            paths = self.export_csv(folder)
            status.value = t(
                "results.dashboard.exported", count=len(paths), folder=Path(folder).resolve()
            )

        button.on_click(export)
        return widgets.VBox([button, status])


def open_dashboard(
    folder: str | Path | None = None, anonymise: bool = False, root: Path | None = None
) -> Dashboard:
    """Load and analyse `folder` (None: see :func:`default_results_folder`)."""
    root = root or find_root()
    chosen = Path(folder).expanduser() if folder else default_results_folder(root)
    bank = load_bank(root)
    loaded = load_results(chosen, bank)
    if not loaded.valid_files:
        raise ResultsError(t("results.dashboard.no_files", folder=chosen))
    return Dashboard(chosen, loaded, bank, anonymise)
