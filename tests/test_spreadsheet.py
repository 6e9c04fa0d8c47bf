"""The exercise data as spreadsheet files: the alternative for groups that do not code."""

from __future__ import annotations

import csv
import io

import pandas as pd

from smmkit import datasets
from smmkit.publish.spreadsheet import (
    DATA_FILES,
    spreadsheet_cell,
    spreadsheet_csv,
    write_spreadsheets,
)


def test_cells_become_what_a_german_spreadsheet_reads():
    assert spreadsheet_cell("143.0") == "143,0"
    assert spreadsheet_cell("-0.25") == "-0,25"
    assert spreadsheet_cell("2024-06-01T10:39") == "2024-06-01 10:39"
    assert spreadsheet_cell("True") == "ja" and spreadsheet_cell("False") == "nein"
    for kept in ("2602", "2024-06-02", "19:15", "Best Ager", "", "Version 2.0 ist da"):
        assert spreadsheet_cell(kept) == kept


def test_semicolons_in_texts_are_quoted_and_the_header_is_kept():
    text = 'id,text,wert\nA1,"Schön; und gut, wirklich",1.5\n'
    out = spreadsheet_csv(text)
    assert out == 'id;text;wert\r\nA1;"Schön; und gut, wirklich";1,5\r\n'


def test_written_files_open_in_german_excel_and_hold_the_same_data(tmp_path):
    written = write_spreadsheets(tmp_path)
    assert [p.name for p in written] == list(DATA_FILES)
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel then reads the umlauts
        assert b"\r\n" in raw
    # the post export as a spreadsheet reads it is the table the notebooks use
    sheet = pd.read_csv(
        tmp_path / "tabellen" / "beitraege_export.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        parse_dates=["datum"],
    )
    pd.testing.assert_frame_equal(sheet, datasets.load_post_export())
    comments = (tmp_path / "tabellen" / "kommentare_export.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(comments), delimiter=";"))
    assert rows[0][0] == "kommentar_id" and {r[6] for r in rows[1:]} == {"ja", "nein"}
    assert all("T" not in r[1] for r in rows[1:])
    assert len(rows) - 1 == len(datasets.load_comment_export())
