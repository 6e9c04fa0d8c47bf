"""The `smmkit` command: a thin layer over the package; errors become one message and an exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .bank import bank_schema_json, check, coverage
from .bank.models import COMPETENCIES, ITEM_TYPES
from .errors import SmmkitError

TYPE_ABBREVIATIONS = {
    "single_choice": "SC",
    "multiple_choice": "MC",
    "true_false": "TF",
    "ordering": "ORD",
    "matching": "MAT",
    "fill_blanks": "GAP",
    "numeric": "NUM",
    "free_text": "TXT",
    "likert": "LIK",
    "scenario": "SCN",
}
COMPETENCY_ABBREVIATIONS = {
    "kommunikation": "kom",
    "team": "team",
    "strategie": "str",
    "kreativitaet": "kre",
}


def format_coverage(report: dict) -> str:
    """Items per module × type × competency as a fixed-width table."""
    columns = [TYPE_ABBREVIATIONS[t] for t in ITEM_TYPES] + [
        COMPETENCY_ABBREVIATIONS[c] for c in COMPETENCIES
    ]
    header = ["module", "items", "types", *columns, "sets"]
    rows = []
    for name, module in report["modules"].items():
        rows.append(
            [
                name,
                module["items"],
                module["types_used"],
                *module["types"].values(),
                *module["competencies"].values(),
                module["quiz_sets"],
            ]
        )
    totals = report["totals"]
    rows.append(
        [
            "total",
            totals["items"],
            sum(1 for n in totals["types"].values() if n),
            *totals["types"].values(),
            *totals["competencies"].values(),
            totals["quiz_sets"],
        ]
    )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list) -> str:
        cells = [
            str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
            for i, c in enumerate(row)
        ]
        return "  ".join(cells)

    legend = ", ".join(
        f"{v}={k}" for k, v in {**TYPE_ABBREVIATIONS, **COMPETENCY_ABBREVIATIONS}.items()
    )
    rule = "-" * len(line(header))
    return "\n".join([line(header), rule, *map(line, rows[:-1]), rule, line(rows[-1]), "", legend])


def cmd_check(args: argparse.Namespace) -> int:
    result = check(Path(args.root), args.lang)
    workshop = None
    if (Path(args.root) / "workshop" / "agendas").is_dir() and args.lang == "de":
        from .publish.workshop import check_workshop_report

        workshop = check_workshop_report(Path(args.root))
        result.problems.extend(workshop.problems)
    if args.results and not result.errors:
        result.problems.extend(_review_results(Path(args.results), result.bank))
    failed = bool(result.errors) or (args.strict and bool(result.warnings))
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not failed,
                    "problems": [
                        {
                            "path": p.path,
                            "line": p.line,
                            "item_id": p.item_id,
                            "field": p.field,
                            "message": p.message,
                            "severity": p.severity,
                        }
                        for p in result.problems
                    ],
                    "coverage": coverage(result.bank),
                    "profile_coverage": _profile_coverage(workshop),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 1 if failed else 0
    for problem in result.problems:
        print(problem, file=sys.stderr)
    errors, warnings = len(result.errors), len(result.warnings)
    profile_lines = workshop.summary() if workshop is not None else []
    if failed:
        if profile_lines:
            print("\n".join(profile_lines))
        counts = [_plural(errors, "problem"), _plural(warnings, "item-writing warning")]
        found = " and ".join(c for c in counts if not c.startswith("0 "))
        strict = " (--strict: warnings count)" if args.strict and not errors else ""
        print(f"smmkit check: {found} found{strict}", file=sys.stderr)
        return 1
    print(format_coverage(coverage(result.bank)))
    print("\n" + result.bank.facts.summary())
    if profile_lines:
        print("\n" + "\n".join(profile_lines))
    if warnings:
        print(
            f"\nsmmkit check: content/{args.lang} is valid, with "
            f"{_plural(warnings, 'warning')} (see docs/authoring.md)."
        )
    else:
        print(f"\nsmmkit check: content/{args.lang} is valid.")
    return 0


def _profile_coverage(workshop) -> dict | None:
    """Per agenda: the statements of the requirements profile it covers and misses."""
    if workshop is None or workshop.profile is None:
        return None
    return {
        "path": workshop.profile.path,
        "statements": list(workshop.profile.ids),
        "agendas": {
            c.agenda: {
                "covered": list(c.covered),
                "missing": list(c.missing),
                "required": c.required,
            }
            for c in workshop.coverage
        },
    }


def _review_results(folder: Path, bank) -> list:
    """Item statistics of a group's result files, as warnings located in the bank."""
    from .results.commands import load_checked
    from .results.review import review_items

    return review_items(load_checked(folder, bank, sys.stderr), bank)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def cmd_schema(args: argparse.Namespace) -> int:
    print(bank_schema_json())
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from . import store as progress
    from .kernel.session import hub_participant

    if args.participant:
        person = progress.Participant.from_name(args.participant)
    else:  # on a JupyterHub the hub user, else the name set on this machine
        person = hub_participant() or progress.get_participant()
        if person is None:
            raise SmmkitError("no participant is set; pass --participant NAME")
    store = progress.ProgressStore(person, Path(args.results_dir) if args.results_dir else None)
    if not store.path.exists():
        raise SmmkitError(f"no results for {person.name!r} in {store.path.parent}")
    document = store.export()
    text = (
        progress.export_csv(document)
        if args.format == "csv"
        else json.dumps(progress.file_layout(document), indent=1, ensure_ascii=False)
    )
    if args.out:
        progress.atomic_write(Path(args.out), text)
        print(f"wrote {len(document['answers'])} answers of {person.name} to {args.out}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .publish.build import (
        EDITIONS,
        BuildOptions,
        ProgressBar,
        build,
        count_steps,
        summary_table,
    )

    options = BuildOptions(
        root=Path(args.root).resolve(),
        langs=tuple(args.lang or ["de"]),
        notebooks=tuple(args.notebook or ()),
        editions=tuple(args.edition or EDITIONS),
        pdf=not args.no_pdf,
        force=args.force,
        jobs=args.jobs or (os.cpu_count() or 1),
        out=Path(args.out).resolve() if args.out else None,
    )
    bar = None if args.quiet else ProgressBar(count_steps(options))
    report = build(options, progress=bar)
    print(summary_table(report, options.root))
    return 0


