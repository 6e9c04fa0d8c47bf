"""The content bank: models, loader, validation and JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ContentError
from .models import BankFile
from .validate import Bank, CheckResult, check, coverage, find_root

__all__ = ["Bank", "CheckResult", "bank_schema", "check", "coverage", "find_root", "load_bank"]


def load_bank(root: Path | None = None, lang: str = "de") -> Bank:
    """Load and validate the bank of `lang`; raise ContentError listing every problem."""
    result = check(Path(root) if root else find_root(), lang, notebooks=False)
    if result.errors:
        raise ContentError(result.errors)
    return result.bank


def bank_schema() -> dict:
    """JSON Schema of one bank file, for editor autocompletion."""
    schema = BankFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "smmkit content bank file"
    return schema


def bank_schema_json() -> str:
    return json.dumps(bank_schema(), indent=2, ensure_ascii=False)
