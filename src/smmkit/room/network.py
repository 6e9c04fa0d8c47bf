"""Where the room can be reached from, and its join address as a QR code."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket

import segno

ALL_INTERFACES = {"0.0.0.0", "::", ""}


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other devices might reach (loopback excluded).

    The address of the default route comes first (a UDP "connect" sends nothing); then any
    other address the host name resolves to. Without a network the list is empty.
    """
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]


def join_urls(bind: str, port: int) -> list[str]:
    """The addresses participants can type or scan: the LAN ones when bound to all interfaces
    (or the given address), else only this machine's."""
    hosts = (lan_addresses() or ["127.0.0.1"]) if bind in ALL_INTERFACES else [bind]
    return [f"http://{host}:{port}/" for host in hosts]


def reachable_from(bind: str) -> str:
    """A plain German sentence on who can reach a server bound to `bind`."""
    if bind in ALL_INTERFACES:
        return "Erreichbar für alle Geräte im selben Netz (WLAN/LAN) wie dieser Rechner."
    if bind == "localhost" or ipaddress.ip_address(bind).is_loopback:
        return "Nur auf diesem Rechner erreichbar. Für andere Geräte: smmkit room --bind 0.0.0.0"
    return f"Erreichbar für Geräte, die {bind} erreichen (dasselbe Netz)."


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (scales to any size on the projector)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True,
                                    scale=1, border=2, svgclass="qr", omitsize=True)  # fmt: skip
    return buffer.getvalue().decode("utf-8")


def qr_text(url: str) -> str:
    """The QR code of `url` for a terminal (two rows of modules per line)."""
    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
