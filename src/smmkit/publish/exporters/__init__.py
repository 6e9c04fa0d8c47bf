"""nbconvert exporters for the kit's editions, registered as `nbconvert.exporters` entry points.

jupyter nbconvert --to smmkit_handout  notebooks/de/01_offenheit_kommunikation.ipynb
jupyter nbconvert --to smmkit_trainer  …
jupyter nbconvert --to smmkit_exercise …
jupyter nbconvert --to smmkit_solution …
"""

from .handout import HandoutExporter, TrainerExporter
from .notebooks import AppExporter, ExerciseExporter, SolutionExporter

__all__ = [
    "AppExporter",
    "ExerciseExporter",
    "HandoutExporter",
    "SolutionExporter",
    "TrainerExporter",
]
