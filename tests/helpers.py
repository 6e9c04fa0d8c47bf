"""Paths shared by the tests (importable as `helpers`: pytest puts tests/ on sys.path)."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID_ROOT = FIXTURES / "valid"