def cmd_results_report(args: argparse.Namespace) -> int:
    from .results.commands import ReportRequest, run_report

    run_report(
        ReportRequest(
            results_dir=Path(args.results_dir),
            out=Path(args.out),
            pdf=args.pdf,
            csv_dir=Path(args.csv_dir) if args.csv_dir else None,
            anonymise=args.anonymise,
            root=Path(args.root),
        )
    )
    return 0


def cmd_results_sample(args: argparse.Namespace) -> int:
    from .results.commands import bank_for
    from .results.synthetic import generate_results

    paths = generate_results(args.out, bank_for(args.root), args.participants, args.seed)
    print(f"{len(paths)} Ergebnisdateien in {args.out}")
    return 0


def cmd_results_purge(args: argparse.Namespace) -> int:
    from .results.purge import execute, plan

    folder = Path(args.results_dir)
    if not folder.is_dir():
        raise SmmkitError(f"{folder}: no such folder")
    purge = plan(folder)
    if not purge.delete:
        print(f"{folder}: keine Teilnehmerdaten gefunden, nichts gelöscht.")
        return 0
    print(f"In {folder} werden gelöscht:")
    for path in purge.delete:
        print(f"  {path.relative_to(folder)}{'/' if path.is_dir() else ''}")
    for path in purge.keep:
        print(f"  bleibt: {path.relative_to(folder)}{'/' if path.is_dir() else ''}")
    if not args.yes:
        answer = input(f"{len(purge.delete)} Einträge endgültig löschen? [j/N] ")
        if answer.strip().lower() not in ("j", "ja", "y", "yes"):
            print("Abgebrochen, nichts gelöscht.")
            return 1
    execute(purge)
    print(f"{len(purge.delete)} Einträge gelöscht.")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from .publish.app import serve

    serve(args.path, ["--no-browser"] if args.no_browser else [])
    return 0  # pragma: no cover - serve() replaces this process


