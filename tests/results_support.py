"""Helpers for the results tests: write participant files the way smmkit.store does
(``layout=2``) or did (version 1, the default here: it can hold malformed records too)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from smmkit.store import file_layout, participant_key

START = "2026-03-02T09:00:00+00:00"


def record(
    item_id: str,
    answer: Any,
    score: float | None,
    max_score: float | None = 1.0,
    *,
    attempt: int = 1,
    phase: str | None = None,
    module: str | None = "01_beispiel",
    minute: int = 0,
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "answer": answer,
        "score": score,
        "max_score": max_score,
        "attempt": attempt,
        "timestamp": f"2026-03-02T09:{minute:02d}:00+00:00",
        "module": module,
        "phase": phase,
    }


def document(name: str, answers: list, key: str | None = None, **extra: Any) -> dict[str, Any]:
    doc = {
        "format": "smmkit-results",
        "version": 1,
        "participant": {"name": name, "key": key or participant_key(name)},
        "created": START,
        "updated": START,
        "answers": answers,
    }
    doc.update(extra)
    return doc


def write_participant(
    folder: Path, name: str, answers: list, *, key: str | None = None, filename: str | None = None,
    layout: int = 1, **extra: Any,
) -> Path:  # fmt: skip
    doc = document(name, answers, key, **extra)
    if layout == 2:
        doc = file_layout(doc)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (filename or f"{doc['participant']['key']}.json")
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_raw(folder: Path, filename: str | bytes, data: bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = os.fsdecode(filename)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
