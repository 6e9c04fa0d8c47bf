"""`smmkit room`: build the app edition if needed, say where the room is, serve it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import SmmkitError
from . import network
from .roster import trainer_secret


@dataclass(frozen=True)
class RoomOptions:
    root: Path
    results: Path
    bind: str = "0.0.0.0"
    port: int = 8866
    max_participants: int = 40
    idle_minutes: float = 20
    build: bool = True
    app: Path | None = None  # an app edition folder to serve as it is (default: build it)


def app_folder(options: RoomOptions) -> Path:
    """The app edition, built (or brought up to date) unless `build` is off."""
    from ..publish.build import BuildOptions, build

    if options.app is not None:
        return _checked(options.app)
    out = options.root / "build"
    if options.build:
        build(BuildOptions(root=options.root, langs=("de",), editions=("app",), pdf=False,
                           jobs=os.cpu_count() or 1, out=out))  # fmt: skip
    return _checked(out / "de" / "app")


def _checked(folder: Path) -> Path:
    if not any(folder.glob("*.ipynb")):
        raise SmmkitError(f"{folder}: no app notebooks (build the app edition first: make app)")
    return folder


def announcement(options: RoomOptions, urls: list[str], secret: str) -> str:
    """What the trainer's terminal shows: join address, QR code, trainer link (secret)."""
    local = f"http://127.0.0.1:{options.port}"
    lines = [
        "",
        "Workshop-Raum läuft.",
        network.reachable_from(options.bind),
        "",
        "Teilnehmende öffnen:   " + "   oder   ".join(urls),
        "",
        network.qr_text(urls[0]),
        f"Trainer-Ansicht (nur für Sie, Link nicht weitergeben): {local}/trainer?key={secret}",
        f"QR-Code für den Beamer: {local}/trainer/qr (nach dem Öffnen der Trainer-Ansicht)",
        f"Ergebnisse: {options.results}",
        "Beenden: Strg + C (Antworten sind gespeichert; ein Neustart setzt den Raum fort).",
        "",
    ]
    return "\n".join(lines)


def run(options: RoomOptions) -> None:
    """Serve the room until interrupted."""
    from .server import RoomServer, room_config, room_environment

    folder = app_folder(options)
    options.results.mkdir(parents=True, exist_ok=True)
    urls = network.join_urls(options.bind, options.port)
    os.environ.update(
        room_environment(dict(os.environ), options.results, options.root, options.bind)
    )
    print(announcement(options, urls, trainer_secret(options.results)), flush=True)
    config = room_config(options.results, options.max_participants, options.idle_minutes, urls[0])
    RoomServer.launch_instance(
        argv=[str(folder), "--no-browser", f"--port={options.port}", f"--Voila.ip={options.bind}",
              "--Voila.port_retries=0"],
        config=config,
    )  # fmt: skip
