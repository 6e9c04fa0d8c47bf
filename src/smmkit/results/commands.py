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
from .loader import LoadedResults, ResultsError, load_results
from .parsing import display_name
from .report import ReportFiles, prepare_report, write_report


def load_checked(results_dir: Path, bank: Bank, stderr: TextIO) -> LoadedResults:
    """Load, print every warning to stderr, and fail only if no file was usable."""
    loaded = load_results(results_dir, bank)
    for warning in loaded.warnings:
        print(f"smmkit: Warnung: {warning}", file=stderr)
    if not loaded.valid_files:
        raise ResultsError(
            f"Im Ordner {display_name(str(results_dir))} wurde keine gültige Ergebnisdatei "
            f"gefunden ({len(loaded.files)} Dateien geprüft, {len(loaded.skipped_files)} "
            "übersprungen)."
        )
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
        f"Bericht: {files.html} ({len(loaded.participants)} Teilnehmende, "
        f"{len(loaded.skipped_files)} Dateien übersprungen)",
        file=stdout,
    )
    if files.pdf:
        print(f"PDF: {files.pdf}", file=stdout)
    if files.csvs:
        print(f"CSV: {len(files.csvs)} Dateien in {request.csv_dir}", file=stdout)
    return files


def parse_day(text: str | None) -> date:
    """`YYYY-MM-DD` (today if not given); a German error otherwise."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ResultsError(
            f"Ungültiges Datum {text!r}: bitte im Format JJJJ-MM-TT angeben."
        ) from None


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
        print(
            f"smmkit: Hinweis: {len(without)} Bescheinigung(en) ohne abgeschlossenes Modul.",
            file=stderr,
        )
    print(f"{len(paths)} Teilnahmebescheinigungen in {request.out}", file=stdout)
    return paths
