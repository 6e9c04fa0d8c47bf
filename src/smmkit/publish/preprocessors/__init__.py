"""nbconvert preprocessors that turn one source notebook into the kit's editions."""

from .bank import RenderBankItems, RenderFacts
from .cells import (
    ClearSolutions,
    DropWidgetOutputs,
    HideCode,
    LoadSmmkitExtension,
    StripSolutionMarkers,
)

__all__ = [
    "ClearSolutions",
    "DropWidgetOutputs",
    "HideCode",
    "LoadSmmkitExtension",
    "RenderBankItems",
    "RenderFacts",
    "StripSolutionMarkers",
]
