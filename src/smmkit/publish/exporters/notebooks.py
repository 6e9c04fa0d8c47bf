"""Notebook editions: exercises (stubs, no trainer notes) and solutions (markers removed)."""

from __future__ import annotations

from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import (
    ClearMetadataPreprocessor,
    ClearOutputPreprocessor,
    TagRemovePreprocessor,
)
from traitlets import default

from ..preprocessors import ClearSolutions, LoadSmmkitExtension, RenderFacts, StripSolutionMarkers
from ..preprocessors.cells import APP_ONLY, LAB_ONLY
from ..preprocessors.freeze import FreezeOutputs


class _EditionExporter(NotebookExporter):
    @default("optimistic_validation")
    def _optimistic_validation_default(self) -> bool:
        return True  # validate once after the last step (see HandoutExporter)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for step in self.edition_steps():
            self.register_preprocessor(step, enabled=True)
        self.register_preprocessor(ClearOutputPreprocessor(parent=self), enabled=True)
        self.register_preprocessor(
            ClearMetadataPreprocessor(
                preserve_cell_metadata_mask={"tags", "smmkit"},  # smmkit: the exercise shown
                preserve_nb_metadata_mask={"kernelspec", "language_info"},
                parent=self,
            ),
            enabled=True,
        )

    def edition_steps(self) -> list:
        raise NotImplementedError


class ExerciseExporter(_EditionExporter):
    """For participants: solution regions become stubs; trainer notes are removed."""

    export_from_notebook = "smmkit exercise"

    def edition_steps(self) -> list:
        return [
            TagRemovePreprocessor(remove_cell_tags={"trainer", APP_ONLY}, parent=self),
            RenderFacts(parent=self),
            ClearSolutions(parent=self),
        ]


class SolutionExporter(_EditionExporter):
    """For trainers and self-checks: full solutions, marker lines removed."""

    export_from_notebook = "smmkit solution"

    def edition_steps(self) -> list:
        return [
            TagRemovePreprocessor(remove_cell_tags={APP_ONLY}, parent=self),
            RenderFacts(parent=self),
            StripSolutionMarkers(parent=self),
        ]


class AppExporter(_EditionExporter):
    """For the app view (Voilà): the executed notebook without trainer notes; code stays
    hidden there, and cells whose result is the same for everyone keep it (FreezeOutputs)."""

    export_from_notebook = "smmkit app"

    def edition_steps(self) -> list:
        return [
            TagRemovePreprocessor(remove_cell_tags={"trainer", LAB_ONLY}, parent=self),
            FreezeOutputs(parent=self),
            RenderFacts(parent=self),
            LoadSmmkitExtension(parent=self),
        ]
