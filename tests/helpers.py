"""Paths shared by the tests (importable as `helpers`: pytest puts tests/ on sys.path)."""

import json
import os
import shutil
from pathlib import Path

import pytest

from smmkit.store import RECORD_FIELDS, record_form

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID_ROOT = FIXTURES / "valid"


def require_pdf_tools() -> None:
    """Skip without chromium/poppler, but fail under CI (a missing tool is an error there)."""
    missing = [t for t in ("chromium", "pdftotext", "pdftoppm", "pdfinfo") if not shutil.which(t)]
    if missing:
        message = f"missing system tools {missing}: apt-get install chromium poppler-utils"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def saved_records(path: Path) -> list[dict]:
    """The answers of a participant's results file as records, whichever layout it has."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return record_form(document["answers"], document["version"])


def version_2_columns(drop: str | None = None, **columns: object) -> dict[str, object]:
    """Version 2 answers: every field an empty list unless given; `drop` leaves one out."""
    answers = {name: columns.get(name, []) for name in RECORD_FIELDS}
    answers.pop(drop, None)
    return answers
