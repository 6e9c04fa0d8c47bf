"""Certificates of attendance: one escaped, print-ready A4 PDF per participant."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from helpers import require_pdf_tools
from results_support import pdf_info, pdf_text, record, write_participant

from smmkit.cli import main
from smmkit.results import load_results
from smmkit.results.certificates import CertificateOptions, build_certificates, certificate_html

ALL_SCORED = ["beispiel.sc-01", "beispiel.mc-01", "beispiel.tf-01", "beispiel.ord-01",
              "beispiel.mat-01", "beispiel.gap-01", "beispiel.num-01", "beispiel.txt-01",
              "beispiel.scn-01"]  # fmt: skip
ANSWERS = {
    "beispiel.sc-01": 0, "beispiel.mc-01": [0, 1, 3], "beispiel.tf-01": False,
    "beispiel.ord-01": [0, 1, 2, 3], "beispiel.mat-01": ["Fachkräfte gewinnen"],
    "beispiel.gap-01": ["schnell", "gewürdigt"], "beispiel.num-01": 3,
    "beispiel.txt-01": "Das tut uns leid, bitte Nachricht.",
    "beispiel.scn-01": {"path": ["anfang"], "choices": [], "ending": None, "rating": None,
                        "competency_scores": {}},
}  # fmt: skip
ROOT = Path(__file__).parent / "fixtures" / "valid"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("zertifikate")
    done = [record(i, ANSWERS[i], 0.5, minute=n) for n, i in enumerate(ALL_SCORED)]
    likert = [
        record("beispiel.lik-01", {"k1": 2, "t1": 2, "s1": 3, "c1": 2}, None, None, phase="vorher"),
        record("beispiel.lik-01", {"k1": 4, "t1": 3, "s1": 4, "c1": 4}, None, None,
               phase="nachher", minute=20),
    ]  # fmt: skip
    write_participant(target, "Jörg Müller-Übel", done + likert)
    write_participant(target, "<b>Fett</b> & Co", done[:2], key="fett-12345678")
    return target


def test_certificate_html_escapes_everything():
    options = CertificateOptions("Workshop <i>X</i>", date(2026, 3, 2), trainer="<script>")
    page = certificate_html("<script>alert(1)</script>", ["<b>Modul</b>"], options)
    for raw in ("<script>", "<i>X</i>", "<b>Modul</b>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and 'lang="de"' in page
    assert "2. März 2026" in page
    christmas = CertificateOptions("Workshop", date(2026, 12, 24))
    assert "am 24. Dezember 2026 am Workshop" in certificate_html("Anna", [], christmas)


def test_names_lose_control_and_bidi_characters():
    options = CertificateOptions("Workshop\u202e", date(2026, 3, 2), trainer="K\u2066äthe")
    page = certificate_html("An\u202ena\u0007", ["Modul\u200f"], options)
    assert ">Anna<" in page and "„Workshop“" in page and "Käthe" in page and ">Modul<" in page
    assert not any(char in page for char in "\u202e\u2066\u0007\u200f")


def test_only_completed_modules_are_listed(folder, fixture_bank):
    loaded = load_results(folder, fixture_bank)
    options = CertificateOptions("Social Media", date(2026, 3, 2))
    certificates = {c.name: c for c in build_certificates(loaded, fixture_bank, options)}
    assert certificates["Jörg Müller-Übel"].modules == ["Beispielmodul für Tests"]
    assert certificates["<b>Fett</b> & Co"].modules == []
    assert "teilgenommen hat." in certificates["<b>Fett</b> & Co"].html


def test_certificate_pdfs_are_a4_single_pages_with_name_and_title(folder, tmp_path, capsys):
    require_pdf_tools()
    out = tmp_path / "pdf"
    code = main(["certificate", str(folder), "--out", str(out), "--title", "Soziale Medien für Bäckereien",
                 "--date", "2026-03-02", "--trainer", "Käthe Groß", "--profile", "--root", str(ROOT)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "fett-12345678.pdf",
        "joerg-mueller-uebel-" + pdfs[1].name.split("-")[-1],
    ]
    for pdf in pdfs:
        info = pdf_info(pdf)
        assert "Pages:           1" in info and "(A4)" in info
    text = " ".join(pdf_text(pdfs[1]).split())
    for expected in ("Teilnahmebescheinigung", "Jörg Müller-Übel", "„Soziale Medien für Bäckereien“",
                     "2. März 2026", "Beispielmodul für Tests", "Käthe Groß"):  # fmt: skip
        assert expected in text, expected
    assert "<b>Fett</b> & Co" in " ".join(pdf_text(pdfs[0]).split()), "shown as text, not markup"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdfs[1]),
                    str(tmp_path / "seite")], check=True)  # fmt: skip
    from PIL import Image

    image = Image.open(next(tmp_path.glob("seite*.png"))).convert("L")
    dark = sum(1 for value in image.get_flattened_data() if value < 128)
    assert dark > 0.01 * image.width * image.height, "page 1 is not blank"
