"""The exercise data as spreadsheet files, for groups that do not code.

The CSV files in ``smmkit/data/`` are written for pandas: comma-separated, decimal point,
UTF-8 without a byte order mark. German Excel opens such a file as one column of text, and
LibreOffice asks for the separator. The workshop build therefore writes a copy of each file
that opens correctly with a double click: semicolon as separator, decimal comma, dates with a
space instead of ``T``, ``ja``/``nein`` instead of ``True``/``False``, UTF-8 **with** a byte
order mark (without it, Excel reads the umlauts as Windows-1252) and Windows line ends.
``workshop/datenwerkstatt-tabellen.md`` is the one-page guide that goes with them.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import re
from pathlib import Path

from ..store import atomic_write

# The data of the notebooks' data exercises (module 03 first: the full day's data workshop).
DATA_FILES = (
    "beitraege_export.csv",
    "feedback_log.csv",
    "wettbewerb_benchmark.csv",
    "kommentare_export.csv",
    "fragen_log.csv",
)
FOLDER = "tabellen"  # below the workshop output: build/de/workshop/tabellen/

_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)$")
_BOOLEANS = {"True": "ja", "False": "nein"}


def spreadsheet_cell(value: str) -> str:
    """One value as a German spreadsheet reads it: 12.5 → 12,5; 2024-06-01T10:39 →
    2024-06-01 10:39; True → ja. Text, whole numbers and dates stay as they are."""
    if _DECIMAL.match(value):
        return value.replace(".", ",")
    stamp = _TIMESTAMP.match(value)
    if stamp:
        return f"{stamp.group(1)} {stamp.group(2)}"
    return _BOOLEANS.get(value, value)


def spreadsheet_csv(text: str) -> str:
    """A pandas-style CSV (comma, decimal point) as a German spreadsheet CSV (semicolon,
    decimal comma, CRLF). The header row is kept as it is; the BOM is added on writing."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for number, row in enumerate(rows):
        writer.writerow(row if number == 0 else [spreadsheet_cell(v) for v in row])
    return out.getvalue()


def write_spreadsheets(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/tabellen/<name>.csv`` for every exercise data file; the paths."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    data = importlib.resources.files("smmkit") / "data"
    for name in DATA_FILES:
        text = (data / name).read_text(encoding="utf-8")
        # atomic_write replaces a hard link (the build mirrors old output so) without writing into it
        written.append(atomic_write(folder / name, "\ufeff" + spreadsheet_csv(text)))
    return written
