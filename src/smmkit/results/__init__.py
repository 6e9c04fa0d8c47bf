"""Trainer side of the kit: load a group's result files, analyse them, report and certify."""

from __future__ import annotations

from .loader import LoadedResults, ResultsError, ResultWarning, load_results

__all__ = ["LoadedResults", "ResultWarning", "ResultsError", "load_results"]
