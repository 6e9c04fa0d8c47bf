"""`python -m tools.datagen [FOLDER]`: write every shipped data set (default: src/smmkit/data)."""

from __future__ import annotations

import sys
from pathlib import Path

from .fahrradhaus import write_comment_export, write_strategy_datasets
from .lindenholz import write_question_log

DATA = Path(__file__).resolve().parents[2] / "src" / "smmkit" / "data"


def write_all(folder: Path) -> list[Path]:
    """Every data set the kit ships, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_comment_export(folder / "kommentare_export.csv"),
        *write_strategy_datasets(folder),
        write_question_log(folder / "fragen_log.csv"),
    ]


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA):
        print(path)