def cmd_room(args: argparse.Namespace) -> int:
    from .room.launch import RoomOptions, run

    run(
        RoomOptions(
            root=Path(args.root).resolve(),
            results=Path(args.results).resolve(),
            bind=args.bind,
            port=args.port,
            max_participants=args.max_participants,
            idle_minutes=args.idle_minutes,
            build=not args.no_build,
            app=Path(args.app).resolve() if args.app else None,
        )
    )
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from .publish import lab

    root = Path(args.root).resolve()
    options = [*(["--no-browser"] if args.no_browser else []), *args.jupyter_options]
    if args.sources:
        folder = lab.source_folder(root, args.lang).parent
        print(f"JupyterLab on the sources in {folder} (for authors: outputs are saved there)")
    else:
        name = lab.TRAINER_COPY if args.edition == "solution" else lab.WORKING_COPY
        folder = Path(args.folder).resolve() if args.folder else root / name
        print(lab.prepare_working_copy(root, folder, args.edition, args.lang).summary())
    sys.stdout.flush()
    lab.serve(folder, root, options)
    return 0  # pragma: no cover - serve() replaces this process


def cmd_certificate(args: argparse.Namespace) -> int:
    from .results.commands import CertificateRequest, run_certificates

    run_certificates(
        CertificateRequest(
            results_dir=Path(args.results_dir),
            out=Path(args.out),
            title=args.title,
            day=args.date,
            trainer=args.trainer,
            profile=args.profile,
            root=Path(args.root),
        )
    )
    return 0


