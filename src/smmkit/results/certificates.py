"""Certificates of attendance ("Teilnahmebescheinigung"): one A4 PDF per participant.

Each certificate is a small offline HTML page (name, date, workshop title, the modules
completed, optionally the participant's competency profile as a radar chart) from
``templates/certificate.html.j2``, printed by one shared headless chromium. Names are data:
autoescaped like everything in the report.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..bank.validate import Bank
from ..i18n import t
from ..publish.templating import render
from .analysis import completed_modules, completion, participant_profile
from .figures import Chart, drawn, score_chart, self_assessment_chart
from .loader import KEY_PATTERN, LoadedResults

DEFAULT_MIN_COMPLETION = 0.8


@dataclass(frozen=True)
class CertificateOptions:
    title: str
    day: date
    trainer: str | None = None
    profile: bool = False
    min_completion: float = DEFAULT_MIN_COMPLETION


def certificate_html(
    name: str,
    modules: Sequence[str],
    options: CertificateOptions,
    chart: Chart | None = None,
    caption: str = "",
) -> str:
    """One certificate page, the date written out in German ("2. März 2026"); `chart` with
    its `caption` below the modules."""
    return render("results/certificate.html.j2", name=name, modules=modules, options=options,
                  chart=chart, caption=caption)  # fmt: skip


def _profile_chart(loaded: LoadedResults, bank: Bank, key: str) -> tuple[Chart | None, str]:
    """The self-assessment before/after, else the task results, with its caption."""
    profile = participant_profile(loaded.answers, loaded.ratings, bank, key)
    title = t("results.certificate.chart_title")
    made = self_assessment_chart(profile, title)
    if made is not None:
        return drawn(made, dpi=120), t("results.certificate.profile_caption")
    return drawn(score_chart(profile, title), dpi=120), t("results.certificate.score_caption")


@dataclass
class Certificate:
    key: str
    name: str
    modules: list[str]
    html: str


def build_certificates(
    loaded: LoadedResults, bank: Bank, options: CertificateOptions
) -> list[Certificate]:
    """One certificate per participant (pure: no files)."""
    done = completion(loaded.answers, bank)
    people = loaded.participants.sort_values("participant_key")
    certificates = []
    for key, name in zip(people["participant_key"], people["participant"], strict=True):
        if not KEY_PATTERN.fullmatch(key):  # pragma: no cover - the loader only keeps safe keys
            raise ValueError(f"unsafe participant key {key!r}")
        titles = [
            bank.modules[m].title for m in completed_modules(done, key, options.min_completion)
        ]
        chart, caption = _profile_chart(loaded, bank, key) if options.profile else (None, "")
        page = certificate_html(name, titles, options, chart, caption)
        certificates.append(Certificate(key, name, titles, page))
    return certificates


def write_certificates(
    certificates: Sequence[Certificate], out: Path, options: CertificateOptions
) -> list[Path]:
    """Print every certificate to ``out/<participant key>.pdf`` with one browser (each PDF
    replaces its previous version only when it is complete)."""
    from ..publish.pdf import PdfPrinter

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="smmkit-cert-") as work, PdfPrinter() as printer:
        for certificate in certificates:
            source = Path(work) / f"{certificate.key}.html"
            source.write_text(certificate.html, encoding="utf-8")
            target = out / f"{certificate.key}.pdf"
            printer.print(
                source, target, options.title, t("results.certificate.heading"), header_footer=False
            )
            written.append(target)
    return written
