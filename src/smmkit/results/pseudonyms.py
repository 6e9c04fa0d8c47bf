"""Stable pseudonyms for participants ("TN-3f2a"), the same in every run and every output.

A keyed hash (HMAC-SHA-256) of the participant key with a fixed salt: the same key always
gives the same pseudonym, so reports of one group can be compared across runs. Within a
group, pseudonyms that would collide get more hex digits until all are unique.

This is pseudonymisation, not anonymisation. The salt is a secret of the results folder
(:func:`folder_salt`, created on first use): without it, nobody who knows the participants'
names can compute their pseudonyms. ``DEFAULT_SALT`` is public and only for tests.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

DEFAULT_SALT = "smmkit-pseudonym-v1"
SALT_FILE = ".pseudonym-salt"  # in the results folder; the loader skips dot files
PREFIX = "TN-"
MIN_DIGITS = 4


def folder_salt(folder: Path) -> str:
    """The results folder's secret salt, created (mode 0600) the first time it is needed."""
    path = Path(folder) / SALT_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    salt = secrets.token_hex(16)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it just now
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(salt + "\n")
    return salt


def _digest(key: str, salt: str) -> str:
    return hmac.new(salt.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym(key: str, salt: str = DEFAULT_SALT, digits: int = MIN_DIGITS) -> str:
    """The pseudonym of one participant key (without collision handling)."""
    return PREFIX + _digest(key, salt)[:digits]


def pseudonyms(keys: Iterable[str], salt: str = DEFAULT_SALT) -> dict[str, str]:
    """Unique pseudonyms for a group: colliding ones are lengthened until they differ.

    Only the colliding pseudonyms get longer, so adding a person to a group leaves everyone
    else's pseudonym unchanged unless they collide with the newcomer. In sorted order a
    digest shares its longest prefix with a neighbour, so one pass finds every length.
    """
    ordered = sorted((_digest(key, salt), key) for key in dict.fromkeys(keys))
    result: dict[str, str] = {}
    for index, (digest, key) in enumerate(ordered):
        shared = max(
            (
                _common_prefix(digest, ordered[other][0])
                for other in (index - 1, index + 1)
                if 0 <= other < len(ordered)
            ),
            default=0,
        )
        result[key] = PREFIX + digest[: max(MIN_DIGITS, shared + 1)]
    return result


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def file_label(name: str, salt: str = DEFAULT_SALT) -> str:
    """A stand-in for a file name (file names usually contain the participant's name)."""
    return "Datei-" + _digest("file:" + name, salt)[:6]
