"""Stable pseudonyms for participants ("TN-3f2a"), the same in every run and every output.

A keyed hash (HMAC-SHA-256) of the participant key with a fixed salt: the same key always
gives the same pseudonym, so reports of one group can be compared across runs. Within a
group, pseudonyms that would collide get more hex digits until all are unique.

This is pseudonymisation, not anonymisation: with the default (public) salt anyone who
guesses a name can compute its pseudonym. Pass your own ``salt`` to prevent that.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

DEFAULT_SALT = "smmkit-pseudonym-v1"
PREFIX = "TN-"
MIN_DIGITS = 4


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
