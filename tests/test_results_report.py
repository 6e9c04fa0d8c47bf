"""The trainer report: offline HTML, escaping, pseudonyms, CSV export, CLI exit codes, PDF."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import require_pdf_tools
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from results_support import pdf_info, pdf_text, record, write_participant

from smmkit.bank.scenarios import ScenarioRun
from smmkit.cli import main
from smmkit.publish.templating import visible_text
from smmkit.results import load_results
from smmkit.results.pseudonyms import folder_salt, pseudonym
from smmkit.results.report import (
    prepare_report,
    render_html,
    write_csv,
    write_csvs,
    write_report,
)

EVIL_NAME = '<script>alert("name")</script>'
EVIL_TEXT = "<img src=x onerror=alert(1)> Es tut uns leid, bitte schreiben Sie eine Nachricht."
FORMULA = '=HYPERLINK("http://example.com")'
PEOPLE = ["Jörg Müller", "Anna-Lena Schäfer", EVIL_NAME]


@pytest.fixture(scope="module")
def group(tmp_path_factory, fixture_bank) -> Path:
    folder = tmp_path_factory.mktemp("group")
    run = ScenarioRun(fixture_bank.items["beispiel.scn-01"])
    run.choose(0)
    run.choose(0)
    for number, name in enumerate(PEOPLE):
        answers = [
            record("beispiel.sc-01", number % 3, 1.0 if number == 0 else 0.0),
            record("beispiel.mc-01", [0, 1, 3], 1.0, minute=1),
            record("beispiel.txt-01", EVIL_TEXT if number == 2 else FORMULA, 0.5, minute=2),
            record("beispiel.scn-01", run.to_record(), run.score, 3.0, minute=3),
            record("beispiel.lik-01", {"k1": 2, "t1": 3, "s1": 4, "c1": 2}, None, None,
                   phase="vorher"),
            record("beispiel.lik-01", {"k1": 4, "t1": 4, "s1": 4, "c1": 3}, None, None,
                   phase="nachher", minute=9),
        ]  # fmt: skip
        write_participant(folder, name, answers, key=f"person-{number}" if number == 2 else None)
    (folder / "kaputt.json").write_text("{", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def loaded(group, fixture_bank):
    return load_results(group, fixture_bank)


@pytest.fixture(scope="module")
def html_text(loaded, fixture_bank) -> str:
    return render_html(prepare_report(loaded, fixture_bank))


class Structure(HTMLParser):
    """Collects tags, attributes and headings of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.headings: list[int] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(dict(attrs))


def parse(markup: str) -> Structure:
    parser = Structure()
    parser.feed(markup)
    return parser


def test_report_is_german_offline_and_accessible(html_text):
    page = parse(html_text)
    assert '<html lang="de">' in html_text
    assert "script" not in page.tags, "the report needs no scripts"
    for tag, name, value in page.attributes:
        if name in ("src", "href", "action", "srcset"):
            assert value.startswith(("data:image/png;base64,", "#")), (tag, name, value[:40])
    assert "url(" not in html_text and "@import" not in html_text
    csp = next(v for t, n, v in page.attributes if t == "meta" and n == "content" and "src" in v)
    assert "default-src 'none'" in csp
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert len(page.images) >= 3 and all(len(i.get("alt", "")) > 20 for i in page.images)
    for section in ("Überblick", "Bearbeitungsstand", "Aufgabenanalyse", "Fallbeispiele",
                    "Freitextantworten", "Kompetenzprofil der Gruppe"):  # fmt: skip
        assert f">{section}" in html_text


def test_names_and_answers_are_always_escaped(html_text):
    assert EVIL_NAME not in html_text and "<img src=x" not in html_text
    assert escape(EVIL_NAME) in html_text, "shown as text"
    assert escape(EVIL_TEXT) in html_text
    assert "Jörg Müller" in html_text, "the trainer sees real names by default"


def test_skipped_files_are_listed_with_the_reason(html_text, loaded):
    assert any(w.file == "kaputt.json" for w in loaded.warnings)
    assert "kaputt.json" in html_text and "kein gültiges JSON" in html_text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=40), text=st.text(max_size=60))
