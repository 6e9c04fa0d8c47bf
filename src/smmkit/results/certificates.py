"""Certificates of attendance ("Teilnahmebescheinigung"): one A4 PDF per participant.

Each certificate is a small offline HTML page (name, date, workshop title, the modules
completed, optionally the participant's competency profile as a radar chart) printed by one
shared headless chromium. Names are data: escaped like everything in the report.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..bank.validate import Bank
from ..i18n import t
from ..kernel.charts import figure_png
from .analysis import completed_modules, completion, participant_profile
from .figures import score_chart, self_assessment_chart
from .loader import KEY_PATTERN, LoadedResults
from .report import esc

DEFAULT_MIN_COMPLETION = 0.8
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


@dataclass(frozen=True)
class CertificateOptions:
    title: str
    day: date
    trainer: str | None = None
    profile: bool = False
    min_completion: float = DEFAULT_MIN_COMPLETION


def german_date(day: date) -> str:
    """E.g. "2. März 2026"."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


STYLE = """
@page { size: A4; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a;
  margin: 0; text-align: center; line-height: 1.5; font-size: 12pt; }
main { padding: 2mm 10mm 0; }
p { margin: 2mm 0; }
.kicker { letter-spacing: .15em; text-transform: uppercase; color: #0b3d91; font-size: 9.5pt;
  margin: 0 0 3mm; }
h1 { font-size: 26pt; color: #0b3d91; margin: 0 0 7mm; letter-spacing: .04em; }
.name { font-size: 21pt; font-weight: bold; margin: 3mm 0; border-bottom: 1px solid #0b3d91;
  display: inline-block; padding: 0 8mm 1.5mm; }
.workshop { font-size: 14pt; font-weight: bold; margin: 2mm 0; }
ul.modules { list-style: none; padding: 0; margin: 2mm 0 3mm; }
ul.modules li { margin: 1mm 0; }
ul.modules li::before { content: "✓ "; color: #1b7837; font-weight: bold; }
figure { margin: 1mm auto 0; break-inside: avoid; }
figure img { width: 80mm; height: auto; }
figcaption { font-size: 8.5pt; color: #333; }
.about { font-size: 9pt; color: #333; margin: 4mm 12mm 0; }
.signatures { display: flex; justify-content: space-between; margin: 12mm 6mm 0; }
.signature { width: 70mm; border-top: 1px solid #1a1a1a; padding-top: 2mm; font-size: 10pt; }
"""


def certificate_html(
    name: str,
    modules: Sequence[str],
    options: CertificateOptions,
    chart: tuple[bytes, str, str] | None = None,
) -> str:
    """One certificate page; every value is escaped."""
    when = german_date(options.day)
    listing = (
        f'<p>{esc(t("results.certificate.modules_intro"))}</p><ul class="modules">'
        + "".join(f"<li>{esc(m)}</li>" for m in modules)
        + "</ul>"
        if modules
        else f"<p>{esc(t('results.certificate.no_modules'))}</p>"
    )
    figure = ""
    if chart is not None:
        png, alt, caption = chart
        data = base64.b64encode(png).decode("ascii")
        figure = (
            f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>"
        )
    trainer = options.trainer or ""
    signer = (
        t("results.certificate.trainer_named", trainer=trainer)
        if trainer
        else t("results.certificate.trainer")
    )
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        f"<title>{esc(t('results.certificate.heading'))} – {esc(name)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body><main>\n"
        f'<p class="kicker">{esc(t("results.certificate.kicker"))}</p>\n'
        f"<h1>{esc(t('results.certificate.heading'))}</h1>\n"
        f"<p>{esc(t('results.certificate.confirm'))}</p>\n"
        f'<p class="name">{esc(name)}</p>\n'
        f"<p>{esc(t('results.certificate.attended', date=when))}</p>\n"
        f'<p class="workshop">„{esc(options.title)}“</p>\n'
        f"{listing}\n{figure}\n"
        f'<p class="about">{esc(t("results.certificate.about"))}</p>\n'
        '<div class="signatures">'
        f'<div class="signature">{esc(t("results.certificate.place_date"))}</div>'
        f'<div class="signature">{esc(signer)}</div></div>\n'
        "</main></body>\n</html>\n"
    )


def _profile_chart(loaded: LoadedResults, bank: Bank, key: str) -> tuple[bytes, str, str] | None:
    """(PNG, alt, caption): the self-assessment before/after, else the task results."""
    profile = participant_profile(loaded.answers, loaded.ratings, bank, key)
    title = t("results.certificate.chart_title")
    made = self_assessment_chart(profile, title)
    caption = t("results.certificate.profile_caption")
    if made is None:
        made, caption = score_chart(profile, title), t("results.certificate.score_caption")
    if made is None:
        return None
    figure, alt = made
    return figure_png(figure, dpi=120), alt, caption


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
        chart = _profile_chart(loaded, bank, key) if options.profile else None
        certificates.append(
            Certificate(key, name, titles, certificate_html(name, titles, options, chart))
        )
    return certificates


def write_certificates(
    certificates: Sequence[Certificate], out: Path, options: CertificateOptions
) -> list[Path]:
    """Print every certificate to ``out/<participant key>.pdf`` with one browser."""
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
