"""Keyword patterns of free-text items: whole words, declared stems, phrases, numbers.

A pattern is one or more words; each word matches a whole word of the answer, compared without
case and with umlauts folded (``Größe`` = ``groesse``). A ``*`` at the end of a word declares a
stem (``entschuldig*`` matches "Entschuldigung" and "entschuldigen"), a ``*`` at the start a
word ending (``*service`` matches "Kundenservice"), both a part of a word (``*rabatt*``). Several
words match as consecutive words of the answer ("20 uhr"). Numbers are whole tokens: ``20``
matches "20 Uhr" or "20-Jährige", not "2024"; "2.200" and "2200" are the same number.

`keyword_found` says whether a pattern occurs; `find_keywords` returns the places as the text
writes them ("Engagement-Rate" for ``engagement rate``), for feedback that quotes the learner.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NUMBER = r"\d+(?:[.,]\d+)*"
_TOKEN = re.compile(rf"{_NUMBER}|[^\W\d_]+|\d+")
_PATTERN_WORD = re.compile(rf"^\*?(?:{_NUMBER}|[^\W_]+)\*?$")
MIN_STEM = 3


def normalise(text: str) -> str:
    """Casefold, fold umlauts and collapse whitespace: 'Schön  ' == 'schoen'."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_TRANSLIT)
    return " ".join(text.split())


def _number(token: str) -> str:
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", token):  # German thousands separator: 2.200
        return token.replace(".", "")
    return token.replace(",", ".")


def tokens(text: str) -> list[str]:
    """The words and numbers of a text, normalised."""
    return [_number(t) if t[0].isdigit() else t for t in _TOKEN.findall(normalise(text))]


@dataclass(frozen=True)
class _Indexed:
    """A text's tokens, joined by single spaces for matching, and where each is in the text."""

    text: str  # NFC
    joined: str
    spans: dict[int, tuple[int, int]]  # start in `joined` -> (start, end) in `text`
    ends: dict[int, int]  # end in `joined` -> end in `text`


@lru_cache(maxsize=256)
def _index(text: str) -> _Indexed:
    text = unicodedata.normalize("NFC", text)
    joined: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    ends: dict[int, int] = {}
    offset = 0
    for match in _TOKEN.finditer(text):
        token = "".join(tokens(match.group(0)))
        spans[offset] = (match.start(), match.end())
        ends[offset + len(token)] = match.end()
        joined.append(token)
        offset += len(token) + 1
    return _Indexed(text, " ".join(joined), spans, ends)


def _pattern_words(pattern: str) -> list[str]:
    # A hyphen separates words in answers too: "Follow-up" is "follow up".
    return normalise(pattern).replace("-", " ").split()


def pattern_problem(pattern: str) -> str | None:
    """Why a keyword pattern cannot work as written, or None."""
    words = _pattern_words(pattern)
    if not words:
        return "is empty"
    for word in words:
        if not _PATTERN_WORD.match(word):
            return (
                "use letters and digits only, with '*' at the start or end of a word "
                "(e.g. 'entschuldig*'); punctuation and '*' inside a word are not allowed"
            )
        if "*" in word and len(word.strip("*")) < MIN_STEM:
            return f"a stem needs at least {MIN_STEM} letters, or it matches almost anything"
    return None


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    """The pattern as a regular expression over a text's tokens joined by single spaces; a
    lookahead, so that overlapping places are found too."""
    words = []
    for word in _pattern_words(pattern):
        core = word.strip("*")
        if core[:1].isdigit():
            core = _number(core)
        stem, ending = word.endswith("*"), word.startswith("*")
        words.append((r"\S*" if ending else "") + re.escape(core) + (r"\S*" if stem else ""))
    return re.compile(rf"(?<!\S)(?=({' '.join(words)})(?!\S))")


def keyword_found(pattern: str, text: str) -> bool:
    """Whether `pattern` (one or more words, see the module docs) occurs in `text`."""
    return _regex(pattern).search(_index(text).joined) is not None


def find_keywords(text: str | None, patterns: Iterable[str]) -> list[str]:
    """Where any of `patterns` occurs in `text`, as written there: pattern by pattern, each in
    the order of the text, without repeats (ignoring case)."""
    index = _index(text or "")
    found: dict[str, str] = {}
    for pattern in patterns:
        for match in _regex(pattern).finditer(index.joined):
            start, end = index.spans[match.start(1)][0], index.ends[match.end(1)]
            snippet = index.text[start:end]
            found.setdefault(snippet.casefold(), snippet)
    return list(found.values())