def test_no_input_can_open_a_tag(tmp_path_factory, fixture_bank, name, text):
    folder = tmp_path_factory.mktemp("prop")
    write_participant(folder, "x", [record("beispiel.txt-01", text, 0.0)], key="p-1")
    doc = (folder / "p-1.json").read_text(encoding="utf-8").replace('"x"', _json(name), 1)
    (folder / "p-1.json").write_text(doc, encoding="utf-8")
    loaded = load_results(folder, fixture_bank)
    markup = render_html(prepare_report(loaded, fixture_bank, charts=False))
    markup.encode("utf-8")
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "main",
               "section", "h2", "dl", "dt", "dd", "div", "h3", "table", "thead", "tr", "th",
               "tbody", "td", "figure", "img", "figcaption", "footer", "caption", "ul", "li",
               "small", "br", "b"}  # fmt: skip
    assert set(parse(markup).tags) <= allowed
    assert visible_text(markup) == markup, "no control or bidi character reaches the page"


def _json(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_anonymised_report_and_csvs_contain_no_real_name(loaded, fixture_bank, tmp_path):
    data = prepare_report(loaded, fixture_bank, anonymise=True)
    files = write_report(data, tmp_path / "bericht.html", csv_dir=tmp_path / "csv")
    outputs = [files.html.read_text(encoding="utf-8")]
    outputs += [p.read_text(encoding="utf-8-sig") for p in files.csvs]
    keys = list(loaded.participants["participant_key"])
    forbidden = [*PEOPLE, "Jörg", "Müller", "Schäfer", 'alert("name', escape('alert("name')]
    forbidden += [*keys, "joerg", "mueller"]
    forbidden += [k.rsplit("-", 1)[0] for k in keys]  # the name slug inside the key
    for text in outputs:
        for secret in forbidden:
            assert secret not in text, secret
    salt = folder_salt(loaded.folder)
    shown = {pseudonym(k, salt) for k in keys}
    assert all(p in outputs[0] for p in shown), "stable pseudonyms replace the names"
    public = {pseudonym(k) for k in keys}  # what anyone could compute from a name
    assert not any(p in outputs[0] for p in public), "the salt must be the folder's secret"
    answers = (tmp_path / "csv" / "antworten.csv").read_text(encoding="utf-8-sig")
    assert all(p in answers for p in shown)


def test_csv_export_writes_one_german_csv_per_table(loaded, fixture_bank, tmp_path):
    files = write_report(prepare_report(loaded, fixture_bank), tmp_path / "r.html",
                         csv_dir=tmp_path / "csv")  # fmt: skip
    names = {p.name for p in files.csvs}
    assert {"bearbeitungsstand.csv", "quizsets.csv", "module.csv", "aufgabenanalyse.csv",
            "antwortoptionen.csv", "fallbeispiele_enden.csv", "fallbeispiele_wege.csv",
            "freitexte.csv", "kompetenzprofil.csv", "warnungen.csv", "teilnehmende.csv",
            "antworten.csv"} <= names  # fmt: skip
    raw = (tmp_path / "csv" / "kompetenzprofil.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM so that Excel shows umlauts"
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][0] == "Kompetenz" and rows[1][1] == "2,0000"


def test_a_failed_write_keeps_the_previous_report_and_csvs(loaded, fixture_bank, tmp_path,
                                                          monkeypatch):  # fmt: skip
    out, csv_dir = tmp_path / "bericht.html", tmp_path / "csv"
    files = write_report(prepare_report(loaded, fixture_bank, charts=False), out, csv_dir=csv_dir)
    previous = {path: path.read_bytes() for path in [files.html, *files.csvs]}
    anonymised = prepare_report(loaded, fixture_bank, anonymise=True, charts=False)
    listing = sorted(tmp_path.rglob("*"))

    def fail(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
        patch.setattr(os, "replace", fail)
        write_report(anonymised, out, csv_dir=csv_dir)
    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
        patch.setattr(os, "replace", fail)
        write_csvs(anonymised, csv_dir)
    assert {path: path.read_bytes() for path in previous} == previous
    assert sorted(tmp_path.rglob("*")) == listing, "no temporary file is left"


def test_csv_cells_cannot_run_as_formulas(tmp_path):
    import pandas as pd

    path = write_csv(pd.DataFrame({"Antwort": [FORMULA, "-1+1", "normal"], "n": [1, -1, 2]}),
                     tmp_path / "x.csv")  # fmt: skip
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[1][0] == "'" + FORMULA and rows[2][0] == "'-1+1" and rows[3][0] == "normal"
    assert rows[2][1] == "-1", "numbers stay numbers"


# --- the command line ------------------------------------------------------------------------


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_reports_skipped_files_on_stderr_and_exits_0(group, tmp_path, capsys):
    root = str(Path(__file__).parent / "fixtures" / "valid")
    out = tmp_path / "bericht.html"
    code, stdout, stderr = run_cli(
        ["results", "report", str(group), "--out", str(out), "--root", root,
         "--csv-dir", str(tmp_path / "csv"), "--anonymise"], capsys)  # fmt: skip
    assert code == 0 and out.exists()
    assert "kaputt.json: kein gültiges JSON" in stderr and "smmkit: Warnung:" in stderr
    assert "3 Teilnehmende, 1 Dateien übersprungen" in stdout
    assert (tmp_path / "csv" / "aufgabenanalyse.csv").exists()


@pytest.mark.parametrize("stamp", ["0000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00"])
def test_cli_reports_a_timestamp_outside_the_calendar_as_a_warning(tmp_path, capsys, stamp):
    # Such a time once stopped the report with a traceback (the period is printed with
    # strftime, which knows the years 1 to 9999 only); 9999-12-31T23:59:59-14:00 is 10000 in UTC.
    root = str(Path(__file__).parent / "fixtures" / "valid")
    folder, out = tmp_path / "gruppe", tmp_path / "bericht.html"
    answers = [record("beispiel.sc-01", 0, 1.0), record("beispiel.tf-01", False, 1.0, minute=5)]
    answers[0]["timestamp"] = stamp
    write_participant(folder, "Zeit Reisende", answers, filename="zeit.json", layout=2)
    code, stdout, stderr = run_cli(["results", "report", str(folder), "--out", str(out),
                                    "--root", root], capsys)  # fmt: skip
    assert code == 0 and "1 Teilnehmende" in stdout, stderr
    assert "zeit.json: 1 Zeitstempel unlesbar" in stderr and "Traceback" not in stderr
    page = out.read_text(encoding="utf-8")
    assert "02.03.2026 – 02.03.2026" in page, "the period from the readable time"
    assert "Zeitstempel unlesbar" in page, "the report lists the warning too"


def test_cli_fails_clearly_for_a_missing_folder(tmp_path, capsys):
    root = str(Path(__file__).parent / "fixtures" / "valid")
    code, _, stderr = run_cli(["results", "report", str(tmp_path / "fehlt"), "--out",
                               str(tmp_path / "r.html"), "--root", root], capsys)  # fmt: skip
    assert code == 2 and "existiert nicht" in stderr
    assert not (tmp_path / "r.html").exists()


def test_cli_fails_clearly_without_any_valid_file(tmp_path, capsys):
    root = str(Path(__file__).parent / "fixtures" / "valid")
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    code, _, stderr = run_cli(["results", "report", str(tmp_path), "--out",
                               str(tmp_path / "r.html"), "--root", root], capsys)  # fmt: skip
    assert code == 2
    assert (
        "keine gültige Ergebnisdatei" in stderr and "a.json: kein smmkit-Ergebnisformat" in stderr
    )


def test_cli_rejects_a_bad_certificate_date(group, tmp_path, capsys):
    root = str(Path(__file__).parent / "fixtures" / "valid")
    code, _, stderr = run_cli(["certificate", str(group), "--out", str(tmp_path), "--date",
                               "02.03.2026", "--root", root], capsys)  # fmt: skip
    assert code == 2 and "JJJJ-MM-TT" in stderr


# --- PDF -------------------------------------------------------------------------------------


def test_report_pdf_is_a4_with_german_text(loaded, fixture_bank, tmp_path):
    require_pdf_tools()
    files = write_report(prepare_report(loaded, fixture_bank), tmp_path / "bericht.html", pdf=True)
    info = pdf_info(files.pdf)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2
    text = pdf_text(files.pdf)
    assert "Auswertung der Workshop-Ergebnisse" in text and "Trainerbericht" in text
    assert "Jörg Müller" in text and "Überblick" in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(files.pdf),
                    str(tmp_path / "seite")], check=True)  # fmt: skip
    from PIL import Image

    image = Image.open(next(tmp_path.glob("seite*.png"))).convert("L")
    dark = sum(1 for value in image.get_flattened_data() if value < 128)
    assert dark > 0.005 * image.width * image.height


def test_the_pseudonym_salt_is_a_private_secret_of_the_results_folder(tmp_path):
    import stat

    salt = folder_salt(tmp_path)
    assert folder_salt(tmp_path) == salt and len(salt) >= 32
    assert stat.S_IMODE((tmp_path / ".pseudonym-salt").stat().st_mode) == 0o600
    other = tmp_path / "other"
    other.mkdir()
    assert folder_salt(other) != salt
