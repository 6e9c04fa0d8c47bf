"""What `smmkit results report` and `smmkit certificate` do (cli.py only parses arguments)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from ..bank import find_root, load_bank
from ..bank.validate import Bank
from ..i18n import t
from .certificates import CertificateOptions, build_certificates, write_certificates
from .loader import LoadedResults, ResultsError, display_name, load_results
from .report import ReportFiles, prepare_report, write_report


def load_checked(results_dir: Path, bank: Bank, stderr: TextIO) -> LoadedResults:
    """Load, print every warning to stderr, and fail only if no file was usable."""
    loaded = load_results(results_dir, bank)
    for warning in loaded.warnings:
        print(t("results.command.warning", warning=warning), file=stderr)
    if not loaded.valid_files:
        raise ResultsError(
            t("results.error.no_valid_file", folder=display_name(str(results_dir)),
              checked=len(loaded.files), skipped=len(loaded.skipped_files))
        )  # fmt: skip
    return loaded


def bank_for(root: str | Path) -> Bank:
    return load_bank(find_root(Path(root)))


@dataclass
class ReportRequest:
    results_dir: Path
    out: Path
    pdf: bool = False
    csv_dir: Path | None = None
    anonymise: bool = False
    root: Path = Path(".")


def run_report(
    request: ReportRequest, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> ReportFiles:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    bank = bank_for(request.root)
    loaded = load_checked(request.results_dir, bank, stderr)
    data = prepare_report(loaded, bank, anonymise=request.anonymise)
    files = write_report(data, request.out, pdf=request.pdf, csv_dir=request.csv_dir)
    print(
        t("results.command.report_written", file=files.html,
          participants=len(loaded.participants), skipped=len(loaded.skipped_files)),
        file=stdout,
    )  # fmt: skip
    if files.pdf:
        print(t("results.command.pdf_written", file=files.pdf), file=stdout)
    if files.csvs:
        print(t("results.command.csv_written", count=len(files.csvs), folder=request.csv_dir),
              file=stdout)  # fmt: skip
    return files


def parse_day(text: str | None) -> date:
    """`YYYY-MM-DD` (today if not given); a German error otherwise."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ResultsError(t("results.error.bad_date", text=repr(text))) from None


@dataclass
class CertificateRequest:
    results_dir: Path
    out: Path
    title: str | None = None
    day: str | None = None
    trainer: str | None = None
    profile: bool = False
    root: Path = Path(".")


def run_certificates(
    request: CertificateRequest, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> list[Path]:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    options = CertificateOptions(
        title=request.title or t("results.certificate.default_title"),
        day=parse_day(request.day),
        trainer=request.trainer,
        profile=request.profile,
    )
    bank = bank_for(request.root)
    loaded = load_checked(request.results_dir, bank, stderr)
    certificates = build_certificates(loaded, bank, options)
    paths = write_certificates(certificates, request.out, options)
    without = [c.name for c in certificates if not c.modules]
    if without:
        print(t("results.command.without_modules", count=len(without)), file=stderr)
    print(t("results.command.certificates_written", count=len(paths), folder=request.out),
          file=stdout)  # fmt: skip
    return paths