def cmd_hub_link(args: argparse.Namespace) -> int:
    from .hub import module_links

    links = module_links(
        Path(args.root), args.hub, args.repo, args.branch, args.module, args.view, args.lang,
        args.folder,
    )  # fmt: skip
    width = max(len(link.module) for link in links)
    for link in links:
        print(link.url if args.urls_only else f"{link.module:<{width}}  {link.url}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smmkit", description="smmkit training kit tools")
    parser.add_argument("--version", action="version", version=f"smmkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate the content bank and the notebooks' references")
    p.add_argument("--root", default=".", help="project folder with content/ and notebooks/")
    p.add_argument("--lang", default="de")
    p.add_argument("--json", action="store_true", help="print problems and coverage as JSON")
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail on item-writing warnings too (the shipped bank must pass this)",
    )
    p.add_argument(
        "--results",
        metavar="FOLDER",
        help="also flag items by a group's results: facility, discrimination, weak distractors",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build", help="build handouts (participant/trainer, HTML+PDF), exercises and solutions"
    )
    p.add_argument("--root", default=".", help="project folder with notebooks/ and content/")
    p.add_argument("--lang", action="append", help="language to build (repeatable; default: de)")
    p.add_argument(
        "--notebook",
        action="append",
        help="only this notebook, e.g. 01_offenheit_kommunikation (repeatable)",
    )
    p.add_argument(
        "--edition",
        action="append",
        choices=["handout", "trainer", "notebook", "exercise", "solution", "app", "workshop"],
        help="only this edition (repeatable; default: all)",
    )
    p.add_argument("--no-pdf", action="store_true", help="HTML only (no chromium needed)")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--jobs", type=int, help="notebooks executed in parallel (default: CPU cores)")
    p.add_argument("--out", help="build folder (default: <root>/build)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("schema", help="print the JSON Schema of a content bank file")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("progress", help="export a participant's saved answers")
    p.add_argument("--participant", help="name or pseudonym (default: the one set on this machine)")
    p.add_argument(
        "--results-dir", help="results folder (default: $SMMKIT_RESULTS_DIR or ~/.smmkit/results)"
    )
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_progress)

    results = sub.add_parser("results", help="trainer tools for a folder of participant results")
    results_sub = results.add_subparsers(dest="results_command", required=True)
    p = results_sub.add_parser("report", help="group report (HTML, optional PDF and CSV tables)")
    p.add_argument("results_dir", metavar="RESULTS_DIR", help="folder with the result files")
    p.add_argument("--out", required=True, help="HTML file to write (the PDF goes next to it)")
    p.add_argument("--pdf", action="store_true", help="also print the report as A4 PDF")
    p.add_argument("--csv-dir", help="write every table as CSV into this folder")
    p.add_argument(
        "--anonymise", action="store_true", help="replace names by stable pseudonyms (TN-…)"
    )
    p.add_argument("--root", default=".", help="project folder with content/")
    p.set_defaults(func=cmd_results_report)
    p = results_sub.add_parser("sample", help="write realistic synthetic result files")
    p.add_argument("out", metavar="OUT_DIR")
    p.add_argument("--participants", type=int, default=12)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--root", default=".", help="project folder with content/")
    p.set_defaults(func=cmd_results_sample)

    p = results_sub.add_parser("purge", help="delete a workshop's participant data after it")
    p.add_argument("results_dir", metavar="RESULTS_DIR", help="the workshop's results folder")
    p.add_argument("--yes", action="store_true", help="do not ask before deleting")
    p.set_defaults(func=cmd_results_purge)

    p = sub.add_parser("app", help="serve the app edition with Voilà (offline, no code shown)")
    p.add_argument("path", nargs="?", default="build/de/app", help="notebook or folder")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("room", help="serve the workshop room: participants join from their devices")
    p.add_argument("--results", default="raum-ergebnisse", help="results folder for this workshop")
    p.add_argument(
        "--bind",
        default="0.0.0.0",
        help="address to listen on (0.0.0.0: the whole network; 127.0.0.1: this machine)",
    )
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--max-participants", type=int, default=40, help="later joiners are turned away")
    p.add_argument(
        "--idle-minutes",
        type=float,
        default=20,
        help="shut down a page's kernel after this long without a browser",
    )
    p.add_argument("--no-build", action="store_true", help="serve build/de/app as it is")
    p.add_argument("--app", help="serve this app edition folder as it is (default: build/de/app)")
    p.add_argument("--root", default=".", help="project folder with content/ and notebooks/")
    p.set_defaults(func=cmd_room)

    p = sub.add_parser(
        "lab", help="JupyterLab (German) on a working copy of the exercise notebooks"
    )
    p.add_argument(
        "--folder", help="working copy (default: arbeitsordner/, or arbeitsordner-trainer/)"
    )
    p.add_argument(
        "--edition",
        choices=["exercise", "solution"],
        default="exercise",
        help="exercise: for participants (default); solution: for trainers",
    )
    p.add_argument(
        "--sources", action="store_true", help="open notebooks/ itself (authors; no copy)"
    )
    p.add_argument("--lang", default="de")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--root", default=".", help="project folder with notebooks/ and content/")
    p.add_argument(
        "jupyter_options", nargs="*", metavar="-- OPTION", help="passed on to jupyter lab"
    )
    p.set_defaults(func=cmd_lab)

    hub = sub.add_parser("hub", help="smmkit on a JupyterHub (docs/jupyterhub.md)")
    hub_sub = hub.add_subparsers(dest="hub_command", required=True)
    p = hub_sub.add_parser(
        "link", help="print nbgitpuller links that hand each hub user the module notebooks"
    )
    p.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.firma.de")
    p.add_argument("--repo", required=True, help="git repository with the training (http/https)")
    p.add_argument("--branch", default="main")
    p.add_argument(
        "--module", action="append", help="only this module, e.g. 01_offenheit_kommunikation"
    )
    p.add_argument(
        "--view",
        choices=["lab", "app"],
        default="lab",
        help="lab: JupyterLab; app: the Voilà app view (no code, widgets only)",
    )
    p.add_argument(
        "--folder", default="smmkit", help="folder in each user's home (default: smmkit)"
    )
    p.add_argument("--lang", default="de")
    p.add_argument("--urls-only", action="store_true", help="one link per line, nothing else")
    p.add_argument("--root", default=".", help="project folder with exercises/")
    p.set_defaults(func=cmd_hub_link)

    p = sub.add_parser("certificate", help="one A4 PDF certificate of attendance per participant")
    p.add_argument("results_dir", metavar="RESULTS_DIR", help="folder with the result files")
    p.add_argument("--out", required=True, help="folder for the PDFs (<participant key>.pdf)")
    p.add_argument("--title", help="workshop title (default: Social-Media-Kompetenz für KMU)")
    p.add_argument("--date", help="workshop date YYYY-MM-DD (default: today)")
    p.add_argument("--trainer", help="trainer's name for the signature line")
    p.add_argument("--profile", action="store_true", help="add the competency radar chart")
    p.add_argument("--root", default=".", help="project folder with content/")
    p.set_defaults(func=cmd_certificate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SmmkitError as exc:
        print(f"smmkit: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
